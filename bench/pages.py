"""Benchmark: server-side run time of every page, the indicator query for all 400 Kreise, and the first visitor
after a restart with and without the warm start (``ui/warm.py``).

Usage: IK_MONITOR_DB=data/monitor.duckdb python bench/pages.py [--runs 5] [--region 05913] [--period 2025]
       [--restart-runs 3] [--restart-region 05913]

"Cold" clears Streamlit's caches before each run (the first visitor after a load); "warm" reruns with the
caches filled (every later visitor). Figures are medians; the aim is every page under 300 ms warm.

The restart section starts a new Python process per run (a restarted server process: ``ui/app.py`` imported,
nothing else), warms it as the server's warm-up thread does — not at all, only the data (``ui.warm.warm``), or the
data and the default view of the warm-up's pages (opened here through AppTest) — and times the first visitor's
public pages Übersicht → Schutz → Polizei → Regionen in turn, then a second visitor's (a new session in the same
process: the floor). Once for the default view (Germany, newest period) and once for a deep link to
``--restart-region``. Prints figures and ratios; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from monitor import config, indicators, store  # noqa: E402

PAGES = ("overview", "protection", "counselling", "police", "regions", "methodology", "reports", "planning")
AIM_MS = 300
RESTART_PAGES = ("overview", "protection", "police", "regions")  # the first visitor's way through the pages
RESTART_MODES = ("off", "data", "on")  # IK_MONITOR_WARM
WARM_PAGES = {"": "overview", "schutz": "protection", "beratung": "counselling", "polizei": "police",
              "regionen": "regions"}  # ui.warm.PAGES (URL paths) as page files


def _page_run(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    return at


def time_page(page: str, params: dict[str, str], runs: int) -> tuple[float, float]:
    """Median cold and warm run time of one page in milliseconds (AppTest, entry file included)."""
    cold, warm = [], []
    for _ in range(runs):
        at = _page_run(page, params)
        st.cache_data.clear()
        st.cache_resource.clear()
        t = time.perf_counter()
        at.run()
        cold.append((time.perf_counter() - t) * 1000)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
        t = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - t) * 1000)
    return statistics.median(cold), statistics.median(warm)


def time_indicator_query(period: str, runs: int) -> tuple[float, float, int]:
    """Median time of indicators_table for all Kreise: first query on a fresh connection, then repeated."""
    cold, warm = [], []
    rows = 0
    for _ in range(runs):
        with store.connect() as con:
            t = time.perf_counter()
            df = indicators.indicators_table(con, "kreis", period)
            cold.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            indicators.indicators_table(con, "kreis", period)
            warm.append((time.perf_counter() - t) * 1000)
            rows = len(df)
    return statistics.median(cold), statistics.median(warm), rows


def _visit(params: dict[str, str], pages: tuple[str, ...] = RESTART_PAGES) -> dict[str, float]:
    """One visitor (a new session) through ``pages``: milliseconds per page run."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    for k, v in params.items():
        at.query_params[k] = v
    times = {}
    for page in pages:
        if page != "overview":
            at.switch_page(f"pages/{page}.py")
        t = time.perf_counter()
        at.run()
        times[page] = (time.perf_counter() - t) * 1000
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
    return times


def first_visit(params: dict[str, str], mode: str) -> dict:
    """In this (new) process: what a restarted server has imported, the warm-up of ``mode``, then two visitors.

    ``data``: ``ui.warm.warm()`` without a server (data and one chart of each kind); ``on``: that and the default
    view of the warm-up's pages (``ui.warm.PAGES``) opened once, here through AppTest where the server opens them
    through its own WebSocket."""
    import ui.app  # noqa: F401 - the server process imports the app (and its imports) before anyone visits

    warm_s = None
    if mode in ("data", "on"):
        from ui import warm

        t = time.perf_counter()
        warm.warm()
        if mode == "on":
            _visit({}, tuple(WARM_PAGES[p] for p in warm.PAGES))
        warm_s = time.perf_counter() - t
    return {"warm_s": warm_s, "first": _visit(params), "second": _visit(params)}


def time_restart(params: dict[str, str], runs: int) -> dict:
    """Medians over ``runs`` new processes per warm-up mode (off, data, on)."""
    out: dict = {}
    for mode in RESTART_MODES:
        results = []
        for _ in range(runs):
            done = subprocess.run([sys.executable, __file__, "--first-visit", mode, "--params", json.dumps(params)],
                                  cwd=ROOT, capture_output=True, text=True, timeout=900)
            if done.returncode != 0:
                raise RuntimeError(f"first visit ({mode}) failed:\n{done.stderr[-2000:]}")
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        out[mode] = {
            "first": {p: statistics.median(r["first"][p] for r in results) for p in RESTART_PAGES},
            "second": {p: statistics.median(r["second"][p] for r in results) for p in RESTART_PAGES},
            "warm_s": statistics.median(r["warm_s"] for r in results) if mode != "off" else None,
        }
    return out


def print_restart(title: str, res: dict) -> None:
    off, dat, on = (res[m]["first"] for m in RESTART_MODES)
    floor = {p: statistics.median(res[m]["second"][p] for m in RESTART_MODES) for p in RESTART_PAGES}
    print(f"\n{title}")
    print(f"{'Seite':<14}{'ohne':>8}{'Daten':>8}{'Daten+Seiten':>14}{'2. Besuch':>11}{'ohne/mit':>10}"
          f"{'mit/2. B.':>11}   (ms; mit = Daten+Seiten)")
    rows = [(p, off[p], dat[p], on[p], floor[p]) for p in RESTART_PAGES]
    rows.append(("zusammen", sum(off.values()), sum(dat.values()), sum(on.values()), sum(floor.values())))
    for name, a, b, c, d in rows:
        print(f"{name:<14}{a:>8.0f}{b:>8.0f}{c:>14.0f}{d:>11.0f}{a / c:>9.1f}×{c / d:>10.1f}×")
    print(f"Aufwärmen im Serverprozess (im Hintergrund, vor dem ersten Besuch): Daten {res['data']['warm_s']:.2f} s, "
          f"Daten+Seiten {res['on']['warm_s']:.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--region", default="05913")
    ap.add_argument("--period", default=None, help="default: the latest quarter with data")
    ap.add_argument("--restart-runs", type=int, default=3, help="new processes per case of the restart section "
                                                                 "(0: leave it out)")
    ap.add_argument("--restart-region", default="05913", help="the deep link of the restart section")
    ap.add_argument("--first-visit", choices=RESTART_MODES, help=argparse.SUPPRESS)
    ap.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.first_visit:
        print(json.dumps(first_visit(json.loads(args.params), args.first_visit)))
        return 0
    with store.connect() as con:
        status = indicators.data_status(con)
    period = args.period or status["latest_quarter_overall"]
    if period is None:
        print("Die Datenbank enthält keine Daten; zuerst `python -m etl demo`.")
        return 2
    params = {"region": args.region, "period": period, "mode": "internal"}
    print(f"Datenbank: {config.db_path()}  ·  Region {args.region}  ·  Zeitraum {period}  ·  {args.runs} Läufe")
    print(f"{'Seite':<14}{'kalt (ms)':>12}{'warm (ms)':>12}{'warm/Ziel':>12}")
    worst = 0.0
    for page in PAGES:
        cold, warm = time_page(page, params, args.runs)
        worst = max(worst, warm)
        print(f"{page:<14}{cold:>12.0f}{warm:>12.0f}{warm / AIM_MS:>11.2f}×")
    cold, warm, rows = time_indicator_query(period, args.runs)
    print(f"\nIndikatoren aller Kreise ({rows} Zeilen): kalt {cold:.0f} ms, warm {warm:.0f} ms "
          f"({warm / AIM_MS:.2f}× des Seitenziels)")
    print(f"Langsamste Seite warm: {worst:.0f} ms — Ziel {AIM_MS} ms: {'erreicht' if worst <= AIM_MS else 'verfehlt'}")
    if args.restart_runs > 0:
        print(f"\nErster Besuch nach einem Neustart: neuer Prozess je Lauf, öffentliche Ansicht, Seiten nacheinander, "
              f"Median aus {args.restart_runs} Läufen; Aufwärmen (ui/warm.py) ohne, nur Daten (IK_MONITOR_WARM=data) "
              f"und Daten+Seiten (Standard); 2. Besuch = neue Sitzung danach im selben Prozess")
        print_restart("Standardansicht (Deutschland, neuester Zeitraum)", time_restart({}, args.restart_runs))
        print_restart(f"Direktlink region={args.restart_region} (vom Aufwärmen nicht erfasst)",
                      time_restart({"region": args.restart_region}, args.restart_runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
