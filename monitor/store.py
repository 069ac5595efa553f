"""The DuckDB store: schema, connections and first-time initialisation.

The working store (``IK_MONITOR_DB``) is opened only by writers, one at a time: a lock file serialises
writer processes (a waiting writer retries for ``LOCK_TIMEOUT_S``, then says so in German), a lock within the
process serialises threads. After every write the closed file is copied to a readers' snapshot
(``monitor.read.duckdb``) and renamed into place; readers open that snapshot read-only. So any number of
readers in any number of processes never hold the working store's lock, and a load never waits for them.
Public figures are not read here at all but from the immutable releases (``monitor.release``).
Every table and view is defined here.
"""

from __future__ import annotations

import csv
import fcntl
import os
import shutil
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

import duckdb

from . import config
from .datasets import DATASETS, Dataset
from .i18n import N_, Failure
from .regions import normalise_name

SCHEMA_VERSION = "4"  # 2: region history; 3: annotations; 4: police districts, police.estimated

_write_lock = threading.RLock()


class StoreBusy(Failure, RuntimeError):
    """The database file stayed locked by another process for longer than the timeout."""


# Columns a data table has beyond its dataset's file format, after superseded_by (where ALTER TABLE puts them
# in a migrated store). police.estimated: the row was apportioned from police districts (etl/districts.py).
EXTRA_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "police": (("estimated", "BOOLEAN NOT NULL DEFAULT FALSE"),),
}


def _data_table_ddl(ds: Dataset) -> str:
    cols = ",\n  ".join(f"{c.field} {c.sql_type}{' NOT NULL' if c.required else ''}" for c in ds.columns)
    extra = "".join(f",\n  {name} {ddl}" for name, ddl in EXTRA_COLUMNS.get(ds.table, ()))
    return f"""
CREATE TABLE IF NOT EXISTS {ds.table} (
  batch_id INTEGER NOT NULL,
  source_sheet VARCHAR,
  source_row INTEGER,
  {cols},
  superseded_by INTEGER{extra}
);
-- the rows in force: from active batches and not replaced by a later batch
CREATE OR REPLACE VIEW {ds.table}_current AS
  SELECT t.* FROM {ds.table} t JOIN batches b USING (batch_id)
  WHERE b.status = 'active' AND t.superseded_by IS NULL;
"""


def _police_district_ddl() -> str:
    """The mapping of police districts to Kreise and the police figures as reported per district."""
    counts = ",\n  ".join(f"{c.field} {c.sql_type}" for c in DATASETS["police"].columns
                           if c.field not in ("quarter", "ags"))
    return f"""
-- which Kreise, or parts of Kreise, each police district covers: shipped (batch_id NULL,
-- data/reference/police_districts.csv) and imported ('districts' batches, etl/districts.py)
CREATE TABLE IF NOT EXISTS police_district_map (
  district VARCHAR NOT NULL,        -- e.g. 'Polizeipräsidium Dortmund'
  district_key VARCHAR NOT NULL,    -- the name normalised (regions.normalise_name): one district however spelt
  aliases VARCHAR[],                -- further names police files use
  land_ags VARCHAR NOT NULL,
  kreis_ags VARCHAR NOT NULL,
  whole BOOLEAN NOT NULL,           -- the whole Kreis ('ganz') or a part of it ('teil')
  part_name VARCHAR,                -- the part, e.g. 'Stadt Lünen'
  population_share DOUBLE,          -- the part's share of the Kreis's population; NULL: whole, remainder or unknown
  remainder BOOLEAN NOT NULL DEFAULT FALSE,  -- the part is the rest of the Kreis: 1 - the other parts' shares
  part_population BIGINT,           -- inhabitants of the part and of the Kreis the share was derived from
  kreis_population BIGINT,
  population_date DATE,
  population_source VARCHAR,
  source VARCHAR NOT NULL,          -- the legal text or document assigning the area to the district
  batch_id INTEGER                  -- NULL for the shipped table
);
-- the mapping in force: per district the rows of its newest active batch, else the shipped rows
CREATE OR REPLACE VIEW police_district_map_current AS
  WITH m AS (SELECT d.* FROM police_district_map d LEFT JOIN batches b USING (batch_id)
             WHERE d.batch_id IS NULL OR b.status = 'active'),
  newest AS (SELECT district_key, max(coalesce(batch_id, 0)) AS newest FROM m GROUP BY district_key)
  SELECT m.* FROM m JOIN newest n ON n.district_key = m.district_key AND coalesce(m.batch_id, 0) = n.newest;
-- police figures as a file reported them per district; the Kreis rows apportioned from them are in 'police'
-- under the same batch, so the two can be checked against each other and undone together
CREATE TABLE IF NOT EXISTS police_district_rows (
  batch_id INTEGER NOT NULL,
  source_sheet VARCHAR,
  source_row INTEGER,
  quarter VARCHAR NOT NULL,
  district VARCHAR NOT NULL,
  district_key VARCHAR NOT NULL,
  land_ags VARCHAR NOT NULL,
  {counts},
  superseded_by INTEGER
);
CREATE OR REPLACE VIEW police_district_rows_current AS
  SELECT t.* FROM police_district_rows t JOIN batches b USING (batch_id)
  WHERE b.status = 'active' AND t.superseded_by IS NULL;
"""


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;
CREATE TABLE IF NOT EXISTS batches (
  batch_id INTEGER PRIMARY KEY,
  kind VARCHAR NOT NULL,            -- data | population | targets | boundaries | regions
  dataset VARCHAR,                  -- shelters | counselling | police for kind = data
  file_name VARCHAR NOT NULL,
  sha256 VARCHAR NOT NULL,
  sheet VARCHAR,
  rows INTEGER NOT NULL,
  quarters VARCHAR[],
  regions VARCHAR[],
  user_name VARCHAR NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  status VARCHAR NOT NULL,          -- active | undone
  replaced_rows INTEGER NOT NULL DEFAULT 0,
  is_demo BOOLEAN NOT NULL DEFAULT FALSE,
  undone_at TIMESTAMP,
  undone_by VARCHAR,
  note VARCHAR
);
-- the regions in force: the shipped list with every active 'regions' batch applied (etl/regions.py keeps
-- it in step with region_versions); a Kreis that ceased or began has valid_to / valid_from set
CREATE TABLE IF NOT EXISTS regions (
  ags VARCHAR NOT NULL,
  level VARCHAR NOT NULL,           -- bund | land | kreis
  name VARCHAR NOT NULL,
  short_name VARCHAR NOT NULL,
  region_type VARCHAR NOT NULL,
  land_ags VARCHAR NOT NULL,
  valid_from DATE,                  -- NULL: since before the monitor's first quarter
  valid_to DATE,                    -- NULL: still valid
  PRIMARY KEY (ags, level)
);
-- every version of a region row: the shipped one (batch_id NULL) and those written by 'regions' batches;
-- the newest version of an active batch is the one in force, so undoing a batch brings the earlier one back
CREATE TABLE IF NOT EXISTS region_versions (
  ags VARCHAR NOT NULL,
  level VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  short_name VARCHAR NOT NULL,
  region_type VARCHAR NOT NULL,
  land_ags VARCHAR NOT NULL,
  valid_from DATE,
  valid_to DATE,
  batch_id INTEGER                  -- NULL for the shipped list
);
-- territorial changes of Kreise: territory of from_ags belongs to to_ags from change_date on
CREATE TABLE IF NOT EXISTS region_changes (
  change_date DATE NOT NULL,        -- first day of the new territory
  kind VARCHAR NOT NULL,            -- merged (from_ags ceased) | split (to_ags new) | moved (both continue)
  from_ags VARCHAR NOT NULL,        -- the Kreis that gave territory (5 digits)
  to_ags VARCHAR NOT NULL,          -- the Kreis that received it (5 digits)
  municipality VARCHAR,             -- key of the municipality that moved (8 digits); NULL: the whole Kreis
  population_share DOUBLE,          -- share of from_ags's population that moved; NULL: not known
  description_de VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  batch_id INTEGER                  -- NULL for the shipped table
);
CREATE TABLE IF NOT EXISTS population (
  ags VARCHAR NOT NULL,
  reference_date DATE NOT NULL,
  basis VARCHAR NOT NULL,           -- e.g. 'Zensus 2022'
  total BIGINT NOT NULL,
  female BIGINT,
  male BIGINT,
  source VARCHAR NOT NULL,
  batch_id INTEGER                  -- NULL for the shipped default
);
CREATE TABLE IF NOT EXISTS targets (
  target_id VARCHAR NOT NULL,
  indicator VARCHAR NOT NULL,
  variant VARCHAR,
  denominator VARCHAR NOT NULL,     -- population_total | population_female
  per_population INTEGER NOT NULL,
  value DOUBLE NOT NULL,
  factor DOUBLE NOT NULL,
  unit_de VARCHAR, unit_en VARCHAR,
  label_de VARCHAR NOT NULL, label_en VARCHAR,
  source VARCHAR NOT NULL,
  valid_from DATE NOT NULL,
  land_ags VARCHAR,                 -- NULL: all Länder; else a Land's own target
  batch_id INTEGER                  -- NULL for the shipped default
);
-- population rows in force: shipped default plus active loaded vintages
CREATE OR REPLACE VIEW population_current AS
  SELECT p.* FROM population p LEFT JOIN batches b USING (batch_id)
  WHERE p.batch_id IS NULL OR b.status = 'active';
CREATE OR REPLACE VIEW targets_current AS
  SELECT t.* FROM targets t LEFT JOIN batches b USING (batch_id)
  WHERE t.batch_id IS NULL OR b.status = 'active';
CREATE OR REPLACE VIEW region_changes_current AS
  SELECT c.* FROM region_changes c LEFT JOIN batches b USING (batch_id)
  WHERE c.batch_id IS NULL OR b.status = 'active';
-- notes on time series: method breaks and events (shipped, or added by admins as batches); a NULL ags means
-- every region, a Land's ags the Land and its Kreise, a Kreis's ags that Kreis
CREATE TABLE IF NOT EXISTS annotations (
  annotation_id VARCHAR NOT NULL,
  ags VARCHAR,
  quarter VARCHAR NOT NULL,         -- the first quarter affected: the mark stands before it
  kind VARCHAR NOT NULL,            -- method | event | territory
  text_de VARCHAR NOT NULL,
  text_en VARCHAR NOT NULL,
  source VARCHAR,
  batch_id INTEGER                  -- NULL for the shipped ones
);
-- the notes in force: shipped and active batches, and one per Kreis touched by a territorial change
CREATE OR REPLACE VIEW annotations_current AS
  SELECT a.annotation_id, a.ags, a.quarter, a.kind, a.text_de, a.text_en, a.source
  FROM annotations a LEFT JOIN batches b USING (batch_id)
  WHERE a.batch_id IS NULL OR b.status = 'active'
  UNION ALL
  SELECT 'gebiet-' || c.from_ags || '-' || c.to_ags || '-' || s.ags, s.ags,
         year(c.change_date) || '-Q' || quarter(c.change_date), 'territory',
         'Gebietsänderung ' || strftime(c.change_date, '%d.%m.%Y') || ': ' || coalesce(rf.short_name, c.from_ags)
           || ' → ' || coalesce(rt.short_name, c.to_ags),
         'Territorial change ' || strftime(c.change_date, '%Y-%m-%d') || ': ' || coalesce(rf.short_name, c.from_ags)
           || ' → ' || coalesce(rt.short_name, c.to_ags),
         c.source
  FROM region_changes_current c
  JOIN (SELECT from_ags AS ags, from_ags, to_ags, change_date FROM region_changes_current
        UNION SELECT to_ags, from_ags, to_ags, change_date FROM region_changes_current) s
    ON s.from_ags = c.from_ags AND s.to_ags = c.to_ags AND s.change_date = c.change_date
  LEFT JOIN regions rf ON rf.ags = c.from_ags AND length(c.from_ags) = 5
  LEFT JOIN regions rt ON rt.ags = c.to_ags AND length(c.to_ags) = 5
  WHERE length(s.ags) = 5;
-- one row per Kreis and stretch of unchanged territory: territory_from / territory_to (NULL: open-ended).
-- A population vintage describes a Kreis's territory in a period only if its reference_date lies in the
-- stretch that contains the period (see docs/data-model.md).
CREATE OR REPLACE VIEW region_territories AS
  WITH cuts AS (
    SELECT from_ags AS ags, change_date FROM region_changes_current
    UNION SELECT to_ags, change_date FROM region_changes_current
  ),
  starts AS (
    SELECT r.ags, r.valid_from AS territory_from FROM regions r WHERE r.level = 'kreis'
    UNION
    SELECT r.ags, c.change_date FROM regions r JOIN cuts c USING (ags)
    WHERE r.level = 'kreis' AND (r.valid_from IS NULL OR c.change_date > r.valid_from)
      AND (r.valid_to IS NULL OR c.change_date <= r.valid_to)
  )
  SELECT s.ags, s.territory_from,
         coalesce(lead(s.territory_from) OVER w - 1, r.valid_to) AS territory_to,
         s.territory_from IS NOT NULL AND s.territory_from IN (SELECT change_date FROM cuts c WHERE c.ags = s.ags)
           AS changed
  FROM starts s JOIN regions r ON r.ags = s.ags AND r.level = 'kreis'
  WINDOW w AS (PARTITION BY s.ags ORDER BY s.territory_from NULLS FIRST);
""" + "".join(_data_table_ddl(ds) for ds in DATASETS.values()) + _police_district_ddl()

POPULATION_SOURCE = (
    "Statistische Ämter des Bundes und der Länder, Regionalstatistik 12411-02-03-4, "
    "Stichtag 31.12.2023 (Basis Zensus 2022), dl-de/by-2-0"
)


def _busy(path: Path) -> StoreBusy:
    return StoreBusy(N_("Die Datenbank {path} wird gerade von einem anderen Vorgang benutzt (z. B. einem laufenden "
                        "Ladevorgang). Bitte in einer Minute erneut versuchen."), path=path)


def _open(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + config.LOCK_TIMEOUT_S
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise _busy(path) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def snapshot_path(path: Path | str | None = None) -> Path:
    """The readers' copy of the working store: ``monitor.duckdb`` → ``monitor.read.duckdb``."""
    path = Path(path) if path else config.db_path()
    return path.with_name(f"{path.stem}.read{path.suffix}")


@contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """One writer at a time across processes (a lock file beside the store), then within the process."""
    lock_file = path.with_name(path.name + ".lock")
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + config.LOCK_TIMEOUT_S
    with _write_lock, open(lock_file, "a+") as handle:
        delay = 0.02
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy(path) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_snapshot(path: Path) -> None:
    """Copy the closed working store to the readers' snapshot; readers switch over with an atomic rename."""
    target = snapshot_path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(path, tmp)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():  # not after a clean close; copied so that the snapshot never misses a commit
        shutil.copyfile(wal, tmp.with_name(tmp.name + ".wal"))
        con = duckdb.connect(str(tmp))
        con.execute("CHECKPOINT")
        con.close()
    os.replace(tmp, target)


def _snapshot_is_fresh(path: Path) -> bool:
    snap = snapshot_path(path)
    if not snap.exists():
        return False
    wal = path.with_name(path.name + ".wal")
    newest = max(path.stat().st_mtime_ns, wal.stat().st_mtime_ns if wal.exists() else 0)
    return snap.stat().st_mtime_ns >= newest


@contextmanager
def _write(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with _writer_lock(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _open(path)
        try:
            ensure_initialised(con)
            yield con
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _write_snapshot(path)


@contextmanager
def connect(path: Path | str | None = None, *, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the store, initialised on first use.

    ``write=True``: the working store itself, one writer at a time (other writers wait up to
    ``LOCK_TIMEOUT_S``, then ``StoreBusy``); when the block ends without an error the readers' snapshot is
    replaced. Otherwise a read-only connection to that snapshot: any number of readers, in any number of
    processes, and none of them ever holds the working store's lock, so readers never block a writer and a
    writer never blocks a reader.
    """
    path = Path(path) if path else config.db_path()
    if not path.exists() or not _snapshot_is_fresh(path):
        refresh_snapshot(path)
    if write:
        with _write(path) as con:
            yield con
        return
    con = duckdb.connect(str(snapshot_path(path)), read_only=True)
    try:
        yield con
    finally:
        con.close()


def refresh_snapshot(path: Path | str | None = None) -> None:
    """(Re)create the readers' snapshot, initialising the store first if it does not exist yet."""
    path = Path(path) if path else config.db_path()
    with _writer_lock(path):
        if path.exists() and _snapshot_is_fresh(path):
            return  # another process refreshed it while this one waited
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _open(path)
        try:
            ensure_initialised(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _write_snapshot(path)


def ensure_initialised(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema and load shipped reference data (regions, population, targets) if missing."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()[0][0]
    if has_meta and con.execute("SELECT count(*) FROM meta WHERE key = 'initialised'").fetchall()[0][0]:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            _migrate(con)
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(SCHEMA)
        _load_reference(con)
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?), ('initialised', ?)",
            [SCHEMA_VERSION, datetime.now().isoformat(timespec="seconds")],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a store of an earlier schema up to date in one transaction: columns added to data tables
    (``EXTRA_COLUMNS``), new tables and views (``CREATE … IF NOT EXISTS``, views replaced), the region history
    with the shipped changes (``rebuild_regions``) and the shipped notes and police districts."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, columns in EXTRA_COLUMNS.items():
            present = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
            for name, ddl in columns:
                if present and name not in present:
                    con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {ddl.replace(' NOT NULL', '')}")
        con.execute(SCHEMA)
        rebuild_regions(con)
        _load_annotations(con)
        _load_police_districts(con)
        con.execute("DELETE FROM meta WHERE key = 'schema_version'")
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Regions (with their territorial changes), population and targets from the shipped CSV files."""
    ref = config.REFERENCE_DIR

    def csv_(name: str) -> str:
        # all columns as text: AGS keep their leading zeros; the casts below say what each column is
        return f"read_csv('{(ref / name).as_posix()}', header = true, all_varchar = true)"

    rebuild_regions(con)
    for name in ("laender_population_2023-12-31.csv", "kreise_population_2023-12-31.csv"):
        con.execute(f"""
            INSERT INTO population
            SELECT ags, reference_date::DATE, basis, population_total::BIGINT, population_female::BIGINT,
                   population_male::BIGINT, ?, NULL
            FROM {csv_(name)}""", [POPULATION_SOURCE])
    con.execute(f"""
        INSERT INTO targets
        SELECT target_id, indicator, nullif(variant, ''), denominator, per_population::INTEGER, value::DOUBLE,
               factor::DOUBLE, unit_de, unit_en, label_de, label_en, source, valid_from::DATE,
               nullif(land_ags, ''), NULL
        FROM {csv_('targets.csv')}""")
    _load_annotations(con)
    _load_police_districts(con)


def _load_annotations(con: duckdb.DuckDBPyConnection) -> None:
    """The shipped notes on method breaks and events (``data/reference/annotations.csv``), once."""
    if con.execute("SELECT count(*) FROM annotations WHERE batch_id IS NULL").fetchall()[0][0]:
        return
    # read with the csv module: DuckDB's sniffer misjudges a file whose rows are mostly long quoted texts
    with open(config.REFERENCE_DIR / "annotations.csv", encoding="utf-8", newline="") as fh:
        rows = [(r["annotation_id"], r["ags"] or None, r["quarter"], r["kind"], r["text_de"], r["text_en"],
                 r["source"] or None) for r in csv.DictReader(fh)]
    if rows:
        con.executemany("INSERT INTO annotations VALUES (?, ?, ?, ?, ?, ?, ?, NULL)", rows)


POLICE_DISTRICTS_FILE = "police_districts.csv"


def _load_police_districts(con: duckdb.DuckDBPyConnection) -> None:
    """The shipped mapping of police districts to Kreise (``data/reference/police_districts.csv``), once.

    ``bevoelkerungsanteil`` is a number, ``Rest`` (the part is the remainder of its Kreis) or empty; an empty
    share of a part is derived from ``einwohner_teil`` / ``einwohner_kreis`` where both are given, else unknown.
    Imported mappings are read by ``etl.districts``, which accepts more spellings of these columns.
    """
    if con.execute("SELECT count(*) FROM police_district_map WHERE batch_id IS NULL").fetchall()[0][0]:
        return
    path = config.REFERENCE_DIR / POLICE_DISTRICTS_FILE
    if not path.exists():
        return
    with open(path, encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    rows = []
    for r in records:
        whole = r["anteil"].strip().lower() == "ganz"
        share_text = (r.get("bevoelkerungsanteil") or "").strip()
        part, kreis = (r.get("einwohner_teil") or "").strip(), (r.get("einwohner_kreis") or "").strip()
        remainder = share_text.lower() == "rest"
        share = None
        if share_text and not remainder:
            share = float(share_text)
        elif not whole and not remainder and part and kreis:
            share = int(part) / int(kreis)
        aliases = [a.strip() for a in (r.get("weitere_namen") or "").split("|") if a.strip()]
        rows.append((r["behoerde"], normalise_name(r["behoerde"]), aliases or None, r["kreis_ags"][:2],
                     r["kreis_ags"], whole, r.get("teilgebiet") or None, share, remainder, int(part) if part else None,
                     int(kreis) if kreis else None, r.get("stichtag_einwohner") or None,
                     r.get("quelle_einwohner") or None, r["quelle"]))
    if rows:
        con.executemany("INSERT INTO police_district_map VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                        rows)


def rebuild_regions(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``regions`` the newest version of each region among the shipped list and the active batches.

    Called at initialisation and by every load and undo of a ``regions`` batch (inside its transaction). The
    shipped list and changes are added where missing, so a store initialised before ``region_versions``
    existed is brought up to date by running ``SCHEMA`` and this (its ``regions`` then has Hanau and Eisenach).
    """
    ref = config.REFERENCE_DIR.as_posix()
    if not con.execute("SELECT count(*) FROM region_versions WHERE batch_id IS NULL").fetchall()[0][0]:
        con.execute(f"""
            INSERT INTO region_versions
            SELECT ags, level, name, short_name, region_type, land_ags,
                   nullif(valid_from, '')::DATE, nullif(valid_to, '')::DATE, NULL
            FROM read_csv('{ref}/regions.csv', header = true, all_varchar = true)""")
    if not con.execute("SELECT count(*) FROM region_changes WHERE batch_id IS NULL").fetchall()[0][0]:
        con.execute(f"""
            INSERT INTO region_changes
            SELECT change_date::DATE, kind, from_ags, to_ags, nullif(municipality, ''),
                   nullif(population_share, '')::DOUBLE, description_de, source, NULL
            FROM read_csv('{ref}/region_changes.csv', header = true, all_varchar = true)""")
    # the newest version of an active batch wins; the shipped rows have no batch
    con.execute("DELETE FROM regions")
    con.execute("""
        INSERT INTO regions
        SELECT ags, level, name, short_name, region_type, land_ags, valid_from, valid_to
        FROM (SELECT v.*, row_number() OVER (PARTITION BY v.ags, v.level ORDER BY v.batch_id DESC NULLS LAST) AS n
              FROM region_versions v LEFT JOIN batches b USING (batch_id)
              WHERE v.batch_id IS NULL OR b.status = 'active')
        WHERE n = 1""")


def data_version(path: Path | str | None = None) -> tuple:
    """A cheap fingerprint that changes with every load or undo (the snapshot is replaced); caches key on it."""
    snap = snapshot_path(path)
    if not snap.exists():
        return (str(snap), 0, 0)
    st = snap.stat()
    return (str(snap), st.st_mtime_ns, st.st_size)
