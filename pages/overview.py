"""Übersicht — the chosen region at a glance: Ist / Soll / Lücke per pillar, trend, comparison, data status."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import assessment, catalogue, charts
from monitor.catalogue import PILLARS
from monitor.regions import GERMANY
from ui import components as c
from ui import data
from ui.i18n import lang, pick

view = st.session_state["view"]
report = data.report(view.ags, view.period, view.variant)
previous = data.report(view.ags, view.period.previous_year(), view.variant)
en = lang() == "en"

st.title(f"{view.region.name} · {view.period.label_de() if not en else view.period}")
status = data.status()
st.caption(
    (f"Latest quarter with data: {status['latest_quarter_overall']} · As of {status['stand_de']}" if en else
     f"Letztes Quartal mit Daten: {status['latest_quarter_overall']} · Stand: {status['stand_de']}")
)

st.header(pick("Ist, Soll und Lücke", "Actual, target and gap"))
st.caption(pick(catalogue.PILLARS[1], catalogue.PILLARS_EN[catalogue.PILLARS[1]]) + " · " +
           pick(assessment.RULE_DE, assessment.RULE_EN))
rows = []
cols = st.columns(len(catalogue.TARGETED_SERVICES))
for col, (actual_id, needed_id, missing_id, _coverage_id) in zip(cols, catalogue.TARGETED_SERVICES):
    v = report.values[actual_id]
    pct = report.coverage_pct(actual_id)
    light = assessment.attainment(pct)
    before = previous.value(actual_id)
    delta = None
    if v.value is not None and before is not None:
        delta = charts.format_number(v.value - before, 0, language=lang())
        delta = delta if delta.startswith(("-", "−")) else f"+{delta}"
    with col.container(border=True):
        st.metric(
            c.label(actual_id), c.shown(v, view).display, delta=delta,
            delta_description=pick("zum Vorjahreszeitraum", "vs. same period last year") if delta else None,
            help=pick(catalogue.get(actual_id).caveat_de, catalogue.get(actual_id).caveat_en),
        )
        needed = report.value(needed_id)
        missing = report.value(missing_id)
        # the same decimals as everywhere else (catalogue): centres needed are fractional, places are not
        soll = (charts.format_number(needed, catalogue.get(needed_id).decimals, language=lang())
                if needed is not None else "–")
        gap = (charts.format_number(missing, catalogue.get(missing_id).decimals, language=lang())
               if missing is not None else "–")
        if light:
            word = assessment.LABELS[light][1 if en else 0]
            st.badge(f"{charts.format_number(pct, 0, '%', lang())} – {word}", color=assessment.COLOURS[light],
                     icon=assessment.ICONS[light])
        st.markdown(pick(f"Soll **{soll}** · Lücke **{gap}**", f"Target **{soll}** · gap **{gap}**"))
        st.caption(c.target_text(v, report))
    rows.append({
        pick("Kennzahl", "Indicator"): c.label(actual_id),
        pick("Ist", "Actual"): v.value,
        pick("Soll", "Target"): needed,
        pick("Lücke", "Gap"): missing,
        pick("Zielerreichung (%)", "Attainment (%)"): pct,
        pick("Soll-Quelle", "Target source"): v.target.source if v.target else "",
    })

table = pd.DataFrame(rows)
attain = pd.DataFrame({
    "label": [r[pick("Kennzahl", "Indicator")] for r in rows],
    "actual": [r[pick("Zielerreichung (%)", "Attainment (%)")] for r in rows],
    "target": [100.0] * len(rows),
})
target_sources = "; ".join(sorted({r[pick("Soll-Quelle", "Target source")] for r in rows
                                   if r[pick("Soll-Quelle", "Target source")]}))
fig = c.figure(
    "gap_bars", attain, label="label", actual="actual", target="target",
    title=charts.chart_title(pick("Zielerreichung", "Target attainment"), data.regions().display_name(view.region),
                             charts.quarter_label(view.period, lang())),
    subtitle=pick("Ist in % des Solls (Soll = 100 %); Schutzplätze: Plätze, nicht Familienplätze",
                  "Actual as % of target (target = 100 %); shelter places: places, not family places"),
    unit="%", **c.style(("shelters", "counselling"), report, target_sources).kwargs(),
)
c.chart(fig, view=view, indicator_id="shelter_coverage_pct", table=table, key="overview_gap")

st.header(pick("Entwicklung und Vergleich", "Trend and comparison"))
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
    ind = catalogue.get(ind_id)
    rec = {pick("Kennzahl", "Indicator"): c.label(ind_id), pick("Einheit", "Unit"): c.unit(ind_id)}
    now = report.values[ind_id]
    rec[f"{data.regions().display_name(view.region)} {view.period}"] = c.shown(now, view).display
    before = previous.values[ind_id]
    rec[f"{pick('Vorjahr', 'Last year')} {view.period.previous_year()}"] = c.shown(before, view).display
    for _kind, rep in compare[1:]:
        rec[rep.region_name] = c.shown(rep.values[ind_id], view).display
    records.append(rec)
st.dataframe(pd.DataFrame(records), hide_index=True, width="stretch")
if land or view.ags != GERMANY:
    st.caption(pick(
        "Ländervergleiche nur mit Vorsicht: Die Länder grenzen häusliche Gewalt in der Polizeistatistik "
        "unterschiedlich ab (nur Partnerschaft oder auch Familie).",
        "Compare Länder with care: they define domestic violence differently in police data.",
    ))

st.header(pick("Säulen ohne Kennzahlen", "Pillars without indicators"))
covered = {catalogue.get(i).pillar for i in catalogue.ids()}
for pillar in PILLARS:
    if pillar not in covered:
        st.markdown(pick(
            f"- **{pillar}**: erhebt der Monitor noch nicht (keine Quartalsdaten).",
            f"- **{catalogue.PILLARS_EN[pillar]}**: not yet collected by the monitor (no quarterly data).",
        ))

st.header(pick("Datenstand", "Data status"))
c.completeness_caption(report.completeness, ("shelters", "counselling", "police"))
c.population_caption(report)
c.privacy_note(view)
