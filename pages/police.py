"""Polizei & Intervention — police call-outs for domestic violence (trend, season, per 10,000 inhabitants),
eviction orders, referrals to counselling, high-risk cases, victims; and the intervention chain from call-out
to shelter admission for the chosen region and period."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import catalogue, chain, charts, privacy
from ui import components as c
from ui import data
from ui.i18n import N_, _, lang, pick

view = st.session_state["view"]
report = data.report(view.ags, view.period, view.variant)
index = data.regions()
DS = ("police",)
COMPARE_NOTE = pick(catalogue.COMPARABILITY_DE, catalogue.COMPARABILITY_EN)
SERIES_IDS = (
    "police_callouts", "police_callouts_per_10k", "police_eviction_orders", "police_eviction_rate_pct",
    "police_referrals", "police_referral_rate_pct", "police_high_risk_cases", "police_victims_female",
    "police_victims_male",
)
COMPARE_IDS = ("police_callouts", "police_callouts_per_10k", "police_referral_rate_pct")


kit = c.PageKit(view, report)


series = kit.load_series(SERIES_IDS, COMPARE_IDS)
span = kit.quarter_span(series)
here = kit.place_name(view.region)
emphasis = kit.compare_names[view.ags] if len(kit.compare) > 1 else None
style = c.style(DS, report)

# --- header -------------------------------------------------------------------------------------------------

st.title(_("Polizei & Intervention · {region} · {period}", region=here, period=c.period_text(view)))
st.caption(_("Polizeieinsätze wegen häuslicher Gewalt, Wohnungsverweisungen, Weiterleitungen an die Beratung "
             "(pro-aktiver Ansatz) und Hochrisikofälle (Art. 50–52 der Istanbul-Konvention); dazu die "
             "Interventionskette vom Einsatz bis zur Aufnahme im Frauenhaus."))
c.completeness_caption(report.completeness, DS)
st.info(COMPARE_NOTE, icon=":material/info:")

# short labels: Streamlit cuts long metric labels; the full label is in the help text
METRIC_LABELS = {
    "police_callouts": N_("Einsätze häusliche Gewalt"),
    "police_callouts_per_10k": N_("Einsätze je 10.000 Einw."),
    "police_eviction_orders": N_("Wohnungsverweisungen"),
    "police_referrals": N_("Weiterleitungen an Beratung"),
}
KEY = (("police_callouts", None), ("police_callouts_per_10k", None), ("police_eviction_orders",
       "police_eviction_rate_pct"), ("police_referrals", "police_referral_rate_pct"),
       ("police_high_risk_cases", None), ("police_victims_female", None), ("police_victims_male", None))
for row in (KEY[:4], KEY[4:]):
    for col, (ind_id, rate_id) in zip(st.columns(4), row):
        ind = catalogue.get(ind_id)
        short = _(METRIC_LABELS[ind_id]) if ind_id in METRIC_LABELS else c.label(ind_id)
        col.metric(short, kit.display(ind_id), help=f"{c.label(ind_id)}: {pick(ind.formula_de, ind.formula_en)}. "
                                                f"{pick(ind.caveat_de, ind.caveat_en)}")
        if rate_id:
            col.caption(f"{c.label(rate_id)}: **{kit.display(rate_id)}**")

# --- call-outs ----------------------------------------------------------------------------------------------

st.header(_("Polizeieinsätze"))
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
    title=charts.chart_title(_("Polizeieinsätze im Jahresverlauf"), here,
                             f"{years[0]}–{years[-1]}" if years else c.period_text(view)),
    subtitle=_("Einsätze je Quartal, eine Linie je Jahr: zeigt wiederkehrende Spitzen im Jahresverlauf"),
    unit=c.unit("police_callouts"), emphasis=str(view.period.last.year) if len(years) > 1 else None,
    **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_callouts", key="po_season",
        table=c.text_marks(by_year.rename_axis(_("Quartal")).reset_index()))

per10k = kit.compared("police_callouts_per_10k")
fig = c.figure(
    "trend_chart", per10k, title=charts.chart_title(c.label("police_callouts_per_10k"), here, span),
    subtitle=c.subtitle("police_callouts_per_10k", _("Bevölkerung: Basis {basis}.", basis=report.population["basis"])
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
    subtitle=c.subtitle("police_callouts_per_10k", _("Höhere Werte können mehr Gewalt oder mehr Anzeigen und "
                                                     "Einsätze bedeuten.")),
    unit=c.unit("police_callouts_per_10k"), decimals=1, axis_title="", note=COMPARE_NOTE, **style.kwargs(),
)
out = c.text_marks(pd.DataFrame({
    "AGS": ranked["ags"], _("Region"): ranked["label"],
    c.label("police_callouts"): [kit.shown_cell("police_callouts", v, f) for v, f in
                                 zip(ranked["police_callouts"], privacy.flag_column(ranked, "police_callouts"))],
    c.label("police_callouts_per_10k"): ranked["shown"],
    _("Einwohner:innen"): ranked["population_total"],
    _("Vollständigkeit"): ranked["police_completeness"],
}))
c.chart(fig, view=view, indicator_id="police_callouts_per_10k", table=out, key="po_ranking")
if what == _("Länder"):
    st.caption(COMPARE_NOTE)

# --- eviction orders and referrals --------------------------------------------------------------------------

st.header(_("Wohnungsverweisungen und Weiterleitungen an die Beratung"))
counts = pd.DataFrame({c.label(i): kit.shown_column(series, i) for i in ("police_eviction_orders", "police_referrals")},
                      index=series.index)
fig = c.figure(
    "trend_chart", counts,
    title=charts.chart_title(_("Wohnungsverweisungen und Weiterleitungen"), here, span),
    subtitle=_("Anordnungen bzw. Fälle je Quartal; Weiterleitung an eine Beratungsstelle nur mit Einwilligung "
               "(pro-aktiver Ansatz)"),
    unit=_("Anordnungen / Fälle"), **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_referrals", table=c.as_table(counts), key="po_counts")
rates = pd.DataFrame({c.label(i): kit.shown_column(series, i)
                      for i in ("police_referral_rate_pct", "police_eviction_rate_pct")}, index=series.index)
fig = c.figure(
    "trend_chart", rates,
    title=charts.chart_title(_("Weiterleitungs- und Wohnungsverweisungsquote"), here, span),
    subtitle=_("In % der Einsätze: Weiterleitungen ÷ Einsätze × 100, Wohnungsverweisungen ÷ Einsätze × 100; nur "
               "Kreise, die den Zähler melden"),
    unit="%", decimals=1, **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_referral_rate_pct", table=c.as_table(rates), key="po_rates")
referral_compare = kit.compared("police_referral_rate_pct")
if len(kit.compare) > 1:
    fig = c.figure(
        "trend_chart", referral_compare,
        title=charts.chart_title(c.label("police_referral_rate_pct"), _("{region} im Vergleich", region=here),
                                 span),
        subtitle=c.subtitle("police_referral_rate_pct"), unit="%", decimals=1, emphasis=emphasis,
        note=COMPARE_NOTE, **style.kwargs(),
    )
    c.chart(fig, view=view, indicator_id="police_referral_rate_pct", table=c.as_table(referral_compare),
            key="po_ref_compare")

# --- high-risk cases and victims ----------------------------------------------------------------------------

st.header(_("Hochrisikofälle und Opfer"))
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
    title=charts.chart_title(_("Opfer häuslicher Gewalt nach Geschlecht"), here, kit.quarter_span(recent)),
    subtitle=_("Personen je Quartal laut Polizei; ein Einsatz kann mehrere Opfer haben"),
    unit=_("Personen"), axis_title="", **style.kwargs(),
)
c.chart(fig, view=view, indicator_id="police_victims_female", table=c.as_table(victims), key="po_victims")

# --- intervention chain -------------------------------------------------------------------------------------

st.header(_("Interventionskette"))
st.info(_(chain.NOT_A_FUNNEL), icon=":material/link:")
fig = c.figure("chain_figure", report, here, **c.style(("police", "counselling", "shelters"), report).kwargs())
c.chart(fig, view=view, indicator_id="police_callouts", table=pd.DataFrame(chain.rows(report, lang())),
        key="po_chain")
c.completeness_caption(report.completeness, ("police", "counselling", "shelters"))

# --- data status --------------------------------------------------------------------------------------------

st.header(_("Datenstand"))
c.completeness_caption(report.completeness, DS)
c.population_caption(report)
c.privacy_note(view)
