"""Regions with validity dates and successors: the shipped list (Eisenach until 2021, Hanau from 2026), the
territorial changes, quarter-aware validation, and ``python -m etl regions`` (preview, load, undo).

The real change table of ../shared/real/regions/gebietsaenderungen_2021_2026.csv is used from there: the shipped
table is checked against it, and it is imported into a store whose reference data lack both changes.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import messy
import pytest
from conftest import SHARED
from openpyxl import Workbook

from etl import loader
from etl.cli import main as etl_main
from etl.regions import load_regions, plan_regions
from etl.validate import check_file
from monitor import config, store
from monitor.regions import RegionIndex
from tests.fixture_db import TODAY

REAL_CHANGES = SHARED / "real" / "regions" / "gebietsaenderungen_2021_2026.csv"
DESTATIS_2023 = SHARED / "reference" / "destatis" / "04-kreise_gebietsstand_2023-12-31.xlsx"


def _index(path: Path) -> RegionIndex:
    with store.connect(path) as con:
        return RegionIndex.from_db(con)


def _codes(problems) -> list[str]:
    return [p.code for p in problems]


def _state(path: Path) -> list:
    with store.connect(path) as con:
        return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("batches", "regions", "region_versions", "region_changes")]


@pytest.fixture
def before_reforms(tmp_path, monkeypatch) -> Path:
    """A store initialised from reference data without Hanau, Eisenach and their changes (as before this issue)."""
    ref = tmp_path / "reference"
    shutil.copytree(config.REFERENCE_DIR, ref)
    lines = (ref / "regions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (ref / "regions.csv").write_text("".join(line for line in lines if not line.startswith(("06415,", "16056,"))),
                                     encoding="utf-8")
    changes = (ref / "region_changes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (ref / "region_changes.csv").write_text(changes[0], encoding="utf-8")
    monkeypatch.setattr(config, "REFERENCE_DIR", ref)
    path = tmp_path / "alt.duckdb"
    monkeypatch.setenv("IK_MONITOR_DB", str(path))
    return path


# --- the shipped list ------------------------------------------------------------------------------------------

def test_shipped_list_has_401_kreise_from_2026_and_eisenach_until_mid_2021(initialised_db):
    regions = _index(initialised_db)

    def kreise(day):
        return {r.ags for r in regions.kreise() if r.valid_on(day)}

    assert len(kreise(date(2025, 12, 31))) == 400 and "06415" not in kreise(date(2025, 12, 31))
    assert len(kreise(date(2026, 1, 1))) == 401 and "06415" in kreise(date(2026, 1, 1))
    assert len(kreise(date(2021, 6, 30))) == 401 and "16056" in kreise(date(2021, 6, 30))
    assert len(kreise(date(2021, 7, 1))) == 400
    hanau, eisenach = regions.get("06415"), regions.get("16056")
    assert (hanau.name, hanau.region_type, hanau.land_ags, hanau.valid_from) == (
        "Hanau, kreisfreie Stadt", "kreisfreie Stadt", "06", date(2026, 1, 1))
    assert (eisenach.valid_from, eisenach.valid_to) == (None, date(2021, 6, 30))


def test_shipped_changes_match_the_real_change_table(initialised_db):
    """The facts of ../shared/real/regions/gebietsaenderungen_2021_2026.csv, as the monitor ships them."""
    with open(REAL_CHANGES, encoding="utf-8", newline="") as fh:
        real = [(date.fromisoformat(r["wirksam_ab"]), r["ags_alt"][:5], r["ags_neu"],
                 r["ags_alt"] if len(r["ags_alt"]) == 8 else None) for r in csv.DictReader(fh)]
    shipped = _index(initialised_db).changes
    assert [(c.change_date, c.from_ags, c.to_ags, c.municipality) for c in shipped] == real
    assert [(c.kind, c.population_share) for c in shipped] == [("merged", 1.0), ("split", None)]
    assert all(c.source and c.description_de for c in shipped)


def test_successor_and_origin_of_a_kreis(initialised_db):
    regions = _index(initialised_db)
    assert regions.successor_of("16056").to_ags == "16063"
    assert regions.origin_of("06415").from_ags == "06435"
    assert regions.successor_of("06435") is None  # the Main-Kinzig-Kreis continues, smaller
    assert regions.territory_since("06435", date(2025, 12, 31)) is None
    assert regions.territory_since("06435", date(2026, 3, 31)) == date(2026, 1, 1)
    assert regions.territory_since("16063", date(2022, 3, 31)) == date(2021, 7, 1)


def test_territories_tell_which_population_vintages_fit(initialised_db):
    """region_territories: the stretches of unchanged territory; a vintage fits a period if dated within its
    stretch — the shipped 31.12.2023 vintage fits the Main-Kinzig-Kreis in 2025, not in 2026."""
    with store.connect(initialised_db) as con:
        stretches = con.execute("""
            SELECT ags, territory_from, territory_to, changed FROM region_territories
            WHERE ags IN ('06415', '06435', '16056', '16063') ORDER BY ags, territory_from NULLS FIRST""").fetchall()
        fitting = con.execute("""
            SELECT t.ags, p.reference_date FROM region_territories t JOIN population_current p USING (ags)
            WHERE t.ags IN ('06435', '06415') AND ? BETWEEN coalesce(t.territory_from, DATE '1900-01-01')
                                                    AND coalesce(t.territory_to, DATE '9999-12-31')
              AND p.reference_date BETWEEN coalesce(t.territory_from, DATE '1900-01-01')
                                       AND coalesce(t.territory_to, DATE '9999-12-31')""",
                              [date(2026, 3, 31)]).fetchall()
        count = con.execute("SELECT count(DISTINCT ags) FROM region_territories").fetchall()[0][0]
    assert stretches == [
        ("06415", date(2026, 1, 1), None, True),
        ("06435", None, date(2025, 12, 31), False), ("06435", date(2026, 1, 1), None, True),
        ("16056", None, date(2021, 6, 30), False),
        ("16063", None, date(2021, 6, 30), False), ("16063", date(2021, 7, 1), None, True),
    ]
    assert fitting == []  # no population on the 2026 territory yet: no target for 2026-Q1
    assert count == 402


def test_a_store_from_before_the_region_history_still_works_and_can_be_brought_up_to_date(initialised_copy):
    """An old store has only ``regions`` (400 Kreise). It reads without changes; running SCHEMA and
    ``store.rebuild_regions`` (what an upgrade step does) adds the shipped versions, changes, Hanau and Eisenach."""
    import duckdb

    con = duckdb.connect(str(initialised_copy))
    con.execute("DROP VIEW region_territories; DROP VIEW region_changes_current")
    con.execute("DROP TABLE region_changes; DROP TABLE region_versions")
    con.execute("DELETE FROM regions WHERE ags IN ('06415', '16056')")
    old = RegionIndex.from_db(con)
    assert old.changes == [] and old.get("06415") is None and len(old.kreise()) == 400
    con.execute(store.SCHEMA)
    store.rebuild_regions(con)
    new = RegionIndex.from_db(con)
    assert len(new.kreise()) == 402 and len(new.changes) == 2
    store.rebuild_regions(con)  # idempotent
    assert con.execute("SELECT count(*) FROM region_versions").fetchall()[0][0] == 419  # 1 + 16 + 402
    con.close()


# --- validation by quarter -----------------------------------------------------------------------------------

def test_a_2026_police_file_with_hanau_loads(initialised_copy, tmp_path):
    path = messy.write_csv(tmp_path / "hessen_2026q1.csv", [messy.headers("police"),
                                                            messy.police(quarter="2026-Q1", ags="06415"),
                                                            messy.police(quarter="2026-Q1", ags="06435")])
    [report] = check_file(path, regions=_index(initialised_copy), today=TODAY)
    assert report.errors == [] and report.regions == ["06415", "06435"]
    outcome = loader.load_files([path], user="lks")
    assert outcome.ok and outcome.files[0].rows == 2


@pytest.mark.parametrize("quarter, ags, code, successor", [
    ("2025-Q4", "06415", "region-not-yet-valid", "06435 (Main-Kinzig-Kreis)"),
    ("2022-Q1", "16056", "region-dissolved", "16063 (Wartburgkreis)"),
    ("2021-Q3", "16056", "region-dissolved", "16063 (Wartburgkreis)"),
])
def test_a_kreis_outside_its_validity_names_the_kreis_of_the_territory(initialised_db, tmp_path, quarter, ags,
                                                                       code, successor):
    path = messy.write_csv(tmp_path / "p.csv", [messy.headers("police"), messy.police(quarter=quarter, ags=ags)])
    [report] = check_file(path, regions=_index(initialised_db), today=TODAY)
    [p] = report.errors
    assert (p.code, p.row, p.column, p.value) == (code, 2, "AGS", ags)
    assert successor in p.message


def test_eisenach_before_the_merger_is_fine(initialised_db, tmp_path):
    path = messy.write_csv(tmp_path / "p.csv", [messy.headers("police"), messy.police(quarter="2021-Q2", ags="16056")])
    [report] = check_file(path, regions=_index(initialised_db), today=TODAY)
    assert report.errors == []


# --- importing a change table ----------------------------------------------------------------------------------

def test_the_real_change_table_is_previewed_loaded_and_undone(before_reforms):
    before = _state(before_reforms)
    plan = load_regions(REAL_CHANGES, user="lks", db_path=before_reforms, dry_run=True)
    assert plan["status"] == "checked" and plan["errors"] == []
    assert (plan["changes"], plan["regions"]) == (2, 2)
    assert "Neuer Kreis 06415 Hanau, kreisfreie Stadt, gültig ab 01.01.2026" in plan["lines"]
    assert "Neuer früherer Kreis 16056 Eisenach, kreisfreie Stadt, gültig bis 30.06.2021" in plan["lines"]
    assert _state(before_reforms) == before  # a dry run writes nothing

    result = load_regions(REAL_CHANGES, user="lks", db_path=before_reforms)
    assert result["status"] == "loaded", result["errors"]
    regions = _index(before_reforms)
    assert regions.get("06415").valid_from == date(2026, 1, 1) and regions.get("06415").short_name == "Hanau"
    assert regions.get("16056").valid_to == date(2021, 6, 30)
    assert [(c.kind, c.from_ags, c.municipality, c.to_ags) for c in regions.changes] == [
        ("merged", "16056", None, "16063"), ("split", "06435", "06435014", "06415")]
    with store.connect(before_reforms) as con:
        batch = con.execute("SELECT kind, rows, status, regions FROM batches WHERE batch_id = ?",
                            [result["batch_id"]]).fetchone()
    assert batch == ("regions", 4, "active", ["06415", "06435", "16056", "16063"])

    again = load_regions(REAL_CHANGES, user="lks", db_path=before_reforms)
    assert again["status"] == "unchanged" and again["known"] == 2

    with store.connect(before_reforms, write=True) as con:
        loader.undo(con, result["batch_id"], user="lks")
    assert _state(before_reforms)[1] == before[1]  # the regions in force are exactly those before the batch
    assert _index(before_reforms).get("06415") is None and _index(before_reforms).changes == []


def test_undo_is_refused_while_data_name_a_kreis_it_would_remove(before_reforms, tmp_path):
    result = load_regions(REAL_CHANGES, user="lks", db_path=before_reforms)
    path = messy.write_csv(tmp_path / "p.csv", [messy.headers("police"), messy.police(quarter="2026-Q1", ags="06415")])
    assert loader.load_files([path], user="lks").ok
    with store.connect(before_reforms, write=True) as con, pytest.raises(loader.UndoRefused, match="06415"):
        loader.undo(con, result["batch_id"], user="lks")
    assert _index(before_reforms).get("06415") is not None  # nothing changed


def test_regions_batches_are_undone_newest_first(initialised_copy, tmp_path):
    first = _write_rows(tmp_path / "a.csv", [_list_row("05913", "Dortmund, Stadt")])
    second = _write_rows(tmp_path / "b.csv", [_list_row("05913", "Dortmund, kreisfreie Stadt, neu")])
    a = load_regions(first, user="lks")["batch_id"]
    b = load_regions(second, user="lks")["batch_id"]
    assert _index(initialised_copy).get("05913").name == "Dortmund, kreisfreie Stadt, neu"
    with store.connect(write=True) as con, pytest.raises(loader.UndoRefused, match=f"zuerst Batch {b}"):
        loader.undo(con, a, user="lks")
    with store.connect(write=True) as con:
        loader.undo(con, b, user="lks")
    assert _index(initialised_copy).get("05913").name == "Dortmund, Stadt"
    with store.connect(write=True) as con:
        loader.undo(con, a, user="lks")
    assert _index(initialised_copy).get("05913").name == "Dortmund, kreisfreie Stadt"


def _list_row(ags: str, name: str) -> dict:
    return {"ags": ags, "level": "kreis", "name": name, "short_name": "Dortmund", "region_type": "kreisfreie Stadt",
            "land_ags": ags[:2], "valid_from": "", "valid_to": ""}


def _write_rows(path: Path, rows: list[dict], delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _change(**values) -> dict:
    row = {"change_date": "2027-01-01", "from_ags": "03459", "from_name": "", "to_ags": "03404",
           "to_name": "", "population_share": "", "source": "Test"}
    row.update(values)
    return row


def test_a_municipality_moving_between_kreise_changes_both_territories(initialised_copy, tmp_path):
    path = _write_rows(tmp_path / "wechsel.csv", [_change(from_ags="03459024", population_share="0,05")], ";")
    result = load_regions(path, user="lks")
    assert result["status"] == "loaded", result["errors"]
    regions = _index(initialised_copy)
    [change] = [c for c in regions.changes if c.from_ags == "03459"]
    assert (change.kind, change.municipality, change.population_share) == ("moved", "03459024", 0.05)
    assert regions.get("03459").valid_to is None and regions.territory_since("03404", date(2027, 3, 31)) == date(
        2027, 1, 1)


@pytest.mark.parametrize("row, code, fragment", [
    (_change(change_date="1.1.27x"), "region-bad-date", "„1.1.27x“ ist kein Datum"),
    (_change(to_ags="034"), "region-bad-key", "„034“ ist kein Schlüssel"),
    (_change(from_ags="03459024", population_share="1,5"), "region-bad-share", "„1,5“ ist kein Anteil"),
    (_change(to_ags="03499"), "region-name-missing", "Den Kreis 03499 kennt der IK-Monitor noch nicht"),
    (_change(from_ags="16056", to_ags="16063", change_date="2023-01-01"), "region-change-conflict",
     "16056 (Eisenach, kreisfreie Stadt) ist dort gültig bis 30.06.2021"),
])
def test_bad_change_rows_are_refused_with_row_and_nothing_changes(initialised_copy, tmp_path, row, code, fragment):
    before = _state(initialised_copy)
    result = load_regions(_write_rows(tmp_path / "f.csv", [row]), user="lks")
    assert result["status"] == "rejected"
    [p] = result["errors"]
    assert p.code == code and fragment in p.message and p.row == 2
    assert _state(initialised_copy) == before


def test_a_file_that_is_no_region_file_is_refused(initialised_copy, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Quartal;AGS\n2025-Q2;05913\n", encoding="utf-8")
    result = load_regions(path, user="lks")
    assert _codes(result["errors"]) == ["region-file-unknown"]


# --- checking a Destatis region list ---------------------------------------------------------------------------

def test_the_destatis_list_of_2023_agrees_with_the_region_list(initialised_copy):
    """The official 04-kreise workbook (../shared/reference/destatis, about that format) as a region list."""
    result = load_regions(DESTATIS_2023, user="lks")
    assert result["status"] == "unchanged" and result["known"] == 400
    assert result["lines"] == ["Die Regionenliste stimmt mit der Liste vom 31.12.2023 überein (400 Kreise)."]


def _destatis_like(path: Path, kreise: list[tuple[str, str]], stand: str | None = "Gebietsstand: 31.12.2023") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["Kreisfreie Städte und Landkreise nach Fläche, Bevölkerung und Bevölkerungsdichte"])
    ws.append([stand or ""])
    ws.append(["Schlüssel-nummer", "Regionale Bezeichnung", "Kreisfreie Stadt", "Bevölkerung"])
    ws.append(["", "", "Kreis / Landkreis", "insgesamt"])
    for ags, name in kreise:
        ws.append([ags, "Kreis", name, 100_000])
    wb.save(path)
    return path


@pytest.mark.parametrize("kreise, stand, code", [
    ([("16099", "Neukreis")], "Gebietsstand: 31.12.2023", "region-list-unknown"),
    ([("16056", "Eisenach")], "Gebietsstand: 31.12.2023", "region-list-not-valid"),
    ([("05913", "Dortmund")], "Gebietsstand: 31.12.2023", "region-list-missing"),
    ([("05913", "Dortmund")], None, "region-list-no-date"),
])
def test_a_destatis_list_that_disagrees_says_which_change_to_load(initialised_copy, tmp_path, kreise, stand, code):
    result = load_regions(_destatis_like(tmp_path / "liste.xlsx", kreise, stand), user="lks")
    assert result["status"] == "rejected" and code in _codes(result["errors"])


# --- the command ------------------------------------------------------------------------------------------------

def test_command_dry_run_json_and_load(before_reforms, capsys):
    assert etl_main(["regions", str(REAL_CHANGES), "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "checked" and out["changes"] == 2 and out["batch_id"] is None
    assert etl_main(["regions", str(REAL_CHANGES), "--user", "lks"]) == 0
    text = capsys.readouterr().out
    assert "als Batch 1 geladen: 2 Gebietsänderungen" in text and "Neuer Kreis 06415" in text
    assert etl_main(["history"]) == 0
    assert "Regionen" in capsys.readouterr().out


def test_plan_regions_on_an_unreadable_file(initialised_db, tmp_path):
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    plan = plan_regions(path, _index(initialised_db))
    assert plan.errors and plan.errors[0].code in ("damaged-archive", "damaged-file")


# code → the test above that produces it (the registry test in test_validate.py checks that every code has one)
SCENARIOS = {
    "region-file-unknown": test_a_file_that_is_no_region_file_is_refused,
    "region-bad-date": test_bad_change_rows_are_refused_with_row_and_nothing_changes,
    "region-bad-key": test_bad_change_rows_are_refused_with_row_and_nothing_changes,
    "region-bad-share": test_bad_change_rows_are_refused_with_row_and_nothing_changes,
    "region-name-missing": test_bad_change_rows_are_refused_with_row_and_nothing_changes,
    "region-change-conflict": test_bad_change_rows_are_refused_with_row_and_nothing_changes,
    "region-list-no-date": test_a_destatis_list_that_disagrees_says_which_change_to_load,
    "region-list-unknown": test_a_destatis_list_that_disagrees_says_which_change_to_load,
    "region-list-not-valid": test_a_destatis_list_that_disagrees_says_which_change_to_load,
    "region-list-missing": test_a_destatis_list_that_disagrees_says_which_change_to_load,
}


# --- the admin page ---------------------------------------------------------------------------------------------

def _admin_page(tmp_path, monkeypatch):
    import time

    from streamlit.testing.v1 import AppTest

    from etl import accounts
    from tests.conftest import ROOT

    monkeypatch.setenv("IK_MONITOR_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    accounts.add_user("admin", "referenz-2026-ok", "admin")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["auth_local_user"] = {"name": "admin", "since": time.time(),
                                           "epoch": accounts.session_epoch("admin")}
    at.run()
    at.switch_page("pages/admin.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_admin_page_previews_and_loads_the_change_table(before_reforms, tmp_path, monkeypatch):
    at = _admin_page(tmp_path, monkeypatch)
    at.file_uploader(key="regions_file").set_value((REAL_CHANGES.name, REAL_CHANGES.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join(m.value for m in at.markdown)
    assert "Neuer Kreis 06415 Hanau, kreisfreie Stadt, gültig ab 01.01.2026" in text
    assert _index(before_reforms).get("06415") is None  # the preview loads nothing
    load = next(b for b in at.button if b.key == "regions_load")
    assert load.disabled
    next(c for c in at.checkbox if c.key and c.key.startswith("regions_sure_")).check()
    at.run()
    next(b for b in at.button if b.key == "regions_load").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("als Batch 1 geladen: 2 Gebietsänderungen" in s.value for s in at.success)
    assert _index(before_reforms).get("06415").valid_from == date(2026, 1, 1)


def test_admin_page_loads_a_genesis_table_with_the_basis_chosen(initialised_copy, tmp_path, monkeypatch):
    table = SHARED / "real" / "population" / "12411-01-01-4_2021-12-31_regionalstatistik.csv"
    at = _admin_page(tmp_path, monkeypatch)
    at.file_uploader(key="population_file").set_value((table.name, table.read_bytes(), "text/csv"))
    at.run()
    assert any("Es fehlt: die Basis" in str(d.value["Meldung"].tolist()) for d in at.dataframe)
    at.selectbox(key="population_basis").set_value("Zensus 2011")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Stichtag 31.12.2021, Basis Zensus 2011, 400 Kreise" in m.value for m in at.markdown)
    next(c for c in at.checkbox if c.key and c.key.startswith("population_sure_")).check()
    at.run()
    next(b for b in at.button if b.key == "population_load").click()
    at.run()
    assert any("Bevölkerungsstand 31.12.2021 (Basis Zensus 2011) als Batch" in s.value for s in at.success)
