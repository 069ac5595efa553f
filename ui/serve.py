"""Start the server: ``python -m ui.serve [streamlit run options]`` serves ``ui/app.py`` (dashboard + routes).

The app routes with ``st.navigation``. Streamlit still treats a ``pages/`` folder beside the entry file as
an old-style multipage app until the first script run has called ``st.navigation``, so the first visitor
after a restart who opens a deep link (``/schutz?region=05913``) would see a "Page not found" dialog.
Declaring the folder's role before the server starts avoids that.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent / "app.py"


def main(argv: list[str]) -> int:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *argv]
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
