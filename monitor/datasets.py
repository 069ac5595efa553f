"""The one definition of each quarterly dataset.

The reader matches headers against it, the validator applies its rules, the template writer writes its
headers, help texts and dropdowns, the store creates its tables from it and the glossary describes it.
There is no second list of columns anywhere in the project.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_

# Column kinds. ``count``: non-negative whole number; ``decimal``: non-negative number.
QUARTER, AGS, ID, CATEGORY, COUNT, DECIMAL = "quarter", "ags", "id", "category", "count", "decimal"

SQL_TYPES = {
    QUARTER: "VARCHAR",
    AGS: "VARCHAR",
    ID: "VARCHAR",
    CATEGORY: "VARCHAR",
    COUNT: "BIGINT",
    DECIMAL: "DOUBLE",
}

# What a person enters in a column of each kind (template help sheet, upload page, glossary); German message ids
KIND_LABELS = {
    QUARTER: N_("Quartal (JJJJ-Qn)"),
    AGS: N_("Kreisschlüssel (5 Ziffern)"),
    ID: N_("Text (pseudonyme Kennung)"),
    CATEGORY: N_("Auswahl aus der Liste"),
    COUNT: N_("ganze Zahl ≥ 0"),
    DECIMAL: N_("Zahl ≥ 0, Dezimalkomma erlaubt"),
}


@dataclass(frozen=True)
class Column:
    field: str  # English snake_case name, also the database column
    header: str  # canonical German header, as in the template
    label_en: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()  # further headers offices really write (matched after normalisation)
    choices: tuple[str, ...] = ()  # allowed values of a category column
    part_of: str | None = None  # a "davon" column: must not exceed this field
    at_most: tuple[str, ...] = ()  # must not exceed the sum of these fields (e.g. accessible places)
    help_de: str = ""  # filling instruction, shown in the template and the glossary
    help_en: str = ""

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]

    @property
    def is_number(self) -> bool:
        return self.kind in (COUNT, DECIMAL)


@dataclass(frozen=True)
class Dataset:
    id: str
    table: str
    label_de: str
    label_en: str
    unit_de: str  # what one row is
    unit_en: str
    key: tuple[str, ...]  # one row per key and file; a loaded key is refused unless replaced
    columns: tuple[Column, ...]
    # occupancy pairs (occupied place-days, places): place-days must fit into places × days of the quarter
    capacity_checks: tuple[tuple[str, str], ...] = ()
    # count columns that cannot exceed the number of days in the quarter
    day_counts: tuple[str, ...] = ()
    description_de: str = ""
    description_en: str = ""

    def column(self, field_name: str) -> Column:
        for c in self.columns:
            if c.field == field_name:
                return c
        raise KeyError(field_name)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    @property
    def per_facility(self) -> bool:
        return "facility" in self.key


_QUARTER_COL = Column(
    "quarter", "Quartal", "Quarter", QUARTER, required=True,
    aliases=("Berichtsquartal", "Quartal/Jahr", "Berichtszeitraum", "Zeitraum", "Quarter", "Meldequartal"),
    help_de="Berichtsquartal, z. B. 2025-Q2 (auch „Q2/2025“, „2. Quartal 2025“ oder ein Datum im Quartal).",
    help_en="Reporting quarter, e.g. 2025-Q2.",
)
_AGS_COL = Column(
    "ags", "AGS", "Regional key (AGS)", AGS, required=True,
    aliases=("Kreisschlüssel", "Kreiskennziffer", "Regionalschlüssel", "Gemeindeschlüssel", "AGS Kreis",
             "Kreis", "Landkreis/kreisfreie Stadt", "Kreis/kreisfreie Stadt", "Kreis/Stadt", "Region", "Schlüssel",
             "Kreisname", "Stadt/Kreis"),
    help_de="Fünfstelliger Kreisschlüssel (AGS) des Kreises oder der kreisfreien Stadt, z. B. 05913 für Dortmund. "
            "Der Name geht auch, wenn er eindeutig ist; siehe Blatt „Regionen“.",
    help_en="Five-digit key (AGS) of the Kreis or kreisfreie Stadt, e.g. 05913 for Dortmund.",
)
_FACILITY_COL = Column(
    "facility", "Einrichtung", "Facility (pseudonymous ID)", ID, required=True,
    aliases=("Einrichtungs-ID", "Einrichtungsnummer", "Einrichtungskennung", "Kennung", "Pseudonym", "ID", "Facility"),
    help_de="Pseudonyme, dauerhaft gleiche Kennung der Einrichtung (z. B. NI-FH-017). "
            "Keine Adresse und kein Name – Standorte von Schutzunterkünften sind vertraulich.",
    help_en="Pseudonymous, stable facility ID (e.g. NI-FH-017); never an address or name.",
)

SHELTER_TYPES = ("Frauenhaus", "Schutzwohnung", "Männerschutzwohnung", "Sonstige")
COUNSELLING_TYPES = (
    "Frauenberatungsstelle",
    "Interventionsstelle",
    "Fachberatung sexualisierte Gewalt",
    "Täterarbeit",
    "Sonstige",
)

SHELTERS = Dataset(
    id="shelters",
    table="shelters",
    label_de="Schutzunterkünfte",
    label_en="Shelters",
    unit_de="eine Zeile je Einrichtung und Quartal",
    unit_en="one row per facility and quarter",
    key=("quarter", "facility"),
    columns=(
        _QUARTER_COL,
        _AGS_COL,
        _FACILITY_COL,
        Column("facility_type", "Art", "Type", CATEGORY, required=True, choices=SHELTER_TYPES,
               aliases=("Typ", "Art der Einrichtung", "Einrichtungsart", "Angebotsart", "Type"),
               help_de="Frauenhaus, Schutzwohnung, Männerschutzwohnung oder Sonstige.",
               help_en="Women's shelter, protected flat, men's protected flat or other."),
        Column("places_women", "Plätze Frauen", "Places for women", COUNT, required=True,
               aliases=("Frauenplätze", "Plätze für Frauen", "Anzahl Plätze Frauen", "Betten Frauen",
                        "Platzzahl Frauen"),
               help_de="Plätze (Betten) für Frauen am Quartalsende – keine Familienplätze.",
               help_en="Places (beds) for women at the end of the quarter, not family places."),
        Column("places_children", "Plätze Kinder", "Places for children", COUNT, required=True,
               aliases=("Kinderplätze", "Plätze für Kinder", "Anzahl Plätze Kinder", "Betten Kinder",
                        "Platzzahl Kinder"),
               help_de="Plätze (Betten) für Kinder am Quartalsende.",
               help_en="Places (beds) for children at the end of the quarter."),
        Column("occupied_days_women", "Belegungstage Frauen", "Occupied place-days, women", COUNT,
               aliases=("Belegtage Frauen", "Belegungstage (Frauen)"),
               help_de="Summe der belegten Platz-Tage von Frauen im Quartal.",
               help_en="Sum of place-days occupied by women in the quarter."),
        Column("occupied_days_children", "Belegungstage Kinder", "Occupied place-days, children", COUNT,
               aliases=("Belegtage Kinder", "Belegungstage (Kinder)"),
               help_de="Summe der belegten Platz-Tage von Kindern im Quartal.",
               help_en="Sum of place-days occupied by children in the quarter."),
        Column("admissions_women", "Aufnahmen Frauen", "Admissions, women", COUNT,
               aliases=("aufgenommene Frauen", "Neuaufnahmen Frauen"),
               help_de="Im Quartal aufgenommene Frauen.", help_en="Women admitted in the quarter."),
        Column("admissions_children", "Aufnahmen Kinder", "Admissions, children", COUNT,
               aliases=("aufgenommene Kinder", "Neuaufnahmen Kinder"),
               help_de="Im Quartal aufgenommene Kinder.", help_en="Children admitted in the quarter."),
        Column("turn_aways", "Abweisungen", "Turn-aways (requests)", COUNT,
               aliases=("Abweisungen gesamt", "abgewiesene Anfragen", "Absagen"),
               help_de="Abgewiesene Aufnahmeanfragen im Quartal. Gezählt werden Anfragen, nicht Personen – "
                       "eine Frau kann bei mehreren Häusern anfragen.",
               help_en="Requests for admission turned away in the quarter (requests, not persons)."),
        Column("turn_aways_no_space", "davon wegen Platzmangel", "of which for lack of space", COUNT,
               part_of="turn_aways",
               aliases=("Abweisungen wegen Platzmangel", "davon Platzmangel", "wegen Platzmangel"),
               help_de="Davon abgewiesen, weil kein Platz frei war.", help_en="Of which for lack of space."),
        Column("full_days", "Tage ohne Aufnahmemöglichkeit", "Days with no admission possible", COUNT,
               aliases=("Tage voll belegt", "Tage ohne freien Platz", "Tage ohne Aufnahme"),
               help_de="Tage im Quartal, an denen keine Frau aufgenommen werden konnte.",
               help_en="Days in the quarter on which no woman could be admitted."),
        Column("accessible_places", "barrierefreie Plätze", "Accessible places", COUNT,
               at_most=("places_women", "places_children"),
               aliases=("barrierefrei", "rollstuhlgerechte Plätze", "Plätze barrierefrei"),
               help_de="Davon barrierefreie Plätze (höchstens so viele wie Plätze insgesamt).",
               help_en="Accessible places (at most all places)."),
    ),
    capacity_checks=(("occupied_days_women", "places_women"), ("occupied_days_children", "places_children")),
    day_counts=("full_days",),
    description_de="Kapazität, Belegung, Aufnahmen und Abweisungen der Frauenhäuser und Schutzwohnungen.",
    description_en="Capacity, occupancy, admissions and turn-aways of shelters.",
)

COUNSELLING = Dataset(
    id="counselling",
    table="counselling",
    label_de="Beratung",
    label_en="Counselling",
    unit_de="eine Zeile je Einrichtung und Quartal",
    unit_en="one row per facility and quarter",
    key=("quarter", "facility"),
    columns=(
        _QUARTER_COL,
        _AGS_COL,
        _FACILITY_COL,
        Column("service_type", "Art", "Type of service", CATEGORY, required=True, choices=COUNSELLING_TYPES,
               aliases=("Typ", "Art der Einrichtung", "Einrichtungsart", "Angebotsart", "Type"),
               help_de="Frauenberatungsstelle, Interventionsstelle, Fachberatung sexualisierte Gewalt, "
                       "Täterarbeit oder Sonstige.",
               help_en="Type of counselling service."),
        Column("persons_counselled", "Personen beraten", "Persons counselled", COUNT, required=True,
               aliases=("beratene Personen", "Anzahl beratene Personen", "Klientinnen", "Ratsuchende"),
               help_de="Im Quartal beratene Personen (jede Person einmal).",
               help_en="Persons counselled in the quarter (each person once)."),
        Column("persons_new", "davon neu", "of which new", COUNT, part_of="persons_counselled",
               aliases=("neue Personen", "davon Neuaufnahmen", "Neufälle"),
               help_de="Davon im Quartal erstmals beraten.", help_en="Of which counselled for the first time."),
        Column("domestic_violence", "häusliche Gewalt", "domestic violence", COUNT, part_of="persons_counselled",
               aliases=("davon häusliche Gewalt", "Häusliche Gewalt (Personen)"),
               help_de="Personen, die wegen häuslicher Gewalt beraten wurden (Mehrfachnennung möglich).",
               help_en="Persons counselled for domestic violence (more than one form possible)."),
        Column("sexual_violence", "sexualisierte Gewalt", "sexual violence", COUNT, part_of="persons_counselled",
               aliases=("davon sexualisierte Gewalt", "sexuelle Gewalt"),
               help_de="Personen, die wegen sexualisierter Gewalt beraten wurden.",
               help_en="Persons counselled for sexual violence."),
        Column("stalking", "Stalking", "stalking", COUNT, part_of="persons_counselled",
               aliases=("davon Stalking", "Nachstellung"),
               help_de="Personen, die wegen Stalking beraten wurden.", help_en="Persons counselled for stalking."),
        Column("digital_violence", "digitale Gewalt", "digital violence", COUNT, part_of="persons_counselled",
               aliases=("davon digitale Gewalt", "Gewalt im digitalen Raum"),
               help_de="Personen, die wegen digitaler Gewalt beraten wurden.",
               help_en="Persons counselled for digital violence."),
        Column("other_violence", "sonstige Gewalt", "other violence", COUNT, part_of="persons_counselled",
               aliases=("davon sonstige Gewalt", "andere Gewaltformen"),
               help_de="Personen, die wegen sonstiger Gewalt beraten wurden.",
               help_en="Persons counselled for other forms of violence."),
        Column("police_referrals", "Vermittlungen durch Polizei", "Referrals received from police", COUNT,
               aliases=("polizeiliche Vermittlungen", "pro-aktive Vermittlungen", "Meldungen der Polizei",
                        "Vermittlungen Polizei"),
               help_de="Von der Polizei (pro-aktiver Ansatz) übermittelte Fälle.",
               help_en="Cases passed on by the police (pro-active approach)."),
        Column("police_referrals_reached", "davon erreicht", "of which reached", COUNT, part_of="police_referrals",
               aliases=("erreicht", "davon erreichte Personen", "erreichte Personen"),
               help_de="Davon Personen, die die Beratungsstelle erreicht hat.",
               help_en="Of which persons the service reached."),
        Column("staff_fte", "Personalstellen (VZÄ)", "Staff (FTE)", DECIMAL,
               aliases=("VZÄ", "Vollzeitäquivalente", "Personalstellen", "Stellen (VZÄ)"),
               help_de="Fachpersonal in Vollzeitäquivalenten, z. B. 2,5.", help_en="Specialist staff in FTE."),
        Column("waiting_days", "Wartezeit (Tage)", "Waiting time (days)", DECIMAL,
               aliases=("Wartezeit", "durchschnittliche Wartezeit", "Wartezeit in Tagen"),
               help_de="Durchschnittliche Wartezeit bis zum Erstgespräch in Tagen.",
               help_en="Average waiting time until the first appointment, in days."),
    ),
    description_de="Beratene Personen nach Gewaltform, pro-aktive Vermittlungen der Polizei, Personal, Wartezeit.",
    description_en="Persons counselled by form of violence, police referrals, staff, waiting time.",
)

POLICE = Dataset(
    id="police",
    table="police",
    label_de="Polizeieinsätze",
    label_en="Police call-outs",
    unit_de="eine Zeile je Kreis und Quartal",
    unit_en="one row per Kreis and quarter",
    key=("quarter", "ags"),
    columns=(
        _QUARTER_COL,
        _AGS_COL,
        Column("callouts", "Einsätze häusliche Gewalt", "Call-outs for domestic violence", COUNT, required=True,
               aliases=("Einsätze", "Einsätze HG", "Polizeieinsätze häusliche Gewalt",
                        "Einsätze wegen häuslicher Gewalt", "Anzahl Einsätze"),
               help_de="Polizeieinsätze wegen häuslicher Gewalt im Quartal.",
               help_en="Police call-outs for domestic violence in the quarter."),
        Column("victims_female", "Opfer weiblich", "Victims, female", COUNT,
               aliases=("weibliche Opfer", "Opfer (weiblich)", "Opfer w"),
               help_de="Weibliche Opfer.", help_en="Female victims."),
        Column("victims_male", "Opfer männlich", "Victims, male", COUNT,
               aliases=("männliche Opfer", "Opfer (männlich)", "Opfer m"),
               help_de="Männliche Opfer.", help_en="Male victims."),
        Column("eviction_orders", "Wohnungsverweisungen", "Eviction orders", COUNT,
               aliases=("Wohnungsverweisung", "Wohnungsverweisungen/Rückkehrverbote", "Rückkehrverbote",
                        "Wohnungsverweisung und Rückkehrverbot"),
               help_de="Wohnungsverweisungen und Rückkehrverbote.", help_en="Eviction orders and no-return orders."),
        Column("referrals", "Weiterleitungen an Beratung", "Referrals to counselling", COUNT,
               aliases=("Weiterleitungen", "Vermittlungen an Beratung", "pro-aktive Weiterleitungen",
                        "Weiterleitungen an Beratungsstellen"),
               help_de="Mit Einwilligung an eine Beratungsstelle weitergeleitete Fälle (pro-aktiver Ansatz).",
               help_en="Cases passed on to counselling with consent (pro-active approach)."),
        Column("high_risk_cases", "Hochrisikofälle", "High-risk cases", COUNT,
               aliases=("Hochrisiko-Fälle", "Hochrisikofälle (Fallkonferenzen)", "Fallkonferenzen"),
               help_de="Als Hochrisikofall eingestufte Fälle (z. B. mit Fallkonferenz).",
               help_en="Cases classed as high risk (e.g. with a case conference)."),
    ),
    description_de=("Polizeieinsätze wegen häuslicher Gewalt, Opfer, Wohnungsverweisungen, Weiterleitungen, "
                    "Hochrisikofälle."),
    description_en="Police call-outs for domestic violence, victims, eviction orders, referrals, high-risk cases.",
)

DATASETS: dict[str, Dataset] = {d.id: d for d in (SHELTERS, COUNSELLING, POLICE)}


def get(dataset_id: str) -> Dataset:
    try:
        return DATASETS[dataset_id]
    except KeyError:
        raise KeyError(f"unknown dataset {dataset_id!r}; known: {', '.join(DATASETS)}") from None
