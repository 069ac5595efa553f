"""Builders for the messy spreadsheets the reader and validator tests use (written in code, not stored).

Headers come from monitor/datasets.py, so the builders never hold a second list of columns. Two binary
fixtures cannot be written with the project's dependencies and are stored next to the tests in
``tests/fixtures/``: ``police.xls`` (written with xlwt by ``write_xls``) and ``encrypted.xlsx`` (an openpyxl
workbook encrypted with msoffcrypto-tool, password "geheim").
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from monitor.datasets import DATASETS

FIXTURES = Path(__file__).parent / "fixtures"


def headers(dataset: str) -> list[str]:
    """The canonical German headers of a dataset, in template order."""
    return [c.header for c in DATASETS[dataset].columns]


def row(dataset: str, **values) -> list:
    """A data row in template order; fields not given are empty."""
    ds = DATASETS[dataset]
    unknown = set(values) - set(ds.fields)
    if unknown:
        raise KeyError(unknown)
    return [values.get(f) for f in ds.fields]


def shelter(**overrides) -> list:
    """A plausible shelter row for 2025-Q2 (91 days) in Dortmund; override any field."""
    values = dict(quarter="2025-Q2", ags="05913", facility="DO-FH-01", facility_type="Frauenhaus",
                  places_women=10, places_children=12, occupied_days_women=800, occupied_days_children=900,
                  admissions_women=6, admissions_children=8, turn_aways=20, turn_aways_no_space=15, full_days=30,
                  accessible_places=2)
    values.update(overrides)
    return row("shelters", **values)


def police(**overrides) -> list:
    values = dict(quarter="2025-Q2", ags="05913", callouts=420, victims_female=350, victims_male=80,
                  eviction_orders=120, referrals=200, high_risk_cases=9)
    values.update(overrides)
    return row("police", **values)


def counselling(**overrides) -> list:
    values = dict(quarter="2025-Q2", ags="05913", facility="DO-BS-01", service_type="Frauenberatungsstelle",
                  persons_counselled=140, persons_new=60, domestic_violence=90, sexual_violence=30, stalking=12,
                  digital_violence=8, other_violence=5, police_referrals=70, police_referrals_reached=50,
                  staff_fte=3.5, waiting_days=9.5)
    values.update(overrides)
    return row("counselling", **values)


def write_xlsx(path: Path, rows: list[list], *, sheet: str = "Daten", start_row: int = 1, start_col: int = 1,
               extra_sheets: dict[str, list[list]] | None = None, merged: tuple[str, ...] = (),
               hidden_columns: tuple[str, ...] = ()) -> Path:
    """Write ``rows`` to a sheet, the first row at (``start_row``, ``start_col``); more sheets after it."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            if v is not None:
                ws.cell(row=start_row + r, column=start_col + c, value=v)
    for rng in merged:
        ws.merge_cells(rng)
    for letter in hidden_columns:
        ws.column_dimensions[letter].hidden = True
    for name, sheet_rows in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for values in sheet_rows:
            other.append(values)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        for values in rows:
            writer.writerow(["" if v is None else v for v in values])
    return path


def write_ods(path: Path, sheets: dict[str, list[list]], *, start_row: int = 0) -> Path:
    """An OpenDocument spreadsheet through pandas' odf writer (odfpy)."""
    import pandas as pd

    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, header=False, index=False, startrow=start_row)
    return path


def write_ods_with_formula(path: Path) -> Path:
    """A police .ods whose "Opfer weiblich" cell in row 3 is a formula without a stored value."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Polizei")
    rows = [headers("police"), police(), police(ags="03404")]
    for r, values in enumerate(rows):
        tr = TableRow()
        for c, v in enumerate(values):
            if r == 2 and c == 3:
                tr.addElement(TableCell(formula="of:=[.C3]-[.E3]"))
            elif isinstance(v, int | float):
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=str(v)))
                tr.addElement(cell)
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(v)))
                tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def messy_shelters(path: Path) -> Path:
    """Title rows with a merged cell, header variants, a hidden extra column, lost leading zeros, German number
    formats, "k.A.", an empty row, a total row and footnotes — and no errors.

    Excel rows: 1–2 titles, 4 header, 5/6/8 data, 7 empty, 9 total, 11–12 footnotes.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Meldung"
    ws["A1"] = "Meldung Schutzunterkünfte – 2. Quartal 2025"
    ws.merge_cells("A1:H1")
    ws["A2"] = "Landeskoordinierungsstelle, Stand 15.07.2025"
    header = ["Berichtsquartal", "Kreisschlüssel", "Einrichtungs-ID", "Art der\nEinrichtung", "Plätze  Frauen",
              "Plaetze Kinder", "Belegungstage (Frauen)", "Belegungstage Kinder¹", "Aufnahmen Frauen",
              "Aufnahmen Kinder", "Abweisungen", "davon wegen Platzmangel", "Tage ohne Aufnahmemöglichkeit",
              "barrierefreie Plätze", "Bemerkung"]
    rows = [
        ["Q2/2025", 5913, "DO-FH-01", "frauenhaus", 12, 16, "1.034", 1200, 8, 11, 25, 20, 10, 2, "intern"],
        ["2. Quartal 2025", "03404", "OS-FH-01", "Frauenhaus", 10.0, 12, 900, 1000, "k.A.", 5, 3, 1, 0, 1],
        [],
        [date(2025, 5, 15), 3459.0, "OS-SW-02", "Schutzwohnung", "4", "6", "364,0", "1.092", 2, 3, 0, 0, "–", "-"],
        ["Summe", None, None, None, 26, 34, 2298, 3292, 10, 19, 28, 21, 10, 3],
        [],
        ["1) Angaben vorläufig"],
        ["Quelle: eigene Erhebung der Koordinierungsstelle"],
    ]
    for c, h in enumerate(header, 1):
        ws.cell(row=4, column=c, value=h)
    for r, values in enumerate(rows, 5):
        for c, v in enumerate(values, 1):
            ws.cell(row=r, column=c, value=v)
    ws.column_dimensions["O"].hidden = True
    wb.save(path)
    return path


def write_xls(path: Path) -> Path:  # pragma: no cover - regenerates tests/fixtures/police.xls (needs xlwt)
    """Regenerate the .xls fixture: a title row, then police data for 2025-Q2 (header in Excel row 3)."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Polizei")
    sheet.write(0, 0, "Einsätze häusliche Gewalt, 2. Quartal 2025")
    for c, h in enumerate(headers("police")):
        sheet.write(2, c, h)
    for r, values in enumerate([police(ags=5913), police(ags="03404", callouts=75)], 3):
        for c, v in enumerate(values):
            sheet.write(r, c, v)
    book.save(str(path))
    return path
