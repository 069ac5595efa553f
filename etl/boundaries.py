"""Import the official BKG boundaries (VG2500 / VG250) into the small WGS84 GeoJSON files the maps read.

Accepted sources: a folder with the shapefile set as BKG publishes it (``VG2500_KRS.shp/.dbf/.prj`` and
``VG2500_LAN.*``, EPSG:25832 or EPSG:31467), the zip BKG offers for download, or GeoJSON as the BKG WFS
returns it (EPSG:4326, lower-case attributes ``ags``/``gen``). The output, by default in
``data/boundaries/``: ``kreise.geojson`` and ``laender.geojson`` (properties ``ags``, ``name``, ``bez``,
``land``; one MultiPolygon per AGS, land parts only, outer rings clockwise as plotly's d3-geo expects,
coordinates simplified and rounded) and ``boundaries.json`` with the attribution the licence requires.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import shapefile
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient

from monitor import config

WFS_URL = (
    "https://sgx.geodatenzentrum.de/wfs_vg2500?service=WFS&version=2.0.0&request=GetFeature"
    "&typeNames=vg2500:vg2500_{layer}&outputFormat=application/json&srsName=EPSG:4326"
)
LICENCE = "dl-de/by-2-0"
LICENCE_URL = "https://www.govdata.de/dl-de/by-2-0"
FILES = {"kreis": "kreise.geojson", "land": "laender.geojson"}
METADATA_FILE = "boundaries.json"

# Degrees; about 150 m — invisible at the scale of a Land map, keeps the Kreise file well under 1 MB.
SIMPLIFY_TOLERANCE = 0.0015
DECIMALS = 4
# Germany with a margin: coordinates outside mean a wrong coordinate system or swapped axes.
GERMANY_BOUNDS = (5.5, 47.0, 15.5, 55.5)
# BKG "Geofaktor": 3/4 land (VG250), 9 land (VG2500/VG1000); 1/2/8 are water (coast, Bodensee).
LAND_GF = {3, 4, 9}
# Square degrees (about 0.8 km²): smaller holes are slivers left by simplifying neighbours separately.
MIN_HOLE_AREA = 1e-4
DISSOLVE_GAP = 0.0005
_AGS_LENGTH = {"kreis": 5, "land": 2}
_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def attribution(year: int) -> str:
    """The source note the Datenlizenz Deutschland requires for (modified) BKG data."""
    return f"© GeoBasis-DE / BKG {year} (Daten verändert), {LICENCE}"


@dataclass
class _Part:
    ags: str
    name: str
    bez: str
    gf: int | None
    geometry: Any  # shapely geometry in WGS84 lon/lat


def import_boundaries(
    source: Path | str | None,
    *,
    download: bool = False,
    out_dir: Path | str | None = None,
    year: int | None = None,
) -> dict:
    """Import BKG boundaries from ``source`` (folder, zip or GeoJSON) or, with ``download``, from BKG's WFS.

    Writes ``kreise.geojson``, ``laender.geojson`` and ``boundaries.json`` to ``out_dir`` (default
    ``data/boundaries/``) and returns a report (German ``message``, counts, files, attribution, warnings).
    ``year`` is the year of obtaining the data for the attribution (default: this year). Raises ValueError
    with a German message when the source holds no usable boundaries.
    """
    out = Path(out_dir) if out_dir is not None else config.BOUNDARIES_DIR
    year = year or config.today().year
    if download:
        with tempfile.TemporaryDirectory(prefix="ik-boundaries-") as tmp:
            _download_wfs(Path(tmp))
            return _import(Path(tmp), out, year, label="BKG WFS vg2500", product="VG2500")
    if source is None:
        raise ValueError("Keine Quelle angegeben: Ordner, zip oder GeoJSON mit den BKG-Grenzen nennen "
                         "oder --download verwenden.")
    source = Path(source)
    if not source.exists():
        raise ValueError(f"„{source}“ gibt es nicht.")
    return _import(source, out, year, label=str(source), product=_product(source.name))


def _import(source: Path, out: Path, year: int, *, label: str, product: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="ik-boundaries-") as tmp:
        if source.is_file() and source.suffix.lower() == ".zip":
            source = _extract_zip(source, Path(tmp))
            product = product if product != "BKG" else _product(" ".join(p.name for p in source.rglob("*")))
        parts = _read_source(source)
    by_level = {level: [p for p in parts if len(p.ags) == n] for level, n in _AGS_LENGTH.items()}
    if not by_level["kreis"] and not by_level["land"]:
        raise ValueError(f"In „{label}“ sind keine Kreis- oder Ländergrenzen mit AGS (BKG VG2500/VG250) zu finden.")

    warnings: list[str] = []
    features = {level: _features(level, level_parts) for level, level_parts in by_level.items() if level_parts}
    if "land" not in features:
        features["land"] = _dissolve_laender(features["kreis"])
        warnings.append("Ländergrenzen aus den Kreisgrenzen zusammengesetzt.")
    for feats in features.values():
        _check_bounds(feats, label)
    if "kreis" in features:
        warning = _territory_warning({props["ags"] for props, _geometry in features["kreis"]})
        if warning:
            warnings.append(warning)
    if len(features["land"]) != 16:
        warnings.append(f"{len(features['land'])} statt 16 Länder in den Grenzen.")

    out.mkdir(parents=True, exist_ok=True)
    files, sizes = [], {}
    for level, feats in features.items():
        path = out / FILES[level]
        _write_json(path, {"type": "FeatureCollection", "features": [_feature(p, g) for p, g in feats]})
        files.append(str(path))
        sizes[FILES[level]] = round(path.stat().st_size / 1024)
    date_match = _DATE.search(label)
    meta = {
        "attribution": attribution(year),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "product": product,
        "source": label,
        "gebietsstand": "-".join(date_match.groups()) if date_match else None,
        "imported": config.today().isoformat(),
        "kreise": len(features.get("kreis", [])),
        "laender": len(features["land"]),
        "crs": "EPSG:4326",
        "simplify_tolerance_deg": SIMPLIFY_TOLERANCE,
    }
    _write_json(out / METADATA_FILE, meta, indent=2)
    files.append(str(out / METADATA_FILE))
    return {
        "message": f"Grenzen eingespielt: {meta['kreise']} Kreise, {meta['laender']} Länder ({product}).",
        "kreise": meta["kreise"],
        "laender": meta["laender"],
        "files": files,
        "size_kb": sizes,
        "attribution": meta["attribution"],
        "warnings": warnings,
    }


# --- reading -----------------------------------------------------------------------------------------------


def _product(text: str) -> str:
    m = re.search(r"vg(2500|1000|250)", text, re.IGNORECASE)
    return f"VG{m.group(1)}" if m else "BKG"


def _extract_zip(path: Path, tmp: Path) -> Path:
    """Extract only the Kreis and Land layers (a VG250 zip also holds the large Gemeinde layer)."""
    try:
        with zipfile.ZipFile(path) as zf:
            wanted = [n for n in zf.namelist() if _layer_of(Path(n)) and not n.endswith("/")]
            for name in wanted:
                target = tmp / Path(name).name
                with zf.open(name) as src, open(target, "wb") as dst:
                    dst.write(src.read())
    except zipfile.BadZipFile as exc:
        raise ValueError(f"„{path.name}“ ist keine lesbare zip-Datei.") from exc
    if not wanted:
        raise ValueError(f"In „{path.name}“ sind keine Kreis- oder Ländergrenzen (…_KRS / …_LAN) enthalten.")
    return tmp


def _layer_of(path: Path) -> str | None:
    """``kreis``/``land`` for a file that by its name holds that layer (shapefile parts or GeoJSON)."""
    stem, suffix = path.stem.lower(), path.suffix.lower()
    if suffix in (".shp", ".dbf", ".shx", ".prj", ".cpg"):
        if stem.endswith("_krs"):
            return "kreis"
        if stem.endswith("_lan"):
            return "land"
        return None
    if suffix in (".geojson", ".json"):
        if re.search(r"krs|kreis", stem):
            return "kreis"
        if re.search(r"lan|laender|länder", stem):
            return "land"
        return "unknown"
    return None


def _read_source(source: Path) -> list[_Part]:
    if source.is_file():
        if source.suffix.lower() == ".shp":
            return _read_shapefile(source)
        if source.suffix.lower() in (".geojson", ".json"):
            return _read_geojson(source)
        raise ValueError(f"„{source.name}“: erwartet wird ein Ordner, eine zip-Datei, ein Shapefile oder GeoJSON.")
    parts: list[_Part] = []
    files = sorted(p for p in source.rglob("*") if p.is_file())
    for path in files:
        layer = _layer_of(path)
        if path.suffix.lower() == ".shp" and layer in ("kreis", "land"):
            parts.extend(_read_shapefile(path))
        elif path.suffix.lower() in (".geojson", ".json") and layer and path.name != METADATA_FILE:
            parts.extend(_read_geojson(path))
    return parts


def _field(record: dict, *names: str) -> Any:
    lower = {k.lower(): v for k, v in record.items()}
    for name in names:
        if lower.get(name) not in (None, ""):
            return lower[name]
    return None


def _part(props: dict, geometry) -> _Part | None:
    ags = _field(props, "ags", "ars")
    if ags is None:
        return None
    ags = str(ags).strip()
    ags = ags[:5] if len(ags) > 5 else ags  # ARS/AGS_0 carry trailing zeros on some layers
    gf = _field(props, "gf")
    return _Part(
        ags=ags,
        name=str(_field(props, "gen", "name") or ags),
        bez=str(_field(props, "bez") or ""),
        gf=int(gf) if gf is not None else None,
        geometry=geometry,
    )


def _read_shapefile(shp: Path) -> list[_Part]:
    cpg = shp.with_suffix(".cpg")
    encoding = cpg.read_text().strip() if cpg.exists() else "utf-8"
    prj = shp.with_suffix(".prj")
    src_crs = CRS.from_wkt(prj.read_text()) if prj.exists() else None
    try:
        reader = shapefile.Reader(str(shp), encoding=_python_encoding(encoding))
    except shapefile.ShapefileException as exc:
        raise ValueError(f"„{shp.name}“ ist kein lesbares Shapefile: {exc}") from exc
    with reader:
        rows = [(sr.record.as_dict(), shape(sr.shape.__geo_interface__)) for sr in reader.iterShapeRecords()]
    to_wgs84 = _transformer(src_crs, [g for _, g in rows])
    parts = []
    for props, geom in rows:
        part = _part(props, _apply(to_wgs84, geom))
        if part:
            parts.append(part)
    return parts


def _python_encoding(cpg: str) -> str:
    cpg = cpg.lower().replace("-", "_")
    return {"utf_8": "utf-8", "utf8": "utf-8", "1252": "cp1252", "ansi 1252": "cp1252"}.get(cpg, cpg or "utf-8")


def _read_geojson(path: Path) -> list[_Part]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"„{path.name}“ ist kein lesbares GeoJSON.") from exc
    feats = doc.get("features", []) if isinstance(doc, dict) else []
    feats = [f for f in feats if f.get("geometry")]
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in feats]) if feats else []
    rows = [(f.get("properties") or {}, g) for f, g in zip(feats, geoms)]
    crs_name = str(((doc.get("crs") or {}).get("properties") or {}).get("name", ""))
    m = re.search(r"EPSG:+(\d+)", crs_name)
    src_crs = CRS.from_epsg(int(m.group(1))) if m else None
    to_wgs84 = _transformer(src_crs, [g for _, g in rows])
    parts = []
    for props, geom in rows:
        part = _part(props, _apply(to_wgs84, geom))
        if part:
            parts.append(part)
    return parts


def _transformer(src_crs: CRS | None, geoms: list):
    """A function that maps an (n, 2) coordinate array to lon/lat, or None when it already is lon/lat."""
    if not geoms:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    if max(abs(x0), abs(x1), abs(y0), abs(y1)) <= 360:
        # Degrees. WFS output for EPSG:4326 may come in lat/lon order: in Germany lat > 45 > lon.
        if x0 > 40 and y1 < 20:
            return lambda c: c[:, ::-1]
        return None
    if src_crs is None or src_crs.is_geographic:
        # No usable .prj: Gauss-Krüger zone 3 eastings start with 3, UTM 32 ones are below 1,000 km.
        src_crs = CRS.from_epsg(31467 if x0 > 2_000_000 else 25832)
    transformer = Transformer.from_crs(src_crs, CRS.from_epsg(4326), always_xy=True)

    def to_lonlat(c: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(c[:, 0], c[:, 1])
        return np.column_stack([lon, lat])

    return to_lonlat


def _apply(func, geom):
    return shapely.transform(geom, func) if func is not None else geom


# --- building the output -----------------------------------------------------------------------------------


def _features(level: str, parts: list[_Part]) -> list[tuple[dict, MultiPolygon]]:
    """One (properties, geometry) per AGS: its land parts merged, cleaned and oriented."""
    groups: dict[str, list[_Part]] = {}
    for p in parts:
        groups.setdefault(p.ags, []).append(p)
    feats = []
    for ags in sorted(groups):
        group = groups[ags]
        land = [p for p in group if p.gf in LAND_GF]
        keep = land or group
        main = keep[0]
        name = re.sub(r"\s*\(Bodensee\)$", "", main.name)
        geom = _clean(shapely.union_all([p.geometry for p in keep]))
        if geom.is_empty:
            continue
        props = {"ags": ags, "name": name, "bez": main.bez, "land": ags[:2]}
        feats.append((props, geom))
    return feats


def _feature(props: dict, geom: MultiPolygon) -> dict:
    return {"type": "Feature", "id": props["ags"], "properties": props, "geometry": _geojson(geom)}


def _clean(geom) -> MultiPolygon:
    """Simplify, snap to the output precision and orient: a valid MultiPolygon with clockwise outer rings."""
    geom = shapely.simplify(geom, SIMPLIFY_TOLERANCE, preserve_topology=True)
    geom = shapely.set_precision(geom, 10 ** -DECIMALS)
    geom = shapely.make_valid(geom) if not geom.is_valid else geom
    polygons = [_without_slivers(g) for g in _polygons(geom) if g.area > 0]
    return MultiPolygon([orient(p, sign=-1.0) for p in polygons])


def _without_slivers(polygon: Polygon) -> Polygon:
    holes = [r for r in polygon.interiors if Polygon(r).area >= MIN_HOLE_AREA]
    return Polygon(polygon.exterior, holes)


def _polygons(geom) -> Iterable[Polygon]:
    if isinstance(geom, Polygon):
        yield geom
    elif hasattr(geom, "geoms"):
        for g in geom.geoms:
            yield from _polygons(g)


def _geojson(geom: MultiPolygon) -> dict:
    out = mapping(geom)
    return {
        "type": "MultiPolygon",
        "coordinates": [
            [[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring] for ring in poly]
            for poly in out["coordinates"]
        ],
    }


def _dissolve_laender(kreise: list[tuple[dict, MultiPolygon]]) -> list[tuple[dict, MultiPolygon]]:
    names = _reference_names()
    groups: dict[str, list] = {}
    for props, geom in kreise:
        groups.setdefault(props["land"], []).append(geom)
    feats = []
    for land in sorted(groups):
        # Grow and shrink by ~50 m so that gaps between separately simplified Kreise close.
        geom = _clean(shapely.union_all([g.buffer(DISSOLVE_GAP) for g in groups[land]]).buffer(-DISSOLVE_GAP))
        props = {"ags": land, "name": names.get(land, land), "bez": "Land", "land": land}
        feats.append((props, geom))
    return feats


def _check_bounds(feats: list[tuple[dict, MultiPolygon]], label: str) -> None:
    x0, y0, x1, y1 = shapely.total_bounds([g for _, g in feats])
    b = GERMANY_BOUNDS
    if x0 < b[0] or y0 < b[1] or x1 > b[2] or y1 > b[3]:
        raise ValueError(f"Die Grenzen aus „{label}“ liegen nicht in Deutschland (Ausdehnung {x0:.1f}–{x1:.1f} "
                         f"/ {y0:.1f}–{y1:.1f}); Koordinatensystem oder Achsenreihenfolge prüfen.")


def _reference_rows() -> list[dict[str, str]]:
    path = config.REFERENCE_DIR / "regions.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _reference_names() -> dict[str, str]:
    return {r["ags"]: r["short_name"] or r["name"] for r in _reference_rows() if r["level"] == "land"}


def _territory_warning(ags: set[str]) -> str:
    """"" when the boundaries' Kreise are those of one territorial status of the region list (the 400 Kreise
    before Hanau became kreisfrei are as right as the 401 since), else a German warning."""
    kreise = [r for r in _reference_rows() if r["level"] == "kreis"]
    edges = {date.fromisoformat(d) for r in kreise for d in (r.get("valid_from"), r.get("valid_to")) if d}
    # every stretch between two changes: the day itself and the days on either side of each change
    days = sorted({str(d + timedelta(days=k)) for d in edges for k in (-1, 0, 1)}) + ["9999-12-31"]
    for day in days:
        valid = {r["ags"] for r in kreise if (r.get("valid_from") or "0000") <= day
                 and (not r.get("valid_to") or r["valid_to"] >= day)}
        if valid == ags:
            return ""
    current = sum(1 for r in kreise if not r.get("valid_to"))
    return f"{len(ags)} Kreise in den Grenzen, {current} in der Regionsliste (anderer Gebietsstand?)."


def _write_json(path: Path, doc: dict, indent: int | None = None) -> None:
    """Write next to the target and rename, so the app never reads a half-written file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    separators = None if indent else (",", ":")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=indent, separators=separators), encoding="utf-8")
    os.replace(tmp, path)


# --- download ----------------------------------------------------------------------------------------------


def _download_wfs(target: Path) -> None:
    """Fetch the Kreis and Land layers of VG2500 from BKG's WFS as GeoJSON (EPSG:4326) into ``target``."""
    for layer, name in (("krs", "vg2500_krs.geojson"), ("lan", "vg2500_lan.geojson")):
        url = WFS_URL.format(layer=layer)
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                data = response.read()
        except OSError as exc:
            raise OSError(f"Download vom BKG fehlgeschlagen ({url}): {exc}") from exc
        try:
            json.load(io.BytesIO(data))
        except json.JSONDecodeError as exc:
            raise ValueError(f"Der BKG-Dienst hat kein GeoJSON geliefert ({url}).") from exc
        (target / name).write_bytes(data)
