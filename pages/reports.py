"""Berichte — downloads for council committees and the conference of coordination offices: the Regionalbriefing
(PDF), a slide tile (PNG 1200 × 675), the Länderbericht (PDF) and every chart of both as PNG or SVG, all
rendered on the server (monitor.images: one warm Chromium shared by all sessions) in the session's language.
Files are built only when a button is clicked."""

from __future__ import annotations

import streamlit as st

from monitor import charts, images, privacy, reports
from monitor.indicators import UnknownRegion
from ui import data
from ui.i18n import LANGUAGES, _, lang, message

view = st.session_state["view"]
regions = data.regions()
MIME_PDF = "application/pdf"


@st.cache_data(show_spinner=False, max_entries=32)
def briefing(data_version: tuple, ags: str, period: str, variant: str, public: bool) -> reports.Briefing:
    """The briefing's figures, gathered once per version of the source (release or working store)."""
    return reports.build_briefing(data.figures(public), ags, period, variant=variant)


@st.cache_data(show_spinner=False, max_entries=16)
def land_report(data_version: tuple, land_ags: str, period: str, variant: str, public: bool) -> reports.LandReport:
    return reports.build_land_report(data.figures(public), land_ags, period, variant=variant)


@st.cache_resource(show_spinner=False, max_entries=32)
def figures(kind: str, data_version: tuple, ags: str, period: str, variant: str, public: bool,
            language: str) -> dict:
    """The charts of a report (plotly figures are not pickled, so they are kept as resources)."""
    if kind == "briefing":
        figs = reports.briefing_figures(briefing(data_version, ags, period, variant, public), language=language)
    else:
        figs = reports.land_report_figures(land_report(data_version, ags, period, variant, public),
                                           language=language)
    return figs if public else {slug: charts.mark_internal(fig, language) for slug, fig in figs.items()}


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def document(kind: str, data_version: tuple, ags: str, period: str, variant: str, public: bool,
             language: str) -> bytes:
    """A finished file: ``briefing`` (PDF), ``tile`` (PNG) or ``land`` (PDF), in ``language``."""
    if kind == "briefing":
        return reports.briefing_pdf(briefing(data_version, ags, period, variant, public), language=language)
    if kind == "tile":
        return reports.tile_png(briefing(data_version, ags, period, variant, public), language=language)
    if kind == "series":  # the briefings and tiles of every Kreis of the Land ``ags``, one browser for all
        series = reports.build_briefings(data.figures(public), ags, period, variant=variant)
        return reports.briefing_series_zip(series, language=language)
    return reports.land_report_pdf(land_report(data_version, ags, period, variant, public), language=language)


def chart_buttons(kind: str, ags: str, key: str) -> None:
    """PNG and SVG of every chart of a report, each rendered on the server when clicked."""
    figs = figures(kind, data.version(), ags, str(view.period), view.variant, view.public, lang())
    for slug, fig in figs.items():
        c1, c2, c3 = st.columns([6, 1, 1], vertical_alignment="center")
        meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
        c1.markdown(meta.get("ik_monitor", {}).get("title") or charts.alt_text(fig))
        for col, kind in ((c2, "png"), (c3, "svg")):
            col.download_button(
                kind.upper(), lambda fig=fig, kind=kind: images.to_image(fig, kind),
                file_name=privacy.file_name(images.filename(ags, slug, view.period, kind), view.public),
                mime=images.MIME[kind],
                on_click="ignore", key=f"{key}_{slug}_{kind}", icon=":material/image:",
            )


version = data.version()
period = str(view.period)
language = lang()
mode = _("öffentliche Fassung") if view.public else _("interne Fassung")

st.title(_("Berichte"))
st.caption(_("Für Ausschüsse, Ratsvorlagen und die Konferenz der Koordinierungsstellen: Regionalbriefing, "
             "Folienkachel, Länderbericht und alle Diagramme als Bild – auf dem Server erzeugt, mit Quelle, "
             "Stand und Soll im Bild. Die Berichte folgen der Sprache und der Ansicht in der Seitenleiste "
             "({mode}).",
             mode=mode))
if not view.public:
    st.warning(_("Interne Fassung: kleine Fallzahlen werden gezeigt – nicht zur Veröffentlichung."),
               icon=":material/lock:")

# --- Regionalbriefing ------------------------------------------------------------------------------------------

st.header(_("Regionalbriefing: {name}", name=view.region.name))
st.markdown(_("Ein bis zwei Seiten A4: Ist, Soll und Lücke, Veränderung zum Vorjahr, Land und Deutschland zum "
              "Vergleich, Diagramme, Interventionskette, Methodik mit Quellen."))
c1, c2 = st.columns(2)
c1.download_button(
    _("Regionalbriefing (PDF)"),
    lambda: document("briefing", version, view.ags, period, view.variant, view.public, language),
    file_name=reports.briefing_filename(view.ags, period, public=view.public, language=language), mime=MIME_PDF,
    on_click="ignore",
    icon=":material/picture_as_pdf:", key="reports_briefing", type="primary",
)
c2.download_button(
    _("Folienkachel 1200 × 675 (PNG)"),
    lambda: document("tile", version, view.ags, period, view.variant, view.public, language),
    file_name=reports.briefing_filename(view.ags, period, "png", public=view.public, language=language),
    mime="image/png",
    on_click="ignore",
    icon=":material/slideshow:", key="reports_tile",
)

# --- Länderbericht -------------------------------------------------------------------------------------------

land_options = [r.ags for r in regions.laender()]
land_default = view.region.land_ags if view.region.level in ("kreis", "land") else land_options[0]
if st.session_state.get("reports_land") not in land_options or st.session_state.get("reports_land_from") != view.ags:
    st.session_state["reports_land"] = land_default
    st.session_state["reports_land_from"] = view.ags
st.header(_("Länderbericht"))
land_ags = st.selectbox(_("Land"), land_options, key="reports_land",
                        format_func=lambda a: f"{a} · {regions.get(a).name}")
st.markdown(_("Für die Konferenz der Koordinierungsstellen: Kennzahlen des Landes, Karte, Rangfolgen, Verlauf, "
              "alle Kreise mit Deckungsgrad und Lücke, Bedarfsplanung bis 2032."))
st.download_button(
    _("Länderbericht {name} (PDF)", name=regions.get(land_ags).name),
    lambda: document("land", version, land_ags, period, view.variant, view.public, language),
    file_name=reports.land_report_filename(land_ags, period, public=view.public, language=language), mime=MIME_PDF,
    on_click="ignore",
    icon=":material/picture_as_pdf:", key="reports_land_pdf",
)
kreise = len([r for r in regions.kreise(land_ags) if r.valid_on(view.period.end)])
st.download_button(
    _("Regionalbriefings aller {n} Kreise von {name} (ZIP)", n=kreise, name=regions.get(land_ags).name),
    lambda: document("series", version, land_ags, period, view.variant, view.public, language),
    file_name=reports.series_zip_filename(land_ags, period, public=view.public, language=language),
    mime="application/zip", on_click="ignore", icon=":material/folder_zip:", key="reports_series_zip",
    help=_("Briefing (PDF) und Folienkachel (PNG) je Kreis, in einem Durchgang auf dem Server erzeugt – für alle "
           "Kreise eines Landes dauert das etwa eine Minute."),
)

# --- charts as images ----------------------------------------------------------------------------------------

st.header(_("Diagramme als Bild"))
st.caption(_("PNG (doppelte Auflösung, für Folien und Dokumente) oder SVG (verlustfrei skalierbar). Jedes Bild "
             "trägt Titel, Quelle, Stand und – bei Demodaten – den Hinweis „Demodaten“."))
try:
    st.subheader(_("Aus dem Regionalbriefing: {name}", name=view.region.name))
    chart_buttons("briefing", view.ags, "img_briefing")
    st.subheader(_("Aus dem Länderbericht: {name}", name=regions.get(land_ags).name))
    chart_buttons("land", land_ags, "img_land")
except UnknownRegion as exc:
    st.error(message(exc))
st.caption(_("Sprache der Berichte: {name}. Ansicht: {mode}.", name=LANGUAGES[language], mode=mode))
