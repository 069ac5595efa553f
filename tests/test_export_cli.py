"""``python -m monitor briefing | land-report | planning``: files written, German errors, exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from monitor import images, reports
from monitor.cli import main
from monitor.figures import ReleaseFigures
from tests.conftest import ROOT
from tests.fixture_db import PERIOD

pytestmark = pytest.mark.xdist_group("chromium")


@pytest.fixture
def fixture(fixture_db, monkeypatch):
    monkeypatch.setenv("IK_MONITOR_DB", str(fixture_db))
    return fixture_db


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


def test_briefing_public_with_tile(fixture, capsys, tmp_path):
    out, tile = tmp_path / "briefing.pdf", tmp_path / "folie.png"
    code, stdout, err = run(capsys, "briefing", "--region", "03459", "--period", PERIOD, "-o", out, "--public",
                            "--tile", tile)
    assert code == 0 and err == ""
    assert f"{out} geschrieben" in stdout
    text = pdf_text(out)
    assert "Osnabrück, Landkreis" in text and "Öffentliche Fassung" in text
    assert "< 3" in text
    assert "DEMODATEN" not in text  # the fixture here holds no demo data
    assert Image.open(tile).size == (1200, 675)


def test_briefing_by_unambiguous_name(fixture, capsys, tmp_path):
    code, _, err = run(capsys, "briefing", "--region", "Region Hannover", "--period", PERIOD, "-o",
                       tmp_path / "h.pdf")
    assert code == 0, err
    assert not (tmp_path / "h.pdf").exists()  # the internal version says so in its name …
    text = pdf_text(tmp_path / "h_INTERN.pdf")
    assert "Region Hannover, Landkreis" in text and "INTERN – NICHT ZUR VERÖFFENTLICHUNG" in text  # … and inside


def test_land_report(fixture, capsys, tmp_path):
    out = tmp_path / "sub" / "land.pdf"
    code, _, err = run(capsys, "land-report", "--land", "03", "--period", PERIOD, "-o", out)
    assert code == 0, err
    text = pdf_text(out.with_name("land_INTERN.pdf"))
    assert "Niedersachsen insgesamt" in text and "Wittmund, Landkreis" in text
    assert "interne Fassung" in text and text.count("INTERN – NICHT ZUR VERÖFFENTLICHUNG") >= 2  # every page


def test_documents_in_english(fixture, capsys, tmp_path):
    out, tile = tmp_path / "briefing.pdf", tmp_path / "tile.png"
    code, stdout, err = run(capsys, "briefing", "--region", "03404", "--period", PERIOD, "-o", out, "--public",
                            "--tile", tile, "--lang", "en")
    assert code == 0 and err == ""
    assert f"{out} written (" in stdout and "slide tile" in stdout
    text = pdf_text(out)
    assert "REGIONAL BRIEFING" in text and "2nd quarter 2025" in text and "Public version" in text
    code, stdout, _ = run(capsys, "planning", "--land", "03", "--period", PERIOD, "-o", tmp_path / "plan.xlsx",
                          "--lang", "en")
    assert code == 0 and "plan_INTERN.xlsx written" in stdout and "Internal – not for publication" in stdout
    assert load_workbook(tmp_path / "plan_INTERN.xlsx").sheetnames[:3] == ["Needs planning", "Yearly plan", "Method"]
    code, _, err = run(capsys, "land-report", "--land", "03404", "--period", PERIOD, "-o", tmp_path / "x.pdf",
                       "--lang", "en")
    assert code == 2 and err.startswith("Error: ")


def test_planning_xlsx(fixture, capsys, tmp_path):
    out = tmp_path / "plan.xlsx"
    code, _, err = run(capsys, "planning", "--land", "03", "--period", PERIOD, "-o", out, "--public")
    assert code == 0, err
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Bedarfsplanung", "Jahresplan", "Methodik"]


@pytest.mark.parametrize("argv, message", [
    (["briefing", "--region", "99999", "--period", PERIOD], "Unbekannte Region"),
    (["briefing", "--region", "Osnabrück", "--period", PERIOD], "mehrdeutig"),
    (["briefing", "--region", "03404", "--period", "2025-Q5"], "weder ein Quartal"),
    (["land-report", "--land", "03404", "--period", PERIOD], "kein Land"),
    (["planning", "--land", "0", "--period", PERIOD], "kein Land"),
])
def test_wrong_input_exits_2_with_a_german_message(fixture, capsys, tmp_path, argv, message):
    code, _, err = run(capsys, *argv, "-o", tmp_path / "x.pdf")
    assert code == 2
    assert err.startswith("Fehler: ") and message in err
    assert not (tmp_path / "x.pdf").exists()


def test_no_browser_exits_1(fixture, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(images, "_shared", images.Renderer(path="/nonexistent/chromium"))
    code, _, err = run(capsys, "briefing", "--region", "03404", "--period", PERIOD, "-o", tmp_path / "b.pdf")
    assert code == 1 and "Chromium" in err
    assert not (tmp_path / "b.pdf").exists()


def test_real_command_line(fixture_db, tmp_path):
    # the entry point as a user runs it; planning needs no browser, so this stays quick
    out = tmp_path / "plan.xlsx"
    env = {**os.environ, "IK_MONITOR_DB": str(fixture_db)}
    proc = subprocess.run([sys.executable, "-m", "monitor", "planning", "--land", "03", "--period", PERIOD,
                           "-o", str(out), "--public"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "geschrieben" in proc.stdout
    assert load_workbook(io.BytesIO(out.read_bytes()))["Bedarfsplanung"]["A1"].value.startswith("Bedarfsplanung")


def test_briefings_in_series_for_every_kreis_of_a_land(fixture, capsys, tmp_path):
    out = tmp_path / "serie"
    code, stdout, err = run(capsys, "briefing", "--land", "04", "--period", PERIOD, "-o", f"{out}/", "--public")
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    # Bremen has two Kreise: the city of Bremen and Bremerhaven, each with briefing and tile
    assert names == [f"ik-monitor_regionalbriefing_{ags}_{PERIOD}.{ext}" for ags in ("04011", "04012")
                     for ext in ("pdf", "png")]
    assert "Bremerhaven" in pdf_text(out / names[2]) and "Öffentliche Fassung" in pdf_text(out / names[2])
    assert Image.open(out / names[1]).size == (1200, 675)
    assert "2 Regionalbriefings mit Folienkachel" in stdout


def test_the_series_zip_holds_what_the_command_writes(fixture):
    series = reports.build_briefings(ReleaseFigures.latest(), "04", PERIOD)
    archive = zipfile.ZipFile(io.BytesIO(reports.briefing_series_zip(series, language="en")))
    assert sorted(archive.namelist()) == sorted(
        f"ik-monitor_regionalbriefing_{ags}_{PERIOD}_en.{ext}" for ags in ("04011", "04012") for ext in ("pdf", "png"))
    zip_name = reports.series_zip_filename("04", PERIOD, language="en")
    assert zip_name == f"ik-monitor_regionalbriefings_04_{PERIOD}_en.zip"
    assert reports.series_zip_filename("04", PERIOD, public=False).endswith("_INTERN.zip")
