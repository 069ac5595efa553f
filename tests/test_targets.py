"""A Land's own targets: CSV and Excel, checks with German messages, loading as a batch, undo."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import loader
from etl.targets import COLUMNS, known_indicators, load_targets
from monitor import config, store

BW_ROW = {
    "target_id": "bw_shelter_women", "indicator": "shelter_places", "variant": "BW",
    "denominator": "population_female", "per_population": "10000", "value": "1", "factor": "1",
    "unit_de": "Plätze", "unit_en": "places", "label_de": "1 Platz je 10.000 Frauen",
    "label_en": "1 place per 10,000 women", "source": "Ministerium für Soziales, Baden-Württemberg",
    "valid_from": "2024-01-01", "land_ags": "08",
}


pytestmark = pytest.mark.usefixtures("initialised_copy")


def _csv(path: Path, rows: list[dict], delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _own_targets(path: Path) -> list[tuple]:
    with store.connect(path) as con:
        return con.execute(
            "SELECT target_id, land_ags, denominator, per_population, value, factor, valid_from FROM targets_current "
            "WHERE batch_id IS NOT NULL ORDER BY target_id"
        ).fetchall()


def test_known_indicators_are_those_of_the_shipped_targets():
    with open(config.REFERENCE_DIR / "targets.csv", encoding="utf-8") as fh:
        shipped = {r["indicator"] for r in csv.DictReader(fh)}
    assert set(known_indicators()) == shipped


def test_csv_targets_load_as_an_undoable_batch(db_path, tmp_path):
    second = dict(BW_ROW, target_id="bw_counselling", indicator="counselling_centres", per_population="40000",
                  denominator="population_female", factor="", variant="")
    result = load_targets(_csv(tmp_path / "bw.csv", [BW_ROW, second]), user="lks-bw", db_path=db_path)
    assert result["status"] == "loaded", [p.message for p in result["errors"]]
    assert result["targets"] == 2 and result["laender"] == ["08"]
    assert _own_targets(db_path) == [
        ("bw_counselling", "08", "population_female", 40000, 1.0, 1.0, date(2024, 1, 1)),
        ("bw_shelter_women", "08", "population_female", 10000, 1.0, 1.0, date(2024, 1, 1)),
    ]
    with store.connect(db_path, write=True) as con:
        batch = con.execute("SELECT kind, dataset, rows, regions, user_name, status FROM batches").fetchone()
        assert batch == ("targets", None, 2, ["08"], "lks-bw", "active")
        loader.undo(con, result["batch_id"], user="lks-bw")
    assert _own_targets(db_path) == []
    with store.connect(db_path) as con:  # the shipped convention targets are untouched
        assert con.execute("SELECT count(*) FROM targets_current").fetchone()[0] == 4


def test_excel_targets_with_german_numbers_and_dates_load(db_path, tmp_path):
    path = tmp_path / "ziele.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Zielwerte"
    ws.append(["Eigene Zielwerte Niedersachsen"])  # a title row above the header
    ws.append(list(COLUMNS))
    row = dict(BW_ROW, target_id="ni_shelter", variant="NI", denominator="population_total", factor="2,5",
               valid_from="01.07.2025", land_ags=3)
    row["per_population"] = 10000
    ws.append([row[c] for c in COLUMNS])
    wb.save(path)
    result = load_targets(path, user="lks-ni", db_path=db_path)
    assert result["status"] == "loaded", [p.message for p in result["errors"]]
    assert _own_targets(db_path) == [("ni_shelter", "03", "population_total", 10000, 1.0, 2.5, date(2025, 7, 1))]
    with store.connect(db_path) as con:
        assert con.execute("SELECT sheet FROM batches").fetchone() == ("Zielwerte",)


INVALID = [
    ("indicator", "frauenhaus_betten", "targets-unknown-indicator", "ist kein bekannter Indikator"),
    ("denominator", "population_male", "targets-unknown-denominator", "population_total oder population_female"),
    ("per_population", "0", "targets-bad-number", "ganze Zahl > 0"),
    ("per_population", "zehntausend", "targets-bad-number", "ganze Zahl > 0"),
    ("value", "-1", "targets-bad-number", "Zahl > 0"),
    ("factor", "0", "targets-bad-number", "Zahl > 0"),
    ("source", "", "targets-missing-value", "Pflichtangabe fehlt"),
    ("label_de", "k.A.", "targets-missing-value", "Pflichtangabe fehlt"),
    ("valid_from", "2024-13-01", "targets-bad-date", "ist kein Datum"),
    ("land_ags", "17", "targets-unknown-land", "ist kein bekanntes Land"),
    ("land_ags", "05913", "targets-unknown-land", "ist kein bekanntes Land"),
    ("target_id", "bw ziel/1", "targets-bad-id", "ist keine gültige Ziel-ID"),
]


@pytest.mark.parametrize("column, value, code, expected", INVALID)
def test_invalid_values_are_refused_with_row_and_column(db_path, tmp_path, column, value, code, expected):
    rows = [BW_ROW, {**BW_ROW, "target_id": "bw_second", column: value}]
    result = load_targets(_csv(tmp_path / "t.csv", rows, delimiter=";"), user="x", db_path=db_path)
    assert result["status"] == "rejected"
    assert len(result["errors"]) == 1
    problem = result["errors"][0]
    assert (problem.code, problem.row, problem.column) == (code, 3, column)
    assert problem.message.startswith(f"Zeile 3, Spalte „{column}“: ") and expected in problem.message
    assert problem.text("en").startswith(f"Row 3, column „{column}“: ")
    assert _own_targets(db_path) == []


def test_target_ids_must_be_new(db_path, tmp_path):
    shipped = load_targets(_csv(tmp_path / "a.csv", [dict(BW_ROW, target_id="shelter_places_de")]),
                           user="x", db_path=db_path)
    assert shipped["errors"][0].code == "targets-id-exists"
    assert "mitgelieferten Zielwerten" in shipped["errors"][0].message
    twice = load_targets(_csv(tmp_path / "b.csv", [BW_ROW, BW_ROW]), user="x", db_path=db_path)
    assert twice["errors"][0].code == "targets-duplicate-id" and "steht schon in Zeile 2" in twice["errors"][0].message
    first = load_targets(_csv(tmp_path / "c.csv", [BW_ROW]), user="x", db_path=db_path)
    again = load_targets(_csv(tmp_path / "c.csv", [BW_ROW]), user="x", db_path=db_path)
    assert first["status"] == "loaded" and again["status"] == "rejected"
    assert f"in Batch {first['batch_id']}" in again["errors"][0].message


def test_file_without_target_columns_is_refused(db_path, tmp_path):
    path = tmp_path / "falsch.csv"
    path.write_text("Ziel;Wert\nFrauenhaus;2,5\n", encoding="utf-8")
    result = load_targets(path, user="x", db_path=db_path)
    assert result["status"] == "rejected" and result["errors"][0].code == "targets-no-header"
    assert "target_id" in result["errors"][0].message
    missing = tmp_path / "ohne_quelle.csv"
    missing.write_text("target_id,indicator\nx,shelter_places\n", encoding="utf-8")
    result = load_targets(missing, user="x", db_path=db_path)
    assert result["errors"][0].code == "targets-missing-columns" and "source" in result["errors"][0].message
    empty = tmp_path / "leer.csv"
    empty.write_text(";".join(COLUMNS) + "\n", encoding="utf-8")
    result = load_targets(empty, user="x", db_path=db_path)
    assert [p.code for p in result["errors"]] == ["targets-empty"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300))
def test_any_bytes_are_refused_not_a_crash(db_path, tmp_path, content):
    for name in ("any.csv", "any.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        result = load_targets(path, user="x", db_path=db_path)
        assert result["status"] == "rejected" and result["errors"][0].code.startswith("targets-")


def test_a_file_that_is_no_table_is_refused_with_the_reason(db_path, tmp_path):
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04 kein Arbeitsblatt")
    result = load_targets(path, user="x", db_path=db_path)
    assert [p.code for p in result["errors"]] == ["targets-unreadable"]
    assert "kaputt.xlsx" in result["errors"][0].message and result["message"].startswith("„kaputt.xlsx“ wurde nicht")


# code → a test above that produces it (the registry test in test_validate.py checks that every code has one)
SCENARIOS = {
    **{code: test_invalid_values_are_refused_with_row_and_column for _c, _v, code, _e in INVALID},
    "targets-id-exists": test_target_ids_must_be_new,
    "targets-duplicate-id": test_target_ids_must_be_new,
    "targets-no-header": test_file_without_target_columns_is_refused,
    "targets-missing-columns": test_file_without_target_columns_is_refused,
    "targets-empty": test_file_without_target_columns_is_refused,
    "targets-unreadable": test_a_file_that_is_no_table_is_refused_with_the_reason,
}
