"""Indicator computation on the fixture database (figures in tests/fixture_db.py)."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
import pytest

from monitor import indicators as ind
from monitor import store
from monitor.catalogue import CATALOGUE
from tests.fixture_db import KNOWN, PERIOD, insert_batch, shelter_rows


@pytest.fixture
def con(fixture_db):
    with store.connect(fixture_db) as c:
        yield c


@pytest.fixture
def own_copy(fixture_db_copy):
    """A copy of the fixture database that a test may change."""
    return fixture_db_copy


def close(a, b, tol=1e-9):
    if b is None:
        return a is None or (isinstance(a, float) and math.isnan(a))
    return a is not None and abs(a - b) <= tol * max(1, abs(b))


@pytest.mark.parametrize("ags", sorted(KNOWN))
def test_known_figures(con, ags):
    report = ind.indicators_for(con, ags, PERIOD)
    for indicator_id, expected in KNOWN[ags].items():
        assert close(report.value(indicator_id), expected), (ags, indicator_id, report.value(indicator_id))


def test_no_report_is_not_zero(con):
    table = ind.indicators_table(con, "kreis", PERIOD).set_index("ags")
    # Niedersachsen reported shelters: its Kreise without a shelter have 0 places …
    assert table.loc["03101", "shelter_places"] == 0
    assert table.loc["03101", "counselling_centres"] == 0
    # … but police rows are per Kreis, so a Kreis without a row is missing
    assert pd.isna(table.loc["03101", "police_callouts"])
    # NRW reported police only, Bayern nothing
    assert pd.isna(table.loc["05913", "shelter_places"]) and table.loc["05913", "police_callouts"] == 700
    assert table.loc[table["land_ags"] == "09", ["shelter_places", "counselling_persons", "police_callouts"]] \
        .isna().all().all()


def test_a_land_that_did_not_report_a_quarter_is_missing_not_zero(con):
    q1 = ind.indicators_table(con, "kreis", "2025-Q1", land="04").set_index("ags")
    q2 = ind.indicators_table(con, "kreis", "2025-Q2", land="04").set_index("ags")
    assert q1["shelter_places"].isna().all()
    assert q2.loc["04011", "shelter_places"] == 70 and q2.loc["04012", "shelter_places"] == 0
    assert q1.loc["04012", "shelters_completeness"].startswith("Keine Meldung des Landes")


def test_undone_batches_and_superseded_rows_do_not_count(con):
    report = ind.indicators_for(con, "03404", PERIOD)
    assert report.value("shelter_places") == 24
    assert report.value("shelter_places_women") == 10
    assert report.value("shelter_facilities") == 1


def test_capacities_take_the_latest_quarter_and_flows_sum(con):
    year = ind.indicators_for(con, "03241", "2025")
    assert year.value("shelter_places") == 45  # 2025-Q2, when NI-FH-004 no longer reported
    assert year.value("shelter_admissions_women") == (25 + 6) + 25
    assert year.value("police_callouts") == 2 * 900
    assert year.completeness["shelters"].reference_quarter == "2025-Q2"
    assert year.completeness["shelters"].quarters_reported == 2
    assert "2 von 4 Quartalen" in year.completeness["police"].text_de
    assert ind.indicators_for(con, "03241", "2025-Q1").value("shelter_places") == 63


def test_rates_divide_sums(con):
    ni = ind.indicators_for(con, "03", PERIOD)
    assert close(ni.value("shelter_occupancy_women_pct"), 100 * (9 + 1 + 19) / (10 + 2 + 20))
    assert close(ni.value("police_referral_rate_pct"), 100 * 64 / 158)  # 03241 has no referral figure
    assert close(ni.value("counselling_reach_rate_pct"), 100 * 65 / 90)  # NI-FBS-05 has no "reached"
    assert close(ni.value("counselling_waiting_days"), (10 * 120 + 3 * 60 + 20 * 80) / 260)
    assert close(ni.value("police_callouts_per_10k"), 1058 / (165686 + 356194 + 1138943) * 10_000)
    hb = ind.indicators_for(con, "04011", PERIOD)
    assert close(hb.value("shelter_occupancy_children_pct"), 110.0)  # over-occupancy is kept
    year = ind.indicators_for(con, "03404", "2025")
    assert close(year.value("shelter_occupancy_women_pct"), 90.0, 1e-2)


def test_service_types_and_mens_flats(con):
    hannover = ind.indicators_for(con, "03241", PERIOD)
    assert hannover.value("counselling_persons") == 80  # Täterarbeit excluded …
    assert hannover.value("perpetrator_programme_persons") == 25  # … and counted here
    assert hannover.value("counselling_centres") == 0
    assert hannover.value("counselling_centres_sexual_violence") == 1
    osna = ind.indicators_for(con, "03404", PERIOD)
    assert osna.value("counselling_centres") == 1  # the Interventionsstelle does not count
    assert osna.value("counselling_persons") == 180  # but its persons do
    q1 = ind.indicators_for(con, "03241", "2025-Q1")
    assert q1.value("shelter_places") == 45 + 18  # not the 3 places of the Männerschutzwohnung


def test_regions_sum_their_kreise(con):
    kreise = ind.indicators_table(con, "kreis", "2025", land="03")
    land = ind.indicators_for(con, "03", "2025")
    for col in ("shelter_places", "shelter_admissions_women", "counselling_persons", "police_callouts"):
        assert close(kreise[col].sum(), land.value(col))
    laender = ind.indicators_table(con, "land", PERIOD)
    germany = ind.indicators_for(con, "00", PERIOD)
    assert close(laender["shelter_places"].sum(), germany.value("shelter_places"))
    assert close(laender["police_callouts"].sum(), germany.value("police_callouts"))


def test_completeness_statements(con):
    assert ind.indicators_for(con, "03241", PERIOD).completeness["shelters"].text_de == \
        "2 von 3 Einrichtungen gemeldet (2.\u00a0Quartal 2025)"
    ni = ind.indicators_for(con, "03", PERIOD).completeness
    assert ni["shelters"].facilities_reported == 4 and ni["shelters"].facilities_known == 5
    assert ni["police"].text_de == "3 von 45 Kreisen gemeldet"
    assert not ni["police"].complete
    de = ind.indicators_for(con, "00", PERIOD).completeness
    assert de["shelters"].text_de.startswith("2 von 16 Ländern")
    assert de["police"].text_de == "4 von 400 Kreisen aus 2 von 16 Ländern gemeldet"
    assert ind.indicators_for(con, "09162", PERIOD).completeness["police"].text_de.startswith("Keine Meldung")


def test_needs_refer_to_the_reporting_areas(con):
    germany = ind.indicators_for(con, "00", PERIOD)
    # only Niedersachsen and Bremen reported shelters
    assert close(germany.value("shelter_places_needed"), (8_008_135 + 702_655) / 10_000 * 2.5)
    assert close(germany.values["shelter_places"].gap, (8_008_135 + 702_655) / 10_000 * 2.5 - 144)
    bayern = ind.indicators_for(con, "09", PERIOD)  # no report: the need of the whole Land, no coverage
    assert close(bayern.value("shelter_places_needed"), 13_176_426 / 10_000 * 2.5)
    assert bayern.value("shelter_coverage_pct") is None


def test_population_at_or_before_the_period_end(own_copy):
    with store.connect(own_copy, write=True) as con:
        batch = con.execute("SELECT nextval('batch_seq')").fetchone()[0]
        con.execute(
            "INSERT INTO batches (batch_id, kind, file_name, sha256, rows, user_name, loaded_at, status) "
            "VALUES (?, 'population', 'bev.xlsx', 'x', 3, 'test', ?, 'active')", [batch, datetime(2025, 8, 1)])
        con.executemany(
            "INSERT INTO population VALUES (?, ?, ?, ?, ?, ?, 'Test', ?)",
            [["03404", date(2024, 12, 31), "Zensus 2022", 200_000, 100_000, 100_000, batch],
             ["03404", date(2024, 12, 31), "Zensus 2011", 300_000, 150_000, 150_000, batch],
             ["03404", date(2026, 12, 31), "Zensus 2022", 400_000, 200_000, 200_000, batch]],
        )
        later = ind.indicators_for(con, "03404", PERIOD)
        earlier = ind.indicators_for(con, "03404", "2024-Q3")
        before_all = ind.indicators_for(con, "03404", "2019-Q1")
    assert later.population["reference_date"] == date(2024, 12, 31)
    assert later.population["basis"] == "Zensus 2022" and later.population["total"] == 200_000
    assert close(later.value("shelter_places_per_10k"), 24 / 200_000 * 10_000)
    assert earlier.population["reference_date"] == date(2023, 12, 31)
    assert before_all.population["reference_date"] == date(2023, 12, 31)  # the earliest there is
    assert later.as_json()["population"] == {"total": 200_000, "female": 100_000,
                                             "reference_date": "2024-12-31", "basis": "Zensus 2022"}


def test_land_targets_override_the_general_one(own_copy):
    with store.connect(own_copy, write=True) as con:
        con.execute(
            "INSERT INTO targets VALUES ('ni_places', 'shelter_places', NULL, 'population_female', 10000, 1, 1.0,"
            " 'Plätze', 'places', '1 Platz je 10.000 Frauen', NULL, 'Land Niedersachsen', DATE '2024-01-01', '03',"
            " NULL)"
        )
        osna = ind.indicators_for(con, "03404", PERIOD)
        ni = ind.indicators_for(con, "03", PERIOD)
        bremen = ind.indicators_for(con, "04011", PERIOD)
        germany = ind.indicators_for(con, "00", PERIOD)
        before = ind.indicators_for(con, "03404", "2023-Q4")
        table = ind.indicators_table(con, "kreis", PERIOD).set_index("ags")
    assert osna.values["shelter_places"].target.id == "ni_places"
    assert close(osna.value("shelter_places_needed"), 85_199 / 10_000)
    assert close(ni.value("shelter_places_needed"), 4_056_992 / 10_000)
    assert bremen.values["shelter_places"].target.id == "shelter_places_de"
    assert germany.values["shelter_places"].target.id == "shelter_places_de"
    assert before.values["shelter_places"].target.id == "shelter_places_de"  # not yet valid
    assert table.loc["03404", "shelter_places__target"] == "ni_places"
    assert close(table.loc["03404", "shelter_places_needed"], 85_199 / 10_000)


def test_variant_wave(con):
    de = ind.indicators_for(con, "03404", PERIOD)
    wave = ind.indicators_for(con, "03404", PERIOD, variant="WAVE/EIGE")
    assert close(wave.value("shelter_places_needed"), 165_686 / 10_000)
    assert close(de.value("shelter_places_needed"), 2.5 * wave.value("shelter_places_needed"))
    assert wave.values["shelter_places"].target.factor == 1.0
    with pytest.raises(ValueError):
        ind.indicators_for(con, "03404", PERIOD, variant="XX")


def test_indicators_table_shape_and_agreement(con):
    kreise = ind.indicators_table(con, "kreis", PERIOD)
    assert len(kreise) == 400 and kreise["ags"].is_unique
    assert len(ind.indicators_table(con, "kreis", PERIOD, land="03")) == 45
    laender = ind.indicators_table(con, "land", PERIOD)
    assert len(laender) == 16
    for col in ("name", "land_ags", "population_total", "shelters_completeness", "police_kreise_reported",
                "counselling_facilities_known", "shelter_places__target"):
        assert col in kreise.columns
    row = kreise.set_index("ags").loc["03404"]
    report = ind.indicators_for(con, "03404", PERIOD)
    for indicator_id in CATALOGUE:
        assert close(row[indicator_id] if pd.notna(row[indicator_id]) else None, report.value(indicator_id)), \
            indicator_id
    assert row["name"] == "Osnabrück, kreisfreie Stadt"
    with pytest.raises(ValueError):
        ind.indicators_table(con, "bund", PERIOD)


def test_time_series(con):
    ts = ind.time_series(con, "03241", ["shelter_places", "police_referral_rate_pct"])
    assert ts["quarter"].tolist() == ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
    assert ts["shelter_places"].tolist() == [63, 63, 63, 45]
    assert ts["label"].iloc[-1] == "2.\u00a0Quartal 2025"
    assert ts["police_referral_rate_pct__events"].tolist() == [900] * 4
    bremen = ind.time_series(con, "04", ["shelter_places"], first="2025-Q1", last="2025-Q2")
    assert pd.isna(bremen["shelter_places"].iloc[0]) and bremen["shelter_places"].iloc[1] == 70
    with pytest.raises(KeyError):
        ind.time_series(con, "03241", ["no_such_indicator"])


def test_time_series_of_an_empty_store(db_path):
    with store.connect(db_path) as con:
        ts = ind.time_series(con, "00", ["shelter_places"])
        status = ind.data_status(con)
        report = ind.indicators_for(con, "00", PERIOD)
    assert ts.empty and list(ts.columns) == ["quarter", "label", "shelter_places"]
    assert status["latest_quarter_overall"] is None and status["stand"] is None and not status["is_demo"]
    assert report.value("shelter_places") is None
    assert close(report.value("shelter_places_needed"), 83_456_045 / 10_000 * 2.5)


def test_data_status(con, demo_fixture_db):
    status = ind.data_status(con)
    assert status["latest_quarter"] == {"shelters": "2025-Q2", "counselling": "2025-Q2", "police": "2025-Q2"}
    assert status["stand"] == datetime(2025, 7, 15, 10, 30)  # the undone load at 11:30 does not count
    assert status["is_demo"] is False
    assert status["batches"] == 4 and status["batches_total"] == 5
    with store.connect(demo_fixture_db) as c:
        assert ind.data_status(c)["is_demo"] is True


def test_intervention_chain(con):
    steps = ind.intervention_chain(con, "03404", PERIOD)
    assert [s.id for s in steps] == ["police_callouts", "police_eviction_orders", "police_referrals",
                                     "counselling_police_referrals_reached", "shelter_admissions_women",
                                     "shelter_turn_aways"]
    assert [s.value for s in steps] == [150, 40, 60, 65, 12, 30]
    assert [s.beside for s in steps] == [False] * 5 + [True]
    assert close(steps[2].share_pct, 40.0) and steps[2].share_events == 150
    assert steps[0].completeness.dataset == "police"


def test_as_json_has_exactly_the_agreed_keys(con):
    data = ind.indicators_for(con, "03459", PERIOD).as_json()
    assert set(data) == {"region", "region_name", "period", "population", "indicators"}
    assert set(data["population"]) == {"total", "female", "reference_date", "basis"}
    assert [i["id"] for i in data["indicators"]] == list(CATALOGUE)
    for item in data["indicators"]:
        assert set(item) == {"id", "label", "value", "flag", "mark", "unit", "target", "gap", "source"}
    by_id = {i["id"]: i for i in data["indicators"]}
    assert by_id["shelter_admissions_women"]["value"] == 2
    assert by_id["shelter_places"]["target"]["needed"] == 89  # 356,194 / 10,000 × 2.5 = 89.05
    assert "Bevölkerung 31.12.2023" in by_id["shelter_places_per_10k"]["source"]
    assert by_id["shelter_admissions_women"]["flag"] is None  # the working store hides nothing


def test_as_json_of_a_release_carries_flags_and_marks(fixture_db):
    from monitor.figures import ReleaseFigures

    public = {i["id"]: i for i in ReleaseFigures.latest(fixture_db.with_name("monitor-releases"))
              .report("03459", PERIOD).as_json()["indicators"]}
    assert public["shelter_admissions_women"]["value"] is None
    assert public["shelter_admissions_women"]["flag"] == "small" and public["shelter_admissions_women"]["mark"] == "< 3"
    assert public["shelter_places"]["value"] == 5


def test_unknown_region_and_period(con):
    with pytest.raises(ind.UnknownRegion, match="Unbekannte Region"):
        ind.indicators_for(con, "99999", PERIOD)
    with pytest.raises(ValueError, match="weder ein Quartal"):
        ind.indicators_for(con, "03404", "2025-Q5")


def test_a_facility_that_moved_counts_where_it_reports(own_copy):
    with store.connect(own_copy, write=True) as con:
        moved = [dict(r, quarter="2025-Q3", ags="03459") for r in shelter_rows()
                 if r["facility"] == "NI-FH-001" and r["quarter"] == "2025-Q2"]
        insert_batch(con, "shelters", moved)
        q3 = ind.indicators_table(con, "kreis", "2025-Q3", land="03").set_index("ags")
    assert q3.loc["03459", "shelter_places"] == 24
    assert q3.loc["03404", "shelter_places"] == 0
