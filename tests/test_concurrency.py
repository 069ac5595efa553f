"""Issue #9 in short: 2 writer processes, 8 reader processes and the running app at once, about 12 s.

The work is done by ``bench/concurrency.py`` (imported, not copied) on a copy of the session's fixture
database: writers load and undo small police workbooks through the CLI and, at the start and every second
cycle, load shelter rows with the same keys at once; readers read internal and public figures through the CLI
and in the process; Chromium loads / and /schutz in turn; a second release is written at the start.
``python bench/concurrency.py`` is the full 60-second run with 20 readers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from etl.validate import check_file
from monitor import config, store
from monitor.regions import RegionIndex
from tests.conftest import copy_store

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "bench"))  # appended: bench/etl.py must not shadow the etl package

import concurrency as bench  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("concurrency")]

SECONDS, WRITERS, READERS = 12, 2, 8
# what a writer may be refused for when another writer is the cause
BY_ANOTHER_WRITER = {"busy", bench.KEY_ALREADY_LOADED, "replaced-by-later-batch"}


def test_the_writers_workbooks_are_valid(fixture_db, tmp_path):
    plan = bench.make_plan(fixture_db, WRITERS)
    with store.connect(fixture_db) as con:
        regions = RegionIndex.from_db(con)
    police = bench.police_workbook(tmp_path / "polizei.xlsx", plan.quarter, plan.writer_kreise[1], cycle=3)
    shelters = bench.shelter_workbook(tmp_path / "frauenhaeuser.xlsx", plan.quarter, plan.same_key_ags,
                                      ["BENCH-R001-FH-1"], variant=1)
    for path in (police, shelters):
        reports = check_file(path, regions=regions, today=config.today())
        assert [r.dataset for r in reports] == ["police" if path.stem == "polizei" else "shelters"]
        assert reports[0].errors == [] and reports[0].rows >= 1


def test_writers_readers_and_the_app_at_once(fixture_db, tmp_path):
    """One run (about 12 s of load, 30 s in all), every target checked; the failures are listed together."""
    db = copy_store(fixture_db, tmp_path / "store" / "monitor.duckdb")
    result = bench.run(db, seconds=SECONDS, writers=WRITERS, readers=READERS, workdir=tmp_path, same_every=2,
                       release_at=0.0, pages=("", "schutz"), page_region="03404", log=lambda *_: None)
    summary = bench.summarise(result)
    records = result.records
    failed = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            failed.append(what)

    reads = [r for r in records if r["role"] == "reader"]
    check({r["op"] for r in reads} == {"cli-intern", "live-intern", "cli-public", "release-public"},
          "every kind of read ran")
    check(not [r for r in reads if r["outcome"] != bench.OK], "0 reader errors")

    writes = [r for r in records if r["role"] == "writer"]
    check(any(r["op"] == "load" and r["outcome"] == bench.OK for r in writes), "a writer's load went through")
    check(not [r for r in writes if r["outcome"] in (bench.ERROR, bench.OTHER)],
          "writers refused only by another writer")
    check({r.get("code") for r in writes if r["outcome"] == bench.BY_WRITER} <= BY_ANOTHER_WRITER,
          "refusals are busy, already loaded or replaced by the other writer")

    complete = [r for r in summary["rounds"] if r["complete"]]
    check(bool(complete) and all(r["winners"] == 1 and r["refused"] == 1 for r in complete),
          "same keys: one winner and one refusal")
    refusals = [r for r in records if r["op"] == "same-keys" and r["outcome"] == bench.BY_WRITER]
    check(all("bereits geladen (Batch" in r["message"] for r in refusals), "the refusal says 'bereits geladen'")

    check(result.release.get("exit") == 0, "the release during the run is written")
    check(summary["targets"]["Veröffentlichung im Lauf, Leser wechseln ohne Fehler"][0],
          "public reads after the release read it")

    pages = [r for r in records if r["role"] == "page" and not r.get("warmup") and r["op"] != "browser"]
    check(bool(pages), "pages were loaded during the run")
    # page times are the benchmark's business (bench/concurrency.py prints them against the idle app): here each
    # page must draw, whatever the load
    check(not [r for r in pages if r["outcome"] != bench.OK], "every page drew while writers and readers ran")

    assert failed == [], "\n".join(failed) + "\n\n" + bench.table(result, summary)
