"""Benchmark of issue #9: writers, many reader processes and the running app at once.

    .venv/bin/python bench/concurrency.py [--seconds 60] [--writers 2] [--readers 20] [--db PATH]

``--db`` (default ``IK_MONITOR_DB`` or ``data/monitor.duckdb``) is built with ``python -m etl demo`` and
``python -m etl release`` when it or its first release is missing, and then left as it is: the run works on a
copy in a temporary folder (store, readers' snapshot, releases). On that copy it starts the app
(``python -m ui.serve``) and, for ``--seconds``:

* **writer processes** (``--writers``), each loading a small police workbook of its own Kreise for the newest
  quarter with ``python -m etl load FILE --replace --user wN --json`` and undoing that batch again
  (``python -m etl undo``); in their first cycle and every ``--same-every``-th after it all writers load new
  shelter rows with the SAME keys at once, without ``--replace``: one must win, the others must be refused
  with "bereits geladen";
* **reader processes** (``--readers``), each looping over internal reads (``python -m monitor indicators
  --json`` and ``monitor.figures.LiveFigures`` in the process) and public reads (``--public`` and
  ``ReleaseFigures.latest()``), with ``--pause`` seconds between two reads;
* **page loads** of /, /schutz, /polizei and /regionen in headless Chromium, timed from the navigation until
  the first Plotly chart is drawn (after one untimed warm-up visit of each page);
* right after the start (``--release-at``), **one more release** (``python -m etl release``), which public
  readers must switch to.

It prints one row per role (operations, errors, refusals by another writer and other refusals, median / p95 /
max seconds), the first messages of errors and refusals, and whether each target holds. Exit code 0 when all
hold, 1 otherwise. Ctrl-C stops every process it started. Offline: nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from monitor import config, release, store  # noqa: E402
from monitor.datasets import DATASETS  # noqa: E402
from monitor.periods import Quarter  # noqa: E402

SCRIPT = Path(__file__).resolve()
BUSY = "wird gerade von einem anderen Vorgang benutzt"  # store.StoreBusy, German
KEY_ALREADY_LOADED = "key-already-loaded"  # etl.loader.KEY_ALREADY_LOADED
UNDO_AFTER_OTHER = "hat Zeilen daraus ersetzt"  # etl.loader.UndoRefused: a later batch of another writer
PAGES = ("", "schutz", "polizei", "regionen")
CHART = '[data-testid="stPlotlyChart"] .main-svg'
PAGE_LIMIT_S = 3.0
PAGE_TIMEOUT_S = 30.0
READER_REGIONS = ("05913", "03404", "03241", "03", "05", "09162", "00")
WRITER_LAENDER = ("05", "03", "09", "08", "06", "14")

# outcomes of one operation
OK, ERROR, BY_WRITER, OTHER = "ok", "error", "refused-by-writer", "refused-other"


# --- workbooks (headers from monitor/datasets.py, as tests/messy.py writes them) -------------------------------

def _write_rows(path: Path, dataset: str, rows: list[dict]) -> Path:
    ds = DATASETS[dataset]
    wb = Workbook()
    ws = wb.active
    ws.title = "Daten"
    ws.append([c.header for c in ds.columns])
    for values in rows:
        ws.append([values.get(f) for f in ds.fields])
    wb.save(path)
    return path


def police_workbook(path: Path, quarter: str, kreise: list[str], cycle: int = 0) -> Path:
    """A small, valid police workbook: one row per Kreis; ``cycle`` varies the figures (a new file each time)."""
    rows = []
    for i, ags in enumerate(kreise):
        callouts = 120 + 17 * i + cycle
        rows.append(dict(quarter=quarter, ags=ags, callouts=callouts, victims_female=callouts * 4 // 5,
                         victims_male=callouts // 6, eviction_orders=callouts // 4, referrals=callouts // 2,
                         high_risk_cases=4 + i % 5))
    return _write_rows(path, "police", rows)


def shelter_workbook(path: Path, quarter: str, ags: str, facilities: list[str], variant: int = 0) -> Path:
    """A small, valid shelters workbook; ``variant`` changes the figures (so each writer's file differs)."""
    rows = [dict(quarter=quarter, ags=ags, facility=f, facility_type="Frauenhaus", places_women=8,
                 places_children=10, occupied_days_women=600 + variant, occupied_days_children=700,
                 admissions_women=5 + variant, admissions_children=7, turn_aways=12, turn_aways_no_space=9,
                 full_days=20, accessible_places=1) for f in facilities]
    return _write_rows(path, "shelters", rows)


# --- the store the run works on -------------------------------------------------------------------------------

def releases_of(db: Path) -> Path:
    """The releases folder beside a store (``monitor.release.releases_dir`` for that store)."""
    return db.with_name(f"{db.stem}-releases")


def cli_env(db: Path) -> dict[str, str]:
    """Environment of every process of the run: the store, and no releases folder from outside."""
    env = {**os.environ, config.DB_ENV: str(db), "PYTHONPATH": str(ROOT)}
    env.pop(release.RELEASES_ENV, None)
    return env


def ensure_demo(db: Path, log=print) -> None:
    """Build the demo store and its first release at ``db`` unless they exist (``etl demo``, ``etl release``)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    steps = []
    if not db.exists():
        steps.append(["demo"])
    if steps or release.latest_path(releases_of(db)) is None:
        steps.append(["release", "--user", "demo", "--note", "Demodaten: erste Veröffentlichung"])
    for step in steps:
        log(f"python -m etl {' '.join(step)}  ({db})")
        done = subprocess.run([sys.executable, "-m", "etl", *step], cwd=ROOT, env=cli_env(db),
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"python -m etl {step[0]} failed:\n{done.stdout}\n{done.stderr}")


def copy_store(source: Path, target: Path) -> Path:
    """Copy a store with its readers' snapshot and releases (waits for a running write, as a writer)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with store.connect(source):  # a fresh snapshot before copying
        pass
    with store._writer_lock(source):
        shutil.copyfile(source, target)
        shutil.copyfile(store.snapshot_path(source), store.snapshot_path(target))
    if releases_of(source).is_dir():
        shutil.copytree(releases_of(source), releases_of(target), dirs_exist_ok=True)
    return target


@dataclass
class Plan:
    """What the workers read and write: regions and periods that exist in the store's first release."""

    quarter: str  # the newest quarter: writers load it, pages and readers show it
    periods: list[str]
    regions: list[str]
    writer_kreise: list[list[str]]
    same_key_ags: str
    page_region: str
    start_release: int  # the number of the latest release before the run


def make_plan(db: Path, writers: int, kreise_per_writer: int = 6) -> Plan:
    """Newest quarter, reader regions and periods, each writer's Kreise (a Land of its own), from the release."""
    from monitor.figures import ReleaseFigures

    figures = ReleaseFigures.latest(releases_of(db))
    try:
        periods = figures.periods()
        index = figures.regions()
        number = figures.number
    finally:
        figures.close()
    quarters = [p for p in periods if "-Q" in p]
    years = [p for p in periods if "-Q" not in p]
    if not quarters:
        raise RuntimeError("the first release holds no quarter")
    quarter = quarters[0]
    start = Quarter.parse(quarter).start
    regions = [r for r in READER_REGIONS if index.get(r) is not None]
    kreise = []
    for w in range(writers):
        land = WRITER_LAENDER[w % len(WRITER_LAENDER)]
        own = [r.ags for r in index.kreise(land) if r.valid_on(start)]
        chunk = w // len(WRITER_LAENDER)  # more writers than Länder: further Kreise of the same Land
        kreise.append(own[chunk * kreise_per_writer:(chunk + 1) * kreise_per_writer])
    page_region = "05913" if index.get("05913") else regions[0]
    same_key_ags = kreise[0][0] if kreise else "05913"
    return Plan(quarter, quarters[:2] + years[:1], regions, kreise, same_key_ags, page_region, number)


# --- process handling -----------------------------------------------------------------------------------------

class Processes:
    """Every child of the run in a process group of its own, so that stopping one stops its children too."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []
        self.lock = threading.Lock()

    def start(self, args: list[str], *, env: dict[str, str], stdout=subprocess.DEVNULL,
              stderr=subprocess.DEVNULL, text: bool = False) -> subprocess.Popen:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, text=text,
                                start_new_session=True)
        with self.lock:
            self.procs.append(proc)
        return proc

    def stop_all(self, grace: float = 5.0) -> None:
        with self.lock:
            procs = [p for p in self.procs if p.poll() is None]
        for p in procs:
            _signal_group(p, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for p in procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(p, signal.SIGKILL)
                p.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the group this child leads (start_new_session), not ours
    except ProcessLookupError:
        pass


@contextmanager
def app_server(db: Path, processes: Processes, log_path: Path) -> Iterator[str]:
    """``python -m ui.serve`` on a free port against ``db`` (as tests/browser.py starts it); yields its URL."""
    import urllib.request

    from tests.browser import free_port

    port = free_port()
    with open(log_path, "w") as log:
        proc = processes.start(
            [sys.executable, "-m", "ui.serve", "--server.port", str(port), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            env=cli_env(db), stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the app did not start:\n" + log_path.read_text())
            time.sleep(0.25)
        try:
            yield url
        finally:
            _signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()


# --- workers (each runs as ``python bench/concurrency.py --worker KIND --config FILE --index N``) -------------

class Recorder:
    """One JSON line per operation into the worker's file."""

    def __init__(self, path: Path, role: str, index: int):
        self.handle = open(path, "a", encoding="utf-8")
        self.role, self.index = role, index

    def __call__(self, op: str, started: float, outcome: str, message: str = "", **extra) -> None:
        record = {"role": self.role, "worker": self.index, "op": op, "t": started,
                  "s": round(time.time() - started, 4), "outcome": outcome, "message": message[:500], **extra}
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.handle.flush()


def _wait_for_go(cfg: dict, ready: Path) -> float:
    """Say ready, then wait for the start signal; returns the end of the run (epoch seconds)."""
    ready.touch()
    go = Path(cfg["go"])
    while not go.exists():
        time.sleep(0.05)
    time.sleep(0.05)
    return float(json.loads(go.read_text())["until"])


def _run(args: list[str], env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def reader_worker(cfg: dict, index: int) -> None:
    from monitor.figures import LiveFigures, ReleaseFigures

    db = Path(cfg["db"])
    env = cli_env(db)
    os.environ.update({config.DB_ENV: str(db)})
    record = Recorder(Path(cfg["workdir"]) / f"reader-{index:02d}.jsonl", "reader", index)
    rng = random.Random(index)
    kinds = ("cli-intern", "live-intern", "cli-public", "release-public")
    until = _wait_for_go(cfg, Path(cfg["workdir"]) / f"reader-{index:02d}.ready")
    n = index
    while time.time() < until:
        kind = kinds[n % len(kinds)]
        n += 1
        ags, period = rng.choice(cfg["regions"]), rng.choice(cfg["periods"])
        started = time.time()
        extra: dict[str, Any] = {"region": ags, "period": period}
        try:
            if kind.startswith("cli"):
                args = [sys.executable, "-m", "monitor", "indicators", "--region", ags, "--period", period, "--json"]
                if kind == "cli-public":
                    args.append("--public")
                done = _run(args, env)
                if done.returncode != 0:
                    record(kind, started, ERROR, f"exit {done.returncode}: {_last_line(done.stderr)}", **extra)
                    continue
                out = json.loads(done.stdout)
                if out.get("region") != ags or not out.get("indicators"):
                    record(kind, started, ERROR, f"unexpected output: {done.stdout[:200]}", **extra)
                    continue
                if kind == "cli-public":
                    extra["release"] = out.get("release")
            elif kind == "live-intern":
                report = LiveFigures(db).report(ags, period)
                if not report.values:
                    raise RuntimeError("empty report")
            else:
                figures = ReleaseFigures.latest(releases_of(db))
                try:
                    report = figures.report(ags, period)
                    extra["release"] = figures.number
                finally:
                    figures.close()
                if not report.values:
                    raise RuntimeError("empty report")
            record(kind, started, OK, **extra)
        except Exception as exc:  # every failure of a read is what the benchmark counts
            record(kind, started, ERROR, f"{type(exc).__name__}: {exc}", **extra)
        finally:
            if cfg["pause"] > 0 and time.time() < until:
                time.sleep(cfg["pause"])


def classify_load(done: subprocess.CompletedProcess) -> tuple[str, str, dict]:
    """(outcome, message, details) of a ``python -m etl load --json`` run."""
    if done.returncode not in (0, 1):
        return ERROR, f"exit {done.returncode}: {_last_line(done.stderr)}", {}
    try:
        files = json.loads(done.stdout)["files"] if done.stdout.strip() else []
    except ValueError:
        return ERROR, f"exit {done.returncode}, output not JSON: {done.stdout[:200]} {_last_line(done.stderr)}", {}
    if done.returncode == 0:
        batches = [b for f in files for b in f.get("batch_ids", [])]
        statuses = sorted({f.get("status") for f in files})
        return OK, "", {"batch_ids": batches, "status": ",".join(statuses)}
    codes = sorted({e.get("code") for f in files for e in f.get("errors", [])})
    message = " ".join(e.get("message", "") for f in files for e in f.get("errors", [])) or _last_line(done.stderr)
    if not files and BUSY in done.stderr:
        return BY_WRITER, _last_line(done.stderr), {"code": "busy"}
    if codes == [KEY_ALREADY_LOADED]:
        return BY_WRITER, message, {"code": KEY_ALREADY_LOADED}
    return OTHER, message, {"code": ",".join(c for c in codes if c)}


def classify_undo(done: subprocess.CompletedProcess) -> tuple[str, str, dict]:
    """(outcome, message, details) of a ``python -m etl undo --json`` run."""
    if done.returncode == 0:
        return OK, "", {}
    text = _last_line(done.stderr)
    if done.returncode != 1:
        return ERROR, f"exit {done.returncode}: {text}", {}
    if BUSY in done.stderr:
        return BY_WRITER, text, {"code": "busy"}
    if UNDO_AFTER_OTHER in done.stderr:
        return BY_WRITER, text, {"code": "replaced-by-later-batch"}
    return OTHER, text, {}


def _file_barrier(folder: Path, name: str, index: int, parties: int, deadline: float) -> bool:
    """Wait until every writer has reached ``name``; False when one did not come before the deadline."""
    (folder / f"{name}-w{index}").touch()
    while time.time() < deadline:
        if all((folder / f"{name}-w{i}").exists() for i in range(parties)):
            return True
        time.sleep(0.02)
    return False


def writer_worker(cfg: dict, index: int) -> None:
    db = Path(cfg["db"])
    env = cli_env(db)
    work = Path(cfg["workdir"])
    files = work / f"writer-{index}"
    files.mkdir(exist_ok=True)
    record = Recorder(work / f"writer-{index}.jsonl", "writer", index)
    user = f"w{index + 1}"
    kreise = cfg["writer_kreise"][index]
    until = _wait_for_go(cfg, work / f"writer-{index}.ready")
    cycle, rounds = 0, 0
    while time.time() < until:
        cycle += 1
        same_keys = cfg["writers"] > 1 and cfg["same_every"] > 0 and cycle % cfg["same_every"] == 1 % cfg["same_every"]
        if same_keys:
            rounds += 1
            _same_key_round(cfg, index, rounds, files, env, record, user, until)
            continue
        path = police_workbook(files / f"polizei-{cycle:04d}.xlsx", cfg["quarter"], kreise, cycle)
        started = time.time()
        done = _run([sys.executable, "-m", "etl", "load", str(path), "--replace", "--user", user, "--json"], env)
        outcome, message, details = classify_load(done)
        record("load", started, outcome, message, cycle=cycle, **details)
        for batch in details.get("batch_ids", []) if outcome == OK else []:
            started = time.time()
            done = _run([sys.executable, "-m", "etl", "undo", str(batch), "--user", user, "--json"], env)
            outcome, message, undo_details = classify_undo(done)
            record("undo", started, outcome, message, cycle=cycle, batch=batch, **undo_details)


def _same_key_round(cfg: dict, index: int, k: int, files: Path, env: dict, record: Recorder, user: str,
                    until: float) -> None:
    """All writers load shelter rows with the same keys (new facilities) at once, without --replace."""
    work = Path(cfg["workdir"])
    facilities = [f"BENCH-R{k:03d}-FH-{i}" for i in range(1, 4)]
    path = shelter_workbook(files / f"gleiche-schluessel-{k:03d}.xlsx", cfg["quarter"], cfg["same_key_ags"],
                            facilities, variant=index)
    if not _file_barrier(work, f"round-{k:03d}-start", index, cfg["writers"], until):
        return  # another writer has stopped: no round
    started = time.time()
    done = _run([sys.executable, "-m", "etl", "load", str(path), "--user", user, "--json"], env)
    outcome, message, details = classify_load(done)
    record("same-keys", started, outcome, message, round=k, **details)
    # the winner undoes its batch only after every writer's load has ended (else a late one could win too)
    _file_barrier(work, f"round-{k:03d}-done", index, cfg["writers"], time.time() + 60)
    for batch in details.get("batch_ids", []) if outcome == OK else []:
        started = time.time()
        done = _run([sys.executable, "-m", "etl", "undo", str(batch), "--user", user, "--json"], env)
        outcome, message, undo_details = classify_undo(done)
        record("undo", started, outcome, message, round=k, batch=batch, **undo_details)


def pages_worker(cfg: dict, index: int) -> None:
    from tests.browser import chromium_page

    work = Path(cfg["workdir"])
    record = Recorder(work / "pages.jsonl", "page", index)
    query = f"?region={cfg['page_region']}&period={cfg['quarter']}"

    paths = cfg["pages"]

    def visit(page, path: str) -> tuple[str, str]:
        try:
            page.goto(f"{cfg['url']}/{path}{query}", wait_until="commit", timeout=PAGE_TIMEOUT_S * 1000)
            page.wait_for_selector(CHART, timeout=PAGE_TIMEOUT_S * 1000)
        except Exception as exc:  # a timeout or a failed navigation counts as a failed page
            text = ""
            try:
                text = page.locator('[data-testid="stMain"]').inner_text(timeout=2000)[:200]
            except Exception:  # noqa: BLE001 - the page may be gone
                pass
            return ERROR, f"{type(exc).__name__}: {str(exc).splitlines()[0]} | {text}"
        if page.locator('[data-testid="stException"]').count():
            return ERROR, "Streamlit exception on the page"
        return OK, ""

    with chromium_page() as (page, watch):
        for path in paths:  # warm-up, untimed for the targets: the first visit after the app started
            started = time.time()
            outcome, message = visit(page, path)
            record(f"/{path}", started, outcome, message, warmup=True)
        until = _wait_for_go(cfg, work / "pages.ready")
        n = 0
        while time.time() < until:
            path = paths[n % len(paths)]
            n += 1
            started = time.time()
            outcome, message = visit(page, path)
            record(f"/{path}", started, outcome, message)
        record("browser", time.time(), OK if not watch.page_errors and not watch.external_requests else ERROR,
               "; ".join(watch.page_errors[:3] + watch.external_requests[:3]),
               console_errors=watch.console_errors[:5], page_errors=len(watch.page_errors),
               external_requests=len(watch.external_requests))


WORKERS = {"reader": reader_worker, "writer": writer_worker, "pages": pages_worker}


# --- one run --------------------------------------------------------------------------------------------------

@dataclass
class RunResult:
    records: list[dict]
    plan: Plan
    seconds: float
    writers: int
    readers: int
    pause: float
    release: dict = field(default_factory=dict)
    cpu_busy: float | None = None  # share of all cores busy during the run (Linux /proc/stat)


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores since boot, or None where /proc/stat does not exist."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def run(db: Path, *, seconds: float, writers: int, readers: int, workdir: Path, pause: float = 0.5,
        same_every: int = 3, release_at: float = 0.05, pages: tuple[str, ...] = PAGES,
        page_region: str | None = None, log=print) -> RunResult:
    """Run the benchmark on ``db`` (changed: loads, undos and one release); records of every operation.

    ``release_at``: when the release during the run starts, as a share of ``seconds`` (outside 0 … 1: none);
    ``pages``: the paths Chromium loads in turn (none: no browser).
    """
    plan = make_plan(db, writers)
    if page_region:
        plan.page_region = page_region
    processes = Processes()
    cfg = {"db": str(db), "workdir": str(workdir), "go": str(workdir / "go.json"), "pause": pause,
           "regions": plan.regions, "periods": plan.periods, "quarter": plan.quarter, "writers": writers,
           "writer_kreise": plan.writer_kreise, "same_key_ags": plan.same_key_ags, "same_every": same_every,
           "page_region": plan.page_region, "pages": list(pages)}
    release_result: dict = {}
    cpu = [None, None]
    try:
        with app_server(db, processes, workdir / "app.log") as url:
            cfg["url"] = url
            cfg_path = workdir / "config.json"
            cfg_path.write_text(json.dumps(cfg), encoding="utf-8")

            def worker(kind: str, i: int, name: str) -> subprocess.Popen:
                err = open(workdir / f"{name}.stderr", "w")
                return processes.start([sys.executable, str(SCRIPT), "--worker", kind, "--config", str(cfg_path),
                                        "--index", str(i)], env=cli_env(db), stderr=err)

            children = [worker("writer", i, f"writer-{i}") for i in range(writers)]
            children += [worker("reader", i, f"reader-{i:02d}") for i in range(readers)]
            ready = [workdir / f"writer-{i}.ready" for i in range(writers)]
            ready += [workdir / f"reader-{i:02d}.ready" for i in range(readers)]
            if pages:
                children.append(worker("pages", 0, "pages"))
                ready.append(workdir / "pages.ready")
            log(f"App {url}; {writers} Schreiber, {readers} Leser, Seitenaufrufe: warten auf Start …")
            deadline = time.monotonic() + 180
            while not all(p.exists() for p in ready):
                dead = [p for p in children if p.poll() is not None]
                if dead or time.monotonic() > deadline:
                    names = [p.name for p in ready if not p.exists()]
                    raise RuntimeError(f"workers did not get ready: {names}; see {workdir}/*.stderr")
                time.sleep(0.1)
            start = time.time()
            cpu[0] = _cpu_times()
            until = start + seconds
            (workdir / "go.json.tmp").write_text(json.dumps({"until": until}))
            os.replace(workdir / "go.json.tmp", workdir / "go.json")
            log(f"Lauf gestartet: {seconds:.0f} s")
            if 0 <= release_at <= 1:  # one more release, which public readers must switch to
                release_result = _release_during(db, processes, start + seconds * release_at, seconds, log)
            time.sleep(max(0.0, until - time.time()))
            cpu[1] = _cpu_times()
            for child in children:
                try:
                    child.wait(max(5.0, until + 90 - time.time()))
                except subprocess.TimeoutExpired:
                    log(f"worker {child.args[3:5]} did not stop in time; stopped")
    finally:
        processes.stop_all()
    records = []
    for path in sorted(workdir.glob("*.jsonl")):
        records += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted(workdir.glob("*.stderr")):  # a worker that died: its traceback counts as an error
        text = path.read_text(errors="replace").strip()
        if "Traceback" in text:
            role = "page" if path.stem == "pages" else path.stem.split("-")[0]
            records.append({"role": role, "worker": path.stem, "op": "worker", "t": 0, "s": 0, "outcome": ERROR,
                            "message": _last_line(text)})
    busy = None
    if cpu[0] and cpu[1] and cpu[1][1] > cpu[0][1]:
        busy = (cpu[1][0] - cpu[0][0]) / (cpu[1][1] - cpu[0][1])
    return RunResult(records, plan, seconds, writers, readers, pause, release_result, busy)


def _release_during(db: Path, processes: Processes, at: float, seconds: float, log) -> dict:
    time.sleep(max(0.0, at - time.time()))
    started = time.time()
    proc = processes.start([sys.executable, "-m", "etl", "release", "--user", "bench", "--note",
                            "Benchmark: Veröffentlichung während des Laufs"], env=cli_env(db),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=max(120.0, seconds * 2))
    result = {"t": started, "s": round(time.time() - started, 2), "exit": proc.returncode,
              "message": _last_line(out) if proc.returncode == 0 else _last_line(err)}
    log(f"Veröffentlichung während des Laufs: exit {proc.returncode}, {result['s']:.1f} s")
    return result


# --- evaluation -----------------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def same_key_rounds(records: list[dict], writers: int) -> list[dict]:
    """Per round of same-key loads: winners, clear refusals and what else happened."""
    rounds: dict[int, list[dict]] = {}
    for r in records:
        if r["role"] == "writer" and r["op"] == "same-keys":
            rounds.setdefault(r["round"], []).append(r)
    out = []
    for k, rs in sorted(rounds.items()):
        winners = sum(r["outcome"] == OK and "loaded" in r.get("status", "") for r in rs)
        refused = sum(r["outcome"] == BY_WRITER and r.get("code") == KEY_ALREADY_LOADED for r in rs)
        # a round only some writers reached (the run ended while the others were still busy) proves nothing
        out.append({"round": k, "loads": len(rs), "winners": winners, "refused": refused,
                    "complete": len(rs) == writers, "ok": winners == 1 and refused == writers - 1,
                    "outcomes": [f"{r['outcome']}:{r.get('code') or r.get('status', '')}" for r in rs]})
    return out


def summarise(result: RunResult) -> dict:
    """Rows of the table (per role and kind of operation) and the targets."""
    timed = [r for r in result.records if not r.get("warmup") and r["op"] not in ("browser", "worker")]
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in timed:
        groups.setdefault((r["role"], r["op"]), []).append(r)
    order = {"writer": 0, "reader": 1, "page": 2}
    rows = []
    for (role, op), rs in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0][1])):
        secs = [r["s"] for r in rs]
        rows.append({"role": role, "op": op, "n": len(rs),
                     "errors": [r["message"] for r in rs if r["outcome"] == ERROR],
                     "by_writer": [r["message"] for r in rs if r["outcome"] == BY_WRITER],
                     "other": [r["message"] for r in rs if r["outcome"] == OTHER],
                     "median": statistics.median(secs), "p95": percentile(secs, 95), "max": max(secs)})
    rel = result.release
    if rel:
        rows.append({"role": "release", "op": "etl release", "n": 1,
                     "errors": [] if rel["exit"] == 0 else [rel["message"]], "by_writer": [], "other": [],
                     "median": rel["s"], "p95": rel["s"], "max": rel["s"]})
    dead = [r for r in result.records if r["op"] == "worker"]
    reader_errors = [r["message"] for r in timed + dead if r["role"] == "reader" and r["outcome"] == ERROR]
    writer_bad = [r["message"] for r in timed + dead if r["role"] == "writer" and r["outcome"] in (ERROR, OTHER)]
    pages = [r for r in timed if r["role"] == "page"]
    page_bad = [r for r in pages if r["outcome"] != OK or r["s"] > PAGE_LIMIT_S]
    page_bad += [r for r in dead if r["role"] == "page"]
    rounds = same_key_rounds(result.records, result.writers)
    complete = [r for r in rounds if r["complete"]]
    second = result.plan.start_release + 1
    public = [r for r in timed if r["role"] == "reader" and r["op"].endswith("public") and r["outcome"] == OK]
    after = [r for r in public if rel and r["t"] > rel["t"] + rel["s"]]
    targets = {
        "0 Lesefehler": (not reader_errors, f"{len(reader_errors)} Fehler"),
        "0 Ablehnungen von Schreibern außer durch einen anderen Schreiber":
            (not writer_bad, f"{len(writer_bad)} andere Ablehnungen/Fehler"),
        f"jede Seite ≤ {PAGE_LIMIT_S:.0f} s": (bool(pages) and not page_bad,
                                             f"{len(pages)} Aufrufe, {len(page_bad)} darüber oder fehlgeschlagen"),
        "gleiche Schlüssel: 1 Gewinner, sonst klare Ablehnung":
            (bool(complete) and all(r["ok"] for r in complete) if result.writers > 1 else True,
             f"{sum(r['ok'] for r in complete)} von {len(complete)} Runden" if result.writers > 1 else "1 Schreiber"),
        "Veröffentlichung im Lauf, Leser wechseln ohne Fehler": _switch(rel, after, second),
    }
    return {"rows": rows, "targets": targets, "rounds": rounds,
            "warmup": [r for r in result.records if r.get("warmup")],
            "browser": [r for r in result.records if r["op"] == "browser"]}


def _switch(rel: dict, after: list[dict], second: int) -> tuple[bool, str]:
    """The release during the run: written without error, and every public read begun after it reads it.

    A release that ended only after the readers had stopped shows nothing about switching; that is reported,
    and only its exit code counts.
    """
    if not rel:
        return True, "keine Veröffentlichung im Lauf (--release-at)"
    if rel["exit"] != 0:
        return False, f"Veröffentlichung mit exit {rel['exit']} abgebrochen"
    if not after:
        return True, f"Nr. {second} geschrieben, erst nach den Lesern fertig ({rel['s']:.0f} s): Wechsel nicht gezeigt"
    seen = sum(r.get("release") == second for r in after)
    return seen == len(after), f"{seen} von {len(after)} öffentlichen Lesevorgängen danach aus Nr. {second}"


_ROLE_DE = {"writer": "Schreiber", "reader": "Leser", "page": "Seite", "release": "Veröffentl."}


def table(result: RunResult, summary: dict) -> str:
    lines = [f"{result.seconds:.0f} s, {result.writers} Schreiber, {result.readers} Leser (Pause {result.pause} s), "
             f"App + Chromium, {os.cpu_count()} Kerne; Quartal {result.plan.quarter}, Seiten mit "
             f"region={result.plan.page_region}"
             + (f"; CPU während des Laufs zu {result.cpu_busy:.0%} belegt" if result.cpu_busy is not None else "")]
    head = f"{'Rolle':<11} {'Vorgang':<15} {'Anzahl':>6} {'Fehler':>6} {'abgel. Schr.':>12} {'abgel. sonst':>12} " \
           f"{'Median s':>8} {'p95 s':>7} {'Max s':>7}"
    lines += [head, "-" * len(head)]
    for r in summary["rows"]:
        lines.append(f"{_ROLE_DE.get(r['role'], r['role']):<11} {r['op']:<15} {r['n']:>6} {len(r['errors']):>6} "
                     f"{len(r['by_writer']):>12} {len(r['other']):>12} {r['median']:>8.2f} {r['p95']:>7.2f} "
                     f"{r['max']:>7.2f}")
    for r in summary["rows"]:
        for kind, messages in (("Fehler", r["errors"]), ("abgelehnt (sonst)", r["other"]),
                               ("abgelehnt (Schreiber)", r["by_writer"])):
            for m in list(dict.fromkeys(messages))[:2]:
                lines.append(f"  {r['role']} {r['op']} – {kind}: {m}")
    warm = summary["warmup"]
    if warm:
        lines.append("Aufwärmen (erster Aufruf je Seite, nicht gewertet): "
                     + ", ".join(f"{r['op']} {r['s']:.1f} s" + ("" if r["outcome"] == OK else " FEHLER")
                                 for r in warm))
    for b in summary["browser"]:
        lines.append(f"Browser: {b['page_errors']} Seitenfehler, {b['external_requests']} externe Anfragen, "
                     f"{len(b['console_errors'])} Konsolenfehler" + (f" ({b['console_errors'][0]})"
                                                                     if b["console_errors"] else ""))
    rounds = summary["rounds"]
    if rounds:
        lines.append("Gleiche Schlüssel: " + "; ".join(
            f"Runde {r['round']}: {r['winners']} Gewinner, {r['refused']} abgelehnt"
            + ("" if r["complete"] else " (unvollständig, Laufende)") for r in rounds))
    if result.release:
        lines.append(f"Veröffentlichung während des Laufs: {result.release['message']}")
    lines.append("Ziele (Issue #9):")
    for name, (ok, detail) in summary["targets"].items():
        lines.append(f"  [{'erreicht' if ok else 'VERFEHLT'}] {name} – {detail}")
    return "\n".join(lines)


def all_hold(summary: dict) -> bool:
    return all(ok for ok, _ in summary["targets"].values())


# --- command line ---------------------------------------------------------------------------------------------

def _interrupt(*_) -> None:
    raise KeyboardInterrupt

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark: Schreiber, Leser und App gleichzeitig (Issue #9).")
    parser.add_argument("--seconds", type=float, default=60, help="Dauer des Laufs (Standard 60)")
    parser.add_argument("--writers", type=int, default=2, help="Schreibprozesse (Standard 2)")
    parser.add_argument("--readers", type=int, default=20, help="Leseprozesse (Standard 20)")
    parser.add_argument("--db", help="Demodatenbank (Standard: IK_MONITOR_DB oder data/monitor.duckdb); "
                                     "fehlt sie, wird sie gebaut; der Lauf arbeitet auf einer Kopie")
    parser.add_argument("--pause", type=float, default=0.5, help="Sekunden zwischen zwei Lesevorgängen eines Lesers")
    parser.add_argument("--same-every", type=int, default=3,
                        help="jeder N-te Zyklus der Schreiber lädt gleiche Schlüssel (Standard 3; der erste immer)")
    parser.add_argument("--release-at", type=float, default=0.05,
                        help="Start der Veröffentlichung während des Laufs, Anteil von --seconds (Standard 0,05; "
                             "außerhalb 0 … 1: keine)")
    parser.add_argument("--keep", action="store_true", help="Arbeitsordner (Kopie, Protokolle) behalten")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        WORKERS[args.worker](json.loads(Path(args.config).read_text(encoding="utf-8")), args.index)
        return 0

    signal.signal(signal.SIGTERM, _interrupt)
    source = Path(args.db) if args.db else config.db_path()
    workdir = Path(tempfile.mkdtemp(prefix="ik-bench-concurrency-"))
    try:
        ensure_demo(source)
        db = copy_store(source, workdir / "store" / "monitor.duckdb")
        result = run(db, seconds=args.seconds, writers=args.writers, readers=args.readers, workdir=workdir,
                     pause=args.pause, same_every=args.same_every, release_at=args.release_at)
        summary = summarise(result)
        print()
        print(table(result, summary))
        return 0 if all_hold(summary) else 1
    except KeyboardInterrupt:
        print("abgebrochen", file=sys.stderr)
        return 130
    finally:
        if args.keep:
            print(f"Arbeitsordner: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
