"""House-style charts (monitor/charts.py): texts inside the figure, gaps and suppressed values, exports."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import time
import urllib.request
from datetime import date

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, SHARED
from hypothesis import given
from hypothesis import strategies as st

from monitor import charts, fmt

NBSP = "\u00a0"  # quarters keep together: "Q2 2025"

KREISE_WGS84 = SHARED / "geo" / "kreise_2023-12-31_wgs84_simplified.geojson"
COMMON = dict(source="Landeskoordinierungsstelle NRW", stand=date(2026, 11, 21))
QUARTERS = ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]


def annotation_texts(fig) -> list[str]:
    return [a.text or "" for a in fig.layout.annotations]


def footer(fig) -> str:
    return next(a.text for a in fig.layout.annotations if a.name == "footer")


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


# --- numbers and labels ------------------------------------------------------------------------------------


def test_labels_and_file_names():
    assert charts.chart_title("Schutzplätze", "Dortmund", "2025-Q2") == "Schutzplätze – Dortmund, Q2\u00a02025"
    assert charts.export_filename("05913", "schutzplaetze", "2025-Q2", "png") == \
        "ik-monitor_05913_schutzplaetze_2025-Q2.png"
    assert charts.export_filename("05913", "Schutzplätze je 10.000", "2025", ".csv") == \
        "ik-monitor_05913_schutzplaetze-je-10-000_2025.csv"
    assert charts.export_filename("00", "quote", "2025-Q2", "") == "ik-monitor_00_quote_2025-Q2"


# --- the frame every figure carries -------------------------------------------------------------------------


def sample_figures(is_demo: bool) -> dict:
    trend = pd.DataFrame({"Dortmund": [50.0, 55.0, 58.0, 61.0], "NRW": [40.0, 41.0, 42.0, 43.0]}, index=QUARTERS)
    ranking = pd.DataFrame({"ags": ["05913", "05111", "05315"], "name": ["Dortmund", "Düsseldorf", "Köln"],
                            "pct": [28.0, 101.0, 94.0]})
    gaps = pd.DataFrame({"label": ["Schutzplätze", "Beratungsstellen"], "ist": [37.0, 82.0], "soll": [100, 100]})
    stacked = pd.DataFrame({"häuslich": [120, 131], "sexualisiert": [30, 28]}, index=QUARTERS[:2])
    tiles = pd.DataFrame({"ags": ["01", "05", "09"], "pct": [33.0, 77.0, 27.0]})
    kw = dict(COMMON, is_demo=is_demo, subtitle="Plätze in % des Solls (2,5 Plätze je 10.000 Einwohner:innen)")
    return {
        "trend": charts.trend_chart(trend, title="Versorgungsgrad – Dortmund, Q3 2024 bis Q2 2025", unit="%",
                                    target=100, target_label="1 Familienplatz je 10.000 EW × 2,5", **kw),
        "ranking": charts.bar_ranking(ranking, value="pct", label="name", title="Versorgungsgrad – NRW, Q2 2025",
                                      unit="%", target=100, highlight="05913", **kw),
        "gaps": charts.gap_bars(gaps, label="label", actual="ist", target="soll", unit="%",
                                title="Ist und Soll – Dortmund, 2025", **kw),
        "stacked": charts.stacked_bars(stacked, title="Personen nach Gewaltform – Dortmund", **kw),
        "chain": charts.chain_chart([("Einsätze", 100), ("Verweisungen", 40)], title="Kette – Dortmund, Q2 2025",
                                    **kw),
        "tiles": charts.tile_map(tiles, value="pct", unit="%", title="Versorgungsgrad nach Ländern, Q2 2025", **kw),
    }


@pytest.mark.parametrize("is_demo", [True, False], ids=["demo", "real"])
def test_every_figure_carries_title_subtitle_source_stand(is_demo):
    for name, fig in sample_figures(is_demo).items():
        assert ("Dortmund" in fig.layout.title.text or "Ländern" in fig.layout.title.text
                or "NRW" in fig.layout.title.text)
        assert "Einwohner:innen" in fig.layout.title.subtitle.text, name
        assert "Quelle: Landeskoordinierungsstelle NRW · Stand: 21.11.2026" in footer(fig), name
        assert fig.layout.separators == ",.", name
        assert fig.layout.template.layout.colorway == charts.PALETTE, name
        assert fig.layout.height and fig.layout.margin.t > 60 and fig.layout.margin.b > 40, name
        demo_marks = [a for a in fig.layout.annotations if (a.name or "").startswith("demo")]
        assert ("Demodaten" in footer(fig)) is is_demo, name
        assert len(demo_marks) == (2 if is_demo else 0), name


def test_margins_grow_with_long_titles():
    df = pd.DataFrame({"A": [1.0, 2.0]}, index=QUARTERS[:2])
    short = charts.trend_chart(df, title="Kurz", **COMMON)
    long = charts.trend_chart(df, title="Ein sehr langer Titel " * 8, subtitle="Definition " * 30, **COMMON)
    assert long.layout.margin.t > short.layout.margin.t + 40
    assert long.layout.title.text.count("<br>") >= 2


# --- trend --------------------------------------------------------------------------------------------------


def test_trend_gaps_stay_gaps_and_suppressed_values_are_marked():
    df = pd.DataFrame({"Dortmund": [50.0, np.nan, "< 3", 61.0]}, index=QUARTERS)
    fig = charts.trend_chart(df, title="Aufnahmen – Dortmund", **COMMON)
    line = trace(fig, "Dortmund")
    assert list(line.x) == [f"Q{q}{NBSP}{y}" for y, q in ((2024, 3), (2024, 4), (2025, 1), (2025, 2))]
    assert line.y[0] == 50.0 and line.y[3] == 61.0
    assert line.y[1] is None or math.isnan(line.y[1])
    assert line.y[2] is None or math.isnan(line.y[2])
    assert line.connectgaps is False
    marks = trace(fig, "unterdrückt (Datenschutz)")
    assert list(marks.x) == [f"Q1{NBSP}2025"] and list(marks.text) == ["< 3"] and marks.yaxis == "y2"


def test_trend_suppressed_mask_and_target_series_and_method_break():
    df = pd.DataFrame({"Kreis": [5.0, 6.0, 7.0, 8.0]}, index=QUARTERS)
    mask = pd.DataFrame({"Kreis": [False, True, False, False]}, index=QUARTERS)
    target = pd.Series([10.0, 10.5, 11.0, 11.5], index=QUARTERS)
    fig = charts.trend_chart(df, title="t", suppressed=mask, target=target, target_label="2,5 Plätze je 10.000 EW",
                             breaks=[("2025-Q1", "neue Zählweise"), ("2025-Q2", "Gebietsänderung")], **COMMON)
    assert math.isnan(trace(fig, "Kreis").y[1]) or trace(fig, "Kreis").y[1] is None
    soll = trace(fig, "Soll: 2,5 Plätze je 10.000 EW")
    assert list(soll.y) == [10.0, 10.5, 11.0, 11.5] and soll.line.dash == "dash"
    # a numbered mark at each break, explained in the footer and the alt text
    assert [a.text for a in fig.layout.annotations if a.name == "break"] == ["<b>1</b>", "<b>2</b>"]
    assert any("Hinweise: 1 neue Zählweise · 2 Gebietsänderung" in t for t in annotation_texts(fig))
    assert "1 neue Zählweise" in charts.alt_text(fig)
    assert fig.layout.shapes[0].x0 == 1.5  # between Q4 2024 and Q1 2025
    # a break before the first quarter shown separates nothing
    first = charts.trend_chart(df, title="t", breaks={"2024-Q3": "alt"}, **COMMON)
    assert not first.layout.shapes


def test_trend_target_band_and_many_quarters_label_year_starts():
    quarters = [f"{y}-Q{q}" for y in range(2019, 2026) for q in range(1, 5)]
    df = pd.DataFrame({"A": np.arange(len(quarters), dtype=float)}, index=quarters)
    fig = charts.trend_chart(df, title="t", target_band=(10, 20), target_label="Korridor", **COMMON)
    band = trace(fig, "Soll: Korridor")
    assert band.fill == "tonexty" and set(band.y) == {20.0}
    assert list(fig.layout.xaxis.tickvals) == [f"Q1{NBSP}{y}" for y in range(2019, 2026)]


# --- bars ---------------------------------------------------------------------------------------------------


def test_ranking_sorted_highlighted_and_missing_not_zero():
    df = pd.DataFrame({"ags": ["05913", "05111", "05315", "05112", "05113"],
                       "name": ["Dortmund", "Düsseldorf", "Köln", "Duisburg", "Essen"],
                       "pct": [28.0, 101.0, 94.0, np.nan, "< 3"]})
    fig = charts.bar_ranking(df, value="pct", label="name", highlight="05913", target=100, unit="%",
                             title="Versorgungsgrad – NRW", **COMMON)
    bars = fig.data[0]
    # Plotly draws the first category at the bottom: the largest value is last, rows without numbers first.
    assert list(bars.y) == ["Essen", "Duisburg", "Dortmund", "Köln", "Düsseldorf"]
    assert bars.x[0] is None and bars.x[1] is None
    colours = dict(zip(bars.y, bars.marker.color))
    assert colours["Dortmund"] == charts.HIGHLIGHT_COLOUR and colours["Köln"] == charts.BAR_COLOUR
    texts = annotation_texts(fig)
    assert "keine Daten" in texts and "< 3 – unterdrückt (Datenschutz)" in texts
    assert "Soll 100\u00a0%" in texts
    assert fig.layout.shapes[0].x0 == 100
    assert "101\u00a0%" in list(bars.text)


def test_gap_bars_say_ist_soll_and_share():
    df = pd.DataFrame({"label": ["Schutzplätze", "Beratung"], "ist": [7786.0, np.nan], "soll": [20864.0, 100.0]})
    fig = charts.gap_bars(df, label="label", actual="ist", target="soll", title="Ist und Soll – Deutschland",
                          **COMMON)
    texts = annotation_texts(fig)
    assert "Ist 7.786 · Soll 20.864 (37\u00a0% des Solls)" in texts
    assert "keine Daten" in texts
    assert {t.name for t in fig.data} == {"Ist", "Soll"}


def test_stacked_bars_mark_incomplete_totals():
    df = pd.DataFrame({"häuslich": [120, 131], "sexualisiert": ["< 3", 28], "Stalking": [10, 12]},
                      index=QUARTERS[:2])
    fig = charts.stacked_bars(df, title="Personen nach Gewaltform – Dortmund", **COMMON)
    texts = annotation_texts(fig)
    assert "130*" in texts and "171" in texts
    assert "Summe unvollständig" in footer(fig)
    assert fig.layout.barmode == "stack"
    assert trace(fig, "sexualisiert").y[0] is None


def test_chain_chart_shares_of_previous_step():
    steps = [
        charts.ChainStep("Einsätze", 1234),
        charts.ChainStep("Wohnungsverweisungen", 412),
        charts.ChainStep("Vermittlungen", "< 3"),
        charts.ChainStep("erreicht", 2),
        charts.ChainStep("Abweisungen (Anfragen)", 96, share_of_previous=False),
    ]
    fig = charts.chain_chart(steps, title="Interventionskette – Dortmund, Q2 2025", **COMMON)
    texts = list(fig.data[0].text)[::-1]  # drawn bottom-up
    assert texts[0] == "1.234"
    assert texts[1] == "412 · 33\u00a0% des vorherigen Schritts"
    assert texts[2] == "< 3 – unterdrückt (Datenschutz)"
    assert texts[3] == "2"  # no share of a withheld step
    assert texts[4] == "96"  # requests, not a subset of the step before
    assert "Einsätze 1.234 → Wohnungsverweisungen 412" in charts.alt_text(fig)


# --- maps ---------------------------------------------------------------------------------------------------


def test_choropleth_fits_the_features_and_greys_out_missing():
    geojson = json.loads(KREISE_WGS84.read_text(encoding="utf-8"))
    nrw = {"type": "FeatureCollection", "features": [f for f in geojson["features"]
                                                      if f["properties"]["ags"].startswith("05")]}
    ags = [f["properties"]["ags"] for f in nrw["features"]]
    df = pd.DataFrame({"ags": ags, "name": ags, "v": [float(i) for i in range(len(ags))]}).astype({"v": object})
    df.loc[0, "v"] = np.nan
    df.loc[1, "v"] = "< 3"
    fig = charts.choropleth(nrw, df, value="v", unit="%", highlight="05913", target=40, target_label="40 %",
                            title="Versorgungsgrad – Kreise in NRW", attribution="© GeoBasis-DE / BKG 2026", **COMMON)
    values = fig.data[0]
    assert values.featureidkey == "properties.ags" and len(values.locations) == len(ags) - 2
    assert trace(fig, "keine Daten").locations == (ags[0],)
    assert trace(fig, "unterdrückt (Datenschutz)").locations == (ags[1],)
    assert fig.layout.geo.fitbounds == "locations" and fig.layout.geo.visible is False
    assert "© GeoBasis-DE / BKG 2026" in footer(fig) and "Soll: 40 %" in footer(fig)
    assert any("Soll ▸" in t for t in annotation_texts(fig))


def test_tile_map_has_sixteen_labelled_tiles():
    df = pd.DataFrame({"ags": ["01", "05", "09", "04"], "pct": [33.0, 77.0, 27.0, "< 3"]})
    fig = charts.tile_map(df, value="pct", unit="%", title="Versorgungsgrad nach Ländern", highlight="05",
                          **COMMON)
    assert len(fig.layout.shapes) == 16
    texts = annotation_texts(fig)
    assert "<b>NW</b><br>77\u00a0%" in texts and "<b>HB</b><br>< 3" in texts and "<b>BE</b><br>–" in texts
    assert "–: keine Daten" in footer(fig)
    assert fig.layout.yaxis.scaleanchor == "x"
    highlighted = [s for s in fig.layout.shapes if s.line.width == 3]
    assert len(highlighted) == 1


# --- alt text, config, HTML ---------------------------------------------------------------------------------


def test_alt_text_names_title_and_extremes():
    df = pd.DataFrame({"ags": ["05913", "05111"], "name": ["Dortmund", "Düsseldorf"], "pct": [28.0, 101.0]})
    fig = charts.bar_ranking(df, value="pct", label="name", unit="%", title="Versorgungsgrad – NRW", **COMMON)
    text = charts.alt_text(fig)
    assert text.startswith("Balkendiagramm: Versorgungsgrad – NRW.")
    assert "höchster Wert Düsseldorf (101\u00a0%)" in text and "niedrigster Wert Dortmund (28\u00a0%)" in text
    assert "<" not in text


def test_sparkline_values_keep_gaps():
    assert charts.sparkline_values([1, np.nan, "< 3", 4.5]) == [1.0, None, None, 4.5]


def test_chart_config_exports_png_and_serves_the_topojson_stub_locally():
    config = charts.chart_config("ik-monitor_05913_schutzplaetze_2025-Q2.png")
    assert config["displaylogo"] is False
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "ik-monitor_05913_schutzplaetze_2025-Q2",
                                              "scale": 2}
    assert not config["topojsonURL"].startswith(("http", "/"))
    # Streamlit serves ./static at app/static; plotly asks for <topojsonURL><scope>_<resolution>m.json.
    stub_dir = ROOT / "static" / config["topojsonURL"].removeprefix("app/static/")
    for name in ("world_110m.json", "world_50m.json", "europe_110m.json", "europe_50m.json"):
        topo = json.loads((stub_dir / name).read_text())
        assert topo["type"] == "Topology"
        assert {"land", "ocean", "coastlines", "countries", "lakes", "rivers", "subunits"} <= set(topo["objects"])
    kwargs = charts.streamlit_kwargs(sample_figures(False)["trend"], "x.png")
    assert kwargs["theme"] is None and kwargs["alt"].startswith("Liniendiagramm")


def test_html_export_has_no_external_scripts():
    fig = sample_figures(True)["trend"]
    html = fig.to_html(include_plotlyjs=True, full_html=True, config=charts.chart_config("x"))
    assert not re.findall(r"<script[^>]+src=", html)
    assert '"topojsonURL": "app/static/world-stub/"' in html
    assert "DEMODATEN" in html and "Quelle: Landeskoordinierungsstelle NRW" in html


# --- in the browser: a map in Streamlit without internet ----------------------------------------------------


@pytest.mark.browser
def test_choropleth_renders_in_streamlit_offline(tmp_path):
    """Plotly geo fetches a world topojson even with the base map hidden; the local stub must serve it."""
    from browser import chromium_page, free_port

    (tmp_path / "static").symlink_to(ROOT / "static", target_is_directory=True)
    app = tmp_path / "app.py"
    app.write_text(
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import pandas as pd\nimport streamlit as st\nfrom monitor import charts\n"
        f"g = json.load(open({str(KREISE_WGS84)!r}, encoding='utf-8'))\n"
        "g = {'type': 'FeatureCollection', 'features': [f for f in g['features'] if f['properties']['land'] == '05']}\n"
        "df = pd.DataFrame({'ags': [f['properties']['ags'] for f in g['features']]})\n"
        "df['v'] = range(len(df))\n"
        "fig = charts.choropleth(g, df, value='v', title='Karte', source='Test', stand='2026-11-21', is_demo=True)\n"
        "st.plotly_chart(fig, **charts.streamlit_kwargs(fig, 'ik-monitor_05_test_2025-Q2'))\n",
        encoding="utf-8",
    )
    port = free_port()
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--server.enableStaticServing", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.25)
        with chromium_page() as (page, watch):
            page.goto(url)
            page.wait_for_function("() => document.querySelectorAll('path.choroplethlocation').length >= 53",
                                   timeout=60000)
            assert "DEMODATEN" in page.inner_text("[data-testid='stPlotlyChart']")
            assert watch.external_requests == []
            assert not any("topojson" in e for e in watch.page_errors + watch.console_errors)
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def test_english_texts_and_separators():
    df = pd.DataFrame({"A": [1234.5, 2.0]}, index=QUARTERS[:2])
    fig = charts.trend_chart(df, title="Places – Dortmund", language="en", is_demo=True, decimals=1,
                             target=3, **COMMON)
    assert fig.layout.separators == ".,"
    assert "Source: Landeskoordinierungsstelle NRW · As of: 21 Nov 2026" in footer(fig)
    assert "Demo data" in footer(fig) and trace(fig, "Target").line.dash == "dash"
    assert "1,234.5" in fig.data[0].hovertemplate[0]


def test_public_display_text_is_understood():
    """``privacy.apply_public(as_text=True)`` output: German numbers, "< 3", "–" (withheld), "k. A." (no report)."""
    df = pd.DataFrame({"Kreis": ["1.234,5", "< 3", "–", "k. A."]}, index=QUARTERS)
    fig = charts.trend_chart(df, title="t", **COMMON)
    y = list(trace(fig, "Kreis").y)
    assert y[0] == 1234.5 and all(v is None or math.isnan(v) for v in y[1:])
    assert list(trace(fig, "unterdrückt (Datenschutz)").text) == ["< 3", "–"]
    labels = pd.Series(["", "< 3", None, ""], index=QUARTERS)
    fig = charts.trend_chart(pd.DataFrame({"Kreis": [1.0, 2.0, 3.0, 4.0]}, index=QUARTERS), title="t",
                             suppressed=pd.DataFrame({"Kreis": labels}), **COMMON)
    assert list(trace(fig, "unterdrückt (Datenschutz)").text) == ["< 3"]
    assert trace(fig, "Kreis").y[2] == 3.0


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_german_display_text_parses_back_to_its_number(value, decimals):
    text = fmt.number(value, decimals)
    assert charts.sparkline_values([text]) == [pytest.approx(float(text.replace(".", "").replace(",", ".")))]


@given(st.text(max_size=8))
def test_any_text_cell_is_a_gap_a_number_or_a_mark_never_zero_by_accident(text):
    numbers = charts.sparkline_values([text])
    assert len(numbers) == 1
    if numbers[0] == 0:
        assert float(text.strip().replace(".", "").replace(",", ".")) == 0
