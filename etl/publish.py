"""Publishing a consistent read-only snapshot of the store for app instances that only read.

One instance (the coordination office's) writes; the public instances read a snapshot. ``publish`` copies
every table, view and sequence in one transaction of the source (``COPY FROM DATABASE``), so the snapshot
never holds half a load, writes it beside the target and renames it into place: a reader opens either the
old snapshot or the new one, never a partial file. Accounts are not in the store, so no password hash
travels with a snapshot.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from monitor import store


def publish(out: Path | str, *, db_path: Path | str | None = None) -> dict:
    """Copy the store to ``out`` atomically; returns the path, size, number of batches and the newest load."""
    out = Path(out).resolve()
    source = Path(db_path) if db_path else None
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    with store.connect(source, write=True) as con:
        if source is not None and Path(source).resolve() == out:
            raise ValueError("Die Kopie darf nicht die Datenbank selbst überschreiben.")
        name = con.execute("SELECT current_database()").fetchall()[0][0]
        # ATTACH takes no parameters; the path is the operator's own argument, quotes doubled
        con.execute(f"ATTACH '{str(tmp).replace(chr(39), chr(39) * 2)}' AS snapshot")
        try:
            con.execute(f'COPY FROM DATABASE "{name}" TO snapshot')
            batches, newest = con.execute(
                "SELECT count(*), max(loaded_at) FROM snapshot.batches WHERE status = 'active'").fetchall()[0]
        finally:
            con.execute("DETACH snapshot")
    os.replace(tmp, out)
    return {
        "message": f"Schnappschuss geschrieben: {out} ({batches} aktive Batches, letzter Ladevorgang "
                   f"{newest:%d.%m.%Y %H:%M})." if newest else f"Schnappschuss geschrieben: {out} (noch keine Daten).",
        "path": str(out),
        "size_mb": round(out.stat().st_size / 1024 / 1024, 1),
        "active_batches": batches,
    }


def add_commands(sub) -> None:
    """Add ``publish OUT.duckdb`` to the ``python -m etl`` sub-parsers."""
    p = sub.add_parser("publish", help="Schnappschuss der Datenbank für lesende App-Instanzen schreiben",
                       description="Kopiert die Datenbank in einem konsistenten Zustand nach ZIEL (erst in eine "
                                   "temporäre Datei, dann umbenannt). Lesende App-Instanzen zeigen auf ZIEL.")
    p.add_argument("target", metavar="ZIEL.duckdb", help="Zieldatei des Schnappschusses")
    p.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    p.set_defaults(func=cmd_publish)


def cmd_publish(args) -> int:
    """``publish ZIEL``."""
    from .cli import _report_result

    try:
        result = publish(args.target)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return _report_result(result, args.json)
