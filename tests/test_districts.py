"""Police figures per police district: the shipped mapping, district files loaded as Kreis rows (apportioned by
population where a district covers several Kreise or a part of one), estimates marked, refusals, undo, releases.

The real tables of ../shared/real/police_districts/ (Saxony's Polizeidirektionen, NRW's Kreispolizeibehörden and
the KPBV excerpt) are used from there: the shipped mapping is checked against them, and they are imported.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import SHARED
from hypothesis import given
from hypothesis import strategies as st

from etl import districts, loader
from etl.cli import main as etl_main
from etl.districts import Mapping, largest_remainder
from monitor import config, indicators, release, store
from monitor.regions import RegionIndex, normalise_name

REAL = SHARED / "real" / "police_districts"
SAXONY = REAL / "sachsen_polizeidirektion_kreis_2020.csv"
NRW = REAL / "nrw_kpb_kreis_partial.csv"
KPBV = REAL / "nrw_KPBV_par1_excerpt.md"
SHIPPED = config.REFERENCE_DIR / "police_districts.csv"
POPULATION_2023 = {"05913": 601_343, "05978": 396_283, "14625": 294_746, "14626": 245_867}  # shipped vintage
LUENEN, WITTEN = 85_919, 95_724  # inhabitants 31.12.2023 in the shipped table
HEADER = ["Quartal", "Kreispolizeibehörde", "Einsätze häusliche Gewalt", "Opfer weiblich", "Hochrisikofälle"]
# the two shares the shipped table cannot source (see data/reference/police_districts.csv), as an office adds them
SUPPLEMENT = """behoerde;kreis_ags;anteil;teilgebiet;bevoelkerungsanteil;quelle
Polizeipräsidium Bonn;05314;ganz;;;KPBV NRW § 1 a) Nr. 4
Polizeipräsidium Bonn;05382;teil;acht Gemeinden des Rhein-Sieg-Kreises;0,38;Test
Polizeipräsidium Mönchengladbach;05116;ganz;;;KPBV NRW § 1 a) Nr. 14
Polizeipräsidium Mönchengladbach;05370;teil;Gebiet des NATO-Hauptquartiers;0,001;Test
"""


def _state(path: Path) -> list:
    """Everything a load, import or undo can change."""
    with store.connect(path) as con:
        return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("batches", "police", "police_district_rows", "police_district_map")]


def _mapping(path: Path) -> Mapping:
    with store.connect(path) as con:
        return Mapping.from_db(con)


def _write(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([header, *rows])
    return path


def _district_file(path: Path, land: str, quarters=("2025-Q2",), mapping: Mapping | None = None) -> tuple[Path, dict]:
    """A police file with one row per district of a Land (figures made up, different per district and quarter)."""
    names = sorted({p.district for p in mapping.parts if p.land_ags == land})
    rows, figures = [], {}
    for qi, quarter in enumerate(quarters):
        for i, name in enumerate(names):
            figures[(quarter, name)] = (400 + 37 * i + 11 * qi, 250 + 5 * i + qi, (i + qi) % 5)
            rows.append([quarter, name, *figures[(quarter, name)]])
    return _write(path, rows), figures


def _police(path: Path, where: str = "TRUE") -> dict:
    with store.connect(path) as con:
        rows = con.execute(f"SELECT quarter, ags, callouts, victims_female, high_risk_cases, estimated "
                           f"FROM police_current WHERE {where}").fetchall()
    return {(q, a): tuple(rest) for q, a, *rest in rows}


@pytest.fixture
def with_supplement(initialised_copy, tmp_path) -> Path:
    """The initialised store with the Bonn and Mönchengladbach shares imported."""
    sup = tmp_path / "anteile.csv"
    sup.write_text(SUPPLEMENT, encoding="utf-8")
    assert etl_main(["districts", str(sup), "--user", "test"]) == 0
    return initialised_copy


# --- the shipped mapping -------------------------------------------------------------------------------------

def test_shipped_saxony_mapping_is_the_ordinance(initialised_db):
    """../shared/real: Saxony's five Polizeidirektionen and their 13 whole Kreise (SächsPolOrgVO 2020 § 1 Abs. 2)."""
    with open(SAXONY, encoding="utf-8", newline="") as fh:
        real = {(r["polizeidirektion"], r["kreis_ags"], r["anteil"]) for r in csv.DictReader(fh)}
    mapping = _mapping(initialised_db)
    shipped = {(p.district, p.kreis_ags, "ganz" if p.whole else "teil") for p in mapping.parts if p.land_ags == "14"}
    assert shipped == real and len(shipped) == 13
    assert all("SächsPolOrgVO vom 17.03.2020" in p.source for p in mapping.parts if p.land_ags == "14")


def test_shipped_nrw_mapping_agrees_with_the_real_table_and_the_kpbv_text(initialised_db):
    """Every row of the real NRW table is shipped as it is; every Polizeipräsidium of the stored KPBV excerpt
    (§ 1 a) Nr. 1–16) covers exactly the Kreise and parts its entry names; 47 districts cover all 53 Kreise."""
    mapping = _mapping(initialised_db)
    shipped = {(p.district, p.kreis_ags): p for p in mapping.parts}
    with open(NRW, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            part = shipped[(r["kreispolizeibehoerde"], r["kreis_ags"])]
            assert part.whole == (r["anteil"] == "ganz")
            assert part.whole or all(town in part.part_name for town in r["teilgebiet"].split(", "))
    text = KPBV.read_text(encoding="utf-8")
    entries = dict(re.findall(r"\d+\. (Polizeipräsidium [^/\n]+)/\n([^\n]+)", text))
    assert len(entries) == 16
    with store.connect(initialised_db) as con:
        short = dict(con.execute("SELECT ags, short_name FROM regions WHERE level = 'kreis'").fetchall())
    for name, area in entries.items():
        parts = mapping.parts_of[normalise_name(name)]
        for p in parts:
            assert short[p.kreis_ags] in area, (name, p.kreis_ags)
            assert p.whole or any(w in area for w in re.findall(r"\w{4,}", p.part_name)), (name, p.part_name)
        assert parts[0].source.endswith(f"Nr. {list(entries).index(name) + 1}")
    nrw = [p for p in mapping.parts if p.land_ags == "05"]
    assert len({p.district_key for p in nrw}) == 47 and len({p.kreis_ags for p in nrw}) == 53
    assert all(p.source for p in mapping.parts)


def test_shipped_shares_and_their_gaps(initialised_db):
    """Lünen and Witten carry their inhabitants; the rest of the Kreis goes to the Landrat; the eight Rhein-Sieg
    municipalities and the NATO area are not sourced, so their districts cannot be split yet."""
    mapping = _mapping(initialised_db)
    part = {(p.district, p.kreis_ags): p for p in mapping.parts}
    luenen = part[("Polizeipräsidium Dortmund", "05978")]
    assert (luenen.part_population, luenen.kreis_population) == (LUENEN, POPULATION_2023["05978"])
    assert mapping.share(luenen) == pytest.approx(LUENEN / 396_283)
    assert mapping.share(part[("Kreispolizeibehörde Unna", "05978")]) == pytest.approx(1 - LUENEN / 396_283)
    assert mapping.share(part[("Polizeipräsidium Bochum", "05954")]) == pytest.approx(WITTEN / 315_069)
    assert mapping.share(part[("Polizeipräsidium Bonn", "05382")]) is None
    assert mapping.share(part[("Kreispolizeibehörde Rhein-Sieg-Kreis", "05382")]) is None
    assert mapping.share(part[("Polizeipräsidium Mönchengladbach", "05370")]) is None


def test_names_are_matched_however_the_authority_is_written(initialised_db):
    mapping = _mapping(initialised_db)
    dortmund = normalise_name("Polizeipräsidium Dortmund")
    for text in ("Polizeipräsidium Dortmund", "PP Dortmund", "polizeipraesidium dortmund", "Dortmund"):
        assert mapping.match(text)[0] == dortmund
    unna = normalise_name("Kreispolizeibehörde Unna")
    for text in ("Landrat Unna", "KPB Unna", "Kreis Unna", "Der Landrat als Kreispolizeibehörde Unna"):
        assert mapping.match(text)[0] == unna
    assert mapping.match("Kreispolizeibehörde Erftkreis")[0] == normalise_name(
        "Kreispolizeibehörde Rhein-Erft-Kreis")
    assert mapping.match("PP Dortmnud")[1:] == ("district-misspelt", {"suggestion": "Polizeipräsidium Dortmund"})
    assert mapping.match("Polizeidirektion Hannover")[1] == "district-unknown"


# --- the rule ------------------------------------------------------------------------------------------------

@given(st.integers(0, 10_000), st.lists(st.integers(0, 2_000_000), min_size=1, max_size=6).filter(any))
def test_largest_remainder_keeps_the_total_and_stays_within_one_of_the_quota(total, weights):
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    for part, w in zip(parts, weights):
        quota = Fraction(total * w, sum(weights))
        assert quota - 1 < part < quota + 1
        assert w > 0 or part == 0
    assert parts == largest_remainder(total, weights)


def test_largest_remainder_worked_example():
    # 10 by 1:1:1 → quotas 3⅓ each; the one left goes to the first (ties: larger weight, then order)
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(7, [601_343, 85_919]) == [6, 1]  # Dortmund and Lünen: 6.125 and 0.875
    assert largest_remainder(5, [1]) == [5]


# --- district files --------------------------------------------------------------------------------------------

def test_a_saxony_file_per_polizeidirektion_loads_as_estimated_kreis_rows(initialised_copy, tmp_path):
    path, figures = _district_file(tmp_path / "sachsen_pd.csv", "14", mapping=_mapping(initialised_copy))
    out = loader.load_files([path], user="test")
    assert out.exit_code == 0, out.as_json()
    [table] = out.files[0].tables
    assert [w.code for w in table.all_warnings] == ["district-apportioned"]
    assert "5 Behörden, umgerechnet auf 13 Kreise" in table.all_warnings[0].message
    rows = _police(initialised_copy)
    assert len(rows) == 13 and all(r[3] for r in rows.values())  # every PD covers several Kreise: all estimated
    # Görlitz: Bautzen 294,746 and Görlitz 245,867 inhabitants on 31.12.2023
    callouts = figures[("2025-Q2", "Polizeidirektion Görlitz")][0]
    bautzen = Fraction(callouts * 294_746, 294_746 + 245_867)
    assert rows[("2025-Q2", "14625")][0] in (int(bautzen), int(bautzen) + 1)
    assert rows[("2025-Q2", "14625")][0] + rows[("2025-Q2", "14626")][0] == callouts
    with store.connect(initialised_copy) as con:
        assert districts.check_batches(con) == []
        kept = con.execute("SELECT district, callouts FROM police_district_rows_current ORDER BY 1").fetchall()
    assert kept == [(name, figures[("2025-Q2", name)][0]) for name in sorted(n for _, n in figures)]


def test_a_file_per_nrw_kreispolizeibehoerde_loads_with_luenen_estimated(with_supplement, tmp_path):
    """Done when of issue #10 item 5: all 47 KPBs, several quarters; Kreis Unna holds KPB Unna plus Lünen's share of
    PP Dortmund, marked estimated; every district total is preserved and NRW's total is the districts' sum."""
    db = with_supplement
    quarters = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
    path, figures = _district_file(tmp_path / "nrw_kpb.csv", "05", quarters, mapping=_mapping(db))
    assert etl_main(["load", str(path), "--user", "test"]) == 0
    rows = _police(db)
    assert len(rows) == 53 * 4
    for q in quarters:
        dortmund = figures[(q, "Polizeipräsidium Dortmund")]
        unna = figures[(q, "Kreispolizeibehörde Unna")]
        for n in range(3):
            to_dortmund, to_luenen = largest_remainder(dortmund[n], [POPULATION_2023["05913"], LUENEN])
            assert rows[(q, "05913")][n] == to_dortmund
            assert rows[(q, "05978")][n] == unna[n] + to_luenen
        assert rows[(q, "05978")][3] and rows[(q, "05913")][3]  # Unna and Dortmund: estimated
        assert not rows[(q, "05111")][3] and rows[(q, "05111")][0] == figures[(q, "Polizeipräsidium Düsseldorf")][0]
        assert rows[(q, "05954")][3] and rows[(q, "05370")][3]  # Witten's Kreis; the NATO area's Kreis
        assert sum(r[0] for (rq, _), r in rows.items() if rq == q) == sum(f[0] for (fq, _), f in figures.items()
                                                                        if fq == q)
    estimated = {a for (_, a), r in rows.items() if r[3]}
    assert estimated == {"05113", "05116", "05117", "05120", "05122", "05124", "05314", "05315", "05316", "05370",
                         "05382", "05512", "05562", "05911", "05913", "05916", "05954", "05978"}
    with store.connect(db) as con:
        assert districts.check_batches(con) == []
        land = indicators.indicators_for(con, "05", "2025")
        unna = indicators.indicators_for(con, "05978", "2025-Q2")
        duesseldorf = indicators.indicators_for(con, "05111", "2025-Q2")
    assert land.value("police_callouts") == sum(f[0] for f in figures.values())
    assert "geschätzt" in unna.completeness["police"].text_de and "estimated" in unna.completeness["police"].text_en
    assert "teils geschätzt" in land.completeness["police"].text_de
    assert "geschätzt" not in duesseldorf.completeness["police"].text_de
    assert etl_main(["districts", "--check"]) == 0


def test_a_release_of_district_figures_passes_disclosure_control(with_supplement, tmp_path):
    """Land = Σ Kreise and year = Σ quarters hold exactly, so the release is written; it carries the mark."""
    db = with_supplement
    quarters = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
    path, _ = _district_file(tmp_path / "nrw_kpb.csv", "05", quarters, mapping=_mapping(db))
    assert loader.load_files([path], user="test").exit_code == 0
    result = release.build(author="test", note="Polizeibezirke", db_path=db, folder=tmp_path / "releases")
    published = release.latest_path(tmp_path / "releases")
    assert published is not None, result
    import duckdb

    con = duckdb.connect(str(published), read_only=True)
    try:
        marks = dict(con.execute("SELECT ags, po_estimated FROM figures WHERE variant = 'DE' AND period = '2025' "
                                 "AND ags IN ('05978', '05111')").fetchall())
    finally:
        con.close()
    assert marks["05978"] == 4 and marks["05111"] == 0


def test_a_district_file_refused_before_the_missing_shares_are_imported(initialised_copy, tmp_path):
    path, _ = _district_file(tmp_path / "nrw_kpb.csv", "05", mapping=_mapping(initialised_copy))
    before = _state(initialised_copy)
    out = loader.load_files([path], user="test")
    errors = out.files[0].tables[0].all_errors
    assert out.exit_code == 1 and {p.code for p in errors} == {"district-share-missing"}
    named = ("Polizeipräsidium Bonn", "Polizeipräsidium Mönchengladbach")
    assert {m for p in errors for m in named if m in p.message} == set(named)
    assert _state(initialised_copy) == before


def test_a_kreis_file_is_not_taken_for_a_district_file(initialised_copy, tmp_path):
    """A police file with AGS and a district column beside it stays a Kreis file (the district column is ignored)."""
    header = ["Quartal", "AGS", "Polizeibehörde", "Einsätze häusliche Gewalt", "Opfer weiblich", "Hochrisikofälle"]
    path = _write(tmp_path / "kreise.csv", [["2025-Q2", "05913", "Polizeipräsidium Dortmund", 500, 300, 1]], header)
    out = loader.load_files([path], user="test")
    assert out.exit_code == 0
    assert _police(initialised_copy) == {("2025-Q2", "05913"): (500, 300, 1, False)}


# --- refusals: the German problem, and nothing changes ---------------------------------------------------------

def _refused(db: Path, path: Path, code: str) -> list:
    before = _state(db)
    out = loader.load_files([path], user="test")
    problems = [p for t in out.files[0].tables for p in t.all_errors]
    assert out.exit_code == 1 and code in [p.code for p in problems], [p.as_json() for p in problems]
    assert _state(db) == before
    return [p for p in problems if p.code == code]


def test_a_misspelt_or_unknown_district_is_refused_and_nothing_changes(initialised_copy, tmp_path):
    mapping = _mapping(initialised_copy)
    path, _ = _district_file(tmp_path / "sachsen.csv", "14", mapping=mapping)
    text = path.read_text(encoding="utf-8").replace("Polizeidirektion Zwickau", "Polizeidirektion Zwikau", 1)
    path.write_text(text, encoding="utf-8")
    [p] = _refused(initialised_copy, path, "district-misspelt")
    assert (p.row, p.column, p.value) == (6, "Kreispolizeibehörde", "Polizeidirektion Zwikau")
    assert p.message == ("Zeile 6, Spalte „Kreispolizeibehörde“: „Polizeidirektion Zwikau“ ist keine Polizeibehörde "
                         "der Zuordnung; gemeint ist vielleicht „Polizeidirektion Zwickau“. Erwartet: der Name der "
                         "Behörde wie in der Zuordnung.")
    other = _write(tmp_path / "hannover.csv", [["2025-Q2", "Polizeidirektion Hannover", 900, 600, 3]])
    [p] = _refused(initialised_copy, other, "district-unknown")
    assert "„Polizeidirektion Hannover“ steht in keiner Zuordnung" in p.message
    assert "Nordrhein-Westfalen, Sachsen" in p.message and "python -m etl districts DATEI" in p.message


def test_an_ambiguous_district_name_is_refused(initialised_copy, tmp_path):
    mapping = tmp_path / "oldenburg.csv"
    mapping.write_text("behoerde;kreis_ags;anteil;quelle\nPolizeipräsidium Oldenburg;03403;ganz;Test\n"
                       "Polizeidirektion Oldenburg;03458;ganz;Test\n", encoding="utf-8")
    assert districts.load_mapping(mapping, user="test")["status"] == "loaded"
    path = _write(tmp_path / "ol.csv", [["2025-Q2", "Oldenburg", 900, 600, 3]])
    [p] = _refused(initialised_copy, path, "district-ambiguous")
    assert "„Polizeidirektion Oldenburg“, „Polizeipräsidium Oldenburg“" in p.message


def test_a_kreis_only_partly_in_the_file_is_refused(initialised_copy, tmp_path):
    """PP Dortmund alone would give the Kreis Unna only Lünen's share: KPB Unna must be in the same file."""
    path = _write(tmp_path / "dortmund.csv", [["2025-Q2", "Polizeipräsidium Dortmund", 900, 600, 3]])
    [p] = _refused(initialised_copy, path, "district-kreis-incomplete")
    assert p.message == ("Quartal 2025-Q2: Unna (05978) betreuen „Kreispolizeibehörde Unna“, „Polizeipräsidium "
                         "Dortmund“; in der Datei fehlt „Kreispolizeibehörde Unna“. Ohne sie wäre die Zahl des Kreises "
                         "unvollständig. Erwartet: alle Behörden des Kreises in einer Datei.")


def test_a_district_without_population_for_a_kreis_is_refused(initialised_copy, tmp_path):
    """Hanau (06415) has no population vintage of its own yet: a district covering it cannot be split."""
    mapping = tmp_path / "hessen.csv"
    mapping.write_text("behoerde;kreis_ags;anteil;quelle\nPolizeipräsidium Südosthessen;06413;ganz;Test\n"
                       "Polizeipräsidium Südosthessen;06435;ganz;Test\nPolizeipräsidium Südosthessen;06415;ganz;Test\n",
                       encoding="utf-8")
    assert districts.load_mapping(mapping, user="test")["status"] == "loaded"
    path = _write(tmp_path / "soh.csv", [["2026-Q1", "PP Südosthessen", 900, 600, 3]])
    [p] = _refused(initialised_copy, path, "district-no-population")
    assert "Für Hanau (06415) ist kein Bevölkerungsstand geladen" in p.message


def test_a_bad_count_in_a_district_file_is_refused_with_the_police_rules(initialised_copy, tmp_path):
    path = _write(tmp_path / "sachsen.csv", [["2025-Q2", "Polizeidirektion Leipzig", "zwölf", 600, 3]])
    [p] = _refused(initialised_copy, path, "not-integer")
    assert (p.row, p.column, p.value) == (2, "Einsätze häusliche Gewalt", "zwölf")


# --- replace, reload, undo -------------------------------------------------------------------------------------

def test_undo_restores_exactly_the_state_before(initialised_copy, tmp_path):
    """Kreis rows loaded per Kreis, replaced by a district file, replaced again: each undo restores the state
    before its batch, Kreis rows and district rows alike."""
    db = initialised_copy
    kreise = _write(tmp_path / "kreise.csv", [["2025-Q2", "14625", 100, 60, 1], ["2025-Q2", "14626", 90, 50, 0]],
                    ["Quartal", "AGS", "Einsätze häusliche Gewalt", "Opfer weiblich", "Hochrisikofälle"])
    assert etl_main(["load", str(kreise), "--user", "test"]) == 0
    state0 = _state(db)
    first = _write(tmp_path / "pd1.csv", [["2025-Q2", "Polizeidirektion Görlitz", 200, 120, 2]])
    assert etl_main(["load", str(first), "--user", "test"]) == 1  # keys in force: --replace needed
    assert _state(db) == state0
    assert etl_main(["load", str(first), "--user", "test", "--replace"]) == 0
    state1 = _state(db)
    second = _write(tmp_path / "pd2.csv", [["2025-Q2", "Polizeidirektion Görlitz", 210, 125, 2]])
    assert etl_main(["load", str(second), "--user", "test", "--replace"]) == 0
    with store.connect(db) as con:
        batches = [b for (b,) in con.execute("SELECT batch_id FROM batches WHERE kind = 'data' ORDER BY 1").fetchall()]
        assert con.execute("SELECT callouts FROM police_district_rows_current").fetchall() == [(210,)]
    assert etl_main(["undo", str(batches[1]), "--user", "test"]) == 1  # batch 2's rows were replaced by batch 3
    assert etl_main(["undo", str(batches[2]), "--user", "test"]) == 0
    assert _current(db) == _current_of(state1)
    with store.connect(db) as con:
        assert con.execute("SELECT callouts FROM police_district_rows_current").fetchall() == [(200,)]
    assert etl_main(["undo", str(batches[1]), "--user", "test"]) == 0
    assert _current(db) == _current_of(state0)
    assert _police(db) == {("2025-Q2", "14625"): (100, 60, 1, False), ("2025-Q2", "14626"): (90, 50, 0, False)}


def _current(db: Path) -> list:
    with store.connect(db) as con:
        return [sorted(con.execute(f"SELECT * EXCLUDE (batch_id) FROM {t}").fetchall(), key=repr)
                for t in ("police_current", "police_district_rows_current")]


def _current_of(state: list) -> list:
    """The rows in force of a ``_state`` snapshot (active batches, not superseded), without batch ids."""
    active = {b[0] for b in state[0] if b[11] == "active"}
    police = sorted((r[1:] for r in state[1] if r[0] in active and r[-2] is None), key=repr)
    rows = sorted((r[1:] for r in state[2] if r[0] in active and r[-1] is None), key=repr)
    return [police, rows]


def test_reloading_the_same_file_changes_nothing_until_the_split_changes(initialised_copy, tmp_path):
    db = initialised_copy
    path, _ = _district_file(tmp_path / "sachsen.csv", "14", mapping=_mapping(db))
    assert loader.load_files([path], user="test").files[0].status == "loaded"
    before = _state(db)
    again = loader.load_files([path], user="test")
    assert again.files[0].status == "unchanged" and _state(db) == before
    # a new population vintage moves the split: the same file now needs --replace and loads a new batch
    vintage = tmp_path / "bev.csv"
    shutil.copyfile(config.REFERENCE_DIR / "kreise_population_2023-12-31.csv", vintage)
    text = vintage.read_text(encoding="utf-8").replace("2023-12-31", "2024-12-31")
    vintage.write_text(text.replace("294746", "394746"), encoding="utf-8")
    assert etl_main(["population", str(vintage), "--user", "test"]) == 0
    assert loader.load_files([path], user="test").exit_code == 1
    assert loader.load_files([path], user="test", replace=True).files[0].status == "loaded"


# --- importing a mapping ----------------------------------------------------------------------------------------

def test_the_real_saxony_table_imports_as_already_in_force(initialised_copy):
    before = _state(initialised_copy)
    result = districts.load_mapping(SAXONY, user="test")
    assert result["status"] == "unchanged", result
    assert _state(initialised_copy) == before


def test_the_shipped_table_read_by_the_import_is_the_mapping_in_force(initialised_copy, tmp_path):
    """The store and the import read the shipped CSV alike; an import needs the shares the shipped table lacks."""
    result = districts.load_mapping(SHIPPED, user="test")
    assert result["status"] == "rejected"
    assert [p.row for p in result["errors"] if p.code == "district-map-share-missing"] == [
        n for n, line in enumerate(SHIPPED.read_text(encoding="utf-8").splitlines(), start=1)
        if line.startswith(("Polizeipräsidium Bonn,05382", "Polizeipräsidium Mönchengladbach,05370"))]
    sourced = tmp_path / "ohne_bonn_mg.csv"
    sourced.write_text("".join(line for line in SHIPPED.read_text(encoding="utf-8").splitlines(keepends=True)
                               if not line.startswith(("Polizeipräsidium Bonn,", "Polizeipräsidium Mönchengladbach,"))),
                       encoding="utf-8")
    assert districts.load_mapping(sourced, user="test")["status"] == "unchanged"


def test_an_imported_mapping_is_a_batch_that_undo_takes_back(with_supplement):
    mapping = _mapping(with_supplement)
    bonn = next(p for p in mapping.parts if p.district == "Polizeipräsidium Bonn" and not p.whole)
    assert mapping.share(bonn) == pytest.approx(0.38)
    assert mapping.share(next(p for p in mapping.parts if p.district == "Kreispolizeibehörde Rhein-Sieg-Kreis")) \
        == pytest.approx(0.62)
    with store.connect(with_supplement) as con:
        [(batch_id,)] = con.execute("SELECT batch_id FROM batches WHERE kind = 'districts'").fetchall()
    assert etl_main(["undo", str(batch_id), "--user", "test"]) == 0
    mapping = _mapping(with_supplement)
    bonn = next(p for p in mapping.parts if p.district == "Polizeipräsidium Bonn" and not p.whole)
    assert mapping.share(bonn) is None


MAPPING_CASES = {
    "district-map-no-table": ("a;b;c\n1;2;3\n", None),
    "district-map-missing-value": ("behoerde;kreis_ags;anteil;quelle\nPolizeipräsidium Bonn;05314;ganz;\n", 2),
    "district-map-bad-kreis": ("behoerde;kreis_ags;anteil;quelle\nPolizeipräsidium Bonn;99999;ganz;Test\n", 2),
    "district-map-bad-part": ("behoerde;kreis_ags;anteil;quelle\nPolizeipräsidium Bonn;05314;halb;Test\n", 2),
    "district-map-bad-share": ("behoerde;kreis_ags;anteil;teilgebiet;bevoelkerungsanteil;quelle\n"
                               "Polizeipräsidium Bonn;05382;teil;acht Gemeinden;1,4;Test\n", 2),
    "district-map-conflict": ("behoerde;kreis_ags;anteil;teilgebiet;bevoelkerungsanteil;quelle\n"
                              "Polizeipräsidium Bonn;05314;ganz;;;Test\n"
                              "Polizeipräsidium Bonn;05382;teil;acht Gemeinden;0,38;Test\n"
                              "Kreispolizeibehörde Rhein-Sieg-Kreis;05382;teil;Rest;0,7;Test\n", None),
}


@pytest.mark.parametrize("code", sorted(MAPPING_CASES))
def test_a_bad_mapping_is_refused_and_nothing_changes(initialised_copy, tmp_path, code):
    text, row = MAPPING_CASES[code]
    path = tmp_path / "zuordnung.csv"
    path.write_text(text, encoding="utf-8")
    before = _state(initialised_copy)
    result = districts.load_mapping(path, user="test")
    assert result["status"] == "rejected" and code in [p.code for p in result["errors"]], result
    assert [p.row for p in result["errors"] if p.code == code][0] == row
    assert _state(initialised_copy) == before


def test_the_real_nrw_table_lacks_the_shares_an_import_needs(initialised_copy):
    """../shared/real/…/nrw_kpb_kreis_partial.csv names its parts but not their population: refused, one error per
    part (Witten, the eight Rhein-Sieg municipalities, Lünen, the NATO area)."""
    before = _state(initialised_copy)
    result = districts.load_mapping(NRW, user="test")
    missing = [p for p in result["errors"] if p.code == "district-map-share-missing"]
    assert result["status"] == "rejected" and len(missing) == 4
    assert any("„Stadt Lünen“ von Unna (05978)" in p.message for p in missing)
    assert _state(initialised_copy) == before


def test_shares_from_inhabitants_and_a_remainder(initialised_copy, tmp_path):
    path = tmp_path / "bonn.csv"
    path.write_text("behoerde;kreis_ags;anteil;teilgebiet;einwohner_teil;einwohner_kreis;stichtag_einwohner;"
                    "quelle_einwohner;quelle\n"
                    "Polizeipräsidium Bonn;05314;ganz;;;;;;KPBV\n"
                    "Polizeipräsidium Bonn;05382;teil;acht Gemeinden;230000;605283;31.12.2023;Test;KPBV\n",
                    encoding="utf-8")
    result = districts.load_mapping(path, user="test", dry_run=True)
    assert result["status"] == "checked" and _mapping(initialised_copy).share(
        next(p for p in _mapping(initialised_copy).parts if p.district == "Polizeipräsidium Bonn" and not p.whole)) \
        is None
    assert districts.load_mapping(path, user="test")["status"] == "loaded"
    mapping = _mapping(initialised_copy)
    rest = next(p for p in mapping.parts if p.district == "Kreispolizeibehörde Rhein-Sieg-Kreis")
    assert mapping.share(rest) == pytest.approx(1 - 230_000 / 605_283)


# --- command line, migration, Methodik ------------------------------------------------------------------------

def test_districts_list_shows_the_mapping_with_shares(initialised_copy, capsys):
    assert etl_main(["districts", "--list"]) == 0
    out = capsys.readouterr().out
    assert "Nordrhein-Westfalen: Polizeipräsidium Dortmund → Unna (05978), Stadt Lünen, Anteil 0,2168" in out
    assert "Polizeipräsidium Bonn → Rhein-Sieg-Kreis (05382)" in out and "Anteil unbekannt" in out
    assert "Sachsen: Polizeidirektion Leipzig → Leipzig (14713), ganz" in out
    assert etl_main(["districts"]) == 2


def test_a_store_of_schema_3_gets_the_estimated_column_and_the_mapping(initialised_copy):
    with store.connect(initialised_copy, write=True) as con:
        con.execute("DROP VIEW police_current")
        con.execute("ALTER TABLE police DROP COLUMN estimated")
        con.execute("DROP VIEW police_district_map_current")
        con.execute("DROP VIEW police_district_rows_current")
        con.execute("DROP TABLE police_district_map")
        con.execute("DROP TABLE police_district_rows")
        con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with store.connect(initialised_copy, write=True) as con:
        columns = [r[0] for r in con.execute("DESCRIBE police").fetchall()]
        assert columns[-2:] == ["superseded_by", "estimated"]
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == store.SCHEMA_VERSION
        assert con.execute("SELECT count(*) FROM police_district_map_current").fetchone()[0] == 70


def test_the_methodology_text_states_the_rule_in_both_languages(initialised_db):
    de, en = districts.methodology_text("de"), districts.methodology_text("en")
    assert "geschätzt" in de and "größten Reste" in de and "Bevölkerungsstand" in de
    assert "estimated" in en and "largest-remainder" in en
    with store.connect(initialised_db) as con:
        table = districts.mapping_frame(con, "en")
    assert list(table.columns) == ["Land", "Police district", "Kreis", "Area", "Population share", "Source"]
    assert len(table) == 70


def test_completeness_text_says_estimated():
    from monitor.periods import Period

    period = Period.parse("2025-Q2")
    args = ("police", "kreis", 1, 1, 1, 1, None, None, None, False, 1, 1, period)
    de = indicators.completeness_text(*args, estimated=1)
    en = indicators.completeness_text(*args, estimated=1, language="en")
    assert de == "gemeldet; geschätzt (Zahl einer Polizeibehörde nach Bevölkerungsanteil aufgeteilt)"
    assert en.startswith("reported; estimated")
    assert "geschätzt" not in indicators.completeness_text(*args)


# code → the test above that produces it (the registry test in test_validate.py checks that every code has one)
SCENARIOS = {
    "district-unknown": test_a_misspelt_or_unknown_district_is_refused_and_nothing_changes,
    "district-misspelt": test_a_misspelt_or_unknown_district_is_refused_and_nothing_changes,
    "district-ambiguous": test_an_ambiguous_district_name_is_refused,
    "district-kreis-incomplete": test_a_kreis_only_partly_in_the_file_is_refused,
    "district-share-missing": test_a_district_file_refused_before_the_missing_shares_are_imported,
    "district-no-population": test_a_district_without_population_for_a_kreis_is_refused,
    "district-apportioned": test_a_saxony_file_per_polizeidirektion_loads_as_estimated_kreis_rows,
    "district-map-share-missing": test_the_real_nrw_table_lacks_the_shares_an_import_needs,
    **{code: test_a_bad_mapping_is_refused_and_nothing_changes for code in MAPPING_CASES},
}


def test_check_and_the_upload_check_recognise_a_district_file_as_load_does(initialised_copy, tmp_path, capsys):
    """One entry for checking a file (etl.validate.check_path): the district file is converted in `check` and on
    the upload page too, not only in `load`, and once loaded it is named as loaded."""
    from etl.validate import check_path

    path, _ = _district_file(tmp_path / "sachsen_pd.csv", "14", mapping=_mapping(initialised_copy))
    assert etl_main(["check", str(path), "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)["files"]
    assert entry["format"] == "police_districts" and entry["districts"] == 5 and len(entry["estimated_kreise"]) == 13
    with store.connect(initialised_copy) as con:
        regions = RegionIndex.from_db(con)
    checked = check_path(path, regions=regions, today=config.today())
    [report] = checked.reports
    assert isinstance(report, districts.DistrictReport) and checked.loadable and report.loaded_as is None
    assert len(report.frame) == 13 and report.frame["estimated"].all()
    batch = loader.load_files([path], user="test").files[0].batch_ids[0]
    assert check_path(path, regions=regions, today=config.today()).reports[0].loaded_as == batch
    assert etl_main(["check", str(path)]) == 0
    assert f"bereits als Batch {batch} geladen" in capsys.readouterr().out
