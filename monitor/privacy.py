"""Small-number protection for public outputs (DOMAIN.md, "Small numbers"), and German number display.

Rules, applied the same way by pages, charts, downloads and the CLI:

* Counts of persons or cases (``Indicator.count_like``) of 1 or 2 (below ``config.MIN_COUNT``) show as
  "< 3". Zero is shown as 0: it identifies no one, and hiding it would hide that a Kreis has no shelter
  or no call-out at all.
* Rates, percentages, per-capita figures and averages resting on fewer than ``config.MIN_RATE_EVENTS``
  events (the count named by ``Indicator.events``) are withheld and show as "–". A rate on 0 events is
  empty anyway.
* Capacities (places, centres, staff), occupancy, needs and gaps describe services, not persons, and are
  shown.

Both thresholds come from ``config`` (environment variables ``IK_MONITOR_MIN_COUNT`` and
``IK_MONITOR_MIN_RATE_EVENTS``) and are looked up at call time, so a changed setting needs no other code.

Known limits: a suppressed Kreis value can sometimes be recovered as the difference between a Land total
and its other Kreise, or from a shown percentage and its shown base (no secondary suppression).
"""

from __future__ import annotations

import math
from typing import Any, Mapping, NamedTuple

import pandas as pd

from . import config
from .catalogue import CATALOGUE, Indicator

MISSING = "k. A."  # no report for this region and period
WITHHELD = "–"  # a rate on too few events
NOTE_MISSING_DE = "k. A.: keine Meldung für diese Region und diesen Zeitraum."
NOTE_MISSING_EN = "n/a: no report for this region and period."
_SWAP = str.maketrans(",.", ".,")


def small_label() -> str:
    """The display of a suppressed count, e.g. "< 3"."""
    return f"< {config.MIN_COUNT}"


def note_small_de() -> str:
    return (f"„{small_label()}“: weniger als {config.MIN_COUNT} Fälle; zum Schutz der Betroffenen "
            f"nicht veröffentlicht.")


def note_withheld_de() -> str:
    return (f"„{WITHHELD}“: Quote beruht auf weniger als {config.MIN_RATE_EVENTS} Ereignissen und wird "
            f"nicht veröffentlicht.")


def note_small_en() -> str:
    return f"'{small_label()}': fewer than {config.MIN_COUNT} cases, not published to protect those affected."


def note_withheld_en() -> str:
    return f"'{WITHHELD}': rate based on fewer than {config.MIN_RATE_EVENTS} events, not published."


class Shown(NamedTuple):
    display: str  # German text for tables and labels
    value: float | None  # the number that may be shown (None: missing or suppressed)
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


def is_suppressed(indicator: Indicator | str, value: Any, events: Any = None) -> bool:
    """Whether a value must not be published (counts below MIN_COUNT, rates on too few events)."""
    ind = CATALOGUE[indicator] if isinstance(indicator, str) else indicator
    if _is_missing(value):
        return False
    if ind.count_like and 0 < float(value) < config.MIN_COUNT:
        return True
    if ind.events is not None:
        return _is_missing(events) or float(events) < config.MIN_RATE_EVENTS
    return False


def public_value(indicator: Indicator | str, value: Any, events: Any = None) -> Shown:
    """What public mode shows for one value: ("< 3", None, True), ("–", None, True) or ("1.234", 1234.0, False)."""
    ind = CATALOGUE[indicator] if isinstance(indicator, str) else indicator
    if _is_missing(value):
        return Shown(MISSING, None, False)
    if is_suppressed(ind, value, events):
        return Shown(small_label() if ind.events is None else WITHHELD, None, True)
    return Shown(format_de(value, ind.decimals), float(value), False)


def display_value(indicator: Indicator | str, value: Any, events: Any = None, *, public: bool = False) -> Shown:
    """The value as shown: suppressed in public mode, otherwise formatted in German."""
    ind = CATALOGUE[indicator] if isinstance(indicator, str) else indicator
    if public:
        return public_value(ind, value, events)
    if _is_missing(value):
        return Shown(MISSING, None, False)
    return Shown(format_de(value, ind.decimals), float(value), False)


def events_column(df: pd.DataFrame, indicator_id: str) -> str | None:
    """The column holding the events of a rate: its events indicator, or ``<id>__events`` (time series)."""
    ind = CATALOGUE[indicator_id]
    if ind.events is None:
        return None
    for col in (ind.events, f"{indicator_id}__events"):
        if col in df.columns:
            return col
    return None


def suppression_mask(df: pd.DataFrame, indicator_id: str, events_col: str | None = None) -> pd.Series:
    """Rows of ``df`` whose ``indicator_id`` value is suppressed in public mode."""
    ind = CATALOGUE[indicator_id]
    values = pd.to_numeric(df[indicator_id], errors="coerce")
    present = values.notna()
    mask = pd.Series(False, index=df.index)
    if ind.count_like:
        mask |= present & (values > 0) & (values < config.MIN_COUNT)
    if ind.events is not None:
        col = events_col or events_column(df, indicator_id)
        if col is None:
            raise KeyError(f"no events column for {indicator_id} (needs {ind.events!r})")
        events = pd.to_numeric(df[col], errors="coerce")
        mask |= present & (events.isna() | (events < config.MIN_RATE_EVENTS))
    return mask


def apply_public(df: pd.DataFrame, indicator_ids: list[str] | None = None,
                 events_columns: Mapping[str, str] | None = None, *, as_text: bool = False) -> pd.DataFrame:
    """A copy of ``df`` fit for public mode.

    ``indicator_ids``: the indicator columns to treat (default: every catalogue id among the columns).
    ``events_columns``: column holding the events of a rate, per indicator id (default: the events
    indicator's own column, or ``<id>__events``). Suppressed cells become NaN, or with ``as_text`` every
    treated column becomes German display text ("< 3", "–", "k. A.", "1.234,5"). All masks are computed
    from the original values, so a suppressed count still withholds the rates resting on it. The
    ``attrs["suppressed"]`` of the result counts the suppressed cells per indicator.
    """
    ids = [c for c in df.columns if c in CATALOGUE] if indicator_ids is None else list(indicator_ids)
    events_columns = dict(events_columns or {})
    masks = {i: suppression_mask(df, i, events_columns.get(i)) for i in ids}
    out = df.copy()
    for i in ids:
        ind = CATALOGUE[i]
        mask = masks[i]
        if as_text:
            label = small_label() if ind.events is None else WITHHELD
            out[i] = [label if m else format_de(v, ind.decimals) for v, m in zip(df[i].tolist(), mask.tolist())]
        else:
            out[i] = pd.to_numeric(df[i], errors="coerce").astype("float64").mask(mask)
    out.attrs["suppressed"] = {i: int(m.sum()) for i, m in masks.items()}
    return out


def notes_de(df_or_flags: pd.DataFrame | Mapping[str, int]) -> list[str]:
    """The German footnotes a public table needs, given ``apply_public``'s result (or its counts)."""
    counts = df_or_flags.attrs.get("suppressed", {}) if isinstance(df_or_flags, pd.DataFrame) else df_or_flags
    notes = []
    if any(n and CATALOGUE[i].events is None for i, n in counts.items()):
        notes.append(note_small_de())
    if any(n and CATALOGUE[i].events is not None for i, n in counts.items()):
        notes.append(note_withheld_de())
    return notes
