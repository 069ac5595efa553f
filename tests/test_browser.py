"""End to end in headless Chromium: the real app on the fixture database, every page screenshotted.

Fails on console errors, on uncaught page errors and on any request leaving localhost (fonts, CDNs, map
tiles). Screenshots go to the test's temporary folder, or to ``IK_MONITOR_SCREENSHOTS`` when set.
The boundaries are imported from the official BKG shapefiles in ../shared (the test is about that format).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import LAYOUT_PROBLEMS_JS, chromium_page, streamlit_server, wait_for_app
from tests.conftest import SHARED, copy_store
from tests.fixture_db import PERIOD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = {
    "": "Osnabrück",  # Übersicht is the default page at the root
    "schutz": "Schutz",
    "beratung": "Beratung",
    "polizei": "Polizei",
    "regionen": "Regionen",
    "methodik": "Methodik",
    "berichte": "Bericht",
    "bedarfsplanung": "Bedarfsplanung",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory, demo_fixture_db):
    from etl.boundaries import import_boundaries

    root = tmp_path_factory.mktemp("browser")
    db = root / "monitor.duckdb"
    copy_store(demo_fixture_db, db)
    boundaries = root / "boundaries"
    import_boundaries(SHARED / "geo" / "vg2500_2023-12-31_utm32s", out_dir=boundaries)
    with streamlit_server(db, {"IK_MONITOR_BOUNDARIES": str(boundaries)}) as url:
        yield url, root


def _shots_dir(root: Path) -> Path:
    out = Path(os.environ.get("IK_MONITOR_SCREENSHOTS") or root / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_every_page_in_chromium(app):
    url, root = app
    shots = _shots_dir(root)
    with chromium_page(height=2400) as (page, watch):
        for path, title in PAGES.items():
            page.goto(f"{url}/{path}?region=03404&period={PERIOD}")
            wait_for_app(page)
            assert title in page.locator('[data-testid="stMain"] h1').first.inner_text()
            target = shots / f"{path or 'uebersicht'}.png"
            page.screenshot(path=str(target))
            assert target.stat().st_size > 20_000, f"{target.name} looks blank"
        assert watch.external_requests == []
        assert watch.page_errors == []
        assert watch.console_errors == []


@pytest.mark.parametrize("device, language", [("phone", "de"), ("desktop", "de"), ("desktop", "en")])
def test_every_page_fits_a_phone_and_a_desktop_and_passes_axe(app, device, language):
    """390 × 844 (a phone, which says so in its user agent) and 1400 × 1000: no page wider than the screen, no
    chart text outside its chart, no title, legend, footer or demo tag over another, and no serious or critical
    axe-core violation. Screenshots of the whole page go to the screenshot folder (``<page>_phone.png``,
    ``<page>_desktop.png``, ``<page>_desktop_en.png``)."""
    from axe_playwright_python.sync_playwright import Axe

    url, root = app
    shots = _shots_dir(root)
    phone = device == "phone"
    problems, axe = {}, Axe()
    suffix = device if language == "de" else f"{device}_{language}"
    with chromium_page(1400, 1000, phone=phone) as (page, watch):
        for path in PAGES:
            page.goto(f"{url}/{path}?region=03404&period={PERIOD}&lang={language}")
            wait_for_app(page)
            page.wait_for_timeout(500)
            found = page.evaluate(LAYOUT_PROBLEMS_JS)
            violations = [v for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
            found += [f"axe {v['id']}: {v['help']} ({len(v['nodes'])}×, e.g. {v['nodes'][0]['target']})"
                      for v in violations]
            if found:
                problems[path or "uebersicht"] = found
            # Streamlit scrolls inside its main area: a tall window (same width) shows the whole page at once
            page.set_viewport_size({"width": 390 if phone else 1400, "height": 9000})
            page.wait_for_timeout(800)
            page.screenshot(path=str(shots / f"{path or 'uebersicht'}_{suffix}.png"))
            page.set_viewport_size({"width": 390, "height": 844} if phone else {"width": 1400, "height": 1000})
        assert watch.page_errors == []
    assert problems == {}


def test_charts_carry_title_source_and_demo_mark(app):
    url, _ = app
    with chromium_page() as (page, watch):
        page.goto(f"{url}/schutz?region=03241&period={PERIOD}")
        wait_for_app(page)
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
        chart = page.locator('[data-testid="stPlotlyChart"]').first.inner_text()
        assert "Schutzplätze" in chart
        assert "Quelle:" in chart and "Stand:" in chart
        assert "DEMODATEN" in chart.upper()


def test_map_draws_its_regions_offline(app):
    url, _ = app
    with chromium_page() as (page, watch):
        # Niedersachsen has 45 Kreise; the map of its Kreise must draw every one of them
        page.goto(f"{url}/regionen?region=03404&period={PERIOD}")
        wait_for_app(page)
        page.wait_for_function(
            "() => document.querySelectorAll('path.choroplethlocation').length >= 45", timeout=60000)
        assert watch.external_requests == []
        assert watch.console_errors == []


def test_link_reproduces_the_view_and_navigation_keeps_it(app):
    url, _ = app
    with chromium_page() as (page, watch):
        page.goto(f"{url}/?region=03241&period={PERIOD}&variant=WAVE%2FEIGE&mode=internal")
        wait_for_app(page)
        assert "Region Hannover" in page.locator("h1").first.inner_text()
        # an anonymous visitor asking for the internal view by URL gets the public one, with a note
        assert "nur nach Anmeldung" in page.locator('[data-testid="stSidebar"]').inner_text()
        page.get_by_role("link", name="Schutz").first.click()
        wait_for_app(page)
        assert "Region Hannover" in page.locator("h1").first.inner_text()
        assert "region=03241" in page.url and "variant=WAVE" in page.url and "mode=internal" not in page.url
