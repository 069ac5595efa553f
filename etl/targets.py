"""A Land's own targets ("Soll"), loaded as a batch next to the convention targets shipped with the monitor.

The file (CSV or Excel) has the columns of ``data/reference/targets.csv``. Every row is checked (known
indicator, denominator, positive numbers, a source, a known Land) and the whole file is loaded in one
transaction as a batch of kind ``targets``; undoing the batch takes its targets out of ``targets_current``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
from python_calamine import CalamineWorkbook

from monitor import config, store
from monitor.regions import RegionIndex

from .population import decode_text, insert_batch
from .problems import N_, Msg, Num, Problem, problem, rejected_message
from .values import as_text, is_missing, parse_count, parse_decimal

LOADED, REJECTED = "loaded", "rejected"

COLUMNS = ("target_id", "indicator", "variant", "denominator", "per_population", "value", "factor", "unit_de",
           "unit_en", "label_de", "label_en", "source", "valid_from", "land_ags")
REQUIRED = ("target_id", "indicator", "denominator", "per_population", "value", "label_de", "source", "valid_from",
            "land_ags")
DENOMINATORS = {"population_total": "Einwohner:innen insgesamt", "population_female": "Frauen"}
_TARGET_ID = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def known_indicators() -> tuple[str, ...]:
    """The indicator ids a target may refer to: those of the shipped targets.csv."""
    with open(config.REFERENCE_DIR / "targets.csv", encoding="utf-8", newline="") as fh:
        return tuple(dict.fromkeys(r["indicator"] for r in csv.DictReader(fh)))


def load_targets(path: Path | str, *, user: str, db_path: Path | str | None = None) -> dict:
    """Read, check and load a Land's targets in one transaction; returns what happened as a dict.

    The dict has ``status`` (``loaded`` or ``rejected``), ``message`` (a ``Msg``), ``batch_id``, ``targets``
    (number of rows), ``laender``, ``errors`` and ``warnings`` (lists of Problem).
    """
    path = Path(path)
    errors: list[Problem] = []
    try:
        records, sheet = read_rows(path)
    except FormatError as exc:
        return _result(path, REJECTED, None, pd.DataFrame(columns=COLUMNS), [exc.problem])
    with store.connect(db_path, write=True) as con:
        regions = RegionIndex.from_db(con)
        frame, errors = check_targets(records, regions, con)
        if errors:
            return _result(path, REJECTED, None, frame, errors)
        batch_id = _insert(con, frame, path, sheet, user)
    return _result(path, LOADED, batch_id, frame, [])


def check_targets(records: list[tuple[int, dict]], regions: RegionIndex,
                  con: duckdb.DuckDBPyConnection | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed target rows and the problems found; ``records`` are (row number, {column: cell}) pairs."""
    indicators = known_indicators()
    errors: list[Problem] = []
    rows: list[dict] = []
    if not records:
        errors.append(problem("targets-empty"))
    seen: dict[str, int] = {}
    for line, rec in records:
        bad = _check_row(line, rec, indicators, regions, errors)
        target_id = rec["target_id"]
        if target_id in seen:
            errors.append(_err("targets-duplicate-id", line, "target_id", target_id, first=seen[target_id]))
        seen.setdefault(target_id, line)
        if bad is not None:
            rows.append(bad)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if con is not None and not errors:
        existing = {r[0]: r[1] for r in con.execute(
            "SELECT target_id, coalesce(CAST(batch_id AS VARCHAR), 'mitgeliefert') FROM targets_current"
        ).fetchall()}
        for line, rec in records:
            where = existing.get(rec["target_id"])
            if where is not None:
                origin = (Msg(N_("bei den mitgelieferten Zielwerten")) if where == "mitgeliefert" else
                          Msg(N_("in Batch {batch}"), batch=where))
                errors.append(_err("targets-id-exists", line, "target_id", rec["target_id"], origin=origin))
    return frame, errors


def _check_row(line: int, rec: dict, indicators: tuple[str, ...], regions: RegionIndex,
               errors: list[Problem]) -> dict | None:
    """The typed row, or None when a value is wrong (the problem is appended to ``errors``)."""
    before = len(errors)
    for col in REQUIRED:
        if is_missing(rec.get(col)):
            errors.append(_err("targets-missing-value", line, col, "", expected=Msg(_EXPECTED[col])))
    out = {c: (None if is_missing(rec.get(c)) else as_text(rec.get(c))) for c in COLUMNS}
    if out["target_id"] is not None and not _TARGET_ID.match(out["target_id"]):
        errors.append(_err("targets-bad-id", line, "target_id", out["target_id"], expected=Msg(_EXPECTED["target_id"])))
    if out["indicator"] is not None and out["indicator"] not in indicators:
        errors.append(_err("targets-unknown-indicator", line, "indicator", out["indicator"],
                           indicators=", ".join(indicators)))
    if out["denominator"] is not None and out["denominator"] not in DENOMINATORS:
        errors.append(_err("targets-unknown-denominator", line, "denominator", out["denominator"],
                           expected=Msg(_EXPECTED["denominator"])))
    if out["per_population"] is not None:
        per = parse_count(rec["per_population"])
        if per.code or per.value <= 0:
            errors.append(_err("targets-bad-number", line, "per_population", rec["per_population"],
                               expected=Msg(_EXPECTED["per_population"])))
        out["per_population"] = per.value
    if out["factor"] is None:
        out["factor"] = 1.0  # no factor: the value counts as it is
    else:
        out["factor"] = _positive(line, "factor", rec["factor"], errors)
    if out["value"] is not None:
        out["value"] = _positive(line, "value", rec["value"], errors)
    if out["valid_from"] is not None:
        out["valid_from"] = _date(rec["valid_from"])
        if out["valid_from"] is None:
            errors.append(_err("targets-bad-date", line, "valid_from", rec["valid_from"],
                               expected=Msg(_EXPECTED["valid_from"])))
    if out["land_ags"] is not None:
        land = _land(rec["land_ags"])
        region = regions.get(land) if land else None
        if region is None or region.level != "land":
            errors.append(_err("targets-unknown-land", line, "land_ags", rec["land_ags"],
                               expected=Msg(_EXPECTED["land_ags"])))
        out["land_ags"] = land
    return out if len(errors) == before else None


def _positive(line: int, column: str, value: object, errors: list[Problem]) -> float | None:
    num = parse_decimal(value)
    if num.code or num.value <= 0:
        errors.append(_err("targets-bad-number", line, column, value, expected=Msg(_EXPECTED[column])))
        return None
    return num.value


_EXPECTED = {  # column → what is expected there (German, marked for the catalogue)
    "target_id": N_("eine eindeutige Kennung aus Buchstaben, Ziffern, _ - . (höchstens 60 Zeichen), "
                    "z. B. bw_plaetze_frauen."),
    "indicator": N_("die Kennung des Indikators, z. B. shelter_places."),
    "denominator": N_("population_total oder population_female."),
    "per_population": N_("eine ganze Zahl > 0, z. B. 10000 (je 10.000 Einwohner:innen)."),
    "value": N_("eine Zahl > 0, z. B. 1."),
    "factor": N_("eine Zahl > 0, z. B. 2,5 (leer: 1)."),
    "label_de": N_("eine Beschreibung des Zielwerts, z. B. „1 Platz je 10.000 Frauen“."),
    "source": N_("die Quelle des Zielwerts (Beschluss, Landesaktionsplan …)."),
    "valid_from": N_("ein Datum, z. B. 2025-01-01 oder 01.01.2025."),
    "land_ags": N_("der zweistellige Landesschlüssel, z. B. 08 für Baden-Württemberg."),
}


def _err(code: str, line: int, column: str, value: object, **params) -> Problem:
    """A problem of a row's cell: the file's row, the column as written in targets.csv, the cell's value."""
    return problem(code, row=line, column=column, value=as_text(value) or None, **params)


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value if not hasattr(value, "date") else value.date()
    text = as_text(value)
    m = _DATE_DE.match(text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


def _land(value: object) -> str | None:
    text = as_text(value)
    return text.zfill(2) if re.fullmatch(r"\d{1,2}", text) else None


class FormatError(Exception):
    """Not a targets table; ``problem`` (a registered code) says what is expected."""

    def __init__(self, code: str, **params):
        self.problem = problem(code, **params)
        super().__init__(self.problem.message)


def read_rows(path: Path) -> tuple[list[tuple[int, dict]], str | None]:
    """(Excel/CSV row number, {column: cell}) for every non-empty row below the header, and the sheet name."""
    if path.suffix.lower() in (".csv", ".txt"):
        text = decode_text(path.read_bytes())
        first = text.splitlines()[0] if text.strip() else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            tables = {None: list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))}
        except csv.Error as exc:
            raise FormatError("targets-unreadable", file=path.name, detail=str(exc)) from exc
    else:
        try:
            wb = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types for every kind of unreadable file
            raise FormatError("targets-unreadable", file=path.name, detail=str(exc)) from exc
        tables = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
    for sheet, rows in tables.items():
        for i, row in enumerate(rows[:20]):
            header = [str(c).strip().lower() for c in row]
            if "target_id" not in header:
                continue
            missing = [c for c in COLUMNS if c not in header and c not in ("variant", "factor", "unit_de", "unit_en",
                                                                             "label_en")]
            if missing:
                raise FormatError("targets-missing-columns", file=path.name, columns=", ".join(missing))
            index = {c: header.index(c) for c in COLUMNS if c in header}
            records = []
            for n, data in enumerate(rows[i + 1:], start=i + 2):
                rec = {c: (data[j] if j < len(data) else None) for c, j in index.items()}
                if all(is_missing(v) or (isinstance(v, str) and not v.strip()) for v in rec.values()):
                    continue
                rec = {c: (v.strip() if isinstance(v, str) else v) for c, v in rec.items()}
                rec["target_id"] = as_text(rec["target_id"])
                records.append((n, rec))
            return records, sheet
    raise FormatError("targets-no-header", file=path.name, columns=", ".join(COLUMNS))


def _insert(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, path: Path, sheet: str | None, user: str) -> int:
    laender = sorted(frame["land_ags"].unique().tolist())
    note = "Zielwerte " + ", ".join(frame["target_id"])
    con.execute("BEGIN TRANSACTION")
    try:
        batch_id = insert_batch(con, kind="targets", path=path, sheet=sheet, rows=len(frame), user=user,
                                note=note, regions=laender)
        con.executemany(
            f"INSERT INTO targets ({', '.join(COLUMNS)}, batch_id) VALUES ({', '.join('?' * len(COLUMNS))}, ?)",
            [[r[c] for c in COLUMNS] + [batch_id] for r in frame.to_dict("records")],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return batch_id


def _result(path: Path, status: str, batch_id: int | None, frame: pd.DataFrame, errors: list[Problem]) -> dict:
    laender = sorted(frame["land_ags"].dropna().unique().tolist()) if len(frame) else []
    if status == LOADED:
        what = N_("{n} Zielwert für Land {laender} als Batch {batch} geladen.") if len(frame) == 1 else \
            N_("{n} Zielwerte für Land {laender} als Batch {batch} geladen.")
        message = Msg(what, n=Num(len(frame)), laender=", ".join(laender), batch=batch_id)
    else:
        message = rejected_message(path.name, len(errors))
    return {"status": status, "message": message, "file": path.name, "batch_id": batch_id,
            "targets": len(frame) if status == LOADED else 0, "laender": laender, "errors": errors, "warnings": []}
