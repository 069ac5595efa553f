"""Render every chart type of monitor/charts.py to PNG in headless Chromium, to look at them as pictures.

    .venv/bin/python tools/render_charts.py [OUT_DIR] [--width 900]

Writes OUT_DIR/<name>.html (plotly.js inlined, never the CDN) and OUT_DIR/<name>.png, served from a local
HTTP server so that the geo charts fetch the world topojson stub from static/ as they do in the app.
Boundaries come from data/boundaries/ or, for a developer checkout, ../shared/geo (never copied).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor import charts, geo  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SOURCE = "Landeskoordinierungsstelle, Quartalsmeldungen der Frauenhäuser"
STAND = date(2026, 11, 21)


def _boundaries(level: str) -> dict | None:
    installed = geo.load_boundaries(level)
    if installed:
        return installed
    shared = (ROOT.parent / "shared" / "geo"
              / f"{'kreise' if level == 'kreis' else 'laender'}_2023-12-31_wgs84_simplified.geojson")
    return json.loads(shared.read_text(encoding="utf-8")) if shared.exists() else None


def sample_figures() -> dict:
    """One figure of each builder, with awkward cases: gaps, suppressed cells, long labels, demo marks."""
    rng = np.random.default_rng(7)
    quarters = [f"{y}-Q{q}" for y in range(2019, 2026) for q in range(1, 5)][:27]
    trend = pd.DataFrame({
        "Dortmund": np.linspace(52, 71, len(quarters)) + rng.normal(0, 2, len(quarters)),
        "Nordrhein-Westfalen": np.linspace(40, 48, len(quarters)),
        "Deutschland": np.linspace(33, 37, len(quarters)),
    }, index=quarters).astype("object")
    trend.loc["2021-Q2", "Dortmund"] = np.nan
    trend.loc["2021-Q3", "Dortmund"] = "< 3"
    figs = {}
    figs["trend"] = charts.trend_chart(
        trend, title=charts.chart_title("Versorgungsgrad Schutzplätze", "Dortmund", "2019–2025"),
        subtitle="Vorhandene Plätze in Schutzunterkünften in % des Solls (2,5 Plätze je 10.000 Einwohner:innen); "
                 "Bevölkerung 31.12.2023, Basis Zensus 2022",
        unit="%", decimals=1, source=SOURCE, stand=STAND, is_demo=True, target=100,
        target_label="1 Familienplatz je 10.000 EW × 2,5", breaks={"2023-Q1": "neue Zählweise Belegungstage"},
        emphasis="Dortmund",
    )
    short = trend.iloc[-6:, :2]
    figs["trend_short"] = charts.trend_chart(
        short.map(lambda v: v * 3 if isinstance(v, float) else v),
        title="Schutzplätze – Dortmund und NRW, Q3 2024 bis Q4 2025", subtitle="Plätze (Betten) am Quartalsende",
        unit="Plätze", source=SOURCE, stand=STAND,
        target_band=(pd.Series(150.0, index=short.index), pd.Series(190.0, index=short.index)),
        target_label="Soll-Korridor 1–1,25 Familienplätze je 10.000 EW",
    )
    kreise = pd.read_csv(ROOT / "data" / "reference" / "kreise_population_2023-12-31.csv",
                         dtype={"ags": str, "land_ags": str})
    nrw = kreise[kreise["land_ags"] == "05"].copy()
    nrw["coverage"] = rng.uniform(5, 110, len(nrw)).round(1)
    nrw.loc[nrw.index[3], "coverage"] = np.nan
    nrw = nrw.astype({"coverage": "object"})
    nrw.loc[nrw.index[7], "coverage"] = "< 3"
    nrw["short"] = nrw["name"].str.replace(r",.*$", "", regex=True)
    figs["ranking"] = charts.bar_ranking(
        nrw, value="coverage", label="short", highlight="05913", target=100, target_label="100 % des Solls",
        title="Versorgungsgrad Schutzplätze – Kreise in Nordrhein-Westfalen, Q2 2025",
        subtitle="Vorhandene Plätze in % des Solls (2,5 Plätze je 10.000 Einwohner:innen)", unit="%", decimals=0,
        source=SOURCE, stand=STAND, is_demo=True,
    )
    gaps = pd.DataFrame({
        "label": ["Schutz: Plätze in Schutzunterkünften", "Schutz: Frauenberatungsstellen",
                  "Schutz: Fachberatung sexualisierte Gewalt", "Strafverfolgung: Vermittlungsquote"],
        "ist": [37.3, 82.0, "< 3", np.nan], "soll": [100, 100, 100, 100],
    })
    figs["gaps"] = charts.gap_bars(
        gaps, label="label", actual="ist", target="soll", unit="%",
        title="Ist und Soll nach Säulen – Deutschland, 2025", subtitle="Ist in % des jeweiligen Solls",
        source=SOURCE, stand=STAND, is_demo=False, note="Ländervergleich eingeschränkt: Definitionen häuslicher "
        "Gewalt in der Polizeistatistik unterscheiden sich zwischen den Ländern.",
    )
    forms = pd.DataFrame({
        "häusliche Gewalt": [120, 131, 128, 140, 151, 149],
        "sexualisierte Gewalt": [30, 28, "< 3", 35, 33, 40],
        "Stalking": [12, 15, 14, np.nan, 17, 16],
        "digitale Gewalt": [8, 9, 11, 12, 14, 15],
        "andere": [5, 4, 6, 5, 7, 6],
    }, index=[f"{y}-Q{q}" for y, q in [(2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4)]])
    figs["stacked"] = charts.stacked_bars(
        forms, title="Beratene Personen nach Gewaltform – Dortmund, Q3 2024 bis Q4 2025",
        subtitle="Personen (neu und fortgeführt) in Frauenberatungsstellen und Interventionsstellen",
        unit="Personen", source=SOURCE, stand=STAND, is_demo=True,
    )
    steps = [
        charts.ChainStep("Polizeieinsätze häusliche Gewalt", 1234),
        charts.ChainStep("Wohnungsverweisungen", 412),
        charts.ChainStep("Vermittlungen an Beratung", 655, note="mit Einwilligung, pro-aktiv", share_of_previous=True),
        charts.ChainStep("davon erreicht", 402),
        charts.ChainStep("Aufnahmen im Frauenhaus", 37),
        charts.ChainStep("Abweisungen (Anfragen)", 96, note="Anfragen, nicht Personen", share_of_previous=False),
    ]
    figs["chain"] = charts.chain_chart(
        steps, title="Interventionskette – Dortmund, Q2 2025",
        subtitle="Von der Polizei gemeldete Einsätze bis zur Aufnahme; Prozent jeweils vom vorherigen Schritt",
        source="Polizei NRW; Beratungsstellen; Frauenhäuser", stand=STAND, is_demo=True,
    )
    laender = pd.read_csv(ROOT / "data" / "reference" / "laender_population_2023-12-31.csv", dtype={"ags": str})
    laender = laender[laender["ags"] != "00"].copy()
    laender["coverage"] = rng.uniform(20, 85, len(laender)).round(0)
    laender.loc[laender["ags"] == "04", "coverage"] = np.nan
    figs["tiles"] = charts.tile_map(
        laender, value="coverage", unit="%", title="Versorgungsgrad Schutzplätze nach Ländern, Q2 2025",
        subtitle="Vorhandene Plätze in % des Solls (2,5 Plätze je 10.000 Einwohner:innen)", source=SOURCE,
        stand=STAND, is_demo=True, highlight="05", target=100, target_label="100 %",
        names=dict(zip(laender["ags"], laender["name"])),
    )
    kreise_geo = _boundaries("kreis")
    if kreise_geo:
        figs["choropleth_nrw"] = charts.choropleth(
            geo.subset(kreise_geo, land="05"), nrw, value="coverage", name="short", unit="%",
            title="Versorgungsgrad Schutzplätze – Kreise in Nordrhein-Westfalen, Q2 2025",
            subtitle="Vorhandene Plätze in % des Solls (2,5 Plätze je 10.000 Einwohner:innen)", source=SOURCE,
            stand=STAND, is_demo=True, highlight="05913", target=100, target_label="100 % des Solls",
        )
        all_kreise = kreise.copy()
        all_kreise["rate"] = rng.uniform(0, 4, len(all_kreise)).round(2)
        figs["choropleth_de"] = charts.choropleth(
            kreise_geo, all_kreise, value="rate", unit="je 10.000", decimals=2,
            title="Schutzplätze je 10.000 Einwohner:innen – Kreise in Deutschland, Q2 2025",
            subtitle="Plätze (Betten) in Schutzunterkünften je 10.000 Einwohner:innen", source=SOURCE,
            stand=STAND, is_demo=False, target=2.5, target_label="2,5 Plätze je 10.000 EW", height=640,
        )
    return figs


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def render(out: Path, width: int = 900) -> list[Path]:
    """Write HTML and PNG for each sample figure into ``out``; returns the PNG paths."""
    out.mkdir(parents=True, exist_ok=True)
    static = out / "app" / "static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "static" / "world-stub", static / "world-stub", dirs_exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pngs = []
    try:
        for name, fig in sample_figures().items():
            html = out / f"{name}.html"
            fig.write_html(html, include_plotlyjs=True, full_html=True,
                           config=charts.chart_config(charts.export_filename("05913", name, "2025-Q2")))
            png = out / f"{name}.png"
            height = int(fig.layout.height or 500) + 20
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run(
                    [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                     f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={width},{height}",
                     "--virtual-time-budget=5000", f"http://127.0.0.1:{server.server_port}/{html.name}"],
                    check=True, capture_output=True, timeout=120,
                )
            pngs.append(png)
            print(png)
    finally:
        server.shutdown()
    return pngs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "screenshots" / "charts"))
    parser.add_argument("--width", type=int, default=900)
    args = parser.parse_args()
    render(Path(args.out), args.width)
    return 0


if __name__ == "__main__":
    sys.exit(main())
