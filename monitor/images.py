"""Chart images on the server: PNG and SVG of the house-style figures, rendered by kaleido in Debian's Chromium.

One warm renderer per process serves every session: a headless Chromium (started once, on first use) with
``TABS`` tabs, driven from its own event-loop thread. Callers on any thread hand in a figure and wait for the
bytes; the loop hands each request to a free tab, so several sessions can ask at once.

Nothing is downloaded: the browser is ``IK_MONITOR_CHROMIUM``, ``BROWSER_PATH`` or ``/usr/bin/chromium`` (kaleido
never fetches one unless told to), plotly.js comes from the installed plotly package, MathJax is switched off
(it would load from a CDN) and geo traces read the local topojson stub in ``static/world-stub/``.

The image is the figure as the page shows it: title, subtitle, "Quelle … · Stand …" and the "Demodaten" mark are
part of every figure built by ``monitor.charts``, with ``TOP_MARGIN_PX`` more room above the title than on the
page (on paper and slides a title needs air to the picture's edge; in the app the page gives it). Width defaults
to ``DEFAULT_WIDTH`` (a Streamlit column), height to the figure's own plus that margin.
"""

from __future__ import annotations

import asyncio
import atexit
import copy
import os
import shutil
import struct
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, Sequence

import plotly.graph_objects as go

from . import charts, config

FORMATS = ("png", "svg")
MIME = {"png": "image/png", "svg": "image/svg+xml"}
DEFAULT_WIDTH = 800  # px; the text of charts is wrapped for about 760 px
TABS = 2  # tabs render in parallel; two cores on the target machine
START_TIMEOUT_S = 60.0
RENDER_TIMEOUT_S = 60.0
BROWSER_ENV = "IK_MONITOR_CHROMIUM"
BROWSER_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
TOPOJSON_DIR = config.ROOT / "static" / "world-stub"
TOP_MARGIN_PX = 14  # CSS px added above the title of every image


class RendererUnavailable(RuntimeError):
    """No browser, or it could not be started or stopped answering (message in German)."""


def browser_path() -> str:
    """The Chromium executable: ``IK_MONITOR_CHROMIUM``, ``BROWSER_PATH``, else Debian's ``/usr/bin/chromium``."""
    for env in (BROWSER_ENV, "BROWSER_PATH"):
        wanted = os.environ.get(env)
        if wanted:
            # a path someone set on purpose is used or reported, never silently replaced by another browser
            found = wanted if Path(wanted).is_file() else shutil.which(wanted)
            if found and os.access(found, os.X_OK):
                return found
            raise RendererUnavailable(f"Kein ausführbarer Browser unter {env}={wanted!r}.")
    for name in BROWSER_CANDIDATES:
        found = name if Path(name).is_file() else shutil.which(name)
        if found and os.access(found, os.X_OK):
            return found
    raise RendererUnavailable(
        "Kein Chromium gefunden: Diagramme als Bild brauchen Debians Paket „chromium“ "
        f"(oder den Pfad zu einem Chromium in der Umgebungsvariable {BROWSER_ENV})."
    )


def _topojson_url() -> str | None:
    return TOPOJSON_DIR.as_uri() + "/" if TOPOJSON_DIR.is_dir() else None


class Renderer:
    """A headless Chromium with kaleido on a private event-loop thread; ``render`` may be called from any thread."""

    def __init__(self, *, tabs: int = TABS, path: str | None = None, timeout: float = RENDER_TIMEOUT_S):
        self.tabs = tabs
        self.path = path
        self.timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self.starts = 0  # how often a browser was launched (the benchmark and tests read it)

    @property
    def running(self) -> bool:
        """Whether a browser was started and its loop thread lives (a crash is noticed on the next image)."""
        return self._kaleido is not None and self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Launch the browser if it is not running (idempotent, safe from several threads)."""
        with self._lock:
            self._start_locked()

    def _start_locked(self) -> None:
        if self.running:
            return
        self._stop_locked()
        import kaleido  # imported late: it costs time and is needed only for images

        path = self.path or browser_path()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="ik-monitor-images", daemon=True)
        thread.start()

        async def open_browser():
            k = kaleido.Kaleido(n=self.tabs, timeout=self.timeout, mathjax=False, path=path)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT_S)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            raise RendererUnavailable(f"Chromium für Diagrammbilder ließ sich nicht starten ({path}): {exc}") \
                from exc
        self._loop, self._thread = loop, thread
        self.starts += 1

    def close(self) -> None:
        """Stop the browser and its thread."""
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        loop, k = self._loop, self._kaleido
        self._kaleido = None
        if loop is None:
            return
        if k is not None and loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(20)
            except Exception:  # noqa: BLE001 - a dead browser cannot be closed politely; the loop still stops
                pass
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop, self._thread = None, None

    def _submit(self, spec: dict, opts: dict) -> Future:
        with self._lock:
            self._start_locked()
            k, loop = self._kaleido, self._loop
        return asyncio.run_coroutine_threadsafe(k.calc_fig(spec, opts=opts, topojson=_topojson_url()), loop)

    def render_many(self, figures: Sequence[go.Figure | dict], fmt: str = "png", *, width: int | None = None,
                    height: int | None = None, scale: float | None = None) -> list[bytes]:
        """Images of several figures, rendered in parallel on the browser's tabs; same order as ``figures``."""
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
        jobs = [_spec(f, fmt, width, height, scale) for f in figures]
        for attempt in (1, 2):
            futures = [self._submit(spec, opts) for spec, opts in jobs]
            try:
                return [_as_bytes(f.result(self.timeout + 5)) for f in futures]
            except FutureTimeout as exc:
                for f in futures:
                    f.cancel()
                self.close()  # a browser that stopped answering is replaced on the next request
                raise RendererUnavailable("Diagrammbild: Chromium hat nicht rechtzeitig geantwortet.") from exc
            except Exception as exc:
                for f in futures:
                    f.cancel()
                if self._browser_alive():
                    raise
                self.close()
                if attempt == 2:
                    raise RendererUnavailable(f"Diagrammbild konnte nicht erzeugt werden: {exc}") from exc
        raise AssertionError("unreachable")

    def _browser_alive(self) -> bool:
        proc = getattr(self._kaleido, "subprocess", None)
        return self.running and proc is not None and proc.poll() is None

    def render(self, fig: go.Figure | dict, fmt: str = "png", *, width: int | None = None, height: int | None = None,
               scale: float | None = None) -> bytes:
        """One image of ``fig`` as PNG or SVG bytes."""
        return self.render_many([fig], fmt, width=width, height=height, scale=scale)[0]


def _as_bytes(result: Any) -> bytes:
    return result if isinstance(result, bytes) else str(result).encode("utf-8")


def _spec(fig: go.Figure | dict, fmt: str, width: int | None, height: int | None,
          scale: float | None) -> tuple[dict, dict]:
    """The figure as a plain dict (copied on the caller's thread) and kaleido's layout options."""
    data = copy.deepcopy(fig) if isinstance(fig, dict) else fig.to_dict()
    layout = data.setdefault("layout", {})
    w = int(width or layout.get("width") or DEFAULT_WIDTH)
    h = int(height or layout.get("height") or 500)
    if _with_top_margin(layout) and not height:
        h += TOP_MARGIN_PX  # the figure's own height: the picture grows; a size asked for: the plot gives way
    s = scale if scale is not None else (charts.EXPORT_SCALE if fmt == "png" else 1)
    return data, {"format": fmt, "width": w, "height": h, "scale": s}


def _with_top_margin(layout: dict) -> bool:
    """Move a titled figure's title and everything under it ``TOP_MARGIN_PX`` down (``layout`` is changed)."""
    title = layout.get("title") or {}
    if not title.get("text"):
        return False
    margin = layout.setdefault("margin", {})
    margin["t"] = int(margin.get("t") or 0) + TOP_MARGIN_PX
    pad = title.setdefault("pad", {})
    pad["t"] = int(pad.get("t") or 0) + TOP_MARGIN_PX
    if layout.get("height"):
        layout["height"] = int(layout["height"]) + TOP_MARGIN_PX
    return True


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG (from its header)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


_shared: Renderer | None = None
_shared_lock = threading.Lock()


def renderer() -> Renderer:
    """The process-wide renderer shared by all sessions (not started until the first image is asked for)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Renderer()
            atexit.register(_shared.close)
        return _shared


def warm_up() -> None:
    """Start the shared browser now, e.g. when the app starts, so the first download does not wait for it."""
    renderer().start()


def to_png(fig: go.Figure | dict, *, width: int | None = None, height: int | None = None,
           scale: float | None = None) -> bytes:
    """The figure as PNG (scale 2 by default, as the browser's own export)."""
    return renderer().render(fig, "png", width=width, height=height, scale=scale)


def to_svg(fig: go.Figure | dict, *, width: int | None = None, height: int | None = None) -> bytes:
    """The figure as SVG."""
    return renderer().render(fig, "svg", width=width, height=height)


def to_image(fig: go.Figure | dict, fmt: str = "png", **kwargs: Any) -> bytes:
    """The figure as ``png`` or ``svg``."""
    return renderer().render(fig, fmt, **kwargs)


def filename(region_ags: str, what: str, period: Any, fmt: str = "png") -> str:
    """``ik-monitor_05913_schutzplaetze_2025-Q2.svg``: the name the browser export would give."""
    return charts.export_filename(region_ags, what, period, fmt)
