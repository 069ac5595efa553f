"""Checking files: every problem type with its row, column and German message; clean typed frames."""

from __future__ import annotations

import hashlib
from datetime import date

import messy
import pandas as pd
import pytest

from etl.problems import PROBLEM_TYPES, problem
from etl.reader import UnreadableFile
from etl.validate import FileReport, check_file
from monitor import store
from monitor.datasets import DATASETS
from monitor.regions import Region, RegionIndex
from tests.fixture_db import TODAY


@pytest.fixture(scope="module")
def regions(tmp_path_factory) -> RegionIndex:
    """The shipped regions plus Eisenach, a kreisfreie Stadt until 30.06.2021 (merged into the Wartburgkreis)."""
    with store.connect(tmp_path_factory.mktemp("db") / "m.duckdb") as con:
        shipped = RegionIndex.from_db(con)
    eisenach = Region("16056", "kreis", "Eisenach, kreisfreie Stadt", "Eisenach", "kreisfreie Stadt", "16",
                      None, date(2021, 6, 30))
    return RegionIndex([*shipped.regions, eisenach])


def _check(path, regions, dataset=None) -> list[FileReport]:
    return check_file(path, dataset=dataset, regions=regions, today=TODAY)


def _one(path, regions, dataset=None) -> FileReport:
    reports = _check(path, regions, dataset)
    assert len(reports) == 1, [r.as_json() for r in reports]
    return reports[0]


def _codes(problems):
    return [(p.code, p.row, p.column) for p in problems]


# ------------------------------------------------------------------------- one scenario per problem type

def _police_csv(tmp_path, *rows, header=None):
    return messy.write_csv(tmp_path / "polizei.csv", [header or messy.headers("police"), *rows])


def _shelters_xlsx(tmp_path, *rows):
    return messy.write_xlsx(tmp_path / "frauenhaeuser.xlsx", [messy.headers("shelters"), *rows])


def _counselling_xlsx(tmp_path, *rows):
    return messy.write_xlsx(tmp_path / "beratung.xlsx", [messy.headers("counselling"), *rows])


def _formula_xlsx(tmp_path):
    return messy.write_xlsx(tmp_path / "f.xlsx", [messy.headers("police"), messy.police(referrals="=C2/2")])


# code → (file builder, expected (row, column as written, value) of the first problem with that code,
#         a fragment of its message)
SCENARIOS = {
    "unknown-dataset": (
        lambda p: messy.write_xlsx(p / "u.xlsx", [["Quartal", "AGS", "Einrichtung", "Art"], ["2025-Q2"]]),
        (1, None, None), "Datensatz nicht erkannt"),
    "missing-column": (
        lambda p: _police_csv(p, ["2025-Q2", "05913", 3], header=["Quartal", "AGS", "Opfer weiblich"]),
        (None, "Einsätze häusliche Gewalt", None), "Pflichtspalte „Einsätze häusliche Gewalt“ fehlt"),
    "duplicate-column": (
        lambda p: _police_csv(p, messy.police() + [1], header=messy.headers("police") + ["Einsätze"]),
        (1, "Einsätze", None), "„Einsätze häusliche Gewalt“ steht schon in Spalte C; Spalte I ist doppelt"),
    "extra-column": (
        lambda p: _police_csv(p, messy.police() + ["x"], header=messy.headers("police") + ["Bemerkung"]),
        (1, "Bemerkung", None), "Unbekannte Spalte"),
    "unnamed-column": (
        lambda p: _police_csv(p, messy.police() + ["Notiz"], header=messy.headers("police") + [""]),
        (1, None, None), "Spalte I hat keine Überschrift"),
    "no-data": (
        lambda p: _police_csv(p),
        (1, None, None), "keine Datenzeilen"),
    "total-row-skipped": (
        lambda p: _police_csv(p, messy.police(), messy.police(ags="Summe Land", quarter=None)),
        (3, "AGS", "Summe Land"), "Summenzeile; sie wird übersprungen"),
    "footnote-skipped": (
        lambda p: _police_csv(p, messy.police(), ["1) vorläufige Zahlen"]),
        (3, "Quartal", "1) vorläufige Zahlen"), "Fußnote"),
    "missing-value": (
        lambda p: _police_csv(p, messy.police(callouts="k.A.")),
        (2, "Einsätze häusliche Gewalt", "k.A."), "Pflichtangabe fehlt („k.A.“ gilt als keine Angabe)"),
    "not-integer": (
        lambda p: _police_csv(p, messy.police(callouts="zwölf")),
        (2, "Einsätze häusliche Gewalt", "zwölf"), "„zwölf“ ist keine ganze Zahl"),
    "not-number": (
        lambda p: _counselling_xlsx(p, messy.counselling(staff_fte="zwei")),
        (2, "Personalstellen (VZÄ)", "zwei"), "„zwei“ ist keine Zahl. Erwartet: eine Zahl ≥ 0, z. B. 2,5."),
    "negative": (
        lambda p: _police_csv(p, messy.police(victims_male="-3")),
        (2, "Opfer männlich", "-3"), "„-3“ ist negativ"),
    "implausible-number": (
        lambda p: _police_csv(p, messy.police(callouts="5.000.000.000.000")),
        (2, "Einsätze häusliche Gewalt", "5.000.000.000.000"), "unplausibel groß"),
    "formula-without-value": (
        _formula_xlsx,
        (2, "Weiterleitungen an Beratung", None), "Formel ohne gespeicherten Wert – bitte die Datei in Excel "
                                                  "öffnen, neu berechnen und speichern"),
    "bad-quarter": (
        lambda p: _police_csv(p, messy.police(quarter="Sommer 2025")),
        (2, "Quartal", "Sommer 2025"), "„Sommer 2025“ ist kein Quartal"),
    "quarter-too-early": (
        lambda p: _police_csv(p, messy.police(quarter="IV/1999")),
        (2, "Quartal", "IV/1999"), "Quartal 1999-Q4 und liegt vor 2000"),
    "future-quarter": (
        lambda p: _police_csv(p, messy.police(quarter="Q1/2027")),
        (2, "Quartal", "Q1/2027"), "Das Quartal 2027-Q1 („Q1/2027“) hat noch nicht begonnen (Beginn 01.01.2027)"),
    "quarter-not-ended": (
        lambda p: _police_csv(p, messy.police(quarter="2026-Q4"), messy.police(quarter="2026-Q4", ags="03404")),
        (2, "Quartal", "2026-Q4"), "endet erst am 31.12.2026; die Zahlen (2 Zeilen) sind vorläufig"),
    "bad-region": (
        lambda p: _police_csv(p, messy.police(ags="059")),
        (2, "AGS", "059"), "„059“ ist kein Kreisschlüssel"),
    "unknown-region": (
        lambda p: _police_csv(p, messy.police(ags="05999")),
        (2, "AGS", "05999"), "„05999“ ist kein bekannter Kreis"),
    "ambiguous-region": (
        lambda p: _police_csv(p, messy.police(ags="Osnabrück")),
        (2, "AGS", "Osnabrück"),
        "„Osnabrück“ ist mehrdeutig: 03404 (Osnabrück, kreisfreie Stadt), 03459 (Osnabrück, Landkreis)"),
    "not-a-kreis": (
        lambda p: _police_csv(p, messy.police(ags="05")),
        (2, "AGS", "05"), "Schlüssel von Nordrhein-Westfalen, nicht eines Kreises"),
    "municipality-reduced": (
        lambda p: _shelters_xlsx(p, messy.shelter(ags="03459024")),
        (2, "AGS", "03459024"), "wird dem Kreis Osnabrück, Landkreis (03459) zugeordnet"),
    "municipality-not-kreis": (
        lambda p: _police_csv(p, messy.police(ags="03459024")),
        (2, "AGS", "03459024"), "Gemeinde im Kreis Osnabrück, Landkreis; Polizeizahlen werden je Kreis gemeldet"),
    "region-not-valid": (
        lambda p: _police_csv(p, messy.police(ags="16056")),
        (2, "AGS", "16056"), "Den Kreis 16056 (Eisenach, kreisfreie Stadt) gab es im Quartal 2025-Q2 nicht "
                             "(gültig bis 30.06.2021)"),
    "invalid-choice": (
        lambda p: _shelters_xlsx(p, messy.shelter(facility_type="Frauenhäuser")),
        (2, "Art", "Frauenhäuser"), "Erwartet: einer der Werte „Frauenhaus“, „Schutzwohnung“"),
    "duplicate-key": (
        lambda p: _police_csv(p, messy.police(), messy.police(quarter="Q2/2025", ags=5913)),
        (3, None, "2025-Q2 / 05913"), "Quartal 2025-Q2, AGS 05913 kommt doppelt vor, auch in Zeile 2"),
    "over-occupancy": (
        lambda p: _shelters_xlsx(p, messy.shelter(places_women=10, occupied_days_women=1001)),
        (2, "Belegungstage Frauen", "1001"), "Belegung von 110 % (Überbelegung)"),
    "impossible-occupancy": (
        lambda p: _shelters_xlsx(p, messy.shelter(places_women=10, occupied_days_women=1821)),
        (2, "Belegungstage Frauen", "1821"), "sind nicht möglich (Belegung 200,1 %). Erwartet: höchstens 1.820"),
    "too-many-days": (
        lambda p: _shelters_xlsx(p, messy.shelter(full_days=92)),
        (2, "Tage ohne Aufnahmemöglichkeit", "92"), "mehr, als das Quartal 2025-Q2 hat. Erwartet: höchstens 91"),
    "part-exceeds-total": (
        lambda p: _shelters_xlsx(p, messy.shelter(turn_aways=20, turn_aways_no_space=25)),
        (2, "davon wegen Platzmangel", "25"), "größer als „Abweisungen“ (20)"),
    "exceeds-sum": (
        lambda p: _shelters_xlsx(p, messy.shelter(places_women=10, places_children=12, accessible_places=23)),
        (2, "barrierefreie Plätze", "23"), "größer als „Plätze Frauen“ und „Plätze Kinder“ zusammen (22)"),
}


def test_every_problem_type_has_a_scenario():
    assert set(SCENARIOS) == set(PROBLEM_TYPES)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_problem_type(tmp_path, regions, code):
    build, (row, column, value), fragment = SCENARIOS[code]
    reports = _check(build(tmp_path), regions)
    problems = [p for r in reports for p in r.errors + r.warnings]
    hits = [p for p in problems if p.code == code]
    assert hits, [p.as_json() for p in problems]
    p = hits[0]
    assert (p.row, p.column, p.value) == (row, column, value)
    assert fragment in p.message
    assert p.severity == PROBLEM_TYPES[code].severity
    assert (p in reports[0].errors) == (p.severity == "error") or len(reports) > 1
    if p.row is not None:
        assert f"Zeile {p.row}" in p.message
    if p.column is not None:
        assert f"„{p.column}“" in p.message


def test_message_names_row_column_value_and_expectation(tmp_path, regions):
    report = _one(_police_csv(tmp_path, messy.police(), messy.police(ags="03404", callouts="zwölf")), regions)
    [p] = report.errors
    assert p.message == ("Zeile 3, Spalte „Einsätze häusliche Gewalt“: „zwölf“ ist keine ganze Zahl. "
                         "Erwartet: eine ganze Zahl ≥ 0, z. B. 12.")
    assert p.as_json() == {"code": "not-integer", "row": 3, "column": "Einsätze häusliche Gewalt",
                           "value": "zwölf", "message": p.message}


def test_workbook_messages_name_the_sheet(tmp_path, regions):
    report = _one(_shelters_xlsx(tmp_path, messy.shelter(places_women="zwölf")), regions)
    [p] = report.errors
    assert p.sheet == "Daten"
    assert p.message.startswith("Blatt „Daten“, Zeile 2, Spalte „Plätze Frauen“: „zwölf“ ist keine ganze Zahl.")
    assert p.as_json()["sheet"] == "Daten"


def test_problem_without_location():
    p = problem("missing-column", header="AGS", aliases="")
    assert p.message == "Die Pflichtspalte „AGS“ fehlt. Erwartet: eine Spalte mit der Überschrift „AGS“."


# ---------------------------------------------------------------------------------------- whole files

def test_messy_workbook_loads_cleanly_with_warnings(tmp_path, regions):
    report = _one(messy.messy_shelters(tmp_path / "messy.xlsx"), regions)
    assert report.errors == []
    assert _codes(report.warnings) == [
        ("extra-column", 4, "Bemerkung"),
        ("over-occupancy", 8, "Belegungstage Kinder¹"),
        ("total-row-skipped", 9, "Berichtsquartal"),
        ("footnote-skipped", 11, "Berichtsquartal"),
        ("footnote-skipped", 12, "Berichtsquartal"),
    ]
    assert report.ok and report.rows == 3
    assert report.quarters == ["2025-Q2"]
    assert report.regions == ["03404", "03459", "05913"]
    f = report.frame
    assert list(f.columns) == [*DATASETS["shelters"].fields, "source_sheet", "source_row"]
    assert f["source_row"].tolist() == [5, 6, 8]
    assert f["source_sheet"].tolist() == ["Meldung"] * 3
    assert f["ags"].tolist() == ["05913", "03404", "03459"]
    assert f["facility_type"].tolist() == ["Frauenhaus", "Frauenhaus", "Schutzwohnung"]
    assert f["occupied_days_women"].tolist() == [1034, 900, 364]
    assert f["occupied_days_children"].tolist() == [1200, 1000, 1092]
    assert f["admissions_women"].isna().tolist() == [False, True, False]
    assert f["full_days"].isna().tolist() == [False, False, True]
    assert f["places_women"].tolist() == [12, 10, 4]


def test_frame_types(tmp_path, regions):
    report = _one(_counselling_xlsx(tmp_path, messy.counselling(staff_fte="2,5", waiting_days=None)), regions)
    f = report.frame
    assert str(f["persons_counselled"].dtype) == "Int64"
    assert str(f["staff_fte"].dtype) == "Float64"
    assert isinstance(f["quarter"].dtype, pd.StringDtype) and isinstance(f["ags"].dtype, pd.StringDtype)
    assert f["staff_fte"].iat[0] == 2.5
    assert f["waiting_days"].isna().all()
    assert str(f["source_row"].dtype) == "Int64"


def test_police_csv_cp1252_names_and_german_numbers(tmp_path, regions):
    rows = [["Polizeiliche Einsätze – häusliche Gewalt"], [], messy.headers("police"),
            ["Q1/2025", "Dortmund", "1.234", "1.000", "234", "300", "250", "12"],
            ["1. Quartal 2025", "Landkreis Osnabrück", "412", "-", "", "85", "70", "3"],
            ["Summe", "", "1.646", "", "", "", "", ""]]
    report = _one(messy.write_csv(tmp_path / "p.csv", rows, encoding="cp1252"), regions)
    assert report.errors == []
    assert _codes(report.warnings) == [("total-row-skipped", 6, "Quartal")]
    assert report.frame["ags"].tolist() == ["05913", "03459"]
    assert report.frame["callouts"].tolist() == [1234, 412]
    assert report.frame["victims_female"].tolist()[0] == 1000
    assert report.frame["victims_female"].isna().tolist() == [False, True]


def test_ods_and_xls_give_the_same_rows(tmp_path, regions):
    ods = messy.write_ods(tmp_path / "p.ods", {"Polizei": [messy.headers("police"), messy.police(ags=5913),
                                                          messy.police(ags="03404", callouts=75)]}, start_row=2)
    a = _one(ods, regions).frame.drop(columns=["source_row"])
    b = _one(messy.FIXTURES / "police.xls", regions).frame.drop(columns=["source_row"])
    pd.testing.assert_frame_equal(a, b)


def test_duplicate_key_across_sheets(tmp_path, regions):
    path = messy.write_xlsx(tmp_path / "q.xlsx", [messy.headers("police"), messy.police()], sheet="April",
                            extra_sheets={"Mai": [messy.headers("police"), messy.police(ags="03404"),
                                                  messy.police(ags=5913)]})
    report = _one(path, regions)
    assert _codes(report.errors) == [("duplicate-key", 3, None)]
    assert report.errors[0].sheet == "Mai"
    assert "auch in Blatt „April“, Zeile 2" in report.errors[0].message
    assert report.rows == 3 and report.sheets == ["April", "Mai"]


def test_two_datasets_in_one_workbook(tmp_path, regions):
    path = messy.write_xlsx(tmp_path / "zwei.xlsx", [messy.headers("shelters"), messy.shelter()],
                            extra_sheets={"Polizei": [messy.headers("police"), messy.police()]})
    reports = _check(path, regions)
    assert [(r.dataset, r.rows, r.ok) for r in reports] == [("shelters", 1, True), ("police", 1, True)]
    assert {r.sha256 for r in reports} == {hashlib.sha256(path.read_bytes()).hexdigest()}
    assert reports[0].as_json() == {"file": "zwei.xlsx", "dataset": "shelters", "rows": 1, "errors": [],
                                    "warnings": []}


def test_unknown_dataset_report_has_no_frame(tmp_path, regions):
    build = SCENARIOS["unknown-dataset"][0]
    [report] = _check(build(tmp_path), regions)
    assert report.dataset is None and report.frame is None and not report.ok


def test_forced_dataset(tmp_path, regions):
    report = _one(_police_csv(tmp_path, messy.police()), regions, dataset="police")
    assert report.dataset == "police" and report.ok


def test_every_error_is_reported_not_only_the_first(tmp_path, regions):
    rows = [messy.police(callouts="viel"), messy.police(ags="03404", victims_male=-1),
            messy.police(ags="Atlantis", quarter="Q9")]
    report = _one(_police_csv(tmp_path, *rows), regions)
    assert _codes(report.errors) == [
        ("not-integer", 2, "Einsätze häusliche Gewalt"),
        ("negative", 3, "Opfer männlich"),
        ("bad-quarter", 4, "Quartal"),
        ("unknown-region", 4, "AGS"),
    ]


def test_empty_rows_between_data_are_skipped_silently(tmp_path, regions):
    report = _one(_police_csv(tmp_path, messy.police(), [], [None] * 8, messy.police(ags="03404")), regions)
    assert report.ok and report.warnings == []
    assert report.frame["source_row"].tolist() == [2, 5]


def test_mid_table_heading_is_a_note_but_a_lonely_valid_value_is_a_broken_row(tmp_path, regions):
    rows = [messy.police(), ["Regierungsbezirk Arnsberg"], ["2025-Q2"], messy.police(ags="03404")]
    report = _one(_police_csv(tmp_path, *rows), regions)
    assert _codes(report.warnings) == [("footnote-skipped", 3, "Quartal")]
    assert _codes(report.errors) == [("missing-value", 4, "AGS"), ("missing-value", 4, "Einsätze häusliche Gewalt")]


def test_unreadable_file_raises(tmp_path, regions):
    path = tmp_path / "leer.xlsx"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFile):
        _check(path, regions)


def test_total_row_with_formulas_is_skipped_without_formula_errors(tmp_path, regions):
    rows = [messy.headers("police"), messy.police(), messy.police(ags="03404"),
            ["Summe", None, "=SUM(C2:C3)", "=SUM(D2:D3)"]]
    report = _one(messy.write_xlsx(tmp_path / "s.xlsx", rows), regions)
    assert report.errors == []
    assert _codes(report.warnings) == [("total-row-skipped", 4, "Quartal")]


def test_occupancy_of_zero_places(tmp_path, regions):
    report = _one(_shelters_xlsx(tmp_path, messy.shelter(places_children=0, occupied_days_children=5,
                                                         accessible_places=0)), regions)
    [p] = report.errors
    assert (p.code, p.column) == ("impossible-occupancy", "Belegungstage Kinder")
    assert "(keine Plätze)" in p.message
