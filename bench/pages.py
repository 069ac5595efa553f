"""Benchmark: server-side run time of every page, and the indicator query for all 400 Kreise.

Usage: IK_MONITOR_DB=data/monitor.duckdb python bench/pages.py [--runs 5] [--region 05913] [--period 2025]

"Cold" clears Streamlit's caches before each run (the first visitor after a load); "warm" reruns with the
caches filled (every later visitor). Figures are medians; the aim is every page under 300 ms warm.
Prints figures and ratios; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--region", default="05913")
    ap.add_argument("--period", default=None, help="default: the latest quarter with data")
    args = ap.parse_args()
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
