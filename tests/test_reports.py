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

from monitor import chain, fmt, geo, reports, store
from monitor.figures import LiveFigures, ReleaseFigures
from monitor.indicators import UnknownRegion
from monitor.regions import RegionIndex
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


def lower_third(img: Image.Image) -> Image.Image:
    """The band of a page between two thirds down and the footer."""
    return img.crop((0, int(img.height * 0.66), img.width, int(img.height * 0.92)))


def test_briefing_fits_two_pages_and_fills_page_one(kreis_pdf):
    pages = page_images(kreis_pdf)
    assert 1 <= len(pages) <= 2
    for img in pages:
        assert img.width < img.height  # A4 portrait
        assert ink(img) > 0.04
    assert ink(lower_third(pages[0])) > 0.03, "page 1 runs on before its lower third is used"


@pytest.mark.parametrize("ags, name, public", [("03", "Niedersachsen", False), ("00", "Deutschland", True),
                                               ("03459", "Osnabrück, Landkreis", True)])
def test_land_and_germany_briefings_fit_two_pages(demo_fixture_db, ags, name, public):
    pdf = reports.briefing_pdf(briefing(demo_fixture_db, ags, public))
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2
    assert name in text_of(pdf)
    pages = page_images(pdf)
    assert all(ink(img) > 0.04 for img in pages)
    assert ink(lower_third(pages[0])) > 0.03


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


# --- in English ----------------------------------------------------------------------------------------------

# German words that do not occur in English text (whole words, case-sensitive)
GERMAN = re.compile(r"(?<![\w-])(und|der|die|das|nicht|für|mit|von|ist|sind|wird|werden|eine|einer|einen|keine|kein|"
                    r"oder|auch|nach|bei|zum|zur|dem|den|des|sich|aus|wie|bis|je|davon|insgesamt|Zahl|Zahlen|Meldung|"
                    r"Meldungen|Quelle|Stand|Soll|Ist|Lücke|Plätze|Jahr|Jahre|Quartal|Einwohner|Einwohner:innen|Frauen|"
                    r"gemeldet|Daten|Demodaten|Bevölkerung|Einrichtungen|Beratung|Schutz|Vorjahr|Zählweise|Hinweis|"
                    r"Hinweise|Kennzahl|Kennzahlen|Fälle|Personen|Anteil|Wert|Vollständigkeit|Seite|Veröffentlichung|"
                    r"gesperrt|Deutschland|Polizei|Einsätze|Quote|Bedarf|Bestand|Kreisen|Ländern|Methodik|Erstellt|"
                    r"Datenstand|Vergleich|Umsetzung|Schutzplätze|Frauenberatungsstellen|Veränd|Deckung|Rundung|"
                    r"Datenschutz|Definitionen|Vergleichbarkeit|Zielerreichung|Länderbericht|Regionalbriefing|"
                    r"Stichtag|Basis|erfundene|Werte|Intern|Fassung|Kreise\s+in\s+\w+\s+insgesamt)(?![\w-])")


def allowed_german(db) -> list[str]:
    """Proper names, official titles and cited sources: German in every language, longest first."""
    with store.connect(db) as con:
        regions = RegionIndex.from_db(con).regions
        sources = [s for (s,) in con.execute("SELECT DISTINCT source FROM targets_current").fetchall() if s]
        sources += [s for (s,) in con.execute("SELECT DISTINCT source FROM population").fetchall() if s]
    fixed = ["Statistische Ämter des Bundes und der Länder", "Zensus 2022", "Zensus 2011", "Gewalthilfegesetz",
             geo.ATTRIBUTION_DEFAULT, "Kreis / kreisfreie Stadt"]
    names = [r.name for r in regions] + [r.short_name for r in regions]
    return sorted({*names, *sources, *fixed}, key=len, reverse=True)


def german_lines(pdf: bytes, allowed: list[str]) -> list[str]:
    """Lines of the PDF's text (joined across line breaks) that still hold a German word once names are gone."""
    text = re.sub(r"\s+", " ", text_of(pdf))
    for phrase in allowed:  # names and sources can be broken over two lines in the PDF: match them on one
        text = text.replace(phrase, " ")
    return sorted({text[max(0, m.start() - 60):m.end() + 60] for m in GERMAN.finditer(text)})


@pytest.fixture(scope="module")
def english(demo_fixture_db, boundaries):
    """The English briefing (internal, Kreis), the public one of a Land, and the English Land report."""
    lr = reports.build_land_report(source(demo_fixture_db), "03", PERIOD, boundaries_dir=boundaries)
    return {"kreis": reports.briefing_pdf(briefing(demo_fixture_db, "03404"), language="en"),
            "land": reports.briefing_pdf(briefing(demo_fixture_db, "03", public=True), language="en"),
            "report": reports.land_report_pdf(lr, language="en")}


@pytest.mark.parametrize("which", ["kreis", "land", "report"])
def test_english_documents_hold_no_german_sentence(english, demo_fixture_db, which):
    pdf = english[which]
    assert german_lines(pdf, allowed_german(demo_fixture_db)) == []
    # the checker finds German where there is some: the German document of the same figures fails it
    assert german_lines(kreis_german(demo_fixture_db), allowed_german(demo_fixture_db))


def kreis_german(db) -> bytes:
    return _GERMAN_PDF.setdefault("pdf", reports.briefing_pdf(briefing(db, "03404")))


_GERMAN_PDF: dict = {}


def test_english_briefing_has_english_numbers_dates_and_words(english):
    lines = lines_of(english["kreis"])
    text = " ".join(lines)
    assert "REGIONAL BRIEFING" in text and "2nd quarter 2025" in text
    assert "Made on 21 Nov 2026 · Data as of: 15 Jul 2025" in text, text[:600]
    assert "DEMO DATA" in text and "INTERNAL – NOT FOR PUBLICATION" in text
    # the same check figures as the German briefing, in English number format
    assert line_with(lines, "Shelter places 24").startswith("Shelter places 24 41 17 58%")
    assert line_with(lines, "Counselling centres 1").startswith("Counselling centres 1 1.7 0.7")
    assert line_with(lines, "Police call-outs for domestic violence") == \
        "Police call-outs for domestic violence call-outs 150 n/a n/a 1,058 1,758"
    assert "Page 1 of" in text


def test_english_land_report_has_the_kreise_in_english(english):
    lines = lines_of(english["report"])
    assert line_with(lines, "03404 Osnabrück, kreisfreie Stadt") == \
        "03404 Osnabrück, kreisfreie Stadt 165,686 24 41 17 58% 1 1.7 0.7 1 of 1"
    assert line_with(lines, "03 Niedersachsen total").startswith("03 Niedersachsen total 8,008,135 74 2,002")
    assert "Needs planning under the Gewalthilfegesetz" in "\n".join(lines)


def test_english_figures_and_tile(demo_fixture_db):
    b = briefing(demo_fixture_db, "03404")
    figs = reports.briefing_figures(b, language="en")
    assert figs["schutzplaetze-verlauf"].layout.title.text.startswith("<b>Shelter places and target")
    for fig in figs.values():
        footer = next(a.text for a in fig.layout.annotations if a.name == "footer")
        assert "Source: IK-Monitor, reports:" in footer and "As of: 15 Jul 2025" in footer
    texts = " ".join(a.text for a in reports.tile_figure(b, "en").layout.annotations)
    assert "Shelter places (actual)" in texts and "Counselling centres (target 1.7)" in texts
    assert reports.briefing_filename("03404", PERIOD, language="en") == \
        "ik-monitor_regionalbriefing_03404_2025-Q2_en.pdf"
    assert reports.land_report_filename("03", PERIOD, public=False, language="en") == \
        "ik-monitor_laenderbericht_03_2025-Q2_en_INTERN.pdf"


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


def test_land_report_kreis_table_has_group_headings_and_whole_words(land_pdf):
    _, pdf = land_pdf
    lines = lines_of(pdf)
    # "Schutzplätze" over Ist … Deckung, "Beratungsstellen" over Ist … Lücke, each once per page of the table
    groups = [i for i, line in enumerate(lines) if line == "Schutzplätze Beratungsstellen"]
    assert groups
    header = " ".join(lines[groups[0] + 1:groups[0] + 4])
    assert "Einw. Ist Soll Lücke Deckung Ist Soll Lücke" in header
    assert "Meldungen" in header.split() and "Einr." in header.split()  # not "Meldung en"
    assert not re.search(r"Beratun gsst|Meldung en", " ".join(lines))


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


def test_a_document_that_needs_a_land_says_so_in_either_language(demo_fixture_db):
    figures = LiveFigures(demo_fixture_db)
    with pytest.raises(UnknownRegion) as refused:
        reports.build_briefings(figures, "03404", PERIOD)
    assert str(refused.value).startswith("„03404“ ist kein Land – die Serie der Regionalbriefings braucht")
    assert refused.value.text("en").startswith("„03404“ is not a Land – the series of regional briefings needs")


def test_land_report_explains_why_the_planning_gap_differs_from_the_land_gap(land_pdf):
    lr, pdf = land_pdf
    text = " ".join(lines_of(pdf))
    land_gap = round(lr.report.value("shelter_places_missing"))
    planning_gap = lr.plan.total["places_gap"]
    if planning_gap == land_gap:  # nothing to explain in this Land
        assert "Warum die Lücke hier" not in text
        return
    expected = (f"Warum die Lücke hier {fmt.integer(planning_gap)} statt {fmt.integer(land_gap)} Plätze beträgt")
    assert expected in text and "ein Überschuss in einem Kreis schließt keine Lücke in einem anderen" in text
