"""Every page of the app under Streamlit's AppTest, on the fixture database with figures known by hand."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, app_environment, run_app_page
from tests.fixture_db import PERIOD

PAGES = ("pages/overview.py", "pages/protection.py", "pages/counselling.py", "pages/police.py",
         "pages/regions.py", "pages/methodology.py", "pages/reports.py", "pages/planning.py")


INTERN = "ina"  # an account with the role "intern": the internal view needs it


@pytest.fixture(scope="module")
def pages_db(demo_fixture_db, tmp_path_factory):
    accounts_file = tmp_path_factory.mktemp("accounts") / "accounts.sqlite"
    with app_environment(demo_fixture_db, accounts_file, {INTERN: ("interne-sicht-2025", "intern")}) as db:
        yield db


def run_page(page: str, **params: str) -> AppTest:
    """Run the entry file with URL parameters, then the page, as a visitor following a link would.

    ``mode="internal"`` runs it as a signed-in user with the role "intern" (anyone else gets the public view).
    """
    return run_app_page(page, params, user=INTERN if params.get("mode") == "internal" else None)


def texts(at: AppTest) -> str:
    """Everything a page wrote as text (markdown, captions, metrics, tables) in one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    parts += [h.value for h in at.header] + [h.value for h in at.subheader]
    for df in at.dataframe:
        parts.append(df.value.to_string())
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("region", ["00", "03", "03404", "09"])
def test_every_page_renders_for_every_level(pages_db, page, region):
    at = run_page(page, region=region, period=PERIOD)
    assert at.title, "every page has a title"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_english_and_internal_mode(pages_db, page):
    at = run_page(page, region="03241", period="2025", lang="en", mode="internal")
    assert at.title


def test_url_reproduces_the_view(pages_db):
    at = run_page(PAGES[0], region="03404", period=PERIOD)
    assert at.session_state["region"] == "03404"
    assert at.session_state["period"] == PERIOD
    assert "Osnabrück" in at.title[0].value
    assert "2.\u00a0Quartal 2025" in at.title[0].value


def test_overview_shows_known_figures_and_target_source(pages_db):
    at = run_page(PAGES[0], region="03404", period=PERIOD)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Schutzplätze (Plätze, nicht Familienplätze)"] == "24"
    # 165,686 inhabitants / 10,000 × 2.5 = 41.4 places needed → gap 17
    page = texts(at)
    assert "Soll **41** · Lücke **17**" in page
    assert "Ziff. 135 zu Art. 23" in page, "every gap names its target's source"
    assert "Demodaten" in " ".join(w.value for w in at.sidebar.warning)


def test_no_report_is_not_zero(pages_db):
    at = run_page(PAGES[0], region="09", period=PERIOD)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Schutzplätze (Plätze, nicht Familienplätze)"] == "k. A."


def test_completeness_is_stated(pages_db):
    at = run_page(PAGES[1], region="03241", period=PERIOD, mode="internal")
    assert "2 von 3 Einrichtungen gemeldet" in texts(at)


def test_public_mode_suppresses_small_counts(pages_db):
    # 03459 reports 2 admissions of women per quarter: "< 3" in public mode, 2 internally
    public = run_page(PAGES[3], region="03459", period=PERIOD)
    internal = run_page(PAGES[3], region="03459", period=PERIOD, mode="internal")
    assert "< 3" in texts(public) and "Veröffentlichung 1" in texts(public)
    shown = texts(internal).replace("„< 3“", "")  # the footnote may name the mark; no value carries it
    assert "< 3" not in shown and "Intern" in texts(internal)


def test_anonymous_visitors_cannot_reach_the_internal_view(pages_db):
    # the URL asks for the internal view: ignored with a note, public figures shown
    at = run_page(PAGES[3], region="03459", period=PERIOD, mode="internal_by_url")
    forged = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    forged.query_params.update(region="03459", period=PERIOD, mode="internal")
    forged.session_state["mode"] = "internal"  # a forged session state, as if the widget had been sent
    forged.run()
    assert any("nur nach Anmeldung" in c.value for c in forged.sidebar.caption)
    forged.switch_page(PAGES[3])
    forged.run()
    assert not forged.exception
    for page in (at, forged):
        assert "< 3" in texts(page) and "Interne Ansicht" not in " ".join(e.value for e in page.sidebar.error)
    assert not [w for w in forged.sidebar.get("button_group") if "Intern" in str(w.proto)]


def test_wave_variant_changes_the_need(pages_db):
    de = run_page(PAGES[1], region="03404", period=PERIOD, mode="internal")
    wave = run_page(PAGES[1], region="03404", period=PERIOD, mode="internal", variant="WAVE/EIGE")
    need_de = {m.label: m.value for m in de.metric}["Bedarf an Schutzplätzen (Soll)"]
    need_wave = {m.label: m.value for m in wave.metric}["Bedarf an Schutzplätzen (Soll)"]
    assert (need_de, need_wave) == ("41", "17")
