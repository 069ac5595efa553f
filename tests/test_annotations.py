"""Notes on method breaks and events: shipped, loaded, derived from territorial changes, drawn on time series."""

from __future__ import annotations

import pytest

from etl.annotations import add_annotation, load_annotations
from etl.cli import main as etl_main
from monitor import annotations, store
from monitor.figures import LiveFigures, ReleaseFigures

HEADER = "ags,quarter,kind,text_de,text_en,source\n"

# every problem code of etl/problems.py for notes, with the file that produces it (tests/test_validate.py checks
# that each code has one)
SCENARIOS = {
    "annotation-no-table": "a,b,c\n1,2,3\n",
    "annotation-bad-quarter": HEADER + ",2025-Q5,event,Text,Text,Quelle\n",
    "annotation-bad-kind": HEADER + ",2025-Q1,ereignis,Text,Text,Quelle\n",
    "annotation-unknown-region": HEADER + "99999,2025-Q1,event,Text,Text,Quelle\n",
    "annotation-text-missing": HEADER + "05913,2025-Q1,method,Neue Zählweise,,Quelle\n",
}


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_refused_files_name_the_problem_and_change_nothing(initialised_copy, tmp_path, code):
    path = tmp_path / "hinweise.csv"
    path.write_text(SCENARIOS[code], encoding="utf-8")
    with store.connect(initialised_copy) as con:
        before = con.execute("SELECT count(*) FROM annotations_current").fetchall()
    result = load_annotations(path, user="test")
    assert result["status"] == "rejected" and code in [p.code for p in result["errors"]]
    with store.connect(initialised_copy) as con:
        assert con.execute("SELECT count(*) FROM annotations_current").fetchall() == before


def test_shipped_and_territorial_notes(initialised_copy):
    notes = LiveFigures(initialised_copy).annotations()
    ids = {a.id for a in notes}
    assert {"gewalthilfegesetz-2025", "zensus-2022"} <= ids
    hanau = [a for a in notes if a.kind == "territory" and a.ags == "06415"]
    assert hanau and hanau[0].quarter == "2026-Q1" and "Hanau" in hanau[0].text_de
    # a note for every region, for a Kreis touched by a change, not for its neighbour
    assert ("2025-Q1", notes[[a.id for a in notes].index("gewalthilfegesetz-2025")].text_de) in \
        annotations.marks(notes, "05913")
    assert any(q == "2026-Q1" for q, _ in annotations.marks(notes, "06435"))
    assert not any(q == "2026-Q1" for q, _ in annotations.marks(notes, "06411"))
    assert annotations.marks(notes, "00", "en")[0][1].startswith(("Population", "Violence"))


def test_an_admin_note_is_a_batch_that_undo_takes_back(initialised_copy, capsys):
    result = add_annotation(ags="03", quarter="2024-Q1", kind="method", text_de="Neue Erfassung der Polizei",
                            text_en="New police recording", source="LKA", user="admin")
    assert result["status"] == "loaded"
    notes = LiveFigures(initialised_copy).annotations()
    assert ("2024-Q1", "Neue Erfassung der Polizei") in annotations.marks(notes, "03404")  # a Kreis of Land 03
    assert ("2024-Q1", "Neue Erfassung der Polizei") not in annotations.marks(notes, "05913")
    assert etl_main(["undo", str(result["batch_id"]), "--user", "admin"]) == 0
    assert "Neue Erfassung der Polizei" not in {a.text_de for a in LiveFigures(initialised_copy).annotations()}


def test_notes_travel_with_a_release(fixture_db):
    release_notes = ReleaseFigures.latest(fixture_db.with_name("monitor-releases")).annotations()
    assert {"gewalthilfegesetz-2025", "zensus-2022"} <= {a.id for a in release_notes}
