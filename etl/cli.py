"""The command line: check and load quarterly files, history, undo, templates, demo and reference data.

Every command works on the database named by ``IK_MONITOR_DB`` (or ``--db``), creating and initialising it
when it is missing. Exit codes: 0 success (warnings allowed), 1 errors in the data or a refusal, 2 a file that
cannot be read (or a wrong call). Reports go to stdout, errors and refusals to stderr; ``--json`` writes one
JSON document to stdout instead. Commands of other modules are imported when they run, so that each command
works on its own.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from monitor import config, store
from monitor.datasets import DATASETS
from monitor.datasets import get as get_dataset
from monitor.regions import RegionIndex

from . import loader
from .output import DEFAULT_LIMIT, default_user, print_json, print_problems, report_result


class _GermanHelp(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="Aufruf: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with German headings, help option and error prefix."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _GermanHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="diese Hilfe anzeigen und beenden")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: Fehler: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m etl`` (German help texts)."""
    p = _Parser(
        prog="python -m etl",
        description="Quartalsdaten des IK-Monitors prüfen und laden, Ladevorgänge anzeigen und rückgängig machen, "
                    "Vorlagen, Demodaten und Referenzdaten einspielen.",
        epilog="Datenbank: IK_MONITOR_DB oder --db (Standard: data/monitor.duckdb); eine fehlende Datenbank wird "
               "angelegt.\nExit-Codes: 0 ohne Fehler (Warnungen erlaubt), 1 Fehler in den Daten oder abgelehnt, "
               "2 Datei nicht lesbar.",
    )
    p.add_argument("--db", metavar="DATEI", help="DuckDB-Datei statt IK_MONITOR_DB")
    sub = p.add_subparsers(dest="command", metavar="BEFEHL", title="Befehle", parser_class=_Parser)
    sub.required = True
    datasets = sorted(DATASETS)

    c = sub.add_parser("check", help="Dateien prüfen, ohne zu laden",
                       description="Prüft Quartalsdateien (xlsx, xls, ods, csv) und listet Fehler und Warnungen.")
    c.add_argument("files", nargs="+", metavar="DATEI", help="zu prüfende Datei(en)")
    c.add_argument("--dataset", choices=datasets, help="Datensatz vorgeben statt ihn an den Spalten zu erkennen")
    c.add_argument("--json", action="store_true", help="Bericht als JSON ausgeben")
    c.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                   help=f"höchstens N Probleme je Datei anzeigen (Standard {DEFAULT_LIMIT}, 0 = alle)")
    c.set_defaults(func=cmd_check)

    ld = sub.add_parser("load", help="Dateien prüfen und laden",
                        description="Prüft Quartalsdateien und lädt jede fehlerfreie Datei in einer Transaktion "
                                    "als Batch. Bereits geladene Schlüssel (Quartal und Einrichtung bzw. Kreis) "
                                    "werden abgelehnt, außer mit --replace.")
    ld.add_argument("files", nargs="+", metavar="DATEI", help="zu ladende Datei(en)")
    ld.add_argument("--dataset", choices=datasets, help="Datensatz vorgeben statt ihn an den Spalten zu erkennen")
    ld.add_argument("--replace", action="store_true",
                    help="bereits geladene Zeilen mit gleichem Schlüssel ersetzen (bleiben für undo erhalten)")
    ld.add_argument("--user", metavar="NAME", help="Name im Ladeprotokoll (Standard: $USER oder „cli“)")
    ld.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    ld.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                    help=f"höchstens N Probleme je Datei anzeigen (Standard {DEFAULT_LIMIT}, 0 = alle)")
    ld.set_defaults(func=cmd_load)

    h = sub.add_parser("history", help="Ladeprotokoll anzeigen (neueste zuerst)",
                       description="Listet alle Batches: Daten, Bevölkerung, Zielwerte – neueste zuerst.")
    h.add_argument("--json", action="store_true", help="als JSON ausgeben")
    h.set_defaults(func=cmd_history)

    u = sub.add_parser("undo", help="einen Batch rückgängig machen",
                       description="Stellt den Stand vor dem Batch wieder her: seine Zeilen gelten nicht mehr, "
                                   "von ihm ersetzte Zeilen gelten wieder. Ein Batch, dessen Zeilen später "
                                   "ersetzt wurden, kann erst nach dem späteren rückgängig gemacht werden.")
    u.add_argument("batch_id", type=int, metavar="BATCH_ID", help="Nummer des Batches (siehe history)")
    u.add_argument("--user", metavar="NAME", help="Name im Ladeprotokoll (Standard: $USER oder „cli“)")
    u.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    u.set_defaults(func=cmd_undo)

    t = sub.add_parser("template", help="Excel-Vorlage für einen Datensatz schreiben",
                       description="Schreibt eine Excel-Vorlage mit Ausfüllhinweisen, Auswahllisten und Regionen.")
    t.add_argument("dataset", choices=datasets, metavar="DATENSATZ", help=" | ".join(datasets))
    t.add_argument("-o", "--output", required=True, metavar="DATEI.xlsx", help="Zieldatei")
    t.set_defaults(func=cmd_template)

    d = sub.add_parser("demo", help="Demodaten erzeugen und laden",
                       description="Erzeugt synthetische Demodaten für alle Kreise und lädt sie als Demo-Batches.")
    d.add_argument("--workbooks", metavar="ORDNER",
                   help="die erzeugten Quartalsdateien (xlsx) als Beispiele in diesem Ordner behalten")
    d.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    d.set_defaults(func=cmd_demo)

    for name, what, description in (
        ("population", "Bevölkerungsstand laden (Destatis, GENESIS, Regionalstatistik oder CSV)",
         "Lädt einen Bevölkerungsstand als Batch: die Destatis-Tabelle „Kreisfreie Städte und Landkreise“ (.xlsx, "
         "jede Ausgabe), eine GENESIS- oder Regionalstatistik-Tabelle als CSV (mit oder ohne Geschlecht), eine "
         "GENESIS-Flatfile-CSV (auch als zip) oder eine CSV im Format der mitgelieferten Tabelle; rückgängig mit "
         "undo."),
        ("targets", "eigene Zielwerte eines Landes (CSV oder xlsx) laden",
         "Lädt eigene Zielwerte eines Landes (CSV oder xlsx) als Batch; rückgängig mit undo."),
        ("regions", "Gebietsänderungen oder eine Regionenliste laden",
         "Lädt eine Tabelle der Gebietsänderungen (Datum, alter und neuer Schlüssel, z. B. Hanau 2026) oder "
         "eine Regionenliste (Format von regions.csv) als Batch; die Destatis-Liste „Kreisfreie Städte und "
         "Landkreise“ wird mit der Regionenliste verglichen. Mit --dry-run nur prüfen und zeigen, was sich "
         "ändern würde; rückgängig mit undo."),
    ):
        r = sub.add_parser(name, help=what, description=description)
        r.add_argument("file", metavar="DATEI", help="zu ladende Datei")
        r.add_argument("--user", metavar="NAME", help="Name im Ladeprotokoll (Standard: $USER oder „cli“)")
        r.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
        if name == "population":
            r.add_argument("--basis", metavar="BASIS",
                           help="Basis der Zahlen, wenn die Datei sie nicht nennt, z. B. \"Zensus 2011\"")
        if name == "regions":
            r.add_argument("--dry-run", action="store_true", help="nur prüfen und anzeigen, nichts laden")
        r.set_defaults(func={"population": cmd_population, "targets": cmd_targets, "regions": cmd_regions}[name])

    b = sub.add_parser("boundaries", help="Kreis- und Ländergrenzen (BKG VG2500) einspielen",
                       description="Liest die BKG-Verwaltungsgrenzen (Shapefile-Ordner, zip oder GeoJSON) und "
                                   "legt vereinfachte GeoJSON-Dateien für die Karten ab.")
    b.add_argument("path", nargs="?", metavar="PFAD", help="Ordner, zip oder GeoJSON mit den Grenzen")
    b.add_argument("--download", action="store_true", help="Grenzen beim BKG herunterladen (braucht Internet)")
    b.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    b.set_defaults(func=cmd_boundaries)

    from .accounts import add_commands as add_user_commands
    from .annotations import add_commands as add_annotation_commands
    from .districts import add_commands as add_district_commands
    from .publish import add_commands as add_publish_commands

    add_user_commands(sub)
    add_annotation_commands(sub)
    add_district_commands(sub)
    add_publish_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.db:
        os.environ[config.DB_ENV] = args.db
    try:
        return args.func(args)
    except store.StoreBusy as exc:
        _err(str(exc))
        return 1


# --- check and load -------------------------------------------------------------------------------------------

def cmd_check(args) -> int:
    """``check``: report errors and warnings of each file; nothing is written except a missing database."""
    from .validate import check_path

    with store.connect() as con:
        regions = RegionIndex.from_db(con)
    today = config.today()
    entries: list[dict] = []
    code = 0
    for name in args.files:
        checked = check_path(name, dataset=args.dataset, regions=regions, today=today)
        if checked.unreadable:
            code = 2
            entries.append({"file": str(checked.path), "dataset": None, "rows": 0,
                            "errors": [checked.problem.as_json()], "warnings": []})
            if not args.json:
                _err(f"{checked.path}: nicht lesbar – {checked.problem.message}")
            continue
        if checked.problem:
            code = max(code, 1)
            entries.append({"file": checked.name, "dataset": None, "rows": 0,
                            "errors": [checked.problem.as_json()], "warnings": []})
            if not args.json:
                _err(checked.problem.message)
        for report in checked.reports:
            if report.errors:
                code = max(code, 1)
            entries.append(report.as_json())
            if not args.json:
                loaded = getattr(report, "loaded_as", None)
                _print_report_head(report, status=f"bereits als Batch {loaded} geladen" if loaded else None)
                print_problems(report.errors, report.warnings, args.limit)
    if args.json:
        print_json({"files": entries})
    elif len(args.files) > 1:
        print(f"{len(args.files)} Dateien geprüft: " + ("ohne Fehler." if code == 0 else "mit Fehlern."))
    return code


def cmd_load(args) -> int:
    """``load``: check each file and load the files without errors, one transaction (batches) per file."""
    outcome = loader.load_files(
        args.files, user=args.user or default_user(), dataset=args.dataset, replace=args.replace,
    )
    if args.json:
        print_json(outcome.as_json())
        return outcome.exit_code
    for f in outcome.files:
        for t in f.tables:
            _print_table_load(t, args.limit)
        if f.errors:
            _err(f"{f.file}: nicht geladen – " + " ".join(p.message for p in f.errors))
    if len(outcome.files) > 1:
        counts = {s: sum(f.status == s for f in outcome.files)
                  for s in (loader.LOADED, loader.UNCHANGED, loader.REJECTED)}
        print(f"{len(outcome.files)} Dateien: {counts[loader.LOADED]} geladen, {counts[loader.UNCHANGED]} unverändert, "
              f"{counts[loader.REJECTED]} abgelehnt.")
    return outcome.exit_code


def _print_table_load(t: loader.TableLoad, limit: int) -> None:
    if t.status == loader.LOADED:
        _print_report_head(t.report, status=f"geladen als Batch {t.batch_id}"
                           + (f", {_n(t.replaced_rows)} Zeilen ersetzt" if t.replaced_rows else ""))
        print_problems([], t.all_warnings, limit)
    elif t.status == loader.UNCHANGED:
        _print_report_head(t.report, status=f"bereits als Batch {t.batch_id} geladen – nichts geändert")
        print_problems([], t.report.warnings, limit)
    else:
        reason = "nicht geladen" if t.all_errors else "nicht geladen (Fehler in einer anderen Tabelle der Datei)"
        _print_report_head(t.report, status=reason, stream=sys.stderr)
        print_problems(t.all_errors, t.all_warnings, limit, stream=sys.stderr)


def _print_report_head(report, *, status: str | None, stream=None) -> None:
    if report.dataset:
        label = get_dataset(report.dataset).label_de
    else:  # problems of the file outside its tables: an unrecognised header, or only notes such as hidden sheets
        label = "Datensatz nicht erkannt" if report.errors else "Hinweise zur Datei"
    parts = [f"{_n(report.rows)} Zeilen"]
    quarters = list(getattr(report, "quarters", []) or [])
    if quarters:
        parts.append(_quarters_text(quarters))
    regions = list(getattr(report, "regions", []) or [])
    if regions:
        parts.append(_count(len(regions), "Kreis", "Kreise"))
    parts.append(_count(len(report.errors), "Fehler", "Fehler"))
    parts.append(_count(len(report.warnings), "Warnung", "Warnungen"))
    line = f"{report.file} – {label}: " + ", ".join(parts)
    if status:
        line += f" – {status}"
    print(line, file=stream or sys.stdout)




# --- history and undo -----------------------------------------------------------------------------------------

_HISTORY_HEAD = ("Batch", "Art", "Datensatz", "Datei", "Zeilen", "Quartale", "Kreise", "Benutzer", "Zeit",
                 "Status", "ersetzt")
def cmd_history(args) -> int:
    """``history``: every batch, newest first."""
    with store.connect() as con:
        batches = loader.history(con)
    if args.json:
        print_json({"batches": [b.as_json() for b in batches]})
        return 0
    if not batches:
        print("Noch nichts geladen.")
        return 0
    rows = [_HISTORY_HEAD] + [
        (
            str(b.batch_id),
            loader.batch_kind(b.kind) + (" (Demo)" if b.is_demo else ""),
            get_dataset(b.dataset).label_de if b.dataset in DATASETS else (b.dataset or "–"),
            b.file_name,
            _n(b.rows),
            _quarters_text(b.quarters, short=True) if b.quarters else "–",
            _n(len(b.regions)) if b.regions else "–",
            b.user_name,
            f"{b.loaded_at:%d.%m.%Y %H:%M}",
            "aktiv" if b.status == "active" else
            f"rückgängig {b.undone_at:%d.%m.%Y %H:%M} ({b.undone_by})" if b.undone_at else b.status,
            _n(b.replaced_rows),
        )
        for b in batches
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HISTORY_HEAD))]
    numeric = {0, 4, 6, 10}
    for r in rows:
        print("  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    return 0


def cmd_undo(args) -> int:
    """``undo``: restore the state before a batch (for boundaries also the previous map files)."""
    from .upload import undo_batch

    try:
        with store.connect(write=True) as con:
            outcome = undo_batch(con, args.batch_id, user=args.user or default_user())
    except loader.UndoRefused as exc:
        if args.json:
            print_json({"batch_id": args.batch_id, "undone": False, "message": str(exc)})
        _err(str(exc))
        return 1
    if args.json:
        print_json({**outcome.as_json(), "undone": True})
    else:
        print(outcome.message)
    return 0


# --- delegated commands (templates, demo, reference data, boundaries) ---------------------------------------

def cmd_template(args) -> int:
    """``template``: write an Excel template for a dataset."""
    from .template import write_template

    with store.connect() as con:
        regions = RegionIndex.from_db(con)
    out = write_template(args.dataset, Path(args.output), regions=regions, today=config.today())
    print(f"Vorlage für {get_dataset(args.dataset).label_de} geschrieben: {out}")
    return 0


def cmd_demo(args) -> int:
    """``demo``: build synthetic demo data and load it as demo batches."""
    from .demo import build_demo

    if args.workbooks:
        Path(args.workbooks).mkdir(parents=True, exist_ok=True)
    return report_result(build_demo(config.db_path(), today=config.today(), workdir=args.workbooks), args.json)


def cmd_population(args) -> int:
    """``population``: load a population vintage as a batch (``--basis`` where the file does not say)."""
    from .population import load_population

    return _run_reference_load(load_population, args, basis=args.basis)


def cmd_regions(args) -> int:
    """``regions``: load territorial changes or a region list as a batch; ``--dry-run`` only shows them."""
    from .regions import load_regions

    result = _run_load_result(load_regions, args, dry_run=args.dry_run)
    if isinstance(result, int):
        return result
    code = report_result(result, args.json)
    if not args.json and result.get("lines"):
        stream = sys.stderr if code else sys.stdout
        for line in result["lines"]:
            print(f"  {line}", file=stream)
    return code


def cmd_targets(args) -> int:
    """``targets``: load a Land's own targets as a batch."""
    from .targets import load_targets

    return _run_reference_load(load_targets, args)


def _run_reference_load(func, args, **options) -> int:
    result = _run_load_result(func, args, **options)
    return result if isinstance(result, int) else report_result(result, args.json)


def _run_load_result(func, args, **options) -> dict | int:
    """The result dict of a reference-data load, or the exit code when the file is missing or refused."""
    from .reader import UnreadableFile

    path = Path(args.file)
    if not path.is_file():
        _err(f"Datei „{path}“ nicht gefunden.")
        return 2
    try:
        return func(path, user=args.user or default_user(), db_path=config.db_path(), **options)
    except UnreadableFile as exc:
        if args.json:
            print_json({"file": path.name, "status": loader.REJECTED, "errors": [exc.as_problem()]})
        _err(str(exc))
        return 2
    except ValueError as exc:
        _err(str(exc))
        return 1


def cmd_boundaries(args) -> int:
    """``boundaries``: import the BKG boundaries for the maps."""
    from .boundaries import import_boundaries

    if not args.path and not args.download:
        _err("Bitte einen PFAD angeben oder --download verwenden.")
        return 2
    try:
        result = import_boundaries(Path(args.path) if args.path else None, download=args.download)
    except (ValueError, OSError) as exc:
        _err(str(exc))
        return 1
    return report_result(result, args.json)




# --- helpers ------------------------------------------------------------------------------------------------







def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _count(n: int, one: str, many: str) -> str:
    return f"{_n(n)} {one if n == 1 else many}"


def _quarters_text(quarters: Sequence[str], short: bool = False) -> str:
    quarters = sorted(quarters)
    if len(quarters) == 1:
        return quarters[0] if short else f"Quartal {quarters[0]}"
    span = f"{quarters[0]} bis {quarters[-1]} ({len(quarters)})"
    return span if short else f"Quartale {span}"
