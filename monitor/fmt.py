"""The one formatter: every number, percentage, date, "Stand" and period the product shows, in either language.

Built on Babel (CLDR): German ``1.234,5`` and ``58 %``, English ``1,234.5`` and ``58%``; dates ``31.12.2023`` and
``31 Dec 2023``; quarters "Q3 2026" in charts, tables and links (both languages) and "3. Quartal 2026" /
"3rd quarter 2026" in running text. Missing values are "k. A." / "n/a". Pages, charts, hover texts, tables,
PDFs, XLSX title blocks and the command line all format through here; files meant for machines (CSV cells,
JSON) keep their own formats.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

LOCALES = {"de": "de_DE", "en": "en_GB"}
MISSING = {"de": "k. A.", "en": "n/a"}
NBSP = "\u00a0"
MINUS = "\u2212"
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_ORDINAL_EN = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}


def _locale(language: str) -> str:
    return LOCALES.get(language, LOCALES["de"])


def is_missing(value: Any) -> bool:
    """None, NaN, pandas' NA and NaT: a value that was not reported."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def number(value: Any, decimals: int = 0, language: str = "de", *, unit: str = "", missing: str | None = None) -> str:
    """``1234.5`` → "1.234,5" (de) / "1,234.5" (en); ``unit`` follows after a no-break space ("%" too: German
    writes "37 %", English "37%"). Text (a mark such as "< 3") passes through; missing → "k. A." / "n/a"."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return MISSING.get(language, MISSING["de"]) if missing is None else missing
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    rounded = round(float(value), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = format_decimal(rounded, format=pattern, locale=_locale(language))
    if not unit:
        return text
    if unit.strip() == "%":
        return text + ("%" if language == "en" else f"{NBSP}%")
    return f"{text}{NBSP}{unit}"


def percent(value: Any, decimals: int = 0, language: str = "de") -> str:
    """A value already in percent: ``58.3`` → "58 %" / "58%"."""
    return number(value, decimals, language, unit="%")


def signed(value: Any, decimals: int = 0, language: str = "de", *, unit: str = "") -> str:
    """A change: "+3", "−1,5", "±0" (a real minus sign; "±0" where the shown digits are all zero)."""
    if is_missing(value):
        return MISSING.get(language, MISSING["de"])
    text = number(abs(float(value)), decimals, language, unit=unit)
    if round(float(value), decimals) == 0:
        return "±" + text
    return ("+" if float(value) > 0 else MINUS) + text


def date_(value: date | datetime | str | None, language: str = "de") -> str:
    """"31.12.2023" / "31 Dec 2023"; an ISO string is read first; None → "–"."""
    if value is None or value == "" or is_missing(value):
        return "–"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime().date()
    return format_date(value, format="dd.MM.yyyy" if language == "de" else "d MMM yyyy", locale=_locale(language))


def datetime_(value: datetime | None, language: str = "de") -> str:
    """"02.12.2026, 09:30 Uhr" / "2 Dec 2026, 09:30"."""
    if value is None or is_missing(value):
        return "–"
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if language == "de":
        return format_datetime(value, "dd.MM.yyyy, HH:mm", locale=_locale(language)) + " Uhr"
    return format_datetime(value, "d MMM yyyy, HH:mm", locale=_locale(language))


def stand(value: date | datetime | str | None, language: str = "de") -> str:
    """The date of the latest load as printed in a chart's footer: a date, no time."""
    return date_(value, language)


def quarter(period: Any, language: str = "de", *, long: bool = False) -> str:
    """``2025-Q2`` → "Q2 2025" (both languages; charts, tables, links), or with ``long`` "2. Quartal 2025" /
    "2nd quarter 2025" (running text, titles of reports). A year stays "2025"; other text passes through."""
    text = str(period)
    m = _QUARTER.match(text)
    if not m:
        return text
    year, q = m.group(1), int(m.group(2))
    if not long:
        return f"Q{q}{NBSP}{year}"
    # "3." and "Quartal" do not part at a line end, and a line starting "3. Quartal" is no Markdown list
    return f"{_ORDINAL_EN[q]} quarter {year}" if language == "en" else f"{q}.{NBSP}Quartal {year}"


period = quarter  # a period is a quarter or a year; one rule for both


def integer(value: Any, language: str = "de") -> str:
    """A count with thousands separators: "1.234" / "1,234"."""
    return number(value, 0, language)
