"""Accounts, login throttling and the role rules of the app (local accounts and OIDC roles from the secrets)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time

import pytest
from streamlit.testing.v1 import AppTest

from etl import accounts
from etl.cli import main as cli_main
from tests.conftest import ROOT
from ui import auth

PASSWORD = "quartal-2025-ok"
UPLOAD, ADMIN = "pages/upload.py", "pages/admin.py"


@pytest.fixture
def store_path(tmp_path, monkeypatch, initialised_copy):
    path = tmp_path / "accounts.sqlite"
    monkeypatch.setenv("IK_MONITOR_ACCOUNTS", str(path))
    return path


# --- hashes and accounts ---------------------------------------------------------------------------------

def test_passwords_are_stored_as_salted_scrypt_hashes_only(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    accounts.add_user("ben", PASSWORD, "admin")
    with sqlite3.connect(store_path) as con:
        stored = dict(con.execute("SELECT name, password_hash FROM accounts").fetchall())
    assert all(h.startswith("scrypt$16384$8$1$") for h in stored.values())
    assert stored["anna"] != stored["ben"], "the same password gives different hashes (salt)"
    assert PASSWORD not in store_path.read_bytes().decode("latin-1")
    assert stat.S_IMODE(os.stat(store_path).st_mode) == 0o600
    assert accounts.verify_password(PASSWORD, stored["anna"])
    assert not accounts.verify_password(PASSWORD + "x", stored["anna"])
    assert not accounts.verify_password(PASSWORD, "plaintext")


@pytest.mark.parametrize("name, password, role, message", [
    ("anna", "kurz", "uploader", "zu kurz"),
    ("anna", "Anna", "uploader", "zu kurz"),
    ("anna-langer-name", "Anna-Langer-Name", "uploader", "nicht der Benutzername"),
    ("anna", PASSWORD, "superuser", "Unbekannte Rolle"),
    ("a b", PASSWORD, "uploader", "kein gültiger Benutzername"),
])
def test_account_rules(store_path, name, password, role, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add_user(name, password, role)
    assert accounts.list_users() == []


def test_duplicate_account_is_refused_and_passwd_replaces(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    with pytest.raises(accounts.AccountError, match="gibt es schon"):
        accounts.add_user("ANNA", PASSWORD, "admin")
    accounts.add_user("anna", "neues-passwort-2026", "admin", replace=True)
    assert accounts.list_users() == [accounts.Account("anna", "admin")]
    assert not accounts.authenticate("anna", PASSWORD).ok
    assert accounts.authenticate("Anna", "neues-passwort-2026").account == accounts.Account("anna", "admin")


# --- throttling --------------------------------------------------------------------------------------------

def test_failed_logins_lock_the_account_even_for_the_right_password(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    t0 = 1_000_000.0
    for i in range(accounts.MAX_FAILURES_USER - 1):
        result = accounts.authenticate("anna", "falsch", ip="10.0.0.1", now=t0 + i)
        assert result.message == "Benutzername oder Passwort ist falsch."
    locked = accounts.authenticate("anna", "falsch", ip="10.0.0.1", now=t0 + 10)
    assert "gesperrt" in locked.message and locked.locked_until == t0 + 10 + accounts.LOCKOUT_S
    assert not accounts.authenticate("anna", PASSWORD, ip="10.0.0.2", now=t0 + 20).ok
    # after the lockout window the right password works and clears the count
    later = t0 + 10 + accounts.LOCKOUT_S + 1
    assert accounts.authenticate("anna", PASSWORD, ip="10.0.0.1", now=later).ok
    assert accounts.authenticate("anna", "falsch", now=later + 1).message == "Benutzername oder Passwort ist falsch."


def test_failures_spread_over_time_do_not_lock(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    for i in range(accounts.MAX_FAILURES_USER + 2):
        accounts.authenticate("anna", "falsch", now=1_000_000.0 + i * (accounts.WINDOW_S / 2))
    assert accounts.authenticate("anna", PASSWORD, now=1_000_000.0 + 10 * accounts.WINDOW_S).ok


def test_one_address_trying_many_accounts_is_locked(store_path, monkeypatch):
    monkeypatch.setattr(accounts, "MAX_FAILURES_IP", 6)
    accounts.add_user("anna", PASSWORD, "uploader")
    t0 = 2_000_000.0
    for i in range(accounts.MAX_FAILURES_IP):
        accounts.authenticate(f"gast{i}", "falsch", ip="203.0.113.9", now=t0 + i)
    assert "gesperrt" in accounts.authenticate("anna", PASSWORD, ip="203.0.113.9", now=t0 + 30).message
    assert accounts.authenticate("anna", PASSWORD, ip="198.51.100.1", now=t0 + 31).ok


def test_unknown_account_gets_the_same_answer(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    assert accounts.authenticate("niemand", PASSWORD).message == accounts.authenticate("anna", "x").message


def test_unlock_forgets_the_failures(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    now = time.time()
    for _i in range(accounts.MAX_FAILURES_USER):
        accounts.authenticate("anna", "falsch", now=now)
    assert not accounts.authenticate("anna", PASSWORD, now=now).ok
    assert accounts.unlock("anna") == accounts.MAX_FAILURES_USER
    assert accounts.authenticate("anna", PASSWORD, now=now).ok


# --- the documented command ------------------------------------------------------------------------------

def test_user_add_reads_the_password_from_stdin(store_path):
    env = {**os.environ, "IK_MONITOR_ACCOUNTS": str(store_path)}
    done = subprocess.run([sys.executable, "-m", "etl", "user", "add", "anna", "--role", "uploader",
                           "--password-stdin"], input=PASSWORD + "\n", text=True, capture_output=True, cwd=ROOT,
                          env=env)
    assert done.returncode == 0, done.stderr
    assert "Benutzer „anna“ mit der Rolle uploader angelegt" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    assert accounts.authenticate("anna", PASSWORD).ok
    assert accounts.list_users() == [accounts.Account("anna", "uploader")]


def test_user_add_asks_twice_with_getpass(store_path, monkeypatch, capsys):
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr(accounts.getpass, "getpass", lambda prompt: next(answers))
    assert cli_main(["user", "add", "anna", "--role", "admin"]) == 1
    assert "stimmen nicht überein" in capsys.readouterr().err
    answers = iter([PASSWORD, PASSWORD])
    assert cli_main(["user", "add", "anna", "--role", "admin"]) == 0
    assert accounts.get_user("anna") == accounts.Account("anna", "admin")
    assert cli_main(["user", "remove", "anna"]) == 0
    assert accounts.list_users() == []


# --- roles ---------------------------------------------------------------------------------------------

def test_role_from_the_secrets_lists():
    roles = {"uploader": ["Anna@Land.de", "sub-123"], "admin": ["chefin@land.de"]}
    assert auth.role_for(["anna@land.de"], roles) == auth.UPLOADER
    assert auth.role_for([None, "sub-123"], roles) == auth.UPLOADER
    assert auth.role_for(["CHEFIN@land.de"], roles) == auth.ADMIN
    assert auth.role_for(["fremd@land.de"], roles) == auth.VIEWER
    assert auth.role_for(["anna@land.de"], None) == auth.VIEWER


def session(name: str) -> dict:
    """What the login form leaves in the session state for ``name``."""
    return {"name": name, "since": time.time(), "epoch": accounts.session_epoch(name)}


def app(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def registered(at: AppTest, page: str) -> bool:
    try:
        at.switch_page(page)
    except ValueError:
        return False
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return True


def test_viewer_has_no_upload_or_admin_page(store_path):
    at = app()
    assert not registered(at, UPLOAD) and not registered(at, ADMIN)
    assert [e.label for e in at.sidebar.expander] == ["Anmelden (Koordinierungsstelle)"]


def test_login_form_then_roles_decide_the_pages(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    at = app()
    at.sidebar.text_input(key="auth_name").input("anna")
    at.sidebar.text_input(key="auth_password").input("falsch-falsch")
    at.sidebar.button[0].click()
    at.run()
    assert [e.value for e in at.sidebar.error] == ["Benutzername oder Passwort ist falsch."]
    assert not registered(at, UPLOAD)
    at.sidebar.text_input(key="auth_name").input("anna")
    at.sidebar.text_input(key="auth_password").input(PASSWORD)
    at.sidebar.button[0].click()
    at.run()
    assert "Angemeldet als **anna**" in " ".join(c.value for c in at.sidebar.caption)
    assert registered(at, UPLOAD) and at.title[0].value == "Daten hochladen"
    assert not registered(at, ADMIN)
    at.sidebar.button(key="auth_logout").click()
    at.run()
    assert at.title[0].value != "Daten hochladen", "after logout the page is gone"
    assert not registered(at, UPLOAD)


def test_admin_sees_both_pages(store_path):
    accounts.add_user("chefin", PASSWORD, "admin")
    at = app(auth_local_user=session("chefin"))
    assert registered(at, ADMIN) and at.title[0].value == "Referenzdaten"
    assert registered(at, UPLOAD)


def test_a_removed_account_loses_access_at_once(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    at = app(auth_local_user=session("anna"))
    assert registered(at, UPLOAD)
    accounts.remove_user("anna")
    at.run()
    assert at.title[0].value != "Daten hochladen"


def test_an_old_local_login_expires(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    at = app(auth_local_user={"name": "anna", "since": time.time() - auth.LOCAL_MAX_AGE_S - 1})
    assert not registered(at, UPLOAD)


def test_upload_page_run_on_its_own_refuses_a_viewer(store_path):
    at = AppTest.from_file(str(ROOT / UPLOAD), default_timeout=60)
    at.run()
    assert "nur für angemeldete Personen" in at.error[0].value
    assert not at.file_uploader


OIDC = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "ik-monitor", "client_secret": "geheim",
        "server_metadata_url": "https://sso.example.org/realms/land/.well-known/openid-configuration"}


def oidc_app(user: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = OIDC
    at.secrets["roles"] = {"uploader": ["Anna@Land.de"], "admin": ["chefin@land.de"]}
    at.user = user
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_oidc_roles_come_from_the_secrets(store_path):
    anna = oidc_app({"is_logged_in": True, "email": "anna@land.de", "sub": "1"})
    assert registered(anna, UPLOAD) and not registered(anna, ADMIN)
    chefin = oidc_app({"is_logged_in": True, "email": "chefin@land.de", "sub": "2"})
    assert registered(chefin, ADMIN)
    stranger = oidc_app({"is_logged_in": True, "email": "fremd@land.de", "sub": "3"})
    assert not registered(stranger, UPLOAD)


def test_oidc_replaces_the_local_form(store_path):
    accounts.add_user("anna", PASSWORD, "uploader")
    at = oidc_app({"is_logged_in": False})
    assert not at.sidebar.text_input, "no local login when OIDC is configured"
    assert [b.label for b in at.sidebar.button] == ["Anmelden"]
    # a local session does not count when OIDC is configured
    at.session_state["auth_local_user"] = {"name": "anna", "since": time.time()}
    at.run()
    assert not registered(at, UPLOAD)


def test_reader_instances_have_no_login(store_path, monkeypatch):
    accounts.add_user("anna", PASSWORD, "uploader")
    monkeypatch.setenv("IK_MONITOR_LOGIN", "off")
    at = app(auth_local_user=session("anna"))
    assert not at.sidebar.expander and not at.sidebar.text_input
    assert not registered(at, UPLOAD)


def test_the_secrets_example_has_what_the_app_reads():
    import tomllib

    example = tomllib.loads((ROOT / ".streamlit" / "secrets.example.toml").read_text(encoding="utf-8"))
    for key in ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"):
        assert example["auth"][key]
    assert example["auth"]["redirect_uri"].endswith("/oauth2callback")
    assert auth.role_for(["Referatsleitung@land.example"], example["roles"]) == auth.ADMIN
    assert auth.role_for(["anna.beispiel@land.example"], example["roles"]) == auth.UPLOADER
