"""Synthetic demo data for all Kreise, loaded through the same pipeline as real files.

``generate_demo`` draws deterministic data (numpy's default_rng with a fixed seed) calibrated to the
figures in DOMAIN.md: about 7,800 shelter places in Germany in the latest quarter with about 90 Kreise
without a shelter and the Land totals of Bayern, Niedersachsen and Bremen; counselling centres in
proportion to the female population; about 260,000 victims of domestic violence a year in the police
figures, with seasonality and a slow upward trend. A few Kreise of one Land do not report one quarter
(no report is not zero), and small Kreise give counts below 3 (suppression in public mode).

Territorial changes are followed: the data are drawn for pieces of territory that do not change in the demo
period (Hanau and the rest of the Main-Kinzig-Kreis, Eisenach and the rest of the Wartburgkreis) and reported
for the Kreis each piece belonged to in the quarter. So Hanau (06415) reports from 2026-Q1, the Main-Kinzig-Kreis
is smaller from then, and its shelters and counselling centres in Hanau carry the key 06415 from then on.

``build_demo`` writes the data as real workbooks through ``etl.template.write_workbook`` (one per dataset
and year), checks each with ``etl.validate.check_file`` and loads it with ``etl.loader.load_reports`` as a
demo batch (``is_demo``), so every screen can say "Demodaten".
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from monitor import config, store
from monitor.datasets import COUNSELLING, POLICE, SHELTERS
from monitor.periods import Quarter, latest_complete_quarter, quarter_range
from monitor.regions import RegionIndex

SEED = 20250201  # the Gewalthilfegesetz came into force in February 2025
DEMO_USER = "demo"

LAND_CODES = {
    "01": "SH", "02": "HH", "03": "NI", "04": "HB", "05": "NW", "06": "HE", "07": "RP", "08": "BW",
    "09": "BY", "10": "SL", "11": "BE", "12": "BB", "13": "MV", "14": "SN", "15": "ST", "16": "TH",
}
# Shelter places (women + children) reported for Länder in Nov 2024 (DOMAIN.md, check figures).
KNOWN_LAND_PLACES = {"09": 896, "03": 1321, "04": 145}
GERMANY_PLACES = 7786  # federal government, 2024
KREISE_WITHOUT_SHELTER = 90
ANNUAL_VICTIMS_2024 = 262_000  # BKA Lagebild: 256,276 (2023), 265,942 (2024)
VICTIM_TREND = 0.025  # per year
SEASON = {1: 0.97, 2: 1.00, 3: 1.05, 4: 0.98}  # summer and the turn of the year weigh more
MISSING_LAND = "15"  # Sachsen-Anhalt: a few Kreise do not report one quarter
MISSING_KREISE = 4
# Share of a Kreis's population in a piece of territory that changed Kreis, where the change table does not say
# (Hanau has about 100,000 of the Main-Kinzig-Kreis's 420,000 inhabitants, Eisenach had about 42,000 of 165,000).
DEMO_TERRITORY_SHARE = 0.25

SHELTER_CODE = {"Frauenhaus": "FH", "Schutzwohnung": "SW", "Männerschutzwohnung": "MSW"}
COUNSELLING_CODE = {"Frauenberatungsstelle": "FBS", "Interventionsstelle": "IST",
                    "Fachberatung sexualisierte Gewalt": "FSG", "Täterarbeit": "TA"}
# share of persons counselled per form of violence, by service type (more than one form possible)
FORMS = {
    "Frauenberatungsstelle": (0.60, 0.20, 0.12, 0.10, 0.10),
    "Interventionsstelle": (0.95, 0.08, 0.20, 0.08, 0.03),
    "Fachberatung sexualisierte Gewalt": (0.25, 0.85, 0.08, 0.15, 0.05),
    "Täterarbeit": (0.90, 0.05, 0.05, 0.02, 0.10),
}
FORM_FIELDS = ("domestic_violence", "sexual_violence", "stalking", "digital_violence", "other_violence")
# persons counselled per FTE and quarter, FTE range, mean waiting days
SERVICE_PROFILE = {
    "Frauenberatungsstelle": (28, (1.5, 5.0), 14.0),
    "Interventionsstelle": (0, (1.0, 3.0), 3.0),
    "Fachberatung sexualisierte Gewalt": (20, (1.0, 3.0), 21.0),
    "Täterarbeit": (15, (0.5, 2.0), 30.0),
}


def demo_quarters(today: date, first: str | None = None) -> list[Quarter]:
    """The demo's quarters: ``first`` (default: the first demo quarter) up to the latest complete quarter."""
    return quarter_range(Quarter.parse(first or config.FIRST_DEMO_QUARTER), latest_complete_quarter(today))


def missing_quarter(today: date) -> Quarter:
    """The quarter the Kreise in MISSING_LAND leave out (two before the latest, so the latest stays complete)."""
    return latest_complete_quarter(today).previous().previous()


def generate_demo(regions: RegionIndex, population: pd.DataFrame, today: date, *, seed: int = SEED,
                  first_quarter: str | None = None) -> dict[str, pd.DataFrame]:
    """The demo rows per dataset id, as frames with the dataset's fields; deterministic for a seed.

    ``population`` has the columns ags, total, female (Kreise). Rows exist only for quarters in which the
    region is valid. ``first_quarter`` shortens the period (the tests use it to build quickly).
    """
    rng = np.random.default_rng(seed)
    quarters = demo_quarters(today, first_quarter)
    kreise = _kreise_frame(regions, population, today, quarters)
    police = _police(rng, kreise, quarters)
    shelters = _shelters(rng, kreise, quarters)
    counselling = _counselling(rng, kreise, quarters, police)
    frames = {"shelters": _reported_in(shelters, regions, quarters),
              "counselling": _reported_in(counselling, regions, quarters),
              "police": _sum_police(_reported_in(police, regions, quarters))}
    skip = _missing_reports(rng, kreise, today)
    valid = {(r.ags, str(q)) for r in regions.kreise() for q in quarters if r.overlaps(q.start, q.end)}
    out = {}
    for ds_id, frame in frames.items():
        keys = list(zip(frame["ags"], frame["quarter"]))
        keep = np.array([k in valid and k not in skip for k in keys], dtype=bool)
        order = ["quarter", "ags", "facility"] if "facility" in frame.columns else ["quarter", "ags"]
        out[ds_id] = frame[keep].sort_values(order, kind="stable").reset_index(drop=True)
    return out


def _kreise_frame(regions: RegionIndex, population: pd.DataFrame, today: date,
                  quarters: list[Quarter] | None = None) -> pd.DataFrame:
    """One row per piece of territory: the Kreise valid in the demo period, each with its population.

    A Kreis that is new or gone within the period (Hanau, Eisenach) has no figure in the population in force;
    it gets its share of the Kreis it split from or merged into, which keeps the rest.
    """
    start = quarters[0].start if quarters else today
    kreise = [r for r in regions.kreise() if r.overlaps(start, today)]
    frame = pd.DataFrame({
        "ags": [r.ags for r in kreise],
        "land": [r.land_ags for r in kreise],
        "region_type": [r.region_type for r in kreise],
    })
    pop = population.set_index("ags")
    frame["total"] = frame["ags"].map(pop["total"]).astype("float64")
    frame["female"] = frame["ags"].map(pop["female"]).astype("float64")
    frame = frame.set_index("ags")
    for change in regions.changes:
        piece = change.to_ags if change.kind == "split" else change.from_ags
        whole = change.from_ags if change.kind == "split" else change.to_ags
        if piece in frame.index and whole in frame.index and np.isnan(frame.at[piece, "total"]):
            share = change.population_share if change.kind == "split" and change.population_share else \
                DEMO_TERRITORY_SHARE
            for col in ("total", "female"):
                frame.at[piece, col] = round(frame.at[whole, col] * share)
                frame.at[whole, col] -= frame.at[piece, col]
    frame = frame.reset_index()
    # a Kreis still without population figures (e.g. new after a reform not in the table) gets the median
    frame["total"] = frame["total"].fillna(frame["total"].median())
    frame["female"] = frame["female"].fillna(frame["total"] * 0.507)
    frame["rural"] = frame["region_type"].isin(["Landkreis", "Kreis"])
    return frame.sort_values("ags").reset_index(drop=True)


def _reported_in(frame: pd.DataFrame, regions: RegionIndex, quarters: list[Quarter]) -> pd.DataFrame:
    """The rows of each piece of territory under the Kreis it belonged to in the quarter: Hanau's rows under
    the Main-Kinzig-Kreis before 2026, Eisenach's under the Wartburgkreis from 2021-Q3."""
    moves: dict[tuple[str, str], str] = {}
    for change in regions.changes:
        piece = change.to_ags if change.kind == "split" else change.from_ags
        for q in quarters:
            if change.kind == "split" and q.end < change.change_date:
                moves[(piece, str(q))] = change.from_ags
            elif change.kind == "merged" and q.start >= change.change_date:
                moves[(piece, str(q))] = change.to_ags
    if not moves:
        return frame
    keys = list(zip(frame["ags"], frame["quarter"]))
    return frame.assign(ags=[moves.get(k, k[0]) for k in keys])


def _sum_police(police: pd.DataFrame) -> pd.DataFrame:
    """Police figures of the pieces of one Kreis added up (the Main-Kinzig-Kreis with Hanau before 2026)."""
    if not police.duplicated(["quarter", "ags"]).any():
        return police
    return police.groupby(["quarter", "ags"], as_index=False, sort=False).sum()[list(POLICE.fields)]


def _land_coverage(rng: np.random.Generator, kreise: pd.DataFrame) -> pd.Series:
    """Shelter places per Land in the latest quarter: the known figures, the rest scaled to the German total."""
    need = kreise.groupby("land")["total"].sum() / 10_000 * 2.5
    places = need * np.clip(0.35 * rng.lognormal(0.0, 0.25, len(need)), 0.2, 0.6)
    known = {land: v for land, v in KNOWN_LAND_PLACES.items() if land in places.index}
    others = [land for land in places.index if land not in known]
    places[others] *= (GERMANY_PLACES - sum(known.values())) / places[others].sum()
    for land, v in known.items():
        places[land] = v
    return places


def _shelters(rng: np.random.Generator, kreise: pd.DataFrame, quarters: list[Quarter]) -> pd.DataFrame:
    land_places = _land_coverage(rng, kreise)
    coverage = land_places / (kreise.groupby("land")["total"].sum() / 10_000 * 2.5)
    # the Kreise without a shelter: mostly small rural Landkreise, more where the Land's coverage is low
    rural = kreise.index[kreise["rural"]].to_numpy()
    weight = (1e5 / kreise.loc[rural, "total"].to_numpy()) ** 1.5 / kreise.loc[rural, "land"].map(coverage).to_numpy()
    n_without = min(KREISE_WITHOUT_SHELTER, len(rural))
    without = set(rng.choice(rural, size=n_without, replace=False, p=weight / weight.sum()))
    facilities = []
    counters: dict[tuple[str, str], int] = {}
    for land, group in kreise.groupby("land"):
        served = group[~group.index.isin(without)]
        if served.empty:
            served = group
        share = served["total"].to_numpy() * rng.lognormal(0.0, 0.35, len(served))
        kreis_places = np.maximum(_integer_split(land_places[land], share / share.sum()), 4)
        for (_, k), places in zip(served.iterrows(), kreis_places):
            sizes = []
            if places > 14 and rng.random() < 0.15:
                flat = int(rng.integers(4, 9))
                sizes.append(("Schutzwohnung", flat))
                places -= flat
            n = max(1, round(places / 22))
            sizes += [("Frauenhaus", int(s)) for s in _integer_split(places, rng.dirichlet([6.0] * n)) if s > 0]
            for kind, facility_places in sizes:
                facilities.append(_facility(rng, counters, k["ags"], land, kind, facility_places))
    # a few men's protection flats in the large Länder, on top of the places for women
    served_big = kreise.loc[kreise["land"].isin(["05", "08", "09", "14"]) & ~kreise.index.isin(without), "ags"]
    for ags in rng.choice(served_big.to_numpy(), 8, replace=False):
        facilities.append(_facility(rng, counters, ags, ags[:2], "Männerschutzwohnung", int(rng.integers(2, 5))))
    fac = pd.DataFrame(facilities)
    nq = len(quarters)
    # growth: some facilities open during the period, some add places
    opens = np.where(rng.random(len(fac)) < 0.10, rng.integers(1, max(nq - 2, 2), len(fac)), 0)
    grows_at = np.where(rng.random(len(fac)) < 0.15, rng.integers(1, max(nq - 1, 2), len(fac)), -1)
    growth = rng.integers(1, 5, len(fac))
    df = _facility_quarters(fac, quarters, opens)
    qi = df["qi"].to_numpy()
    smaller = np.where(qi < grows_at[df["fi"].to_numpy()], growth[df["fi"].to_numpy()], 0)
    total = np.maximum(df["places"].to_numpy() - smaller, 2)
    women = np.maximum(1, np.round(total / (1 + df["child_ratio"].to_numpy()))).astype(np.int64)
    df["places_women"] = women
    df["places_children"] = total - women
    df["coverage"] = df["ags"].str[:2].map(coverage)
    n = len(df)
    occ_w = np.clip(df["occupancy"].to_numpy() + rng.normal(0, 0.06, n), 0.45, 1.12)
    occ_c = np.clip(occ_w - 0.12 + rng.normal(0, 0.08, n), 0.2, 1.05)
    days = df["days"].to_numpy()
    pw, pc = df["places_women"].to_numpy(), df["places_children"].to_numpy()
    df["occupied_days_women"] = np.round(occ_w * pw * days).astype(np.int64)
    df["occupied_days_children"] = np.round(occ_c * pc * days).astype(np.int64)
    df["admissions_women"] = rng.poisson(pw * occ_w * days / 75)
    df["admissions_children"] = rng.poisson(df["admissions_women"].to_numpy() * 1.1)
    pressure = (0.37 / df["coverage"].to_numpy()) ** 0.8
    df["turn_aways"] = rng.poisson(pw * 1.2 * pressure)
    df["turn_aways_no_space"] = rng.binomial(df["turn_aways"].to_numpy(), 0.7)
    full = np.clip((occ_w - 0.8) / 0.3, 0, 1) * rng.uniform(0.5, 1.0, n) * days
    df["full_days"] = pd.array(np.minimum(np.round(full), days).astype(np.int64), dtype="Int64")
    df.loc[rng.random(n) < 0.03, "full_days"] = pd.NA  # not every shelter records it
    df["accessible_places"] = np.minimum(df["accessible"].to_numpy(), pw + pc)
    return df[list(SHELTERS.fields)]


def _facility_quarters(fac: pd.DataFrame, quarters: list[Quarter], opens: np.ndarray) -> pd.DataFrame:
    """One row per facility and quarter from its opening quarter on; ``fi``/``qi`` index facility and quarter."""
    nf, nq = len(fac), len(quarters)
    fi = np.repeat(np.arange(nf), nq)
    qi = np.tile(np.arange(nq), nf)
    keep = qi >= opens[fi]
    fi, qi = fi[keep], qi[keep]
    df = fac.iloc[fi].reset_index(drop=True)
    df["fi"], df["qi"] = fi, qi
    df["quarter"] = np.array([str(q) for q in quarters], dtype=object)[qi]
    df["days"] = np.array([q.days for q in quarters])[qi]
    return df


def _facility(rng, counters, ags: str, land: str, kind: str, places: int) -> dict:
    code = SHELTER_CODE[kind]
    counters[(land, code)] = counters.get((land, code), 0) + 1
    return {
        "ags": ags,
        "facility": f"{LAND_CODES[land]}-{code}-{counters[(land, code)]:03d}",
        "facility_type": kind,
        "places": max(int(places), 2),
        "child_ratio": 0.0 if kind == "Männerschutzwohnung" else float(rng.uniform(1.0, 1.3)),
        "occupancy": float(rng.normal(0.86, 0.06)),
        "accessible": int(rng.integers(1, 3)) if rng.random() < 0.25 else 0,
    }


def _integer_split(total: float, shares: np.ndarray) -> np.ndarray:
    """Whole numbers in proportion to ``shares`` that add up to round(total) (largest remainder)."""
    raw = np.asarray(shares, dtype=float) * round(total)
    out = np.floor(raw).astype(np.int64)
    rest = int(round(total)) - int(out.sum())
    if rest > 0:
        out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


def _police(rng: np.random.Generator, kreise: pd.DataFrame, quarters: list[Quarter]) -> pd.DataFrame:
    city_state = kreise["region_type"].eq("Stadtstaat").to_numpy()
    urban = ~kreise["rural"].to_numpy()
    weight = kreise["total"].to_numpy() * np.where(city_state, 1.3, np.where(urban, 1.1, 1.0))
    weight *= rng.lognormal(0.0, 0.15, len(kreise))
    annual = ANNUAL_VICTIMS_2024 * weight / weight.sum()
    lands = sorted(kreise["land"].unique())
    eviction = dict(zip(lands, rng.uniform(0.25, 0.35, len(lands))))
    referral = dict(zip(lands, rng.uniform(0.40, 0.60, len(lands))))
    high_risk = dict(zip(lands, rng.uniform(0.01, 0.02, len(lands))))
    frames = []
    for q in quarters:
        years = q.year + (q.q - 1) / 4 + 0.125 - 2024.5
        mean = annual / 4 * SEASON[q.q] * (1 + VICTIM_TREND) ** years
        victims = rng.poisson(mean * rng.normal(1.0, 0.03, len(kreise)).clip(0.9, 1.1))
        female = rng.binomial(victims, 0.79)
        callouts = np.round(victims * rng.uniform(0.85, 1.0, len(kreise))).astype(np.int64)
        land = kreise["land"].to_numpy()
        frames.append(pd.DataFrame({
            "quarter": str(q),
            "ags": kreise["ags"].to_numpy(),
            "callouts": callouts,
            "victims_female": female,
            "victims_male": victims - female,
            "eviction_orders": rng.binomial(callouts, [eviction[x] for x in land]),
            "referrals": rng.binomial(callouts, [referral[x] for x in land]),
            "high_risk_cases": rng.binomial(callouts, [high_risk[x] for x in land]),
        }))
    return pd.concat(frames, ignore_index=True)[list(POLICE.fields)]


def _counselling(rng: np.random.Generator, kreise: pd.DataFrame, quarters: list[Quarter],
                 police: pd.DataFrame) -> pd.DataFrame:
    counters: dict[tuple[str, str], int] = {}
    facilities = []

    def add(k, kind: str, n: int) -> None:
        code = COUNSELLING_CODE[kind]
        per_fte, (lo, hi), wait = SERVICE_PROFILE[kind]
        for _ in range(n):
            counters[(k.land, code)] = counters.get((k.land, code), 0) + 1
            facilities.append({
                "ags": k.ags, "service_type": kind,
                "facility": f"{LAND_CODES[k.land]}-{code}-{counters[(k.land, code)]:03d}",
                "fte": round(float(rng.uniform(lo, hi)) * 4) / 4, "per_fte": per_fte, "wait": wait,
            })

    for k in kreise.itertuples(index=False):
        fewer = 0.5 if rng.random() < 0.15 else 1.0
        add(k, "Frauenberatungsstelle", _stochastic_round(rng, k.female / rng.uniform(60_000, 90_000) * fewer))
        add(k, "Interventionsstelle", int(rng.random() < 0.55) + int(k.female > 500_000))
        add(k, "Fachberatung sexualisierte Gewalt", _stochastic_round(rng, k.female / 300_000))
        add(k, "Täterarbeit", _stochastic_round(rng, k.total / 1_000_000))
    fac = pd.DataFrame(facilities)
    opens = np.where(rng.random(len(fac)) < 0.05, rng.integers(1, max(len(quarters) - 2, 2), len(fac)), 0)
    # police referrals of a Kreis go to its Interventionsstellen, else to its Frauenberatungsstellen
    target_type = {}
    for ags, group in fac.groupby("ags"):
        types = set(group["service_type"])
        target_type[ags] = ("Interventionsstelle" if "Interventionsstelle" in types
                            else "Frauenberatungsstelle" if "Frauenberatungsstelle" in types else None)
    receives = (fac["service_type"] == fac["ags"].map(target_type)).to_numpy()
    receivers = fac[receives].groupby("ags").size()
    df = _facility_quarters(fac, quarters, opens)
    df = df.merge(police[["ags", "quarter", "referrals"]], on=["ags", "quarter"], how="left")
    share = np.where(receives[df["fi"].to_numpy()], 1 / df["ags"].map(receivers).fillna(1).to_numpy(), 0.0)
    df["police_referrals"] = rng.binomial(df["referrals"].fillna(0).to_numpy().astype(np.int64), share)
    n = len(df)
    reached = rng.binomial(df["police_referrals"].to_numpy(), rng.uniform(0.6, 0.8, n))
    fte = np.round(df["fte"].to_numpy() * rng.uniform(0.95, 1.05, n) * 4) / 4
    persons = rng.poisson(np.maximum(fte * df["per_fte"].to_numpy(), 1.0)) + reached
    df["persons_counselled"] = persons
    df["persons_new"] = rng.binomial(persons, 0.55)
    shares = np.array([FORMS[t] for t in df["service_type"]])
    for j, field in enumerate(FORM_FIELDS):
        df[field] = rng.binomial(persons, shares[:, j])
    df["police_referrals_reached"] = reached
    df["staff_fte"] = fte
    df["waiting_days"] = np.round(rng.gamma(4.0, df["wait"].to_numpy() / 4.0), 1)
    return df[list(COUNSELLING.fields)]


def _stochastic_round(rng: np.random.Generator, x: float) -> int:
    base = int(np.floor(x))
    return base + int(rng.random() < x - base)


def _missing_reports(rng: np.random.Generator, kreise: pd.DataFrame, today: date) -> set[tuple[str, str]]:
    """(AGS, quarter) pairs left out of every dataset: a few Kreise of one Land miss one quarter."""
    candidates = kreise.loc[kreise["land"] == MISSING_LAND, "ags"].to_numpy()
    if len(candidates) == 0:
        return set()
    chosen = rng.choice(candidates, size=min(MISSING_KREISE, len(candidates)), replace=False)
    return {(str(a), str(missing_quarter(today))) for a in chosen}


# --- building the demo database --------------------------------------------------------------------------------

def build_demo(db_path: Path | str | None = None, *, today: date | None = None, workdir: Path | str | None = None,
               seed: int = SEED, first_quarter: str | None = None) -> dict:
    """Generate the demo data, write it as workbooks, check and load them as demo batches; returns counts.

    The workbooks go to ``workdir`` (kept) or a temporary directory (removed). A database that already
    holds data batches is left alone (status ``unchanged`` when they are demo data, else ``rejected``).
    """
    from .loader import load_reports
    from .template import write_workbook
    from .validate import check_file

    started = time.perf_counter()
    today = today or config.today()
    with store.connect(db_path, write=True) as con:
        existing = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT is_demo) FROM batches "
            "WHERE kind = 'data' AND status = 'active'"
        ).fetchone()
        if existing[0]:
            real = existing[1] > 0
            return {
                "status": "rejected" if real else "unchanged",
                "message": ("Die Datenbank enthält echte Daten; Demodaten werden nur in eine leere Datenbank geladen "
                            "(z. B. IK_MONITOR_DB=demo.duckdb)." if real else
                            "Die Demodaten sind bereits geladen. Neu erzeugen: Datenbank löschen und "
                            "„python -m etl demo“ erneut ausführen (make demo)."),
                "errors": [],
            }
        regions = RegionIndex.from_db(con)
        population = con.execute(
            "SELECT ags, total, female FROM population WHERE batch_id IS NULL AND length(ags) = 5"
        ).df()
    frames = generate_demo(regions, population, today, seed=seed, first_quarter=first_quarter)

    with tempfile.TemporaryDirectory(prefix="ik-demo-") as tmp:
        folder = Path(workdir) if workdir else Path(tmp)
        jobs = [
            (ds_id, part, folder / f"demo_{ds_id}_{year}.xlsx")
            for ds_id, frame in frames.items()
            for year, part in frame.groupby(frame["quarter"].str[:4], sort=True)
        ]
        files = [(ds_id, write_workbook(ds_id, part, path, regions=regions, today=today))
                 for ds_id, part, path in jobs]
        written = time.perf_counter()
        batch_ids = []
        for ds_id, path in files:
            reports = check_file(path, dataset=ds_id, regions=regions, today=today)
            errors = [p for r in reports for p in r.errors]
            if errors:
                examples = " | ".join(p.message for p in errors[:5])
                raise RuntimeError(f"Demodatei {path.name} hat Fehler, z. B.: {examples}")
            with store.connect(db_path, write=True) as con:
                outcome = load_reports(con, reports, user=DEMO_USER, is_demo=True)
            if not outcome.ok:
                raise RuntimeError(f"Demodatei {path.name} wurde nicht geladen: {outcome.as_json()}")
            batch_ids += outcome.batch_ids
    seconds = time.perf_counter() - started
    counts = {ds_id: len(frame) for ds_id, frame in frames.items()}
    quarters = sorted({q for frame in frames.values() for q in frame["quarter"].unique()})
    rows = f"{sum(counts.values()):,}".replace(",", ".")
    return {
        "status": "loaded",
        "message": f"Demodaten geladen: {rows} Zeilen in {len(files)} Dateien ({quarters[0]} bis {quarters[-1]}), "
                   f"{seconds:.0f} s.",
        **counts,
        "files": len(files),
        "batch_ids": batch_ids,
        "first_quarter": quarters[0],
        "last_quarter": quarters[-1],
        "seconds": round(seconds, 1),
        "seconds_writing": round(written - started, 1),
        "errors": [],
    }

