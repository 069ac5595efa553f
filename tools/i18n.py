"""Compile and check the English catalogue (``make`` runs ``compile``; tests run ``problems``).

``pybabel compile`` refuses messages such as "100 % des Solls": it takes "% d" for a %-format, while the
product's texts use named ``{placeholders}`` only. This writes the ``.mo`` with Babel's own writer and checks
what matters here instead: every message translated, nothing fuzzy, the same placeholders on both sides.

    python tools/i18n.py compile   # locale/en/LC_MESSAGES/ik_monitor.po -> .mo
    python tools/i18n.py check     # list the problems, exit 1 if there are any
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "ik_monitor.po"
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def read(path: Path = PO):
    with path.open("rb") as f:
        return read_po(f, locale="en", domain="ik_monitor")


def problems(path: Path = PO, only: set | None = None) -> list[str]:
    """Messages without a translation, fuzzy ones, and translations whose placeholders differ from the id's.

    ``only``: check just these (context, singular id) pairs, e.g. the messages the code uses (an entry whose
    text the code no longer has is left for ``make i18n`` to retire)."""
    out = []
    for m in read(path):
        if not m.id:
            continue
        if only is not None and (m.context, m.id if isinstance(m.id, str) else m.id[0]) not in only:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        name = ids[0][:80]
        if not all(strings):
            out.append(f"not translated: {name!r}")
            continue
        if "fuzzy" in m.flags:
            out.append(f"fuzzy: {name!r}")
        wanted = set(PLACEHOLDER.findall(ids[-1])) | (set(PLACEHOLDER.findall(ids[0])))
        for s in strings:
            got = set(PLACEHOLDER.findall(s))
            # a plural's singular may say "one" instead of {n}
            if got != wanted and not (len(ids) > 1 and got <= wanted):
                out.append(f"placeholders {sorted(got)} instead of {sorted(wanted)}: {name!r}")
    return out


def compile_catalogue(path: Path = PO) -> Path:
    target = path.with_suffix(".mo")
    catalogue = read(path)
    with target.open("wb") as f:
        write_mo(f, catalogue, use_fuzzy=False)
    return target


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "compile":
        target = compile_catalogue()
        print(f"{target.relative_to(ROOT)}: {sum(1 for m in read() if m.id)} messages")
        return 0
    found = problems()
    for p in found:
        print(p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
