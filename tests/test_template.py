"""Excel templates: layout, Excel's own checks with German messages, and the round trip through check_file."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from etl.reader import read_file
from etl.template import (
    DATA_SHEET,
    HELP_SHEET,
    LISTS_SHEET,
    QUARTERS_OFFERED,
    REGIONS_SHEET,
    offered_quarters,
    write_template,
    write_workbook,
)
from etl.validate import check_file
from monitor import datasets, store
from monitor.datasets import AGS, CATEGORY, COUNT, DECIMAL, QUARTER
from monitor.regions import RegionIndex
from tests.fixture_db import TODAY

# one realistic row per dataset; every optional column filled so the round trip covers all of them
ROWS = {
    "shelters": {
        "quarter": "2026-Q2", "ags": "03404", "facility": "NI-FH-017", "facility_type": "Frauenhaus",
        "places_women": 10, "places_children": 12, "occupied_days_women": 800, "occupied_days_children": 700,
        "admissions_women": 9, "admissions_children": 11, "turn_aways": 14, "turn_aways_no_space": 10,
        "full_days": 20, "accessible_places": 2,
    },
    "counselling": {
        "quarter": "2026-Q2", "ags": "05913", "facility": "NW-FBS-003", "service_type": "Frauenberatungsstelle",
        "persons_counselled": 120, "persons_new": 60, "domestic_violence": 70, "sexual_violence": 25,
        "stalking": 12, "digital_violence": 9, "other_violence": 8, "police_referrals": 30,
        "police_referrals_reached": 21, "staff_fte": 3.5, "waiting_days": 12.5,
    },
    "police": {
        "quarter": "2026-Q2", "ags": "03459", "callouts": 150, "victims_female": 130, "victims_male": 31,
        "eviction_orders": 45, "referrals": 80, "high_risk_cases": 2,
    },
}


@pytest.fixture(scope="module")
def regions(tmp_path_factory) -> RegionIndex:
    with store.connect(tmp_path_factory.mktemp("db") / "regions.duckdb") as con:
        return RegionIndex.from_db(con)


@pytest.fixture(scope="module")
def templates(regions, tmp_path_factory) -> dict[str, openpyxl.Workbook]:
    folder = tmp_path_factory.mktemp("templates")
    return {
        ds_id: openpyxl.load_workbook(write_template(ds_id, folder / f"{ds_id}.xlsx", regions=regions, today=TODAY))
        for ds_id in datasets.DATASETS
    }


def _validations(ws) -> dict[str, object]:
    """Column letter → the data validation covering it."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = dv
    return out


@pytest.mark.parametrize("ds_id", list(datasets.DATASETS))
def test_sheets_and_header_come_from_the_dataset_definition(templates, ds_id):
    wb = templates[ds_id]
    ds = datasets.get(ds_id)
    assert wb.sheetnames == [DATA_SHEET, HELP_SHEET, REGIONS_SHEET, LISTS_SHEET]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    ws = wb[DATA_SHEET]
    assert [c.value for c in ws[1]] == [c.header for c in ds.columns]
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1
    for cell, col in zip(ws[1], ds.columns):
        assert cell.font.b
        assert col.help_de in cell.comment.text
        assert ("Pflichtangabe" in cell.comment.text) == col.required
        assert ws.column_dimensions[cell.column_letter].width >= len(col.header)
    required_fills = {cell.fill.start_color.rgb for cell, col in zip(ws[1], ds.columns) if col.required}
    optional_fills = {cell.fill.start_color.rgb for cell, col in zip(ws[1], ds.columns) if not col.required}
    assert len(required_fills) == 1 and required_fills.isdisjoint(optional_fills)


@pytest.mark.parametrize("ds_id", list(datasets.DATASETS))
def test_every_checkable_column_has_an_excel_validation_with_a_german_message(templates, ds_id):
    ws = templates[ds_id][DATA_SHEET]
    ds = datasets.get(ds_id)
    by_column = _validations(ws)
    for j, col in enumerate(ds.columns, 1):
        dv = by_column[openpyxl.utils.get_column_letter(j)]
        assert dv.showErrorMessage and dv.error and dv.errorTitle
        assert len(dv.error) <= 255 and len(dv.errorTitle) <= 32  # Excel's limits
        expected = {QUARTER: "list", AGS: "list", CATEGORY: "list", COUNT: "whole", DECIMAL: "decimal"}.get(col.kind)
        if expected:
            assert dv.type == expected, col.field
        if col.kind in (COUNT, DECIMAL):
            assert dv.formula1 == "0" and dv.errorStyle == "stop"
        if col.field in ds.day_counts:
            assert dv.operator == "between" and dv.formula2 == "92"
    assert "Bitte eine ganze Zahl" in by_column["E"].error or ds_id == "police"


def test_dropdown_lists_offer_recent_quarters_choices_and_all_kreise(templates):
    wb = templates["shelters"]
    by_column = _validations(wb[DATA_SHEET])
    assert by_column["A"].formula1 == f"={LISTS_SHEET}!$A$2:$A${QUARTERS_OFFERED + 1}"
    quarters = [wb[LISTS_SHEET].cell(i, 1).value for i in range(2, QUARTERS_OFFERED + 2)]
    assert quarters == offered_quarters(TODAY)
    assert quarters[0] == "2026-Q3" and quarters[-1] == "2024-Q4"  # latest complete quarter first, none future
    kinds = [wb[LISTS_SHEET].cell(i, 2).value for i in range(2, 2 + len(datasets.SHELTER_TYPES))]
    assert tuple(kinds) == datasets.SHELTER_TYPES
    assert by_column["D"].formula1 == f"={LISTS_SHEET}!$B$2:$B${len(datasets.SHELTER_TYPES) + 1}"
    assert by_column["B"].formula1 == f"={REGIONS_SHEET}!$A$2:$A$402"  # 401 Kreise since 2026 (Hanau)


def test_regions_sheet_lists_the_kreise_with_text_keys(templates):
    ws = templates["police"][REGIONS_SHEET]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 401  # the Kreise of today: Hanau (06415) since 2026, Eisenach (16056) gone since 2021
    by_ags = {r[0]: r for r in rows}
    assert "06415" in by_ags and "16056" not in by_ags
    assert by_ags["05913"][1].startswith("Dortmund") and by_ags["05913"][2] == "Nordrhein-Westfalen"
    assert {"03404", "03459"} <= set(by_ags)  # both Osnabrücks, told apart by key
    assert all(isinstance(r[0], str) and len(r[0]) == 5 for r in rows)


@pytest.mark.parametrize("ds_id", list(datasets.DATASETS))
def test_filling_instructions_cover_every_column_and_the_privacy_rules(templates, ds_id):
    ds = datasets.get(ds_id)
    text = "\n".join(str(v) for row in templates[ds_id][HELP_SHEET].iter_rows(values_only=True) for v in row if v)
    assert ds.unit_de in text
    for col in ds.columns:
        assert f"„{col.header}“" in text and col.help_de in text
    assert "k.A." in text and "keine personenbezogenen Daten" in text
    assert ("vertraulich" in text) == ds.per_facility


def test_reader_sees_only_the_data_sheet_of_a_blank_template(regions, tmp_path):
    path = write_template("counselling", tmp_path / "blank.xlsx", regions=regions, today=TODAY)
    result = read_file(path)
    assert [(t.sheet, t.dataset.id) for t in result.tables] == [(DATA_SHEET, "counselling")]
    assert result.problems == []


@pytest.mark.parametrize("ds_id", list(datasets.DATASETS))
def test_filled_template_passes_check_file_without_any_problem(regions, tmp_path, ds_id):
    ds = datasets.get(ds_id)
    second = dict(ROWS[ds_id], quarter="2026-Q3")
    optional = [c.field for c in ds.columns if not c.required]
    second.update({optional[-1]: None})  # a missing optional value stays an empty cell
    path = write_workbook(ds_id, [ROWS[ds_id], second], tmp_path / f"{ds_id}.xlsx", regions=regions, today=TODAY)
    reports = check_file(path, regions=regions, today=TODAY)
    assert len(reports) == 1
    report = reports[0]
    assert report.dataset == ds_id and report.rows == 2
    assert report.errors == [] and report.warnings == []
    frame = report.frame.reset_index(drop=True)
    for field, value in ROWS[ds_id].items():
        assert frame.loc[0, field] == value, field
    assert pd.isna(frame.loc[1, optional[-1]])
    assert sorted(report.quarters) == ["2026-Q2", "2026-Q3"]


def test_filled_workbook_offers_the_quarters_it_contains(regions, tmp_path):
    path = write_workbook("police", [dict(ROWS["police"], quarter="2019-Q1")], tmp_path / "old.xlsx",
                          regions=regions, today=TODAY)
    ws = openpyxl.load_workbook(path)[LISTS_SHEET]
    values = [c.value for c in ws["A"][1:] if c.value]
    assert values[:QUARTERS_OFFERED] == offered_quarters(TODAY) and "2019-Q1" in values
    dv = _validations(openpyxl.load_workbook(path)[DATA_SHEET])["A"]
    assert dv.formula1.endswith(f"$A${QUARTERS_OFFERED + 2}")


def test_validations_reach_below_the_data(regions, tmp_path):
    rows = [dict(ROWS["police"], ags=a) for a in ("03404", "03459", "05913")]
    path = write_workbook("police", pd.DataFrame(rows), tmp_path / "three.xlsx", regions=regions, today=TODAY)
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    assert ws.max_row == 4
    last = int(str(_validations(ws)["C"].sqref).split(":")[1][1:])
    assert last >= 1004


def test_unknown_column_is_refused(regions, tmp_path):
    with pytest.raises(ValueError, match="not in dataset"):
        write_workbook("police", [{"quarter": "2026-Q2", "ags": "03404", "callouts": 1, "Adresse": "x"}],
                       tmp_path / "bad.xlsx", regions=regions, today=TODAY)
