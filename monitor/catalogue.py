"""The indicator catalogue: one definition per indicator the monitor computes and shows.

Pages, charts, downloads, the glossary, the CLI and the privacy rules all read this list; the computation
in ``monitor.indicators`` produces exactly these ids (a test keeps both in step).
"""

from __future__ import annotations

from dataclasses import dataclass

PREVENTION = "Prävention"
PROTECTION = "Schutz und Unterstützung"
PROSECUTION = "Strafverfolgung und Kooperation"
COORDINATION = "Koordinierung und Monitoring"
PILLARS = (PREVENTION, PROTECTION, PROSECUTION, COORDINATION)
PILLARS_EN = {
    PREVENTION: "Prevention",
    PROTECTION: "Protection and support",
    PROSECUTION: "Prosecution and co-operation",
    COORDINATION: "Co-ordination and monitoring",
}

# capacity: stock at the end of the latest reported quarter; flow: sum over the quarters;
# rate: summed numerator ÷ summed denominator; per_capita: per population; need / gap: from a target;
# average: weighted mean.
KINDS = ("capacity", "flow", "rate", "per_capita", "need", "gap", "average")

DATASETS_OF = ("shelters", "counselling", "police")


@dataclass(frozen=True)
class Indicator:
    id: str
    label_de: str
    label_en: str
    unit_de: str
    unit_en: str
    formula_de: str
    formula_en: str
    dataset: str  # shelters | counselling | police
    pillar: str
    kind: str
    slug: str  # German short name for file names
    target: str | None = None  # indicator id of its rows in targets.csv
    caveat_de: str = ""
    caveat_en: str = ""
    decimals: int = 0
    higher_is_better: bool | None = None
    count_like: bool = False  # a count of persons or cases: small numbers are suppressed in public mode
    events: str | None = None  # for rates: the indicator whose count the rate rests on (the "< 10 events" rule)
    numerator: str | None = None  # for rates between two counts: the count over ``events`` (evictions ÷ call-outs)
    part_of: str | None = None  # for counts: the count it is a part of ("davon"): at most that count

    @property
    def is_rate(self) -> bool:
        """Rates, percentages, per-capita figures and averages: subject to the minimum-events rule."""
        return self.events is not None

    @property
    def rests_on(self) -> tuple[str, ...]:
        """The counts a rate is computed from: a hidden one hides the rate too (release disclosure control)."""
        return tuple(i for i in (self.numerator, self.events) if i)

    @property
    def pillar_en(self) -> str:
        return PILLARS_EN[self.pillar]


_MEN = "Männerschutzwohnungen zählen nicht mit."
_MEN_EN = "Protected flats for men are not included."
_PLACES = "Plätze (Betten) für Frauen und Kinder, keine Familienplätze (1 Familienplatz = 2,5 Plätze)."
_PLACES_EN = "Places (beds) for women and children, not family places (1 family place = 2.5 places)."
_CAPACITY = "Stand am Ende des letzten gemeldeten Quartals im Zeitraum."
_CAPACITY_EN = "As at the end of the latest reported quarter of the period."
_VICTIM_SERVICES = "Ohne Täterarbeit."
_VICTIM_SERVICES_EN = "Perpetrator programmes excluded."
_POP = "Bevölkerung zum angegebenen Stichtag und Zensus-Basis."
_POP_EN = "Population at the stated reference date and census basis."
COMPARABILITY_DE = ("Die Länder grenzen häusliche Gewalt in der Polizeistatistik unterschiedlich ab (nur Partnerschaft "
            "oder auch Familie); Ländervergleiche nur mit Vorsicht.")
COMPARABILITY_EN = ("Länder define domestic violence differently in police data (partner violence only, or family "
               "violence too); compare Länder with care.")
FORMS_OF_VIOLENCE = (
    ("domestic", "domestic_violence", "häusliche Gewalt", "domestic violence", "haeusliche_gewalt"),
    ("sexual", "sexual_violence", "sexualisierte Gewalt", "sexual violence", "sexualisierte_gewalt"),
    ("stalking", "stalking", "Stalking", "stalking", "stalking"),
    ("digital", "digital_violence", "digitale Gewalt", "digital violence", "digitale_gewalt"),
    ("other", "other_violence", "sonstige Gewalt", "other violence", "sonstige_gewalt"),
)

# The services with a convention target: (capacity, need, gap, coverage in % of the target or None).
TARGETED_SERVICES = (
    ("shelter_places", "shelter_places_needed", "shelter_places_missing", "shelter_coverage_pct"),
    ("counselling_centres", "counselling_centres_needed", "counselling_centres_missing",
     "counselling_centres_coverage_pct"),
    ("counselling_centres_sexual_violence", "counselling_centres_sexual_violence_needed",
     "counselling_centres_sexual_violence_missing", None),
)

_INDICATORS: list[Indicator] = [
    # --- Schutzunterkünfte -------------------------------------------------------------------------------
    Indicator(
        "shelter_places", "Schutzplätze (Plätze, nicht Familienplätze)",
        "Shelter places (places, not family places)",
        "Plätze", "places",
        "Plätze Frauen + Plätze Kinder aller Frauenhäuser und Schutzwohnungen",
        "places for women + places for children of all shelters and protected flats",
        "shelters", PROTECTION, "capacity", "schutzplaetze", target="shelter_places",
        caveat_de=f"{_PLACES} {_MEN} {_CAPACITY}", caveat_en=f"{_PLACES_EN} {_MEN_EN} {_CAPACITY_EN}",
        higher_is_better=True,
    ),
    Indicator(
        "shelter_places_women", "Schutzplätze für Frauen", "Shelter places for women", "Plätze", "places",
        "Plätze Frauen aller Frauenhäuser und Schutzwohnungen", "places for women of all shelters",
        "shelters", PROTECTION, "capacity", "schutzplaetze_frauen",
        caveat_de=f"{_MEN} {_CAPACITY}", caveat_en=f"{_MEN_EN} {_CAPACITY_EN}", higher_is_better=True,
    ),
    Indicator(
        "shelter_places_children", "Schutzplätze für Kinder", "Shelter places for children", "Plätze", "places",
        "Plätze Kinder aller Frauenhäuser und Schutzwohnungen", "places for children of all shelters",
        "shelters", PROTECTION, "capacity", "schutzplaetze_kinder",
        caveat_de=f"{_MEN} {_CAPACITY}", caveat_en=f"{_MEN_EN} {_CAPACITY_EN}", higher_is_better=True,
    ),
    Indicator(
        "shelter_facilities", "Schutzunterkünfte (Einrichtungen)", "Shelters (facilities)", "Einrichtungen",
        "facilities",
        "Anzahl der Frauenhäuser und Schutzwohnungen, die für das Quartal gemeldet haben",
        "number of shelters and protected flats that reported for the quarter",
        "shelters", PROTECTION, "capacity", "schutzunterkuenfte",
        caveat_de=f"Gezählt werden meldende Einrichtungen. {_MEN} {_CAPACITY}",
        caveat_en=f"Reporting facilities are counted. {_MEN_EN} {_CAPACITY_EN}", higher_is_better=True,
    ),
    Indicator(
        "shelter_places_per_10k", "Schutzplätze je 10.000 Einwohner:innen", "Shelter places per 10,000 inhabitants",
        "Plätze je 10.000 Einw.", "places per 10,000 inhabitants",
        "Schutzplätze ÷ Bevölkerung insgesamt × 10.000", "shelter places ÷ total population × 10,000",
        "shelters", PROTECTION, "per_capita", "schutzplaetze_je_10000_einwohner",
        caveat_de=f"{_PLACES} {_POP} Soll nach deutscher Zählweise: 2,5 Plätze je 10.000.",
        caveat_en=f"{_PLACES_EN} {_POP_EN} Target in German practice: 2.5 places per 10,000.",
        decimals=2, higher_is_better=True,
    ),
    Indicator(
        "shelter_places_needed", "Bedarf an Schutzplätzen (Soll)", "Shelter places needed (target)",
        "Plätze", "places",
        "Bevölkerung ÷ 10.000 × 1 Familienplatz × 2,5 Plätze (Variante DE) bzw. × 1 (WAVE/EIGE)",
        "population ÷ 10,000 × 1 family place × 2.5 places (variant DE) or × 1 (WAVE/EIGE)",
        "shelters", PROTECTION, "need", "schutzplaetze_bedarf", target="shelter_places",
        caveat_de="Nach dem Soll in der Zieltabelle (Länder können eigene Maßstäbe hinterlegen). " + _POP,
        caveat_en="From the target table (Länder may store their own yardsticks). " + _POP_EN,
    ),
    Indicator(
        "shelter_coverage_pct", "Deckungsgrad Schutzplätze", "Shelter place coverage", "% des Solls", "% of target",
        "vorhandene Schutzplätze ÷ Bedarf × 100", "existing shelter places ÷ places needed × 100",
        "shelters", PROTECTION, "rate", "schutzplaetze_deckungsgrad", target="shelter_places",
        caveat_de=f"{_PLACES} Bezieht sich auf die Bevölkerung der Gebiete, die gemeldet haben.",
        caveat_en=f"{_PLACES_EN} Refers to the population of the areas that reported.",
        decimals=1, higher_is_better=True,
    ),
    Indicator(
        "shelter_places_missing", "Fehlende Schutzplätze", "Shelter places missing", "Plätze", "places",
        "max(Bedarf − vorhandene Schutzplätze, 0)", "max(places needed − existing places, 0)",
        "shelters", PROTECTION, "gap", "schutzplaetze_fehlend", target="shelter_places",
        caveat_de=_PLACES, caveat_en=_PLACES_EN, higher_is_better=False,
    ),
    Indicator(
        "shelter_accessible_places", "Barrierefreie Schutzplätze", "Accessible shelter places", "Plätze", "places",
        "Summe der barrierefreien Plätze", "sum of accessible places",
        "shelters", PROTECTION, "capacity", "schutzplaetze_barrierefrei",
        caveat_de=f"Nur Einrichtungen, die barrierefreie Plätze angeben. {_MEN} {_CAPACITY}",
        caveat_en=f"Only facilities that report accessible places. {_MEN_EN} {_CAPACITY_EN}",
        higher_is_better=True,
    ),
    Indicator(
        "shelter_occupancy_women_pct", "Auslastung der Frauenplätze", "Occupancy of places for women", "%", "%",
        "Σ belegte Platz-Tage Frauen ÷ Σ (Plätze Frauen × Tage im Quartal) × 100",
        "Σ occupied place-days, women ÷ Σ (places for women × days in the quarter) × 100",
        "shelters", PROTECTION, "rate", "auslastung_frauen",
        caveat_de="Über 100 % bedeutet Überbelegung. Nur Einrichtungen mit Angabe der Belegungstage.",
        caveat_en="Above 100 % means over-occupancy. Only facilities reporting occupied days.",
        decimals=1,
    ),
    Indicator(
        "shelter_occupancy_children_pct", "Auslastung der Kinderplätze", "Occupancy of places for children", "%", "%",
        "Σ belegte Platz-Tage Kinder ÷ Σ (Plätze Kinder × Tage im Quartal) × 100",
        "Σ occupied place-days, children ÷ Σ (places for children × days in the quarter) × 100",
        "shelters", PROTECTION, "rate", "auslastung_kinder",
        caveat_de="Über 100 % bedeutet Überbelegung. Nur Einrichtungen mit Angabe der Belegungstage.",
        caveat_en="Above 100 % means over-occupancy. Only facilities reporting occupied days.",
        decimals=1,
    ),
    Indicator(
        "shelter_admissions_women", "Aufnahmen von Frauen", "Admissions of women", "Frauen", "women",
        "Σ Aufnahmen Frauen im Zeitraum", "Σ admissions of women in the period",
        "shelters", PROTECTION, "flow", "aufnahmen_frauen",
        caveat_de=_MEN, caveat_en=_MEN_EN, count_like=True,
    ),
    Indicator(
        "shelter_admissions_children", "Aufnahmen von Kindern", "Admissions of children", "Kinder", "children",
        "Σ Aufnahmen Kinder im Zeitraum", "Σ admissions of children in the period",
        "shelters", PROTECTION, "flow", "aufnahmen_kinder",
        caveat_de=_MEN, caveat_en=_MEN_EN, count_like=True,
    ),
    Indicator(
        "shelter_turn_aways", "Abweisungen (Anfragen, nicht Personen)", "Turn-aways (requests, not persons)",
        "Anfragen", "requests",
        "Σ abgewiesene Aufnahmeanfragen im Zeitraum", "Σ requests for admission turned away in the period",
        "shelters", PROTECTION, "flow", "abweisungen",
        caveat_de="Gezählt werden Anfragen, nicht Personen: eine Frau kann bei mehreren Häusern anfragen "
                  "und wird dann mehrfach gezählt.",
        caveat_en="Requests are counted, not persons: a woman who asks several shelters is counted several times.",
        higher_is_better=False, count_like=True,
    ),
    Indicator(
        "shelter_turn_aways_no_space", "Abweisungen wegen Platzmangel (Anfragen)",
        "Turn-aways for lack of space (requests)", "Anfragen", "requests",
        "Σ Abweisungen wegen Platzmangel im Zeitraum", "Σ turn-aways for lack of space in the period",
        "shelters", PROTECTION, "flow", "abweisungen_platzmangel",
        caveat_de="Anfragen, nicht Personen. Nur Einrichtungen, die den Grund angeben.",
        caveat_en="Requests, not persons. Only facilities that report the reason.",
        higher_is_better=False, count_like=True, part_of="shelter_turn_aways",
    ),
    Indicator(
        "shelter_full_days", "Tage ohne Aufnahmemöglichkeit je Einrichtung",
        "Days with no admission possible per facility", "Tage je Quartal", "days per quarter",
        "Σ Tage ohne Aufnahmemöglichkeit ÷ Zahl der Einrichtungsmeldungen (Einrichtung × Quartal)",
        "Σ days with no admission possible ÷ number of facility reports (facility × quarter)",
        "shelters", PROTECTION, "average", "tage_ohne_aufnahme",
        caveat_de="Durchschnitt je Einrichtung und Quartal, auch bei Jahreswerten. Nur Einrichtungen mit Angabe.",
        caveat_en="Average per facility and quarter, also for years. Only facilities that report it.",
        decimals=1, higher_is_better=False,
    ),
    # --- Beratung ---------------------------------------------------------------------------------------
    Indicator(
        "counselling_centres", "Frauenberatungsstellen", "Women's counselling centres", "Beratungsstellen",
        "centres",
        "Anzahl meldender Einrichtungen der Art „Frauenberatungsstelle“",
        "number of reporting facilities of type 'Frauenberatungsstelle'",
        "counselling", PROTECTION, "capacity", "frauenberatungsstellen", target="counselling_centres",
        caveat_de="Nur Frauenberatungsstellen. Interventionsstellen (BISS) zählen nicht mit: sie beraten nach "
                  "einem Polizeieinsatz pro-aktiv und sind oft an eine Frauenberatungsstelle angebunden, die "
                  "sonst doppelt zählte. " + _CAPACITY,
        caveat_en="Women's counselling centres only. Intervention centres (BISS) are not counted: they counsel "
                  "pro-actively after a police call-out and are often part of a counselling centre that would "
                  "otherwise count twice. " + _CAPACITY_EN,
        higher_is_better=True,
    ),
    Indicator(
        "counselling_centres_needed", "Bedarf an Frauenberatungsstellen (Soll)", "Counselling centres needed (target)",
        "Beratungsstellen", "centres",
        "weibliche Bevölkerung ÷ 50.000", "female population ÷ 50,000",
        "counselling", PROTECTION, "need", "frauenberatungsstellen_bedarf", target="counselling_centres",
        caveat_de="Nach dem Soll in der Zieltabelle. " + _POP, caveat_en="From the target table. " + _POP_EN,
        decimals=1,
    ),
    Indicator(
        "counselling_centres_coverage_pct", "Deckungsgrad Frauenberatungsstellen", "Counselling centre coverage",
        "% des Solls", "% of target",
        "vorhandene Frauenberatungsstellen ÷ Bedarf × 100", "existing centres ÷ centres needed × 100",
        "counselling", PROTECTION, "rate", "frauenberatungsstellen_deckungsgrad", target="counselling_centres",
        caveat_de="Interventionsstellen zählen nicht mit.", caveat_en="Intervention centres are not counted.",
        decimals=1, higher_is_better=True,
    ),
    Indicator(
        "counselling_centres_missing", "Fehlende Frauenberatungsstellen", "Counselling centres missing",
        "Beratungsstellen", "centres",
        "max(Bedarf − vorhandene Frauenberatungsstellen, 0)", "max(centres needed − existing centres, 0)",
        "counselling", PROTECTION, "gap", "frauenberatungsstellen_fehlend", target="counselling_centres",
        caveat_de="Interventionsstellen zählen nicht mit.", caveat_en="Intervention centres are not counted.",
        decimals=1, higher_is_better=False,
    ),
    Indicator(
        "counselling_centres_sexual_violence", "Fachberatungsstellen sexualisierte Gewalt",
        "Specialised centres on sexual violence", "Fachberatungsstellen", "specialised centres",
        "Anzahl meldender Einrichtungen der Art „Fachberatung sexualisierte Gewalt“",
        "number of reporting facilities of type 'Fachberatung sexualisierte Gewalt'",
        "counselling", PROTECTION, "capacity", "fachberatung_sexualisierte_gewalt",
        target="counselling_centres_sexual_violence", caveat_de=_CAPACITY, caveat_en=_CAPACITY_EN,
        higher_is_better=True,
    ),
    Indicator(
        "counselling_centres_sexual_violence_needed", "Bedarf an Fachberatungsstellen sexualisierte Gewalt (Soll)",
        "Specialised centres on sexual violence needed (target)", "Fachberatungsstellen", "specialised centres",
        "weibliche Bevölkerung ÷ 200.000", "female population ÷ 200,000",
        "counselling", PROTECTION, "need", "fachberatung_sexualisierte_gewalt_bedarf",
        target="counselling_centres_sexual_violence",
        caveat_de="Nach dem Soll in der Zieltabelle. " + _POP, caveat_en="From the target table. " + _POP_EN,
        decimals=1,
    ),
    Indicator(
        "counselling_centres_sexual_violence_missing", "Fehlende Fachberatungsstellen sexualisierte Gewalt",
        "Specialised centres on sexual violence missing", "Fachberatungsstellen", "specialised centres",
        "max(Bedarf − vorhandene Fachberatungsstellen, 0)", "max(centres needed − existing centres, 0)",
        "counselling", PROTECTION, "gap", "fachberatung_sexualisierte_gewalt_fehlend",
        target="counselling_centres_sexual_violence",
        caveat_de="Bezieht sich auf die Bevölkerung der Gebiete, die gemeldet haben.",
        caveat_en="Refers to the population of the areas that reported.", decimals=1, higher_is_better=False,
    ),
    Indicator(
        "counselling_staff_fte", "Fachpersonal in der Beratung (VZÄ)", "Counselling staff (FTE)",
        "Vollzeitstellen", "FTE",
        "Σ Personalstellen (VZÄ) der Beratungseinrichtungen", "Σ staff (FTE) of counselling services",
        "counselling", PROTECTION, "capacity", "beratung_personal_vzae",
        caveat_de=f"{_VICTIM_SERVICES} {_CAPACITY}", caveat_en=f"{_VICTIM_SERVICES_EN} {_CAPACITY_EN}",
        decimals=1, higher_is_better=True,
    ),
    Indicator(
        "counselling_persons", "Beratene Personen", "Persons counselled", "Personen", "persons",
        "Σ beratene Personen im Zeitraum", "Σ persons counselled in the period",
        "counselling", PROTECTION, "flow", "beratene_personen",
        caveat_de=f"{_VICTIM_SERVICES} Über mehrere Quartale summiert kann eine Person mehrfach zählen.",
        caveat_en=f"{_VICTIM_SERVICES_EN} Summed over quarters, a person may count more than once.",
        count_like=True,
    ),
    Indicator(
        "counselling_persons_per_10k_women", "Beratene Personen je 10.000 Frauen",
        "Persons counselled per 10,000 women", "Personen je 10.000 Frauen", "persons per 10,000 women",
        "Σ beratene Personen ÷ weibliche Bevölkerung × 10.000",
        "Σ persons counselled ÷ female population × 10,000",
        "counselling", PROTECTION, "per_capita", "beratene_personen_je_10000_frauen",
        caveat_de=f"{_VICTIM_SERVICES} Ein hoher Wert kann mehr Gewalt oder ein besser erreichbares Angebot "
                  f"bedeuten. {_POP}",
        caveat_en=f"{_VICTIM_SERVICES_EN} A high value may mean more violence or better reach. {_POP_EN}",
        decimals=1, events="counselling_persons",
    ),
    *[
        Indicator(
            f"counselling_persons_{key}", f"Beratene Personen: {de}", f"Persons counselled: {en}",
            "Personen", "persons",
            f"Σ Personen, die wegen {de} beraten wurden", f"Σ persons counselled for {en}",
            "counselling", PROTECTION, "flow", f"beratene_personen_{slug}",
            caveat_de=f"Mehrfachnennung möglich. {_VICTIM_SERVICES}",
            caveat_en=f"More than one form possible. {_VICTIM_SERVICES_EN}", count_like=True,
            part_of="counselling_persons",
        )
        for key, _field, de, en, slug in FORMS_OF_VIOLENCE
    ],
    *[
        Indicator(
            f"counselling_persons_{key}_per_10k_women", f"Beratene Personen: {de}, je 10.000 Frauen",
            f"Persons counselled: {en}, per 10,000 women", "Personen je 10.000 Frauen", "persons per 10,000 women",
            f"Σ Personen mit Beratung wegen {de} ÷ weibliche Bevölkerung × 10.000",
            f"Σ persons counselled for {en} ÷ female population × 10,000",
            "counselling", PROTECTION, "per_capita", f"beratene_personen_{slug}_je_10000_frauen",
            caveat_de=f"Mehrfachnennung möglich. {_VICTIM_SERVICES} {_POP}",
            caveat_en=f"More than one form possible. {_VICTIM_SERVICES_EN} {_POP_EN}",
            decimals=1, events=f"counselling_persons_{key}",
        )
        for key, _field, de, en, slug in FORMS_OF_VIOLENCE
    ],
    Indicator(
        "counselling_waiting_days", "Wartezeit bis zum Erstgespräch", "Waiting time until first appointment",
        "Tage", "days",
        "Σ (Wartezeit × beratene Personen) ÷ Σ beratene Personen", "Σ (waiting days × persons) ÷ Σ persons",
        "counselling", PROTECTION, "average", "wartezeit_tage",
        caveat_de=f"Mittelwert der gemeldeten Wartezeiten, gewichtet mit der Zahl der beratenen Personen. "
                  f"{_VICTIM_SERVICES}",
        caveat_en=f"Mean of the reported waiting times, weighted by the number of persons counselled. "
                  f"{_VICTIM_SERVICES_EN}",
        decimals=1, higher_is_better=False, events="counselling_persons",
    ),
    Indicator(
        "counselling_police_referrals", "Vermittlungen der Polizei an die Beratung (eingegangen)",
        "Referrals received from the police", "Fälle", "cases",
        "Σ von der Polizei übermittelte Fälle laut Beratungsstellen",
        "Σ cases passed on by the police, as reported by counselling services",
        "counselling", PROSECUTION, "flow", "vermittlungen_polizei_eingegangen",
        caveat_de=f"Pro-aktiver Ansatz. {_VICTIM_SERVICES}", caveat_en=f"Pro-active approach. {_VICTIM_SERVICES_EN}",
        count_like=True,
    ),
    Indicator(
        "counselling_police_referrals_reached", "Von der Beratung erreichte Personen nach Polizeivermittlung",
        "Persons reached after a police referral", "Personen", "persons",
        "Σ davon erreicht", "Σ of which reached",
        "counselling", PROSECUTION, "flow", "vermittlungen_polizei_erreicht",
        caveat_de=_VICTIM_SERVICES, caveat_en=_VICTIM_SERVICES_EN, higher_is_better=True, count_like=True,
        part_of="counselling_police_referrals",
    ),
    Indicator(
        "counselling_reach_rate_pct", "Erreichungsquote nach Polizeivermittlung", "Reach rate after police referral",
        "%", "%",
        "Σ erreichte Personen ÷ Σ eingegangene Vermittlungen der Polizei × 100",
        "Σ persons reached ÷ Σ referrals received from the police × 100",
        "counselling", PROSECUTION, "rate", "erreichungsquote",
        caveat_de="Aus den Meldungen der Beratungsstellen; nur Einrichtungen, die „davon erreicht“ angeben.",
        caveat_en="From the counselling services' reports; only services that report 'of which reached'.",
        decimals=1, higher_is_better=True, events="counselling_police_referrals",
        numerator="counselling_police_referrals_reached",
    ),
    Indicator(
        "perpetrator_programme_persons", "Täterarbeit: beratene Personen", "Perpetrator programmes: persons",
        "Personen", "persons",
        "Σ beratene Personen in Einrichtungen der Täterarbeit", "Σ persons in perpetrator programmes",
        "counselling", PREVENTION, "flow", "taeterarbeit_personen",
        caveat_de="Täterarbeit (Art. 16 der Konvention): Arbeit mit Gewaltausübenden.",
        caveat_en="Perpetrator programmes (Art. 16 of the convention).", count_like=True,
    ),
    # --- Polizei ----------------------------------------------------------------------------------------
    Indicator(
        "police_callouts", "Polizeieinsätze wegen häuslicher Gewalt", "Police call-outs for domestic violence",
        "Einsätze", "call-outs",
        "Σ Einsätze häusliche Gewalt im Zeitraum", "Σ call-outs for domestic violence in the period",
        "police", PROSECUTION, "flow", "polizeieinsaetze",
        caveat_de=COMPARABILITY_DE, caveat_en=COMPARABILITY_EN, count_like=True,
    ),
    Indicator(
        "police_callouts_per_10k", "Polizeieinsätze je 10.000 Einwohner:innen",
        "Police call-outs per 10,000 inhabitants", "Einsätze je 10.000 Einw.", "call-outs per 10,000 inhabitants",
        "Σ Einsätze ÷ Bevölkerung der meldenden Kreise × 10.000",
        "Σ call-outs ÷ population of the reporting Kreise × 10,000",
        "police", PROSECUTION, "per_capita", "polizeieinsaetze_je_10000_einwohner",
        caveat_de=f"{COMPARABILITY_DE} {_POP}", caveat_en=f"{COMPARABILITY_EN} {_POP_EN}",
        decimals=1, events="police_callouts",
    ),
    Indicator(
        "police_victims_female", "Opfer weiblich", "Victims, female", "Personen", "persons",
        "Σ weibliche Opfer", "Σ female victims", "police", PROSECUTION, "flow", "opfer_weiblich",
        caveat_de=COMPARABILITY_DE, caveat_en=COMPARABILITY_EN, count_like=True,
    ),
    Indicator(
        "police_victims_male", "Opfer männlich", "Victims, male", "Personen", "persons",
        "Σ männliche Opfer", "Σ male victims", "police", PROSECUTION, "flow", "opfer_maennlich",
        caveat_de=COMPARABILITY_DE, caveat_en=COMPARABILITY_EN, count_like=True,
    ),
    Indicator(
        "police_eviction_orders", "Wohnungsverweisungen und Rückkehrverbote", "Eviction and no-return orders",
        "Anordnungen", "orders",
        "Σ Wohnungsverweisungen und Rückkehrverbote", "Σ eviction and no-return orders",
        "police", PROSECUTION, "flow", "wohnungsverweisungen",
        caveat_de=COMPARABILITY_DE, caveat_en=COMPARABILITY_EN, count_like=True,
    ),
    Indicator(
        "police_eviction_rate_pct", "Wohnungsverweisungen je Einsatz", "Eviction orders per call-out", "%", "%",
        "Σ Wohnungsverweisungen ÷ Σ Einsätze × 100", "Σ eviction orders ÷ Σ call-outs × 100",
        "police", PROSECUTION, "rate", "wohnungsverweisungsquote",
        caveat_de="Nur Kreise, die Wohnungsverweisungen melden. " + COMPARABILITY_DE,
        caveat_en="Only Kreise that report eviction orders. " + COMPARABILITY_EN,
        decimals=1, events="police_callouts", numerator="police_eviction_orders",
    ),
    Indicator(
        "police_referrals", "Weiterleitungen an Beratung (Polizei)", "Police referrals to counselling",
        "Fälle", "cases",
        "Σ mit Einwilligung an eine Beratungsstelle weitergeleitete Fälle",
        "Σ cases passed on to counselling with consent",
        "police", PROSECUTION, "flow", "weiterleitungen_polizei",
        caveat_de="Pro-aktiver Ansatz, nur mit Einwilligung.", caveat_en="Pro-active approach, with consent only.",
        higher_is_better=True, count_like=True,
    ),
    Indicator(
        "police_referral_rate_pct", "Weiterleitungsquote", "Referral rate", "%", "%",
        "Σ Weiterleitungen ÷ Σ Einsätze × 100", "Σ referrals ÷ Σ call-outs × 100",
        "police", PROSECUTION, "rate", "weiterleitungsquote",
        caveat_de="Nur Kreise, die Weiterleitungen melden. " + COMPARABILITY_DE,
        caveat_en="Only Kreise that report referrals. " + COMPARABILITY_EN,
        decimals=1, higher_is_better=True, events="police_callouts", numerator="police_referrals",
    ),
    Indicator(
        "police_high_risk_cases", "Hochrisikofälle", "High-risk cases", "Fälle", "cases",
        "Σ als Hochrisikofall eingestufte Fälle", "Σ cases classed as high risk",
        "police", PROSECUTION, "flow", "hochrisikofaelle",
        caveat_de="Einstufung und Fallkonferenzen sind regional verschieden geregelt.",
        caveat_en="Classification and case conferences differ between regions.", count_like=True,
    ),
]

CATALOGUE: dict[str, Indicator] = {i.id: i for i in _INDICATORS}


def get(indicator_id: str) -> Indicator:
    """The catalogue entry of ``indicator_id``; KeyError names the unknown id."""
    try:
        return CATALOGUE[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}") from None


def ids() -> list[str]:
    """All indicator ids in catalogue order (the order pages and downloads use)."""
    return list(CATALOGUE)


def by_pillar() -> dict[str, list[Indicator]]:
    """Indicators grouped by the four pillars, in pillar order (a pillar may be empty)."""
    out: dict[str, list[Indicator]] = {p: [] for p in PILLARS}
    for ind in _INDICATORS:
        out[ind.pillar].append(ind)
    return out


def of_dataset(dataset_id: str) -> list[Indicator]:
    """Indicators computed from one dataset."""
    return [i for i in _INDICATORS if i.dataset == dataset_id]
