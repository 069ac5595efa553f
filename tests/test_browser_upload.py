"""The upload workflow end to end in headless Chromium: a viewer cannot reach the page; an uploader logs in
through the sidebar form, uploads a real workbook through the file chooser, loads it and sees the new
numbers on the dashboard — in her session and in a viewer's.

Screenshots of each step go to the test's temporary folder, or to ``IK_MONITOR_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl import accounts
from monitor import fmt, store
from tests.browser import chromium_page, streamlit_server, wait_for_app
from tests.conftest import copy_store
from tests.messy import headers, shelter, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "quartal-2025-ok"
NEW_QUARTER = "2025-Q3"


@pytest.fixture(scope="module")
def app(tmp_path_factory, fixture_db):
    root = tmp_path_factory.mktemp("browser_upload")
    db = root / "monitor.duckdb"
    copy_store(fixture_db, db)  # the uploads change it
    accounts_file = root / "accounts.sqlite"
    os.environ["IK_MONITOR_ACCOUNTS"] = str(accounts_file)
    try:
        accounts.add_user("anna", PASSWORD, "uploader")
    finally:
        os.environ.pop("IK_MONITOR_ACCOUNTS", None)
    # 2025-Q3 for Osnabrück: NI-FH-001 grows to 30 + 47 = 77 places
    workbook = write_xlsx(root / "frauenhaeuser_2025q3.xlsx", [
        headers("shelters"),
        shelter(quarter=NEW_QUARTER, ags="03404", facility="NI-FH-001", places_women=30, places_children=47,
                occupied_days_women=2500, occupied_days_children=3000),
    ])
    with streamlit_server(db, {"IK_MONITOR_ACCOUNTS": str(accounts_file)}) as url:
        yield url, root, db, workbook


def _shots(root: Path) -> Path:
    out = Path(os.environ.get("IK_MONITOR_SCREENSHOTS") or root / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_viewer_cannot_reach_the_upload_page(app):
    url, root, _, _ = app
    with chromium_page() as (page, watch):
        page.goto(f"{url}/hochladen?region=03404&period=2025-Q2")
        wait_for_app(page)
        title = page.locator('[data-testid="stMain"] h1').first.inner_text()
        assert "Osnabrück" in title and "Daten hochladen" not in title, "the default page, not the upload page"
        assert page.get_by_role("link", name="Daten hochladen").count() == 0
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        page.screenshot(path=str(_shots(root) / "viewer_hochladen.png"))
        assert watch.page_errors == [] and watch.external_requests == []


def test_uploader_loads_a_workbook_through_the_file_chooser(app):
    url, root, db, workbook = app
    shots = _shots(root)
    with chromium_page(height=1400) as (page, watch):
        _login(page, url, "anna")
        page.get_by_role("link", name="Daten hochladen").wait_for(timeout=30000)
        page.get_by_role("link", name="Daten hochladen").click()
        wait_for_app(page)
        assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Daten hochladen"
        page.screenshot(path=str(shots / "upload_leer.png"))

        # a file with an error and a warning: marked in the preview, and no load button
        broken = write_xlsx(root / "fehlerhaft.xlsx", [
            headers("shelters"),
            shelter(quarter=NEW_QUARTER, ags="03404", facility="NI-FH-001", places_women="zwölf"),
            shelter(quarter=NEW_QUARTER, ags="03404", facility="NI-FH-002", occupied_days_women=1000),
        ])
        with page.expect_file_chooser() as chooser:
            page.locator('[data-testid="stFileUploaderDropzone"] button').first.click()
        chooser.value.set_files(str(broken))
        page.get_by_text("Diese Datei hat 1 Fehler und wird nicht geladen").wait_for(timeout=60000)
        wait_for_app(page)
        # the problems table and the marked rows (tables draw on a canvas: their text is not in the DOM)
        tab = page.get_by_role("tabpanel", name="Hochladen")
        assert tab.locator('[data-testid="stDataFrame"]').count() == 2
        assert page.get_by_role("button", name=f"„{broken.name}“ laden").count() == 0
        page.screenshot(path=str(shots / "upload_fehler.png"), full_page=True)
        page.get_by_role("button", name="Liste leeren").click()
        wait_for_app(page)

        with page.expect_file_chooser() as chooser:
            page.locator('[data-testid="stFileUploaderDropzone"] button').first.click()
        chooser.value.set_files(str(workbook))
        page.get_by_text("Was sich ändert").wait_for(timeout=60000)
        wait_for_app(page)
        assert f"{NEW_QUARTER}: neues Quartal – 1 Einrichtung." in _main_text(page)
        page.screenshot(path=str(shots / "upload_vorschau.png"), full_page=True)

        page.get_by_role("button", name=f"„{workbook.name}“ laden").click()
        page.get_by_text("als Batch 6 geladen").wait_for(timeout=60000)
        wait_for_app(page)
        page.screenshot(path=str(shots / "upload_geladen.png"), full_page=True)
        with store.connect(db) as con:
            assert con.execute("SELECT user_name, file_name FROM batches WHERE batch_id = 6").fetchall() == [
                ("anna", workbook.name)]

        page.get_by_role("button", name=f"Osnabrück, kreisfreie Stadt · {fmt.quarter(NEW_QUARTER)}").click()
        page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"] h1')"
                               " && document.querySelector('[data-testid=\"stMain\"] h1')"
                               ".innerText.includes('Osnabrück')",
                               timeout=60000)
        wait_for_app(page)
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Schutzplätze").first
        assert "77" in metric.inner_text()
        assert "3.\u00a0Quartal 2025" in page.locator('[data-testid="stMain"] h1').first.inner_text()
        page.screenshot(path=str(shots / "uebersicht_neu.png"))
        assert watch.page_errors == [] and watch.external_requests == []

    # a viewer's fresh session does not see the new quarter before a release …
    with chromium_page() as (page, watch):
        page.goto(f"{url}/?region=03404&period={NEW_QUARTER}")
        wait_for_app(page)
        assert "3.\u00a0Quartal 2025" not in page.locator('[data-testid="stMain"] h1').first.inner_text()

    # … the uploader releases it on the upload page …
    with chromium_page(height=1400) as (page, watch):
        _login(page, url, "anna")
        page.get_by_role("link", name="Daten hochladen").click()
        wait_for_app(page)
        page.get_by_role("tab", name="Veröffentlichen").click()
        assert "Noch nicht öffentlich: 1 neuer Ladevorgang (Batch 6)" in _main_text(page)
        page.get_by_text("Die geladenen Zahlen sind geprüft").click()
        wait_for_app(page)
        page.get_by_role("button", name="Jetzt veröffentlichen").click()
        page.get_by_text("Veröffentlichung 2 geschrieben").wait_for(timeout=120000)
        page.screenshot(path=str(_shots(root) / "veroeffentlicht.png"), full_page=True)
        assert watch.page_errors == []

    # … and then every visitor sees it
    with chromium_page() as (page, watch):
        page.goto(f"{url}/?region=03404&period={NEW_QUARTER}")
        wait_for_app(page)
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Schutzplätze").first
        assert "77" in metric.inner_text()
        assert "Veröffentlichung 2" in page.locator('[data-testid="stSidebar"]').inner_text()


def _login(page, url: str, name: str, path: str = "") -> None:
    page.goto(f"{url}/{path}?region=03404&period=2025-Q2")
    wait_for_app(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Anmelden (Koordinierungsstelle)").click()
    sidebar.get_by_label("Benutzername").fill(name)
    sidebar.get_by_label("Passwort", exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name="Anmelden").click()
    # the password hash and the first internal page run take long when the suite keeps both cores busy
    sidebar.get_by_text(f"Angemeldet als {name}").wait_for(timeout=90000)
    wait_for_app(page)


def test_a_login_survives_a_reload_and_a_deep_link_and_ends_with_the_account(app):
    url, root, _, _ = app
    accounts_file = root / "accounts.sqlite"
    os.environ["IK_MONITOR_ACCOUNTS"] = str(accounts_file)
    try:
        accounts.add_user("ina", PASSWORD, "intern")
        with chromium_page() as (page, watch):
            _login(page, url, "ina")
            cookies = {c["name"]: c for c in page.context.cookies()}
            assert cookies["ik_session"]["httpOnly"] and "ina" not in cookies["ik_session"]["value"]
            page.reload()
            wait_for_app(page)
            sidebar = page.locator('[data-testid="stSidebar"]')
            assert "Angemeldet als ina" in sidebar.inner_text()
            # a deep link in a fresh tab of the same browser: still signed in, the internal view offered
            page.goto(f"{url}/polizei?region=03459&period=2025-Q2&mode=internal")
            wait_for_app(page)
            assert "Interne Ansicht – nicht zur Veröffentlichung" in sidebar.inner_text()
            assert "Angemeldet als ina" in sidebar.inner_text()
            page.screenshot(path=str(_shots(root) / "intern_polizei.png"))
            # the account is locked: signed out on the next page run, public figures again
            accounts.lock("ina")
            page.reload()
            wait_for_app(page)
            assert "Angemeldet als ina" not in sidebar.inner_text()
            assert "Interne Ansicht" not in sidebar.inner_text()
            assert watch.page_errors == []
    finally:
        os.environ.pop("IK_MONITOR_ACCOUNTS", None)
