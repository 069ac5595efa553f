"""Shared fixtures: a fresh database per test, a pinned 'today', the path to ../shared."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TODAY = "2026-11-21"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """Validation rules such as 'quarter in the future' depend on today's date."""
    monkeypatch.setenv("IK_MONITOR_TODAY", TODAY)


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """An empty database location; the store creates and initialises it on first use."""
    path = tmp_path / "monitor.duckdb"
    monkeypatch.setenv("IK_MONITOR_DB", str(path))
    return path


@pytest.fixture(scope="session")
def initialised_db(tmp_path_factory) -> Path:
    """One store initialised with the shipped reference data, for tests to copy."""
    from monitor import store

    path = tmp_path_factory.mktemp("initialised") / "monitor.duckdb"
    with store.connect(path):
        pass
    return path


@pytest.fixture
def initialised_copy(db_path, initialised_db) -> Path:
    """``db_path`` holding a fresh copy of the initialised store (cheaper than initialising again)."""
    shutil.copyfile(initialised_db, db_path)
    return db_path
