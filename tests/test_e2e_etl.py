"""End to end through the real command line: template → fill → check → load → replace → undo.

Each step is what a coordination office does: it writes the template, types rows into it with Excel
(openpyxl here), checks it, loads it, loads a corrected file over it and takes the correction back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import openpyxl
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def etl(db, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "IK_MONITOR_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def fill(template, out, rows: list[dict]) -> None:
    """Type rows into the template's data sheet below its header, as a person would."""
    wb = openpyxl.load_workbook(template)
    ws = wb["Daten"]
    headers = [c.value for c in ws[1]]
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            ws.cell(row=r, column=headers.index(header) + 1, value=value)
    wb.save(out)


def places_in_force(db) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute(
            "SELECT facility, places_women FROM shelters_current WHERE quarter = '2025-Q2' ORDER BY facility"
        ).fetchall())
    finally:
        con.close()


def test_template_fill_check_load_replace_undo(tmp_path):
    db = tmp_path / "monitor.duckdb"
    template = tmp_path / "vorlage.xlsx"
    assert etl(db, "template", "shelters", "-o", str(template)).returncode == 0

    rows = [
        {"Quartal": "2025-Q2", "AGS": "03404", "Einrichtung": "NI-FH-001", "Art": "Frauenhaus",
         "Plätze Frauen": 10, "Plätze Kinder": 14, "Belegungstage Frauen": 800, "Aufnahmen Frauen": 12},
        {"Quartal": "2025-Q2", "AGS": "3459", "Einrichtung": "NI-SW-002", "Art": "Schutzwohnung",
         "Plätze Frauen": 2, "Plätze Kinder": 3},
    ]
    first = tmp_path / "frauenhaeuser_2025q2.xlsx"
    fill(template, first, rows)
    check = etl(db, "check", str(first), "--json")
    assert check.returncode == 0, check.stdout + check.stderr
    report = json.loads(check.stdout)["files"][0]
    assert (report["dataset"], report["rows"], report["errors"]) == ("shelters", 2, [])

    loaded = etl(db, "load", str(first), "--user", "lks-test", "--json")
    assert loaded.returncode == 0, loaded.stderr
    first_batch = json.loads(loaded.stdout)["files"][0]["batch_ids"][0]
    assert places_in_force(db) == {"NI-FH-001": 10, "NI-SW-002": 2}

    correction = tmp_path / "korrektur_2025q2.xlsx"
    fill(template, correction, [{**rows[0], "Plätze Frauen": 12}])
    refused = etl(db, "load", str(correction))
    assert refused.returncode == 1
    assert "bereits geladen" in refused.stderr + refused.stdout
    assert places_in_force(db) == {"NI-FH-001": 10, "NI-SW-002": 2}, "a refused file changes nothing"

    replaced = etl(db, "load", str(correction), "--replace", "--json")
    assert replaced.returncode == 0, replaced.stderr
    replace_batch = json.loads(replaced.stdout)["files"][0]["batch_ids"][0]
    assert places_in_force(db) == {"NI-FH-001": 12, "NI-SW-002": 2}

    assert etl(db, "undo", str(replace_batch)).returncode == 0
    assert places_in_force(db) == {"NI-FH-001": 10, "NI-SW-002": 2}, "undo restores the state before the batch"

    assert etl(db, "undo", str(first_batch)).returncode == 0
    assert places_in_force(db) == {}
    history = json.loads(etl(db, "history", "--json").stdout)["batches"]
    assert [b["status"] for b in history] == ["undone", "undone"]
    assert {b["user"] for b in history} >= {"lks-test"}
