"""Quarters and periods in their canonical form: ``2025-Q2`` (a quarter) and ``2025`` (a year)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from . import fmt

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """Parse the canonical form ``2025-Q2``; raises ValueError otherwise."""
        m = _QUARTER.match(text.strip())
        if not m:
            raise ValueError(f"not a canonical quarter: {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of_date(cls, d: date) -> "Quarter":
        return cls(d.year, (d.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.q}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def next(self) -> "Quarter":
        return Quarter(self.year + (self.q == 4), self.q % 4 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.q == 1), (self.q - 2) % 4 + 1)

    def label_de(self) -> str:
        """"2. Quartal 2025" (``monitor.fmt.quarter``, the one place quarters are worded)."""
        return fmt.quarter(str(self), "de", long=True)


def latest_complete_quarter(today: date) -> Quarter:
    """The last quarter that has fully ended on ``today``."""
    return Quarter.of_date(today).previous()


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    out = []
    q = first
    while q <= last:
        out.append(q)
        q = q.next()
    return out


@dataclass(frozen=True)
class Period:
    """A quarter or a calendar year, as used in URLs and the CLI (``2025-Q2`` or ``2025``)."""

    text: str

    @classmethod
    def parse(cls, text: str) -> "Period":
        text = str(text).strip()
        if _QUARTER.match(text) or _YEAR.match(text):
            return cls(text)
        raise ValueError(f"Zeitraum „{text}“ ist weder ein Quartal (2025-Q2) noch ein Jahr (2025).")

    @property
    def is_year(self) -> bool:
        return bool(_YEAR.match(self.text))

    @property
    def quarters(self) -> list[Quarter]:
        if self.is_year:
            y = int(self.text)
            return [Quarter(y, q) for q in range(1, 5)]
        return [Quarter.parse(self.text)]

    @property
    def first(self) -> Quarter:
        return self.quarters[0]

    @property
    def last(self) -> Quarter:
        return self.quarters[-1]

    @property
    def end(self) -> date:
        return self.last.end

    def previous_year(self) -> "Period":
        """The same period one year earlier (for the trend against last year)."""
        if self.is_year:
            return Period(str(int(self.text) - 1))
        q = Quarter.parse(self.text)
        return Period(str(Quarter(q.year - 1, q.q)))

    def label_de(self) -> str:
        return self.text if self.is_year else Quarter.parse(self.text).label_de()

    def __str__(self) -> str:
        return self.text
