"""Loading checked files into the store: batches, replace, undo and the history.

Each file is loaded in one transaction: every table of the file (one ``FileReport`` per dataset found)
becomes one batch, and either all of its batches and rows are in the store afterwards or none of them.
Keys already in force are refused unless the caller replaces them; replaced rows are kept with
``superseded_by`` set, so that undo can bring them back. Undo and the history work on every kind of batch
(data, population, targets, regions), because every ``*_current`` view filters on ``batches.status`` (and the
region list in force is rebuilt from the active batches).

A police file per police district (``etl.districts``) is one batch as well: its district rows and the Kreis rows
apportioned from them are written, replaced and undone together.

The functions taking ``con`` manage their own transaction on that connection; open it with
``store.connect(write=True)``. ``load_files`` opens and closes connections itself so that the database is
locked only while rows are written, not while a large file is read and checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import duckdb
import pandas as pd

from monitor import config, store
from monitor.datasets import DATASETS, Dataset
from monitor.datasets import get as get_dataset
from monitor.i18n import translate
from monitor.regions import RegionIndex

from .problems import N_, Both, Msg, Num, Problem, Refusal, problem, units
from .validate import NO_TABLE as NO_TABLE  # the file-level refusal, decided by etl.validate
from .validate import check_path, loaded_as, no_table

LOADED, UNCHANGED, REJECTED = "loaded", "unchanged", "rejected"

# Load-time problem codes (registered with their templates in etl/problems.py).
KEY_ALREADY_LOADED = "key-already-loaded"
FILE_ALREADY_LOADED = "file-already-loaded"
NO_DATA = "no-data"  # same code as the validator's empty-table error

# What a batch holds, as the history and the pickers name it (German message ids)
BATCH_KINDS = {"data": N_("Daten"), "population": N_("Bevölkerung"), "targets": N_("Zielwerte"),
               "boundaries": N_("Grenzen"), "regions": N_("Regionen"), "annotations": N_("Anmerkungen"),
               "districts": N_("Polizeibezirke")}


def batch_kind(kind: str, language: str = "de") -> str:
    """A batch kind's name in ``language`` (an unknown kind as stored)."""
    return translate(BATCH_KINDS[kind], language) if kind in BATCH_KINDS else kind


_INCOMING = "_incoming_rows"  # name under which a frame is registered while it is loaded


class UndoRefused(Refusal):
    """An undo that would not restore a consistent state; the message says what to do instead (any language:
    ``exc.text(language)``, German as ``str(exc)``)."""


@dataclass
class TableLoad:
    """The load of one table of a file (one FileReport), which becomes one batch."""

    report: Any  # etl.validate.FileReport
    status: str = REJECTED
    batch_id: int | None = None
    replaced_rows: int = 0
    errors: list[Problem] = field(default_factory=list)  # load-time refusals, on top of the report's errors
    warnings: list[Problem] = field(default_factory=list)

    @property
    def dataset(self) -> str | None:
        return self.report.dataset

    @property
    def rows(self) -> int:
        return self.report.rows

    @property
    def all_errors(self) -> list[Problem]:
        return list(self.report.errors) + self.errors

    @property
    def all_warnings(self) -> list[Problem]:
        return list(self.report.warnings) + self.warnings

    def as_json(self) -> dict:
        """The report's JSON plus status, batch ids, replaced rows and the load-time problems."""
        out = self.report.as_json()
        out["errors"] = [p.as_json() for p in self.all_errors]
        out["warnings"] = [p.as_json() for p in self.all_warnings]
        out["status"] = self.status
        out["batch_ids"] = [self.batch_id] if self.batch_id is not None else []
        out["replaced_rows"] = self.replaced_rows
        return out


@dataclass
class FileOutcome:
    """What happened to one file: ``loaded``, ``unchanged`` (identical file already loaded) or ``rejected``."""

    file: str
    status: str
    tables: list[TableLoad] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # file-level: unreadable, nothing found
    unreadable: bool = False

    @property
    def batch_ids(self) -> list[int]:
        return [t.batch_id for t in self.tables if t.status == LOADED and t.batch_id is not None]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables if t.status == LOADED)

    @property
    def replaced_rows(self) -> int:
        return sum(t.replaced_rows for t in self.tables)

    def as_json(self) -> list[dict]:
        """One entry per table of the file, in the shape of the check report (plus status and batch ids)."""
        entries = [t.as_json() for t in self.tables]
        if self.errors or not entries:
            entries.append({
                "file": self.file, "dataset": None, "rows": 0,
                "errors": [p.as_json() for p in self.errors], "warnings": [],
                "status": self.status, "batch_ids": [], "replaced_rows": 0,
            })
        return entries

    @classmethod
    def unreadable_file(cls, file: str | Path, problem: Problem) -> "FileOutcome":
        """A file that could not be read at all (not a spreadsheet, corrupt, missing); ``problem`` says why."""
        return cls(str(file), REJECTED, errors=[problem], unreadable=True)


@dataclass
class LoadOutcome:
    """The outcome of loading one or more files."""

    files: list[FileOutcome]

    @property
    def batch_ids(self) -> list[int]:
        return [b for f in self.files for b in f.batch_ids]

    @property
    def ok(self) -> bool:
        """No file was rejected."""
        return all(f.status != REJECTED for f in self.files)

    @property
    def exit_code(self) -> int:
        """0: all loaded or unchanged; 1: a file was refused; 2: a file could not be read."""
        if any(f.unreadable for f in self.files):
            return 2
        return 0 if self.ok else 1

    def as_json(self) -> dict:
        return {"files": [entry for f in self.files for entry in f.as_json()]}


@dataclass(frozen=True)
class UndoOutcome:
    """A batch that was undone: rows taken out of force and rows of earlier batches restored."""

    batch_id: int
    kind: str
    dataset: str | None
    file_name: str
    removed_rows: int
    restored_rows: int

    @property
    def message(self) -> Msg:
        """What the undo did (a ``Msg``: German as a string, ``.text(language)`` in any language)."""
        if self.restored_rows:
            return Msg(N_("Batch {batch} („{file}“) rückgängig gemacht: {removed} Zeilen entfernt, {restored} ersetzte "
                          "Zeilen wiederhergestellt."), batch=self.batch_id, file=self.file_name,
                       removed=Num(self.removed_rows), restored=Num(self.restored_rows))
        return Msg(N_("Batch {batch} („{file}“) rückgängig gemacht: {removed} Zeilen entfernt."), batch=self.batch_id,
                   file=self.file_name, removed=Num(self.removed_rows))

    def as_json(self) -> dict:
        return {
            "batch_id": self.batch_id, "kind": self.kind, "dataset": self.dataset, "file": self.file_name,
            "removed_rows": self.removed_rows, "restored_rows": self.restored_rows, "message": self.message,
        }


@dataclass(frozen=True)
class BatchInfo:
    """One row of the load history."""

    batch_id: int
    kind: str
    dataset: str | None
    file_name: str
    sheet: str | None
    sha256: str
    rows: int
    quarters: list[str]
    regions: list[str]
    user_name: str
    loaded_at: datetime
    status: str
    replaced_rows: int
    is_demo: bool
    undone_at: datetime | None
    undone_by: str | None
    note: str | None

    def as_json(self) -> dict:
        return {
            "batch_id": self.batch_id, "kind": self.kind, "dataset": self.dataset, "file": self.file_name,
            "sheet": self.sheet, "sha256": self.sha256, "rows": self.rows, "quarters": self.quarters,
            "regions": self.regions, "user": self.user_name, "loaded_at": _iso(self.loaded_at),
            "status": self.status, "replaced_rows": self.replaced_rows, "is_demo": self.is_demo,
            "undone_at": _iso(self.undone_at), "undone_by": self.undone_by, "note": self.note,
        }


def load_files(
    paths: Iterable[str | Path],
    *,
    user: str,
    dataset: str | None = None,
    replace: bool = False,
    is_demo: bool = False,
    db_path: Path | str | None = None,
    today: date | None = None,
) -> LoadOutcome:
    """Check each file (``etl.validate.check_path``) and load those without errors, one transaction per file.

    The database is locked only while a file's rows are written; reading and checking happen before.
    """
    with store.connect(db_path) as con:
        regions = RegionIndex.from_db(con)
    today = today or config.today()
    return LoadOutcome([
        load_checked(check_path(path, regions=regions, today=today, dataset=dataset, db_path=db_path), user=user,
                     replace=replace, is_demo=is_demo, db_path=db_path)
        for path in paths
    ])


def load_checked(checked: Any, *, user: str, replace: bool = False, is_demo: bool = False,
                 db_path: Path | str | None = None,
                 refuse: Callable[[duckdb.DuckDBPyConnection], list[Problem]] | None = None) -> FileOutcome:
    """Load a file checked by ``etl.validate.check_path`` in one transaction, or say why not.

    ``refuse`` is asked on the write connection before anything is written; the problems it returns refuse the
    file (the upload page: rows replaced since the person saw the preview). Raises ``store.StoreBusy`` when
    another process holds the database too long.
    """
    file = str(checked.path)
    if checked.unreadable:
        return FileOutcome.unreadable_file(file, checked.problem)
    if checked.problem or any(r.errors for r in checked.reports):
        return load_file(None, file, checked.reports, user=user, replace=replace, is_demo=is_demo)
    with store.connect(db_path, write=True) as con:
        refusals = refuse(con) if refuse else []
        if refusals:
            return FileOutcome(file, REJECTED, [TableLoad(r) for r in checked.reports], errors=refusals)
        return load_file(con, file, checked.reports, user=user, replace=replace, is_demo=is_demo)


def load_reports(
    con: duckdb.DuckDBPyConnection,
    reports: Sequence[Any],
    *,
    user: str,
    replace: bool = False,
    is_demo: bool = False,
) -> LoadOutcome:
    """Load checked reports (of one or several files); one transaction per file, files in the given order."""
    by_file: dict[str, list[Any]] = {}
    for report in reports:
        by_file.setdefault(report.file, []).append(report)
    return LoadOutcome([
        load_file(con, file, file_reports, user=user, replace=replace, is_demo=is_demo)
        for file, file_reports in by_file.items()
    ])


def load_file(
    con: duckdb.DuckDBPyConnection | None,
    file: str,
    reports: Sequence[Any],
    *,
    user: str,
    replace: bool = False,
    is_demo: bool = False,
) -> FileOutcome:
    """Load all tables of one file in one transaction, or nothing (errors, keys in force without ``replace``).

    A table whose identical file (same sha256 and dataset) is already loaded and fully in force is left
    alone (``unchanged``). With ``replace`` the rows in force with the same keys are superseded, not deleted.
    ``con`` may be None only when a report has errors (nothing is written then).
    """
    tables = [TableLoad(r) for r in reports]
    # a report without dataset only carries problems of header rows that became no table
    loadable = [t for t in tables if t.report.dataset is not None]
    missing = no_table(Path(file).name, reports)
    if missing:
        return FileOutcome(file, REJECTED, tables, errors=[missing])
    if any(r.errors for r in reports):
        return FileOutcome(file, REJECTED, tables)
    for t in loadable:
        if t.report.frame is None or len(t.report.frame) == 0:
            ds = get_dataset(t.report.dataset)
            t.errors.append(problem(NO_DATA, unit=Both(ds.unit_de.removeprefix("eine Zeile je "),
                                                       ds.unit_en.removeprefix("one row per "))))
    if any(t.errors for t in tables):
        return FileOutcome(file, REJECTED, tables)
    if con is None:
        raise ValueError("a connection is needed to load reports without errors")

    name = Path(file).name
    con.complete()  # a result the caller left unread would make register() refuse (DuckDB 2)
    # registered outside the transaction: unregistering inside an aborted one fails
    con.register(_INCOMING, _empty_frame())
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            for t in loadable:
                _load_table(con, t, file_name=name, user=user, replace=replace, is_demo=is_demo)
            if any(t.errors for t in tables):
                con.execute("ROLLBACK")
                for t in tables:
                    t.status, t.batch_id, t.replaced_rows = REJECTED, None, 0
                return FileOutcome(file, REJECTED, tables)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.unregister(_INCOMING)
    status = LOADED if any(t.status == LOADED for t in loadable) else UNCHANGED
    for t in tables:
        if t.report.dataset is None:
            t.status = status
    return FileOutcome(file, status, tables)


def _load_table(con, t: TableLoad, *, file_name: str, user: str, replace: bool, is_demo: bool) -> None:
    from . import districts

    ds = get_dataset(t.report.dataset)
    by_district = getattr(t.report, "districts", None) is not None
    frame = t.report.frame
    if by_district:
        # split again inside the transaction, with the mapping and population in force now
        frame, problems = districts.apportion(con, t.report.districts)
        t.errors.extend(p for p in problems if p.is_error)
        if t.errors:
            return
    earlier = loaded_as(con, t.report, frame)
    if earlier is not None:
        t.status, t.batch_id = UNCHANGED, earlier
        t.warnings.append(problem(FILE_ALREADY_LOADED, batch=earlier, dataset=Both(ds.label_de, ds.label_en)))
        return
    frame = _frame_for(ds, frame)
    con.register(_INCOMING, frame)  # replaces the previous table's frame under the same name
    conflicts = _key_conflicts(con, ds)
    if conflicts and not replace:
        t.errors.extend(conflicts)
        return
    t.batch_id, t.replaced_rows = _write_table(
        con, ds, frame, file_name=file_name, sha256=t.report.sha256, user=user, is_demo=is_demo,
    )
    if by_district:
        districts.store_rows(con, t.batch_id, t.report.districts)
    t.status = LOADED


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({"placeholder": pd.array([], dtype="Int64")})


def _frame_for(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    missing = [f for f in (*ds.fields, "source_sheet", "source_row") if f not in frame.columns]
    if missing:
        raise ValueError(f"frame for {ds.id} lacks columns {missing}")
    return frame


def _key_conflicts(con, ds: Dataset) -> list[Problem]:
    """One error per quarter and earlier batch whose rows in force share keys with the incoming rows."""
    on = " AND ".join(f"c.{k} = i.{k}" for k in ds.key)
    rows = con.execute(
        f"""SELECT c.quarter, c.batch_id, b.file_name, count(*) AS n
            FROM {ds.table}_current c JOIN {_INCOMING} i ON {on} JOIN batches b ON b.batch_id = c.batch_id
            GROUP BY ALL ORDER BY c.quarter, c.batch_id"""
    ).fetchall()
    return [problem(KEY_ALREADY_LOADED, value=quarter, quarter=quarter, units=units(n, ds.per_facility), batch=batch_id,
                    file=earlier_file)
            for quarter, batch_id, earlier_file, n in rows]


def _write_table(con, ds: Dataset, frame: pd.DataFrame, *, file_name: str, sha256: str, user: str,
                 is_demo: bool) -> tuple[int, int]:
    """Insert the batch row and its data rows (one statement); supersede rows in force with the same keys."""
    batch_id = con.execute("SELECT nextval('batch_seq')").fetchall()[0][0]
    on = " AND ".join(f"t.{k} = i.{k}" for k in ds.key)
    replaced = con.execute(
        f"""UPDATE {ds.table} t SET superseded_by = ? FROM {_INCOMING} i
            WHERE {on} AND t.superseded_by IS NULL
              AND t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'active')""",
        [batch_id],
    ).fetchall()[0][0]
    # the dataset's fields, and the table's extra columns the frame carries (police.estimated for district files)
    fields = ", ".join([*ds.fields, *(c for c, _ in store.EXTRA_COLUMNS.get(ds.table, ()) if c in frame.columns)])
    con.execute(
        f"""INSERT INTO {ds.table} (batch_id, source_sheet, source_row, {fields}, superseded_by)
            SELECT ?, source_sheet, source_row, {fields}, NULL FROM {_INCOMING}""",
        [batch_id],
    )
    sheets = sorted({str(s) for s in frame["source_sheet"].dropna().unique()})
    con.execute(
        """INSERT INTO batches (batch_id, kind, dataset, file_name, sha256, sheet, rows, quarters, regions,
                                user_name, loaded_at, status, replaced_rows, is_demo)
           VALUES (?, 'data', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)""",
        [
            batch_id, ds.id, file_name, sha256, ", ".join(sheets) or None, len(frame),
            sorted(frame["quarter"].dropna().astype(str).unique().tolist()),
            sorted(frame["ags"].dropna().astype(str).unique().tolist()),
            user, datetime.now().replace(microsecond=0), replaced, is_demo,
        ],
    )
    return batch_id, replaced


def undo(con: duckdb.DuckDBPyConnection, batch_id: int, *, user: str) -> UndoOutcome:
    """Restore exactly the state before ``batch_id``: mark it undone and bring back the rows it replaced.

    Raises UndoRefused when the batch does not exist, is already undone, or a later active batch replaced
    rows of it (that one has to be undone first).
    """
    con.execute("BEGIN TRANSACTION")
    try:
        outcome = _undo(con, int(batch_id), user=user)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return outcome


def _undo(con, batch_id: int, *, user: str) -> UndoOutcome:
    found = con.execute(
        "SELECT kind, dataset, file_name, rows, status, undone_at, undone_by FROM batches WHERE batch_id = ?",
        [batch_id],
    ).fetchall()
    if not found:
        raise UndoRefused(N_("Batch {batch} gibt es nicht (siehe „python -m etl history“)."), batch=batch_id)
    kind, dataset, file_name, rows, status, undone_at, undone_by = found[0]
    if status == "undone":
        when = Msg(N_(" am {time}"), time=undone_at) if undone_at else ""
        who = Msg(N_(" von {user}"), user=undone_by) if undone_by else ""
        raise UndoRefused(N_("Batch {batch} wurde bereits{when}{who} rückgängig gemacht."), batch=batch_id, when=when,
                          who=who)
    from .districts import DISTRICT_TABLE

    tables = [*(ds.table for ds in DATASETS.values()), DISTRICT_TABLE]
    later: set[int] = set()
    for table in tables:
        later.update(r[0] for r in con.execute(
            f"""SELECT DISTINCT t.superseded_by FROM {table} t JOIN batches b ON b.batch_id = t.superseded_by
                WHERE t.batch_id = ? AND b.status = 'active'""",
            [batch_id],
        ).fetchall())
    if later:
        raise UndoRefused(N_("Batch {batch} kann nicht rückgängig gemacht werden: Batch {later} hat Zeilen daraus "
                             "ersetzt. Bitte zuerst Batch {last} rückgängig machen."),
                          batch=batch_id, later=", ".join(str(b) for b in sorted(later)), last=max(later))
    restored = 0
    for ds in DATASETS.values():
        restored += con.execute(
            f"UPDATE {ds.table} SET superseded_by = NULL WHERE superseded_by = ?", [batch_id]
        ).fetchall()[0][0]
    # district rows it replaced are in force again too (counted with their Kreis rows above)
    con.execute(f"UPDATE {DISTRICT_TABLE} SET superseded_by = NULL WHERE superseded_by = ?", [batch_id])
    con.execute(
        "UPDATE batches SET status = 'undone', undone_at = ?, undone_by = ? WHERE batch_id = ?",
        [datetime.now().replace(microsecond=0), user, batch_id],
    )
    if kind == "regions":
        # the region list in force is derived from the active batches; the caller's rollback undoes a refusal
        from .regions import check_undo

        store.rebuild_regions(con)
        reason = check_undo(con, batch_id)
        if reason:
            raise UndoRefused(reason.msgid, **reason.params)
    return UndoOutcome(batch_id, kind, dataset, file_name, rows, restored)


def history(con: duckdb.DuckDBPyConnection, *, limit: int | None = None) -> list[BatchInfo]:
    """All batches (data, population, targets …), newest first."""
    sql = """SELECT batch_id, kind, dataset, file_name, sheet, sha256, rows, quarters, regions, user_name,
                    loaded_at, status, replaced_rows, is_demo, undone_at, undone_by, note
             FROM batches ORDER BY batch_id DESC"""
    params: list = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [
        BatchInfo(*r[:7], list(r[7] or []), list(r[8] or []), *r[9:])
        for r in con.execute(sql, params).fetchall()
    ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ") if value is not None else None
