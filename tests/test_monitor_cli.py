"""``python -m monitor indicators``: German table, JSON, public mode, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from monitor.catalogue import CATALOGUE
from monitor.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def fixture(fixture_db, monkeypatch):
    """The fixture database as the default store (the CLI only reads it)."""
    monkeypatch.setenv("IK_MONITOR_DB", str(fixture_db))
    return fixture_db


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_german_table(fixture, capsys):
    code, out, err = run(capsys, "indicators", "--region", "03404", "--period", "2025-Q2")
    assert code == 0 and err == ""
    assert out.startswith("Osnabrück, kreisfreie Stadt (03404) – 2.\u00a0Quartal 2025")
    assert "Stichtag 31.12.2023, Basis Zensus 2022" in out
    assert "Meldestand Schutzunterkünfte: 1 von 1 Einrichtungen gemeldet" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("Schutzplätze (Plätze"))
    assert line.split()[-3:] == ["Plätze", "41", "17"]  # value, unit, target, gap
    assert "Schutz und Unterstützung" in out and "Strafverfolgung und Kooperation" in out


def test_english_table(fixture, capsys):
    code, out, err = run(capsys, "indicators", "--region", "03404", "--period", "2025-Q2", "--lang", "en")
    assert code == 0 and err == ""
    assert out.startswith("Osnabrück, kreisfreie Stadt (03404) – 2nd quarter 2025")
    assert "Population: 165,686 (of whom women 85,199), reference date 31 Dec 2023, basis Zensus 2022" in out
    assert "Reporting status Shelters: 1 of 1 facilities reported" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("Shelter places (places"))
    assert line.split()[-3:] == ["places", "41", "17"]
    rate = next(x for x in out.splitlines() if x.strip().startswith("Referral rate"))
    assert rate.split()[2] == "40.0"
    assert "Protection and support" in out and "n/a: no report" in out


def test_json_output(fixture, capsys):
    code, out, _ = run(capsys, "indicators", "--region", "00", "--period", "2025", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"region", "region_name", "period", "population", "indicators", "release", "note"}
    assert data["release"] is None and data["note"] == "Intern – nicht zur Veröffentlichung"
    assert data["region"] == "00" and data["region_name"] == "Deutschland" and data["period"] == "2025"
    assert data["population"]["total"] == 83_456_045
    assert [i["id"] for i in data["indicators"]] == list(CATALOGUE)
    assert {i["id"]: i["value"] for i in data["indicators"]}["shelter_places"] == 144


def test_public_mode_suppresses_small_numbers(fixture, capsys):
    _, plain, _ = run(capsys, "indicators", "--region", "03459", "--period", "2025-Q2")
    _, public, _ = run(capsys, "indicators", "--region", "03459", "--period", "2025-Q2", "--public")
    admissions = [line for line in plain.splitlines() if "Aufnahmen von Frauen" in line][0]
    assert admissions.split()[-2] == "2"
    admissions = [line for line in public.splitlines() if "Aufnahmen von Frauen" in line][0]
    assert "< 3" in admissions
    rate = [line for line in public.splitlines() if line.strip().startswith("Weiterleitungsquote")][0]
    assert " – " in rate
    assert "Veröffentlichung 1 vom" in public and "Intern – nicht zur Veröffentlichung" in plain
    _, js, _ = run(capsys, "indicators", "--region", "03459", "--period", "2025-Q2", "--public", "--json")
    data = json.loads(js)
    items = {i["id"]: i for i in data["indicators"]}
    assert data["release"] == 1
    assert items["shelter_admissions_women"]["value"] is None and items["shelter_admissions_women"]["mark"] == "< 3"
    # 8 call-outs: the rates on them are withheld, so the count is hidden too (it would give them back)
    assert items["police_callouts"]["value"] is None and items["police_callouts"]["mark"] == "•"
    assert items["police_callouts_per_10k"]["mark"] == "–"


def test_public_mode_needs_a_release(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IK_MONITOR_DB", str(tmp_path / "empty.duckdb"))
    code, _, err = run(capsys, "indicators", "--region", "00", "--period", "2025", "--public")
    assert code == 1 and "noch keine Veröffentlichung" in err


def test_variant(fixture, capsys):
    _, out, _ = run(capsys, "indicators", "--region", "00", "--period", "2025-Q2", "--json",
                    "--variant", "WAVE/EIGE")
    shelter = next(i for i in json.loads(out)["indicators"] if i["id"] == "shelter_places")
    assert shelter["target"]["id"] == "shelter_places_wave"
    assert shelter["target"]["needed"] == round((8_008_135 + 702_655) / 10_000)


@pytest.mark.parametrize("argv, message", [
    (["--region", "99999", "--period", "2025-Q2"], "Unbekannte Region „99999“"),
    (["--region", "03404", "--period", "2025-Q5"], "weder ein Quartal"),
    (["--region", "Osnabrück", "--period", "2025"], "mehrdeutig"),
    (["--region", "Nirgendwo", "--period", "2025"], "Unbekannte Region"),
])
def test_wrong_input_exits_2_with_a_german_message(fixture, capsys, argv, message):
    code, out, err = run(capsys, "indicators", *argv)
    assert code == 2 and out == ""
    assert message in err and err.startswith("Fehler:")


def test_a_kreis_name_that_is_unambiguous(fixture, capsys):
    code, out, _ = run(capsys, "indicators", "--region", "Dortmund", "--period", "2025-Q2")
    assert code == 0 and out.startswith("Dortmund, kreisfreie Stadt (05913)")


def test_missing_arguments_exit_2(db_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["indicators", "--period", "2025"])
    assert exc.value.code == 2
    assert "Fehler:" in capsys.readouterr().err


def test_status(fixture, capsys):
    code, out, _ = run(capsys, "status")
    assert code == 0 and "shelters: letztes Quartal 2025-Q2" in out and "Demo-Daten: nein" in out


def test_python_dash_m(fixture):
    env = {**os.environ, "PYTHONPATH": ROOT}
    done = subprocess.run([sys.executable, "-m", "monitor", "indicators", "--region", "03", "--period", "2025-Q2",
                           "--json"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["region_name"] == "Niedersachsen"
    bad = subprocess.run([sys.executable, "-m", "monitor", "indicators", "--region", "7", "--period", "2025"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert bad.returncode == 2 and "Unbekannte Region" in bad.stderr
