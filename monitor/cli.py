"""Read-side command line: ``python -m monitor indicators --region AGS --period 2025-Q2``.

Exit codes: 0 done, 1 database busy, 2 wrong input (unknown region or period; German message on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from . import config, datasets, privacy, store
from .catalogue import CATALOGUE, PILLARS
from .indicators import VARIANTS, RegionReport, UnknownRegion, data_status, indicators_for, need_decimals
from .periods import Period
from .regions import RegionIndex


class _Parser(argparse.ArgumentParser):
    """argparse with German errors and exit code 2."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        print(f"Fehler: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m monitor", description="IK-Monitor: Indikatoren lesen.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ind = sub.add_parser("indicators", help="alle Indikatoren einer Region und eines Zeitraums")
    ind.add_argument("--region", required=True, help="AGS: 00 Deutschland, 03 Niedersachsen, 03404 Osnabrück")
    ind.add_argument("--period", required=True, help="Quartal (2025-Q2) oder Jahr (2025)")
    ind.add_argument("--json", action="store_true", help="als JSON ausgeben")
    ind.add_argument("--public", action="store_true", help="öffentlicher Modus: kleine Zahlen unterdrücken")
    ind.add_argument("--variant", default="DE", choices=VARIANTS, help="Soll-Variante für Schutzplätze")
    sub.add_parser("status", help="Datenstand: letzte Quartale, Stand, Demo-Daten")
    return p


def _resolve_region(con, text: str) -> str:
    """An AGS as given, or the AGS of an unambiguous Kreis name."""
    text = text.strip()
    if text.isdigit():
        return text
    matches = RegionIndex.from_db(con).find_by_name(text)
    if len(matches) == 1:
        return matches[0].ags
    if matches:
        options = ", ".join(f"{r.ags} {r.name}" for r in matches)
        raise UnknownRegion(f"„{text}“ ist mehrdeutig: {options}. Bitte den AGS angeben.")
    raise UnknownRegion(f"Unbekannte Region „{text}“ – bitte den Regionalschlüssel (AGS) angeben, z. B. 03404.")


def _table(report: RegionReport, public: bool) -> str:
    p = report.population
    lines = [f"{report.region_name} ({report.region}) – {Period(report.period).label_de()}"]
    if p.get("total") is not None:
        lines.append(
            f"Bevölkerung: {privacy.format_de(p['total'])} (davon Frauen {privacy.format_de(p['female'])}), "
            f"Stichtag {p['reference_date']:%d.%m.%Y}, Basis {p['basis']}"
        )
    lines.append(f"Soll-Variante Schutzplätze: {report.variant}")
    for ds, comp in report.completeness.items():
        lines.append(f"Meldestand {datasets.get(ds).label_de}: {comp.text_de}")
    if report.stand:
        lines.append(f"Stand: {report.stand:%d.%m.%Y, %H:%M} Uhr")
    if public:
        lines.append(f"Öffentlicher Modus: Fallzahlen unter {config.MIN_COUNT} als „{privacy.small_label()}“, "
                     f"Quoten auf weniger als {config.MIN_RATE_EVENTS} Ereignissen als „{privacy.WITHHELD}“.")
    width = max(len(i.label_de) for i in CATALOGUE.values())
    for pillar in PILLARS:
        rows = [v for v in report.values.values() if v.indicator.pillar == pillar]
        if not rows:
            continue
        lines += ["", pillar, "-" * len(pillar)]
        lines.append(f"  {'Indikator':<{width}}  {'Wert':>12}  {'Einheit':<26}  {'Soll':>10}  {'Lücke':>10}")
        for v in rows:
            ind = v.indicator
            shown = privacy.display_value(ind, v.value, v.events, public=public)
            own_target = v.target is not None and v.target.indicator == ind.id
            needed = privacy.format_de(v.needed, need_decimals(ind.id)) if own_target else ""
            gap = privacy.format_de(v.gap, need_decimals(ind.id)) if own_target else ""
            lines.append(f"  {ind.label_de:<{width}}  {shown.display:>12}  {ind.unit_de:<26}  {needed:>10}  {gap:>10}")
    lines += ["", privacy.NOTE_MISSING_DE]
    return "\n".join(lines)


def _indicators(args: argparse.Namespace) -> int:
    try:
        period = Period.parse(args.period)
    except ValueError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    with store.connect() as con:
        try:
            ags = _resolve_region(con, args.region)
            report = indicators_for(con, ags, period, variant=args.variant)
        except UnknownRegion as exc:
            print(f"Fehler: {exc}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(report.as_json(public=args.public), ensure_ascii=False, indent=2))
    else:
        print(_table(report, args.public))
    return 0


def _status() -> int:
    with store.connect() as con:
        s = data_status(con)
    print(f"Datenbank: {config.db_path()}")
    for ds, q in s["latest_quarter"].items():
        print(f"  {ds}: letztes Quartal {q or '–'}, {s['rows'][ds]} Zeilen")
    print(f"Stand: {s['stand_de'] or '–'}; aktive Ladevorgänge: {s['batches']}; Demo-Daten: "
          f"{'ja' if s['is_demo'] else 'nein'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m monitor``; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "indicators":
            return _indicators(args)
        return _status()
    except store.StoreBusy as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
