"""Schutz — shelter places against the target over time, coverage ranking, occupancy, turn-aways, full days."""

from __future__ import annotations

import streamlit as st

from monitor import catalogue, charts
from monitor.regions import GERMANY
from ui import components as c
from ui import data
from ui.i18n import lang, pick

view = st.session_state["view"]
report = data.report(view.ags, view.period, view.variant)
places = report.values["shelter_places"]
target = places.target
style = c.style(("shelters",), report, target.source if target else None)
where, when = data.regions().display_name(view.region), c.period_text(view)

st.title(pick(f"Schutz – {view.region.name}", f"Protection – {view.region.name}"))
counting_de = ("2,5 Plätze je Familienplatz (deutsche Praxis)" if view.variant == "DE"
               else "1 Platz je Familienplatz (WAVE/EIGE)")
counting_en = ("2.5 places per family place (German practice)" if view.variant == "DE"
               else "1 place per family place (WAVE/EIGE)")
st.caption(pick(
    f"{view.period.label_de()} · Zählweise: {counting_de}"
    " – umschaltbar in der Seitenleiste unter „Zählweise Schutzplätze“.",
    f"{view.period} · Counting: {counting_en}"
    " – switch in the sidebar.",
))

cols = st.columns(5)
for col, ind_id in zip(cols, ("shelter_places", "shelter_places_needed", "shelter_places_missing",
                              "shelter_coverage_pct", "shelter_places_per_10k")):
    v = report.values[ind_id]
    col.metric(c.label(ind_id), c.shown(v, view).display + ("" if ind_id != "shelter_coverage_pct" else " %"),
               help=pick(catalogue.get(ind_id).formula_de, catalogue.get(ind_id).formula_en), border=True)
st.caption(c.target_text(places, report))

# places over time against the target line
ts = data.series(view.ags, ["shelter_places", "shelter_places_needed"], view.variant)
if ts.empty:
    st.info(pick("Für diese Region liegen keine Meldungen zu Schutzunterkünften vor.",
                 "No shelter reports for this region."))
else:
    frame, masks = c.trend_frame(ts, ["shelter_places"], view)
    fig = c.figure(
        "trend_chart", frame,
        title=charts.chart_title(pick("Schutzplätze und Soll", "Shelter places and target"), where),
        subtitle=pick("Plätze (Betten) für Frauen und Kinder am Quartalsende; gestrichelt: Soll",
                      "Places (beds) for women and children at quarter end; dashed: target"),
        unit=pick("Plätze", "places"), target=ts.set_index("quarter")["shelter_places_needed"],
        target_label=(target.label_de if lang() == "de" else target.label_en) if target else "",
        suppressed=masks, **style.kwargs(),
    )
    c.chart(fig, view=view, indicator_id="shelter_places", key="protection_trend",
            table=c.public_table(ts[["quarter", "label", "shelter_places", "shelter_places_needed"]],
                                 ["shelter_places"], view))

# coverage ranking: the Kreise of the Land (or the Länder for Germany)
if view.ags == GERMANY:
    scope_level, scope_land, scope_name = "land", None, pick("Länder", "Länder")
else:
    scope_level, scope_land = "kreis", view.region.land_ags
    scope_name = pick(f"Kreise in {data.regions().get(scope_land).name}",
                      f"Kreise in {data.regions().get(scope_land).name}")
ranking = data.table(scope_level, view.period, land=scope_land, variant=view.variant)
fig = c.figure(
    "bar_ranking", ranking, value="shelter_coverage_pct", label="name",
    title=charts.chart_title(pick("Zielerreichung Schutzplätze", "Shelter places: target attainment"),
                             scope_name, when),
    subtitle=pick("Vorhandene Plätze in % des Solls (Soll = 100 %)", "Existing places as % of the target (100 %)"),
    unit="%", target=100, target_label=pick("Soll", "Target"), highlight=view.ags,
    **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="shelter_coverage_pct", key="protection_ranking",
        table=ranking[["ags", "name", "shelter_places", "shelter_places_needed", "shelter_places_missing",
                       "shelter_coverage_pct", "shelters_completeness"]])

c.trend(view, ["shelter_occupancy_women_pct", "shelter_occupancy_children_pct"], key="protection_occupancy",
        what_de="Auslastung", what_en="Occupancy", style_=style, unit_="%",
        subtitle_de="Belegte Platz-Tage in % von Plätzen × Tagen im Quartal; über 100 %: Überbelegung",
        subtitle_en="Occupied place-days as % of places × days; above 100 %: over-occupancy")
c.trend(view, ["shelter_turn_aways", "shelter_turn_aways_no_space"], key="protection_turnaways",
        what_de="Abweisungen", what_en="Turn-aways", style_=style, unit_=pick("Anfragen", "requests"),
        subtitle_de="Abgewiesene Aufnahmeanfragen je Quartal – Anfragen, nicht Personen",
        subtitle_en="Requests turned away per quarter – requests, not persons")
full_days = catalogue.get("shelter_full_days")
c.trend(view, ["shelter_full_days"], key="protection_fulldays", style_=style,
        what_de="Tage ohne Aufnahmemöglichkeit", what_en="Days with no admission possible",
        subtitle_de=full_days.formula_de, subtitle_en=full_days.formula_en)

st.subheader(pick("Datenstand", "Data status"))
c.completeness_caption(report.completeness, ("shelters",))
c.population_caption(report)
c.privacy_note(view)
