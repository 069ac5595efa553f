"""Warm start: the server process fills its caches itself after a start and after every new release.

Without it the first visitor after a restart, or the first after a new release, pays for opening the release,
building the region index, the queries of the page, plotly's first figures (the first figure of a process imports
plotly's validators) and every chart of the page. ``lifespan`` (hooked into ``st.App`` in ``ui/app.py``, so it runs
once per server process, after Streamlit's runtime has started) starts a background thread that

1. **data**: calls the cached functions of ``ui.data`` that the pages call for the default view (the latest
   release's public figures: Germany, the newest period, the default counting; the region index, periods, status,
   targets, notes; the tables of all Länder and all Kreise for that period and the Länder of the quarters the
   Regionen page's sparklines show; Germany's time series of the Schutz page) and reads the map boundaries;
2. **pages**: opens the default view of each page in ``PAGES`` once through the server's own WebSocket
   (``/_stcore/stream``, as a browser does, without cookies: an anonymous visitor of the public view), so that the
   pages' charts, their own caches and every import are made before a visitor asks; where that is not possible
   (no server, TLS on the server itself) it builds one chart of every kind instead;
3. then looks at the release folder's ``LATEST`` every ``POLL_S`` seconds and does both again when it names
   another release (``python -m etl release``, ``etl publish``).

Everything here only fills caches the pages fill anyway: if it fails, it logs a warning and the pages compute as
they would have. ``IK_MONITOR_WARM``: ``on`` (default, data and pages), ``data`` (data and one chart of each kind,
no page runs) or ``off``.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from streamlit.logger import get_logger

from monitor import indicators
from monitor.periods import Period
from monitor.regions import GERMANY

from . import data

WARM_ENV = "IK_MONITOR_WARM"
MODES = ("on", "data", "off")
POLL_S = 5.0
LANGUAGE = "de"  # the default view's language
SPARK_QUARTERS = 8  # the Regionen page's sparklines: the newest eight quarters
# Germany's time series as the Schutz page asks for them (the same ids in the same order hit the same cache entry)
SERIES = (("shelter_places", "shelter_places_needed"),)
# the pages whose default view is opened once (URL paths; "" is Übersicht)
PAGES = ("", "schutz", "beratung", "polizei", "regionen")
PAGE_TIMEOUT_S = 120.0
SERVER_WAIT_S = 120.0
log = get_logger(__name__)  # Streamlit's console handler: the server log shows it at level info


def mode() -> str:
    """``IK_MONITOR_WARM``: on, data or off (unknown values count as on)."""
    wanted = os.environ.get(WARM_ENV, "on").strip().lower()
    return "off" if wanted in ("off", "0", "no", "false") else "data" if wanted == "data" else "on"


@dataclass
class Result:
    """One warm-up: the release it warmed (None: nothing released yet), seconds per step and per page."""

    version: tuple
    steps: dict[str, float] = field(default_factory=dict)
    pages: dict[str, float] = field(default_factory=dict)
    error: str = ""  # why the pages could not be opened (the data were warmed all the same)

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())

    def summary(self) -> str:
        parts = [f"{k} {v:.2f} s" for k, v in self.steps.items()]
        pages = ", ".join(f"/{p} {s:.2f} s" for p, s in self.pages.items())
        return ", ".join(parts) + (f" ({pages})" if pages else "")


def warm(server: str | None = None, cancel: threading.Event | None = None) -> Result:
    """Fill the caches for the default view of the latest release; with ``server`` (the app's own URL) also open
    each page of ``PAGES`` once there, else (or when that fails) build one chart of every kind (see the module
    docstring). ``cancel`` ends the page runs early (the server is stopping)."""
    result = Result(data.version(True))
    started = time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        result.steps[name] = now - started
        started = now

    if result.version[1] is None:  # nothing released yet: the frame falls back to the working store's regions
        data.regions(False)
        step("regions")
    else:
        _data(step)
    if server:
        try:
            result.pages = visit_pages(server, cancel=cancel)
            step("pages")
            return result
        except Cancelled:
            result.error = "cancelled: the server is stopping"
            return result
        except Exception as exc:  # noqa: BLE001 - the data are warm; the charts below are the fallback
            result.error = f"{type(exc).__name__}: {exc}"
            log.warning("opening the pages for the warm-up failed; building one chart of each kind instead",
                        exc_info=True)
    _charts(result.version[1] is not None)
    step("charts")
    return result


def _data(step) -> None:
    data.regions(True), data.status(True), data.targets(True), data.annotations(True)
    periods = data.periods(True)
    step("frame")
    if not periods:
        return
    period, variant = periods[0], indicators.DEFAULT_VARIANT
    data.report(GERMANY, period, variant, public=True)
    data.report(GERMANY, Period.parse(period).previous_year(), variant, public=True)
    for ids in SERIES:
        data.series(GERMANY, ids, variant, public=True)
    data.table("land", period, variant=variant, public=True, language=LANGUAGE)
    data.table("kreis", period, variant=variant, public=True, language=LANGUAGE)
    for quarter in [p for p in periods if "-Q" in p][:SPARK_QUARTERS]:
        data.table("land", quarter, variant=variant, public=True, language=LANGUAGE)
    step("figures")
    from monitor import geo  # here, not at the top: the server answers its health check before plotly is imported

    for level in geo.LEVEL_FILES:
        geo.load_boundaries(level)
    step("boundaries")


def _charts(released: bool) -> None:
    """One chart of every kind the pages draw, made into JSON as ``st.plotly_chart`` does: a process's first
    figure of a kind imports and sets up most of plotly (without page runs, this is what can be done ahead)."""
    import pandas as pd

    from monitor import chain, charts, geo

    style = {"source": "IK-Monitor", "language": LANGUAGE}
    where, value = "Deutschland", "shelter_coverage_pct"
    frame = pd.DataFrame({"a": [1.0, 2.0, None], "b": [2.0, 2.0, 2.0]}, index=["2025-Q1", "2025-Q2", "2025-Q3"])
    ranking = pd.DataFrame({"ags": ["01", "02", "03"], "name": ["a", "b", "c"], value: [80.0, None, 120.0]})
    figures = [
        charts.trend_chart(frame, title=where, unit="Plätze", **style),
        charts.bar_ranking(ranking, value=value, label="name", title=where, unit="%", target=100, **style),
        charts.gap_bars(ranking, label="name", actual=value, target=value, title=where, unit="%", **style),
        charts.stacked_bars(frame, title=where, **style),
        charts.tile_map(ranking, value=value, title=where, unit="%", **style),
    ]
    if released:
        periods = data.periods(True)
        if periods:
            report = data.report(GERMANY, periods[0], indicators.DEFAULT_VARIANT, public=True)
            figures.append(chain.figure(report, where, **style))
    shapes = geo.load_boundaries("land")
    if shapes is not None:
        figures.append(charts.choropleth(shapes, ranking, value=value, title=where, unit="%", **style))
    for fig in figures:
        fig.to_json()


# --- pages through the server's own WebSocket -----------------------------------------------------------------

def server_url() -> str | None:
    """This server's own URL (``server.address``/``port``/``baseUrlPath``), or None where the warm-up cannot
    open pages itself (TLS on the server)."""
    from streamlit import config as st_config

    if st_config.get_option("server.sslCertFile"):
        return None
    address = str(st_config.get_option("server.address") or "").strip()
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(
        address, f"[{address}]" if ":" in address else address)
    base = str(st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{st_config.get_option('server.port')}" + (f"/{base}" if base else "")


class Cancelled(Exception):
    """The server is stopping: the warm-up ends early."""


def _wait_for(server: str, cancel: threading.Event | None = None, timeout: float = SERVER_WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        try:
            with urllib.request.urlopen(f"{server}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{server} did not answer its health check within {timeout:.0f} s")
        time.sleep(0.2)


def visit_pages(server: str, pages: tuple[str, ...] = PAGES, cancel: threading.Event | None = None) -> dict[str, float]:
    """Open the default view of each page once, as an anonymous browser would; seconds per page.

    Streamlit runs the page when a client asks over ``/_stcore/stream`` (``BackMsg.rerun_script``); the run is
    over with ``script_finished``. Raises when a page does not finish."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    _wait_for(server, cancel)
    stream = "ws" + server.removeprefix("http") + "/_stcore/stream"
    out = {}
    for page in pages:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        started = time.perf_counter()
        deadline = time.monotonic() + PAGE_TIMEOUT_S
        with connect(stream, open_timeout=30, close_timeout=5, max_size=None) as ws:
            ask = BackMsg()
            ask.rerun_script.query_string = ""
            ask.rerun_script.page_name = page
            ws.send(ask.SerializeToString())
            while True:
                message = ForwardMsg()
                message.ParseFromString(ws.recv(timeout=max(1.0, deadline - time.monotonic())))
                if message.WhichOneof("type") != "script_finished":
                    continue
                if message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    break
                if message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    raise RuntimeError(f"page /{page} did not finish (status {message.script_finished})")
        out[page] = time.perf_counter() - started
    return out


# --- the thread -----------------------------------------------------------------------------------------------

class Warmer(threading.Thread):
    """Warms once, then again whenever the latest release changes (polling every ``poll`` seconds).

    ``server``: the app's own URL for the page runs (None: data and one chart of each kind only)."""

    def __init__(self, poll: float = POLL_S, server: str | None = None):
        super().__init__(name="ik-monitor-warm", daemon=True)
        self.poll, self.server = poll, server
        self.done: list[Result] = []  # every warm-up of this thread, in order
        self.failures = 0
        self.warmed = threading.Event()  # set after each warm-up (cleared by whoever waits for the next)
        self._stop_event = threading.Event()

    def run(self) -> None:
        warmed_version = None
        while not self._stop_event.is_set():
            current = None
            try:
                current = data.version(True)
                if current != warmed_version:
                    result = warm(self.server, self._stop_event)
                    if self._stop_event.is_set():
                        return
                    self.done.append(result)
                    self.failures += bool(result.error)
                    log.info("caches warmed for %s in %.2f s: %s", current[1] or "no release", result.seconds,
                             result.summary())
                    self.warmed.set()
            except Exception:  # noqa: BLE001 - warming is an optimisation: log it, never stop the server
                self.failures += 1
                log.warning("warming the caches failed; pages compute on their first visit", exc_info=True)
            # a failed warm-up is not repeated for the same release (no retry loop); a new one is warmed
            warmed_version = current if current is not None else warmed_version
            self._stop_event.wait(self.poll)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop_event.set()
        self.join(timeout)


_lock = threading.Lock()
_warmer: Warmer | None = None


def start(poll: float = POLL_S, server: str | None = None) -> Warmer | None:
    """Start this process's warmer once (later calls return the same one); None when switched off."""
    global _warmer
    if mode() == "off":
        return None
    with _lock:
        if _warmer is None or not _warmer.is_alive():
            _warmer = Warmer(poll, server if mode() == "on" else None)
            _warmer.start()
        return _warmer


def stop() -> None:
    global _warmer
    with _lock:
        if _warmer is not None:
            _warmer.stop()
            _warmer = None


@asynccontextmanager
async def lifespan(_app):
    """``st.App(lifespan=…)``: the warmer runs while the server runs (pages through the server's own URL)."""
    start(server=server_url())
    try:
        yield
    finally:
        stop()
