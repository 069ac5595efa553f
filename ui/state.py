"""The view a user has chosen — region, period, public/internal mode, language, counting variant.

Every choice is a sidebar widget bound to a URL query parameter, so a link such as
``?region=05913&period=2025-Q2`` reproduces the view. The internal mode is the one exception to "the URL
decides": only a signed-in user with an internal role gets it (``requested_public``); for anyone else
``mode=internal`` is ignored with a short note, whatever the URL or the session state says.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from monitor import config, fmt
from monitor.i18n import translate
from monitor.indicators import VARIANTS
from monitor.periods import Period
from monitor.regions import GERMANY, Region, RegionIndex

from .i18n import LANGUAGES, N_, _

MODES = {"public": N_("Öffentlich"), "internal": N_("Intern")}
VARIANT_LABELS = {"DE": N_("2,5 Plätze je Familienplatz (DE)"), "WAVE/EIGE": N_("1 Platz = 1 Bett (WAVE/EIGE)")}


@dataclass(frozen=True)
class View:
    region: Region
    period: Period
    public: bool
    variant: str
    lang: str
    narrow: bool = False  # a phone: charts in their narrow layout


    @property
    def ags(self) -> str:
        return self.region.ags


def is_narrow() -> bool:
    """Whether this session is on a phone: ``?layout=narrow`` or ``wide`` in the URL decides, else the browser's
    user agent ("Mobi" is how phone browsers say so; tablets get the wide layout)."""
    wanted = st.query_params.get("layout")
    if wanted in ("narrow", "wide"):
        return wanted == "narrow"
    agent = str(st.context.headers.get("User-Agent") or "")
    return "Mobi" in agent or ("Android" in agent and "Tablet" not in agent)


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
    # the short name unless two Kreise share it (the two Osnabrücks): a long name would be cut in the sidebar
    return translate("Deutschland", language) if r.level == "bund" else f"{r.ags} · {index.display_name(r)}"


def period_label(p: str, language: str) -> str:
    return translate("Jahr {year}", language, year=p) if Period.parse(p).is_year else fmt.quarter(p, language)


# choices of a page (the Regionen page's indicator, scope and comparison) and the layout: kept in the URL beside
# the sidebar's, so that a shared link shows the same chart
PAGE_PARAMS = ("indicator", "scope", "compare", "layout")


def _from_url(key: str, options: list, default, param: str | None = None) -> None:
    """Start a widget at the value the URL names (when valid), so a link reproduces a view.

    A URL value that differs from what this session last wrote there is a new link (a page link with
    parameters, the browser's back button) and wins over the widget's current value. ``param``: the URL's name
    for the widget ``key`` (default the same).
    """
    param = param or key
    wanted = st.query_params.get(param)
    written = st.session_state.get("_url_written", {}).get(param)
    if wanted in options and wanted != written:
        st.session_state[key] = wanted
    elif key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default


def page_choice(key: str, param: str, options: list, default) -> None:
    """Start the page widget ``key`` at the URL's ``param`` (see ``_from_url``); call ``to_url`` after it."""
    _from_url(key, options, default, param)


def page_choices(key: str, param: str, options: list, default: list, limit: int) -> None:
    """The same for a multiselect: the URL holds the choices comma-separated (at most ``limit``)."""
    wanted = st.query_params.get(param)
    written = st.session_state.get("_url_written", {}).get(param)
    if wanted is not None and wanted != written:
        chosen = [a for a in wanted.split(",") if a in options][:limit]
        if chosen:
            st.session_state[key] = chosen
            return
    if key not in st.session_state:
        st.session_state[key] = [a for a in default if a in options][:limit]


def to_url(param: str, value, default=None) -> None:
    """Write a page choice into the URL (a list comma-separated; the default is left out)."""
    text = ",".join(value) if isinstance(value, (list, tuple)) else value
    written = st.session_state.setdefault("_url_written", {})
    if value is None or value == default or text == "":
        st.query_params.pop(param, None)
        written.pop(param, None)
    else:
        st.query_params[param] = text
        written[param] = text


def requested_public(can_internal: bool, *, has_release: bool = True) -> bool:
    """Whether this run shows public figures: always, unless the user may see internal ones and chose to.

    Before the first release there are no public figures: a user who may see internal ones starts there.
    """
    if not can_internal:
        return True
    wanted = st.session_state.get("mode") or st.query_params.get("mode")
    if wanted is None and not has_release:
        st.session_state["mode"] = wanted = "internal"
    return wanted != "internal"


def sidebar(index: RegionIndex, periods: list[str], *, can_internal: bool = False) -> View:
    """Draw the sidebar choices, keep them in the URL and return the view they define.

    ``can_internal``: the user's role allows the internal view; without it there is no mode choice, and a
    ``mode=internal`` in the URL is dropped with a note.
    """
    choices = {
        "lang": (list(LANGUAGES), "de"),
        "region": (region_options(index), GERMANY),
        "period": (periods, periods[0] if periods else None),
        "mode": (["public", "internal"] if can_internal else ["public"], "public"),
        "variant": (list(VARIANTS), VARIANTS[0]),
    }
    denied = not can_internal and st.query_params.get("mode") == "internal"
    for key, (options, default) in choices.items():
        _from_url(key, options, default)
    if not can_internal:
        st.session_state["mode"] = "public"
    with st.sidebar:
        language = st.segmented_control(
            _("Sprache"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", required=True,
        ) or "de"
        # labels are bound to the language of this run (``language``, not ``_``, which reads the session later),
        # so a widget's options never change under it
        st.selectbox(
            _("Region (Name oder AGS eingeben)"), region_options(index), key="region",
            format_func=lambda a: region_label(index, a, language),
        )
        st.selectbox(
            _("Zeitraum"), periods, key="period", format_func=lambda p: period_label(p, language),
            disabled=not periods,
        )
        if can_internal:
            st.segmented_control(
                _("Ansicht"), ["public", "internal"], key="mode", required=True,
                format_func=lambda m: translate(MODES[m], language),
                help=_("Öffentlich: die Zahlen der neuesten Veröffentlichung – kleine Fallzahlen (unter {min_count}) "
                       "und alles, woraus sie sich errechnen ließen, sind gesperrt. Intern: der Arbeitsbestand, "
                       "ungesperrt, nicht zur Veröffentlichung.", min_count=config.MIN_COUNT),
            )
        elif denied:
            st.caption(_("Die interne Ansicht gibt es nur nach Anmeldung mit einer internen Rolle; gezeigt werden "
                         "die öffentlichen Zahlen."))
        st.selectbox(
            _("Zählweise Schutzplätze"), VARIANTS, key="variant",
            format_func=lambda v: translate(VARIANT_LABELS[v], language),
        )
    state = {key: st.session_state[key] for key in choices}
    narrow = is_narrow()
    # only what differs from the default goes into the URL, so links stay short; page choices stay (the page
    # reads them after this)
    shown = {k: v for k, v in state.items()
             if v is not None and (v != choices[k][1] or k in ("region", "period"))}
    kept = {k: st.query_params[k] for k in PAGE_PARAMS if k in st.query_params}
    st.query_params.from_dict({**shown, **kept})
    written = st.session_state.get("_url_written", {})
    st.session_state["_url_written"] = {**shown, **{k: written[k] for k in PAGE_PARAMS if k in written}}
    return View(
        region=index.get(state["region"]) or index.get(GERMANY),
        period=Period.parse(state["period"]) if state["period"] else None,
        public=not (can_internal and state["mode"] == "internal"),
        variant=state["variant"],
        lang=state["lang"],
        narrow=narrow,
    )
