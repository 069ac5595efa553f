"""Methodik & Glossar — generated from the indicator catalogue, the targets in force and the dataset
definitions, so the page always says what the program computes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from etl import districts
from monitor import annotations, assessment, catalogue, config, fmt, geo, privacy
from monitor.datasets import DATASETS, KIND_LABELS, Dataset
from monitor.regions import GERMANY
from ui import components as c
from ui import data
from ui.i18n import N_, _, lang, pick

view = st.session_state["view"]
language = lang()
regions = data.regions()
germany = data.report(GERMANY, view.period, view.variant)
population = germany.population


def num(value, decimals: int = 0) -> str:
    return fmt.number(value, decimals, language)


KINDS = {
    "capacity": N_("Bestand am Ende des letzten gemeldeten Quartals im Zeitraum"),
    "flow": N_("Summe über die Quartale des Zeitraums"),
    "rate": N_("Quote: Summe der Zähler ÷ Summe der Nenner"),
    "per_capita": N_("je Bevölkerung (Stichtag und Zensus-Basis siehe „Bevölkerung“)"),
    "need": N_("Bedarf nach dem Soll der Zieltabelle"),
    "gap": N_("Lücke zum Soll (nie negativ)"),
    "average": N_("gewichteter Mittelwert"),
}
SECTIONS = (
    ("kennzahlen", N_("Kennzahlen")), ("soll", N_("Zielwerte (Soll)")), ("datensaetze", N_("Datensätze")),
    ("bevoelkerung", N_("Bevölkerung")), ("hinweise", N_("Hinweise")), ("vergleichbarkeit", N_("Vergleichbarkeit")),
    ("vollstaendigkeit", N_("Fehlende Meldungen")), ("kleine-zahlen", N_("Kleine Zahlen")), ("ampel", N_("Ampel")),
    ("quellen", N_("Quellen und Lizenzen")),
)


def caveat(ind_id: str) -> str:
    ind = catalogue.get(ind_id)
    return pick(ind.caveat_de, ind.caveat_en)


st.title(_("Methodik & Glossar"))
st.markdown(_("Diese Seite entsteht aus dem Kennzahlenkatalog, der Zieltabelle und den Datensatzdefinitionen des "
              "Programms. Was hier steht, ist genau das, was der Monitor rechnet."))
st.markdown(_("**Inhalt:** {sections}", sections=" · ".join(f"[{_(title)}](#{a})" for a, title in SECTIONS)))

# --- indicators ------------------------------------------------------------------------------------------

targets = data.targets()
st.header(_("Kennzahlen nach Säulen"), anchor="kennzahlen")
st.caption(_("Die vier Säulen folgen dem Aufbau der Istanbul-Konvention: Prävention (Art. 12–17), Schutz und "
             "Unterstützung (Art. 18–28), Strafverfolgung und Kooperation (Art. 49–58, 7, 51), Koordinierung und "
             "Monitoring (Art. 10, 11)."))


def land_name(ags) -> str:
    if not isinstance(ags, str) or not ags:
        return _("alle Länder")
    region = regions.get(ags)
    return region.name if region else ags


def privacy_rule(ind: catalogue.Indicator) -> str:
    if ind.count_like:
        return _("Werte unter {n} erscheinen öffentlich als „{small}“; Werte, aus denen sie sich errechnen "
                 "ließen, als „{protected}“.", n=config.MIN_COUNT, small=privacy.small_label(),
                 protected=privacy.PROTECTED_MARK)
    if ind.events:
        events = c.label(ind.events)
        return _("Öffentlich zurückgehalten („{withheld}“), wenn weniger als {n} zugrunde liegen (gezählt: "
                 "{events}).", withheld=privacy.WITHHELD, n=config.MIN_RATE_EVENTS, events=events)
    return _("Immer gezeigt: beschreibt Angebote, nicht Personen.")


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
    st.subheader(c.pillar(pillar))
    if not members:
        st.caption(_("Zu dieser Säule erhebt der Monitor noch keine Quartalsdaten."))
        continue
    for ds_id in catalogue.DATASETS_OF:
        group = [i for i in members if i.dataset == ds_id]
        if not group:
            continue
        ds_label = pick(DATASETS[ds_id].label_de, DATASETS[ds_id].label_en)
        with st.expander(_("{dataset}: {n} Kennzahlen", dataset=ds_label, n=len(group))):
            for ind in group:
                lines = [
                    f"**{c.label(ind.id)}** · {c.unit(ind.id)}",
                    _("- **Formel:** {formula}", formula=pick(ind.formula_de, ind.formula_en)),
                    _("- **Berechnung im Zeitraum:** {kind}", kind=_(KINDS[ind.kind])),
                ]
                if ind.target:
                    lines.append(_("- **Soll:** {target}", target=target_line(ind)))
                lines.append(_("- **Kleine Zahlen:** {rule}", rule=privacy_rule(ind)))
                if ind.caveat_de:
                    lines.append(_("- **Hinweise:** {caveat}", caveat=caveat(ind.id)))
                lines.append(_("- **Kennung:** `{id}` · Dateiname `{slug}`", id=ind.id, slug=ind.slug))
                st.markdown("\n".join(lines))

# --- targets ---------------------------------------------------------------------------------------------

st.header(_("Zielwerte (Soll)"), anchor="soll")
st.markdown(_("Die Konvention verlangt „ausreichend“ Angebote; die Zahlen stammen aus dem Erläuternden Bericht "
              "und den Mindeststandards des Europarats. Jeder Zielwert ist eine Zeile der Zieltabelle mit Wert, "
              "Bezugsgröße, Faktor, Quelle und Gültigkeitsbeginn. Länder können eigene Maßstäbe hinterlegen "
              "(`python -m etl targets DATEI`); dann gilt für ihre Kreise die Landeszeile."))
st.markdown(_("- **Bedarf** = Bevölkerung (Bezugsgröße) ÷ je × Wert × Faktor\n"
              "- **Deckungsgrad** = vorhanden ÷ Bedarf × 100\n"
              "- **fehlend** = max(Bedarf − vorhanden, 0)"))


target_table = pd.DataFrame({
    _("Kennzahl"): [c.label(i) if i in catalogue.CATALOGUE else i for i in targets["indicator"]],
    _("Soll"): [pick(d, e) for d, e in zip(targets["label_de"], targets["label_en"])],
    _("Wert"): [num(v, 1 if v % 1 else 0) for v in targets["value"]],
    _("je"): [num(v) for v in targets["per_population"]],
    _("Bezugsgröße"): [_(c.DENOMINATORS[d]) if d in c.DENOMINATORS else d for d in targets["denominator"]],
    _("Faktor"): [num(v, 1) for v in targets["factor"]],
    _("Zählweise"): [v if isinstance(v, str) else _("alle") for v in targets["variant"]],
    _("gilt ab"): [fmt.date_(v, language) for v in targets["valid_from"]],
    _("Land"): [land_name(a) for a in targets["land_ags"]],
    _("Quelle"): targets["source"],
})
# a data grid, not a static table: it scrolls sideways on a phone and is reachable by keyboard
st.dataframe(target_table, hide_index=True, width="stretch")
overrides = targets[targets["land_ags"].map(lambda a: isinstance(a, str) and a != "")]
if overrides.empty:
    st.caption(_("Landeseigene Zielwerte: keine hinterlegt – für alle Länder gelten die Zeilen oben."))
else:
    st.caption(_("Landeseigene Zielwerte: {targets}", targets="; ".join(
        f"{land_name(r.land_ags)}: {pick(r.label_de, r.label_en)}" for r in overrides.itertuples())))

shelter = targets[(targets["indicator"] == "shelter_places") & targets["land_ags"].isna()]
if population.get("total") and not shelter.empty:
    rows = []
    for r in shelter.itertuples():
        need = population["total"] / r.per_population * r.value * r.factor
        family = _(" ({n} Familienplätze)", n=num(need / r.factor)) if r.factor != 1 else ""
        rows.append(_("- Zählweise {variant}: {population} ÷ {per} × {value} × {factor} = **{need} Plätze**{family}",
                      variant=r.variant, population=num(population["total"]), per=num(r.per_population),
                      value=num(r.value), factor=num(r.factor, 1), need=num(need), family=family))
        if r.factor == 2.5:
            reported = 7786  # the federal government's count for 2024, the figure public debate compares with
            rows.append(_("- Zum Vergleich: Mit den {reported} Plätzen, die die Bundesregierung 2024 angab, fehlen "
                          "rund {gap} Plätze; der Deckungsgrad liegt bei {pct}.", reported=num(reported),
                          gap=num(need - reported), pct=fmt.percent(reported / need * 100, 0, language)))
    st.markdown(_("**Rechenbeispiel Deutschland** (Bevölkerung am {date}, Basis {basis}):",
                  date=fmt.date_(population["reference_date"], language), basis=population["basis"])
                + "\n" + "\n".join(rows))
st.markdown(_("**Plätze, Familienplätze, Betten.** Der Europarat rechnet mit 1 Familienplatz je 10.000 "
              "Einwohner:innen. In Deutschland entspricht ein Familienplatz 2,5 Plätzen (eine Frau und 1,5 "
              "Kinder; DIMR, epd-Umfrage bei den Landesministerien, Nov. 2024). WAVE und EIGE zählen 1 Bett je "
              "10.000 Einwohner:innen – die Zählweise wählt man in der Seitenleiste. Weitere Maßstäbe in "
              "Gebrauch: 1 Bett je 7.500 Einwohner:innen (Task Force des Europarats 2006), 1 Platz je 10.000 "
              "Frauen (Ministerium in Baden-Württemberg)."))

# --- datasets --------------------------------------------------------------------------------------------

st.header(_("Datensätze und Spalten"), anchor="datensaetze")
st.markdown(_("Die Daten kommen quartalsweise je Kreis oder kreisfreier Stadt (fünfstelliger AGS). "
              "Schutzunterkünfte und Beratungsstellen melden je Einrichtung unter einer pseudonymen Kennung – "
              "Adressen von Schutzunterkünften sind vertraulich. Personenbezogene Daten gelangen nie in den "
              "Monitor, nur Zahlen. Die Excel-Vorlagen schreibt `python -m etl template DATENSATZ -o DATEI.xlsx`."))


def column_rule(ds: Dataset, col) -> str:
    rules = []
    if col.part_of:
        rules.append(f"≤ „{ds.column(col.part_of).header}“")
    if col.at_most:
        rules.append("≤ " + " + ".join(f"„{ds.column(f).header}“" for f in col.at_most))
    for days_f, places_f in ds.capacity_checks:
        if col.field == days_f:
            places = ds.column(places_f).header
            rules.append(_("≤ „{places}“ × Tage im Quartal (darüber: Warnung Überbelegung)", places=places))
    if col.field in ds.day_counts:
        rules.append(_("≤ Tage im Quartal"))
    if col.field in ds.key:
        rules.append(_("Teil des Schlüssels"))
    return "; ".join(rules)


for ds in DATASETS.values():
    with st.expander(f"{pick(ds.label_de, ds.label_en)} – {pick(ds.unit_de, ds.unit_en)}", expanded=False):
        key = " + ".join(f"„{ds.column(k).header}“" for k in ds.key)
        st.markdown(pick(ds.description_de, ds.description_en) + " "
                    + _("Schlüssel: {key} – einmal je Datei; bereits geladene Schlüssel ersetzt nur ein Laden mit "
                        "`--replace`.", key=key))
        table = pd.DataFrame({
            _("Spalte (Vorlage)"): [col.header for col in ds.columns],
            "English": [col.label_en for col in ds.columns],
            _("Pflicht"): [_("ja") if col.required else _("nein") for col in ds.columns],
            _("Typ"): [_(KIND_LABELS[col.kind]) for col in ds.columns],
            _("Erläuterung"): [pick(col.help_de, col.help_en) for col in ds.columns],
            _("Auswahlwerte"): [", ".join(col.choices) for col in ds.columns],
            _("Prüfregel"): [column_rule(ds, col) for col in ds.columns],
            _("Auch erkannt als"): [", ".join(col.aliases) for col in ds.columns],
        })
        # the template's headers are German; the English label helps only English readers
        st.dataframe(table if language == "en" else table.drop(columns="English"), hide_index=True,
                     width="stretch")

# --- population ------------------------------------------------------------------------------------------

st.header(_("Bevölkerung"), anchor="bevoelkerung")
if population.get("reference_date"):
    st.markdown(_("Raten je Einwohner:innen, Bedarf und Lücken beziehen sich auf die Bevölkerung am **{date}**, "
                  "**Basis {basis}**: Deutschland {total} Einwohner:innen, davon {female} Frauen. Quelle: {source}.",
                  date=fmt.date_(population["reference_date"], language), basis=population["basis"],
                  total=num(population["total"]), female=num(population["female"]), source=population["source"]))
if population.get("mixed"):
    st.warning(_("Es sind Bevölkerungsstände verschiedener Stichtage geladen; je Kreis gilt der jeweils passende "
                 "Stand (siehe unten)."))
st.markdown(_("- **Welcher Stand gilt:** je Kreis der letzte Stichtag am oder vor dem Ende des Zeitraums (sonst "
              "der früheste), bei gleichem Stichtag die neuere Zensus-Basis. Ein neuer Stand wird mit `python -m "
              "etl population DATEI` geladen und lässt sich rückgängig machen.\n- **Warum die Basis zählt:** "
              "Destatis hat die Bevölkerung auf den Zensus 2022 umgestellt. Auf der alten Basis (Zensus 2011) "
              "hatte Deutschland am 31.12.2023 84.669.326 Einwohner:innen statt 83.456.045 – der Bedarf an "
              "Schutzplätzen läge bei 21.167 statt 20.864. Daher kommt die oft zitierte Zahl „rund 21.000 Plätze "
              "nötig“ (Quelle der alten Basis: Statistisches Bundesamt, Gemeindeverzeichnis GV-ISys, "
              "Gebietsstand 31.12.2023). Je Kreis weichen die Basen um bis zu einige Prozent ab; deshalb stehen "
              "Stichtag und Basis neben jeder Rate.\n- **Gebiete, die gemeldet haben:** Für ein Land oder "
              "Deutschland beziehen sich Raten, Bedarf und Lücken auf die Bevölkerung der Gebiete, die gemeldet "
              "haben – nicht auf alle."))

# --- comparability ---------------------------------------------------------------------------------------

st.header(_("Methodenwechsel, Ereignisse und Gebietsänderungen"), anchor="hinweise")
st.markdown(_("Diese Hinweise stehen als gepunktete, nummerierte Linie vor ihrem Quartal in jeder Zeitreihe, "
              "jedem Diagrammbild und jedem Berichtsverlauf, den sie betreffen; die Fußzeile des Diagramms "
              "erklärt die Nummer. Ändert sich das Gebiet eines Kreises, gelten Quoten und Soll erst wieder, "
              "wenn Bevölkerungszahlen für das neue Gebiet geladen sind; Fallzahlen werden weiter gezeigt, Land "
              "und Deutschland sind nicht betroffen."))
st.dataframe(annotations.frame(data.annotations(), lang()), hide_index=True, width="stretch")

st.header(_("Vergleichbarkeit"), anchor="vergleichbarkeit")
turn = catalogue.get("shelter_turn_aways")
st.markdown("\n".join([
    _("- **Polizeidaten:** {note} Polizeibezirke decken sich nicht immer mit Kreisen.",
      note=pick(catalogue.COMPARABILITY_DE, catalogue.COMPARABILITY_EN)),
    _("- **Abweisungen:** {caveat}", caveat=caveat("shelter_turn_aways")),
    _("- **Plätze, Familienplätze, Betten:** Der Monitor zählt Plätze (Betten) für Frauen und Kinder. Ein "
      "Familienplatz sind 2,5 Plätze (deutsche Praxis); WAVE/EIGE zählen ein Bett als einen Platz. Jedes Diagramm "
      "nennt die Zählweise. Männerschutzwohnungen zählen nicht mit."),
    _("- **Beratungsstellen:** {caveat}", caveat=caveat("counselling_centres")),
    _("- **Beratene Personen:** {caveat}", caveat=caveat("counselling_persons")),
    _("- **Hochrisikofälle:** {caveat}", caveat=caveat("police_high_risk_cases")),
    _("- **Hohe Werte:** Mehr Beratungen oder Einsätze je Einwohner:in können mehr Gewalt oder ein besser "
      "erreichbares Angebot und mehr Anzeigebereitschaft bedeuten."),
]))

st.subheader(_("Polizeidaten je Polizeibezirk"), anchor="polizeibezirke")
st.markdown(districts.methodology_text(language))

# --- missing reports and completeness --------------------------------------------------------------------

st.header(_("Fehlende Meldungen und Vollständigkeit"), anchor="vollstaendigkeit")
st.markdown(_("- **Keine Meldung ist nicht null.** Fehlt eine Meldung, bleibt die Zelle leer („k. A.“) und die "
              "Linie im Diagramm hat eine Lücke. Null steht nur dort, wo gemeldet wurde, dass es nichts gibt.\n- "
              "**Einrichtungsdaten:** Hat ein Land für ein Quartal gemeldet, zählt ein Kreis ohne Einrichtung "
              "als 0 (z. B. kein Frauenhaus); hat das Land nicht gemeldet, fehlt der Wert.\n- **Polizeidaten:** "
              "eine Zeile je Kreis; ein Kreis ohne Zeile fehlt.\n- **Bestände** (Plätze, Stellen, Personal) "
              "gelten am Ende des letzten gemeldeten Quartals im Zeitraum, **Flüsse** (Aufnahmen, Beratungen, "
              "Einsätze) sind Summen über die Quartale, **Quoten** teilen summierte Zähler durch summierte "
              "Nenner. Ein Jahr steht zur Wahl, wenn alle vier Quartale Daten haben.\n- **Vollständigkeit** steht "
              "unter jeder Ansicht: wie viele Einrichtungen (von den in den letzten vier Quartalen bekannten), "
              "Kreise, Länder und Quartale gemeldet haben."))
st.markdown(_("Beispiel – Deutschland, {period}:", period=c.period_text(view)))
c.completeness_caption(germany.completeness, tuple(DATASETS))

# --- small numbers ---------------------------------------------------------------------------------------

st.header(_("Kleine Zahlen und Datenschutz"), anchor="kleine-zahlen")
st.markdown(_(
    "Öffentlich ist nur, was eine **Veröffentlichung** enthält: die Koordinierungsstelle gibt die geprüften Zahlen "
    "frei, erst dann erscheinen sie hier, in Downloads, Bildern und Berichten. Jede Veröffentlichung prüft die "
    "Geheimhaltung über alle Tabellen gemeinsam – Kreis, Land und Deutschland, Quartal und Jahr, Summen und ihre "
    "Teile, Quoten und ihre Fallzahlen:\n"
    "- Fallzahlen von 1 bis {below} erscheinen als „{small}“.\n"
    "- Damit sich keine davon als Differenz (Land minus übrige Kreise, Jahr minus übrige Quartale, Summe minus "
    "Teile) oder aus Quote und Basis zurückrechnen lässt, werden weitere Werte gesperrt: „{protected}“ (mindestens "
    "{min_count}) oder, bei einer 0, ebenfalls „{small}“. Für jeden gesperrten Wert ist nachgewiesen, dass er mit "
    "allem Gezeigten vereinbar auch anders sein könnte.\n"
    "- Quoten, Raten und Mittelwerte werden zurückgehalten („{withheld}“), wenn weniger als {min_events} Ereignisse "
    "zugrunde liegen (Regel des Schweizer Bundesamts für Statistik) oder eine ihrer Fallzahlen gesperrt ist; dann "
    "ist auch die Fallzahl gesperrt, damit die Quote nicht aus ihr und der Bevölkerung nachzurechnen ist.\n"
    "- Alle Werte sind so gerundet, wie sie angezeigt werden – auch in CSV und Excel.\n"
    "- Kapazitäten, Bedarf und Lücken beschreiben Angebote, nicht Personen, und werden immer gezeigt.\n"
    "- Die Schwellen sind Einstellungen (`IK_MONITOR_MIN_COUNT` = {min_count}, `IK_MONITOR_MIN_RATE_EVENTS` = "
    "{min_events}). Das Verfahren, seine Garantie und ihre Grenzen beschreibt `docs/privacy.md`.",
    below=config.MIN_COUNT - 1, small=privacy.small_label(), protected=privacy.PROTECTED_MARK,
    min_count=config.MIN_COUNT, withheld=privacy.WITHHELD, min_events=config.MIN_RATE_EVENTS,
) + "\n\n" + " ".join([*privacy.notes(language), privacy.missing_note(language)]))

# --- traffic light ---------------------------------------------------------------------------------------

st.header(_("Ampel"), anchor="ampel")
st.markdown(assessment.rule(language))
for key in (assessment.MET, assessment.PARTLY, assessment.FAR):
    st.badge(assessment.label(key, language), color=assessment.COLOURS[key], icon=assessment.ICONS[key])

# --- sources and licences --------------------------------------------------------------------------------

st.header(_("Quellen und Lizenzen"), anchor="quellen")
sources = [
    _("- **Bevölkerung:** {source}", source=population.get("source") or "–"),
    _("- **Zielwerte:** die in der Zieltabelle je Zeile genannten Quellen (oben)."),
]
if geo.boundaries_installed():
    meta = geo.metadata()
    details = ", ".join(p for p in (meta.get("gebietsstand", ""), meta.get("product", "")) if p)
    sources.append(_("- **Verwaltungsgrenzen:** {attribution}", attribution=geo.attribution())
                   + (_(" – Gebietsstand {details}", details=details) if details else ""))
else:
    sources.append(_("- **Verwaltungsgrenzen:** nicht installiert; die Karten zeigen die Länder als Kacheln. Grenzen "
                     "hinzufügen: `{command}` (BKG VG2500; Namensnennung dann: {attribution}).",
                     command=geo.INSTALL_COMMAND, attribution=geo.ATTRIBUTION_DEFAULT))
sources.append(_("- **Lizenztext:** Datenlizenz Deutschland – Namensnennung – Version 2.0, "
                 "<https://www.govdata.de/dl-de/by-2-0>"))
st.markdown("\n".join(sources))
attribution_file = config.REFERENCE_DIR / "ATTRIBUTION.md"
if attribution_file.exists():
    with st.expander(_("Mitgelieferte Referenzdaten (data/reference/ATTRIBUTION.md)")):
        st.markdown(attribution_file.read_text(encoding="utf-8"))
