"""Disclosure control for a release: which counts are hidden, and for each hidden count a proof that it stays hidden.

The cells are the counts of persons or cases (``Indicator.count_like``) for every region (Kreis, Land,
Germany) and published period (quarters and complete years). Published together they are linked:

* regions: a Land is the sum of its Kreise, Germany the sum of the Länder (per indicator and period);
* time: a year is the sum of its quarters (per indicator and region);
* parts: a part is at most its whole ("davon" columns: turn-aways for lack of space ≤ turn-aways, …).

**Primary** cells are counts from 1 to ``min_count − 1``. Cells that must be hidden for other reasons come in as
``forced`` (the events of a rate withheld for resting on too few events, so that the rate cannot be
recomputed; cells hidden in an earlier release). **Secondary** (complementary) cells are added so that no
hidden cell can be worked out from what is shown. Marks tell a reader only this: "< 3" is a count from 0 to 2
(a primary, or a 0 hidden to protect one — marking such a 0 "•" would give it away, since "•" is never
below 3), "•" a hidden count of 3 or more; every hidden rate carries the same mark "–" whatever the reason, so
that a rate's mark never tells on which side of ``min_events`` its events lie.

The guarantee is checked, not assumed: for every hidden cell the engine keeps a *certificate*, a change
``y`` of some hidden cells (the cell itself included, ``y ≠ 0`` there) that keeps every published sum
(``A·y = 0``) and every part ≤ whole, moves no shown cell, and keeps each moved cell within what a reader
can know about it from its mark (a "< 3" is 1 or 2; a secondary is not 1 or 2; …). Such a table is as
consistent with everything published as the true one, so the hidden value is neither derivable nor narrowed
to a single value. ``audit`` re-checks every certificate against every relation independently of how it was
found; a release is written only when the audit is empty.

How certificates are found: mostly by the classic patterns of hierarchical tables (two Kreise of a Land in two
quarters or in a quarter and the year; through the Land and another Land; through Germany), chosen at the
least cost of newly hidden cells, which keeps the information loss small; where no pattern fits, a small
mixed-integer programme (HiGHS via ``scipy.optimize.milp``) over the indicator's whole table for that year
finds one. Costs prefer hiding a Kreis quarter over a Kreis year over a Land figure over a German total.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

KREIS, LAND, BUND = 0, 1, 2
SHOWN, PRIMARY, SECONDARY = 0, 1, 2
INF = float("inf")
# the cost of hiding one more cell, by level and period kind: totals inform more readers than a Kreis quarter
COST = {(KREIS, False): 1.0, (KREIS, True): 1.5, (LAND, False): 3.0, (LAND, True): 4.5,
        (BUND, False): 20.0, (BUND, True): 30.0}


class DisclosureError(RuntimeError):
    """A hidden count could not be protected (message in German); the release is not written."""


@dataclass(frozen=True)
class Rules:
    """The primary rule: counts 1 … ``min_count − 1`` are hidden; rates on fewer than ``min_events`` events too."""

    min_count: int
    min_events: int


@dataclass
class Layout:
    """Rows (regions) and columns (periods) shared by every indicator's table.

    ``row_level``: KREIS, LAND or BUND; ``row_parent``: the row of the Land (for a Kreis) or of Germany (for a
    Land), -1 for Germany. ``col_year``: the calendar year of a column; ``col_is_year``: the column is that
    year's total (present only for complete years).
    """

    rows: list[str]
    row_level: np.ndarray
    row_parent: np.ndarray
    cols: list[str]
    col_year: np.ndarray
    col_is_year: np.ndarray
    children: list[np.ndarray] = field(init=False)
    year_col: dict[int, int] = field(init=False)
    quarter_cols: dict[int, np.ndarray] = field(init=False)

    def __post_init__(self):
        self.row_level = np.asarray(self.row_level, dtype=np.int8)
        self.row_parent = np.asarray(self.row_parent, dtype=np.int64)
        self.col_year = np.asarray(self.col_year, dtype=np.int64)
        self.col_is_year = np.asarray(self.col_is_year, dtype=bool)
        n = len(self.rows)
        self.children = [np.flatnonzero(self.row_parent == r) for r in range(n)]
        self.year_col = {int(self.col_year[t]): t for t in np.flatnonzero(self.col_is_year)}
        self.quarter_cols = {int(y): np.flatnonzero((self.col_year == y) & ~self.col_is_year)
                             for y in np.unique(self.col_year)}

    @property
    def germany(self) -> int:
        return int(np.flatnonzero(self.row_level == BUND)[0])


@dataclass
class Certificate:
    """A change of hidden cells that keeps everything published: per indicator the cells (row, col) and steps."""

    moves: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]  # (indicator, rows, cols, steps)

    def steps_of(self, indicator: int, shape: tuple[int, int]) -> np.ndarray:
        y = np.zeros(shape, dtype=np.int64)
        for i, rows, cols, steps in self.moves:
            if i == indicator:
                y[rows, cols] += steps
        return y

    @property
    def indicators(self) -> set[int]:
        return {i for i, *_ in self.moves}


@dataclass
class Result:
    flags: np.ndarray  # (indicators, rows, cols): SHOWN, PRIMARY or SECONDARY; missing cells SHOWN
    certificates: list[Certificate]
    milp_used: int  # how many certificates needed the mixed-integer programme


def _priors(v: np.ndarray, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows of a hidden cell from its mark, by its value: (lowest, highest) possible value.

    "< 3" (a primary, or a 0 hidden to protect one) is 0 … m-1; "•" (a hidden count of m or more) is at least
    m. Hidden rates all carry one mark, whatever the reason, so a rate's mark tells nothing about its events.
    """
    m = rules.min_count
    return np.where(v < m, 0.0, float(m)), np.where(v < m, m - 1.0, INF)


class Suppressor:
    """Secondary suppression over the linked tables of the count indicators.

    ``values``: (indicators, rows, cols), NaN where not reported. ``part_of[i]``: the indicator whose part ``i``
    is (-1: none). ``forced``: cells to hide whatever their value (the events of a rate withheld for resting
    on too few events; cells hidden in an earlier release). ``known``: cells a reader already knows exactly
    (published before with the same value); they can hide nothing.
    """

    def __init__(self, layout: Layout, values: np.ndarray, rules: Rules, *, part_of: list[int],
                 forced: np.ndarray | None = None, known: np.ndarray | None = None, names: list[str] | None = None):
        self.L = layout
        self.rules = rules
        self.present = ~np.isnan(values)
        self.v = np.where(self.present, values, 0.0)
        self.part_of = list(part_of)
        self.parts = [[p for p, w in enumerate(part_of) if w == i] for i in range(values.shape[0])]
        self.names = names or [str(i) for i in range(values.shape[0])]
        self.forced = np.zeros(values.shape, bool) if forced is None else forced & self.present
        self.known = np.zeros(values.shape, bool) if known is None else known & self.present
        m = rules.min_count
        self.primary = self.present & (self.v > 0) & (self.v < m)
        self.hidden = self.primary | self.forced
        self.lo, self.hi = _priors(self.v, rules)
        # where part ≤ whole holds in the data (a reader may assume it there)
        self.holds = {p: self.present[p] & self.present[w] & (self.v[p] <= self.v[w])
                      for p, w in enumerate(part_of) if w >= 0}
        self.base_cost = np.array([[COST[(int(lv), bool(iy))] for iy in layout.col_is_year]
                                   for lv in layout.row_level])
        # a smaller value is a smaller loss: a tie-break, far below one cell's cost
        self.tie = 1e-4 * np.log1p(self.v)
        self.certificates: list[Certificate] = []
        self.milp_used = 0
        self._land_rows = np.flatnonzero(layout.row_level == LAND)

    # --- the published relations -----------------------------------------------------------------------

    def check_relations(self) -> None:
        """The sums the engine relies on must hold in the data (else its guarantee would be void)."""
        L = self.L
        for i in range(self.v.shape[0]):
            for p in range(len(L.rows)):
                kids = L.children[p]
                if not len(kids):
                    continue
                sums = (self.v[i][kids] * self.present[i][kids]).sum(axis=0)
                bad = self.present[i, p] & (np.abs(sums - self.v[i, p]) > 1e-6)
                if bad.any():
                    t = int(np.flatnonzero(bad)[0])
                    raise DisclosureError(
                        f"{self.names[i]}: {L.rows[p]} {L.cols[t]} ist nicht die Summe seiner Teilgebiete "
                        f"({self.v[i, p, t]:g} ≠ {sums[t]:g}); die Geheimhaltung setzt das voraus.")
            for year, yc in L.year_col.items():
                qs = L.quarter_cols[year]
                sums = (self.v[i][:, qs] * self.present[i][:, qs]).sum(axis=1)
                bad = self.present[i, :, yc] & (np.abs(sums - self.v[i, :, yc]) > 1e-6)
                if bad.any():
                    r = int(np.flatnonzero(bad)[0])
                    raise DisclosureError(
                        f"{self.names[i]}: {L.rows[r]} {year} ist nicht die Summe seiner Quartale "
                        f"({self.v[i, r, yc]:g} ≠ {sums[r]:g}); die Geheimhaltung setzt das voraus.")

    # --- moving cells -----------------------------------------------------------------------------------

    def _movable(self, group: tuple[int, ...], sign: int) -> np.ndarray:
        """(rows, cols): cells where every indicator of ``group`` may change by ``sign`` together.

        Moving together keeps part ≤ whole inside the group; against a part or whole outside it the cell needs room.
        """
        ok = np.ones(self.v.shape[1:], bool)
        for i in group:
            new = self.v[i] + sign
            ok &= self.present[i] & ~self.known[i] & (new >= self.lo[i]) & (new <= self.hi[i])
            whole = self.part_of[i]
            if whole >= 0 and whole not in group and sign > 0:
                ok &= ~self.holds[i] | (new <= self.v[whole])
            if sign < 0:
                for part in self.parts[i]:
                    if part not in group:
                        ok &= ~self.holds[part] | (new >= self.v[part])
        return ok

    def _cost(self, group: tuple[int, ...]) -> np.ndarray:
        return sum(np.where(self.hidden[i], 0.0, self.base_cost + self.tie[i]) for i in group)

    def _family(self, i: int) -> tuple[int, ...]:
        """``i`` with its whole and every part of that whole (or of ``i``): all that part ≤ whole ties to it."""
        top = self.part_of[i] if self.part_of[i] >= 0 else i
        return tuple(sorted({top, *self.parts[top], i}))

    def _groups(self, i: int, r: int, t: int) -> list[tuple[int, ...]]:
        """The sets of indicators to try moving together, smallest first: ``i`` alone, with what equals it at
        (r, t), with each partner, then its whole family (a part that equals its whole in another quarter of
        the pattern must move with it there too)."""
        out = [(i,), self._group(i, r, t)]
        linked = list(self.parts[i]) + ([self.part_of[i]] if self.part_of[i] >= 0 else [])
        out += [tuple(sorted((i, j))) for j in linked]
        out.append(self._family(i))
        return list(dict.fromkeys(out))

    def _group(self, i: int, r: int, t: int) -> tuple[int, ...]:
        """``i`` with the parts and wholes that are equal to it at (r, t), transitively: they must move with it."""
        group, todo = {i}, [i]
        while todo:
            k = todo.pop()
            linked = list(self.parts[k]) + ([self.part_of[k]] if self.part_of[k] >= 0 else [])
            for j in linked:
                if j not in group and self.present[j, r, t] and self.v[j, r, t] == self.v[k, r, t]:
                    group.add(j)
                    todo.append(j)
        return tuple(sorted(group))

    def _search(self, group: tuple[int, ...], r: int, t: int) -> Certificate | None:
        """The cheapest pattern certificate moving cell (r, t) of every indicator in ``group``, or None."""
        L = self.L
        mov = {+1: self._movable(group, +1), -1: self._movable(group, -1)}
        cost = self._cost(group)
        present = np.logical_and.reduce([self.present[i] for i in group])
        year = int(L.col_year[t])
        if L.col_is_year[t]:
            options = [(q, +1) for q in L.quarter_cols[year] if present[r, q]]
        elif year in L.year_col:
            yc = L.year_col[year]
            options = [(q, -1) for q in L.quarter_cols[year] if q != t and present[r, q]]
            if present[r, yc]:
                options.append((yc, +1))
        else:
            options = [(None, 0)]
        best = None
        best_cols = None
        for s in (+1, -1):
            if not mov[s][r, t]:
                continue
            for t2, rel in options:
                s2 = s * rel
                if t2 is not None and not mov[s2][r, t2]:
                    continue

                def rows_ok(sigma: int, s=s, t2=t2, s2=s2) -> np.ndarray:
                    ok = mov[sigma * s][:, t]
                    if t2 is not None:
                        ok = ok & mov[sigma * s2][:, t2]
                    return ok

                row_cost = cost[:, t] + (cost[:, t2] if t2 is not None else 0.0)
                found = self._row_pattern(r, rows_ok, row_cost)
                if found is not None and (best is None or found[0] < best[0]):
                    best, best_cols = found, (s, t2, s2)
        if best is None:
            return None
        s, t2, s2 = best_cols
        rows, cols, steps = [], [], []
        for row, sigma in best[1]:
            rows.append(row)
            cols.append(t)
            steps.append(sigma * s)
            if t2 is not None:
                rows.append(row)
                cols.append(t2)
                steps.append(sigma * s2)
        rows_a, cols_a, steps_a = np.array(rows), np.array(cols), np.array(steps, dtype=np.int64)
        return Certificate([(i, rows_a, cols_a, steps_a) for i in group])

    def _row_pattern(self, r: int, rows_ok, row_cost: np.ndarray) -> tuple[float, list[tuple[int, int]]] | None:
        """Rows that move with row ``r`` so that every regional sum stays: [(row, +1 same way / -1 against)]."""
        L = self.L
        c_up = np.where(rows_ok(+1), row_cost, INF)
        c_down = np.where(rows_ok(-1), row_cost, INF)
        level = L.row_level[r]
        de = L.germany
        candidates: list[tuple[float, list[tuple[int, int]]]] = []

        def best_child(parent: int, costs: np.ndarray, exclude: int = -1) -> tuple[float, int]:
            kids = L.children[parent]
            kids = kids[kids != exclude]
            if not len(kids):
                return INF, -1
            j = int(np.argmin(costs[kids]))
            return float(costs[kids][j]), int(kids[j])

        def other_land(exclude: int) -> tuple[float, int, int]:
            """The cheapest other Land moving against, with one of its Kreise moving against too."""
            best = (INF, -1, -1)
            for land in self._land_rows:
                if land == exclude or c_down[land] == INF:
                    continue
                kc, k = best_child(int(land), c_down)
                if k >= 0 and c_down[land] + kc < best[0]:
                    best = (c_down[land] + kc, int(land), k)
            return best

        if level == KREIS:
            land = int(L.row_parent[r])
            kc, k = best_child(land, c_down, exclude=r)
            if k >= 0:
                candidates.append((row_cost[r] + kc, [(r, +1), (k, -1)]))
            if c_up[land] < INF:
                oc, ol, ok_ = other_land(land)
                if ol >= 0:
                    candidates.append((row_cost[r] + c_up[land] + oc, [(r, +1), (land, +1), (ol, -1), (ok_, -1)]))
                if c_up[de] < INF:
                    candidates.append((row_cost[r] + c_up[land] + c_up[de], [(r, +1), (land, +1), (de, +1)]))
        elif level == LAND:
            kc, k = best_child(r, c_up)
            if k >= 0:
                oc, ol, ok_ = other_land(r)
                if ol >= 0:
                    candidates.append((row_cost[r] + kc + oc, [(r, +1), (k, +1), (ol, -1), (ok_, -1)]))
                if c_up[de] < INF:
                    candidates.append((row_cost[r] + kc + c_up[de], [(r, +1), (k, +1), (de, +1)]))
        else:
            best = (INF, -1, -1)
            for land in self._land_rows:
                if c_up[land] == INF:
                    continue
                kc, k = best_child(int(land), c_up)
                if k >= 0 and c_up[land] + kc < best[0]:
                    best = (c_up[land] + kc, int(land), k)
            if best[1] >= 0:
                candidates.append((row_cost[r] + best[0], [(r, +1), (best[1], +1), (best[2], +1)]))
        candidates = [c for c in candidates if c[0] < INF]
        return min(candidates, key=lambda c: c[0]) if candidates else None

    # --- the fallback: a mixed-integer programme over the group's tables for one year ----------------------

    def _milp(self, group: tuple[int, ...], target: tuple[int, int, int]) -> Certificate | None:
        """A least-cost certificate moving ``target`` (indicator, row, col), found by HiGHS, or None."""
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import lil_matrix

        L = self.L
        ti, tr, tt = target
        year = int(L.col_year[tt])
        cols = list(L.quarter_cols[year]) + ([L.year_col[year]] if year in L.year_col else [])
        cells = [(i, rr, c) for i in group for rr in range(len(L.rows)) for c in cols if self.present[i, rr, c]]
        index = {c: k for k, c in enumerate(cells)}
        n = len(cells)
        ii = np.array([c[0] for c in cells])
        rr_ = np.array([c[1] for c in cells])
        cc = np.array([c[2] for c in cells])
        v = self.v[ii, rr_, cc]
        cap = 3.0  # a step of a few units is always enough; keeps the programme small
        up = np.clip(self.hi[ii, rr_, cc] - v, 0, cap)
        down = np.clip(v - self.lo[ii, rr_, cc], 0, cap)
        # part ≤ whole against indicators outside the group: room as bounds
        for k, (i, rr, c) in enumerate(cells):
            whole = self.part_of[i]
            if whole >= 0 and whole not in group and self.holds[i][rr, c]:
                up[k] = min(up[k], self.v[whole, rr, c] - v[k])
            for part in self.parts[i]:
                if part not in group and self.holds[part][rr, c]:
                    down[k] = min(down[k], v[k] - self.v[part, rr, c])
        fixed = self.known[ii, rr_, cc]
        up = np.where(fixed, 0, up)
        down = np.where(fixed, 0, down)
        cost = np.array([self._cost((i,))[rr, c] for i, rr, c in cells])
        hidden = self.hidden[ii, rr_, cc]
        equalities, inequalities = [], []
        for i in group:
            for p in range(len(L.rows)):
                kids = L.children[p]
                for c in cols:
                    if (i, p, c) in index:
                        terms = [(index[(i, p, c)], 1.0)] + [(index[(i, k, c)], -1.0) for k in kids
                                                              if (i, k, c) in index]
                        if len(terms) > 1:
                            equalities.append(terms)
            if year in L.year_col:
                yc = L.year_col[year]
                for rr in range(len(L.rows)):
                    if (i, rr, yc) in index:
                        equalities.append([(index[(i, rr, yc)], 1.0)] + [(index[(i, rr, q)], -1.0)
                                                                         for q in L.quarter_cols[year]
                                                                         if (i, rr, q) in index])
        for part in group:
            whole = self.part_of[part]
            if whole in group:
                for rr in range(len(L.rows)):
                    for c in cols:
                        if self.holds[part][rr, c]:
                            # v_p + y_p <= v_w + y_w
                            inequalities.append(([(index[(part, rr, c)], 1.0), (index[(whole, rr, c)], -1.0)],
                                                 self.v[whole, rr, c] - self.v[part, rr, c]))
        n_con = len(equalities) + len(inequalities) + 2 * n
        a = lil_matrix((n_con, 2 * n))
        lb, ub = [], []
        row = 0
        for terms in equalities:
            for j, coef in terms:
                a[row, j] = coef
            lb.append(0.0)
            ub.append(0.0)
            row += 1
        for terms, limit in inequalities:
            for j, coef in terms:
                a[row, j] = coef
            lb.append(-INF)
            ub.append(float(limit))
            row += 1
        for j in range(n):  # |y| <= cap * z: only hidden (or newly hidden) cells move
            a[row, j], a[row, n + j] = 1.0, -cap
            a[row + 1, j], a[row + 1, n + j] = 1.0, cap
            lb += [-INF, 0.0]
            ub += [0.0, INF]
            row += 2
        constraint = LinearConstraint(a.tocsr(), lb, ub)
        k_target = index[(ti, tr, tt)]
        for s in (+1, -1):
            y_lo, y_hi = -down.astype(float), up.astype(float)
            if (s > 0 and y_hi[k_target] < 1) or (s < 0 and y_lo[k_target] > -1):
                continue
            y_lo[k_target] = y_hi[k_target] = float(s)
            bounds = Bounds(np.concatenate([y_lo, np.where(hidden, 1.0, 0.0)]), np.concatenate([y_hi, np.ones(n)]))
            objective = np.concatenate([np.zeros(n), np.where(hidden, 0.0, cost)])
            res = milp(objective, constraints=constraint, integrality=np.ones(2 * n), bounds=bounds,
                       options={"time_limit": 60})
            if res.status == 0 and res.x is not None:
                y = np.round(res.x[:n]).astype(np.int64)
                moves = []
                for i in group:
                    sel = (ii == i) & (y != 0)
                    if sel.any():
                        moves.append((i, rr_[sel], cc[sel], y[sel]))
                return Certificate(moves)
        return None

    # --- the whole run ------------------------------------------------------------------------------------

    def run(self) -> Result:
        """Hide and certify until every hidden cell has a certificate; returns flags and certificates."""
        self.check_relations()
        covered = np.zeros(self.v.shape, bool)
        todo = list(zip(*np.nonzero(self.hidden)))
        # primaries first, Kreis quarters first: their patterns then also cover many later cells
        todo.sort(key=lambda c: (not self.primary[c], int(self.L.row_level[c[1]]), bool(self.L.col_is_year[c[2]])))
        for cell in todo:
            i, r, t = (int(x) for x in cell)
            if covered[i, r, t]:
                continue
            groups = self._groups(i, r, t)
            cert = None
            for group in groups:
                cert = self._search(group, r, t)
                if cert is not None:
                    break
            if cert is None:
                self.milp_used += 1
                family = groups[-1]
                cert = self._milp((i,), (i, r, t)) or (self._milp(family, (i, r, t)) if family != (i,) else None)
            if cert is None:
                raise DisclosureError(
                    f"{self.names[i]}: {self.L.rows[r]} {self.L.cols[t]} lässt sich nicht sicher verbergen "
                    f"(keine Kombination verborgener Felder schützt es). Bitte die Daten prüfen.")
            for k, rows, cols, _steps in cert.moves:
                self.hidden[k, rows, cols] = True
                covered[k, rows, cols] = True
            self.certificates.append(cert)
        flags = np.where(self.primary, PRIMARY, np.where(self.hidden, SECONDARY, SHOWN)).astype(np.int8)
        return Result(flags, self.certificates, self.milp_used)


def audit(layout: Layout, values: np.ndarray, flags: np.ndarray, certificates: list[Certificate], rules: Rules,
          *, part_of: list[int], known: np.ndarray | None = None) -> list[str]:
    """Every way the published table could give a hidden cell away, checked independently: [] means none.

    Checks that every hidden cell is moved by some certificate, and that each certificate moves only hidden
    cells, keeps every regional and yearly sum, keeps every part ≤ whole, moves no cell a reader knows, and
    keeps each moved cell within what its mark tells a reader ("< 3": 0 … min_count−1; "•": min_count or more).
    """
    problems: list[str] = []
    present = ~np.isnan(values)
    v = np.where(present, values, 0.0)
    lo, hi = _priors(v, rules)
    hidden = flags != SHOWN
    moved = np.zeros(values.shape, bool)
    parent = layout.row_parent
    wholes = {p: w for p, w in enumerate(part_of) if w >= 0}
    for k, cert in enumerate(certificates):
        where = f"certificate {k}"
        steps: dict[tuple[int, int, int], int] = {}
        for i, rows, cols, ys in cert.moves:
            for r, c, y in zip(rows.tolist(), cols.tolist(), ys.tolist()):
                if y:
                    steps[(i, r, c)] = steps.get((i, r, c), 0) + y
        steps = {key: y for key, y in steps.items() if y}
        if not steps:
            problems.append(f"{where}: moves nothing")
            continue
        region_sum: dict[tuple[int, int, int], int] = {}
        year_sum: dict[tuple[int, int, int], int] = {}
        for (i, r, c), y in steps.items():
            if not present[i, r, c]:
                problems.append(f"{where}: moves a missing cell ({i}, {layout.rows[r]}, {layout.cols[c]})")
            if not hidden[i, r, c]:
                problems.append(f"{where}: moves a shown cell ({i}, {layout.rows[r]}, {layout.cols[c]})")
            if known is not None and known[i, r, c]:
                problems.append(f"{where}: moves a cell published before ({i}, {layout.rows[r]}, {layout.cols[c]})")
            if not lo[i, r, c] <= v[i, r, c] + y <= hi[i, r, c]:
                problems.append(f"{where}: ({i}, {layout.rows[r]}, {layout.cols[c]}) leaves what its mark tells")
            if parent[r] >= 0:
                region_sum[(i, int(parent[r]), c)] = region_sum.get((i, int(parent[r]), c), 0) + y
            region_sum.setdefault((i, r, c), 0)
            year = int(layout.col_year[c])
            if year in layout.year_col:
                if layout.col_is_year[c]:
                    year_sum.setdefault((i, r, year), 0)
                else:
                    year_sum[(i, r, year)] = year_sum.get((i, r, year), 0) + y
            moved[i, r, c] = True
        for (i, p, c), kids in region_sum.items():
            if len(layout.children[p]) and present[i, p, c] and steps.get((i, p, c), 0) != kids:
                problems.append(f"{where}: breaks the sum of {layout.rows[p]} {layout.cols[c]} (indicator {i})")
        for (i, r, year), quarters in year_sum.items():
            yc = layout.year_col[year]
            if present[i, r, yc] and steps.get((i, r, yc), 0) != quarters:
                problems.append(f"{where}: breaks the sum of {layout.rows[r]} {year} (indicator {i})")
        for (i, r, c) in steps:
            pairs = ([(i, wholes[i])] if i in wholes else []) + [(p, i) for p, w in wholes.items() if w == i]
            for part, whole in pairs:
                if present[part, r, c] and present[whole, r, c] and v[part, r, c] <= v[whole, r, c]:
                    if v[part, r, c] + steps.get((part, r, c), 0) > v[whole, r, c] + steps.get((whole, r, c), 0):
                        problems.append(f"{where}: a part exceeds its whole at {layout.rows[r]} {layout.cols[c]}")
    uncovered = hidden & ~moved
    if uncovered.any():
        i, r, t = (int(x) for x in np.argwhere(uncovered)[0])
        problems.append(f"{int(uncovered.sum())} hidden cells without certificate, e.g. indicator {i} "
                        f"{layout.rows[r]} {layout.cols[t]}")
    return problems
