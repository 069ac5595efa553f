"""The one formatter (monitor.fmt): numbers, percentages, changes, dates and quarters in both languages."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor import fmt

NBSP = "\u00a0"


def test_numbers_in_german_and_english():
    assert fmt.number(1234.5, 1) == "1.234,5"
    assert fmt.number(1234.5, 1, "en") == "1,234.5"
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(4268, 0, "en") == "4,268"  # not "4.268", which an English reader takes for 4
    assert fmt.number(0.95, 2, "en") == "0.95" and fmt.number(0.95, 2) == "0,95"
    assert fmt.number(-0.004, 2) == "0,00"  # no "-0,00"
    assert fmt.number(None) == "k. A." and fmt.number(float("nan"), language="en") == "n/a"
    assert fmt.number(None, missing="–") == "–"
    assert fmt.number("< 3") == "< 3"  # a privacy mark passes through


def test_percent_units_and_changes():
    assert fmt.percent(37.04) == f"37{NBSP}%"
    assert fmt.percent(37.04, 0, "en") == "37%"
    assert fmt.number(12.5, 1, unit="Plätze") == f"12,5{NBSP}Plätze"
    assert fmt.signed(3) == "+3" and fmt.signed(-1.5, 1) == "\u22121,5" and fmt.signed(0.04, 1) == "±0,0"
    assert fmt.signed(-1234, 0, "en") == "\u22121,234"
    assert fmt.signed(None) == "k. A."


def test_dates_and_quarters():
    assert fmt.date_(date(2023, 12, 31)) == "31.12.2023"
    assert fmt.date_(date(2023, 12, 31), "en") == "31 Dec 2023"
    assert fmt.date_("2026-11-21") == "21.11.2026" and fmt.date_(None) == "–"
    assert fmt.datetime_(datetime(2026, 12, 2, 9, 30)) == "02.12.2026, 09:30 Uhr"
    assert fmt.datetime_(datetime(2026, 12, 2, 9, 30), "en") == "2 Dec 2026, 09:30"
    assert fmt.quarter("2025-Q2") == f"Q2{NBSP}2025" and fmt.quarter("2025-Q2", "en") == f"Q2{NBSP}2025"
    assert fmt.quarter("2026-Q3", long=True) == f"3.{NBSP}Quartal 2026"
    assert fmt.quarter("2026-Q3", "en", long=True) == "3rd quarter 2026"
    assert fmt.period("2025") == "2025" and fmt.quarter("anything") == "anything"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_german_numbers_read_back(value, decimals):
    text = fmt.number(value, decimals)
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?", text)
    assert float(text.replace(".", "").replace(",", ".")) == pytest.approx(round(value, decimals),
                                                                           abs=10 ** -decimals)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_english_numbers_read_back(value, decimals):
    text = fmt.number(value, decimals, "en")
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?", text)
    assert float(text.replace(",", "")) == pytest.approx(round(value, decimals), abs=10 ** -decimals)
