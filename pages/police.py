"""Polizei & Intervention — police call-outs for domestic violence (trend, season, per 10,000 inhabitants),
eviction orders, referrals to counselling, high-risk cases, victims; and the intervention chain from call-out
to shelter admission for the chosen region and period."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import catalogue, charts, privacy
from monitor.indicators import chain_from_report
from ui import components as c
from ui import data
from ui.i18n import lang, pick

view = st.session_state["view"]
report = data.report(view.ags, view.period, view.variant)
en = lang() == "en"
index = data.regions()
period_text = charts.quarter_label(view.period, lang())
DS = ("police",)
COMPARE_NOTE = pick(catalogue.COMPARABILITY_DE, catalogue.COMPARABILITY_EN)
SERIES_IDS = (
    "police_callouts", "police_callouts_per_10k", "police_eviction_orders", "police_eviction_rate_pct",
    "police_referrals", "police_referral_rate_pct", "police_high_risk_cases", "police_victims_female",
    "police_victims_male",
)
COMPARE_IDS = ("police_callouts", "police_callouts_per_10k", "police_referral_rate_pct")
# Short chain labels (the catalogue's are too long for bar labels); unit and link go in the note below each.
CHAIN_LABELS = {
    "police_callouts": ("Polizeieinsätze", "Police call-outs"),
    "police_eviction_orders": ("Wohnungsverweisungen", "Eviction orders"),
    "police_referrals": ("Weiterleitungen an Beratung", "Referrals to counselling"),
    "counselling_police_referrals_reached": ("Von der Beratung erreicht", "Reached by counselling"),
    "shelter_admissions_women": ("Aufnahmen im Frauenhaus", "Shelter admissions"),
    "shelter_turn_aways": ("Abweisungen (neben der Kette)", "Turn-aways (beside the chain)"),
}
CHAIN_NOTES = {
    "police_callouts": ("Fälle", "cases"),
    "police_eviction_orders": ("Anordnungen", "orders"),
    "police_referrals": ("Fälle, mit Einwilligung", "cases, with consent"),
    "counselling_police_referrals_reached": ("Personen", "persons"),
    "shelter_admissions_women": ("Frauen, alle Aufnahmen", "women, all admissions"),
    "shelter_turn_aways": ("Anfragen, nicht Personen", "requests, not persons"),
}
DATASET_NAMES = {"police": ("Polizei", "police"), "counselling": ("Beratung", "counselling"),
                 "shelters": ("Schutzunterkünfte", "shelters")}
SHARE_BASE = {
    "police_eviction_rate_pct": ("der Einsätze", "of call-outs"),
    "police_referral_rate_pct": ("der Einsätze", "of call-outs"),
    "counselling_reach_rate_pct": ("der Vermittlungen", "of referrals"),
}


kit = c.PageKit(view, report)


series = kit.load_series(SERIES_IDS, COMPARE_IDS)
span = kit.quarter_span(series)
here = kit.place_name(view.region)
emphasis = kit.compare_names[view.ags] if len(kit.compare) > 1 else None
style = c.style(DS, report)

# --- header -------------------------------------------------------------------------------------------------

st.title(pick("Polizei & Intervention", "Police & intervention") +
         f" · {here} · {view.period.label_de() if not en else view.period}")
st.caption(pick(
    "Polizeieinsätze wegen häuslicher Gewalt, Wohnungsverweisungen, Weiterleitungen an die Beratung "
    "(pro-aktiver Ansatz) und Hochrisikofälle (Art. 50–52 der Istanbul-Konvention); dazu die Interventionskette "
    "vom Einsatz bis zur Aufnahme im Frauenhaus.",
    "Police call-outs for domestic violence, eviction orders, referrals to counselling (pro-active approach) and "
    "high-risk cases (Art. 50–52 of the Istanbul Convention); and the intervention chain from call-out to "
    "shelter admission.",
))
c.completeness_caption(report.completeness, DS)
st.info(COMPARE_NOTE, icon=":material/info:")

# short labels: Streamlit cuts long metric labels; the full label is in the help text
METRIC_LABELS = {
    "police_callouts": ("Einsätze häusliche Gewalt", "Call-outs, domestic violence"),
    "police_callouts_per_10k": ("Einsätze je 10.000 Einw.", "Call-outs per 10,000 inh."),
    "police_eviction_orders": ("Wohnungsverweisungen", "Eviction orders"),
    "police_referrals": ("Weiterleitungen an Beratung", "Referrals to counselling"),
}
KEY = (("police_callouts", None), ("police_callouts_per_10k", None), ("police_eviction_orders",
       "police_eviction_rate_pct"), ("police_referrals", "police_referral_rate_pct"),
       ("police_high_risk_cases", None), ("police_victims_female", None), ("police_victims_male", None))
for row in (KEY[:4], KEY[4:]):
    for col, (ind_id, rate_id) in zip(st.columns(4), row):
        ind = catalogue.get(ind_id)
        short = pick(*METRIC_LABELS[ind_id]) if ind_id in METRIC_LABELS else c.label(ind_id)
        col.metric(short, kit.display(ind_id), help=f"{c.label(ind_id)}: {pick(ind.formula_de, ind.formula_en)}. "
                                                f"{pick(ind.caveat_de, ind.caveat_en)}")
        if rate_id:
            col.caption(f"{c.label(rate_id)}: **{kit.display(rate_id)}**")

# --- call-outs ----------------------------------------------------------------------------------------------

st.header(pick("Polizeieinsätze", "Police call-outs"))
callouts = pd.DataFrame({c.label("police_callouts"): kit.shown_column(series, "police_callouts")}, index=series.index)
fig = c.figure(
    "trend_chart", callouts, title=charts.chart_title(c.label("police_callouts"), here, span),
    subtitle=c.subtitle("police_callouts"), unit=c.unit("police_callouts"), **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_callouts", table=c.as_table(callouts), key="po_callouts")

# the same quarters side by side per year: the seasonal pattern
season = dict(zip(series.index, kit.shown_column(series, "police_callouts").tolist()))
years = sorted({q[:4] for q in season})[-5:]
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
by_year = pd.DataFrame({y: [season.get(f"{y}-{q}") for q in QUARTERS] for y in years}, index=list(QUARTERS))
fig = c.figure(
    "trend_chart", by_year,
    title=charts.chart_title(pick("Polizeieinsätze im Jahresverlauf", "Police call-outs through the year"), here,
                             f"{years[0]}–{years[-1]}" if years else period_text),
    subtitle=pick("Einsätze je Quartal, eine Linie je Jahr: zeigt wiederkehrende Spitzen im Jahresverlauf",
                  "Call-outs per quarter, one line per year: shows recurring peaks through the year"),
    unit=c.unit("police_callouts"), emphasis=str(view.period.last.year) if len(years) > 1 else None,
    **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_callouts", key="po_season",
        table=c.text_marks(by_year.rename_axis(pick("Quartal", "Quarter")).reset_index()))

per10k = kit.compared("police_callouts_per_10k")
fig = c.figure(
    "trend_chart", per10k, title=charts.chart_title(c.label("police_callouts_per_10k"), here, span),
    subtitle=c.subtitle("police_callouts_per_10k", pick(f"Bevölkerung: Basis {report.population['basis']}.",
                                                      f"Population: {report.population['basis']} basis.")
                      if report.population.get("basis") else ""),
    unit=c.unit("police_callouts_per_10k"), decimals=1, emphasis=emphasis, note=COMPARE_NOTE, axis_title="",
    **c.style(DS, report).kwargs(),
)
c.chart(fig, view=view, indicator_id="police_callouts_per_10k", table=c.as_table(per10k), key="po_per10k")

# ranking of the Kreise of the Land, or of the Länder
table, what, highlight = kit.ranking_scope("po_ranking_scope")
ranked = table.assign(shown=kit.shown_column(table, "police_callouts_per_10k"))
fig = c.figure(
    "bar_ranking", ranked, value="shown", label="label", key="ags", highlight=highlight,
    title=charts.chart_title(c.label("police_callouts_per_10k"), what, view.period),
    subtitle=c.subtitle("police_callouts_per_10k", pick("Höhere Werte können mehr Gewalt oder mehr Anzeigen und "
                                                      "Einsätze bedeuten.", "Higher values may mean more violence "
                                                      "or more reporting.")),
    unit=c.unit("police_callouts_per_10k"), decimals=1, axis_title="", note=COMPARE_NOTE, **style.kwargs(),
)
out = c.text_marks(pd.DataFrame({
    "AGS": ranked["ags"], pick("Region", "Region"): ranked["label"],
    c.label("police_callouts"): [kit.shown_cell("police_callouts", v, f) for v, f in
                                 zip(ranked["police_callouts"], privacy.flag_column(ranked, "police_callouts"))],
    c.label("police_callouts_per_10k"): ranked["shown"],
    pick("Einwohner:innen", "Inhabitants"): ranked["population_total"],
    pick("Vollständigkeit", "Completeness"): ranked["police_completeness"],
}))
c.chart(fig, view=view, indicator_id="police_callouts_per_10k", table=out, key="po_ranking")
if what == "Länder":
    st.caption(COMPARE_NOTE)

# --- eviction orders and referrals --------------------------------------------------------------------------

st.header(pick("Wohnungsverweisungen und Weiterleitungen an die Beratung",
               "Eviction orders and referrals to counselling"))
counts = pd.DataFrame({c.label(i): kit.shown_column(series, i) for i in ("police_eviction_orders", "police_referrals")},
                      index=series.index)
fig = c.figure(
    "trend_chart", counts,
    title=charts.chart_title(pick("Wohnungsverweisungen und Weiterleitungen", "Eviction orders and referrals"),
                             here, span),
    subtitle=pick("Anordnungen bzw. Fälle je Quartal; Weiterleitung an eine Beratungsstelle nur mit Einwilligung "
                  "(pro-aktiver Ansatz)", "Orders and cases per quarter; referral to counselling with consent only "
                  "(pro-active approach)"),
    unit=pick("Anordnungen / Fälle", "orders / cases"), **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_referrals", table=c.as_table(counts), key="po_counts")
rates = pd.DataFrame({c.label(i): kit.shown_column(series, i)
                      for i in ("police_referral_rate_pct", "police_eviction_rate_pct")}, index=series.index)
fig = c.figure(
    "trend_chart", rates,
    title=charts.chart_title(pick("Weiterleitungs- und Wohnungsverweisungsquote", "Referral and eviction rates"),
                             here, span),
    subtitle=pick("In % der Einsätze: Weiterleitungen ÷ Einsätze × 100, Wohnungsverweisungen ÷ Einsätze × 100; "
                  "nur Kreise, die den Zähler melden", "As % of call-outs: referrals ÷ call-outs × 100, eviction "
                  "orders ÷ call-outs × 100; only Kreise that report the numerator"),
    unit="%", decimals=1, **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_referral_rate_pct", table=c.as_table(rates), key="po_rates")
referral_compare = kit.compared("police_referral_rate_pct")
if len(kit.compare) > 1:
    fig = c.figure(
        "trend_chart", referral_compare,
        title=charts.chart_title(c.label("police_referral_rate_pct"), f"{here} {pick('im Vergleich', 'compared')}",
                                 span),
        subtitle=c.subtitle("police_referral_rate_pct"), unit="%", decimals=1, emphasis=emphasis,
        note=COMPARE_NOTE, **style.kwargs(),
    )
    c.chart(fig, view=view, indicator_id="police_referral_rate_pct", table=c.as_table(referral_compare),
            key="po_ref_compare")

# --- high-risk cases and victims ----------------------------------------------------------------------------

st.header(pick("Hochrisikofälle und Opfer", "High-risk cases and victims"))
high_risk = pd.DataFrame({c.label("police_high_risk_cases"): kit.shown_column(series, "police_high_risk_cases")},
                         index=series.index)
fig = c.figure(
    "trend_chart", high_risk, title=charts.chart_title(c.label("police_high_risk_cases"), here, span),
    subtitle=c.subtitle("police_high_risk_cases", pick(catalogue.get("police_high_risk_cases").caveat_de,
                                                     catalogue.get("police_high_risk_cases").caveat_en)),
    unit=c.unit("police_high_risk_cases"), **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_high_risk_cases", table=c.as_table(high_risk), key="po_high_risk")
recent = series.tail(8)
victims = pd.DataFrame({c.label(i): kit.shown_column(recent, i)
                        for i in ("police_victims_female", "police_victims_male")},
                       index=recent.index)
fig = c.figure(
    "stacked_bars", victims,
    title=charts.chart_title(pick("Opfer häuslicher Gewalt nach Geschlecht", "Victims of domestic violence by sex"),
                             here, kit.quarter_span(recent)),
    subtitle=pick("Personen je Quartal laut Polizei; ein Einsatz kann mehrere Opfer haben",
                  "Persons per quarter according to the police; one call-out may involve several victims"),
    unit=pick("Personen", "persons"), axis_title="", **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_victims_female", table=c.as_table(victims), key="po_victims")

# --- intervention chain -------------------------------------------------------------------------------------

st.header(pick("Interventionskette", "Intervention chain"))
not_a_funnel = pick(
    "Die Kette verknüpft drei Datensätze mit verschiedenen Zähleinheiten: Einsätze und Weiterleitungen sind Fälle "
    "(Polizei), „erreicht“ sind Personen (Beratungsstellen), Aufnahmen sind Frauen und Abweisungen sind Anfragen "
    "(Schutzunterkünfte). Die Schritte sind daher kein Trichter derselben Personen; Anteile stehen nur dort, wo "
    "eine Quote des Monitors beide Zahlen verbindet.",
    "The chain links three datasets with different units: call-outs and referrals are cases (police), "
    "'reached' are persons (counselling services), admissions are women and turn-aways are requests (shelters). "
    "The steps are therefore not a funnel of the same people; shares appear only where a rate of the monitor "
    "links both figures.",
)
st.info(not_a_funnel, icon=":material/link:")
steps = chain_from_report(report)
chain_steps, chain_rows = [], []
for step in steps:
    # indicators.ChainStep → charts.ChainStep: shares come from the monitor's rates (with their own
    # denominators and the privacy rule), not from dividing adjacent bars, so share_of_previous is off
    shown = kit.shown_cell(step.id, step.value, step.flag)
    note = pick(*CHAIN_NOTES[step.id])
    share_text = ""
    if step.share_id and step.share_pct is not None:
        share = privacy.display_value(step.share_id, step.share_pct, step.share_flag)
        share_text = (pick("Quote zurückgehalten", "rate withheld") if share.suppressed else
                      f"{charts.format_number(share.value, 1, '%', lang())} {pick(*SHARE_BASE[step.share_id])}")
        note = f"{note} · {share_text}"
    chain_steps.append(charts.ChainStep(pick(*CHAIN_LABELS[step.id]), shown, note, share_of_previous=False,
                                       beside=step.beside))
    chain_rows.append({
        pick("Schritt", "Step"): c.label(step.id),
        pick("Wert", "Value"): shown,
        pick("Einheit", "Unit"): c.unit(step.id),
        pick("Anteil", "Share"): share_text,
        pick("Datensatz", "Dataset"): pick(*DATASET_NAMES[catalogue.get(step.id).dataset]),
        pick("Vollständigkeit", "Completeness"): pick(step.completeness.text_de, step.completeness.text_en)
        if step.completeness else "",
    })
fig = c.figure(
    "chain_chart", chain_steps,
    title=charts.chart_title(pick("Interventionskette", "Intervention chain"), here, view.period),
    subtitle=pick("Vom Polizeieinsatz bis zur Aufnahme im Frauenhaus; verschiedene Datensätze und Zähleinheiten "
                  "(Fälle, Personen, Anfragen) – kein Trichter derselben Personen",
                  "From police call-out to shelter admission; different datasets and units (cases, persons, "
                  "requests) – not a funnel of the same people"),
    **c.style(("police", "counselling", "shelters"), report).kwargs(),
)
c.chart(fig, view=view, indicator_id="police_callouts", table=c.text_marks(pd.DataFrame(chain_rows)), key="po_chain")
c.completeness_caption(report.completeness, ("police", "counselling", "shelters"))

# --- data status --------------------------------------------------------------------------------------------

st.header(pick("Datenstand", "Data status"))
c.completeness_caption(report.completeness, DS)
c.population_caption(report)
c.privacy_note(view)
