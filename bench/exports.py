"""Benchmark: server-side chart images and reports (kaleido in Debian's Chromium, fpdf2).

Usage: IK_MONITOR_DB=data/monitor.duckdb python bench/exports.py [--runs 5] [--region 05913] [--period 2025-Q2]
       [--land 05]

* Browser start: launching the shared renderer (paid once per server process, or at start with warm_up()).
* Chart image, per format: one chart of the briefing as PNG (scale 2) and SVG on the warm renderer; "cold" is
  the first image of a fresh process, browser start included.
* Briefing: gather the data (one database visit) and render the PDF with its charts; "cold" in a fresh process
  (imports, browser start, first queries), "warm" repeated in a running one. Aim: under 5 s warm.
* Tile (1200 × 675 PNG) and Länderbericht, warm.

Figures are medians in seconds; it prints figures and ratios and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor import config, images, indicators, reports, store  # noqa: E402
from monitor.figures import LiveFigures  # noqa: E402

AIM_BRIEFING_S = 5.0

COLD_SCRIPT = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from monitor import images, reports
from monitor.figures import LiveFigures
b = reports.build_briefing(LiveFigures(), {region!r}, {period!r})
pdf = reports.briefing_pdf(b)
print(time.perf_counter() - t0, images.renderer().starts, len(pdf))
"""

COLD_IMAGE_SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
from monitor import images, reports
from monitor.figures import LiveFigures
b = reports.build_briefing(LiveFigures(), {region!r}, {period!r})
fig = reports.briefing_figures(b)["schutzplaetze-vergleich"]
t0 = time.perf_counter()
images.to_image(fig, {fmt!r})
print(time.perf_counter() - t0)
"""


def timed(fn, runs: int) -> tuple[float, object]:
    """Median seconds of ``fn()`` over ``runs`` runs, and its last result."""
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def fresh_process(script: str) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "IK_MONITOR_DB": str(config.db_path())})
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    return proc.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--region", default="05913")
    parser.add_argument("--land", default=None, help="Land for the Länderbericht (default: the region's)")
    parser.add_argument("--period", default=None, help="default: the latest quarter with data")
    args = parser.parse_args()
    with store.connect() as con:
        status = indicators.data_status(con)
    period = args.period or status["latest_quarter_overall"]
    land = args.land or args.region[:2]
    print(f"Datenbank {config.db_path()}, Region {args.region}, Land {land}, Zeitraum {period}, "
          f"{args.runs} Läufe, {os.cpu_count()} Kerne, Demodaten: {status['is_demo']}")

    r = images.renderer()
    t = time.perf_counter()
    r.start()
    start = time.perf_counter() - t
    print(f"Browserstart (einmal je Serverprozess):          {start:6.2f} s")

    figures = LiveFigures()
    gather, b = timed(lambda: reports.build_briefing(figures, args.region, period), args.runs)
    figs = reports.briefing_figures(b)
    fig = figs["schutzplaetze-vergleich"]
    png_warm, _ = timed(lambda: images.to_png(fig), args.runs)
    svg_warm, _ = timed(lambda: images.to_svg(fig), args.runs)
    all_png, _ = timed(lambda: r.render_many(list(figs.values()), "png"), args.runs)
    png_cold = float(fresh_process(COLD_IMAGE_SCRIPT.format(root=str(ROOT), region=args.region, period=period,
                                                             fmt="png"))[0])
    print(f"Diagramm als PNG (Faktor 2), warm:                {png_warm:6.2f} s   kalt (neuer Prozess): "
          f"{png_cold:6.2f} s")
    print(f"Diagramm als SVG, warm:                           {svg_warm:6.2f} s")
    print(f"Alle {len(figs)} Briefing-Diagramme als PNG, parallel:     {all_png:6.2f} s   "
          f"je Diagramm {all_png / len(figs):5.2f} s")

    pdf_warm, pdf = timed(lambda: reports.briefing_pdf(b), args.runs)
    brief_warm, _ = timed(lambda: reports.briefing_pdf(reports.build_briefing(figures, args.region, period)),
                          args.runs)
    cold_total, starts, size = fresh_process(COLD_SCRIPT.format(root=str(ROOT), region=args.region, period=period))
    print(f"Regionalbriefing: Daten                           {gather:6.2f} s")
    print(f"Regionalbriefing: PDF mit Diagrammen              {pdf_warm:6.2f} s   ({len(pdf) // 1024} KB)")
    print(f"Regionalbriefing gesamt, warm:                    {brief_warm:6.2f} s   Ziel < {AIM_BRIEFING_S:.0f} s: "
          f"{'erreicht' if brief_warm < AIM_BRIEFING_S else 'VERFEHLT'}")
    print(f"Regionalbriefing gesamt, kalt (neuer Prozess):    {float(cold_total):6.2f} s   "
          f"(Browserstarts: {starts}, {int(size) // 1024} KB); kalt/warm = {float(cold_total) / brief_warm:4.1f}")

    tile, _ = timed(lambda: reports.tile_png(b), args.runs)
    print(f"Folienkachel 1200 × 675, warm:                    {tile:6.2f} s")
    land_runs = max(1, args.runs // 2)
    land_data, lr = timed(lambda: reports.build_land_report(figures, land, period), land_runs)
    land_pdf, lpdf = timed(lambda: reports.land_report_pdf(lr), land_runs)
    print(f"Länderbericht {land}: Daten {land_data:5.2f} s, PDF {land_pdf:5.2f} s, "
          f"gesamt {land_data + land_pdf:5.2f} s ({len(lpdf) // 1024} KB, {len(lr.kreise)} Kreise)")
    r.close()


if __name__ == "__main__":
    main()
