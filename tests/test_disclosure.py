"""The disclosure-control engine on small tables worked out by hand (monitor.disclosure).

Each table: Kreise grouped under Länder under Germany (rows), four quarters and their year (columns). A test
builds the values, runs the suppression, and checks what a reader could do with the published cells: the
engine's own audit, and an independent linear-programming attack that minimises and maximises each hidden cell
subject to every published sum and what each mark tells.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from monitor import disclosure as D

RULES = D.Rules(min_count=3, min_events=10)
NAN = np.nan


def layout(laender: dict[str, list[str]], year_published: bool = True) -> D.Layout:
    """Rows: the Kreise of each Land, the Länder, Germany. Columns: 2025-Q1 … Q4 (and 2025)."""
    kreise = [k for ks in laender.values() for k in ks]
    rows = kreise + list(laender) + ["00"]
    land_row = {land: len(kreise) + i for i, land in enumerate(laender)}
    parent = [land_row[land] for land, ks in laender.items() for _ in ks] + [len(rows) - 1] * len(laender) + [-1]
    level = [D.KREIS] * len(kreise) + [D.LAND] * len(laender) + [D.BUND]
    cols = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"] + (["2025"] if year_published else [])
    return D.Layout(rows, level, parent, cols, [2025] * len(cols), [len(c) == 4 for c in cols])


def table(lay: D.Layout, kreise: dict[str, list[float]]) -> np.ndarray:
    """One indicator: Kreis quarters given, Länder, Germany and the year summed."""
    v = np.full((len(lay.rows), len(lay.cols)), NAN)
    quarters = [i for i, c in enumerate(lay.cols) if "Q" in c]
    for name, values in kreise.items():
        v[lay.rows.index(name), quarters] = values
    for level in (D.LAND, D.BUND):
        for r in np.flatnonzero(lay.row_level == level):
            kids = lay.children[r]
            have = ~np.isnan(v[kids])
            v[r] = np.where(have.any(axis=0), np.nansum(v[kids], axis=0), NAN)
    if not all("Q" in c for c in lay.cols):
        yc = lay.cols.index("2025")
        have = ~np.isnan(v[:, quarters])
        v[:, yc] = np.where(have.any(axis=1), np.nansum(v[:, quarters], axis=1), NAN)
    return v


def run(lay, values, **kw) -> D.Result:
    values = values if values.ndim == 3 else values[None]
    part_of = kw.pop("part_of", [-1] * values.shape[0])
    result = D.Suppressor(lay, values, RULES, part_of=part_of, **kw).run()
    assert D.audit(lay, values, result.flags, result.certificates, RULES, part_of=part_of,
                   known=kw.get("known")) == []
    return result


def lp_range(lay: D.Layout, v: np.ndarray, flags: np.ndarray, cell: tuple[int, int]) -> tuple[float, float]:
    """An attacker's linear programme: the smallest and largest value of ``cell`` consistent with everything
    published (shown cells fixed, every sum, hidden cells within what their mark tells)."""
    present = ~np.isnan(v)
    hidden = [(r, c) for r in range(v.shape[0]) for c in range(v.shape[1]) if present[r, c] and flags[r, c]]
    index = {x: i for i, x in enumerate(hidden)}
    bounds = [(0, RULES.min_count - 1) if v[x] < RULES.min_count else (RULES.min_count, None) for x in hidden]
    a_eq, b_eq = [], []

    def equation(total: tuple[int, int], parts: list[tuple[int, int]]) -> None:
        cells = [(total, 1.0)] + [(p, -1.0) for p in parts]
        row, const = np.zeros(len(hidden)), 0.0
        for x, coef in cells:
            if x in index:
                row[index[x]] += coef
            else:
                const -= coef * v[x]
        if row.any():
            a_eq.append(row)
            b_eq.append(const)

    for p in range(len(lay.rows)):
        for c in range(len(lay.cols)):
            kids = [(k, c) for k in lay.children[p] if present[k, c]]
            if kids and present[p, c]:
                equation((p, c), kids)
    for year, yc in lay.year_col.items():
        for r in range(len(lay.rows)):
            if present[r, yc]:
                equation((r, yc), [(r, q) for q in lay.quarter_cols[year] if present[r, q]])
    objective = np.zeros(len(hidden))
    objective[index[cell]] = 1
    lo = linprog(objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
    hi = linprog(-objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
    assert lo.status == 0 and hi.status == 0
    return lo.fun, -hi.fun


def test_a_small_count_gets_complements_and_stays_hidden_from_an_lp_attack():
    lay = layout({"01": ["01001", "01002", "01003"], "02": ["02001", "02002"]})
    v = table(lay, {"01001": [2, 5, 7, 4], "01002": [10, 12, 9, 11], "01003": [6, 6, 6, 6],
                    "02001": [20, 21, 22, 23], "02002": [8, 9, 10, 11]})
    result = run(lay, v)
    flags = result.flags[0]
    r, c = lay.rows.index("01001"), 0
    assert flags[r, c] == D.PRIMARY
    assert (flags == D.SECONDARY).sum() >= 3, "a rectangle of complements at least"
    # Land 01 minus its other Kreise, the year minus its other quarters: neither gives the 2 back
    for x in zip(*np.nonzero(flags)):
        lo, hi = lp_range(lay, v, flags, x)
        assert lo <= v[x] <= hi and hi - lo >= 1, (lay.rows[x[0]], lay.cols[x[1]], lo, hi)


def test_the_audit_refuses_a_certificate_that_breaks_a_sum():
    lay = layout({"01": ["01001", "01002"], "02": ["02001"]})
    v = table(lay, {"01001": [1, 5, 7, 4], "01002": [10, 12, 9, 11], "02001": [20, 21, 22, 23]})
    result = run(lay, v)
    cert = result.certificates[0]
    i, rows, cols, steps = cert.moves[0]
    broken = D.Certificate([(i, rows, cols, np.where(np.arange(len(steps)) == 0, steps * 2, steps))])
    problems = D.audit(lay, v[None], result.flags, [broken, *result.certificates[1:]], RULES, part_of=[-1])
    assert any("breaks the sum" in p or "leaves what its mark tells" in p for p in problems)
    assert any("without certificate" in p for p in D.audit(lay, v[None], result.flags, [], RULES, part_of=[-1]))


def test_a_kreis_that_is_its_own_land_is_protected_through_another_land():
    # Berlin and Hamburg: one Kreis, so the Land shows the same small count; both are protected together
    lay = layout({"11": ["11000"], "02": ["02000"], "03": ["03001", "03002"]})
    v = table(lay, {"11000": [1, 4, 5, 6], "02000": [9, 8, 7, 6], "03001": [5, 5, 5, 5], "03002": [7, 7, 7, 7]})
    result = run(lay, v)
    flags = result.flags[0]
    assert flags[lay.rows.index("11000"), 0] == D.PRIMARY and flags[lay.rows.index("11"), 0] == D.PRIMARY
    for x in zip(*np.nonzero(flags)):
        lo, hi = lp_range(lay, v, flags, x)
        assert hi - lo >= 1


def test_marks_carry_knowledge_a_zero_hidden_beside_small_counts_is_marked_small():
    # 1 + 1 + 0 + 0 = 2: with "< 3" meaning 1 or 2 the year would give both quarters away; a "< 3" that may be 0
    # lets the first quarter be 2 and the second 0
    lay = layout({"01": ["01001", "01002"], "02": ["02001"]})
    v = table(lay, {"01001": [1, 1, 0, 0], "01002": [6, 8, 9, 7], "02001": [20, 21, 22, 23]})
    result = run(lay, v)
    flags = result.flags[0]
    assert flags[lay.rows.index("01001"), lay.cols.index("2025")] == D.PRIMARY
    for x in zip(*np.nonzero(flags)):
        lo, hi = lp_range(lay, v, flags, x)
        assert hi - lo >= 1


def test_parts_and_wholes_move_together_when_they_are_equal():
    # turn-aways 2, of which 2 for lack of space: the part may not exceed the whole in any alternative
    lay = layout({"01": ["01001", "01002", "01003"], "02": ["02001"]})
    whole = table(lay, {"01001": [2, 6, 7, 4], "01002": [10, 12, 9, 11], "01003": [5, 6, 7, 8],
                        "02001": [20, 21, 22, 23]})
    part = table(lay, {"01001": [2, 3, 3, 1], "01002": [5, 6, 5, 6], "01003": [4, 4, 4, 4],
                       "02001": [10, 10, 10, 10]})
    values = np.stack([whole, part])
    result = run(lay, values, part_of=[-1, 0])
    assert result.flags[0, 0, 0] == D.PRIMARY and result.flags[1, 0, 0] == D.PRIMARY
    moving_both = [c for c in result.certificates if c.indicators == {0, 1}]
    assert moving_both, "the equal part and whole are certified by one change of both"


def test_known_cells_are_never_moved_and_forced_cells_are_hidden():
    lay = layout({"01": ["01001", "01002", "01003"], "02": ["02001", "02002"]})
    v = table(lay, {"01001": [2, 5, 7, 4], "01002": [10, 12, 9, 11], "01003": [6, 6, 6, 6],
                    "02001": [20, 21, 22, 23], "02002": [8, 9, 10, 11]})
    known = np.zeros((1, *v.shape), bool)
    known[0, lay.rows.index("01002")] = True  # published before: an attacker knows this row
    forced = np.zeros((1, *v.shape), bool)
    forced[0, lay.rows.index("02002"), 1] = True  # e.g. the events of a withheld rate
    result = run(lay, v, known=known, forced=forced)
    assert result.flags[0, lay.rows.index("02002"), 1] != D.SHOWN
    for cert in result.certificates:
        for _i, rows, _cols, _steps in cert.moves:
            assert lay.rows.index("01002") not in rows.tolist()


def test_the_milp_finds_a_certificate_where_no_pattern_fits():
    lay = layout({"01": ["01001", "01002", "01003"], "02": ["02001", "02002"]})
    v = table(lay, {"01001": [2, 5, 7, 4], "01002": [10, 12, 9, 11], "01003": [6, 6, 6, 6],
                    "02001": [20, 21, 22, 23], "02002": [8, 9, 10, 11]})
    sup = D.Suppressor(lay, v[None], RULES, part_of=[-1])
    cert = sup._milp((0,), (0, 0, 0))
    assert cert is not None
    flags = np.zeros((1, *v.shape), np.int8)
    for _i, rows, cols, _steps in cert.moves:
        flags[0, rows, cols] = D.SECONDARY
    flags[0, 0, 0] = D.PRIMARY
    assert D.audit(lay, v[None], flags, [cert], RULES, part_of=[-1]) == []


def test_an_incomplete_year_has_no_year_total_to_protect_against():
    lay = layout({"01": ["01001", "01002"], "02": ["02001"]}, year_published=False)
    v = table(lay, {"01001": [1, 5, 7, 4], "01002": [10, 12, 9, 11], "02001": [20, 21, 22, 23]})
    result = run(lay, v)
    flags = result.flags[0]
    assert flags[0, 0] == D.PRIMARY and flags[1, 0] == D.SECONDARY  # the sibling in the same quarter suffices
    assert (flags != D.SHOWN).sum() == 2


def test_sums_that_do_not_add_up_are_refused_before_anything_is_promised():
    lay = layout({"01": ["01001", "01002"], "02": ["02001"]})
    v = table(lay, {"01001": [1, 5, 7, 4], "01002": [10, 12, 9, 11], "02001": [20, 21, 22, 23]})
    v[lay.rows.index("01"), 0] += 1
    with pytest.raises(D.DisclosureError, match="nicht die Summe"):
        D.Suppressor(lay, v[None], RULES, part_of=[-1]).run()


def test_the_lp_attack_itself_recovers_a_small_count_hidden_alone():
    """Control for the attack above: hiding only the small count (no complements) gives it away."""
    lay = layout({"01": ["01001", "01002", "01003"], "02": ["02001", "02002"]})
    v = table(lay, {"01001": [2, 5, 7, 4], "01002": [10, 12, 9, 11], "01003": [6, 6, 6, 6],
                    "02001": [20, 21, 22, 23], "02002": [8, 9, 10, 11]})
    flags = np.zeros(v.shape, np.int8)
    flags[0, 0] = D.PRIMARY
    assert lp_range(lay, v, flags, (0, 0)) == (2, 2)
