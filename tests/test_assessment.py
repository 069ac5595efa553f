"""The traffic light judges target attainment on the percentage as it is shown (whole per cent)."""

import math

import pytest

from monitor import assessment


@pytest.mark.parametrize("pct, light", [
    (120.0, assessment.MET), (100.0, assessment.MET), (99.6, assessment.MET),
    (99.4, assessment.PARTLY), (50.0, assessment.PARTLY), (49.6, assessment.PARTLY),
    (49.4, assessment.FAR), (0.0, assessment.FAR),
])
def test_attainment_follows_the_shown_percentage(pct, light):
    assert assessment.attainment(pct) == light


@pytest.mark.parametrize("pct", [None, math.nan])
def test_no_value_no_light(pct):
    assert assessment.attainment(pct) is None
