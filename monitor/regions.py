"""Regions: Germany (AGS ``00``), the 16 Länder (2 digits) and the Kreise / kreisfreie Städte (5 digits).

Kreise change: a Kreis that ceased has ``valid_to``, a new one ``valid_from``, and every territorial change
(a Kreis merged into another, a town leaving its Kreis) is a ``RegionChange`` with its date, so that a figure
can be tied to the territory of its period.
"""

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
        """True if the region existed on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, start: date, end: date) -> bool:
        """True if the region existed on at least one day from ``start`` to ``end``."""
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None or start <= self.valid_to)

    @property
    def label(self) -> str:
        """Name for pickers and charts: short name plus type where the short name alone is ambiguous."""
        return self.name if self.level == "kreis" else self.short_name


@dataclass(frozen=True)
class RegionChange:
    """A territorial change: from ``change_date`` on, territory of ``from_ags`` belongs to ``to_ags``.

    ``kind``: ``merged`` (the whole of ``from_ags`` joined ``to_ags`` and ceased), ``split`` (``to_ags`` is a
    new Kreis made of territory of ``from_ags``, e.g. a town leaving its Kreis) or ``moved`` (territory moved
    between two Kreise that both continue). ``municipality`` is the key of the municipality that moved, if
    one; ``population_share`` the share of ``from_ags``'s population that moved, where known.
    """

    change_date: date
    kind: str
    from_ags: str
    to_ags: str
    municipality: str | None = None
    population_share: float | None = None
    description_de: str = ""
    source: str = ""


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

    def __init__(self, regions: list[Region], changes: list[RegionChange] | tuple[RegionChange, ...] = ()):
        self.regions = regions
        self.changes = sorted(changes, key=lambda c: (c.change_date, c.from_ags, c.to_ags))
        self.by_ags: dict[str, Region] = {r.ags: r for r in regions}
        self._by_name: dict[str, list[Region]] = {}
        for r in regions:
            if r.level != "kreis":
                continue
            for key in {normalise_name(r.name), normalise_name(r.short_name)}:
                self._by_name.setdefault(key, []).append(r)

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> "RegionIndex":
        """The regions and territorial changes in force in the store."""
        rows = con.execute(
            "SELECT ags, level, name, short_name, region_type, land_ags, valid_from, valid_to "
            "FROM regions ORDER BY ags"
        ).fetchall()
        try:
            changes = con.execute(
                "SELECT change_date, kind, from_ags, to_ags, municipality, population_share, description_de, "
                "source FROM region_changes_current ORDER BY change_date, from_ags, to_ags"
            ).fetchall()
        except duckdb.CatalogException:  # a store initialised before territorial changes were kept
            changes = []
        return cls([Region(*r) for r in rows], [RegionChange(*c) for c in changes])

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
        """The Land of a Kreis (or the Land itself); None for Germany."""
        return self.by_ags.get(ags[:2]) if len(ags) >= 2 and ags != GERMANY else None

    def changes_of(self, ags: str) -> list[RegionChange]:
        """The territorial changes that gave territory away from, or to, the Kreis ``ags`` (oldest first)."""
        return [c for c in self.changes if ags in (c.from_ags, c.to_ags)]

    def origin_of(self, ags: str) -> RegionChange | None:
        """The change that created the Kreis ``ags`` (its territory belonged to ``from_ags`` before)."""
        region = self.by_ags.get(ags)
        made = [c for c in self.changes if c.to_ags == ags and c.kind == "split"]
        if region is not None and region.valid_from is not None:
            made = [c for c in made if c.change_date == region.valid_from] or made
        return made[0] if made else None

    def successor_of(self, ags: str) -> RegionChange | None:
        """The change that ended the Kreis ``ags`` (its territory belongs to ``to_ags`` since)."""
        ended = [c for c in self.changes if c.from_ags == ags and c.kind == "merged"]
        return ended[-1] if ended else None

    def territory_since(self, ags: str, day: date) -> date | None:
        """The first day of the territory the Kreis ``ags`` has on ``day`` (None: unchanged since before the
        first change known). A population vintage describes that territory only if dated on or after it."""
        dates = [c.change_date for c in self.changes_of(ags) if c.change_date <= day]
        return max(dates) if dates else None
