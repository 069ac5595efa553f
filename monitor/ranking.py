"""Regions side by side: one indicator across the Kreise of a Land, all Kreise or the Länder (the Regionen page,
whose file only arranges what this computes).

* ``reference_line``: what a map and a trend measure against – 100 % for a coverage, the per-10,000 yardstick
  where a capacity target has the same denominator, else nothing (the target is still named).
* ``attainment``: a targeted service's actual in % of its need, per row.
* ``ranked``: the rows in rank order with their shown values and ranks. Withheld values are never ranked; a
  count shown as "< 3" ranks between 3 and 0, which reveals nothing the mark does not say already.
* ``spark_quarters`` / ``sparklines``: the last eight quarters per region, from one table per quarter.
* ``comparison``: the quarterly series of chosen regions side by side, with the release's marks.
* ``forms_of_violence``: persons counselled by form of violence for several regions (the Beratung page's bars
  and their table), each value the number as displayed or its mark.

Everything here is public-safe in the sense of ``monitor.privacy``: values the release hid are NaN and carry
their mark; nothing is recomputed from hidden cells.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from . import catalogue, config, fmt, privacy
from .i18n import N_, translate
from .indicators import RegionReport, TargetInfo
from .periods import Quarter, quarter_range

SPARK_QUARTERS = 8
# per-capita figures whose target follows from a capacity target with the same denominator (per 10,000)
PER_10K_TARGET = {"shelter_places_per_10k": "shelter_places"}


@dataclass(frozen=True)
class ReferenceLine:
    """The line a chart measures against (``value`` None: none), and the target it comes from."""

    value: float | None
    label: str
    target: TargetInfo | None
    target_indicator: str | None  # whose IndicatorValue names the target (for the target's text)


def reference_line(report: RegionReport, indicator_id: str, language: str = "de") -> ReferenceLine:
    """The reference line of ``indicator_id`` in the scope of ``report`` (its targets are the scope's)."""
    ind = catalogue.get(indicator_id)
    if ind.kind == "rate" and ind.target:
        return ReferenceLine(100.0, translate(N_("Soll = 100 %"), language), report.values[indicator_id].target,
                             indicator_id)
    if indicator_id in PER_10K_TARGET:
        source = PER_10K_TARGET[indicator_id]
        target = report.values[source].target
        if target is not None and target.denominator == "population_total":
            value = target.per_person * 10_000
            return ReferenceLine(value, translate(N_("Soll {number} je 10.000"), language,
                                                  number=fmt.number(value, 1, language)), target, source)
        return ReferenceLine(None, "", target, source if target is not None else None)
    if ind.target:
        return ReferenceLine(None, "", report.values[indicator_id].target, indicator_id)
    return ReferenceLine(None, "", None, None)


def target_pair(target: str) -> tuple[str, str]:
    """The capacity and the need indicator that one target compares (e.g. places and places needed)."""
    members = [i for i in catalogue.CATALOGUE.values() if i.target == target]
    actual = next(i.id for i in members if i.kind == "capacity")
    needed = next(i.id for i in members if i.kind == "need")
    return actual, needed


def _numbers(table: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(table[column], errors="coerce").astype("float64")


def attainment(table: pd.DataFrame, indicator_id: str) -> pd.Series | None:
    """Actual in % of the need of the indicator's targeted service, per row (None: the indicator has no target).

    Only capacities and needs are used, which a release never hides."""
    ind = catalogue.get(indicator_id)
    if not ind.target:
        return None
    actual_id, needed_id = target_pair(ind.target)
    needed = _numbers(table, needed_id)
    return _numbers(table, actual_id) / needed.where(needed > 0) * 100


def public_values(table: pd.DataFrame, indicator_id: str,
                  language: str = "de") -> tuple[pd.Series, list[privacy.Shown]]:
    """The values that may be shown (NaN where the release hid them or nothing was reported) and each row's
    value as shown (the number, its mark, or "k. A.")."""
    values = _numbers(table, indicator_id)
    shown = [privacy.display_value(indicator_id, v, f, language=language)
             for v, f in zip(values, privacy.flag_column(table, indicator_id))]
    return values.mask(privacy.suppression_mask(table, indicator_id)), shown


def ranked(table: pd.DataFrame, indicator_id: str, language: str = "de") -> pd.DataFrame:
    """The rows of ``table`` in rank order: ``ags``, ``name``, ``value`` (NaN where hidden or missing), ``shown``
    (``privacy.Shown``), ``rank`` (Int64, none for hidden or missing values), ``attainment`` (or NaN),
    ``completeness`` and ``population``."""
    ind = catalogue.get(indicator_id)
    public, shown = public_values(table, indicator_id, language)
    small = (privacy.flag_column(table, indicator_id) == privacy.SMALL) & ind.count_like
    order = public.mask(small, config.MIN_COUNT - 0.5).sort_values(ascending=False, na_position="last",
                                                                   kind="stable").index
    share = attainment(table, indicator_id)
    out = pd.DataFrame({
        "ags": table["ags"], "name": table["name"], "value": public, "shown": shown,
        "attainment": share if share is not None else float("nan"),
        "completeness": table[f"{ind.dataset}_completeness"], "population": table["population_total"],
    }).loc[order].reset_index(drop=True)
    out["rank"] = pd.array([i + 1 if pd.notna(v) else None for i, v in enumerate(out["value"])], dtype="Int64")
    return out


def spark_quarters(last: Quarter, available: Sequence[str], n: int = SPARK_QUARTERS) -> list[str]:
    """The last ``n`` quarters up to ``last`` that have data (within the last two years and a quarter)."""
    have = set(available)
    return [str(q) for q in quarter_range(Quarter(last.year - 2, last.q).next(), last) if str(q) in have][-n:]


def sparklines(tables: Mapping[str, pd.DataFrame], regions: Sequence[str], indicator_id: str) -> dict[str, list]:
    """Per region the values of the quarters of ``tables`` (quarter → that quarter's table), oldest first.

    A region with a gap (no report, or a value the release hid) gets no line at all: a sparkline cannot show a
    gap, and a gap must never be drawn as 0."""
    columns = {}
    for quarter, qt in tables.items():
        qv = _numbers(qt, indicator_id).mask(privacy.suppression_mask(qt, indicator_id))
        columns[quarter] = qv.set_axis(qt["ags"])
    wide = pd.DataFrame(columns, index=list(regions), columns=list(tables), dtype="float64")
    complete = wide.notna().all(axis=1)
    return {ags: values if ok else [] for ags, values, ok in zip(wide.index, wide.values.tolist(), complete)}


def comparison(series: Mapping[str, pd.DataFrame], indicator_id: str, last: Quarter | str,
               public: bool) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The quarterly values of each named series up to ``last`` side by side (quarters as index), and – in
    public mode – the release's marks in the same shape ("" where shown)."""
    frames, marks = {}, {}
    for name, ts in series.items():
        ts = ts[ts["quarter"] <= str(last)]
        frames[name] = _numbers(ts, indicator_id).set_axis(ts["quarter"])
        marks[name] = privacy.marks_of(ts, indicator_id).set_axis(ts["quarter"])
    wide = pd.DataFrame(frames).sort_index()
    return wide, (pd.DataFrame(marks).reindex(wide.index).fillna("") if public else None)


def comparison_table(wide: pd.DataFrame, suppressed: pd.DataFrame | None, quarter_header: str) -> pd.DataFrame:
    """The comparison as a download: one row per quarter, a hidden value replaced by its mark."""
    long = wide.rename_axis(quarter_header).reset_index()
    if suppressed is not None:
        long = long.astype("object")
        for name in wide.columns:
            marks = suppressed[name].to_numpy()
            long[name] = [m if m else v for v, m in zip(long[name], marks)]
    return long


def cell(indicator_id: str, value, flag: str | None = None, language: str = "de"):
    """One value for a chart or a table: the number rounded as displayed, its privacy mark ("< 3", "•", "–"),
    or None where nothing was reported."""
    shown = privacy.display_value(indicator_id, value, flag, language=language)
    if shown.suppressed:
        return shown.display
    return None if shown.value is None else round(shown.value, catalogue.get(indicator_id).decimals)


# a region's figures: indicator id → (value, release flag)
Lookup = Callable[[str], tuple]


def of_report(report: RegionReport) -> Lookup:
    """The lookup of a region's report."""
    return lambda indicator_id: (report.values[indicator_id].value, report.values[indicator_id].flag)


def of_row(row: Mapping) -> Lookup:
    """The lookup of a row of an indicator table (``Figures.table``)."""
    return lambda indicator_id: (row[indicator_id], row.get(f"{indicator_id}__flag"))


def forms_of_violence(regions: Sequence[tuple[str, Lookup]],
                      language: str = "de") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Persons counselled per form of violence for each named region: the bars (mentions per 10,000 women, one
    column per form, regions as index) and the table behind them (persons and per 10,000 women per form, and
    the totals); values as displayed or their marks."""
    forms = [(key, de if language != "en" else en) for key, _field, de, en, _slug in catalogue.FORMS_OF_VIOLENCE]
    per_10k = "counselling_persons_{}_per_10k_women"
    bars = pd.DataFrame({label: [cell(per_10k.format(key), *get(per_10k.format(key)), language=language)
                                 for _name, get in regions] for key, label in forms},
                        index=[name for name, _get in regions])
    rows = []
    for name, get in regions:
        row = {translate(N_("Region"), language): name}
        for key, label in forms:
            persons, rate = f"counselling_persons_{key}", per_10k.format(key)
            row[translate(N_("{form} (Personen)"), language, form=label)] = cell(persons, *get(persons),
                                                                                  language=language)
            row[translate(N_("{form} (je 10.000 Frauen)"), language, form=label)] = cell(rate, *get(rate),
                                                                                        language=language)
        for total in ("counselling_persons", "counselling_persons_per_10k_women"):
            ind = catalogue.get(total)
            row[ind.label_en if language == "en" else ind.label_de] = cell(total, *get(total), language=language)
        rows.append(row)
    return bars, pd.DataFrame(rows)
