"""Population vintages: the official Destatis workbook (read from ../shared, never copied), our CSV, checks, undo."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from conftest import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import loader
from etl.population import load_population, read_population
from monitor import config, store

DESTATIS = SHARED / "reference" / "destatis" / "04-kreise_gebietsstand_2023-12-31.xlsx"
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
    ({"population_female": "999999999"}, "population-implausible"),
    ({"population_total": "zwölf"}, "population-format"),
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
    assert result["status"] == "rejected" and _codes(result["errors"]) == ["population-format"]
    assert "Bevölkerungstabelle" in result["errors"][0].message
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
    assert _codes(vintage.errors) == ["population-format"] and "Stichtag" in vintage.errors[0].message


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
        assert vintage.errors and vintage.errors[0].code in ("population-format", "population-mixed-vintage")
