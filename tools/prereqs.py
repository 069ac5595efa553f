"""Check the system packages the tests need before `make test` runs them (standard library only).

``python3 tools/prereqs.py`` prints one line naming the missing Debian packages and the command that installs
them, and exits 1; it prints nothing and exits 0 when all is there. ``--packages`` prints the package list
(``.ci/run`` installs exactly these as root), ``--missing`` only the missing ones.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# Debian package → how to tell it is installed (the same list .ci/run installs)
CHROMIUM_ENV = "IK_MONITOR_CHROMIUM"
FONT_DIR = Path("/usr/share/fonts/truetype")
PACKAGES = {
    # headless browser for the browser tests and the server-side chart images
    "chromium": lambda: _chromium() is not None,
    # the PDF reports embed Liberation Sans (metric-compatible with the charts' Arial), DejaVu as fallback
    "fonts-liberation": lambda: (FONT_DIR / "liberation" / "LiberationSans-Regular.ttf").is_file(),
    "fonts-dejavu-core": lambda: (FONT_DIR / "dejavu" / "DejaVuSans.ttf").is_file(),
    # several app processes behind a reverse proxy (tools/multi.py, tests/test_processes.py); the tests start their
    # own nginx in the foreground, the system service need not run
    "nginx": lambda: any(shutil.which(c) or Path(c).is_file() for c in ("nginx", "/usr/sbin/nginx")),
}


def _chromium() -> str | None:
    wanted = os.environ.get(CHROMIUM_ENV)
    for candidate in ([wanted] if wanted else ["/usr/bin/chromium", "chromium"]):
        found = candidate if Path(candidate).is_file() else shutil.which(candidate)
        if found and os.access(found, os.X_OK):
            return found
    return None


def missing() -> list[str]:
    """The Debian packages of ``PACKAGES`` that are not installed."""
    return [name for name, present in PACKAGES.items() if not present()]


def main(argv: list[str]) -> int:
    if "--packages" in argv:
        print(" ".join(PACKAGES))
        return 0
    lacking = missing()
    if "--missing" in argv:
        print(" ".join(lacking))
        return 0
    if sys.version_info < (3, 11):
        print(f"make test needs Python 3.11 or newer (this is {sys.version.split()[0]}).", file=sys.stderr)
        return 1
    if lacking:
        hint = f" (or set {CHROMIUM_ENV} to a Chromium executable)" if lacking == ["chromium"] else ""
        print(f"make test needs the Debian package(s) {', '.join(lacking)}: install with "
              f"`sudo apt-get install -y {' '.join(lacking)}`{hint}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
