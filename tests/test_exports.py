"""Downloads (monitor/exports.py): CSV for German Excel and XLSX with title block, read back as a user would."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from monitor import exports
from monitor.exports import HEADER_ROW, to_csv_bytes, to_xlsx_bytes


def table() -> pd.DataFrame:
    return pd.DataFrame({
        "Kreis": ["Dortmund", "=HYPERLINK(\"http://x\")", "-1+2", "@SUMME(A1)", "+49 231", "\tTab"],
        "Plätze": [1234.5, -2.25, np.nan, 0.1, 7.0, 3.0],
        "Aufnahmen": [12, -3, 0, 4, 5, 6],
        "Quote": pd.Series([37.5, "< 3", None, -4.0, 1, "x"], dtype="object"),
        "Stichtag": pd.to_datetime(["2025-06-30", "2025-09-30", None, "2025-12-31", "2026-03-31", "2026-06-30"]),
    })


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_for_german_excel():
    data = to_csv_bytes(table())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Kreis;Plätze;Aufnahmen;Quote;Stichtag"
    assert lines[1] == "Dortmund;1234,5;12;37,5;2025-06-30"
    assert lines[2].startswith("\"'=HYPERLINK(\"\"http://x\"\")\";-2,25;-3;< 3;2025-09-30")
    assert lines[3] == "'-1+2;;0;;"


def test_csv_reads_back_with_numbers_intact():
    back = pd.read_csv(io.BytesIO(to_csv_bytes(table())), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["Plätze"].tolist()[:2] == [1234.5, -2.25]  # negative numbers stay numbers
    assert back["Aufnahmen"].tolist()[1] == -3
    assert back["Kreis"].tolist()[1:] == ["'=HYPERLINK(\"http://x\")", "'-1+2", "'@SUMME(A1)", "'+49 231", "'\tTab"]
    assert back["Stichtag"].tolist()[0] == "2025-06-30"


def test_csv_named_index_becomes_a_column_and_times_stay_iso():
    df = pd.DataFrame({"Wert": [1.5, 2.0]}, index=pd.Index(["2025-Q1", "2025-Q2"], name="Quartal"))
    text = to_csv_bytes(df).decode("utf-8-sig")
    assert text.splitlines()[:2] == ["Quartal;Wert", "2025-Q1;1,5"]
    stamps = pd.DataFrame({"t": pd.to_datetime(["2025-06-30 14:05:00"])})
    assert "2025-06-30T14:05:00" in to_csv_bytes(stamps).decode("utf-8-sig")
    dates = pd.DataFrame({"d": [date(2025, 6, 30)]})
    assert to_csv_bytes(dates).decode("utf-8-sig").splitlines()[1] == "2025-06-30"


# --- XLSX ---------------------------------------------------------------------------------------------------


def xlsx(**kwargs) -> bytes:
    defaults = dict(sheet_name="Schutzplätze", title="Schutzplätze – Dortmund, Q2 2025",
                    source="Landeskoordinierungsstelle NRW", stand=date(2026, 11, 21), is_demo=True)
    return to_xlsx_bytes(table(), **{**defaults, **kwargs})


def test_xlsx_title_block_above_the_table():
    head = pd.read_excel(io.BytesIO(xlsx()), engine="calamine", header=None, nrows=HEADER_ROW - 1)
    assert head.iloc[0, 0] == "Schutzplätze – Dortmund, Q2 2025"
    assert head.iloc[1, 0] == "Quelle: Landeskoordinierungsstelle NRW"
    assert head.iloc[2, 0] == "Stand: 21.11.2026"
    assert head.iloc[3, 0].startswith("DEMODATEN")
    real = pd.read_excel(io.BytesIO(xlsx(is_demo=False, note="Ländervergleich eingeschränkt")), engine="calamine",
                         header=None, nrows=HEADER_ROW - 1)
    assert not real.astype(str).apply(lambda c: c.str.contains("DEMODATEN")).any().any()
    assert real.iloc[3, 0] == "Ländervergleich eingeschränkt"


def test_xlsx_table_reads_back_with_types_and_neutralised_text():
    back = pd.read_excel(io.BytesIO(xlsx()), engine="calamine", skiprows=HEADER_ROW - 1)
    assert list(back.columns) == ["Kreis", "Plätze", "Aufnahmen", "Quote", "Stichtag"]
    assert back["Plätze"].tolist()[:2] == [1234.5, -2.25]
    assert back["Aufnahmen"].tolist()[1] == -3
    assert back["Quote"].tolist()[:2] == [37.5, "< 3"] and back["Quote"].tolist()[3] == -4
    assert back["Kreis"].tolist()[1:4] == ["'=HYPERLINK(\"http://x\")", "'-1+2", "'@SUMME(A1)"]
    assert pd.Timestamp(back["Stichtag"][0]) == pd.Timestamp("2025-06-30")
    info = pd.read_excel(io.BytesIO(xlsx()), engine="calamine", sheet_name="Info", header=None)
    assert dict(zip(info[0], info[1]))["Demodaten"] == "ja"


def test_xlsx_number_formats_and_no_formulas():
    wb = load_workbook(io.BytesIO(xlsx(decimals={"Quote": 2})))
    ws = wb["Schutzplätze"]
    header = {ws.cell(HEADER_ROW, j).value: j for j in range(1, 6)}
    row = HEADER_ROW + 1
    assert ws.cell(row, header["Plätze"]).number_format == "#,##0.0"
    assert ws.cell(row, header["Aufnahmen"]).number_format == "#,##0"
    assert ws.cell(row, header["Quote"]).number_format == "#,##0.00"
    assert ws.cell(row, header["Stichtag"]).number_format == "DD.MM.YYYY"
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_xlsx_sheet_name_is_made_valid():
    wb = load_workbook(io.BytesIO(xlsx(sheet_name="Quote [%] je Kreis/Stadt: sehr langer Name")))
    assert wb.sheetnames[0] == "Quote -%- je Kreis-Stadt- sehr "
    assert len(wb.sheetnames[0]) <= 31


# --- property: any text survives, and never as a formula ------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
                        | st.sampled_from(["=", "+", "-", "@", "\t", "\r"]), min_size=1, max_size=12),
                min_size=1, max_size=5))
def test_text_cells_round_trip_or_are_neutralised(cells):
    df = pd.DataFrame({"Text": cells, "Zahl": [-1.5] * len(cells)})
    csv_back = pd.read_csv(io.BytesIO(to_csv_bytes(df)), sep=";", decimal=",", encoding="utf-8-sig",
                           dtype={"Text": str}, keep_default_na=False)
    xlsx_back = pd.read_excel(io.BytesIO(to_xlsx_bytes(df)), engine="calamine", skiprows=HEADER_ROW - 1,
                              dtype={"Text": str}, keep_default_na=False)
    for back in (csv_back, xlsx_back):
        assert back["Zahl"].tolist() == [-1.5] * len(cells)
        for original, got in zip(cells, back["Text"]):
            expected = exports.neutralise(original)
            assert not got.startswith(exports.FORMULA_PREFIXES)
            assert got == expected


def test_neutralise_leaves_numbers_alone():
    assert exports.neutralise(-3) == -3
    assert exports.neutralise(-2.5) == -2.5
    assert exports.neutralise("-2,5") == "'-2,5"
    assert exports.neutralise("Dortmund") == "Dortmund"
    assert exports.neutralise(None) is None
