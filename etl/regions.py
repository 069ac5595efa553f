"""Regions and their territorial changes: import a change table or check a region list, as an undoable batch.

Two kinds of file are read (CSV in UTF-8, UTF-16 or cp1252 with ``;`` or ``,``, or a workbook):

* **A table of territorial changes**, one row per change: date (``change_date`` or ``wirksam_ab``), old key
  (``from_ags`` / ``ags_alt``: a Kreis, or a municipality's 8-digit key when a town leaves its Kreis), new key
  (``to_ags`` / ``ags_neu``), and optionally names, the kind, the share of the population moved, a
  description and the source — the format of ``data/reference/region_changes.csv`` or of the German change
  lists (``wirksam_ab;ereignis;ags_alt;name_alt;ags_neu;name_neu;…;quelle``). A whole Kreis joining another ends
  on the day before (``valid_to``); a Kreis the monitor does not know yet begins on the day of the change
  (``valid_from``, name and type from the row); a Kreis that gave or received territory keeps its key, and the
  change itself records that its territory changed (``region_changes``, see docs/data-model.md).
* **A region list**: the format of ``data/reference/regions.csv`` (rows are added or replaced as written), or
  the Destatis list "Kreisfreie Städte und Landkreise" (``04-kreise…xlsx``) of one Gebietsstand, which is
  compared with the Kreise the monitor has for that day. A Kreis missing on either side is an error that says
  which change table to load first; when the lists agree nothing changes.

``plan_regions`` says what a file would change (the preview, ``--dry-run``); ``load_regions`` writes it as a
batch of kind ``regions`` in one transaction: the new region versions (``region_versions``) and changes
(``region_changes``), after which ``regions`` is rebuilt from the versions of the active batches
(``store.rebuild_regions``). Undoing the batch (``etl.loader.undo``) rebuilds ``regions`` without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from monitor import store
from monitor.regions import Region, RegionChange, RegionIndex, normalise_name

from . import safety
from .population import insert_batch, read_destatis_kreise
from .problems import N_, Both, Msg, Num, Problem, problem, rejected_message, validity_text
from .reader import UnreadableFile, csv_records, decode_text, unreadable, workbook_sheets
from .values import as_text, is_missing, parse_decimal

LOADED, UNCHANGED, REJECTED = "loaded", "unchanged", "rejected"
KIND = "regions"
KINDS_DE = {"merged": N_("eingegliedert"), "split": N_("ausgegliedert (neuer Kreis)"), "moved": N_("umgegliedert")}

# column → accepted headers (matched with normalise_name: case, umlauts, punctuation and spaces ignored)
CHANGE_COLUMNS = {
    "change_date": ("change_date", "wirksam_ab", "wirksam ab", "datum", "gültig ab", "date"),
    "from_ags": ("from_ags", "ags_alt", "schlüssel alt", "alter schlüssel", "bisheriger schlüssel"),
    "to_ags": ("to_ags", "ags_neu", "schlüssel neu", "neuer schlüssel"),
    "from_name": ("from_name", "name_alt", "bisheriger name"),
    "to_name": ("to_name", "name_neu", "neuer name"),
    "kind": ("kind", "art"),
    "municipality": ("municipality", "gemeinde", "gemeindeschlüssel"),
    "population_share": ("population_share", "anteil", "bevölkerungsanteil"),
    "description_de": ("description_de", "ereignis", "beschreibung"),
    "source": ("source", "quelle"),
}
LIST_COLUMNS = ("ags", "level", "name", "short_name", "region_type", "land_ags", "valid_from", "valid_to")
_TYPES = (("kreisfreie stadt", "kreisfreie Stadt"), ("krfr. stadt", "kreisfreie Stadt"), ("stadtkreis", "Stadtkreis"),
          ("landkreis", "Landkreis"), ("regionalverband", "Regionalverband"), ("kreis", "Kreis"))
_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_LEVELS = {"bund": 2, "land": 2, "kreis": 5}


@dataclass
class RegionPlan:
    """What a region file would change: new territorial changes and new versions of region rows."""

    file: str
    recognised: str = ""  # what the file was recognised as (a Msg: German, and said in any language)
    changes: list[RegionChange] = field(default_factory=list)
    versions: list[Region] = field(default_factory=list)
    known: int = 0  # rows of the file the monitor already has exactly so
    lines: list[str] = field(default_factory=list)  # one line per change (Msg: German, and in any language)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes and not self.versions


# --- public functions ----------------------------------------------------------------------------------------

def plan_regions(path: Path | str, regions: RegionIndex) -> RegionPlan:
    """Read a change table or region list and compare it with ``regions``; nothing is written."""
    path = Path(path)
    plan = RegionPlan(path.name)
    try:
        tables = _tables(path)
    except UnreadableFile as exc:
        plan.errors.append(exc.as_problem())
        return plan
    for sheet, records in tables:
        header_at, kind, index = _header(records)
        if kind == "changes":
            plan.recognised = Msg(N_("eine Tabelle der Gebietsänderungen"))
            written = {c: as_text(records[header_at][1][j]) for c, j in index.items()}
            _plan_changes(plan, records[header_at + 1:], index, written, sheet, regions)
            return plan
        if kind == "list":
            plan.recognised = Msg(N_("eine Regionenliste im Format von regions.csv"))
            _plan_list(plan, records[header_at + 1:], index, sheet, regions)
            return plan
    if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        try:
            when, kreise = read_destatis_kreise(path)
        except UnreadableFile as exc:
            plan.errors.append(exc.as_problem())
            return plan
        if kreise:
            plan.recognised = Msg(N_("die Destatis-Liste „Kreisfreie Städte und Landkreise“"))
            _plan_destatis(plan, when, kreise, regions)
            return plan
    plan.errors.append(problem("region-file-unknown", file=path.name))
    return plan


def load_regions(path: Path | str, *, user: str, db_path: Path | str | None = None, dry_run: bool = False) -> dict:
    """Check a region file and (unless ``dry_run``) load what it changes as one batch of kind ``regions``.

    Returns a dict with ``status`` (``loaded``, ``unchanged`` or ``rejected``; ``checked`` for a dry run
    without errors), ``message`` (a ``Msg``: German, and in any language), ``batch_id``, ``lines`` (what changes),
    ``changes``, ``regions`` (new region versions), ``known``, ``errors`` and ``warnings``.
    """
    path = Path(path)
    if dry_run:
        with store.connect(db_path) as con:
            plan = plan_regions(path, RegionIndex.from_db(con))
        return _result(plan, "checked" if not plan.errors else REJECTED, None)
    with store.connect(db_path, write=True) as con:
        plan = plan_regions(path, RegionIndex.from_db(con))
        if plan.errors:
            return _result(plan, REJECTED, None)
        if plan.empty:
            return _result(plan, UNCHANGED, None)
        batch_id = _insert(con, plan, path, user)
    return _result(plan, LOADED, batch_id)


def check_undo(con: duckdb.DuckDBPyConnection, batch_id: int) -> Msg | None:
    """Why undoing regions batch ``batch_id`` would leave an inconsistent state, or None.

    Regions batches are undone newest first; and no data in force may name a Kreis the undo takes away, or
    report for a quarter in which the Kreis would no longer exist. Call after ``store.rebuild_regions`` inside
    the undo's transaction.
    """
    later = con.execute(
        "SELECT max(batch_id) FROM batches WHERE kind = ? AND status = 'active' AND batch_id > ?",
        [KIND, batch_id]).fetchall()[0][0]
    if later is not None:
        return Msg(N_("Batch {batch} kann nicht rückgängig gemacht werden: Batch {later} hat die Regionenliste "
                      "danach geändert. Bitte zuerst Batch {later} rückgängig machen."), batch=batch_id, later=later)
    from monitor.datasets import DATASETS
    from monitor.periods import Quarter

    after = RegionIndex.from_db(con)
    for ds in DATASETS.values():
        used = con.execute(f"SELECT DISTINCT ags, quarter FROM {ds.table}_current").fetchall()
        gone = sorted({ags for ags, quarter in used
                       if (r := after.get(ags)) is None or not r.overlaps(Quarter.parse(quarter).start,
                                                                            Quarter.parse(quarter).end)})
        if gone:
            return Msg(N_("Batch {batch} kann nicht rückgängig gemacht werden: geladene Daten ({dataset}) nennen "
                          "Kreise, die es danach im Berichtsquartal nicht gäbe ({kreise}). Bitte zuerst diese Daten "
                          "rückgängig machen."), batch=batch_id, dataset=Both(ds.label_de, ds.label_en),
                       kreise=", ".join(gone[:5]))
    return None


# --- reading -------------------------------------------------------------------------------------------------

def _tables(path: Path) -> list[tuple[str | None, list[tuple[int, list]]]]:
    """(sheet, [(row number, cells)]) for every sheet of a workbook, or the one table of a CSV."""
    data = safety.read_checked(path)
    if data.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        return [(s.name, [(i + 1, r) for i, r in enumerate(s.rows)]) for s in workbook_sheets(data, path.name)]
    text = decode_text(data)
    if "\x00" in text[:4096]:
        raise unreadable("unreadable-file", file=path.name)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    return [(None, list(csv_records(text, delimiter, path.name)))]


def _header(records: list[tuple[int, list]]) -> tuple[int, str | None, dict[str, int]]:
    """The header row (index), the kind of table (``changes``, ``list`` or None) and column → index."""
    aliases = {normalise_name(a): col for col, names in CHANGE_COLUMNS.items() for a in names}
    for i, (_, row) in enumerate(records[:20]):
        names = [normalise_name(c) if isinstance(c, str) else "" for c in row]
        found = {aliases[n]: j for j, n in reversed(list(enumerate(names))) if n in aliases}
        if {"change_date", "from_ags", "to_ags"} <= set(found):
            return i, "changes", found
        listed = {n: j for j, n in enumerate(names) if n in {normalise_name(c): c for c in LIST_COLUMNS}}
        mapping = {c: listed[normalise_name(c)] for c in LIST_COLUMNS if normalise_name(c) in listed}
        if {"ags", "level", "name"} <= set(mapping):
            return i, "list", mapping
    return 0, None, {}


def _cell(row: list, index: dict[str, int], column: str) -> object:
    j = index.get(column)
    value = row[j] if j is not None and j < len(row) else None
    return None if is_missing(value) or (isinstance(value, str) and not value.strip()) else value


def _text(row: list, index: dict[str, int], column: str) -> str:
    value = _cell(row, index, column)
    return "" if value is None else as_text(value)


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    text = as_text(value)
    m = _DATE_DE.match(text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


def _digits(value: object) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s+", "", str(value)) if value is not None else ""
    return text if text.isdigit() else None


def _kreis_key(value: object) -> tuple[str | None, str | None]:
    """(Kreis, municipality) from a key: 5 digits a Kreis; 8 digits (or a 12-digit ARS) a municipality in it."""
    digits = _digits(value)
    if digits is None:
        return None, None
    if len(digits) in (4, 5):
        return digits.zfill(5), None
    if len(digits) in (7, 8):
        digits = digits.zfill(8)
        return digits[:5], digits
    if len(digits) in (11, 12):
        digits = digits.zfill(12)
        return digits[:5], digits[:5] + digits[9:]
    return None, None


def _clean_name(text: str) -> str:
    """An official name without remarks in parentheses ("Hanau, kreisfreie Stadt (Gemeindeschlüssel …)")."""
    return re.sub(r"\s*\([^)]*\)", "", text).strip()


def _region_type(name: str) -> str:
    low = name.lower()
    return next((t for marker, t in _TYPES if marker in low), "Kreis")


def _short(name: str) -> str:
    return name.split(",")[0].strip() or name


# --- change tables -------------------------------------------------------------------------------------------

def _plan_changes(plan: RegionPlan, rows: list[tuple[int, list]], index: dict[str, int], headers: dict[str, str],
                  sheet: str | None, regions: RegionIndex) -> None:
    """New changes and region versions from the rows of a change table; ``headers``: column → as written."""
    known = {(c.change_date, c.from_ags, c.to_ags, c.municipality) for c in regions.changes}
    # region rows as they will be after the earlier rows of this file: a file may create a Kreis and use it
    state: dict[str, Region] = {r.ags: r for r in regions.regions if r.level == "kreis"}
    for line, row in rows:
        if all(v is None for v in (_cell(row, index, c) for c in index)):
            continue
        when = _date(_cell(row, index, "change_date"))
        if when is None:
            plan.errors.append(problem("region-bad-date", row=line, column=headers["change_date"], sheet=sheet,
                                       value=_text(row, index, "change_date")))
            continue
        from_ags, municipality = _kreis_key(_cell(row, index, "from_ags"))
        to_ags, _ = _kreis_key(_cell(row, index, "to_ags"))
        bad = False
        for column, key in (("from_ags", from_ags), ("to_ags", to_ags)):
            if key is None:
                bad = True
                plan.errors.append(problem("region-bad-key", row=line, column=headers[column], sheet=sheet,
                                           value=_text(row, index, column)))
        share = None
        if _cell(row, index, "population_share") is not None:
            parsed = parse_decimal(_cell(row, index, "population_share"))
            share = parsed.value if parsed.code is None else None
            if share is None or not 0 < share <= 1:
                bad = True
                plan.errors.append(problem("region-bad-share", row=line, column=headers["population_share"],
                                           sheet=sheet, value=_text(row, index, "population_share")))
        if bad:
            continue
        if municipality is None and _text(row, index, "municipality"):
            _, municipality = _kreis_key(_cell(row, index, "municipality"))
        if (when, from_ags, to_ags, municipality) in known:
            plan.known += 1
            continue
        errors_before = len(plan.errors)
        source = _text(row, index, "source")
        old, new = state.get(from_ags), state.get(to_ags)
        whole = municipality is None
        if old is None:
            name = _clean_name(_text(row, index, "from_name"))
            if not name:
                plan.errors.append(problem("region-name-missing", row=line, sheet=sheet, ags=from_ags,
                                           column_name=_name_column(headers, "from_name")))
                continue
            # a Kreis from before the monitor's list: known from now on, until the day before the change
            old = Region(from_ags, "kreis", name, _short(name), _region_type(name), from_ags[:2], None,
                         when - timedelta(days=1) if whole else None)
            plan.versions.append(old)
            plan.lines.append(Msg(N_("Neuer früherer Kreis {ags} {name}, gültig bis {end}"), ags=from_ags, name=name,
                                  end=old.valid_to) if old.valid_to else
                              Msg(N_("Neuer früherer Kreis {ags} {name}"), ags=from_ags, name=name))
            state[from_ags] = old
        elif not old.valid_on(when - timedelta(days=1)):
            plan.errors.append(problem("region-change-conflict", row=line, sheet=sheet, date=when,
                                       ags=from_ags, name=old.name, validity=_validity(old)))
            continue
        elif whole and old.valid_to != when - timedelta(days=1):
            ended = replace(old, valid_to=when - timedelta(days=1))
            plan.versions.append(ended)
            plan.lines.append(Msg(N_("{ags} {name}: gültig bis {end}"), ags=old.ags, name=old.name,
                                  end=ended.valid_to))
            state[from_ags] = ended
        if new is None:
            name = _clean_name(_text(row, index, "to_name"))
            if not name:
                plan.errors.append(problem("region-name-missing", row=line, sheet=sheet, ags=to_ags,
                                           column_name=_name_column(headers, "to_name")))
                continue
            new = Region(to_ags, "kreis", name, _short(name), _region_type(name), to_ags[:2], when, None)
            plan.versions.append(new)
            plan.lines.append(Msg(N_("Neuer Kreis {ags} {name}, gültig ab {start}"), ags=to_ags, name=name, start=when))
            state[to_ags] = new
            created = True
        else:
            created = False
            if not new.valid_on(when):
                plan.errors.append(problem("region-change-conflict", row=line, sheet=sheet, date=when,
                                           ags=to_ags, name=new.name, validity=_validity(new)))
                continue
        if len(plan.errors) > errors_before:
            continue
        kind = _text(row, index, "kind") or ("merged" if whole else "split" if created else "moved")
        if kind not in KINDS_DE:
            kind = "merged" if whole else "split" if created else "moved"
        what = (Msg(N_("Gemeinde {municipality} aus {ags} {name}"), municipality=municipality, ags=old.ags,
                    name=old.name) if municipality else f"{old.ags} {old.name}")
        change = Msg(N_("{what} → {ags} {name} ({kind})"), what=what, ags=to_ags, name=new.name,
                     kind=Msg(KINDS_DE[kind]))
        # the description is data (German, stored with the change); the line is said in the reader's language
        description = _text(row, index, "description_de") or str(change)
        plan.changes.append(RegionChange(when, kind, from_ags, to_ags, municipality,
                                         share if share is not None else (1.0 if whole else None),
                                         description, source or f"Datei {plan.file}"))
        plan.lines.append(Msg(N_("Gebietsänderung {date}: {change}"), date=when, change=change))
        known.add((when, from_ags, to_ags, municipality))


def _name_column(headers: dict[str, str], column: str) -> str | Msg:
    return f"„{headers[column]}“" if column in headers else Msg(N_("„{column}“ (fehlt in der Datei)"), column=column)


def _validity(region: Region) -> Msg:
    if not (region.valid_from or region.valid_to):
        return Msg(N_("ohne Gültigkeitsgrenzen"))
    return Msg(N_("gültig {validity}"), validity=validity_text(region.valid_from, region.valid_to))


# --- region lists --------------------------------------------------------------------------------------------

def _plan_list(plan: RegionPlan, rows: list[tuple[int, list]], index: dict[str, int], sheet: str | None,
               regions: RegionIndex) -> None:
    """Rows of our own list format: each row new or replacing the region with the same key and level."""
    for line, row in rows:
        if all(_cell(row, index, c) is None for c in index):
            continue
        level = _text(row, index, "level").lower()
        ags = _digits(_cell(row, index, "ags"))
        if level not in _LEVELS or ags is None or len(ags.zfill(_LEVELS[level])) != _LEVELS[level]:
            plan.errors.append(problem("region-bad-key", row=line, column="ags", sheet=sheet,
                                       value=_text(row, index, "ags")))
            continue
        ags = ags.zfill(_LEVELS[level])
        name = _text(row, index, "name")
        if not name:
            plan.errors.append(problem("region-name-missing", row=line, sheet=sheet, ags=ags, column_name="name"))
            continue
        dates, bad = {}, False
        for column in ("valid_from", "valid_to"):
            value = _cell(row, index, column)
            dates[column] = None if value is None else _date(value)
            if value is not None and dates[column] is None:
                bad = True
                plan.errors.append(problem("region-bad-date", row=line, column=column, sheet=sheet,
                                           value=as_text(value)))
        if bad:
            continue
        region = Region(ags, level, name, _text(row, index, "short_name") or _short(name),
                        _text(row, index, "region_type") or _region_type(name),
                        (_digits(_cell(row, index, "land_ags")) or ags[:2]).zfill(2),
                        dates["valid_from"], dates["valid_to"])
        current = regions.get(ags)
        if current == region:
            plan.known += 1
        else:
            plan.versions.append(region)
            plan.lines.append(Msg(N_("Geändert: {ags} {name} ({validity})") if current else
                                  N_("Neu: {ags} {name} ({validity})"), ags=ags, name=name, validity=_validity(region)))


def _plan_destatis(plan: RegionPlan, when: date | None, kreise: list[tuple[str, str]], regions: RegionIndex) -> None:
    """Compare the Destatis list of one Gebietsstand with the monitor's Kreise valid on that day."""
    if when is None:
        plan.errors.append(problem("region-list-no-date", recognised=plan.recognised))
        return
    listed = dict(kreise)
    ours = {r.ags: r for r in regions.kreise() if r.valid_on(when)}
    day = when
    for ags, name in sorted(listed.items()):
        region = regions.get(ags)
        if region is None:
            plan.errors.append(problem("region-list-unknown", ags=ags, name=name, date=day))
        elif ags not in ours:
            plan.errors.append(problem("region-list-not-valid", ags=ags, name=region.name, date=day,
                                       validity=_validity(region)))
        else:
            plan.known += 1
    for ags in sorted(set(ours) - set(listed)):
        plan.errors.append(problem("region-list-missing", ags=ags, name=ours[ags].name, date=day))
    if not plan.errors:
        plan.lines.append(Msg(N_("Die Regionenliste stimmt mit der Liste vom {date} überein ({n} Kreise)."), date=day,
                              n=Num(len(listed))))


# --- writing -------------------------------------------------------------------------------------------------

def _insert(con: duckdb.DuckDBPyConnection, plan: RegionPlan, path: Path, user: str) -> int:
    """The batch row, the new region versions and changes, and the rebuilt ``regions``, in one transaction."""
    keys = sorted({r.ags for r in plan.versions} | {a for c in plan.changes for a in (c.from_ags, c.to_ags)})
    con.execute("BEGIN TRANSACTION")
    try:
        batch_id = insert_batch(con, kind=KIND, path=path, sheet=None, rows=len(plan.versions) + len(plan.changes),
                                user=user, note="; ".join(plan.lines)[:2000], regions=keys)
        versions = pd.DataFrame(
            [(r.ags, r.level, r.name, r.short_name, r.region_type, r.land_ags, r.valid_from, r.valid_to)
             for r in plan.versions],
            columns=list(LIST_COLUMNS))
        if len(versions):
            con.register("_incoming_regions", versions)
            try:
                con.execute("""INSERT INTO region_versions
                               SELECT ags, level, name, short_name, region_type, land_ags,
                                      CAST(valid_from AS DATE), CAST(valid_to AS DATE), ? FROM _incoming_regions""",
                            [batch_id])
            finally:
                con.unregister("_incoming_regions")
        for c in plan.changes:
            con.execute("INSERT INTO region_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [c.change_date, c.kind, c.from_ags, c.to_ags, c.municipality, c.population_share,
                         c.description_de, c.source, batch_id])
        store.rebuild_regions(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return batch_id


def _result(plan: RegionPlan, status: str, batch_id: int | None) -> dict:
    what = plan.recognised or Msg(N_("keine Regionendatei"))
    counts = {"file": plan.file, "what": what, "changes": Num(len(plan.changes)), "regions": Num(len(plan.versions)),
              "known": Num(plan.known)}
    if status == LOADED:
        message = Msg(N_("„{file}“ ({what}) als Batch {batch} geladen: {changes} Gebietsänderungen, {regions} Regionen "
                         "neu oder geändert."), batch=batch_id, **counts)
    elif status == UNCHANGED:
        message = Msg(N_("„{file}“ ({what}): nichts zu ändern, alles bereits bekannt ({known} Zeilen)."), **counts)
    elif status == "checked":
        message = Msg(N_("„{file}“ ({what}) geprüft, nichts geladen: {changes} Gebietsänderungen und {regions} "
                         "Regionen würden neu oder geändert, {known} Zeilen sind bereits bekannt."), **counts)
    else:
        message = rejected_message(plan.file, len(plan.errors))
    return {
        "status": status, "message": message, "file": plan.file, "format": plan.recognised, "batch_id": batch_id,
        "lines": plan.lines, "changes": len(plan.changes), "regions": len(plan.versions), "known": plan.known,
        "errors": plan.errors, "warnings": plan.warnings,
    }
