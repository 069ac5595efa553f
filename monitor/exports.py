"""Downloads of the data behind every chart: CSV for German Excel and XLSX with title, source and Stand.

CSV: ``;`` separated, UTF-8 with BOM, decimal comma, dates ISO (``2025-06-30``). XLSX: a title block above
the table (title, source, Stand, "Demodaten" mark), the table from row ``HEADER_ROW`` with number formats that
German Excel shows as ``1.234,5``, and an "Info" sheet. Text cells that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or CR) are neutralised with a leading ``'``; numbers, also
negative ones, stay numbers.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from typing import Any, Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import fmt
from .i18n import N_, translate

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_ROW = 6  # 1-based row of the column headers in the XLSX data sheet; pandas: skiprows=HEADER_ROW - 1
CSV_SEPARATOR = ";"
INT_FORMAT = "#,##0"
DATE_FORMAT_XLSX = "DD.MM.YYYY"
DEMO_NOTE = N_("DEMODATEN – erfundene Zahlen, keine echten Werte")
MARKER_HEADER = N_("Hinweis")


def demo_note(language: str = "de") -> str:
    """The demo-data line of a workbook's title block: "DEMODATEN – …" / "DEMO DATA – …"."""
    return translate(DEMO_NOTE, language)


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to a text that a spreadsheet would take for a formula; anything else is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _table(df: pd.DataFrame) -> pd.DataFrame:
    """A meaningful index (named, or not 0..n-1) becomes columns; column names become safe text."""
    out = df.copy()
    if not isinstance(out.index, pd.RangeIndex) or any(n is not None for n in out.index.names):
        out = out.reset_index()
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _is_text_column(series: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series)
                or pd.api.types.is_bool_dtype(series))


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value == datetime(value.year, value.month, value.day) else \
            value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> Any:
    """A cell of a mixed (object) column: numbers with decimal comma, dates ISO, text neutralised."""
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return _iso(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value)
    return neutralise(value)


def to_csv_bytes(df: pd.DataFrame, *, marker: str = "", language: str = "de") -> bytes:
    """The table as CSV for German Excel: ``;``, decimal comma, UTF-8 with BOM, ISO dates, no formulas.

    ``marker`` (e.g. "Intern – nicht zur Veröffentlichung") becomes a first column ("Hinweis" / "Note")
    repeated on every row, so that no copied part of the file loses it.
    """
    table = _table(df)
    if marker:
        table.insert(0, translate(MARKER_HEADER, language), marker)
    for col in table.columns:
        series = table[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            midnight = series.dropna().dt.normalize().eq(series.dropna()).all()
            table[col] = series.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%dT%H:%M:%S")
        elif _is_text_column(series):
            table[col] = series.astype("object").map(_csv_cell)
    text = table.to_csv(sep=CSV_SEPARATOR, decimal=",", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


_SOURCE_LINE = N_("Quelle: {source}")
_STAND_LINE = N_("Stand: {stand}")


def _float_format(decimals: int) -> str:
    return INT_FORMAT if decimals <= 0 else INT_FORMAT + "." + "0" * decimals


def _xlsx_value(value: Any) -> Any:
    if _is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    return value


def _sheet_title(name: str) -> str:
    for ch in '[]:*?/\\':
        name = name.replace(ch, "-")
    return (name or "Daten")[:31]


def to_xlsx_bytes(
    df: pd.DataFrame,
    *,
    sheet_name: str = "Daten",
    title: str = "",
    source: str = "",
    stand: Any = None,
    is_demo: bool = False,
    note: str = "",
    decimals: int | Mapping[str, int] | None = None,
    language: str = "de",
) -> bytes:
    """The table as an XLSX workbook: title block above (title, source, Stand, Demodaten or note), the
    header in row ``HEADER_ROW``, number formats per column (``decimals``: one int or per column; default
    whole numbers for integer columns, one decimal for others), and an "Info" sheet repeating the metadata; the
    words of the title block and the Info sheet in ``language``."""
    table = _table(df)
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(sheet_name)
    source_line = translate(_SOURCE_LINE, language, source=source or "–")
    stand_line = translate(_STAND_LINE, language, stand=fmt.stand(stand, language))
    demo_line = demo_note(language) if is_demo else ""
    block = [title, source_line, stand_line, demo_line or note]
    for row, text in enumerate(block, start=1):
        cell = ws.cell(row=row, column=1, value=_xlsx_value(text) or None)
        cell.font = Font(bold=row == 1, size=14 if row == 1 else 10,
                         color="D55E00" if (row == 4 and demo_line) else ("000000" if row == 1 else "555555"))
    if demo_line and note:
        ws.cell(row=HEADER_ROW - 1, column=1, value=_xlsx_value(note)).font = Font(size=10, color="555555")

    header_fill = PatternFill("solid", fgColor="E8EEF4")
    thin = Side(style="thin", color="9E9E9E")
    widths = []
    for j, col in enumerate(table.columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=j, value=_xlsx_value(str(col)))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.border = Border(bottom=thin)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        series = table[col]
        if isinstance(decimals, Mapping):
            places = decimals.get(str(col))
        else:
            places = decimals
        is_int = pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series)
        number_format = INT_FORMAT if is_int and places is None else _float_format(1 if places is None else places)
        width = len(str(col))
        for i, value in enumerate(series.tolist(), start=HEADER_ROW + 1):
            value = _xlsx_value(value)
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, bool):
                continue
            if isinstance(value, int):
                cell.number_format = INT_FORMAT if places is None else _float_format(places)
            elif isinstance(value, float):
                cell.number_format = number_format
            elif isinstance(value, (date, datetime)):
                cell.number_format = DATE_FORMAT_XLSX
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever a later edit adds
                cell.alignment = Alignment(horizontal="left")
            width = max(width, len(str(value)) if value is not None else 0)
        widths.append(min(max(width + 2, 8), 60))
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    if len(table.columns):
        last = get_column_letter(len(table.columns))
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(table), 1)}"

    info = wb.create_sheet("Info")
    rows = [
        (N_("Titel"), title),
        (N_("Quelle"), source),
        (N_("Stand"), fmt.stand(stand, language)),
        (N_("Demodaten"), translate(N_("ja") if is_demo else N_("nein"), language)),
        (MARKER_HEADER, note),
        (N_("Erstellt mit"), "IK-Monitor"),
    ]
    for i, (key, value) in enumerate(rows, start=1):
        info.cell(row=i, column=1, value=translate(key, language)).font = Font(bold=True)
        info.cell(row=i, column=2, value=_xlsx_value(value) or None)
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 90

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
