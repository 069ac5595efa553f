"""Read-side command line: ``python -m monitor indicators --region AGS --period 2025-Q2``.

Reports: ``briefing --region AGS --period P -o FILE.pdf [--public]`` (Regionalbriefing; ``--tile FILE.png`` adds
the 1200 × 675 slide), ``land-report --land AGS --period P -o FILE.pdf`` (Länderbericht) and
``planning --land AGS --period P -o FILE.xlsx`` (Bedarfsplanung nach dem Gewalthilfegesetz).

``--public`` reads the latest release (what the public sees: disclosure-controlled, rounded); without it the
figures come from the working store, unsuppressed, and every output says "Intern – nicht zur Veröffentlichung"
(PDF and file names included).

Exit codes: 0 done, 1 database busy, no release yet or no browser for the charts, 2 wrong input (unknown region
or period; German message on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from . import config, datasets, fmt, privacy, store
from .catalogue import CATALOGUE, PILLARS
from .figures import Figures, LiveFigures, NoRelease, ReleaseFigures
from .indicators import VARIANTS, RegionReport, UnknownRegion, need_decimals
from .periods import Period


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
    ind.add_argument("--public", action="store_true",
                     help="öffentliche Zahlen der neuesten Veröffentlichung (mit Geheimhaltung)")
    ind.add_argument("--variant", default="DE", choices=VARIANTS, help="Soll-Variante für Schutzplätze")
    stat = sub.add_parser("status", help="Datenstand: letzte Quartale, Stand, Demo-Daten")
    stat.add_argument("--public", action="store_true", help="Stand der neuesten Veröffentlichung")
    br = sub.add_parser("briefing", help="Regionalbriefing als PDF (1–2 Seiten A4)")
    br.add_argument("--region", required=True, help="AGS oder eindeutiger Kreisname: 00, 03, 03404")
    br.add_argument("--period", required=True, help="Quartal (2025-Q2) oder Jahr (2025)")
    br.add_argument("-o", "--output", required=True, help="Zieldatei (.pdf)")
    br.add_argument("--public", action="store_true", help="öffentliche Fassung aus der neuesten Veröffentlichung")
    br.add_argument("--variant", default="DE", choices=VARIANTS, help="Soll-Variante für Schutzplätze")
    br.add_argument("--tile", help="zusätzlich die Folienkachel (1200 × 675) als PNG in diese Datei")
    lr = sub.add_parser("land-report", help="Länderbericht als PDF")
    lr.add_argument("--land", required=True, help="AGS des Landes, zweistellig (z. B. 03)")
    lr.add_argument("--period", required=True, help="Quartal (2025-Q2) oder Jahr (2025)")
    lr.add_argument("-o", "--output", required=True, help="Zieldatei (.pdf)")
    lr.add_argument("--public", action="store_true", help="öffentliche Fassung aus der neuesten Veröffentlichung")
    lr.add_argument("--variant", default="DE", choices=VARIANTS, help="Soll-Variante für Schutzplätze")
    pl = sub.add_parser("planning", help="Bedarfsplanung nach dem Gewalthilfegesetz als Excel-Datei")
    pl.add_argument("--land", required=True, help="AGS des Landes, zweistellig (z. B. 03)")
    pl.add_argument("--period", required=True, help="Quartal (2025-Q2) oder Jahr (2025)")
    pl.add_argument("-o", "--output", required=True, help="Zieldatei (.xlsx)")
    pl.add_argument("--variant", default="DE", choices=VARIANTS, help="Soll-Variante für Schutzplätze")
    pl.add_argument("--public", action="store_true", help="aus der neuesten Veröffentlichung")
    return p


def _figures(public: bool) -> Figures:
    """The latest release for ``--public``, else the working store (internal)."""
    return ReleaseFigures.latest() if public else LiveFigures()


def _resolve_region(figures: Figures, text: str) -> str:
    """An AGS as given, or the AGS of an unambiguous Kreis name."""
    text = text.strip()
    if text.isdigit():
        return text
    matches = figures.regions().find_by_name(text)
    if len(matches) == 1:
        return matches[0].ags
    if matches:
        options = ", ".join(f"{r.ags} {r.name}" for r in matches)
        raise UnknownRegion(f"„{text}“ ist mehrdeutig: {options}. Bitte den AGS angeben.")
    raise UnknownRegion(f"Unbekannte Region „{text}“ – bitte den Regionalschlüssel (AGS) angeben, z. B. 03404.")


def _table(report: RegionReport, status: dict) -> str:
    p = report.population
    rel = status.get("release")
    lines = [f"{report.region_name} ({report.region}) – {Period(report.period).label_de()}"]
    lines.append(f"Veröffentlichung {rel['number']} vom {rel['created_at']:%d.%m.%Y}" if rel
                 else f"{privacy.internal('de')} (Arbeitsbestand, ungesperrt)")
    if p.get("total") is not None:
        lines.append(
            f"Bevölkerung: {fmt.number(p['total'])} (davon Frauen {fmt.number(p['female'])}), "
            f"Stichtag {p['reference_date']:%d.%m.%Y}, Basis {p['basis']}"
        )
    lines.append(f"Soll-Variante Schutzplätze: {report.variant}")
    for ds, comp in report.completeness.items():
        lines.append(f"Meldestand {datasets.get(ds).label_de}: {comp.text_de}")
    if report.stand:
        lines.append(f"Stand: {report.stand:%d.%m.%Y, %H:%M} Uhr")
    if rel:
        lines += privacy.notes("de", rel["min_count"], rel["min_events"])
    width = max(len(i.label_de) for i in CATALOGUE.values())
    for pillar in PILLARS:
        rows = [v for v in report.values.values() if v.indicator.pillar == pillar]
        if not rows:
            continue
        lines += ["", pillar, "-" * len(pillar)]
        lines.append(f"  {'Indikator':<{width}}  {'Wert':>12}  {'Einheit':<26}  {'Soll':>10}  {'Lücke':>10}")
        for v in rows:
            ind = v.indicator
            shown = privacy.display_value(ind, v.value, v.flag)
            own_target = v.target is not None and v.target.indicator == ind.id
            needed = fmt.number(v.needed, need_decimals(ind.id)) if own_target else ""
            gap = fmt.number(v.gap, need_decimals(ind.id)) if own_target else ""
            lines.append(f"  {ind.label_de:<{width}}  {shown.display:>12}  {ind.unit_de:<26}  {needed:>10}  {gap:>10}")
    lines += ["", privacy.missing_note("de")]
    return "\n".join(lines)


def _indicators(args: argparse.Namespace) -> int:
    try:
        period = Period.parse(args.period)
    except ValueError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    figures = _figures(args.public)
    try:
        ags = _resolve_region(figures, args.region)
        report = figures.report(ags, period, args.variant)
    except UnknownRegion as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    status = figures.status()
    if args.json:
        out = report.as_json()
        out["release"] = status["release"]["number"] if status.get("release") else None
        if not status.get("release"):
            out["note"] = privacy.internal('de')
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        print(_table(report, status))
    return 0


def _status(args: argparse.Namespace) -> int:
    s = _figures(args.public).status()
    rel = s.get("release")
    if rel:
        print(f"Veröffentlichung {rel['number']} vom {rel['created_at']:%d.%m.%Y, %H:%M} Uhr ({rel['author']})"
              + (f": {rel['note']}" if rel.get("note") else ""))
    else:
        print(f"Datenbank: {config.db_path()} ({privacy.internal('de')})")
    for ds, q in s["latest_quarter"].items():
        print(f"  {ds}: letztes Quartal {q or '–'}, {s['rows'][ds]} Zeilen")
    print(f"Stand: {s['stand_de'] or '–'}; aktive Ladevorgänge: {s['batches']}; Demo-Daten: "
          f"{'ja' if s['is_demo'] else 'nein'}")
    return 0


def _marked(out: Path, public: bool) -> Path:
    """An internal file carries ``_INTERN`` in its name, whatever name was asked for."""
    if public or "INTERN" in out.name.upper():
        return out
    return out.with_name(privacy.file_name(out.name, public))


def _report(args: argparse.Namespace) -> int:
    """``briefing``, ``land-report`` and ``planning``: gather the figures, then write the file."""
    from . import images, planning, reports  # late: the browser and PDF libraries are needed only here

    try:
        period = Period.parse(args.period)
    except ValueError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    figures = _figures(args.public)
    out = _marked(Path(args.output), args.public)
    try:
        if args.command == "briefing":
            data = reports.build_briefing(figures, _resolve_region(figures, args.region), period,
                                          variant=args.variant)
        elif args.command == "land-report":
            data = reports.build_land_report(figures, args.land.strip(), period, variant=args.variant)
        else:
            data = planning.build_plan(figures, args.land.strip(), period, variant=args.variant)
    except UnknownRegion as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "briefing":
            content = reports.briefing_pdf(data)
            tile = reports.tile_png(data) if args.tile else None
        elif args.command == "land-report":
            content, tile = reports.land_report_pdf(data), None
        else:
            content, tile = planning.plan_xlsx(data), None
    except images.RendererUnavailable as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(f"{out} geschrieben ({len(content) // 1024} KB)" + ("." if args.public else f" – {privacy.internal('de')}."))
    if tile is not None:
        tile_path = _marked(Path(args.tile), args.public)
        tile_path.write_bytes(tile)
        print(f"{tile_path} geschrieben (Folienkachel 1200 × 675).")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m monitor``; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "indicators":
            return _indicators(args)
        if args.command in ("briefing", "land-report", "planning"):
            return _report(args)
        return _status(args)
    except (store.StoreBusy, NoRelease) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
