"""How hidden values look: the marks of a release's disclosure control, and German number display.

What is hidden is decided once per release (``monitor.release`` with ``monitor.disclosure``), never at display
time: public figures come from a release, in which a hidden value is None and its flag says why. This module
turns flags into marks and footnotes, the same way for pages, charts, downloads, reports and the CLI:

* ``SMALL`` → "< 3": a count below ``MIN_COUNT`` (0, 1 or 2): a small number, or a 0 hidden to protect one;
* ``PROTECTED`` → "•": a count of 3 or more hidden so that a small number cannot be worked out from sums
  (secondary suppression);
* ``WITHHELD`` → "–": a rate withheld because it rests on fewer than ``MIN_RATE_EVENTS`` events or on a hidden
  count (one mark for both, so that the mark says nothing about the events).

The internal view (working store, signed-in users with an internal role) has no flags and shows every value.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, NamedTuple

import pandas as pd

from . import config
from .catalogue import CATALOGUE, Indicator

MISSING = "k. A."  # no report for this region and period
SMALL, PROTECTED, WITHHELD_FLAG = "small", "protected", "withheld"  # flags in a release
WITHHELD = "–"  # the mark of a withheld rate
PROTECTED_MARK = "•"  # the mark of a secondary suppression
FLAGS = (SMALL, PROTECTED, WITHHELD_FLAG)
NOTE_MISSING_DE = "k. A.: keine Meldung für diese Region und diesen Zeitraum."
NOTE_MISSING_EN = "n/a: no report for this region and period."
INTERNAL_DE = "Intern – nicht zur Veröffentlichung"
INTERNAL_EN = "Internal – not for publication"
INTERNAL_SUFFIX = "_INTERN"
_SWAP = str.maketrans(",.", ".,")


def file_name(name: str, public: bool) -> str:
    """A download's file name as is (public), or with ``_INTERN`` before its extension (internal)."""
    if public:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem}{INTERNAL_SUFFIX}.{ext}" if dot else name + INTERNAL_SUFFIX


def small_label(min_count: int | None = None) -> str:
    """The display of a small count, e.g. "< 3"."""
    return f"< {min_count or config.MIN_COUNT}"


def mark(flag: str | None, min_count: int | None = None) -> str:
    """The mark a hidden value carries: "< 3", "•" or "–" ("" for a value that is not hidden)."""
    if flag == SMALL:
        return small_label(min_count)
    if flag == PROTECTED:
        return PROTECTED_MARK
    if flag == WITHHELD_FLAG:
        return WITHHELD
    return ""


def note_small_de(min_count: int | None = None) -> str:
    m = min_count or config.MIN_COUNT
    return (f"„{small_label(m)}“: weniger als {m} Fälle (auch 0); zum Schutz der Betroffenen nicht "
            f"veröffentlicht.")


def note_protected_de() -> str:
    return (f"„{PROTECTED_MARK}“: gesperrt, damit sich eine kleine Zahl nicht aus Summen, Jahreswerten oder "
            f"anderen Angaben errechnen lässt.")


def note_withheld_de(min_events: int | None = None) -> str:
    return (f"„{WITHHELD}“: Quote nicht veröffentlicht – sie beruht auf weniger als "
            f"{min_events or config.MIN_RATE_EVENTS} Ereignissen oder auf einer gesperrten Zahl.")


def note_small_en(min_count: int | None = None) -> str:
    m = min_count or config.MIN_COUNT
    return f"'{small_label(m)}': fewer than {m} cases (0 included), not published to protect those affected."


def note_protected_en() -> str:
    return (f"'{PROTECTED_MARK}': suppressed so that a small number cannot be worked out from totals, years or "
            f"other figures.")


def note_withheld_en(min_events: int | None = None) -> str:
    return (f"'{WITHHELD}': rate not published – it rests on fewer than {min_events or config.MIN_RATE_EVENTS} "
            f"events or on a suppressed count.")


def notes(language: str = "de", min_count: int | None = None, min_events: int | None = None) -> list[str]:
    """All three footnotes of the public marks, in ``language``."""
    if language == "en":
        return [note_small_en(min_count), note_protected_en(), note_withheld_en(min_events)]
    return [note_small_de(min_count), note_protected_de(), note_withheld_de(min_events)]


class Shown(NamedTuple):
    display: str  # German text for tables and labels
    value: float | None  # the number that may be shown (None: missing or hidden)
    suppressed: bool


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def format_de(value: Any, decimals: int = 0) -> str:
    """German number format: 1.234,5; missing values as "k. A."."""
    if _is_missing(value):
        return MISSING
    number = round(float(value), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{number:,.{decimals}f}".translate(_SWAP)


def display_value(indicator: Indicator | str, value: Any, flag: str | None = None, *,
                  min_count: int | None = None) -> Shown:
    """A value as shown: its mark when the release hid it, "k. A." when missing, else the German number."""
    ind = CATALOGUE[indicator] if isinstance(indicator, str) else indicator
    if _flag(flag):
        return Shown(mark(flag, min_count), None, True)
    if _is_missing(value):
        return Shown(MISSING, None, False)
    return Shown(format_de(value, ind.decimals), float(value), False)


def _flag(value: Any) -> str | None:
    return value if isinstance(value, str) and value in FLAGS else None


def flag_column(df: pd.DataFrame, indicator_id: str) -> pd.Series:
    """The release flags of a column: a flag or None per row (all None for data without flags: internal view)."""
    col = f"{indicator_id}__flag"
    values = [_flag(v) for v in df[col].tolist()] if col in df.columns else [None] * len(df)
    return pd.Series(values, index=df.index, dtype=object)


def suppression_mask(df: pd.DataFrame, indicator_id: str) -> pd.Series:
    """Rows of ``df`` whose ``indicator_id`` value the release hid."""
    return pd.Series([f is not None for f in flag_column(df, indicator_id).tolist()], index=df.index, dtype=bool)


def marks_of(df: pd.DataFrame, indicator_id: str, min_count: int | None = None) -> pd.Series:
    """The mark of each row ("" where shown)."""
    return pd.Series([mark(f, min_count) for f in flag_column(df, indicator_id).tolist()], index=df.index,
                     dtype=object)


def with_marks(df: pd.DataFrame, indicator_ids: list[str] | None = None, *, as_text: bool = False,
               min_count: int | None = None) -> pd.DataFrame:
    """A copy of ``df`` whose hidden cells carry their mark.

    ``indicator_ids``: the columns to treat (default: every catalogue id among the columns). Hidden cells become
    NaN, or with ``as_text`` every treated column becomes German display text ("< 3", "•", "–", "k. A.",
    "1.234,5"). ``attrs["hidden"]`` counts the hidden cells per flag.
    """
    ids = [c for c in df.columns if c in CATALOGUE] if indicator_ids is None else list(indicator_ids)
    out = df.copy()
    counts = {f: 0 for f in FLAGS}
    for i in ids:
        ind = CATALOGUE[i]
        flags = flag_column(df, i).tolist()
        for f in FLAGS:
            counts[f] += flags.count(f)
        if as_text:
            out[i] = [mark(f, min_count) if f else format_de(v, ind.decimals) for v, f in zip(df[i].tolist(), flags)]
        else:
            hidden = pd.Series([f is not None for f in flags], index=df.index)
            out[i] = pd.to_numeric(df[i], errors="coerce").astype("float64").mask(hidden)
    out.attrs["hidden"] = counts
    return out


def notes_for(df_or_counts: pd.DataFrame | Mapping[str, int], language: str = "de",
              min_count: int | None = None, min_events: int | None = None) -> list[str]:
    """The footnotes a table needs, given ``with_marks``' result (or its counts per flag)."""
    counts = df_or_counts.attrs.get("hidden", {}) if isinstance(df_or_counts, pd.DataFrame) else df_or_counts
    en = language == "en"
    out = []
    if counts.get(SMALL):
        out.append(note_small_en(min_count) if en else note_small_de(min_count))
    if counts.get(PROTECTED):
        out.append(note_protected_en() if en else note_protected_de())
    if counts.get(WITHHELD_FLAG):
        out.append(note_withheld_en(min_events) if en else note_withheld_de(min_events))
    return out
