"""Warm start (``ui/warm.py``): the warm-up fills the caches the pages read for the default view, a new release
is warmed again by the polling thread, the server hook starts and stops that thread, and a served app opens its
pages itself after the start and after a new release.

In-process on a copy of the fixture store with its release (``IK_MONITOR_WARM=data``: no page runs without a
server), then one real server (``python -m ui.serve``) on another copy.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import pytest
import streamlit as st

from monitor import release
from monitor.figures import ReleaseFigures
from monitor.regions import GERMANY
from tests.fixture_db import PERIOD
from ui import data, warm

READS = ("report", "table", "series", "status", "periods", "regions", "targets", "annotations")


@pytest.fixture
def store(fixture_db_copy, monkeypatch):
    monkeypatch.setenv("IK_MONITOR_DB", str(fixture_db_copy))
    monkeypatch.delenv(release.RELEASES_ENV, raising=False)
    monkeypatch.setenv(warm.WARM_ENV, "data")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield fixture_db_copy
    warm.stop()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Every read that reaches the release file (a cached call never does)."""
    seen: list[str] = []
    for name in READS:
        original = getattr(ReleaseFigures, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            seen.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(ReleaseFigures, name, counted)
    return seen


def test_warm_up_fills_the_caches_of_the_default_view(store, reads):
    result = warm.warm()
    assert result.version == ("release", str(release.latest_path()))
    assert set(result.steps) == {"frame", "figures", "boundaries", "charts"}
    assert "report" in reads and "table" in reads and "series" in reads
    reads.clear()
    # what the frame and the pages ask for the default view (Germany, newest period, default counting) …
    periods = data.periods(True)
    assert periods[0] == PERIOD
    data.regions(True), data.status(True), data.targets(True), data.annotations(True)
    data.report(GERMANY, PERIOD, "DE", public=True)
    data.report(GERMANY, "2024-Q2", "DE", public=True)
    data.table("land", PERIOD, variant="DE", public=True, language="de")
    data.table("kreis", PERIOD, variant="DE", public=True, language="de")
    data.series(GERMANY, ["shelter_places", "shelter_places_needed"], "DE", public=True)
    # … comes from the caches, not from the release file
    assert reads == []
    # the control: a view the warm-up does not cover reads the file
    data.report("03404", PERIOD, "DE", public=True)
    assert reads[:1] == ["report"]


def test_a_new_release_is_warmed_again(store, reads):
    warmer = warm.start(poll=0.1)
    assert warmer is not None and warm.start() is warmer  # one per process
    assert warmer.warmed.wait(60), "the first warm-up did not finish"
    warmer.warmed.clear()
    first = warmer.done[0].version
    built = release.build(author="test", note="zweite", db_path=store)
    assert warmer.warmed.wait(60), "the new release was not warmed"
    assert [r.version for r in warmer.done] == [first, ("release", built["path"])]
    assert warmer.failures == 0
    reads.clear()
    data.report(GERMANY, PERIOD, "DE", public=True)
    assert reads == []  # the new release's figures are in the cache already
    warm.stop()
    assert not warmer.is_alive()


def test_warm_up_before_the_first_release(initialised_copy, monkeypatch):
    monkeypatch.delenv(release.RELEASES_ENV, raising=False)
    result = warm.warm()
    assert result.version == ("release", None)
    assert set(result.steps) == {"regions", "charts"}


def test_switched_off_and_the_server_hook(store, monkeypatch):
    monkeypatch.setenv(warm.WARM_ENV, "off")
    assert warm.start() is None

    async def serve() -> bool:
        async with warm.lifespan(None):
            return warm._warmer is None

    assert asyncio.run(serve())

    async def serve_warm() -> tuple[bool, warm.Warmer]:
        async with warm.lifespan(None):
            running = warm._warmer
            return running is not None and running.is_alive(), running

    monkeypatch.setenv(warm.WARM_ENV, "data")  # no page runs: there is no server here
    alive, running = asyncio.run(serve_warm())
    assert alive and running.server is None
    assert warm._warmer is None and not running.is_alive()  # stopped with the server


def test_a_failing_warm_up_is_logged_and_not_repeated(store, monkeypatch):
    calls = []

    def broken(*args):
        calls.append(args)
        raise RuntimeError("kaputt")

    monkeypatch.setattr(warm, "warm", broken)
    warmer = warm.Warmer(poll=0.05)
    warmer.start()
    try:
        time.sleep(0.5)  # ten polls
    finally:
        warmer.stop()
    assert warmer.failures == 1 and len(calls) == 1  # the same release is not tried again and again
    assert warmer.done == []


def test_a_served_app_opens_its_pages_after_the_start_and_after_a_new_release(fixture_db, tmp_path, monkeypatch):
    from tests.browser import streamlit_server
    from tests.conftest import copy_store

    db = copy_store(fixture_db, tmp_path / "served.duckdb")
    monkeypatch.delenv(release.RELEASES_ENV, raising=False)
    monkeypatch.delenv(warm.WARM_ENV, raising=False)
    with streamlit_server(db) as url:
        log_path = Path(tempfile.gettempdir()) / f"ik-monitor-streamlit-{url.rsplit(':', 1)[1]}.log"

        def warmed(name: str) -> str:
            deadline = time.monotonic() + 120
            while True:
                lines = [line for line in log_path.read_text(errors="replace").splitlines()
                         if "caches warmed for" in line and name in line]
                if lines:
                    return lines[0]
                assert time.monotonic() < deadline, log_path.read_text(errors="replace")
                time.sleep(0.2)

        first = warmed("release-0001.duckdb")
        assert all(f"/{page} " in first for page in warm.PAGES), first  # every page opened
        built = release.build(author="test", note="zweite", db_path=db, folder=db.with_name(f"{db.stem}-releases"))
        second = warmed(Path(built["path"]).name)
        assert "pages" in second and "/polizei" in second
        text = log_path.read_text(errors="replace")
        assert "failed" not in text and "page error" not in text and "Traceback" not in text
