"""Population vintages: read the official Destatis workbook (or our own CSV), check it and load it as a batch.

A vintage is the population of every Kreis, Land and Germany at one reference date on one basis (e.g.
31.12.2023, "Zensus 2011"). Loading one adds a batch of kind ``population``; undoing that batch takes the
vintage out of ``population_current`` again, exactly like a data file.

Two formats are read:

* The Destatis publication "Kreisfreie Städte und Landkreise nach Fläche, Bevölkerung und
  Bevölkerungsdichte" (GV-ISys, ``04-kreise_gebietsstand_JJJJ-MM-TT.xlsx``): a header "Bevölkerung auf
  Grundlage ZENSUS2011" with the sub-columns insgesamt / männlich / weiblich, Kreise by 5-digit key, Land
  header rows by 2-digit key followed by an "Insgesamt" row, and a "Deutschland Insgesamt" row. The
  reference date is the "Gebietsstand" (in that publication the population is counted on the same day),
  unless a "Stichtag" is given. The basis is taken from the header ("ZENSUS2011" → "Zensus 2011").
* Our CSV (the shipped ``data/reference/*population*.csv``): columns ``ags``, ``population_total``,
  ``population_female``, ``population_male``, ``reference_date``, ``basis``, optionally ``source``.

Länder and Germany missing from the file are summed from the Kreise.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
from python_calamine import CalamineWorkbook

from monitor import store
from monitor.regions import GERMANY, RegionIndex

from .problems import Problem
from .values import as_text, is_missing, parse_count

LOADED, REJECTED = "loaded", "rejected"

# Plausible population ranges (inhabitants) by level; outside them a column was probably mixed up.
PLAUSIBLE = {"kreis": (10_000, 5_000_000), "land": (400_000, 20_000_000), "bund": (70_000_000, 95_000_000)}
# A Kreis differing from the vintage in force by more than this share gets a warning (basis change is ~1-5 %).
DEVIATION_WARN = 0.15

_DATE = r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})"
_STICHTAG = re.compile(rf"stichtag\s*:?\s*{_DATE}", re.I)
_GEBIETSSTAND = re.compile(rf"gebietsstand\s*:?\s*{_DATE}", re.I)
_ISO_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ZENSUS = re.compile(r"zensus\s*(19\d\d|20\d\d)", re.I)
_ROW_COLUMNS = ["ags", "level", "name", "total", "female", "male"]
_CSV_COLUMNS = ("ags", "population_total", "population_female", "population_male", "reference_date", "basis")


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


def load_population(path: Path | str, *, user: str, db_path: Path | str | None = None) -> dict:
    """Read, check and load a population vintage in one transaction; returns what happened as a dict.

    The dict has ``status`` (``loaded`` or ``rejected``), ``message`` (German), ``batch_id``,
    ``reference_date``, ``basis``, ``kreise``, ``laender``, ``germany_total``, ``errors`` and ``warnings``
    (lists of Problem).
    """
    path = Path(path)
    vintage = read_population(path)
    with store.connect(db_path, write=True) as con:
        regions = RegionIndex.from_db(con)
        if not vintage.errors:
            check_population(vintage, regions, con)
        if vintage.errors:
            return _result(vintage, REJECTED, None, path)
        batch_id = _insert(con, vintage, path, user)
    return _result(vintage, LOADED, batch_id, path)


def read_population(path: Path | str) -> Vintage:
    """Parse a Destatis workbook (.xlsx/.xls/.ods) or our CSV into a Vintage; problems are collected in it."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            vintage = _read_csv(path)
        else:
            vintage = _read_destatis(path)
    except FormatError as exc:
        vintage = _empty(path)
        vintage.errors.append(Problem("population-format", "error", str(exc)))
    if not vintage.errors:
        _complete(vintage)
    return vintage


def check_population(vintage: Vintage, regions: RegionIndex, con: duckdb.DuckDBPyConnection | None = None) -> None:
    """Check AGS, plausibility, completeness and (with ``con``) duplicates of vintages already in force."""
    rows = vintage.rows
    dupes = sorted(rows.loc[rows["ags"].duplicated(), "ags"].unique())
    if dupes:
        vintage.errors.append(Problem(
            "population-duplicate", "error",
            f"Diese Schlüssel kommen mehrfach vor: {_list(dupes)}. Erwartet: jeder Kreis und jedes Land einmal."))
    unknown = sorted(a for a in rows["ags"] if regions.get(a) is None)
    if unknown:
        vintage.errors.append(Problem(
            "population-unknown-region", "error",
            f"{len(unknown)} Schlüssel sind im IK-Monitor nicht bekannt: {_list(unknown)}. Erwartet: die Kreise "
            "und Länder der Regionenliste. Bei einer Gebietsreform bitte zuerst die Regionenliste aktualisieren."))
    for row in rows.itertuples(index=False):
        low, high = PLAUSIBLE[row.level]
        if not low <= row.total <= high:
            vintage.errors.append(Problem(
                "population-implausible", "error",
                f"{_label(row, regions)}: {_n(row.total)} Einwohner:innen sind unplausibel. "
                f"Erwartet: zwischen {_n(low)} und {_n(high)} – ist die richtige Spalte erkannt?",
                value=str(row.total)))
        for part in ("female", "male"):
            value = getattr(row, part)
            if not pd.isna(value) and value > row.total:
                vintage.errors.append(Problem(
                    "population-implausible", "error",
                    f"{_label(row, regions)}: {_n(value)} {'Frauen' if part == 'female' else 'Männer'} sind mehr "
                    f"als die {_n(row.total)} Einwohner:innen insgesamt.", value=str(value)))
    if vintage.reference_date is not None:
        expected = {r.ags for r in regions.kreise() if r.valid_on(vintage.reference_date)}
        missing = sorted(expected - set(rows["ags"]))
        if missing:
            names = [f"{a} {regions.get(a).name}" for a in missing]
            vintage.warnings.append(Problem(
                "population-missing-regions", "warning",
                f"{len(missing)} Kreise fehlen in der Datei: {_list(names)}. Für sie gilt weiter der bisherige "
                "Bevölkerungsstand."))
    if con is not None and not vintage.errors:
        _check_against_store(vintage, regions, con)


def _check_against_store(vintage: Vintage, regions: RegionIndex, con: duckdb.DuckDBPyConnection) -> None:
    same = con.execute(
        """SELECT DISTINCT coalesce(CAST(batch_id AS VARCHAR), 'mitgeliefert') FROM population_current
           WHERE reference_date = ? AND basis = ?""",
        [vintage.reference_date, vintage.basis],
    ).fetchall()
    if same:
        batches = [s[0] for s in same if s[0] != "mitgeliefert"]
        if batches:
            hint = f"als Batch {', '.join(batches)} geladen. Zum Ersetzen zuerst diesen Batch rückgängig machen."
        else:
            hint = "als mitgelieferter Stand vorhanden."
        vintage.errors.append(Problem(
            "population-already-loaded", "error",
            f"Der Bevölkerungsstand {vintage.reference_date:%d.%m.%Y} (Basis {vintage.basis}) ist bereits {hint}"))
        return
    current = dict(con.execute(
        """SELECT ags, arg_max(total, reference_date) FROM population_current
           WHERE length(ags) = 5 GROUP BY ags"""
    ).fetchall())
    far = []
    for row in vintage.rows.itertuples(index=False):
        before = current.get(row.ags)
        if row.level == "kreis" and before and abs(row.total - before) / before > DEVIATION_WARN:
            far.append(f"{_label(row, regions)} ({_n(before)} → {_n(row.total)})")
    if far:
        vintage.warnings.append(Problem(
            "population-deviation", "warning",
            f"{len(far)} Kreise weichen um mehr als {DEVIATION_WARN * 100:.0f} % vom bisherigen Stand ab: "
            f"{_list(far)}. Bitte prüfen, ob Stichtag und Spalten stimmen."))


def _insert(con: duckdb.DuckDBPyConnection, vintage: Vintage, path: Path, user: str) -> int:
    """The batch row and the population rows, in one transaction."""
    frame = vintage.rows[["ags", "total", "female", "male"]].copy()
    note = f"Stichtag {vintage.reference_date:%d.%m.%Y}, Basis {vintage.basis}; {vintage.source}"
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


def insert_batch(con: duckdb.DuckDBPyConnection, *, kind: str, path: Path, sheet: str | None, rows: int,
                 user: str, note: str | None, regions: list[str] | None = None) -> int:
    """Insert the batch row of a reference-data load (population, targets) and return its id.

    The caller holds the transaction; undo and history treat it like any other batch.
    """
    batch_id = con.execute("SELECT nextval('batch_seq')").fetchone()[0]
    con.execute(
        """INSERT INTO batches (batch_id, kind, dataset, file_name, sha256, sheet, rows, quarters, regions,
                                user_name, loaded_at, status, replaced_rows, is_demo, note)
           VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, 'active', 0, FALSE, ?)""",
        [batch_id, kind, path.name, sha256_of(path), sheet, rows, regions, user,
         datetime.now().replace(microsecond=0), note],
    )
    return batch_id


def sha256_of(path: Path) -> str:
    """The file's SHA-256 in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- reading -------------------------------------------------------------------------------------------------

class FormatError(Exception):
    """The file is not a population table we can read; the message (German) says why."""


def _empty(path: Path) -> Vintage:
    return Vintage(None, None, path.name, None, pd.DataFrame(columns=_ROW_COLUMNS))


def _read_destatis(path: Path) -> Vintage:
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of unreadable file
        raise FormatError(f"Die Datei „{path.name}“ ist keine lesbare Tabelle ({exc}).") from exc
    sheets = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
    all_text = " ".join(as_text(c) for rows in sheets.values() for r in rows[:60] for c in r if isinstance(c, str))
    for name, rows in sheets.items():
        layout = _find_layout(rows)
        if layout is None:
            continue
        texts = " ".join(as_text(c) for r in rows for c in r if isinstance(c, str))
        reference = _reference_date(texts) or _reference_date(all_text) or _date_in_name(path.name)
        basis = _basis(" ".join(str(c) for r in rows[:layout.header_end] for c in r))
        vintage = Vintage(reference, basis, _source(rows, path), name, _parse_rows(rows, layout))
        if reference is None:
            vintage.errors.append(Problem(
                "population-format", "error",
                "Der Stichtag steht nicht in der Datei (erwartet z. B. „Gebietsstand: 31.12.2023“ oder "
                "„Stichtag: 31.12.2023“)."))
        if basis is None:
            vintage.errors.append(Problem(
                "population-format", "error",
                "Die Basis der Bevölkerungszahlen steht nicht in der Kopfzeile (erwartet z. B. „Bevölkerung auf "
                "Grundlage ZENSUS 2011“)."))
        return vintage
    raise FormatError(
        f"In „{path.name}“ wurde keine Bevölkerungstabelle gefunden. Erwartet: die Destatis-Tabelle „Kreisfreie "
        "Städte und Landkreise nach Fläche, Bevölkerung und Bevölkerungsdichte“ (Spalten Schlüsselnummer und "
        "Bevölkerung insgesamt/männlich/weiblich) oder eine CSV mit den Spalten " + ", ".join(_CSV_COLUMNS) + ".")


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


def _reference_date(text: str) -> date | None:
    for pattern in (_STICHTAG, _GEBIETSSTAND):
        m = pattern.search(text)
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                return None
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


def _source(rows: list[list], path: Path) -> str:
    quelle = next((as_text(r[0]) for r in rows
                   if r and isinstance(r[0], str) and r[0].strip().startswith("Quelle")), "")
    publisher = next((as_text(c) for r in rows for c in r if isinstance(c, str) and "(Destatis)" in c), "")
    parts = [p for p in (quelle.removeprefix("Quelle:").strip(), publisher.strip(), f"Datei {path.name}") if p]
    return "; ".join(parts)


def _key(cell: object) -> str | None:
    """The regional key of a row: 2 (Land) or 5 (Kreis) digits, also from a number that lost its zero."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        return f"{cell:05d}" if cell >= 1000 else f"{cell:02d}" if 1 <= cell <= 16 else None
    text = str(cell).strip() if isinstance(cell, str) else ""
    return text if re.fullmatch(r"\d{2}|\d{5}", text) else None


def _count(cell: object) -> int | None:
    if is_missing(cell) or (isinstance(cell, str) and not cell.strip()):
        return None
    parsed = parse_count(cell)
    return parsed.value if parsed.code is None else None


def _parse_rows(rows: list[list], layout: _Layout) -> pd.DataFrame:
    """Kreise (5-digit key), Land totals ("Insgesamt" after a 2-digit Land row) and Germany ("Deutschland")."""
    out = []
    land: str | None = None
    land_name = ""
    for row in rows[layout.header_end:]:
        cells = list(row) + [""] * (max(layout.key, layout.total, layout.male or 0, layout.female or 0) + 1 - len(row))
        total = _count(cells[layout.total])
        male = _count(cells[layout.male]) if layout.male is not None else None
        female = _count(cells[layout.female]) if layout.female is not None else None
        key = _key(cells[layout.key])
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
    frame = pd.DataFrame(out, columns=_ROW_COLUMNS)
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"ags": "str", "level": "str", "name": "str"})
    for col in ("total", "female", "male"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    return frame.reset_index(drop=True)


def decode_text(raw: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else Windows-1252 as German Excel writes it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> Vintage:
    text = decode_text(path.read_bytes())
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise FormatError(f"„{path.name}“ ist keine lesbare CSV-Datei ({exc}).") from exc
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in _CSV_COLUMNS if c not in header]
    if missing:
        raise FormatError(
            f"In „{path.name}“ fehlen die Spalten {', '.join(missing)}. Erwartet: eine CSV mit den Spalten "
            + ", ".join(_CSV_COLUMNS) + " (wie data/reference/kreise_population_2023-12-31.csv).")
    vintage = _empty(path)
    out = []
    dates, bases, sources = set(), set(), set()
    for i, rec in enumerate(records, start=2):
        rec = {k.strip(): (v or "").strip() for k, v in rec.items() if k}
        key = _key(rec["ags"]) if rec["ags"] != GERMANY else GERMANY
        values = [_count(rec[c]) for c in ("population_total", "population_female", "population_male")]
        if key is None or values[0] is None:
            vintage.errors.append(Problem(
                "population-format", "error",
                f"Zeile {i}: Schlüssel „{rec['ags']}“ oder Einwohnerzahl „{rec['population_total']}“ ist "
                "ungültig. Erwartet: ein Kreis- (5 Ziffern) oder Landesschlüssel (2 Ziffern) und eine ganze Zahl.",
                row=i, value=rec["ags"]))
            continue
        level = "bund" if key == GERMANY else "land" if len(key) == 2 else "kreis"
        out.append((key, level, rec.get("name", ""), values[0], values[1], values[2]))
        dates.add(rec["reference_date"])
        bases.add(rec["basis"])
        if rec.get("source"):
            sources.add(rec["source"])
    if len(dates) != 1 or len(bases) != 1:
        vintage.errors.append(Problem(
            "population-mixed-vintage", "error",
            f"Die Datei enthält mehrere Stichtage oder Basen ({', '.join(sorted(dates | bases))}). "
            "Erwartet: ein Stichtag und eine Basis je Datei."))
        return vintage
    reference = _parse_date(next(iter(dates)))
    if reference is None:
        vintage.errors.append(Problem(
            "population-format", "error",
            f"Stichtag „{next(iter(dates))}“ ist kein Datum. Erwartet: z. B. 2023-12-31 oder 31.12.2023."))
    basis = next(iter(bases))
    if not basis:
        vintage.errors.append(Problem(
            "population-format", "error", "Die Spalte basis ist leer (erwartet z. B. „Zensus 2022“)."))
    vintage.reference_date, vintage.basis = reference, basis
    vintage.source = "; ".join(sorted(sources)) or f"Datei {path.name}"
    vintage.rows = _typed(pd.DataFrame(out, columns=_ROW_COLUMNS))
    return vintage


def _parse_date(text: str) -> date | None:
    m = re.fullmatch(_DATE, text.strip())
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _complete(vintage: Vintage) -> None:
    """Add Länder and Germany summed from the Kreise where the file has none; warn where given sums differ."""
    rows = vintage.rows
    kreise = rows[rows["level"] == "kreis"]
    if kreise.empty:
        vintage.errors.append(Problem(
            "population-format", "error", "Die Datei enthält keine Kreise (fünfstellige Schlüssel)."))
        return
    sums = kreise.assign(land=kreise["ags"].str[:2]).groupby("land")[["total", "female", "male"]].sum(min_count=1)
    given = rows[rows["level"] == "land"].set_index("ags")
    given = given[~given.index.duplicated()]
    added, mismatch = [], []
    for land, s in sums.iterrows():
        if land in given.index:
            if int(given.loc[land, "total"]) != int(s["total"]):
                mismatch.append(f"{land}: {_n(given.loc[land, 'total'])} statt Summe {_n(s['total'])}")
        else:
            added.append((land, "land", "", s["total"], s["female"], s["male"]))
    if mismatch:
        vintage.warnings.append(Problem(
            "population-sum-mismatch", "warning",
            "Landessumme weicht von der Summe der Kreise ab: " + _list(mismatch) + "."))
    rows = pd.concat([rows, _typed(pd.DataFrame(added, columns=rows.columns))], ignore_index=True) if added else rows
    if not (rows["level"] == "bund").any():
        laender = rows[rows["level"] == "land"]
        total = laender[["total", "female", "male"]].sum(min_count=1)
        rows = pd.concat([rows, _typed(pd.DataFrame(
            [(GERMANY, "bund", "Deutschland", total["total"], total["female"], total["male"])],
            columns=rows.columns))], ignore_index=True)
    vintage.rows = _typed(rows)


# --- messages ------------------------------------------------------------------------------------------------

def _result(vintage: Vintage, status: str, batch_id: int | None, path: Path) -> dict:
    rows = vintage.rows
    counts = rows["level"].value_counts() if len(rows) else pd.Series(dtype=int)
    germany = rows.loc[rows["level"] == "bund", "total"]
    germany_total = int(germany.iloc[0]) if len(germany) else None
    when = f"{vintage.reference_date:%d.%m.%Y}" if vintage.reference_date else "?"
    if status == LOADED:
        message = (f"Bevölkerungsstand {when} (Basis {vintage.basis}) als Batch {batch_id} geladen: "
                   f"{int(counts.get('kreis', 0))} Kreise, {int(counts.get('land', 0))} Länder, "
                   f"Deutschland {_n(germany_total)} Einwohner:innen.")
    else:
        message = f"„{path.name}“ wurde nicht geladen: {len(vintage.errors)} Fehler."
    return {
        "status": status,
        "message": message,
        "file": path.name,
        "batch_id": batch_id,
        "reference_date": vintage.reference_date.isoformat() if vintage.reference_date else None,
        "basis": vintage.basis,
        "kreise": int(counts.get("kreis", 0)),
        "laender": int(counts.get("land", 0)),
        "germany_total": germany_total,
        "errors": vintage.errors,
        "warnings": vintage.warnings,
    }


def _label(row, regions: RegionIndex) -> str:
    region = regions.get(row.ags)
    return f"{row.ags} {region.name if region else row.name}".strip()


def _n(value) -> str:
    return "?" if value is None or pd.isna(value) else f"{int(value):,}".replace(",", ".")


def _list(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" und {len(items) - limit} weitere" if len(items) > limit else "")
