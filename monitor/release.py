"""Releases (Veröffentlichungen): the one way figures become public.

A release computes every indicator for every region (Kreise, Länder, Germany) and every published period
(quarters, complete years) from the working store, decides disclosure control over all of it at once
(``monitor.disclosure``), rounds every value as it is displayed and writes an immutable, read-only DuckDB file
``release-0003.duckdb`` with its number, date, author, note and what changed since the previous release.
``LATEST`` in the same folder names the newest one; it is replaced atomically, so a reader sees the old or
the new release, never half of one. Public pages, downloads, images, reports and ``--public`` read only
releases (``monitor.figures.ReleaseFigures``); loads and undos change nothing public until the next release.

What a release hides (every rule at once, over the linked tables):

* counts 1 … ``MIN_COUNT − 1`` ("< 3") and, so that no sum, difference or combination of quarter, year, Kreis,
  Land and Germany gives one back, complementary counts ("•", or "< 3" for a 0);
* rates resting on fewer than ``MIN_RATE_EVENTS`` events ("–"), and the count of their events too, so that
  the rate cannot be recomputed from the count and the population; every rate resting on a hidden count;
* counts hidden in an earlier release stay hidden, and counts an earlier release showed are treated as known
  (``docs/privacy.md`` says what that does and does not guarantee).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from . import config, disclosure, fmt, indicators, privacy, store
from .catalogue import CATALOGUE
from .i18n import N_, Failure, translate
from .periods import Period, Quarter, quarter_range

RELEASES_ENV = "IK_MONITOR_RELEASES"
LATEST = "LATEST"
SMALL, PROTECTED, WITHHELD = privacy.SMALL, privacy.PROTECTED, privacy.WITHHELD_FLAG  # marks "< 3", "•", "–"
COUNT_IDS = tuple(i.id for i in CATALOGUE.values() if i.count_like)
RATE_IDS = tuple(i.id for i in CATALOGUE.values() if i.events)
HIDEABLE = COUNT_IDS + RATE_IDS
LEVELS = ("kreis", "land", "bund")
VARIANTS = indicators.VARIANTS

# The columns a release keeps of the computed region frame: nothing else leaves the working store (the raw
# sums behind rates, for instance, would give hidden counts away).
_COMPLETENESS = [c for ds in indicators.DATASET_IDS for c in (
    f"{ds}_kreise_reported", f"{ds}_laender_reported", f"{ds}_quarters",
    f"{indicators._PREFIX[ds]}_cap_max", f"{indicators._PREFIX[ds]}_cap_min",
    *((f"{indicators._PREFIX[ds]}_reported", f"{indicators._PREFIX[ds]}_known")
      if ds in indicators.FACILITY_DATASETS else ()),
)] + ["kreise_total", "laender_total", "po_estimated"]  # po_estimated: police rows apportioned from districts
_POPULATION = ["population_total", "population_female", "population_reference_date", "population_basis",
               "population_source", "population_vintages", "population_territory_from", "population_territory_to"]
_TARGETS = [f"{t}__target" for t in indicators._TARGETED]
_VALUES = list(indicators.FORMULAS)


def releases_dir() -> Path:
    """Where releases live: ``IK_MONITOR_RELEASES``, else ``<store>-releases/`` beside the working store."""
    wanted = os.environ.get(RELEASES_ENV)
    if wanted:
        return Path(wanted)
    db = config.db_path()
    return db.with_name(f"{db.stem}-releases")


def latest_path(folder: Path | str | None = None) -> Path | None:
    """The newest release file, or None when nothing has been released yet."""
    folder = Path(folder) if folder else releases_dir()
    try:
        name = (folder / LATEST).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = folder / name
    return path if path.exists() else None


def release_files(folder: Path | str | None = None) -> list[Path]:
    folder = Path(folder) if folder else releases_dir()
    return sorted(folder.glob("release-*.duckdb"))


class NothingToRelease(Failure, ValueError):
    """The working store holds no quarterly data yet."""


@dataclass(frozen=True)
class Rules:
    """The settings a release applies (from ``config``); a release records them."""

    min_count: int
    min_events: int

    @classmethod
    def current(cls) -> "Rules":
        return cls(config.MIN_COUNT, config.MIN_RATE_EVENTS)


# --- what to compute ---------------------------------------------------------------------------------------


def published_periods(con: duckdb.DuckDBPyConnection) -> list[Period]:
    """Every quarter from the first to the last with data, and every year all of whose quarters have data."""
    rows = con.execute(" UNION ".join(f"SELECT DISTINCT quarter FROM {ds}_current"
                                      for ds in indicators.DATASET_IDS)).fetchall()
    present = {q for (q,) in rows}
    if not present:
        return []
    quarters = quarter_range(Quarter.parse(min(present)), Quarter.parse(max(present)))
    years = sorted({q.year for q in quarters
                    if all(f"{q.year}-Q{k}" in present for k in range(1, 5))})
    return [Period(str(q)) for q in quarters] + [Period(str(y)) for y in years]


def compute(con: duckdb.DuckDBPyConnection, periods: list[Period]) -> dict[str, pd.DataFrame]:
    """Per variant: one row per level, period and region with everything a release keeps (not yet hidden)."""
    out = {}
    for variant in VARIANTS:
        parts = []
        for level in LEVELS:
            df = indicators._run(con, periods, level=level, variant=variant)
            names = indicators.region_names(con, level) if level != "bund" else pd.DataFrame(
                {"ags": ["00"], "name": ["Deutschland"], "land_ags": ["00"]})
            df = df.merge(names, on="ags", how="left")
            df["level"] = level
            df["variant"] = variant
            parts.append(df)
        frame = pd.concat(parts, ignore_index=True).rename(columns={"pkey": "period"})
        frame["is_year"] = ~frame["period"].str.contains("Q")
        keep = ["variant", "level", "period", "is_year", "ags", "name", "land_ags", *_POPULATION, *_VALUES,
                *_COMPLETENESS, *_TARGETS]
        out[variant] = frame[keep].reset_index(drop=True)
    return out


# --- disclosure control --------------------------------------------------------------------------------------


def _layout(frame: pd.DataFrame) -> tuple[disclosure.Layout, dict, dict]:
    kreise = (frame[frame["level"] == "kreis"][["ags", "land_ags"]].drop_duplicates("ags")
              .sort_values(["land_ags", "ags"]))
    laender = sorted(frame.loc[frame["level"] == "land", "ags"].unique())
    rows = [f"k{a}" for a in kreise["ags"]] + [f"l{a}" for a in laender] + ["b00"]
    index = {r: n for n, r in enumerate(rows)}
    parent = [index[f"l{la}"] for la in kreise["land_ags"]] + [index["b00"]] * len(laender) + [-1]
    level = [disclosure.KREIS] * len(kreise) + [disclosure.LAND] * len(laender) + [disclosure.BUND]
    periods = sorted(frame["period"].unique(), key=lambda p: (len(p) == 4, p))
    cols = {p: n for n, p in enumerate(periods)}
    layout = disclosure.Layout(rows, level, parent, periods, [int(p[:4]) for p in periods],
                               [len(p) == 4 for p in periods])
    return layout, index, cols


def _cell_index(frame: pd.DataFrame, index: dict, cols: dict) -> tuple[np.ndarray, np.ndarray]:
    keys = frame["level"].str[0] + frame["ags"]
    return keys.map(index).to_numpy(), frame["period"].map(cols).to_numpy()


def _grid(frame: pd.DataFrame, ids: tuple[str, ...], ri: np.ndarray, ci: np.ndarray, shape) -> np.ndarray:
    out = np.full((len(ids), *shape), np.nan)
    for n, ind in enumerate(ids):
        out[n, ri, ci] = pd.to_numeric(frame[ind], errors="coerce").to_numpy(dtype=float)
    return out


@dataclass
class Decision:
    """The outcome of disclosure control: flags per cell (count and rate ids), the loss, the proof."""

    count_flags: np.ndarray  # (counts, rows, cols): disclosure.SHOWN / PRIMARY / SECONDARY
    rate_hidden: np.ndarray  # (rates, rows, cols) bool
    values: np.ndarray  # (counts, rows, cols)
    layout: disclosure.Layout
    row_index: dict
    col_index: dict
    certificates: list
    milp_used: int
    rounds: int


def decide(frame: pd.DataFrame, rules: Rules, previous: pd.DataFrame | None = None) -> Decision:
    """Disclosure control over every count and rate of ``frame`` (one variant; counts do not depend on it).

    ``previous``: the count cells of the previous release (``ags``, ``level``, ``period``, per count id its
    value and ``<id>__flag``) — its hidden cells stay hidden, its shown cells count as known.
    """
    layout, index, cols = _layout(frame)
    ri, ci = _cell_index(frame, index, cols)
    shape = (len(layout.rows), len(layout.cols))
    values = _grid(frame, COUNT_IDS, ri, ci, shape)
    rate_values = _grid(frame, RATE_IDS, ri, ci, shape)
    present = ~np.isnan(values)
    pos = {c: n for n, c in enumerate(COUNT_IDS)}
    part_of = [pos[CATALOGUE[c].part_of] if CATALOGUE[c].part_of else -1 for c in COUNT_IDS]
    forced = np.zeros(values.shape, bool)
    known = np.zeros(values.shape, bool)
    if previous is not None and len(previous):
        pri, pci = _cell_index(previous, index, cols)
        ok = ~(pd.isna(pri) | pd.isna(pci))
        pri, pci = pri[ok].astype(int), pci[ok].astype(int)
        prev = previous[ok]
        shown_before = np.full(values.shape, np.nan)  # what the previous release showed (NaN: hidden or absent)
        for n, c in enumerate(COUNT_IDS):
            old = pd.to_numeric(prev[c], errors="coerce").to_numpy(dtype=float)
            was_hidden = prev[f"{c}__flag"].notna().to_numpy()
            now = values[n, pri, pci]
            forced[n, pri[was_hidden], pci[was_hidden]] = True
            same = ~was_hidden & (old == now)
            known[n, pri[same], pci[same]] = True
            shown_before[n, pri[~was_hidden], pci[~was_hidden]] = np.where(was_hidden, np.nan, old)[~was_hidden]
        forced |= _corrected_totals(layout, values, shown_before, forced)
    events = {r: pos[CATALOGUE[r].events] for r in RATE_IDS}
    numerators = {r: pos[CATALOGUE[r].numerator] for r in RATE_IDS if CATALOGUE[r].numerator}
    # a rate on fewer than min_events events is withheld, and its events count hidden so it cannot be recomputed
    for r in RATE_IDS:
        ev = values[events[r]]
        forced[events[r]] |= present[events[r]] & (ev > 0) & (ev < rules.min_events)
    forced &= ~known  # a count a reader already knows can hide nothing
    rounds = 0
    while True:
        rounds += 1
        sup = disclosure.Suppressor(layout, values, disclosure.Rules(rules.min_count, rules.min_events),
                                    part_of=part_of, forced=forced, known=known, names=list(COUNT_IDS))
        result = sup.run()
        hidden = result.flags != disclosure.SHOWN
        rate_hidden = np.zeros((len(RATE_IDS), *shape), bool)
        more = np.zeros(values.shape, bool)
        for n, r in enumerate(RATE_IDS):
            ev = values[events[r]]
            h = present[events[r]] & (ev > 0) & (ev < rules.min_events)
            for c in CATALOGUE[r].rests_on:
                h |= hidden[pos[c]]
            h &= ~np.isnan(rate_values[n])  # a rate not computed stays "k. A."
            rate_hidden[n] = h
            # a hidden ratio whose numerator is a shown 0 would be 0 whatever its events: hide that 0 too
            if r in numerators:
                num = numerators[r]
                more[num] |= h & present[num] & (values[num] == 0) & ~hidden[num] & ~known[num]
        if not more.any():
            break
        forced |= more | hidden
    problems = disclosure.audit(layout, values, result.flags, result.certificates,
                                disclosure.Rules(rules.min_count, rules.min_events), part_of=part_of, known=known)
    if problems:
        raise disclosure.DisclosureError("Die Prüfung der Geheimhaltung ist fehlgeschlagen: " + "; ".join(problems[:5]))
    return Decision(result.flags, rate_hidden, values, layout, index, cols, result.certificates, result.milp_used,
                    rounds)


def _corrected_totals(layout: disclosure.Layout, values: np.ndarray, shown_before: np.ndarray,
                      hidden: np.ndarray) -> np.ndarray:
    """Totals to hide because a correction of hidden cells would show in them.

    A total the previous release showed, whose value changed by more than the parts shown then and now explain,
    tells a reader how much the hidden parts changed in sum — and a "< 3" corrected from 2 to 0 would be given
    away by a Land total that fell by 2. Such totals are hidden too (up the regions and from quarters to the
    year, until nothing changes), so the change of hidden cells stays unknown.
    """
    out = np.zeros(values.shape, bool)
    present = ~np.isnan(values)
    delta = np.where(present & ~np.isnan(shown_before), values - shown_before, np.nan)
    equations = [(p, list(layout.children[p]), None) for p in range(len(layout.rows)) if len(layout.children[p])]
    equations += [(None, list(layout.quarter_cols[y]), yc) for y, yc in layout.year_col.items()]
    changed = True
    while changed:
        changed = False
        unknown = hidden | out
        for i in range(values.shape[0]):
            for total, parts, year_col in equations:
                if year_col is None:  # region: total row, part rows, every column
                    t_cells = [(total, c) for c in range(len(layout.cols))]
                    p_cells = [[(k, c) for k in parts] for c in range(len(layout.cols))]
                else:  # year: every row, total column, quarter columns
                    t_cells = [(r, year_col) for r in range(len(layout.rows))]
                    p_cells = [[(r, q) for q in parts] for r in range(len(layout.rows))]
                for (tr, tc), cells in zip(t_cells, p_cells):
                    d = delta[i, tr, tc]
                    if np.isnan(d) or d == 0 or out[i, tr, tc]:
                        continue
                    explained = sum(delta[i, r, c] for r, c in cells
                                    if present[i, r, c] and not unknown[i, r, c] and not np.isnan(delta[i, r, c]))
                    if d != explained:
                        out[i, tr, tc] = True
                        changed = True
    return out


def apply(frame: pd.DataFrame, decision: Decision, rules: Rules) -> pd.DataFrame:
    """The frame as published: hidden values NULL with their mark, every value rounded as displayed."""
    out = frame.copy()
    ri, ci = _cell_index(out, decision.row_index, decision.col_index)
    for n, c in enumerate(COUNT_IDS):
        flags = decision.count_flags[n, ri, ci]
        hidden = flags != disclosure.SHOWN
        small = decision.values[n, ri, ci] < rules.min_count
        out[f"{c}__flag"] = np.where(hidden, np.where(small, SMALL, PROTECTED), None)
        out[c] = out[c].where(~hidden)
    for n, r in enumerate(RATE_IDS):
        hidden = decision.rate_hidden[n, ri, ci]
        out[f"{r}__flag"] = np.where(hidden, WITHHELD, None)
        out[r] = out[r].where(~hidden)
    for ind in _VALUES:
        decimals = indicators.need_decimals(ind) if CATALOGUE[ind].kind in ("need", "gap") else CATALOGUE[ind].decimals
        out[ind] = pd.to_numeric(out[ind], errors="coerce").round(decimals)
    return out


def loss(frame: pd.DataFrame, decision: Decision) -> pd.DataFrame:
    """Information loss per indicator and level: cells published, hidden as primary, hidden as secondary."""
    level_of_row = np.array([{"k": "kreis", "l": "land", "b": "bund"}[r[0]] for r in decision.layout.rows])
    rows = []
    for n, c in enumerate(COUNT_IDS):
        present = ~np.isnan(decision.values[n])
        flags = decision.count_flags[n]
        for level in LEVELS:
            at = present & (level_of_row == level)[:, None]
            rows.append({"indicator": c, "level": level, "cells": int(at.sum()),
                         "primary": int((at & (flags == disclosure.PRIMARY)).sum()),
                         "secondary": int((at & (flags == disclosure.SECONDARY)).sum())})
    return pd.DataFrame(rows)


# --- writing and reading release files -----------------------------------------------------------------------


def _previous_counts(path: Path | None) -> tuple[int, pd.DataFrame | None, dict | None]:
    if path is None:
        return 0, None, None
    con = duckdb.connect(str(path), read_only=True)
    try:
        info = con.execute("SELECT * FROM release_info").df().iloc[0].to_dict()
        cols = ", ".join(["level", "ags", "period", *COUNT_IDS, *(f"{c}__flag" for c in COUNT_IDS)])
        prev = con.execute(f"SELECT {cols} FROM figures WHERE variant = ?", [indicators.DEFAULT_VARIANT]).df()
    finally:
        con.close()
    return int(info["number"]), prev, info


def _changes(frame: pd.DataFrame, previous: pd.DataFrame | None, prev_info: dict | None,
             batches: list[int]) -> dict[str, Any]:
    """What changed since the previous release: periods added, counts changed per dataset, loads since."""
    if previous is None:
        return {"first": True, "periods": sorted(frame["period"].unique().tolist())}
    now = frame[frame["variant"] == indicators.DEFAULT_VARIANT]
    merged = now.merge(previous, on=["level", "ags", "period"], how="left", suffixes=("", "__prev"),
                       indicator=True)
    new_periods = sorted(set(now["period"]) - set(previous["period"]))
    changed = {}
    for c in COUNT_IDS:
        a = pd.to_numeric(merged[c], errors="coerce")
        b = pd.to_numeric(merged[f"{c}__prev"], errors="coerce")
        differs = (merged["_merge"] == "both") & ~((a == b) | (a.isna() & b.isna()))
        ds = CATALOGUE[c].dataset
        changed[ds] = changed.get(ds, 0) + int(differs.sum())
    before = {int(b) for b in prev_info["batches"]} if prev_info and prev_info.get("batches") is not None else set()
    return {"first": False, "new_periods": new_periods, "changed_counts": changed,
            "batches_added": sorted(set(batches) - before), "batches_removed": sorted(before - set(batches))}


# What of the changes a release file may say: how many counts changed (and which were hidden) stays internal.
PUBLIC_CHANGES = ("first", "periods", "new_periods", "batches_added", "batches_removed")


def build(*, author: str, note: str = "", db_path: Path | str | None = None, folder: Path | str | None = None,
          rules: Rules | None = None) -> dict[str, Any]:
    """Compute, protect and write the next release; returns its summary (number, path, loss, seconds …)."""
    started = time.perf_counter()
    folder = Path(folder) if folder else releases_dir()
    folder.mkdir(parents=True, exist_ok=True)
    rules = rules or Rules.current()
    with store.connect(db_path) as con:
        periods = published_periods(con)
        if not periods:
            raise NothingToRelease(N_("Es sind noch keine Quartalsdaten geladen; eine Veröffentlichung wäre leer."))
        status = indicators.data_status(con)
        batches = [b for (b,) in con.execute(
            "SELECT batch_id FROM batches WHERE status = 'active' ORDER BY batch_id").fetchall()]
        frames = compute(con, periods)
        reference = _reference(con)
    computed = time.perf_counter()
    with _release_lock(folder):
        number, previous, prev_info = _previous_counts(latest_path(folder))
        number += 1
        decision = decide(frames[indicators.DEFAULT_VARIANT], rules, previous)
        decided = time.perf_counter()
        published = pd.concat([apply(f, decision, rules) for f in frames.values()], ignore_index=True)
        lost = loss(frames[indicators.DEFAULT_VARIANT], decision)
        changes = _changes(published, previous, prev_info, batches)
        info = {
            "number": number, "created_at": datetime.now().replace(microsecond=0), "author": author,
            "note": note, "stand": status["stand"], "is_demo": status["is_demo"], "min_count": rules.min_count,
            "min_events": rules.min_events, "previous": number - 1 or None, "batches": batches,
            "status": json.dumps({k: v for k, v in status.items() if k not in ("stand",)}, default=str),
            "changes": json.dumps({k: v for k, v in changes.items() if k in PUBLIC_CHANGES}, default=str),
            "seconds": round(time.perf_counter() - started, 1),
        }
        path = folder / f"release-{number:04d}.duckdb"
        _write(path, info, published, reference)
        _write_internal(path, lost, changes)
        _point_latest(folder, path.name)
    result = {
        **info, "path": str(path), "changes": changes, "status": status,
        "cells_hidden": int((decision.count_flags != disclosure.SHOWN).sum()),
        "cells_primary": int((decision.count_flags == disclosure.PRIMARY).sum()),
        "cells_secondary": int((decision.count_flags == disclosure.SECONDARY).sum()),
        "rates_hidden": int(decision.rate_hidden.sum()),
        "loss": lost, "certificates": len(decision.certificates), "milp_used": decision.milp_used,
        "seconds_compute": round(computed - started, 1), "seconds_disclosure": round(decided - computed, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "cells": len(published) // len(VARIANTS),
    }
    result["message"] = message(result)  # German, for the command line and its JSON
    return result


RELEASED = N_("Veröffentlichung {number} geschrieben: {cells} Regionen × Zeiträume, {hidden} Zählwerte gesperrt "
              "({primary} kleine Zahlen, {secondary} zu ihrem Schutz), {seconds} s.")


def message(result: dict, language: str = "de") -> str:
    """What ``build`` did, in one sentence in ``language``."""
    def n(key: str) -> str:
        return fmt.integer(result[key], language)

    return translate(RELEASED, language, number=result["number"], cells=n("cells"), hidden=n("cells_hidden"),
                     primary=n("cells_primary"), secondary=n("cells_secondary"),
                     seconds=fmt.number(result["seconds"], 0, language))


def _reference(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The public reference data a release carries along: regions (with their changes) and targets."""
    out = {}
    for name in ("regions", "region_changes_current", "targets_current", "annotations_current"):
        try:
            out[name] = con.execute(f"SELECT * FROM {name}").df()
        except duckdb.CatalogException:
            continue
    return out


class _release_lock:
    """One release at a time per folder (a lock file; numbers must not collide)."""

    def __init__(self, folder: Path):
        self.path = folder / ".release.lock"

    def __enter__(self):
        import fcntl

        self.handle = open(self.path, "a+")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        import fcntl

        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def internal_path(path: Path | str) -> Path:
    """The release's internal sidecar (``release-0003.intern.json``): never published, never in the release."""
    path = Path(path)
    return path.with_name(path.name.replace(".duckdb", ".intern.json"))


def _write_internal(path: Path, lost: pd.DataFrame, changes: dict) -> None:
    """What the coordination office may see of a release but the public must not: the loss split into primary
    and secondary cells (it would tell whether a "< 3" can be 0) and the number of changed counts."""
    doc = {"loss": lost.to_dict("records"), "changes": changes}
    tmp = internal_path(path).with_name(f".{internal_path(path).name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, internal_path(path))


def read_internal(path: Path | str) -> dict:
    """The internal sidecar of a release ({} when missing, e.g. on a public instance)."""
    try:
        return json.loads(internal_path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _write(path: Path, info: dict, published: pd.DataFrame, reference: dict[str, pd.DataFrame]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("""CREATE TABLE release_info (number INTEGER, created_at TIMESTAMP, author VARCHAR,
                       note VARCHAR, stand TIMESTAMP, is_demo BOOLEAN, min_count INTEGER, min_events INTEGER,
                       previous INTEGER, batches INTEGER[], status VARCHAR, changes VARCHAR, seconds DOUBLE)""")
        con.execute("INSERT INTO release_info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [info[k] for k in ("number", "created_at", "author", "note", "stand", "is_demo", "min_count",
                                       "min_events", "previous", "batches", "status", "changes", "seconds")])
        con.register("published", published)
        con.execute("CREATE TABLE figures AS SELECT * FROM published ORDER BY variant, level, ags, period")
        con.unregister("published")
        for name, frame in reference.items():
            con.register("ref", frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM ref')
            con.unregister("ref")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.chmod(tmp, 0o444)
    os.replace(tmp, path)


def _point_latest(folder: Path, name: str) -> None:
    tmp = folder / f".{LATEST}.{os.getpid()}.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, folder / LATEST)
