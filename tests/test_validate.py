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
    """The shipped regions (with Eisenach until 30.06.2021 and Hanau from 01.01.2026, and their changes) plus
    a made-up Kreis 16099 that ceased at the end of 2020 without a known successor."""
    with store.connect(tmp_path_factory.mktemp("db") / "m.duckdb") as con:
        shipped = RegionIndex.from_db(con)
    gone = Region("16099", "kreis", "Testkreis", "Testkreis", "Kreis", "16", None, date(2020, 12, 31))
    return RegionIndex([*shipped.regions, gone], shipped.changes)


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


def _hidden_sheet_xlsx(tmp_path):
    path = messy.write_xlsx(tmp_path / "h.xlsx", [messy.headers("police"), messy.police()],
                            extra_sheets={"Alt": [messy.headers("police"), messy.police(ags="03404")]})
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["Alt"].sheet_state = "hidden"
    wb.save(path)
    return path


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
        lambda p: _police_csv(p, messy.police(ags="16099")),
        (2, "AGS", "16099"), "Den Kreis 16099 (Testkreis) gab es im Quartal 2025-Q2 nicht (gültig bis 31.12.2020)"),
    "region-not-yet-valid": (
        lambda p: _police_csv(p, messy.police(quarter="2025-Q4", ags="06415")),
        (2, "AGS", "06415"), "Den Kreis 06415 (Hanau, kreisfreie Stadt) gibt es erst seit dem 01.01.2026; im "
                             "Quartal 2025-Q4 lag sein Gebiet im Kreis 06435 (Main-Kinzig-Kreis)"),
    "region-dissolved": (
        lambda p: _police_csv(p, messy.police(quarter="2022-Q1", ags="16056")),
        (2, "AGS", "16056"), "Den Kreis 16056 (Eisenach, kreisfreie Stadt) gibt es seit dem 01.07.2021 nicht "
                             "mehr; sein Gebiet gehört seitdem zum Kreis 16063 (Wartburgkreis). Erwartet: für das "
                             "Quartal 2022-Q1 der Nachfolger 16063 (Wartburgkreis)."),
    "excel-error": (
        lambda p: _police_csv(p, messy.police(callouts="#DIV/0!")),
        (2, "Einsätze häusliche Gewalt", "#DIV/0!"),
        "„#DIV/0!“ ist ein Fehlerwert der Tabellenkalkulation (Division durch null), keine Angabe"),
    "invisible-characters": (
        lambda p: _shelters_xlsx(p, messy.shelter(facility="DO-FH-01\u200b")),
        (2, "Einrichtung", "DO-FH-01\u200b"), "(U+200B, z. B. Leerzeichen ohne Breite oder Steuerzeichen für die "
                                               "Schreibrichtung); sie wurden entfernt, gelesen wird „DO-FH-01“"),
    "id-too-long": (
        lambda p: _shelters_xlsx(p, messy.shelter(facility="X" * 100)),
        (2, "Einrichtung", "X" * 80 + "… (100 Zeichen)"),
        "Die Kennung ist 100 Zeichen lang; erlaubt sind höchstens 64"),
    "hidden-sheet-skipped": (
        lambda p: _hidden_sheet_xlsx(p),
        (None, None, None), "Das Blatt ist ausgeblendet und enthält eine Tabelle „Polizeieinsätze“ mit 1 Zeilen"),
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


def test_every_problem_type_has_a_test():
    """Every code of etl/problems.py is produced by a test: cell and table problems here, refused files in
    test_reader (reader) and test_hostile_files (safety), population, region and police-district imports in their
    own tests."""
    from tests import (
        test_annotations,
        test_districts,
        test_hostile_files,
        test_loader,
        test_population,
        test_reader,
        test_regions,
        test_targets,
        test_upload,
    )

    covered = (set(SCENARIOS) | set(test_reader.FILE_SCENARIOS) | set(test_reader.PATCHED_SCENARIOS)
               | {c[2] for c in test_hostile_files.CASES.values()} | set(test_population.SCENARIOS)
               | set(test_regions.SCENARIOS) | set(test_annotations.SCENARIOS) | set(test_districts.SCENARIOS)
               | set(test_loader.SCENARIOS) | set(test_targets.SCENARIOS) | set(test_upload.SCENARIOS))
    assert covered == set(PROBLEM_TYPES)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_problem_type(tmp_path, regions, code):
    """Each cell and table problem with its row, column as written, value and a fragment of its message."""
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


# ------------------------------------------------------------------------------------- hostile cell values

def test_a_zero_width_space_does_not_make_a_second_facility(tmp_path, regions):
    report = _one(_shelters_xlsx(tmp_path, messy.shelter(), messy.shelter(facility="DO-FH-01\u200b")), regions)
    assert _codes(report.errors) == [("duplicate-key", 3, None)]
    assert _codes(report.warnings) == [("invisible-characters", 3, "Einrichtung")]
    assert report.frame["facility"].tolist() == ["DO-FH-01", "DO-FH-01"]


@pytest.mark.parametrize("written", ["\u202eDO-FH-01", "DO-\u2066FH-01\u2069", "DO-FH-01\x07", "\ufeffDO-FH-01",
                                     "DO-FH-\u200d01", "DO\u00ad-FH-01"])
def test_bidi_control_and_format_characters_are_removed(tmp_path, regions, written):
    path = messy.write_csv(tmp_path / "fh.csv", [messy.headers("shelters"), messy.shelter(facility=written)])
    report = _one(path, regions)
    assert report.errors == []
    assert [p.code for p in report.warnings] == ["invisible-characters"]
    assert report.frame["facility"].tolist() == ["DO-FH-01"]


def test_ids_are_unicode_normalised(tmp_path, regions):
    composed, decomposed = "MÜ-FH-01", "MU\u0308-FH-01"
    report = _one(_shelters_xlsx(tmp_path, messy.shelter(facility=composed),
                                 messy.shelter(facility=decomposed)), regions)
    assert _codes(report.errors) == [("duplicate-key", 3, None)]
    assert report.warnings == []  # a combining mark is not hidden, only written another way


def test_a_huge_id_is_refused_with_a_short_message(tmp_path, regions):
    report = _one(_shelters_xlsx(tmp_path, messy.shelter(facility="A" * 1_000_000)), regions)
    [p] = report.errors
    # an xlsx cell holds at most 32,767 characters: that much of the 1 MB arrives, and is refused, not loaded
    assert p.code == "id-too-long" and "32.767 Zeichen lang" in p.message
    assert len(p.message) < 400 and len(p.value) < 120


def test_excel_error_cells_are_errors_at_their_cell_not_missing_values(tmp_path, regions):
    from openpyxl import load_workbook

    path = _shelters_xlsx(tmp_path, messy.shelter(), messy.shelter(facility="DO-FH-02"))
    wb = load_workbook(path)
    ws = wb.active
    # xlsx stores error values in English whatever the language of Excel (#NV is #N/A, #WERT! is #VALUE!)
    for ref, error in (("E2", "#DIV/0!"), ("M3", "#N/A"), ("I3", "#VALUE!")):  # required and optional columns
        ws[ref] = error
        ws[ref].data_type = "e"
    wb.save(path)
    report = _one(path, regions)
    assert _codes(report.errors) == [("excel-error", 2, "Plätze Frauen"), ("excel-error", 3, "Aufnahmen Frauen"),
                                     ("excel-error", 3, "Tage ohne Aufnahmemöglichkeit")]
    assert "„#N/A“ ist ein Fehlerwert der Tabellenkalkulation (Wert nicht verfügbar)" in report.errors[2].message


@pytest.mark.parametrize("written", ["#DIV/0!", "#NV", "#N/A", "#WERT!", "#VALUE!", "#REF!", "#BEZUG!", "#NAME?",
                                     "#ZAHL!", "#NUM!", "#NULL!", "Err:502", " #nv "])
def test_every_excel_error_value_written_as_text_is_an_error(tmp_path, regions, written):
    report = _one(_police_csv(tmp_path, messy.police(victims_male=written)), regions)
    assert _codes(report.errors) == [("excel-error", 2, "Opfer männlich")]


def test_check_path_reads_and_hashes_a_file_once(tmp_path, regions, monkeypatch, initialised_copy):
    """The one entry for a file (CLI check and load, loader, upload page) reads it once and hashes it once."""
    from etl import safety, validate

    path = _police_csv(tmp_path, messy.police())
    reads, hashes = [], []
    read_checked, sha256 = safety.read_checked, safety.sha256
    monkeypatch.setattr(safety, "read_checked", lambda *a, **k: reads.append(a) or read_checked(*a, **k))
    monkeypatch.setattr(safety, "sha256", lambda data: hashes.append(len(data)) or sha256(data))
    checked = validate.check_path(path, regions=regions, today=TODAY)
    assert (len(reads), len(hashes)) == (1, 1)
    assert checked.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == checked.reports[0].sha256
    assert checked.loadable and checked.problem is None and checked.reports[0].loaded_as is None


def test_check_path_turns_every_refusal_into_the_files_problem(tmp_path, regions, initialised_copy):
    from etl import validate

    missing = validate.check_path(tmp_path / "fehlt.xlsx", regions=regions, today=TODAY)
    assert missing.unreadable and missing.problem.code == "file-not-found" and not missing.loadable
    empty = tmp_path / "leer.csv"
    empty.write_bytes(b"")
    assert validate.check_path(empty, regions=regions, today=TODAY).problem.code == "empty-file"
    macro = tmp_path / "makro.xlsm"
    macro.write_bytes(b"PK\x03\x04")
    assert validate.check_path(macro, regions=regions, today=TODAY).problem.code == "macro-file"
