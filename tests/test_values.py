"""Cell parsers: quarters, numbers, regional keys, categories, missing markers, total labels."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from etl import values as V
from monitor.periods import Quarter
from monitor.regions import Region, RegionIndex

# no timing in unit tests: a busy CI machine must not fail a parser test
NO_DEADLINE = settings(deadline=None)


def _kreis(ags, name, short, rtype, valid_from=None, valid_to=None):
    return Region(ags, "kreis", name, short, rtype, ags[:2], valid_from, valid_to)


REGIONS = RegionIndex([
    Region("00", "bund", "Deutschland", "Deutschland", "Bund", "00", None, None),
    Region("03", "land", "Niedersachsen", "Niedersachsen", "Flächenland", "03", None, None),
    Region("05", "land", "Nordrhein-Westfalen", "Nordrhein-Westfalen", "Flächenland", "05", None, None),
    _kreis("03404", "Osnabrück, kreisfreie Stadt", "Osnabrück", "kreisfreie Stadt"),
    _kreis("03459", "Osnabrück, Landkreis", "Osnabrück", "Landkreis"),
    _kreis("05913", "Dortmund, kreisfreie Stadt", "Dortmund", "kreisfreie Stadt"),
    _kreis("05978", "Unna, Kreis", "Unna", "Kreis"),
])


# ---------------------------------------------------------------------------------------------- quarters

@pytest.mark.parametrize("text", [
    "2025-Q2", "Q2/2025", "Q2 2025", "2025Q2", "2/2025", "2. Quartal 2025", "II/2025", "II. Quartal 2025",
    "2025 q2", " q2-2025 ", "2.Quartal 2025", "Quartal 2/2025", "II 2025", "15.05.2025", "2025-05-15",
    "1.4.2025", "2025-06-30 00:00:00", date(2025, 5, 15), datetime(2025, 6, 30, 23, 59),
])
def test_quarter_styles(text):
    assert V.parse_quarter(text) == V.Parsed("2025-Q2")


@pytest.mark.parametrize("text", ["2025", "5/2025", "Q5 2025", "2025-Q0", "31.02.2025", "Sommer 2025", "",
                                  "V/2025", "Q2/25", 2025.2, 45792.0, True, "2025-13-01"])
def test_not_a_quarter(text):
    assert V.parse_quarter(text) == V.Parsed(code="bad-quarter")


@NO_DEADLINE
@given(st.integers(1, 9999), st.integers(1, 4), st.sampled_from(sorted(V.QUARTER_STYLES)))
def test_quarter_round_trip(year, q, style):
    quarter = Quarter(year, q)
    text = V.format_quarter(quarter, style)
    if year < 1000:
        # four-digit years only: "Q2/999" is not a quarter anyone writes
        assert V.parse_quarter(text).code == "bad-quarter"
    else:
        assert V.parse_quarter(text) == V.Parsed(str(quarter))


@NO_DEADLINE
@given(st.dates(min_value=date(1000, 1, 1)))
def test_quarter_of_any_date(d):
    expected = V.Parsed(str(Quarter.of_date(d)))
    assert V.parse_quarter(d) == expected
    assert V.parse_quarter(d.strftime("%d.%m.%Y")) == expected
    assert V.parse_quarter(d.isoformat()) == expected


@NO_DEADLINE
@given(st.one_of(st.text(), st.floats(allow_nan=True), st.integers(), st.none(), st.booleans()))
@example("Q2/2025/1")
@example("2025-Q2 und Q3")
def test_quarter_parser_never_crashes_or_guesses(value):
    p = V.parse_quarter(value)
    assert (p.value is None) != (p.code is None)
    if p.value is not None:
        year, q = p.value.split("-Q")
        assert str(Quarter(int(year), int(q))) == p.value
        # whatever was accepted contains its year
        assert isinstance(value, date) or year.lstrip("0") in str(value)


# ----------------------------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("text, count, dec", [
    ("12", 12, 12.0),
    ("1.234", 1234, 1.234),
    ("1,234", 1234, 1.234),
    ("1.234,5", None, 1234.5),
    ("1,234.5", None, 1234.5),
    ("2,5", None, 2.5),
    ("12.0", 12, 12.0),
    ("12,00", 12, 12.0),
    ("0,500", None, 0.5),
    ("1.234.567", 1234567, 1234567.0),
    ("1 234", 1234, 1234.0),
    ("1'234", 1234, 1234.0),
    ("+7", 7, 7.0),
    (12.0, 12, 12.0),
    (7, 7, 7.0),
    ("1.000.000,25", None, 1000000.25),
])
def test_numbers(text, count, dec):
    assert V.parse_count(text).value == count
    assert V.parse_decimal(text).value == dec


@pytest.mark.parametrize("text", ["zwölf", "12 Plätze", "ca. 12", "1.23.4", "1,2,3", "1.234,5,6", "12,", "1e3",
                                  "nan", "inf", True, date(2025, 1, 1), "--5", "1.234.56"])
def test_not_numbers(text):
    assert V.parse_count(text).code == "not-integer"
    assert V.parse_decimal(text).code == "not-number"


def test_negative_and_fractional_and_implausible():
    assert V.parse_count("-3").code == "negative"
    assert V.parse_count("−3").code == "negative"  # typographic minus
    assert V.parse_decimal(-0.5).code == "negative"
    assert V.parse_count(2.5).code == "not-integer"
    assert V.parse_count(0.1 * 120) == V.Parsed(12)  # floating-point noise of a formula's cached value
    assert V.parse_count(12.001).code == "not-integer"
    assert V.parse_count("2,5").code == "not-integer"
    assert V.parse_count(float("inf")).code == "not-integer"
    assert V.parse_count(1e13).code == "implausible-number"
    assert V.parse_count("99999999999999999999").code == "implausible-number"


@NO_DEADLINE
@given(st.integers(0, V.MAX_NUMBER), st.sampled_from(["de", "en", "plain"]))
def test_count_round_trip(n, style):
    assert V.parse_count(V.format_int(n, style)) == V.Parsed(n)


@NO_DEADLINE
@given(st.integers(0, 10**9), st.integers(1, 99))
def test_german_and_english_decimals_round_trip(whole, cents):
    de = V.format_int(whole, "de") + "," + f"{cents:02d}"
    en = V.format_int(whole, "en") + "." + f"{cents:02d}"
    expected = whole + cents / 100
    assert V.parse_decimal(de).value == pytest.approx(expected)
    assert V.parse_decimal(en).value == pytest.approx(expected)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789.,- '"), st.floats(), st.integers(), st.booleans()))
def test_number_parsers_never_crash_or_accept_garbage(value):
    for parse, kind in ((V.parse_count, int), (V.parse_decimal, float)):
        p = parse(value)
        assert (p.value is None) != (p.code is None)
        if p.value is not None:
            assert isinstance(p.value, kind) and 0 <= p.value <= V.MAX_NUMBER
            assert not isinstance(value, bool)
            if isinstance(value, str):
                assert any(ch.isdigit() for ch in value)


# --------------------------------------------------------------------------------------------- missing

@pytest.mark.parametrize("marker", [*V.MISSING_MARKERS_SHOWN, "", "  ", "k. A.", "K.A", "n. v.", "keine Angaben",
                                    None, float("nan")])
def test_missing_markers(marker):
    assert V.is_missing(marker)


@pytest.mark.parametrize("value", [0, 0.0, "0", "12", "xx", "Frauenhaus", date(2025, 1, 1), "NI-FH-017"])
def test_not_missing(value):
    assert not V.is_missing(value)


# ----------------------------------------------------------------------------------------------- regions

@pytest.mark.parametrize("value, ags", [
    ("05913", "05913"), (5913, "05913"), (5913.0, "05913"), ("5913", "05913"), ("5913.0", "05913"),
    (3404.0, "03404"), ("05 913", "05913"), ("05913000", "05913"), (5913000, "05913"), ("059130000000", "05913"),
    ("03459000", "03459"), ("05913 Dortmund", "05913"), ("Dortmund", "05913"), ("dortmund", "05913"),
    ("Dortmund, kreisfreie Stadt", "05913"), ("Stadt Osnabrück", "03404"), ("Osnabrück, Stadt", "03404"),
    ("Landkreis Osnabrück", "03459"), ("LK Osnabrück", "03459"), ("Osnabrueck, Landkreis", "03459"),
    ("Unna", "05978"),
])
def test_region_keys_and_names(value, ags):
    assert V.parse_region(value, REGIONS, per_kreis=True) == V.Parsed(ags)


def test_ambiguous_name_names_both_candidates():
    p = V.parse_region("Osnabrück", REGIONS, per_kreis=False)
    assert p.code == "ambiguous-region"
    assert "03404 (Osnabrück, kreisfreie Stadt)" in p.params["candidates"]
    assert "03459 (Osnabrück, Landkreis)" in p.params["candidates"]


def test_municipality_in_landkreis():
    facility = V.parse_region("03459024", REGIONS, per_kreis=False)
    assert facility.value == "03459" and facility.code == "municipality-reduced"
    police = V.parse_region("03459024", REGIONS, per_kreis=True)
    assert police.value is None and police.code == "municipality-not-kreis"
    assert police.params == {"kreis": "Osnabrück, Landkreis", "ags": "03459"}
    # a 12-digit ARS of a municipality in a Landkreis
    assert V.parse_region("034590024024", REGIONS, per_kreis=False).code == "municipality-reduced"


@pytest.mark.parametrize("value, code", [
    ("05", "not-a-kreis"), (5, "not-a-kreis"), ("00", "not-a-kreis"), ("Nordrhein-Westfalen", "not-a-kreis"),
    ("99999", "unknown-region"), ("05999", "unknown-region"), ("09", "unknown-region"),
    ("Atlantis", "unknown-region"), ("059", "bad-region"), ("123456", "bad-region"), (-5913, "bad-region"),
    (5913.5, "bad-region"), (True, "bad-region"), ("", "bad-region"), ("---", "bad-region"),
    ("05999000", "unknown-region"),
])
def test_region_errors(value, code):
    p = V.parse_region(value, REGIONS, per_kreis=True)
    assert p.code == code and p.value is None


@NO_DEADLINE
@given(st.one_of(st.text(), st.integers(), st.floats(), st.booleans()))
@example("03459024")
def test_region_parser_never_crashes_or_guesses(value):
    p = V.parse_region(value, REGIONS, per_kreis=False)
    assert p.value is not None or p.code is not None
    if p.value is not None:
        assert REGIONS.get(p.value).level == "kreis"
        assert p.code in (None, "municipality-reduced")


@NO_DEADLINE
@given(st.sampled_from(["03404", "03459", "05913", "05978"]), st.sampled_from(["text", "int", "float"]))
def test_region_keys_survive_lost_leading_zeros(ags, form):
    value = {"text": ags, "int": int(ags), "float": float(ags)}[form]
    assert V.parse_region(value, REGIONS, per_kreis=True) == V.Parsed(ags)


# ------------------------------------------------------------------------------------ categories, IDs, totals

def test_choices_match_loosely_and_store_canonical_spelling():
    choices = ("Frauenhaus", "Schutzwohnung", "Männerschutzwohnung")
    assert V.parse_choice(" frauenhaus ", choices) == V.Parsed("Frauenhaus")
    assert V.parse_choice("Maennerschutzwohnung", choices) == V.Parsed("Männerschutzwohnung")
    bad = V.parse_choice("Frauenhäuser", choices)
    assert bad.code == "invalid-choice" and "„Schutzwohnung“" in bad.params["choices"]
    assert V.parse_choice(3.0, choices).code == "invalid-choice"


def test_ids():
    assert V.parse_id(17.0) == V.Parsed("17")
    assert V.parse_id("  NI-FH  017 ") == V.Parsed("NI-FH 017")


@pytest.mark.parametrize("label", ["Summe", "summe:", "Gesamt", "Insgesamt", "Summe Land", "NRW gesamt",
                                   "Land insgesamt", "Total", "Gesamtsumme"])
def test_total_labels(label):
    assert V.is_total_label(label)


@pytest.mark.parametrize("label", ["Gesamtschule-Nord", "DO-FH-01", "Summerfield", 12.0, None, "2025-Q2"])
def test_not_total_labels(label):
    assert not V.is_total_label(label)
