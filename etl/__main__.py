"""``python -m etl …``: the command line of the monitor's data loading (see docs/cli.md)."""

import sys

from .cli import main

sys.exit(main())
