"""Cached access to the figures for the app: the latest release in public mode, the working store internally.

Which source a call reads is decided by the view in force (``st.session_state["view"].public``, set by
``dashboard.py`` from the user's role, never from the URL alone) or by ``public=``; without a view the public
release is read. Cached functions take the source's version as their first argument: a new release, or a load
or undo in the working store (its snapshot is replaced), changes the key, and every session sees the new
figures on its next run.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import release, store
from monitor.figures import Figures, LiveFigures, NoRelease, ReleaseFigures
from monitor.periods import Period
from monitor.regions import RegionIndex

from .i18n import lang

__all__ = ["NoRelease", "figures", "version", "regions", "status", "periods", "report", "table", "series",
           "targets", "annotations", "is_public"]


def is_public(public: bool | None = None) -> bool:
    """The mode of this call: ``public`` if given, else the view's; public when in doubt."""
    if public is not None:
        return public
    view = st.session_state.get("view")
    return True if view is None else bool(view.public)


@st.cache_resource(show_spinner=False, max_entries=4)
def _release(path: str) -> ReleaseFigures:
    return ReleaseFigures(path)


def figures(public: bool | None = None) -> Figures:
    """The source of this call's figures (raises ``NoRelease`` in public mode before the first release)."""
    if is_public(public):
        path = release.latest_path()
        if path is None:
            raise NoRelease("Es gibt noch keine Veröffentlichung.")
        return _release(str(path))
    return LiveFigures()


def version(public: bool | None = None) -> tuple:
    """A fingerprint of the source: the release file, or the working store's snapshot."""
    if is_public(public):
        path = release.latest_path()
        return ("release", str(path) if path else None)
    return ("store", *store.data_version())


@st.cache_resource(show_spinner=False, max_entries=8)
def _regions(key: tuple) -> RegionIndex:
    return figures(key[0] == "release").regions()


def regions(public: bool | None = None) -> RegionIndex:
    return _regions(version(public))


@st.cache_data(show_spinner=False, max_entries=8)
def _status(key: tuple) -> dict:
    return figures(key[0] == "release").status()


def status(public: bool | None = None) -> dict:
    """Latest quarter per dataset, "Stand", demo flag, and the release (see ``Figures.status``)."""
    return _status(version(public))


@st.cache_data(show_spinner=False, max_entries=8)
def _periods(key: tuple) -> list[str]:
    return figures(key[0] == "release").periods()


def periods(public: bool | None = None) -> list[str]:
    return _periods(version(public))


@st.cache_data(show_spinner=False, max_entries=512)
def _report(key: tuple, ags: str, period: str, variant: str):
    return figures(key[0] == "release").report(ags, period, variant)


def report(ags: str, period: Period | str, variant: str, *, public: bool | None = None):
    return _report(version(public), ags, str(period), variant)


@st.cache_data(show_spinner=False, max_entries=128)
def _table(key: tuple, level: str, period: str, land: str | None, variant: str, language: str) -> pd.DataFrame:
    return figures(key[0] == "release").table(level, period, land=land, variant=variant, language=language)


def table(level: str, period: Period | str, *, land: str | None = None, variant: str = "DE",
          public: bool | None = None, language: str | None = None) -> pd.DataFrame:
    """One row per Kreis (of ``land``) or per Land; the completeness texts in the session's language (or
    ``language``: the warm-up runs outside any session)."""
    return _table(version(public), level, str(period), land, variant, language or lang())


@st.cache_data(show_spinner=False, max_entries=512)
def _series(key: tuple, ags: str, ids: tuple[str, ...], variant: str) -> pd.DataFrame:
    return figures(key[0] == "release").series(ags, ids, variant=variant)


def series(ags: str, ids: list[str] | tuple[str, ...], variant: str = "DE", *,
           public: bool | None = None) -> pd.DataFrame:
    return _series(version(public), ags, tuple(ids), variant)


@st.cache_data(show_spinner=False, max_entries=8)
def _targets(key: tuple) -> pd.DataFrame:
    return figures(key[0] == "release").targets()


def targets(public: bool | None = None) -> pd.DataFrame:
    """The targets in force: one row per target, Land overrides and later versions included."""
    return _targets(version(public))


@st.cache_data(show_spinner=False, max_entries=8)
def _annotations(key: tuple) -> list:
    return figures(key[0] == "release").annotations()


def annotations(public: bool | None = None) -> list:
    """The notes on time series in force (method breaks, events, territorial changes)."""
    return _annotations(version(public))
