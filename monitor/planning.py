"""Bedarfsplanung under the Gewalthilfegesetz: per Kreis of a Land the shelter places and women's counselling
centres needed, existing, the gap, and what to add per year to close it before the legal claim of 1 January 2032.

Rules (also written into every export, see ``rules``):

* Need = population at the stated reference date × the yardstick in force for the Land (its own target where
  it has loaded one, else the convention's; ``monitor.indicators`` picks it). A yardstick set on the planning
  page for a what-if replaces it without being stored.
* Rounding: shelter places needed are rounded **up** to whole places (41.4 → 42: a started place is a place);
  counselling centres needed are rounded half up to whole centres (1.4 → 1, 1.5 → 2), at least one per Kreis
  with inhabitants.
* Gap = max(rounded need − existing, 0). A Kreis's surplus is not set against another's gap; the Land total
  is the sum of the Kreise.
* Years: from the calendar (budget) year after the plan is made, not before 2027 (the needs-based network is
  financed from 1 January 2027), up to and including 2031. To add per year = gap ÷ years, rounded **up**, so
  the gap is closed by 1 January 2032; the last year takes what remains.
* Existing capacity is that of the period's latest reported quarter; a Kreis whose Land did not report has no
  gap ("k. A."), not a gap of the whole need.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Mapping

import pandas as pd
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from . import config, exports, fmt
from .figures import Figures
from .i18n import N_, NP_, ptranslate, translate
from .indicators import DEFAULT_VARIANT, RegionReport, TargetInfo, number_or_none, require_land
from .periods import Period

LEGAL_CLAIM = date(2032, 1, 1)  # every woman's legal claim to protection and counselling
FIRST_FUNDED_YEAR = 2027  # the needs-based network is financed from 1 January 2027
FIRST_ANALYSIS_DUE = date(2026, 12, 31)
MEASURES = ("shelter_places", "counselling_centres")
# in running text ("je 10.000 Einwohner:innen"): lower case in English, unlike the column headers of the same words
DENOMINATOR_CONTEXT = "Bezugsgröße"
DENOMINATORS = {"population_total": NP_("Bezugsgröße", "Einwohner:innen"),
                "population_female": NP_("Bezugsgröße", "Frauen")}
SERVICE_NAMES = {"shelter_places": N_("Schutzplätze"), "counselling_centres": N_("Frauenberatungsstellen")}
LAW = N_("Gewalthilfegesetz (in Kraft seit Februar 2025)")
WHAT_IF_SOURCE = N_("Vorgabe auf der Planungsseite (nicht gespeichert)")
ANALYSIS_OVERDUE = N_("Die erste Bedarfsanalyse war bis Ende 2026 fällig; sie ist alle fünf Jahre fortzuschreiben.")
_YARDSTICK = {
    "shelter_places": N_("{value} Plätze je {per} {denominator} ({origin}; Quelle: {source})"),
    "counselling_centres": N_("{value} Frauenberatungsstelle(n) je {per} {denominator} ({origin}; Quelle: {source})"),
}
_OWN, _CONVENTION = N_("eigener Maßstab des Landes"), N_("Maßstab der Istanbul-Konvention")
_WHAT_IF_LABEL = N_("eigener Maßstab: {value} je {per} {denominator}")


@dataclass(frozen=True)
class Yardstick:
    """How much of a service a population needs: ``value`` units per ``per_population`` of the denominator."""

    indicator: str  # shelter_places | counselling_centres
    value: float
    per_population: int
    denominator: str  # population_total | population_female
    label_de: str
    source: str  # the target row's source; for a what-if the catalogue text WHAT_IF_SOURCE
    target_id: str | None = None  # the row of the target table; None for a what-if set on the page
    land_ags: str | None = None  # a Land's own target; None: the convention's
    label_en: str = ""

    @classmethod
    def from_target(cls, t: TargetInfo) -> "Yardstick":
        """The yardstick of a row of the target table (value × factor per population)."""
        return cls(t.indicator, t.units, t.per_population, t.denominator, t.label_de, t.source, t.id,
                   t.land_ags, t.label_en or "")

    def need(self, total: Any, female: Any) -> float:
        """The exact (unrounded) need of a population; NaN where the denominator is unknown."""
        base = total if self.denominator == "population_total" else female
        base = number_or_none(base)
        return math.nan if base is None else base * self.value / self.per_population

    @property
    def own(self) -> bool:
        """A Land's own yardstick (loaded or set on the page) rather than the convention's."""
        return self.land_ags is not None or self.target_id is None

    def source_text(self, language: str = "de") -> str:
        """Where the yardstick comes from: the target row's source as cited, or "set on the planning page"."""
        return translate(WHAT_IF_SOURCE, language) if self.target_id is None else self.source

    def label(self, language: str = "de") -> str:
        """The yardstick's short label: the target row's own, or "eigener Maßstab: 3 je 10.000 Einwohner:innen"."""
        if self.target_id is None:
            return translate(_WHAT_IF_LABEL, language, value=_short(self.value, 2, language),
                             per=_short(self.per_population, 0, language),
                             denominator=_denominator(self.denominator, language))
        return self.label_en if language == "en" and self.label_en else self.label_de

    def text(self, language: str = "de") -> str:
        """``2,5 Plätze je 10.000 Einwohner:innen`` / ``2.5 places per 10,000 inhabitants`` (with its source)."""
        return translate(_YARDSTICK[self.indicator], language, value=_short(self.value, 2, language),
                         per=_short(self.per_population, 0, language),
                         denominator=_denominator(self.denominator, language),
                         origin=translate(_OWN if self.own else _CONVENTION, language),
                         source=self.source_text(language))


def what_if(indicator: str, value: float, per_population: int, denominator: str, land_ags: str) -> Yardstick:
    """A yardstick set on the planning page (not stored): e.g. ``what_if("shelter_places", 3, 10_000, …)``."""
    if value <= 0 or per_population <= 0:
        raise ValueError("Der Maßstab muss größer als null sein.")
    ys = Yardstick(indicator, float(value), int(per_population), denominator, "", WHAT_IF_SOURCE, None, land_ags)
    return replace(ys, label_de=ys.label("de"), label_en=ys.label("en"))


# --- the arithmetic ----------------------------------------------------------------------------------------


def round_places(exact: float) -> int:
    """Shelter places needed, rounded up to whole places (a started place is a place)."""
    return int(math.ceil(round(exact, 6)))  # round first: 41.000000001 from float noise is 41


def round_centres(exact: float) -> int:
    """Counselling centres needed, rounded half up, at least one where anyone lives."""
    if exact <= 0:
        return 0
    return max(1, int(math.floor(round(exact, 6) + 0.5)))


def planning_years(today: date | None = None) -> list[int]:
    """The build-up years: from the year after ``today`` (not before 2027) through 2031."""
    today = today or config.today()
    start = max(FIRST_FUNDED_YEAR, today.year + 1)
    years = list(range(start, LEGAL_CLAIM.year))
    return years or [today.year]  # past the deadline: all of it now


def per_year(gap: int, years: int) -> int:
    """Units to add each year to close ``gap`` within ``years`` years, rounded up."""
    if gap <= 0:
        return 0
    return int(math.ceil(gap / max(years, 1)))


def schedule(gap: int, years: int) -> list[int]:
    """Units added in each year: ``per_year`` until the gap is closed, the last step takes what remains."""
    step = per_year(gap, years)
    out, left = [], max(gap, 0)
    for _ in range(max(years, 1)):
        add = min(step, left)
        out.append(add)
        left -= add
    return out


_ROUND = {"shelter_places": round_places, "counselling_centres": round_centres}
_PREFIX = {"shelter_places": "places", "counselling_centres": "centres"}


def plan_frame(kreise: pd.DataFrame, yardsticks: Mapping[str, Yardstick], years: int) -> pd.DataFrame:
    """The plan per Kreis from a frame with ``ags``, ``name``, ``population_total``, ``population_female``,
    ``shelter_places``, ``counselling_centres`` (NaN: not reported) and optionally ``shelters_completeness`` /
    ``counselling_completeness``. Columns: see ``COLUMNS``."""
    out = pd.DataFrame({
        "ags": kreise["ags"].astype(str).tolist(),
        "name": kreise["name"].tolist(),
        "population_total": [_int_or_none(v) for v in kreise["population_total"]],
        "population_female": [_int_or_none(v) for v in kreise["population_female"]],
    })
    for ind in MEASURES:
        p, ys, rnd = _PREFIX[ind], yardsticks[ind], _ROUND[ind]
        exact = [ys.need(t, f) for t, f in zip(kreise["population_total"], kreise["population_female"])]
        needed = [None if math.isnan(e) else rnd(e) for e in exact]
        existing = [_int_or_none(v) for v in kreise[ind]]
        gap = [None if n is None or x is None else max(n - x, 0) for n, x in zip(needed, existing)]
        out[f"{p}_existing"] = pd.array(existing, dtype="Int64")
        out[f"{p}_needed_exact"] = pd.array([None if math.isnan(e) else e for e in exact], dtype="Float64")
        out[f"{p}_needed"] = pd.array(needed, dtype="Int64")
        out[f"{p}_gap"] = pd.array(gap, dtype="Int64")
        out[f"{p}_per_year"] = pd.array([None if g is None else per_year(g, years) for g in gap], dtype="Int64")
        out[f"{p}_coverage_pct"] = pd.array(
            [None if x is None or not n else x / n * 100 for x, n in zip(existing, needed)], dtype="Float64")
    for ds in ("shelters", "counselling"):
        col = f"{ds}_completeness"
        out[f"{ds}_status"] = kreise[col].tolist() if col in kreise else ""
    return out


def totals(rows: pd.DataFrame, years: int) -> dict[str, Any]:
    """The Land total: sums over the Kreise (gaps per Kreis, a surplus is not set against another's gap). Its
    name and its completeness are words, given by ``table`` in the language shown."""
    out: dict[str, Any] = {"ags": "", "name": ""}
    for col in ("population_total", "population_female"):
        out[col] = int(rows[col].dropna().sum())
    for p in _PREFIX.values():
        reported = rows[f"{p}_existing"].notna()
        out[f"{p}_existing"] = int(rows.loc[reported, f"{p}_existing"].sum()) if reported.any() else None
        out[f"{p}_needed_exact"] = float(rows[f"{p}_needed_exact"].dropna().sum())
        out[f"{p}_needed"] = int(rows[f"{p}_needed"].dropna().sum())
        gap = int(rows.loc[reported, f"{p}_gap"].sum()) if reported.any() else None
        out[f"{p}_gap"] = gap
        out[f"{p}_per_year"] = int(rows.loc[reported, f"{p}_per_year"].sum()) if reported.any() else None
        needed_reported = int(rows.loc[reported, f"{p}_needed"].sum()) if reported.any() else 0
        out[f"{p}_coverage_pct"] = (out[f"{p}_existing"] / needed_reported * 100
                                    if reported.any() and needed_reported else None)
        out[f"{p}_kreise_reported"] = int(reported.sum())
    out["kreise"] = len(rows)
    out["shelters_status"] = out["counselling_status"] = ""
    return out


TOTAL_NAME = N_("Land insgesamt")
_KREISE_REPORTED = N_("{reported} von {total} Kreisen gemeldet")


def total_row(plan: "Plan", language: str = "de") -> dict[str, Any]:
    """The Land total as a row of the table: its name and completeness in ``language``."""
    t = plan.total
    return {**t, "name": translate(TOTAL_NAME, language),
            "shelters_status": translate(_KREISE_REPORTED, language, reported=t["places_kreise_reported"],
                                         total=t["kreise"]),
            "counselling_status": translate(_KREISE_REPORTED, language, reported=t["centres_kreise_reported"],
                                            total=t["kreise"])}


# --- the plan for a Land -------------------------------------------------------------------------------------


@dataclass
class Plan:
    """The needs analysis for one Land and period, with everything an export must state."""

    land_ags: str
    land_name: str
    period: str
    variant: str
    made_on: date
    years: list[int]
    yardsticks: dict[str, Yardstick]
    rows: pd.DataFrame
    total: dict[str, Any]
    population: dict[str, Any]  # reference_date, basis, source, mixed (several vintages among the Kreise)
    stand: datetime | None = None
    is_demo: bool = False
    notes: list[str] = field(default_factory=list)  # catalogue texts (msgids), shown with note_texts(language)

    def population_text(self, language: str = "de") -> str:
        """The population vintage the plan rests on, as one sentence in ``language``."""
        p = self.population
        if not p.get("reference_date"):
            return translate(_NO_POPULATION, language)
        text = translate(_POPULATION, language, date=fmt.date_(p["reference_date"], language), basis=p["basis"],
                         source=p.get("source") or "–")
        if p.get("mixed"):
            text += " " + translate(_MIXED_POPULATION, language)
        return text

    def years_text(self, language: str = "de") -> str:
        """``Aufbau in 5 Jahren (2027–2031), Rechtsanspruch ab 01.01.2032`` in ``language``."""
        first, last = self.years[0], self.years[-1]
        span = f"{first}" if first == last else f"{first}–{last}"
        n = len(self.years)  # German and English share the plural rule: one, or more
        return translate(_BUILD_UP_ONE if n == 1 else _BUILD_UP, language, n=n, span=span,
                         claim=fmt.date_(LEGAL_CLAIM, language))

    def rules(self, language: str = "de") -> list[str]:
        """The planning rules in ``language``, as every export states them."""
        return rules(self.years, language)

    def note_texts(self, language: str = "de") -> list[str]:
        """The plan's notes in ``language``."""
        return [translate(n, language) for n in self.notes]


_NO_POPULATION = N_("Bevölkerung: keine Angaben.")
_POPULATION = N_("Bevölkerung am {date} (Basis {basis}); Quelle: {source}.")
_MIXED_POPULATION = N_("Achtung: Die Kreise des Landes haben Bevölkerungszahlen verschiedener Stichtage.")
_BUILD_UP_ONE = N_("Aufbau in {n} Jahr ({span}), Rechtsanspruch ab {claim}")
_BUILD_UP = N_("Aufbau in {n} Jahren ({span}), Rechtsanspruch ab {claim}")
_RULES = (
    N_("Bedarf = Bevölkerung × geltender Maßstab (eigener Maßstab des Landes, wo hinterlegt, sonst der der "
       "Istanbul-Konvention)."),
    N_("Rundung: Schutzplätze werden auf ganze Plätze aufgerundet ({places_example}); Frauenberatungsstellen werden "
       "kaufmännisch auf ganze Stellen gerundet ({centres_example}), mindestens eine je Kreis."),
    N_("Lücke = gerundeter Bedarf − vorhandener Bestand, mindestens 0. Überhänge eines Kreises werden nicht mit "
       "Lücken anderer Kreise verrechnet; die Landessumme ist die Summe der Kreise."),
    N_("Zusätzlich je Jahr = Lücke ÷ {years} Jahre ({span}), aufgerundet, damit die Lücke bis {claim} geschlossen "
       "ist; im letzten Jahr nur der Rest."),
    N_("Aufbaujahre: ab dem auf die Planung folgenden Haushaltsjahr, frühestens {first_funded} (Finanzierung eines "
       "bedarfsgerechten Netzes ab {funded_from}), bis einschließlich {last_year}."),
    N_("Bestand: Stand am Ende des letzten gemeldeten Quartals im Zeitraum; „{missing}“: das Land hat für den Kreis "
       "nicht gemeldet – dann wird keine Lücke ausgewiesen."),
    N_("Schutzplätze zählen Plätze (Betten) für Frauen und Kinder, keine Familienplätze; Männerschutzwohnungen "
       "zählen nicht. Frauenberatungsstellen ohne Interventionsstellen und Täterarbeit."),
)


def rules(years: list[int], language: str = "de") -> list[str]:
    """The rounding and planning rules in ``language``."""
    first, last = years[0], years[-1]

    def num(v: float, d: int = 1) -> str:
        return fmt.number(v, d, language)

    params = {
        "places_example": f"{num(41.4)} → {num(42, 0)}",
        "centres_example": f"{num(1.4)} → {num(1, 0)}; {num(1.5)} → {num(2, 0)}",
        "years": len(years), "span": f"{first}–{last}", "claim": fmt.date_(LEGAL_CLAIM, language),
        "first_funded": FIRST_FUNDED_YEAR, "funded_from": fmt.date_(date(FIRST_FUNDED_YEAR, 1, 1), language),
        "last_year": LEGAL_CLAIM.year - 1, "missing": fmt.MISSING.get(language, fmt.MISSING["de"]),
    }
    return [translate(rule, language, **params) for rule in _RULES]


def build_plan(figures: Figures, land_ags: str, period: Period | str, *,
               variant: str = DEFAULT_VARIANT, today: date | None = None,
               overrides: Mapping[str, Yardstick] | None = None, language: str = "de") -> Plan:
    """The needs analysis for the Kreise of Land ``land_ags`` at ``period`` (targets in force, or ``overrides``);
    the Kreise's completeness is worded in ``language``."""
    period = period if isinstance(period, Period) else Period.parse(str(period))
    land_ags = require_land(land_ags, N_("die Bedarfsplanung"))
    land = figures.report(land_ags, period, variant)
    kreise = figures.table("kreis", period, land=land_ags, variant=variant, language=language)
    return plan_from(land, kreise, figures.status(), today=today, overrides=overrides)


def plan_from(land: RegionReport, kreise: pd.DataFrame, status: Mapping[str, Any], *, today: date | None = None,
              overrides: Mapping[str, Yardstick] | None = None) -> Plan:
    """The plan from figures already at hand: the Land's report, its Kreise (``indicators_table``) and the
    data status (``data_status``); the Länderbericht uses this to avoid asking the database twice."""
    yardsticks: dict[str, Yardstick] = {}
    for ind in MEASURES:
        target = land.values[ind].target
        if overrides and ind in overrides:
            yardsticks[ind] = overrides[ind]
        elif target is not None:
            yardsticks[ind] = Yardstick.from_target(target)
        else:
            raise ValueError(f"Kein Soll für {ind} in der Zieltabelle – Bedarfsplanung nicht möglich.")
    made_on = today or config.today()
    years = planning_years(made_on)
    rows = plan_frame(kreise, yardsticks, len(years)).sort_values("ags").reset_index(drop=True)
    notes = []
    if made_on > FIRST_ANALYSIS_DUE:
        notes.append(ANALYSIS_OVERDUE)
    return Plan(
        land_ags=land.region, land_name=land.region_name, period=land.period, variant=land.variant,
        made_on=made_on, years=years, yardsticks=yardsticks, rows=rows, total=totals(rows, len(years)),
        population=land.population, stand=status.get("stand"), is_demo=bool(status.get("is_demo")), notes=notes,
    )


def with_yardsticks(plan: Plan, overrides: Mapping[str, Yardstick]) -> Plan:
    """The same plan recomputed with other yardsticks (a what-if on the page; needs no database)."""
    yardsticks = {**plan.yardsticks, **overrides}
    source = plan.rows.rename(columns={"places_existing": "shelter_places", "centres_existing": "counselling_centres",
                                       "shelters_status": "shelters_completeness",
                                       "counselling_status": "counselling_completeness"})
    source = source.assign(shelter_places=source["shelter_places"].astype("Float64"),
                           counselling_centres=source["counselling_centres"].astype("Float64"))
    rows = plan_frame(source, yardsticks, len(plan.years))
    return replace(plan, yardsticks=yardsticks, rows=rows, total=totals(rows, len(plan.years)))


# --- presentation ------------------------------------------------------------------------------------------

# (column, header as a catalogue text, decimals) in the order tables and exports show them
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("ags", N_("AGS"), 0),
    ("name", N_("Kreis / kreisfreie Stadt"), 0),
    ("population_total", N_("Einwohner:innen"), 0),
    ("population_female", N_("Frauen"), 0),
    ("places_existing", N_("Schutzplätze vorhanden"), 0),
    ("places_needed_exact", N_("Schutzplätze Bedarf rechnerisch"), 1),
    ("places_needed", N_("Schutzplätze Bedarf (aufgerundet)"), 0),
    ("places_gap", N_("Schutzplätze Lücke"), 0),
    ("places_per_year", N_("Schutzplätze zusätzlich je Jahr"), 0),
    ("places_coverage_pct", N_("Deckungsgrad Schutzplätze (%)"), 1),
    ("centres_existing", N_("Frauenberatungsstellen vorhanden"), 0),
    ("centres_needed_exact", N_("Frauenberatungsstellen Bedarf rechnerisch"), 2),
    ("centres_needed", N_("Frauenberatungsstellen Bedarf (gerundet)"), 0),
    ("centres_gap", N_("Frauenberatungsstellen Lücke"), 0),
    ("centres_per_year", N_("Frauenberatungsstellen zusätzlich je Jahr"), 0),
    ("shelters_status", N_("Meldestand Schutzunterkünfte"), 0),
    ("counselling_status", N_("Meldestand Beratung"), 0),
)
SHEETS = {"plan": N_("Bedarfsplanung"), "years": N_("Jahresplan"), "method": N_("Methodik")}
_SCHEDULE_WORDS = {"places": N_("Schutzplätze {year}"), "centres": N_("Beratungsstellen {year}")}


def headers(language: str = "de") -> dict[str, str]:
    """Column id → header in ``language``."""
    return {col: translate(header, language) for col, header, _ in COLUMNS}


def table(plan: Plan, language: str = "de", *, with_total: bool = True) -> pd.DataFrame:
    """The plan as a table with headers in ``language``, the Land total as the last row."""
    rows = plan.rows
    if with_total:
        rows = pd.concat([rows.astype("object"), pd.DataFrame([total_row(plan, language)]).astype("object")],
                         ignore_index=True)
    names = headers(language)
    return pd.DataFrame({names[col]: rows[col].tolist() for col, _, _ in COLUMNS})


def schedule_table(plan: Plan, language: str = "de") -> pd.DataFrame:
    """Per Kreis and year the places and centres to add (the yearly build-up plan)."""
    names = headers(language)
    ags, name = names["ags"], names["name"]
    records = []
    for r in [*plan.rows.to_dict("records"), total_row(plan, language)]:
        rec: dict[str, Any] = {ags: r["ags"], name: r["name"]}
        for p, word in _SCHEDULE_WORDS.items():
            gap = r[f"{p}_gap"]
            steps = schedule(int(gap), len(plan.years)) if gap is not None and not pd.isna(gap) else \
                [None] * len(plan.years)
            for year, add in zip(plan.years, steps):
                rec[translate(word, language, year=year)] = add
        records.append(rec)
    if records and records[-1][ags] == "":
        # the total's row: the sum of the Kreise's steps, which may differ from a schedule of the summed gap
        for key in records[-1]:
            if key not in (ags, name):
                vals = [r[key] for r in records[:-1] if r[key] is not None]
                records[-1][key] = sum(vals) if vals else None
    return pd.DataFrame(records)


def title(plan: Plan, language: str = "de") -> str:
    """The plan's title in ``language``."""
    return translate(N_("Bedarfsplanung nach dem Gewalthilfegesetz – {land}, {period}"), language,
                     land=plan.land_name, period=fmt.period(plan.period, language, long=True))


def source(plan: Plan, language: str = "de") -> str:
    """The plan's source line: data, population vintage, yardsticks."""
    parts = [translate(N_("IK-Monitor, Meldungen Schutzunterkünfte und Beratung"), language),
             plan.population_text(language).rstrip(".")]
    for ys in plan.yardsticks.values():
        parts.append(translate(N_("Maßstab: {source}"), language, source=ys.source_text(language)))
    return "; ".join(parts)


def plan_xlsx(plan: Plan, language: str = "de") -> bytes:
    """The plan as an XLSX workbook in ``language``: "Bedarfsplanung" (per Kreis and Land total), "Jahresplan" (per
    year), "Methodik" (yardsticks with sources, population vintage, rounding and planning rules) and "Info"."""
    def t(msgid: str, **params) -> str:
        return translate(msgid, language, **params)

    frame = table(plan, language)
    decimals = {t(header): d for _, header, d in COLUMNS}
    sheet = t(SHEETS["plan"])
    raw = exports.to_xlsx_bytes(
        frame, sheet_name=sheet, title=title(plan, language), source=source(plan, language), stand=plan.stand,
        is_demo=plan.is_demo, note=plan.years_text(language), decimals=decimals, language=language,
    )
    wb = load_workbook(io.BytesIO(raw))
    ws = wb[sheet]
    last = exports.HEADER_ROW + len(frame)
    for cell in ws[last]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")

    sched = schedule_table(plan, language)
    ys = wb.create_sheet(t(SHEETS["years"]), 1)
    ys.cell(row=1, column=1, value=t(N_("Jahresplan: zusätzlich aufzubauen je Jahr – {land}"),
                                     land=plan.land_name)).font = Font(bold=True, size=14)
    ys.cell(row=2, column=1, value=plan.years_text(language))
    for j, col in enumerate(sched.columns, start=1):
        ys.cell(row=4, column=j, value=col).font = Font(bold=True)
        ys.column_dimensions[get_column_letter(j)].width = max(12, len(col) + 2)
        for i, v in enumerate(sched[col].tolist(), start=5):
            ys.cell(row=i, column=j, value=exports.neutralise(v) if isinstance(v, str) else v)
    ys.column_dimensions["B"].width = 44
    for cell in ys[4 + len(sched)]:
        cell.font = Font(bold=True)

    ms = wb.create_sheet(t(SHEETS["method"]), 2)
    demo = exports.demo_note(language)
    lines = [
        (title(plan, language), True),
        (t(N_("Erstellt am {date}; Zeitraum {period}; Zählweise Schutzplätze: {variant}"),
           date=fmt.date_(plan.made_on, language), period=fmt.period(plan.period, language, long=True),
           variant=plan.variant), False),
        ("", False),
        (t(N_("Rechtsgrundlage")), True),
        (t(N_("{law}: Die Länder analysieren den Bedarf und planen das Hilfenetz (erste Analyse bis Ende 2026, "
              "danach alle fünf Jahre); ab {funded_from} Finanzierung eines bedarfsgerechten Netzes; ab {claim} "
              "Rechtsanspruch auf Schutz und Beratung."), law=t(LAW),
           funded_from=fmt.date_(date(FIRST_FUNDED_YEAR, 1, 1), language), claim=fmt.date_(LEGAL_CLAIM, language)),
         False),
        ("", False),
        (t(N_("Maßstäbe")), True),
        *[(f"{t(SERVICE_NAMES[k])}: {y.text(language)}", False) for k, y in plan.yardsticks.items()],
        ("", False),
        (t(N_("Bevölkerung")), True),
        (plan.population_text(language), False),
        ("", False),
        (t(N_("Rechenregeln")), True),
        *[(f"• {rule}", False) for rule in plan.rules(language)],
        *([("", False), (t(N_("Hinweise")), True)] + [(n, False) for n in plan.note_texts(language)]
          if plan.notes else []),
    ]
    if plan.is_demo:
        lines.insert(1, (demo, True))
    for i, (text, bold) in enumerate(lines, start=1):
        cell = ms.cell(row=i, column=1, value=exports.neutralise(text) if text else None)
        cell.font = Font(bold=bold, size=12 if i == 1 else 10, color="D55E00" if text == demo else None)
    ms.column_dimensions["A"].width = 150

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_filename(plan: Plan, language: str = "de") -> str:
    """``ik-monitor_bedarfsplanung_03_2025-Q2.xlsx`` (``…_en.xlsx`` in English)."""
    suffix = "" if language == "de" else f"_{language}"
    return f"ik-monitor_bedarfsplanung_{plan.land_ags}_{plan.period}{suffix}.xlsx"


# --- helpers -------------------------------------------------------------------------------------------------


def _int_or_none(value: Any) -> int | None:
    f = number_or_none(value)
    return None if f is None else int(round(f))


def _denominator(denominator: str, language: str) -> str:
    return ptranslate(DENOMINATOR_CONTEXT, DENOMINATORS[denominator], language)


def _short(value: float, decimals: int, language: str) -> str:
    """A number without trailing zeros, at most ``decimals``: 2,5 / 10.000 (de), 2.5 / 10,000 (en)."""
    shown = next(d for d in range(decimals + 1) if round(float(value), d) == round(float(value), decimals))
    return fmt.number(value, shown, language)
