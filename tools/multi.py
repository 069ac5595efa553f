"""Several app processes behind nginx with sticky sessions (standard library only).

    python tools/multi.py [--processes 2] [--port 8501] [--address 127.0.0.1] [--run-dir DIR] [-- STREAMLIT-ARGS]

Starts ``--processes`` app processes (``python -m ui.serve --server.port P --server.headless true
--server.address 127.0.0.1 …``) on consecutive ports after ``--port`` (``--app-port`` changes the first), waits
until each answers ``/_stcore/health``, writes an nginx configuration into a run folder and starts Debian's nginx
in the foreground with it (``nginx -p RUNDIR -c nginx.conf -g 'daemon off;'``; pid, temp and log paths inside
RUNDIR, so no root is needed), listening on ``--port``. Every process reads the same store and releases
(``IK_MONITOR_DB``, ``IK_MONITOR_RELEASES`` as in the environment).

Why sticky, and why a cookie: Streamlit keeps a session's state (widgets, session state, uploaded files, download
buttons' files) in the process that ran it, and talks to the browser over one WebSocket (``/_stcore/stream``); a
browser whose requests landed on another process would lose its session on every reconnect. nginx (the free
version) has no ``sticky`` directive, so the configuration sets a random cookie ``ik_route`` on the first response
and hashes its value (``hash $ik_route consistent``): the same browser always reaches the same process, whatever
its address. ``ip_hash`` would send a whole town hall behind one NAT address to a single process.

Health: the launcher waits for every process's ``/_stcore/health`` before nginx starts, checks every
``--health-interval`` seconds, and starts a process again on its port when it has ended (its sessions go to another
process meanwhile: nginx marks a server that refuses connections as failed for 10 s). It stops everything when
nginx ends or a process keeps ending. Ctrl-C, SIGTERM or SIGHUP stop nginx and then every app process (SIGTERM,
after 10 s SIGKILL); the children also get SIGTERM when the launcher itself dies (Linux ``PR_SET_PDEATHSIG``).
Responses carry the header ``X-IK-Backend`` (the process's ``127.0.0.1:PORT``), so one can tell which process
answered. Logs: ``RUNDIR/logs/app-PORT.log``, ``RUNDIR/logs/access.log``, ``RUNDIR/logs/error.log``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
ROUTE_COOKIE = "ik_route"
BACKEND_HEADER = "X-IK-Backend"
HEALTH_PATH = "/_stcore/health"
START_TIMEOUT_S = 120.0
STOP_GRACE_S = 10.0
MAX_RESTARTS = 3  # within RESTART_WINDOW_S, then the launcher gives up
RESTART_WINDOW_S = 60.0
# Streamlit's upload limit is 20 MB (.streamlit/config.toml); a little more for the multipart overhead
MAX_BODY_MB = int(float(os.environ.get("IK_MONITOR_MAX_UPLOAD_MB", "20"))) + 5


def find_nginx(explicit: str | None = None) -> str | None:
    """The nginx executable (``/usr/sbin`` is not on every user's PATH)."""
    for candidate in ([explicit] if explicit else NGINX_CANDIDATES):
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found and os.access(found, os.X_OK):
            return found
    return None


def nginx_conf(*, port: int, app_ports: list[int], address: str | None = None, secure_cookie: bool = False,
               max_body_mb: int = MAX_BODY_MB) -> str:
    """The configuration for ``nginx -p RUNDIR -c nginx.conf``: relative paths are inside RUNDIR."""
    listen = (f"[{address}]:{port}" if ":" in address else f"{address}:{port}") if address else str(port)
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in app_ports)
    secure = "; Secure" if secure_cookie else ""
    return f"""# written by tools/multi.py: {len(app_ports)} app processes behind one nginx, sticky by cookie
worker_processes 1;
pid nginx.pid;
error_log logs/error.log warn;

events {{
    worker_connections 4096;   # every open page holds two: browser -> nginx, nginx -> app (WebSocket)
}}

http {{
    default_type application/octet-stream;
    access_log logs/access.log;
    client_body_temp_path temp/client_body;
    proxy_temp_path temp/proxy;
    fastcgi_temp_path temp/fastcgi;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;

    # WebSocket: pass the upgrade on, close plain requests as usual
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      close;
    }}
    # sticky sessions: the browser's ik_route cookie, or a new random value that the response sets as the cookie
    map $cookie_{ROUTE_COOKIE} $ik_route {{
        ""      $request_id;
        default $cookie_{ROUTE_COOKIE};
    }}
    map $cookie_{ROUTE_COOKIE} $ik_route_cookie {{
        ""      "{ROUTE_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax{secure}";
        default "";
    }}

    upstream ik_monitor {{
        hash $ik_route consistent;
{servers}
    }}

    server {{
        listen {listen};
        client_max_body_size {max_body_mb}m;

        location / {{
            proxy_pass http://ik_monitor;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # a page's WebSocket stays open as long as the page: no idle cut-off after nginx's default 60 s
            proxy_read_timeout 86400s;
            proxy_send_timeout 86400s;
            # pass through as it comes (WebSocket frames, uploads): no temp files, whatever user the workers run as
            proxy_buffering off;
            proxy_request_buffering off;
            add_header Set-Cookie $ik_route_cookie always;   # only when the browser has none (empty: not sent)
            add_header {BACKEND_HEADER} $upstream_addr always;
        }}
    }}
}}
"""


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH_PATH, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the launcher dies, even by SIGKILL (Linux only)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Launcher:
    """The app processes and nginx of one run (see the module docstring)."""

    def __init__(self, *, processes: int, port: int, app_port: int, run_dir: Path, nginx: str,
                 address: str | None = None, streamlit_args: list[str] | None = None,
                 health_interval: float = 5.0, log=print):
        self.port, self.address, self.run_dir, self.nginx = port, address, run_dir, nginx
        self.app_ports = [app_port + i for i in range(processes)]
        self.streamlit_args = list(streamlit_args or [])
        self.health_interval = health_interval
        self.log = log
        self.apps: dict[int, subprocess.Popen] = {}
        self.nginx_proc: subprocess.Popen | None = None
        self.restarts: dict[int, list[float]] = {p: [] for p in self.app_ports}
        self.env = {**os.environ, "PYTHONPATH": str(ROOT)}
        # nginx is the only way in: failed logins are counted per client (its X-Forwarded-For), not per proxy
        self.env.setdefault("IK_MONITOR_TRUST_PROXY", "1")

    # --- children ---------------------------------------------------------------------------------------------

    def _start(self, args: list[str], log_name: str) -> subprocess.Popen:
        with open(self.run_dir / "logs" / log_name, "ab") as out:
            return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)

    def start_app(self, port: int) -> None:
        self.apps[port] = self._start(
            [sys.executable, "-m", "ui.serve", "--server.port", str(port), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *self.streamlit_args],
            f"app-{port}.log")

    def write_config(self) -> Path:
        for sub in ("logs", "temp"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        conf = self.run_dir / "nginx.conf"
        conf.write_text(nginx_conf(port=self.port, app_ports=self.app_ports, address=self.address,
                                   secure_cookie=os.environ.get("IK_MONITOR_SECURE_COOKIES") == "1"),
                        encoding="utf-8")
        return conf

    def start_nginx(self) -> None:
        self.nginx_proc = self._start(
            [self.nginx, "-p", f"{self.run_dir}/", "-c", "nginx.conf", "-e", str(self.run_dir / "logs" / "error.log"),
             "-g", "daemon off;"], "nginx.out")

    def _write_pids(self) -> None:
        pids = {"launcher": os.getpid(), "nginx": self.nginx_proc.pid if self.nginx_proc else None,
                "apps": {str(p): proc.pid for p, proc in self.apps.items()}}
        (self.run_dir / "pids.json").write_text(json.dumps(pids), encoding="utf-8")

    def _wait_healthy(self, url: str, proc: subprocess.Popen, what: str, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while not healthy(url, timeout=1.0):
            if proc.poll() is not None:
                raise RuntimeError(f"{what} hat sich beendet (Exit-Code {proc.returncode}); Protokolle in "
                                   f"{self.run_dir / 'logs'}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} antwortet nach {timeout:.0f} s nicht auf {HEALTH_PATH}")
            time.sleep(0.25)

    # --- the run ----------------------------------------------------------------------------------------------

    def start(self) -> str:
        """Start the app processes, wait for their health, then nginx; returns the URL nginx serves."""
        busy = [p for p in self.app_ports if not port_free(p)]
        if not port_free(self.port, "0.0.0.0" if self.address in (None, "") else self.address):
            busy.insert(0, self.port)
        if busy:
            raise RuntimeError(f"Port(s) {', '.join(map(str, busy))} belegt; andere mit --port / --app-port wählen")
        self.write_config()
        for port in self.app_ports:
            self.start_app(port)
        self._write_pids()
        for i, port in enumerate(self.app_ports, 1):
            self._wait_healthy(f"http://127.0.0.1:{port}", self.apps[port], f"App-Prozess {i} (Port {port})")
            self.log(f"App-Prozess {i} bereit: http://127.0.0.1:{port} (PID {self.apps[port].pid})")
        self.start_nginx()
        self._write_pids()
        host = {None: "127.0.0.1", "": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(
            self.address, f"[{self.address}]" if ":" in (self.address or "") else self.address)
        url = f"http://{host}:{self.port}"
        self._wait_healthy(url, self.nginx_proc, "nginx", timeout=30)
        self.log(f"nginx verteilt auf {len(self.app_ports)} Prozesse (Sitzungen bleiben bei ihrem Prozess): {url}  "
                 f"· Protokolle: {self.run_dir / 'logs'}")
        return url

    def check(self) -> None:
        """One round of health checks: restart an app process that has ended; raise when nothing can go on."""
        if self.nginx_proc is not None and self.nginx_proc.poll() is not None:
            raise RuntimeError(f"nginx hat sich beendet (Exit-Code {self.nginx_proc.returncode}); siehe "
                               f"{self.run_dir / 'logs' / 'error.log'}")
        for i, port in enumerate(self.app_ports, 1):
            proc = self.apps[port]
            if proc.poll() is None:
                if not healthy(f"http://127.0.0.1:{port}"):
                    self.log(f"App-Prozess {i} (Port {port}) antwortet gerade nicht auf {HEALTH_PATH}")
                continue
            now = time.monotonic()
            recent = [t for t in self.restarts[port] if now - t < RESTART_WINDOW_S]
            if len(recent) >= MAX_RESTARTS:
                raise RuntimeError(f"App-Prozess {i} (Port {port}) endet immer wieder; siehe "
                                   f"{self.run_dir / 'logs' / f'app-{port}.log'}")
            self.restarts[port] = [*recent, now]
            self.log(f"App-Prozess {i} (Port {port}) hat sich beendet (Exit-Code {proc.returncode}); neu gestartet")
            self.start_app(port)
            self._write_pids()

    def serve(self) -> None:
        """Health checks until a signal or a failure ends the run."""
        while True:
            time.sleep(self.health_interval)
            self.check()

    def stop(self) -> None:
        """nginx first (no new requests), then every app process: SIGTERM, after the grace SIGKILL."""
        procs = ([self.nginx_proc] if self.nginx_proc else []) + list(self.apps.values())
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _stop_on_signal(signum, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    ap = argparse.ArgumentParser(description="Mehrere App-Prozesse hinter nginx mit festen Sitzungen (sticky).")
    ap.add_argument("--processes", type=int, default=2, help="Anzahl der App-Prozesse (Standard 2)")
    ap.add_argument("--port", type=int, default=8501, help="Port, auf dem nginx lauscht (Standard 8501)")
    ap.add_argument("--address", default=None,
                    help="Adresse, auf der nginx lauscht (Standard: alle, wie `make run`; 127.0.0.1 nur lokal)")
    ap.add_argument("--app-port", type=int, default=None,
                    help="erster Port der App-Prozesse, die weiteren fortlaufend (Standard: --port + 1)")
    ap.add_argument("--run-dir", default=None,
                    help="Ordner für nginx.conf, Protokolle, PID- und Temp-Dateien (Standard: ein neuer Temp-Ordner, "
                         "nach sauberem Ende gelöscht)")
    ap.add_argument("--keep", action="store_true", help="den Run-Ordner am Ende behalten")
    ap.add_argument("--nginx", default=None, help="nginx-Programm (Standard: nginx im PATH oder /usr/sbin/nginx)")
    ap.add_argument("--health-interval", type=float, default=5.0, help="Sekunden zwischen zwei Prüfungen (Standard 5)")
    args = ap.parse_args(argv)
    if args.processes < 1:
        ap.error("--processes muss mindestens 1 sein")
    nginx = find_nginx(args.nginx)
    if nginx is None:
        print("nginx fehlt: installieren mit `sudo apt-get install -y nginx` (der Start als Dienst ist nicht nötig).",
              file=sys.stderr)
        return 2
    run_dir = Path(args.run_dir) if args.run_dir else Path(tempfile.mkdtemp(prefix="ik-monitor-multi-"))
    run_dir = run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    launcher = Launcher(processes=args.processes, port=args.port, app_port=args.app_port or args.port + 1,
                        run_dir=run_dir, nginx=nginx, address=args.address, streamlit_args=extra,
                        health_interval=args.health_interval, log=lambda m: print(m, flush=True))
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop_on_signal)
    code = 0
    try:
        launcher.start()
        launcher.serve()
    except KeyboardInterrupt:
        print("Beende nginx und die App-Prozesse …", flush=True)
    except RuntimeError as exc:
        print(f"Fehler: {exc}", file=sys.stderr, flush=True)
        code = 1
    finally:
        launcher.stop()
        if code == 0 and not args.keep and not args.run_dir:
            shutil.rmtree(run_dir, ignore_errors=True)
        elif code:
            print(f"Run-Ordner mit Protokollen: {run_dir}", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
