"""Bedarfsplanung (Gewalthilfegesetz): rounding, years to 2032, per-Kreis arithmetic, Land targets, XLSX, page."""

from __future__ import annotations

import io
import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from monitor import exports, planning, store
from monitor.figures import LiveFigures, ReleaseFigures
from monitor.indicators import UnknownRegion
from tests.conftest import ROOT, copy_store
from tests.fixture_db import PERIOD, TODAY

CONVENTION = {
    "shelter_places": planning.Yardstick("shelter_places", 2.5, 10_000, "population_total", "2,5 Plätze",
                                         "Konvention", "shelter_places_de"),
    "counselling_centres": planning.Yardstick("counselling_centres", 1, 50_000, "population_female",
                                              "1 je 50.000 Frauen", "Europarat", "counselling_centres"),
}


@pytest.fixture(scope="module")
def plan(demo_fixture_db):
    return planning.build_plan(LiveFigures(demo_fixture_db), "03", PERIOD, today=TODAY)


def row(plan: planning.Plan, ags: str) -> dict:
    return plan.rows.set_index("ags").loc[ags].to_dict()


# --- rounding and years ----------------------------------------------------------------------------------


def test_places_are_rounded_up_and_float_noise_is_not_a_place():
    assert planning.round_places(41.4215) == 42
    assert planning.round_places(41.0) == 41
    assert planning.round_places(41.000000001) == 41
    assert planning.round_places(0.2) == 1


def test_centres_are_rounded_half_up_with_at_least_one():
    assert planning.round_centres(1.4) == 1
    assert planning.round_centres(1.5) == 2
    assert planning.round_centres(2.5) == 3  # half up, not to even
    assert planning.round_centres(0.3) == 1
    assert planning.round_centres(0) == 0


@pytest.mark.parametrize("today, years", [
    (date(2025, 3, 1), [2027, 2028, 2029, 2030, 2031]),  # not before financing starts in 2027
    (date(2026, 11, 21), [2027, 2028, 2029, 2030, 2031]),
    (date(2029, 6, 1), [2030, 2031]),
    (date(2031, 12, 31), [2031]),  # no budget year left before the deadline: all of it now
    (date(2033, 2, 1), [2033]),
])
def test_build_up_years_run_from_the_next_budget_year_through_2031(today, years):
    assert planning.planning_years(today) == years


def test_per_year_closes_the_gap_by_2032():
    assert planning.per_year(18, 5) == 4
    assert planning.schedule(18, 5) == [4, 4, 4, 4, 2]
    assert planning.schedule(0, 5) == [0, 0, 0, 0, 0]
    assert planning.schedule(3, 5) == [1, 1, 1, 0, 0]


@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=1, max_value=10))
def test_schedule_adds_up_to_the_gap_in_time(gap, years):
    steps = planning.schedule(gap, years)
    step = planning.per_year(gap, years)
    assert len(steps) == years
    assert sum(steps) == gap
    assert all(0 <= s <= step for s in steps)
    # rounded up, but not more than needed
    assert step * years >= gap and (gap == 0 or (step - 1) * years < gap)


# --- per Kreis ---------------------------------------------------------------------------------------------


def test_plan_frame_on_a_small_land():
    kreise = pd.DataFrame({
        "ags": ["99001", "99002", "99003"],
        "name": ["Nordstadt", "Südkreis", "Ostkreis"],
        "population_total": [100_000, 41_000, 250_000],
        "population_female": [51_000, 20_000, 130_000],
        "shelter_places": [10.0, 20.0, math.nan],  # Ostkreis: its Land did not report
        "counselling_centres": [0.0, 1.0, math.nan],
    })
    rows = planning.plan_frame(kreise, CONVENTION, years=5).set_index("ags")
    # Nordstadt: 100,000 / 10,000 × 2.5 = 25 places; 10 exist → gap 15 → 3 a year
    assert rows.loc["99001", "places_needed"] == 25
    assert rows.loc["99001", "places_gap"] == 15
    assert rows.loc["99001", "places_per_year"] == 3
    assert rows.loc["99001", "places_coverage_pct"] == pytest.approx(40.0)
    # 51,000 women / 50,000 = 1.02 → 1 centre, none exists → gap 1
    assert rows.loc["99001", "centres_needed"] == 1
    assert rows.loc["99001", "centres_gap"] == 1
    # Südkreis: 10.25 places → 11 (rounded up); 20 exist → no gap, surplus not carried over
    assert rows.loc["99002", "places_needed_exact"] == pytest.approx(10.25)
    assert rows.loc["99002", "places_needed"] == 11
    assert rows.loc["99002", "places_gap"] == 0
    assert rows.loc["99002", "centres_needed"] == 1  # 0.4 → at least one
    # Ostkreis: need known (62.5 → 63; 2.6 → 3 centres), gap unknown
    assert rows.loc["99003", "places_needed"] == 63
    assert rows.loc["99003", "centres_needed"] == 3
    assert pd.isna(rows.loc["99003", "places_gap"]) and pd.isna(rows.loc["99003", "places_per_year"])
    total = planning.totals(rows.reset_index(), 5)
    assert total["places_needed"] == 25 + 11 + 63
    assert total["places_gap"] == 15  # the surplus of Südkreis does not reduce Nordstadt's gap
    assert total["places_existing"] == 30
    assert total["places_kreise_reported"] == 2


def test_fixture_land_with_convention_targets(plan):
    osna = row(plan, "03404")  # 165,686 inhabitants, 85,199 women, 24 places, 1 counselling centre
    assert osna["places_existing"] == 24
    assert osna["places_needed_exact"] == pytest.approx(41.4215)
    assert osna["places_needed"] == 42
    assert osna["places_gap"] == 18
    assert osna["places_per_year"] == 4  # 18 over 2027–2031
    assert osna["centres_needed_exact"] == pytest.approx(1.70398)
    assert osna["centres_needed"] == 2 and osna["centres_gap"] == 1
    hannover = row(plan, "03241")
    assert hannover["places_existing"] == 45 and hannover["centres_existing"] == 0
    assert plan.years == [2027, 2028, 2029, 2030, 2031]
    assert len(plan.rows) == 45
    assert plan.total["places_existing"] == 74
    assert plan.total["places_gap"] == int(plan.rows["places_gap"].sum())
    assert not plan.yardsticks["shelter_places"].own
    assert "31.12.2023" in plan.population_text() and "Zensus 2022" in plan.population_text()
    assert "31 Dec 2023" in plan.population_text("en")
    assert plan.is_demo


def test_a_lands_own_target_overrides_the_convention(demo_fixture_db, tmp_path):
    path = copy_store(demo_fixture_db, tmp_path / "own.duckdb")
    with store.connect(path, write=True) as con:
        con.execute(
            "INSERT INTO targets (target_id, indicator, variant, denominator, per_population, value, factor, "
            "label_de, source, valid_from, land_ags) VALUES ('ni_places', 'shelter_places', NULL, "
            "'population_total', 10000, 3, 1, '3 Plätze je 10.000', 'Landesaktionsplan NI', DATE '2020-01-01', '03')"
        )
    own = planning.build_plan(LiveFigures(path), "03", PERIOD, today=TODAY)
    other = planning.build_plan(LiveFigures(path), "04", PERIOD, today=TODAY)
    ys = own.yardsticks["shelter_places"]
    assert ys.own and ys.land_ags == "03" and ys.source == "Landesaktionsplan NI"
    assert row(own, "03404")["places_needed"] == 50  # 165,686 × 3 / 10,000 = 49.7 → 50
    assert "eigener Maßstab des Landes" in ys.text()
    assert ys.text("en").startswith("3 places per 10,000 inhabitants (the Land's own yardstick; source: ")
    assert not other.yardsticks["shelter_places"].own  # Bremen keeps the convention's


def test_what_if_yardstick_recomputes_without_the_database(plan):
    ys = planning.what_if("shelter_places", 3, 10_000, "population_total", "03")
    changed = planning.with_yardsticks(plan, {"shelter_places": ys})
    assert row(changed, "03404")["places_needed"] == 50
    assert row(changed, "03404")["places_existing"] == 24
    assert row(changed, "03404")["centres_needed"] == 2  # untouched
    assert row(plan, "03404")["places_needed"] == 42  # the original plan is not changed
    with pytest.raises(ValueError):
        planning.what_if("shelter_places", 0, 10_000, "population_total", "03")


def test_only_a_land_can_be_planned(demo_fixture_db):
    with pytest.raises(UnknownRegion, match="kein Land"):
        planning.build_plan(LiveFigures(demo_fixture_db), "03404", PERIOD)


def test_rules_state_the_rounding_and_the_deadline(plan):
    rules = " ".join(plan.rules())
    assert "aufgerundet" in rules and "kaufmännisch" in rules
    assert "1.1.2032" in rules or "01.01.2032" in rules
    assert "2027–2031" in rules and "41,4 → 42" in rules
    english = " ".join(plan.rules("en"))
    assert "rounded up" in english and "41.4 → 42" in english and "1 Jan 2032" in english
    assert plan.years_text("en") == "Build-up in 5 years (2027–2031), legal claim from 1 Jan 2032"


# --- the XLSX export ---------------------------------------------------------------------------------------


def test_xlsx_has_plan_yearly_plan_and_method(plan):
    wb = load_workbook(io.BytesIO(planning.plan_xlsx(plan)))
    assert wb.sheetnames[:3] == ["Bedarfsplanung", "Jahresplan", "Methodik"] and "Info" in wb.sheetnames
    ws = wb["Bedarfsplanung"]
    assert "Bedarfsplanung nach dem Gewalthilfegesetz – Niedersachsen" in ws["A1"].value
    assert "DEMODATEN" in ws["A4"].value
    header = [c.value for c in ws[exports.HEADER_ROW]]
    assert header == [h for _, h, _ in planning.COLUMNS]
    rows = {r[0]: r for r in ws.iter_rows(min_row=exports.HEADER_ROW + 1, values_only=True)}
    osna = dict(zip(header, rows["03404"]))
    assert osna["Schutzplätze Bedarf (aufgerundet)"] == 42
    assert osna["Schutzplätze Lücke"] == 18
    assert osna["Schutzplätze zusätzlich je Jahr"] == 4
    total = dict(zip(header, rows[None]))  # the Land total has no AGS
    assert total["Kreis / kreisfreie Stadt"] == "Land insgesamt"
    assert total["Schutzplätze vorhanden"] == 74
    yearly = {r[0]: r for r in wb["Jahresplan"].iter_rows(min_row=5, values_only=True)}
    assert list(yearly["03404"][2:7]) == [4, 4, 4, 4, 2]
    method = "\n".join(str(c.value) for c in wb["Methodik"]["A"] if c.value)
    assert "aufgerundet" in method and "Gewalthilfegesetz" in method
    assert "31.12.2023" in method and "Zensus 2022" in method  # the population vintage
    assert "Erläuternder Bericht" in method  # the yardstick's source


def test_xlsx_in_english(demo_fixture_db):
    plan = planning.build_plan(LiveFigures(demo_fixture_db), "03", PERIOD, today=TODAY, language="en")
    wb = load_workbook(io.BytesIO(planning.plan_xlsx(plan, "en")))
    assert wb.sheetnames[:3] == ["Needs planning", "Yearly plan", "Method"] and "Info" in wb.sheetnames
    ws = wb["Needs planning"]
    assert ws["A1"].value == "Needs planning under the Gewalthilfegesetz – Niedersachsen, 2nd quarter 2025"
    assert ws["A2"].value.startswith("Source: IK-Monitor, reports of shelters and counselling; Population on 31 Dec")
    assert ws["A4"].value == "DEMO DATA – invented figures, not real values"
    header = [c.value for c in ws[exports.HEADER_ROW]]
    assert header == list(planning.headers("en").values())
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=exports.HEADER_ROW + 1, values_only=True)}
    assert rows["03404"]["Shelter places gap"] == 18  # the same figures as the German workbook
    assert rows[None]["Kreis / kreisfreie Stadt"] == "Land total"
    assert rows[None]["Reporting status shelters"] == "45 of 45 Kreise reported"
    assert "facilities reported" in rows["03404"]["Reporting status shelters"]  # the Kreise's status in English too
    yearly = [c.value for c in wb["Yearly plan"][4]]
    assert yearly[:3] == ["AGS", "Kreis / kreisfreie Stadt", "Shelter places 2027"]
    method = "\n".join(str(c.value) for c in wb["Method"]["A"] if c.value)
    assert "rounded up" in method and "Legal basis" in method and "Gewalthilfegesetz" in method
    info = {r[0]: r[1] for r in wb["Info"].iter_rows(values_only=True)}
    assert info["Demo data"] == "yes" and info["Made with"] == "IK-Monitor"
    assert planning.xlsx_filename(plan, "en") == "ik-monitor_bedarfsplanung_03_2025-Q2_en.xlsx"


# --- the page ------------------------------------------------------------------------------------------------

PAGE_SCRIPT = """
import streamlit as st
from monitor.periods import Period
from ui import data
from ui.state import View
st.session_state["view"] = View(region=data.regions().get({ags!r}), period=Period.parse({period!r}), public=True,
                                variant="DE", lang="de")
exec(compile(open({page!r}, encoding="utf-8").read(), {page!r}, "exec"))
"""


@pytest.fixture
def page_db(demo_fixture_db, monkeypatch):
    monkeypatch.setenv("IK_MONITOR_DB", str(demo_fixture_db))
    return demo_fixture_db


def run_page(ags: str) -> AppTest:
    """The page as st.navigation runs it: the frame has put the view into the session state."""
    script = PAGE_SCRIPT.format(ags=ags, period=PERIOD, page=str(ROOT / "pages" / "planning.py"))
    at = AppTest.from_string(script, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_planning_page_shows_the_lands_need(page_db):
    at = run_page("03404")
    assert "Bedarfsplanung" in at.title[0].value
    assert at.selectbox(key="planning_land").value == "03"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Schutzplätze: Bedarf"] == charts_number(int(planning_total(page_db)["places_needed"]))
    table = at.dataframe[0].value
    osna = table[table["AGS"] == "03404"].iloc[0]
    assert osna["Schutzplätze Lücke"] == 18
    text = "\n".join(c.value for c in at.caption) + "\n".join(m.value for m in at.markdown)
    assert "31.12.2023" in text and "aufgerundet" in text


def test_planning_page_what_if_changes_the_need(page_db):
    at = run_page("03")
    before = {m.label: m.value for m in at.metric}["Schutzplätze: Bedarf"]
    at.number_input(key="planning_places").set_value(5.0).run()
    assert not at.exception
    after = {m.label: m.value for m in at.metric}["Schutzplätze: Bedarf"]
    assert before != after
    assert any("Was-wäre-wenn" in i.value for i in at.info)


def planning_total(path) -> dict:
    return planning.build_plan(ReleaseFigures.latest(path.with_name(f"{path.stem}-releases")), "03", PERIOD).total


def charts_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")

