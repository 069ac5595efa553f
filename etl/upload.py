"""The core of the upload workflow (pages/upload.py and pages/admin.py only arrange what this computes).

* An uploaded file is checked by ``etl.validate.check_path``, exactly as ``python -m etl check`` checks it
  (hostile files refused first by ``etl.safety``, police files per district converted into Kreis rows).
* ``preview_changes`` says what loading a checked table would change: per quarter a new quarter, keys
  added, or "ersetzt 2025-Q2 für 12 Einrichtungen", and per Kreis and quarter the totals before and after.
* ``load_checked`` loads through ``etl.loader.load_checked`` in one transaction, but first compares what would
  be replaced with what the person confirmed in the preview: if someone else loaded or undid data for the
  same keys in between, nothing is loaded and the page asks to look again (no silent loss of data).
* ``undo_batch`` undoes any batch, and for boundaries also puts the previous map files back.
* ``problems_frame`` / ``marked_rows``: the problems with row and column, and the rows with each problem
  cell marked, for the preview table.
* Reference data (admin page): ``preview_targets``, ``stage_boundaries``, ``apply_boundaries``
  (population: ``etl.population.preview_population``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import duckdb
import pandas as pd

from monitor import config, fmt, store
from monitor.datasets import COUNT, DATASETS, Dataset
from monitor.datasets import get as get_dataset
from monitor.i18n import N_, translate
from monitor.regions import RegionIndex

from . import loader, safety
from .loader import FileOutcome, UndoOutcome, UndoRefused
from .problems import Joined, Msg, Problem, problem, units
from .reader import match_header
from .validate import CheckedFile, loaded_as

STALE_PREVIEW = "changed-since-preview"
ARCHIVE_DIR = "archiv"  # under the boundaries directory: one folder per boundaries batch
_INCOMING = "_preview_incoming"
BOUNDARIES_MAX_MB = 150  # a VG250 zip with every layer is about 70 MB


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

    @property
    def is_new_quarter(self) -> bool:
        return self.in_force_before == 0

    def _units(self, n: int) -> Msg:
        return units(n, self.per_facility)

    @property
    def message(self) -> Msg:
        """"2025-Q3: neues Quartal – 45 Einrichtungen." or "ersetzt 2025-Q2 für 12 Einrichtungen …" (a ``Msg``:
        German as a string, ``.text(language)`` in any language)."""
        if self.is_new_quarter:
            return Msg(N_("{quarter}: neues Quartal – {units}."), quarter=self.quarter,
                       units=self._units(self.incoming))
        added = self.incoming - self.replaced
        if not self.replaced:
            return Msg(N_("{quarter}: ergänzt {units} (bisher {before} geladen, die bleiben)."), quarter=self.quarter,
                       units=self._units(added), before=self._units(self.in_force_before))
        origin = Joined(tuple(Msg(N_("Batch {batch} „{file}“"), batch=b, file=name) for b, name in self.batches))
        if not added:
            return Msg(N_("ersetzt {quarter} für {units} ({origin})."), quarter=self.quarter,
                       units=self._units(self.replaced), origin=origin)
        template = (N_("ersetzt {quarter} für {units} ({origin}); {added} kommt neu hinzu.") if added == 1 else
                    N_("ersetzt {quarter} für {units} ({origin}); {added} kommen neu hinzu."))
        return Msg(template, quarter=self.quarter, units=self._units(self.replaced), origin=origin,
                   added=self._units(added))


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
    def messages(self) -> list[Msg]:
        if self.identical_batch is not None:
            return [Msg(N_("Diese Datei ist bereits als Batch {batch} geladen; Laden ändert nichts."),
                        batch=self.identical_batch)]
        return [q.message for q in self.quarters]

    def totals_for(self, field_name: str | None = None, language: str = "de") -> pd.DataFrame:
        """The before/after table for display: quarter, AGS, Kreis, rows and one count field (headers in
        ``language``; the count field by its header in the file, in English by its label)."""
        def _(msgid: str, **params) -> str:
            return translate(msgid, language, **params)

        ds = get_dataset(self.dataset)
        unit = _("Einrichtungen") if ds.per_facility else _("Zeilen")
        out = pd.DataFrame({
            _("Quartal"): self.totals["quarter"], "AGS": self.totals["ags"], _("Kreis"): self.totals["kreis"],
            _("{what} vorher", what=unit): self.totals["rows_before"],
            _("{what} nachher", what=unit): self.totals["rows_after"],
        })
        if field_name:
            col = ds.column(field_name)
            header = col.label_en if language == "en" else col.header
            before, after = self.totals[f"{field_name}_before"], self.totals[f"{field_name}_after"]
            out[_("{what} vorher", what=header)] = before
            out[_("{what} nachher", what=header)] = after
            out[_("Änderung")] = after.fillna(0) - before.fillna(0)
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
    finally:
        con.complete()
        con.unregister(_INCOMING)
    identical = loaded_as(con, report)
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


def preview_file(checked: CheckedFile, *, db_path: Path | str | None = None) -> list[ChangePreview]:
    """The change previews of every recognised table of a file without errors (empty otherwise)."""
    if not checked.loadable:
        return []
    with store.connect(db_path) as con:
        return [preview_changes(con, r) for r in checked.reports if r.dataset and r.frame is not None]


# --- loading and undo -------------------------------------------------------------------------------------

def load_checked(checked: CheckedFile, *, user: str, replace: bool = False,
                 expected: Sequence[ChangePreview] | None = None, db_path: Path | str | None = None) -> FileOutcome:
    """Load a checked file in one transaction, as confirmed (``etl.loader.load_checked``).

    With ``expected`` (the previews the person saw), the load is refused when the rows it would replace
    changed in the meantime. Raises ``store.StoreBusy`` when another process holds the database too long.
    """
    def stale(con: duckdb.DuckDBPyConnection) -> list[Problem]:
        now = [preview_changes(con, r).fingerprint for r in checked.reports if r.dataset and r.frame is not None]
        return [problem(STALE_PREVIEW)] if now != [p.fingerprint for p in expected] else []

    return loader.load_checked(checked, user=user, replace=replace, db_path=db_path,
                               refuse=stale if expected is not None else None)


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
            raise UndoRefused(N_("Batch {batch} kann nicht rückgängig gemacht werden: Batch {later} hat die Grenzen "
                                 "danach ersetzt. Bitte zuerst Batch {later} rückgängig machen."),
                              batch=batch_id, later=later)
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
        raise UndoRefused(N_("Für Batch {batch} fehlt das Archiv der vorherigen Grenzen ({folder}); die Grenzen "
                             "können nur mit „python -m etl boundaries“ neu eingespielt werden."),
                          batch=batch_id, folder=str(before.parent))
    for name in _boundary_files():
        if (before / name).exists():
            shutil.copyfile(before / name, target / name)
        else:
            (target / name).unlink(missing_ok=True)


def history_frame(batches: Sequence[loader.BatchInfo], language: str = "de") -> pd.DataFrame:
    """The load history for display (headers and words in ``language``): who, when, which file, rows, status,
    and who undid a batch when."""
    def _(msgid: str, **params) -> str:
        return translate(msgid, language, **params)

    def status(b: loader.BatchInfo) -> str:
        if b.status == "active":
            return _("aktiv")
        if b.undone_at:
            return _("rückgängig {when} ({user})", when=fmt.datetime_(b.undone_at, language), user=b.undone_by or "–")
        return b.status

    return pd.DataFrame({
        "Batch": [b.batch_id for b in batches],
        _("Art"): [loader.batch_kind(b.kind, language) for b in batches],
        _("Datensatz"): [dataset_label(b.dataset, language) + (_(" (Demo)") if b.is_demo else "") for b in batches],
        _("Datei"): [b.file_name for b in batches],
        _("Zeilen"): [b.rows for b in batches],
        _("Quartale"): [", ".join(b.quarters) if len(b.quarters) <= 3 else f"{b.quarters[0]} … {b.quarters[-1]}"
                        for b in batches],
        _("Regionen"): [len(b.regions) for b in batches],
        _("Benutzer"): [b.user_name for b in batches],
        _("Geladen"): [fmt.datetime_(b.loaded_at, language) for b in batches],
        _("Status"): [status(b) for b in batches],
        _("ersetzt"): [b.replaced_rows for b in batches],
        _("Hinweis"): [b.note or "" for b in batches],
    })


def batch_label(b: loader.BatchInfo, language: str = "de") -> str:
    """One line naming a batch in a picker: number, kind or dataset, file, time, user."""
    what = dataset_label(b.dataset, language) if b.dataset else loader.batch_kind(b.kind, language)
    return translate(N_("Batch {batch} – {what} – „{file}“ – {when} – {user}"), language, batch=b.batch_id, what=what,
                     file=b.file_name, when=fmt.datetime_(b.loaded_at, language), user=b.user_name)


def reference_kinds() -> tuple[str, ...]:
    """Batch kinds managed on the admin page."""
    return ("population", "targets", "boundaries")


def data_kinds() -> tuple[str, ...]:
    """Batch kinds managed on the upload page."""
    return ("data",)


def dataset_label(dataset: str | None, language: str = "de") -> str:
    """The label of a dataset id in ``language``, or a dash."""
    if dataset not in DATASETS:
        return "–"
    return DATASETS[dataset].label_en if language == "en" else DATASETS[dataset].label_de
