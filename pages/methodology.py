"""Methodik & Glossar — generated from the indicator catalogue, the targets in force and the dataset
definitions, so the page always says what the program computes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import annotations, assessment, catalogue, charts, config, geo, privacy
from monitor.catalogue import PILLARS_EN
from monitor.datasets import DATASETS, Dataset
from monitor.regions import GERMANY
from ui import components as c
from ui import data
from ui.i18n import lang, pick

view = st.session_state["view"]
en = lang() == "en"
regions = data.regions()
germany = data.report(GERMANY, view.period, view.variant)
population = germany.population


def num(value, decimals: int = 0) -> str:
    return charts.format_number(value, decimals, language=lang())


KINDS = {
    "capacity": ("Bestand am Ende des letzten gemeldeten Quartals im Zeitraum",
                 "stock at the end of the latest reported quarter of the period"),
    "flow": ("Summe über die Quartale des Zeitraums", "sum over the quarters of the period"),
    "rate": ("Quote: Summe der Zähler ÷ Summe der Nenner", "rate: summed numerators ÷ summed denominators"),
    "per_capita": ("je Bevölkerung (Stichtag und Zensus-Basis siehe „Bevölkerung“)",
                   "per population (reference date and census basis: see “Population”)"),
    "need": ("Bedarf nach dem Soll der Zieltabelle", "need according to the target table"),
    "gap": ("Lücke zum Soll (nie negativ)", "gap to the target (never negative)"),
    "average": ("gewichteter Mittelwert", "weighted mean"),
}
COLUMN_KINDS = {
    "quarter": ("Quartal", "quarter"), "ags": ("Kreisschlüssel (AGS)", "regional key (AGS)"),
    "id": ("Kennung (Text)", "identifier (text)"), "category": ("Auswahl", "choice"),
    "count": ("ganze Zahl ≥ 0", "whole number ≥ 0"), "decimal": ("Zahl ≥ 0", "number ≥ 0"),
}
DENOMINATORS = {"population_total": ("Einwohner:innen insgesamt", "total population"),
                "population_female": ("Frauen", "women")}


def two(pair: tuple[str, str]) -> str:
    return pick(*pair)


def code(hint: str) -> str:
    """An install hint with its command set as code."""
    text, _, command = hint.partition(": ")
    return f"{text}: `{command}`"


st.title(pick("Methodik & Glossar", "Methods & glossary"))
st.markdown(pick(
    "Diese Seite entsteht aus dem Kennzahlenkatalog, der Zieltabelle und den Datensatzdefinitionen des "
    "Programms. Was hier steht, ist genau das, was der Monitor rechnet.",
    "This page is generated from the program's indicator catalogue, target table and dataset definitions: "
    "what it says is exactly what the monitor computes.",
))
SECTIONS = (
    ("kennzahlen", "Kennzahlen", "Indicators"), ("soll", "Zielwerte (Soll)", "Targets"),
    ("datensaetze", "Datensätze", "Datasets"), ("bevoelkerung", "Bevölkerung", "Population"),
    ("vergleichbarkeit", "Vergleichbarkeit", "Comparability"),
    ("vollstaendigkeit", "Fehlende Meldungen", "Missing reports"), ("kleine-zahlen", "Kleine Zahlen", "Small numbers"),
    ("ampel", "Ampel", "Traffic light"), ("quellen", "Quellen und Lizenzen", "Sources and licences"),
)
st.markdown(f"**{pick('Inhalt', 'Contents')}:** " + " · ".join(f"[{pick(de, en_)}](#{a})" for a, de, en_ in SECTIONS))

# --- indicators ------------------------------------------------------------------------------------------

targets = data.targets()
st.header(pick("Kennzahlen nach Säulen", "Indicators by pillar"), anchor="kennzahlen")
st.caption(pick(
    "Die vier Säulen folgen dem Aufbau der Istanbul-Konvention: Prävention (Art. 12–17), Schutz und "
    "Unterstützung (Art. 18–28), Strafverfolgung und Kooperation (Art. 49–58, 7, 51), Koordinierung und "
    "Monitoring (Art. 10, 11).",
    "The four pillars follow the structure of the Istanbul Convention: prevention (Art. 12–17), protection and "
    "support (Art. 18–28), prosecution and co-operation (Art. 49–58, 7, 51), co-ordination and monitoring "
    "(Art. 10, 11).",
))


def land_name(ags) -> str:
    if not isinstance(ags, str) or not ags:
        return pick("alle Länder", "all Länder")
    region = regions.get(ags)
    return region.name if region else ags


def privacy_rule(ind: catalogue.Indicator) -> str:
    if ind.count_like:
        return pick(f"Werte unter {config.MIN_COUNT} erscheinen öffentlich als „{privacy.small_label()}“; "
                    f"Werte, aus denen sie sich errechnen ließen, als „{privacy.PROTECTED_MARK}“.",
                    f"Values below {config.MIN_COUNT} show as '{privacy.small_label()}' in public; values they "
                    f"could be worked out from as '{privacy.PROTECTED_MARK}'.")
    if ind.events:
        events = c.label(ind.events)
        return pick(f"Öffentlich zurückgehalten („{privacy.WITHHELD}“), wenn weniger als "
                    f"{config.MIN_RATE_EVENTS} "
                    f"zugrunde liegen (gezählt: {events}).",
                    f"Withheld in public ('{privacy.WITHHELD}') when based on fewer than {config.MIN_RATE_EVENTS} "
                    f"(counted: {events}).")
    return pick("Immer gezeigt: beschreibt Angebote, nicht Personen.",
                "Always shown: describes services, not persons.")


def target_line(ind: catalogue.Indicator) -> str:
    rows = targets[targets["indicator"] == ind.target]
    out = []
    for r in rows.itertuples():
        text = pick(r.label_de, r.label_en or r.label_de)
        if isinstance(r.variant, str) and r.variant not in text:
            text += f" ({r.variant})"
        if isinstance(r.land_ags, str) and r.land_ags:
            text += f" – {land_name(r.land_ags)}"
        out.append(text)
    return "; ".join(out)


for pillar, members in catalogue.by_pillar().items():
    st.subheader(pick(pillar, PILLARS_EN[pillar]))
    if not members:
        st.caption(pick("Zu dieser Säule erhebt der Monitor noch keine Quartalsdaten.",
                        "The monitor does not yet collect quarterly data for this pillar."))
        continue
    for ds_id in catalogue.DATASETS_OF:
        group = [i for i in members if i.dataset == ds_id]
        if not group:
            continue
        ds_label = pick(DATASETS[ds_id].label_de, DATASETS[ds_id].label_en)
        with st.expander(pick(f"{ds_label}: {len(group)} Kennzahlen", f"{ds_label}: {len(group)} indicators")):
            for ind in group:
                lines = [
                    f"**{c.label(ind.id)}** · {c.unit(ind.id)}",
                    f"- **{pick('Formel', 'Formula')}:** {pick(ind.formula_de, ind.formula_en)}",
                    f"- **{pick('Berechnung im Zeitraum', 'Over a period')}:** {two(KINDS[ind.kind])}",
                ]
                if ind.target:
                    lines.append(f"- **{pick('Soll', 'Target')}:** {target_line(ind)}")
                lines.append(f"- **{pick('Kleine Zahlen', 'Small numbers')}:** {privacy_rule(ind)}")
                if ind.caveat_de:
                    lines.append(f"- **{pick('Hinweise', 'Caveats')}:** {pick(ind.caveat_de, ind.caveat_en)}")
                lines.append(f"- **{pick('Kennung', 'Identifier')}:** `{ind.id}` · "
                             f"{pick('Dateiname', 'file name')} `{ind.slug}`")
                st.markdown("\n".join(lines))

# --- targets ---------------------------------------------------------------------------------------------

st.header(pick("Zielwerte (Soll)", "Targets"), anchor="soll")
st.markdown(pick(
    "Die Konvention verlangt „ausreichend“ Angebote; die Zahlen stammen aus dem Erläuternden Bericht und den "
    "Mindeststandards des Europarats. Jeder Zielwert ist eine Zeile der Zieltabelle mit Wert, Bezugsgröße, "
    "Faktor, Quelle und Gültigkeitsbeginn. Länder können eigene Maßstäbe hinterlegen "
    "(`python -m etl targets DATEI`); dann gilt für ihre Kreise die Landeszeile.",
    "The convention asks for “sufficient” services; the figures come from the Explanatory Report and the "
    "Council of Europe's minimum standards. Every target is a row of the target table with value, "
    "denominator, factor, source and start date. Länder may store their own yardsticks "
    "(`python -m etl targets FILE`); their Kreise are then measured against the Land's row.",
))
st.code(pick(
    "Bedarf      = Bevölkerung (Bezugsgröße) ÷ je × Wert × Faktor\n"
    "Deckungsgrad = vorhanden ÷ Bedarf × 100\n"
    "fehlend     = max(Bedarf − vorhanden, 0)",
    "need      = population (denominator) ÷ per × value × factor\n"
    "coverage  = existing ÷ need × 100\n"
    "missing   = max(need − existing, 0)",
), language=None)


target_table = pd.DataFrame({
    pick("Kennzahl", "Indicator"): [c.label(i) if i in catalogue.CATALOGUE else i for i in targets["indicator"]],
    pick("Soll", "Target"): [pick(d, e or d) for d, e in zip(targets["label_de"], targets["label_en"])],
    pick("Wert", "Value"): [num(v, 1 if v % 1 else 0) for v in targets["value"]],
    pick("je", "per"): [num(v) for v in targets["per_population"]],
    pick("Bezugsgröße", "Denominator"): [two(DENOMINATORS.get(d, (d, d))) for d in targets["denominator"]],
    pick("Faktor", "Factor"): [num(v, 1) for v in targets["factor"]],
    pick("Zählweise", "Count"): [v if isinstance(v, str) else pick("alle", "all") for v in targets["variant"]],
    pick("gilt ab", "valid from"): [f"{v:%d.%m.%Y}" for v in targets["valid_from"]],
    pick("Land", "Land"): [land_name(a) for a in targets["land_ags"]],
    pick("Quelle", "Source"): targets["source"],
})
st.table(target_table, hide_index=True)
overrides = targets[targets["land_ags"].map(lambda a: isinstance(a, str) and a != "")]
if overrides.empty:
    st.caption(pick("Landeseigene Zielwerte: keine hinterlegt – für alle Länder gelten die Zeilen oben.",
                    "Land-specific targets: none stored – the rows above apply to every Land."))
else:
    st.caption(pick("Landeseigene Zielwerte: ", "Land-specific targets: ") + "; ".join(
        f"{land_name(r.land_ags)}: {pick(r.label_de, r.label_en or r.label_de)}" for r in overrides.itertuples()))

shelter = targets[(targets["indicator"] == "shelter_places") & targets["land_ags"].isna()]
if population.get("total") and not shelter.empty:
    rows = []
    for r in shelter.itertuples():
        need = population["total"] / r.per_population * r.value * r.factor
        family = pick(f" ({num(need / r.factor)} Familienplätze)", f" ({num(need / r.factor)} family places)") \
            if r.factor != 1 else ""
        rows.append(pick(
            f"- Zählweise {r.variant}: {num(population['total'])} ÷ {num(r.per_population)} × {num(r.value)} × "
            f"{num(r.factor, 1)} = **{num(need)} Plätze**{family}",
            f"- Count {r.variant}: {num(population['total'])} ÷ {num(r.per_population)} × {num(r.value)} × "
            f"{num(r.factor, 1)} = **{num(need)} places**{family}",
        ))
        if r.factor == 2.5:
            reported = 7786  # the federal government's count for 2024, the figure public debate compares with
            rows.append(pick(
                f"- Zum Vergleich: Mit den {num(reported)} Plätzen, die die Bundesregierung 2024 angab, fehlen "
                f"rund {num(need - reported)} Plätze; der Deckungsgrad liegt bei "
                f"{num(reported / need * 100)} %.",
                f"- For comparison: with the {num(reported)} places the federal government reported in 2024, "
                f"about {num(need - reported)} places are missing; coverage is {num(reported / need * 100)} %.",
            ))
    st.markdown(pick(
        f"**Rechenbeispiel Deutschland** (Bevölkerung am {population['reference_date']:%d.%m.%Y}, "
        f"Basis {population['basis']}):",
        f"**Worked example, Germany** (population on {population['reference_date']:%d.%m.%Y}, "
        f"{population['basis']} basis):",
    ) + "\n" + "\n".join(rows))
st.markdown(pick(
    "**Plätze, Familienplätze, Betten.** Der Europarat rechnet mit 1 Familienplatz je 10.000 Einwohner:innen. "
    "In Deutschland entspricht ein Familienplatz 2,5 Plätzen (eine Frau und 1,5 Kinder; DIMR, epd-Umfrage "
    "bei den Landesministerien, Nov. 2024). WAVE und EIGE zählen 1 Bett je 10.000 Einwohner:innen – die "
    "Zählweise wählt man in der Seitenleiste. Weitere Maßstäbe in Gebrauch: 1 Bett je 7.500 Einwohner:innen "
    "(Task Force des Europarats 2006), 1 Platz je 10.000 Frauen (Ministerium in Baden-Württemberg).",
    "**Places, family places, beds.** The Council of Europe counts 1 family place per 10,000 inhabitants. "
    "In Germany a family place equals 2.5 places (one woman and 1.5 children; DIMR, epd survey of Land "
    "ministries, Nov. 2024). WAVE and EIGE count 1 bed per 10,000 inhabitants – choose the count in the "
    "sidebar. Other yardsticks in use: 1 bed per 7,500 inhabitants (CoE Task Force 2006), 1 place per "
    "10,000 women (Baden-Württemberg ministry).",
))

# --- datasets --------------------------------------------------------------------------------------------

st.header(pick("Datensätze und Spalten", "Datasets and columns"), anchor="datensaetze")
st.markdown(pick(
    "Die Daten kommen quartalsweise je Kreis oder kreisfreier Stadt (fünfstelliger AGS). Schutzunterkünfte und "
    "Beratungsstellen melden je Einrichtung unter einer pseudonymen Kennung – Adressen von Schutzunterkünften "
    "sind vertraulich. Personenbezogene Daten gelangen nie in den Monitor, nur Zahlen. Die Excel-Vorlagen "
    "schreibt `python -m etl template DATENSATZ -o DATEI.xlsx`.",
    "Data arrive per quarter and per Kreis or kreisfreie Stadt (5-digit AGS). Shelters and counselling "
    "services report per facility under a pseudonymous ID – shelter addresses are confidential. No personal "
    "data ever enter the monitor, only counts. `python -m etl template DATASET -o FILE.xlsx` writes the "
    "Excel templates.",
))


def column_rule(ds: Dataset, col) -> str:
    rules = []
    if col.part_of:
        rules.append(f"≤ „{ds.column(col.part_of).header}“")
    if col.at_most:
        rules.append("≤ " + " + ".join(f"„{ds.column(f).header}“" for f in col.at_most))
    for days_f, places_f in ds.capacity_checks:
        if col.field == days_f:
            places = ds.column(places_f).header
            rules.append(pick(f"≤ „{places}“ × Tage im Quartal (darüber: Warnung Überbelegung)",
                              f"≤ “{places}” × days in the quarter (above: over-occupancy warning)"))
    if col.field in ds.day_counts:
        rules.append(pick("≤ Tage im Quartal", "≤ days in the quarter"))
    if col.field in ds.key:
        rules.append(pick("Teil des Schlüssels", "part of the key"))
    return "; ".join(rules)


for ds in DATASETS.values():
    with st.expander(f"{pick(ds.label_de, ds.label_en)} – {pick(ds.unit_de, ds.unit_en)}", expanded=False):
        st.markdown(pick(ds.description_de, ds.description_en) + " " + pick(
            f"Schlüssel: {' + '.join('„' + ds.column(k).header + '“' for k in ds.key)} – einmal je Datei; "
            "bereits geladene Schlüssel ersetzt nur ein Laden mit `--replace`.",
            f"Key: {' + '.join('“' + ds.column(k).header + '”' for k in ds.key)} – once per file; keys already "
            "loaded are replaced only by a load with `--replace`.",
        ))
        table = pd.DataFrame({
            pick("Spalte (Vorlage)", "Column (template)"): [col.header for col in ds.columns],
            "English": [col.label_en for col in ds.columns],
            pick("Pflicht", "Required"): [pick("ja", "yes") if col.required else pick("nein", "no")
                                          for col in ds.columns],
            pick("Typ", "Type"): [two(COLUMN_KINDS[col.kind]) for col in ds.columns],
            pick("Erläuterung", "Help"): [pick(col.help_de, col.help_en) for col in ds.columns],
            pick("Auswahlwerte", "Allowed values"): [", ".join(col.choices) for col in ds.columns],
            pick("Prüfregel", "Check"): [column_rule(ds, col) for col in ds.columns],
            pick("Auch erkannt als", "Also recognised as"): [", ".join(col.aliases) for col in ds.columns],
        })
        # the template's headers are German; the English label helps only English readers
        st.table(table if en else table.drop(columns="English"), hide_index=True)

# --- population ------------------------------------------------------------------------------------------

st.header(pick("Bevölkerung", "Population"), anchor="bevoelkerung")
if population.get("reference_date"):
    st.markdown(pick(
        f"Raten je Einwohner:innen, Bedarf und Lücken beziehen sich auf die Bevölkerung am "
        f"**{population['reference_date']:%d.%m.%Y}**, **Basis {population['basis']}**: Deutschland "
        f"{num(population['total'])} Einwohner:innen, davon {num(population['female'])} Frauen. "
        f"Quelle: {population['source']}.",
        f"Rates per population, needs and gaps refer to the population on "
        f"**{population['reference_date']:%d.%m.%Y}**, **{population['basis']} basis**: Germany "
        f"{num(population['total'])} inhabitants, of whom {num(population['female'])} women. "
        f"Source: {population['source']}.",
    ))
if population.get("mixed"):
    st.warning(pick("Es sind Bevölkerungsstände verschiedener Stichtage geladen; je Kreis gilt der jeweils "
                    "passende Stand (siehe unten).",
                    "Population figures of several reference dates are loaded; each Kreis uses the matching "
                    "one (see below)."))
st.markdown(pick(
    "- **Welcher Stand gilt:** je Kreis der letzte Stichtag am oder vor dem Ende des Zeitraums (sonst der "
    "früheste), bei gleichem Stichtag die neuere Zensus-Basis. Ein neuer Stand wird mit "
    "`python -m etl population DATEI` geladen und lässt sich rückgängig machen.\n"
    "- **Warum die Basis zählt:** Destatis hat die Bevölkerung auf den Zensus 2022 umgestellt. Auf der alten "
    "Basis (Zensus 2011) hatte Deutschland am 31.12.2023 84.669.326 Einwohner:innen statt 83.456.045 – der "
    "Bedarf an Schutzplätzen läge bei 21.167 statt 20.864. Daher kommt die oft zitierte Zahl „rund 21.000 "
    "Plätze nötig“ (Quelle der alten Basis: Statistisches Bundesamt, Gemeindeverzeichnis GV-ISys, "
    "Gebietsstand 31.12.2023). Je Kreis weichen die Basen um bis zu einige Prozent ab; deshalb stehen Stichtag "
    "und Basis "
    "neben jeder Rate.\n"
    "- **Gebiete, die gemeldet haben:** Für ein Land oder Deutschland beziehen sich Raten, Bedarf und Lücken "
    "auf die Bevölkerung der Gebiete, die gemeldet haben – nicht auf alle.",
    "- **Which figure applies:** per Kreis the latest reference date on or before the end of the period (else "
    "the earliest); for the same date the newer census basis. `python -m etl population FILE` loads a new "
    "vintage, which can be undone.\n"
    "- **Why the basis matters:** Destatis rebased population on the 2022 census. On the old basis (census "
    "2011) Germany had 84,669,326 inhabitants on 31.12.2023 instead of 83,456,045 – the shelter need would "
    "be 21,167 instead of 20,864 places. That is where the often quoted “about 21,000 places needed” comes "
    "from (old basis: Federal Statistical Office, GV-ISys municipality register, territorial status "
    "31.12.2023). Per Kreis the bases differ by up to several per cent, which is why reference date and basis stand "
    "next to every rate.\n"
    "- **Areas that reported:** for a Land or Germany, rates, needs and gaps refer to the population of the "
    "areas that reported – not to all of them.",
))

# --- comparability ---------------------------------------------------------------------------------------

st.header(pick("Methodenwechsel, Ereignisse und Gebietsänderungen", "Method changes, events and territorial changes"),
          anchor="hinweise")
st.markdown(pick(
    "Diese Hinweise stehen als gepunktete, nummerierte Linie vor ihrem Quartal in jeder Zeitreihe, jedem "
    "Diagrammbild und jedem Berichtsverlauf, den sie betreffen; die Fußzeile des Diagramms erklärt die Nummer. "
    "Ändert sich das Gebiet eines Kreises, gelten Quoten und Soll erst wieder, wenn Bevölkerungszahlen für das "
    "neue Gebiet geladen sind; Fallzahlen werden weiter gezeigt, Land und Deutschland sind nicht betroffen.",
    "These notes stand as a dotted, numbered line before their quarter on every time series, chart image and "
    "report trend they touch; the chart's footer explains the number. When a Kreis's territory changes, rates and "
    "targets apply again only once population figures for the new territory are loaded; counts are still shown, "
    "Länder and Germany are not affected.",
))
st.dataframe(annotations.frame(data.annotations(), lang()), hide_index=True, width="stretch")

st.header(pick("Vergleichbarkeit", "Comparability"), anchor="vergleichbarkeit")
turn = catalogue.get("shelter_turn_aways")
st.markdown("\n".join([
    f"- **{pick('Polizeidaten', 'Police data')}:** " + pick(catalogue.COMPARABILITY_DE, catalogue.COMPARABILITY_EN)
    + " " + pick("Polizeibezirke decken sich nicht immer mit Kreisen.",
                 "Police districts do not always match Kreise."),
    f"- **{pick('Abweisungen', 'Turn-aways')}:** " + pick(turn.caveat_de, turn.caveat_en),
    f"- **{pick('Plätze, Familienplätze, Betten', 'Places, family places, beds')}:** " + pick(
        "Der Monitor zählt Plätze (Betten) für Frauen und Kinder. Ein Familienplatz sind 2,5 Plätze (deutsche "
        "Praxis); WAVE/EIGE zählen ein Bett als einen Platz. Jedes Diagramm nennt die Zählweise. "
        "Männerschutzwohnungen zählen nicht mit.",
        "The monitor counts places (beds) for women and children. A family place is 2.5 places (German "
        "practice); WAVE/EIGE count one bed as one place. Every chart names its count. Protected flats for men "
        "are not included."),
    f"- **{pick('Beratungsstellen', 'Counselling centres')}:** " + pick(
        catalogue.get("counselling_centres").caveat_de, catalogue.get("counselling_centres").caveat_en),
    f"- **{pick('Beratene Personen', 'Persons counselled')}:** " + pick(
        catalogue.get("counselling_persons").caveat_de, catalogue.get("counselling_persons").caveat_en),
    f"- **{pick('Hochrisikofälle', 'High-risk cases')}:** " + pick(
        catalogue.get("police_high_risk_cases").caveat_de, catalogue.get("police_high_risk_cases").caveat_en),
    f"- **{pick('Hohe Werte', 'High values')}:** " + pick(
        "Mehr Beratungen oder Einsätze je Einwohner:in können mehr Gewalt oder ein besser erreichbares Angebot "
        "und mehr Anzeigebereitschaft bedeuten.",
        "More counselling or call-outs per inhabitant may mean more violence or better reach and more "
        "willingness to report."),
]))

# --- missing reports and completeness --------------------------------------------------------------------

st.header(pick("Fehlende Meldungen und Vollständigkeit", "Missing reports and completeness"),
          anchor="vollstaendigkeit")
st.markdown(pick(
    "- **Keine Meldung ist nicht null.** Fehlt eine Meldung, bleibt die Zelle leer („k. A.“) und die Linie im "
    "Diagramm hat eine Lücke. Null steht nur dort, wo gemeldet wurde, dass es nichts gibt.\n"
    "- **Einrichtungsdaten:** Hat ein Land für ein Quartal gemeldet, zählt ein Kreis ohne Einrichtung als 0 "
    "(z. B. kein Frauenhaus); hat das Land nicht gemeldet, fehlt der Wert.\n"
    "- **Polizeidaten:** eine Zeile je Kreis; ein Kreis ohne Zeile fehlt.\n"
    "- **Bestände** (Plätze, Stellen, Personal) gelten am Ende des letzten gemeldeten Quartals im Zeitraum, "
    "**Flüsse** (Aufnahmen, Beratungen, Einsätze) sind Summen über die Quartale, **Quoten** teilen summierte "
    "Zähler durch summierte Nenner. Ein Jahr steht zur Wahl, wenn alle vier Quartale Daten haben.\n"
    "- **Vollständigkeit** steht unter jeder Ansicht: wie viele Einrichtungen (von den in den letzten vier "
    "Quartalen bekannten), Kreise, Länder und Quartale gemeldet haben.",
    "- **No report is not zero.** A missing report leaves the cell empty ('k. A.') and a gap in the line. "
    "Zero appears only where a report says there is none.\n"
    "- **Facility data:** when a Land reported for a quarter, a Kreis without a facility counts 0 (e.g. no "
    "shelter); when the Land did not report, the value is missing.\n"
    "- **Police data:** one row per Kreis; a Kreis without a row is missing.\n"
    "- **Stocks** (places, centres, staff) are taken at the end of the latest reported quarter of the period, "
    "**flows** (admissions, persons counselled, call-outs) are summed over the quarters, **rates** divide "
    "summed numerators by summed denominators. A year can be chosen when all four quarters have data.\n"
    "- **Completeness** is stated below every view: how many facilities (of those known in the last four "
    "quarters), Kreise, Länder and quarters reported.",
))
st.markdown(pick(f"Beispiel – Deutschland, {c.period_text(view)}:", f"Example – Germany, {c.period_text(view)}:"))
c.completeness_caption(germany.completeness, tuple(DATASETS))

# --- small numbers ---------------------------------------------------------------------------------------

st.header(pick("Kleine Zahlen und Datenschutz", "Small numbers and privacy"), anchor="kleine-zahlen")
st.markdown(pick(
    f"Öffentlich ist nur, was eine **Veröffentlichung** enthält: die Koordinierungsstelle gibt die geprüften "
    f"Zahlen frei, erst dann erscheinen sie hier, in Downloads, Bildern und Berichten. Jede Veröffentlichung "
    f"prüft die Geheimhaltung über alle Tabellen gemeinsam – Kreis, Land und Deutschland, Quartal und Jahr, "
    f"Summen und ihre Teile, Quoten und ihre Fallzahlen:\n"
    f"- Fallzahlen von 1 bis {config.MIN_COUNT - 1} erscheinen als „{privacy.small_label()}“.\n"
    f"- Damit sich keine davon als Differenz (Land minus übrige Kreise, Jahr minus übrige Quartale, Summe minus "
    f"Teile) oder aus Quote und Basis zurückrechnen lässt, werden weitere Werte gesperrt: „{privacy.PROTECTED_MARK}“ "
    f"(mindestens {config.MIN_COUNT}) oder, bei einer 0, ebenfalls „{privacy.small_label()}“. Für jeden gesperrten "
    f"Wert ist nachgewiesen, dass er mit allem Gezeigten vereinbar auch anders sein könnte.\n"
    f"- Quoten, Raten und Mittelwerte werden zurückgehalten („{privacy.WITHHELD}“), wenn weniger als "
    f"{config.MIN_RATE_EVENTS} Ereignisse zugrunde liegen (Regel des Schweizer Bundesamts für Statistik) oder "
    f"eine ihrer Fallzahlen gesperrt ist; dann ist auch die Fallzahl gesperrt, damit die Quote nicht aus ihr und "
    f"der Bevölkerung nachzurechnen ist.\n"
    f"- Alle Werte sind so gerundet, wie sie angezeigt werden – auch in CSV und Excel.\n"
    f"- Kapazitäten, Bedarf und Lücken beschreiben Angebote, nicht Personen, und werden immer gezeigt.\n"
    f"- Die Schwellen sind Einstellungen (`IK_MONITOR_MIN_COUNT` = {config.MIN_COUNT}, "
    f"`IK_MONITOR_MIN_RATE_EVENTS` = {config.MIN_RATE_EVENTS}). Das Verfahren, seine Garantie und ihre "
    f"Grenzen beschreibt `docs/privacy.md`.\n\n"
    + " ".join(privacy.notes("de")) + f" {privacy.NOTE_MISSING_DE}",
    f"Only what a **release** contains is public: the coordination office releases the checked figures, and only "
    f"then do they appear here, in downloads, images and reports. Every release checks disclosure over all tables "
    f"together – Kreis, Land and Germany, quarter and year, totals and their parts, rates and their counts:\n"
    f"- Counts from 1 to {config.MIN_COUNT - 1} show as '{privacy.small_label()}'.\n"
    f"- So that none of them can be worked back as a difference (Land minus other Kreise, year minus other "
    f"quarters, total minus parts) or from a rate and its base, further values are suppressed: "
    f"'{privacy.PROTECTED_MARK}' (at least {config.MIN_COUNT}) or, for a 0, also '{privacy.small_label()}'. For "
    f"every suppressed value it is proven that, consistent with everything shown, it could be different.\n"
    f"- Rates and averages are withheld ('{privacy.WITHHELD}') when fewer than {config.MIN_RATE_EVENTS} events "
    f"underlie them (the rule of the Swiss Federal Statistical Office) or one of their counts is suppressed; the "
    f"count is then suppressed too, so that the rate cannot be recomputed from it and the population.\n"
    f"- Every value is rounded as displayed – in CSV and Excel too.\n"
    f"- Capacities, needs and gaps describe services, not persons, and are always shown.\n"
    f"- The thresholds are settings (`IK_MONITOR_MIN_COUNT` = {config.MIN_COUNT}, "
    f"`IK_MONITOR_MIN_RATE_EVENTS` = {config.MIN_RATE_EVENTS}). `docs/privacy.md` describes the method, its "
    f"guarantee and its limits.\n\n"
    + " ".join(privacy.notes("en")) + f" {privacy.NOTE_MISSING_EN}",
))

# --- traffic light ---------------------------------------------------------------------------------------

st.header(pick("Ampel", "Traffic light"), anchor="ampel")
st.markdown(pick(assessment.RULE_DE, assessment.RULE_EN))
for key in (assessment.MET, assessment.PARTLY, assessment.FAR):
    st.badge(assessment.LABELS[key][1 if en else 0], color=assessment.COLOURS[key], icon=assessment.ICONS[key])

# --- sources and licences --------------------------------------------------------------------------------

st.header(pick("Quellen und Lizenzen", "Sources and licences"), anchor="quellen")
sources = [
    f"- **{pick('Bevölkerung', 'Population')}:** {population.get('source') or '–'}",
    f"- **{pick('Zielwerte', 'Targets')}:** " + pick("die in der Zieltabelle je Zeile genannten Quellen (oben).",
                                                    "the sources named in each row of the target table (above)."),
]
if geo.boundaries_installed():
    meta = geo.metadata()
    stand = meta.get("gebietsstand", "")
    sources.append(f"- **{pick('Verwaltungsgrenzen', 'Boundaries')}:** {geo.attribution()}"
                   + (f" – {pick('Gebietsstand', 'territorial status')} {stand}" if stand else "")
                   + (f", {meta['product']}" if meta.get("product") else ""))
else:
    sources.append(f"- **{pick('Verwaltungsgrenzen', 'Boundaries')}:** " + pick(
        f"nicht installiert; die Karten zeigen die Länder als Kacheln. {code(geo.INSTALL_HINT_DE)} "
        f"(BKG VG2500; Namensnennung dann: {geo.ATTRIBUTION_DEFAULT}).",
        f"not installed; maps show the Länder as tiles. {code(geo.INSTALL_HINT_EN)} "
        f"(BKG VG2500; attribution then: {geo.ATTRIBUTION_DEFAULT})."))
sources.append(f"- **{pick('Lizenztext', 'Licence text')}:** Datenlizenz Deutschland – Namensnennung – "
               "Version 2.0, "
               "<https://www.govdata.de/dl-de/by-2-0>")
st.markdown("\n".join(sources))
attribution_file = config.REFERENCE_DIR / "ATTRIBUTION.md"
if attribution_file.exists():
    with st.expander(pick("Mitgelieferte Referenzdaten (data/reference/ATTRIBUTION.md)",
                          "Shipped reference data (data/reference/ATTRIBUTION.md)")):
        st.markdown(attribution_file.read_text(encoding="utf-8"))
