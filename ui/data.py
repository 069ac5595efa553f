"""Cached access to the store for the app.

Every cached function takes the store's data version as its first argument, so a load or undo (from the
CLI or the upload page) changes the key and every session sees the new figures on its next run.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import indicators, store
from monitor.datasets import DATASETS
from monitor.periods import Period
from monitor.regions import RegionIndex


def version() -> tuple:
    return store.data_version()


@st.cache_resource(show_spinner=False, max_entries=4)
def _regions(data_version: tuple) -> RegionIndex:
    with store.connect() as con:
        return RegionIndex.from_db(con)


def regions() -> RegionIndex:
    return _regions(version())


@st.cache_data(show_spinner=False, max_entries=4)
def _status(data_version: tuple) -> dict:
    with store.connect() as con:
        return indicators.data_status(con)


def status() -> dict:
    """Latest quarter per dataset, "Stand", demo flag (see monitor.indicators.data_status)."""
    return _status(version())


@st.cache_data(show_spinner=False, max_entries=4)
def _periods(data_version: tuple) -> list[str]:
    with store.connect() as con:
        quarters = sorted(
            {q for ds in DATASETS.values()
             for (q,) in con.execute(f"SELECT DISTINCT quarter FROM {ds.table}_current").fetchall()},
            reverse=True,
        )
    return period_choices(quarters)


def period_choices(quarters: list[str]) -> list[str]:
    """Quarters newest first, each complete year (all four quarters present) right after its Q1."""
    present = set(quarters)
    out = []
    for q in sorted(present, reverse=True):
        out.append(q)
        year = q[:4]
        if q.endswith("Q1") and all(f"{year}-Q{i}" in present for i in range(1, 5)):
            out.append(year)
    return out


def periods() -> list[str]:
    return _periods(version())


@st.cache_data(show_spinner=False, max_entries=256)
def _report(data_version: tuple, ags: str, period: str, variant: str) -> indicators.RegionReport:
    with store.connect() as con:
        return indicators.indicators_for(con, ags, period, variant=variant)


def report(ags: str, period: Period | str, variant: str) -> indicators.RegionReport:
    return _report(version(), ags, str(period), variant)


@st.cache_data(show_spinner=False, max_entries=64)
def _table(data_version: tuple, level: str, period: str, land: str | None, variant: str) -> pd.DataFrame:
    with store.connect() as con:
        return indicators.indicators_table(con, level, period, land=land, variant=variant)


def table(level: str, period: Period | str, *, land: str | None = None, variant: str = "DE") -> pd.DataFrame:
    return _table(version(), level, str(period), land, variant)


@st.cache_data(show_spinner=False, max_entries=256)
def _series(data_version: tuple, ags: str, ids: tuple[str, ...], variant: str) -> pd.DataFrame:
    with store.connect() as con:
        return indicators.time_series(con, ags, list(ids), variant=variant)


def series(ags: str, ids: list[str] | tuple[str, ...], variant: str = "DE") -> pd.DataFrame:
    return _series(version(), ags, tuple(ids), variant)


@st.cache_data(show_spinner=False, max_entries=4)
def _targets(data_version: tuple) -> pd.DataFrame:
    with store.connect() as con:
        return con.execute(
            "SELECT target_id, indicator, variant, denominator, per_population, value, factor, unit_de, unit_en, "
            "label_de, label_en, source, valid_from, land_ags, batch_id FROM targets_current "
            "ORDER BY indicator, land_ags NULLS FIRST, variant NULLS FIRST, valid_from"
        ).df()


def targets() -> pd.DataFrame:
    """The targets in force (``targets_current``): one row per target, Land overrides and later versions included."""
    return _targets(version())
