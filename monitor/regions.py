"""Regions: Germany (AGS ``00``), the 16 Länder (2 digits) and the Kreise / kreisfreie Städte (5 digits)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import duckdb

GERMANY = "00"


@dataclass(frozen=True)
class Region:
    ags: str
    level: str  # bund | land | kreis
    name: str
    short_name: str
    region_type: str
    land_ags: str
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, start: date, end: date) -> bool:
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None or start <= self.valid_to)

    @property
    def label(self) -> str:
        """Name for pickers and charts: short name plus type where the short name alone is ambiguous."""
        return self.name if self.level == "kreis" else self.short_name


def level_of(ags: str) -> str:
    return {2: "land", 5: "kreis"}.get(len(ags), "bund") if ags != GERMANY else "bund"


def normalise_name(text: str) -> str:
    """Lower case, umlauts folded (ä → ae), punctuation and spaces removed: for matching names people type."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]", "", text)


class RegionIndex:
    """All regions in the store, with lookup by AGS and by (unambiguous) name."""

    def __init__(self, regions: list[Region]):
        self.regions = regions
        self.by_ags: dict[str, Region] = {r.ags: r for r in regions}
        self._by_name: dict[str, list[Region]] = {}
        for r in regions:
            if r.level != "kreis":
                continue
            for key in {normalise_name(r.name), normalise_name(r.short_name)}:
                self._by_name.setdefault(key, []).append(r)

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> "RegionIndex":
        rows = con.execute(
            "SELECT ags, level, name, short_name, region_type, land_ags, valid_from, valid_to "
            "FROM regions ORDER BY ags"
        ).fetchall()
        return cls([Region(*r) for r in rows])

    def get(self, ags: str) -> Region | None:
        return self.by_ags.get(ags)

    def kreise(self, land_ags: str | None = None) -> list[Region]:
        return [r for r in self.regions if r.level == "kreis" and (land_ags is None or r.land_ags == land_ags)]

    def laender(self) -> list[Region]:
        return [r for r in self.regions if r.level == "land"]

    def find_by_name(self, text: str) -> list[Region]:
        """Kreise whose official or short name matches ``text`` (both "Osnabrück"s for "Osnabrück")."""
        return list(self._by_name.get(normalise_name(text), []))

    def display_name(self, region: Region) -> str:
        """The short name, or the official one where another Kreis shares the short name (the two Osnabrücks)."""
        if region.level == "kreis" and len(self.find_by_name(region.short_name)) > 1:
            return region.name
        return region.short_name

    def land_of(self, ags: str) -> Region | None:
        return self.by_ags.get(ags[:2]) if len(ags) >= 2 and ags != GERMANY else None
