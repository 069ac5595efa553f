"""Red-team attacks on real releases of the demo data: what can the public work out of a release file?

Every attack reads only what anyone can download — the release's ``figures`` table (every variant), its
``loss`` table — and must recover nothing: no hidden count exactly, none narrowed to a single value. The
true values are read from the working store (``monitor.release.compute``) only to *check* the attacks: that
each relation an attack uses holds in the data (else it would be attacking a fiction) and that every bound an
attack derives contains the true value.

What a reader knows and uses (per count indicator, ``count_like`` in the catalogue):

* a shown value exactly; a "< 3" (flag ``small``) is 0, 1 or 2; a "•" (flag ``protected``) is 3 or more;
  "k. A." (value and flag NULL) is no report and takes part in no sum;
* a Land = Σ of its Kreise (``land_ags``), Germany (``00``) = Σ of the Länder, per period; a complete year =
  Σ of its four quarters, per region (only reported cells count);
* a part ≤ its whole (``Indicator.part_of``); rates are computed from counts (``Indicator.rests_on``) and the
  public population columns;
* several releases: a cell shown in any release is known, and a cell whose value did not change between
  releases is one unknown in the equations of all of them (a reader sees which figures changed).

A successful attack keeps its test failing and names the cell, its true value and the derivation.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from etl import loader
from etl.demo import build_demo
from etl.publish import publish
from etl.template import write_workbook
from monitor import config, datasets, disclosure, indicators, release, store
from monitor.catalogue import CATALOGUE
from monitor.regions import RegionIndex
from tests.conftest import copy_store

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("attack")]

COUNTS = release.COUNT_IDS
RATES = release.RATE_IDS
POS = {c: n for n, c in enumerate(COUNTS)}
MISSING, SHOWN, SMALL, PROTECTED = 0, 1, 2, 3  # what a reader sees of one count cell
MARK = {SMALL: "< 3", PROTECTED: "•"}
PRIOR = {SMALL: (0.0, 2.0), PROTECTED: (3.0, math.inf)}  # what a mark tells of a hidden count
SEED = 20251231
LP_SAMPLE, MILP_SAMPLE = 300, 60  # hidden cells attacked by linear / mixed-integer programming
LP_SAMPLE_PAIR, MILP_SAMPLE_PAIR = 300, 60  # the same on the combined knowledge of several releases


def _families() -> list[tuple[int, ...]]:
    """Count indicators linked by part ≤ whole (transitively): the LP of a cell takes in its whole family."""
    family = {i: {i} for i in range(len(COUNTS))}
    for c in COUNTS:
        whole = CATALOGUE[c].part_of
        if whole:
            merged = family[POS[c]] | family[POS[whole]]
            for i in merged:
                family[i] = merged
    return sorted({tuple(sorted(f)) for f in family.values()})


FAMILIES = _families()
FAMILY_OF = {i: n for n, f in enumerate(FAMILIES) for i in f}
PART_WHOLE = [(POS[c], POS[CATALOGUE[c].part_of]) for c in COUNTS if CATALOGUE[c].part_of]


# --- what the public has: release files -------------------------------------------------------------------------


@dataclass
class Layout:
    """Regions (rows: Kreise, Länder, Germany) and periods (columns) of one or more releases."""

    rows: list[tuple[str, str]]  # (level, ags)
    parent: np.ndarray  # row of the Land of a Kreis, of Germany for a Land, -1 for Germany
    cols: list[str]
    col_year: np.ndarray
    year_col: dict[int, int]
    row_index: dict[tuple[str, str], int] = field(init=False)
    col_index: dict[str, int] = field(init=False)
    children: list[np.ndarray] = field(init=False)

    def __post_init__(self):
        self.row_index = {r: n for n, r in enumerate(self.rows)}
        self.col_index = {c: n for n, c in enumerate(self.cols)}
        self.children = [np.flatnonzero(self.parent == r) for r in range(len(self.rows))]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    def quarters(self, year: int) -> np.ndarray:
        return np.array([t for t, c in enumerate(self.cols) if "Q" in c and self.col_year[t] == year])

    def label(self, i: int, r: int, t: int) -> str:
        return f"{COUNTS[i]} {self.rows[r][0]} {self.rows[r][1]} {self.cols[t]}"

    @classmethod
    def of(cls, frames: list[pd.DataFrame]) -> "Layout":
        both = pd.concat([f[["level", "ags", "land_ags", "period"]] for f in frames])
        kreise = both[both["level"] == "kreis"].drop_duplicates("ags").sort_values("ags")
        laender = sorted(both.loc[both["level"] == "land", "ags"].unique())
        rows = [("kreis", a) for a in kreise["ags"]] + [("land", a) for a in laender] + [("bund", "00")]
        land_row = {a: len(kreise) + n for n, a in enumerate(laender)}
        parent = [land_row[la] for la in kreise["land_ags"]] + [len(rows) - 1] * len(laender) + [-1]
        cols = sorted(both["period"].unique(), key=lambda p: (p[:4], len(p) == 4, p))
        year = np.array([int(p[:4]) for p in cols])
        return cls(rows, np.array(parent), cols, year, {int(p): t for t, p in enumerate(cols) if len(p) == 4})


def read_release(path: Path | str) -> dict:
    """Everything the public can download of a release: every table of the file, its figures (all variants)
    and its info."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = {name: con.execute(f'SELECT * FROM "{name}"').df()
                  for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return {"path": Path(path), "figures": tables["figures"], "tables": tables,
                "info": tables["release_info"].iloc[0].to_dict()}
    finally:
        con.close()


@dataclass
class Snapshot:
    """One release as a reader sees its counts (``state``, ``value``), with the truth beside it for checks."""

    name: str
    state: np.ndarray  # (counts, rows, cols): MISSING / SHOWN / SMALL / PROTECTED
    value: np.ndarray  # shown values, NaN elsewhere
    truth: np.ndarray  # the working store's values, NaN where not reported (checks only)
    variant_leaks: list[str]  # cells hidden in the default variant but shown in another one


def _grids(frame: pd.DataFrame, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    shape = (len(COUNTS), *layout.shape)
    state, value = np.zeros(shape, np.int8), np.full(shape, np.nan)
    ri = np.array([layout.row_index[(lv, a)] for lv, a in zip(frame["level"], frame["ags"])])
    ci = frame["period"].map(layout.col_index).to_numpy()
    for i, c in enumerate(COUNTS):
        flag = frame[f"{c}__flag"].to_numpy(dtype=object)
        v = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
        assert set(pd.Series(flag).dropna()) <= {"small", "protected"}, f"{c}: unexpected flags on a count"
        s = np.where(flag == "small", SMALL, np.where(flag == "protected", PROTECTED,
                                                       np.where(np.isnan(v), MISSING, SHOWN)))
        state[i, ri, ci] = s
        value[i, ri, ci] = np.where(s == SHOWN, v, np.nan)
    return state, value


def snapshot(published: dict, layout: Layout, truth: np.ndarray, name: str) -> Snapshot:
    """A release's counts as a reader sees them, every variant combined (a value shown in any is known)."""
    figures = published["figures"]
    state, value = _grids(figures[figures["variant"] == indicators.DEFAULT_VARIANT], layout)
    leaks = []
    for variant in sorted(set(figures["variant"]) - {indicators.DEFAULT_VARIANT}):
        s2, v2 = _grids(figures[figures["variant"] == variant], layout)
        extra = (state >= SMALL) & (s2 == SHOWN)
        for i, r, t in zip(*np.nonzero(extra)):
            leaks.append(f"{name}: {layout.label(i, r, t)} hidden in {indicators.DEFAULT_VARIANT}, shown as "
                         f"{v2[i, r, t]:g} in {variant} (true {truth[i, r, t]:g})")
        state, value = np.where(extra, SHOWN, state), np.where(extra, v2, value)
    return Snapshot(name, state, value, truth, leaks)


def true_frame(db: Path) -> pd.DataFrame:
    """The unsuppressed counts of the working store now (to check the attacks only, never to attack)."""
    with store.connect(db) as con:
        frame = release.compute(con, release.published_periods(con))[indicators.DEFAULT_VARIANT]
    return frame[["level", "ags", "period", *COUNTS]]


def true_grid(frame: pd.DataFrame, layout: Layout) -> np.ndarray:
    out = np.full((len(COUNTS), *layout.shape), np.nan)
    ri = np.array([layout.row_index[(lv, a)] for lv, a in zip(frame["level"], frame["ags"])])
    ci = frame["period"].map(layout.col_index).to_numpy()
    for i, c in enumerate(COUNTS):
        out[i, ri, ci] = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
    return out


# --- the reader's system of relations -------------------------------------------------------------------------

REGION, YEAR, PART = 0, 1, 2  # kinds of relation: Σ of regions, Σ of quarters, part ≤ whole


@dataclass
class System:
    """Everything a reader knows of the hidden counts: one unknown per hidden value, linear relations over them.

    Rows ``rlo ≤ A·x ≤ rhi`` (sums: equalities; part ≤ whole: ``rlo = -inf``), with shown values moved to the
    right-hand side. Each row keeps what it says (``row_kind``, ``row_snap``, ``row_cell``) and the family of
    indicators and the year it belongs to (the LP of a cell takes in every row of its family and year).
    Unknowns: ``lo``/``hi`` from the marks, ``truth`` (checks only), a label, and their stratum for sampling.
    """

    layout: Layout
    names: list[str]
    A: sparse.csr_matrix
    rlo: np.ndarray
    rhi: np.ndarray
    row_kind: np.ndarray
    row_snap: np.ndarray
    row_cell: np.ndarray  # (rows, 3): indicator, region row, period col of the relation's total
    row_family: np.ndarray
    row_year: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    truth: np.ndarray
    labels: list[str]
    var_indicator: np.ndarray
    var_level: np.ndarray
    var_is_year: np.ndarray
    var_year: np.ndarray
    var_changed: np.ndarray  # the cell's value differs between the releases combined
    leaks: list[str]
    problems: list[str]  # relations the truth does not satisfy: the attack model would be wrong

    @property
    def n(self) -> int:
        return len(self.lo)

    @property
    def equalities(self) -> np.ndarray:
        return self.rlo == self.rhi

    def relations_of(self, j: int, limit: int = 3) -> str:
        """The relations unknown ``j`` takes part in (for reports)."""
        rows = self.A.T.tocsr()[j].indices[:limit]
        return "; ".join(self.relation(int(r)) for r in rows)

    def relation(self, row: int) -> str:
        i, r, t = self.row_cell[row]
        where = f"{self.names[self.row_snap[row]]}: {self.layout.label(i, r, t)}"
        kind = self.row_kind[row]
        if kind == PART:
            return f"{where} ≤ {CATALOGUE[COUNTS[i]].part_of}"
        level = self.layout.rows[r][0]
        return f"{where} = Σ of its " + ("quarters" if kind == YEAR else "Kreise" if level == "land" else "Länder")


def _relations(layout: Layout, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every published relation of one release as terms (relation, indicator, row, col, coef) and heads
    (kind, indicator, row, col of the relation's total)."""
    terms, heads = [], []
    n_rel = 0
    n_rows, n_cols = layout.shape
    parent = layout.parent
    kreis_or_land = np.flatnonzero(parent >= 0)
    for i in range(present.shape[0]):
        p_i = present[i]
        # regions: a Land (Germany) = Σ of its reported Kreise (Länder), per period
        rel = np.full((n_rows, n_cols), -1)
        has_kids = np.array([len(k) > 0 for k in layout.children])
        heads_rt = np.argwhere(p_i & has_kids[:, None])
        rel[heads_rt[:, 0], heads_rt[:, 1]] = n_rel + np.arange(len(heads_rt))
        n_rel += len(heads_rt)
        heads.append(np.column_stack([np.full(len(heads_rt), REGION), np.full(len(heads_rt), i), heads_rt]))
        terms.append(np.column_stack([rel[heads_rt[:, 0], heads_rt[:, 1]], np.full(len(heads_rt), i), heads_rt,
                                      np.ones(len(heads_rt))]))
        kid_rt = np.argwhere(p_i[kreis_or_land])
        kid_r = kreis_or_land[kid_rt[:, 0]]
        kid_rel = rel[parent[kid_r], kid_rt[:, 1]]
        ok = kid_rel >= 0
        terms.append(np.column_stack([kid_rel[ok], np.full(ok.sum(), i), kid_r[ok], kid_rt[ok, 1],
                                      -np.ones(ok.sum())]))
        # time: a complete year = Σ of its reported quarters, per region
        for year, yc in layout.year_col.items():
            rs = np.flatnonzero(p_i[:, yc])
            ids = n_rel + np.arange(len(rs))
            n_rel += len(rs)
            heads.append(np.column_stack([np.full(len(rs), YEAR), np.full(len(rs), i), rs, np.full(len(rs), yc)]))
            terms.append(np.column_stack([ids, np.full(len(rs), i), rs, np.full(len(rs), yc), np.ones(len(rs))]))
            for q in layout.quarters(year):
                ok = p_i[rs, q]
                terms.append(np.column_stack([ids[ok], np.full(ok.sum(), i), rs[ok], np.full(ok.sum(), q),
                                              -np.ones(ok.sum())]))
    # parts: part − whole ≤ 0 wherever both are reported
    for part, whole in PART_WHOLE:
        rt = np.argwhere(present[part] & present[whole])
        ids = n_rel + np.arange(len(rt))
        n_rel += len(rt)
        heads.append(np.column_stack([np.full(len(rt), PART), np.full(len(rt), part), rt]))
        for ind, coef in ((part, 1.0), (whole, -1.0)):
            terms.append(np.column_stack([ids, np.full(len(rt), ind), rt, np.full(len(rt), coef)]))
    return np.concatenate(terms), np.concatenate(heads)


def build_system(layout: Layout, snaps: list[Snapshot], prior: dict | None = None) -> System:
    """The reader's system over every release in ``snaps`` (one, or several combined).

    A hidden cell is one unknown in every release in which it has the same value (the reader sees which
    figures changed); a cell shown in any release is a constant wherever it has that value. ``prior`` narrows
    a mark's interval per (indicator, level, mark) where the reader knows more (the loss table).
    """
    prior = prior or {}
    level_of_row = np.array([lv for lv, _ in layout.rows])
    var_of: dict[tuple, int] = {}
    lo, hi, truth, labels, v_ind, v_lvl, v_isy, v_year, v_changed = [], [], [], [], [], [], [], [], []
    vids, consts = [], []
    changed = np.zeros(snaps[0].truth.shape, bool)  # reported in two releases with different values
    for a in snaps:
        for b in snaps:
            changed |= ~np.isnan(a.truth) & ~np.isnan(b.truth) & (a.truth != b.truth)
    problems = []
    for s in snaps:
        wrong = (s.state == SHOWN) & (s.value != s.truth)
        problems += [f"{s.name}: {layout.label(*c)} shown as {s.value[tuple(c)]:g}, true {s.truth[tuple(c)]:g}"
                     for c in np.argwhere(wrong)[:5]]
    for s in snaps:
        vid = np.where(s.state == MISSING, -2, -1).astype(np.int64)
        const = np.where(s.state == SHOWN, s.value, np.nan)
        for i, r, t in zip(*np.nonzero(s.state >= SMALL)):
            value = s.truth[i, r, t]
            known = [o for o in snaps if o.state[i, r, t] == SHOWN and o.truth[i, r, t] == value]
            if known:
                const[i, r, t] = known[0].value[i, r, t]
                continue
            mark = int(s.state[i, r, t])
            a, b = prior.get((i, level_of_row[r], mark), PRIOR[mark])
            key = (i, r, t, value)
            if key not in var_of:
                var_of[key] = len(lo)
                lo.append(a)
                hi.append(b)
                truth.append(value)
                labels.append(f"{layout.label(i, r, t)}: {MARK[mark]} in {s.name}")
                v_ind.append(i)
                v_lvl.append(level_of_row[r])
                v_isy.append(len(layout.cols[t]) == 4)
                v_year.append(int(layout.col_year[t]))
                v_changed.append(bool(changed[i, r, t]))
            else:
                j = var_of[key]
                lo[j], hi[j] = max(lo[j], a), min(hi[j], b)
                labels[j] += f", {MARK[mark]} in {s.name}"
            vid[i, r, t] = var_of[key]
        vids.append(vid)
        consts.append(const)

    coo_r, coo_v, coo_c, rhs_all, heads_all, snap_all, ok_truth = [], [], [], [], [], [], []
    offset = 0
    for k, s in enumerate(snaps):
        terms, heads = _relations(layout, s.state != MISSING)
        rel = terms[:, 0].astype(np.int64) + offset
        i, r, t = (terms[:, n].astype(np.int64) for n in (1, 2, 3))
        coef = terms[:, 4]
        vid = vids[k][i, r, t]
        n_rel = len(heads)
        rhs = np.zeros(n_rel)
        is_const = vid == -1
        np.add.at(rhs, rel[is_const] - offset, -coef[is_const] * consts[k][i[is_const], r[is_const], t[is_const]])
        check = np.zeros(n_rel)
        np.add.at(check, rel - offset, coef * s.truth[i, r, t])
        ok_truth.append(np.where(heads[:, 0] == PART, check <= 1e-9, np.abs(check) < 1e-9))
        var = vid >= 0
        coo_r.append(rel[var])
        coo_v.append(vid[var])
        coo_c.append(coef[var])
        rhs_all.append(rhs)
        heads_all.append(heads)
        snap_all.append(np.full(n_rel, k))
        offset += n_rel
    heads = np.concatenate(heads_all).astype(np.int64)
    snap_of = np.concatenate(snap_all)
    rhs = np.concatenate(rhs_all)
    for row in np.flatnonzero(~np.concatenate(ok_truth))[:5]:
        kind, i, r, t = heads[row]
        problems.append(f"{snaps[snap_of[row]].name}: relation {['region', 'year', 'part'][kind]} of "
                        f"{layout.label(i, r, t)} does not hold in the data")
    rows, cols, coefs = np.concatenate(coo_r), np.concatenate(coo_v), np.concatenate(coo_c)
    used = np.unique(rows)  # relations with at least one unknown
    new_row = np.full(offset, -1)
    new_row[used] = np.arange(len(used))
    A = sparse.csr_matrix((coefs, (new_row[rows], cols)), shape=(len(used), len(lo)))
    heads, snap_of, rhs = heads[used], snap_of[used], rhs[used]
    is_part = heads[:, 0] == PART
    return System(
        layout, [s.name for s in snaps], A, np.where(is_part, -math.inf, rhs), rhs, heads[:, 0], snap_of,
        heads[:, 1:], np.array([FAMILY_OF[i] for i in heads[:, 1]]), layout.col_year[heads[:, 3]],
        np.array(lo, float), np.array(hi, float), np.array(truth, float), labels, np.array(v_ind, np.int64),
        np.array(v_lvl), np.array(v_isy, bool), np.array(v_year, np.int64), np.array(v_changed, bool),
        [x for s in snaps for x in s.variant_leaks], problems)


# --- the attacks ------------------------------------------------------------------------------------------------


def single_unknowns(system: System) -> list[str]:
    """Relations with exactly one unknown give it away; substitute what was found and repeat to a fixpoint.

    Returns one line per unknown worked out: the cell, the value, its true value and the relation.
    """
    eq = np.flatnonzero(system.equalities)
    A = system.A[eq].tocsr()
    b = system.rhi[eq]
    pattern = (A != 0).astype(np.int64)
    derived = np.zeros(system.n, bool)
    value = np.zeros(system.n)
    found = []
    while True:
        unknown = pattern @ (~derived).astype(np.int64)
        known = A @ np.where(derived, value, 0.0)
        progress = False
        for row in np.flatnonzero(unknown == 1):
            cols = A.indices[A.indptr[row]:A.indptr[row + 1]]
            coefs = A.data[A.indptr[row]:A.indptr[row + 1]]
            (k,) = np.flatnonzero(~derived[cols])
            j = cols[k]
            if derived[j]:  # found through another relation in this round
                continue
            derived[j], value[j] = True, (b[row] - known[row]) / coefs[k]
            progress = True
            found.append(f"{system.labels[j]} = {value[j]:g} (true {system.truth[j]:g}) from "
                         f"{system.relation(eq[row])}" + (" after substituting earlier findings"
                                                          if len(cols) > 1 else ""))
        if not progress:
            return found


def propagate(system: System, max_rounds: int = 20_000) -> tuple[np.ndarray, np.ndarray, int]:
    """Classic interval constraint propagation over every relation, with integer rounding, to a fixpoint.

    Each relation ``rlo ≤ Σ a·x ≤ rhi`` bounds each of its unknowns by what the others can contribute.
    Returns the final (lo, hi) per unknown and the number of rounds.
    """
    A = system.A.tocsr()
    row = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    col, a = A.indices, A.data
    lo, hi = system.lo.copy(), system.hi.copy()
    pos = a > 0
    for rounds in range(1, max_rounds + 1):
        mn = np.where(pos, a * lo[col], a * hi[col])  # each term's least and greatest contribution
        mx = np.where(pos, a * hi[col], a * lo[col])
        mn_inf, mx_inf = np.isinf(mn), np.isinf(mx)
        row_mn = np.bincount(row, np.where(mn_inf, 0, mn), A.shape[0])
        row_mx = np.bincount(row, np.where(mx_inf, 0, mx), A.shape[0])
        n_mn_inf = np.bincount(row, mn_inf, A.shape[0])
        n_mx_inf = np.bincount(row, mx_inf, A.shape[0])
        others_mn = np.where(n_mn_inf[row] - mn_inf > 0, -math.inf, row_mn[row] - np.where(mn_inf, 0, mn))
        others_mx = np.where(n_mx_inf[row] - mx_inf > 0, math.inf, row_mx[row] - np.where(mx_inf, 0, mx))
        with np.errstate(invalid="ignore"):
            low_ax = system.rlo[row] - others_mx  # a·x ≥ this
            high_ax = system.rhi[row] - others_mn  # a·x ≤ this
        new_lo = np.where(pos, low_ax / a, high_ax / a)
        new_hi = np.where(pos, high_ax / a, low_ax / a)
        new_lo = np.where(np.isnan(new_lo), -math.inf, new_lo)
        new_hi = np.where(np.isnan(new_hi), math.inf, new_hi)
        lo2, hi2 = lo.copy(), hi.copy()
        np.maximum.at(lo2, col, np.ceil(new_lo - 1e-9))
        np.minimum.at(hi2, col, np.floor(new_hi + 1e-9))
        if np.array_equal(lo2, lo) and np.array_equal(hi2, hi):
            return lo, hi, rounds
        lo, hi = lo2, hi2
    raise AssertionError(f"interval propagation did not settle in {max_rounds} rounds")


@dataclass
class Block:
    """The relations of one family of indicators in one year, as an LP over the unknowns they contain."""

    vars: np.ndarray
    A: sparse.csr_matrix
    rlo: np.ndarray
    rhi: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def block(system: System, family: int, year: int, cache: dict) -> Block:
    key = (family, year)
    if key not in cache:
        rows = np.flatnonzero((system.row_family == family) & (system.row_year == year))
        sub = system.A[rows]
        vars_ = np.unique(np.concatenate([sub.indices, np.flatnonzero(
            (np.array([FAMILY_OF[i] for i in system.var_indicator]) == family) & (system.var_year == year))]))
        cache[key] = Block(vars_, sub[:, vars_].tocsr(), system.rlo[rows], system.rhi[rows], system.lo[vars_],
                           system.hi[vars_])
    return cache[key]


def lp_range(b: Block, j: int, integer: bool = False) -> tuple[float, float]:
    """The least and greatest value unknown ``j`` can take under every relation of its block: ``linprog``
    (HiGHS), or with ``integer`` ``milp`` with every unknown an integer."""
    k = int(np.searchsorted(b.vars, j))
    out = []
    for sign in (1.0, -1.0):
        c = np.zeros(len(b.vars))
        c[k] = sign
        if integer:
            res = milp(c, integrality=np.ones(len(b.vars)), bounds=Bounds(b.lo, b.hi),
                       constraints=LinearConstraint(b.A, b.rlo, b.rhi), options={"time_limit": 60})
        else:
            eq = b.rlo == b.rhi
            res = linprog(c, A_ub=b.A[~eq], b_ub=b.rhi[~eq], A_eq=b.A[eq], b_eq=b.rhi[eq],
                          bounds=np.column_stack([b.lo, b.hi]), method="highs")
        if res.status == 3:  # unbounded: no greatest value
            out.append(-sign * math.inf)
            continue
        assert res.status == 0, f"programme not solved ({res.message}): the reader's system must be feasible"
        out.append(float(res.x[k]))
    return out[0], out[1]


def sample(system: System, size: int, seed: int, must: np.ndarray | None = None) -> np.ndarray:
    """A seeded sample of unknowns spread over indicators, levels and quarters/years (round robin over the
    strata), led by ``must`` (unknowns that have to be attacked, up to half the sample)."""
    rng = np.random.default_rng(seed)
    strata = defaultdict(list)
    for j in rng.permutation(system.n):
        strata[(system.var_indicator[j], system.var_level[j], system.var_is_year[j])].append(j)
    chosen = list(dict.fromkeys(int(j) for j in (must if must is not None else [])))[:size // 2]
    taken = set(chosen)
    queues = [list(v) for _, v in sorted(strata.items())]
    while len(chosen) < min(size, system.n):
        for q in queues:
            while q and q[0] in taken:
                q.pop(0)
            if q and len(chosen) < size:
                taken.add(q[0])
                chosen.append(q.pop(0))
    return np.array(chosen, dtype=np.int64)


def lp_attack(system: System, size: int, seed: int, integer: bool = False,
              must: np.ndarray | None = None) -> tuple[list[str], int]:
    """Minimise and maximise each sampled unknown over its block; a range below 1 is a disclosure.

    Returns the findings (cells pinned, or bounds that miss the truth) and how many cells were attacked.
    """
    cache: dict = {}
    found = []
    picked = sample(system, size, seed, must)
    for j in picked:
        b = block(system, FAMILY_OF[int(system.var_indicator[j])], int(system.var_year[j]), cache)
        low, high = lp_range(b, int(j), integer)
        if not low - 1e-6 <= system.truth[j] <= high + 1e-6:
            found.append(f"MODEL ERROR: {system.labels[j]}: true {system.truth[j]:g} outside [{low:g}, {high:g}]")
        elif high - low < 1 - 1e-6:
            found.append(f"{system.labels[j]}: {'integer ' if integer else ''}programme pins it to "
                         f"[{low:g}, {high:g}] (true {system.truth[j]:g})")
    return found, len(picked)


def rate_findings(published: dict) -> list[str]:
    """Rates against the counts they rest on, in every variant: a withheld rate whose counts (and population)
    are all shown could be recomputed; a shown rate resting on a hidden count would give the count away."""
    found = []
    fig = published["figures"]
    for variant, rows in fig.groupby("variant"):
        for r in RATES:
            rests = CATALOGUE[r].rests_on
            shown = {c: rows[c].notna() & rows[f"{c}__flag"].isna() for c in rests}
            counts_shown = np.logical_and.reduce([shown[c].to_numpy() for c in rests])
            counts_hidden = np.logical_or.reduce([rows[f"{c}__flag"].notna().to_numpy() for c in rests])
            withheld = (rows[f"{r}__flag"] == "withheld").to_numpy()
            rate_shown = (rows[r].notna() & rows[f"{r}__flag"].isna()).to_numpy()
            population = rows[["population_total", "population_female"]].notna().all(axis=1).to_numpy()
            for n in np.flatnonzero(withheld & counts_shown & population):
                x = rows.iloc[n]
                found.append(f"{variant} {r} {x['level']} {x['ags']} {x['period']}: withheld but recomputable from "
                             + ", ".join(f"{c} = {x[c]:g}" for c in rests) + " and the population")
            for n in np.flatnonzero(rate_shown & counts_hidden):
                x = rows.iloc[n]
                found.append(f"{variant} {r} {x['level']} {x['ags']} {x['period']}: shown ({x[r]:g}) although "
                             + ", ".join(f"{c} is {x[f'{c}__flag']}" for c in rests if pd.notna(x[f"{c}__flag"])))
    return found


def rounding_findings(published: dict) -> list[str]:
    """Values more precise than displayed: catalogue columns beyond their ``decimals``, others not whole."""
    found = []
    for col, series in published["figures"].items():
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        decimals = CATALOGUE[col].decimals if col in CATALOGUE else 0
        x = series.dropna().to_numpy(dtype=float) * 10.0 ** decimals
        bad = np.abs(x - np.round(x)) > 1e-6 * np.maximum(1, np.abs(x))
        if bad.any():
            found.append(f"{col}: {int(bad.sum())} values with more than {decimals} decimals, e.g. "
                         f"{series.dropna().to_numpy()[bad][0]!r}")
    return found


def pinned(system: System, lo: np.ndarray, hi: np.ndarray) -> list[str]:
    """The unknowns whose propagated bounds meet, with the relations they take part in."""
    return [f"{system.labels[j]}: bounds [{lo[j]:g}, {hi[j]:g}] (true {system.truth[j]:g}) via "
            f"{system.relations_of(j)}" for j in np.flatnonzero(lo == hi)]


def attack_all(system: System, lp_size: int, milp_size: int, seed: int) -> dict[str, list[str]]:
    """Attacks 1–3 on one system: single unknowns to a fixpoint, interval propagation, LP and MILP ranges."""
    must = np.flatnonzero(system.var_changed)
    out = {"model": list(system.problems), "variants": list(system.leaks)}
    out["single unknown"] = single_unknowns(system)
    lo, hi, rounds = propagate(system)
    out["intervals"] = pinned(system, lo, hi)
    out["model"] += [f"{system.labels[j]}: true {system.truth[j]:g} outside the propagated [{lo[j]:g}, {hi[j]:g}]"
                     for j in np.flatnonzero((system.truth < lo) | (system.truth > hi))]
    out["lp"], out["lp cells"] = lp_attack(system, lp_size, seed, must=must)
    out["milp"], out["milp cells"] = lp_attack(system, milp_size, seed + 1, integer=True, must=must)
    return out


def report(results: dict[str, list[str]]) -> str:
    lines = []
    for name, found in results.items():
        if isinstance(found, list) and found:
            lines.append(f"{name}: {len(found)} finding(s)")
            lines += [f"  {x}" for x in found[:15]]
    return "\n".join(lines)


# --- the releases attacked ----------------------------------------------------------------------------------------


@dataclass
class Scenario:
    """Releases of one working store, each with the true counts at the time it was made (checks only)."""

    db: Path
    releases: list[Path]
    truths: list[pd.DataFrame]
    refused: str = ""  # why a release of this scenario could not be made (nothing to attack then)

    def snapshots(self) -> tuple[Layout, list[Snapshot], list[dict]]:
        published = [read_release(p) for p in self.releases]
        layout = Layout.of([p["figures"] for p in published])
        snaps = [snapshot(p, layout, true_grid(t, layout), f"release {p['info']['number']}")
                 for p, t in zip(published, self.truths)]
        return layout, snaps, published


def _folder(db: Path) -> Path:
    return db.with_name(f"{db.stem}-releases")


def _release(scenario: Scenario) -> None:
    if scenario.refused:
        return
    try:
        made = release.build(author="attack", db_path=scenario.db, folder=_folder(scenario.db))
    except disclosure.DisclosureError as exc:
        scenario.refused = f"release {len(scenario.releases) + 1} refused: {exc}"
        return
    scenario.releases.append(Path(made["path"]))
    scenario.truths.append(true_frame(scenario.db))


def _copy(base: Scenario, folder: Path) -> Scenario:
    return Scenario(copy_store(base.db, folder / "monitor.duckdb"), list(base.releases), list(base.truths))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Scenario:
    """The demo data (2019-Q1 … 2026-Q3, every Kreis, Land and Germany) and its first release."""
    db = tmp_path_factory.mktemp("attack") / "monitor.duckdb"
    assert build_demo(db)["status"] == "loaded"
    scenario = Scenario(db, [], [])
    _release(scenario)
    assert not scenario.refused, scenario.refused
    return scenario


@pytest.fixture(scope="module")
def first(demo):
    layout, snaps, published = demo.snapshots()
    return layout, snaps[0], published[0]


@pytest.fixture(scope="module")
def one_release(first) -> System:
    layout, snap, _ = first
    return build_system(layout, [snap])


@pytest.fixture(scope="module")
def again(demo, tmp_path_factory) -> Scenario:
    """A second release of the same store, nothing loaded in between."""
    scenario = _copy(demo, tmp_path_factory.mktemp("again"))
    _release(scenario)
    return scenario


@pytest.fixture(scope="module")
def undone(demo, tmp_path_factory) -> Scenario:
    """A second release after undoing one demo batch (the police reports of 2025) with ``etl.loader.undo``."""
    scenario = _copy(demo, tmp_path_factory.mktemp("undone"))
    with store.connect(scenario.db, write=True) as con:
        (batch,) = con.execute("SELECT batch_id FROM batches WHERE dataset = 'police' "
                               "AND file_name LIKE '%2025%' AND status = 'active'").fetchone()
        loader.undo(con, batch, user="attack")
    _release(scenario)
    return scenario


CORRECTED = ("2025-Q2", "police", "high_risk_cases", "police_high_risk_cases", 2, 0)


@pytest.fixture(scope="module")
def corrected(demo, tmp_path_factory) -> Scenario:
    """A Land corrects one Kreis quarter (two high-risk cases were none) and the correction is undone again:
    the first release, one with the correction, one after ``etl.loader.undo`` of it."""
    quarter, dataset, fld, indicator, before, after = CORRECTED
    folder = tmp_path_factory.mktemp("corrected")
    scenario = _copy(demo, folder)
    truth = scenario.truths[0]
    ags = sorted(truth.loc[(truth["level"] == "kreis") & (truth["period"] == quarter)
                           & (truth[indicator] == before), "ags"])[0]
    with store.connect(scenario.db) as con:
        rows = con.execute(f"SELECT * FROM {dataset}_current WHERE quarter = ? AND ags = ?", [quarter, ags]).df()
        regions = RegionIndex.from_db(con)
    rows = rows[list(datasets.get(dataset).fields)].assign(**{fld: after})
    workbook = write_workbook(dataset, rows, folder / f"korrektur_{ags}_{quarter}.xlsx", regions=regions,
                              today=config.today())
    outcome = loader.load_files([workbook], user="attack", replace=True, db_path=scenario.db)
    assert outcome.ok, outcome.as_json()
    _release(scenario)
    with store.connect(scenario.db, write=True) as con:
        loader.undo(con, outcome.batch_ids[0], user="attack")
    _release(scenario)
    return scenario


# --- the tests ----------------------------------------------------------------------------------------------------


def _no_model_errors(system: System) -> None:
    """The attacks' relations hold in the data and the shown values are the true ones (else they prove nothing)."""
    assert system.problems == [], "\n".join(system.problems)
    assert system.n > 1000, "the release hides next to nothing: the attacks would have nothing to attack"


def test_single_unknown_relations_give_nothing_away(one_release):
    """Attack 1 — single unknowns: every published relation (Land = Σ Kreise, Germany = Σ Länder, year = Σ
    quarters) with exactly one hidden cell gives that cell away; substitute every value found and repeat until
    nothing more follows. No hidden count may be found this way, and no count may be hidden in one variant but
    shown in another."""
    _no_model_errors(one_release)
    found = one_release.leaks + single_unknowns(one_release)
    assert not found, f"{len(found)} hidden counts recovered:\n" + "\n".join(found[:20])


def test_interval_propagation_narrows_no_cell_to_one_value(one_release):
    """Attack 2 — interval propagation: every hidden cell starts from what its mark tells ("< 3": 0 … 2,
    "•": 3 … ∞); each relation (sums, part ≤ whole) bounds each of its cells by what the others can add up to,
    with integer rounding, until no bound moves. No cell may end with lower bound = upper bound, and every
    bound must contain the true value (else the attack's model would be wrong)."""
    _no_model_errors(one_release)
    lo, hi, rounds = propagate(one_release)
    wrong = np.flatnonzero((one_release.truth < lo) | (one_release.truth > hi))
    assert not len(wrong), [one_release.labels[j] for j in wrong[:10]]
    found = pinned(one_release, lo, hi)
    assert not found, f"{len(found)} of {one_release.n} hidden counts pinned after {rounds} rounds:\n" + \
        "\n".join(found[:20])


def test_linear_programming_leaves_every_sampled_cell_a_range(one_release):
    """Attack 3 — linear programming: for a seeded sample of hidden counts spread over indicators, levels,
    quarters and years, minimise and maximise the cell with ``linprog`` (HiGHS) under every relation of its
    family of indicators (the indicator with its parts and wholes) in its year — regional sums, year = Σ
    quarters, part ≤ whole — and the marks' intervals; shown cells are constants. The range must be at least
    1. Then the same with ``milp`` and integer cells on a smaller sample: two different feasible integers."""
    _no_model_errors(one_release)
    picked = sample(one_release, LP_SAMPLE, SEED)
    hidden_indicators = set(one_release.var_indicator.tolist())
    assert set(one_release.var_indicator[picked].tolist()) == hidden_indicators
    assert {"kreis", "land"} <= set(one_release.var_level[picked].tolist())
    assert {True, False} == set(one_release.var_is_year[picked].tolist())
    assert len(set(one_release.var_year[picked].tolist())) >= 5
    found, attacked = lp_attack(one_release, LP_SAMPLE, SEED)
    found_int, attacked_int = lp_attack(one_release, MILP_SAMPLE, SEED + 1, integer=True)
    assert attacked >= LP_SAMPLE and attacked_int >= MILP_SAMPLE
    assert not found + found_int, "\n".join((found + found_int)[:20])


def test_rates_are_not_recomputable_and_nothing_is_more_precise_than_shown(first):
    """Attack 4 — rates: a withheld rate ("–") whose counts (``rests_on``) and population are all shown could
    be recomputed; a shown rate resting on a hidden count would give the count back (rate × population or
    × the shown base). Neither may occur, in any variant. And every published number carries at most the
    decimals it is displayed with (catalogue ``decimals``; other numeric columns whole numbers)."""
    _, _, published = first
    found = rate_findings(published) + rounding_findings(published)
    assert not found, f"{len(found)} findings:\n" + "\n".join(found[:20])


@pytest.mark.parametrize("scenario", ["again", "undone", "corrected"])
def test_two_releases_together_give_nothing_away(scenario, request):
    """Attack 5 — several releases: attacks 1–3 on the combined knowledge of the releases of one store — a
    second release with nothing loaded in between (``again``), one after undoing a demo batch (``undone``),
    and a correction of one Kreis quarter released and then undone (``corrected``: three releases). A cell
    shown in any release is known; a hidden cell whose value did not change is one unknown in the relations
    of every release (a reader sees which figures changed); a changed one is a new unknown. The LP samples
    lead with the hidden cells whose value changed (up to half of each sample)."""
    releases = request.getfixturevalue(scenario)
    if releases.refused:
        pytest.fail(f"{scenario}: nothing to attack, the product could not make the release: {releases.refused}")
    layout, snaps, _ = releases.snapshots()
    system = build_system(layout, snaps)
    _no_model_errors(system)
    results = attack_all(system, LP_SAMPLE_PAIR, MILP_SAMPLE_PAIR, SEED + 2)
    assert results["lp cells"] >= LP_SAMPLE_PAIR and results["milp cells"] >= MILP_SAMPLE_PAIR
    assert all(not found for found in results.values() if isinstance(found, list)), report(results)


def test_the_release_file_carries_nothing_that_sharpens_the_marks(first, tmp_path):
    """Attack 6 — everything else in the file: a count of primary cells per indicator (the information loss)
    would tell where no "< 3" is a hidden 0 and narrow each to 1 … 2; a count of changed cells would tell that
    a hidden cell was corrected. The file holds only figures and public reference data; the loss and the change
    counts are in the release's internal sidecar, which ``python -m etl publish`` does not copy."""
    _layout, _snap, published = first
    tables = set(published["tables"])
    assert tables <= {"release_info", "figures", "regions", "region_changes_current", "targets_current",
                      "annotations_current"}, tables
    changes = json.loads(published["info"]["changes"])
    assert set(changes) <= {"first", "periods", "new_periods", "batches_added", "batches_removed"}, changes
    sidecar = release.internal_path(published["path"])
    assert {"loss", "changes"} <= set(json.loads(sidecar.read_text(encoding="utf-8")))
    target = tmp_path / "public"
    publish(target, folder=published["path"].parent)
    assert sorted(p.name for p in target.iterdir()) == ["LATEST", published["path"].name]
