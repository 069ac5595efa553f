"""Small-number suppression in public mode, and the German number format."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor import config, privacy
from monitor.catalogue import CATALOGUE


@pytest.mark.parametrize("value, shown", [(0, "0"), (1, "< 3"), (2, "< 3"), (3, "3"), (1234, "1.234")])
def test_counts_below_three_are_suppressed_zero_is_shown(value, shown):
    result = privacy.public_value("shelter_admissions_women", value)
    assert result.display == shown
    assert result.suppressed == (shown == "< 3")
    assert result.value == (None if result.suppressed else float(value))


def test_rates_on_fewer_than_ten_events_are_withheld():
    assert privacy.public_value("police_referral_rate_pct", 50.0, events=8) == ("–", None, True)
    assert privacy.public_value("police_referral_rate_pct", 40.0, events=10) == ("40,0", 40.0, False)
    assert privacy.public_value("police_callouts_per_10k", 3.2, events=None).suppressed  # unknown basis
    assert privacy.public_value("counselling_waiting_days", 7.5, events=9).display == "–"


def test_capacities_needs_and_missing_values_are_not_suppressed():
    assert privacy.public_value("shelter_places", 2) == ("2", 2.0, False)
    assert privacy.public_value("shelter_places_needed", 1.2) == ("1", 1.2, False)
    assert privacy.public_value("shelter_coverage_pct", 12.34) == ("12,3", 12.34, False)
    assert privacy.public_value("police_callouts", None) == ("k. A.", None, False)
    assert privacy.public_value("police_referral_rate_pct", float("nan"), events=2) == ("k. A.", None, False)


def test_thresholds_are_settings(monkeypatch):
    monkeypatch.setattr(config, "MIN_COUNT", 5)
    monkeypatch.setattr(config, "MIN_RATE_EVENTS", 20)
    assert privacy.public_value("police_callouts", 4).display == "< 5"
    assert privacy.public_value("police_referral_rate_pct", 40.0, events=15).suppressed
    assert "weniger als 5" in privacy.note_small_de()


def test_display_value_outside_public_mode_shows_everything():
    assert privacy.display_value("shelter_admissions_women", 2).display == "2"
    assert privacy.display_value("shelter_admissions_women", 2, public=True).display == "< 3"


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "ags": ["03404", "03459", "03241", "09162"],
        "police_callouts": [150.0, 8.0, 2.0, float("nan")],
        "police_referrals": [60.0, 4.0, 0.0, float("nan")],
        "police_referral_rate_pct": [40.0, 50.0, 0.0, float("nan")],
        "shelter_places": [24.0, 1.0, 45.0, float("nan")],
    })


def test_apply_public_numeric():
    out = privacy.apply_public(_frame())
    assert math.isnan(out.loc[2, "police_callouts"])  # 2 call-outs
    assert out.loc[1, "police_callouts"] == 8  # 8 is shown …
    assert math.isnan(out.loc[1, "police_referral_rate_pct"])  # … but a rate on 8 call-outs is not
    assert math.isnan(out.loc[2, "police_referral_rate_pct"])  # rests on a suppressed count
    assert out.loc[0, "police_referral_rate_pct"] == 40.0
    assert out.loc[2, "police_referrals"] == 0  # zero stays
    assert out.loc[1, "shelter_places"] == 1  # places are not persons
    assert out.attrs["suppressed"] == {"police_callouts": 1, "police_referrals": 0, "police_referral_rate_pct": 2,
                                       "shelter_places": 0}
    assert len(privacy.notes_de(out)) == 2


def test_apply_public_as_text_and_explicit_events_column():
    df = _frame().rename(columns={"police_callouts": "einsaetze"})
    out = privacy.apply_public(df, ["police_referral_rate_pct", "police_referrals"],
                               {"police_referral_rate_pct": "einsaetze"}, as_text=True)
    assert out["police_referral_rate_pct"].tolist() == ["40,0", "–", "–", "k. A."]
    assert out["police_referrals"].tolist() == ["60", "4", "0", "k. A."]
    assert df["police_referral_rate_pct"].iloc[1] == 50.0  # the input is not changed


def test_a_rate_without_its_events_column_is_an_error():
    with pytest.raises(KeyError):
        privacy.apply_public(pd.DataFrame({"police_referral_rate_pct": [1.0]}))


def test_time_series_events_columns_are_found():
    df = pd.DataFrame({"police_referral_rate_pct": [40.0, 40.0], "police_referral_rate_pct__events": [150, 5]})
    out = privacy.apply_public(df, ["police_referral_rate_pct"])
    assert out["police_referral_rate_pct"].isna().tolist() == [False, True]


def _parse_de(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_format_de_round_trips(value, decimals):
    text = privacy.format_de(value, decimals)
    assert _parse_de(text) == pytest.approx(round(value, decimals), abs=10 ** -decimals)
    assert not text.startswith("-0") or _parse_de(text) != 0
    if decimals:
        assert text.rsplit(",", 1)[1].isdigit() and len(text.rsplit(",", 1)[1]) == decimals
    else:
        assert "," not in text


def test_every_count_like_indicator_is_suppressible():
    for ind in CATALOGUE.values():
        if ind.count_like:
            assert privacy.public_value(ind, 1).display == "< 3"
