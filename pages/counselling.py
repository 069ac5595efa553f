"""Beratung — counselling centres against the target, persons counselled by form of violence, waiting times,
police referrals received and reached, staff; for a Land or Germany a coverage ranking of its areas."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import assessment, catalogue, charts
from monitor.regions import GERMANY
from ui import components as c
from ui import data
from ui.i18n import lang, pick

view = st.session_state["view"]
report = data.report(view.ags, view.period, view.variant)
en = lang() == "en"
index = data.regions()
period_text = charts.quarter_label(view.period, lang())
DS = ("counselling",)

CENTRES = (
    ("counselling_centres", "counselling_centres_needed", "counselling_centres_missing"),
    ("counselling_centres_sexual_violence", "counselling_centres_sexual_violence_needed",
     "counselling_centres_sexual_violence_missing"),
)
FORMS = [key for key, *_ in catalogue.FORMS_OF_VIOLENCE]
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

st.title(pick("Beratung", "Counselling") + f" · {here} · {view.period.label_de() if not en else view.period}")
st.caption(pick(
    "Frauenberatungsstellen und Fachberatung bei sexualisierter Gewalt (Art. 22 und 25 der Istanbul-Konvention): "
    "Angebot gegen Soll, Inanspruchnahme, Wartezeiten und pro-aktive Beratung nach Polizeieinsätzen.",
    "Women's counselling centres and specialised counselling on sexual violence (Art. 22 and 25 of the Istanbul "
    "Convention): supply against target, use, waiting times and pro-active counselling after police call-outs.",
))
c.completeness_caption(report.completeness, DS)

# --- centres against the target -----------------------------------------------------------------------------

st.header(pick("Beratungsstellen: Ist, Soll und Lücke", "Counselling centres: actual, target and gap"))
rows = []
cols = st.columns(len(CENTRES))
for col, (actual_id, needed_id, missing_id) in zip(cols, CENTRES):
    v = report.values[actual_id]
    needed, missing = report.value(needed_id), report.value(missing_id)
    pct = v.value / needed * 100 if v.value is not None and needed else None
    light = assessment.attainment(pct)
    dec = catalogue.get(needed_id).decimals
    with col.container(border=True):
        st.metric(c.label(actual_id), kit.display(actual_id),
                  help=pick(catalogue.get(actual_id).caveat_de, catalogue.get(actual_id).caveat_en))
        if light:
            st.badge(f"{charts.format_number(pct, 0, '%', lang())} – {assessment.LABELS[light][1 if en else 0]}",
                     color=assessment.COLOURS[light], icon=assessment.ICONS[light])
        soll = charts.format_number(needed, dec, language=lang())
        short = charts.format_number(missing, dec, language=lang())
        st.markdown(pick(f"Soll **{soll}** · Lücke **{short}**", f"Target **{soll}** · gap **{short}**"))
        st.caption(c.target_text(v, report))
    rows.append({
        "label": c.label(actual_id), "actual": v.value, "target": needed, "gap": missing, "pct": pct,
        "target_text": c.target_text(v), "source": v.target.source if v.target else "",
    })
st.caption(pick(assessment.RULE_DE, assessment.RULE_EN))

gap = pd.DataFrame(rows)
small = gap["target"].dropna().lt(20).any()
sources = "; ".join(sorted({s for s in gap["source"] if s}))
fig = c.figure(
    "gap_bars", gap, label="label", actual="actual", target="target",
    title=charts.chart_title(pick("Beratungsstellen: Ist und Soll", "Counselling centres: actual and target"),
                             here, view.period),
    subtitle=pick("Zahl der Einrichtungen; Soll nach Frauenzahl (1 Frauenberatungsstelle je 50.000 Frauen, "
                  "1 Fachberatungsstelle sexualisierte Gewalt je 200.000 Frauen); ohne Interventionsstellen",
                  "Number of facilities; target by female population (1 women's counselling centre per 50,000 "
                  "women, 1 specialised centre on sexual violence per 200,000 women); intervention centres "
                  "excluded"),
    unit="", axis_title="", decimals=1 if small else 0,
    **c.style(DS, report, sources).kwargs(),
)
gap_table = gap.round({"actual": 0, "target": 1, "gap": 1, "pct": 1}).rename(columns={
    "label": pick("Kennzahl", "Indicator"), "actual": pick("Ist", "Actual"), "target": pick("Soll", "Target"),
    "gap": pick("Lücke", "Gap"), "pct": pick("Zielerreichung (%)", "Attainment (%)"),
    "target_text": pick("Soll-Definition", "Target definition"), "source": pick("Soll-Quelle", "Target source"),
})
c.chart(fig, view=view, indicator_id="counselling_centres_coverage_pct", table=gap_table, key="co_gap")

st.subheader(pick("Beratungsstellen im Zeitverlauf gegenüber dem Soll",
                  "Counselling centres over time against the target"))
tabs = st.tabs([c.label(actual_id) for actual_id, *_ in CENTRES])
for tab, (actual_id, needed_id, _missing) in zip(tabs, CENTRES):
    v = report.values[actual_id]
    frame = pd.DataFrame({c.label(actual_id): kit.shown_column(series, actual_id)}, index=series.index)
    need = kit.shown_column(series, needed_id)
    with tab:
        fig = c.figure(
            "trend_chart", frame,
            title=charts.chart_title(c.label(actual_id), here, span),
            subtitle=c.subtitle(actual_id, pick("Gestrichelt: Soll nach Frauenzahl im jeweiligen Quartal.",
                                              "Dashed: target by female population in each quarter.")),
            unit=c.unit(actual_id), target=need,
            target_label=pick(v.target.label_de, v.target.label_en or v.target.label_de) if v.target else "",
            decimals=1, axis_title="", **c.style(DS, report, v.target.source if v.target else None).kwargs(),
        )
        table = c.as_table(pd.DataFrame({c.label(actual_id): frame.iloc[:, 0], c.label(needed_id): need},
                                      index=series.index))
        c.chart(fig, view=view, indicator_id=actual_id, table=table, key=f"co_trend_{actual_id}")
        st.caption(c.target_text(v, report))

# --- persons counselled by form of violence -----------------------------------------------------------------

st.header(pick("Beratene Personen nach Gewaltform", "Persons counselled by form of violence"))
persons = report.values["counselling_persons_per_10k_women"]
m1, m2 = st.columns(2)
m1.metric(c.label("counselling_persons"), kit.display("counselling_persons"))
m2.metric(c.label("counselling_persons_per_10k_women"), kit.display("counselling_persons_per_10k_women"),
          help=pick(catalogue.get(persons.id).caveat_de, catalogue.get(persons.id).caveat_en))
form_label = {k: pick(de, en_) for k, _f, de, en_, _s in catalogue.FORMS_OF_VIOLENCE}
reports = {r.ags: (report if r.ags == view.ags else data.report(r.ags, view.period, view.variant)) for r in kit.compare}
form_source = [(kit.compare_names[r.ags], lambda i, rep=reports[r.ags]: (rep.values[i].value, rep.values[i].flag))
               for r in kit.compare]
if view.ags == GERMANY:
    # for Germany the Länder are the comparison
    laender = data.table("land", view.period, variant=view.variant)
    land_names = kit.names_for([index.get(a) for a in laender["ags"]])
    form_source += [(land_names[row["ags"]], lambda i, row=row: (row[i], row.get(f"{i}__flag")))
                    for row in laender.to_dict("records")]
stack = pd.DataFrame(
    {form_label[k]: [kit.shown_cell(f"counselling_persons_{k}_per_10k_women",
                                *get(f"counselling_persons_{k}_per_10k_women")) for _n, get in form_source]
     for k in FORMS},
    index=[n for n, _get in form_source],
)
multiple = pick(
    "Mehrfachnennung möglich: eine Person kann wegen mehrerer Gewaltformen beraten werden, die Balkenlänge ist "
    "die Summe der Nennungen, nicht die Zahl der Personen.",
    "More than one form per person possible: the bar length is the sum of mentions, not the number of persons.",
)
fig = c.figure(
    "stacked_bars", stack, horizontal=True, show_totals=False,
    title=charts.chart_title(pick("Beratene Personen je 10.000 Frauen nach Gewaltform",
                                  "Persons counselled per 10,000 women by form of violence"), here, view.period),
    subtitle=pick("Nennungen je 10.000 Frauen; ohne Täterarbeit. ", "Mentions per 10,000 women; perpetrator "
                  "programmes excluded. ") + multiple,
    unit=pick("Nennungen je 10.000 Frauen", "mentions per 10,000 women"), decimals=1, axis_title="",
    **c.style(DS, report).kwargs(),
)
form_rows = []
for name, get in form_source:
    rec = {pick("Region", "Region"): name}
    for k in FORMS:
        rec[f"{form_label[k]} ({pick('Personen', 'persons')})"] = kit.shown_cell(
            f"counselling_persons_{k}", *get(f"counselling_persons_{k}"))
        rec[f"{form_label[k]} ({pick('je 10.000 Frauen', 'per 10,000 women')})"] = kit.shown_cell(
            f"counselling_persons_{k}_per_10k_women", *get(f"counselling_persons_{k}_per_10k_women"))
    for i in ("counselling_persons", "counselling_persons_per_10k_women"):
        rec[c.label(i)] = kit.shown_cell(i, *get(i))
    form_rows.append(rec)
c.chart(fig, view=view, indicator_id="counselling_persons_per_10k_women", table=c.text_marks(pd.DataFrame(form_rows)),
        key="co_forms")
st.caption(multiple)

# --- waiting times and staff --------------------------------------------------------------------------------

st.header(pick("Wartezeit und Personal", "Waiting time and staff"))
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

st.header(pick("Pro-aktive Beratung nach Polizeieinsatz", "Pro-active counselling after police call-outs"))
REFERRAL_IDS = ("counselling_police_referrals", "counselling_police_referrals_reached", "counselling_reach_rate_pct")
SHORT = (pick("Vermittlungen der Polizei (eingegangen)", "Police referrals received"),
         pick("davon erreicht (Personen)", "of which reached (persons)"), c.label("counselling_reach_rate_pct"))
for col, ind_id, short in zip(st.columns(3), REFERRAL_IDS, SHORT):
    ind = catalogue.get(ind_id)
    col.metric(short, kit.display(ind_id), help=f"{c.label(ind_id)}: {pick(ind.formula_de, ind.formula_en)}. "
                                            f"{pick(ind.caveat_de, ind.caveat_en)}")
counts = pd.DataFrame({c.label(i): kit.shown_column(series, i) for i in REFERRAL_IDS[:2]}, index=series.index)
fig = c.figure(
    "trend_chart", counts, title=charts.chart_title(pick("Vermittlungen der Polizei und erreichte Personen",
                                                         "Police referrals and persons reached"), here, span),
    subtitle=pick("Eingegangene Vermittlungen (Fälle) und davon erreichte Personen laut Meldungen der "
                  "Beratungsstellen; pro-aktiver Ansatz, ohne Täterarbeit",
                  "Referrals received (cases) and persons reached, as reported by counselling services; "
                  "pro-active approach, perpetrator programmes excluded"),
    unit=pick("Fälle / Personen", "cases / persons"), **c.style(DS, report).kwargs(),
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

st.header(pick("Deckungsgrad im Vergleich", "Coverage compared"))
table, what, highlight = kit.ranking_scope("co_ranking_scope")
ind = catalogue.get("counselling_centres_coverage_pct")
fig = c.figure(
    "bar_ranking", table, value="counselling_centres_coverage_pct", label="label", key="ags", highlight=highlight,
    title=charts.chart_title(pick("Deckungsgrad Frauenberatungsstellen", "Counselling centre coverage"), what,
                             view.period),
    subtitle=pick(f"Vorhandene Frauenberatungsstellen in % des Solls (1 je 50.000 Frauen); "
                  f"{ind.caveat_de}", f"Existing women's counselling centres as % of the target "
                  f"(1 per 50,000 women); {ind.caveat_en}"),
    unit="%", decimals=0, target=100, target_label=pick("Soll erreicht (100 %)", "target met (100 %)"),
    **c.style(DS, report, report.values["counselling_centres"].target.source
              if report.values["counselling_centres"].target else None).kwargs(),
)
out = table[["ags", "label", "counselling_centres", "counselling_centres_needed",
             "counselling_centres_coverage_pct", "counselling_centres_missing", "population_female",
             "counselling_completeness"]].round({"counselling_centres_needed": 1, "counselling_centres_coverage_pct": 1,
                                                  "counselling_centres_missing": 1}).rename(columns={
                 "ags": "AGS", "label": pick("Region", "Region"),
                 "counselling_centres": c.label("counselling_centres"),
                 "counselling_centres_needed": c.label("counselling_centres_needed"),
                 "counselling_centres_coverage_pct": c.label("counselling_centres_coverage_pct") + " (%)",
                 "counselling_centres_missing": c.label("counselling_centres_missing"),
                 "population_female": pick("Frauen (Bevölkerung)", "Women (population)"),
                 "counselling_completeness": pick("Vollständigkeit", "Completeness"),
             })
c.chart(fig, view=view, indicator_id="counselling_centres_coverage_pct", table=out, key="co_ranking")

# --- data status --------------------------------------------------------------------------------------------

st.header(pick("Datenstand", "Data status"))
c.completeness_caption(report.completeness, DS)
c.population_caption(report)
c.privacy_note(view)
