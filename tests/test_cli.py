"""The command line ``python -m etl``: exit codes, JSON shape, German output, history and undo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from etl import cli
from monitor import store
from monitor.datasets import get

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


pytestmark = pytest.mark.usefixtures("initialised_copy")


def shelters_xlsx(path: Path, rows: list[list]) -> Path:
    """A workbook with the canonical shelter headers (from monitor/datasets.py) and the given rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Daten"
    ws.append([c.header for c in get("shelters").columns])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def shelter_row(facility: str, places: int = 10, *, quarter: str = "2025-Q2", ags: str = "03404") -> list:
    return [quarter, ags, facility, "Frauenhaus", places, places + 2, places * 80, 900, 5, 6, 4, 2, 3, 1]


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    good = [shelter_row(f"NI-FH-{i:03d}") for i in range(1, 6)]
    return {
        "ok": shelters_xlsx(tmp_path / "frauenhaeuser_q2.xlsx", good),
        "fix": shelters_xlsx(tmp_path / "korrektur_q2.xlsx",
                             [shelter_row("NI-FH-001", 20), shelter_row("NI-FH-002", 20)]),
        "bad": shelters_xlsx(tmp_path / "fehler.xlsx", [shelter_row("NI-FH-001")[:4] + ["zwölf"] + shelter_row("x")[5:],
                                                          shelter_row("NI-FH-002", quarter="2027-Q1")]),
        "garbage": _write(tmp_path / "kaputt.xlsx", b"PK\x03\x04 no zip at all"),
    }


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code, out, _ = run(capsys, *argv, "--json")
    return code, json.loads(out)


def test_check_exit_codes(capsys, files):
    code, out, err = run(capsys, "check", files["ok"])
    assert code == 0 and err == ""
    assert out.startswith("frauenhaeuser_q2.xlsx – Schutzunterkünfte: 5 Zeilen, Quartal 2025-Q2, 1 Kreis, 0 Fehler")

    code, out, _ = run(capsys, "check", files["bad"])
    assert code == 1
    assert "  Fehler: Blatt „Daten“, Zeile 2, Spalte „Plätze Frauen“: „zwölf“ ist keine ganze Zahl." in out

    code, _, err = run(capsys, "check", files["garbage"])
    assert code == 2 and "kaputt.xlsx: nicht lesbar" in err

    assert run(capsys, "check", files["ok"], files["bad"])[0] == 1
    assert run(capsys, "check", files["bad"], files["garbage"])[0] == 2
    code, _, err = run(capsys, "check", files["ok"].with_name("gibt_es_nicht.xlsx"))
    assert code == 2 and "nicht gefunden" in err


def test_check_limits_the_human_listing_not_the_json(capsys, tmp_path):
    many = shelters_xlsx(tmp_path / "viele.xlsx", [shelter_row(f"F{i}")[:4] + ["x"] + shelter_row("y")[5:]
                                                    for i in range(8)])
    code, out, _ = run(capsys, "check", many, "--limit", "3")
    assert code == 1 and out.count("  Fehler:") == 3 and "… und 5 weitere" in out
    code, report = run_json(capsys, "check", many, "--limit", "3")
    assert len(report["files"][0]["errors"]) == 8


def test_check_json_shape(capsys, files):
    code, report = run_json(capsys, "check", files["ok"], files["bad"], files["garbage"])
    assert code == 2 and list(report) == ["files"]
    ok, bad, garbage = report["files"]
    for entry in (ok, bad, garbage):
        assert set(entry) == {"file", "dataset", "rows", "errors", "warnings"}
    assert (ok["file"], ok["dataset"], ok["rows"], ok["errors"]) == ("frauenhaeuser_q2.xlsx", "shelters", 5, [])
    assert {e["code"] for e in bad["errors"]} == {"not-integer", "future-quarter"}
    first = bad["errors"][0]
    assert {"code", "row", "column", "value", "message"} <= set(first)
    assert (first["row"], first["column"], first["value"]) == (2, "Plätze Frauen", "zwölf")
    # an unreadable file carries the reason's stable code (here: a damaged zip), registered in etl/problems.py
    assert garbage["dataset"] is None and garbage["errors"][0]["code"] == "damaged-archive"


def test_load_statuses_and_json(capsys, files):
    code, report = run_json(capsys, "load", files["ok"], "--user", "anna")
    (entry,) = report["files"]
    assert code == 0 and entry["status"] == "loaded" and entry["batch_ids"] == [1] and entry["rows"] == 5
    assert set(entry) == {"file", "dataset", "rows", "errors", "warnings", "status", "batch_ids", "replaced_rows"}

    code, report = run_json(capsys, "load", files["ok"])
    (entry,) = report["files"]
    assert code == 0 and entry["status"] == "unchanged" and entry["batch_ids"] == [1]
    assert entry["warnings"][-1]["code"] == "file-already-loaded"

    code, report = run_json(capsys, "load", files["fix"])
    (entry,) = report["files"]
    assert code == 1 and entry["status"] == "rejected" and entry["batch_ids"] == []
    assert entry["errors"][0]["code"] == "key-already-loaded"

    code, report = run_json(capsys, "load", files["fix"], "--replace")
    (entry,) = report["files"]
    assert code == 0 and entry["status"] == "loaded" and entry["batch_ids"] == [2] and entry["replaced_rows"] == 2

    code, report = run_json(capsys, "load", files["bad"], files["garbage"])
    assert code == 2 and [e["status"] for e in report["files"]] == ["rejected", "rejected"]
    with store.connect() as con:
        assert con.execute("SELECT batch_id, user_name FROM batches ORDER BY batch_id").fetchall() == [
            (1, "anna"), (2, os.environ.get("USER") or "cli")]


def test_load_human_output_goes_to_stdout_and_refusals_to_stderr(capsys, files):
    code, out, err = run(capsys, "load", files["ok"])
    assert code == 0 and err == "" and out.rstrip().endswith("– geladen als Batch 1")
    code, out, err = run(capsys, "load", files["fix"])
    assert code == 1 and out == ""
    assert "korrektur_q2.xlsx – Schutzunterkünfte: 2 Zeilen" in err and "– nicht geladen" in err
    assert ("  Fehler: 2025-Q2 ist für 2 Einrichtungen bereits geladen (Batch 1, „frauenhaeuser_q2.xlsx“). "
            "Zum Ersetzen --replace verwenden.") in err
    code, out, err = run(capsys, "load", files["ok"], files["fix"], "--replace")
    assert code == 0 and "bereits als Batch 1 geladen – nichts geändert" in out
    assert "geladen als Batch 2, 2 Zeilen ersetzt" in out
    assert "2 Dateien: 1 geladen, 1 unverändert, 0 abgelehnt." in out


def test_history_and_undo(capsys, files):
    run(capsys, "load", files["ok"])
    run(capsys, "load", files["fix"], "--replace")

    code, out, err = run(capsys, "undo", "1")
    assert code == 1 and "Bitte zuerst Batch 2 rückgängig machen" in err
    code, out, _ = run(capsys, "undo", "2", "--user", "berta")
    assert code == 0 and out.strip() == ("Batch 2 („korrektur_q2.xlsx“) rückgängig gemacht: 2 Zeilen entfernt, "
                                         "2 ersetzte Zeilen wiederhergestellt.")
    code, _, err = run(capsys, "undo", "2")
    assert code == 1 and "bereits" in err and "von berta" in err

    code, report = run_json(capsys, "history")
    assert code == 0 and [(b["batch_id"], b["status"], b["undone_by"]) for b in report["batches"]] == [
        (2, "undone", "berta"), (1, "active", None)]
    code, out, _ = run(capsys, "history")
    lines = out.splitlines()
    assert lines[0].split() == ["Batch", "Art", "Datensatz", "Datei", "Zeilen", "Quartale", "Kreise", "Benutzer",
                                "Zeit", "Status", "ersetzt"]
    assert "korrektur_q2.xlsx" in lines[1] and "rückgängig" in lines[1] and "aktiv" in lines[2]


def test_help_and_usage_errors_are_german(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0 and out.startswith("Aufruf: python -m etl") and "Befehle:" in out
    assert "Dateien prüfen und laden" in out
    with pytest.raises(SystemExit) as exc:
        cli.main(["load"])
    assert exc.value.code == 2 and "Fehler:" in capsys.readouterr().err


def test_template_and_demo_are_delegated(capsys, tmp_path, monkeypatch):
    code, out, _ = run(capsys, "template", "police", "-o", tmp_path / "polizei.xlsx")
    assert code == 0 and (tmp_path / "polizei.xlsx").is_file() and "Polizeieinsätze" in out

    import etl.demo

    calls = []
    monkeypatch.setattr(etl.demo, "build_demo", lambda db_path, today, workdir: calls.append((db_path, workdir)) or
                        {"status": "loaded", "message": "Demodaten geladen.", "errors": []})
    code, out, _ = run(capsys, "demo")
    assert code == 0 and out.strip() == "Demodaten geladen." and calls == [(Path(os.environ["IK_MONITOR_DB"]), None)]
    code, out, _ = run(capsys, "demo", "--workbooks", tmp_path / "beispiele")
    assert code == 0 and calls[-1][1] == str(tmp_path / "beispiele") and (tmp_path / "beispiele").is_dir()


def test_population_batch_via_cli_and_undo(capsys):
    """Uses the official Destatis workbook from ../shared (the format the population loader reads)."""
    destatis = SHARED / "reference" / "destatis" / "04-kreise_gebietsstand_2023-12-31.xlsx"
    code, out, _ = run(capsys, "population", destatis, "--user", "statistik")
    assert code == 0 and "Batch 1" in out
    code, out, err = run(capsys, "population", destatis)
    assert code == 1 and "bereits" in err
    assert run(capsys, "undo", "1")[0] == 0
    code, report = run_json(capsys, "history")
    assert [(b["kind"], b["status"], b["user"]) for b in report["batches"]] == [("population", "undone", "statistik")]
    assert run(capsys, "population", destatis.with_name("fehlt.xlsx"))[0] == 2


def test_boundaries_needs_a_source(capsys):
    code, _, err = run(capsys, "boundaries")
    assert code == 2 and "PFAD" in err


def test_python_m_etl_creates_a_missing_database(tmp_path, files):
    """`IK_MONITOR_DB=scratch.duckdb python -m etl load FILE` on a fresh machine: the database is created."""
    env = {**os.environ, "IK_MONITOR_DB": "scratch.duckdb", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "etl", "load", str(files["ok"]), "--json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"][0]["batch_ids"] == [1]
    assert (tmp_path / "scratch.duckdb").is_file()
    with store.connect(tmp_path / "scratch.duckdb") as con:
        assert con.execute("SELECT count(*) FROM shelters_current").fetchall() == [(5,)]
        assert con.execute("SELECT count(*) FROM regions WHERE level = 'kreis'").fetchall()[0][0] >= 400


def test_db_option_names_the_database(capsys, tmp_path, files):
    other = tmp_path / "andere.duckdb"
    assert run(capsys, "--db", other, "load", files["ok"])[0] == 0
    with store.connect(other) as con:
        assert con.execute("SELECT count(*) FROM batches").fetchall() == [(1,)]
