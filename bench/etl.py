"""Benchmark of the load path: check + load of a 50,000-row shelters workbook.

Writes a realistic workbook (400 Kreise, 8 quarters, one row per facility and quarter) to a temporary
directory, then times reading (etl.reader.read_file), checking (etl.validate.check_file minus the read) and
loading (etl.loader.load_reports into a fresh, already initialised database), median of ``--runs`` runs.
The read is timed inside check_file, so read + validate is exactly the time of one check.
The baseline is the plain approach: openpyxl ``load_workbook(read_only=True)`` iterating the rows and
inserting them into DuckDB with ``executemany`` (no checks at all). Prints figures and ratios; asserts nothing.

    python bench/etl.py [--rows 50000] [--runs 3] [--quick]

``--quick`` times the baseline on the first 5,000 rows and extrapolates (its executemany is slow).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl import loader, validate  # noqa: E402
from etl.reader import read_file  # noqa: E402
from monitor import config, store  # noqa: E402
from monitor.datasets import SHELTERS  # noqa: E402
from monitor.periods import Quarter, latest_complete_quarter, quarter_range  # noqa: E402
from monitor.regions import RegionIndex  # noqa: E402

TODAY = config.today()
# eight quarters up to the last complete one: valid on any day the benchmark runs
_LAST = latest_complete_quarter(TODAY)
QUARTERS = quarter_range(Quarter(_LAST.year - 2, _LAST.q).next(), _LAST)
SEED = 20261121


def write_workbook(path: Path, rows: int, regions: RegionIndex) -> Path:
    """A shelters workbook with ``rows`` data rows: facilities spread over all Kreise, every quarter."""
    rng = np.random.default_rng(SEED)
    kreise = [r.ags for r in regions.kreise() if r.valid_to is None]
    per_quarter = -(-rows // len(QUARTERS))
    facility_kreis = rng.choice(kreise, size=per_quarter)
    places_women = rng.integers(4, 31, size=per_quarter)
    places_children = np.round(places_women * rng.uniform(1.0, 1.3, size=per_quarter)).astype(int)
    types = rng.choice(["Frauenhaus", "Schutzwohnung", "Männerschutzwohnung"], p=[0.85, 0.13, 0.02],
                       size=per_quarter)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Daten")
    ws.append([c.header for c in SHELTERS.columns])
    written = 0
    for q in QUARTERS:
        n = min(per_quarter, rows - written)
        occupancy = rng.uniform(0.75, 1.05, size=n)
        turn_aways = rng.poisson(6, size=n)
        columns = [
            [str(q)] * n, facility_kreis[:n].tolist(), [f"{a}-FH-{i:05d}" for i, a in enumerate(facility_kreis[:n])],
            types[:n].tolist(), places_women[:n].tolist(), places_children[:n].tolist(),
            (places_women[:n] * q.days * occupancy).astype(int).tolist(),
            (places_children[:n] * q.days * occupancy * 0.9).astype(int).tolist(),
            rng.integers(2, 12, size=n).tolist(), rng.integers(2, 15, size=n).tolist(), turn_aways.tolist(),
            (turn_aways * 0.7).astype(int).tolist(), rng.integers(0, 30, size=n).tolist(),
            rng.integers(0, np.minimum(places_women[:n], 3) + 1).tolist(),
        ]
        for row in zip(*columns):
            ws.append(list(row))
        written += n
    wb.save(path)
    return path


def time_ours(path: Path, regions: RegionIndex, template_db: Path, workdir: Path) -> dict[str, float]:
    read_seconds = []

    def timed_read(*args, **kwargs):
        started = time.perf_counter()
        result = read_file(*args, **kwargs)
        read_seconds.append(time.perf_counter() - started)
        return result

    validate.read_file = timed_read  # the read inside check_file, timed on its own
    try:
        started = time.perf_counter()
        reports = validate.check_file(path, dataset="shelters", regions=regions, today=TODAY)
        check = time.perf_counter() - started
    finally:
        validate.read_file = read_file
    read = sum(read_seconds)
    assert reports and not reports[0].errors, reports[0].errors[:3]

    db = workdir / "run.duckdb"
    shutil.copyfile(template_db, db)
    started = time.perf_counter()
    with store.connect(db, write=True) as con:
        outcome = loader.load_reports(con, reports, user="bench")
    load = time.perf_counter() - started
    assert outcome.ok
    db.unlink()
    return {"read": read, "validate": check - read, "load": load, "total": check + load}


def time_baseline(path: Path, workdir: Path, limit: int | None) -> tuple[float, int]:
    """openpyxl read-only row loop + DuckDB executemany; returns (seconds, rows)."""
    db = workdir / "baseline.duckdb"
    con = duckdb.connect(str(db))
    columns = ", ".join(f"{c.field} {c.sql_type}" for c in SHELTERS.columns)
    con.execute(f"CREATE TABLE shelters ({columns})")
    placeholders = ", ".join("?" for _ in SHELTERS.columns)
    started = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = []
    for values in wb["Daten"].iter_rows(min_row=2, values_only=True):
        rows.append(values)
        if limit and len(rows) == limit:
            break
    con.execute("BEGIN TRANSACTION")
    con.executemany(f"INSERT INTO shelters VALUES ({placeholders})", rows)
    con.execute("COMMIT")
    seconds = time.perf_counter() - started
    wb.close()
    con.close()
    db.unlink()
    return seconds, len(rows)


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _d(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark: Prüfen und Laden einer Schutzunterkunft-Datei.")
    parser.add_argument("--rows", type=int, default=50_000, help="Datenzeilen (Standard 50.000)")
    parser.add_argument("--runs", type=int, default=3, help="Läufe, Median (Standard 3)")
    parser.add_argument("--quick", action="store_true", help="Vergleichslauf nur auf 5.000 Zeilen, hochgerechnet")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ik-bench-") as tmp:
        workdir = Path(tmp)
        template_db = workdir / "template.duckdb"
        with store.connect(template_db) as con:
            regions = RegionIndex.from_db(con)
        started = time.perf_counter()
        path = write_workbook(workdir / "frauenhaeuser_50k.xlsx", args.rows, regions)
        print(f"Arbeitsmappe: {_n(args.rows)} Zeilen × {len(SHELTERS.columns)} Spalten, {len(QUARTERS)} Quartale, "
              f"{_d(path.stat().st_size / 1e6)} MB, geschrieben in {_d(time.perf_counter() - started)} s")

        runs = [time_ours(path, regions, template_db, workdir) for _ in range(args.runs)]
        median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"\nIK-Monitor (Median aus {args.runs} Läufen)")
        for stage in ("read", "validate", "load", "total"):
            print(f"  {stage:<9} {_d(median[stage], 2):>7} s   {_n(args.rows / median[stage]):>10} Zeilen/s")

        baseline, n = time_baseline(path, workdir, 5_000 if args.quick else None)
        rate = n / baseline
        base_total = args.rows / rate
        note = f" (gemessen an {_n(n)} Zeilen, hochgerechnet)" if n < args.rows else ""
        print(f"\nVergleich openpyxl-Zeilenschleife + executemany, ohne Prüfung (1 Lauf){note}")
        print(f"  total     {_d(base_total, 2):>7} s   {_n(rate):>10} Zeilen/s")
        print(f"\nVerhältnis: IK-Monitor liest, prüft und lädt {_d(base_total / median['total'])}× so schnell, "
              f"wie die Zeilenschleife ungeprüft lädt.")


if __name__ == "__main__":
    main()
