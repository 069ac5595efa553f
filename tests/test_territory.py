"""Figures across a territorial change stay honest (issue: Hanau 2026, Eisenach 2021).

A Kreis whose territory changed uses only a population vintage on its new territory: until one is loaded, its
rates and targets are "k. A." with the reason, while its counts show. Länder and Germany are unaffected.
"""

from __future__ import annotations

from datetime import date

import pytest

from monitor import indicators as ind
from monitor import store
from tests.fixture_db import insert_batch


def police(quarter: str, ags: str, callouts: int) -> dict:
    return {"quarter": quarter, "ags": ags, "callouts": callouts, "victims_female": callouts // 2,
            "victims_male": 3, "eviction_orders": 20, "referrals": 30, "high_risk_cases": 4}


@pytest.fixture
def hessen_2026(initialised_copy):
    with store.connect(initialised_copy, write=True) as con:
        insert_batch(con, "police", [police("2025-Q4", "06435", 400), police("2026-Q1", "06435", 300),
                                     police("2026-Q1", "06415", 120)])
    return initialised_copy


def test_a_changed_kreis_has_no_target_until_its_new_territory_has_a_population(hessen_2026):
    with store.connect(hessen_2026) as con:
        mkk = ind.indicators_for(con, "06435", "2026-Q1")
        hanau = ind.indicators_for(con, "06415", "2026-Q1")
        before = ind.indicators_for(con, "06435", "2025-Q4")
        hessen = ind.indicators_for(con, "06", "2026-Q1")
    # counts show; rates and targets on a population that still includes Hanau do not
    assert mkk.value("police_callouts") == 300 and mkk.value("police_callouts_per_10k") is None
    assert mkk.value("shelter_places_needed") is None and mkk.population["total"] is None
    assert mkk.population["territory"] == (date(2026, 1, 1), None)
    assert hanau.value("police_callouts") == 120 and hanau.value("shelter_places_needed") is None
    # before the change the shipped vintage (31.12.2023) describes the Main-Kinzig-Kreis as it was
    assert before.population["total"] and before.value("police_callouts_per_10k") is not None
    assert before.population["territory"] is None
    # the Land's territory did not change: its population is the shipped one, Hanau's people included
    assert hessen.population["total"] == 6_267_546 and hessen.value("shelter_places_needed") is not None


def test_a_vintage_on_the_new_territory_brings_the_targets_back(hessen_2026):
    with store.connect(hessen_2026, write=True) as con:
        con.execute("INSERT INTO population VALUES ('06435', DATE '2026-06-30', 'Zensus 2022', 320000, 163000, "
                    "157000, 'Test', NULL), ('06415', DATE '2026-06-30', 'Zensus 2022', 100000, 51000, 49000, "
                    "'Test', NULL)")
    with store.connect(hessen_2026) as con:
        mkk = ind.indicators_for(con, "06435", "2026-Q1")
    assert mkk.population["total"] == 320_000 and mkk.population["territory"] is None
    assert mkk.value("shelter_places_needed") == pytest.approx(320_000 / 10_000 * 2.5)
    assert mkk.value("police_callouts_per_10k") == pytest.approx(300 / 320_000 * 10_000)


def test_eisenach_and_the_wartburgkreis_before_and_after_the_merger(initialised_copy):
    with store.connect(initialised_copy) as con:
        after = ind.indicators_for(con, "16063", "2022-Q1")
        before = ind.indicators_for(con, "16063", "2021-Q2")
    # from 2021-07-01 on the shipped 2023 vintage describes the Wartburgkreis with Eisenach …
    assert after.population["total"] and after.population["territory"] is None
    # … before it, the Wartburgkreis was smaller: no vintage of that territory is shipped
    assert before.population["total"] is None and before.population["territory"] == (None, date(2021, 6, 30))
