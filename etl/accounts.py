"""Local accounts for installations without a single sign-on: salted password hashes, roles, login throttling.

Accounts live in their own small SQLite file (``IK_MONITOR_ACCOUNTS``, default ``accounts.sqlite`` beside
the database), not in the DuckDB store, for three reasons: a published read-only snapshot of the store
must never carry password hashes; a failed login is a write, and a write to the store would change its
data version and empty every cache of the app; and SQLite lets several app processes record failed
logins at once without waiting for a data load to finish.

Passwords are hashed with scrypt (random 16-byte salt, parameters stored with the hash) and compared in
constant time; a plaintext password is never stored or logged. Failed logins are counted per account and
per client address: after ``MAX_FAILURES_USER`` failures (or ``MAX_FAILURES_IP`` from one address) within
``WINDOW_S`` seconds further attempts are refused until ``LOCKOUT_S`` seconds after the last failure, even
with the right password.

``python -m etl user add NAME --role intern|uploader|admin`` creates an account (the password is asked twice
with getpass, or read from stdin with ``--password-stdin``). ``intern`` may see the unsuppressed internal view;
``uploader`` may also load data and make releases; ``admin`` may also manage reference data.

Sessions: a login gives a one-time token (stored hashed here, valid for a minute) that the app exchanges for a
signed, expiring cookie (``ui.app``). Every page run checks the account again: a removed or locked account, or a
changed password or role (``session_epoch``), ends every session of it at once.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import sys
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from monitor import config

ACCOUNTS_ENV = "IK_MONITOR_ACCOUNTS"
ROLES = ("intern", "uploader", "admin")
TOKEN_TTL_S = 60.0  # a login token must be exchanged for the session cookie within a minute
SECRET_ENV = "IK_MONITOR_SECRET"
MIN_PASSWORD_LENGTH = 10
MAX_FAILURES_USER = int(os.environ.get("IK_MONITOR_LOGIN_MAX_FAILURES", "5"))
MAX_FAILURES_IP = int(os.environ.get("IK_MONITOR_LOGIN_MAX_FAILURES_IP", "20"))
WINDOW_S = float(os.environ.get("IK_MONITOR_LOGIN_WINDOW", "900"))
LOCKOUT_S = float(os.environ.get("IK_MONITOR_LOGIN_LOCKOUT", "900"))

# scrypt cost: 16 MiB of memory and about 50 ms per check on the development machine
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LEN = 2**14, 8, 1, 32
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
  name TEXT PRIMARY KEY COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('intern', 'uploader', 'admin')),
  password_hash TEXT NOT NULL,
  created_at REAL NOT NULL,
  changed_at REAL NOT NULL,
  locked INTEGER NOT NULL DEFAULT 0,       -- 1: no login, every session ended (user lock)
  session_epoch INTEGER NOT NULL DEFAULT 0 -- raised by a new password, role or lock: ends every session
);
CREATE TABLE IF NOT EXISTS login_tokens (
  token_hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
  scope TEXT NOT NULL,              -- 'user' or 'ip'
  subject TEXT NOT NULL,            -- lower-case account name or client address
  at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_subject ON login_failures (scope, subject, at);
"""


class AccountError(ValueError):
    """A refused account operation; the message is German."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt: ``account`` when it succeeded, else a German ``message``."""

    account: Account | None
    message: str = ""
    locked_until: float | None = None

    @property
    def ok(self) -> bool:
        return self.account is not None


def accounts_path() -> Path:
    """The accounts file: ``IK_MONITOR_ACCOUNTS`` or ``accounts.sqlite`` beside the database."""
    pinned = os.environ.get(ACCOUNTS_ENV)
    return Path(pinned) if pinned else config.db_path().with_name("accounts.sqlite")


@contextmanager
def _connect(path: Path | str | None = None) -> Iterator[sqlite3.Connection]:
    path = Path(path) if path else accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with closing(sqlite3.connect(path, timeout=10, isolation_level=None)) as con:
        if new:
            os.chmod(path, 0o600)  # hashes are not secrets to give away either
        _migrate(con)
        con.executescript(_SCHEMA)
        yield con


def _migrate(con: sqlite3.Connection) -> None:
    """Accounts files of earlier versions: the role 'intern', account locks and session epochs."""
    row = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'accounts'").fetchone()
    if row is None or "session_epoch" in row[0]:
        return
    con.executescript("""
        BEGIN;
        ALTER TABLE accounts RENAME TO accounts_old;
        CREATE TABLE accounts (
          name TEXT PRIMARY KEY COLLATE NOCASE,
          role TEXT NOT NULL CHECK (role IN ('intern', 'uploader', 'admin')),
          password_hash TEXT NOT NULL, created_at REAL NOT NULL, changed_at REAL NOT NULL,
          locked INTEGER NOT NULL DEFAULT 0, session_epoch INTEGER NOT NULL DEFAULT 0);
        INSERT INTO accounts (name, role, password_hash, created_at, changed_at)
          SELECT name, role, password_hash, created_at, changed_at FROM accounts_old;
        DROP TABLE accounts_old;
        COMMIT;
    """)


# --- password hashes -------------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` with a fresh random salt (base64 parts)."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_LEN)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(key)])


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected), maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# a hash to check against when the account does not exist, so that the answer takes as long either way
_DUMMY_HASH = hash_password(secrets.token_hex(16))


# --- accounts ------------------------------------------------------------------------------------------

def check_password_rules(name: str, password: str) -> None:
    """Raise AccountError when the password is too short or is the account name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD_LENGTH} Zeichen.")
    if password.strip().lower() == name.strip().lower():
        raise AccountError("Das Passwort darf nicht der Benutzername sein.")


def add_user(name: str, password: str, role: str, *, path: Path | str | None = None,
             replace: bool = False) -> Account:
    """Create an account (or, with ``replace``, set a new password and role for an existing one)."""
    if not _NAME.match(name):
        raise AccountError(f"„{name}“ ist kein gültiger Benutzername: 2–64 Zeichen aus Buchstaben, Ziffern, "
                           "Punkt, Bindestrich, Unterstrich und @; am Anfang ein Buchstabe oder eine Ziffer.")
    if role not in ROLES:
        raise AccountError(f"Unbekannte Rolle „{role}“. Erlaubt: {', '.join(ROLES)}.")
    check_password_rules(name, password)
    now = time.time()
    with _connect(path) as con:
        exists = con.execute("SELECT 1 FROM accounts WHERE name = ?", [name]).fetchone()
        if exists and not replace:
            raise AccountError(f"Den Benutzer „{name}“ gibt es schon. Neues Passwort: python -m etl user passwd {name}")
        if not exists and replace:
            raise AccountError(f"Den Benutzer „{name}“ gibt es nicht.")
        if exists:
            con.execute("UPDATE accounts SET role = ?, password_hash = ?, changed_at = ?, "
                        "session_epoch = session_epoch + 1 WHERE name = ?",
                        [role, hash_password(password), now, name])
        else:
            con.execute("INSERT INTO accounts (name, role, password_hash, created_at, changed_at) "
                        "VALUES (?, ?, ?, ?, ?)", [name, role, hash_password(password), now, now])
    return Account(name, role)


def remove_user(name: str, *, path: Path | str | None = None) -> None:
    """Delete an account."""
    with _connect(path) as con:
        if con.execute("DELETE FROM accounts WHERE name = ?", [name]).rowcount == 0:
            raise AccountError(f"Den Benutzer „{name}“ gibt es nicht.")


def list_users(*, path: Path | str | None = None) -> list[Account]:
    """All accounts, by name."""
    with _connect(path) as con:
        return [Account(n, r) for n, r in con.execute("SELECT name, role FROM accounts ORDER BY name").fetchall()]


def get_user(name: str, *, path: Path | str | None = None) -> Account | None:
    """The account called ``name`` (case-insensitive), or None."""
    with _connect(path) as con:
        row = con.execute("SELECT name, role FROM accounts WHERE name = ?", [name]).fetchone()
    return Account(*row) if row else None


def session_account(name: str, epoch: int, *, path: Path | str | None = None) -> Account | None:
    """The account of a session begun at ``epoch``, while it is still valid: not removed, not locked, and no new
    password or role since (else None: the session has ended)."""
    with _connect(path) as con:
        row = con.execute("SELECT name, role, locked, session_epoch FROM accounts WHERE name = ?", [name]).fetchone()
    if row is None or row[2] or row[3] != epoch:
        return None
    return Account(row[0], row[1])


def session_epoch(name: str, *, path: Path | str | None = None) -> int | None:
    with _connect(path) as con:
        row = con.execute("SELECT session_epoch FROM accounts WHERE name = ?", [name]).fetchone()
    return int(row[0]) if row else None


def lock(name: str, *, path: Path | str | None = None) -> None:
    """Lock an account: no login, and every session of it ends at its next page run."""
    with _connect(path) as con:
        if con.execute("UPDATE accounts SET locked = 1, session_epoch = session_epoch + 1 WHERE name = ?",
                       [name]).rowcount == 0:
            raise AccountError(f"Den Benutzer „{name}“ gibt es nicht.")


def unlock(name: str, *, path: Path | str | None = None) -> int:
    """Lift a lock and forget the failed logins of an account; returns how many were recorded."""
    with _connect(path) as con:
        con.execute("UPDATE accounts SET locked = 0 WHERE name = ?", [name])
        return con.execute("DELETE FROM login_failures WHERE scope = 'user' AND subject = ?",
                           [name.strip().lower()]).rowcount


# --- one-time tokens and the signing secret of session cookies -----------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_login_token(account: Account, *, path: Path | str | None = None, now: float | None = None) -> str:
    """A random one-time token for ``account`` that ``ui.app`` exchanges for the session cookie."""
    now = time.time() if now is None else now
    token = secrets.token_urlsafe(32)
    epoch = session_epoch(account.name, path=path) or 0
    with _connect(path) as con:
        con.execute("DELETE FROM login_tokens WHERE created_at < ?", [now - TOKEN_TTL_S])
        con.execute("INSERT INTO login_tokens VALUES (?, ?, ?, ?)", [_token_hash(token), account.name, epoch, now])
    return token


def redeem_login_token(token: str, *, path: Path | str | None = None, now: float | None = None
                       ) -> tuple[str, int] | None:
    """(name, epoch) of a fresh, unused token, which is used up; None for anything else."""
    now = time.time() if now is None else now
    with _connect(path) as con:
        row = con.execute("DELETE FROM login_tokens WHERE token_hash = ? RETURNING name, epoch, created_at",
                          [_token_hash(token)]).fetchone()
    if row is None or now - row[2] > TOKEN_TTL_S:
        return None
    return row[0], int(row[1])


def session_secret() -> str:
    """The key that signs session cookies: ``IK_MONITOR_SECRET``, else a random one kept beside the accounts."""
    pinned = os.environ.get(SECRET_ENV)
    if pinned:
        return pinned
    path = accounts_path().with_name("session.key")
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key)
        return key


# --- login ---------------------------------------------------------------------------------------------

def authenticate(name: str, password: str, *, ip: str | None = None, path: Path | str | None = None,
                 now: float | None = None) -> LoginResult:
    """Check a login. Refused while the account or the address is locked out; a failure is recorded.

    The message of a failure never says whether the account exists.
    """
    now = time.time() if now is None else now
    subject = name.strip().lower()
    ip_subject = ip or "local"
    with _connect(path) as con:
        con.execute("DELETE FROM login_failures WHERE at < ?", [now - max(WINDOW_S, LOCKOUT_S)])
        locked = _locked_until(con, "user", subject, MAX_FAILURES_USER, now)
        locked_ip = _locked_until(con, "ip", ip_subject, MAX_FAILURES_IP, now)
        until = max(filter(None, (locked, locked_ip)), default=None)
        if until is not None:
            return LoginResult(None, _lockout_message(until - now), until)
        row = con.execute("SELECT name, role, password_hash, locked FROM accounts WHERE name = ?",
                          [subject]).fetchone()
        ok = verify_password(password, row[2] if row else _DUMMY_HASH) and row is not None and not row[3]
        if ok:
            con.execute("DELETE FROM login_failures WHERE scope = 'user' AND subject = ?", [subject])
            return LoginResult(Account(row[0], row[1]))
        con.executemany("INSERT INTO login_failures VALUES (?, ?, ?)",
                        [("user", subject, now), ("ip", ip_subject, now)])
        until = _locked_until(con, "user", subject, MAX_FAILURES_USER, now)
        until = until or _locked_until(con, "ip", ip_subject, MAX_FAILURES_IP, now)
        if until is not None:
            return LoginResult(None, _lockout_message(until - now), until)
        return LoginResult(None, "Benutzername oder Passwort ist falsch.")


def _locked_until(con: sqlite3.Connection, scope: str, subject: str, limit: int, now: float) -> float | None:
    """The end of the lockout when ``limit`` failures fell within the window before the last one."""
    rows = con.execute(
        "SELECT at FROM login_failures WHERE scope = ? AND subject = ? AND at > ? ORDER BY at DESC LIMIT ?",
        [scope, subject, now - max(WINDOW_S, LOCKOUT_S), limit],
    ).fetchall()
    if len(rows) < limit:
        return None
    last, first = rows[0][0], rows[-1][0]
    if last - first > WINDOW_S:
        return None
    until = last + LOCKOUT_S
    return until if until > now else None


def _lockout_message(seconds: float) -> str:
    minutes = max(1, int(seconds // 60) + (1 if seconds % 60 else 0))
    return (f"Zu viele fehlgeschlagene Anmeldungen. Die Anmeldung ist für {minutes} "
            f"{'Minute' if minutes == 1 else 'Minuten'} gesperrt.")


# --- command line ---------------------------------------------------------------------------------------

def add_commands(sub) -> None:
    """Add ``user add|passwd|remove|list|unlock`` to the ``python -m etl`` sub-parsers."""
    u = sub.add_parser("user", help="lokale Benutzerkonten verwalten (ohne Single Sign-on)",
                       description="Lokale Konten für die Upload- und Verwaltungsseiten. Gespeichert in "
                                   "IK_MONITOR_ACCOUNTS (Standard: accounts.sqlite neben der Datenbank), "
                                   "Passwörter nur als gesalzener scrypt-Hash.")
    commands = u.add_subparsers(dest="user_command", metavar="AKTION", title="Aktionen")
    commands.required = True
    for action, text in (("add", "Konto anlegen"), ("passwd", "neues Passwort (und Rolle) setzen")):
        a = commands.add_parser(action, help=text,
                                description=text + ". Das Passwort wird zweimal abgefragt "
                                                   "(oder mit --password-stdin von der Standardeingabe gelesen).")
        a.add_argument("name", metavar="NAME", help="Benutzername")
        a.add_argument("--role", choices=ROLES, required=action == "add",
                       help="intern: ungesperrte interne Ansicht; uploader: zusätzlich Daten hochladen und "
                            "veröffentlichen; admin: zusätzlich Referenzdaten verwalten")
        a.add_argument("--password-stdin", action="store_true",
                       help="Passwort aus der ersten Zeile der Standardeingabe lesen")
        a.set_defaults(func=cmd_user_add if action == "add" else cmd_user_passwd)
    r = commands.add_parser("remove", help="Konto löschen", description="Löscht ein Konto.")
    r.add_argument("name", metavar="NAME", help="Benutzername")
    r.set_defaults(func=cmd_user_remove)
    ls = commands.add_parser("list", help="Konten auflisten", description="Listet Konten und Rollen.")
    ls.set_defaults(func=cmd_user_list)
    lk = commands.add_parser("lock", help="Konto sperren",
                             description="Sperrt ein Konto: keine Anmeldung mehr, alle Sitzungen enden sofort.")
    lk.add_argument("name", metavar="NAME", help="Benutzername")
    lk.set_defaults(func=cmd_user_lock)
    un = commands.add_parser("unlock", help="Sperre aufheben",
                             description="Hebt die Sperre eines Kontos auf und vergisst seine fehlgeschlagenen "
                                         "Anmeldungen.")
    un.add_argument("name", metavar="NAME", help="Benutzername")
    un.set_defaults(func=cmd_user_unlock)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Passwort: ")
    if first != getpass.getpass("Passwort wiederholen: "):
        raise AccountError("Die beiden Eingaben stimmen nicht überein.")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    """``user add NAME --role R``: create an account."""
    return _run(lambda: f"Benutzer „{add_user(args.name, _read_password(args), args.role).name}“ "
                        f"mit der Rolle {args.role} angelegt ({accounts_path()}).")


def cmd_user_passwd(args: argparse.Namespace) -> int:
    """``user passwd NAME [--role R]``: set a new password (and role)."""
    def change() -> str:
        current = get_user(args.name)
        if current is None:
            raise AccountError(f"Den Benutzer „{args.name}“ gibt es nicht.")
        account = add_user(current.name, _read_password(args), args.role or current.role, replace=True)
        return f"Passwort von „{account.name}“ geändert (Rolle {account.role})."
    return _run(change)


def cmd_user_remove(args: argparse.Namespace) -> int:
    """``user remove NAME``."""
    return _run(lambda: (remove_user(args.name), f"Benutzer „{args.name}“ gelöscht.")[1])


def cmd_user_list(args: argparse.Namespace) -> int:
    """``user list``."""
    users = list_users()
    if not users:
        print(f"Keine lokalen Konten ({accounts_path()}).")
    for account in users:
        print(f"{account.name}\t{account.role}")
    return 0


def cmd_user_lock(args: argparse.Namespace) -> int:
    """``user lock NAME``."""
    return _run(lambda: (lock(args.name), f"Konto „{args.name}“ gesperrt; seine Sitzungen sind beendet.")[1])


def cmd_user_unlock(args: argparse.Namespace) -> int:
    """``user unlock NAME``."""
    n = unlock(args.name)
    print(f"Anmeldesperre von „{args.name}“ aufgehoben ({n} fehlgeschlagene Anmeldungen vergessen).")
    return 0


def _run(action) -> int:
    try:
        print(action())
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
