"""Benchmark of issue #13 items 3 and 5: concurrent page loads for one app process against two behind nginx, and
the first visitor after a restart with and without the warm start.

    .venv/bin/python bench/processes.py [--ws-clients 8] [--ws-rounds 5] [--clients 6] [--rounds 3]
                                        [--region 05913] [--restart-runs 2] [--db PATH]

``--db`` (default ``IK_MONITOR_DB`` or ``data/monitor.duckdb``) is built with ``python -m etl demo`` and ``etl
release`` when it or its release is missing; the run works on a copy. First against one app process directly
(``python -m ui.serve``), then against two processes behind nginx (``tools/multi.py --processes 2``, sticky by
cookie); each process has warmed itself and shown every page once (untimed) before the timed part. The pages are
/, /schutz and /polizei (``?region=…``, public view), two ways:

* **page runs without a browser**: ``--ws-clients`` WebSocket clients at once (asyncio, in this process), each
  asking ``--ws-rounds`` times for each page over ``/_stcore/stream`` as a browser does, timed until Streamlit
  says ``script_finished``: what the servers can do, with almost nothing else on the cores;
* **page loads in a browser**: headless Debian Chromium (Playwright's async API, one browser) with ``--clients``
  contexts at once, each loading the pages ``--rounds`` times, timed from the navigation until the first Plotly
  chart is visible. Chromium runs on the same cores as the servers; its drawing competes with them, as it would
  not for visitors on their own machines.

Each prints loads, errors, median / p95 / max seconds, loads per minute, the ratios one : two, the share of the
CPU in use and how nginx spread clients and contexts: their ``ik_route`` cookies are chosen so that nginx spreads
them evenly, as it does many visitors (a handful of random cookies may well land 7 : 1).

The restart section starts one app process ``--restart-runs`` times with ``IK_MONITOR_WARM=off`` and as many
times with the warm-up (waiting until its log says the caches are warm) and times a first visitor's /, /schutz
and /polizei in the default view (Germany, newest period) in a new browser context, and a second visitor's after
it. Prints figures and ratios, asserts nothing; Ctrl-C stops every process it started. Offline: nothing is
downloaded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.concurrency import _cpu_times, cli_env, copy_store, ensure_demo, percentile  # noqa: E402
from monitor import config  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, free_port  # noqa: E402
from tools.multi import BACKEND_HEADER, find_nginx, healthy, port_free  # noqa: E402

PAGES = ("", "schutz", "polizei")
CHART = '[data-testid="stPlotlyChart"] .main-svg'
PAGE_TIMEOUT_S = 120.0
START_TIMEOUT_S = 180.0


# --- servers ---------------------------------------------------------------------------------------------------

def _stop(proc: subprocess.Popen, grace: float = 15.0) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


@contextmanager
def one_process(db: Path, log_path: Path, *, warm: bool = True) -> Iterator[str]:
    """``python -m ui.serve`` on a free port; yields its URL once it answers its health check."""
    port = free_port()
    env = {**cli_env(db), "IK_MONITOR_WARM": "on" if warm else "off"}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.serve", "--server.port", str(port), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not healthy(url, timeout=1.0):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the app did not start:\n" + log_path.read_text())
            time.sleep(0.1)
        yield url
    finally:
        _stop(proc)


@contextmanager
def behind_nginx(db: Path, workdir: Path, processes: int) -> Iterator[tuple[str, list[str]]]:
    """``tools/multi.py`` with ``processes`` app processes; yields the nginx URL and the apps' URLs."""
    while True:
        port, base = free_port(), free_port()
        if all(port_free(p) for p in range(base, base + processes)) and port not in range(base, base + processes):
            break
    log_path = workdir / "multi.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / "multi.py"), "--processes", str(processes), "--port", str(port),
             "--app-port", str(base), "--address", "127.0.0.1", "--run-dir", str(workdir / "run")],
            cwd=ROOT, env=cli_env(db), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "nginx verteilt" not in log_path.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("tools/multi.py did not start:\n" + log_path.read_text())
            time.sleep(0.25)
        yield f"http://127.0.0.1:{port}", [f"http://127.0.0.1:{p}" for p in range(base, base + processes)]
    finally:
        _stop(proc, grace=30.0)


def wait_warm(log_path: Path, timeout: float = START_TIMEOUT_S) -> float:
    """Seconds until the app's log says its caches are warm (``ui/warm.py``)."""
    started = time.monotonic()
    while "caches warmed for" not in log_path.read_text(errors="replace"):
        if time.monotonic() - started > timeout:
            raise RuntimeError("the app did not report a warm-up:\n" + log_path.read_text(errors="replace"))
        time.sleep(0.1)
    return time.monotonic() - started


# --- the browser -----------------------------------------------------------------------------------------------

async def _context(browser):
    context = await browser.new_context(locale="de-DE", viewport={"width": 1440, "height": 1000})

    async def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            await r.continue_()
        else:
            await r.abort()

    await context.route("**/*", route)
    return context


async def _load(page, url: str) -> tuple[float, str, str | None]:
    """Seconds from navigation to the first visible chart, an error text ("" when none) and the answering process."""
    started = time.perf_counter()
    try:
        response = await page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_S * 1000)
        await page.wait_for_selector(CHART, state="visible", timeout=PAGE_TIMEOUT_S * 1000)
    except Exception as exc:  # noqa: BLE001 - a timeout or a failed navigation counts as a failed load
        return time.perf_counter() - started, f"{type(exc).__name__}: {str(exc).splitlines()[0]}", None
    backend = (await response.all_headers()).get(BACKEND_HEADER.lower()) if response else None
    return time.perf_counter() - started, "", backend


async def _browser(p):
    return await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


async def visit_each(urls: list[str], query: str) -> None:
    """Untimed: every page once on every process, so that every process has drawn every page before."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await _browser(p)
        for base in urls:
            context = await _context(browser)
            page = await context.new_page()
            for path in PAGES:
                _, error, _ = await _load(page, f"{base}/{path}{query}")
                if error:
                    raise RuntimeError(f"warm-up of {base}/{path}: {error}")
            await context.close()
        await browser.close()


async def concurrent_loads(url: str, query: str, clients: int, rounds: int) -> dict:
    """``clients`` contexts at once, each loading ``PAGES`` ``rounds`` times; every load's seconds and errors."""
    from playwright.async_api import async_playwright

    records: list[tuple[str, float, str]] = []
    backends: list[str | None] = []
    routes = balanced_routes(url, clients)

    async with async_playwright() as p:
        browser = await _browser(p)

        async def client(route: str) -> None:
            context = await _context(browser)
            host = urlparse(url).hostname
            await context.add_cookies([{"name": "ik_route", "value": route, "domain": host, "path": "/"}])
            page = await context.new_page()
            first = None
            for _ in range(rounds):
                for path in PAGES:
                    seconds, error, backend = await _load(page, f"{url}/{path}{query}")
                    records.append((f"/{path}", seconds, error))
                    first = first or backend
            backends.append(first)
            await context.close()

        cpu_before, started = _cpu_times(), time.perf_counter()
        await asyncio.gather(*(client(route) for route in routes))
        wall, cpu_after = time.perf_counter() - started, _cpu_times()
        await browser.close()
    busy = None
    if cpu_before and cpu_after and cpu_after[1] > cpu_before[1]:
        busy = (cpu_after[0] - cpu_before[0]) / (cpu_after[1] - cpu_before[1])
    ok = [s for _, s, e in records if not e]
    return {"loads": len(records), "errors": [e for _, _, e in records if e], "ok": ok, "wall": wall,
            "per_min": len(ok) / wall * 60 if wall else 0.0, "backends": Counter(backends), "cpu": busy,
            "by_page": {f"/{p}": [s for q, s, e in records if q == f"/{p}" and not e] for p in PAGES}}


# --- page runs without a browser: the server's share ------------------------------------------------------------

async def _ws_page(url: str, page: str, query: str, route: str) -> tuple[float, str, str | None]:
    """One page run as a browser asks for it over ``/_stcore/stream`` (``ui/warm.py`` does the same), timed until
    ``script_finished``; the cookie ``ik_route`` keeps a client at its process behind nginx. Returns the seconds,
    an error text ("" when none) and the process nginx chose (None without nginx)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    started = time.perf_counter()
    try:
        async with connect("ws" + url.removeprefix("http") + "/_stcore/stream", open_timeout=PAGE_TIMEOUT_S,
                           close_timeout=5, max_size=None, additional_headers={"Cookie": f"ik_route={route}"}) as ws:
            backend = ws.response.headers.get(BACKEND_HEADER) if ws.response else None
            ask = BackMsg()
            ask.rerun_script.query_string = query.lstrip("?")
            ask.rerun_script.page_name = page
            await ws.send(ask.SerializeToString())
            while True:
                message = ForwardMsg()
                message.ParseFromString(await asyncio.wait_for(ws.recv(), PAGE_TIMEOUT_S))
                if message.WhichOneof("type") == "script_finished":
                    if message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                        break
                    if message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        raise RuntimeError(f"status {message.script_finished}")
    except Exception as exc:  # noqa: BLE001 - counted as a failed run
        return time.perf_counter() - started, f"{type(exc).__name__}: {exc}", None
    return time.perf_counter() - started, "", backend


def balanced_routes(url: str, n: int) -> list[str]:
    """``n`` values for the cookie ``ik_route`` that nginx spreads evenly over its processes (as many visitors
    would on average; a handful of random ones may well land 7 : 1). Without nginx: any values."""
    import urllib.request

    wanted: dict[str | None, list[str]] = {}
    for _ in range(50 * n):
        route = os.urandom(16).hex()
        request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"ik_route={route}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            wanted.setdefault(response.headers.get(BACKEND_HEADER), []).append(route)
        if None in wanted:  # no nginx in front
            return [os.urandom(16).hex() for _ in range(n)]
        groups = list(wanted.values())
        if len(groups) > 1 and all(len(g) >= n // len(groups) + 1 for g in groups):
            break
    groups = [g for g in wanted.values() if len(g) >= n // len(wanted) + 1] or list(wanted.values())
    return [groups[i % len(groups)][(i // len(groups)) % len(groups[i % len(groups)])] for i in range(n)]


async def ws_loads(url: str, query: str, clients: int, rounds: int) -> dict:
    """``clients`` WebSocket clients at once, each running ``PAGES`` ``rounds`` times (spread evenly by nginx)."""
    records: list[tuple[str, float, str]] = []
    backends: list[str | None] = []
    routes = balanced_routes(url, clients)

    async def client(route: str) -> None:
        first = None
        for _ in range(rounds):
            for path in PAGES:
                seconds, error, backend = await _ws_page(url, path, query, route)
                records.append((f"/{path}", seconds, error))
                first = first or backend
        backends.append(first)

    cpu_before, started = _cpu_times(), time.perf_counter()
    await asyncio.gather(*(client(route) for route in routes))
    wall, cpu_after = time.perf_counter() - started, _cpu_times()
    busy = None
    if cpu_before and cpu_after and cpu_after[1] > cpu_before[1]:
        busy = (cpu_after[0] - cpu_before[0]) / (cpu_after[1] - cpu_before[1])
    ok = [s for _, s, e in records if not e]
    return {"loads": len(records), "errors": [e for _, _, e in records if e], "ok": ok, "wall": wall,
            "per_min": len(ok) / wall * 60 if wall else 0.0, "backends": Counter(backends), "cpu": busy,
            "by_page": {f"/{p}": [s for q, s, e in records if q == f"/{p}" and not e] for p in PAGES}}


async def first_visitor(url: str) -> dict[str, float]:
    """A first visitor's /, /schutz and /polizei in the default view: seconds to the first chart per page."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await _browser(p)
        context = await _context(browser)
        page = await context.new_page()
        out = {}
        for path in PAGES:
            seconds, error, _ = await _load(page, f"{url}/{path}")
            if error:
                raise RuntimeError(f"first visit of /{path}: {error}")
            out[f"/{path}"] = seconds
        await browser.close()
    return out


# --- the runs --------------------------------------------------------------------------------------------------

def _row(name: str, r: dict) -> str:
    ok = r["ok"]
    med, p95, top = (statistics.median(ok), percentile(ok, 95), max(ok)) if ok else (float("nan"),) * 3
    return f"{name:<26}{r['loads']:>8}{len(r['errors']):>8}{med:>10.2f}{p95:>8.2f}{top:>8.2f}{r['per_min']:>13.1f}"


def _report(title: str, header: str, results: dict[int, dict], what: str) -> None:
    print(title)
    print(header)
    print(_row("1 Prozess direkt", results[1]))
    print(_row("2 Prozesse hinter nginx", results[2]))
    one, two = results[1], results[2]
    if one["ok"] and two["ok"]:
        median = statistics.median(one["ok"]) / statistics.median(two["ok"])
        p95 = percentile(one["ok"], 95) / percentile(two["ok"], 95)
        print(f"Verhältnis 1 Prozess / 2 Prozesse: Median {median:.2f}×, p95 {p95:.2f}×; Aufrufe je Minute 2 / 1: "
              f"{two['per_min'] / one['per_min']:.2f}×")
    for n, r in results.items():
        pages = ", ".join(f"{p} {statistics.median(v):.2f} s" for p, v in r["by_page"].items() if v)
        cpu = f", CPU {r['cpu']:.0%} belegt" if r["cpu"] is not None else ""
        print(f"  {n} Prozess{'e' if n > 1 else ''}: Median je Seite {pages}; Dauer {r['wall']:.1f} s{cpu}")
    if results[2]["backends"]:
        counts = sorted(results[2]["backends"].items(), key=lambda x: str(x[0]))
        spread_text = ", ".join(f"{b or '?'}: {k}" for b, k in counts)
        print(f"  nginx verteilte die {what} (Cookie ik_route): {spread_text}")
    for n, r in results.items():
        for error in r["errors"][:3]:
            print(f"  Fehler ({n} Prozess{'e' if n > 1 else ''}): {error}")


def compare(db: Path, workdir: Path, clients: int, rounds: int, ws_clients: int, ws_rounds: int, query: str) -> None:
    header = f"{'Aufbau':<26}{'Aufrufe':>8}{'Fehler':>8}{'Median s':>10}{'p95 s':>8}{'Max s':>8}{'Aufrufe/min':>13}"
    browser, server = {}, {}

    def measure(n: int, url: str, apps: list[str]) -> None:
        asyncio.run(visit_each(apps, query))
        if ws_clients:
            server[n] = asyncio.run(ws_loads(url, query, ws_clients, ws_rounds))
        if clients:
            browser[n] = asyncio.run(concurrent_loads(url, query, clients, rounds))

    with one_process(db, workdir / "single.log") as url:
        wait_warm(workdir / "single.log")
        measure(1, url, [url])
    with behind_nginx(db, workdir, 2) as (url, apps):
        for port_log in (workdir / "run" / "logs").glob("app-*.log"):
            wait_warm(port_log)
        measure(2, url, apps)
    where = f"{', '.join('/' + p for p in PAGES)}, {query or 'Standardansicht'}, öffentliche Ansicht"
    if server:
        _report(f"\nSeitenläufe ohne Browser: {ws_clients} WebSocket-Clients gleichzeitig × {ws_rounds} Runden × "
                f"{len(PAGES)} Seiten ({where}); Zeit von der Anfrage über /_stcore/stream bis script_finished",
                header, server, "Clients")
    if browser:
        _report(f"\nSeitenaufrufe im Browser: {clients} Browser-Kontexte gleichzeitig × {rounds} Runden × {len(PAGES)} "
                f"Seiten ({where}); Zeit bis zum ersten sichtbaren Diagramm; Chromium auf denselben "
                f"{os.cpu_count()} Kernen", header, browser, "Kontexte")


def restart(db: Path, workdir: Path, runs: int) -> None:
    print(f"\nErster Besuch nach einem Neustart im Browser: 1 App-Prozess, Standardansicht (Deutschland, neuester "
          f"Zeitraum), Seiten nacheinander in einem neuen Browser-Kontext, Zeit bis zum ersten Diagramm; Median aus "
          f"{runs} Neustarts je Fall; 2. Besuch = ein weiterer neuer Kontext danach (ohne Aufwärmen)")
    times: dict[str, list[dict[str, float]]] = {"off": [], "on": [], "second": []}
    warmed: list[float] = []
    for i in range(runs):
        for mode in ("off", "on"):
            log_path = workdir / f"restart-{mode}-{i}.log"
            with one_process(db, log_path, warm=mode == "on") as url:
                if mode == "on":
                    warmed.append(wait_warm(log_path))
                times[mode].append(asyncio.run(first_visitor(url)))
                if mode == "off":
                    times["second"].append(asyncio.run(first_visitor(url)))
    print(f"{'Seite':<12}{'ohne Aufwärmen s':>18}{'mit Aufwärmen s':>17}{'2. Besuch s':>13}{'ohne/mit':>10}")
    rows = [(path, *(statistics.median(t[path] for t in times[k]) for k in ("off", "on", "second")))
            for path in [f"/{p}" for p in PAGES]]
    rows.append(("zusammen", *(statistics.median(sum(t.values()) for t in times[k]) for k in ("off", "on", "second"))))
    for path, off, on, second in rows:
        print(f"{path:<12}{off:>18.2f}{on:>17.2f}{second:>13.2f}{off / on:>9.2f}×")
    print(f"Aufwärmen fertig {statistics.median(warmed):.1f} s nach der ersten Antwort auf /_stcore/health "
          f"(im Hintergrund; ein Besucher davor wartet nicht darauf)")


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark: 1 gegen 2 App-Prozesse hinter nginx; Neustart mit und ohne "
                                             "Aufwärmen (Issue #13).")
    ap.add_argument("--clients", type=int, default=6, help="gleichzeitige Browser-Kontexte (Standard 6)")
    ap.add_argument("--rounds", type=int, default=3, help="Runden je Kontext über /, /schutz, /polizei (Standard 3)")
    ap.add_argument("--ws-clients", type=int, default=8,
                    help="gleichzeitige WebSocket-Clients ohne Browser (Standard 8; 0: weglassen)")
    ap.add_argument("--ws-rounds", type=int, default=5, help="Runden je WebSocket-Client (Standard 5)")
    ap.add_argument("--region", default="05913", help="Region der Seiten (Standard 05913; leer: Standardansicht)")
    ap.add_argument("--restart-runs", type=int, default=2, help="Neustarts je Fall (Standard 2; 0: weglassen)")
    ap.add_argument("--skip-compare", action="store_true", help="nur den Neustart messen")
    ap.add_argument("--db", help="Demodatenbank (Standard: IK_MONITOR_DB oder data/monitor.duckdb)")
    args = ap.parse_args(argv)
    if find_nginx() is None and not args.skip_compare:
        print("nginx fehlt: `sudo apt-get install -y nginx`", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    source = Path(args.db) if args.db else config.db_path()
    workdir = Path(tempfile.mkdtemp(prefix="ik-bench-processes-"))
    try:
        ensure_demo(source)
        db = copy_store(source, workdir / "store" / "monitor.duckdb")
        print(f"Datenbank {source} (Kopie), {os.cpu_count()} Kerne")
        if not args.skip_compare:
            compare(db, workdir, args.clients, args.rounds, args.ws_clients, args.ws_rounds,
                    f"?region={args.region}" if args.region else "")
        if args.restart_runs > 0:
            restart(db, workdir, args.restart_runs)
        return 0
    except KeyboardInterrupt:
        print("abgebrochen", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
