"""Notes on method breaks and events: ``python -m etl annotations FILE`` and the admin page's form.

A file (CSV or Excel) has the columns of ``data/reference/annotations.csv``: ``ags`` (empty: every region; a
Land; a Kreis), ``quarter`` (the first quarter affected), ``kind`` (method, event), ``text_de``, ``text_en``,
``source``. Every row is checked; the whole file is loaded in one transaction as a batch of kind
``annotations``, which ``undo`` takes back. A single note from the admin page is a batch of one.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import duckdb

from monitor import store
from monitor.periods import Quarter
from monitor.regions import RegionIndex

from .output import default_user, report_result
from .population import decode_text, insert_batch
from .problems import N_, Msg, Num, Problem, os_problem, problem, rejected_message
from .values import is_missing

LOADED, REJECTED = "loaded", "rejected"
COLUMNS = ("ags", "quarter", "kind", "text_de", "text_en", "source")
KINDS = ("method", "event")  # territorial changes come from the region history
_SLUG = re.compile(r"[^a-z0-9]+")


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(row number, {column: cell}) below the header; raises ValueError with a German message."""
    if path.suffix.lower() in (".csv", ".txt"):
        text = decode_text(path.read_bytes())
        first = text.splitlines()[0] if text.strip() else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    else:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    for i, row in enumerate(rows[:20]):
        header = [str(c).strip().lower() for c in row]
        if all(c in header for c in ("quarter", "kind", "text_de")):
            index = {c: header.index(c) for c in COLUMNS if c in header}
            out = []
            for n, data in enumerate(rows[i + 1:], start=i + 2):
                rec = {c: (data[j] if j < len(data) else None) for c, j in index.items()}
                if not all(is_missing(v) or not str(v).strip() for v in rec.values()):
                    out.append((n, {c: ("" if is_missing(v) else str(v).strip()) for c, v in rec.items()}))
            return out
    raise NoTable(problem("annotation-no-table", file=path.name, columns=", ".join(COLUMNS)))


def check(records: list[tuple[int, dict]], regions: RegionIndex) -> list[Problem]:
    """Problems of the rows: a quarter, a kind, a known region, both texts."""
    errors = []
    for line, rec in records:
        try:
            Quarter.parse(rec.get("quarter", ""))
        except ValueError:
            errors.append(problem("annotation-bad-quarter", row=line, column="quarter", value=rec.get("quarter")))
        if rec.get("kind") not in KINDS:
            errors.append(problem("annotation-bad-kind", row=line, column="kind", value=rec.get("kind"),
                                  kinds=", ".join(KINDS)))
        ags = rec.get("ags") or ""
        if ags and regions.get(ags) is None:
            errors.append(problem("annotation-unknown-region", row=line, column="ags", value=ags))
        if not rec.get("text_de") or not rec.get("text_en"):
            errors.append(problem("annotation-text-missing", row=line, column="text_de" if not rec.get("text_de")
                                  else "text_en"))
    return errors


def _insert(con: duckdb.DuckDBPyConnection, records: list[tuple[int, dict]], path: Path, user: str) -> int:
    batch_id = insert_batch(con, kind="annotations", path=path, sheet=None, rows=len(records), user=user,
                            note=None, regions=sorted({r["ags"] for _, r in records if r.get("ags")}) or None)
    for line, rec in records:
        slug = _SLUG.sub("-", rec["text_de"].lower())[:40].strip("-")
        con.execute("INSERT INTO annotations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [f"{batch_id}-{line}-{slug}", rec.get("ags") or None, rec["quarter"], rec["kind"],
                     rec["text_de"], rec["text_en"], rec.get("source") or None, batch_id])
    return batch_id


def load_annotations(path: Path | str, *, user: str, db_path: Path | str | None = None) -> dict:
    """Check and load a file of notes in one transaction; returns status, message (a ``Msg``), batch id, problems."""
    path = Path(path)
    try:
        records = read_rows(path)
    except NoTable as exc:
        return _refused(path, [exc.problem])
    except OSError as exc:
        return _refused(path, [os_problem(path, exc)])
    except (ValueError, csv.Error):
        return _refused(path, [problem("annotation-no-table", file=path.name, columns=", ".join(COLUMNS))])
    with store.connect(db_path, write=True) as con:
        errors = check(records, RegionIndex.from_db(con))
        if errors:
            return _refused(path, errors)
        con.execute("BEGIN TRANSACTION")
        try:
            batch_id = _insert(con, records, path, user)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return {"status": LOADED, "batch_id": batch_id, "annotations": len(records), "errors": [], "warnings": [],
            "message": Msg(N_("{n} Hinweis(e) als Batch {batch} geladen; rückgängig mit „python -m etl undo {batch}“. "
                              "Öffentlich mit der nächsten Veröffentlichung."), n=Num(len(records)), batch=batch_id)}


def _refused(path: Path, errors: list[Problem]) -> dict:
    return {"status": REJECTED, "message": rejected_message(path.name, len(errors)), "batch_id": None,
            "errors": errors, "warnings": []}


class NoTable(ValueError):
    """The file holds no table of notes; ``problem`` says what is expected."""

    def __init__(self, found: Problem):
        super().__init__(found.message)
        self.problem = found


def add_annotation(*, ags: str | None, quarter: str, kind: str, text_de: str, text_en: str, source: str = "",
                   user: str, db_path: Path | str | None = None) -> dict:
    """One note (admin page): the same checks and batch as a file of one row."""
    with tempfile.TemporaryDirectory(prefix="ik-hinweis-") as tmp:
        path = Path(tmp) / "hinweis.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerow([ags or "", quarter, kind, text_de, text_en, source])
        return load_annotations(path, user=user, db_path=db_path)


def add_commands(sub) -> None:
    """Add ``annotations FILE`` to the ``python -m etl`` sub-parsers."""
    a = sub.add_parser("annotations", help="Hinweise zu Methodenwechseln und Ereignissen laden",
                       description="Lädt Hinweise für Zeitreihen (Spalten wie data/reference/annotations.csv: ags, "
                                   "quarter, kind, text_de, text_en, source) als Batch; rückgängig mit undo.")
    a.add_argument("file", metavar="DATEI", help="CSV oder Excel-Datei")
    a.add_argument("--user", metavar="NAME", help="Name im Ladeprotokoll (Standard: $USER oder „cli“)")
    a.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    a.set_defaults(func=cmd_annotations)


def cmd_annotations(args) -> int:
    return report_result(load_annotations(args.file, user=args.user or default_user()), args.json)
