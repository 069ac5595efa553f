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
    ("brief.xlsx", _zip_bytes({"word/document.xml": b"<w/>"}), r"ZIP-Archiv \(ein Word-Dokument\)"),
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


# ----------------------------------------------------------------- every refusal has a code and a German text

def _huge_cell(tmp_path):
    rows = [messy.headers("police"), messy.police(), messy.police(ags="03404", victims_male="x" * 140_000)]
    return messy.write_csv(tmp_path / "riesenzelle.csv", rows)


def _open_quote(tmp_path):
    path = tmp_path / "anfuehrung.csv"
    lines = [";".join(messy.headers("police")), "2025-Q2;05913;420;350;80;120;200;9",
             '2025-Q2;03404;"75;60;15;20;30;1'] + ["2025-Q2;03459;10;8;2;1;2;0"] * 40_000
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _open_quote_short(tmp_path):
    path = tmp_path / "anfuehrung_kurz.csv"
    lines = [";".join(messy.headers("police")), '2025-Q2;05913;"420;350;80;120;200;9',
             "2025-Q2;03404;75;60;15;20;30;1"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _only_hidden(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Deckblatt"
    ws.append(["Meldung Polizei"])
    hidden = wb.create_sheet("Daten")
    for r in (messy.headers("police"), messy.police()):
        hidden.append(r)
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "versteckt.xlsx")
    return tmp_path / "versteckt.xlsx"


def _bytes(name, content):
    def build(tmp_path):
        path = tmp_path / name
        path.write_bytes(content)
        return path
    return build


# code → (builder of the file in tmp_path, fragment of the German message). Refusals of etl/safety.py are in
# tests/test_hostile_files.py (CASES); together they cover every file-level code of etl/problems.py.
FILE_SCENARIOS = {
    "unreadable-file": (_bytes("bild.csv", bytes(range(256)) * 8), "ist keine Tabellendatei"),
    "empty-file": (_bytes("leer.csv", b" \r\n"), "„leer.csv“ ist leer"),
    "damaged-file": (_bytes("kaputt.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "beschädigt"),
    "encrypted-file": (lambda p: messy.FIXTURES / "encrypted.xlsx", "mit einem Passwort geschützt"),
    "html-file": (_bytes("export.xls", b"<html><body><table><tr><td>Quartal</td></tr></table></body></html>"),
                  "HTML- oder XML-Datei"),
    "no-header": (_bytes("text.csv", b"Hallo\nWelt\n"), "keine Kopfzeile gefunden"),
    "only-hidden-sheets": (_only_hidden, "Tabellen nur auf ausgeblendeten Blättern („Daten“)"),
    "csv-field-too-large": (_huge_cell, "„riesenzelle.csv“, Zeile 3: Eine Zelle ist größer als 128 KB"),
    "csv-unbalanced-quote": (_open_quote, "„anfuehrung.csv“, Zeile 3: Ein Anführungszeichen"),
}


@pytest.mark.parametrize("code", sorted(FILE_SCENARIOS))
def test_file_refusal_has_code_and_message(tmp_path, code):
    """Each refused file with its stable code and a fragment of its German message."""
    build, fragment = FILE_SCENARIOS[code]
    with pytest.raises(UnreadableFile) as exc:
        read_file(build(tmp_path))
    assert exc.value.code == code
    assert fragment in str(exc.value)
    assert exc.value.as_problem().as_json()["code"] == code


def test_unbalanced_quote_near_the_end_is_found_too(tmp_path):
    """A quote left open in a short file does not hit the field limit: csv would swallow the rest silently."""
    with pytest.raises(UnreadableFile) as exc:
        read_file(_open_quote_short(tmp_path))
    assert exc.value.code == "csv-unbalanced-quote" and "Zeile 2" in str(exc.value)


def test_quoted_cells_with_line_breaks_are_fine(tmp_path):
    rows = [messy.headers("police"), messy.police(), ["2025-Q2", "03404", "75", "60", "15", "20", "30", "1"]]
    path = messy.write_csv(tmp_path / "ok.csv", rows)
    text = path.read_text(encoding="utf-8-sig").replace("Opfer männlich", '"Opfer\nmännlich"')
    path.write_text(text, encoding="utf-8")
    assert _only_table(read_file(path)).headers["victims_male"] == "Opfer\nmännlich"


def test_other_csv_errors_become_a_refusal_with_the_line(tmp_path, monkeypatch):
    import csv

    real = csv.reader

    class Broken:
        """csv.reader that fails on the second line, as it would on a line it cannot parse."""

        def __init__(self, *args, **kwargs):
            self.inner, self.line_num = real(*args, **kwargs), 0

        def __iter__(self):
            return self

        def __next__(self):
            row = next(self.inner)
            self.line_num = self.inner.line_num
            if self.line_num == 2:
                raise csv.Error("new-line character seen in unquoted field")
            return row

    monkeypatch.setattr(reader.csv, "reader", Broken)
    path = messy.write_csv(tmp_path / "p.csv", [messy.headers("police"), messy.police()])
    with pytest.raises(UnreadableFile) as exc:
        read_file(path)
    assert exc.value.code == "csv-broken-row" and "Zeile 2" in str(exc.value)


def test_a_reader_bug_becomes_a_refusal_not_a_traceback(tmp_path, monkeypatch):
    def bug(*args):
        raise KeyError("interner Fehler")

    monkeypatch.setattr(reader, "_read_csv", bug)
    path = messy.write_csv(tmp_path / "p.csv", [messy.headers("police"), messy.police()])
    with pytest.raises(UnreadableFile) as exc:
        read_file(path)
    assert exc.value.code == "read-failed" and "„p.csv“ konnte nicht gelesen werden" in str(exc.value)


# ------------------------------------------------------------------------------------- UTF-16 and sheets

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_unicode_text_from_excel(tmp_path, encoding):
    """Excel's "Unicode-Text" is UTF-16 (little endian, with BOM) and tab-separated; without BOM it is read too."""
    rows = [["Meldung häusliche Gewalt"], messy.headers("police"), messy.police(ags="03404")]
    text = "\r\n".join("\t".join("" if v is None else str(v) for v in r) for r in rows) + "\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode(encoding))
    table = _only_table(read_file(path))
    assert table.dataset.id == "police" and table.header_row == 2
    assert table.headers["victims_male"] == "Opfer männlich"
    assert table.data.loc[3, "ags"] == "03404"


def test_hidden_sheets_are_not_read_and_named_in_a_warning(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Polizei"
    for r in (messy.headers("police"), messy.police()):
        ws.append(r)
    for name, state in (("Alt", "hidden"), ("Geheim", "veryHidden")):
        other = wb.create_sheet(name)
        for r in (messy.headers("police"), messy.police(ags="03404"), messy.police(ags="03459")):
            other.append(r)
        other.sheet_state = state
    wb.save(tmp_path / "h.xlsx")
    result = read_file(tmp_path / "h.xlsx")
    table = _only_table(result)
    assert table.sheet == "Polizei" and list(table.data["ags"]) == ["05913"]
    notes = [(p.code, p.sheet, p.severity) for p in table.problems]
    assert notes == [("hidden-sheet-skipped", "Alt", "warning"), ("hidden-sheet-skipped", "Geheim", "warning")]
    assert "ist ausgeblendet und enthält eine Tabelle „Polizeieinsätze“ mit 2 Zeilen" in table.problems[0].message
    assert "sehr ausgeblendet" in table.problems[1].message


def test_the_templates_hidden_lists_sheet_gives_no_warning(tmp_path):
    from etl.template import write_template
    from monitor import store
    from monitor.regions import RegionIndex
    from tests.fixture_db import TODAY

    with store.connect(tmp_path / "m.duckdb") as con:
        regions = RegionIndex.from_db(con)
    path = write_template("police", tmp_path / "vorlage.xlsx", regions=regions, today=TODAY)
    table = _only_table(read_file(path))
    assert table.problems == []


# ---------------------------------------------------------------------------------------- error values

def test_xlsx_error_cells_show_their_error_value(tmp_path):
    """calamine reads an error cell (t="e") as empty; the reader puts the error text back at its cell."""
    wb = Workbook()
    ws = wb.active
    for r in (messy.headers("police"), messy.police(), messy.police(ags="03404")):
        ws.append(r)
    for ref, error in (("C2", "#DIV/0!"), ("D3", "#N/A"), ("E3", "#REF!")):
        ws[ref] = error
        ws[ref].data_type = "e"
    wb.save(tmp_path / "fehler.xlsx")
    data = _only_table(read_file(tmp_path / "fehler.xlsx")).data
    assert data.loc[2, "callouts"] == "#DIV/0!"
    assert (data.loc[3, "victims_female"], data.loc[3, "victims_male"]) == ("#N/A", "#REF!")


@pytest.mark.parametrize("xml, expected", [
    (b'<c r="B3" t="e"><v>#DIV/0!</v></c>', {(2, 1): "#DIV/0!"}),
    (b'<c r="AA10" s="1" t="e"><f>1/0</f><v>#NV</v></c>', {(9, 26): "#NV"}),
    (b'<x:c r="C2" t="e"><x:v>#WERT!</x:v></x:c>', {(1, 2): "#WERT!"}),
    (b'<c r="C2" t="n"><v>3</v></c>', {}),
])
def test_error_cells_in_sheet_xml(xml, expected):
    assert reader._error_cells_in_sheet(b"<sheetData>" + xml + b"</sheetData>") == expected


# file-level codes produced by the tests above that need a patched reader (see FILE_SCENARIOS for the others)
PATCHED_SCENARIOS = {
    "csv-broken-row": test_other_csv_errors_become_a_refusal_with_the_line,
    "read-failed": test_a_reader_bug_becomes_a_refusal_not_a_traceback,
}
