"""Marks of hidden values, their footnotes and file names, and the German number format.

What is hidden is decided by a release (tests/test_release.py, tests/test_disclosure.py); this module only turns
a release's flags into what readers see.
"""

from __future__ import annotations

import pandas as pd
import pytest

from monitor import config, privacy
from monitor.catalogue import CATALOGUE


@pytest.mark.parametrize("flag, mark", [(privacy.SMALL, "< 3"), (privacy.PROTECTED, "•"),
                                        (privacy.WITHHELD_FLAG, "–"), (None, ""), ("something else", "")])
def test_each_flag_has_one_mark(flag, mark):
    assert privacy.mark(flag) == mark


def test_display_value_shows_the_mark_or_the_number():
    assert privacy.display_value("shelter_admissions_women", None, privacy.SMALL) == ("< 3", None, True)
    assert privacy.display_value("police_callouts", None, privacy.PROTECTED) == ("•", None, True)
    assert privacy.display_value("police_referral_rate_pct", None, privacy.WITHHELD_FLAG) == ("–", None, True)
    # no flag: the internal view shows every value, small ones included
    assert privacy.display_value("shelter_admissions_women", 2) == ("2", 2.0, False)
    assert privacy.display_value("shelter_coverage_pct", 12.34) == ("12,3", 12.34, False)
    assert privacy.display_value("police_callouts", None) == ("k. A.", None, False)
    assert privacy.display_value("police_referral_rate_pct", float("nan")) == ("k. A.", None, False)


def test_thresholds_are_settings_and_a_release_brings_its_own(monkeypatch):
    monkeypatch.setattr(config, "MIN_COUNT", 5)
    assert privacy.mark(privacy.SMALL) == "< 5"
    assert privacy.mark(privacy.SMALL, min_count=3) == "< 3"
    assert "weniger als 5" in privacy.note(privacy.SMALL)
    assert "20 Ereignissen" in privacy.note(privacy.WITHHELD_FLAG, min_events=20)
    assert "fewer than 20 events" in privacy.note(privacy.WITHHELD_FLAG, "en", min_events=20)


def _released() -> pd.DataFrame:
    """A table as a release gives it: hidden values None, their flags beside them."""
    return pd.DataFrame({
        "ags": ["03404", "03459", "03241", "09162"],
        "police_callouts": [150.0, None, None, float("nan")],
        "police_callouts__flag": [None, privacy.PROTECTED, privacy.SMALL, None],
        "police_referral_rate_pct": [40.0, None, None, float("nan")],
        "police_referral_rate_pct__flag": [None, privacy.WITHHELD_FLAG, privacy.WITHHELD_FLAG, None],
        "shelter_places": [24.0, 1.0, 45.0, float("nan")],
    })


def test_with_marks_numeric_and_as_text():
    out = privacy.with_marks(_released())
    assert out.loc[0, "police_callouts"] == 150 and out["police_callouts"].iloc[1:].isna().all()
    assert out.attrs["hidden"] == {privacy.SMALL: 1, privacy.PROTECTED: 1, privacy.WITHHELD_FLAG: 2}
    text = privacy.with_marks(_released(), ["police_callouts", "police_referral_rate_pct", "shelter_places"],
                              as_text=True)
    assert text["police_callouts"].tolist() == ["150", "•", "< 3", "k. A."]
    assert text["police_referral_rate_pct"].tolist() == ["40,0", "–", "–", "k. A."]
    assert text["shelter_places"].tolist() == ["24", "1", "45", "k. A."]  # places are not persons
    assert len(privacy.notes_for(text)) == 3 and privacy.notes_for(text, "en")[0].startswith("'< 3'")


def test_data_without_flags_are_shown_whole():
    internal = pd.DataFrame({"police_callouts": [2.0, 8.0]})
    assert not privacy.suppression_mask(internal, "police_callouts").any()
    assert privacy.with_marks(internal, as_text=True)["police_callouts"].tolist() == ["2", "8"]
    assert privacy.marks_of(internal, "police_callouts").tolist() == ["", ""]


def test_internal_files_say_so_in_their_name():
    assert privacy.file_name("ik-monitor_05913_schutzplaetze_2025-Q2.png", public=True) == \
        "ik-monitor_05913_schutzplaetze_2025-Q2.png"
    assert privacy.file_name("ik-monitor_05913_schutzplaetze_2025-Q2.png", public=False) == \
        "ik-monitor_05913_schutzplaetze_2025-Q2_INTERN.png"
    assert privacy.file_name("bericht", public=False) == "bericht_INTERN"


def test_display_follows_the_language():
    assert privacy.display_value("shelter_coverage_pct", 1234.56, language="en") == ("1,234.6", 1234.56, False)
    assert privacy.display_value("police_callouts", None, language="en").display == "n/a"
    assert privacy.display_value("police_callouts", None, privacy.SMALL, language="en").display == "< 3"
    text = privacy.with_marks(_released(), ["police_referral_rate_pct"], as_text=True, language="en")
    assert text["police_referral_rate_pct"].tolist() == ["40.0", "–", "–", "n/a"]


def test_every_hideable_indicator_is_a_count_or_a_rate_on_counts():
    for ind in CATALOGUE.values():
        for c in ind.rests_on:
            assert CATALOGUE[c].count_like, (ind.id, c)
        if ind.part_of:
            assert ind.count_like and CATALOGUE[ind.part_of].count_like
