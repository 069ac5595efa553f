"""Screenshot every page of the running app in headless Chromium (for looking at what users see).

Usage: python tools/screenshots.py [--db data/monitor.duckdb] [--out screenshots] [--query "region=05913"]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium_page, streamlit_server, wait_for_app  # noqa: E402

PAGES = ("uebersicht", "schutz", "beratung", "polizei", "regionen", "methodik", "berichte", "bedarfsplanung")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "data" / "monitor.duckdb"))
    ap.add_argument("--out", default=str(ROOT / "screenshots"))
    ap.add_argument("--query", default="")
    ap.add_argument("--pages", nargs="*", default=list(PAGES))
    ap.add_argument("--width", type=int, default=1440)
    # Streamlit scrolls inside its main container, so a tall window is what captures a whole page
    ap.add_argument("--height", type=int, default=3600)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with streamlit_server(Path(args.db)) as url, chromium_page(width=args.width, height=args.height) as (page, watch):
        for name in args.pages:
            page.goto(f"{url}/{'' if name == 'uebersicht' else name}" + (f"?{args.query}" if args.query else ""))
            wait_for_app(page)
            page.wait_for_timeout(1500)
            target = out / f"{name}{'_' + args.query.replace('=', '-').replace('&', '_') if args.query else ''}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        print("console errors:", watch.console_errors)
        print("page errors:", watch.page_errors)
        print("external requests:", watch.external_requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
