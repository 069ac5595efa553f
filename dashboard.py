"""IK-Monitor — entry file: draws the frame (sidebar choices, login, data status, demo banner) and routes to the pages.

Visitors see the latest release (public, disclosure-controlled); signed-in users with an internal role may switch
to the working store. The upload and admin pages are registered only for users whose role allows them
(``ui.auth``): for anyone else they are not in the navigation, and a direct URL such as ``/hochladen`` shows the
default page.
"""

from __future__ import annotations

import streamlit as st

from monitor import release
from ui import auth, data
from ui.i18n import t
from ui.state import requested_public, sidebar

st.set_page_config(page_title="IK-Monitor", page_icon="static/favicon.png", layout="wide")

user = auth.current_user()
public = requested_public(user.can_see_internal, has_release=release.latest_path() is not None)
try:
    regions, periods, status = data.regions(public), data.periods(public), data.status(public)
except data.NoRelease:
    # nothing released yet: the frame still works (login, upload), the region list is reference data
    regions, periods, status = data.regions(False), [], {"is_demo": False, "stand_de": None, "release": None}
view = sidebar(regions, periods, can_internal=user.can_see_internal)
st.session_state["view"] = view

pages = {
    t("nav.section.monitor"): [
        st.Page("pages/overview.py", title=t("nav.overview"), icon=":material/dashboard:", url_path="uebersicht",
                default=True),
        st.Page("pages/protection.py", title=t("nav.protection"), icon=":material/home:", url_path="schutz"),
        st.Page("pages/counselling.py", title=t("nav.counselling"), icon=":material/forum:", url_path="beratung"),
        st.Page("pages/police.py", title=t("nav.police"), icon=":material/local_police:", url_path="polizei"),
        st.Page("pages/regions.py", title=t("nav.regions"), icon=":material/map:", url_path="regionen"),
    ],
    t("nav.section.reports"): [
        st.Page("pages/reports.py", title=t("nav.reports"), icon=":material/picture_as_pdf:", url_path="berichte"),
        st.Page("pages/planning.py", title=t("nav.planning"), icon=":material/event_note:",
                url_path="bedarfsplanung"),
    ],
    t("nav.section.info"): [
        st.Page("pages/methodology.py", title=t("nav.methodology"), icon=":material/menu_book:",
                url_path="methodik"),
    ],
}
managing = []
if user.can_upload:
    managing.append(st.Page("pages/upload.py", title=auth.text("nav.upload"), icon=":material/upload_file:",
                            url_path="hochladen"))
if user.is_admin:
    managing.append(st.Page("pages/admin.py", title=auth.text("nav.admin"), icon=":material/admin_panel_settings:",
                            url_path="verwaltung"))
if managing:
    pages[auth.text("nav.section")] = managing
page = st.navigation(pages)

with st.sidebar:
    st.divider()
    if not view.public:
        st.error(t("status.internal"), icon=":material/lock:")
    if status["is_demo"]:
        st.warning(t("status.demo"), icon=":material/science:")
    release = status.get("release")
    if release and view.public:
        st.caption(t("status.release", number=release["number"], date=f"{release['created_at']:%d.%m.%Y}"))
    if status["stand_de"]:
        st.caption(f"{t('status.stand')}: {status['stand_de']}")
auth.sidebar_login(user)

# the management pages work without any data: the first upload happens there
if view.period is None and page.url_path not in {p.url_path for p in managing}:
    st.title(t("app.title"))
    st.info(t("status.no_release") if view.public else t("status.empty"))
    st.stop()

page.run()
