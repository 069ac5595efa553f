"""Checking a file against its dataset: cell values, skipped rows and the rules across cells and rows.

``check_path`` is the one entry for a whole file (command line, loader, upload page): it reads and hashes the file
once and decides everything about it (see there). ``check_file`` checks every recognised table of it and returns
one ``FileReport`` per dataset found
(tables of the same dataset on several sheets are checked together, so a key repeated across sheets is
found). Each report carries the clean, typed rows ready to load and every problem with its Excel row, the
header as written in the file and the cell's value.

Cells are parsed once per distinct value (``pd.factorize``) and the results broadcast to the rows, so a
50,000-row file costs a few thousand parser calls. The rules across cells work on the typed columns.

Occupancy rule: occupied place-days above places × days of the quarter is over-occupancy (a warning).
It counts as impossible (an error) above 200 %, or when place-days are reported for 0 places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd

from monitor import store
from monitor.datasets import AGS, CATEGORY, COUNT, DECIMAL, ID, QUARTER, Column, Dataset
from monitor.datasets import get as get_dataset
from monitor.periods import Quarter
from monitor.regions import RegionIndex

from . import districts, safety
from . import values as V
from .problems import N_, Both, Msg, Num, Problem, UnreadableFile, os_problem, problem, validity_text
from .reader import RawTable, read_file

MIN_YEAR = 2000
IMPOSSIBLE_OCCUPANCY = 2.0  # occupancy above this share of places × days is an error, not a warning

_DTYPES = {COUNT: "Int64", DECIMAL: "Float64", QUARTER: "string", AGS: "string", ID: "string", CATEGORY: "string"}
_EXPECTED = {
    QUARTER: N_("ein Quartal, z. B. 2025-Q2."),
    AGS: N_("der fünfstellige AGS des Kreises, z. B. 05913."),
    ID: N_("die pseudonyme Kennung der Einrichtung, z. B. NI-FH-017."),
    COUNT: N_("eine ganze Zahl ≥ 0, z. B. 12 (0, wenn es keine gab)."),
    DECIMAL: N_("eine Zahl ≥ 0, z. B. 2,5."),
}


@dataclass
class FileReport:
    """The outcome of checking one dataset's tables in one file."""

    file: str
    sha256: str
    dataset: str | None
    rows: int
    errors: list[Problem]
    warnings: list[Problem]
    frame: pd.DataFrame | None  # dataset fields + source_sheet, source_row; None if no dataset recognised
    quarters: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # field → header as written in the file
    loaded_as: int | None = None  # the batch that holds this very table already (set by check_path)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        """The report for the CLI's JSON output."""
        return {
            "file": self.file,
            "dataset": self.dataset,
            "rows": self.rows,
            "errors": [p.as_json() for p in self.errors],
            "warnings": [p.as_json() for p in self.warnings],
        }


def check_file(path: Path | str, *, dataset: str | Dataset | None = None, regions: RegionIndex, today: date,
               data: bytes | None = None, sha256: str | None = None) -> list[FileReport]:
    """Read and check ``path``; one report per dataset found. Raises ``UnreadableFile`` for unreadable input.

    ``dataset``: an id or a ``Dataset`` forced instead of recognising the headers. ``data`` and ``sha256``: the
    bytes and their hash when the caller has read the file already (``check_path`` reads and hashes it once).
    """
    path = Path(path)
    data = safety.read_checked(path) if data is None else data
    digest = sha256 or safety.sha256(data)
    result = read_file(path, dataset, data=data)
    groups: dict[str, list[RawTable]] = {}
    for table in result.tables:
        groups.setdefault(table.dataset.id, []).append(table)
    reports = [_check_dataset(tables, path.name, digest, regions, today) for tables in groups.values()]
    if result.problems:
        reports.append(FileReport(path.name, digest, None, 0, [p for p in result.problems if p.is_error],
                                  [p for p in result.problems if not p.is_error], None))
    return reports


# ------------------------------------------------------------------------------------------ one whole file

NO_TABLE = "no-table"


@dataclass
class CheckedFile:
    """A file after ``check_path``: its reports, or the problem that refuses the whole file."""

    name: str
    path: Path
    sha256: str | None = None
    reports: list = field(default_factory=list)  # FileReport, or districts.DistrictReport for a file per district
    problem: Problem | None = None  # unreadable, refused, missing, or no table at all; None when it was read

    @property
    def unreadable(self) -> bool:
        """The file could not be read at all (exit code 2); a file without any table could (exit code 1)."""
        return self.problem is not None and self.problem.code != NO_TABLE

    @property
    def errors(self) -> int:
        return sum(len(r.errors) for r in self.reports) + (1 if self.problem else 0)

    @property
    def warnings(self) -> int:
        return sum(len(r.warnings) for r in self.reports)

    @property
    def loadable(self) -> bool:
        """No errors and at least one recognised table with rows."""
        return (self.problem is None and not any(r.errors for r in self.reports)
                and any(r.dataset and r.rows for r in self.reports))


def check_path(path: Path | str, *, regions: RegionIndex, today: date, dataset: str | None = None,
               con: duckdb.DuckDBPyConnection | None = None, db_path: Path | str | None = None) -> CheckedFile:
    """Check one file for the command line, the loader and the upload page alike: read it once (after every
    check of ``etl.safety``) and hash it once; an unreadable, refused or missing file, or one without any table,
    becomes the file's ``problem``; a police file per police district becomes the Kreis rows it stands for
    (``etl.districts``); a table whose identical file is already loaded and in force gets ``loaded_as``.

    ``con`` (else a read connection to ``db_path``) supplies the district mapping, the population and the batches.
    """
    path = Path(path)
    try:
        data = safety.read_checked(path)
    except UnreadableFile as exc:
        return CheckedFile(path.name, path, problem=exc.as_problem())
    except OSError as exc:
        return CheckedFile(path.name, path, problem=os_problem(path, exc))
    digest = safety.sha256(data)
    if con is None:
        with store.connect(db_path) as read_con:
            return _check_read(path, data, digest, dataset, regions, today, read_con)
    return _check_read(path, data, digest, dataset, regions, today, con)


def _check_read(path: Path, data: bytes, digest: str, dataset: str | None, regions: RegionIndex, today: date,
                con: duckdb.DuckDBPyConnection) -> CheckedFile:
    try:
        reports = check_file(path, dataset=dataset, regions=regions, today=today, data=data, sha256=digest)
        if dataset in (None, districts.POLICE.id) and districts.is_district_file(reports):
            reports = _per_district(path, data, digest, reports, regions, today, con)
    except UnreadableFile as exc:
        return CheckedFile(path.name, path, digest, problem=exc.as_problem())
    checked = CheckedFile(path.name, path, digest, reports, no_table(path.name, reports))
    for report in reports:
        if report.dataset and not report.errors and report.frame is not None:
            report.loaded_as = loaded_as(con, report)
    return checked


def no_table(name: str, reports: list) -> Problem | None:
    """The refusal of a file in which no table was recognised and no other error says why."""
    if any(r.dataset for r in reports) or any(r.errors for r in reports):
        return None
    return problem(NO_TABLE, file=name)


def _per_district(path: Path, data: bytes, digest: str, reports: list, regions: RegionIndex, today: date,
                  con: duckdb.DuckDBPyConnection) -> list:
    """The reports with the police table checked again as one per police district and converted into Kreis rows;
    the other datasets of the file stay as they were."""
    again = check_file(path, dataset=districts.DISTRICT_DATASET, regions=regions, today=today, data=data,
                       sha256=digest)
    tables = [r for r in again if r.dataset == districts.DISTRICT_DATASET.id]
    if not tables:  # the first check found a district column; a second that finds none is a reader matter
        return reports
    notes = [p for r in again if r.dataset is None for p in r.errors + r.warnings]
    report = districts.convert(con, tables[0])
    report.errors[:0] = [p for p in notes if p.is_error]
    report.warnings[:0] = [p for p in notes if not p.is_error]
    return [r for r in reports if r.dataset not in (None, districts.POLICE.id)] + [report]


def loaded_as(con: duckdb.DuckDBPyConnection, report, frame: pd.DataFrame | None = None) -> int | None:
    """The batch that already holds this very table, so that loading it again changes nothing: the same file
    (SHA-256) and dataset, active, every row of it still in force — and for a police file per district the same
    Kreis rows (``frame``, else the report's), since a changed mapping or population splits it differently."""
    ds = get_dataset(report.dataset)
    row = con.execute(
        f"""SELECT b.batch_id FROM batches b
            WHERE b.kind = 'data' AND b.dataset = ? AND b.sha256 = ? AND b.status = 'active'
              AND NOT EXISTS (SELECT 1 FROM {ds.table} t
                              WHERE t.batch_id = b.batch_id AND t.superseded_by IS NOT NULL)
            ORDER BY b.batch_id DESC LIMIT 1""",
        [ds.id, report.sha256],
    ).fetchall()
    batch = row[0][0] if row else None
    if batch is not None and getattr(report, "districts", None) is not None:
        if not districts.same_as_batch(con, batch, report.frame if frame is None else frame):
            return None
    return batch


# ------------------------------------------------------------------------------------------------ tables

class _Collector:
    """Problems with a sort key (sheet, row, column position), split into errors and warnings at the end."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple, Problem]] = []

    def add(self, p: Problem, sheet_no: int, pos: int = -1) -> None:
        self.items.append(((sheet_no, p.row if p.row is not None else -1, pos), p))

    def split(self) -> tuple[list[Problem], list[Problem]]:
        ordered = [p for _, p in sorted(self.items, key=lambda item: item[0])]
        return [p for p in ordered if p.is_error], [p for p in ordered if not p.is_error]


def _check_dataset(tables: list[RawTable], file: str, digest: str, regions: RegionIndex,
                   today: date) -> FileReport:
    ds = tables[0].dataset
    out = _Collector()
    frames = []
    for no, table in enumerate(tables):
        for p in table.problems:
            out.add(p, no)
        frames.append(_check_table(table, no, regions, today, out))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    headers = _headers(ds, tables)
    _check_duplicates(ds, frame, tables, headers, out)
    if len(frame) == 0:
        out.add(problem("no-data", row=tables[0].header_row, sheet=tables[0].sheet, unit=_unit(ds)), 0)
    errors, warnings = out.split()
    quarters = sorted(frame["quarter"].dropna().unique().tolist())
    kreise = sorted(frame["ags"].dropna().unique().tolist())
    sheets = [t.sheet for t in tables if t.sheet is not None]
    return FileReport(file, digest, ds.id, len(frame), errors, warnings, frame, quarters, kreise, sheets, headers)


def _headers(ds: Dataset, tables: list[RawTable]) -> dict[str, str]:
    headers = {c.field: c.header for c in ds.columns}
    for t in reversed(tables):
        headers.update(t.headers)
    return headers


def _unit(ds: Dataset) -> Both:
    """'Einrichtung und Quartal' from 'eine Zeile je Einrichtung und Quartal' (and the English one likewise)."""
    return Both(ds.unit_de.removeprefix("eine Zeile je "), ds.unit_en.removeprefix("one row per "))


def _skip_rows(table: RawTable, no: int, regions: RegionIndex, out: _Collector) -> pd.DataFrame:
    """Drop total and footnote rows (with a warning each); the rest are data rows.

    A total row has a label such as "Summe" in a text column. A footnote row has text in the first column
    only: at the end of the table always, between data rows only if the text is not a valid value there
    (a heading such as "Regierungsbezirk Arnsberg", not a row that merely lacks its numbers).
    """
    data = table.data
    sheet = table.sheet
    for row, text in table.notes.items():
        out.add(problem("footnote-skipped", row=row, value=text, sheet=sheet), no)
    if data.empty:
        return data
    total = np.zeros(len(data), dtype=bool)
    label_field = np.full(len(data), None, dtype=object)
    for col in table.dataset.columns:
        if col.is_number or col.field not in data.columns:
            continue
        codes, uniques = pd.factorize(data[col.field].to_numpy(object))
        is_total = np.array([V.is_total_label(u) for u in uniques] + [False], dtype=bool)
        hit = is_total[codes] & ~total
        label_field[hit] = col.field
        total |= hit
    for i in np.flatnonzero(total):
        f = label_field[i]
        out.add(problem("total-row-skipped", row=int(data.index[i]), column=table.headers[f],
                        value=V.as_text(data[f].iat[i]), sheet=sheet), no)

    first = data.columns[0]
    count = data.notna().sum(axis=1).to_numpy()
    first_vals = data[first].to_numpy(object)
    formula_rows = {r for r, _ in table.formula_without_value}
    lonely = ((count == 1) & np.array([isinstance(v, str) for v in first_vals], dtype=bool)
              & ~data.index.isin(formula_rows) & ~total)
    footnote = np.zeros(len(data), dtype=bool)
    if lonely.any():
        rest = lonely | total
        trailing = len(rest) - int(np.argmin(rest[::-1])) if not rest.all() else 0
        footnote[trailing:] = True
        parse = _parser(table.dataset.column(first), regions, table.dataset)
        for i in np.flatnonzero(lonely[:trailing]):
            if parse(first_vals[i]).value is None:
                footnote[i] = True
        footnote &= lonely
    for i in np.flatnonzero(footnote):
        out.add(problem("footnote-skipped", row=int(data.index[i]), column=table.headers[first],
                        value=V.as_text(first_vals[i]), sheet=sheet), no)
    return data[~(footnote | total)]


def _parser(col: Column, regions: RegionIndex, ds: Dataset) -> Callable[[object], V.Parsed]:
    if col.kind == QUARTER:
        return V.parse_quarter
    if col.kind == AGS:
        per_kreis = not ds.per_facility
        return lambda v: V.parse_region(v, regions, per_kreis=per_kreis)
    if col.kind == COUNT:
        return V.parse_count
    if col.kind == DECIMAL:
        return V.parse_decimal
    if col.kind == CATEGORY:
        return lambda v: V.parse_choice(v, col.choices)
    if col.kind == ID:
        return V.parse_id
    raise ValueError(col.kind)


def _check_table(table: RawTable, no: int, regions: RegionIndex, today: date, out: _Collector) -> pd.DataFrame:
    ds = table.dataset
    sheet = table.sheet
    data = _skip_rows(table, no, regions, out)
    rows = data.index.to_numpy()
    frame = pd.DataFrame(index=range(len(data)))
    formulas: dict[str, set[int]] = {}
    for r, f in table.formula_without_value:
        formulas.setdefault(f, set()).add(r)

    for pos, col in enumerate(ds.columns):
        header = table.headers.get(col.field, col.header)
        if col.field not in data.columns:
            frame[col.field] = pd.array([pd.NA] * len(data), dtype=_DTYPES[col.kind])
            continue
        raw = data[col.field].to_numpy(object)
        codes, uniques = pd.factorize(raw)
        cleaned, removed = _without_invisible(uniques)
        parsed = _parse_uniques(col, cleaned, regions, ds) + [None]
        status = np.array([0 if p is None else (2 if p.code else 1) for p in parsed], dtype=np.int8)[codes]
        formula_rows = formulas.get(col.field, set())
        for i in np.flatnonzero(status != 1):
            row = int(rows[i])
            if row in formula_rows:
                out.add(problem("formula-without-value", row=row, column=header, sheet=sheet), no, pos)
                continue
            p = parsed[codes[i]]
            if p is None:
                if col.required:
                    raw_text = V.as_text(raw[i]) if raw[i] is not None else None
                    found = Msg(N_(" („{raw}“ gilt als keine Angabe)"), raw=raw_text) if raw_text else ""
                    out.add(problem("missing-value", row=row, column=header, value=raw_text, sheet=sheet,
                                    found=found, expected=_expected(col)), no, pos)
                continue
            out.add(problem(p.code, row=row, column=header, value=V.as_text(raw[i]), sheet=sheet, **(p.params or {})),
                    no, pos)
        if any(removed):
            hidden = np.array([bool(r) for r in removed] + [False], dtype=bool)[codes]
            for i in np.flatnonzero(hidden):
                k = codes[i]
                out.add(problem("invisible-characters", row=int(rows[i]), column=header, value=V.as_text(raw[i]),
                                sheet=sheet, chars=", ".join(removed[k]), clean=V.as_text(cleaned[k])), no, pos)
        frame[col.field] = _typed(col, parsed, codes)
    frame["source_sheet"] = pd.array([sheet] * len(data), dtype="string")
    frame["source_row"] = pd.array(rows.astype("int64"), dtype="Int64")

    headers = _headers(ds, [table])
    _check_quarters(frame, data, table, headers, today, no, out)
    _check_region_validity(frame, table, headers, regions, no, out)
    _check_rules(ds, frame, table, headers, no, out)
    return frame


def _typed(col: Column, parsed: list[V.Parsed | None], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The column's canonical values broadcast from the distinct values (``parsed``) to the rows (``codes``)."""
    ok = np.array([p is not None and p.value is not None for p in parsed], dtype=bool)
    if col.is_number:
        # build values and mask directly: much faster than pd.array() over Python objects
        kind = np.int64 if col.kind == COUNT else np.float64
        nums = np.array([p.value if m else 0 for p, m in zip(parsed, ok)], dtype=kind)
        mask = ~ok[codes]
        cls = pd.arrays.IntegerArray if col.kind == COUNT else pd.arrays.FloatingArray
        return cls(nums[codes], mask)
    distinct = pd.array([p.value if m else None for p, m in zip(parsed, ok)], dtype=_DTYPES[col.kind])
    return distinct.take(np.where(codes < 0, len(parsed) - 1, codes))


def _without_invisible(uniques) -> tuple[list, list[list[str]]]:
    """The distinct values with invisible characters removed from text, and per value the characters removed."""
    cleaned, removed = [], []
    for u in uniques:
        if type(u) is str:
            text, gone = V.strip_invisible(u)
            cleaned.append(text.strip() if gone else text)
            removed.append(gone)
        else:
            cleaned.append(u)
            removed.append([])
    return cleaned, removed


def _parse_uniques(col: Column, uniques, regions: RegionIndex, ds: Dataset) -> list[V.Parsed | None]:
    """One ``Parsed`` per distinct value (None for a missing value); an Excel error value is an error."""
    expected = _expected(col)
    errors = {u: V.excel_error(u) for u in uniques if type(u) is str and u.startswith(("#", "E", "e", "F", "f"))}

    def excel(u) -> V.Parsed:
        return V.Parsed(code="excel-error", params={"meaning": Msg(errors[u]), "expected": expected})

    if col.kind == ID:
        # IDs are mostly distinct: skip the generic parser for plain short ASCII text
        return [None if V.is_missing(u) else excel(u) if errors.get(u) else
                V.Parsed(" ".join(u.split())) if type(u) is str and u.isascii() and len(u) <= V.MAX_ID_LENGTH
                else V.parse_id(u) for u in uniques]
    parse = _parser(col, regions, ds)
    return [None if V.is_missing(u) else excel(u) if errors.get(u) else parse(u) for u in uniques]


def _expected(col: Column) -> Msg:
    if col.kind == CATEGORY:
        return Msg(N_("einer der Werte {choices}."), choices=", ".join(f"„{c}“" for c in col.choices))
    return Msg(_EXPECTED[col.kind])


def _check_quarters(frame: pd.DataFrame, data: pd.DataFrame, table: RawTable, headers: dict[str, str],
                    today: date, no: int, out: _Collector) -> None:
    if "quarter" not in data.columns:
        return
    header = headers["quarter"]
    quarters = frame["quarter"]
    q_arr = quarters.to_numpy(dtype=object, na_value=None)
    raw = data["quarter"].to_numpy(object)
    rows = frame["source_row"].to_numpy(dtype="int64")
    for text in quarters.dropna().unique():
        q = Quarter.parse(text)
        idx = np.flatnonzero(q_arr == text)
        if q.year < MIN_YEAR or q.start > today:
            for i in idx:
                if q.year < MIN_YEAR:
                    p = problem("quarter-too-early", row=int(rows[i]), column=header, value=V.as_text(raw[i]),
                                sheet=table.sheet, quarter=text)
                else:
                    p = problem("future-quarter", row=int(rows[i]), column=header, value=V.as_text(raw[i]),
                                sheet=table.sheet, quarter=text, start=q.start)
                out.add(p, no, 0)
            quarters = quarters.mask(quarters == text)
        elif q.end >= today:
            out.add(problem("quarter-not-ended", row=int(rows[idx[0]]), column=header, value=V.as_text(raw[idx[0]]),
                            sheet=table.sheet, quarter=text, end=q.end, rows=Num(len(idx))), no, 0)
    frame["quarter"] = quarters


def _check_region_validity(frame: pd.DataFrame, table: RawTable, headers: dict[str, str],
                           regions: RegionIndex, no: int, out: _Collector) -> None:
    codes, uniques = pd.factorize(frame["ags"] + "|" + frame["quarter"])
    if not len(uniques):
        return
    bounds = {q: (Quarter.parse(q).start, Quarter.parse(q).end) for q in frame["quarter"].dropna().unique()}
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for k, key in enumerate(uniques):
        ags, quarter = key.split("|")
        region = regions.get(ags)
        bad[k] = region is not None and not region.overlaps(*bounds[quarter])
    if not bad.any():
        return
    rows = frame["source_row"].to_numpy(dtype="int64")
    for i in np.flatnonzero(bad[codes]):
        ags, quarter = uniques[codes[i]].split("|")
        out.add(_validity_problem(regions, ags, quarter, row=int(rows[i]), column=headers["ags"], sheet=table.sheet),
                no, 1)


def _validity_problem(regions: RegionIndex, ags: str, quarter: str, **where) -> Problem:
    """Why a Kreis cannot report for a quarter: not yet formed (naming the Kreis its territory belonged to),
    ceased (naming its successor), or, without a known change, its validity dates."""
    region = regions.get(ags)
    q = Quarter.parse(quarter)
    if region.valid_from is not None and q.end < region.valid_from:
        origin = regions.origin_of(ags)
        before = regions.get(origin.from_ags) if origin else None
        if before is not None:
            return problem("region-not-yet-valid", value=ags, ags=ags, name=region.name, quarter=quarter,
                           start=region.valid_from, origin_ags=before.ags, origin=before.name,
                           **where)
    if region.valid_to is not None and q.start > region.valid_to:
        change = regions.successor_of(ags)
        after = regions.get(change.to_ags) if change else None
        if after is not None:
            return problem("region-dissolved", value=ags, ags=ags, name=region.name, quarter=quarter,
                           end=change.change_date, successor_ags=after.ags, successor=after.name,
                           **where)
    validity = validity_text(region.valid_from, region.valid_to)
    return problem("region-not-valid", value=ags, ags=ags, name=region.name, quarter=quarter, validity=validity,
                   **where)


def _quarter_days(frame: pd.DataFrame) -> pd.Series:
    days = {q: Quarter.parse(q).days for q in frame["quarter"].dropna().unique()}
    return frame["quarter"].map(days).astype("Int64")


def _rows_where(mask: pd.Series) -> np.ndarray:
    return np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))


def _ints(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=object, na_value=None)


def _check_rules(ds: Dataset, frame: pd.DataFrame, table: RawTable, headers: dict[str, str], no: int,
                 out: _Collector) -> None:
    if frame.empty:
        return
    sheet = table.sheet
    qdays = _quarter_days(frame)
    qd_arr = _ints(qdays)
    rows = frame["source_row"].to_numpy(dtype="int64")
    pos = {f: i for i, f in enumerate(ds.fields)}

    for days_f, places_f in ds.capacity_checks:
        days, places = frame[days_f], frame[places_f]
        cap = places * qdays
        impossible = (days > cap * IMPOSSIBLE_OCCUPANCY) | ((places == 0) & (days > 0))
        over = (days > cap) & ~impossible
        d_arr, p_arr, c_arr = _ints(days), _ints(places), _ints(cap)
        for i in _rows_where(impossible):
            d, p, c = d_arr[i], p_arr[i], c_arr[i]
            pct_text = Msg(N_(" (keine Plätze)")) if p == 0 else Msg(N_(" (Belegung {pct} %)"), pct=_pct(d, c))
            out.add(problem("impossible-occupancy", row=int(rows[i]), column=headers[days_f], value=str(d),
                            sheet=sheet, days=Num(d), places=Num(p), quarter_days=qd_arr[i], pct_text=pct_text,
                            limit=Num(c * IMPOSSIBLE_OCCUPANCY)), no, pos[days_f])
        for i in _rows_where(over):
            d, p, c = d_arr[i], p_arr[i], c_arr[i]
            out.add(problem("over-occupancy", row=int(rows[i]), column=headers[days_f], value=str(d),
                            sheet=sheet, days=Num(d), places=Num(p), quarter_days=qd_arr[i], pct=_pct(d, c)),
                    no, pos[days_f])

    q_arr = frame["quarter"].to_numpy(dtype=object, na_value=None)
    for f in ds.day_counts:
        v_arr = _ints(frame[f])
        for i in _rows_where(frame[f] > qdays):
            out.add(problem("too-many-days", row=int(rows[i]), column=headers[f], value=str(v_arr[i]),
                            sheet=sheet, quarter=q_arr[i], quarter_days=qd_arr[i]), no, pos[f])

    for col in ds.columns:
        if not (col.part_of or col.at_most):
            continue
        v_arr = _ints(frame[col.field])
        if col.part_of:
            total = frame[col.part_of]
            t_arr = _ints(total)
            for i in _rows_where(frame[col.field] > total):
                out.add(problem("part-exceeds-total", row=int(rows[i]), column=headers[col.field],
                                value=str(v_arr[i]), sheet=sheet, total_header=headers[col.part_of],
                                total=Num(t_arr[i])), no, pos[col.field])
        if col.at_most:
            total = sum((frame[f] for f in col.at_most[1:]), frame[col.at_most[0]])
            t_arr = _ints(total)
            quoted = [f"„{headers[f]}“" for f in col.at_most]
            parts = Msg(N_("{items} und {last}"), items=", ".join(quoted[:-1]), last=quoted[-1]) if len(quoted) > 1 \
                else quoted[0]
            for i in _rows_where(frame[col.field] > total):
                out.add(problem("exceeds-sum", row=int(rows[i]), column=headers[col.field], value=str(v_arr[i]),
                                sheet=sheet, parts=parts, total=Num(t_arr[i])), no, pos[col.field])


def _pct(days: int, cap: int) -> Num | str:
    """Occupancy with one decimal where it matters: 110, 200,1."""
    return Num(days / cap * 100, 1, trim=True) if cap else "∞"



def _check_duplicates(ds: Dataset, frame: pd.DataFrame, tables: list[RawTable], headers: dict[str, str],
                      out: _Collector) -> None:
    keys = list(ds.key)
    complete = frame[keys].notna().all(axis=1)
    dup = frame.duplicated(keys, keep=False) & complete
    if not dup.any():
        return
    sheet_no = {t.sheet: i for i, t in enumerate(tables)}
    several_sheets = len(tables) > 1
    first_seen: dict[tuple, int] = {}
    for i in np.flatnonzero(dup.to_numpy()):
        key = tuple(frame[k].iat[i] for k in keys)
        if key not in first_seen:
            first_seen[key] = i
            continue
        j = first_seen[key]
        other = Msg(N_("Zeile {row}"), row=int(frame["source_row"].iat[j]))
        if several_sheets and frame["source_sheet"].iat[j] != frame["source_sheet"].iat[i]:
            other = Msg(N_("Blatt „{sheet}“, Zeile {row}"), sheet=frame["source_sheet"].iat[j],
                        row=int(frame["source_row"].iat[j]))
        label = ", ".join(f"{headers[k]} {v}" for k, v in zip(keys, key))
        sheet = frame["source_sheet"].iat[i]
        sheet = None if pd.isna(sheet) else sheet
        out.add(problem("duplicate-key", row=int(frame["source_row"].iat[i]), value=" / ".join(key), sheet=sheet,
                        key=label, other=other, unit=_unit(ds)),
                sheet_no.get(sheet, 0))
