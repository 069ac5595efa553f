"""Übersicht — the chosen region at a glance: Ist / Soll / Lücke per pillar, trend, comparison, data status."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import assessment, catalogue, charts
from monitor.catalogue import PILLARS
from monitor.regions import GERMANY
from ui import components as c
from ui import data
from ui.i18n import _, fmt, lang, pick

view = st.session_state["view"]
report = data.report(view.ags, view.period, view.variant)
previous = data.report(view.ags, view.period.previous_year(), view.variant)
status = data.status()

st.title(f"{view.region.name} · {fmt.period(view.period, lang(), long=True)}")
st.caption(_("Letztes Quartal mit Daten: {quarter} · Stand: {stand}",
             quarter=fmt.quarter(status["latest_quarter_overall"], lang()),
             stand=fmt.datetime_(status["stand"], lang())))

st.header(_("Ist, Soll und Lücke"))
st.caption(f"{c.pillar(catalogue.PROTECTION)} · {assessment.rule(lang())}")
rows = []
for col, service in zip(st.columns(len(catalogue.TARGETED_SERVICES)), catalogue.TARGETED_SERVICES):
    with col:
        rows.append(c.target_card(report, service, view, previous))
attain = pd.DataFrame({"label": [r["label"] for r in rows], "actual": [r["pct"] for r in rows],
                       "target": [100.0] * len(rows)})
target_sources = "; ".join(sorted({r["source"] for r in rows if r["source"]}))
fig = c.figure(
    "gap_bars", attain, label="label", actual="actual", target="target",
    title=charts.chart_title(_("Zielerreichung"), data.regions().display_name(view.region), c.period_text(view)),
    subtitle=_("Ist in % des Solls (Soll = 100 %); Schutzplätze: Plätze, nicht Familienplätze"),
    unit="%", **c.style(("shelters", "counselling"), report, target_sources).kwargs(),
)
c.chart(fig, view=view, indicator_id="shelter_coverage_pct", table=c.target_table(rows), key="overview_gap")

st.header(_("Entwicklung und Vergleich"))
KEY = ("shelter_places_per_10k", "shelter_occupancy_women_pct", "shelter_turn_aways",
       "counselling_persons_per_10k_women", "counselling_waiting_days", "police_callouts_per_10k",
       "police_referral_rate_pct", "counselling_reach_rate_pct", "police_high_risk_cases")
compare = [("region", report)]
land = view.region.land_ags if view.region.level == "kreis" else None
if land:
    compare.append(("land", data.report(land, view.period, view.variant)))
if view.ags != GERMANY:
    compare.append(("de", data.report(GERMANY, view.period, view.variant)))
records = []
for ind_id in KEY:
    rec = {_("Kennzahl"): c.label(ind_id), _("Einheit"): c.unit(ind_id)}
    now = report.values[ind_id]
    rec[f"{data.regions().display_name(view.region)} {c.period_text(view)}"] = c.shown(now, view).display
    before = previous.values[ind_id]
    rec[_("Vorjahr {period}", period=fmt.period(view.period.previous_year(), lang()))] = c.shown(before, view).display
    for _kind, rep in compare[1:]:
        rec[rep.region_name] = c.shown(rep.values[ind_id], view).display
    records.append(rec)
st.dataframe(pd.DataFrame(records), hide_index=True, width="stretch")
if land or view.ags != GERMANY:
    st.caption(pick(catalogue.COMPARABILITY_DE, catalogue.COMPARABILITY_EN))

st.header(_("Säulen ohne Kennzahlen"))
covered = {catalogue.get(i).pillar for i in catalogue.ids()}
for pillar in PILLARS:
    if pillar not in covered:
        st.markdown(_("- **{pillar}**: erhebt der Monitor noch nicht (keine Quartalsdaten).",
                      pillar=c.pillar(pillar)))

st.header(_("Datenstand"))
c.completeness_caption(report.completeness, ("shelters", "counselling", "police"))
c.population_caption(report)
c.privacy_note(view)
