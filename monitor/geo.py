"""Boundaries for the maps (installed by ``python -m etl boundaries``) and the tile grid used without them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from . import config

LEVEL_FILES = {"kreis": "kreise.geojson", "land": "laender.geojson"}
_LEVEL_ALIASES = {"kreis": "kreis", "kreise": "kreis", "land": "land", "laender": "land", "länder": "land"}
METADATA_FILE = "boundaries.json"

ATTRIBUTION_DEFAULT = "© GeoBasis-DE / BKG (Daten verändert), dl-de/by-2-0"
INSTALL_COMMAND = "python -m etl boundaries PFAD"

# The 16 Länder on a 6 × 5 grid, each where it roughly lies: (row from the north, column from the west).
TILE_GRID: dict[str, tuple[int, int]] = {
    "01": (0, 2),  # Schleswig-Holstein
    "04": (1, 1),  # Bremen
    "02": (1, 2),  # Hamburg
    "13": (1, 3),  # Mecklenburg-Vorpommern
    "03": (2, 1),  # Niedersachsen
    "15": (2, 2),  # Sachsen-Anhalt
    "11": (2, 3),  # Berlin
    "12": (2, 4),  # Brandenburg
    "05": (3, 0),  # Nordrhein-Westfalen
    "06": (3, 1),  # Hessen
    "16": (3, 2),  # Thüringen
    "14": (3, 3),  # Sachsen
    "07": (4, 0),  # Rheinland-Pfalz
    "08": (4, 1),  # Baden-Württemberg
    "09": (4, 2),  # Bayern
    "10": (5, 0),  # Saarland
}

# Official two-letter abbreviations of the Länder, as on the tiles.
LAND_ABBREVIATIONS: dict[str, str] = {
    "01": "SH", "02": "HH", "03": "NI", "04": "HB", "05": "NW", "06": "HE", "07": "RP", "08": "BW",
    "09": "BY", "10": "SL", "11": "BE", "12": "BB", "13": "MV", "14": "SN", "15": "ST", "16": "TH",
}


def _level(level: str) -> str:
    try:
        return _LEVEL_ALIASES[level.lower()]
    except KeyError:
        raise ValueError(f"unknown boundary level {level!r}; use 'kreis' or 'land'") from None


def boundaries_path(level: str, directory: Path | str | None = None) -> Path:
    """Where the GeoJSON of ``level`` (``kreis``/``land``) is installed."""
    return Path(directory or config.BOUNDARIES_DIR) / LEVEL_FILES[_level(level)]


def load_boundaries(level: str, directory: Path | str | None = None) -> dict | None:
    """The installed GeoJSON FeatureCollection of ``level`` (``kreis``/``land``), or None when not installed.

    Cached per file and modification time, so a new import is picked up without a restart.
    """
    path = boundaries_path(level, directory)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return _read(str(path), mtime)


@lru_cache(maxsize=4)
def _read(path: str, mtime: int) -> dict | None:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and doc.get("features") else None


def boundaries_installed(directory: Path | str | None = None) -> bool:
    """True when both levels are installed."""
    return all(boundaries_path(level, directory).exists() for level in LEVEL_FILES)


def metadata(directory: Path | str | None = None) -> dict:
    """The import's metadata (attribution, Gebietsstand, counts), empty when nothing is installed."""
    path = Path(directory or config.BOUNDARIES_DIR) / METADATA_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def attribution(directory: Path | str | None = None) -> str:
    """Attribution for the glossary and map footers: from the installed import, else the general form."""
    return metadata(directory).get("attribution") or ATTRIBUTION_DEFAULT


def subset(geojson: dict, land: str | None = None, ags: Iterable[str] | None = None) -> dict:
    """The features of one Land (``land`` = 2-digit AGS) and/or of the given AGS, as a new FeatureCollection."""
    wanted = set(ags) if ags is not None else None
    features = [
        f for f in geojson.get("features", [])
        if (land is None or str(f["properties"].get("ags", "")).startswith(land))
        and (wanted is None or f["properties"].get("ags") in wanted)
    ]
    return {"type": "FeatureCollection", "features": features}
