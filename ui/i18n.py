"""User-facing texts of the app frame in German (default) and English.

Indicator labels, units and formulas come from the catalogue; this file holds only the texts of the
frame and pages. ``t(key)`` falls back to German when an English text is missing.
"""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"de": "Deutsch", "en": "English"}

TEXTS: dict[str, dict[str, str]] = {
    "app.title": {"de": "IK-Monitor", "en": "IK-Monitor"},
    "app.subtitle": {
        "de": "Umsetzung der Istanbul-Konvention in Ländern und Kreisen",
        "en": "Implementing the Istanbul Convention in Länder and Kreise",
    },
    "nav.overview": {"de": "Übersicht", "en": "Overview"},
    "nav.protection": {"de": "Schutz", "en": "Protection"},
    "nav.counselling": {"de": "Beratung", "en": "Counselling"},
    "nav.police": {"de": "Polizei & Intervention", "en": "Police & intervention"},
    "nav.regions": {"de": "Regionen", "en": "Regions"},
    "nav.methodology": {"de": "Methodik & Glossar", "en": "Methods & glossary"},
    "nav.section.monitor": {"de": "Monitor", "en": "Monitor"},
    "nav.section.reports": {"de": "Berichte und Planung", "en": "Reports and planning"},
    "nav.reports": {"de": "Berichte", "en": "Reports"},
    "nav.planning": {"de": "Bedarfsplanung", "en": "Needs planning"},
    "nav.section.info": {"de": "Information", "en": "Information"},
    "sidebar.region": {"de": "Region (Name oder AGS eingeben)", "en": "Region (type a name or AGS)"},
    "sidebar.period": {"de": "Zeitraum", "en": "Period"},
    "sidebar.mode": {"de": "Ansicht", "en": "View"},
    "sidebar.mode.public": {"de": "Öffentlich", "en": "Public"},
    "sidebar.mode.internal": {"de": "Intern", "en": "Internal"},
    "sidebar.mode.help": {
        "de": "Öffentlich: die Zahlen der neuesten Veröffentlichung – kleine Fallzahlen (unter {min_count}) und "
              "alles, woraus sie sich errechnen ließen, sind gesperrt. Intern: der Arbeitsbestand, ungesperrt, "
              "nicht zur Veröffentlichung.",
        "en": "Public: the figures of the latest release – counts below {min_count} and everything they could be "
              "worked out from are suppressed. Internal: the working store, unsuppressed, not for publication.",
    },
    "sidebar.mode.denied": {
        "de": "Die interne Ansicht gibt es nur nach Anmeldung mit einer internen Rolle; gezeigt werden die "
              "öffentlichen Zahlen.",
        "en": "The internal view needs a login with an internal role; the public figures are shown.",
    },
    "status.no_release": {
        "de": "Es gibt noch keine Veröffentlichung: öffentliche Zahlen erscheinen erst, wenn die "
              "Koordinierungsstelle veröffentlicht (Seite „Daten hochladen“ oder `python -m etl release`).",
        "en": "Nothing has been released yet: public figures appear once the coordination office makes a release "
              "(page 'Upload data' or `python -m etl release`).",
    },
    "status.release": {"de": "Veröffentlichung {number} vom {date}", "en": "Release {number} of {date}"},
    "status.internal": {"de": "Interne Ansicht – nicht zur Veröffentlichung",
                        "en": "Internal view – not for publication"},
    "role.intern": {"de": "Intern", "en": "internal"},
    "sidebar.language": {"de": "Sprache", "en": "Language"},
    "sidebar.variant": {"de": "Zählweise Schutzplätze", "en": "Counting shelter places"},
    "sidebar.variant.de": {"de": "2,5 Plätze je Familienplatz (DE)", "en": "2.5 places per family place (DE)"},
    "sidebar.variant.wave": {"de": "1 Platz = 1 Bett (WAVE/EIGE)", "en": "1 place = 1 bed (WAVE/EIGE)"},
    "sidebar.link": {"de": "Link zu dieser Ansicht", "en": "Link to this view"},
    "status.demo": {
        "de": "Demodaten – synthetische Zahlen zur Vorführung, keine amtlichen Werte.",
        "en": "Demo data – synthetic figures for demonstration, not official values.",
    },
    "status.empty": {
        "de": "Noch keine Daten geladen. Quartalsdateien laden mit `python -m etl load DATEI` "
              "oder Demodaten erzeugen mit `python -m etl demo`.",
        "en": "No data loaded yet. Load quarterly files with `python -m etl load FILE` "
              "or build demo data with `python -m etl demo`.",
    },
    "status.stand": {"de": "Stand", "en": "As of"},
    "status.latest_quarter": {"de": "Letztes Quartal", "en": "Latest quarter"},
    "status.loaded": {"de": "Geladene Daten", "en": "Loaded data"},
    "region.germany": {"de": "Deutschland", "en": "Germany"},
    "period.year": {"de": "Jahr {year}", "en": "Year {year}"},
    # login, roles and the management section (ui/auth.py)
    "nav.section": {"de": "Verwaltung", "en": "Administration"},
    "nav.upload": {"de": "Daten hochladen", "en": "Upload data"},
    "nav.admin": {"de": "Referenzdaten", "en": "Reference data"},
    "login.title": {"de": "Anmelden (Koordinierungsstelle)", "en": "Log in (coordination office)"},
    "login.name": {"de": "Benutzername", "en": "User name"},
    "login.password": {"de": "Passwort", "en": "Password"},
    "login.submit": {"de": "Anmelden", "en": "Log in"},
    "login.with": {"de": "Anmelden mit {provider}", "en": "Log in with {provider}"},
    "login.sso": {"de": "Anmelden", "en": "Log in"},
    "login.hint": {
        "de": "Nur für die Koordinierungsstelle: Daten hochladen und verwalten. Zum Lesen ist keine Anmeldung nötig.",
        "en": "Only for the coordination office: upload and manage data. Reading needs no login.",
    },
    "login.as": {"de": "Angemeldet als **{name}** ({role})", "en": "Logged in as **{name}** ({role})"},
    "logout": {"de": "Abmelden", "en": "Log out"},
    "role.viewer": {"de": "Lesen", "en": "viewer"},
    "role.uploader": {"de": "Daten hochladen", "en": "uploader"},
    "role.admin": {"de": "Verwaltung", "en": "admin"},
    "denied": {
        "de": "Diese Seite ist nur für angemeldete Personen mit der Rolle „{role}“.",
        "en": "This page is only for logged-in users with the role “{role}”.",
    },
}


def lang() -> str:
    """The language chosen in the sidebar (``de`` or ``en``)."""
    return st.session_state.get("lang", "de") or "de"


def t(key: str, language: str | None = None, **params) -> str:
    """The text ``key`` in the chosen language (or ``language``), German when no translation exists."""
    entry = TEXTS[key]
    text = entry.get(language or lang()) or entry["de"]
    return text.format(**params) if params else text


def pick(de: str, en: str | None) -> str:
    """Choose between a German and an English text from the catalogue."""
    return en if lang() == "en" and en else de
