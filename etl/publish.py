"""Releases and publishing: ``python -m etl release``, ``releases`` and ``publish``.

``release`` makes the working store's figures public: it computes every indicator for every region and period,
decides disclosure control over all of it at once and writes an immutable release (``monitor.release``). Nothing
a load or an undo changes is public before the next release.

``publish ZIEL/`` copies the latest release into a folder that public app instances read
(``IK_MONITOR_RELEASES=ZIEL/``, ``IK_MONITOR_LOGIN=off``): the file first, then ``LATEST`` renamed into place, so
a reading instance switches from the old release to the new one in one step. The working store, accounts and
password hashes never leave the machine that writes.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from monitor import disclosure, release, store

from .output import default_user, report_result


def publish(target: Path | str, *, folder: Path | str | None = None) -> dict:
    """Copy the latest release (and its ``LATEST`` pointer) into ``target``; returns what was published."""
    source = release.latest_path(folder)
    if source is None:
        raise ValueError("Es gibt noch keine Veröffentlichung. Zuerst „python -m etl release“ ausführen.")
    target = Path(target).resolve()
    if target == source.parent.resolve():
        raise ValueError("Das Ziel ist der Ordner der Veröffentlichungen selbst.")
    target.mkdir(parents=True, exist_ok=True)
    dest = target / source.name
    if not dest.exists():
        tmp = target / f".{source.name}.{os.getpid()}.tmp"
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o444)
        os.replace(tmp, dest)
    release._point_latest(target, source.name)
    number = int(source.stem.rsplit("-", 1)[1])
    return {"message": f"Veröffentlichung {number} nach {target} kopiert; lesende Instanzen zeigen sie ab sofort.",
            "path": str(dest), "number": number, "size_mb": round(dest.stat().st_size / 1024 / 1024, 1)}


def add_commands(sub) -> None:
    """Add ``release``, ``releases`` and ``publish`` to the ``python -m etl`` sub-parsers."""
    r = sub.add_parser("release", help="Zahlen veröffentlichen (mit Geheimhaltungsprüfung)",
                       description="Berechnet alle Indikatoren für alle Kreise, Länder und Deutschland, Quartale "
                                   "und Jahre, prüft die Geheimhaltung über alle Tabellen gemeinsam (kleine "
                                   "Fallzahlen und alles, woraus sie sich errechnen ließen) und schreibt eine "
                                   "unveränderliche Veröffentlichung. Öffentliche Seiten, Downloads, Berichte und "
                                   "--public lesen nur Veröffentlichungen.")
    r.add_argument("--note", default="", metavar="TEXT", help="Notiz zur Veröffentlichung")
    r.add_argument("--user", metavar="NAME", help="Name im Protokoll (Standard: $USER oder „cli“)")
    r.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    r.set_defaults(func=cmd_release)

    ls = sub.add_parser("releases", help="Veröffentlichungen auflisten",
                        description="Listet die Veröffentlichungen: Nummer, Datum, Person, Notiz, gesperrte Werte.")
    ls.add_argument("--json", action="store_true", help="als JSON ausgeben")
    ls.set_defaults(func=cmd_releases)

    p = sub.add_parser("publish", help="neueste Veröffentlichung für lesende App-Instanzen bereitstellen",
                       description="Kopiert die neueste Veröffentlichung in ZIELORDNER (erst die Datei, dann der "
                                   "Zeiger LATEST); lesende Instanzen setzen IK_MONITOR_RELEASES=ZIELORDNER.")
    p.add_argument("target", metavar="ZIELORDNER", help="Ordner, den die öffentlichen Instanzen lesen")
    p.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    p.set_defaults(func=cmd_publish)


def cmd_release(args) -> int:
    """``release [--note TEXT]``."""
    try:
        result = release.build(author=args.user or default_user(), note=args.note)
    except (release.NothingToRelease, disclosure.DisclosureError, store.StoreBusy) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    result["loss"] = result["loss"].to_dict("records")
    return report_result(result, args.json)


def cmd_releases(args) -> int:
    """``releases``: every release, newest first."""
    from monitor.figures import ReleaseFigures

    rows = []
    for path in reversed(release.release_files()):
        f = ReleaseFigures(path)
        try:
            info = f.info
            rows.append({"number": f.number, "created_at": str(info["created_at"]), "author": info["author"],
                         "note": info["note"], "stand": str(info["stand"]), "file": path.name,
                         "changes": info["changes"]})
        finally:
            f.close()
    if args.json:
        print(json.dumps({"releases": rows}, ensure_ascii=False, indent=2, default=str))
        return 0
    if not rows:
        print("Noch keine Veröffentlichung.")
    for r in rows:
        print(f"{r['number']:>4}  {r['created_at'][:16]}  {r['author']:<12}  {r['note']}")
    return 0


def cmd_publish(args) -> int:
    """``publish ZIELORDNER``."""
    try:
        result = publish(args.target)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return report_result(result, args.json)
