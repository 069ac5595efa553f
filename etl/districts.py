"""Police figures per police district: the mapping of districts to Kreise, and district files turned into Kreis rows.

Police statistics often come per police district, not per Kreis: in Saxony five Polizeidirektionen cover two or
three whole Kreise each; in North Rhine-Westphalia 47 Kreispolizeibehörden serve 53 Kreise, and some cover only
part of a Kreis (the Polizeipräsidium Dortmund also covers Lünen in the Kreis Unna, the Polizeipräsidium Bonn
eight municipalities of the Rhein-Sieg-Kreis, the Polizeipräsidium Bochum the town of Witten).

* **The mapping** (``police_district_map``): which Kreise, or parts of Kreise, each district covers, with the
  part's share of the Kreis's population. Shipped for Saxony and NRW (``data/reference/police_districts.csv``,
  sources in every row); ``python -m etl districts FILE`` imports more or corrected rows as an undoable batch of
  kind ``districts`` (per district, the newest batch's rows are in force).
* **A district file**: a police file with a column naming the Polizeibehörde / Polizeidirektion instead of the
  Kreis's AGS. ``etl.validate.check_path`` recognises it (``is_district_file``) wherever a file is checked
  (``python -m etl check`` and ``load``, the upload page), checks it with the police dataset's rules, and
  ``convert`` turns it into Kreis rows; the loader converts it again at load time, in the same transaction as the
  batch: the district rows are kept in ``police_district_rows`` and the Kreis rows go to ``police`` as for any
  police file.

The rule (``methodology_text`` says it for the Methodik page): a district equal to one whole Kreis gives that
Kreis its figures unchanged. A district covering several Kreise or parts of Kreise is split among them in
proportion to population — a whole Kreis weighs its population, a part its share of its Kreis's population —
using the population vintage in force for the quarter (the latest at or before the quarter's end, as for the
indicators). Each figure is split by the largest-remainder method, so the Kreis figures are whole numbers that
add up exactly to the district's figure; every Kreis row that received such a split is marked ``estimated``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

import duckdb
import pandas as pd

from monitor import store
from monitor.datasets import COUNT, ID, POLICE, Column
from monitor.i18n import translate
from monitor.periods import Quarter
from monitor.regions import RegionIndex, normalise_name

from .output import default_user, print_json, report_result
from .problems import N_, Joined, Msg, Num, Problem, problem, rejected_message
from .values import as_text, is_missing, parse_decimal

LOADED, UNCHANGED, REJECTED, CHECKED = "loaded", "unchanged", "rejected", "checked"
KIND = "districts"  # the batch kind of an imported mapping
DISTRICT_TABLE = "police_district_rows"
COUNT_FIELDS = tuple(c.field for c in POLICE.columns if c.kind == COUNT)

# The district column of a police file per district. It is validated under the field name ``ags`` so that the
# police dataset's table checks (etl.validate) apply unchanged; ``convert`` renames it to ``district``.
DISTRICT_COLUMN = Column(
    "ags", "Polizeibehörde", "Police district", ID, required=True,
    aliases=("Polizeidirektion", "Kreispolizeibehörde", "Polizeipräsidium", "Polizeibezirk", "Behörde",
             "Dienststelle", "Direktion", "KPB", "Polizeibehörde/Kreispolizeibehörde", "Police district"),
    help_de="Name der Polizeibehörde wie in der Zuordnung, z. B. „Polizeipräsidium Dortmund“ oder "
            "„Polizeidirektion Leipzig“ (Liste: python -m etl districts --list).",
    help_en="Name of the police district as in the mapping, e.g. 'Polizeipräsidium Dortmund'.",
)
DISTRICT_DATASET = replace(
    POLICE, id="police_districts", table=DISTRICT_TABLE,
    label_de="Polizeieinsätze je Polizeibehörde", label_en="Police call-outs per police district",
    unit_de="eine Zeile je Polizeibehörde und Quartal", unit_en="one row per police district and quarter",
    columns=tuple(DISTRICT_COLUMN if c.field == "ags" else c for c in POLICE.columns),
    description_de="Wie Polizeieinsätze, aber je Polizeibehörde statt je Kreis; beim Laden auf Kreise umgerechnet.",
    description_en="Like police call-outs, but per police district; converted into Kreis rows at load time.",
)

# Words that name the kind of authority, not the area: "KPB Unna", "Landrat Unna" and "Kreispolizeibehörde Unna"
# are the same district.
_ORG_WORDS = {"polizeipraesidium", "pp", "polizeidirektion", "pd", "kreispolizeibehoerde", "kpb", "landrat",
              "landraetin", "landratsbehoerde", "als", "der", "die", "des", "polizei", "kreis", "landkreis", "stadt",
              "kreisfreie", "behoerde", "dienststelle", "direktion"}
_SHARE_TOLERANCE = 0.005  # parts' shares of a Kreis must add up to 1 within this (rounded source figures)


def core_name(text: str) -> str:
    """A district's name without the words for the kind of authority: "Landrat Unna" → "unna"."""
    low = str(text).lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        low = low.replace(a, b)
    return "".join(t for t in re.split(r"[^a-z0-9]+", low) if t and t not in _ORG_WORDS)


# --- the mapping -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One row of the mapping: a district covers a whole Kreis, or a part of it with its population share."""

    district: str
    district_key: str
    land_ags: str
    kreis_ags: str
    whole: bool
    part_name: str | None = None
    share: float | None = None  # the part's share of the Kreis's population (None: whole, remainder, unknown)
    remainder: bool = False  # the part is the rest of its Kreis
    source: str = ""
    aliases: tuple[str, ...] = ()
    part_population: int | None = None
    kreis_population: int | None = None
    population_date: date | None = None
    population_source: str | None = None


_MAP_COLUMNS = ("district, district_key, land_ags, kreis_ags, whole, part_name, population_share, remainder, source, "
                "aliases, part_population, kreis_population, population_date, population_source")


class Mapping:
    """The districts and the Kreise (or parts) each covers, with lookup of a district by the name a file uses."""

    def __init__(self, parts: Iterable[Part]):
        self.parts = list(parts)
        self.parts_of: dict[str, list[Part]] = {}
        self.by_kreis: dict[str, list[Part]] = {}
        for p in self.parts:
            self.parts_of.setdefault(p.district_key, []).append(p)
            self.by_kreis.setdefault(p.kreis_ags, []).append(p)
        self.names = {key: parts[0].district for key, parts in self.parts_of.items()}
        self._exact: dict[str, set[str]] = {}
        self._core: dict[str, set[str]] = {}
        for key, parts in self.parts_of.items():
            for name in {parts[0].district, *(a for p in parts for a in p.aliases)}:
                self._exact.setdefault(normalise_name(name), set()).add(key)
                self._core.setdefault(core_name(name), set()).add(key)

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> "Mapping":
        """The mapping in force (``police_district_map_current``)."""
        rows = con.execute(f"SELECT {_MAP_COLUMNS} FROM police_district_map_current "
                           "ORDER BY land_ags, district_key, kreis_ags").fetchall()
        return cls(Part(d, k, la, ka, bool(w), pn, s, bool(r), src, tuple(al or ()), pp, kp, pd_, ps)
                   for d, k, la, ka, w, pn, s, r, src, al, pp, kp, pd_, ps in rows)

    def lands(self) -> list[str]:
        return sorted({p.land_ags for p in self.parts})

    def match(self, text: str) -> tuple[str | None, str | None, dict]:
        """(district key, None, {}) for a name that names one district, else (None, problem code, params)."""
        exact = self._exact.get(normalise_name(text), set())
        found = exact or self._core.get(core_name(text), set())
        if len(found) == 1:
            return next(iter(found)), None, {}
        if len(found) > 1:
            names = ", ".join(f"„{self.names[k]}“" for k in sorted(found, key=self.names.get))
            return None, "district-ambiguous", {"candidates": names}
        close = difflib.get_close_matches(core_name(text), list(self._core), n=1, cutoff=0.8)
        if close and len(self._core[close[0]]) == 1:
            return None, "district-misspelt", {"suggestion": self.names[next(iter(self._core[close[0]]))]}
        return None, "district-unknown", {}

    def share(self, part: Part) -> float | None:
        """The part's share of its Kreis's population: 1 for a whole Kreis, the remainder's 1 − the other parts'
        shares (None when one of them is unknown), else the share given (None: not known)."""
        if part.whole:
            return 1.0
        if not part.remainder:
            return part.share
        others = [p for p in self.by_kreis[part.kreis_ags] if p is not part]
        if any(p.whole or p.remainder or p.share is None for p in others):
            return None
        return max(0.0, 1.0 - sum(p.share for p in others))


# --- district files: recognise, check, apportion -------------------------------------------------------------


@dataclass
class DistrictReport:
    """The check of a police file per district: the FileReport of its Kreis rows plus the district rows.

    ``frame`` holds the Kreis rows (police fields, ``estimated``, source sheet and row) the load writes to
    ``police``; ``districts`` the rows as reported (``district``, ``district_key``, ``land_ags``, fields).
    """

    file: str
    sha256: str
    dataset: str | None
    rows: int
    errors: list[Problem]
    warnings: list[Problem]
    frame: pd.DataFrame | None
    quarters: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    districts: pd.DataFrame | None = None
    estimated: list[str] = field(default_factory=list)  # Kreise (AGS) with an estimated row
    loaded_as: int | None = None  # the batch that holds this very file's Kreis rows already (etl.validate)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        """The check report's JSON plus the number of districts and the Kreise whose figures are estimated."""
        return {
            "file": self.file, "dataset": self.dataset, "rows": self.rows, "format": "police_districts",
            "districts": 0 if self.districts is None else int(self.districts["district_key"].nunique()),
            "estimated_kreise": self.estimated,
            "errors": [p.as_json() for p in self.errors],
            "warnings": [p.as_json() for p in self.warnings],
        }


def is_district_file(reports: Sequence[Any]) -> bool:
    """A police table that lacks the AGS column and has a column naming the police district instead."""
    from .reader import match_header

    for report in reports:
        if report.dataset not in (None, POLICE.id):
            continue
        problems = [*report.errors, *report.warnings]
        no_ags = any(p.code == "missing-column" and p.column == POLICE.column("ags").header for p in problems)
        named = any(p.code == "extra-column" and match_header(p.column, DISTRICT_DATASET) == "ags" for p in problems)
        if no_ags and named:
            return True
    return False


def convert(con: duckdb.DuckDBPyConnection, checked: Any) -> DistrictReport:
    """A police table per district, checked with the police rules (``etl.validate``, dataset
    ``DISTRICT_DATASET``), matched to the mapping in force and converted into Kreis rows by population."""
    report = DistrictReport(checked.file, checked.sha256, POLICE.id, checked.rows, list(checked.errors),
                            list(checked.warnings), None, checked.quarters, [], checked.sheets)
    if report.errors:
        return report
    header = checked.headers.get("ags") or DISTRICT_COLUMN.header
    mapping = Mapping.from_db(con)
    districts, errors = _match(con, checked.frame, mapping, header)
    if errors:
        report.errors.extend(errors)
        return report
    frame, problems = apportion(con, districts, mapping)
    report.errors.extend(p for p in problems if p.is_error)
    report.warnings.extend(p for p in problems if not p.is_error)
    if report.errors:
        return report
    report.districts, report.frame = districts, frame
    report.regions = sorted(frame["ags"].unique().tolist())
    report.estimated = sorted(frame.loc[frame["estimated"], "ags"].unique().tolist())
    return report


def _match(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, mapping: Mapping,
           header: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The rows with the district they name (``district``, ``district_key``, ``land_ags``), or the problems."""
    lands = ", ".join(_region_name(con, a) for a in mapping.lands()) or Msg(N_("keine"))
    matched = {text: mapping.match(text) for text in frame["ags"].unique().tolist()}
    errors = []
    for i, text in enumerate(frame["ags"].tolist()):
        key, code, params = matched[text]
        if key is None:
            sheet = frame["source_sheet"].iat[i]
            errors.append(problem(code, row=int(frame["source_row"].iat[i]), column=header, value=text,
                                  sheet=None if pd.isna(sheet) else sheet, lands=lands, **params))
    if errors:
        return frame, errors
    key = frame["ags"].map({text: m[0] for text, m in matched.items()})
    out = frame.drop(columns=["ags"]).assign(
        district=key.map(mapping.names), district_key=key,
        land_ags=key.map(lambda k: mapping.parts_of[k][0].land_ags))
    return out, []


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` into whole numbers that add up to ``total`` exactly.

    Each part is its quota rounded down; what is left goes one by one to the largest remainders (ties: the
    larger weight, then the earlier part). Integer arithmetic, so the result never depends on rounding.
    """
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise ValueError("weights must add up to more than 0")
    base = [total * w // weight_sum for w in weights]
    left = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), -weights[i], i))
    for i in order[:left]:
        base[i] += 1
    return base


# The population vintage per Kreis and quarter: the same ranking as the indicators' (monitor/indicators.py).
def _population_sql() -> str:
    from monitor.indicators import _VINTAGE_ORDER

    return f"""
WITH want AS (SELECT unnest($ags::VARCHAR[]) AS ags, unnest($ends::DATE[]) AS pend),
p AS (SELECT w.pend, c.* FROM want w JOIN population_current c ON c.ags = w.ags)
SELECT ags, pend, total FROM (
  SELECT p.ags, p.pend, p.total, row_number() OVER (PARTITION BY p.ags, p.pend ORDER BY {_VINTAGE_ORDER}) AS n
  FROM p) WHERE n = 1"""


def _population(con: duckdb.DuckDBPyConnection, wanted: set[tuple[str, date]]) -> dict[tuple[str, date], int]:
    if not wanted:
        return {}
    ags, ends = zip(*sorted(wanted))
    rows = con.execute(_population_sql(), {"ags": list(ags), "ends": list(ends)}).fetchall()
    return {(a, e): int(t) for a, e, t in rows if t is not None}


def apportion(con: duckdb.DuckDBPyConnection, districts: pd.DataFrame,
              mapping: Mapping | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Kreis rows from district rows (see the module's docstring): the police fields of each Kreis and quarter,
    ``estimated`` where a district was split, and the sheet and row of the first district row behind it.

    Returns the Kreis rows and the problems: errors when a Kreis is only partly in the file, a part's share
    or a Kreis's population is missing; one warning saying what was converted and what is estimated.
    """
    mapping = mapping or Mapping.from_db(con)
    errors: list[Problem] = []
    ends = {q: Quarter.parse(q).end for q in districts["quarter"].unique()}
    # every district that covers a Kreis the file touches must be in the file for that quarter
    for quarter, group in districts.groupby("quarter", sort=True):
        present = set(group["district_key"])
        touched = sorted({p.kreis_ags for k in present for p in mapping.parts_of[k]})
        for ags in touched:
            covering = sorted({p.district_key for p in mapping.by_kreis[ags]}, key=mapping.names.get)
            missing = [k for k in covering if k not in present]
            if missing:
                errors.append(problem("district-kreis-incomplete", quarter=quarter, kreis=_region_name(con, ags),
                                      ags=ags, districts=_names(mapping, covering), missing=_names(mapping, missing)))
    weights_of: dict[str, list[tuple[Part, float]]] = {}
    for key in districts["district_key"].unique():
        parts = mapping.parts_of[key]
        if len(parts) == 1:
            continue
        shares = []
        for p in parts:
            s = mapping.share(p)
            if s is None:
                errors.append(problem("district-share-missing", district=p.district, part=p.part_name or Msg(_PART),
                                      kreis=_region_name(con, p.kreis_ags), ags=p.kreis_ags))
            shares.append((p, s))
        weights_of[key] = shares
    if errors:
        return pd.DataFrame(), errors
    population = _population(con, {(p.kreis_ags, ends[q]) for q, k in
                                   districts[["quarter", "district_key"]].drop_duplicates().itertuples(index=False)
                                   if k in weights_of for p, _ in weights_of[k]})
    kreis: dict[tuple[str, str], dict] = {}
    ordered = districts.sort_values(["source_sheet", "source_row"], na_position="first", kind="stable")
    for row in ordered.to_dict("records"):
        quarter, key = row["quarter"], row["district_key"]
        if key in weights_of:
            targets = [p.kreis_ags for p, _ in weights_of[key]]
            pops = [population.get((ags, ends[quarter])) for ags in targets]
            if any(pop is None for pop in pops) or not sum(pops):
                ags = next((a for a, pop in zip(targets, pops) if pop is None), targets[0])
                errors.append(problem("district-no-population", quarter=quarter, kreis=_region_name(con, ags),
                                      ags=ags, district=mapping.names[key]))
                continue
            weights = [int(round(pop * s)) for pop, (_, s) in zip(pops, weights_of[key])]
            if not sum(weights):
                weights = pops  # every part has share 0: split by population rather than fail
            estimated = sum(w > 0 for w in weights) > 1
        else:
            targets, weights, estimated = [mapping.parts_of[key][0].kreis_ags], [1], False
        for n, ags in enumerate(targets):
            rec = kreis.setdefault((quarter, ags), _new_kreis_row(quarter, ags, row))
            rec["estimated"] |= estimated and weights[n] > 0
        for f in COUNT_FIELDS:
            value = row[f]
            if value is None or pd.isna(value):
                continue  # not reported by this district: the Kreis figure sums the districts that reported it
            for ags, part in zip(targets, largest_remainder(int(value), weights)):
                rec = kreis[(quarter, ags)]
                rec[f] = (rec[f] or 0) + part
    if errors:
        return pd.DataFrame(), _unique(errors)
    frame = _kreis_frame(list(kreis.values()))
    estimated = frame.loc[frame["estimated"], "ags"].unique().tolist()
    named = ", ".join(f"{_region_name(con, a)} ({a})" for a in sorted(estimated)) or Msg(N_("keine"))
    warning = problem("district-apportioned", districts=Num(districts["district_key"].nunique()),
                      kreise=Num(frame["ags"].nunique()), estimated=named)
    return frame, [warning]


def _new_kreis_row(quarter: str, ags: str, row: dict) -> dict:
    """An empty Kreis row; its sheet and row are those of the first district row that reaches it."""
    return {"quarter": quarter, "ags": ags, **{f: None for f in COUNT_FIELDS}, "estimated": False,
            "source_sheet": row["source_sheet"], "source_row": row["source_row"]}


def _kreis_frame(records: list[dict]) -> pd.DataFrame:
    cols = ["quarter", "ags", *COUNT_FIELDS, "estimated", "source_sheet", "source_row"]
    df = pd.DataFrame(records, columns=cols).sort_values(["quarter", "ags"], kind="stable").reset_index(drop=True)
    for f in COUNT_FIELDS:
        df[f] = pd.array(df[f].tolist(), dtype="Int64")
    df["quarter"] = df["quarter"].astype("string")
    df["ags"] = df["ags"].astype("string")
    df["source_sheet"] = pd.array([None if pd.isna(s) else s for s in df["source_sheet"]], dtype="string")
    df["source_row"] = pd.array(df["source_row"].tolist(), dtype="Int64")
    df["estimated"] = df["estimated"].astype(bool)
    return df


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if p.message not in seen:
            seen.add(p.message)
            out.append(p)
    return out


def _names(mapping: Mapping, keys: Iterable[str]) -> str:
    return ", ".join(f"„{mapping.names[k]}“" for k in keys)


def _region_name(con: duckdb.DuckDBPyConnection, ags: str) -> str:
    """The short name, or the official one where another Kreis shares it (the two Leipzigs)."""
    row = con.execute(
        """SELECT CASE WHEN (SELECT count(*) FROM regions o WHERE o.short_name = r.short_name AND o.level = 'kreis') > 1
                       THEN r.name ELSE r.short_name END
           FROM regions r WHERE r.ags = ? ORDER BY r.valid_to DESC NULLS FIRST LIMIT 1""", [ags]).fetchone()
    return row[0] if row else ags




# --- writing district rows (called by etl.loader inside the load's transaction) -------------------------------

_INCOMING = "_incoming_district_rows"


def store_rows(con: duckdb.DuckDBPyConnection, batch_id: int, districts: pd.DataFrame) -> int:
    """Keep a batch's district rows; rows in force with the same quarter and district are superseded (kept for
    undo). Returns the number superseded. The caller holds the transaction."""
    frame = districts[["source_sheet", "source_row", "quarter", "district", "district_key", "land_ags",
                       *COUNT_FIELDS]].copy()
    con.register(_INCOMING, frame)
    try:
        replaced = con.execute(
            f"""UPDATE {DISTRICT_TABLE} t SET superseded_by = ? FROM {_INCOMING} i
                WHERE t.quarter = i.quarter AND t.district_key = i.district_key AND t.superseded_by IS NULL
                  AND t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'active')""",
            [batch_id]).fetchall()[0][0]
        fields = ", ".join(COUNT_FIELDS)
        con.execute(
            f"""INSERT INTO {DISTRICT_TABLE} (batch_id, source_sheet, source_row, quarter, district, district_key,
                                                land_ags, {fields}, superseded_by)
                SELECT ?, source_sheet, source_row, quarter, district, district_key, land_ags, {fields}, NULL
                FROM {_INCOMING}""", [batch_id])
    finally:
        con.unregister(_INCOMING)
    return replaced


def same_as_batch(con: duckdb.DuckDBPyConnection, batch_id: int, frame: pd.DataFrame) -> bool:
    """True when ``frame`` (Kreis rows) equals the rows batch ``batch_id`` wrote: reloading the same district
    file changes nothing unless the mapping or the population behind the split has changed since."""
    cols = ["quarter", "ags", *COUNT_FIELDS, "estimated"]
    stored = con.execute(f"SELECT {', '.join(cols)} FROM police WHERE batch_id = ? ORDER BY quarter, ags",
                         [batch_id]).fetchall()
    incoming = frame.sort_values(["quarter", "ags"])[cols].astype(object).where(frame[cols].notna(), None)
    return stored == [tuple(r) for r in incoming.itertuples(index=False)]


def check_batches(con: duckdb.DuckDBPyConnection) -> list[Msg]:
    """Findings where an active district batch's Kreis rows do not add up to its district rows (per
    quarter, Land and field); empty when every batch is consistent."""
    fields = ", ".join(f"sum({f}) AS {f}" for f in COUNT_FIELDS)
    findings = []
    batches = [b for (b,) in con.execute(
        f"SELECT DISTINCT d.batch_id FROM {DISTRICT_TABLE} d JOIN batches b USING (batch_id) "
        "WHERE b.status = 'active' ORDER BY 1").fetchall()]
    for batch_id in batches:
        kreise = con.execute(f"SELECT quarter, left(ags, 2), {fields} FROM police WHERE batch_id = ? "
                             "GROUP BY ALL ORDER BY ALL", [batch_id]).fetchall()
        reported = con.execute(f"SELECT quarter, land_ags, {fields} FROM {DISTRICT_TABLE} WHERE batch_id = ? "
                               "GROUP BY ALL ORDER BY ALL", [batch_id]).fetchall()
        if kreise != reported:
            findings.append(Msg(N_("Batch {batch}: die Kreiszahlen ergeben nicht die Summen der Polizeibehörden."),
                                batch=batch_id))
    return findings


# --- importing a mapping -------------------------------------------------------------------------------------

# column → accepted headers (matched with normalise_name)
MAP_COLUMNS: dict[str, tuple[str, ...]] = {
    "district": ("behoerde", "polizeibehoerde", "kreispolizeibehoerde", "polizeidirektion", "polizeipraesidium",
                 "district", "dienststelle"),
    "kreis_ags": ("kreis_ags", "ags", "kreisschluessel", "kreis ags", "ags kreis"),
    "kreis": ("kreis", "kreisname", "kreis_name"),
    "part": ("anteil", "ganz/teil", "ganz oder teil", "part"),
    "part_name": ("teilgebiet", "part_name"),
    "share": ("bevoelkerungsanteil", "anteil_bevoelkerung", "population_share"),
    "part_population": ("einwohner_teil", "part_population"),
    "kreis_population": ("einwohner_kreis", "kreis_population"),
    "population_date": ("stichtag_einwohner", "stichtag", "population_date"),
    "population_source": ("quelle_einwohner", "population_source"),
    "aliases": ("weitere_namen", "aliases"),
    "source": ("quelle", "source"),
}
_REQUIRED = {"district": N_("der Name der Polizeibehörde (Spalte behoerde)"),
             "kreis_ags": N_("der AGS des Kreises (Spalte kreis_ags)"),
             "part": N_("„ganz“ oder „teil“ (Spalte anteil)"),
             "source": N_("die Rechtsgrundlage oder Quelle der Zuordnung (Spalte quelle)")}


@dataclass
class MappingPlan:
    """What an imported mapping file holds and would change."""

    file: str
    parts: list[Part] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # district keys whose rows differ from those in force
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def plan_mapping(con: duckdb.DuckDBPyConnection, path: Path | str) -> MappingPlan:
    """Read and check a mapping file against the regions and the mapping in force; nothing is written."""
    from .reader import UnreadableFile

    path = Path(path)
    plan = MappingPlan(path.name)
    try:
        records = _records(path)
    except UnreadableFile as exc:
        plan.errors.append(exc.as_problem())
        return plan
    header_at, index, written = _header(records)
    if index is None:
        plan.errors.append(problem("district-map-no-table", file=path.name,
                                   columns="behoerde, kreis_ags, anteil, teilgebiet, bevoelkerungsanteil, quelle"))
        return plan
    regions = RegionIndex.from_db(con)
    for line, row in records[header_at + 1:]:
        cells = {c: _cell(row, j) for c, j in index.items()}
        if all(v is None for v in cells.values()):
            continue
        part = _part(cells, line, written, regions, plan.errors)
        if part is not None:
            plan.parts.append(part)
    if plan.errors:
        return plan
    current = Mapping.from_db(con)
    _check_combined(con, plan, current)
    if plan.errors:
        return plan
    incoming: dict[str, list[Part]] = {}
    for p in plan.parts:
        incoming.setdefault(p.district_key, []).append(p)
    for key, parts in incoming.items():
        before = sorted(_comparable(p) for p in current.parts_of.get(key, []))
        if before != sorted(_comparable(p) for p in parts):
            plan.changed.append(key)
            plan.lines.append(_describe(parts, bool(before)))
    return plan


def _records(path: Path) -> list[tuple[int, list]]:
    from . import safety
    from .reader import csv_records, decode_text, unreadable, workbook_sheets

    data = safety.read_checked(path)
    if data.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        sheets = workbook_sheets(data, path.name)
        return [(i + 1, r) for i, r in enumerate(sheets[0].rows)] if sheets else []
    text = decode_text(data)
    if "\x00" in text[:4096]:
        raise unreadable("unreadable-file", file=path.name)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    return list(csv_records(text, delimiter, path.name))


def _header(records: list[tuple[int, list]]) -> tuple[int, dict[str, int] | None, dict[str, str]]:
    aliases = {normalise_name(a): col for col, names in MAP_COLUMNS.items() for a in names}
    for i, (_, row) in enumerate(records[:20]):
        found: dict[str, int] = {}
        written: dict[str, str] = {}
        for j, cell in enumerate(row):
            col = aliases.get(normalise_name(cell)) if isinstance(cell, str) else None
            if col and col not in found:
                found[col], written[col] = j, cell.strip()
        if {"district", "kreis_ags", "part"} <= set(found):
            return i, found, written
    return 0, None, {}


def _cell(row: list, j: int) -> object:
    value = row[j] if j < len(row) else None
    return None if is_missing(value) or (isinstance(value, str) and not value.strip()) else value


def _part(cells: dict, line: int, written: dict[str, str], regions: RegionIndex,
          errors: list[Problem]) -> Part | None:
    """One row of an imported mapping as a Part, or None with its problems added to ``errors``."""
    before = len(errors)
    for col, expected in _REQUIRED.items():
        if cells.get(col) is None:
            errors.append(problem("district-map-missing-value", row=line, column=written.get(col, col),
                                  expected=Msg(expected)))
    if len(errors) > before:
        return None
    name = " ".join(as_text(cells["district"]).split())
    raw_ags = cells["kreis_ags"]
    digits = re.sub(r"\s+", "", as_text(int(raw_ags) if isinstance(raw_ags, float) else raw_ags))
    ags = digits.zfill(5) if digits.isdigit() and len(digits) in (4, 5) else None
    region = regions.get(ags) if ags else None
    if region is None or region.level != "kreis":
        errors.append(problem("district-map-bad-kreis", row=line, column=written["kreis_ags"], value=raw_ags))
        return None
    kind = as_text(cells["part"]).strip().lower()
    if kind not in ("ganz", "teil", "whole", "part"):
        errors.append(problem("district-map-bad-part", row=line, column=written["part"], value=cells["part"]))
        return None
    whole = kind in ("ganz", "whole")
    share, remainder = None, False
    part_pop = _int(cells.get("part_population"))
    kreis_pop = _int(cells.get("kreis_population"))
    if not whole:
        raw = cells.get("share")
        if raw is not None and as_text(raw).strip().lower() == "rest":
            remainder = True
        elif raw is not None:
            parsed = parse_decimal(raw)
            if parsed.value is None or not 0 < float(parsed.value) < 1:
                errors.append(problem("district-map-bad-share", row=line, column=written["share"], value=raw))
                return None
            share = float(parsed.value)
        elif cells.get("part_population") is not None or cells.get("kreis_population") is not None:
            if part_pop is None or kreis_pop is None or not 0 < part_pop < kreis_pop:
                bad = cells.get("part_population") if part_pop is None else cells.get("kreis_population")
                errors.append(problem("district-map-bad-share", row=line,
                                      column=written.get("part_population" if part_pop is None else "kreis_population"),
                                      value=bad if bad is not None else f"{part_pop} / {kreis_pop}"))
                return None
            share = part_pop / kreis_pop
        else:
            errors.append(problem("district-map-share-missing", row=line, column=written.get("share"),
                                  part=as_text(cells["part_name"]) if cells.get("part_name") else Msg(_PART),
                                  kreis=region.short_name, ags=ags))
            return None
    when = cells.get("population_date")
    aliases = tuple(a.strip() for a in as_text(cells.get("aliases") or "").split("|") if a.strip())
    return Part(name, normalise_name(name), ags[:2], ags, whole, as_text(cells["part_name"]) if cells.get("part_name")
                else None, share, remainder, as_text(cells["source"]), aliases, part_pop, kreis_pop, _date(when),
                as_text(cells["population_source"]) if cells.get("population_source") else None)


def _int(value: object) -> int | None:
    if value is None:
        return None
    parsed = parse_decimal(value)
    if parsed.value is None or float(parsed.value) != int(parsed.value):
        return None
    return int(parsed.value)


def _date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    text = as_text(value).strip()
    m = re.match(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", text)
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else date.fromisoformat(text)
    except ValueError:
        return None


def _check_combined(con: duckdb.DuckDBPyConnection, plan: MappingPlan, current: Mapping) -> None:
    """The mapping in force after the import must cover every Kreis the file touches consistently."""
    incoming = {p.district_key for p in plan.parts}
    combined = Mapping([p for p in current.parts if p.district_key not in incoming] + plan.parts)
    seen: set[tuple[str, str]] = set()
    for p in plan.parts:
        if (p.district_key, p.kreis_ags) in seen:
            _conflict(con, plan, p.kreis_ags, Msg(N_("„{district}“ steht mehrfach für diesen Kreis in der Datei"),
                                                  district=p.district))
        seen.add((p.district_key, p.kreis_ags))
    for key in incoming:
        lands = {p.land_ags for p in combined.parts_of[key]}
        if len(lands) > 1:
            first = combined.parts_of[key][0]
            _conflict(con, plan, first.kreis_ags,
                      Msg(N_("„{district}“ betreut Kreise in mehreren Ländern ({lands})"), district=first.district,
                          lands=", ".join(sorted(lands))))
    for ags in sorted({p.kreis_ags for p in plan.parts}):
        parts = combined.by_kreis[ags]
        wholes = [p for p in parts if p.whole]
        if wholes and len(parts) > 1:
            others = ", ".join(f"„{p.district}“" for p in parts if p is not wholes[0])
            _conflict(con, plan, ags, Msg(N_("„{district}“ betreut ihn ganz, zugleich aber auch {others}"),
                                          district=wholes[0].district, others=others))
            continue
        if wholes:
            continue
        rests = [p for p in parts if p.remainder]
        known = [p.share for p in parts if not p.remainder and p.share is not None]
        unknown = any(p.share is None and not p.remainder for p in parts)
        total = sum(known)
        if len(rests) > 1:
            _conflict(con, plan, ags, Msg(N_("mehrere Teile sind als „Rest“ angegeben ({districts})"),
                                          districts=", ".join(f"„{p.district}“" for p in rests)))
        elif total > 1 + 1e-9:
            _conflict(con, plan, ags, Msg(N_("die Anteile ergeben zusammen {total}"), total=_share(total)))
        elif not rests and not unknown and abs(total - 1) > _SHARE_TOLERANCE:
            _conflict(con, plan, ags, Msg(N_("die Anteile ergeben zusammen {total}; es fehlt eine Behörde für den Rest "
                                             "des Kreises (oder ein Teil „Rest“)"), total=_share(total)))


def _conflict(con: duckdb.DuckDBPyConnection, plan: MappingPlan, ags: str, detail: Msg) -> None:
    plan.errors.append(problem("district-map-conflict", kreis=_region_name(con, ags), ags=ags, detail=detail))


def _share(x: float) -> Num:
    """A population share with at most four decimals: 0,217."""
    return Num(x, 4, trim=True)


_PART, _REST = N_("Teil"), N_("Rest")


def _comparable(p: Part) -> tuple:
    return (p.kreis_ags, p.whole, p.part_name or "", round(p.share, 6) if p.share is not None else None, p.remainder,
            p.source, tuple(sorted(p.aliases)), p.part_population, p.kreis_population, p.population_date,
            p.population_source or "")


def _describe(parts: list[Part], replaces: bool) -> Msg:
    covered = [p.kreis_ags if p.whole else
               Msg(N_("{ags} (Teil „{part}“, Anteil {share})"), ags=p.kreis_ags, part=p.part_name or Msg(_PART),
                   share=Msg(_REST) if p.remainder else _share(p.share))
               for p in parts]
    template = N_("{district}: {covered} – ersetzt die bisherige Zuordnung") if replaces else \
        N_("{district}: {covered} – neu")
    return Msg(template, district=parts[0].district, covered=Joined(tuple(covered), "; "))


def load_mapping(path: Path | str, *, user: str, db_path: Path | str | None = None, dry_run: bool = False) -> dict:
    """Check a mapping file and (unless ``dry_run``) load the districts it changes as one batch of kind
    ``districts``. Returns ``status`` (loaded, unchanged, rejected, checked), ``message`` (a ``Msg``), ``batch_id``,
    ``lines``, ``errors`` and ``warnings``."""
    from .population import insert_batch

    path = Path(path)
    if dry_run:
        with store.connect(db_path) as con:
            plan = plan_mapping(con, path)
        return _mapping_result(plan, CHECKED if not plan.errors else REJECTED, None)
    with store.connect(db_path, write=True) as con:
        plan = plan_mapping(con, path)
        if plan.errors:
            return _mapping_result(plan, REJECTED, None)
        if not plan.changed:
            return _mapping_result(plan, UNCHANGED, None)
        rows = [p for p in plan.parts if p.district_key in plan.changed]
        con.execute("BEGIN TRANSACTION")
        try:
            batch_id = insert_batch(con, kind=KIND, path=path, sheet=None, rows=len(rows), user=user,
                                    note="; ".join(plan.lines)[:2000], regions=sorted({p.kreis_ags for p in rows}))
            con.executemany(
                "INSERT INTO police_district_map VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(p.district, p.district_key, list(p.aliases) or None, p.land_ags, p.kreis_ags, p.whole, p.part_name,
                  p.share, p.remainder, p.part_population, p.kreis_population, p.population_date,
                  p.population_source, p.source, batch_id) for p in rows])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return _mapping_result(plan, LOADED, batch_id)


def _mapping_result(plan: MappingPlan, status: str, batch_id: int | None) -> dict:
    n = len(plan.changed)
    if status == LOADED:
        message = Msg(N_("„{file}“ als Batch {batch} geladen: Zuordnung von {n} Polizeibehörde(n) neu oder geändert; "
                         "rückgängig mit „python -m etl undo {batch}“. Bereits geladene Zahlen bleiben, wie sie "
                         "aufgeteilt wurden; neu aufteilen mit erneutem Laden der Datei und --replace."),
                      file=plan.file, batch=batch_id, n=Num(n))
    elif status == UNCHANGED:
        message = Msg(N_("„{file}“: nichts zu ändern, die Zuordnung ist bereits so in Kraft."), file=plan.file)
    elif status == CHECKED:
        message = Msg(N_("„{file}“ geprüft, nichts geladen: {n} Polizeibehörde(n) würden neu oder geändert."),
                      file=plan.file, n=Num(n))
    else:
        message = rejected_message(plan.file, len(plan.errors))
    return {"status": status, "message": message, "file": plan.file, "batch_id": batch_id, "lines": plan.lines,
            "districts": n, "errors": plan.errors, "warnings": plan.warnings}


# --- for the Methodik page -----------------------------------------------------------------------------------

_METHOD = N_(
    "**Polizeizahlen je Polizeibehörde (geschätzte Kreiszahlen).** Manche Länder melden Polizeieinsätze je "
    "Polizeibehörde statt je Kreis (Sachsen: fünf Polizeidirektionen für 13 Kreise; Nordrhein-Westfalen: 47 "
    "Kreispolizeibehörden für 53 Kreise). Der IK-Monitor rechnet sie beim Laden auf Kreise um:\n\n"
    "- Betreut eine Behörde genau einen ganzen Kreis, gehen ihre Zahlen unverändert an diesen Kreis.\n"
    "- Betreut sie mehrere Kreise oder Teile von Kreisen, werden ihre Zahlen nach der Bevölkerung aufgeteilt: "
    "ein ganzer Kreis zählt mit seiner Bevölkerung, ein Teilgebiet mit seinem Anteil an der Bevölkerung seines "
    "Kreises (z. B. Lünen am Kreis Unna). Maßgeblich ist der Bevölkerungsstand, der für das Quartal gilt (der "
    "letzte am oder vor dem Quartalsende).\n"
    "- Jede Zahl wird nach dem Verfahren der größten Reste (Hare-Niemeyer) aufgeteilt: Die Kreiszahlen sind "
    "ganze Zahlen und ergeben zusammen genau die Zahl der Behörde; die Summe eines Landes ist genau die Summe "
    "seiner Behörden.\n"
    "- Jede Kreiszahl, in die eine solche Aufteilung eingeht, ist als **geschätzt** gekennzeichnet, ebenso "
    "jede Summe und Quote, die auf ihr beruht. Sie unterstellt, dass Einsätze im Verhältnis zur Bevölkerung "
    "anfallen; die tatsächliche Verteilung innerhalb einer Behörde kann abweichen.\n\n"
    "Die Zuordnung der Behörden zu Kreisen stützt sich auf die Sächsische Polizeiorganisationsverordnung vom "
    "17.03.2020 (§ 1 Abs. 2) und die Verordnung über die Kreispolizeibehörden NRW (§ 1); die Anteile der "
    "Teilgebiete auf die Einwohnerzahlen der Gemeinden und Kreise. Quellen stehen in jeder Zeile der "
    "Zuordnung; Koordinierungsstellen können sie ergänzen (python -m etl districts)."
)


def methodology_text(language: str = "de") -> str:
    """The apportionment rule for the Methodik page, as Markdown in ``language``."""
    return translate(_METHOD, language)


_FRAME_LABELS = (N_("Land"), N_("Polizeibehörde"), N_("Kreis"), N_("Gebiet"), N_("Bevölkerungsanteil"), N_("Quelle"),
                 N_("ganz"), N_("Teil"))


def mapping_frame(con: duckdb.DuckDBPyConnection, language: str = "de") -> pd.DataFrame:
    """The mapping in force as a table for the Methodik page: Land, district, Kreis, whole or part, the part's
    population share (empty where not known) and the sources."""
    land, district, kreis, area, share_col, source, whole, part = (translate(t, language) for t in _FRAME_LABELS)
    mapping = Mapping.from_db(con)
    names = dict(con.execute("SELECT ags, short_name FROM regions WHERE level IN ('land', 'kreis')").fetchall())
    rows = []
    for p in mapping.parts:
        share = mapping.share(p)
        rows.append({
            land: names.get(p.land_ags, p.land_ags), district: p.district,
            kreis: f"{names.get(p.kreis_ags, p.kreis_ags)} ({p.kreis_ags})",
            area: whole if p.whole else (p.part_name or part),
            share_col: None if share is None else round(share, 4),
            source: p.source + (f"; {p.population_source}" if p.population_source else ""),
        })
    return pd.DataFrame(rows, columns=[land, district, kreis, area, share_col, source])


# --- command line ---------------------------------------------------------------------------------------------


def add_commands(sub) -> None:
    """Add ``districts`` to the ``python -m etl`` sub-parsers."""
    d = sub.add_parser(
        "districts", help="Zuordnung von Polizeibehörden zu Kreisen laden, anzeigen oder prüfen",
        description="Lädt eine Zuordnung von Polizeibehörden zu Kreisen (Spalten wie "
                    "data/reference/police_districts.csv: behoerde, kreis_ags, anteil ganz/teil, teilgebiet, "
                    "bevoelkerungsanteil oder einwohner_teil und einwohner_kreis, quelle) als Batch; rückgängig mit "
                    "undo. Polizeidateien je Behörde lädt „python -m etl load“ wie jede andere Datei.")
    d.add_argument("file", nargs="?", metavar="DATEI", help="CSV oder Excel-Datei mit der Zuordnung")
    d.add_argument("--dry-run", action="store_true", help="nur prüfen und zeigen, was sich ändern würde")
    d.add_argument("--list", action="store_true", help="die geltende Zuordnung anzeigen")
    d.add_argument("--check", action="store_true",
                   help="prüfen, ob die Kreiszahlen jeder geladenen Datei je Behörde deren Summen ergeben")
    d.add_argument("--user", metavar="NAME", help="Name im Ladeprotokoll (Standard: $USER oder „cli“)")
    d.add_argument("--json", action="store_true", help="Ergebnis als JSON ausgeben")
    d.set_defaults(func=cmd_districts)


def cmd_districts(args) -> int:
    """``districts``: import a mapping (``DATEI``), show the one in force (``--list``) or check loads (``--check``)."""
    import sys

    if sum(bool(x) for x in (args.file, args.list, args.check)) != 1:
        print("Bitte genau eines angeben: DATEI, --list oder --check.", file=sys.stderr)
        return 2
    if args.list:
        with store.connect() as con:
            frame = mapping_frame(con)
        if args.json:
            print_json({"mapping": frame.where(frame.notna(), None).to_dict("records")})
        else:
            for r in frame.to_dict("records"):
                share = r["Bevölkerungsanteil"]
                share = "" if r["Gebiet"] == "ganz" else (
                    ", Anteil unbekannt" if share is None or pd.isna(share) else f", Anteil {_share(share)}")
                print(f"{r['Land']}: {r['Polizeibehörde']} → {r['Kreis']}, {r['Gebiet']}{share}")
        return 0
    if args.check:
        with store.connect() as con:
            findings = check_batches(con)
        if args.json:
            print_json({"ok": not findings, "findings": findings})
        else:
            print("\n".join(findings) if findings else "Alle Dateien je Polizeibehörde stimmen mit ihren Kreiszahlen "
                                                      "überein.", file=sys.stderr if findings else sys.stdout)
        return 1 if findings else 0
    path = Path(args.file)
    if not path.is_file():
        print(f"Datei „{path}“ nicht gefunden.", file=sys.stderr)
        return 2
    result = load_mapping(path, user=args.user or default_user(), dry_run=args.dry_run)
    code = report_result(result, args.json)
    if not args.json and result.get("lines"):
        stream = sys.stderr if code else sys.stdout
        for line in result["lines"]:
            print(f"  {line}", file=stream)
    return code

