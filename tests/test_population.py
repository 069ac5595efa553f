"""Population vintages: the official files as downloaded (read from ../shared, never copied), our CSV, checks, undo.

The tests of the official formats read the real files in ../shared/real/population/ and
../shared/reference/destatis/ (see ../shared/real/README.md); they are about those formats.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import loader
from etl.population import load_population, preview_population, read_population
from etl.problems import PROBLEM_TYPES
from monitor import config, store

DESTATIS = SHARED / "reference" / "destatis" / "04-kreise_gebietsstand_2023-12-31.xlsx"
REAL = SHARED / "real" / "population"
TABLE_2021 = REAL / "12411-01-01-4_2021-12-31_regionalstatistik.csv"
FLAT_2019 = REAL / "12411-0012_flat_laender_altersjahre_2019.csv"
DESTATIS_2018 = REAL / "04-kreise_2018-12-31_destatis.xlsx"
SHIPPED_KREISE = config.REFERENCE_DIR / "kreise_population_2023-12-31.csv"


pytestmark = pytest.mark.usefixtures("initialised_copy")


def _codes(problems) -> list[str]:
    return [p.code for p in problems]


def _population_batches(path: Path) -> list[tuple]:
    with store.connect(path) as con:
        return con.execute("SELECT batch_id, status FROM batches WHERE kind = 'population'").fetchall()


def _write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _shipped_rows(**changes) -> list[dict]:
    with open(SHIPPED_KREISE, encoding="utf-8", newline="") as fh:
        return [dict(r, **changes) for r in csv.DictReader(fh)]


# --- the official Destatis format (this test is about that format, so it reads the file from ../shared) ------

def test_destatis_workbook_is_read_with_date_basis_and_all_regions():
    vintage = read_population(DESTATIS)
    assert vintage.errors == [] and vintage.warnings == []
    assert vintage.reference_date.isoformat() == "2023-12-31"
    assert vintage.basis == "Zensus 2011"
    assert vintage.sheet == "Kreisfreie Städte u. Landkreise"
    assert "GV-ISys" in vintage.source
    rows = vintage.rows.set_index("ags")
    assert (vintage.rows["level"] == "kreis").sum() == 400
    assert sorted(vintage.rows.loc[vintage.rows["level"] == "land", "ags"]) == [f"{i:02d}" for i in range(1, 17)]
    assert rows.loc["00", "total"] == 84_669_326  # the 2011-basis figure of DOMAIN.md
    assert rows.loc["00", "female"] == 42_885_791 and rows.loc["00", "male"] == 41_783_535
    kreise = vintage.rows[vintage.rows["level"] == "kreis"]
    assert kreise["total"].sum() == rows.loc["00", "total"]
    # Hamburg and Berlin have no "Insgesamt" row: the Land is its one Kreis
    assert rows.loc["02", "total"] == rows.loc["02000", "total"] == 1_910_160
    assert rows.loc["05", "total"] == 18_190_422
    assert rows.loc["05913", "total"] > 500_000  # Dortmund
    assert (kreise["female"] + kreise["male"] == kreise["total"]).all()


def test_destatis_vintage_loads_as_an_undoable_batch(db_path):
    result = load_population(DESTATIS, user="lks", db_path=db_path)
    assert result["status"] == "loaded", result["errors"]
    assert (result["kreise"], result["laender"], result["germany_total"]) == (400, 16, 84_669_326)
    assert "Zensus 2011" in result["message"] and "31.12.2023" in result["message"]
    batch_id = result["batch_id"]
    with store.connect(db_path) as con:
        batch = con.execute(
            "SELECT kind, dataset, file_name, rows, user_name, status, is_demo, note FROM batches WHERE batch_id = ?",
            [batch_id],
        ).fetchone()
        assert batch[:7] == ("population", None, DESTATIS.name, 417, "lks", "active", False)
        assert "Zensus 2011" in batch[7]
        bases = dict(con.execute(
            "SELECT basis, sum(total) FILTER (WHERE ags = '00') FROM population_current GROUP BY basis").fetchall())
    assert bases == {"Zensus 2011": 84_669_326, "Zensus 2022": 83_456_045}

    again = load_population(DESTATIS, user="lks", db_path=db_path)
    assert again["status"] == "rejected" and _codes(again["errors"]) == ["population-already-loaded"]
    assert f"Batch {batch_id}" in again["errors"][0].message

    with store.connect(db_path, write=True) as con:
        loader.undo(con, batch_id, user="lks")
        assert con.execute("SELECT DISTINCT basis FROM population_current").fetchall() == [("Zensus 2022",)]
        assert con.execute("SELECT count(*) FROM population WHERE batch_id = ?", [batch_id]).fetchone()[0] == 417
    assert _population_batches(db_path) == [(batch_id, "undone")]
    # once undone, the same vintage can be loaded again
    assert load_population(DESTATIS, user="lks", db_path=db_path)["status"] == "loaded"


# --- our own CSV format --------------------------------------------------------------------------------------

def test_shipped_vintage_is_refused_as_already_present(db_path):
    result = load_population(SHIPPED_KREISE, user="lks", db_path=db_path)
    assert result["status"] == "rejected"
    assert _codes(result["errors"]) == ["population-already-loaded"]
    assert "mitgelieferter Stand" in result["errors"][0].message
    assert _population_batches(db_path) == []


def test_csv_of_kreise_gets_laender_and_germany_summed(db_path, tmp_path):
    rows = _shipped_rows(reference_date="31.12.2024", basis="Zensus 2022")
    for r in rows:
        r["population_total"] = str(int(r["population_total"]) + 100)
        r["population_female"] = str(int(r["population_female"]) + 60)
        r["population_male"] = str(int(r["population_male"]) + 40)
    path = _write_csv(tmp_path / "bev_2024.csv", rows)
    result = load_population(path, user="lks", db_path=db_path)
    assert result["status"] == "loaded", result["errors"]
    assert result["reference_date"] == "2024-12-31"
    assert (result["kreise"], result["laender"]) == (400, 16)
    assert result["germany_total"] == 83_456_045 + 400 * 100
    with store.connect(db_path) as con:
        nrw = con.execute(
            "SELECT total, female, male FROM population_current WHERE ags = '05' AND reference_date = '2024-12-31'"
        ).fetchone()
    assert nrw == (18_017_520 + 53 * 100, 9_158_484 + 53 * 60, 8_859_036 + 53 * 40)


def test_semicolon_csv_with_german_numbers_is_read(tmp_path):
    path = tmp_path / "bev.csv"
    rows = _shipped_rows(reference_date="2025-06-30")[:3]
    lines = ["ags;population_total;population_female;population_male;reference_date;basis"]
    for r in rows:
        total = f"{int(r['population_total']):,}".replace(",", ".")
        lines.append(f"{r['ags']};{total};{r['population_female']};{r['population_male']};30.06.2025;Zensus 2022")
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    vintage = read_population(path)
    assert vintage.errors == []
    assert vintage.rows.set_index("ags").loc["01001", "total"] == int(rows[0]["population_total"])


# --- checks --------------------------------------------------------------------------------------------------

def test_population_sums_that_differ_are_a_warning(tmp_path):
    rows = _shipped_rows(reference_date="2024-12-31")
    rows.append({**rows[0], "ags": "01", "name": "Schleswig-Holstein", "population_total": "3000000"})
    vintage = read_population(_write_csv(tmp_path / "summe.csv", rows))
    assert _codes(vintage.warnings) == ["population-sum-mismatch"]
    assert vintage.warnings[0].message.startswith("Landessumme weicht von der Summe der Kreise ab: 01: 3.000.000")


def test_missing_kreise_are_a_warning_listing_them(db_path, tmp_path):
    rows = [r for r in _shipped_rows(reference_date="2024-12-31") if r["ags"] not in ("03404", "05913")]
    result = load_population(_write_csv(tmp_path / "bev.csv", rows), user="lks", db_path=db_path)
    assert result["status"] == "loaded"
    assert _codes(result["warnings"]) == ["population-missing-regions"]
    message = result["warnings"][0].message
    assert message.startswith("2 Kreise fehlen") and "03404" in message and "05913 Dortmund" in message


@pytest.mark.parametrize("change, code", [
    ({"ags": "17001"}, "population-unknown-region"),
    ({"population_total": "1200"}, "population-implausible"),
    ({"population_female": "999999999"}, "population-parts-exceed"),
    ({"population_total": "zwölf"}, "population-bad-value"),
    ({"ags": "1x"}, "population-bad-key"),
])
def test_bad_values_are_refused_and_nothing_is_loaded(db_path, tmp_path, change, code):
    rows = _shipped_rows(reference_date="2024-12-31")
    rows[5].update(change)
    result = load_population(_write_csv(tmp_path / "bev.csv", rows), user="lks", db_path=db_path)
    assert result["status"] == "rejected"
    assert code in _codes(result["errors"])
    assert _population_batches(db_path) == []


def test_duplicates_and_mixed_vintages_are_refused(db_path, tmp_path):
    rows = _shipped_rows(reference_date="2024-12-31")
    result = load_population(_write_csv(tmp_path / "dup.csv", rows + rows[:1]), user="lks", db_path=db_path)
    assert _codes(result["errors"]) == ["population-duplicate"] and "01001" in result["errors"][0].message
    rows[0]["basis"] = "Zensus 2011"
    result = load_population(_write_csv(tmp_path / "mixed.csv", rows), user="lks", db_path=db_path)
    assert _codes(result["errors"]) == ["population-mixed-vintage"]


def test_a_workbook_without_population_table_is_refused(db_path, tmp_path):
    path = tmp_path / "andere.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Quartal", "AGS", "Einsätze häusliche Gewalt"])
    wb.save(path)
    result = load_population(path, user="lks", db_path=db_path)
    assert result["status"] == "rejected" and _codes(result["errors"]) == ["population-no-table"]
    assert "keine Bevölkerungstabelle erkannt" in result["errors"][0].message
    assert _population_batches(db_path) == []


def test_destatis_layout_without_date_is_refused(tmp_path):
    path = tmp_path / "ohne_stichtag.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Schlüssel-nummer", "Regionale Bezeichnung", "Bevölkerung auf Grundlage ZENSUS 2022"])
    ws.append(["", "", "insgesamt", "männlich", "weiblich"])
    ws.append(["01001", "Flensburg", 96431, 47553, 48878])
    wb.save(path)
    vintage = read_population(path)
    assert vintage.basis == "Zensus 2022"
    assert _codes(vintage.errors) == ["population-no-date"] and "Stichtag" in vintage.errors[0].message


# --- robustness ----------------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cell=st.text(max_size=12))
def test_any_text_as_population_is_a_number_or_an_error(tmp_path, cell):
    rows = _shipped_rows(reference_date="2024-12-31")[:2]
    rows[1]["population_total"] = cell
    vintage = read_population(_write_csv(tmp_path / "any.csv", rows))
    if vintage.errors:
        assert all(p.message for p in vintage.errors)
    else:
        total = vintage.rows.set_index("ags").loc[rows[1]["ags"], "total"]
        assert total == int(cell.strip().replace(".", "").replace(",", "").replace(" ", "").lstrip("+"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300))
def test_any_bytes_give_a_vintage_with_errors_not_a_crash(tmp_path, content):
    for name in ("any.csv", "any.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        vintage = read_population(path)
        assert vintage.errors and all(p.message for p in vintage.errors)
        assert vintage.errors[0].code in PROBLEM_TYPES


# --- the official exports as downloaded (real files in ../shared/real/population, used from there) ----------

def _figures(db_path: Path, reference_date: str) -> dict[str, tuple]:
    with store.connect(db_path) as con:
        rows = con.execute("SELECT ags, total, female, male FROM population_current WHERE reference_date = ?",
                           [reference_date]).fetchall()
    return {a: (t, f, m) for a, t, f, m in rows}


def test_regionalstatistik_table_csv_by_sex_loads_with_basis(db_path):
    """12411-01-01-4 as downloaded: ISO-8859-1, title lines, DG/Land/RB/Kreis/Gemeinde rows, "-" for dissolved
    Kreise (16056 Eisenach since 1 July 2021), notes below. The file does not state its census basis."""
    refused = load_population(TABLE_2021, user="lks", db_path=db_path)
    assert refused["status"] == "rejected" and _codes(refused["errors"]) == ["population-no-basis"]
    assert "Erkannt: eine GENESIS-Tabelle 12411-01-01-4 (CSV), Stichtag 31.12.2021" in refused["errors"][0].message
    assert "--basis" in refused["errors"][0].message
    assert _population_batches(db_path) == []

    result = load_population(TABLE_2021, user="lks", db_path=db_path, basis="Zensus 2011")
    assert result["status"] == "loaded", result["errors"]
    assert result["warnings"] == []
    assert (result["reference_date"], result["basis"], result["kreise"], result["laender"]) == (
        "2021-12-31", "Zensus 2011", 400, 16)
    assert result["germany_total"] == 83_237_124 and result["has_sex"]
    assert result["skipped"][0] == "16056 Eisenach, kreisfreie Stadt („-“)"
    figures = _figures(db_path, "2021-12-31")
    assert figures["16063"] == (158_900, 79_665, 79_235)  # Wartburgkreis, with Eisenach
    assert "16056" not in figures and "031" not in figures and "03241001" not in figures
    assert figures["00"] == (83_237_124, 42_170_339, 41_066_785)
    assert figures["01001"] == (91_113, 45_777, 45_336)  # Flensburg: female and male columns not swapped
    # Hamburg and Berlin appear only as Länder in the table: each is its one Kreis
    assert figures["02000"] == figures["02"] == (1_853_935, 946_253, 907_682)
    assert figures["11000"] == figures["11"]
    assert len([a for a in figures if len(a) == 5]) == 400


def test_genesis_table_without_sex_loads_totals_and_says_so(db_path, tmp_path):
    """The same table reduced to "Insgesamt" (as 12411-0015 comes): totals load, with a warning about women."""
    lines = TABLE_2021.read_bytes().decode("latin-1").splitlines()
    cut = [";".join(line.split(";")[:3]) if ";" in line else line for line in lines]
    path = tmp_path / "12411-0015_2021.csv"
    path.write_bytes("\n".join(cut).encode("latin-1"))
    result = load_population(path, user="lks", db_path=db_path, basis="Zensus 2011")
    assert result["status"] == "loaded", result["errors"]
    assert _codes(result["warnings"]) == ["population-no-sex"]
    assert "Quoten je Frauen" in result["warnings"][0].message and not result["has_sex"]
    assert _figures(db_path, "2021-12-31")["16063"] == (158_900, None, None)


def test_genesis_flat_file_old_headers_loads_land_totals(db_path):
    """12411-0012 by Land and single year of age, old German flat headers: the "Insgesamt" rows per Land."""
    result = load_population(FLAT_2019, user="lks", db_path=db_path, basis="Zensus 2011")
    assert result["status"] == "loaded", result["errors"]
    assert (result["kreise"], result["laender"], result["has_sex"]) == (0, 16, False)
    assert _codes(result["warnings"]) == ["population-no-sex", "population-laender-only"]
    figures = _figures(db_path, "2019-12-31")
    assert figures["08"] == (11_100_394, None, None) and figures["04"] == (681_202, None, None)
    assert figures["00"][0] == sum(t for a, (t, _, _) in figures.items() if len(a) == 2 and a != "00") == 83_166_711


def test_genesis_flat_file_new_english_headers_with_sex_and_zip(db_path, tmp_path):
    """The newer flat format (English headers, one "value" column), delivered as a zip, with sex and Kreise."""
    header = ("statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
              "1_variable_attribute_code;1_variable_attribute_label;2_variable_code;2_variable_label;"
              "2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;"
              "value_variable_label")
    rows = [header]
    for ags, name, female, male in (("16063", "Wartburgkreis", 79_665, 79_235), ("16055", "Weimar", 33_000, 32_000)):
        for code, label, value in (("GESM", "männlich", male), ("GESW", "weiblich", female),
                                   ("", "Insgesamt", female + male)):
            rows.append(f"12411;Fortschreibung;STAG;Stichtag;31.12.2021;KREISE;Kreise;{ags};{name};GES;Geschlecht;"
                        f"{code};{label};{value};Anzahl;BEVSTD;Bevölkerungsstand")
    path = tmp_path / "12411-0018_de_flat.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("12411-0018_de_flat.csv", "\n".join(rows).encode("utf-8"))
    vintage = read_population(path, basis="Zensus 2011")
    assert vintage.errors == [] and vintage.has_sex
    assert "neues Format" in vintage.recognised
    kreise = vintage.rows.set_index("ags")
    assert tuple(kreise.loc["16063", ["total", "female", "male"]]) == (158_900, 79_665, 79_235)
    assert kreise.loc["16", "total"] == 158_900 + 65_000  # the Land summed from its Kreise


def test_older_destatis_workbook_needs_the_basis_and_contains_eisenach(db_path):
    """04-kreise, Gebietsstand 31.12.2018: its header says only "Bevölkerung2)"; 16056 Eisenach is a Kreis."""
    refused = load_population(DESTATIS_2018, user="lks", db_path=db_path)
    assert _codes(refused["errors"]) == ["population-no-basis"]
    result = load_population(DESTATIS_2018, user="lks", db_path=db_path, basis="2011")
    assert result["status"] == "loaded", result["errors"]
    assert (result["basis"], result["kreise"], result["laender"]) == ("Zensus 2011", 401, 16)
    figures = _figures(db_path, "2018-12-31")
    assert figures["16056"] == (42_370, 21_496, 20_874)  # total, female, male
    assert figures["16063"][0] == 123_025
    # the Wartburgkreis grew by Eisenach: the warning names the territorial change
    assert _codes(result["warnings"]) == ["population-deviation"]
    assert "16063 Wartburgkreis (156.334 → 123.025; Gebietsänderung am 01.07.2021)" in result["warnings"][0].message


def test_every_real_population_file_loads_one_after_the_other(db_path):
    """All files of ../shared/real/population (with --basis where the file does not say) and the 2023 workbook."""
    for path in (TABLE_2021, FLAT_2019, DESTATIS_2018, DESTATIS):
        basis = None if path == DESTATIS else "Zensus 2011"
        result = load_population(path, user="lks", db_path=db_path, basis=basis)
        assert result["status"] == "loaded", (path.name, [p.message for p in result["errors"]])
    assert [s for _, s in _population_batches(db_path)] == ["active"] * 4


def test_basis_given_that_contradicts_the_file_is_refused(db_path):
    result = load_population(DESTATIS, user="lks", db_path=db_path, basis="Zensus 2022")
    assert _codes(result["errors"]) == ["population-basis-conflict"]
    assert "Die Datei nennt die Basis Zensus 2011, angegeben wurde Zensus 2022" in result["errors"][0].message


def test_a_basis_that_is_no_census_is_refused():
    vintage = read_population(DESTATIS, basis="Schätzung")
    assert _codes(vintage.errors) == ["population-bad-basis"]


def test_a_table_with_several_reference_dates_is_refused(tmp_path):
    path = tmp_path / "zwei.csv"
    path.write_text("GENESIS-Tabelle: 12411-0015\n;;Stichtag;Stichtag\n;;31.12.2020;31.12.2021\n"
                    + "".join(f"{a};Kreis;100000;100001\n" for a in ("01001", "01002", "01003") * 4),
                    encoding="latin-1")
    vintage = read_population(path, basis="Zensus 2011")
    assert _codes(vintage.errors) == ["population-mixed-vintage"]
    assert "31.12.2020, 31.12.2021" in vintage.errors[0].message


def test_a_bad_figure_in_a_genesis_table_names_its_line(tmp_path):
    text = TABLE_2021.read_bytes().decode("latin-1").replace("16063;      Wartburgkreis;158900",
                                                             "16063;      Wartburgkreis;15890O")
    path = tmp_path / "tippfehler.csv"
    path.write_bytes(text.encode("latin-1"))
    vintage = read_population(path, basis="Zensus 2011")
    [p] = vintage.errors
    assert p.code == "population-bad-value" and p.value == "15890O"
    assert p.message.startswith(f"Zeile {p.row}, Spalte „Stichtag 31.12.2021 Insgesamt“: „15890O“ ist keine")


def test_a_flat_file_without_regions_says_what_it_found(tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text("Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
                    "1_Auspraegung_Code;1_Auspraegung_Label;BEVSTD__Bevoelkerungsstand__Anzahl\n"
                    "12411;Fortschreibung;STAG;Stichtag;31.12.2019;ALT103;Altersjahre;ALT000;unter 1 Jahr;778090\n",
                    encoding="utf-8")
    vintage = read_population(path, basis="Zensus 2011")
    assert _codes(vintage.errors) == ["population-no-regions"]
    assert "GENESIS-Flatfile 12411 (älteres Format) mit den Merkmalen Altersjahre" in vintage.errors[0].message


def test_a_csv_that_is_no_population_table_names_its_columns(tmp_path):
    path = tmp_path / "polizei.csv"
    path.write_text("Quartal;Kreis;Einsätze\n2025-Q2;05913;420\n", encoding="utf-8")
    [p] = read_population(path).errors
    assert p.code == "population-no-table" and "Kopfzeile „quartal, kreis, einsätze“" in p.message


def test_a_zip_with_two_files_is_refused(tmp_path):
    path = tmp_path / "zwei.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.csv", "x")
        zf.writestr("b.csv", "y")
    [p] = read_population(path).errors
    assert p.code == "population-no-table" and "ZIP-Archiv mit a.csv, b.csv" in p.message


def test_a_hostile_file_is_refused_with_the_safety_code(db_path, tmp_path):
    path = tmp_path / "makro.xlsm"
    path.write_bytes(DESTATIS.read_bytes())
    result = load_population(path, user="lks", db_path=db_path)
    assert _codes(result["errors"]) == ["macro-file"]
    assert _population_batches(db_path) == []


def test_preview_compares_the_laender_without_loading(db_path):
    vintage, compare = preview_population(TABLE_2021, basis="Zensus 2011", db_path=db_path)
    assert vintage.errors == []
    nrw = compare.set_index("AGS").loc["05"]
    assert nrw["neu"] == 17_924_591 and nrw["bisher"] == 18_017_520
    assert _population_batches(db_path) == []


def test_refusals_leave_the_database_unchanged(db_path, tmp_path):
    def state():
        with store.connect(db_path) as con:
            return [con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                    for t in ("batches", "population", "regions", "region_changes")]

    before = state()
    for path, basis in ((TABLE_2021, None), (DESTATIS, "Zensus 2022"), (FLAT_2019, "Schätzung")):
        assert load_population(path, user="lks", db_path=db_path, basis=basis)["status"] == "rejected"
    assert state() == before


# code → a test above that produces it (the registry test in test_validate.py checks that every code has one)
SCENARIOS = {
    "population-no-table": test_a_workbook_without_population_table_is_refused,
    "population-no-regions": test_a_flat_file_without_regions_says_what_it_found,
    "population-no-date": test_destatis_layout_without_date_is_refused,
    "population-no-basis": test_regionalstatistik_table_csv_by_sex_loads_with_basis,
    "population-bad-basis": test_a_basis_that_is_no_census_is_refused,
    "population-basis-conflict": test_basis_given_that_contradicts_the_file_is_refused,
    "population-mixed-vintage": test_a_table_with_several_reference_dates_is_refused,
    "population-bad-value": test_a_bad_figure_in_a_genesis_table_names_its_line,
    "population-bad-key": test_bad_values_are_refused_and_nothing_is_loaded,
    "population-duplicate": test_duplicates_and_mixed_vintages_are_refused,
    "population-unknown-region": test_bad_values_are_refused_and_nothing_is_loaded,
    "population-implausible": test_bad_values_are_refused_and_nothing_is_loaded,
    "population-parts-exceed": test_bad_values_are_refused_and_nothing_is_loaded,
    "population-already-loaded": test_destatis_vintage_loads_as_an_undoable_batch,
    "population-missing-regions": test_missing_kreise_are_a_warning_listing_them,
    "population-laender-only": test_genesis_flat_file_old_headers_loads_land_totals,
    "population-no-sex": test_genesis_table_without_sex_loads_totals_and_says_so,
    "population-deviation": test_older_destatis_workbook_needs_the_basis_and_contains_eisenach,
    "population-sum-mismatch": test_population_sums_that_differ_are_a_warning,
}
