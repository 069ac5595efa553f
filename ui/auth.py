"""Who is using the app and what they may do.

Two ways to log in, chosen by the configuration:

* **OIDC** (``st.login``) when ``secrets.toml`` has an ``[auth]`` section, e.g. a Land's Keycloak or Entra ID.
  Roles come from lists in ``[roles]``: ``intern = [...]``, ``uploader = [...]`` and ``admin = [...]`` hold
  e-mail addresses or subject ids (``sub``); matching ignores case. Anyone else who logs in is a viewer.
* **Local accounts** (``etl.accounts``) otherwise: a login form in the sidebar, failed logins throttled. A login
  lasts across reloads and deep links: the browser is sent once through ``/api/session`` (``ui.app``), which
  sets a signed, expiring, HttpOnly cookie; every run checks it and the account again, so removing or locking
  the account (or a new password) ends every session of it.

Viewers need no login and see only the latest release. ``intern`` (and ``uploader``, ``admin``) may switch to
the unsuppressed internal view. ``dashboard.py`` registers the upload page only for ``uploader`` (and ``admin``)
and the admin page only for ``admin``, so for everyone else those pages are neither listed nor reachable by URL;
the pages call ``require`` as well.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import quote, urlsplit

import streamlit as st
from itsdangerous import BadSignature, URLSafeTimedSerializer

from etl import accounts

from .i18n import NP_, _, p_

VIEWER, INTERN, UPLOADER, ADMIN = "viewer", "intern", "uploader", "admin"
SESSION_KEY = "auth_local_user"
COOKIE = "ik_session"
SESSION_ROUTE, LOGOUT_ROUTE = "/api/session", "/api/logout"
# a local login lasts at most a working day, then the form asks again
LOCAL_MAX_AGE_S = float(os.environ.get("IK_MONITOR_LOGIN_MAX_AGE", str(10 * 3600)))
TRUST_PROXY_ENV = "IK_MONITOR_TRUST_PROXY"
LOGIN_ENV = "IK_MONITOR_LOGIN"  # "off" on reader instances that serve a published snapshot


ROLE_LABELS = {VIEWER: NP_("role", "Lesen"), INTERN: NP_("role", "Intern"), UPLOADER: NP_("role", "Daten hochladen"),
               ADMIN: NP_("role", "Verwaltung")}


def role_label(role: str) -> str:
    """The name of a role as the sidebar and the access notes show it."""
    return p_("role", ROLE_LABELS.get(role, role))


@dataclass(frozen=True)
class User:
    """The person using this session; ``name`` is recorded with every batch they load or undo."""

    name: str
    role: str
    via: str  # oidc | local | anonymous

    @property
    def logged_in(self) -> bool:
        return self.via != "anonymous"

    @property
    def can_see_internal(self) -> bool:
        """May switch to the internal view (working store, unsuppressed)."""
        return self.role in (INTERN, UPLOADER, ADMIN)

    @property
    def can_upload(self) -> bool:
        return self.role in (UPLOADER, ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def has(self, role: str) -> bool:
        """True when the user's role includes ``role`` (admin ⊃ uploader ⊃ intern ⊃ viewer)."""
        return (role == VIEWER or (role == INTERN and self.can_see_internal) or (role == UPLOADER and self.can_upload)
                or (role == ADMIN and self.is_admin))


ANONYMOUS = User("", VIEWER, "anonymous")


# --- configuration -------------------------------------------------------------------------------------

def _secrets_section(name: str) -> Mapping | None:
    try:
        return st.secrets[name] if name in st.secrets else None
    except Exception:  # no secrets.toml at all: Streamlit raises its own not-found error
        return None


def login_enabled() -> bool:
    """False when ``IK_MONITOR_LOGIN=off``: a reader instance with no login and no management pages."""
    return os.environ.get(LOGIN_ENV, "on").strip().lower() != "off"


def oidc_configured() -> bool:
    """True when ``secrets.toml`` has an ``[auth]`` section: then ``st.login`` is the only way in."""
    return _secrets_section("auth") is not None


def oidc_providers() -> list[str | None]:
    """``[None]`` for a single provider configured directly in ``[auth]``, else the named ``[auth.NAME]`` ones."""
    auth = _secrets_section("auth") or {}
    if "client_id" in auth:
        return [None]
    return [name for name, value in auth.items() if isinstance(value, Mapping)]


def role_for(identities: Iterable[str | None], roles: Mapping[str, Iterable[str]] | None) -> str:
    """The highest role whose list in ``roles`` names one of ``identities`` (case-insensitive), else viewer."""
    ids = {str(i).strip().lower() for i in identities if i}
    roles = roles or {}
    for role in (ADMIN, UPLOADER, INTERN):
        listed = {str(x).strip().lower() for x in (roles.get(role) or [])}
        if ids & listed:
            return role
    return VIEWER


def client_ip() -> str | None:
    """The client's address; behind a trusted reverse proxy the last X-Forwarded-For entry (the one the proxy
    added), since every connection then comes from the proxy."""
    if os.environ.get(TRUST_PROXY_ENV) == "1":
        forwarded = st.context.headers.get("X-Forwarded-For")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()] if isinstance(forwarded, str) else []
        if hops:
            return hops[-1]
    ip = st.context.ip_address
    return ip if isinstance(ip, str) else None  # None on localhost (and outside a server, e.g. in AppTest)


# --- the current user --------------------------------------------------------------------------------------

def current_user() -> User:
    """The user of this session: from ``st.user`` with OIDC, from the local login otherwise."""
    if not login_enabled():
        return ANONYMOUS
    if st.session_state.pop("_auth_logout", False):
        _go(f"{LOGOUT_ROUTE}?next={quote(_here(), safe='')}")  # the route deletes the session cookie
        return ANONYMOUS
    token = st.session_state.pop("_auth_token", None)
    if isinstance(token, str):
        # once through /api/session, which sets the cookie, so that the login survives a reload or a link
        _go(f"{SESSION_ROUTE}?t={quote(token, safe='')}&next={quote(_here(), safe='')}")
    if oidc_configured():
        if not st.user.is_logged_in:
            return ANONYMOUS
        info = st.user.to_dict()
        email, sub = info.get("email"), info.get("sub")
        role = role_for((email, sub, info.get("preferred_username")), _secrets_section("roles"))
        return User(str(email or sub or info.get("name") or "oidc"), role, "oidc")
    local = st.session_state.get(SESSION_KEY)
    if isinstance(local, dict) and time.time() - local.get("since", 0) <= LOCAL_MAX_AGE_S:
        # a removed or locked account, a new password or role ends the session at once
        account = accounts.session_account(local.get("name", ""), local.get("epoch", -1))
        if account is not None:
            return User(account.name, account.role, "local")
    st.session_state.pop(SESSION_KEY, None)
    account = cookie_account(st.context.cookies.get(COOKIE))
    if account is None:
        return ANONYMOUS
    return User(account.name, account.role, "local")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(accounts.session_secret(), salt="ik-monitor-session")


def session_cookie(name: str, epoch: int) -> str:
    """The signed value of the session cookie for an account at ``epoch``."""
    return _serializer().dumps({"u": name, "e": epoch})


def cookie_account(value: str | None) -> accounts.Account | None:
    """The account of a valid, unexpired session cookie whose account still stands as it was; else None."""
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=LOCAL_MAX_AGE_S)
        return accounts.session_account(str(data["u"]), int(data["e"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def require(role: str) -> User:
    """Stop the page unless the current user has ``role``; returns the user."""
    user = current_user()
    if not user.has(role):
        st.error(_("Diese Seite ist nur für angemeldete Personen mit der Rolle „{role}“.", role=role_label(role)),
                 icon=":material/lock:")
        st.stop()
    return user


# --- sidebar -----------------------------------------------------------------------------------------------

def sidebar_login(user: User) -> None:
    """Login or logout in the sidebar: ``st.login`` buttons with OIDC, the local form otherwise."""
    if not login_enabled():
        return
    with st.sidebar:
        if user.logged_in:
            st.caption(_("Angemeldet als **{name}** ({role})", name=user.name, role=role_label(user.role)))
            st.button(_("Abmelden"), key="auth_logout", icon=":material/logout:",
                      on_click=st.logout if user.via == "oidc" else _local_logout)
            return
        with st.expander(_("Anmelden (Koordinierungsstelle)"), icon=":material/login:"):
            st.caption(_("Nur für die Koordinierungsstelle: Daten hochladen und verwalten. Zum Lesen ist keine "
                         "Anmeldung nötig."))
            if oidc_configured():
                for provider in oidc_providers():
                    label = _("Anmelden mit {provider}", provider=provider) if provider else _("Anmelden")
                    st.button(label, key=f"auth_login_{provider or 'default'}", on_click=st.login,
                              args=(provider,) if provider else ())
                return
            _local_form()


def _local_form() -> None:
    with st.form("auth_login_form", clear_on_submit=True, border=False):
        name = st.text_input(_("Benutzername"), key="auth_name", autocomplete="username")
        password = st.text_input(_("Passwort"), type="password", key="auth_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(_("Anmelden"), icon=":material/login:")
    if not submitted:
        return
    result = accounts.authenticate(name or "", password or "", ip=client_ip())
    if not result.ok:
        st.error(result.message)
        return
    epoch = accounts.session_epoch(result.account.name) or 0
    st.session_state[SESSION_KEY] = {"name": result.account.name, "since": time.time(), "epoch": epoch}
    st.session_state["_auth_token"] = accounts.issue_login_token(result.account)
    st.rerun()  # the next run registers the pages of the user's role and sets the cookie


def _here() -> str:
    """This page's path and query, for coming back after a round trip through a route."""
    url = st.context.url or "/"
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _go(path: str) -> None:
    """Send the browser to ``path`` (a route of ui.app), which comes back to this page."""
    st.html(f"<script>window.location.replace({json.dumps(path)});</script>", unsafe_allow_javascript=True)


def _local_logout() -> None:
    st.session_state.pop(SESSION_KEY, None)
    st.session_state["_auth_logout"] = True
