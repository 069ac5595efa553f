"""The app's side of the language layer: the session's language and ``_()``.

Texts are written in German and marked ``_("…")``; ``monitor.i18n`` looks them up in the English catalogue
(``locale/en/LC_MESSAGES/ik_monitor.po``). Data that carry both languages themselves (indicator labels, targets,
datasets) are chosen with ``pick``.
"""

from __future__ import annotations

import streamlit as st

from monitor import fmt
from monitor.i18n import LANGUAGES, N_, NP_, ntranslate, ptranslate, translate

__all__ = ["LANGUAGES", "N_", "NP_", "_", "message", "lang", "n_", "p_", "pick", "fmt", "translate"]


def lang() -> str:
    """The language chosen in the sidebar (``de`` or ``en``)."""
    language = st.session_state.get("lang") or "de"
    return language if language in LANGUAGES else "de"


def _(msgid: str, **params) -> str:
    """``msgid`` (German) in the session's language, its named placeholders filled."""
    return translate(msgid, lang(), **params)


def p_(context: str, msgid: str, **params) -> str:
    """``msgid`` in ``context`` in the session's language."""
    return ptranslate(context, msgid, lang(), **params)


def n_(singular: str, plural: str, n: int, **params) -> str:
    """Singular or plural by ``n`` in the session's language (``{n}`` is filled with the formatted number)."""
    return ntranslate(singular, plural, n, lang(), **params)


def message(item: object) -> str:
    """An error, a problem or a message fragment in the session's language: anything that says itself per
    language (``text(language)``: ``monitor.i18n.Failure``, ``etl.problems.Problem`` and ``Msg``), else as is."""
    text = getattr(item, "text", None)
    return text(lang()) if callable(text) else str(item)


def pick(de: str, en: str | None) -> str:
    """Choose between the German and the English text a datum carries (catalogue, targets, datasets)."""
    return en if lang() == "en" and en else de
