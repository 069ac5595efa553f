"""How hidden values look: the marks of a release's disclosure control and their footnotes.

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

from typing import Any, Mapping, NamedTuple

import pandas as pd

from . import config, fmt
from .catalogue import CATALOGUE, Indicator
from .i18n import N_, translate

MISSING = "k. A."  # no report for this region and period
SMALL, PROTECTED, WITHHELD_FLAG = "small", "protected", "withheld"  # flags in a release
WITHHELD = "–"  # the mark of a withheld rate
PROTECTED_MARK = "•"  # the mark of a secondary suppression
FLAGS = (SMALL, PROTECTED, WITHHELD_FLAG)
NOTE_MISSING = N_("{missing}: keine Meldung für diese Region und diesen Zeitraum.")
INTERNAL = N_("Intern – nicht zur Veröffentlichung")
INTERNAL_SUFFIX = "_INTERN"


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


NOTE_SMALL = N_("„{mark}“: weniger als {n} Fälle (auch 0); zum Schutz der Betroffenen nicht veröffentlicht.")
NOTE_PROTECTED = N_("„{mark}“: gesperrt, damit sich eine kleine Zahl nicht aus Summen, Jahreswerten oder anderen "
                    "Angaben errechnen lässt.")
NOTE_WITHHELD = N_("„{mark}“: Quote nicht veröffentlicht – sie beruht auf weniger als {n} Ereignissen oder auf "
                   "einer gesperrten Zahl.")


def note(flag: str, language: str = "de", min_count: int | None = None, min_events: int | None = None) -> str:
    """The footnote of one mark, in ``language``."""
    if flag == SMALL:
        m = min_count or config.MIN_COUNT
        return translate(NOTE_SMALL, language, mark=small_label(m), n=m)
    if flag == PROTECTED:
        return translate(NOTE_PROTECTED, language, mark=PROTECTED_MARK)
    return translate(NOTE_WITHHELD, language, mark=WITHHELD, n=min_events or config.MIN_RATE_EVENTS)


def notes(language: str = "de", min_count: int | None = None, min_events: int | None = None) -> list[str]:
    """All three footnotes of the public marks, in ``language``."""
    return [note(f, language, min_count, min_events) for f in FLAGS]


def internal(language: str = "de") -> str:
    """The words internal pages and files carry."""
    return translate(INTERNAL, language)


def missing_note(language: str = "de") -> str:
    """The footnote of "k. A." / "n/a"."""
    return translate(NOTE_MISSING, language, missing=fmt.MISSING.get(language, MISSING))


class Shown(NamedTuple):
    display: str  # text for tables and labels, in the language asked for
    value: float | None  # the number that may be shown (None: missing or hidden)
    suppressed: bool


def display_value(indicator: Indicator | str, value: Any, flag: str | None = None, *,
                  min_count: int | None = None, language: str = "de") -> Shown:
    """A value as shown: its mark when the release hid it, "k. A." / "n/a" when missing, else the number."""
    ind = CATALOGUE[indicator] if isinstance(indicator, str) else indicator
    if _flag(flag):
        return Shown(mark(flag, min_count), None, True)
    if fmt.is_missing(value):
        return Shown(fmt.number(None, language=language), None, False)
    return Shown(fmt.number(value, ind.decimals, language), float(value), False)


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
               min_count: int | None = None, language: str = "de") -> pd.DataFrame:
    """A copy of ``df`` whose hidden cells carry their mark.

    ``indicator_ids``: the columns to treat (default: every catalogue id among the columns). Hidden cells become
    NaN, or with ``as_text`` every treated column becomes display text in ``language`` ("< 3", "•", "–",
    "k. A.", "1.234,5"). ``attrs["hidden"]`` counts the hidden cells per flag.
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
            out[i] = [mark(f, min_count) if f else fmt.number(v, ind.decimals, language)
                      for v, f in zip(df[i].tolist(), flags)]
        else:
            hidden = pd.Series([f is not None for f in flags], index=df.index)
            out[i] = pd.to_numeric(df[i], errors="coerce").astype("float64").mask(hidden)
    out.attrs["hidden"] = counts
    return out


def notes_for(df_or_counts: pd.DataFrame | Mapping[str, int], language: str = "de",
              min_count: int | None = None, min_events: int | None = None) -> list[str]:
    """The footnotes a table needs, given ``with_marks``' result (or its counts per flag)."""
    counts = df_or_counts.attrs.get("hidden", {}) if isinstance(df_or_counts, pd.DataFrame) else df_or_counts
    out = [note(f, language, min_count, min_events) for f in FLAGS if counts.get(f)]
    return out
