"""A small fixture database built in code, with figures known by hand.

``build_fixture_db(path)`` creates the store at ``path`` (schema plus the shipped regions, population and
targets) and inserts three active data batches directly into the tables of ``monitor.store``, plus one
undone batch and one superseded row that must never count. Quarters 2024-Q3 … 2025-Q2; values are the same
in every quarter unless said otherwise.

Who reported what
* Niedersachsen (03) reports all three datasets in all four quarters; only three of its 45 Kreise have
  police rows (03404, 03459, 03241), the others are missing for police but 0 for facilities.
* Bremen (04) reports shelters for 2025-Q2 only (one Frauenhaus in 04011; Bremerhaven 04012 has none → 0).
* Nordrhein-Westfalen (05) reports police for Dortmund 05913 only; no shelters, no counselling → missing.
* Bayern (09) and all other Länder report nothing → missing everywhere.

Shelters (places = women + children; the Männerschutzwohnung never counts)
* NI-FH-001 in 03404 Osnabrück Stadt: 10 + 14 = 24 places, occupancy 90 % women / 50 % children,
  admissions 12 women / 15 children, 30 turn-aways (25 for lack of space), 20 full days, 2 accessible.
* NI-SW-002 in 03459 Landkreis Osnabrück: 2 + 3 = 5 places, occupancy women 50 %, children not reported,
  2 admissions of women (a small count), 1 turn-away.
* NI-FH-003 in 03241 Region Hannover: 20 + 25 = 45 places, occupancy 95 % / 80 %, 25 / 30 admissions,
  60 turn-aways (50 no space), 30 full days, 5 accessible.
* NI-FH-004 in 03241: 8 + 10 = 18 places, 6 admissions of women; reports 2024-Q3 … 2025-Q1, NOT 2025-Q2.
* NI-MSW-005 in 03241: Männerschutzwohnung, 3 places for men (excluded from every shelter indicator).
* HB-FH-001 in 04011 Bremen: 30 + 40 = 70 places, occupancy 100 % / 110 % (over-occupied), 2025-Q2 only.
→ 2025-Q2: 03404 = 24, 03459 = 5, 03241 = 45 (2 of 3 facilities reported), NI = 74 (4 of 5),
  HB = 70, DE = 144 (2 of 16 Länder). 2025-Q1: 03241 = 63, NI = 92, HB missing.

Counselling (Niedersachsen)
* NI-FBS-01 in 03404 Frauenberatungsstelle: 120 persons, 40 police referrals of which 30 reached,
  3.5 FTE, 10 days waiting.
* NI-BISS-02 in 03404 Interventionsstelle: 60 persons, 50 referrals / 35 reached, 2.0 FTE, 3 days.
* NI-FSG-03 in 03241 Fachberatung sexualisierte Gewalt: 80 persons (80 sexual violence), 2.0 FTE, 20 days.
* NI-TA-04 in 03241 Täterarbeit: 25 persons (perpetrators; never in counselling_persons).
* NI-FBS-05 in 03459 Frauenberatungsstelle: 2 persons, 1 referral, reached not reported, 0.5 FTE.
→ per quarter NI: 2 counselling centres, 1 specialised centre, 262 persons, reach 65 of 90 = 72.2 %,
  waiting (10·120 + 3·60 + 20·80) / 260 = 11.46 days, 8.0 FTE, 25 perpetrator-programme persons.

Police (per quarter)
* 03404: 150 call-outs, 40 eviction orders, 60 referrals, 2 high-risk cases.
* 03459: 8 call-outs (fewer than 10 events), 2 eviction orders, 4 referrals.
* 03241: 900 call-outs, 250 eviction orders, referrals not reported, 12 high-risk cases.
* 05913 Dortmund: 700 call-outs, 180 eviction orders, 300 referrals, 9 high-risk cases.
→ NI: 1,058 call-outs, referral rate 64 / 158 = 40.5 % (03241 has no referral figure).

Never counted: an undone batch with a shelter row of 999 places in 03404 (2025-Q2), and a superseded
first version of NI-FH-001's 2025-Q2 row with 100 places for women.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from monitor import store
from monitor.datasets import COUNT, DATASETS, DECIMAL
from monitor.periods import Quarter

_DTYPES = {COUNT: "Int64", DECIMAL: "Float64"}

QUARTERS = ("2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2")
PERIOD = "2025-Q2"
# the day the tests run "on" (tests/conftest.py pins it for the session and every process it starts)
TODAY = date(2026, 11, 21)
LOADED_AT = datetime(2025, 7, 15, 9, 30)

# Known results for PERIOD, variant DE (see the module docstring)
KNOWN = {
    "03404": {"shelter_places": 24, "shelter_admissions_women": 12, "shelter_turn_aways": 30,
              "shelter_occupancy_women_pct": 90.0, "shelter_occupancy_children_pct": 50.0,
              "counselling_centres": 1, "counselling_persons": 180, "police_callouts": 150,
              "police_referral_rate_pct": 40.0},
    "03459": {"shelter_places": 5, "shelter_admissions_women": 2, "shelter_turn_aways": 1,
              "counselling_centres": 1, "counselling_persons": 2, "police_callouts": 8},
    "03241": {"shelter_places": 45, "counselling_centres": 0, "counselling_centres_sexual_violence": 1,
              "counselling_persons": 80, "perpetrator_programme_persons": 25, "police_callouts": 900},
    "03101": {"shelter_places": 0, "counselling_centres": 0, "police_callouts": None},
    "03": {"shelter_places": 74, "shelter_facilities": 3, "counselling_centres": 2, "counselling_persons": 262,
           "police_callouts": 1058},
    "04011": {"shelter_places": 70, "shelter_occupancy_children_pct": 110.0, "police_callouts": None},
    "04012": {"shelter_places": 0},
    "04": {"shelter_places": 70, "counselling_centres": None},
    "05913": {"shelter_places": None, "police_callouts": 700},
    "09162": {"shelter_places": None, "counselling_centres": None, "police_callouts": None},
    "09": {"shelter_places": None},
    "00": {"shelter_places": 144, "police_callouts": 1758},
}


def _shelter(q: Quarter, ags: str, facility: str, ftype: str, pw: int, pc: int, *, occ_w: float | None,
             occ_c: float | None, adm_w: int, adm_c: int, turn: int, space: int, full: int, acc: int) -> dict:
    return {
        "quarter": str(q), "ags": ags, "facility": facility, "facility_type": ftype,
        "places_women": pw, "places_children": pc,
        "occupied_days_women": None if occ_w is None else round(occ_w * q.days),
        "occupied_days_children": None if occ_c is None else round(occ_c * q.days),
        "admissions_women": adm_w, "admissions_children": adm_c, "turn_aways": turn,
        "turn_aways_no_space": space, "full_days": full, "accessible_places": acc,
    }


def shelter_rows() -> list[dict]:
    """The active shelter rows (first batch)."""
    rows = []
    for text in QUARTERS:
        q = Quarter.parse(text)
        rows.append(_shelter(q, "03404", "NI-FH-001", "Frauenhaus", 10, 14, occ_w=9, occ_c=7, adm_w=12, adm_c=15,
                             turn=30, space=25, full=20, acc=2))
        rows.append(_shelter(q, "03459", "NI-SW-002", "Schutzwohnung", 2, 3, occ_w=1, occ_c=None, adm_w=2,
                             adm_c=2, turn=1, space=1, full=0, acc=0))
        rows.append(_shelter(q, "03241", "NI-FH-003", "Frauenhaus", 20, 25, occ_w=19, occ_c=20, adm_w=25,
                             adm_c=30, turn=60, space=50, full=30, acc=5))
        if text != "2025-Q2":
            rows.append(_shelter(q, "03241", "NI-FH-004", "Frauenhaus", 8, 10, occ_w=8, occ_c=5, adm_w=6,
                                 adm_c=8, turn=10, space=10, full=10, acc=1))
        rows.append(_shelter(q, "03241", "NI-MSW-005", "Männerschutzwohnung", 3, 0, occ_w=2, occ_c=None,
                             adm_w=1, adm_c=0, turn=4, space=4, full=5, acc=0))
        if text == "2025-Q2":
            rows.append(_shelter(q, "04011", "HB-FH-001", "Frauenhaus", 30, 40, occ_w=30, occ_c=44, adm_w=20,
                                 adm_c=25, turn=40, space=30, full=45, acc=4))
    return rows


def _counselling(quarter: str, ags: str, facility: str, stype: str, persons: int, new: int, forms: tuple,
                 ref: int | None, reached: int | None, staff: float, wait: float | None) -> dict:
    dom, sex, stalk, dig, other = forms
    return {
        "quarter": quarter, "ags": ags, "facility": facility, "service_type": stype,
        "persons_counselled": persons, "persons_new": new, "domestic_violence": dom, "sexual_violence": sex,
        "stalking": stalk, "digital_violence": dig, "other_violence": other, "police_referrals": ref,
        "police_referrals_reached": reached, "staff_fte": staff, "waiting_days": wait,
    }


def counselling_rows() -> list[dict]:
    rows = []
    for q in QUARTERS:
        rows += [
            _counselling(q, "03404", "NI-FBS-01", "Frauenberatungsstelle", 120, 40, (70, 25, 15, 8, 10), 40, 30,
                         3.5, 10),
            _counselling(q, "03404", "NI-BISS-02", "Interventionsstelle", 60, 50, (60, 0, 5, 2, 0), 50, 35, 2.0, 3),
            _counselling(q, "03241", "NI-FSG-03", "Fachberatung sexualisierte Gewalt", 80, 20, (10, 80, 0, 5, 0),
                         0, 0, 2.0, 20),
            _counselling(q, "03241", "NI-TA-04", "Täterarbeit", 25, 10, (25, 0, 0, 0, 0), 5, 4, 1.0, 30),
            _counselling(q, "03459", "NI-FBS-05", "Frauenberatungsstelle", 2, 1, (2, 0, 0, 0, 0), 1, None, 0.5,
                         None),
        ]
    return rows


def police_rows() -> list[dict]:
    rows = []
    for q in QUARTERS:
        for ags, callouts, vf, vm, evict, ref, hr in (
            ("03404", 150, 120, 30, 40, 60, 2),
            ("03459", 8, 6, 2, 2, 4, 0),
            ("03241", 900, 700, 200, 250, None, 12),
            ("05913", 700, 560, 140, 180, 300, 9),
        ):
            rows.append({"quarter": q, "ags": ags, "callouts": callouts, "victims_female": vf, "victims_male": vm,
                         "eviction_orders": evict, "referrals": ref, "high_risk_cases": hr})
    return rows


def insert_batch(con, dataset: str, rows: list[dict], *, status: str = "active", is_demo: bool = False,
                 file_name: str | None = None, loaded_at: datetime = LOADED_AT) -> int:
    """Insert one data batch with its rows directly into the store tables; returns the batch id."""
    ds = DATASETS[dataset]
    batch_id = con.execute("SELECT nextval('batch_seq')").fetchone()[0]
    name = file_name or f"fixture_{dataset}.xlsx"
    con.execute(
        """INSERT INTO batches (batch_id, kind, dataset, file_name, sha256, sheet, rows, quarters, regions,
                                user_name, loaded_at, status, replaced_rows, is_demo)
           VALUES (?, 'data', ?, ?, ?, ?, ?, ?, ?, 'fixture', ?, ?, 0, ?)""",
        [batch_id, dataset, name, hashlib.sha256(f"{name}{batch_id}".encode()).hexdigest(), ds.label_de,
         len(rows), sorted({r["quarter"] for r in rows}), sorted({r["ags"] for r in rows}), loaded_at, status,
         is_demo],
    )
    fields = ds.fields
    unknown = {k for r in rows for k in r} - set(fields)
    if unknown:
        raise KeyError(f"not fields of {dataset}: {sorted(unknown)}")
    frame = pd.DataFrame({f: pd.Series([r.get(f) for r in rows], dtype=_DTYPES.get(ds.column(f).kind, "object"))
                          for f in fields})
    frame["source_row"] = range(2, len(rows) + 2)
    cols = ", ".join(fields)
    con.register("fixture_incoming", frame)
    try:
        # a registered frame, not executemany: fast enough for the larger data sets other tests build
        con.execute(
            f"INSERT INTO {ds.table} (batch_id, source_sheet, source_row, {cols}) "
            f"SELECT ?, ?, source_row, {cols} FROM fixture_incoming",
            [batch_id, ds.label_de],
        )
    finally:
        con.unregister("fixture_incoming")
    return batch_id


def build_fixture_db(path: Path | str, *, demo: bool = False) -> Path:
    """Create the fixture store at ``path`` (figures in the module docstring and ``KNOWN``); returns the path."""
    path = Path(path)
    with store.connect(path, write=True) as con:
        sh = shelter_rows()
        first = [dict(r, places_women=100) if (r["facility"], r["quarter"]) == ("NI-FH-001", "2025-Q2") else r
                 for r in sh]
        b1 = insert_batch(con, "shelters", first, is_demo=demo)
        correction = [r for r in sh if (r["facility"], r["quarter"]) == ("NI-FH-001", "2025-Q2")]
        b2 = insert_batch(con, "shelters", correction, is_demo=demo, file_name="korrektur_schutz.xlsx",
                          loaded_at=LOADED_AT.replace(hour=10))
        con.execute(
            "UPDATE shelters SET superseded_by = ? WHERE batch_id = ? AND facility = 'NI-FH-001' "
            "AND quarter = '2025-Q2'", [b2, b1],
        )
        insert_batch(con, "counselling", counselling_rows(), is_demo=demo)
        insert_batch(con, "police", police_rows(), is_demo=demo)
        undone = _shelter(Quarter.parse("2025-Q2"), "03404", "NI-FH-099", "Frauenhaus", 500, 499, occ_w=None,
                          occ_c=None, adm_w=99, adm_c=99, turn=99, space=99, full=9, acc=9)
        insert_batch(con, "shelters", [undone], status="undone", is_demo=demo, file_name="falsch.xlsx",
                     loaded_at=LOADED_AT.replace(hour=11))
    return path
