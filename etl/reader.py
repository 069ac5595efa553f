"""Reading spreadsheets: find each sheet's header row, recognise the dataset, keep Excel's row numbers.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine including leading empty rows and columns, so
that row ``i`` of a sheet is Excel's row ``i + 1``. CSV files are read as text (UTF-8 with or without BOM,
else cp1252; ``;``, ``,`` or tab, whichever yields the best header). A header row is searched in the first
``HEADER_SCAN_ROWS`` rows; headers match despite case, spacing, line breaks, umlaut spelling, punctuation and
footnote marks, and through the aliases in ``monitor/datasets.py``. Sheets without a recognisable header
("Ausfüllhinweise", "Regionen") are skipped silently; hidden and very hidden sheets are not read at all (a
warning names them). Calamine does not expose formulas or error values, so formula cells without a stored value
and cells holding an error value (``#DIV/0!``) are found in the sheet XML (xlsx) or content.xml (ods).

CSV files may be UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode-Text", tab-separated) or
cp1252. Every way a file can fail to be read ends in ``UnreadableFile`` with a stable ``code`` (registered with
its German template in ``etl/problems.py``) — a cell over the CSV field limit, an unbalanced quote, a damaged
workbook — never in a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import python_calamine as pc

from monitor.datasets import DATASETS, Dataset
from monitor.datasets import get as get_dataset
from monitor.regions import normalise_name

from .problems import N_, Both, Msg, Num, Problem, UnreadableFile, problem, unreadable
from .safety import read_checked

HEADER_SCAN_ROWS = 30
MIN_HEADER_FIELDS = 2  # a row matching fewer distinct fields of every dataset is not a header

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_FOOTNOTE_MARK = re.compile(r"(\s*(\(\d{1,2}\)|\d{1,2}\)|\*+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+))+$")
_PARENS = re.compile(r"\([^)]*\)")


_log = logging.getLogger(__name__)
CSV_FIELD_LIMIT = csv.field_size_limit()  # 128 KB: no cell of a quarterly table comes near it


@dataclass
class RawTable:
    """One recognised table: the matched columns of the rows below the header, as found in the file."""

    sheet: str | None
    dataset: Dataset
    header_row: int  # Excel row number of the header
    headers: dict[str, str]  # field → header as written in the file
    extra_columns: list[str]
    data: pd.DataFrame  # object dtype, one column per matched field (file order), index = Excel row numbers
    formula_without_value: set[tuple[int, str]] = field(default_factory=set)  # (excel_row, field)
    notes: dict[int, str] = field(default_factory=dict)  # rows with text only outside the table's columns
    problems: list[Problem] = field(default_factory=list)  # header problems of this table


@dataclass
class ReadResult:
    tables: list[RawTable]
    problems: list[Problem]  # problems of header rows that became no table (e.g. dataset not recognised)


# ---------------------------------------------------------------------------------------------- headers

def normalise_header(text: object) -> str:
    """A header reduced for matching: footnote marks dropped, then ``normalise_name`` (case, ä/ae, ß/ss, …)."""
    return normalise_name(_FOOTNOTE_MARK.sub("", str(text).strip()))


_HEADER_INDEX: dict[str, dict[str, str]] = {}


def header_index(ds: Dataset) -> dict[str, str]:
    """Normalised header and aliases → field, for one dataset."""
    if ds.id not in _HEADER_INDEX:
        index: dict[str, str] = {}
        for col in ds.columns:
            for name in (col.header, col.field, *col.aliases):
                index.setdefault(normalise_header(name), col.field)
        _HEADER_INDEX[ds.id] = index
    return _HEADER_INDEX[ds.id]


def match_header(text: object, ds: Dataset) -> str | None:
    """The field a header cell names in ``ds``, or None; a trailing "(Anzahl)"-style remark is tolerated."""
    if not isinstance(text, str) or not text.strip():
        return None
    index = header_index(ds)
    hit = index.get(normalise_header(text))
    if hit is None and "(" in text:
        hit = index.get(normalise_header(_PARENS.sub("", text)))
    return hit


def _col_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass
class _HeaderMatch:
    row: int  # 0-based; for a two-row header the lower row
    dataset: Dataset
    fields: dict[str, list[int]]  # field → column indices (0-based), in file order
    score: int
    runner_up: int
    texts: dict[int, str]  # column → header text as written (two-row headers joined: "Plätze Frauen")


def _header_texts(row: list) -> dict[int, str]:
    return {c: v.strip() for c, v in enumerate(row) if isinstance(v, str) and v.strip()}


def _two_row_texts(top_row: list, bottom_row: list) -> dict[int, str]:
    """Headers spread over two rows: a group label ("Plätze", often merged) above sub-headers ("Frauen",
    "Kinder"). The group label carries to the right across consecutive sub-headers below empty cells."""
    top, bottom = _header_texts(top_row), _header_texts(bottom_row)
    out: dict[int, str] = {}
    carry = None
    for c in range(max([*top, *bottom], default=-1) + 1):
        t, b = top.get(c), bottom.get(c)
        if t:
            carry = t
        elif not (b and c - 1 in bottom):
            carry = None
        group = t or carry
        if b and group:
            out[c] = f"{group} {b}"
        elif b or t:
            out[c] = b or t
    return out


def _score(texts: dict[int, str], candidates: list[Dataset]):
    scores = []
    for ds in candidates:
        fields: dict[str, list[int]] = {}
        for c, v in texts.items():
            f = match_header(v, ds)
            if f:
                fields.setdefault(f, []).append(c)
        scores.append((len(fields), sum(1 for col in ds.required if col.field in fields), ds, fields))
    scores.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return scores


def _find_header(rows: list[list], forced: Dataset | None) -> _HeaderMatch | None:
    """The row (or pair of rows) in the first rows that names most fields of one dataset."""
    candidates = [forced] if forced else list(DATASETS.values())
    best: _HeaderMatch | None = None
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        options = [_header_texts(row)]
        if r > 0:
            options.append(_two_row_texts(rows[r - 1], row))
        for texts in options:
            if len(texts) < MIN_HEADER_FIELDS:
                continue
            scores = _score(texts, candidates)
            top = scores[0]
            runner_up = scores[1][0] if len(scores) > 1 else 0
            if top[0] >= MIN_HEADER_FIELDS and (best is None or top[0] > best.score):
                best = _HeaderMatch(r, top[2], top[3], top[0], runner_up, texts)
    return best


def _recognised(match: _HeaderMatch, forced: Dataset | None) -> bool:
    """Forced, or complete, or ahead of every other dataset with at least one number column matched."""
    if forced:
        return True
    ds = match.dataset
    if all(col.field in match.fields for col in ds.required):
        return True
    has_number = any(ds.column(f).is_number for f in match.fields)
    return match.score > match.runner_up and has_number


# ----------------------------------------------------------------------------------------- cell cleanup

_TYPE_OF = np.frompyfunc(type, 1, 1)


def _clean_column(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Empty and blank strings → None, text stripped, booleans → text (so that True never passes as 1).

    Returns the cleaned values and a mask of the filled cells.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) == 0:
        return np.full(len(values), None, dtype=object), np.zeros(len(values), dtype=bool)
    uniq = np.asarray(uniques, dtype=object)
    cleaned = np.empty(len(uniq) + 1, dtype=object)
    cleaned[-1] = None  # code -1 (NaN/None) indexes the last slot
    ambiguous_bool = False
    for i, v in enumerate(uniq):
        if isinstance(v, str):
            v = v.strip() or None
        elif isinstance(v, bool) or (isinstance(v, int | float) and v in (0, 1)):
            ambiguous_bool = True
        cleaned[i] = v
    filled = np.array([v is not None for v in cleaned], dtype=bool)
    out = cleaned[codes]
    if ambiguous_bool:
        for i in np.flatnonzero(_TYPE_OF(values) == bool):  # noqa: E721 - exact type, vectorised
            out[i] = "WAHR" if values[i] else "FALSCH"
    return out, filled[codes]


# ------------------------------------------------------------------------------------------------ tables

def _grid(body: list[list], width: int, formula_cells: set[tuple[int, int]], first_row: int) -> np.ndarray:
    """The body as an object array, widened and lengthened to hold formula cells beyond calamine's range."""
    below = [(r - first_row, c) for r, c in formula_cells if r >= first_row]
    n = max([len(body), *(r + 1 for r, _ in below)])
    width = max([width, *(c + 1 for _, c in below)])
    grid = np.full((n, width), "", dtype=object)  # "" as calamine gives for an empty cell
    if body and all(len(r) == width for r in body):
        grid[: len(body)] = body
    else:
        for i, r in enumerate(body):
            grid[i, : len(r)] = r
    return grid


def _build_table(rows: list[list], sheet: str | None, match: _HeaderMatch,
                 formulas: _SheetFormulas | None) -> RawTable:
    ds = match.dataset
    header = match.texts
    width = max((len(r) for r in rows), default=0)
    body = rows[match.row + 1:]
    problems: list[Problem] = []
    excel_header_row = match.row + 1

    columns: dict[int, str] = {}  # column index → field
    headers: dict[str, str] = {}
    for f, cols in match.fields.items():
        columns[cols[0]] = f
        headers[f] = header[cols[0]]
        for dup in cols[1:]:
            problems.append(problem(
                "duplicate-column", row=excel_header_row, column=header[dup], sheet=sheet,
                header=ds.column(f).header, first=_col_letter(cols[0]), second=_col_letter(dup)))
    for col in ds.required:
        if col.field not in headers:
            aliases = ", ".join(f"„{a}“" for a in col.aliases[:3])
            # the column is not in the file: its canonical header, kept out of the location
            problems.append(problem("missing-column", sheet=sheet, column=col.header, column_in_file=False,
                                    header=col.header,
                                    aliases=Msg(N_(" (oder {aliases})"), aliases=aliases) if aliases else ""))

    matched_idx = sorted(columns)
    grid = _grid(body, width, set(), 0)
    formula_cells: set[tuple[int, int]] = set()
    if formulas is not None:
        # a formula without a stored value or an error value reads as an empty cell, or lies beyond calamine's
        # range: only then is the sheet XML worth scanning
        sub = grid[:, matched_idx]
        if (sub == "").any() or formulas.beyond(len(rows), width):
            formula_cells = {(r, c) for r, c in formulas.cells() if r > match.row}
            error_cells = {(r, c): v for (r, c), v in formulas.errors().items() if r > match.row}
            if formula_cells or error_cells:
                grid = _grid(body, width, formula_cells | set(error_cells), match.row + 1)
            for (r, c), text in error_cells.items():
                if grid[r - match.row - 1, c] == "":
                    grid[r - match.row - 1, c] = text  # the error shows at its cell, not as "no value"
    width = grid.shape[1]
    cleaned = np.empty_like(grid)
    filled = np.zeros(grid.shape, dtype=bool)
    for c in range(width):
        cleaned[:, c], filled[:, c] = _clean_column(grid[:, c])
    for r, c in formula_cells:
        filled[r - match.row - 1, c] = True

    matched_filled = filled[:, matched_idx].any(axis=1) if matched_idx else np.zeros(len(grid), bool)
    other_idx = [c for c in range(width) if c not in columns]
    extra_columns: list[str] = []
    for c in other_idx:
        text = header.get(c)
        if text:
            if match_header(text, ds) is None:
                extra_columns.append(text)
                problems.append(problem("extra-column", row=excel_header_row, column=text, sheet=sheet))
        elif matched_filled.any() and filled[matched_filled, c].any():
            problems.append(problem("unnamed-column", row=excel_header_row, sheet=sheet, letter=_col_letter(c)))

    excel_rows = np.arange(match.row + 2, match.row + 2 + len(grid))
    notes: dict[int, str] = {}
    only_outside = ~matched_filled & filled.any(axis=1)
    for i in np.flatnonzero(only_outside):
        texts = [str(v) for v in cleaned[i] if v is not None]
        notes[int(excel_rows[i])] = " ".join(texts)

    keep = matched_filled
    ordered = [columns[c] for c in matched_idx]
    data = pd.DataFrame(cleaned[keep][:, matched_idx], columns=ordered, index=excel_rows[keep], dtype=object)
    data.index.name = "row"
    formula_fields = {(r + 1, columns[c]) for r, c in formula_cells if c in columns}
    return RawTable(sheet, ds, excel_header_row, headers, extra_columns, data, formula_fields, notes, problems)


def _tables_from_grid(rows: list[list], sheet: str | None, forced: Dataset | None,
                      formulas: _SheetFormulas | None) -> tuple[RawTable | None, list[Problem]]:
    match = _find_header(rows, forced)
    if forced:
        # with a forced dataset, a sheet that clearly holds another dataset is not this one's table
        overall = _find_header(rows, None)
        if (overall and overall.dataset is not forced and _recognised(overall, None)
                and overall.score > (match.score if match else 0)):
            return None, []
    if match is None:
        return None, []
    if not _recognised(match, forced):
        missing = [col.header for col in match.dataset.required if col.field not in match.fields]
        return None, [problem("unknown-dataset", row=match.row + 1, sheet=sheet,
                              dataset=Both(match.dataset.label_de, match.dataset.label_en),
                              missing=", ".join(f"„{m}“" for m in missing))]
    return _build_table(rows, sheet, match, formulas), []


# ----------------------------------------------------------------------------------------- file formats

def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-16 with a byte-order mark (Excel's "Unicode-Text") or without one but with
    the telltale zero bytes, UTF-8 with or without BOM, else cp1252 as German Excel writes it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and 0 not in head[0::2][:2]:
        return data.decode("utf-16-le", errors="replace")  # UTF-16 without BOM: every other byte is zero
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and 0 not in head[1::2][:2]:
        return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def looks_like_text(data: bytes) -> bool:
    """True for bytes that decode to text without zero characters (a CSV), False for binary data."""
    return "\x00" not in decode_text(data[:4096])


def _read_csv(data: bytes, name: str, forced: Dataset | None) -> ReadResult:
    text = decode_text(data)
    if "\x00" in text:
        raise unreadable("unreadable-file", file=name)
    best = None
    for delimiter in (";", ",", "\t"):
        head = list(csv_rows(text, delimiter, name, limit=HEADER_SCAN_ROWS))
        match = _find_header(head, forced)
        if match and (best is None or match.score > best[1]):
            best = (delimiter, match.score)
    if best is None:
        raise _no_header(name)
    rows = list(csv_rows(text, best[0], name))
    table, problems = _tables_from_grid(rows, None, forced, None)
    return ReadResult([table] if table else [], problems)


def csv_rows(text: str, delimiter: str, name: str, limit: int | None = None):
    """The rows of a CSV text (at most ``limit``); see ``csv_records``."""
    for _, row in csv_records(text, delimiter, name, limit):
        yield row


def csv_records(text: str, delimiter: str, name: str, limit: int | None = None):
    """(line on which the record starts, cells) for each record of a CSV text.

    A cell over the field limit or an unbalanced quote raises ``UnreadableFile`` naming the line where the
    broken record starts (``name`` is the file's name for the message).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1  # line on which the next record starts
    last: list[str] = []
    last_start = 1
    count = 0
    while limit is None or count < limit:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _csv_failure(text, name, start, exc) from None
        last, last_start = row, start
        start = reader.line_num + 1
        count += 1
        yield last_start, row
    # at the end of the text inside a quoted cell, csv swallows the rest of the file into that cell silently
    if limit is None and text.count('"') % 2 and any("\n" in cell for cell in last):
        raise unreadable("csv-unbalanced-quote", file=name, line=last_start)


def _csv_failure(text: str, name: str, line: int, exc: csv.Error) -> UnreadableFile:
    first = text.split("\n", line)[line - 1] if line >= 1 else ""
    if "field larger than field limit" in str(exc):
        if first.count('"') % 2:
            return unreadable("csv-unbalanced-quote", file=name, line=line)
        return unreadable("csv-field-too-large", file=name, line=line, limit=CSV_FIELD_LIMIT // 1024)
    _log.debug("CSV error in %s at line %s: %s", name, line, exc)
    return unreadable("csv-broken-row", file=name, line=line)


def _no_header(name: str) -> UnreadableFile:
    return unreadable("no-header", file=name, scan_rows=HEADER_SCAN_ROWS)


def _xlsx_sheet_path(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding a sheet of an xlsx, from workbook.xml and its relationships."""
    try:
        wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for sheet in wb.iter():
        if sheet.tag.endswith("}sheet") and sheet.get("name") == sheet_name:
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            return path if path in zf.namelist() else None
    return None


def _xlsx_special_cells(zf: zipfile.ZipFile, sheet_name: str) -> tuple[set[tuple[int, int]], dict]:
    """Formula cells without a stored value and error cells of one sheet of an xlsx (0-based row, col)."""
    path = _xlsx_sheet_path(zf, sheet_name)
    if not path:
        return set(), {}
    xml = zf.read(path)
    return _formula_cells_in_sheet(xml), _error_cells_in_sheet(xml)


_F_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\bt="e"[^>]*>')


def _formula_cells_in_sheet(xml: bytes) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    # substring tests are far faster than the regex on a sheet without formulas (<f>…</f>, <f …/>, <x:f …>)
    if b"f>" not in xml and b"<f " not in xml and b":f " not in xml:
        return out
    for m in _F_TAG.finditer(xml):
        start = max(xml.rfind(b"<c ", 0, m.start()), xml.rfind(b":c ", 0, m.start()))
        end = xml.find(b"c>", m.end())
        if start < 0 or end < 0:
            continue
        cell = xml[start:end]
        ref = _REF.search(cell[: cell.find(b">")])
        if not ref or _VALUE.search(cell) or b't="str"' in cell[: cell.find(b">")]:
            continue
        out.add((int(ref.group(2)) - 1, _col_index(ref.group(1).decode())))
    return out


def _error_cells_in_sheet(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, col) → the error value ("#DIV/0!") of cells of type error; calamine reads them as empty cells."""
    out: dict[tuple[int, int], str] = {}
    if b't="e"' not in xml:
        return out
    for m in _ERROR_CELL.finditer(xml):
        ref = _REF.search(m.group(0))
        end = xml.find(b"c>", m.end())
        value = _VALUE.search(xml, m.end(), end if end >= 0 else len(xml))
        if ref:
            text = value.group(1).decode("utf-8", errors="replace") if value else "#WERT!"
            out[(int(ref.group(2)) - 1, _col_index(ref.group(1).decode()))] = text
    return out


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}


def _ods_special_cells(zf: zipfile.ZipFile) -> dict[str, tuple[set[tuple[int, int]], dict]]:
    """Sheet name → formula cells without a value type (no value stored) and error cells, from content.xml."""
    try:
        raw = zf.read("content.xml")
    except KeyError:
        return {}
    if b"table:formula" not in raw:
        return {}
    t, o = "{%s}" % _ODS["table"], "{%s}" % _ODS["office"]
    calc = "{%s}" % _ODS["calcext"]
    out: dict[str, tuple[set[tuple[int, int]], dict]] = {}
    name, row, col, depth = None, 0, 0, 0
    for event, el in ElementTree.iterparse(io.BytesIO(raw), events=("start", "end")):
        tag = el.tag
        if tag == t + "table":
            if event == "start":
                depth += 1
                if depth == 1:
                    name, row = el.get(t + "name"), 0
            else:
                depth -= 1
        elif depth != 1:
            continue
        elif tag == t + "table-row":
            if event == "start":
                col = 0
            else:
                row += int(el.get(t + "number-rows-repeated", "1"))
                el.clear()
        elif tag in (t + "table-cell", t + "covered-table-cell") and event == "end":
            repeat = int(el.get(t + "number-columns-repeated", "1"))
            if el.get(t + "formula"):
                formulas, errors = out.setdefault(name, (set(), {}))
                if el.get(o + "value-type") is None:
                    formulas.update((row, col + k) for k in range(repeat))
                elif el.get(calc + "value-type") == "error":
                    text = "".join(el.itertext()).strip() or "#WERT!"
                    errors.update({(row, col + k): text for k in range(repeat)})
            col += repeat
    return out


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]*\d*:?([A-Z]+)(\d+)"')


class _FormulaScan:
    """Formula cells without a stored value and error cells, per sheet, read from the zip only when asked for."""

    def __init__(self, data: bytes, kind: str):
        self.data, self.kind = data, kind
        self._sheets: dict[str, tuple[set[tuple[int, int]], dict]] = {}
        self._ods_done = False

    def _special(self, sheet: str) -> tuple[set[tuple[int, int]], dict]:
        if self.kind == "xlsx" and sheet not in self._sheets:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                self._sheets[sheet] = _xlsx_special_cells(zf, sheet)
        elif self.kind == "ods" and not self._ods_done:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                self._sheets = _ods_special_cells(zf)
            self._ods_done = True
        return self._sheets.get(sheet, (set(), {}))

    def cells(self, sheet: str) -> set[tuple[int, int]]:
        return self._special(sheet)[0]

    def errors(self, sheet: str) -> dict[tuple[int, int], str]:
        return self._special(sheet)[1]

    def beyond(self, sheet: str, n_rows: int, width: int) -> bool:
        """True if the sheet's declared extent is larger than what calamine returned (cells without values)."""
        if self.kind != "xlsx":
            return True
        with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
            path = _xlsx_sheet_path(zf, sheet)
            if path is None:
                return True
            with zf.open(path) as fh:
                m = _DIMENSION.search(fh.read(4096))
        return m is None or int(m.group(2)) > n_rows or _col_index(m.group(1).decode()) >= width


@dataclass
class _SheetFormulas:
    scan: _FormulaScan
    sheet: str

    def cells(self) -> set[tuple[int, int]]:
        return self.scan.cells(self.sheet)

    def errors(self) -> dict[tuple[int, int], str]:
        return self.scan.errors(self.sheet)

    def beyond(self, n_rows: int, width: int) -> bool:
        return self.scan.beyond(self.sheet, n_rows, width)


@dataclass
class Sheet:
    """One worksheet as read: its name, its rows (leading empty rows and columns kept) and whether it is shown."""

    name: str
    rows: list[list]
    visible: bool = True


def workbook_sheets(data: bytes, name: str, *, hidden: bool = False) -> list[Sheet]:
    """The worksheets of a workbook (xlsx, xls, ods) with error cells as their error text ("#DIV/0!").

    Hidden and very hidden sheets are left out unless ``hidden``; they come back unread (no rows) then.
    Raises ``UnreadableFile`` for an encrypted or damaged workbook.
    """
    scan = _scan_for(data, name)
    wb = _open_workbook(data, name)
    out = []
    for meta in wb.sheets_metadata:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        visible = meta.visible == pc.SheetVisibleEnum.Visible
        if not visible and not hidden:
            continue
        rows = _sheet_rows(wb, meta.name, name)
        if scan is not None and visible:
            for (r, c), text in scan.errors(meta.name).items():
                if r < len(rows) and c < len(rows[r]) and rows[r][c] == "":
                    rows[r][c] = text
        out.append(Sheet(meta.name, rows, visible))
    return out


def _scan_for(data: bytes, name: str) -> _FormulaScan | None:
    if not data.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _corrupt(name) from None
    if "xl/workbook.xml" in names:
        return _FormulaScan(data, "xlsx")
    if "content.xml" in names:
        return _FormulaScan(data, "ods")
    raise unreadable("not-a-spreadsheet", file=name, what=Msg(N_("ein ZIP-Archiv (z. B. ein Word-Dokument)")))


def _open_workbook(data: bytes, name: str) -> pc.CalamineWorkbook:
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise _encrypted(name) from None
    except Exception:  # calamine raises many kinds (zip, xml, cfb, value errors) for damaged files
        raise _corrupt(name) from None


def _sheet_rows(wb: pc.CalamineWorkbook, sheet: str, name: str) -> list[list]:
    try:
        return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception:  # a damaged sheet part; calamine's error types differ by format
        raise _corrupt(name) from None


def _read_workbook(path: Path, data: bytes, forced: Dataset | None) -> ReadResult:
    scan = _scan_for(data, path.name)
    wb = _open_workbook(data, path.name)
    tables: list[RawTable] = []
    problems: list[Problem] = []
    hidden: list[tuple[str, RawTable | None, object]] = []
    for meta in wb.sheets_metadata:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        rows = _sheet_rows(wb, meta.name, path.name)
        visible = meta.visible == pc.SheetVisibleEnum.Visible
        lookup = _SheetFormulas(scan, meta.name) if scan and visible else None
        table, sheet_problems = _tables_from_grid(rows, meta.name, forced, lookup)
        if not visible:
            # read only to say what it would have held (a template's hidden drop-down lists hold no table);
            # nothing of a hidden sheet is checked or loaded
            if table is not None or sheet_problems:
                hidden.append((meta.name, table, meta.visible))
            continue
        if table:
            tables.append(table)
        problems.extend(sheet_problems)
    notes = [problem("hidden-sheet-skipped", sheet=sheet,
                     how=Msg(N_("sehr ausgeblendet") if how == pc.SheetVisibleEnum.VeryHidden else N_("ausgeblendet")),
                     what=Msg(N_("eine Tabelle „{dataset}“ mit {rows} Zeilen"),
                              dataset=Both(table.dataset.label_de, table.dataset.label_en), rows=Num(len(table.data)))
                     if table else Msg(N_("eine Tabelle")))
             for sheet, table, how in hidden]
    if not tables and not problems:
        if notes:
            raise unreadable("only-hidden-sheets", file=path.name,
                             sheets=", ".join(f"„{sheet}“" for sheet, _, _ in hidden))
        raise _no_header(path.name)
    if tables:
        tables[0].problems[:0] = notes
    else:
        problems[:0] = notes
    return ReadResult(tables, problems)


def _corrupt(name: str) -> UnreadableFile:
    return unreadable("damaged-file", file=name)


def _encrypted(name: str) -> UnreadableFile:
    return unreadable("encrypted-file", file=name)


def read_file(path: Path | str, dataset: str | Dataset | None = None, *, data: bytes | None = None) -> ReadResult:
    """Read every recognisable table of a spreadsheet or CSV file (after every check of ``etl.safety``).

    ``dataset`` (an id of ``monitor.datasets`` or a ``Dataset`` such as the police-district variant) forces the
    dataset instead of recognising it from the headers. ``data``: the file's bytes, read and checked by
    ``etl.safety.read_checked`` already (``etl.validate.check_path`` reads a file once). Raises ``UnreadableFile``
    (with a stable ``code``) for a file that is refused, empty, encrypted, damaged, not a spreadsheet or has no
    header row at all — and for any other failure while reading, so that no traceback reaches a user.
    """
    path = Path(path)
    data = read_checked(path) if data is None else data
    forced = get_dataset(dataset) if isinstance(dataset, str) else dataset
    try:
        return _read_bytes(path, data, forced)
    except UnreadableFile:
        raise
    except RecursionError:
        raise unreadable("damaged-file", file=path.name) from None
    except Exception as exc:  # a reader bug must not surface as a traceback; the log keeps it for operators
        _log.debug("reading %s failed", path.name, exc_info=exc)
        raise unreadable("read-failed", file=path.name) from None


def _read_bytes(path: Path, data: bytes, forced: Dataset | None) -> ReadResult:
    if not data.strip():
        raise unreadable("empty-file", file=path.name)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise _encrypted(path.name)
        return _read_workbook(path, data, forced)
    if data.startswith(b"PK"):
        return _read_workbook(path, data, forced)
    head = decode_text(data[:2048]).lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype html", "<html", "<?xml", "<table")):
        raise unreadable("html-file", file=path.name)
    if not looks_like_text(data):
        raise unreadable("unreadable-file", file=path.name)
    return _read_csv(data, path.name, forced)
