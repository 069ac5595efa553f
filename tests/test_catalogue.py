"""The indicator catalogue: complete entries, in step with the computation and the target table."""

from __future__ import annotations

import csv
import re

import pytest

from monitor import catalogue, config, indicators, store
from monitor.catalogue import CATALOGUE, KINDS, PILLARS
from monitor.datasets import DATASETS

TEXT_FIELDS = ("label_de", "label_en", "unit_de", "unit_en", "formula_de", "formula_en", "caveat_de",
               "caveat_en", "slug")

REQUIRED_BY_ISSUE = (
    "shelter_places", "shelter_places_per_10k", "shelter_places_needed", "shelter_coverage_pct",
    "shelter_places_missing", "shelter_occupancy_women_pct", "shelter_occupancy_children_pct",
    "shelter_turn_aways", "shelter_full_days", "counselling_centres", "counselling_centres_needed",
    "counselling_persons_per_10k_women", "counselling_waiting_days", "police_callouts", "police_callouts_per_10k",
    "police_eviction_orders", "police_referrals", "police_referral_rate_pct", "counselling_reach_rate_pct",
    "police_high_risk_cases", "shelter_admissions_women", "counselling_persons", "counselling_police_referrals",
    "counselling_police_referrals_reached", "counselling_centres_sexual_violence",
    "counselling_centres_sexual_violence_needed", "shelter_accessible_places", "police_victims_female",
    "police_victims_male",
    *(f"counselling_persons_{f}_per_10k_women" for f in ("domestic", "sexual", "stalking", "digital", "other")),
)

# Ratios without an events rule, because they describe services or population, not persons or cases
# (occupancy is the use of places; withholding it below 10 places would hide it for most small Kreise).
NOT_ABOUT_PERSONS = {"shelter_places_per_10k", "shelter_coverage_pct", "counselling_centres_coverage_pct",
                     "shelter_full_days", "shelter_occupancy_women_pct", "shelter_occupancy_children_pct"}


@pytest.mark.parametrize("ind", list(CATALOGUE.values()), ids=list(CATALOGUE))
def test_every_indicator_has_every_entry(ind):
    for name in TEXT_FIELDS:
        assert isinstance(getattr(ind, name), str) and getattr(ind, name).strip(), f"{ind.id}: {name} is empty"
    assert ind.dataset in DATASETS
    assert ind.pillar in PILLARS
    assert ind.kind in KINDS
    assert isinstance(ind.decimals, int) and 0 <= ind.decimals <= 3
    assert ind.higher_is_better in (True, False, None)
    assert isinstance(ind.count_like, bool)


def test_issue_indicators_are_in_the_catalogue():
    missing = [i for i in REQUIRED_BY_ISSUE if i not in CATALOGUE]
    assert not missing


def test_computed_ids_are_exactly_the_catalogue():
    computed = set(indicators.computed_ids())
    listed = set(CATALOGUE)
    assert computed - listed == set(), "computed but not in the catalogue"
    assert listed - computed == set(), "in the catalogue but not computed"


def test_indicator_table_has_a_column_per_catalogue_id(db_path):
    with store.connect(db_path) as con:
        df = indicators.indicators_table(con, "land", "2025-Q2")
    assert set(CATALOGUE) <= set(df.columns)


def test_targets_exist_in_the_shipped_target_table():
    with open(config.REFERENCE_DIR / "targets.csv", encoding="utf-8", newline="") as fh:
        known = {row["indicator"] for row in csv.DictReader(fh)}
    for ind in CATALOGUE.values():
        if ind.target is not None:
            assert ind.target in known, f"{ind.id}: target {ind.target!r} not in targets.csv"
    assert {"shelter_places", "counselling_centres", "counselling_centres_sexual_violence"} <= {
        i.target for i in CATALOGUE.values()}


def test_need_and_gap_indicators_carry_a_target():
    for ind in CATALOGUE.values():
        if ind.kind in ("need", "gap"):
            assert ind.target is not None, ind.id


def test_events_point_to_counts_of_the_same_dataset():
    for ind in CATALOGUE.values():
        if ind.events is None:
            continue
        base = CATALOGUE[ind.events]
        assert base.dataset == ind.dataset, ind.id
        assert base.kind in ("capacity", "flow"), ind.id
        assert not ind.count_like, f"{ind.id}: a rate is not itself a count"


def test_every_rate_about_persons_has_an_events_rule():
    for ind in CATALOGUE.values():
        if ind.kind in ("rate", "per_capita", "average") and ind.id not in NOT_ABOUT_PERSONS:
            assert ind.events is not None, f"{ind.id} needs an events indicator for the < 10 rule"


def test_slugs_and_labels_are_unique_and_file_safe():
    slugs = [i.slug for i in CATALOGUE.values()]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9_]+", s) for s in slugs)
    labels = [i.label_de for i in CATALOGUE.values()]
    assert len(labels) == len(set(labels))


def test_turn_aways_say_requests_and_places_say_not_family_places():
    for ind in catalogue.of_dataset("shelters"):
        if "turn_aways" in ind.id:
            assert "Anfragen" in ind.label_de and "requests" in ind.label_en
    assert "nicht Familienplätze" in CATALOGUE["shelter_places"].label_de
    assert "Familienplätze" in CATALOGUE["shelter_places_per_10k"].caveat_de


def test_counselling_centres_caveat_states_the_interventionsstellen_decision():
    assert "Interventionsstellen" in CATALOGUE["counselling_centres"].caveat_de
    assert "gewichtet" in CATALOGUE["counselling_waiting_days"].caveat_de


def test_by_pillar_covers_every_indicator_once():
    grouped = catalogue.by_pillar()
    assert list(grouped) == list(PILLARS)
    assert sorted(i.id for group in grouped.values() for i in group) == sorted(CATALOGUE)
