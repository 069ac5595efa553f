"""Bedarfsplanung — the needs analysis under the Gewalthilfegesetz for the Kreise of a Land: places and counselling
centres needed (targets in force, or the Land's own what-if yardstick), existing, gap, and what to add per year
until the legal claim of 1 January 2032; with the XLSX export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import config, fmt, planning
from monitor.indicators import UnknownRegion
from ui import data
from ui.i18n import _, lang, message

view = st.session_state["view"]
regions = data.regions()


@st.cache_data(show_spinner=False, max_entries=32)
def build(data_version: tuple, land_ags: str, period: str, variant: str, made_on: str,
          language: str) -> planning.Plan:
    """The plan for one Land and period, cached per version of the source (release or working store)."""
    return planning.build_plan(data.figures(data_version[0] == "release"), land_ags, period, variant=variant,
                               language=language)


@st.cache_data(show_spinner=False, max_entries=32)
def workbook(data_version: tuple, land_ags: str, period: str, variant: str, made_on: str, language: str,
             overrides: tuple) -> bytes:
    plan = build(data_version, land_ags, period, variant, made_on, language)
    if overrides:
        plan = planning.with_yardsticks(plan, dict(overrides))
    return planning.plan_xlsx(plan, language)


def number(value, decimals: int = 0) -> str:
    return fmt.number(value, decimals, lang())


st.title(_("Bedarfsplanung nach dem Gewalthilfegesetz"))
st.caption(_("Die Länder analysieren den Bedarf und planen das Hilfenetz: erste Bedarfsanalyse bis Ende 2026, "
             "Finanzierung eines bedarfsgerechten Netzes ab 1.1.2027, Rechtsanspruch auf Schutz und Beratung ab "
             "1.1.2032. Je Kreis: Bedarf nach dem geltenden Maßstab, Bestand, Lücke und was jährlich aufzubauen "
             "ist, um sie bis 2032 zu schließen."))

laender = regions.laender()
default = view.region.land_ags if view.region.level in ("kreis", "land") else laender[0].ags
options = [r.ags for r in laender]
if st.session_state.get("planning_land") not in options or st.session_state.get("planning_land_from") != view.ags:
    # follow the sidebar's region until the user picks another Land here
    st.session_state["planning_land"] = default
    st.session_state["planning_land_from"] = view.ags
land_ags = st.selectbox(_("Land"), options, key="planning_land",
                        format_func=lambda a: f"{a} · {regions.get(a).name}")

try:
    plan = build(data.version(), land_ags, str(view.period), view.variant, config.today().isoformat(), lang())
except (UnknownRegion, ValueError) as exc:
    st.error(message(exc))
    st.stop()

# --- the Land's own yardsticks (what-if, not stored) -----------------------------------------------------------

places_ys, centres_ys = plan.yardsticks["shelter_places"], plan.yardsticks["counselling_centres"]
places_per_10k = places_ys.value * 10_000 / places_ys.per_population
women_per_centre = centres_ys.per_population / centres_ys.value
with st.expander(_("Eigene Maßstäbe des Landes (Was-wäre-wenn)")):
    st.caption(_("Hier gesetzte Maßstäbe gelten nur für diese Ansicht und die Excel-Ausgabe. Dauerhaft "
                 "hinterlegt ein Land eigene Zielwerte mit `python -m etl targets DATEI` (Spalten wie "
                 "data/reference/targets.csv); sie gelten dann überall im Monitor."))
    c1, c2 = st.columns(2)
    own_places = c1.number_input(
        _("Schutzplätze je 10.000 Einwohner:innen"), min_value=0.1,
        max_value=20.0, value=float(round(places_per_10k, 2)), step=0.1, format="%.2f", key="planning_places",
        disabled=places_ys.denominator != "population_total",
    )
    own_women = c2.number_input(
        _("Frauen je Frauenberatungsstelle"), min_value=5_000, max_value=500_000,
        value=int(round(women_per_centre)), step=5_000, key="planning_women",
        disabled=centres_ys.denominator != "population_female",
    )
overrides = {}
if abs(own_places - places_per_10k) > 1e-9:
    overrides["shelter_places"] = planning.what_if("shelter_places", own_places, 10_000, "population_total", land_ags)
if abs(own_women - women_per_centre) > 0.5:
    overrides["counselling_centres"] = planning.what_if("counselling_centres", 1, int(own_women), "population_female",
                                                        land_ags)
if overrides:
    plan = planning.with_yardsticks(plan, overrides)
    st.info(_("Was-wäre-wenn: eigene Maßstäbe aktiv (nicht gespeichert)."), icon=":material/tune:")

# --- key figures -------------------------------------------------------------------------------------------

t = plan.total
st.subheader(_("{land}: Bedarf bis 2032", land=plan.land_name))
cols = st.columns(4)
cols[0].metric(_("Schutzplätze: Bedarf"), number(t["places_needed"]), border=True,
               help=_("Summe der aufgerundeten Kreiswerte"))
cols[1].metric(_("Schutzplätze: Lücke"), number(t["places_gap"]), border=True,
               help=_("Bestand {number}", number=number(t["places_existing"])))
cols[2].metric(_("Beratungsstellen: Bedarf"), number(t["centres_needed"]), border=True)
cols[3].metric(_("Beratungsstellen: Lücke"), number(t["centres_gap"]), border=True,
               help=_("Bestand {number}", number=number(t["centres_existing"])))
st.markdown(_("**{years}.** Zusätzlich je Jahr in den Kreisen zusammen: bis zu **{places} Schutzplätze** und "
              "**{centres} Frauenberatungsstellen**.", years=plan.years_text(lang()),
              places=number(t["places_per_year"]), centres=number(t["centres_per_year"])))
for key, ys in plan.yardsticks.items():
    st.caption(f"**{_(planning.SERVICE_NAMES[key])}:** {ys.text(lang())}")
st.caption(plan.population_text(lang()))
for note in plan.note_texts(lang()):
    st.caption(note)

# --- per Kreis ---------------------------------------------------------------------------------------------

st.subheader(_("Je Kreis"))
table = planning.table(plan, lang())
headers = planning.headers(lang())
column_config = {
    headers["places_needed_exact"]: st.column_config.NumberColumn(format="%.1f"),
    headers["centres_needed_exact"]: st.column_config.NumberColumn(format="%.2f"),
    headers["places_coverage_pct"]: st.column_config.ProgressColumn(
        min_value=0, max_value=100, format="%.0f %%",
        help=_("Bestand in % des aufgerundeten Bedarfs")),
    headers["population_total"]: st.column_config.NumberColumn(format="localized"),
    headers["population_female"]: st.column_config.NumberColumn(format="localized"),
}
compact = st.toggle(_("Nur gerundete Werte zeigen"), value=True, key="planning_compact")
shown_table = table.drop(columns=[headers["centres_needed_exact"], headers["places_needed_exact"]]) \
    if compact else table.copy()
for col in shown_table.columns:
    if col not in (headers["ags"], headers["name"], headers["shelters_status"], headers["counselling_status"]):
        shown_table[col] = pd.to_numeric(shown_table[col], errors="coerce")
st.dataframe(shown_table, hide_index=True, column_config=column_config, height=min(38 + 35 * len(shown_table), 600),
             key="planning_table")

with st.expander(_("Jahresplan: zusätzlich je Jahr")):
    st.dataframe(planning.schedule_table(plan, lang()), hide_index=True, width="stretch")

st.download_button(
    _("Bedarfsplanung als Excel herunterladen"),
    lambda: workbook(data.version(), land_ags, str(view.period), view.variant, config.today().isoformat(), lang(),
                     tuple(sorted(overrides.items()))),
    file_name=planning.xlsx_filename(plan, lang()), on_click="ignore", icon=":material/download:", key="planning_xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

st.subheader(_("Rechenregeln"))
st.markdown("\n".join(f"- {rule}" for rule in plan.rules(lang())))
if plan.is_demo:
    st.warning(_("Demodaten – erfundene Zahlen, keine echten Werte."), icon=":material/science:")
