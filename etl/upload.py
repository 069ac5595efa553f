"""The core of the upload workflow (pages/upload.py and pages/admin.py only arrange what this computes).

* ``check_upload`` checks an uploaded file exactly as ``python -m etl check`` does (hostile files refused
  first by ``etl.safety``).
* ``preview_changes`` says what loading a checked table would change: per quarter a new quarter, keys
  added, or "ersetzt 2025-Q2 für 12 Einrichtungen", and per Kreis and quarter the totals before and after.
* ``load_checked`` loads through ``etl.loader.load_file`` in one transaction, but first compares what would
  be replaced with what the person confirmed in the preview: if someone else loaded or undid data for the
  same keys in between, nothing is loaded and the page asks to look again (no silent loss of data).
* ``undo_batch`` undoes any batch, and for boundaries also puts the previous map files back.
* ``problems_frame`` / ``marked_rows``: the problems with row and column, and the rows with each problem
  cell marked, for the preview table.
* Reference data (admin page): ``preview_population``, ``preview_targets``, ``stage_boundaries``,
  ``apply_boundaries``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

import duckdb
import pandas as pd

from monitor import config, store
from monitor.datasets import COUNT, DATASETS, Dataset
from monitor.datasets import get as get_dataset
from monitor.regions import RegionIndex

from . import loader, safety
from .loader import REJECTED, FileOutcome, TableLoad, UndoOutcome, UndoRefused
from .problems import Problem, os_problem, problem
from .reader import UnreadableFile, match_header

STALE_PREVIEW = "changed-since-preview"
ARCHIVE_DIR = "archiv"  # under the boundaries directory: one folder per boundaries batch
_INCOMING = "_preview_incoming"
BOUNDARIES_MAX_MB = 150  # a VG250 zip with every layer is about 70 MB


# --- checking -----------------------------------------------------------------------------------------------

@dataclass
class CheckedFile:
    """An uploaded file after checking: its reports, or why it could not be read at all."""

    name: str
    path: Path
    reports: list = field(default_factory=list)  # etl.validate.FileReport
    problem: Problem | None = None  # why the whole file is refused (unreadable, unsafe, no table), else None

    @property
    def unreadable(self) -> str | None:
        return self.problem.message if self.problem else None

    @property
    def code(self) -> str | None:
        return self.problem.code if self.problem else None

    @property
    def errors(self) -> int:
        return sum(len(r.errors) for r in self.reports) + (1 if self.unreadable else 0)

    @property
    def warnings(self) -> int:
        return sum(len(r.warnings) for r in self.reports)

    @property
    def loadable(self) -> bool:
        """No errors and at least one recognised table with rows."""
        return (self.unreadable is None and not any(r.errors for r in self.reports)
                and any(r.dataset and r.rows for r in self.reports))


def check_upload(path: Path | str, *, regions: RegionIndex, today: date | None = None,
                 dataset: str | None = None) -> CheckedFile:
    """Check a file as the CLI does; unreadable and refused files come back with a German message."""
    from .validate import check_file

    path = Path(path)
    try:
        reports = check_file(path, dataset=dataset, regions=regions, today=today or config.today())
    except UnreadableFile as exc:
        return CheckedFile(path.name, path, problem=exc.as_problem())
    except OSError as exc:
        return CheckedFile(path.name, path, problem=os_problem(path, exc))
    checked = CheckedFile(path.name, path, reports)
    if not any(r.dataset for r in reports) and not any(r.errors for r in reports):
        checked.problem = problem(loader.NO_TABLE, file=path.name)
    return checked


# --- what will change ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuarterChange:
    """What a file does to one quarter of one dataset."""

    quarter: str
    incoming: int  # keys (facilities or Kreise) in the file
    replaced: int  # of those, keys already in force
    in_force_before: int  # keys in force for the quarter before the load
    batches: tuple[tuple[int, str], ...]  # (batch id, file name) whose rows would be replaced
    per_facility: bool

    def _units(self, n: int) -> str:
        one, many = ("Einrichtung", "Einrichtungen") if self.per_facility else ("Kreis", "Kreise")
        return f"{_n(n)} {one if n == 1 else many}"

    @property
    def is_new_quarter(self) -> bool:
        return self.in_force_before == 0

    @property
    def message(self) -> str:
        """German: "2025-Q3: neues Quartal – 45 Einrichtungen" or "ersetzt 2025-Q2 für 12 Einrichtungen …"."""
        if self.is_new_quarter:
            return f"{self.quarter}: neues Quartal – {self._units(self.incoming)}."
        added = self.incoming - self.replaced
        if not self.replaced:
            return (f"{self.quarter}: ergänzt {self._units(added)} (bisher {self._units(self.in_force_before)} "
                    "geladen, die bleiben).")
        origin = ", ".join(f"Batch {b} „{name}“" for b, name in self.batches)
        text = f"ersetzt {self.quarter} für {self._units(self.replaced)} ({origin})"
        if added:
            text += f"; {self._units(added)} {'kommt' if added == 1 else 'kommen'} neu hinzu"
        return text + "."


@dataclass
class ChangePreview:
    """What loading one checked table (a FileReport) would change in the store."""

    file: str
    dataset: str
    quarters: list[QuarterChange]
    totals: pd.DataFrame  # quarter, ags, kreis, rows_before, rows_after, <count field>_before/_after
    identical_batch: int | None = None  # the same file is already loaded as this batch

    @property
    def needs_replace(self) -> bool:
        return self.identical_batch is None and any(q.replaced for q in self.quarters)

    @property
    def replaced_rows(self) -> int:
        return sum(q.replaced for q in self.quarters)

    @property
    def fingerprint(self) -> tuple:
        """What the confirmation covers: the rows in force that would be replaced, and by which batches."""
        return (self.dataset, self.identical_batch,
                tuple((q.quarter, q.replaced, tuple(b for b, _ in q.batches)) for q in self.quarters))

    @property
    def kreise(self) -> list[str]:
        return sorted(self.totals["ags"].unique().tolist()) if len(self.totals) else []

    @property
    def messages(self) -> list[str]:
        if self.identical_batch is not None:
            return [f"Diese Datei ist bereits als Batch {self.identical_batch} geladen; Laden ändert nichts."]
        return [q.message for q in self.quarters]

    def totals_for(self, field_name: str | None = None) -> pd.DataFrame:
        """The before/after table for display: Quartal, AGS, Kreis, rows and one count field, with German headers."""
        ds = get_dataset(self.dataset)
        unit = "Einrichtungen" if ds.per_facility else "Zeilen"
        out = pd.DataFrame({
            "Quartal": self.totals["quarter"], "AGS": self.totals["ags"], "Kreis": self.totals["kreis"],
            f"{unit} vorher": self.totals["rows_before"], f"{unit} nachher": self.totals["rows_after"],
        })
        if field_name:
            header = ds.column(field_name).header
            before, after = self.totals[f"{field_name}_before"], self.totals[f"{field_name}_after"]
            out[f"{header} vorher"] = before
            out[f"{header} nachher"] = after
            out["Änderung"] = after.fillna(0) - before.fillna(0)
        return out


def count_fields(dataset: str) -> list[str]:
    """The fields summed in the before/after totals: the dataset's count columns."""
    return [c.field for c in get_dataset(dataset).columns if c.kind == COUNT]


def preview_changes(con: duckdb.DuckDBPyConnection, report) -> ChangePreview:
    """Compare a checked table with the rows in force: per quarter and per Kreis, before and after loading.

    "After" assumes the load replaces rows in force with the same keys (it is refused otherwise).
    """
    ds = get_dataset(report.dataset)
    keys = list(ds.key)
    frame = report.frame[list(ds.fields)] if report.frame is not None else pd.DataFrame(columns=list(ds.fields))
    frame = frame[frame[keys].notna().all(axis=1)]
    con.complete()  # a result left unread would make register() refuse
    con.register(_INCOMING, frame)
    try:
        quarters = _quarter_changes(con, ds)
        totals = _totals(con, ds)
        identical = con.execute(
            "SELECT max(batch_id) FROM batches "
            "WHERE kind = 'data' AND dataset = ? AND sha256 = ? AND status = 'active'",
            [ds.id, report.sha256],
        ).fetchall()[0][0]
    finally:
        con.complete()
        con.unregister(_INCOMING)
    if identical is not None and not _fully_in_force(con, ds, identical):
        identical = None
    return ChangePreview(report.file, ds.id, quarters, totals, identical)


def _on(ds: Dataset, a: str, b: str) -> str:
    return " AND ".join(f"{a}.{k} = {b}.{k}" for k in ds.key)


def _quarter_changes(con, ds: Dataset) -> list[QuarterChange]:
    rows = con.execute(f"""
        SELECT i.quarter, count(*) AS incoming, count(c.batch_id) AS replaced,
               list(DISTINCT c.batch_id ORDER BY c.batch_id) FILTER (WHERE c.batch_id IS NOT NULL) AS batches
        FROM {_INCOMING} i LEFT JOIN {ds.table}_current c ON {_on(ds, 'c', 'i')}
        GROUP BY i.quarter ORDER BY i.quarter""").fetchall()
    before = dict(con.execute(f"""
        SELECT quarter, count(*) FROM {ds.table}_current
        WHERE quarter IN (SELECT DISTINCT quarter FROM {_INCOMING}) GROUP BY quarter""").fetchall())
    ids = sorted({b for r in rows for b in (r[3] or [])})
    names = dict(con.execute("SELECT batch_id, file_name FROM batches WHERE list_contains(?, batch_id)",
                             [ids]).fetchall()) if ids else {}
    return [
        QuarterChange(q, int(n), int(rep), int(before.get(q, 0)), tuple((b, names.get(b, "?")) for b in (bs or [])),
                      ds.per_facility)
        for q, n, rep, bs in rows
    ]


def _totals(con, ds: Dataset) -> pd.DataFrame:
    fields = count_fields(ds.id)
    sums = ", ".join(f"sum({f})::BIGINT AS {f}" for f in fields)
    cols = ", ".join(fields)
    picked = ", ".join(f"b.{f} AS {f}_before, a.{f} AS {f}_after" for f in fields)
    totals = con.execute(f"""
        WITH cur AS (SELECT * FROM {ds.table}_current),
        hit AS (SELECT c.quarter, c.ags FROM cur c SEMI JOIN {_INCOMING} i ON {_on(ds, 'c', 'i')}),
        affected AS (SELECT DISTINCT quarter, ags FROM {_INCOMING} UNION SELECT DISTINCT quarter, ags FROM hit),
        scope AS (SELECT c.* FROM cur c SEMI JOIN affected x ON c.quarter = x.quarter AND c.ags = x.ags),
        before AS (SELECT quarter, ags, count(*) AS n, {sums} FROM scope GROUP BY quarter, ags),
        after_rows AS (
            SELECT quarter, ags, {cols} FROM scope s ANTI JOIN {_INCOMING} i ON {_on(ds, 's', 'i')}
            UNION ALL SELECT quarter, ags, {cols} FROM {_INCOMING}),
        after AS (SELECT quarter, ags, count(*) AS n, {sums} FROM after_rows GROUP BY quarter, ags)
        SELECT x.quarter, x.ags, coalesce(r.name, x.ags) AS kreis,
               coalesce(b.n, 0) AS rows_before, coalesce(a.n, 0) AS rows_after, {picked}
        FROM affected x
        LEFT JOIN before b ON b.quarter = x.quarter AND b.ags = x.ags
        LEFT JOIN after a ON a.quarter = x.quarter AND a.ags = x.ags
        LEFT JOIN regions r ON r.ags = x.ags AND r.level = 'kreis'
        ORDER BY x.quarter, x.ags""").df()
    numbers = ["rows_before", "rows_after", *(f"{f}_{w}" for f in fields for w in ("before", "after"))]
    totals = totals.astype({c: "Int64" for c in numbers})
    for when in ("before", "after"):
        # no rows at all is a total of 0; rows without the figure stay empty ("not reported")
        none = totals[f"rows_{when}"] == 0
        for f in fields:
            totals.loc[none, f"{f}_{when}"] = 0
    return totals


def _fully_in_force(con, ds: Dataset, batch_id: int) -> bool:
    replaced = con.execute(f"SELECT count(*) FROM {ds.table} WHERE batch_id = ? AND superseded_by IS NOT NULL",
                           [batch_id]).fetchall()[0][0]
    return replaced == 0


def preview_file(checked: CheckedFile, *, db_path: Path | str | None = None) -> list[ChangePreview]:
    """The change previews of every recognised table of a file without errors (empty otherwise)."""
    if not checked.loadable:
        return []
    with store.connect(db_path) as con:
        return [preview_changes(con, r) for r in checked.reports if r.dataset and r.frame is not None]


# --- loading and undo -------------------------------------------------------------------------------------

def load_checked(checked: CheckedFile, *, user: str, replace: bool = False,
                 expected: Sequence[ChangePreview] | None = None, db_path: Path | str | None = None) -> FileOutcome:
    """Load a checked file in one transaction, as confirmed.

    With ``expected`` (the previews the person saw), the load is refused when the rows it would replace
    changed in the meantime. Raises ``store.StoreBusy`` when another process holds the database too long.
    """
    reports = checked.reports
    if checked.unreadable:
        return FileOutcome.unreadable_file(checked.name, checked.problem)
    if any(r.errors for r in reports):
        return loader.load_file(None, checked.name, reports, user=user, replace=replace)
    with store.connect(db_path, write=True) as con:
        if expected is not None:
            now = [preview_changes(con, r).fingerprint for r in reports if r.dataset and r.frame is not None]
            if now != [p.fingerprint for p in expected]:
                return FileOutcome(checked.name, REJECTED, [TableLoad(r) for r in reports],
                                   errors=[problem(STALE_PREVIEW)])
        return loader.load_file(con, str(checked.path), reports, user=user, replace=replace)


def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: int, *, user: str,
               boundaries_dir: Path | str | None = None) -> UndoOutcome:
    """Undo any batch (see ``loader.undo``); a boundaries batch also gets the previous map files back.

    Boundaries are undone newest first: undoing an older one while a newer one is active is refused.
    """
    found = con.execute("SELECT kind, status FROM batches WHERE batch_id = ?", [int(batch_id)]).fetchall()
    if found and found[0] == ("boundaries", "active"):
        later = con.execute(
            "SELECT max(batch_id) FROM batches WHERE kind = 'boundaries' AND status = 'active' AND batch_id > ?",
            [int(batch_id)]).fetchall()[0][0]
        if later is not None:
            raise UndoRefused(f"Batch {batch_id} kann nicht rückgängig gemacht werden: Batch {later} hat die Grenzen "
                              f"danach ersetzt. Bitte zuerst Batch {later} rückgängig machen.")
        _restore_boundaries(int(batch_id), Path(boundaries_dir or config.BOUNDARIES_DIR))
    return loader.undo(con, int(batch_id), user=user)


# --- problems for the preview -----------------------------------------------------------------------------

PROBLEM_COLUMNS = ("Art", "Blatt", "Zeile", "Spalte", "Wert", "Meldung", "Code")


def problems_frame(errors: Iterable[Problem], warnings: Iterable[Problem] = ()) -> pd.DataFrame:
    """Errors, then warnings, one row each: Art, Blatt, Zeile, Spalte, Wert, Meldung, Code (German headers)."""
    rows = [("Fehler", p) for p in errors] + [("Warnung", p) for p in warnings]
    return pd.DataFrame(
        [(kind, p.sheet, p.row, p.column, p.value, _without_location(p), p.code) for kind, p in rows],
        columns=list(PROBLEM_COLUMNS),
    ).astype({"Zeile": "Int64"})


def _without_location(p: Problem) -> str:
    """The message without its "Blatt …, Zeile …, Spalte …: " prefix, which the table has as columns."""
    return p.body()


ERROR, WARNING = "error", "warning"


def marked_rows(report, *, only_problems: bool = False, limit: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of a checked table for display, and a frame of the same shape marking problem cells.

    Display columns: Blatt (when several sheets), Zeile (as Excel shows it), Prüfung, then the dataset's
    German headers. Marks are ``"error"``, ``"warning"`` or ``""``; a problem without a column (e.g. a
    repeated key) marks the whole row. A cell the check could not read keeps the text as written.
    Skipped rows (totals, footnotes) are not rows of the table and only
    appear in ``problems_frame``.
    """
    ds = get_dataset(report.dataset)
    frame = report.frame
    sheets = frame["source_sheet"].astype("object").where(frame["source_sheet"].notna(), None).tolist()
    rows = frame["source_row"].astype("Int64").tolist()
    position = {(s, int(r)): i for i, (s, r) in enumerate(zip(sheets, rows)) if r is not pd.NA}
    headers = [c.header for c in ds.columns]
    marks = pd.DataFrame("", index=range(len(frame)), columns=headers)
    row_mark = [""] * len(frame)
    raw: dict[tuple[int, str], str] = {}  # cells the typed frame lost (e.g. "zwölf"): shown as written
    several = len({s for s in sheets}) > 1
    for severity, problems in ((WARNING, report.warnings), (ERROR, report.errors)):
        for p in problems:
            if p.row is None:
                continue
            i = position.get((p.sheet, p.row))
            if i is None and not several:
                i = next((j for (s, r), j in position.items() if r == p.row), None)
            if i is None:
                continue
            row_mark[i] = severity if row_mark[i] != ERROR else ERROR
            f = match_header(p.column, ds) if p.column else None
            if f is None:
                marks.iloc[i] = [severity if m != ERROR else ERROR for m in marks.iloc[i]]
            else:
                header = ds.column(f).header
                if marks.at[i, header] != ERROR:
                    marks.at[i, header] = severity
                if p.value is not None and pd.isna(frame[f].iat[i]):
                    raw[(i, header)] = p.value
    shown = frame[list(ds.fields)].copy()
    shown.columns = headers
    for header in {h for _, h in raw}:
        shown[header] = shown[header].astype("object")
    for (i, header), value in raw.items():
        shown.iat[i, headers.index(header)] = value
    label = {ERROR: "✖ Fehler", WARNING: "⚠ Warnung", "": ""}
    shown.insert(0, "Prüfung", [label[m] for m in row_mark])
    marks.insert(0, "Prüfung", row_mark)
    shown.insert(0, "Zeile", pd.array(rows, dtype="Int64"))
    marks.insert(0, "Zeile", "")
    if several:
        shown.insert(0, "Blatt", sheets)
        marks.insert(0, "Blatt", "")
    if only_problems:
        keep = [i for i, m in enumerate(row_mark) if m]
        shown, marks = shown.iloc[keep], marks.iloc[keep]
    if limit is not None:
        shown, marks = shown.iloc[:limit], marks.iloc[:limit]
    return shown.reset_index(drop=True), marks.reset_index(drop=True)


# --- reference data (admin page) --------------------------------------------------------------------------

def preview_population(path: Path | str, *, db_path: Path | str | None = None):
    """Read and check a population vintage without loading it; returns the Vintage and a per-Land comparison
    (AGS, Land, bisher, Stichtag bisher, neu, Änderung %) with the vintage in force."""
    from .population import check_population, read_population

    path = Path(path)
    safety.read_checked(path)
    vintage = read_population(path)
    with store.connect(db_path) as con:
        regions = RegionIndex.from_db(con)
        if not vintage.errors:
            check_population(vintage, regions, con)
        current = con.execute(
            """SELECT ags, arg_max(total, reference_date), max(reference_date) FROM population_current
               WHERE length(ags) <= 2 GROUP BY ags""").fetchall()
    before = {a: (t, d) for a, t, d in current}
    rows = []
    if len(vintage.rows):
        for r in vintage.rows[vintage.rows["level"].isin(["land", "bund"])].sort_values("ags").itertuples():
            old, when = before.get(r.ags, (None, None))
            region = regions.get(r.ags)
            change = (r.total - old) / old * 100 if old else None
            rows.append((r.ags, region.name if region else r.name, old, when, int(r.total), change))
    compare = pd.DataFrame(rows, columns=["AGS", "Land", "bisher", "Stichtag bisher", "neu", "Änderung %"])
    return vintage, compare


def preview_targets(path: Path | str, *, db_path: Path | str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check a Land's targets without loading them; returns the typed rows and the errors."""
    from . import targets

    path = Path(path)
    safety.read_checked(path)
    try:
        records, _sheet = targets.read_rows(path)  # the module's reader; loading re-reads the file the same way
    except targets.FormatError as exc:
        return pd.DataFrame(columns=targets.COLUMNS), [exc.problem]
    with store.connect(db_path) as con:
        regions = RegionIndex.from_db(con)
        return targets.check_targets(records, regions, con)


def stage_boundaries(source: Path | str, staging: Path | str) -> dict:
    """Import BKG boundaries into ``staging`` (not yet in use) and return the import report."""
    from .boundaries import import_boundaries

    source = Path(source)
    if source.is_file():
        limit = int(BOUNDARIES_MAX_MB * safety.MB)
        if source.stat().st_size > limit:
            raise safety.too_large(source.name, source.stat().st_size, limit)
        if source.suffix.lower() == ".zip":
            safety.check_archive(source.read_bytes(), source.name, max_unpacked=10 * limit, office=False)
    return import_boundaries(source, out_dir=Path(staging))


def _boundary_files() -> list[str]:
    from .boundaries import FILES, METADATA_FILE

    return [*FILES.values(), METADATA_FILE]


def apply_boundaries(staging: Path | str, *, source: Path | str, user: str, report: dict,
                     db_path: Path | str | None = None, boundaries_dir: Path | str | None = None) -> int:
    """Put staged boundaries in use as a batch of kind ``boundaries``; the files replaced are archived so that
    ``undo_batch`` can bring them back. Returns the batch id."""
    from .population import insert_batch

    staging, target = Path(staging), Path(boundaries_dir or config.BOUNDARIES_DIR)
    with store.connect(db_path, write=True) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            batch_id = insert_batch(con, kind="boundaries", path=Path(source), sheet=None,
                                    rows=int(report.get("kreise", 0)), user=user,
                                    note=f"{report.get('message', '')} {report.get('attribution', '')}".strip())
            archive = target / ARCHIVE_DIR / str(batch_id)
            (archive / "vorher").mkdir(parents=True, exist_ok=True)
            (archive / "nachher").mkdir(parents=True, exist_ok=True)
            for name in _boundary_files():
                if (target / name).exists():
                    shutil.copyfile(target / name, archive / "vorher" / name)
                if (staging / name).exists():
                    shutil.copyfile(staging / name, archive / "nachher" / name)
            for name in _boundary_files():
                if (staging / name).exists():
                    shutil.copyfile(staging / name, target / name)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return batch_id


def _restore_boundaries(batch_id: int, target: Path) -> None:
    before = target / ARCHIVE_DIR / str(batch_id) / "vorher"
    if not before.parent.exists():
        raise UndoRefused(f"Für Batch {batch_id} fehlt das Archiv der vorherigen Grenzen ({before.parent}); "
                          "die Grenzen können nur mit „python -m etl boundaries“ neu eingespielt werden.")
    for name in _boundary_files():
        if (before / name).exists():
            shutil.copyfile(before / name, target / name)
        else:
            (target / name).unlink(missing_ok=True)


KIND_DE = {"data": "Daten", "population": "Bevölkerung", "targets": "Zielwerte", "boundaries": "Grenzen",
           "regions": "Regionen", "annotations": "Hinweise"}


def history_frame(batches: Sequence[loader.BatchInfo]) -> pd.DataFrame:
    """The load history for display (German headers): who, when, which file, rows, status."""
    return pd.DataFrame({
        "Batch": [b.batch_id for b in batches],
        "Art": [KIND_DE.get(b.kind, b.kind) for b in batches],
        "Datensatz": [dataset_label(b.dataset) + (" (Demo)" if b.is_demo else "") for b in batches],
        "Datei": [b.file_name for b in batches],
        "Zeilen": [b.rows for b in batches],
        "Quartale": [", ".join(b.quarters) if len(b.quarters) <= 3 else f"{b.quarters[0]} … {b.quarters[-1]}"
                     for b in batches],
        "Regionen": [len(b.regions) for b in batches],
        "Benutzer": [b.user_name for b in batches],
        "Geladen": [f"{b.loaded_at:%d.%m.%Y %H:%M}" for b in batches],
        "Status": ["aktiv" if b.status == "active" else
                   f"rückgängig {b.undone_at:%d.%m.%Y %H:%M} ({b.undone_by})" if b.undone_at else b.status
                   for b in batches],
        "ersetzt": [b.replaced_rows for b in batches],
        "Hinweis": [b.note or "" for b in batches],
    })


def batch_label(b: loader.BatchInfo) -> str:
    """One line naming a batch in a picker: number, kind or dataset, file, time, user."""
    what = dataset_label(b.dataset) if b.dataset else KIND_DE.get(b.kind, b.kind)
    return f"Batch {b.batch_id} – {what} – „{b.file_name}“ – {b.loaded_at:%d.%m.%Y %H:%M} – {b.user_name}"


def reference_kinds() -> tuple[str, ...]:
    """Batch kinds managed on the admin page."""
    return ("population", "targets", "boundaries")


def data_kinds() -> tuple[str, ...]:
    """Batch kinds managed on the upload page."""
    return ("data",)


def dataset_label(dataset: str | None) -> str:
    """German label of a dataset id, or a dash."""
    return DATASETS[dataset].label_de if dataset in DATASETS else "–"


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")
