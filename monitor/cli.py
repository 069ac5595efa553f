"""Read-side command line: ``python -m monitor indicators --region AGS --period 2025-Q2``.

Reports: ``briefing --region AGS --period P -o FILE.pdf [--public]`` (Regionalbriefing; ``--tile FILE.png`` adds
the 1200 × 675 slide; ``briefing --land AGS -o DIR`` writes briefing and tile for every Kreis of a Land, with one
browser for all of them), ``land-report --land AGS --period P -o FILE.pdf`` (Länderbericht) and
``planning --land AGS --period P -o FILE.xlsx`` (Bedarfsplanung nach dem Gewalthilfegesetz).

``--public`` reads the latest release (what the public sees: disclosure-controlled, rounded); without it the
figures come from the working store, unsuppressed, and every output says "Intern – nicht zur Veröffentlichung"
(PDF and file names included).

``--lang de|en`` (default ``de``): the language of the table ``indicators`` prints and of the documents
(briefing, tile, Länderbericht, planning workbook); numbers and dates follow it.

Exit codes: 0 done, 1 database busy, no release yet or no browser for the charts, 2 wrong input (unknown region
or period; German message on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from . import config, datasets, fmt, privacy, store
from .catalogue import CATALOGUE, PILLARS, PILLARS_EN
from .figures import Figures, LiveFigures, NoRelease, ReleaseFigures
from .i18n import LANGUAGES, N_, translate
from .indicators import VARIANTS, RegionReport, UnknownRegion, need_decimals
from .periods import Period

ERROR = N_("Fehler: {message}")


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
    _language_option(ind)
    stat = sub.add_parser("status", help="Datenstand: letzte Quartale, Stand, Demo-Daten")
    stat.add_argument("--public", action="store_true", help="Stand der neuesten Veröffentlichung")
    _language_option(stat)
    br = sub.add_parser("briefing", help="Regionalbriefing als PDF (1–2 Seiten A4), für eine Region oder alle "
                                         "Kreise eines Landes")
    where = br.add_mutually_exclusive_group(required=True)
    where.add_argument("--region", help="AGS oder eindeutiger Kreisname: 00, 03, 03404")
    where.add_argument("--land", help="AGS eines Landes (z. B. 05): Briefing und Folienkachel für jeden seiner "
                                      "Kreise, -o ist dann ein Ordner")
    br.add_argument("--period", required=True, help="Quartal (2025-Q2) oder Jahr (2025)")
    br.add_argument("-o", "--output", required=True, help="Zieldatei (.pdf), mit --land ein Ordner")
    br.add_argument("--public", action="store_true", help="öffentliche Fassung aus der neuesten Veröffentlichung")
    br.add_argument("--variant", default="DE", choices=VARIANTS, help="Soll-Variante für Schutzplätze")
    br.add_argument("--tile", help="zusätzlich die Folienkachel (1200 × 675) als PNG in diese Datei")
    _language_option(br)
    lr = sub.add_parser("land-report", help="Länderbericht als PDF")
    lr.add_argument("--land", required=True, help="AGS des Landes, zweistellig (z. B. 03)")
    lr.add_argument("--period", required=True, help="Quartal (2025-Q2) oder Jahr (2025)")
    lr.add_argument("-o", "--output", required=True, help="Zieldatei (.pdf)")
    lr.add_argument("--public", action="store_true", help="öffentliche Fassung aus der neuesten Veröffentlichung")
    lr.add_argument("--variant", default="DE", choices=VARIANTS, help="Soll-Variante für Schutzplätze")
    _language_option(lr)
    pl = sub.add_parser("planning", help="Bedarfsplanung nach dem Gewalthilfegesetz als Excel-Datei")
    pl.add_argument("--land", required=True, help="AGS des Landes, zweistellig (z. B. 03)")
    pl.add_argument("--period", required=True, help="Quartal (2025-Q2) oder Jahr (2025)")
    pl.add_argument("-o", "--output", required=True, help="Zieldatei (.xlsx)")
    pl.add_argument("--variant", default="DE", choices=VARIANTS, help="Soll-Variante für Schutzplätze")
    pl.add_argument("--public", action="store_true", help="aus der neuesten Veröffentlichung")
    _language_option(pl)
    return p


def _language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", default="de", choices=tuple(LANGUAGES),
                        help="Sprache der Ausgabe: de (Deutsch, Standard) oder en (Englisch)")


def _error(exc: Exception | str, language: str = "de") -> None:
    text = exc.text(language) if hasattr(exc, "text") else str(exc)
    print(translate(ERROR, language, message=text), file=sys.stderr)


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
        raise UnknownRegion(N_("„{name}“ ist mehrdeutig: {options}. Bitte den AGS angeben."), name=text,
                            options=options)
    raise UnknownRegion(N_("Unbekannte Region „{name}“ – bitte den Regionalschlüssel (AGS) angeben, z. B. 03404."),
                        name=text)


def _table(report: RegionReport, status: dict, language: str = "de") -> str:
    def t(msgid: str, **params) -> str:
        return translate(msgid, language, **params)

    en = language == "en"
    p = report.population
    rel = status.get("release")
    lines = [f"{report.region_name} ({report.region}) – {fmt.period(report.period, language, long=True)}"]
    lines.append(t(N_("Veröffentlichung {number} vom {date}"), number=rel["number"],
                   date=fmt.date_(rel["created_at"], language)) if rel
                 else t(N_("{internal} (Arbeitsbestand, ungesperrt)"), internal=privacy.internal(language)))
    if p.get("total") is not None:
        lines.append(t(N_("Bevölkerung: {total} (davon Frauen {female}), Stichtag {date}, Basis {basis}"),
                       total=fmt.integer(p["total"], language), female=fmt.integer(p["female"], language),
                       date=fmt.date_(p["reference_date"], language), basis=p["basis"]))
    lines.append(t(N_("Soll-Variante Schutzplätze: {variant}"), variant=report.variant))
    for ds, comp in report.completeness.items():
        d = datasets.get(ds)
        lines.append(t(N_("Meldestand {dataset}: {text}"), dataset=d.label_en if en else d.label_de,
                       text=comp.text(language)))
    if report.stand:
        lines.append(t(N_("Stand: {stand}"), stand=fmt.datetime_(report.stand, language)))
    if rel:
        lines += privacy.notes(language, rel["min_count"], rel["min_events"])
    label = {i.id: i.label_en if en else i.label_de for i in CATALOGUE.values()}
    width = max(len(x) for x in label.values())
    heads = [t(N_("Indikator")), t(N_("Wert")), t(N_("Einheit")), t(N_("Soll")), t(N_("Lücke"))]
    for pillar in PILLARS:
        rows = [v for v in report.values.values() if v.indicator.pillar == pillar]
        if not rows:
            continue
        name = PILLARS_EN[pillar] if en else pillar
        lines += ["", name, "-" * len(name)]
        lines.append(f"  {heads[0]:<{width}}  {heads[1]:>12}  {heads[2]:<26}  {heads[3]:>10}  {heads[4]:>10}")
        for v in rows:
            ind = v.indicator
            shown = privacy.display_value(ind, v.value, v.flag, language=language)
            own_target = v.target is not None and v.target.indicator == ind.id
            needed = fmt.number(v.needed, need_decimals(ind.id), language) if own_target else ""
            gap = fmt.number(v.gap, need_decimals(ind.id), language) if own_target else ""
            unit = ind.unit_en if en else ind.unit_de
            lines.append(f"  {label[ind.id]:<{width}}  {shown.display:>12}  {unit:<26}  {needed:>10}  {gap:>10}")
    lines += ["", privacy.missing_note(language)]
    return "\n".join(lines)


def _indicators(args: argparse.Namespace) -> int:
    try:
        period = Period.parse(args.period)
    except ValueError as exc:
        _error(exc, args.lang)
        return 2
    figures = _figures(args.public)
    try:
        ags = _resolve_region(figures, args.region)
        report = figures.report(ags, period, args.variant)
    except UnknownRegion as exc:
        _error(exc, args.lang)
        return 2
    status = figures.status()
    if args.json:
        out = report.as_json()
        out["release"] = status["release"]["number"] if status.get("release") else None
        if not status.get("release"):
            out["note"] = privacy.internal(args.lang)
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        print(_table(report, status, args.lang))
    return 0


def _status(args: argparse.Namespace) -> int:
    language = args.lang
    s = _figures(args.public).status()
    rel = s.get("release")
    if rel:
        print(translate(N_("Veröffentlichung {number} vom {date} ({author})"), language, number=rel["number"],
                        date=fmt.datetime_(rel["created_at"], language), author=rel["author"])
              + (f": {rel['note']}" if rel.get("note") else ""))
    else:
        print(translate(N_("Datenbank: {path} ({internal})"), language, path=config.db_path(),
                        internal=privacy.internal(language)))
    for ds, q in s["latest_quarter"].items():
        print("  " + translate(N_("{dataset}: letztes Quartal {quarter}, {rows} Zeilen"), language, dataset=ds,
                               quarter=q or "–", rows=fmt.integer(s["rows"][ds], language)))
    print(translate(N_("Stand: {stand}; aktive Ladevorgänge: {batches}; Demo-Daten: {demo}"), language,
                    stand=fmt.datetime_(s.get("stand"), language), batches=fmt.integer(s["batches"], language),
                    demo=translate(N_("ja") if s["is_demo"] else N_("nein"), language)))
    return 0


def _marked(out: Path, public: bool) -> Path:
    """An internal file carries ``_INTERN`` in its name, whatever name was asked for."""
    if public or "INTERN" in out.name.upper():
        return out
    return out.with_name(privacy.file_name(out.name, public))


def _report(args: argparse.Namespace) -> int:
    """``briefing``, ``land-report`` and ``planning``: gather the figures, then write the file."""
    from . import images, planning, reports  # late: the browser and PDF libraries are needed only here

    language = args.lang
    try:
        period = Period.parse(args.period)
    except ValueError as exc:
        _error(exc, language)
        return 2
    figures = _figures(args.public)
    if args.command == "briefing" and args.land:
        return _series(figures, args, period)
    out = _marked(Path(args.output), args.public)
    try:
        if args.command == "briefing":
            data = reports.build_briefing(figures, _resolve_region(figures, args.region), period,
                                          variant=args.variant)
        elif args.command == "land-report":
            data = reports.build_land_report(figures, args.land.strip(), period, variant=args.variant)
        else:
            data = planning.build_plan(figures, args.land.strip(), period, variant=args.variant, language=language)
    except UnknownRegion as exc:
        _error(exc, language)
        return 2
    try:
        if args.command == "briefing":
            content = reports.briefing_pdf(data, language=language)
            tile = reports.tile_png(data, language=language) if args.tile else None
        elif args.command == "land-report":
            content, tile = reports.land_report_pdf(data, language=language), None
        else:
            content, tile = planning.plan_xlsx(data, language), None
    except images.RendererUnavailable as exc:
        _error(exc, language)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    _written(out, len(content), args.public, language)
    if tile is not None:
        tile_path = _marked(Path(args.tile), args.public)
        tile_path.write_bytes(tile)
        print(translate(N_("{path} geschrieben (Folienkachel 1200 × 675)."), language, path=tile_path))
    return 0


def _series(figures: Figures, args: argparse.Namespace, period: Period) -> int:
    """``briefing --land AGS -o DIR``: briefing and tile of every Kreis of the Land, one browser for all."""
    from . import images, reports

    language, folder = args.lang, Path(args.output)
    started = time.perf_counter()
    try:
        briefings = reports.build_briefings(figures, args.land.strip(), period, variant=args.variant)
    except UnknownRegion as exc:
        _error(exc, language)
        return 2
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        for name, content in reports.briefing_series_files(briefings, language=language):
            (folder / name).write_bytes(content)
            if name.endswith(".pdf"):
                written += 1
                _written(folder / name, len(content), args.public, language)
    except images.RendererUnavailable as exc:
        _error(exc, language)
        return 1
    print(translate(N_("{n} Regionalbriefings mit Folienkachel in {folder} ({seconds} s)."), language, n=written,
                    folder=folder, seconds=fmt.number(time.perf_counter() - started, 1, language)))
    return 0


def _written(path: Path, size: int, public: bool, language: str) -> None:
    """"FILE geschrieben (293 KB)." – internal files say so."""
    text = translate(N_("{path} geschrieben ({size} KB)"), language, path=path,
                     size=fmt.integer(size // 1024, language))
    print(text + ("." if public else f" – {privacy.internal(language)}."))


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
        _error(exc, getattr(args, "lang", "de"))
        return 1
