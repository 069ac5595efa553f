"""How the command line prints results: a German report or one JSON document, and the exit code.

Shared by ``etl.cli`` and the modules that add their own commands (accounts, annotations, publishing), so none
of them imports the command line back.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

REJECTED = "rejected"  # the status of a refused load (etl.loader.REJECTED)
DEFAULT_LIMIT = 50  # problems listed per file in the human report; --json always lists all


def default_user() -> str:
    """The name recorded with a batch when none is given: ``$USER`` or ``cli``."""
    return os.environ.get("USER") or "cli"


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def print_problems(errors, warnings, limit: int, stream=None) -> None:
    stream = stream or sys.stdout
    problems = [("Fehler", p) for p in errors] + [("Warnung", p) for p in warnings]
    shown = problems if limit <= 0 else problems[:limit]
    for kind, p in shown:
        print(f"  {kind}: {p.message}", file=stream)
    if len(shown) < len(problems):
        print(f"  … und {_n(len(problems) - len(shown))} weitere (alle mit --limit 0 oder --json)", file=stream)


def report_result(result: Any, as_json: bool) -> int:
    """Print a result dict of another module; exit 1 when it says it was rejected or has errors."""
    failed = isinstance(result, dict) and (result.get("status") == REJECTED or bool(result.get("errors")))
    if as_json:
        print_json(result)
    elif isinstance(result, dict):
        stream = sys.stderr if failed else sys.stdout
        if result.get("message"):
            print(result["message"], file=stream)
        else:
            for key, value in plain(result).items():
                if key not in ("errors", "warnings"):
                    print(f"  {key}: {plain_text(value)}", file=stream)
        print_problems(result.get("errors") or [], result.get("warnings") or [], DEFAULT_LIMIT, stream=stream)
    elif result is not None:
        print(result)
    return 1 if failed else 0


def plain(value: Any) -> Any:
    """Objects with as_json() (problems, outcomes) turned into JSON-ready values."""
    if hasattr(value, "as_json"):
        return plain(value.as_json())
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def plain_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if len(value) <= 10 else f"{len(value)} Einträge"
    if isinstance(value, int) and not isinstance(value, bool):
        return _n(value)
    return str(value)


def print_json(data: Any) -> None:
    json.dump(plain(data), sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
