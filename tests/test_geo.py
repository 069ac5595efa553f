"""Installed boundaries (monitor/geo.py) and the tile grid used when none are installed."""

from __future__ import annotations

import csv
import json
import os
import shutil

import pytest
from conftest import ROOT, SHARED

from monitor import geo

KREISE_WGS84 = SHARED / "geo" / "kreise_2023-12-31_wgs84_simplified.geojson"
LAENDER_WGS84 = SHARED / "geo" / "laender_2023-12-31_wgs84_simplified.geojson"


@pytest.fixture
def installed(tmp_path):
    """A boundaries folder as ``python -m etl boundaries`` leaves it (files from ../shared, in tmp only)."""
    shutil.copy(KREISE_WGS84, tmp_path / "kreise.geojson")
    shutil.copy(LAENDER_WGS84, tmp_path / "laender.geojson")
    (tmp_path / "boundaries.json").write_text(json.dumps(
        {"attribution": "© GeoBasis-DE / BKG 2026 (Daten verändert), dl-de/by-2-0"}), encoding="utf-8")
    return tmp_path


def test_not_installed_means_none(tmp_path):
    assert geo.load_boundaries("kreis", tmp_path) is None
    assert geo.load_boundaries("land", tmp_path) is None
    assert not geo.boundaries_installed(tmp_path)
    assert geo.attribution(tmp_path) == geo.ATTRIBUTION_DEFAULT
    assert geo.INSTALL_COMMAND.startswith("python -m etl boundaries")


def test_load_installed_boundaries_by_level_name(installed):
    kreise = geo.load_boundaries("kreis", installed)
    assert len(kreise["features"]) == 400
    assert geo.load_boundaries("kreise", installed) is kreise  # cached, same object
    assert len(geo.load_boundaries("Länder", installed)["features"]) == 16
    assert geo.boundaries_installed(installed)
    assert geo.attribution(installed).startswith("© GeoBasis-DE / BKG 2026")
    with pytest.raises(ValueError):
        geo.load_boundaries("gemeinde", installed)


def test_a_new_import_is_picked_up_without_restart(installed):
    first = geo.load_boundaries("land", installed)
    path = installed / "laender.geojson"
    fewer = {"type": "FeatureCollection", "features": first["features"][:3]}
    path.write_text(json.dumps(fewer), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert len(geo.load_boundaries("land", installed)["features"]) == 3


def test_broken_file_counts_as_not_installed(tmp_path):
    (tmp_path / "kreise.geojson").write_text("{kaputt", encoding="utf-8")
    assert geo.load_boundaries("kreis", tmp_path) is None


def test_subset_by_land_and_ags(installed):
    kreise = geo.load_boundaries("kreis", installed)
    nrw = geo.subset(kreise, land="05")
    assert len(nrw["features"]) == 53
    assert all(f["properties"]["ags"].startswith("05") for f in nrw["features"])
    two = geo.subset(kreise, ags=["03404", "03459"])
    assert {f["properties"]["ags"] for f in two["features"]} == {"03404", "03459"}
    assert len(kreise["features"]) == 400  # the cached original is untouched


def _laender_reference() -> set[str]:
    with open(ROOT / "data" / "reference" / "regions.csv", encoding="utf-8") as fh:
        return {r["ags"] for r in csv.DictReader(fh) if r["level"] == "land"}


def test_tile_grid_has_every_land_once():
    assert set(geo.TILE_GRID) == _laender_reference()
    assert len(set(geo.TILE_GRID.values())) == 16, "two Länder on one tile"
    assert set(geo.LAND_ABBREVIATIONS) == set(geo.TILE_GRID)
    assert geo.LAND_ABBREVIATIONS["05"] == "NW" and geo.LAND_ABBREVIATIONS["11"] == "BE"


def _rank_correlation(a: list[float], b: list[float]) -> float:
    def ranks(xs):
        order = sorted(range(len(xs)), key=lambda i: xs[i])
        r = [0.0] * len(xs)
        for rank, i in enumerate(order):
            r[i] = rank
        return r
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    mean = (n - 1) / 2
    cov = sum((x - mean) * (y - mean) for x, y in zip(ra, rb))
    var = sum((x - mean) ** 2 for x in ra)
    return cov / var


def test_tile_grid_follows_geography():
    from shapely.geometry import shape

    centroids = {f["properties"]["ags"]: shape(f["geometry"]).centroid
                 for f in json.loads(LAENDER_WGS84.read_text(encoding="utf-8"))["features"]}
    ags = sorted(geo.TILE_GRID)
    rows = [geo.TILE_GRID[a][0] for a in ags]
    cols = [geo.TILE_GRID[a][1] for a in ags]
    # Rows run north to south, columns west to east.
    assert _rank_correlation(rows, [-centroids[a].y for a in ags]) > 0.85
    assert _rank_correlation(cols, [centroids[a].x for a in ags]) > 0.8
    assert geo.TILE_GRID["01"][0] == 0 and geo.TILE_GRID["09"][0] > geo.TILE_GRID["16"][0]
