"""Shared fixtures: the pinned test date, the fixture databases, a fresh database per test, ../shared.

The tests run "on" ``TODAY`` whatever the machine's clock says: ``pytest_configure`` sets
``IK_MONITOR_TODAY`` before any fixture of any scope runs (and every server or CLI the tests start inherits
it). ``IK_TEST_CLOCK=2030-01-01`` additionally moves the whole clock of the test session there
(``time-machine``), which is how ``make test-clock`` proves that no test depends on the day it runs.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fixture_db import TODAY, build_fixture_db

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CLOCK_ENV = "IK_TEST_CLOCK"

_travel = None


def pytest_configure(config):
    """Pin 'today' for the session and every process it starts; optionally move the clock (``IK_TEST_CLOCK``)."""
    global _travel
    os.environ["IK_MONITOR_TODAY"] = TODAY.isoformat()
    # AppTest runs in this process: show errors whole there (served apps keep config.toml's "none")
    from streamlit import config as st_config

    st_config.set_option("client.showErrorDetails", "full")
    clock = os.environ.get(CLOCK_ENV)
    if clock and _travel is None:
        import time_machine

        _travel = time_machine.travel(clock, tick=True)
        _travel.start()


def pytest_unconfigure(config):
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None


def pytest_report_header(config):
    clock = os.environ.get(CLOCK_ENV)
    return f"IK_MONITOR_TODAY={TODAY.isoformat()}" + (f", clock moved to {clock}" if clock else "")


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
    with store.connect(path, write=True):
        pass
    return path


@pytest.fixture
def initialised_copy(db_path, initialised_db) -> Path:
    """``db_path`` holding a fresh copy of the initialised store (cheaper than initialising again)."""
    shutil.copyfile(initialised_db, db_path)
    return db_path


def copy_store(source: Path, target: Path) -> Path:
    """Copy a working store with its readers' snapshot and its releases (``<name>-releases/``) to ``target``."""
    from monitor import store

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    shutil.copyfile(store.snapshot_path(source), store.snapshot_path(target))
    releases = source.with_name(f"{source.stem}-releases")
    if releases.is_dir():
        shutil.copytree(releases, target.with_name(f"{target.stem}-releases"), dirs_exist_ok=True)
    return target


def _released(path: Path) -> Path:
    """``path`` with its first release beside it (public pages, downloads and ``--public`` read releases)."""
    from monitor import release

    release.build(author="fixture", note="Fixture", db_path=path, folder=path.with_name(f"{path.stem}-releases"))
    return path


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    """The fixture database of ``tests/fixture_db.py`` (figures worked out there) and its first release, built
    once per session.

    Shared by every test of a worker: read it, never write to it (``fixture_db_copy`` is a writable copy).
    """
    return _released(build_fixture_db(tmp_path_factory.mktemp("fixture") / "monitor.duckdb"))


@pytest.fixture(scope="session")
def demo_fixture_db(tmp_path_factory) -> Path:
    """The same fixture database with its data batches marked as demo data (pages and reports say so)."""
    return _released(build_fixture_db(tmp_path_factory.mktemp("fixture_demo") / "monitor.duckdb", demo=True))


@contextmanager
def app_environment(db: Path, accounts_file: Path, users: dict[str, tuple[str, str]]):
    """The environment the app reads (store and accounts file) set for AppTest runs in this process, with
    ``users`` (name → (password, role)) created; the previous values come back afterwards."""
    from etl import accounts

    old = {k: os.environ.get(k) for k in ("IK_MONITOR_DB", "IK_MONITOR_ACCOUNTS")}
    os.environ["IK_MONITOR_DB"] = str(db)
    os.environ["IK_MONITOR_ACCOUNTS"] = str(accounts_file)
    try:
        for name, (password, role) in users.items():
            accounts.add_user(name, password, role)
        yield db
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_app_page(page: str, params: dict[str, str], *, user: str | None = None, timeout: float = 60):
    """Run the entry file with URL ``params``, then ``page``, as a visitor following a link would (AppTest);
    with ``user``, signed in as that account (its role decides what the page shows). Fails on an exception."""
    from streamlit.testing.v1 import AppTest

    from etl import accounts

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    if user is not None:
        at.session_state["auth_local_user"] = {"name": user, "since": time.time(),
                                               "epoch": accounts.session_epoch(user)}
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def fixture_db_copy(fixture_db, tmp_path) -> Path:
    """A copy of the fixture database (with its release) that a test may change."""
    return copy_store(fixture_db, tmp_path / "fixture.duckdb")
