"""``python -m monitor``: the read-side command line (see monitor.cli)."""

from .cli import main

raise SystemExit(main())
