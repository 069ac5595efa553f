"""Reading files: header detection, dataset recognition, formats, Excel row numbers, formulas, unreadable input."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import messy
import pytest
from conftest import SHARED
from openpyxl import Workbook

from etl import docs, reader
from etl.reader import UnreadableFile, match_header, read_file
from monitor.datasets import DATASETS, SHELTERS


def _only_table(result):
    assert len(result.tables) == 1, result
    return result.tables[0]


# ----------------------------------------------------------------------------------------------- headers

@pytest.mark.parametrize("ds", DATASETS.values(), ids=lambda d: d.id)
def test_every_header_and_alias_names_one_field(ds):
    for col in ds.columns:
        for name in (col.header, *col.aliases):
            assert match_header(name, ds) == col.field, (ds.id, name)


@pytest.mark.parametrize("written", [
    "Plätze Frauen", "PLÄTZE FRAUEN", "plaetze frauen", "Plätze\nFrauen", " Plätze  Frauen ", "Plätze Frauen*",
    "Plätze Frauen¹", "Plätze Frauen 1)", "Plätze-Frauen", "Plätze Frauen (Anzahl)", "Frauenplätze",
    "Anzahl Plätze Frauen",
])
def test_header_variants(written):
    assert match_header(written, SHELTERS) == "places_women"


@pytest.mark.parametrize("written", ["Plätze", "Frauen", "Bemerkung", "", "Plätze Männer"])
def test_headers_that_are_not_columns(written):
    assert match_header(written, SHELTERS) is None


def test_docs_are_up_to_date():
    """docs/datasets.md is generated from monitor/datasets.py: run `python -m etl.docs` after changing it."""
    assert docs.DOC_PATH.read_text(encoding="utf-8") == docs.render()


def test_docs_list_every_alias():
    text = docs.render()
    for ds in DATASETS.values():
        for col in ds.columns:
            assert f"**{col.header}**" in text
            for alias in col.aliases:
                assert f"„{alias}“" in text


# --------------------------------------------------------------------------------------- messy workbook

def test_messy_workbook_structure(tmp_path):
    table = _only_table(read_file(messy.messy_shelters(tmp_path / "messy.xlsx")))
    assert table.sheet == "Meldung"
    assert table.dataset.id == "shelters"
    assert table.header_row == 4
    assert table.headers["facility_type"] == "Art der\nEinrichtung"
    assert table.headers["occupied_days_children"] == "Belegungstage Kinder¹"
    assert table.extra_columns == ["Bemerkung"]
    # rows 7 and 10 are empty; totals and footnotes are the validator's business
    assert list(table.data.index) == [5, 6, 8, 9, 11, 12]
    assert list(table.data.columns) == list(SHELTERS.fields)
    assert table.data.loc[5, "ags"] == 5913.0
    assert table.data.loc[6, "admissions_women"] == "k.A."
    assert table.data.loc[11, "quarter"] == "1) Angaben vorläufig"
    assert [p.code for p in table.problems] == ["extra-column"]
    assert table.problems[0].row == 4 and table.problems[0].column == "Bemerkung"


def test_leading_empty_rows_and_columns_keep_excel_row_numbers(tmp_path):
    path = messy.write_xlsx(tmp_path / "offset.xlsx", [messy.headers("police"), messy.police(), [],
                                                          messy.police(ags="03404")], start_row=6, start_col=3)
    table = _only_table(read_file(path))
    assert table.header_row == 6
    assert list(table.data.index) == [7, 9]
    assert table.data.loc[9, "ags"] == "03404"


def test_header_below_title_rows_is_found_but_not_beyond_the_scan_limit(tmp_path):
    rows = [["Titel"]] * (reader.HEADER_SCAN_ROWS - 1) + [messy.headers("police"), messy.police()]
    assert _only_table(read_file(messy.write_xlsx(tmp_path / "a.xlsx", rows))).header_row == reader.HEADER_SCAN_ROWS
    rows = [["Titel"]] * reader.HEADER_SCAN_ROWS + [messy.headers("police"), messy.police()]
    with pytest.raises(UnreadableFile, match="keine Kopfzeile"):
        read_file(messy.write_xlsx(tmp_path / "b.xlsx", rows))


def test_several_sheets_each_table_found_others_skipped_silently(tmp_path):
    path = messy.write_xlsx(
        tmp_path / "multi.xlsx", [messy.headers("shelters"), messy.shelter()], sheet="Frauenhäuser",
        extra_sheets={
            "Ausfüllhinweise": [["So füllen Sie die Tabelle aus"], ["Spalte", "Erklärung"],
                                ["Quartal", "z. B. 2025-Q2"], ["AGS", "Kreisschlüssel"]],
            "Regionen": [["AGS", "Kreis", "Land"], ["05913", "Dortmund", "Nordrhein-Westfalen"]],
            "Polizei": [messy.headers("police"), messy.police()],
            "Leer": [],
        })
    result = read_file(path)
    assert [(t.sheet, t.dataset.id) for t in result.tables] == [("Frauenhäuser", "shelters"), ("Polizei", "police")]
    assert result.problems == []
    assert all(t.problems == [] for t in result.tables)


def test_two_row_header_with_merged_group_labels(tmp_path):
    rows = [["Quartal", "AGS", "Einrichtung", "Art", "Plätze", None, "Belegungstage", None],
            [None, None, None, None, "Frauen", "Kinder", "Frauen", "Kinder"],
            ["2025-Q2", "05913", "DO-FH-01", "Frauenhaus", 10, 12, 800, 900]]
    path = messy.write_xlsx(tmp_path / "zweizeilig.xlsx", rows, merged=("E1:F1", "G1:H1", "A1:A2"))
    table = _only_table(read_file(path))
    assert table.header_row == 2
    assert table.headers["places_children"] == "Plätze Kinder"
    assert table.headers["occupied_days_women"] == "Belegungstage Frauen"
    assert table.headers["quarter"] == "Quartal"
    assert list(table.data.index) == [3]
    assert table.data.loc[3, "occupied_days_children"] == 900


def test_forced_dataset_skips_a_sheet_of_another_dataset(tmp_path):
    path = messy.write_xlsx(tmp_path / "zwei.xlsx", [messy.headers("shelters"), messy.shelter()],
                            extra_sheets={"Polizei": [messy.headers("police"), messy.police()]})
    result = read_file(path, dataset="police")
    assert [(t.sheet, t.dataset.id) for t in result.tables] == [("Polizei", "police")]
    assert result.problems == [] and result.tables[0].problems == []


def test_dataset_forced(tmp_path):
    path = messy.write_xlsx(tmp_path / "p.xlsx", [["Quartal", "AGS", "Opfer weiblich"], ["2025-Q2", "05913", 3]])
    table = _only_table(read_file(path, dataset="police"))
    assert table.dataset.id == "police"
    assert [(p.code, p.column) for p in table.problems] == [("missing-column", "Einsätze häusliche Gewalt")]
    assert table.problems[0].message.startswith("Blatt „Daten“: Die Pflichtspalte „Einsätze häusliche Gewalt“ fehlt.")


def test_dataset_recognised_despite_a_missing_required_column(tmp_path):
    header = [h for h in messy.headers("shelters") if h != "Plätze Kinder"]
    table = _only_table(read_file(messy.write_xlsx(tmp_path / "s.xlsx", [header, ["2025-Q2"]])))
    assert table.dataset.id == "shelters"
    assert [(p.code, p.column) for p in table.problems] == [("missing-column", "Plätze Kinder")]


def test_dataset_not_recognised(tmp_path):
    path = messy.write_xlsx(tmp_path / "u.xlsx", [["Quartal", "AGS", "Einrichtung", "Art", "Bemerkung"],
                                                    ["2025-Q2", "05913", "X-1", "Frauenhaus", ""]])
    result = read_file(path)
    assert result.tables == []
    [p] = result.problems
    assert (p.code, p.severity, p.row, p.sheet) == ("unknown-dataset", "error", 1, "Daten")
    assert p.message.startswith("Blatt „Daten“, Zeile 1: Datensatz nicht erkannt")
    assert "„Plätze Frauen“, „Plätze Kinder“" in p.message


def test_duplicate_and_unnamed_columns(tmp_path):
    rows = [messy.headers("police") + ["Einsätze", None], messy.police() + [5, "Notiz"]]
    table = _only_table(read_file(messy.write_xlsx(tmp_path / "d.xlsx", rows)))
    assert [(p.code, p.column) for p in table.problems] == [("duplicate-column", "Einsätze"),
                                                             ("unnamed-column", None)]
    assert "steht schon in Spalte C; Spalte I ist doppelt" in table.problems[0].message
    assert "Spalte J hat keine Überschrift" in table.problems[1].message
    assert table.headers["callouts"] == "Einsätze häusliche Gewalt"


def test_boolean_cells_are_text_not_numbers(tmp_path):
    rows = [messy.headers("police"), messy.police(callouts=True, high_risk_cases=1)]
    table = _only_table(read_file(messy.write_xlsx(tmp_path / "b.xlsx", rows)))
    assert table.data.loc[2, "callouts"] == "WAHR"
    assert table.data.loc[2, "high_risk_cases"] == 1


def test_official_destatis_workbook_is_not_taken_for_data():
    """The Destatis Kreise workbook (official format, ../shared) has no dataset header: unreadable as data."""
    path = SHARED / "reference" / "destatis" / "04-kreise_gebietsstand_2023-12-31.xlsx"
    with pytest.raises(UnreadableFile, match="keine Kopfzeile"):
        read_file(path)


# ------------------------------------------------------------------------------------------ CSV and ODS

def test_csv_cp1252_semicolon_with_title_line(tmp_path):
    rows = [["Einsätze häusliche Gewalt – Quartalsmeldung"], [], messy.headers("police"),
            ["Q1/2025", "Dortmund", "1.234", "1.000", "234", "300", "250", "12"]]
    path = messy.write_csv(tmp_path / "polizei.csv", rows, delimiter=";", encoding="cp1252")
    table = _only_table(read_file(path))
    assert table.sheet is None and table.dataset.id == "police" and table.header_row == 3
    assert table.headers["victims_male"] == "Opfer männlich"
    assert table.data.loc[4].tolist() == ["Q1/2025", "Dortmund", "1.234", "1.000", "234", "300", "250", "12"]


def test_csv_utf8_bom_comma(tmp_path):
    rows = [messy.headers("counselling"), messy.counselling(staff_fte="2.5", ags="05913")]
    path = messy.write_csv(tmp_path / "beratung.csv", rows, delimiter=",", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = _only_table(read_file(path))
    assert table.dataset.id == "counselling"
    assert table.headers["quarter"] == "Quartal"  # BOM not part of the first header
    assert table.data.loc[2, "staff_fte"] == "2.5"
    assert table.data.loc[2, "ags"] == "05913"  # text stays text: the leading zero survives


def test_csv_tab_separated_utf8(tmp_path):
    path = messy.write_csv(tmp_path / "t.csv", [messy.headers("police"), messy.police()], delimiter="\t",
                           encoding="utf-8")
    assert _only_table(read_file(path)).data.loc[2, "callouts"] == "420"


def test_ods_with_title_rows(tmp_path):
    sheets = {"Polizei": [messy.headers("police"), messy.police(), messy.police(ags="03404")],
              "Hinweise": [["Bitte je Kreis eine Zeile"]]}
    path = messy.write_ods(tmp_path / "polizei.ods", sheets, start_row=2)
    table = _only_table(read_file(path))
    assert (table.sheet, table.header_row) == ("Polizei", 3)
    assert list(table.data.index) == [4, 5]
    assert table.data.loc[5, "callouts"] == 420


def test_xls_fixture():
    """Old binary .xls (tests/fixtures/police.xls, written with xlwt; see tests/messy.py)."""
    table = _only_table(read_file(messy.FIXTURES / "police.xls"))
    assert (table.sheet, table.dataset.id, table.header_row) == ("Polizei", "police", 3)
    assert list(table.data.index) == [4, 5]
    assert table.data.loc[4, "ags"] == 5913
    assert table.data.loc[5, "ags"] == "03404"


# ---------------------------------------------------------------------------------------------- formulas

def test_xlsx_formula_without_stored_value(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Stand: Juli 2025"])
    ws.append(messy.headers("police"))
    ws.append(messy.police())
    ws.append(messy.police(ags="03404", victims_female="=C4-E4"))
    path = tmp_path / "formel.xlsx"
    wb.save(path)
    table = _only_table(read_file(path))
    assert table.formula_without_value == {(4, "victims_female")}
    assert list(table.data.index) == [3, 4]


def test_xlsx_row_of_formulas_only_below_the_values(tmp_path):
    """Calamine's range ends at the last cell with a value; a last row of formulas lies beyond it."""
    formulas = [f"={letter}2" for letter in "ABCDEFGH"]
    path = messy.write_xlsx(tmp_path / "f.xlsx", [messy.headers("police"), messy.police(), formulas])
    table = _only_table(read_file(path))
    assert list(table.data.index) == [2, 3]
    assert table.formula_without_value == {(3, f) for f in DATASETS["police"].fields}


def test_xlsx_formula_with_stored_value_is_fine(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(messy.headers("police"))
    ws.append(messy.police(victims_female="=C2-E2"))
    path = tmp_path / "formel.xlsx"
    wb.save(path)
    # what Excel writes after recalculating: the cached value next to the formula
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet], n = re.subn(rb"<f>C2-E2</f>(?:<v\s*/>|<v></v>)", b"<f>C2-E2</f><v>340</v>", parts[sheet])
    assert n == 1
    with zipfile.ZipFile(path, "w") as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    table = _only_table(read_file(path))
    assert table.formula_without_value == set()
    assert table.data.loc[2, "victims_female"] == 340


@pytest.mark.parametrize("cell, flagged", [
    (b'<c r="D7"><f>C7-E7</f><v /></c>', True),
    (b'<c r="D7"><f>C7-E7</f><v></v></c>', True),
    (b'<c r="D7"><f>C7-E7</f></c>', True),
    (b'<c r="D7" s="1"><f t="shared" si="0"/></c>', True),
    (b'<x:c r="D7"><x:f t="shared" si="0"/></x:c>', True),
    (b'<x:c r="D7"><x:f>C7-E7</x:f></x:c>', True),
    (b'<c r="D7"><f>C7-E7</f><v>340</v></c>', False),
    (b'<c r="D7" t="str"><f>""</f><v></v></c>', False),  # a formula whose result is empty text
    (b'<c r="D7"><v>340</v></c>', False),
])
def test_formula_cells_in_sheet_xml(cell, flagged):
    xml = b'<worksheet><sheetData><row r="7"><c r="A7"><v>1</v></c>' + cell + b"</row></sheetData></worksheet>"
    assert reader._formula_cells_in_sheet(xml) == ({(6, 3)} if flagged else set())


def test_ods_formula_without_value(tmp_path):
    table = _only_table(read_file(messy.write_ods_with_formula(tmp_path / "formel.ods")))
    assert table.formula_without_value == {(3, "victims_female")}


# ------------------------------------------------------------------------------------------- unreadable

def _zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, b in files.items():
            zf.writestr(n, b)
    return buf.getvalue()


@pytest.mark.parametrize("name, content, message", [
    ("leer.xlsx", b"", "ist leer"),
    ("leer.csv", b"  \r\n", "ist leer"),
    ("kaputt.xlsx", b"PK\x03\x04" + b"\x00" * 200, "beschädigt"),
    ("bild.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "keine Tabellendatei"),
    ("brief.xlsx", _zip_bytes({"word/document.xml": b"<w/>"}), "ZIP-Archiv, aber keine Tabelle"),
    ("export.xls", b"<html><body><table><tr><td>Quartal</td></tr></table></body></html>", "HTML"),
    ("text.csv", b"Hallo\nWelt\n", "keine Kopfzeile"),
    ("kaputt.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "beschädigt"),
])
def test_unreadable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        read_file(path)


def test_encrypted_workbook():
    """tests/fixtures/encrypted.xlsx: an xlsx encrypted with a password (msoffcrypto-tool)."""
    with pytest.raises(UnreadableFile, match="Passwort"):
        read_file(messy.FIXTURES / "encrypted.xlsx")


def test_workbook_without_any_header(tmp_path):
    path = messy.write_xlsx(tmp_path / "x.xlsx", [["Hallo"], [1, 2, 3]], extra_sheets={"B": [["x", "y"]]})
    with pytest.raises(UnreadableFile, match="keine Kopfzeile"):
        read_file(path)


def test_missing_file_raises_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_file(Path(tmp_path / "fehlt.xlsx"))
