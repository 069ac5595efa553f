"""Berichte — downloads for council committees and the conference of coordination offices: the Regionalbriefing
(PDF), a slide tile (PNG 1200 × 675), the Länderbericht (PDF) and every chart of both as PNG or SVG, all
rendered on the server (monitor.images: one warm Chromium shared by all sessions). Files are built only when a
button is clicked."""

from __future__ import annotations

import streamlit as st

from monitor import charts, images, privacy, reports
from monitor.indicators import UnknownRegion
from ui import data
from ui.i18n import lang, pick

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
def figures(kind: str, data_version: tuple, ags: str, period: str, variant: str, public: bool) -> dict:
    """The charts of a report (plotly figures are not pickled, so they are kept as resources)."""
    if kind == "briefing":
        figs = reports.briefing_figures(briefing(data_version, ags, period, variant, public))
    else:
        figs = reports.land_report_figures(land_report(data_version, ags, period, variant, public))
    return figs if public else {slug: charts.mark_internal(fig) for slug, fig in figs.items()}


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def document(kind: str, data_version: tuple, ags: str, period: str, variant: str, public: bool) -> bytes:
    """A finished file: ``briefing`` (PDF), ``tile`` (PNG) or ``land`` (PDF)."""
    if kind == "briefing":
        return reports.briefing_pdf(briefing(data_version, ags, period, variant, public))
    if kind == "tile":
        return reports.tile_png(briefing(data_version, ags, period, variant, public))
    return reports.land_report_pdf(land_report(data_version, ags, period, variant, public))


def chart_buttons(kind: str, ags: str, key: str) -> None:
    """PNG and SVG of every chart of a report, each rendered on the server when clicked."""
    figs = figures(kind, data.version(), ags, str(view.period), view.variant, view.public)
    for slug, fig in figs.items():
        c1, c2, c3 = st.columns([6, 1, 1], vertical_alignment="center")
        meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
        c1.markdown(meta.get("ik_monitor", {}).get("title") or charts.alt_text(fig))
        for col, fmt in ((c2, "png"), (c3, "svg")):
            col.download_button(
                fmt.upper(), lambda fig=fig, fmt=fmt: images.to_image(fig, fmt),
                file_name=privacy.file_name(images.filename(ags, slug, view.period, fmt), view.public),
                mime=images.MIME[fmt],
                on_click="ignore", key=f"{key}_{slug}_{fmt}", icon=":material/image:",
            )


version = data.version()
period = str(view.period)
mode = pick("öffentliche Fassung", "public version") if view.public else pick("interne Fassung", "internal version")

st.title(pick("Berichte", "Reports"))
st.caption(pick(
    f"Für Ausschüsse, Ratsvorlagen und die Konferenz der Koordinierungsstellen: Regionalbriefing, Folienkachel, "
    f"Länderbericht und alle Diagramme als Bild – auf dem Server erzeugt, mit Quelle, Stand und Soll im Bild. "
    f"Die Berichte sind deutschsprachig; sie folgen der Ansicht in der Seitenleiste ({mode}).",
    f"For committees, council papers and the conference of coordination offices: regional briefing, slide tile, "
    f"Land report and every chart as an image – rendered on the server, with source, date and target inside. "
    f"Reports are in German; they follow the sidebar's view ({mode}).",
))
if not view.public:
    st.warning(pick("Interne Fassung: kleine Fallzahlen werden gezeigt – nicht zur Veröffentlichung.",
                    "Internal version: small counts are shown – not for publication."), icon=":material/lock:")

# --- Regionalbriefing ------------------------------------------------------------------------------------------

st.header(pick(f"Regionalbriefing: {view.region.name}", f"Regional briefing: {view.region.name}"))
st.markdown(pick(
    "Ein bis zwei Seiten A4: Ist, Soll und Lücke, Veränderung zum Vorjahr, Land und Deutschland zum Vergleich, "
    "Diagramme, Interventionskette, Methodik mit Quellen.",
    "One or two A4 pages: actual, target and gap, change against last year, Land and Germany for comparison, "
    "charts, intervention chain, method with sources.",
))
c1, c2 = st.columns(2)
c1.download_button(
    pick("Regionalbriefing (PDF)", "Regional briefing (PDF)"),
    lambda: document("briefing", version, view.ags, period, view.variant, view.public),
    file_name=reports.briefing_filename(view.ags, period, public=view.public), mime=MIME_PDF, on_click="ignore",
    icon=":material/picture_as_pdf:", key="reports_briefing", type="primary",
)
c2.download_button(
    pick("Folienkachel 1200 × 675 (PNG)", "Slide tile 1200 × 675 (PNG)"),
    lambda: document("tile", version, view.ags, period, view.variant, view.public),
    file_name=reports.briefing_filename(view.ags, period, "png", public=view.public), mime="image/png",
    on_click="ignore",
    icon=":material/slideshow:", key="reports_tile",
)

# --- Länderbericht -------------------------------------------------------------------------------------------

land_options = [r.ags for r in regions.laender()]
land_default = view.region.land_ags if view.region.level in ("kreis", "land") else land_options[0]
if st.session_state.get("reports_land") not in land_options or st.session_state.get("reports_land_from") != view.ags:
    st.session_state["reports_land"] = land_default
    st.session_state["reports_land_from"] = view.ags
st.header(pick("Länderbericht", "Land report"))
land_ags = st.selectbox(pick("Land", "Land"), land_options, key="reports_land",
                        format_func=lambda a: f"{a} · {regions.get(a).name}")
st.markdown(pick(
    "Für die Konferenz der Koordinierungsstellen: Kennzahlen des Landes, Karte, Rangfolgen, Verlauf, alle Kreise "
    "mit Deckungsgrad und Lücke, Bedarfsplanung bis 2032.",
    "For the conference of coordination offices: the Land's key figures, map, rankings, trend, every Kreis with "
    "coverage and gap, needs planning to 2032.",
))
st.download_button(
    pick(f"Länderbericht {regions.get(land_ags).name} (PDF)", f"Land report {regions.get(land_ags).name} (PDF)"),
    lambda: document("land", version, land_ags, period, view.variant, view.public),
    file_name=reports.land_report_filename(land_ags, period, public=view.public), mime=MIME_PDF, on_click="ignore",
    icon=":material/picture_as_pdf:", key="reports_land_pdf",
)

# --- charts as images ----------------------------------------------------------------------------------------

st.header(pick("Diagramme als Bild", "Charts as images"))
st.caption(pick(
    "PNG (doppelte Auflösung, für Folien und Dokumente) oder SVG (verlustfrei skalierbar). Jedes Bild trägt "
    "Titel, Quelle, Stand und – bei Demodaten – den Hinweis „Demodaten“.",
    "PNG (double resolution, for slides and documents) or SVG (scalable). Every image carries title, source, "
    "date and – for demo data – the 'Demodaten' mark.",
))
try:
    st.subheader(pick(f"Aus dem Regionalbriefing: {view.region.name}", f"From the briefing: {view.region.name}"))
    chart_buttons("briefing", view.ags, "img_briefing")
    st.subheader(pick(f"Aus dem Länderbericht: {regions.get(land_ags).name}",
                      f"From the Land report: {regions.get(land_ags).name}"))
    chart_buttons("land", land_ags, "img_land")
except UnknownRegion as exc:
    st.error(str(exc))
st.caption(pick(f"Sprache der Berichte: Deutsch. Ansicht: {mode}.", f"Report language: German. View: {mode}."))
if lang() == "en":
    st.caption("The charts in reports use German labels and number format (1.234,5).")
