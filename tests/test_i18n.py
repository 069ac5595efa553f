"""The language layer: every text of the code is in the English catalogue, translated, with the same placeholders."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir

from monitor.i18n import LOCALE_DIR, translate
from tests.conftest import ROOT
from tools import i18n as catalogue_tool

KEYWORDS = {"_": None, "N_": None, "NP_": ((1, "c"), 2), "n_": (1, 2), "p_": ((1, "c"), 2), "translate": None,
            "ntranslate": (1, 2), "ptranslate": ((1, "c"), 2)}


# --- the catalogue ---------------------------------------------------------------------------------------

def test_every_message_is_translated_with_its_placeholders():
    assert catalogue_tool.problems(only=_code_messages()) == []


def _code_messages() -> set[str]:
    """The German message ids marked in the product's code (what ``make i18n`` extracts)."""
    keywords = {k: v for k, v in KEYWORDS.items() if v is not None}
    keywords.update({k: None for k, v in KEYWORDS.items() if v is None})
    method_map = [("dashboard.py", "python"), ("pages/**.py", "python"), ("ui/**.py", "python"),
                  ("monitor/**.py", "python"), ("etl/**.py", "python")]
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), method_map, keywords=keywords):
        singular = message if isinstance(message, str) else message[0]
        if singular:
            found.add((context, singular))
    return found


def test_the_catalogue_holds_every_message_of_the_code():
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue_tool.read() if m.id}
    missing = sorted(m for _c, m in _code_messages() - known)
    assert not missing, f"run `make i18n` and translate: {missing[:10]}"


def test_translation_fills_named_placeholders_and_falls_back_to_german():
    assert translate("Soll: {source}", "en", source="Europarat") == "Target: Europarat"
    assert translate("Soll: {source}", "de", source="Europarat") == "Soll: Europarat"
    assert translate("Ein Satz, den es im Katalog nicht gibt", "en") == "Ein Satz, den es im Katalog nicht gibt"
    assert (LOCALE_DIR / "en" / "LC_MESSAGES" / "ik_monitor.po").exists()
