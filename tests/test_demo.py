"""Demo data: deterministic, calibrated to DOMAIN.md, and loaded through the real pipeline as demo batches."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from etl.demo import KNOWN_LAND_PLACES, MISSING_KREISE, MISSING_LAND, build_demo, generate_demo, missing_quarter
from monitor import datasets, store
from monitor.periods import Quarter
from monitor.regions import RegionIndex
from tests.fixture_db import TODAY

LATEST = "2026-Q3"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    with store.connect(tmp_path_factory.mktemp("db") / "inputs.duckdb") as con:
        regions = RegionIndex.from_db(con)
        population = con.execute(
            "SELECT ags, total, female FROM population WHERE batch_id IS NULL AND length(ags) = 5").df()
    return regions, population


@pytest.fixture(scope="module")
def demo(inputs) -> dict[str, pd.DataFrame]:
    regions, population = inputs
    return generate_demo(regions, population, TODAY)


@pytest.fixture(scope="module")
def women_shelters_latest(demo) -> pd.DataFrame:
    s = demo["shelters"]
    latest = s[(s["quarter"] == LATEST) & (s["facility_type"] != "Männerschutzwohnung")]
    return latest.assign(places=latest["places_women"] + latest["places_children"])


def test_same_seed_gives_the_same_data_and_another_seed_does_not(inputs, demo):
    regions, population = inputs
    again = generate_demo(regions, population, TODAY)
    for ds_id, frame in demo.items():
        pd.testing.assert_frame_equal(frame, again[ds_id])
    other = generate_demo(regions, population, TODAY, seed=1)
    assert other["police"]["callouts"].sum() != demo["police"]["callouts"].sum()


def test_frames_have_exactly_the_dataset_fields_and_unique_keys(demo):
    for ds_id, frame in demo.items():
        ds = datasets.get(ds_id)
        assert tuple(frame.columns) == ds.fields
        assert not frame.duplicated(list(ds.key)).any()
        for col in ds.columns:
            if col.required:
                assert frame[col.field].notna().all(), col.field
            if col.choices:
                assert set(frame[col.field]) <= set(col.choices)
            if col.is_number:
                assert (frame[col.field].dropna() >= 0).all(), col.field


def test_no_future_quarter_and_rows_only_where_the_region_is_valid(inputs, demo):
    regions, _ = inputs
    for frame in demo.values():
        quarters = {Quarter.parse(q) for q in frame["quarter"].unique()}
        assert max(quarters) == Quarter.parse(LATEST)
        for q in quarters:
            ags = frame.loc[frame["quarter"] == str(q), "ags"].unique()
            assert all(regions.get(a).overlaps(q.start, q.end) for a in ags)


def test_shelter_places_match_the_german_and_land_check_figures(women_shelters_latest):
    latest = women_shelters_latest
    assert 7_000 <= latest["places"].sum() <= 8_600
    by_land = latest.groupby(latest["ags"].str[:2])["places"].sum()
    for land, places in KNOWN_LAND_PLACES.items():
        assert abs(by_land[land] - places) <= 0.05 * places, land
    ratio = latest["places_children"].sum() / latest["places_women"].sum()
    assert 1.0 <= ratio <= 1.3


def test_about_ninety_kreise_have_no_shelter_mostly_rural(inputs, women_shelters_latest):
    regions, _ = inputs
    served = set(women_shelters_latest["ags"])
    latest = Quarter.parse(LATEST)
    without = [r for r in regions.kreise() if r.ags not in served and r.overlaps(latest.start, latest.end)]
    assert 80 <= len(without) <= 100
    assert sum(r.region_type in ("Landkreis", "Kreis") for r in without) == len(without)


def test_shelter_facilities_types_ids_and_occupancy(demo, women_shelters_latest):
    s = demo["shelters"]
    types = s.loc[s["quarter"] == LATEST, "facility_type"].value_counts()
    assert types["Frauenhaus"] > 5 * types["Schutzwohnung"] > 0 and 0 < types["Männerschutzwohnung"] <= 10
    assert all(re.fullmatch(r"[A-Z]{2}-(FH|SW|MSW)-\d{3}", f) for f in s["facility"].unique())
    # a facility stays in its Kreis, unless its town changed Kreis (Hanau's left the Main-Kinzig-Kreis in 2026)
    moved = s.groupby("facility")["ags"].agg(lambda a: tuple(sorted(set(a))))
    assert set(moved[moved.map(len) > 1]) <= {("06415", "06435"), ("16056", "16063")}
    days = s["quarter"].map(lambda q: Quarter.parse(q).days)
    occupancy = s["occupied_days_women"] / (s["places_women"] * days)
    assert 0.75 <= occupancy.mean() <= 1.05 and (occupancy > 1).any()
    assert (s["turn_aways_no_space"] <= s["turn_aways"]).all()
    assert (s["full_days"].dropna() <= days[s["full_days"].notna()]).all()
    assert s["full_days"].isna().any()  # "not recorded" is not zero
    assert (s["accessible_places"] <= s["places_women"] + s["places_children"]).all()
    assert s["accessible_places"].sum() < 0.1 * (s["places_women"] + s["places_children"]).sum()


def test_shelter_places_grow_slowly(demo):
    s = demo["shelters"].assign(places=lambda f: f["places_women"] + f["places_children"])
    per_quarter = s.groupby("quarter")["places"].sum()
    assert 0.8 * per_quarter.iloc[-1] < per_quarter.iloc[0] < per_quarter.iloc[-1]


def test_turn_aways_are_higher_where_coverage_is_low(demo):
    s = demo["shelters"]
    s = s[s["quarter"] == LATEST]
    per_place = s.groupby(s["ags"].str[:2]).apply(lambda g: g["turn_aways"].sum() / g["places_women"].sum())
    assert per_place["09"] > per_place["04"]  # Bayern 27 % coverage, Bremen 82 %


def test_police_victims_per_year_seasonality_and_rates(demo):
    p = demo["police"]
    victims = (p["victims_female"] + p["victims_male"]).groupby(p["quarter"].str[:4]).sum()
    for year in ("2023", "2024", "2025"):
        assert 240_000 <= victims[year] <= 280_000, year
    assert victims["2023"] < victims["2024"] < victims["2025"]
    assert 0.75 <= p["victims_female"].sum() / (p["victims_female"] + p["victims_male"]).sum() <= 0.85
    by_q = p[p["quarter"].str[:4] == "2025"].groupby("quarter")["callouts"].sum()
    assert by_q["2025-Q3"] > by_q["2025-Q1"] and by_q["2025-Q3"] > by_q["2025-Q2"]
    callouts = p["callouts"].sum()
    assert 0.25 <= p["eviction_orders"].sum() / callouts <= 0.35
    assert 0.40 <= p["referrals"].sum() / callouts <= 0.60
    assert 0.01 <= p["high_risk_cases"].sum() / callouts <= 0.02
    assert (p["high_risk_cases"] < 3).any()  # small counts for public-mode suppression


def test_counselling_centres_follow_the_female_population(inputs, demo):
    _, population = inputs
    c = demo["counselling"]
    latest = c[c["quarter"] == LATEST]
    women = population["female"].sum()
    counts = latest["service_type"].value_counts()
    assert women / 90_000 * 0.85 <= counts["Frauenberatungsstelle"] <= women / 60_000
    assert 0.8 <= counts["Fachberatung sexualisierte Gewalt"] / (women / 300_000) <= 1.2
    assert counts["Täterarbeit"] > 0 and counts["Interventionsstelle"] > 0
    for field in ("persons_new", "domestic_violence", "sexual_violence", "stalking", "digital_violence",
                  "other_violence"):
        assert (c[field] <= c["persons_counselled"]).all(), field
    assert (c["police_referrals_reached"] <= c["police_referrals"]).all()
    reach = c["police_referrals_reached"].sum() / c["police_referrals"].sum()
    assert 0.6 <= reach <= 0.8
    assert np.allclose(c["staff_fte"] * 4, np.round(c["staff_fte"] * 4))


def test_police_referrals_arrive_at_counselling_in_the_same_kreis(demo):
    p = demo["police"].groupby(["ags", "quarter"])["referrals"].sum()
    c = demo["counselling"].groupby(["ags", "quarter"])["police_referrals"].sum()
    both = pd.concat([p, c], axis=1, keys=["sent", "received"]).dropna()
    assert both["received"].sum() / both["sent"].sum() > 0.9


def test_a_few_kreise_of_one_land_did_not_report_one_quarter(demo):
    gap = str(missing_quarter(TODAY))
    p = demo["police"]
    land = p[p["ags"].str[:2] == MISSING_LAND]
    reported = land.groupby("quarter")["ags"].nunique()
    assert reported[gap] == reported[LATEST] - MISSING_KREISE
    missing = set(land.loc[land["quarter"] == LATEST, "ags"]) - set(land.loc[land["quarter"] == gap, "ags"])
    for ds_id in ("shelters", "counselling"):
        frame = demo[ds_id]
        assert not ((frame["quarter"] == gap) & frame["ags"].isin(missing)).any()
    other = p[p["ags"].str[:2] != MISSING_LAND].groupby("quarter")["ags"].nunique()
    assert other[gap] == other[LATEST]


# --- the full build: workbooks, check_file, loader --------------------------------------------------------------

BUILD_FROM = "2025-Q2"  # the full build runs through the same code; a shorter period keeps the suite fast


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.duckdb"
    result = build_demo(path, today=TODAY, workdir=folder / "workbooks", first_quarter=BUILD_FROM)
    return path, result, folder / "workbooks"


@pytest.mark.slow
def test_build_loads_every_row_as_demo_batches(built, inputs):
    path, result, workbooks = built
    demo = generate_demo(*inputs, TODAY, first_quarter=BUILD_FROM)
    assert result["status"] == "loaded" and result["errors"] == []
    assert (result["first_quarter"], result["last_quarter"]) == (BUILD_FROM, LATEST)
    with store.connect(path) as con:
        batches = con.execute("SELECT kind, dataset, is_demo, user_name, status FROM batches").fetchall()
        assert len(batches) == result["files"] == len(list(workbooks.glob("demo_*.xlsx")))
        assert {b[0] for b in batches} == {"data"}
        assert all(b[2] and b[3] == "demo" and b[4] == "active" for b in batches)
        for ds_id, frame in demo.items():
            table = datasets.get(ds_id).table
            assert con.execute(f"SELECT count(*) FROM {table}_current").fetchone()[0] == len(frame) == result[ds_id]
        places = con.execute(
            "SELECT sum(places_women + places_children) FROM shelters_current "
            "WHERE quarter = ? AND facility_type <> 'Männerschutzwohnung'", [LATEST]).fetchone()[0]
        future = con.execute("SELECT count(*) FROM police_current WHERE quarter > ?", [LATEST]).fetchone()[0]
    assert 7_000 <= places <= 8_600 and future == 0


@pytest.mark.slow
def test_build_leaves_a_database_with_data_alone(built, tmp_path):
    path, _, _ = built
    assert build_demo(path, today=TODAY)["status"] == "unchanged"
    real = tmp_path / "real.duckdb"
    with store.connect(real, write=True) as con:
        con.execute(
            "INSERT INTO batches (batch_id, kind, dataset, file_name, sha256, rows, user_name, loaded_at, status) "
            "VALUES (nextval('batch_seq'), 'data', 'police', 'echt.xlsx', 'x', 0, 'lks', ?, 'active')",
            [datetime(2026, 11, 1)],
        )
    result = build_demo(real, today=TODAY)
    assert result["status"] == "rejected" and "echte Daten" in result["message"]


def test_hanau_reports_from_2026_and_the_main_kinzig_kreis_is_smaller_from_then(demo):
    """Hanau (06415) is a kreisfreie Stadt from 1 January 2026: its figures belong to the Main-Kinzig-Kreis
    (06435) before, to Hanau from 2026-Q1; together they stay about the size of the old Kreis."""
    police = demo["police"].set_index(["quarter", "ags"])["callouts"]
    hanau = police.xs("06415", level="ags")
    assert hanau.index.min() == "2026-Q1" and hanau.gt(0).all()
    quarters = [f"2026-Q{q}" for q in (1, 2, 3)]
    mkk_2025 = sum(police[(q.replace("2026", "2025"), "06435")] for q in quarters)
    mkk_2026 = sum(police[(q, "06435")] for q in quarters)
    assert mkk_2026 < 0.9 * mkk_2025  # Hanau took about a quarter of the population
    assert 0.9 < (mkk_2026 + hanau[quarters].sum()) / mkk_2025 < 1.2
    for frame in demo.values():
        assert not ((frame["ags"] == "06415") & (frame["quarter"] < "2026-Q1")).any()


def test_eisenach_reports_until_mid_2021(demo):
    police = demo["police"]
    eisenach = police.loc[police["ags"] == "16056", "quarter"]
    assert eisenach.min() == "2019-Q1" and eisenach.max() == "2021-Q2"
