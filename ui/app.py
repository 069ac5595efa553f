"""The ASGI application: the dashboard (``dashboard.py``) plus two routes of its own and its error handler.

* ``/api/session?t=TOKEN&next=/path`` exchanges a one-time login token (``etl.accounts``) for the signed,
  expiring, HttpOnly session cookie and sends the browser back to ``next``; ``/api/logout`` deletes it.
* Errors in a page run reach visitors as a short German message with an error id; the traceback goes to the
  server log under the same id (``client.showErrorDetails = "none"`` keeps Streamlit's own display off).

``python -m ui.serve`` (``make run``) serves this with ``streamlit run``.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # streamlit run puts only ui/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import RedirectResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

from etl import accounts  # noqa: E402
from ui import auth, warm  # noqa: E402
from ui.i18n import _  # noqa: E402

ENTRY = ROOT / "dashboard.py"
SECURE_ENV = "IK_MONITOR_SECURE_COOKIES"  # "1" behind HTTPS: the cookie is sent over HTTPS only
log = logging.getLogger("ik_monitor")


def _safe_next(target: str | None) -> str:
    """Only a path of this site: no scheme, no host, no protocol-relative ``//``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def session(request: Request) -> RedirectResponse:
    """Exchange a one-time login token for the session cookie."""
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    redeemed = accounts.redeem_login_token(request.query_params.get("t", ""))
    if redeemed is not None:
        name, epoch = redeemed
        response.set_cookie(auth.COOKIE, auth.session_cookie(name, epoch), max_age=int(auth.LOCAL_MAX_AGE_S),
                            httponly=True, samesite="lax", secure=os.environ.get(SECURE_ENV) == "1", path="/")
    return response


async def logout(request: Request) -> RedirectResponse:
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


def on_script_error(exc: BaseException) -> bool:
    """A short message with an error id for the visitor (in the session's language); the traceback to the log."""
    error_id = secrets.token_hex(4)
    log.error("page error %s", error_id, exc_info=exc)
    st.error(_("Es ist ein Fehler aufgetreten (Fehler-ID {error_id}). Bitte die Seite neu laden; besteht der "
               "Fehler weiter, die Fehler-ID an die Koordinierungsstelle melden.", error_id=error_id),
             icon=":material/error:")
    return True


# lifespan: the server process warms its caches after the start and after each new release (ui/warm.py)
app = st.App(str(ENTRY), routes=[Route(auth.SESSION_ROUTE, session), Route(auth.LOGOUT_ROUTE, logout)],
             on_script_error=on_script_error, lifespan=warm.lifespan)
