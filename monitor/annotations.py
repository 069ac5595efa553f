"""Notes on time series: method breaks, events and territorial changes, as data.

Shipped notes are in ``data/reference/annotations.csv`` (the Gewalthilfegesetz in force, the population
rebased on the Zensus 2022); admins add their own (``python -m etl annotations``, the admin page); every
territorial change of the region history becomes a note for the Kreise it touches. A note applies to every
region (no AGS), to a Land and its Kreise, or to one Kreis, and stands before its quarter on every time series,
chart image and briefing trend that shows that quarter.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from .i18n import N_, translate

KINDS = {"method": N_("Methodenwechsel"), "event": N_("Ereignis"), "territory": N_("Gebietsänderung")}


def kind_label(kind: str, language: str = "de") -> str:
    """"Methodenwechsel", "Ereignis" or "Gebietsänderung" in ``language``."""
    return translate(KINDS[kind], language) if kind in KINDS else kind


@dataclass(frozen=True)
class Annotation:
    id: str
    ags: str | None  # None: every region
    quarter: str  # the first quarter affected
    kind: str  # method | event | territory
    text_de: str
    text_en: str
    source: str | None

    def text(self, language: str = "de") -> str:
        return self.text_en if language == "en" and self.text_en else self.text_de

    def kind_label(self, language: str = "de") -> str:
        return kind_label(self.kind, language)

    def applies_to(self, ags: str) -> bool:
        """A note for every region, for this region, or for the Land of this Kreis."""
        return self.ags is None or self.ags == ags or (len(self.ags) == 2 and len(ags) == 5 and ags[:2] == self.ags)


def load(con: duckdb.DuckDBPyConnection) -> list[Annotation]:
    """The notes in force (``annotations_current``), by quarter."""
    rows = con.execute("SELECT annotation_id, ags, quarter, kind, text_de, text_en, source "
                       "FROM annotations_current ORDER BY quarter, annotation_id").fetchall()
    return [Annotation(*r) for r in rows]


def load_from_store(db_path=None) -> list[Annotation]:
    """The notes in force in the working store (admin page)."""
    from . import store

    with store.connect(db_path) as con:
        return load(con)


def frame(notes: list[Annotation], language: str = "de") -> pd.DataFrame:
    """The notes as a table for the Methodik and admin pages."""
    return pd.DataFrame({
        translate("Quartal", language): [a.quarter for a in notes],
        translate("Region", language): [a.ags or translate("alle", language) for a in notes],
        translate("Art", language): [a.kind_label(language) for a in notes],
        translate("Hinweis", language): [a.text(language) for a in notes],
        translate("Quelle", language): [a.source or "" for a in notes],
    })


def marks(annotations: list[Annotation], ags: str, language: str = "de") -> tuple[tuple[str, str], ...]:
    """(quarter, text) of the notes for region ``ags``: what ``charts.trend_chart(breaks=…)`` draws."""
    return tuple((a.quarter, a.text(language)) for a in annotations if a.applies_to(ags))
