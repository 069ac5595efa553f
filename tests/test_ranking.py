"""monitor.ranking: what the Regionen page shows, computed outside the page."""

from __future__ import annotations

import math

import pandas as pd

from monitor import privacy, ranking
from monitor.figures import LiveFigures
from monitor.periods import Quarter

COUNT = "police_high_risk_cases"  # a count: small numbers are hidden in public mode


def _table(values, flags=None):
    n = len(values)
    frame = pd.DataFrame({
        "ags": [f"0340{i}" for i in range(n)], "name": [f"Kreis {i}" for i in range(n)], COUNT: values,
        "police_completeness": ["gemeldet"] * n, "population_total": [100_000 + i for i in range(n)],
    })
    if flags is not None:
        frame[f"{COUNT}__flag"] = flags
    return frame


def test_ranks_skip_hidden_values_and_a_small_count_sits_between_three_and_zero():
    table = _table([10.0, None, 0.0, 3.0, None, None],
                   [None, privacy.SMALL, None, None, privacy.PROTECTED, None])
    rows = ranking.ranked(table, COUNT)
    assert rows["name"].tolist() == ["Kreis 0", "Kreis 3", "Kreis 1", "Kreis 2", "Kreis 4", "Kreis 5"]
    assert rows["rank"].tolist() == [1, 2, pd.NA, 4, pd.NA, pd.NA]
    assert [s.display for s in rows["shown"]] == ["10", "3", "< 3", "0", "•", "k. A."]
    assert math.isnan(rows["value"][2])  # nothing hidden comes back as a number


def test_sparklines_leave_out_a_region_with_a_gap_rather_than_draw_zero():
    q1 = _table([1.0, 2.0, 5.0], [None, None, privacy.SMALL])
    q2 = _table([2.0, None, 6.0])
    lines = ranking.sparklines({"2025-Q1": q1, "2025-Q2": q2}, q1["ags"], COUNT)
    assert lines == {"03400": [1.0, 2.0], "03401": [], "03402": []}


def test_spark_quarters_are_the_last_eight_with_data():
    available = [f"{y}-Q{q}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4) if (y, q) != (2024, 3)]
    got = ranking.spark_quarters(Quarter(2025, 2), available)
    assert got == ["2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q4", "2025-Q1", "2025-Q2"]


def test_the_comparison_keeps_the_marks_and_the_download_shows_them_instead_of_numbers():
    a = pd.DataFrame({"quarter": ["2025-Q1", "2025-Q2", "2025-Q3"], COUNT: [4.0, None, 7.0],
                      f"{COUNT}__flag": [None, privacy.SMALL, None]})
    b = pd.DataFrame({"quarter": ["2025-Q1", "2025-Q2"], COUNT: [9.0, 8.0]})
    wide, marks = ranking.comparison({"A": a, "B": b}, COUNT, "2025-Q2", public=True)
    assert wide.index.tolist() == ["2025-Q1", "2025-Q2"]  # nothing after the view's quarter
    assert marks["A"].tolist() == ["", "< 3"] and marks["B"].tolist() == ["", ""]
    table = ranking.comparison_table(wide, marks, "Quartal")
    assert table["A"].tolist() == [4.0, "< 3"] and table["B"].tolist() == [9.0, 8.0]
    assert ranking.comparison({"A": a}, COUNT, "2025-Q3", public=False)[1] is None


def test_reference_line_for_a_coverage_and_for_places_per_10k(demo_fixture_db):
    report = LiveFigures(demo_fixture_db).report("05913", "2025")
    coverage = ranking.reference_line(report, "shelter_coverage_pct", "en")
    assert coverage.value == 100.0 and coverage.label == "target = 100 %" and coverage.target is not None
    per_10k = ranking.reference_line(report, "shelter_places_per_10k")
    target = report.values["shelter_places"].target
    assert per_10k.value == target.per_person * 10_000 and per_10k.target_indicator == "shelter_places"
    assert ranking.reference_line(report, "police_callouts").value is None


def test_forms_of_violence_for_a_region_and_a_land_row_in_either_language(demo_fixture_db):
    figures = LiveFigures(demo_fixture_db)
    report = figures.report("03404", "2025")
    land_row = figures.table("land", "2025").set_index("ags").loc["03"].to_dict() | {"ags": "03"}
    regions = [("Osnabrück", ranking.of_report(report)), ("Niedersachsen", ranking.of_row(land_row))]
    bars, table = ranking.forms_of_violence(regions, "en")
    assert bars.index.tolist() == ["Osnabrück", "Niedersachsen"]
    assert list(bars.columns) == ["domestic violence", "sexual violence", "stalking", "digital violence",
                                  "other violence"]
    domestic = report.values["counselling_persons_domestic_per_10k_women"].value
    assert bars.loc["Osnabrück", "domestic violence"] == round(domestic, 1) == 30.5
    assert table.columns[0] == "Region" and "domestic violence (persons)" in table.columns
    german = ranking.forms_of_violence(regions, "de")[1]
    assert "häusliche Gewalt (Personen)" in german.columns and "Beratene Personen" in german.columns


def test_a_hidden_cell_is_its_mark_and_a_missing_one_is_none():
    assert ranking.cell(COUNT, None, privacy.SMALL) == "< 3"
    assert ranking.cell(COUNT, None) is None
    assert ranking.cell("counselling_waiting_days", 12.345) == 12.3
