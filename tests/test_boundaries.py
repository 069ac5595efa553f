"""Boundary import (etl/boundaries.py): BKG VG2500 shapefiles, the BKG zip, WFS GeoJSON, the download path.

The official files are read from ../shared/geo (the test is about that official format); nothing is copied
into the project, only into pytest's tmp_path.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SHARED
from shapely.geometry import shape

from etl import boundaries
from etl.boundaries import import_boundaries

VG2500 = SHARED / "geo" / "vg2500_2023-12-31_utm32s"
KREISE_WGS84 = SHARED / "geo" / "kreise_2023-12-31_wgs84_simplified.geojson"
LAENDER_WGS84 = SHARED / "geo" / "laender_2023-12-31_wgs84_simplified.geojson"


def signed_area(ring) -> float:
    """Shoelace area in lon/lat: negative for a clockwise ring."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def check_output(out: Path, n_kreise: int = 400) -> tuple[dict, dict]:
    kreise, laender = read(out / "kreise.geojson"), read(out / "laender.geojson")
    assert len(kreise["features"]) == n_kreise
    assert len(laender["features"]) == 16
    for fc, n in ((kreise, 5), (laender, 2)):
        ags = [f["properties"]["ags"] for f in fc["features"]]
        assert len(set(ags)) == len(ags), "one feature per AGS"
        for f in fc["features"]:
            props, geom = f["properties"], f["geometry"]
            assert len(props["ags"]) == n and props["ags"].isdigit()
            assert props["land"] == props["ags"][:2] and props["name"]
            assert geom["type"] == "MultiPolygon"
            for polygon in geom["coordinates"]:
                assert signed_area(polygon[0]) < 0, f"outer ring of {props['ags']} not clockwise"
                assert all(signed_area(hole) > 0 for hole in polygon[1:])
            assert shape(geom).is_valid
        x0, y0, x1, y1 = _bounds(fc)
        assert 5.8 <= x0 and x1 <= 15.1 and 47.2 <= y0 and y1 <= 55.1
    dortmund = next(f for f in kreise["features"] if f["properties"]["ags"] == "05913")
    c = shape(dortmund["geometry"]).centroid
    assert abs(c.x - 7.46) < 0.05 and abs(c.y - 51.51) < 0.05
    assert dortmund["properties"]["name"] == "Dortmund"
    assert (out / "kreise.geojson").stat().st_size < 1_000_000
    return kreise, laender


def _bounds(fc: dict) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for f in fc["features"]:
        for polygon in f["geometry"]["coordinates"]:
            for ring in polygon:
                xs.extend(p[0] for p in ring)
                ys.extend(p[1] for p in ring)
    return min(xs), min(ys), max(xs), max(ys)


@pytest.fixture(scope="module")
def vg2500(tmp_path_factory) -> tuple[Path, dict]:
    """One import of the official shapefiles, shared by the tests that only read its output."""
    out = tmp_path_factory.mktemp("vg2500")
    return out, import_boundaries(VG2500, out_dir=out, year=2024)


def test_vg2500_shapefiles_become_clockwise_wgs84_geojson(vg2500):
    out, result = vg2500
    kreise, laender = check_output(out)
    assert result["kreise"] == 400 and result["laender"] == 16
    assert result["warnings"] == []
    # Coordinates are rounded to 4 decimals.
    ring = kreise["features"][0]["geometry"]["coordinates"][0][0]
    assert all(round(v, 4) == v for p in ring for v in p)
    # Land parts only: Schleswig-Holstein without its coastal waters (GF 8) ends west of 8.5° at the coast,
    # and the Bodensee (water, GF 8) is no feature of its own.
    assert {f["properties"]["name"] for f in laender["features"]} >= {"Bayern", "Baden-Württemberg"}
    assert not any("Bodensee" in f["properties"]["name"] for f in laender["features"])
    sh = next(f for f in laender["features"] if f["properties"]["ags"] == "01")
    assert shape(sh["geometry"]).area < 2.5  # square degrees; with its waters it would be well above 3


def test_metadata_carries_the_attribution(vg2500):
    out, _ = vg2500
    meta = read(out / "boundaries.json")
    assert meta["attribution"] == "© GeoBasis-DE / BKG 2024 (Daten verändert), dl-de/by-2-0"
    assert meta["gebietsstand"] == "2023-12-31"
    assert meta["product"] == "VG2500"
    assert meta["kreise"] == 400


def test_attribution_year_defaults_to_the_year_of_import(tmp_path):
    one = {"type": "FeatureCollection",
           "features": [f for f in read(KREISE_WGS84)["features"] if f["properties"]["ags"] == "05913"]}
    src = tmp_path / "kreis.geojson"
    src.write_text(json.dumps(one), encoding="utf-8")
    result = import_boundaries(src, out_dir=tmp_path / "out")
    assert "BKG 2026 " in result["attribution"]  # conftest pins today to 2026-11-21
    assert result["kreise"] == 1 and any("401 in der Regionsliste" in w for w in result["warnings"])


def test_bkg_zip_as_published(tmp_path):
    archive = tmp_path / "vg2500_12-31.utm32s.shape.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in VG2500.iterdir():
            zf.write(f, f"vg2500_12-31.utm32s.shape/vg2500/{f.name}")
        zf.writestr("vg2500_12-31.utm32s.shape/dokumentation/readme.txt", "BKG")
    out = tmp_path / "out"
    result = import_boundaries(archive, out_dir=out)
    check_output(out)
    assert result["message"].startswith("Grenzen eingespielt: 400 Kreise, 16 Länder")
    assert read(out / "boundaries.json")["product"] == "VG2500"


def test_wgs84_geojson_kreise_alone_give_dissolved_laender(tmp_path):
    result = import_boundaries(KREISE_WGS84, out_dir=tmp_path)
    _, laender = check_output(tmp_path)
    assert any("zusammengesetzt" in w for w in result["warnings"])
    # Dissolving leaves no slivers: Berlin, Bremen and Hamburg's exclave are the only holes worth keeping.
    holes = sum(len(p) - 1 for f in laender["features"] for p in f["geometry"]["coordinates"])
    assert holes <= 5
    names = {f["properties"]["ags"]: f["properties"]["name"] for f in laender["features"]}
    assert names["05"] == "Nordrhein-Westfalen"


def test_folder_with_both_geojson_layers(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(KREISE_WGS84, src / KREISE_WGS84.name)
    shutil.copy(LAENDER_WGS84, src / LAENDER_WGS84.name)
    result = import_boundaries(src, out_dir=tmp_path / "out")
    check_output(tmp_path / "out")
    assert result["warnings"] == []


def wfs_like(fc: dict, *, swap: bool) -> dict:
    """Shape a FeatureCollection like BKG's WFS output: lower-case attributes, ``gen``, ``gf``, lat/lon order."""
    out = []
    for f in fc["features"]:
        geom = shape(f["geometry"])
        coords = json.loads(json.dumps(f["geometry"]))
        if swap:
            coords = _swap(coords)
        p = f["properties"]
        out.append({"type": "Feature", "properties": {"ags": p["ags"], "gen": p["name"], "gf": 9},
                    "geometry": coords})
        if p["ags"] == "05913":
            # A water part of Dortmund (as a Kreis with land and water features has): must be dropped.
            x0, y0, x1, y1 = geom.bounds
            water = [[[x1, y0], [x1 + 0.05, y0], [x1 + 0.05, y1], [x1, y1], [x1, y0]]]
            if swap:
                water = [[[y, x] for x, y in water[0]]]
            out.append({"type": "Feature", "properties": {"ags": "05913", "gen": "Dortmund", "gf": 8},
                        "geometry": {"type": "Polygon", "coordinates": water}})
    return {"type": "FeatureCollection", "features": out,
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}}}


def _swap(geom: dict) -> dict:
    def walk(c):
        return [c[1], c[0]] if isinstance(c[0], (int, float)) else [walk(x) for x in c]
    return {"type": geom["type"], "coordinates": walk(geom["coordinates"])}


@pytest.mark.parametrize("swap", [False, True], ids=["lon-lat", "lat-lon"])
def test_wfs_geojson_axis_order_and_water_parts(tmp_path, swap):
    src = tmp_path / "vg2500_krs.geojson"
    src.write_text(json.dumps(wfs_like(read(KREISE_WGS84), swap=swap)), encoding="utf-8")
    import_boundaries(src, out_dir=tmp_path / "out")
    kreise, _ = check_output(tmp_path / "out")
    dortmund = next(f for f in kreise["features"] if f["properties"]["ags"] == "05913")
    original = next(f for f in read(KREISE_WGS84)["features"] if f["properties"]["ags"] == "05913")
    # Only the land part: the bounds match the original, the water square east of it is gone.
    assert shape(dortmund["geometry"]).bounds[2] == pytest.approx(shape(original["geometry"]).bounds[2], abs=0.01)


def test_download_fetches_both_wfs_layers(tmp_path, monkeypatch):
    requested = []

    def fake_urlopen(url, timeout=None):
        requested.append(url)
        path = KREISE_WGS84 if "vg2500_krs" in url else LAENDER_WGS84
        return io.BytesIO(path.read_bytes())

    monkeypatch.setattr(boundaries.urllib.request, "urlopen", fake_urlopen)
    result = import_boundaries(None, download=True, out_dir=tmp_path)
    check_output(tmp_path)
    assert len(requested) == 2 and all("sgx.geodatenzentrum.de/wfs_vg2500" in u for u in requested)
    assert all("srsName=EPSG:4326" in u and "outputFormat=application/json" in u for u in requested)
    assert result["warnings"] == []


def test_download_failure_is_reported_in_german(tmp_path, monkeypatch):
    def offline(url, timeout=None):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(boundaries.urllib.request, "urlopen", offline)
    with pytest.raises(OSError, match="Download vom BKG fehlgeschlagen"):
        import_boundaries(None, download=True, out_dir=tmp_path)
    assert not (tmp_path / "kreise.geojson").exists()


def test_unusable_sources_raise_german_errors(tmp_path):
    with pytest.raises(ValueError, match="Keine Quelle"):
        import_boundaries(None, out_dir=tmp_path)
    with pytest.raises(ValueError, match="gibt es nicht"):
        import_boundaries(tmp_path / "fehlt", out_dir=tmp_path)
    empty = tmp_path / "leer"
    empty.mkdir()
    (empty / "notiz.txt").write_text("nichts")
    with pytest.raises(ValueError, match="keine Kreis- oder Ländergrenzen"):
        import_boundaries(empty, out_dir=tmp_path / "out")
    bad_zip = tmp_path / "kaputt.zip"
    bad_zip.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="keine lesbare zip-Datei"):
        import_boundaries(bad_zip, out_dir=tmp_path / "out")


def test_coordinates_outside_germany_are_refused(tmp_path):
    far = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"ags": "05913", "gen": "Dortmund"},
        "geometry": {"type": "Polygon", "coordinates": [[[100, 10], [100, 11], [101, 11], [101, 10], [100, 10]]]},
    }]}
    src = tmp_path / "kreise.geojson"
    src.write_text(json.dumps(far))
    with pytest.raises(ValueError, match="nicht in Deutschland"):
        import_boundaries(src, out_dir=tmp_path / "out")
    assert not (tmp_path / "out" / "kreise.geojson").exists()
