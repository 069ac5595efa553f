"""IK-Monitor — entry file: draws the frame (sidebar choices, login, data status, demo banner) and routes to the pages.

Visitors see the latest release (public, disclosure-controlled); signed-in users with an internal role may switch
to the working store. The upload and admin pages are registered only for users whose role allows them
(``ui.auth``): for anyone else they are not in the navigation, and a direct URL such as ``/hochladen`` shows the
default page.
"""

from __future__ import annotations

import streamlit as st

from monitor import release
from ui import auth, data, style
from ui.i18n import _, fmt, lang
from ui.state import requested_public, sidebar

st.set_page_config(page_title="IK-Monitor", page_icon="static/favicon.png", layout="wide")
style.apply()

user = auth.current_user()
public = requested_public(user.can_see_internal, has_release=release.latest_path() is not None)
try:
    regions, periods, status = data.regions(public), data.periods(public), data.status(public)
except data.NoRelease:
    # nothing released yet: the frame still works (login, upload), the region list is reference data
    regions, periods, status = data.regions(False), [], {"is_demo": False, "stand": None, "release": None}
view = sidebar(regions, periods, can_internal=user.can_see_internal)
st.session_state["view"] = view

pages = {
    _("Monitor"): [
        st.Page("pages/overview.py", title=_("Übersicht"), icon=":material/dashboard:", url_path="uebersicht",
                default=True),
        st.Page("pages/protection.py", title=_("Schutz"), icon=":material/home:", url_path="schutz"),
        st.Page("pages/counselling.py", title=_("Beratung"), icon=":material/forum:", url_path="beratung"),
        st.Page("pages/police.py", title=_("Polizei & Intervention"), icon=":material/local_police:",
                url_path="polizei"),
        st.Page("pages/regions.py", title=_("Regionen"), icon=":material/map:", url_path="regionen"),
    ],
    _("Berichte und Planung"): [
        st.Page("pages/reports.py", title=_("Berichte"), icon=":material/picture_as_pdf:", url_path="berichte"),
        st.Page("pages/planning.py", title=_("Bedarfsplanung"), icon=":material/event_note:",
                url_path="bedarfsplanung"),
    ],
    _("Information"): [
        st.Page("pages/methodology.py", title=_("Methodik & Glossar"), icon=":material/menu_book:",
                url_path="methodik"),
    ],
}
managing = []
if user.can_upload:
    managing.append(st.Page("pages/upload.py", title=_("Daten hochladen"), icon=":material/upload_file:",
                            url_path="hochladen"))
if user.is_admin:
    managing.append(st.Page("pages/admin.py", title=_("Referenzdaten"), icon=":material/admin_panel_settings:",
                            url_path="verwaltung"))
if managing:
    pages[_("Verwaltung")] = managing
page = st.navigation([p for section in pages.values() for p in section])

with st.sidebar:
    st.divider()
    if not view.public:
        st.error(_("Interne Ansicht – nicht zur Veröffentlichung"), icon=":material/lock:")
    if status["is_demo"]:
        st.warning(_("Demodaten – synthetische Zahlen zur Vorführung, keine amtlichen Werte."),
                   icon=":material/science:")
    release = status.get("release")
    if release and view.public:
        st.caption(_("Veröffentlichung {number} vom {date}", number=release["number"],
                     date=fmt.date_(release["created_at"], lang())))
    if status["stand"]:
        st.caption(_("Stand: {stand}", stand=fmt.datetime_(status["stand"], lang())))
auth.sidebar_login(user)

# the management pages work without any data: the first upload happens there
if view.period is None and page.url_path not in {p.url_path for p in managing}:
    st.title(_("IK-Monitor"))
    if view.public:
        st.info(_("Es gibt noch keine Veröffentlichung: öffentliche Zahlen erscheinen erst, wenn die "
                  "Koordinierungsstelle veröffentlicht (Seite „Daten hochladen“ oder `python -m etl release`)."))
    else:
        st.info(_("Noch keine Daten geladen. Quartalsdateien laden mit `python -m etl load DATEI` oder Demodaten "
                  "erzeugen mit `python -m etl demo`."))
    st.stop()

page.run()
