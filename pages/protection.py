"""Schutz — shelter places against the target over time, coverage ranking, occupancy, turn-aways, full days."""

from __future__ import annotations

import streamlit as st

from monitor import catalogue, charts
from monitor.regions import GERMANY
from ui import components as c
from ui import data
from ui.i18n import _, fmt, lang, pick

view = st.session_state["view"]
report = data.report(view.ags, view.period, view.variant)
places = report.values["shelter_places"]
target = places.target
style = c.style(("shelters",), report, target.source if target else None)
where, when = data.regions().display_name(view.region), c.period_text(view)

st.title(_("Schutz – {name}", name=view.region.name))
counting = (_("2,5 Plätze je Familienplatz (deutsche Praxis)") if view.variant == "DE"
            else _("1 Platz je Familienplatz (WAVE/EIGE)"))
st.caption(_("{period} · Zählweise: {counting} – umschaltbar in der Seitenleiste unter „Zählweise Schutzplätze“.",
             period=fmt.period(view.period, lang(), long=True), counting=counting))

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
    st.info(_("Für diese Region liegen keine Meldungen zu Schutzunterkünften vor."))
else:
    frame, masks = c.trend_frame(ts, ["shelter_places"], view)
    fig = c.figure(
        "trend_chart", frame,
        title=charts.chart_title(_("Schutzplätze und Soll"), where),
        subtitle=_("Plätze (Betten) für Frauen und Kinder am Quartalsende; gestrichelt: Soll"),
        unit=_("Plätze"), target=ts.set_index("quarter")["shelter_places_needed"],
        target_label=pick(target.label_de, target.label_en) if target else "",
        suppressed=masks, **style.kwargs(),
    )
    c.chart(fig, view=view, indicator_id="shelter_places", key="protection_trend",
            table=c.public_table(ts[["quarter", "label", "shelter_places", "shelter_places_needed"]],
                                 ["shelter_places"], view))

# coverage ranking: the Kreise of the Land (or the Länder for Germany)
if view.ags == GERMANY:
    scope_level, scope_land, scope_name = "land", None, _("Länder")
else:
    scope_level, scope_land = "kreis", view.region.land_ags
    scope_name = _("Kreise in {name}", name=data.regions().get(scope_land).name)
ranking = data.table(scope_level, view.period, land=scope_land, variant=view.variant)
fig = c.figure(
    "bar_ranking", ranking, value="shelter_coverage_pct", label="name",
    title=charts.chart_title(_("Zielerreichung Schutzplätze"), scope_name, when),
    subtitle=_("Vorhandene Plätze in % des Solls (Soll = 100 %)"),
    unit="%", target=100, target_label=_("Soll"), highlight=view.ags,
    **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="shelter_coverage_pct", key="protection_ranking",
        table=c.labelled(ranking, ["shelter_places", "shelter_places_needed", "shelter_places_missing",
                                   "shelter_coverage_pct"], extra=["shelters_completeness"]))

c.trend(view, ["shelter_occupancy_women_pct", "shelter_occupancy_children_pct"], key="protection_occupancy",
        what=_("Auslastung"), style_=style, unit_="%",
        subtitle=_("Belegte Platz-Tage in % von Plätzen × Tagen im Quartal; über 100 %: Überbelegung"))
c.trend(view, ["shelter_turn_aways", "shelter_turn_aways_no_space"], key="protection_turnaways",
        what=_("Abweisungen"), style_=style, unit_=_("Anfragen"),
        subtitle=_("Abgewiesene Aufnahmeanfragen je Quartal – Anfragen, nicht Personen"))
full_days = catalogue.get("shelter_full_days")
c.trend(view, ["shelter_full_days"], key="protection_fulldays", style_=style,
        what=_("Tage ohne Aufnahmemöglichkeit"), subtitle=pick(full_days.formula_de, full_days.formula_en))

st.subheader(_("Datenstand"))
c.completeness_caption(report.completeness, ("shelters",))
c.population_caption(report)
c.privacy_note(view)
