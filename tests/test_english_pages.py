"""Every page in English mode shows no German beyond proper names, official titles and file headers."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from monitor import datasets, geo, store
from monitor.regions import RegionIndex
from tests.conftest import app_environment, run_app_page
from tests.fixture_db import PERIOD

PAGES = ("pages/overview.py", "pages/protection.py", "pages/counselling.py", "pages/police.py",
         "pages/regions.py", "pages/methodology.py", "pages/reports.py", "pages/planning.py", "pages/upload.py",
         "pages/admin.py")
ADMIN = "ada"


# --- English pages ---------------------------------------------------------------------------------------

# German words that do not occur in English text (matched as whole words, case-sensitive)
GERMAN = re.compile(r"(?<![\w-])(und|der|die|das|nicht|für|mit|von|ist|sind|wird|werden|eine|einer|einen|keine|"
                    r"kein|oder|auch|nach|bei|zum|zur|dem|den|des|sich|aus|wie|bis|je|davon|insgesamt|Zahl|Zahlen|"
                    r"Meldung|Meldungen|Quelle|Stand|Soll|Lücke|Plätze|Jahr|Quartal|Einwohner|Einwohner:innen|"
                    r"Frauen|gemeldet|Daten|Bevölkerung|Einrichtungen|Beratung|Schutz|Vorjahr|Zählweise|Hinweis|"
                    r"Hinweise|Kennzahl|Fälle|Personen|Anteil|Wert|Werte|Vollständigkeit|Ansicht|Seite|Datei|"
                    r"Veröffentlichung|gesperrt|Deutschland|Polizei|Einsätze|Quote|Bedarf|Bestand|Kreisen|Ländern)"
                    r"(?![\w-])")


@pytest.fixture(scope="module")
def english_db(demo_fixture_db, tmp_path_factory):
    accounts_file = tmp_path_factory.mktemp("accounts") / "accounts.sqlite"
    with app_environment(demo_fixture_db, accounts_file, {ADMIN: ("verwaltung-2025-ok", "admin")}) as db:
        yield db


def _allowed(db) -> list[str]:
    """Proper names, official titles and file headers: German in every language, longest first."""
    with store.connect(db) as con:
        regions = RegionIndex.from_db(con).regions
        names = [r.name for r in regions] + [r.short_name for r in regions]
        sources = [s for (s,) in con.execute("SELECT DISTINCT source FROM targets_current").fetchall() if s]
        sources += [s for (s,) in con.execute("SELECT DISTINCT source FROM population").fetchall() if s]
        for table in ("annotations_current", "region_changes_current"):  # citations, German as published
            sources += [s for (s,) in con.execute(f"SELECT DISTINCT source FROM {table}").fetchall() if s]
    headers = []
    for ds in datasets.DATASETS.values():
        for col in ds.columns:
            headers += [col.header, *col.aliases, *col.choices]
    # the attribution wording the licences prescribe (dl-de/by-2-0: "Quelle: …", BKG: "(Daten verändert)")
    fixed = ["Statistische Ämter des Bundes und der Länder", "Datenlizenz Deutschland – Namensnennung – Version 2.0",
             "Zensus 2022", "Zensus 2011", "Gewalthilfegesetz", geo.ATTRIBUTION_DEFAULT,
             *(f"Quelle: {s}" for s in sources)]
    return sorted({*names, *sources, *headers, *fixed}, key=len, reverse=True)


def _chart_texts(at: AppTest) -> list[str]:
    out = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec.get("layout", {})
        title = layout.get("title", {})
        out += [title.get("text", ""), title.get("subtitle", {}).get("text", "")]
        out += [a.get("text", "") for a in layout.get("annotations", [])]
        for axis in ("xaxis", "yaxis"):
            out.append((layout.get(axis, {}).get("title") or {}).get("text", ""))
        for trace in spec.get("data", []):
            out.append(str(trace.get("name", "")))
            for key in ("hovertemplate", "text"):
                value = trace.get(key)
                out += value if isinstance(value, list) else [value or ""]
        out.append(chart.proto.alt)
    return [re.sub(r"<[^>]+>", " ", str(t)) for t in out if t]


def _page_texts(at: AppTest) -> list[str]:
    parts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning",
                                  "error", "success") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value} {m.help or ''}" for m in at.metric]
    parts += [w.label for kind in ("selectbox", "multiselect", "checkbox", "toggle", "button", "text_input",
                                   "number_input") for w in getattr(at, kind)]
    parts += [o for w in at.selectbox for o in w.options]
    parts += [t.label for t in at.tabs] + [e.label for e in at.expander]
    for df in at.dataframe:
        frame = df.value
        parts += [str(c) for c in frame.columns]
        parts += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    for table in at.table:
        frame = table.value
        parts += [str(c) for c in frame.columns] + [str(v) for v in frame.astype(str).to_numpy().ravel()]
    return [str(p) for p in parts if p] + _chart_texts(at)


def german_in(texts: list[str], allowed: list[str]) -> list[str]:
    """The texts that still contain a German word once proper names, titles and quoted headers are removed."""
    found = []
    for text in texts:
        clean = text
        for phrase in allowed:  # before the quotes go: a citation may quote („-“)
            if phrase in clean:
                clean = clean.replace(phrase, " ")
        clean = re.sub(r"„[^“]*“", " ", clean)  # „…“: an official title or a file header, quoted as written
        clean = re.sub(r"`[^`]*`", " ", clean)  # commands and file names
        if GERMAN.search(clean):
            found.append(text.strip()[:160])
    return sorted(set(found))


def run_english(page: str, region: str, *, admin: bool = False):
    params = {"lang": "en", "region": region, "period": PERIOD} | ({"mode": "internal"} if admin else {})
    return run_app_page(page, params, user=ADMIN if admin else None, timeout=90)


@pytest.mark.parametrize("page", PAGES)
def test_english_pages_show_no_german(english_db, page):
    allowed = _allowed(english_db)
    admin = page in ("pages/upload.py", "pages/admin.py")
    for region in ("03404", "00"):
        at = run_english(page, region, admin=admin)
        texts = _page_texts(at)
        assert texts, "the page wrote something"
        assert german_in(texts, allowed) == [], f"{page} {region}"


def test_the_detector_finds_german(english_db):
    allowed = _allowed(english_db)
    assert german_in(["Schutzplätze und Soll – Dortmund"], allowed) == ["Schutzplätze und Soll – Dortmund"]
    assert german_in(["Shelter places – Mülheim an der Ruhr", "Source: „Kreisfreie Städte und Landkreise“"],
                     allowed) == []
