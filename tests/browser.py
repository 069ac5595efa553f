"""Harness for end-to-end tests: the real app served by Streamlit, driven by Playwright in Debian's Chromium.

No browser is downloaded: Playwright launches /usr/bin/chromium. Every request that would leave localhost is
blocked and recorded, and so is every console error, so a test can fail on either.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("IK_MONITOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
_BASE_PATH_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(db_path: Path, extra_env: dict[str, str] | None = None):
    """Serve dashboard.py on a free port against ``db_path``; yields the base URL."""
    port = free_port()
    env = {**os.environ, "IK_MONITOR_DB": str(db_path), **(extra_env or {})}
    log_path = Path(tempfile.gettempdir()) / f"ik-monitor-streamlit-{port}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError("Streamlit did not start:\n" + log_path.read_text())
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass
class PageWatch:
    """What a page did that a test may want to fail on."""

    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


# A phone as it presents itself (an Android Chrome): the app lays pages and charts out for it by this agent.
PHONE = {"width": 390, "height": 844}
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/131.0.0.0 Mobile Safari/537.36")


@contextmanager
def chromium_page(width: int = 1440, height: int = 1000, *, phone: bool = False):
    """A Playwright page in headless Debian Chromium; external requests are aborted and recorded.

    ``phone``: a 390 × 844 touch screen with a phone's user agent (``width``/``height`` are ignored)."""
    from playwright.sync_api import sync_playwright

    watch = PageWatch()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        device = ({"viewport": PHONE, "user_agent": PHONE_AGENT, "is_mobile": True, "has_touch": True}
                  if phone else {"viewport": {"width": width, "height": height}})
        context = browser.new_context(locale="de-DE", **device)

        def route(r):
            host = urlparse(r.request.url).hostname or ""
            if r.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
                r.continue_()
            else:
                watch.external_requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        def console(m):
            # Streamlit's frontend probes for a base path under a deep link (/schutz/_stcore/health) before
            # falling back to the root; those 404s are expected, anything else is an error
            url = (m.location or {}).get("url", "")
            if m.type == "error" and not _BASE_PATH_PROBE.search(url):
                watch.console_errors.append(f"{m.text} ({url})" if url else m.text)

        page.on("console", console)
        page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
        try:
            yield page, watch
        finally:
            context.close()
            browser.close()


def wait_for_app(page, timeout_ms: int = 60000, selector: str = '[data-testid="stMain"] h1') -> None:
    """Wait until the page has drawn its title and Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector(selector, timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(800)


# Everything a chart prints must lie inside the chart, and title, legend and footer must not overlap: what a
# council member sees on a phone and what a screenshot in a briefing shows.
LAYOUT_PROBLEMS_JS = """
() => {
  const problems = [];
  const doc = document.documentElement;
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollWidth > main.clientWidth + 2) problems.push('page wider than the screen: ' + main.scrollWidth);
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  charts.forEach((chart, i) => {
    const svg = chart.querySelector('.main-svg');
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    const title = chart.querySelector('.g-gtitle');
    const name = (title && title.textContent || 'chart ' + i).slice(0, 60);
    const parts = [];
    const add = (what, el) => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) parts.push([what, r]);
    };
    if (title) add('title', title);
    chart.querySelectorAll('.legend').forEach(el => add('legend', el));
    chart.querySelectorAll('.annotation').forEach(el => {
      const text = el.textContent || '';
      if (/(Quelle|Source):/.test(text)) add('footer', el);
      else {
        const bg = el.querySelector('rect.bg');
        const fill = bg ? getComputedStyle(bg).fill : '';
        if (/^(DEMODATEN|DEMO DATA)$/.test(text.trim()) && fill.includes('213, 94, 0')) add('demo tag', el);
      }
    });
    chart.querySelectorAll('.xtick text, .ytick text, .annotation-text, .legendtext, .gtitle').forEach(el => {
      const r = el.getBoundingClientRect();
      if (r.width === 0) return;
      if (r.left < box.left - 2 || r.right > box.right + 2)
        problems.push(name + ': "' + (el.textContent || '').slice(0, 40) + '" runs outside the chart');
    });
    for (let a = 0; a < parts.length; a++) for (let b = a + 1; b < parts.length; b++) {
      const [n1, r1] = parts[a], [n2, r2] = parts[b];
      const overlap = Math.min(r1.right, r2.right) - Math.max(r1.left, r2.left) > 2
        && Math.min(r1.bottom, r2.bottom) - Math.max(r1.top, r2.top) > 2;
      if (overlap) problems.push(name + ': ' + n1 + ' overlaps ' + n2);
    }
  });
  return problems;
}
"""
