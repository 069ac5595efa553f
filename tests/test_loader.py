"""The load path: batches, key conflicts, replace, undo, history, one transaction per file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from etl import loader
from etl.problems import os_problem, problem
from monitor import store
from monitor.datasets import DATASETS, get


@dataclass
class Report:
    """The FileReport interface of etl/validate.py, built directly so that the loader is tested on its own."""

    file: str
    sha256: str
    dataset: str
    frame: pd.DataFrame | None
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def rows(self) -> int:
        return 0 if self.frame is None else len(self.frame)

    @property
    def quarters(self) -> list[str]:
        return sorted(self.frame["quarter"].unique()) if self.rows else []

    @property
    def regions(self) -> list[str]:
        return sorted(self.frame["ags"].unique()) if self.rows else []

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        return {"file": self.file, "dataset": self.dataset, "rows": self.rows,
                "errors": [p.as_json() for p in self.errors], "warnings": [p.as_json() for p in self.warnings]}


def make_frame(dataset_id: str, rows: list[dict], sheet: str = "Daten") -> pd.DataFrame:
    """A clean frame as the validator hands it over: dataset fields with their dtypes, sheet and Excel row."""
    ds = get(dataset_id)
    data = {}
    for c in ds.columns:
        dtype = {"count": "Int64", "decimal": "Float64"}.get(c.kind, "str")
        data[c.field] = pd.array([r.get(c.field) for r in rows], dtype=dtype)
    data["source_sheet"] = pd.array([sheet] * len(rows), dtype="str")
    data["source_row"] = pd.array(range(2, len(rows) + 2), dtype="Int64")
    return pd.DataFrame(data)


def shelter_rows(quarter: str, facilities, *, places: int = 10, ags: str = "03404") -> list[dict]:
    return [
        {"quarter": quarter, "ags": ags, "facility": f, "facility_type": "Frauenhaus",
         "places_women": places, "places_children": places + 2, "occupied_days_women": places * 80,
         "turn_aways": 5, "turn_aways_no_space": 3}
        for f in facilities
    ]


def police_rows(quarter: str, kreise, *, callouts: int = 100) -> list[dict]:
    return [{"quarter": quarter, "ags": a, "callouts": callouts, "victims_female": callouts - 20} for a in kreise]


def shelters_report(name: str, rows: list[dict], sha: str | None = None) -> Report:
    return Report(f"/uploads/{name}", sha or f"sha-{name}", "shelters", make_frame("shelters", rows))


def load(report_or_reports, *, replace=False, user="tester", is_demo=False) -> loader.LoadOutcome:
    reports = report_or_reports if isinstance(report_or_reports, list) else [report_or_reports]
    with store.connect(write=True) as con:
        return loader.load_reports(con, reports, user=user, replace=replace, is_demo=is_demo)


def undo(batch_id: int, user: str = "tester") -> loader.UndoOutcome:
    with store.connect(write=True) as con:
        return loader.undo(con, batch_id, user=user)


def query(sql: str, params=None) -> list[tuple]:
    with store.connect() as con:
        return con.execute(sql, params or []).fetchall()


def snapshot() -> dict[str, list[tuple]]:
    """Every data table with all its columns, and every view of what is in force."""
    out = {}
    with store.connect() as con:
        for ds in DATASETS.values():
            for name in (ds.table, f"{ds.table}_current"):
                out[name] = con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
        for name in ("population_current", "targets_current"):
            out[name] = con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
    return out


FACILITIES = ("NI-FH-001", "NI-FH-002", "NI-FH-003")


pytestmark = pytest.mark.usefixtures("initialised_copy")


def test_load_writes_batch_record_and_rows(db_path):
    report = shelters_report("frauenhaeuser_2025q2.xlsx", shelter_rows("2025-Q2", FACILITIES)
                             + shelter_rows("2025-Q3", FACILITIES[:1], ags="03459"))
    outcome = load(report, user="nds-koordination")

    assert outcome.ok and outcome.exit_code == 0
    (f,) = outcome.files
    assert f.status == loader.LOADED and f.rows == 4 and f.batch_ids == [1]
    batch = query("SELECT kind, dataset, file_name, sha256, sheet, rows, quarters, regions, user_name, status, "
                  "replaced_rows, is_demo, loaded_at, undone_at FROM batches")
    assert batch[0][:12] == ("data", "shelters", "frauenhaeuser_2025q2.xlsx", "sha-frauenhaeuser_2025q2.xlsx",
                             "Daten", 4, ["2025-Q2", "2025-Q3"], ["03404", "03459"], "nds-koordination",
                             "active", 0, False)
    assert isinstance(batch[0][12], datetime) and batch[0][13] is None
    rows = query("SELECT batch_id, source_sheet, source_row, quarter, ags, facility, places_women, "
                 "places_children, admissions_women, superseded_by FROM shelters ORDER BY source_row")
    assert rows[0] == (1, "Daten", 2, "2025-Q2", "03404", "NI-FH-001", 10, 12, None, None)
    assert [r[5] for r in rows] == [*FACILITIES, "NI-FH-001"]
    assert query("SELECT count(*) FROM shelters_current")[0][0] == 4


def test_demo_flag_and_json_of_a_load(db_path):
    outcome = load(shelters_report("demo.xlsx", shelter_rows("2024-Q1", FACILITIES)), is_demo=True, user="demo")
    assert query("SELECT is_demo, user_name FROM batches") == [(True, "demo")]
    (entry,) = outcome.as_json()["files"]
    assert entry["status"] == "loaded" and entry["batch_ids"] == [1] and entry["rows"] == 3
    assert entry["dataset"] == "shelters" and entry["errors"] == [] and entry["replaced_rows"] == 0


def test_loaded_key_is_refused_naming_quarter_count_and_batch(db_path):
    load(shelters_report("q2.xlsx", shelter_rows("2025-Q2", FACILITIES)))
    before = snapshot()
    second = shelters_report("q2_korrektur.xlsx", shelter_rows("2025-Q2", FACILITIES[:2], places=20)
                             + shelter_rows("2025-Q3", FACILITIES))
    outcome = load(second)

    (f,) = outcome.files
    assert f.status == loader.REJECTED and outcome.exit_code == 1 and f.batch_ids == []
    (problem,) = f.tables[0].errors
    assert problem.code == loader.KEY_ALREADY_LOADED and problem.severity == "error"
    assert problem.message == ("2025-Q2 ist für 2 Einrichtungen bereits geladen (Batch 1, „q2.xlsx“). "
                               "Zum Ersetzen --replace verwenden.")
    assert snapshot() == before
    assert query("SELECT count(*) FROM batches")[0][0] == 1


def test_police_conflict_counts_kreise(db_path):
    report = Report("polizei.csv", "sha-p1", "police", make_frame("police", police_rows("2025-Q1", ["05913", "03404"])))
    load(report)
    again = Report("polizei_neu.csv", "sha-p2", "police", make_frame("police", police_rows("2025-Q1", ["05913"])))
    (problem,) = load(again).files[0].tables[0].errors
    assert problem.message.startswith("2025-Q1 ist für 1 Kreis bereits geladen (Batch 1")


def test_replace_supersedes_and_keeps_the_earlier_rows(db_path):
    load(shelters_report("q2.xlsx", shelter_rows("2025-Q2", FACILITIES)))
    outcome = load(shelters_report("q2_neu.xlsx", shelter_rows("2025-Q2", FACILITIES[:2], places=20)), replace=True)

    (f,) = outcome.files
    assert f.status == loader.LOADED and f.batch_ids == [2] and f.replaced_rows == 2
    assert query("SELECT replaced_rows FROM batches WHERE batch_id = 2") == [(2,)]
    current = query("SELECT facility, places_women, batch_id FROM shelters_current ORDER BY facility")
    assert current == [("NI-FH-001", 20, 2), ("NI-FH-002", 20, 2), ("NI-FH-003", 10, 1)]
    assert query("SELECT facility, superseded_by FROM shelters WHERE batch_id = 1 ORDER BY facility") == [
        ("NI-FH-001", 2), ("NI-FH-002", 2), ("NI-FH-003", None)]


def test_undo_restores_exactly_the_state_before(db_path):
    load(shelters_report("q1.xlsx", shelter_rows("2025-Q1", FACILITIES)))
    load(Report("polizei.csv", "sha-p", "police", make_frame("police", police_rows("2025-Q1", ["05913"]))))
    load(shelters_report("q2.xlsx", shelter_rows("2025-Q2", FACILITIES)))
    before = snapshot()
    load(shelters_report("q1q2_neu.xlsx", shelter_rows("2025-Q1", FACILITIES[1:], places=30)
                         + shelter_rows("2025-Q2", FACILITIES[:1], places=40)
                         + shelter_rows("2025-Q3", FACILITIES)), replace=True)
    assert snapshot() != before

    outcome = undo(4, user="koordination")

    assert (outcome.removed_rows, outcome.restored_rows) == (6, 3)
    assert outcome.message == ("Batch 4 („q1q2_neu.xlsx“) rückgängig gemacht: 6 Zeilen entfernt, "
                               "3 ersetzte Zeilen wiederhergestellt.")
    after = snapshot()
    # the undone batch's rows stay in the table for the audit trail; everything else is as before
    after["shelters"] = [r for r in after["shelters"] if r[0] != 4]
    assert after == before
    status = query("SELECT status, undone_by, undone_at IS NOT NULL FROM batches WHERE batch_id = 4")
    assert status == [("undone", "koordination", True)]


def test_undo_order_rules(db_path):
    load(shelters_report("a.xlsx", shelter_rows("2025-Q2", FACILITIES)))
    load(shelters_report("b.xlsx", shelter_rows("2025-Q2", FACILITIES[:1], places=5)), replace=True)

    with pytest.raises(loader.UndoRefused, match="Batch 2 hat Zeilen daraus ersetzt. Bitte zuerst Batch 2"):
        undo(1)
    assert query("SELECT status FROM batches ORDER BY batch_id") == [("active",), ("active",)]
    undo(2)
    with pytest.raises(loader.UndoRefused, match="Batch 2 wurde bereits am .* von tester rückgängig gemacht"):
        undo(2)
    with pytest.raises(loader.UndoRefused, match="Batch 99 gibt es nicht"):
        undo(99)
    undo(1)
    assert query("SELECT count(*) FROM shelters_current") == [(0,)]
    assert query("SELECT count(*) FROM shelters WHERE superseded_by IS NOT NULL") == [(0,)]


def test_identical_file_is_recognised(db_path):
    first = shelters_report("q2.xlsx", shelter_rows("2025-Q2", FACILITIES), sha="abc")
    load(first)
    before = snapshot()

    outcome = load(shelters_report("kopie_von_q2.xlsx", shelter_rows("2025-Q2", FACILITIES), sha="abc"), replace=True)

    (f,) = outcome.files
    assert f.status == loader.UNCHANGED and outcome.exit_code == 0 and f.batch_ids == []
    assert f.tables[0].batch_id == 1
    (note,) = f.tables[0].warnings
    assert note.code == loader.FILE_ALREADY_LOADED and "bereits als Batch 1 geladen" in note.message
    assert outcome.as_json()["files"][0]["status"] == "unchanged"
    assert snapshot() == before and query("SELECT count(*) FROM batches") == [(1,)]

    undo(1)  # once undone, the same file loads again as a new batch
    assert load(first).files[0].batch_ids == [2]


def test_identical_file_whose_rows_were_replaced_is_not_unchanged(db_path):
    first = shelters_report("q2.xlsx", shelter_rows("2025-Q2", FACILITIES), sha="abc")
    load(first)
    load(shelters_report("fix.xlsx", shelter_rows("2025-Q2", FACILITIES[:1], places=3)), replace=True)
    f = load(first).files[0]
    assert f.status == loader.REJECTED
    first_batch, second_batch = f.tables[0].errors
    assert first_batch.message.startswith("2025-Q2 ist für 2 Einrichtungen bereits geladen (Batch 1, „q2.xlsx“)")
    assert second_batch.message.startswith("2025-Q2 ist für 1 Einrichtung bereits geladen (Batch 2, „fix.xlsx“)")
    assert load(first, replace=True).files[0].batch_ids == [3]
    assert query("SELECT max(places_women) FROM shelters_current") == [(10,)]


def test_report_with_errors_is_not_loaded(db_path):
    bad = shelters_report("fehler.xlsx", shelter_rows("2025-Q2", FACILITIES))
    bad.errors.append(problem("not-integer", row=3, column="Plätze Frauen", value="zwölf"))
    outcome = loader.load_reports(None, [bad], user="x")  # nothing is written, so no connection is needed
    assert outcome.files[0].status == loader.REJECTED and outcome.exit_code == 1
    assert outcome.as_json()["files"][0]["errors"][0]["code"] == "not-integer"
    assert query("SELECT count(*) FROM batches") == [(0,)]


def test_empty_table_is_refused(db_path):
    outcome = load(Report("leer.xlsx", "sha-e", "police", make_frame("police", [])))
    assert outcome.files[0].status == loader.REJECTED
    assert outcome.files[0].tables[0].errors[0].code == loader.NO_DATA


def test_all_tables_of_a_file_or_none(db_path):
    load(Report("polizei.csv", "sha-p", "police", make_frame("police", police_rows("2025-Q1", ["05913"]))))
    shelters = shelters_report("beides.xlsx", shelter_rows("2025-Q1", FACILITIES))
    police = Report("/uploads/beides.xlsx", "sha-beides.xlsx", "police",
                    make_frame("police", police_rows("2025-Q1", ["05913"]), sheet="Polizei"))
    outcome = load([shelters, police])
    assert [t.status for t in outcome.files[0].tables] == [loader.REJECTED, loader.REJECTED]
    assert query("SELECT count(*) FROM shelters") == [(0,)]

    outcome = load([shelters, police], replace=True)
    assert outcome.files[0].batch_ids == [2, 3]
    assert query("SELECT dataset, sheet FROM batches WHERE file_name = 'beides.xlsx' ORDER BY batch_id") == [
        ("shelters", "Daten"), ("police", "Polizei")]


def test_reports_of_several_files_load_one_transaction_each(db_path):
    a = shelters_report("a.xlsx", shelter_rows("2025-Q1", FACILITIES))
    b = shelters_report("b.xlsx", shelter_rows("2025-Q1", FACILITIES[:1]))  # conflicts with a
    c = shelters_report("c.xlsx", shelter_rows("2025-Q2", FACILITIES))
    outcome = load([a, b, c])
    assert [f.status for f in outcome.files] == [loader.LOADED, loader.REJECTED, loader.LOADED]
    assert outcome.batch_ids == [1, 2] and outcome.exit_code == 1
    assert query("SELECT file_name FROM batches ORDER BY batch_id") == [("a.xlsx",), ("c.xlsx",)]


def test_failed_insert_midway_leaves_nothing(db_path):
    shelters = shelters_report("kaputt.xlsx", shelter_rows("2025-Q1", FACILITIES))
    broken = police_rows("2025-Q1", ["05913", "03404"])
    broken[1]["callouts"] = None  # a required column: the second insert of the file violates NOT NULL
    police = Report("/uploads/kaputt.xlsx", "sha-kaputt.xlsx", "police", make_frame("police", broken))

    with store.connect(write=True) as con:
        with pytest.raises(duckdb.ConstraintException):
            loader.load_reports(con, [shelters, police], user="x")
        # the connection is usable again: the failed transaction was rolled back
        assert con.execute("SELECT count(*) FROM batches").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM shelters").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM police").fetchone()[0] == 0
        assert loader.load_reports(con, [shelters], user="x").files[0].status == loader.LOADED


def test_history_newest_first_with_every_kind(db_path):
    load(shelters_report("a.xlsx", shelter_rows("2025-Q1", FACILITIES)))
    load(shelters_report("b.xlsx", shelter_rows("2025-Q1", FACILITIES[:1])), replace=True)
    undo(2, user="anna")
    with store.connect() as con:
        batches = loader.history(con)
        assert [b.batch_id for b in loader.history(con, limit=1)] == [2]
    assert [(b.batch_id, b.status, b.file_name, b.rows) for b in batches] == [
        (2, "undone", "b.xlsx", 1), (1, "active", "a.xlsx", 3)]
    entry = batches[0].as_json()
    assert entry["undone_by"] == "anna" and entry["replaced_rows"] == 1 and entry["quarters"] == ["2025-Q1"]
    assert entry["kind"] == "data" and entry["dataset"] == "shelters" and entry["regions"] == ["03404"]
    assert isinstance(entry["loaded_at"], str)


def test_undo_works_on_population_batches(db_path):
    """Reference-data loads (population, targets) are batches too; undo only needs batches.status."""
    with store.connect(write=True) as con:
        con.execute("INSERT INTO batches (batch_id, kind, file_name, sha256, rows, user_name, loaded_at, status) "
                    "VALUES (nextval('batch_seq'), 'population', 'destatis.xlsx', 'x', 1, 'u', now(), 'active')")
        con.execute("INSERT INTO population VALUES ('05913', '2024-12-31', 'Zensus 2022', 600000, 300000, "
                    "300000, 'Test', 1)")
    assert query("SELECT count(*) FROM population_current WHERE batch_id = 1") == [(1,)]
    outcome = undo(1)
    assert outcome.kind == "population" and outcome.restored_rows == 0
    assert query("SELECT count(*) FROM population_current WHERE batch_id = 1") == [(0,)]
    with store.connect() as con:
        assert [(b.kind, b.status) for b in loader.history(con)] == [("population", "undone")]


def test_report_without_dataset_only_carries_warnings(db_path):
    note = Report("notiz.xlsx", "sha-n", None, None,
                  warnings=[problem("footnote-skipped", row=9, value="Quelle: eigene Erhebung")])
    outcome = load(note)
    assert outcome.files[0].status == loader.REJECTED
    assert outcome.as_json()["files"][-1]["errors"][0]["code"] == loader.NO_TABLE

    data = shelters_report("notiz.xlsx", shelter_rows("2025-Q1", FACILITIES), sha="sha-n")
    note.file = data.file
    outcome = load([data, note])
    assert [t.status for t in outcome.files[0].tables] == [loader.LOADED, loader.LOADED]
    assert outcome.batch_ids == [1]


def test_files_the_system_will_not_read_are_refused_with_their_reason(db_path, tmp_path):
    outcome = loader.load_files([tmp_path / "fehlt.xlsx", tmp_path], user="x", db_path=db_path)
    assert [f.errors[0].code for f in outcome.files] == ["file-not-found", "not-a-file"]
    assert outcome.exit_code == 2 and "fehlt.xlsx“ nicht gefunden" in outcome.files[0].errors[0].message
    assert os_problem("a.csv", PermissionError(13, "Permission denied")).code == "no-permission"
    odd = os_problem("a.csv", OSError(5, "Input/output error"))
    assert odd.code == "os-error" and "(Input/output error)" in odd.message


# code → a test above that produces it (the registry test in test_validate.py checks that every code has one)
SCENARIOS = {
    "key-already-loaded": test_loaded_key_is_refused_naming_quarter_count_and_batch,
    "file-already-loaded": test_identical_file_is_recognised,
    "no-table": test_report_without_dataset_only_carries_warnings,
    **dict.fromkeys(("file-not-found", "not-a-file", "no-permission", "os-error"),
                    test_files_the_system_will_not_read_are_refused_with_their_reason),
}
