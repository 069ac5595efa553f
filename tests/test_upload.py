"""The upload workflow: what a file will change, the checked load, two uploaders at once, and the page itself.

The core (``etl.upload``) is tested directly on the fixture database; the page under AppTest follows the
flow a coordination office goes through: log in, upload (file_uploader), preview with problems, acknowledge,
replace, load, jump to the overview, undo.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import accounts, loader
from etl import upload as core
from etl.validate import CheckedFile, check_path
from monitor import config, store
from monitor.regions import RegionIndex
from tests.conftest import ROOT, copy_store
from tests.messy import headers, police, shelter, write_xlsx

PASSWORD = "quartal-2025-ok"


@pytest.fixture
def db(tmp_path, monkeypatch, fixture_db) -> Path:
    """A fresh copy of the fixture database (figures in tests/fixture_db.py), with local accounts beside it."""
    path = tmp_path / "monitor.duckdb"
    copy_store(fixture_db, path)
    monkeypatch.setenv("IK_MONITOR_DB", str(path))
    monkeypatch.setenv("IK_MONITOR_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    return path


def regions() -> RegionIndex:
    with store.connect() as con:
        return RegionIndex.from_db(con)


def check(path: Path) -> CheckedFile:
    return check_path(path, regions=regions(), today=config.today())


def ni_fh_001(tmp_path: Path, name: str = "korrektur.xlsx", **values) -> Path:
    """A correction of the fixture's NI-FH-001 (03404, 2025-Q2: 10 + 14 places) plus one new facility."""
    values = {"occupied_days_women": 800, "occupied_days_children": 600, **values}
    rows = [headers("shelters"),
            shelter(ags="03404", facility="NI-FH-001", places_women=12, places_children=14, **values),
            shelter(ags="03459", facility="NI-SW-009", facility_type="Schutzwohnung", places_women=3,
                    places_children=3, occupied_days_women=200, occupied_days_children=100)]
    return write_xlsx(tmp_path / name, rows)


def query(sql: str, params=None) -> list[tuple]:
    with store.connect() as con:
        return con.execute(sql, params or []).fetchall()


# --- what will change ------------------------------------------------------------------------------------

def test_preview_names_replaced_quarter_and_totals_per_kreis(db, tmp_path):
    checked = check(ni_fh_001(tmp_path))
    assert checked.loadable
    [preview] = core.preview_file(checked)
    assert preview.needs_replace
    assert preview.messages == ["ersetzt 2025-Q2 für 1 Einrichtung (Batch 2 „korrektur_schutz.xlsx“); "
                                "1 Einrichtung kommt neu hinzu."]
    totals = preview.totals.set_index("ags")
    # 03404 had 10 places for women (the superseded 100 never counts); 03459 gains a second facility
    assert (totals.loc["03404", "places_women_before"], totals.loc["03404", "places_women_after"]) == (10, 12)
    assert (totals.loc["03459", "rows_before"], totals.loc["03459", "rows_after"]) == (1, 2)
    assert (totals.loc["03459", "places_women_before"], totals.loc["03459", "places_women_after"]) == (2, 5)
    shown = preview.totals_for("places_women")
    assert list(shown.columns) == ["Quartal", "AGS", "Kreis", "Einrichtungen vorher", "Einrichtungen nachher",
                                   "Plätze Frauen vorher", "Plätze Frauen nachher", "Änderung"]
    assert shown["Änderung"].tolist() == [2, 3]


def test_preview_of_a_new_quarter_and_of_a_file_already_loaded(db, tmp_path):
    path = write_xlsx(tmp_path / "q3.xlsx", [headers("police"), police(quarter="2025-Q3", ags="03404"),
                                             police(quarter="2025-Q3", ags="03459", callouts=9, victims_female=6,
                                                    victims_male=3, eviction_orders=1, referrals=2,
                                                    high_risk_cases=0)])
    checked = check(path)
    [preview] = core.preview_file(checked)
    assert preview.messages == ["2025-Q3: neues Quartal – 2 Kreise."]
    assert not preview.needs_replace
    outcome = core.load_checked(checked, user="anna", expected=[preview])
    assert outcome.status == loader.LOADED
    [again] = core.preview_file(check(path))
    assert again.identical_batch == outcome.batch_ids[0]
    assert again.messages == [f"Diese Datei ist bereits als Batch {outcome.batch_ids[0]} geladen; Laden ändert nichts."]


def test_preview_of_keys_added_to_a_quarter(db, tmp_path):
    path = write_xlsx(tmp_path / "bremen.xlsx", [headers("police"), police(ags="04011")])
    [preview] = core.preview_file(check(path))
    assert preview.messages == ["2025-Q2: ergänzt 1 Kreis (bisher 4 Kreise geladen, die bleiben)."]


def test_load_refuses_a_preview_that_is_no_longer_true(db, tmp_path):
    first = check(ni_fh_001(tmp_path, "a.xlsx"))
    second = check(ni_fh_001(tmp_path, "b.xlsx", admissions_women=9))
    seen_first, seen_second = core.preview_file(first), core.preview_file(second)
    assert core.load_checked(first, user="anna", replace=True, expected=seen_first).status == loader.LOADED
    before = query("SELECT count(*) FROM batches")
    outcome = core.load_checked(second, user="ben", replace=True, expected=seen_second)
    assert outcome.status == loader.REJECTED
    assert outcome.errors[0].code == core.STALE_PREVIEW
    assert query("SELECT count(*) FROM batches") == before
    # a fresh preview names the batch just loaded, and loading after confirming it works
    fresh = core.preview_file(second)
    assert "„a.xlsx“" in fresh[0].messages[0]
    assert core.load_checked(second, user="ben", replace=True, expected=fresh).status == loader.LOADED


def test_problems_are_marked_at_their_row_and_column(db, tmp_path):
    path = write_xlsx(tmp_path / "fehler.xlsx", [
        headers("shelters"),
        shelter(ags="03404", facility="A"),
        shelter(ags="03404", facility="B", places_women="zwölf"),
        shelter(ags="03404", facility="C", occupied_days_women=1000),  # 10 places × 91 days: over-occupied
    ])
    checked = check(path)
    [report] = checked.reports
    problems = core.problems_frame(report.errors, report.warnings)
    assert problems[["Art", "Zeile", "Spalte", "Wert"]].values.tolist() == [
        ["Fehler", 3, "Plätze Frauen", "zwölf"], ["Warnung", 4, "Belegungstage Frauen", "1000"]]
    assert problems["Meldung"].iloc[0] == "„zwölf“ ist keine ganze Zahl. Erwartet: eine ganze Zahl ≥ 0, z. B. 12."
    shown, marks = core.marked_rows(report)
    assert shown["Zeile"].tolist() == [2, 3, 4]
    assert marks.loc[1, "Plätze Frauen"] == "error" and marks.loc[1, "Prüfung"] == "error"
    assert marks.loc[2, "Belegungstage Frauen"] == "warning"
    assert marks.loc[0].tolist() == [""] * len(marks.columns)
    assert shown.loc[1, "Prüfung"] == "✖ Fehler"
    assert shown.loc[1, "Plätze Frauen"] == "zwölf", "a cell that could not be read is shown as written"
    only, _ = core.marked_rows(report, only_problems=True)
    assert only["Zeile"].tolist() == [3, 4]
    assert not checked.loadable and core.preview_file(checked) == []


# --- two uploaders at once --------------------------------------------------------------------------------

def _in_threads(*calls):
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_uploads_of_different_files_at_once_both_load(db, tmp_path):
    a = check(write_xlsx(tmp_path / "polizei.xlsx", [headers("police"), police(quarter="2025-Q3", ags="03404")]))
    b = check(ni_fh_001(tmp_path))
    pa, pb = core.preview_file(a), core.preview_file(b)
    out_a, out_b = _in_threads(lambda: core.load_checked(a, user="anna", expected=pa),
                               lambda: core.load_checked(b, user="ben", replace=True, expected=pb))
    assert (out_a.status, out_b.status) == (loader.LOADED, loader.LOADED)
    assert sorted(query("SELECT user_name FROM batches WHERE batch_id > 5")) == [("anna",), ("ben",)]
    assert query("SELECT callouts FROM police_current WHERE quarter = '2025-Q3'") == [(420,)]
    assert query("SELECT places_women FROM shelters_current WHERE facility = 'NI-FH-001' AND quarter = '2025-Q2'") \
        == [(12,)]


def test_two_uploads_of_the_same_keys_at_once_load_one_and_tell_the_other(db, tmp_path):
    a = check(ni_fh_001(tmp_path, "anna.xlsx"))
    b = check(ni_fh_001(tmp_path, "ben.xlsx", admissions_women=9))
    pa, pb = core.preview_file(a), core.preview_file(b)
    outcomes = _in_threads(lambda: core.load_checked(a, user="anna", replace=True, expected=pa),
                           lambda: core.load_checked(b, user="ben", replace=True, expected=pb))
    assert sorted(o.status for o in outcomes) == [loader.LOADED, loader.REJECTED]
    refused = next(o for o in outcomes if o.status == loader.REJECTED)
    assert refused.errors[0].code == core.STALE_PREVIEW
    # exactly one version of the row is in force, and the fixture's row is kept for undo
    assert query("SELECT count(*) FROM shelters_current WHERE facility = 'NI-FH-001' AND quarter = '2025-Q2'") \
        == [(1,)]
    assert query("SELECT count(*) FROM shelters WHERE facility = 'NI-FH-001' AND quarter = '2025-Q2'") == [(3,)]


HOLD_LOCK = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("LOCKED", flush=True)
    time.sleep(float(sys.argv[2]))
    con.close()
""")


def _hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db), str(seconds)], stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "LOCKED"
    return proc


def test_a_load_waits_for_another_process_or_says_clearly_that_it_is_busy(db, tmp_path, monkeypatch):
    checked = check(ni_fh_001(tmp_path))
    seen = core.preview_file(checked)
    holder = _hold_lock(db, 30)
    try:
        monkeypatch.setattr(config, "LOCK_TIMEOUT_S", 0.3)
        with pytest.raises(store.StoreBusy, match="wird gerade von einem anderen Vorgang benutzt"):
            core.load_checked(checked, user="anna", replace=True, expected=seen)
    finally:
        holder.kill()
        holder.wait()
    assert query("SELECT count(*) FROM batches WHERE user_name = 'anna'") == [(0,)]
    holder = _hold_lock(db, 1.0)  # released while the load is waiting
    monkeypatch.setattr(config, "LOCK_TIMEOUT_S", 30)
    outcome = core.load_checked(checked, user="anna", replace=True, expected=seen)
    holder.wait()
    assert outcome.status == loader.LOADED


def test_undo_batch_restores_the_replaced_rows(db, tmp_path):
    checked = check(ni_fh_001(tmp_path))
    outcome = core.load_checked(checked, user="anna", replace=True, expected=core.preview_file(checked))
    with store.connect(write=True) as con:
        undone = core.undo_batch(con, outcome.batch_ids[0], user="anna")
    assert undone.restored_rows == 1
    assert query("SELECT places_women FROM shelters_current WHERE facility = 'NI-FH-001' AND quarter = '2025-Q2'") \
        == [(10,)]


# --- the page under AppTest -----------------------------------------------------------------------------

def logged_in(name: str = "anna", role: str = "uploader") -> AppTest:
    """The app with a local account logged in (the login form itself is tested in test_auth.py)."""
    accounts.add_user(name, PASSWORD, role)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["auth_local_user"] = {"name": name, "since": time.time(), "epoch": accounts.session_epoch(name)}
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Daten hochladen"
    return at


def upload(at: AppTest, *paths: Path) -> None:
    at.file_uploader[0].set_value([(p.name, p.read_bytes(), "application/octet-stream") for p in paths])
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def button(at: AppTest, prefix: str):
    return next(b for b in at.button if b.key and b.key.startswith(prefix))


def checkbox(at: AppTest, prefix: str):
    return next(c for c in at.checkbox if c.key and c.key.startswith(prefix))


def test_page_flow_preview_acknowledge_replace_load_and_undo(db, tmp_path):
    at = logged_in()
    upload(at, ni_fh_001(tmp_path, occupied_days_women=1200))  # 12 places × 91 days = 1092: over-occupied
    text = "\n".join(m.value for m in at.markdown)
    assert "Schutzunterkünfte" in text and "1 Warnung" in text
    assert "ersetzt 2025-Q2 für 1 Einrichtung" in text
    assert "Belegungstage Frauen" in at.dataframe[0].value["Spalte"].tolist()
    load = button(at, "load_")
    assert load.disabled, "a warning must be acknowledged and the replacement confirmed first"
    checkbox(at, "ack_").check()
    at.run()
    assert button(at, "load_").disabled, "the replacement is not confirmed yet"
    checkbox(at, "replace_").check()
    at.run()
    button(at, "load_").click()
    at.run()
    assert not at.exception
    assert any("als Batch 6 geladen – 2 Zeilen, davon 1 Zeile ersetzt" in s.value for s in at.success)
    assert query("SELECT user_name, replaced_rows FROM batches WHERE batch_id = 6") == [("anna", 1)]
    history = next(d.value for d in at.dataframe if "Benutzer" in d.value.columns)
    assert history.iloc[0][["Batch", "Datei", "Benutzer", "Status"]].tolist() == [6, "korrektur.xlsx", "anna", "aktiv"]

    # the summary leads to the overview of an affected Kreis, which shows the new figure at once
    button(at, "go_").click()
    at.run()
    assert not at.exception
    assert at.session_state["region"] == "03404" and at.session_state["period"] == "2025-Q2"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Schutzplätze (Plätze, nicht Familienplätze)"] == "26"

    at.switch_page("pages/upload.py")
    at.run()
    at.selectbox(key="undo_batch").set_value(6)
    at.run()
    assert at.button(key="undo_button").disabled
    at.checkbox(key="undo_sure_6").check()
    at.run()
    at.button(key="undo_button").click()
    at.run()
    assert any("Batch 6 („korrektur.xlsx“) rückgängig gemacht" in s.value for s in at.success)
    assert query("SELECT places_women FROM shelters_current WHERE facility = 'NI-FH-001' AND quarter = '2025-Q2'") \
        == [(10,)]
    assert query("SELECT status, undone_by FROM batches WHERE batch_id = 6") == [("undone", "anna")]


def test_page_blocks_a_file_with_errors_and_loads_nothing(db, tmp_path):
    at = logged_in()
    bad = write_xlsx(tmp_path / "fehler.xlsx", [headers("police"), police(ags="03404", callouts="viele")])
    good = write_xlsx(tmp_path / "gut.xlsx", [headers("police"), police(quarter="2025-Q3", ags="03404")])
    upload(at, bad, good)
    errors = [e.value for e in at.error]
    assert any("Diese Datei hat 1 Fehler und wird nicht geladen" in e for e in errors)
    assert "„viele“ ist keine ganze Zahl" in "\n".join(at.dataframe[0].value["Meldung"])
    loads = [b for b in at.button if b.key and b.key.startswith("load_")]
    assert len(loads) == 1 and loads[0].label == "„gut.xlsx“ laden" and not loads[0].disabled
    loads[0].click()
    at.run()
    assert query("SELECT file_name FROM batches WHERE batch_id > 5") == [("gut.xlsx",)]


def test_page_tells_the_second_uploader_that_the_database_is_busy(db, tmp_path, monkeypatch):
    at = logged_in()
    upload(at, write_xlsx(tmp_path / "q3.xlsx", [headers("police"), police(quarter="2025-Q3", ags="03404")]))
    monkeypatch.setattr(config, "LOCK_TIMEOUT_S", 0.3)
    holder = _hold_lock(db, 30)
    try:
        button(at, "load_").click()
        at.run()
    finally:
        holder.kill()
        holder.wait()
    assert any("„q3.xlsx“ wurde nicht geladen" in e.value and "anderen Vorgang" in e.value for e in at.error)
    assert query("SELECT count(*) FROM batches WHERE batch_id > 5") == [(0,)]


def test_page_offers_the_three_templates_and_the_instructions(db):
    at = logged_in()
    labels = [e.proto.label for e in at.get("download_button")]
    assert labels == ["Vorlage Schutzunterkünfte", "Vorlage Beratung", "Vorlage Polizeieinsätze"]
    assert [e.label for e in at.expander] [-3:] == ["Ausfüllhinweise Schutzunterkünfte", "Ausfüllhinweise Beratung",
                                                    "Ausfüllhinweise Polizeieinsätze"]
    text = "\n".join(m.value for m in at.markdown)
    assert "**Datenschutz:**" in text and "Makros" in text


def test_page_works_on_an_empty_database(tmp_path, monkeypatch):
    monkeypatch.setenv("IK_MONITOR_DB", str(tmp_path / "leer.duckdb"))
    monkeypatch.setenv("IK_MONITOR_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    at = logged_in()
    upload(at, write_xlsx(tmp_path / "erste.xlsx", [headers("police"), police(ags="03404")]))
    assert "2025-Q2: neues Quartal – 1 Kreis." in "\n".join(m.value for m in at.markdown)
    button(at, "load_").click()
    at.run()
    assert any("als Batch 1 geladen" in s.value for s in at.success)
    assert at.session_state["period"] == "2025-Q2"


# --- boundaries undo and published snapshots ---------------------------------------------------------

def _staged(folder: Path, marker: str) -> Path:
    folder.mkdir(parents=True)
    for name in ("kreise.geojson", "laender.geojson", "boundaries.json"):
        (folder / name).write_text(f'{{"version": "{marker}"}}')
    return folder


def test_boundaries_are_a_batch_and_undo_puts_the_earlier_files_back(db, tmp_path):
    from etl.cli import main as cli_main

    target = tmp_path / "grenzen"
    source = tmp_path / "vg2500.zip"
    source.write_bytes(b"zip")
    first = core.apply_boundaries(_staged(tmp_path / "a", "A"), source=source, user="chefin",
                                  report={"kreise": 400, "message": "A"}, boundaries_dir=target)
    second = core.apply_boundaries(_staged(tmp_path / "b", "B"), source=source, user="chefin",
                                   report={"kreise": 401, "message": "B"}, boundaries_dir=target)
    assert (target / "kreise.geojson").read_text() == '{"version": "B"}'
    with store.connect(write=True) as con:
        with pytest.raises(loader.UndoRefused, match=f"Bitte zuerst Batch {second}"):
            core.undo_batch(con, first, user="chefin", boundaries_dir=target)
        core.undo_batch(con, second, user="chefin", boundaries_dir=target)
    assert (target / "kreise.geojson").read_text() == '{"version": "A"}'
    config_dir = config.BOUNDARIES_DIR
    try:
        config.BOUNDARIES_DIR = target  # the CLI undoes into the configured folder
        assert cli_main(["undo", str(first), "--user", "chefin"]) == 0
    finally:
        config.BOUNDARIES_DIR = config_dir
    assert not (target / "kreise.geojson").exists(), "before the first import there were no boundaries"
    assert query("SELECT kind, status, user_name FROM batches WHERE batch_id IN (?, ?) ORDER BY batch_id",
                 [first, second]) == [("boundaries", "undone", "chefin")] * 2


def test_publish_copies_the_latest_release_and_nothing_else(db, tmp_path):
    """Public instances read a folder of releases: never the working store, never accounts."""
    import duckdb

    from etl.cli import main as cli_main

    accounts.add_user("anna", PASSWORD, "uploader")
    target = tmp_path / "public"
    assert cli_main(["publish", str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == ["LATEST", "release-0001.duckdb"]
    assert (target / "LATEST").read_text().strip() == "release-0001.duckdb"
    snap = duckdb.connect(str(target / "release-0001.duckdb"), read_only=True)
    try:
        tables = {r[0] for r in snap.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "figures" in tables and "release_info" in tables
        assert not {t for t in tables if t in ("batches", "shelters", "counselling", "police", "population")}
        assert not {t for t in tables if "account" in t or "login" in t}
    finally:
        snap.close()
    assert not list(target.glob(".*.tmp")), "the temporary file was renamed into place"
    assert oct((target / "release-0001.duckdb").stat().st_mode & 0o777) == "0o444"



# code → a test above that produces it (the registry test in test_validate.py checks that every code has one)
SCENARIOS = {core.STALE_PREVIEW: test_load_refuses_a_preview_that_is_no_longer_true}
