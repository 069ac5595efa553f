"""Paths and settings shared by the ETL, the core and the app."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
# where `python -m etl boundaries` writes the simplified GeoJSON the maps read
BOUNDARIES_DIR = Path(os.environ.get("IK_MONITOR_BOUNDARIES") or DATA_DIR / "boundaries")

DB_ENV = "IK_MONITOR_DB"
DEFAULT_DB = DATA_DIR / "monitor.duckdb"

# Public-mode suppression (DOMAIN.md, "Small numbers"): counts below MIN_COUNT show as "< 3",
# rates resting on fewer than MIN_RATE_EVENTS events are withheld.
MIN_COUNT = int(os.environ.get("IK_MONITOR_MIN_COUNT", "3"))
MIN_RATE_EVENTS = int(os.environ.get("IK_MONITOR_MIN_RATE_EVENTS", "10"))

# A file lock held by another process (a load in progress) is waited for this long.
LOCK_TIMEOUT_S = float(os.environ.get("IK_MONITOR_LOCK_TIMEOUT", "30"))

FIRST_DEMO_QUARTER = "2019-Q1"


def db_path() -> Path:
    """The DuckDB file in use: ``IK_MONITOR_DB`` or ``data/monitor.duckdb``."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def today() -> date:
    """Today's date; one place so that tests can pin it (``IK_MONITOR_TODAY=2026-11-21``)."""
    pinned = os.environ.get("IK_MONITOR_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()
