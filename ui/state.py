"""The view a user has chosen — region, period, public/internal mode, language, counting variant.

Every choice is a sidebar widget bound to a URL query parameter, so a link such as
``?region=05913&period=2025-Q2`` reproduces the view.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from monitor import config
from monitor.periods import Period
from monitor.regions import GERMANY, Region, RegionIndex

from .i18n import LANGUAGES, t

VARIANTS = ("DE", "WAVE/EIGE")


@dataclass(frozen=True)
class View:
    region: Region
    period: Period
    public: bool
    variant: str
    lang: str

    @property
    def ags(self) -> str:
        return self.region.ags


def region_options(index: RegionIndex) -> list[str]:
    """Germany, then each Land followed by its Kreise: typing filters by name or AGS."""
    out = [GERMANY]
    for land in index.laender():
        out.append(land.ags)
        out.extend(k.ags for k in index.kreise(land.ags))
    return out


def region_label(index: RegionIndex, ags: str, language: str) -> str:
    r = index.get(ags)
    if r is None:
        return ags
    return t("region.germany", language) if r.level == "bund" else f"{r.ags} · {r.name}"


def period_label(p: str, language: str) -> str:
    return t("period.year", language, year=p) if Period.parse(p).is_year else p.replace("-", " ")


def _from_url(key: str, options: list, default) -> None:
    """Start a widget at the value the URL names (when valid), so a link reproduces a view.

    A URL value that differs from what this session last wrote there is a new link (a page link with
    parameters, the browser's back button) and wins over the widget's current value.
    """
    wanted = st.query_params.get(key)
    written = st.session_state.get("_url_written", {}).get(key)
    if wanted in options and wanted != written:
        st.session_state[key] = wanted
    elif key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default


def sidebar(index: RegionIndex, periods: list[str]) -> View:
    """Draw the sidebar choices, keep them in the URL and return the view they define."""
    choices = {
        "lang": (list(LANGUAGES), "de"),
        "region": (region_options(index), GERMANY),
        "period": (periods, periods[0] if periods else None),
        "mode": (["public", "internal"], "public"),
        "variant": (list(VARIANTS), VARIANTS[0]),
    }
    for key, (options, default) in choices.items():
        _from_url(key, options, default)
    with st.sidebar:
        language = st.segmented_control(
            t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", required=True,
        )
        # labels are bound to the language of this run, so a widget's options never change under it
        st.selectbox(
            t("sidebar.region", language), region_options(index), key="region",
            format_func=lambda a: region_label(index, a, language),
        )
        st.selectbox(
            t("sidebar.period", language), periods, key="period", format_func=lambda p: period_label(p, language),
            disabled=not periods,
        )
        st.segmented_control(
            t("sidebar.mode", language), ["public", "internal"], key="mode", required=True,
            format_func=lambda m: t(f"sidebar.mode.{m}", language),
            help=t("sidebar.mode.help", language, min_count=config.MIN_COUNT, min_events=config.MIN_RATE_EVENTS),
        )
        st.selectbox(
            t("sidebar.variant", language), VARIANTS, key="variant",
            format_func=lambda v: t(f"sidebar.variant.{'de' if v == 'DE' else 'wave'}", language),
        )
    state = {key: st.session_state[key] for key in choices}
    # only what differs from the default goes into the URL, so links stay short
    shown = {k: v for k, v in state.items()
             if v is not None and (v != choices[k][1] or k in ("region", "period"))}
    st.query_params.from_dict(shown)
    st.session_state["_url_written"] = shown
    return View(
        region=index.get(state["region"]) or index.get(GERMANY),
        period=Period.parse(state["period"]) if state["period"] else None,
        public=state["mode"] != "internal",
        variant=state["variant"],
        lang=state["lang"],
    )
