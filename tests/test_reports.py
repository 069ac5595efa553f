"""Regionalbriefing, slide tile and Länderbericht: the PDFs are opened, their text read and every page rendered.

Figures come from the fixture database (tests/fixture_db.py). The reports share one browser (group "chromium").
"""

from __future__ import annotations

import io
import re
import shutil

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from monitor import chain, reports
from monitor.figures import LiveFigures, ReleaseFigures
from monitor.indicators import UnknownRegion
from tests.conftest import ROOT, SHARED
from tests.fixture_db import PERIOD

pytestmark = pytest.mark.xdist_group("chromium")


@pytest.fixture(scope="module")
def boundaries(tmp_path_factory):
    """Installed boundaries as ``python -m etl boundaries`` leaves them (from ../shared, for this test only)."""
    folder = tmp_path_factory.mktemp("boundaries")
    shutil.copyfile(SHARED / "geo" / "kreise_2023-12-31_wgs84_simplified.geojson", folder / "kreise.geojson")
    shutil.copyfile(SHARED / "geo" / "laender_2023-12-31_wgs84_simplified.geojson", folder / "laender.geojson")
    return folder


def source(db, public: bool = False):
    """The fixture's release (public) or its working store (internal)."""
    return ReleaseFigures.latest(db.with_name(f"{db.stem}-releases")) if public else LiveFigures(db)


def briefing(db, ags: str, public: bool = False) -> reports.Briefing:
    return reports.build_briefing(source(db, public), ags, PERIOD)


@pytest.fixture(scope="module")
def kreis_pdf(demo_fixture_db):
    return reports.briefing_pdf(briefing(demo_fixture_db, "03404"))


@pytest.fixture(scope="module")
def small_counts(demo_fixture_db):
    """Landkreis Osnabrück (03459): 2 admissions, 1 turn-away, 2 persons counselled, 8 call-outs."""
    return {public: reports.briefing_pdf(briefing(demo_fixture_db, "03459", public)) for public in (False, True)}


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def lines_of(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in text_of(pdf).splitlines()]


def page_images(pdf: bytes) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    return [doc[i].render(scale=0.6).to_pil().convert("L") for i in range(len(doc))]


def ink(img: Image.Image) -> float:
    hist = img.histogram()
    return 1 - sum(hist[245:]) / (img.width * img.height)


def line_with(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.startswith(start)]
    assert found, f"no line starting with {start!r}"
    return found[0]


# --- the Regionalbriefing ----------------------------------------------------------------------------------


def test_briefing_names_region_period_date_and_stand(kreis_pdf):
    text = text_of(kreis_pdf)
    assert "Regionalbriefing".upper() in text.upper()
    assert "Osnabrück, kreisfreie Stadt" in text
    assert "2. Quartal 2025" in text
    assert "Erstellt am 21.11.2026" in text  # today is pinned in conftest
    assert "Datenstand: 15.07.2025" in text  # the latest load of the fixture
    assert "DEMODATEN" in text and "Demodaten – erfundene Zahlen" in text


def test_briefing_key_figures_ist_soll_luecke_and_comparison(kreis_pdf):
    lines = lines_of(kreis_pdf)
    # 24 places; 165,686 inhabitants / 10,000 × 2.5 = 41.4 needed → gap 17, 58 %; Land 4 %, Germany 7 %
    assert line_with(lines, "Schutzplätze 24").startswith("Schutzplätze 24 41 17 58 %")
    assert line_with(lines, "Schutzplätze 24").endswith("4 % 7 %")
    assert line_with(lines, "Frauenberatungsstellen 1").startswith("Frauenberatungsstellen 1 1,7 0,7")
    # key figures: region, last year (no data in 2024-Q2), change, Land, Germany
    assert line_with(lines, "Polizeieinsätze wegen häuslicher Gewalt") == \
        "Polizeieinsätze wegen häuslicher Gewalt Einsätze 150 k. A. k. A. 1.058 1.758"
    assert line_with(lines, "Weiterleitungsquote") == "Weiterleitungsquote % 40,0 % k. A. k. A. 40,5 % 42,4 %"


def test_briefing_states_sources_and_attributions(kreis_pdf):
    text = re.sub(r"\s+", " ", text_of(kreis_pdf))
    assert "Erläuternder Bericht zur Istanbul-Konvention, Ziff. 135 zu Art. 23" in text
    assert "Mindeststandards für Unterstützungsdienste (Kelly & Dubois 2008)" in text
    assert "Statistische Ämter des Bundes und der Länder, Regionalstatistik 12411-02-03-4" in text
    assert "dl-de/by-2-0" in text
    assert "Basis Zensus 2022" in text
    assert "interne Fassung" in text and "INTERN – NICHT ZUR VERÖFFENTLICHUNG" in text


def test_briefing_fits_two_pages_and_no_page_is_blank(kreis_pdf):
    pages = page_images(kreis_pdf)
    assert 1 <= len(pages) <= 2
    for img in pages:
        assert img.width < img.height  # A4 portrait
        assert ink(img) > 0.04


@pytest.mark.parametrize("ags, name", [("03", "Niedersachsen"), ("00", "Deutschland")])
def test_land_and_germany_briefings_fit_two_pages(demo_fixture_db, ags, name):
    pdf = reports.briefing_pdf(briefing(demo_fixture_db, ags))
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2
    assert name in text_of(pdf)
    assert all(ink(img) > 0.04 for img in page_images(pdf))


def test_public_mode_suppresses_small_counts_in_the_pdf(small_counts):
    internal, public = lines_of(small_counts[False]), lines_of(small_counts[True])
    assert line_with(internal, "Aufnahmen von Frauen") == "Aufnahmen von Frauen Frauen 2 k. A. k. A. 39 59"
    assert line_with(public, "Aufnahmen von Frauen") == "Aufnahmen von Frauen Frauen < 3 k. A. – 39 59"
    assert line_with(public, "Abweisungen (Anfragen, nicht Personen)").startswith(
        "Abweisungen (Anfragen, nicht Personen) Anfragen < 3")
    # a rate on 8 call-outs (fewer than 10 events) is withheld
    assert line_with(internal, "Weiterleitungsquote").startswith("Weiterleitungsquote % 50,0 %")
    assert line_with(public, "Weiterleitungsquote").startswith("Weiterleitungsquote % – ")
    text = text_of(small_counts[True])
    assert "Öffentliche Fassung" in text and "weniger als 3 Fälle" in text
    # capacities are not persons: shown in both versions
    assert line_with(public, "Schutzplätze 5").startswith("Schutzplätze 5 89 84")


def test_public_mode_suppresses_small_counts_in_the_chain_chart(demo_fixture_db):
    b = briefing(demo_fixture_db, "03459", public=True)
    steps = {s.label: s.value for s in chain.steps(b.report)}
    assert steps["Aufnahmen im Frauenhaus"] == "< 3"
    assert steps["Abweisungen (neben der Kette)"] == "< 3"
    # 8 call-outs: the rates on them are withheld, so the count is hidden too (it would give them back)
    assert steps["Polizeieinsätze"] == "•"
    internal = {s.label: s.value for s in chain.steps(briefing(demo_fixture_db, "03459").report)}
    assert internal["Aufnahmen im Frauenhaus"] == 2 and internal["Polizeieinsätze"] == 8


def test_briefing_figures_carry_title_source_stand_and_demo_mark(demo_fixture_db):
    figs = reports.briefing_figures(briefing(demo_fixture_db, "03404"))
    assert list(figs) == ["zielerreichung", "schutzplaetze-vergleich", "schutzplaetze-verlauf", "interventionskette"]
    for fig in figs.values():
        footer = next(a.text for a in fig.layout.annotations if a.name == "footer")
        assert "Osnabrück" in fig.layout.title.text
        assert "Quelle: IK-Monitor" in footer and "Stand: 15.07.2025" in footer
        assert any(a.name == "demo-tag" for a in fig.layout.annotations)


def test_unknown_region_is_a_german_error(demo_fixture_db):
    for public in (False, True):
        with pytest.raises(UnknownRegion, match="Unbekannte Region"):
            reports.build_briefing(source(demo_fixture_db, public), "99999", PERIOD)


# --- the slide tile ------------------------------------------------------------------------------------------


def test_tile_is_a_1200_by_675_png_with_the_key_figures(demo_fixture_db):
    b = briefing(demo_fixture_db, "03404")
    png = reports.tile_png(b)
    img = Image.open(io.BytesIO(png))
    assert img.size == (1200, 675)
    assert ink(img.convert("L")) > 0.04
    texts = " ".join(a.text for a in reports.tile_figure(b).layout.annotations)
    assert "<b>24</b>" in texts and "<b>41</b>" in texts and "<b>17</b>" in texts


# --- the Länderbericht ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def land_pdf(demo_fixture_db, boundaries):
    lr = reports.build_land_report(source(demo_fixture_db), "03", PERIOD, boundaries_dir=boundaries)
    return lr, reports.land_report_pdf(lr)


def test_land_report_has_every_kreis_with_coverage_and_gap(land_pdf):
    lr, pdf = land_pdf
    lines = lines_of(pdf)
    text = "\n".join(lines)
    assert "Länderbericht".upper() in text.upper() and "Niedersachsen" in text
    for name in ("Wittmund, Landkreis", "Osnabrück, Landkreis", "Region Hannover, Landkreis"):
        assert name in text
    # AGS, name, inhabitants, places, need, gap, coverage, centres, need, gap, facilities reported
    assert line_with(lines, "03404 Osnabrück, kreisfreie Stadt") == \
        "03404 Osnabrück, kreisfreie Stadt 165.686 24 41 17 58 % 1 1,7 0,7 1 von 1"
    assert line_with(lines, "03 Niedersachsen insgesamt").startswith("03 Niedersachsen insgesamt 8.008.135 74 2.002")
    assert "Bedarfsplanung nach dem Gewalthilfegesetz" in text
    assert "© GeoBasis-DE / BKG" in text  # the map's attribution
    assert "Erstellt am 21.11.2026" in text.replace("\n", " ")


def test_land_report_pages_are_rendered_and_not_blank(land_pdf):
    _, pdf = land_pdf
    pages = page_images(pdf)
    assert len(pages) >= 2
    assert all(ink(img) > 0.03 for img in pages[:-1])
    assert ink(pages[-1]) > 0.005  # the last page may hold only the end of the method section


def test_land_report_map_or_tile_map(land_pdf, demo_fixture_db, tmp_path):
    lr, _ = land_pdf
    assert "karte" in reports.land_report_figures(lr)
    without = reports.build_land_report(source(demo_fixture_db), "03", PERIOD, boundaries_dir=tmp_path)
    assert "kachelkarte" in reports.land_report_figures(without)


def test_land_report_needs_a_land(demo_fixture_db):
    with pytest.raises(UnknownRegion, match="kein Land"):
        reports.build_land_report(source(demo_fixture_db), "03404", PERIOD)


# --- the page ------------------------------------------------------------------------------------------------

PAGE_SCRIPT = """
import streamlit as st
from monitor.periods import Period
from ui import data
from ui.state import View
st.session_state["view"] = View(region=data.regions().get({ags!r}), period=Period.parse({period!r}), public=True,
                                variant="DE", lang="de")
exec(compile(open({page!r}, encoding="utf-8").read(), {page!r}, "exec"))
"""


def test_reports_page_offers_every_download(demo_fixture_db, monkeypatch):
    monkeypatch.setenv("IK_MONITOR_DB", str(demo_fixture_db))
    script = PAGE_SCRIPT.format(ags="03404", period=PERIOD, page=str(ROOT / "pages" / "reports.py"))
    at = AppTest.from_string(script, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Berichte"
    assert at.selectbox(key="reports_land").value == "03"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Regionalbriefing (PDF)" in labels and "Folienkachel 1200 × 675 (PNG)" in labels
    assert "Länderbericht Niedersachsen (PDF)" in labels
    # PNG and SVG for each chart of the briefing and of the Land report
    assert labels.count("PNG") == labels.count("SVG") >= 4 + 4
