"""Population vintages: read the official files as downloaded, check them and load them as a batch.

A vintage is the population of the Kreise, Länder and Germany at one reference date on one basis (e.g.
31.12.2021, "Zensus 2011"). Loading one adds a batch of kind ``population``; undoing that batch takes the
vintage out of ``population_current`` again, exactly like a data file.

Formats read, as a coordination office downloads them:

* **Destatis workbook** "Kreisfreie Städte und Landkreise nach Fläche, Bevölkerung und Bevölkerungsdichte"
  (GV-ISys, ``04-kreise…xlsx``), every edition: Kreise by 5-digit key, Land rows by 2-digit key followed by an
  "Insgesamt" row, a "Deutschland" row. The reference date is the "Gebietsstand" (the publication counts on
  that day) unless a "Stichtag" is given; the basis comes from the header ("ZENSUS2011" → "Zensus 2011").
  Older editions say only "Bevölkerung2)" — then the basis has to be given (``--basis``).
* **GENESIS / Regionalstatistik table CSV** (e.g. 12411-01-01-4 "Bevölkerung nach Geschlecht", 12411-0015):
  ISO-8859-1, ``;``, title lines, the Stichtag and "Insgesamt / männlich / weiblich" in the header lines, a
  ``DG`` row for Germany, Länder (2 digits), Regierungsbezirke (3, skipped), Kreise (5) with indented names,
  municipalities (8, skipped), ``-`` for a Kreis that did not exist on that day, notes and "Stand:" below.
  Without the split by sex only the totals are loaded (with a warning that rates per women need another file).
* **GENESIS flat CSV** ("ffcsv"), one value per row: the older German headers
  (``Statistik_Code;…;Zeit;1_Merkmal_Code;…;1_Auspraegung_Code;…;BEVSTD__Bevoelkerungsstand__Anzahl``) and the
  newer English ones (``statistics_code;…;time;1_variable_code;…;1_variable_attribute_code;…;value``), also as
  the zip GENESIS delivers. Other dimensions (age …) are reduced to their "Insgesamt" rows (or summed).
  A file by Land loads Land totals only.
* **Our own CSV** (the shipped ``data/reference/*population*.csv``): columns ``ags``, ``population_total``,
  ``population_female``, ``population_male``, ``reference_date``, ``basis``, optionally ``source``.

Länder and Germany missing from a file are summed from its Kreise (from its Länder for Germany); a city state
without a Kreis row (Berlin, Hamburg in GENESIS tables) gets its one Kreis from the Land row. Every refusal
names what was recognised and what is missing; every problem has a code registered in ``etl/problems.py``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from monitor import store
from monitor.regions import GERMANY, RegionIndex

from . import safety
from .problems import N_, Joined, Msg, Num, Problem, problem, rejected_message
from .reader import UnreadableFile, csv_records, workbook_sheets
from .reader import decode_text as _decode_text
from .values import as_text, is_missing, parse_count

LOADED, REJECTED = "loaded", "rejected"

# Plausible population ranges (inhabitants) by level; outside them a column was probably mixed up.
PLAUSIBLE = {"kreis": (10_000, 5_000_000), "land": (400_000, 20_000_000), "bund": (70_000_000, 95_000_000)}
# A Kreis differing from the vintage in force by more than this share gets a warning (basis change is ~1-5 %).
DEVIATION_WARN = 0.15
# Written in GENESIS tables for "no figure": nothing (e.g. a Kreis that did not exist), unknown or secret,
# not meaningful, not reliable.
NO_FIGURE = frozenset({"-", ".", "x", "/", "...", "–"})

_DATE = r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})"
_STICHTAG = re.compile(rf"stichtag\s*:?\s*{_DATE}", re.I)
_GEBIETSSTAND = re.compile(rf"gebietsstand\s*:?\s*{_DATE}", re.I)
_ANY_DATE = re.compile(_DATE)
_ISO_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ZENSUS = re.compile(r"zensus\s*(19\d\d|20\d\d)", re.I)
_BASIS_GIVEN = re.compile(r"^\s*(?:zensus|census|volksz[äa]hlung)?\s*(19\d\d|20\d\d)\s*$", re.I)
_TABLE_KEY = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{12})$")
_KEY_AND_NAME = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{12})\s+(\S.*)$")
_GENESIS_CODE = re.compile(r"(\d{5}-\d{4}|\d{5}-\d{2}-\d{2}-\d)")
_ROW_COLUMNS = ["ags", "level", "name", "total", "female", "male"]
_CSV_COLUMNS = ("ags", "population_total", "population_female", "population_male", "reference_date", "basis")
FORMATS = Msg(N_("die Destatis-Tabelle „Kreisfreie Städte und Landkreise nach Fläche, Bevölkerung und "
                 "Bevölkerungsdichte“ (.xlsx), eine GENESIS- oder Regionalstatistik-Tabelle als CSV (z. B. "
                 "12411-01-01-4), eine GENESIS-Flatfile-CSV oder eine CSV mit den Spalten {columns}"),
              columns=", ".join(_CSV_COLUMNS))
# GENESIS region variables: code → level of its attribute codes
_REGION_VARIABLES = {"DINSG": "bund", "DLAND": "land", "KREISE": "kreis", "REGBEZ": None, "GEMEIN": None}
_SEX_VARIABLES = {"GES", "GESM", "GESW"}


@dataclass
class Vintage:
    """A population vintage as read from a file, before it is checked against the regions."""

    reference_date: date | None
    basis: str | None
    source: str
    sheet: str | None
    rows: pd.DataFrame  # ags, level, name, total, female, male; Kreise, Länder and Germany
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    recognised: str = ""  # what the file was recognised as, a Msg ("eine GENESIS-Tabelle 12411-01-01-4 (CSV)")
    has_sex: bool = True  # False: totals only (female and male empty)
    skipped: list[str] = field(default_factory=list)  # rows without a figure ("16056 Eisenach (-)")

    @property
    def level(self) -> str:
        """``kreis`` if the vintage has Kreise, else ``land``."""
        return "kreis" if (self.rows["level"] == "kreis").any() else "land"


class FormatError(Exception):
    """The file is not a population table we can read; ``problem`` (a registered code) says why."""

    def __init__(self, code: str, **params):
        self.problem = problem(code, **params)
        super().__init__(self.problem.message)


# --- public functions ----------------------------------------------------------------------------------------

def load_population(path: Path | str, *, user: str, db_path: Path | str | None = None,
                    basis: str | None = None) -> dict:
    """Read, check and load a population vintage in one transaction; returns what happened as a dict.

    ``basis`` (e.g. "Zensus 2011") is needed where the file does not state it. The dict has ``status``
    (``loaded`` or ``rejected``), ``message`` (a ``Msg``: German, and in any language), ``batch_id``,
    ``reference_date``, ``basis``, ``format``, ``kreise``, ``laender``, ``germany_total``, ``has_sex``, ``skipped``,
    ``errors`` and ``warnings`` (lists of Problem).
    """
    path = Path(path)
    vintage = read_population(path, basis=basis)
    with store.connect(db_path, write=True) as con:
        regions = RegionIndex.from_db(con)
        if not vintage.errors:
            check_population(vintage, regions, con)
        if vintage.errors:
            return _result(vintage, REJECTED, None, path)
        batch_id = _insert(con, vintage, path, user)
    return _result(vintage, LOADED, batch_id, path)


def preview_population(path: Path | str, *, basis: str | None = None,
                       db_path: Path | str | None = None) -> tuple[Vintage, pd.DataFrame]:
    """Read and check a vintage without loading it; returns it and a per-Land comparison (AGS, Land, bisher,
    Stichtag bisher, neu, Änderung %) with the vintage in force."""
    vintage = read_population(path, basis=basis)
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
    return vintage, pd.DataFrame(rows, columns=["AGS", "Land", "bisher", "Stichtag bisher", "neu", "Änderung %"])


def read_population(path: Path | str, *, basis: str | None = None) -> Vintage:
    """Parse a population file in any of the supported formats into a Vintage; problems are collected in it.

    ``basis`` is used where the file does not state its basis; a file that states another one is refused.
    """
    path = Path(path)
    given = None
    if basis is not None:
        given = normalise_basis(basis)
        if given is None:
            vintage = _empty(path)
            vintage.errors.append(problem("population-bad-basis", value=basis))
            return vintage
    try:
        vintage = _read_any(path)
    except FormatError as exc:
        vintage = _empty(path)
        vintage.errors.append(exc.problem)
        return vintage
    except UnreadableFile as exc:
        vintage = _empty(path)
        vintage.errors.append(exc.as_problem())
        return vintage
    except OSError as exc:
        vintage = _empty(path)
        vintage.errors.append(problem("population-no-table", file=path.name, recognised=f"({exc.strerror}).",
                                      formats=FORMATS))
        return vintage
    _settle_basis(vintage, given)
    if not vintage.errors:
        _complete(vintage)
    return vintage


def read_destatis_kreise(path: Path | str) -> tuple[date | None, list[tuple[str, str]]]:
    """The Gebietsstand and the Kreise (key, name) of a Destatis workbook "Kreisfreie Städte und Landkreise";
    an empty list when the file is not one. Raises ``UnreadableFile`` for a damaged or refused file."""
    path = Path(path)
    sheets = workbook_sheets(safety.read_checked(path), path.name)
    for sheet in sheets:
        layout = _find_layout(sheet.rows)
        if layout is None:
            continue
        texts = " ".join(as_text(c) for r in sheet.rows for c in r if isinstance(c, str))
        m = _GEBIETSSTAND.search(texts)
        when = (_to_date(m) if m else None) or _reference_date(texts) or _date_in_name(path.name)
        frame, _ = _parse_rows(sheet.rows, layout, sheet.name)
        kreise = frame[frame["level"] == "kreis"]
        return when, list(zip(kreise["ags"], kreise["name"]))
    return None, []


def normalise_basis(text: str) -> str | None:
    """"Zensus 2011", "ZENSUS2011" or "2011" → "Zensus 2011"; None for anything else."""
    m = _BASIS_GIVEN.match(str(text))
    return f"Zensus {m.group(1)}" if m else None


def check_population(vintage: Vintage, regions: RegionIndex, con: duckdb.DuckDBPyConnection | None = None) -> None:
    """Check AGS, plausibility, completeness and (with ``con``) duplicates of vintages already in force."""
    _add_single_kreis_laender(vintage, regions)
    # rows without a figure: the Kreise of the region list (e.g. 16056 Eisenach, dissolved) named first
    vintage.skipped.sort(key=lambda text: regions.get(text.split(" ", 1)[0]) is None)
    rows = vintage.rows
    dupes = sorted(rows.loc[rows["ags"].duplicated(), "ags"].unique())
    if dupes:
        vintage.errors.append(problem("population-duplicate", keys=_list(dupes)))
    unknown = sorted(a for a in rows["ags"] if regions.get(a) is None)
    if unknown:
        vintage.errors.append(problem("population-unknown-region", count=len(unknown), keys=_list(unknown)))
    for row in rows.itertuples(index=False):
        low, high = PLAUSIBLE[row.level]
        if not low <= row.total <= high:
            vintage.errors.append(problem("population-implausible", value=str(row.total), region=_label(row, regions),
                                          total=Num(row.total), low=Num(low), high=Num(high)))
        for part in ("female", "male"):
            value = getattr(row, part)
            if not pd.isna(value) and value > row.total:
                vintage.errors.append(problem("population-parts-exceed", value=str(value),
                                              region=_label(row, regions), part=Num(value),
                                              who=Msg(N_("Frauen") if part == "female" else N_("Männer")),
                                              total=Num(row.total)))
    if vintage.reference_date is not None:
        if vintage.level == "kreis":
            expected = {r.ags for r in regions.kreise() if r.valid_on(vintage.reference_date)}
            missing = sorted(expected - set(rows["ags"]))
            if missing:
                names = [f"{a} {regions.get(a).name}" for a in missing]
                vintage.warnings.append(problem("population-missing-regions", count=len(missing), names=_list(names)))
        else:
            vintage.warnings.append(problem("population-laender-only", count=int((rows["level"] == "land").sum())))
    if con is not None and not vintage.errors:
        _check_against_store(vintage, regions, con)


def insert_batch(con: duckdb.DuckDBPyConnection, *, kind: str, path: Path, sheet: str | None, rows: int,
                 user: str, note: str | None, regions: list[str] | None = None) -> int:
    """Insert the batch row of a reference-data load (population, targets, regions …) and return its id.

    The caller holds the transaction; undo and history treat it like any other batch.
    """
    batch_id = con.execute("SELECT nextval('batch_seq')").fetchone()[0]
    con.execute(
        """INSERT INTO batches (batch_id, kind, dataset, file_name, sha256, sheet, rows, quarters, regions,
                                user_name, loaded_at, status, replaced_rows, is_demo, note)
           VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, 'active', 0, FALSE, ?)""",
        [batch_id, kind, path.name, safety.sha256_of(path), sheet, rows, regions, user,
         datetime.now().replace(microsecond=0), note],
    )
    return batch_id


def decode_text(raw: bytes) -> str:
    """A CSV file's text: UTF-16 (with BOM), UTF-8 (with or without BOM), else cp1252 (see ``reader``)."""
    return _decode_text(raw)


# --- checks against the store --------------------------------------------------------------------------------

def _check_against_store(vintage: Vintage, regions: RegionIndex, con: duckdb.DuckDBPyConnection) -> None:
    same = con.execute(
        """SELECT DISTINCT coalesce(CAST(batch_id AS VARCHAR), 'mitgeliefert') FROM population_current
           WHERE reference_date = ? AND basis = ?""",
        [vintage.reference_date, vintage.basis],
    ).fetchall()
    if same:
        batches = [s[0] for s in same if s[0] != "mitgeliefert"]
        if batches:
            hint = Msg(N_("als Batch {batches} geladen. Zum Ersetzen zuerst diesen Batch rückgängig machen."),
                       batches=", ".join(batches))
        else:
            hint = Msg(N_("als mitgelieferter Stand vorhanden."))
        vintage.errors.append(problem("population-already-loaded", date=vintage.reference_date,
                                      basis=vintage.basis, where=hint))
        return
    current = {a: (t, d) for a, t, d in con.execute(
        """SELECT ags, arg_max(total, reference_date), max(reference_date) FROM population_current
           WHERE length(ags) = 5 GROUP BY ags"""
    ).fetchall()}
    far = []
    for row in vintage.rows.itertuples(index=False):
        before, when = current.get(row.ags, (None, None))
        if row.level == "kreis" and before and abs(row.total - before) / before > DEVIATION_WARN:
            low, high = sorted((when, vintage.reference_date))
            changed = [c for c in regions.changes_of(row.ags) if low < c.change_date <= high]
            why = Joined(tuple(Msg(N_("; Gebietsänderung am {date}"), date=c.change_date) for c in changed), "")
            far.append(Msg(N_("{region} ({before} → {after}{why})"), region=_label(row, regions), before=Num(before),
                           after=Num(row.total), why=why))
    if far:
        vintage.warnings.append(problem("population-deviation", count=len(far), share=Num(DEVIATION_WARN * 100),
                                        kreise=_list(far)))


def _insert(con: duckdb.DuckDBPyConnection, vintage: Vintage, path: Path, user: str) -> int:
    """The batch row and the population rows, in one transaction."""
    frame = vintage.rows[["ags", "total", "female", "male"]].copy()
    note = f"Stichtag {vintage.reference_date:%d.%m.%Y}, Basis {vintage.basis}; {vintage.source}"
    if not vintage.has_sex:
        note += "; ohne Aufteilung nach Geschlecht"
    con.execute("BEGIN TRANSACTION")
    try:
        batch_id = insert_batch(con, kind="population", path=path, sheet=vintage.sheet, rows=len(frame),
                                user=user, note=note)
        con.register("_incoming_population", frame)
        try:
            con.execute(
                """INSERT INTO population (ags, reference_date, basis, total, female, male, source, batch_id)
                   SELECT ags, ?, ?, total, female, male, ?, ? FROM _incoming_population""",
                [vintage.reference_date, vintage.basis, vintage.source, batch_id],
            )
        finally:
            con.unregister("_incoming_population")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return batch_id


# --- reading: which format -----------------------------------------------------------------------------------

def _empty(path: Path) -> Vintage:
    return Vintage(None, None, path.name, None, pd.DataFrame(columns=_ROW_COLUMNS))


def _read_any(path: Path) -> Vintage:
    data = _checked_bytes(path)
    if data.startswith(b"PK") and _is_plain_zip(data):
        name, data = _csv_from_zip(data, path.name)
        return _read_text(path, decode_text(data), inner=name)
    if data.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        return _read_destatis(path, data)
    text = decode_text(data)
    if "\x00" in text[:4096] or not text.strip():
        raise FormatError("population-no-table", file=path.name,
                          recognised=Msg(N_("Die Datei ist leer oder keine Tabelle.")), formats=FORMATS)
    return _read_text(path, text)


def _checked_bytes(path: Path) -> bytes:
    """The file's bytes after the size check and, for a workbook, every check of ``safety``."""
    size = path.stat().st_size
    if size > safety.max_file_bytes():
        raise safety.too_large(path.name, size, safety.max_file_bytes())
    data = path.read_bytes()
    if data.startswith(b"PK") and _is_plain_zip(data):
        safety.check_archive(data, path.name, office=False)
    else:
        safety.check_bytes(data, path.name)
    return data


def _is_plain_zip(data: bytes) -> bool:
    """A zip that is no Office document (GENESIS delivers its flat CSV in one)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = [n.lower() for n in zf.namelist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return not any(n in ("xl/workbook.xml", "content.xml", "[content_types].xml") for n in names)


def _csv_from_zip(data: bytes, name: str) -> tuple[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [i for i in zf.infolist() if not i.is_dir() and i.filename.lower().endswith((".csv", ".txt"))]
        if len(members) != 1:
            found = ", ".join(i.filename for i in zf.infolist()) or Msg(N_("nichts"))
            raise FormatError("population-no-table", file=name,
                              recognised=Msg(N_("Ein ZIP-Archiv mit {found}."), found=found),
                              formats=Msg(N_("{formats} (als ZIP: genau eine CSV-Datei darin)"), formats=FORMATS))
        return members[0].filename, zf.read(members[0])


def _read_text(path: Path, text: str, inner: str | None = None) -> Vintage:
    first = next((line for line in text.splitlines() if line.strip()), "")
    head = [c.strip().strip('"').lower() for c in re.split(r"[;,\t]", first)]
    if "statistik_code" in head or "statistics_code" in head:
        return _read_genesis_flat(path, text, inner)
    if "ags" in head:
        return _read_own_csv(path, text)
    if first.lower().startswith(("genesis-tabelle", "regionalstatistik")) or _looks_like_table(text):
        return _read_genesis_table(path, text, inner)
    shown = ", ".join(h for h in head if h)[:200] or Msg(N_("keine"))
    raise FormatError("population-no-table", file=path.name,
                      recognised=Msg(N_("Erkannt: eine Textdatei mit der Kopfzeile „{header}“."), header=shown),
                      formats=FORMATS)


def _looks_like_table(text: str) -> bool:
    """A semicolon CSV whose rows mostly start with a regional key (DG, 01, 01001 …)."""
    keys = sum(1 for line in text.splitlines()[:200] if _TABLE_KEY.match(line.split(";", 1)[0].strip()))
    return keys >= 10


# --- the Destatis workbook -----------------------------------------------------------------------------------

def _read_destatis(path: Path, data: bytes) -> Vintage:
    sheets = workbook_sheets(data, path.name)
    all_text = " ".join(as_text(c) for s in sheets for r in s.rows[:60] for c in r if isinstance(c, str))
    for sheet in sheets:
        rows = sheet.rows
        layout = _find_layout(rows)
        if layout is None:
            continue
        texts = " ".join(as_text(c) for r in rows for c in r if isinstance(c, str))
        reference = _reference_date(texts) or _reference_date(all_text) or _date_in_name(path.name)
        basis = _basis(" ".join(str(c) for r in rows[:layout.header_end] for c in r))
        recognised = Msg(N_("die Destatis-Tabelle „Kreisfreie Städte und Landkreise“"))
        frame, errors = _parse_rows(rows, layout, sheet.name)
        vintage = Vintage(reference, basis, _source(rows, path), sheet.name, frame, recognised=recognised,
                          has_sex=layout.female is not None and layout.male is not None)
        vintage.errors.extend(errors)
        if reference is None:
            vintage.errors.append(problem("population-no-date", recognised=recognised,
                                          hint=Msg(N_("„Gebietsstand: 31.12.2023“ oder „Stichtag: 31.12.2023“"))))
        return vintage
    raise FormatError("population-no-table", file=path.name,
                      recognised=Msg(N_("Erkannt: eine Arbeitsmappe ohne Schlüsselnummer- und Bevölkerungsspalten.")),
                      formats=FORMATS)


@dataclass(frozen=True)
class _Layout:
    key: int
    total: int
    male: int | None
    female: int | None
    header_end: int  # index of the first row after the header rows
    names: tuple[int, ...]


def _norm(cell: object) -> str:
    return re.sub(r"\s+", " ", str(cell)).strip().lower() if isinstance(cell, str) else ""


def _find_layout(rows: list[list]) -> _Layout | None:
    """The key column and the population columns (insgesamt, männlich, weiblich) of a Destatis sheet."""
    for i, row in enumerate(rows[:20]):
        texts = [_norm(c) for c in row]
        key = next((j for j, t in enumerate(texts) if "schlüssel" in t or "schluessel" in t), None)
        pop = next((j for j, t in enumerate(texts) if t.startswith(("bevölkerung", "bevoelkerung"))), None)
        if key is None or pop is None:
            continue
        found: dict[str, int] = {}
        end = i + 1
        for k, sub in enumerate(rows[i:i + 4]):
            subtexts = [_norm(c) for c in sub]
            is_data = key < len(sub) and isinstance(sub[key], str) and _key(sub[key]) is not None
            if k and (is_data or not _is_header_continuation(sub, subtexts)):
                break
            end = i + k + 1
            for j, t in enumerate(subtexts):
                for word, name in (("insgesamt", "total"), ("männlich", "male"), ("weiblich", "female")):
                    if j >= pop and t.startswith(word) and name not in found:
                        found[name] = j
        if "total" in found:
            header_text = [" ".join(_norm(r[j]) for r in rows[i:end] if j < len(r)) for j in range(len(row))]
            names = tuple(j for j, t in enumerate(header_text)
                          if j not in (key, pop) and j < pop and re.search(r"bezeichnung|name|kreis|stadt", t))
            return _Layout(key, found["total"], found.get("male"), found.get("female"), end, names)
    return None


def _is_header_continuation(row: list, texts: list[str]) -> bool:
    """A sub-header row (insgesamt / männlich …) or the row numbering the columns (1, 2, 3 …)."""
    if any(t.startswith(("insgesamt", "männlich", "weiblich", "kreis")) for t in texts):
        return True
    cells = [c for c in row if not (isinstance(c, str) and not c.strip())]
    numbers = [float(c) if isinstance(c, (int, float)) else float(c) if str(c).strip().isdigit() else None
               for c in cells]
    return bool(numbers) and all(n is not None and n < 100 for n in numbers)


def _parse_rows(rows: list[list], layout: _Layout, sheet: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Kreise (5-digit key), Land totals ("Insgesamt" after a 2-digit Land row) and Germany ("Deutschland")."""
    out, errors = [], []
    land: str | None = None
    land_name = ""
    headers = {layout.total: "insgesamt", layout.male: "männlich", layout.female: "weiblich"}
    for n, row in enumerate(rows[layout.header_end:], start=layout.header_end + 1):
        cells = list(row) + [""] * (max(layout.key, layout.total, layout.male or 0, layout.female or 0) + 1 - len(row))
        key = _key(cells[layout.key])
        values = {}
        for part, j in (("total", layout.total), ("male", layout.male), ("female", layout.female)):
            if j is None:
                values[part] = None
                continue
            values[part], bad = _count(cells[j])
            if bad and key:
                errors.append(problem("population-bad-value", row=n, column=headers[j], value=as_text(cells[j]),
                                      sheet=sheet))
        total, male, female = values["total"], values["male"], values["female"]
        words = [_norm(c) for c in cells if isinstance(c, str)]
        name = next((as_text(cells[j]) for j in layout.names if _norm(cells[j])), "")
        if key and len(key) == 2:
            land, land_name = key, name
            if total is not None:
                out.append((key, "land", name, total, female, male))
            continue
        if total is None:
            continue
        if key and len(key) == 5:
            # the Kreis name is the last text column before the numbers (the first one holds the type)
            name = next((as_text(cells[j]) for j in reversed(layout.names) if _norm(cells[j])), name)
            out.append((key, "kreis", name, total, female, male))
        elif "deutschland" in words:
            out.append((GERMANY, "bund", "Deutschland", total, female, male))
        elif "insgesamt" in words and land is not None:
            out.append((land, "land", land_name, total, female, male))
            land = None
    return _typed(pd.DataFrame(out, columns=_ROW_COLUMNS)), errors


def _source(rows: list[list], path: Path) -> str:
    quelle = next((as_text(r[0]) for r in rows
                   if r and isinstance(r[0], str) and r[0].strip().startswith("Quelle")), "")
    publisher = next((as_text(c) for r in rows for c in r if isinstance(c, str) and "(Destatis)" in c), "")
    parts = [p for p in (quelle.removeprefix("Quelle:").strip(), publisher.strip(), f"Datei {path.name}") if p]
    return "; ".join(parts)


# --- GENESIS / Regionalstatistik table CSV -------------------------------------------------------------------

def _read_genesis_table(path: Path, text: str, inner: str | None) -> Vintage:
    records = list(csv_records(text, ";", path.name))
    first_data = next((i for i, (_, r) in enumerate(records) if _table_key(r) is not None and len(r) >= 2), None)
    title = [" ".join(c for c in r if c.strip()) for _, r in records[:first_data or 0]]
    code = next((m.group(1) for t in title for m in [_GENESIS_CODE.search(t)] if m), None)
    recognised = (Msg(N_("eine GENESIS-Tabelle {code} (CSV)"), code=code) if code
                  else Msg(N_("eine GENESIS- oder Regionalstatistik-Tabelle (CSV)")))
    if first_data is None:
        raise FormatError("population-no-regions", recognised=recognised)
    header_rows = [r for _, r in records[:first_data]]
    width = max(len(r) for _, r in records[first_data:first_data + 50])
    columns = _table_columns(header_rows, width)
    dates = sorted({d for d, _ in columns.values() if d is not None})
    if len(dates) > 1:
        raise FormatError("population-mixed-vintage", values=dates)
    reference = dates[0] if dates else _reference_date(" ".join(title)) or _date_in_name(path.name)
    parts = {part: j for j, (_, part) in columns.items()}
    if "total" not in parts:
        parts = {"total": min(columns)} if len(columns) == 1 else parts
    vintage = Vintage(reference, _basis(" ".join(title + [" ".join(r) for r in header_rows])),
                      _table_source(records, code, path, inner), None, pd.DataFrame(columns=_ROW_COLUMNS),
                      recognised=recognised, has_sex="female" in parts and "male" in parts)
    if "total" not in parts:
        vintage.errors.append(problem("population-no-table", file=path.name,
                                      recognised=Msg(N_("Erkannt: {recognised}, aber keine Spalte „Insgesamt“."),
                                                     recognised=recognised),
                                      formats=FORMATS))
        return vintage
    if reference is None:
        vintage.errors.append(problem("population-no-date", recognised=recognised,
                                      hint=Msg(N_("ein Datum wie „31.12.2021“ in den Kopfzeilen über den Zahlen"))))
    out = []
    headers = {j: " ".join(c.strip() for c in (r[j] if j < len(r) else "" for r in header_rows) if c.strip())
               for j in columns}
    for line, row in records[first_data:]:
        key_name = _table_key(row)
        if key_name is None:
            continue
        key, name = key_name
        level = "bund" if key == "DG" else {2: "land", 5: "kreis"}.get(len(key))
        if level is None:  # Regierungsbezirk, municipality: not a region of the monitor
            continue
        values = {}
        bad = False
        for part in ("total", "female", "male"):
            j = parts.get(part)
            cell = row[j].strip() if j is not None and j < len(row) else ""
            if j is None:
                values[part] = None
            elif cell in NO_FIGURE:
                values[part] = None
            else:
                values[part], wrong = _count(cell)
                if wrong:
                    bad = True
                    vintage.errors.append(problem("population-bad-value", row=line, column=headers[j] or None,
                                                  value=cell))
        if bad:
            continue
        if values["total"] is None:
            written = row[parts["total"]].strip() if parts["total"] < len(row) else ""
            vintage.skipped.append(f"{key} {name} („{written}“)")
            continue
        out.append((GERMANY if key == "DG" else key, level, name, values["total"], values["female"], values["male"]))
    vintage.rows = _typed(pd.DataFrame(out, columns=_ROW_COLUMNS))
    if not vintage.has_sex:
        vintage.warnings.append(problem("population-no-sex", recognised=recognised))
    return vintage


def _table_key(row: list[str]) -> tuple[str, str] | None:
    """(key, name) of a data row: the key in the first cell and the name in the second, or both in the first."""
    if not row:
        return None
    first = row[0].strip()
    if _TABLE_KEY.match(first):
        return first, row[1].strip() if len(row) > 1 else ""
    m = _KEY_AND_NAME.match(first)
    return (m.group(1), m.group(2).strip()) if m else None


def _table_columns(header_rows: list[list[str]], width: int) -> dict[int, tuple[date | None, str | None]]:
    """Value column → (Stichtag, total/male/female) from the header lines above the numbers."""
    out = {}
    for j in range(1, width):
        texts = [r[j].strip() for r in header_rows if j < len(r) and r[j].strip()]
        if j == 1 and not texts:
            continue  # the name column
        joined = " ".join(texts).lower()
        found = _ANY_DATE.search(joined)
        when = _to_date(found) if found else None
        part = ("female" if "weiblich" in joined else "male" if "männlich" in joined or "maennlich" in joined
                else "total" if "insgesamt" in joined else None)
        if when is None and part is None and not texts:
            continue
        out[j] = (when, part)
    return out


def _table_source(records: list, code: str | None, path: Path, inner: str | None) -> str:
    copyright_ = next((c.strip().splitlines()[0].strip('"© ') for _, r in records for c in r if "©" in c), "")
    stand = next((c.strip() for _, r in records for c in r if c.strip().startswith("Stand:")), "")
    parts = [f"GENESIS-Tabelle {code}" if code else "", copyright_, stand, f"Datei {inner or path.name}"]
    return "; ".join(p for p in parts if p)


# --- GENESIS flat CSV (ffcsv) --------------------------------------------------------------------------------

_FLAT_OLD = {"statistik_code": "statistics_code", "statistik_label": "statistics_label", "zeit_code": "time_code",
             "zeit_label": "time_label", "zeit": "time"}
_FLAT_DIM = re.compile(r"^(\d+)_(merkmal|variable)_(code|label)$")
_FLAT_ATTR = re.compile(r"^(\d+)_(auspraegung|variable_attribute)_(code|label)$")


def _read_genesis_flat(path: Path, text: str, inner: str | None) -> Vintage:
    records = list(csv_records(text, ";", path.name))
    raw_header = [h.strip() for h in records[0][1]]
    header = [_flat_name(h) for h in raw_header]
    frame = pd.DataFrame([r + [""] * (len(header) - len(r)) for _, r in records[1:] if any(c.strip() for c in r)],
                         columns=header, dtype="string").fillna("")
    frame["_line"] = [line for line, r in records[1:] if any(c.strip() for c in r)]
    statistic = frame["statistics_code"].iloc[0] if len(frame) and "statistics_code" in frame else ""
    english = "statistics_code" in [h.lower() for h in raw_header]
    recognised = Msg(N_("ein GENESIS-Flatfile {statistic} (neues Format)") if english else
                     N_("ein GENESIS-Flatfile {statistic} (älteres Format)"), statistic=statistic)
    if "value" not in frame.columns:
        values = [h for h in raw_header if "__" in h and not h.endswith("__q")]
        if len(values) != 1:
            raise FormatError("population-no-table", file=path.name,
                              recognised=Msg(N_("Erkannt: {recognised} mit den Wertspalten {values}."),
                                             recognised=recognised, values=", ".join(values) or Msg(N_("keine"))),
                              formats=Msg(N_("eine Wertspalte Bevölkerungsstand (BEVSTD)")))
        frame["value"] = frame[_flat_name(values[0])]
        frame["value_variable_code"] = values[0].split("__")[0]
    elif "value_variable_code" in frame.columns and frame["value_variable_code"].nunique() > 1:
        frame = frame[frame["value_variable_code"] == "BEVSTD"]
    dims = sorted({int(m.group(1)) for h in frame.columns for m in [_FLAT_DIM.match(h)] if m})
    region_dim, sex_dim, other = None, None, []
    for d in dims:
        codes = set(frame[f"{d}_variable_code"].unique())
        if codes & set(_REGION_VARIABLES):
            region_dim = d
        elif codes & _SEX_VARIABLES:
            sex_dim = d
        else:
            other.append(d)
    if region_dim is None:
        labels = ", ".join(sorted({frame[f"{d}_variable_label"].iloc[0] for d in dims if len(frame)})) or \
            Msg(N_("keine"))
        raise FormatError("population-no-regions", recognised=Msg(N_("{recognised} mit den Merkmalen {labels}"),
                                                                  recognised=recognised, labels=labels))
    times = sorted(frame["time"].unique()) if "time" in frame else []
    dates = sorted({d for t in times for m in [_ANY_DATE.search(t)] if m for d in [_to_date(m)] if d})
    if len(dates) > 1:
        raise FormatError("population-mixed-vintage", values=dates)
    vintage = Vintage(dates[0] if dates else None, None,
                      "; ".join(p for p in (f"GENESIS {statistic}", f"Datei {inner or path.name}") if p.strip()),
                      None, pd.DataFrame(columns=_ROW_COLUMNS), recognised=recognised, has_sex=sex_dim is not None)
    if not dates:
        vintage.errors.append(problem("population-no-date", recognised=recognised,
                                      hint=Msg(N_("ein Stichtag wie „31.12.2019“ in der Spalte Zeit/time"))))
        return vintage
    for d in other:  # age groups and the like: their "Insgesamt" rows (empty code), else the sum over them
        code = frame[f"{d}_variable_attribute_code"]
        if (code == "").any():
            frame = frame[code == ""]
    frame = _flat_numbers(frame, vintage)
    if vintage.errors:
        return vintage
    region = frame[f"{region_dim}_variable_attribute_code"]
    frame = frame.assign(ags=region.where(region != "DG", GERMANY),
                         name=frame[f"{region_dim}_variable_attribute_label"].str.strip())
    if sex_dim is not None:
        sex = frame[f"{sex_dim}_variable_attribute_code"]
        frame = frame.assign(part=sex.map({"GESM": "male", "GESW": "female", "": "total"}))
    else:
        frame = frame.assign(part="total")
    sums = frame.groupby(["ags", "name", "part"], sort=False)["number"].sum(min_count=1).unstack("part")
    for part in ("total", "female", "male"):
        if part not in sums:
            sums[part] = pd.NA
    sums["total"] = sums["total"].fillna(sums["female"] + sums["male"])
    sums = sums.reset_index()
    sums["level"] = sums["ags"].map(lambda a: "bund" if a == GERMANY else {2: "land", 5: "kreis"}.get(len(a)))
    sums = sums[sums["level"].notna() & sums["total"].notna()]
    vintage.rows = _typed(sums[_ROW_COLUMNS])
    if sex_dim is None:
        vintage.warnings.append(problem("population-no-sex", recognised=recognised))
    return vintage


def _flat_name(header: str) -> str:
    """The newer English name of an older German column (``1_Auspraegung_Code`` → ``1_variable_attribute_code``)."""
    low = header.strip().lower()
    if low in _FLAT_OLD:
        return _FLAT_OLD[low]
    m = _FLAT_ATTR.match(low)
    if m:
        return f"{m.group(1)}_variable_attribute_{m.group(3)}"
    m = _FLAT_DIM.match(low)
    if m:
        return f"{m.group(1)}_variable_{m.group(3)}"
    return low


def _flat_numbers(frame: pd.DataFrame, vintage: Vintage) -> pd.DataFrame:
    numbers = []
    for line, cell in zip(frame["_line"], frame["value"]):
        cell = cell.strip()
        if cell in NO_FIGURE or not cell:
            numbers.append(None)
            continue
        value, bad = _count(cell)
        if bad:
            vintage.errors.append(problem("population-bad-value", row=int(line), column="value", value=cell))
        numbers.append(value)
    return frame.assign(number=pd.array(numbers, dtype="Int64"))


# --- our own CSV ---------------------------------------------------------------------------------------------

def _read_own_csv(path: Path, text: str) -> Vintage:
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    records = list(csv_records(text, delimiter, path.name))
    header = [h.strip().lstrip("\ufeff") for h in records[0][1]] if records else []
    missing = [c for c in _CSV_COLUMNS if c not in header]
    if missing:
        raise FormatError("population-no-table", file=path.name,
                          recognised=Msg(N_("Erkannt: eine CSV mit den Spalten {columns}; es fehlen {missing}."),
                                         columns=", ".join(header), missing=", ".join(missing)), formats=FORMATS)
    vintage = _empty(path)
    vintage.recognised = Msg(N_("eine CSV im Format der mitgelieferten Bevölkerungstabelle"))
    out = []
    dates, bases, sources = set(), set(), set()
    for line, cells in records[1:]:
        if not any(c.strip() for c in cells):
            continue
        rec = dict(zip(header, (c.strip() for c in cells + [""] * (len(header) - len(cells)))))
        key = _key(rec["ags"]) if rec["ags"] != GERMANY else GERMANY
        if key is None:
            vintage.errors.append(problem("population-bad-key", row=line, column="ags", value=rec["ags"]))
            continue
        values = []
        for column in ("population_total", "population_female", "population_male"):
            value, bad = _count(rec[column])
            if bad or (value is None and column == "population_total"):
                vintage.errors.append(problem("population-bad-value", row=line, column=column, value=rec[column]))
            values.append(value)
        level = "bund" if key == GERMANY else "land" if len(key) == 2 else "kreis"
        out.append((key, level, rec.get("name", ""), values[0], values[1], values[2]))
        dates.add(rec["reference_date"])
        bases.add(rec["basis"])
        if rec.get("source"):
            sources.add(rec["source"])
    if len(dates) > 1 or len(bases) > 1:
        vintage.errors.append(problem("population-mixed-vintage", values=", ".join(sorted(dates | bases))))
        return vintage
    if not dates:
        raise FormatError("population-no-regions", recognised=vintage.recognised)
    text_date = next(iter(dates))
    reference = _parse_date(text_date)
    if reference is None:
        vintage.errors.append(problem("population-no-date", recognised=vintage.recognised,
                                      hint=Msg(N_("ein Datum in der Spalte reference_date statt „{written}“, z. B. "
                                                  "2023-12-31 oder 31.12.2023"), written=text_date)))
    vintage.reference_date = reference
    vintage.basis = normalise_basis(next(iter(bases))) or (next(iter(bases)) or None)
    vintage.source = "; ".join(sorted(sources)) or f"Datei {path.name}"
    vintage.rows = _typed(pd.DataFrame([r for r in out if r[3] is not None], columns=_ROW_COLUMNS))
    return vintage


# --- helpers -------------------------------------------------------------------------------------------------

def _settle_basis(vintage: Vintage, given: str | None) -> None:
    """The basis the file states, or the one given; a contradiction or no basis at all is an error."""
    if vintage.errors and vintage.reference_date is None:
        return
    stated = vintage.basis
    if stated and given and stated != given:
        vintage.errors.append(problem("population-basis-conflict", stated=stated, given=given))
    elif not stated and given:
        vintage.basis = given
    elif not stated:
        recognised = (Msg(N_("{recognised}, Stichtag {date}"), recognised=vintage.recognised,
                          date=vintage.reference_date) if vintage.reference_date else vintage.recognised)
        vintage.errors.append(problem("population-no-basis", recognised=recognised))


def _reference_date(text: str) -> date | None:
    for pattern in (_STICHTAG, _GEBIETSSTAND):
        m = pattern.search(text)
        if m:
            return _to_date(m)
    return None


def _to_date(m: re.Match) -> date | None:
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _date_in_name(name: str) -> date | None:
    m = _ISO_IN_NAME.search(name)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _basis(text: str) -> str | None:
    m = _ZENSUS.search(text)
    return f"Zensus {m.group(1)}" if m else None


def _key(cell: object) -> str | None:
    """The regional key of a row: 2 (Land) or 5 (Kreis) digits, also from a number that lost its zero."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        return f"{cell:05d}" if cell >= 1000 else f"{cell:02d}" if 1 <= cell <= 16 else None
    text = str(cell).strip() if isinstance(cell, str) else ""
    return text if re.fullmatch(r"\d{2}|\d{5}", text) else None


def _count(cell: object) -> tuple[int | None, bool]:
    """(the whole number in a cell or None, whether the cell held something that is no number)."""
    if is_missing(cell) or (isinstance(cell, str) and (not cell.strip() or cell.strip() in NO_FIGURE)):
        return None, False
    parsed = parse_count(cell)
    return (parsed.value, False) if parsed.code is None else (None, True)


def _parse_date(text: str) -> date | None:
    m = re.fullmatch(_DATE, text.strip())
    if m:
        return _to_date(m)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"ags": "str", "level": "str", "name": "str"})
    for col in ("total", "female", "male"):
        frame[col] = pd.array([None if pd.isna(v) else int(v) for v in frame[col].tolist()], dtype="Int64")
    return frame.reset_index(drop=True)


def _complete(vintage: Vintage) -> None:
    """Add Länder summed from the Kreise and Germany summed from the Länder where the file has none; warn where
    given sums differ."""
    rows = vintage.rows
    kreise = rows[rows["level"] == "kreis"]
    if kreise.empty and not (rows["level"] == "land").any():
        vintage.errors.append(problem("population-no-regions", recognised=vintage.recognised))
        return
    given = rows[rows["level"] == "land"].set_index("ags")
    given = given[~given.index.duplicated()]
    added, mismatch = [], []
    if not kreise.empty:
        sums = kreise.assign(land=kreise["ags"].str[:2]).groupby("land")[["total", "female", "male"]].sum(min_count=1)
        for land, s in sums.iterrows():
            if land in given.index:
                if int(given.loc[land, "total"]) != int(s["total"]):
                    mismatch.append(Msg(N_("{land}: {given} statt Summe {sum}"), land=land,
                                        given=Num(given.loc[land, "total"]), sum=Num(s["total"])))
            else:
                added.append((land, "land", "", s["total"], s["female"], s["male"]))
    if mismatch:
        vintage.warnings.append(problem("population-sum-mismatch", details=_list(mismatch)))
    rows = pd.concat([rows, _typed(pd.DataFrame(added, columns=rows.columns))], ignore_index=True) if added else rows
    if not (rows["level"] == "bund").any():
        laender = rows[rows["level"] == "land"]
        total = laender[["total", "female", "male"]].sum(min_count=1)
        rows = pd.concat([rows, _typed(pd.DataFrame(
            [(GERMANY, "bund", "Deutschland", total["total"], total["female"], total["male"])],
            columns=rows.columns))], ignore_index=True)
    vintage.rows = _typed(rows)


def _add_single_kreis_laender(vintage: Vintage, regions: RegionIndex) -> None:
    """A city state listed only as a Land (Berlin, Hamburg in GENESIS tables) is its one Kreis too."""
    rows = vintage.rows
    if vintage.reference_date is None or vintage.level != "kreis":
        return
    have = set(rows["ags"])
    extra = []
    for land in rows[rows["level"] == "land"].itertuples(index=False):
        kreise = [k for k in regions.kreise(land.ags) if k.valid_on(vintage.reference_date)]
        if len(kreise) == 1 and kreise[0].ags not in have and not any(a.startswith(land.ags) and len(a) == 5
                                                                       for a in have):
            extra.append((kreise[0].ags, "kreis", kreise[0].name, land.total, land.female, land.male))
    if extra:
        vintage.rows = _typed(pd.concat([rows, pd.DataFrame(extra, columns=_ROW_COLUMNS)], ignore_index=True))


# --- messages ------------------------------------------------------------------------------------------------

def _result(vintage: Vintage, status: str, batch_id: int | None, path: Path) -> dict:
    rows = vintage.rows
    counts = rows["level"].value_counts() if len(rows) else pd.Series(dtype=int)
    germany = rows.loc[rows["level"] == "bund", "total"]
    germany_total = int(germany.iloc[0]) if len(germany) else None
    if status == LOADED:
        skipped = (Msg(N_(" Ohne Zahl übersprungen: {n} Zeilen (z. B. {first})."), n=Num(len(vintage.skipped)),
                       first=vintage.skipped[0]) if vintage.skipped else "")
        message = Msg(N_("Bevölkerungsstand {date} (Basis {basis}) als Batch {batch} geladen: {kreise} Kreise, "
                         "{laender} Länder, Deutschland {germany} Einwohner:innen{sexes}.{skipped}"),
                      date=vintage.reference_date or "?", basis=vintage.basis, batch=batch_id,
                      kreise=Num(int(counts.get("kreis", 0))), laender=Num(int(counts.get("land", 0))),
                      germany=Num(germany_total) if germany_total is not None else "?",
                      sexes="" if vintage.has_sex else Msg(N_(" (nur insgesamt, ohne Frauen und Männer)")),
                      skipped=skipped)
    else:
        message = rejected_message(path.name, len(vintage.errors))
    return {
        "status": status,
        "message": message,
        "file": path.name,
        "format": vintage.recognised,
        "batch_id": batch_id,
        "reference_date": vintage.reference_date.isoformat() if vintage.reference_date else None,
        "basis": vintage.basis,
        "kreise": int(counts.get("kreis", 0)),
        "laender": int(counts.get("land", 0)),
        "germany_total": germany_total,
        "has_sex": vintage.has_sex,
        "skipped": vintage.skipped,
        "errors": vintage.errors,
        "warnings": vintage.warnings,
    }


def _label(row, regions: RegionIndex) -> str:
    region = regions.get(row.ags)
    return f"{row.ags} {region.name if region else row.name}".strip()


def _list(items: list, limit: int = 10) -> list | Msg:
    """At most ``limit`` items (joined by ``say``), and how many more: "a, b, … und 3 weitere"."""
    if len(items) <= limit:
        return list(items)
    return Msg(N_("{items} und {n} weitere"), items=list(items[:limit]), n=Num(len(items) - limit))
