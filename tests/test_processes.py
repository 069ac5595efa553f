"""Several app processes behind nginx (``tools/multi.py``, ``make run-multi``): two processes on a copy of the
fixture store, Debian's nginx in front with sticky sessions.

Checked: both processes answer their health check and warm their caches (``ui/warm.py`` through the hook in
``ui/app.py``), a request through nginx reaches an app, a client that keeps its cookie always reaches the same
process (nginx names the process in ``X-IK-Backend``) while new clients reach both, the WebSocket path is
proxied (an HTTP Upgrade to ``/_stcore/stream`` gets 101, from the cookie's process), a page drawn in Chromium
talks to one process only, a killed process is started again while its clients are served by the other, and
SIGTERM stops nginx and every app process. Skipped only where nginx is not installed (``.ci/run`` installs it).
Every wait has a deadline; the launcher and all it started are killed (process group) whatever happens.
"""

from __future__ import annotations

import base64
import hashlib
import http.cookiejar
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser import chromium_page, wait_for_app
from tests.conftest import ROOT, copy_store
from tests.fixture_db import PERIOD
from tools.multi import BACKEND_HEADER, ROUTE_COOKIE, find_nginx, healthy, port_free

pytestmark = [
    pytest.mark.xdist_group("processes"),
    pytest.mark.skipif(find_nginx() is None,
                       reason="nginx is not installed (Debian package nginx; .ci/run installs it)"),
]

START_S = 180.0  # two app processes and nginx on a busy 2-core machine
HTTP_S = 15.0
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def _ports() -> tuple[int, int]:
    """A free port for nginx and two free consecutive ports for the apps."""
    for _ in range(200):
        port, base = random.randrange(20000, 40000), random.randrange(40000, 60000)
        if all(port_free(p) for p in (port, base, base + 1)):
            return port, base
    raise RuntimeError("no free ports")


def _pids(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "pids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill_everything(launcher: subprocess.Popen, run_dir: Path) -> None:
    """The launcher's process group (its children are in it) and, to be sure, every pid it wrote down."""
    pids = _pids(run_dir)
    for pid in [launcher.pid, pids.get("nginx"), *pids.get("apps", {}).values()]:
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL) if pid == launcher.pid else os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    try:
        launcher.wait(10)
    except subprocess.TimeoutExpired:
        pass


class Client:
    """A browser-like HTTP client: keeps its cookies (or none)."""

    def __init__(self, keep_cookies: bool = True):
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)] if keep_cookies else []
        self.opener = urllib.request.build_opener(*handlers)

    def get(self, url: str) -> tuple[int, dict, bytes]:
        try:
            with self.opener.open(url, timeout=HTTP_S) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    @property
    def route(self) -> str | None:
        return next((c.value for c in self.jar if c.name == ROUTE_COOKIE), None)


def _upgrade(port: int, route: str | None) -> tuple[str, dict[str, str]]:
    """A WebSocket opening handshake to /_stcore/stream through nginx: the status line and the headers."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = ["GET /_stcore/stream HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
             "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    if route:
        lines.append(f"Cookie: {ROUTE_COOKIE}={route}")
    with socket.create_connection(("127.0.0.1", port), timeout=HTTP_S) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
    head = buf.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in head[1:] if ":" in h)}
    expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
    assert headers.get("sec-websocket-accept") in (None, expected)
    return head[0], headers


@pytest.fixture(scope="module")
def multi(tmp_path_factory, fixture_db):
    root = tmp_path_factory.mktemp("processes")
    db = copy_store(fixture_db, root / "monitor.duckdb")
    run_dir = root / "run"
    port, base = _ports()
    env = {**os.environ, "IK_MONITOR_DB": str(db), "PYTHONPATH": str(ROOT)}
    env.pop("IK_MONITOR_RELEASES", None)
    env.pop("IK_MONITOR_WARM", None)
    log_path = root / "launcher.log"
    with open(log_path, "wb") as log:
        launcher = subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / "multi.py"), "--processes", "2", "--port", str(port),
             "--app-port", str(base), "--address", "127.0.0.1", "--run-dir", str(run_dir),
             "--health-interval", "1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    info = {"launcher": launcher, "url": url, "port": port, "apps": [base, base + 1], "run_dir": run_dir,
            "log": log_path}
    try:
        deadline = time.monotonic() + START_S
        while "nginx verteilt" not in log_path.read_text(encoding="utf-8", errors="replace"):
            if launcher.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the launcher did not start:\n" + log_path.read_text(errors="replace")
                            + "".join(f"\n--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                                      for p in sorted((run_dir / "logs").glob("*"))))
            time.sleep(0.25)
        yield info
    finally:
        _kill_everything(launcher, run_dir)


def _backends(info) -> set[str]:
    return {f"127.0.0.1:{p}" for p in info["apps"]}


def test_both_processes_answer_health_and_warm_their_caches(multi):
    for port in multi["apps"]:
        status, _, body = Client().get(f"http://127.0.0.1:{port}/_stcore/health")
        assert (status, body) == (200, b"ok")
    logs = [multi["run_dir"] / "logs" / f"app-{p}.log" for p in multi["apps"]]
    deadline = time.monotonic() + 90
    while not all("caches warmed for" in p.read_text(errors="replace") for p in logs):
        assert time.monotonic() < deadline, "no warm-up in the app logs:\n" + "\n".join(
            p.read_text(errors="replace")[-2000:] for p in logs)
        time.sleep(0.5)
    for p in logs:
        text = p.read_text(errors="replace")
        assert "release-0001.duckdb" in text and "/polizei" in text  # each process opened its pages itself
        assert "failed" not in text and "Traceback" not in text


def test_a_request_through_nginx_reaches_an_app(multi):
    client = Client()
    status, headers, body = client.get(multi["url"] + "/")
    assert status == 200
    assert b"<noscript>" in body or b'id="root"' in body  # Streamlit's page
    assert headers[BACKEND_HEADER] in _backends(multi)
    assert client.route and len(client.route) == 32  # the sticky cookie nginx set
    status, headers, body = client.get(multi["url"] + "/_stcore/health")
    assert (status, body) == (200, b"ok")


def test_a_client_with_its_cookie_always_reaches_the_same_process(multi):
    client = Client()
    _, headers, _ = client.get(multi["url"] + "/")
    first = headers[BACKEND_HEADER]
    for path in ["/", "/_stcore/health", "/schutz", "/_stcore/host-config", "/polizei"] * 3:
        status, headers, _ = client.get(multi["url"] + path)
        assert status == 200, path
        assert headers[BACKEND_HEADER] == first, path
        assert "Set-Cookie" not in headers or ROUTE_COOKIE not in headers["Set-Cookie"]  # set once only
    # new clients (no cookie yet) are spread over both processes
    seen = {Client().get(multi["url"] + "/_stcore/health")[1][BACKEND_HEADER] for _ in range(40)}
    assert seen == _backends(multi)


def test_the_websocket_is_proxied_to_the_cookies_process(multi):
    client = Client()
    _, headers, _ = client.get(multi["url"] + "/")
    status_line, ws_headers = _upgrade(multi["port"], client.route)
    assert status_line.startswith("HTTP/1.1 101"), status_line
    assert ws_headers["upgrade"].lower() == "websocket"
    assert ws_headers[BACKEND_HEADER.lower()] == headers[BACKEND_HEADER]


@pytest.mark.browser
def test_a_page_in_chromium_talks_to_one_process(multi):
    backends, sockets = [], []
    with chromium_page() as (page, watch):
        page.on("response", lambda r: backends.append(r.headers.get(BACKEND_HEADER.lower())))
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.goto(f"{multi['url']}/schutz?region=03404&period={PERIOD}", timeout=60000)
        wait_for_app(page)
        assert "Schutz" in page.locator('[data-testid="stMain"] h1').first.inner_text()
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60000)
        assert watch.page_errors == [] and watch.external_requests == []
    assert any(s.endswith("/_stcore/stream") for s in sockets)
    assert len(set(backends) - {None}) == 1 and set(backends) - {None} <= _backends(multi)


def test_a_killed_process_is_started_again_and_its_clients_are_served_meanwhile(multi):
    victim = multi["apps"][1]
    client = Client()
    for _ in range(50):  # a client whose cookie leads to the victim
        client = Client()
        if client.get(multi["url"] + "/_stcore/health")[1][BACKEND_HEADER] == f"127.0.0.1:{victim}":
            break
    assert client.route
    old_pid = _pids(multi["run_dir"])["apps"][str(victim)]
    os.kill(old_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _port_answers(victim) and time.monotonic() < deadline:
        time.sleep(0.1)
    status, headers, _ = client.get(multi["url"] + "/_stcore/health")  # nginx tries the other process
    assert status == 200 and headers[BACKEND_HEADER].endswith(f":{multi['apps'][0]}")
    deadline = time.monotonic() + START_S
    while True:
        new_pid = _pids(multi["run_dir"])["apps"][str(victim)]
        if new_pid != old_pid and healthy(f"http://127.0.0.1:{victim}"):
            break
        assert time.monotonic() < deadline and multi["launcher"].poll() is None, \
            multi["log"].read_text(errors="replace")
        time.sleep(0.5)
    assert "neu gestartet" in multi["log"].read_text(errors="replace")


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_sigterm_stops_nginx_and_every_process(multi):
    """Runs last in this module: stops the run the tests above share."""
    launcher, pids = multi["launcher"], _pids(multi["run_dir"])
    children = [pids["nginx"], *pids["apps"].values()]
    assert all(_alive(p) for p in children)
    launcher.send_signal(signal.SIGTERM)
    assert launcher.wait(30) == 0
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in children)
    assert not any(_port_answers(p) for p in [multi["port"], *multi["apps"]])
    assert "Beende nginx und die App-Prozesse" in multi["log"].read_text(errors="replace")
