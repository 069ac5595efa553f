"""Computing the catalogue's indicators for regions and periods.

Semantics (DOMAIN.md §2 and §4):

* Kreise are the unit of data; a Land is the sum of its Kreise, Germany (``00``) the sum of all.
* Capacities (places, centres, staff) are taken at the latest quarter of the period for which the Land
  reported the dataset; flows are summed over the period's quarters; rates divide summed numerators by
  summed denominators; the waiting time is a mean weighted by persons counselled.
* No report is not zero. A Kreis without facility rows counts 0 only if its Land reported that dataset
  for the period; police data have one row per Kreis, so a Kreis without a row is missing. Sums over a
  Land or Germany include only the areas that reported, and per-capita figures, needs and gaps refer to
  the population of those areas (the completeness columns say how many reported).
* Population: per Kreis the latest reference date at or before the period end (else the earliest),
  newest census basis first. Targets: the row valid at the period end, a Land's own row first.

The data rows are aggregated per Kreis and period in DuckDB (parameterised SQL, one query per dataset);
the few hundred Kreis rows are then combined into regions and ratios with vectorised pandas, which is
much cheaper than planning one very large SQL statement on every call.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable

import duckdb
import numpy as np
import pandas as pd

from . import catalogue, datasets, fmt, privacy
from .catalogue import CATALOGUE, Indicator
from .i18n import N_, Failure, translate
from .periods import Period, Quarter, quarter_range
from .regions import GERMANY, level_of

DEFAULT_VARIANT = "DE"
VARIANTS = ("DE", "WAVE/EIGE")
FACILITY_DATASETS = ("shelters", "counselling")
DATASET_IDS = ("shelters", "counselling", "police")
_PREFIX = {"shelters": "sh", "counselling": "co", "police": "po"}

# --- aggregation of data rows per Kreis and period (SQL) ---------------------------------------------------

_W = "s.facility_type <> 'Männerschutzwohnung'"  # protected flats for men do not count toward women's shelter
_V = "s.service_type <> 'Täterarbeit'"  # perpetrator programmes are not victim support
_CAP = "s.qi = c.cap_qi"  # capacities: the Land's latest reported quarter of the period


def _flow(expr: str, *conds: str) -> str:
    """Sum over facility rows; 0 where the Kreis has no such facility, NULL where none filled the field."""
    f = f" FILTER (WHERE {' AND '.join(conds)})" if conds else ""
    return f"CASE WHEN count(*){f} = 0 THEN 0 ELSE sum({expr}){f} END"


def _plain(expr: str, *conds: str) -> str:
    """Sum over facility rows meeting the conditions, 0 where none do (parts of rates)."""
    return f"coalesce(sum({expr}) FILTER (WHERE {' AND '.join(conds)}), 0)"


def _count(*conds: str) -> str:
    # (quarter, facility) is the key of the rows in force, so at one quarter a plain count is distinct
    return f"count(*) FILTER (WHERE {' AND '.join(conds)})"


_FORM_FIELDS = {key: fld for key, fld, *_ in catalogue.FORMS_OF_VIOLENCE}

MEASURES: dict[str, dict[str, str]] = {
    "shelters": {
        "sh_places": _flow("s.places_women + s.places_children", _W, _CAP),
        "sh_places_women": _flow("s.places_women", _W, _CAP),
        "sh_places_children": _flow("s.places_children", _W, _CAP),
        "sh_facilities": _count(_W, _CAP),
        "sh_accessible": _flow("s.accessible_places", _W, _CAP),
        "sh_occ_w": _plain("s.occupied_days_women", _W, "s.occupied_days_women IS NOT NULL"),
        "sh_pd_w": _plain("s.places_women * s.days", _W, "s.occupied_days_women IS NOT NULL"),
        "sh_occ_c": _plain("s.occupied_days_children", _W, "s.occupied_days_children IS NOT NULL"),
        "sh_pd_c": _plain("s.places_children * s.days", _W, "s.occupied_days_children IS NOT NULL"),
        "sh_adm_w": _flow("s.admissions_women", _W),
        "sh_adm_c": _flow("s.admissions_children", _W),
        "sh_turn": _flow("s.turn_aways", _W),
        "sh_turn_space": _flow("s.turn_aways_no_space", _W),
        "sh_full": _plain("s.full_days", _W, "s.full_days IS NOT NULL"),
        "sh_full_n": f"count(*) FILTER (WHERE {_W} AND s.full_days IS NOT NULL)",
        "sh_reported": _count(_CAP),
    },
    "counselling": {
        "co_centres": _count("s.service_type = 'Frauenberatungsstelle'", _CAP),
        "co_centres_sv": _count("s.service_type = 'Fachberatung sexualisierte Gewalt'", _CAP),
        "co_staff": _flow("s.staff_fte", _V, _CAP),
        "co_persons": _flow("s.persons_counselled", _V),
        **{f"co_{key}": _flow(f"s.{fld}", _V) for key, fld in _FORM_FIELDS.items()},
        "co_ref": _flow("s.police_referrals", _V),
        "co_reached": _flow("s.police_referrals_reached", _V),
        "co_reach_num": _plain("s.police_referrals_reached", _V, "s.police_referrals_reached IS NOT NULL",
                               "s.police_referrals IS NOT NULL"),
        "co_reach_den": _plain("s.police_referrals", _V, "s.police_referrals_reached IS NOT NULL",
                               "s.police_referrals IS NOT NULL"),
        "co_wait_num": _plain("s.waiting_days * s.persons_counselled", _V, "s.waiting_days IS NOT NULL"),
        "co_wait_den": _plain("s.persons_counselled", _V, "s.waiting_days IS NOT NULL"),
        "co_perp": _flow("s.persons_counselled", "s.service_type = 'Täterarbeit'"),
        "co_reported": _count(_CAP),
    },
    "police": {
        "po_callouts": "sum(s.callouts)",
        "po_vf": "sum(s.victims_female)",
        "po_vm": "sum(s.victims_male)",
        "po_evict": "sum(s.eviction_orders)",
        "po_ref": "sum(s.referrals)",
        "po_hr": "sum(s.high_risk_cases)",
        "po_ref_den": "sum(s.callouts) FILTER (WHERE s.referrals IS NOT NULL)",
        "po_evict_den": "sum(s.callouts) FILTER (WHERE s.eviction_orders IS NOT NULL)",
        # rows apportioned from police districts (etl/districts.py): the figures built on them are estimates
        "po_estimated": "count(*) FILTER (WHERE s.estimated)",
    },
}


def _qi(col: str) -> str:
    """A quarter string as a running index (year × 4 + quarter − 1), for windows of four quarters."""
    return f"(CAST(left({col}, 4) AS INTEGER) * 4 + CAST(right({col}, 1) AS INTEGER) - 1)"


def _index(q: Quarter) -> int:
    return q.year * 4 + q.q - 1


_PERIODS = """pq AS (
  SELECT unnest($pkeys::VARCHAR[]) AS pkey, unnest($qis::INTEGER[]) AS qi, unnest($days::INTEGER[]) AS days
),
pe AS (
  SELECT unnest($pe_keys::VARCHAR[]) AS pkey, unnest($pe_starts::DATE[]) AS pstart,
         unnest($pe_ends::DATE[]) AS pend
),
kp AS (
  -- the Kreise of each period: those that existed during it (Hanau 06415 from 2026, Eisenach 16056 until 2021)
  SELECT pe.pkey, r.ags, r.land_ags FROM pe JOIN regions r ON r.level = 'kreis'
   AND (r.valid_to IS NULL OR r.valid_to >= pe.pstart)
   AND (r.valid_from IS NULL OR r.valid_from <= pe.pend)
  WHERE ($land IS NULL OR r.land_ags = $land) AND ($kreis IS NULL OR r.ags = $kreis)
)"""

# Every query returns one row per period and Kreis of ``kp`` in the same order, so results line up.
_ORDER = "ORDER BY kp.pkey, kp.ags"


def _rows_cte(table: str) -> str:
    return f"""r AS (
  SELECT *, left(ags, 2) AS land, {_qi('quarter')} AS qi FROM {table}_current
  WHERE quarter BETWEEN $wfirst AND $wlast AND ($land IS NULL OR left(ags, 2) = $land)
)"""


def _facility_sql(ds: str) -> str:
    p = _PREFIX[ds]
    cols = ",\n    ".join(f"{expr} AS {name}" for name, expr in MEASURES[ds].items())
    # a Kreis without rows in a Land that reported has no facility: 0, not missing
    zeroed = ",\n  ".join(f"CASE WHEN a.n_rows IS NULL AND c.cap_qi IS NOT NULL THEN 0 ELSE a.{m} END AS {m}"
                          for m in MEASURES[ds])
    return f"""
WITH {_PERIODS},
{_rows_cte(ds)},
per AS (SELECT pq.pkey, pq.days, r.* FROM r JOIN pq USING (qi)),
caps AS (
  SELECT pkey, land, max(qi) AS cap_qi, count(DISTINCT qi) AS land_quarters FROM per GROUP BY pkey, land
),
agg AS (
  SELECT s.pkey, s.ags, count(*) AS n_rows,
    {cols}
  FROM per s JOIN caps c ON c.pkey = s.pkey AND c.land = s.land
  GROUP BY s.pkey, s.ags
),
last AS (SELECT pkey, max(qi) AS last_qi FROM pq GROUP BY pkey),
known AS (
  -- facilities known: reported in any of the four quarters up to the Land's reference quarter
  SELECT l.pkey, r.ags, count(DISTINCT r.facility) AS known
  FROM last l JOIN r ON r.qi BETWEEN l.last_qi - 6 AND l.last_qi
  LEFT JOIN caps c ON c.pkey = l.pkey AND c.land = r.land
  WHERE r.qi BETWEEN coalesce(c.cap_qi, l.last_qi) - 3 AND coalesce(c.cap_qi, l.last_qi)
  GROUP BY l.pkey, r.ags
)
SELECT c.cap_qi AS {p}_cap_qi, c.land_quarters AS {p}_quarters, coalesce(k.known, 0) AS {p}_known,
  {zeroed}
FROM kp
LEFT JOIN caps c ON c.pkey = kp.pkey AND c.land = kp.land_ags
LEFT JOIN agg a ON a.pkey = kp.pkey AND a.ags = kp.ags
LEFT JOIN known k ON k.pkey = kp.pkey AND k.ags = kp.ags
{_ORDER}
"""


def _police_sql() -> str:
    cols = ",\n    ".join(f"{expr} AS {name}" for name, expr in MEASURES["police"].items())
    return f"""
WITH {_PERIODS},
{_rows_cte('police')},
agg AS (
  SELECT pq.pkey, s.ags, count(*) AS po_quarters,
    {cols}
  FROM r s JOIN pq USING (qi)
  GROUP BY pq.pkey, s.ags
)
SELECT a.* EXCLUDE (pkey, ags), NULL::INTEGER AS po_cap_qi
FROM kp LEFT JOIN agg a ON a.pkey = kp.pkey AND a.ags = kp.ags
{_ORDER}
"""


# The ranking of population vintages: the latest at or before the period end, else the earliest after it; then
# the newest census basis and the latest load.
_VINTAGE_ORDER = """
        (p.reference_date <= p.pend) DESC,
        CASE WHEN p.reference_date <= p.pend THEN p.reference_date END DESC NULLS LAST,
        p.reference_date ASC,
        TRY_CAST(regexp_extract(p.basis, '(\\d{4})', 1) AS INTEGER) DESC NULLS LAST,
        p.batch_id DESC NULLS LAST"""

# Per Kreis and period two vintages: the Kreis's own must describe its territory in the period (its reference
# date lies in the stretch of region_territories that contains the period end: the Main-Kinzig-Kreis of 2026
# has none until a vintage on its territory without Hanau is loaded); the one for sums over Länder and Germany
# may be any (their territory did not change, and the old vintage of the Main-Kinzig-Kreis still covers Hanau).
_POPULATION_SQL = f"""
WITH {_PERIODS},
terr AS (
  SELECT pe.pkey, t.ags, t.territory_from, t.territory_to, t.changed
  FROM pe JOIN region_territories t ON pe.pend BETWEEN coalesce(t.territory_from, DATE '1900-01-01')
                                                   AND coalesce(t.territory_to, DATE '9999-12-31')
),
cand AS (
  SELECT pe.pkey, pe.pend, p.*,
    tr.ags IS NULL OR p.reference_date BETWEEN coalesce(tr.territory_from, DATE '1900-01-01')
                                           AND coalesce(tr.territory_to, DATE '9999-12-31') AS fits
  FROM pe JOIN population_current p ON length(p.ags) = 5
   AND ($land IS NULL OR left(p.ags, 2) = $land) AND ($kreis IS NULL OR p.ags = $kreis)
  LEFT JOIN terr tr ON tr.pkey = pe.pkey AND tr.ags = p.ags
),
own AS (
  SELECT * FROM (SELECT p.*, row_number() OVER (PARTITION BY p.pkey, p.ags ORDER BY {_VINTAGE_ORDER}) AS rn
                 FROM cand p WHERE p.fits) WHERE rn = 1
),
any_ AS (
  SELECT * FROM (SELECT p.*, row_number() OVER (PARTITION BY p.pkey, p.ags ORDER BY {_VINTAGE_ORDER}) AS rn
                 FROM cand p) WHERE rn = 1
)
SELECT kp.pkey, kp.ags, kp.land_ags, o.total AS pop_total, o.female AS pop_female, o.reference_date,
  o.basis, o.source, a.total AS pop_total_all, a.female AS pop_female_all, a.reference_date AS reference_date_all,
  a.basis AS basis_all, a.source AS source_all,
  CASE WHEN o.total IS NULL THEN tr.territory_from END AS territory_from,
  CASE WHEN o.total IS NULL THEN tr.territory_to END AS territory_to
FROM kp LEFT JOIN own o ON o.pkey = kp.pkey AND o.ags = kp.ags
LEFT JOIN any_ a ON a.pkey = kp.pkey AND a.ags = kp.ags
LEFT JOIN terr tr ON tr.pkey = kp.pkey AND tr.ags = kp.ags
{_ORDER}
"""

_FACILITY_SQL = {ds: _facility_sql(ds) for ds in FACILITY_DATASETS}
_POLICE_SQL = _police_sql()
_DATA_SQL = {**_FACILITY_SQL, "police": _POLICE_SQL}


# --- from Kreis measures to indicators (pandas, vectorised) -----------------------------------------------

# Targets: the targeted services are catalogue.TARGETED_SERVICES; here each gets its capacity measure and the
# prefix of its population columns: capacity → (measure, prefix, needed, coverage, missing)
_MEASURES = {"shelter_places": ("sh_places", "sh"), "counselling_centres": ("co_centres", "co"),
             "counselling_centres_sexual_violence": ("co_centres_sv", "co")}
_TARGETED = {capacity: (*_MEASURES[capacity], need, coverage, gap)
             for capacity, need, gap, coverage in catalogue.TARGETED_SERVICES}

Formula = Callable[[pd.DataFrame], pd.Series]


def _col(name: str) -> Formula:
    return lambda n: n[name]


def _ratio(num: str, den: str, scale: float) -> Formula:
    """``scale × num ÷ den``; NaN where the denominator is 0 or missing (no division by zero)."""
    return lambda n: scale * n[num] / n[den].where(n[den] != 0)


def _missing(existing: str, needed: str) -> Formula:
    return lambda n: (n[needed] - n[existing]).clip(lower=0)


# Every catalogue indicator as a formula over the aggregated region frame.
FORMULAS: dict[str, Formula] = {
    "shelter_places": _col("sh_places"),
    "shelter_places_women": _col("sh_places_women"),
    "shelter_places_children": _col("sh_places_children"),
    "shelter_facilities": _col("sh_facilities"),
    "shelter_places_per_10k": _ratio("sh_places", "sh_pop_total", 10_000),
    "shelter_places_needed": _col("shelter_places__needed"),
    "shelter_coverage_pct": _ratio("sh_places", "shelter_places__needed", 100),
    "shelter_places_missing": _missing("sh_places", "shelter_places__needed"),
    "shelter_accessible_places": _col("sh_accessible"),
    "shelter_occupancy_women_pct": _ratio("sh_occ_w", "sh_pd_w", 100),
    "shelter_occupancy_children_pct": _ratio("sh_occ_c", "sh_pd_c", 100),
    "shelter_admissions_women": _col("sh_adm_w"),
    "shelter_admissions_children": _col("sh_adm_c"),
    "shelter_turn_aways": _col("sh_turn"),
    "shelter_turn_aways_no_space": _col("sh_turn_space"),
    "shelter_full_days": _ratio("sh_full", "sh_full_n", 1),
    "counselling_centres": _col("co_centres"),
    "counselling_centres_needed": _col("counselling_centres__needed"),
    "counselling_centres_coverage_pct": _ratio("co_centres", "counselling_centres__needed", 100),
    "counselling_centres_missing": _missing("co_centres", "counselling_centres__needed"),
    "counselling_centres_sexual_violence": _col("co_centres_sv"),
    "counselling_centres_sexual_violence_needed": _col("counselling_centres_sexual_violence__needed"),
    "counselling_centres_sexual_violence_missing":
        _missing("co_centres_sv", "counselling_centres_sexual_violence__needed"),
    "counselling_staff_fte": _col("co_staff"),
    "counselling_persons": _col("co_persons"),
    "counselling_persons_per_10k_women": _ratio("co_persons", "co_pop_female", 10_000),
    **{f"counselling_persons_{key}": _col(f"co_{key}") for key in _FORM_FIELDS},
    **{f"counselling_persons_{key}_per_10k_women": _ratio(f"co_{key}", "co_pop_female", 10_000)
       for key in _FORM_FIELDS},
    "counselling_waiting_days": _ratio("co_wait_num", "co_wait_den", 1),
    "counselling_police_referrals": _col("co_ref"),
    "counselling_police_referrals_reached": _col("co_reached"),
    "counselling_reach_rate_pct": _ratio("co_reach_num", "co_reach_den", 100),
    "perpetrator_programme_persons": _col("co_perp"),
    "police_callouts": _col("po_callouts"),
    "police_callouts_per_10k": _ratio("po_callouts", "po_pop_total", 10_000),
    "police_victims_female": _col("po_vf"),
    "police_victims_male": _col("po_vm"),
    "police_eviction_orders": _col("po_evict"),
    "police_eviction_rate_pct": _ratio("po_evict", "po_evict_den", 100),
    "police_referrals": _col("po_ref"),
    "police_referral_rate_pct": _ratio("po_ref", "po_ref_den", 100),
    "police_high_risk_cases": _col("po_hr"),
}


def _periods_params(periods: list[Period]) -> dict[str, Any]:
    rows = [(p.text, q) for p in periods for q in p.quarters]
    first = min(q for _, q in rows)
    last = max(q for _, q in rows)
    for _ in range(3):
        first = first.previous()
    return {
        "pkeys": [k for k, _ in rows],
        "qis": [_index(q) for _, q in rows],
        "days": [q.days for _, q in rows],
        "pe_keys": [p.text for p in periods],
        "pe_starts": [p.first.start for p in periods],
        "pe_ends": [p.end for p in periods],
        "wfirst": str(first),
        "wlast": str(last),
    }


_PARAM = re.compile(r"\$(\w+)")


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run ``sql`` with the named parameters it uses (DuckDB refuses unused ones)."""
    names = set(_PARAM.findall(sql))
    return con.execute(sql, {k: v for k, v in params.items() if k in names}).df()


def _kreis_frame(con: duckdb.DuckDBPyConnection, periods: list[Period], land: str | None,
                 kreis: str | None) -> pd.DataFrame:
    """One row per period and Kreis with its population and every measure (NaN: not reported)."""
    params = {**_periods_params(periods), "land": land, "kreis": kreis}
    parts = [_fetch(con, _POPULATION_SQL, params)]
    parts += [_fetch(con, _DATA_SQL[ds], params) for ds in DATASET_IDS]
    if any(len(x) != len(parts[0]) for x in parts):
        raise RuntimeError("dataset queries returned different Kreis lists")
    return pd.concat(parts, axis=1)


def _aggregate(k: pd.DataFrame, level: str) -> pd.DataFrame:
    """Sum Kreis rows into the output regions (Kreis, Land or Germany), with coverage counts."""
    measures = [m for ds in DATASET_IDS for m in MEASURES[ds]] + ["sh_known", "co_known"]
    cols: dict[str, Any] = {}
    for ds in DATASET_IDS:
        p = _PREFIX[ds]
        rep = k[f"{p}_quarters"].notna()
        cols[f"{ds}_kreise_reported"] = rep.astype("float64")
        cols[f"{ds}__land"] = k["land_ags"].where(rep)
        cols[f"{p}_pop_total"] = k["pop_total"].where(rep)
        cols[f"{p}_pop_female"] = k["pop_female"].where(rep)
    if level == "kreis":
        k = k.assign(**cols)
        out = {c: k[c] for c in ("pkey", "ags", *measures)}
        out.update(population_total=k["pop_total"], population_female=k["pop_female"])
        for ds in DATASET_IDS:
            p = _PREFIX[ds]
            for c in (f"{ds}_kreise_reported", f"{p}_pop_total", f"{p}_pop_female"):
                out[c] = k[c]
            out[f"{ds}_laender_reported"] = k[f"{ds}_kreise_reported"]
            out[f"{ds}_quarters"] = k[f"{p}_quarters"]
            out[f"{p}_cap_max"] = out[f"{p}_cap_min"] = k[f"{p}_cap_qi"]
        out.update(kreise_total=1.0, laender_total=1.0, population_reference_date=k["reference_date"],
                   population_basis=k["basis"], population_source=k["source"],
                   population_vintages=k["reference_date"].notna().astype("float64"),
                   population_territory_from=k["territory_from"], population_territory_to=k["territory_to"])
        return pd.DataFrame(out, index=k.index)
    # Länder and Germany: their territory did not change, so every Kreis's latest vintage counts toward them
    k = k.assign(pop_total=k["pop_total_all"], pop_female=k["pop_female_all"], reference_date=k["reference_date_all"],
                 basis=k["basis_all"], source=k["source_all"])
    for ds in DATASET_IDS:
        p = _PREFIX[ds]
        rep = cols[f"{ds}_kreise_reported"] > 0
        cols[f"{p}_pop_total"] = k["pop_total"].where(rep)
        cols[f"{p}_pop_female"] = k["pop_female"].where(rep)
    k = k.assign(**cols)
    k = k.assign(out=k["land_ags"] if level == "land" else GERMANY,
                 vintage=k["reference_date"].astype(str) + "|" + k["basis"].astype(str))
    k = k.sort_values("reference_date", ascending=False, kind="stable")
    g = k.groupby(["pkey", "out"], sort=True)
    sum_cols = [*measures, "pop_total", "pop_female"]
    count_cols = []
    for ds in DATASET_IDS:
        p = _PREFIX[ds]
        sum_cols += [f"{p}_pop_total", f"{p}_pop_female"]
        count_cols.append(f"{ds}_kreise_reported")
    o = pd.concat(
        [
            g[sum_cols].sum(min_count=1).rename(columns={"pop_total": "population_total",
                                                         "pop_female": "population_female"}),
            g[count_cols].sum(),
            g[[f"{ds}__land" for ds in DATASET_IDS]].nunique()
            .rename(columns=lambda c: c.replace("__land", "_laender_reported")),
            g[[f"{_PREFIX[ds]}_quarters" for ds in DATASET_IDS]].max()
            .rename(columns={f"{_PREFIX[ds]}_quarters": f"{ds}_quarters" for ds in DATASET_IDS}),
            g[[f"{_PREFIX[ds]}_cap_qi" for ds in DATASET_IDS]].max().rename(columns=lambda c: c[:2] + "_cap_max"),
            g[[f"{_PREFIX[ds]}_cap_qi" for ds in DATASET_IDS]].min().rename(columns=lambda c: c[:2] + "_cap_min"),
            g["ags"].size().rename("kreise_total"),
            g["land_ags"].nunique().rename("laender_total"),
            g[["reference_date", "basis", "source"]].first().rename(columns=lambda c: f"population_{c}"),
            g["vintage"].nunique().rename("population_vintages"),
        ],
        axis=1,
    )
    return o.reset_index().rename(columns={"out": "ags"}).assign(population_territory_from=None,
                                                                 population_territory_to=None)


_TARGET_COLUMNS = ("target_id, indicator, label_de, label_en, value, factor, denominator, per_population, source, "
                   "valid_from, variant, land_ags")


def _select_targets(targets: list[TargetInfo], o: pd.DataFrame, periods: list[Period],
                    variant: str) -> dict[str, list[TargetInfo | None]]:
    """Per targeted indicator and output row, the target in force (a Land's own row first)."""
    ends = {p.text: p.end for p in periods}
    keys = list(zip(o["pkey"].tolist(), o["ags"].str[:2].tolist()))
    out = {}
    for ind in _TARGETED:
        cands = [(i, t) for i, t in enumerate(targets)
                 if t.indicator == ind and (t.variant is None or t.variant == variant)]
        best: dict[tuple[str, str], TargetInfo | None] = {}
        for pkey, land in set(keys):
            ok = [(i, t) for i, t in cands
                  if t.valid_from <= ends[pkey] and (t.land_ags is None or (t.land_ags == land and land != GERMANY))]
            # a Land's own row, then the latest valid_from, then an exact variant, then the latest loaded
            top = max(ok, key=lambda it: (it[1].land_ags is not None, it[1].valid_from, it[1].variant is not None,
                                          it[0]), default=None)
            best[(pkey, land)] = top[1] if top else None
        out[ind] = [best[key] for key in keys]
    return out


def _apply_targets(con: duckdb.DuckDBPyConnection, o: pd.DataFrame, periods: list[Period],
                   variant: str) -> pd.DataFrame:
    targets = [TargetInfo(*r) for r in con.execute(
        f"SELECT {_TARGET_COLUMNS} FROM targets_current ORDER BY batch_id NULLS FIRST").fetchall()]
    chosen = _select_targets(targets, o, periods, variant)
    total_all, female_all = o["population_total"], o["population_female"]
    cols: dict[str, Any] = {}
    for ind, (_existing, p, *_rest) in _TARGETED.items():
        infos = chosen[ind]
        den = np.array([t.denominator if t else None for t in infos], dtype=object)
        factor = np.array([t.per_person if t else np.nan for t in infos], dtype=float)
        total = o[f"{p}_pop_total"].fillna(total_all).to_numpy(dtype=float)
        female = o[f"{p}_pop_female"].fillna(female_all).to_numpy(dtype=float)
        base = np.where(den == "population_female", female, np.where(den == "population_total", total, np.nan))
        cols[f"{ind}__target"] = [t.id if t else None for t in infos]
        cols[f"{ind}__target_info"] = infos
        cols[f"{ind}__needed"] = base * factor
    return o.assign(**cols)


_TEXT_COLUMNS = ("pkey", "ags", "population_reference_date", "population_basis", "population_source",
                 "population_territory_from", "population_territory_to")


def _run(con: duckdb.DuckDBPyConnection, periods: list[Period], *, level: str, land: str | None = None,
         kreis: str | None = None, variant: str = DEFAULT_VARIANT) -> pd.DataFrame:
    """The region frame: one row per period (``pkey``) and output region, measures and indicator columns."""
    if variant not in VARIANTS:
        raise ValueError(f"Unbekannte Soll-Variante „{variant}“; möglich: {', '.join(VARIANTS)}.")
    o = _aggregate(_kreis_frame(con, periods, land, kreis), level)
    numeric = [c for c in o.columns if c not in _TEXT_COLUMNS]
    o[numeric] = o[numeric].astype("float64")
    o = _apply_targets(con, o, periods, variant)
    values = pd.DataFrame({ind: f(o) for ind, f in FORMULAS.items()}, index=o.index)
    return pd.concat([o, values], axis=1)


# --- results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetInfo:
    """The target ("Soll") a value is compared with: a row of targets_current."""

    id: str
    indicator: str
    label_de: str
    label_en: str
    value: float
    factor: float
    denominator: str  # population_total | population_female
    per_population: int
    source: str
    valid_from: date
    variant: str | None
    land_ags: str | None

    @property
    def units(self) -> float:
        """Units needed per ``per_population`` persons of the denominator: value × factor (the German practice
        counts a family place as 2.5 places)."""
        return self.value * self.factor

    @property
    def per_person(self) -> float:
        """Units needed per person of the denominator – the one place of the target arithmetic
        (value × factor ÷ per-population): need = base × per_person."""
        return self.units / self.per_population

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label_de, "value": self.value, "factor": self.factor,
            "denominator": self.denominator, "per_population": self.per_population, "variant": self.variant,
            "land": self.land_ags, "valid_from": self.valid_from.isoformat(), "source": self.source,
        }


@dataclass(frozen=True)
class Completeness:
    """How much of a dataset was reported for a region and period."""

    dataset: str
    level: str
    kreise_reported: int
    kreise_total: int
    laender_reported: int
    laender_total: int
    quarters_reported: int  # quarters of the period with a report (the most any reporting area has)
    quarters_total: int
    reference_quarter: str | None  # capacities are as at this quarter
    facilities_reported: int | None = None  # facility datasets only
    facilities_known: int | None = None  # reported in any of the four quarters up to the reference quarter
    period: str = ""  # the period asked for
    mixed: bool = False  # capacities from different quarters (some Länder reported the last quarter, some not)
    estimated: int = 0  # police rows apportioned from police districts

    def text(self, language: str = "de") -> str:
        """One line such as "38 von 42 Einrichtungen gemeldet (2. Quartal 2025)" in ``language``."""
        return completeness_text(
            self.dataset, self.level, self.kreise_reported, self.kreise_total, self.laender_reported,
            self.laender_total, self.facilities_reported, self.facilities_known, self.reference_quarter, self.mixed,
            self.quarters_reported, self.quarters_total, self.period, estimated=self.estimated, language=language)

    @property
    def text_de(self) -> str:
        return self.text("de")

    @property
    def text_en(self) -> str:
        return self.text("en")

    @property
    def reported(self) -> bool:
        return self.kreise_reported > 0

    @property
    def complete(self) -> bool:
        """All areas, all quarters and all known facilities reported."""
        facilities_ok = self.facilities_known is None or self.facilities_reported >= self.facilities_known
        if self.dataset in FACILITY_DATASETS:
            areas_ok = self.laender_reported == self.laender_total
        else:
            areas_ok = self.kreise_reported == self.kreise_total
        return self.reported and areas_ok and facilities_ok and self.quarters_reported == self.quarters_total


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator's value for a region and period (None: not reported), with its target and completeness."""

    id: str
    value: float | None
    events: float | None = None  # the count a rate rests on (privacy rule), see Indicator.events
    target: TargetInfo | None = None
    needed: float | None = None
    gap: float | None = None  # places or centres missing: max(needed − existing, 0)
    completeness: Completeness | None = None
    flag: str | None = None  # in a release: why the value is hidden (privacy.SMALL, PROTECTED, WITHHELD_FLAG)

    @property
    def indicator(self) -> Indicator:
        return CATALOGUE[self.id]


@dataclass
class RegionReport:
    """Every catalogue indicator for one region and period, with population, targets and completeness."""

    region: str
    region_name: str
    level: str
    period: str
    variant: str
    population: dict[str, Any]  # total, female, reference_date, basis, source, mixed (several vintages)
    values: dict[str, IndicatorValue]
    completeness: dict[str, Completeness]
    stand: datetime | None = None  # time of the latest load in force

    def value(self, indicator_id: str) -> float | None:
        return self.values[indicator_id].value

    def coverage_pct(self, capacity_id: str) -> float | None:
        """Ist in % des Solls of a targeted service (catalogue.TARGETED_SERVICES)."""
        _cap, need, _gap, coverage_id = next(t for t in catalogue.TARGETED_SERVICES if t[0] == capacity_id)
        if coverage_id:
            return self.value(coverage_id)
        actual, needed = self.value(capacity_id), self.value(need)
        return actual / needed * 100 if actual is not None and needed else None

    def source_of(self, indicator_id: str) -> str:
        """Where a figure comes from: dataset, population vintage and target, in German."""
        ind = CATALOGUE[indicator_id]
        parts = [f"IK-Monitor, Datensatz {datasets.get(ind.dataset).label_de}"]
        if ind.kind in ("per_capita", "need", "gap") or ind.target and ind.kind == "rate":
            p = self.population
            if p.get("reference_date"):
                parts.append(f"Bevölkerung {p['reference_date']:%d.%m.%Y} (Basis {p['basis']}): {p['source']}")
        target = self.values[indicator_id].target
        if target is not None:
            parts.append(f"Soll: {target.source}")
        return "; ".join(parts)

    def as_json(self) -> dict[str, Any]:
        """The report as plain JSON data; a value a release hid is null, with its ``flag`` and ``mark``."""
        out = []
        for ind_id, v in self.values.items():
            ind = CATALOGUE[ind_id]
            decimals = need_decimals(ind_id)
            out.append({
                "id": ind_id,
                "label": ind.label_de,
                "value": _json_number(v.value, ind.decimals),
                "flag": v.flag,
                "mark": privacy.mark(v.flag) or None,
                "unit": ind.unit_de,
                "target": None if v.target is None else {
                    **v.target.as_json(), "needed": _json_number(v.needed, decimals)},
                "gap": _json_number(v.gap, decimals),
                "source": self.source_of(ind_id),
            })
        p = self.population
        return {
            "region": self.region,
            "region_name": self.region_name,
            "period": self.period,
            "population": {
                "total": p.get("total"),
                "female": p.get("female"),
                "reference_date": p["reference_date"].isoformat() if p.get("reference_date") else None,
                "basis": p.get("basis"),
            },
            "indicators": out,
        }


def need_decimals(indicator_id: str) -> int:
    """Decimals for the needed/gap figures attached to an indicator (those of its "needed" indicator)."""
    target = CATALOGUE[indicator_id].target
    if target in _TARGETED:
        return CATALOGUE[_TARGETED[target][2]].decimals
    return CATALOGUE[indicator_id].decimals


def _json_number(value: float | None, decimals: int) -> float | int | None:
    if value is None:
        return None
    return int(round(value)) if decimals == 0 else round(float(value), decimals)


def number_or_none(value: Any) -> float | None:
    """A database value as float, with NULL/NaN/NA as None."""
    if value is None or value is pd.NA:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int(value: Any) -> int:
    """A database count as int, with NULL/NaN as 0."""
    return int(number_or_none(value) or 0)


# --- public functions -------------------------------------------------------------------------------------


class UnknownRegion(Failure, ValueError):
    """An AGS that is not in the region list, or not of the level a document needs: a catalogue template, German
    as ``str()``, any language as ``text(language)``; the parameter ``what`` is a message id too."""

    def text(self, language: str = "de") -> str:
        params = {k: translate(v, language) if k == "what" else v for k, v in self.params.items()}
        return translate(self.msgid, language, **params)


def require_land(land_ags: str, what: str) -> str:
    """``land_ags`` stripped when it is a Land's two-digit key, else ``UnknownRegion`` naming ``what`` (a marked
    message id: the document that needs a Land)."""
    land_ags = str(land_ags).strip()
    if level_of(land_ags) != "land":
        raise UnknownRegion(N_("„{ags}“ ist kein Land – {what} braucht den zweistelligen Schlüssel eines Landes "
                               "(z. B. 03 für Niedersachsen)."), ags=land_ags, what=what)
    return land_ags


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(str(period))


def _region_row(con: duckdb.DuckDBPyConnection, ags: str) -> tuple[str, str, str]:
    row = con.execute(
        "SELECT ags, name, level FROM regions WHERE ags = ? ORDER BY valid_to DESC NULLS FIRST LIMIT 1", [ags]
    ).fetchone()
    if row is None:
        raise UnknownRegion(N_("Unbekannte Region „{ags}“ – erwartet wird ein Regionalschlüssel (AGS): 00 für "
                               "Deutschland, zweistellig für ein Land (z. B. 03), fünfstellig für einen Kreis "
                               "(z. B. 03404)."), ags=ags)
    return row


def _scope(ags: str) -> dict[str, Any]:
    lvl = level_of(ags)
    if lvl == "kreis":
        return {"level": "kreis", "land": ags[:2], "kreis": ags}
    if lvl == "land":
        return {"level": "land", "land": ags}
    return {"level": "bund"}


def _completeness(row: dict[str, Any], ds: str, level: str, period: Period) -> Completeness:
    p = _PREFIX[ds]
    kr, kt = _int(row.get(f"{ds}_kreise_reported")), _int(row.get("kreise_total"))
    lr, lt = _int(row.get(f"{ds}_laender_reported")), _int(row.get("laender_total"))
    quarters = _int(row.get(f"{ds}_quarters"))
    n_quarters = len(period.quarters)
    facility = ds in FACILITY_DATASETS
    cap_max = number_or_none(row.get(f"{p}_cap_max"))
    cap_min = number_or_none(row.get(f"{p}_cap_min"))
    ref = _quarter_of_index(int(cap_max)) if cap_max is not None else None
    fr = _int(row.get(f"{p}_reported")) if facility else None
    fk = _int(row.get(f"{p}_known")) if facility else None
    return Completeness(ds, level, kr, kt, lr, lt, quarters, n_quarters, str(ref) if ref else None, fr, fk,
                        period=str(period), mixed=cap_min != cap_max,
                        estimated=_int(row.get("po_estimated")) if ds == "police" else 0)


def _quarter_of_index(qi: int) -> Quarter:
    return Quarter(qi // 4, qi % 4 + 1)


_NO_LAND_REPORT = N_("Keine Meldung des Landes für {period}")
_NO_REPORT = N_("Keine Meldung für {period}")
_LAENDER = N_("{reported} von {total} Ländern")
_FACILITIES = N_("{reported} von {known} Einrichtungen gemeldet ({when})")
_LAND_NO_FACILITY = N_("Land hat gemeldet, keine Einrichtung im Kreis ({when})")
_NO_FACILITY = N_("gemeldet, keine Einrichtung ({when})")
_OR_EARLIER = N_("{quarter} bzw. früher")
_REPORTED = N_("gemeldet")
_KREISE = N_("{reported} von {total} Kreisen gemeldet")
_KREISE_LAENDER = N_("{reported} von {total} Kreisen aus {laender} von {laender_total} Ländern gemeldet")
_QUARTERS = N_("{reported} von {total} Quartalen")
_ESTIMATED = N_("geschätzt (Zahl einer Polizeibehörde nach Bevölkerungsanteil aufgeteilt)")
_PARTLY_ESTIMATED = N_("teils geschätzt (Zahlen von Polizeibehörden nach Bevölkerung auf Kreise aufgeteilt)")


def completeness_text(ds, level, kr, kt, lr, lt, fr, fk, ref, mixed, quarters, n_quarters, period, estimated=0,
                      language: str = "de") -> str:
    """One line such as "38 von 42 Einrichtungen gemeldet (2. Quartal 2025)" in ``language``.

    ``estimated``: police rows behind the figure that were apportioned from police districts; the statement
    then says the figure is (partly) an estimate.
    """
    def t(template: str, **params) -> str:
        return translate(template, language, **params)

    def n(value) -> str:
        return fmt.integer(value, language)

    if kr == 0:
        when = fmt.period(period, language, long=True)
        return t(_NO_LAND_REPORT if ds in FACILITY_DATASETS and level == "kreis" else _NO_REPORT, period=when)
    parts = []
    if ds in FACILITY_DATASETS:
        if level == "bund":
            parts.append(t(_LAENDER, reported=lr, total=lt))
        when = fmt.quarter(ref, language, long=True) if ref else "–"
        when = t(_OR_EARLIER, quarter=when) if mixed else when
        if fk:
            parts.append(t(_FACILITIES, reported=n(fr), known=n(fk), when=when))
        else:
            parts.append(t(_LAND_NO_FACILITY if level == "kreis" else _NO_FACILITY, when=when))
    elif level == "kreis":
        parts.append(t(_REPORTED))
    elif level == "land":
        parts.append(t(_KREISE, reported=kr, total=kt))
    else:
        parts.append(t(_KREISE_LAENDER, reported=kr, total=kt, laender=lr, laender_total=lt))
    if n_quarters > 1:
        parts.append(t(_QUARTERS, reported=quarters, total=n_quarters))
    if estimated:
        parts.append(t(_ESTIMATED if level == "kreis" else _PARTLY_ESTIMATED))
    return "; ".join(parts)


def _population(row: dict[str, Any]) -> dict[str, Any]:
    ref = row.get("population_reference_date")
    ref = None if ref is None or pd.isna(ref) else pd.Timestamp(ref).date()
    total = number_or_none(row.get("population_total"))
    female = number_or_none(row.get("population_female"))
    return {
        "total": int(total) if total is not None else None,
        "female": int(female) if female is not None else None,
        "reference_date": ref,
        "basis": row.get("population_basis") if isinstance(row.get("population_basis"), str) else None,
        "source": row.get("population_source") if isinstance(row.get("population_source"), str) else None,
        "mixed": int(number_or_none(row.get("population_vintages")) or 0) > 1,
        # no vintage describes the Kreis's territory in this period: the stretch of territory it had then
        # (from a change, or until one) — its rates and targets are "k. A." until such a vintage is loaded
        "territory": _territory(row),
    }


def _territory(row: dict[str, Any]) -> tuple[date | None, date | None] | None:
    start, end = _date_or_none(row.get("population_territory_from")), _date_or_none(row.get("population_territory_to"))
    return (start, end) if start or end else None


def _date_or_none(value: Any) -> date | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _target_of(ind_id: str) -> str | None:
    """The targeted capacity indicator whose target an indicator carries."""
    ind = CATALOGUE[ind_id]
    return ind.target if ind.target in _TARGETED else None


def _report_from_row(row: dict[str, Any], ags: str, name: str, level: str, period: Period,
                     variant: str) -> RegionReport:
    comp = {ds: _completeness(row, ds, level, period) for ds in DATASET_IDS}
    values = {}
    for ind_id, ind in CATALOGUE.items():
        t_ind = _target_of(ind_id)
        target = needed = gap = None
        if t_ind is not None:
            target = row.get(f"{t_ind}__target_info")
            needed = number_or_none(row.get(_TARGETED[t_ind][2]))
            gap = number_or_none(row.get(_TARGETED[t_ind][4]))
        flag = row.get(f"{ind_id}__flag")
        values[ind_id] = IndicatorValue(
            ind_id, number_or_none(row.get(ind_id)), events=number_or_none(row.get(ind.events)) if ind.events else None,
            target=target, needed=needed, gap=gap, completeness=comp[ind.dataset],
            flag=flag if isinstance(flag, str) else None,
        )
    return RegionReport(ags, name, level, period.text, variant, _population(row), values, comp)


def indicators_for(con: duckdb.DuckDBPyConnection, ags: str, period: Period | str, *,
                   variant: str = DEFAULT_VARIANT) -> RegionReport:
    """All catalogue indicators for one region (Kreis, Land or Germany ``00``) and period."""
    period = _period(period)
    ags = str(ags).strip()
    ags, name, _lvl = _region_row(con, ags)
    df = _run(con, [period], variant=variant, **_scope(ags))
    level = _scope(ags)["level"]
    if df.empty:
        row: dict[str, Any] = {"kreise_total": 0, "laender_total": 0}
    else:
        row = df.iloc[0].to_dict()
    report = _report_from_row(row, ags, name, level, period, variant)
    report.stand = con.execute("SELECT max(loaded_at) FROM batches WHERE status = 'active'").fetchone()[0]
    return report


def _completeness_columns(df: pd.DataFrame, level: str, period: Period, language: str = "de") -> pd.DataFrame:
    """Completeness per dataset as columns: the text (in ``language``) and the counts behind it."""
    out = pd.DataFrame(index=df.index)
    n_quarters = len(period.quarters)
    refs: dict[float, Quarter] = {}

    def ref_of(qi: float) -> Quarter | None:
        if qi != qi:  # NaN
            return None
        if qi not in refs:
            refs[qi] = _quarter_of_index(int(qi))
        return refs[qi]

    for ds in DATASET_IDS:
        p = _PREFIX[ds]
        facility = ds in FACILITY_DATASETS
        n = len(df)
        fr = df[f"{p}_reported"].fillna(0).astype(int).tolist() if facility else [None] * n
        fk = df[f"{p}_known"].fillna(0).astype(int).tolist() if facility else [None] * n
        est = (df["po_estimated"].fillna(0).astype(int).tolist() if ds == "police" and "po_estimated" in df.columns
               else [0] * n)  # releases made before estimates were marked lack the column
        texts = [
            completeness_text(ds, level, int(kr), int(kt), int(lr), int(lt), r, k, ref_of(cmax), cmin != cmax,
                              int(q), n_quarters, period, estimated=e, language=language)
            for kr, kt, lr, lt, r, k, cmax, cmin, q, e in zip(
                df[f"{ds}_kreise_reported"].fillna(0).tolist(), df["kreise_total"].fillna(0).tolist(),
                df[f"{ds}_laender_reported"].fillna(0).tolist(), df["laender_total"].fillna(0).tolist(), fr, fk,
                df[f"{p}_cap_max"].tolist(), df[f"{p}_cap_min"].tolist(), df[f"{ds}_quarters"].fillna(0).tolist(),
                est,
            )
        ]
        out[f"{ds}_completeness"] = texts
        if facility:
            out[f"{ds}_facilities_reported"] = df[f"{p}_reported"]
            out[f"{ds}_facilities_known"] = df[f"{p}_known"]
        for c in ("kreise_reported", "laender_reported", "quarters"):
            out[f"{ds}_{c}"] = df[f"{ds}_{c}"]
    out["kreise_total"] = df["kreise_total"]
    return out


TABLE_LEVELS = ("kreis", "land")


def indicators_table(con: duckdb.DuckDBPyConnection, level: str, period: Period | str, *, land: str | None = None,
                     variant: str = DEFAULT_VARIANT, language: str = "de") -> pd.DataFrame:
    """One row per Kreis (optionally of one Land) or per Land, with every indicator id as a column.

    Further columns: ``ags``, ``name``, ``land_ags``, population (``population_total``, ``population_female``,
    ``population_reference_date``, ``population_basis``), completeness per dataset (``<dataset>_completeness``
    text in ``language``, ``<dataset>_kreise_reported``, ``<dataset>_facilities_reported/_known`` …) and the
    target id per targeted indicator (``<indicator>__target``).
    """
    if level not in TABLE_LEVELS:
        raise ValueError(f"level must be one of {TABLE_LEVELS}, not {level!r}")
    period = _period(period)
    df = _run(con, [period], level=level, land=land, variant=variant)
    return table_from_frame(con, df, level, period, language)


def region_names(con: duckdb.DuckDBPyConnection, level: str) -> pd.DataFrame:
    """``ags``, ``name`` (the latest) and ``land_ags`` of every region of a level."""
    return con.execute(
        "SELECT ags, any_value(name ORDER BY valid_to DESC NULLS FIRST) AS name, any_value(land_ags) AS land_ags "
        "FROM regions WHERE level = ? GROUP BY ags", [level]
    ).df()


def table_from_frame(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, level: str, period: Period,
                     language: str = "de") -> pd.DataFrame:
    """The table of ``indicators_table`` from region rows of one period (computed here or read from a release)."""
    df = region_names(con, level).merge(df.drop(columns=["name", "land_ags"], errors="ignore"), on="ags",
                                        how="right")
    front = ["ags", "name", "land_ags", "population_total", "population_female", "population_reference_date",
             "population_basis"]
    flags = [c for c in df.columns if c.endswith("__flag")]
    out = pd.concat(
        [df[front], df[list(FORMULAS)], _completeness_columns(df, level, period, language),
         df[[f"{t}__target" for t in _TARGETED]], df[flags]],
        axis=1,
    )
    return out.reset_index(drop=True)


def time_series(con: duckdb.DuckDBPyConnection, ags: str, indicator_ids: list[str] | tuple[str, ...], *,
                first: Quarter | str | None = None, last: Quarter | str | None = None,
                variant: str = DEFAULT_VARIANT) -> pd.DataFrame:
    """Quarterly values of ``indicator_ids`` for one region: columns ``quarter``, ``label`` and the ids.

    For rates whose events indicator is not requested, a column ``<id>__events`` carries the count the
    rate rests on (for the privacy rule). Without ``first``/``last`` the range is every quarter with data.
    """
    ags = str(ags).strip()
    unknown = [i for i in indicator_ids if i not in CATALOGUE]
    if unknown:
        raise KeyError(f"unknown indicators: {', '.join(unknown)}")
    _region_row(con, ags)
    span = con.execute(
        "SELECT min(q), max(q) FROM (" + " UNION ALL ".join(
            f"SELECT min(quarter) AS q FROM {ds}_current UNION ALL SELECT max(quarter) FROM {ds}_current"
            for ds in DATASET_IDS) + ")"
    ).fetchone()
    first_q = Quarter.parse(str(first)) if first else (Quarter.parse(span[0]) if span[0] else None)
    last_q = Quarter.parse(str(last)) if last else (Quarter.parse(span[1]) if span[1] else None)
    events = {i: CATALOGUE[i].events for i in indicator_ids
              if CATALOGUE[i].events and CATALOGUE[i].events not in indicator_ids}
    columns = ["quarter", "label", *indicator_ids, *(f"{i}__events" for i in events)]
    if first_q is None or last_q is None or first_q > last_q:
        return pd.DataFrame(columns=columns)
    quarters = quarter_range(first_q, last_q)
    df = _run(con, [Period(str(q)) for q in quarters], variant=variant, **_scope(ags))
    return series_from_frame(df.rename(columns={"pkey": "quarter"}), indicator_ids)


def series_from_frame(df: pd.DataFrame, indicator_ids: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """The frame of ``time_series`` from quarterly rows of one region (column ``quarter``; flags kept)."""
    events = {i: CATALOGUE[i].events for i in indicator_ids
              if CATALOGUE[i].events and CATALOGUE[i].events not in indicator_ids}
    df = df.copy()
    for i, ev in events.items():
        df[f"{i}__events"] = df[ev]
    df["label"] = [Quarter.parse(q).label_de() for q in df["quarter"]]
    flags = [f"{i}__flag" for i in indicator_ids if f"{i}__flag" in df.columns]
    columns = ["quarter", "label", *indicator_ids, *(f"{i}__events" for i in events), *flags]
    return df[columns].sort_values("quarter").reset_index(drop=True)


def data_status(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the store holds: latest quarter per dataset, "Stand" (latest load), demo flag, batch counts."""
    latest = {}
    rows = {}
    for ds in DATASET_IDS:
        q, n = con.execute(f"SELECT max(quarter), count(*) FROM {ds}_current").fetchone()
        latest[ds] = q
        rows[ds] = n
    stand, is_demo, active, total = con.execute(
        "SELECT max(loaded_at) FILTER (WHERE status = 'active'), "
        "coalesce(bool_or(is_demo) FILTER (WHERE status = 'active' AND kind = 'data'), false), "
        "count(*) FILTER (WHERE status = 'active'), count(*) FROM batches"
    ).fetchone()
    known = [q for q in latest.values() if q]
    return {
        "latest_quarter": latest,
        "latest_quarter_overall": max(known) if known else None,
        "stand": stand,
        "stand_de": stand.strftime("%d.%m.%Y, %H:%M Uhr") if stand else None,
        "is_demo": bool(is_demo),
        "batches": int(active),
        "batches_total": int(total),
        "rows": rows,
    }


# --- the intervention chain ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainStep:
    """One step of the intervention chain, with the rate that links it to the step before."""

    id: str
    label_de: str
    label_en: str
    unit_de: str
    value: float | None
    events: float | None
    share_id: str | None  # catalogue id of the linking rate
    share_pct: float | None
    share_events: float | None
    completeness: Completeness | None
    beside: bool = False  # shown beside the chain (turn-aways), not as a step of it
    flag: str | None = None  # the release's mark of the value (privacy)
    share_flag: str | None = None  # and of the linking rate


_CHAIN = (
    ("police_callouts", None, False),
    ("police_eviction_orders", "police_eviction_rate_pct", False),
    ("police_referrals", "police_referral_rate_pct", False),
    ("counselling_police_referrals_reached", "counselling_reach_rate_pct", False),
    ("shelter_admissions_women", None, False),
    ("shelter_turn_aways", None, True),
)


def chain_from_report(report: RegionReport) -> list[ChainStep]:
    """The intervention chain from an already computed report (no further query)."""
    steps = []
    for ind_id, share_id, beside in _CHAIN:
        ind = CATALOGUE[ind_id]
        v = report.values[ind_id]
        share = report.values[share_id] if share_id else None
        steps.append(ChainStep(
            ind_id, ind.label_de, ind.label_en, ind.unit_de, v.value, v.events, share_id,
            share.value if share else None, share.events if share else None, v.completeness, beside,
            v.flag, share.flag if share else None,
        ))
    return steps


def intervention_chain(con: duckdb.DuckDBPyConnection, ags: str, period: Period | str, *,
                       variant: str = DEFAULT_VARIANT) -> list[ChainStep]:
    """Call-outs → eviction orders → referrals → reached by counselling → admissions; turn-aways beside."""
    return chain_from_report(indicators_for(con, ags, period, variant=variant))


def computed_ids() -> list[str]:
    """The ids this module computes (the catalogue test compares them with the catalogue)."""
    return list(FORMULAS)

