"""Beratung — counselling centres against the target, persons counselled by form of violence, waiting times,
police referrals received and reached, staff; for a Land or Germany a coverage ranking of its areas."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import assessment, catalogue, charts, ranking
from monitor.regions import GERMANY
from ui import components as c
from ui import data
from ui.i18n import _, lang, pick

view = st.session_state["view"]
report = data.report(view.ags, view.period, view.variant)
index = data.regions()
DS = ("counselling",)

CENTRES = [t for t in catalogue.TARGETED_SERVICES if t[0].startswith("counselling_")]
SERIES_IDS = (
    "counselling_centres", "counselling_centres_needed", "counselling_centres_sexual_violence",
    "counselling_centres_sexual_violence_needed", "counselling_persons", "counselling_waiting_days",
    "counselling_police_referrals", "counselling_police_referrals_reached", "counselling_reach_rate_pct",
    "counselling_staff_fte",
)
COMPARE_IDS = ("counselling_persons", "counselling_waiting_days", "counselling_police_referrals",
               "counselling_reach_rate_pct")


kit = c.PageKit(view, report)


series = kit.load_series(SERIES_IDS, COMPARE_IDS)
span = kit.quarter_span(series)
here = kit.place_name(view.region)

# --- header -------------------------------------------------------------------------------------------------

st.title(_("Beratung · {region} · {period}", region=here, period=c.period_text(view)))
st.caption(_("Frauenberatungsstellen und Fachberatung bei sexualisierter Gewalt (Art. 22 und 25 der "
             "Istanbul-Konvention): Angebot gegen Soll, Inanspruchnahme, Wartezeiten und pro-aktive Beratung "
             "nach Polizeieinsätzen."))
c.completeness_caption(report.completeness, DS)

# --- centres against the target -----------------------------------------------------------------------------

st.header(_("Beratungsstellen: Ist, Soll und Lücke"))
rows = []
for col, service in zip(st.columns(len(CENTRES)), CENTRES):
    with col:
        rows.append(c.target_card(report, service, view))
st.caption(assessment.rule(lang()))

gap = pd.DataFrame(rows)
small = gap["target"].dropna().lt(20).any()
sources = "; ".join(sorted({s for s in gap["source"] if s}))
fig = c.figure(
    "gap_bars", gap, label="label", actual="actual", target="target",
    title=charts.chart_title(_("Beratungsstellen: Ist und Soll"),
                             here, view.period),
    subtitle=_("Zahl der Einrichtungen; Soll nach Frauenzahl (1 Frauenberatungsstelle je 50.000 Frauen, 1 "
               "Fachberatungsstelle sexualisierte Gewalt je 200.000 Frauen); ohne Interventionsstellen"),
    unit="", axis_title="", decimals=1 if small else 0,
    **c.style(DS, report, sources).kwargs(),
)
gap_table = c.target_table(rows)
c.chart(fig, view=view, indicator_id="counselling_centres_coverage_pct", table=gap_table, key="co_gap")

st.subheader(_("Beratungsstellen im Zeitverlauf gegenüber dem Soll"))
tabs = st.tabs([c.label(actual_id) for actual_id, *_rest in CENTRES])
for tab, (actual_id, needed_id, _missing, _coverage) in zip(tabs, CENTRES):
    v = report.values[actual_id]
    frame = pd.DataFrame({c.label(actual_id): kit.shown_column(series, actual_id)}, index=series.index)
    need = kit.shown_column(series, needed_id)
    with tab:
        fig = c.figure(
            "trend_chart", frame,
            title=charts.chart_title(c.label(actual_id), here, span),
            subtitle=c.subtitle(actual_id, _("Gestrichelt: Soll nach Frauenzahl im jeweiligen Quartal.")),
            unit=c.unit(actual_id), target=need,
            target_label=pick(v.target.label_de, v.target.label_en or v.target.label_de) if v.target else "",
            decimals=1, axis_title="", **c.style(DS, report, v.target.source if v.target else None).kwargs(),
        )
        table = c.as_table(pd.DataFrame({c.label(actual_id): frame.iloc[:, 0], c.label(needed_id): need},
                                      index=series.index))
        c.chart(fig, view=view, indicator_id=actual_id, table=table, key=f"co_trend_{actual_id}")
        st.caption(c.target_text(v, report))

# --- persons counselled by form of violence -----------------------------------------------------------------

st.header(_("Beratene Personen nach Gewaltform"))
persons = report.values["counselling_persons_per_10k_women"]
m1, m2 = st.columns(2)
m1.metric(c.label("counselling_persons"), kit.display("counselling_persons"))
m2.metric(c.label("counselling_persons_per_10k_women"), kit.display("counselling_persons_per_10k_women"),
          help=pick(catalogue.get(persons.id).caveat_de, catalogue.get(persons.id).caveat_en))
reports = {r.ags: (report if r.ags == view.ags else data.report(r.ags, view.period, view.variant)) for r in kit.compare}
form_regions = [(kit.compare_names[r.ags], ranking.of_report(reports[r.ags])) for r in kit.compare]
if view.ags == GERMANY:
    # for Germany the Länder are the comparison
    laender = data.table("land", view.period, variant=view.variant)
    land_names = kit.names_for([index.get(a) for a in laender["ags"]])
    form_regions += [(land_names[row["ags"]], ranking.of_row(row)) for row in laender.to_dict("records")]
stack, form_table = ranking.forms_of_violence(form_regions, lang())
multiple = _("Mehrfachnennung möglich: eine Person kann wegen mehrerer Gewaltformen beraten werden, die "
             "Balkenlänge ist die Summe der Nennungen, nicht die Zahl der Personen.")
fig = c.figure(
    "stacked_bars", stack, horizontal=True, show_totals=False,
    title=charts.chart_title(_("Beratene Personen je 10.000 Frauen nach Gewaltform"), here, view.period),
    subtitle=_("Nennungen je 10.000 Frauen; ohne Täterarbeit. ") + multiple,
    unit=_("Nennungen je 10.000 Frauen"), decimals=1, axis_title="",
    **c.style(DS, report).kwargs(),
)
c.chart(fig, view=view, indicator_id="counselling_persons_per_10k_women", table=c.text_marks(form_table),
        key="co_forms")
st.caption(multiple)

# --- waiting times and staff --------------------------------------------------------------------------------

st.header(_("Wartezeit und Personal"))
emphasis = kit.compare_names[view.ags] if len(kit.compare) > 1 else None
wait = kit.compared("counselling_waiting_days")
fig = c.figure(
    "trend_chart", wait, title=charts.chart_title(c.label("counselling_waiting_days"), here, span),
    subtitle=c.subtitle("counselling_waiting_days"), unit=c.unit("counselling_waiting_days"), decimals=1,
    emphasis=emphasis, **c.style(DS, report).kwargs(),
)
c.chart(fig, view=view, indicator_id="counselling_waiting_days", table=c.as_table(wait), key="co_wait")
staff = pd.DataFrame({c.label("counselling_staff_fte"): series["counselling_staff_fte"]}, index=series.index)
fig = c.figure(
    "trend_chart", staff, title=charts.chart_title(c.label("counselling_staff_fte"), here, span),
    subtitle=c.subtitle("counselling_staff_fte", pick(catalogue.get("counselling_staff_fte").caveat_de,
                                                    catalogue.get("counselling_staff_fte").caveat_en)),
    unit=c.unit("counselling_staff_fte"), decimals=1, **c.style(DS, report).kwargs(),
)
c.chart(fig, view=view, indicator_id="counselling_staff_fte", table=c.as_table(staff), key="co_staff")

# --- police referrals ---------------------------------------------------------------------------------------

st.header(_("Pro-aktive Beratung nach Polizeieinsatz"))
REFERRAL_IDS = ("counselling_police_referrals", "counselling_police_referrals_reached", "counselling_reach_rate_pct")
SHORT = (_("Vermittlungen der Polizei (eingegangen)"),
         _("davon erreicht (Personen)"), c.label("counselling_reach_rate_pct"))
for col, ind_id, short in zip(st.columns(3), REFERRAL_IDS, SHORT):
    ind = catalogue.get(ind_id)
    col.metric(short, kit.display(ind_id), help=f"{c.label(ind_id)}: {pick(ind.formula_de, ind.formula_en)}. "
                                            f"{pick(ind.caveat_de, ind.caveat_en)}")
counts = pd.DataFrame({c.label(i): kit.shown_column(series, i) for i in REFERRAL_IDS[:2]}, index=series.index)
fig = c.figure(
    "trend_chart", counts,
    title=charts.chart_title(_("Vermittlungen der Polizei und erreichte Personen"), here, span),
    subtitle=_("Eingegangene Vermittlungen (Fälle) und davon erreichte Personen laut Meldungen der "
               "Beratungsstellen; pro-aktiver Ansatz, ohne Täterarbeit"),
    unit=_("Fälle / Personen"), **c.style(DS, report).kwargs(),
)
c.chart(fig, view=view, indicator_id="counselling_police_referrals", table=c.as_table(counts), key="co_ref")
reach = kit.compared("counselling_reach_rate_pct")
fig = c.figure(
    "trend_chart", reach, title=charts.chart_title(c.label("counselling_reach_rate_pct"), here, span),
    subtitle=c.subtitle("counselling_reach_rate_pct", pick(catalogue.get("counselling_reach_rate_pct").caveat_de,
                                                         catalogue.get("counselling_reach_rate_pct").caveat_en)),
    unit="%", decimals=1, emphasis=emphasis, **c.style(DS, report).kwargs(),
)
c.chart(fig, view=view, indicator_id="counselling_reach_rate_pct", table=c.as_table(reach), key="co_reach")

# --- ranking of the areas -----------------------------------------------------------------------------------

st.header(_("Deckungsgrad im Vergleich"))
table, what, highlight = kit.ranking_scope("co_ranking_scope")
ind = catalogue.get("counselling_centres_coverage_pct")
fig = c.figure(
    "bar_ranking", table, value="counselling_centres_coverage_pct", label="label", key="ags", highlight=highlight,
    title=charts.chart_title(_("Deckungsgrad Frauenberatungsstellen"), what,
                             view.period),
    subtitle=_("Vorhandene Frauenberatungsstellen in % des Solls (1 je 50.000 Frauen); {caveat}",
               caveat=pick(ind.caveat_de, ind.caveat_en)),
    unit="%", decimals=0, target=100, target_label=_("Soll erreicht (100 %)"),
    **c.style(DS, report, report.values["counselling_centres"].target.source
              if report.values["counselling_centres"].target else None).kwargs(),
)
out = table[["ags", "label", "counselling_centres", "counselling_centres_needed",
             "counselling_centres_coverage_pct", "counselling_centres_missing", "population_female",
             "counselling_completeness"]].round({"counselling_centres_needed": 1, "counselling_centres_coverage_pct": 1,
                                                  "counselling_centres_missing": 1}).rename(columns={
                 "ags": "AGS", "label": _("Region"),
                 "counselling_centres": c.label("counselling_centres"),
                 "counselling_centres_needed": c.label("counselling_centres_needed"),
                 "counselling_centres_coverage_pct": c.label("counselling_centres_coverage_pct") + " (%)",
                 "counselling_centres_missing": c.label("counselling_centres_missing"),
                 "population_female": _("Frauen (Bevölkerung)"),
                 "counselling_completeness": _("Vollständigkeit"),
             })
c.chart(fig, view=view, indicator_id="counselling_centres_coverage_pct", table=out, key="co_ranking")

# --- data status --------------------------------------------------------------------------------------------

st.header(_("Datenstand"))
c.completeness_caption(report.completeness, DS)
c.population_caption(report)
c.privacy_note(view)
