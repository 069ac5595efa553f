"""A load killed halfway leaves the database as before; two loads at once never corrupt it.

Each test runs loads in child processes, because both a SIGKILL and DuckDB's file lock act per process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest

from monitor import store
from monitor.datasets import get

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
MARKER = "ROWS-WRITTEN-NOT-COMMITTED"

# A child that loads ``rows`` shelter rows as one file; with "hang" it stops after the rows and the batch
# row are written but before COMMIT, prints MARKER and sleeps until it is killed.
BIG_LOAD = textwrap.dedent(f"""
    import sys, time
    import pandas as pd
    from etl import loader
    from etl.validate import FileReport
    from monitor import store
    from monitor.datasets import get

    rows, mode = int(sys.argv[1]), sys.argv[2]
    ds = get("shelters")
    data = {{c.field: pd.array([None] * rows, dtype="Int64" if c.is_number else "string") for c in ds.columns}}
    data.update(
        quarter=pd.array(["2025-Q3"] * rows, dtype="string"),
        ags=pd.array(["05913"] * rows, dtype="string"),
        facility=pd.array([f"DO-FH-{{i:06d}}" for i in range(rows)], dtype="string"),
        facility_type=pd.array(["Frauenhaus"] * rows, dtype="string"),
        places_women=pd.array(range(rows), dtype="Int64"),
        places_children=pd.array([3] * rows, dtype="Int64"),
        source_sheet=pd.array(["Daten"] * rows, dtype="string"),
        source_row=pd.array(range(2, rows + 2), dtype="Int64"),
    )
    report = FileReport("gross.xlsx", f"sha-gross-{{rows}}", "shelters", rows, [], [], pd.DataFrame(data),
                        ["2025-Q3"], ["05913"])
    if mode == "hang":
        write = loader._write_table
        def hanging(*args, **kwargs):
            result = write(*args, **kwargs)
            print("{MARKER}", flush=True)
            time.sleep(120)
            return result
        loader._write_table = hanging
    with store.connect(write=True) as con:
        outcome = loader.load_reports(con, [report], user="crash-test")
    print("DONE", outcome.batch_ids, flush=True)
""")

# A child that waits for the start signal (a file appearing), then runs the CLI load; its writes are slowed
# down while it holds the database so that the other child certainly has to wait for the lock.
CLI_LOAD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from etl import cli, loader

    go, files = Path(sys.argv[1]), sys.argv[2:]
    write = loader._write_table
    def slow(*args, **kwargs):
        result = write(*args, **kwargs)
        time.sleep(0.5)
        return result
    loader._write_table = slow
    while not go.exists():
        time.sleep(0.005)
    sys.exit(cli.main(["load", *files, "--json"]))
""")


def child_env(db: Path) -> dict[str, str]:
    return {**os.environ, "IK_MONITOR_DB": str(db), "PYTHONPATH": str(ROOT), "IK_MONITOR_LOCK_TIMEOUT": "60"}


def counts(db: Path) -> tuple[int, int]:
    with store.connect(db) as con:
        return (con.execute("SELECT count(*) FROM batches").fetchall()[0][0],
                con.execute("SELECT count(*) FROM shelters").fetchall()[0][0])


def earlier_batch(db: Path) -> None:
    """A database with one small batch already in it, so that 'as before' is not simply 'empty'."""
    done = subprocess.run([sys.executable, "-c", BIG_LOAD, "7", "finish"], env=child_env(db),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with store.connect(db, write=True) as con:
        con.execute("UPDATE shelters SET quarter = '2025-Q2'")  # its keys must not collide with the big load


def test_killed_load_leaves_the_database_as_before(db_path):
    earlier_batch(db_path)
    assert counts(db_path) == (1, 7)
    # more rows than one DuckDB row group (122,880): such rows reach the file before COMMIT
    child = subprocess.Popen([sys.executable, "-c", BIG_LOAD, "150000", "hang"], env=child_env(db_path),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == MARKER, child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    assert counts(db_path) == (1, 7)
    with store.connect(db_path, write=True) as con:
        assert con.execute("SELECT count(*) FROM shelters_current").fetchall() == [(7,)]
        con.execute("CHECKPOINT")
    # and the database takes the keys of the killed load afterwards
    done = subprocess.run([sys.executable, "-c", BIG_LOAD, "8", "finish"], env=child_env(db_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("DONE [")
    assert counts(db_path) == (2, 15)


def test_load_without_kill_commits_batch_and_rows(db_path):
    done = subprocess.run([sys.executable, "-c", BIG_LOAD, "150000", "finish"], env=child_env(db_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert counts(db_path) == (1, 150000)
    with store.connect(db_path) as con:
        assert con.execute("SELECT rows, status FROM batches").fetchall() == [(150000, "active")]


def shelters_xlsx(path: Path, facilities: list[str], quarter: str = "2025-Q2") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Daten"
    ws.append([c.header for c in get("shelters").columns])
    for f in facilities:
        ws.append([quarter, "03404", f, "Frauenhaus", 10, 12, 800, 900, 5, 6, 4, 2, 3, 1])
    wb.save(path)
    return path


def run_at_once(db: Path, go: Path, *file_lists: list[Path]) -> list[tuple[int, dict]]:
    """Start one CLI load per file list, release them together, return (exit code, JSON) of each."""
    with store.connect(db):
        pass  # the database exists before the race, as it does in operation
    children = [
        subprocess.Popen([sys.executable, "-c", CLI_LOAD, str(go), *map(str, files)], env=child_env(db),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for files in file_lists
    ]
    time.sleep(0.5)  # let both children import before the start signal
    go.touch()
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode in (0, 1), err
        results.append((child.returncode, json.loads(out)))
    return results


def test_two_loads_of_different_files_at_once(db_path, tmp_path):
    a = shelters_xlsx(tmp_path / "a.xlsx", [f"NI-FH-{i:03d}" for i in range(40)])
    b = shelters_xlsx(tmp_path / "b.xlsx", [f"NI-FH-{i:03d}" for i in range(40)], quarter="2025-Q3")
    results = run_at_once(db_path, tmp_path / "go", [a], [b])

    assert [code for code, _ in results] == [0, 0]
    assert sorted(r["files"][0]["batch_ids"][0] for _, r in results) == [1, 2]
    assert counts(db_path) == (2, 80)
    with store.connect(db_path) as con:
        assert con.execute("SELECT quarter, count(*) FROM shelters_current GROUP BY ALL ORDER BY 1").fetchall() == [
            ("2025-Q2", 40), ("2025-Q3", 40)]


def test_two_loads_of_the_same_keys_at_once(db_path, tmp_path):
    a = shelters_xlsx(tmp_path / "a.xlsx", [f"NI-FH-{i:03d}" for i in range(40)])
    b = shelters_xlsx(tmp_path / "b.xlsx", [f"NI-FH-{i:03d}" for i in range(20, 30)])
    results = run_at_once(db_path, tmp_path / "go", [a], [b])

    codes = sorted(code for code, _ in results)
    assert codes == [0, 1]
    loser = next(r["files"][0] for code, r in results if code == 1)
    assert loser["status"] == "rejected" and loser["errors"][0]["code"] == "key-already-loaded"
    assert "bereits geladen (Batch 1" in loser["errors"][0]["message"]
    winner = next(r["files"][0] for code, r in results if code == 0)
    assert counts(db_path) == (1, winner["rows"])
