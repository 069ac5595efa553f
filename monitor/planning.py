"""Bedarfsplanung under the Gewalthilfegesetz: per Kreis of a Land the shelter places and women's counselling
centres needed, existing, the gap, and what to add per year to close it before the legal claim of 1 January 2032.

Rules (also written into every export, see ``rules_de``):

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

from . import config, exports
from .figures import Figures
from .indicators import DEFAULT_VARIANT, RegionReport, TargetInfo, UnknownRegion, number_or_none
from .periods import Period
from .regions import level_of

LEGAL_CLAIM = date(2032, 1, 1)  # every woman's legal claim to protection and counselling
FIRST_FUNDED_YEAR = 2027  # the needs-based network is financed from 1 January 2027
FIRST_ANALYSIS_DUE = date(2026, 12, 31)
MEASURES = ("shelter_places", "counselling_centres")
DENOMINATOR_DE = {"population_total": "Einwohner:innen", "population_female": "Frauen"}
LAW_DE = "Gewalthilfegesetz (in Kraft seit Februar 2025)"


@dataclass(frozen=True)
class Yardstick:
    """How much of a service a population needs: ``value`` units per ``per_population`` of the denominator."""

    indicator: str  # shelter_places | counselling_centres
    value: float
    per_population: int
    denominator: str  # population_total | population_female
    label_de: str
    source: str
    target_id: str | None = None  # the row of the target table; None for a what-if set on the page
    land_ags: str | None = None  # a Land's own target; None: the convention's

    @classmethod
    def from_target(cls, t: TargetInfo) -> "Yardstick":
        """The yardstick of a row of the target table (value × factor per population)."""
        return cls(t.indicator, t.value * t.factor, t.per_population, t.denominator, t.label_de, t.source, t.id,
                   t.land_ags)

    def need(self, total: Any, female: Any) -> float:
        """The exact (unrounded) need of a population; NaN where the denominator is unknown."""
        base = total if self.denominator == "population_total" else female
        base = number_or_none(base)
        return math.nan if base is None else base * self.value / self.per_population

    @property
    def own(self) -> bool:
        """A Land's own yardstick (loaded or set on the page) rather than the convention's."""
        return self.land_ags is not None or self.target_id is None

    def text_de(self) -> str:
        """``2,5 Plätze je 10.000 Einwohner:innen`` (with its source)."""
        unit = "Plätze" if self.indicator == "shelter_places" else "Frauenberatungsstelle(n)"
        origin = "eigener Maßstab des Landes" if self.own else "Maßstab der Istanbul-Konvention"
        return (f"{_de(self.value, 2)} {unit} je {_de(self.per_population, 0)} {DENOMINATOR_DE[self.denominator]} "
                f"({origin}; Quelle: {self.source})")


def what_if(indicator: str, value: float, per_population: int, denominator: str, land_ags: str) -> Yardstick:
    """A yardstick set on the planning page (not stored): e.g. ``what_if("shelter_places", 3, 10_000, …)``."""
    if value <= 0 or per_population <= 0:
        raise ValueError("Der Maßstab muss größer als null sein.")
    return Yardstick(indicator, float(value), int(per_population), denominator,
                     f"eigener Maßstab: {_de(value, 2)} je {_de(per_population, 0)} {DENOMINATOR_DE[denominator]}",
                     "Vorgabe auf der Planungsseite (nicht gespeichert)", None, land_ags)


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
    """The Land total: sums over the Kreise (gaps per Kreis, a surplus is not set against another's gap)."""
    out: dict[str, Any] = {"ags": "", "name": "Land insgesamt"}
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
    out["shelters_status"] = f"{out['places_kreise_reported']} von {len(rows)} Kreisen gemeldet"
    out["counselling_status"] = f"{out['centres_kreise_reported']} von {len(rows)} Kreisen gemeldet"
    return out


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
    notes: list[str] = field(default_factory=list)

    @property
    def population_text_de(self) -> str:
        """The population vintage the plan rests on, as one German sentence."""
        p = self.population
        if not p.get("reference_date"):
            return "Bevölkerung: keine Angaben."
        text = (f"Bevölkerung am {p['reference_date']:%d.%m.%Y} (Basis {p['basis']}); "
                f"Quelle: {p.get('source') or '–'}")
        if p.get("mixed"):
            text += ". Achtung: Die Kreise des Landes haben Bevölkerungszahlen verschiedener Stichtage."
        return text

    @property
    def years_text_de(self) -> str:
        """``Aufbau in 5 Jahren (2027–2031), Rechtsanspruch ab 01.01.2032``"""
        first, last = self.years[0], self.years[-1]
        span = f"{first}" if first == last else f"{first}–{last}"
        return (f"Aufbau in {len(self.years)} {'Jahr' if len(self.years) == 1 else 'Jahren'} ({span}), "
                f"Rechtsanspruch ab {LEGAL_CLAIM:%d.%m.%Y}")

    def rules_de(self) -> list[str]:
        """The planning rules in German, as every export states them."""
        return rules_de(self.years)


def rules_de(years: list[int]) -> list[str]:
    """The rounding and planning rules, stated in German."""
    first, last = years[0], years[-1]
    return [
        "Bedarf = Bevölkerung × geltender Maßstab (eigener Maßstab des Landes, wo hinterlegt, sonst der der "
        "Istanbul-Konvention).",
        "Rundung: Schutzplätze werden auf ganze Plätze aufgerundet (41,4 → 42); Frauenberatungsstellen werden "
        "kaufmännisch auf ganze Stellen gerundet (1,4 → 1; 1,5 → 2), mindestens eine je Kreis.",
        "Lücke = gerundeter Bedarf − vorhandener Bestand, mindestens 0. Überhänge eines Kreises werden nicht mit "
        "Lücken anderer Kreise verrechnet; die Landessumme ist die Summe der Kreise.",
        f"Zusätzlich je Jahr = Lücke ÷ {len(years)} Jahre ({first}–{last}), aufgerundet, damit die Lücke bis "
        f"{LEGAL_CLAIM:%d.%m.%Y} geschlossen ist; im letzten Jahr nur der Rest.",
        "Aufbaujahre: ab dem auf die Planung folgenden Haushaltsjahr, frühestens 2027 (Finanzierung eines "
        "bedarfsgerechten Netzes ab 1.1.2027), bis einschließlich 2031.",
        "Bestand: Stand am Ende des letzten gemeldeten Quartals im Zeitraum; „k. A.“: das Land hat für den Kreis "
        "nicht gemeldet – dann wird keine Lücke ausgewiesen.",
        "Schutzplätze zählen Plätze (Betten) für Frauen und Kinder, keine Familienplätze; Männerschutzwohnungen "
        "zählen nicht. Frauenberatungsstellen ohne Interventionsstellen und Täterarbeit.",
    ]


def build_plan(figures: Figures, land_ags: str, period: Period | str, *,
               variant: str = DEFAULT_VARIANT, today: date | None = None,
               overrides: Mapping[str, Yardstick] | None = None) -> Plan:
    """The needs analysis for the Kreise of Land ``land_ags`` at ``period`` (targets in force, or ``overrides``)."""
    period = period if isinstance(period, Period) else Period.parse(str(period))
    land_ags = str(land_ags).strip()
    if level_of(land_ags) != "land":
        raise UnknownRegion(f"„{land_ags}“ ist kein Land – die Bedarfsplanung braucht den zweistelligen "
                            f"Schlüssel eines Landes (z. B. 03 für Niedersachsen).")
    land = figures.report(land_ags, period, variant)
    kreise = figures.table("kreis", period, land=land_ags, variant=variant)
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
        notes.append("Die erste Bedarfsanalyse war bis Ende 2026 fällig; sie ist alle fünf Jahre fortzuschreiben.")
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

# (column, German header, decimals) in the order tables and exports show them
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("ags", "AGS", 0),
    ("name", "Kreis / kreisfreie Stadt", 0),
    ("population_total", "Einwohner:innen", 0),
    ("population_female", "Frauen", 0),
    ("places_existing", "Schutzplätze vorhanden", 0),
    ("places_needed_exact", "Schutzplätze Bedarf rechnerisch", 1),
    ("places_needed", "Schutzplätze Bedarf (aufgerundet)", 0),
    ("places_gap", "Schutzplätze Lücke", 0),
    ("places_per_year", "Schutzplätze zusätzlich je Jahr", 0),
    ("places_coverage_pct", "Deckungsgrad Schutzplätze (%)", 1),
    ("centres_existing", "Frauenberatungsstellen vorhanden", 0),
    ("centres_needed_exact", "Frauenberatungsstellen Bedarf rechnerisch", 2),
    ("centres_needed", "Frauenberatungsstellen Bedarf (gerundet)", 0),
    ("centres_gap", "Frauenberatungsstellen Lücke", 0),
    ("centres_per_year", "Frauenberatungsstellen zusätzlich je Jahr", 0),
    ("shelters_status", "Meldestand Schutzunterkünfte", 0),
    ("counselling_status", "Meldestand Beratung", 0),
)


def table_de(plan: Plan, *, with_total: bool = True) -> pd.DataFrame:
    """The plan as a table with German headers, the Land total as the last row."""
    rows = plan.rows
    if with_total:
        rows = pd.concat([rows.astype("object"), pd.DataFrame([plan.total]).astype("object")], ignore_index=True)
    out = pd.DataFrame({header: rows[col].tolist() for col, header, _ in COLUMNS})
    return out


def schedule_table(plan: Plan) -> pd.DataFrame:
    """Per Kreis and year the places and centres to add (the yearly build-up plan)."""
    records = []
    for r in [*plan.rows.to_dict("records"), plan.total]:
        rec: dict[str, Any] = {"AGS": r["ags"], "Kreis / kreisfreie Stadt": r["name"]}
        for p, word in (("places", "Schutzplätze"), ("centres", "Beratungsstellen")):
            gap = r[f"{p}_gap"]
            steps = schedule(int(gap), len(plan.years)) if gap is not None and not pd.isna(gap) else \
                [None] * len(plan.years)
            for year, add in zip(plan.years, steps):
                rec[f"{word} {year}"] = add
        records.append(rec)
    if records and records[-1]["AGS"] == "":
        # the total's row: the sum of the Kreise's steps, which may differ from a schedule of the summed gap
        for key in records[-1]:
            if key not in ("AGS", "Kreis / kreisfreie Stadt"):
                vals = [r[key] for r in records[:-1] if r[key] is not None]
                records[-1][key] = sum(vals) if vals else None
    return pd.DataFrame(records)


def title_de(plan: Plan) -> str:
    """The plan's German title."""
    return f"Bedarfsplanung nach dem Gewalthilfegesetz – {plan.land_name}, {Period(plan.period).label_de()}"


def source_de(plan: Plan) -> str:
    """The plan's source line: data, population vintage, yardsticks."""
    parts = ["IK-Monitor, Meldungen Schutzunterkünfte und Beratung", plan.population_text_de]
    for ys in plan.yardsticks.values():
        parts.append(f"Maßstab: {ys.source}")
    return "; ".join(parts)


def plan_xlsx(plan: Plan) -> bytes:
    """The plan as an XLSX workbook: "Bedarfsplanung" (per Kreis and Land total), "Jahresplan" (per year),
    "Methodik" (yardsticks with sources, population vintage, rounding and planning rules) and "Info"."""
    table = table_de(plan)
    decimals = {header: d for _, header, d in COLUMNS}
    raw = exports.to_xlsx_bytes(
        table, sheet_name="Bedarfsplanung", title=title_de(plan), source=source_de(plan), stand=plan.stand,
        is_demo=plan.is_demo, note=plan.years_text_de, decimals=decimals,
    )
    wb = load_workbook(io.BytesIO(raw))
    ws = wb["Bedarfsplanung"]
    last = exports.HEADER_ROW + len(table)
    for cell in ws[last]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")

    sched = schedule_table(plan)
    ys = wb.create_sheet("Jahresplan", 1)
    ys.cell(row=1, column=1, value=f"Jahresplan: zusätzlich aufzubauen je Jahr – {plan.land_name}").font = \
        Font(bold=True, size=14)
    ys.cell(row=2, column=1, value=plan.years_text_de)
    for j, col in enumerate(sched.columns, start=1):
        ys.cell(row=4, column=j, value=col).font = Font(bold=True)
        ys.column_dimensions[get_column_letter(j)].width = max(12, len(col) + 2)
        for i, v in enumerate(sched[col].tolist(), start=5):
            ys.cell(row=i, column=j, value=exports.neutralise(v) if isinstance(v, str) else v)
    ys.column_dimensions["B"].width = 44
    for cell in ys[4 + len(sched)]:
        cell.font = Font(bold=True)

    ms = wb.create_sheet("Methodik", 2)
    lines = [
        (title_de(plan), True),
        (f"Erstellt am {plan.made_on:%d.%m.%Y}; Zeitraum {Period(plan.period).label_de()}; "
         f"Zählweise Schutzplätze: {plan.variant}", False),
        ("", False),
        ("Rechtsgrundlage", True),
        (f"{LAW_DE}: Die Länder analysieren den Bedarf und planen das Hilfenetz (erste Analyse bis Ende 2026, "
         f"danach alle fünf Jahre); ab 1.1.2027 Finanzierung eines bedarfsgerechten Netzes; ab "
         f"{LEGAL_CLAIM:%d.%m.%Y} Rechtsanspruch auf Schutz und Beratung.", False),
        ("", False),
        ("Maßstäbe", True),
        *[(f"{'Schutzplätze' if k == 'shelter_places' else 'Frauenberatungsstellen'}: {y.text_de()}", False)
          for k, y in plan.yardsticks.items()],
        ("", False),
        ("Bevölkerung", True),
        (plan.population_text_de, False),
        ("", False),
        ("Rechenregeln", True),
        *[(f"• {rule}", False) for rule in plan.rules_de()],
        *([("", False), ("Hinweise", True)] + [(n, False) for n in plan.notes] if plan.notes else []),
    ]
    if plan.is_demo:
        lines.insert(1, (exports.DEMO_NOTE_DE, True))
    for i, (text, bold) in enumerate(lines, start=1):
        cell = ms.cell(row=i, column=1, value=exports.neutralise(text) if text else None)
        cell.font = Font(bold=bold, size=12 if i == 1 else 10, color="D55E00" if text == exports.DEMO_NOTE_DE else None)
    ms.column_dimensions["A"].width = 150

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_filename(plan: Plan) -> str:
    """``ik-monitor_bedarfsplanung_03_2025-Q2.xlsx``"""
    return f"ik-monitor_bedarfsplanung_{plan.land_ags}_{plan.period}.xlsx"


# --- helpers -------------------------------------------------------------------------------------------------


def _int_or_none(value: Any) -> int | None:
    f = number_or_none(value)
    return None if f is None else int(round(f))


def _de(value: float, decimals: int) -> str:
    """German number without trailing zeros: 2,5 / 10.000 / 50.000."""
    text = f"{float(value):,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text
