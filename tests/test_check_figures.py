"""DOMAIN.md §2 check figures, reproduced through the real computation with the shipped population.

One shelter per Land carries the Land's places (Nov 2024 figures for Bayern, Niedersachsen and Bremen; the
other thirteen Länder share the rest), so that Germany has the 7,786 places the federal government
reported in 2024.
"""

from __future__ import annotations

import pytest

from monitor import indicators as ind
from monitor import store
from tests.fixture_db import insert_batch

PERIOD = "2024-Q4"
GERMANY_PLACES = 7_786
NAMED = {"09": 896, "03": 1_321, "04": 145}


def _places_per_land() -> dict[str, int]:
    others = [f"{n:02d}" for n in range(1, 17) if f"{n:02d}" not in NAMED]
    rest = GERMANY_PLACES - sum(NAMED.values())
    share, extra = divmod(rest, len(others))
    places = {land: share + (1 if i < extra else 0) for i, land in enumerate(others)}
    return {**places, **NAMED}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "monitor.duckdb"
    with store.connect(path, write=True) as c:
        first_kreis = dict(c.execute(
            "SELECT land_ags, min(ags) FROM regions WHERE level = 'kreis' GROUP BY land_ags").fetchall())
        rows = []
        for land, places in _places_per_land().items():
            women = places * 2 // 5
            rows.append({"quarter": PERIOD, "ags": first_kreis[land], "facility": f"FH-{land}",
                         "facility_type": "Frauenhaus", "places_women": women, "places_children": places - women})
        insert_batch(c, "shelters", rows)
    with store.connect(path) as c:
        yield c


def test_the_fixture_has_the_federal_total():
    assert sum(_places_per_land().values()) == GERMANY_PLACES


def test_germany(con):
    de = ind.indicators_for(con, "00", PERIOD)
    assert de.population["total"] == 83_456_045
    assert de.population["basis"] == "Zensus 2022"
    assert de.value("shelter_places") == GERMANY_PLACES
    needed = de.value("shelter_places_needed")
    assert needed == pytest.approx(20_864.01125)  # 83,456,045 / 10,000 × 2.5
    assert round(needed) == 20_864
    assert round(needed / 2.5) == 8_346  # family places
    assert round(de.value("shelter_places_missing")) == 13_078
    assert round(de.value("shelter_coverage_pct")) == 37
    assert round(de.values["shelter_places"].gap) == 13_078


# DOMAIN.md gives 27 %, 66 % and 82 %. Bremen is 145 / 175.66 = 82.5 %, which rounds to 83 %: the
# published 82 % is truncated (Niedersachsen's 65.98 % only gives 66 % when rounded), so test one decimal.
@pytest.mark.parametrize("land, needed, coverage", [("09", 3_294, 27.2), ("03", 2_002, 66.0), ("04", 176, 82.5)])
def test_laender(con, land, needed, coverage):
    report = ind.indicators_for(con, land, PERIOD)
    assert report.value("shelter_places") == NAMED[land]
    assert round(report.value("shelter_places_needed")) == needed
    assert round(report.value("shelter_coverage_pct"), 1) == coverage


def test_wave_eige_variant(con):
    de = ind.indicators_for(con, "00", PERIOD, variant="WAVE/EIGE")
    assert round(de.value("shelter_places_needed")) == 8_346
    assert de.values["shelter_places"].target.id == "shelter_places_wave"
    assert round(de.value("shelter_places_missing")) == 8_346 - GERMANY_PLACES
    assert round(de.value("shelter_coverage_pct")) == 93


def test_the_land_table_adds_up_to_germany(con):
    laender = ind.indicators_table(con, "land", PERIOD)
    assert laender["shelter_places"].sum() == GERMANY_PLACES
    assert laender["shelter_places_needed"].sum() == pytest.approx(20_864.01125)
