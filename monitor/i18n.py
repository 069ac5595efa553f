"""The one language layer: gettext catalogues with German message ids and an English catalogue.

Every sentence the product shows is written in German in the code, marked ``_("…")`` (or ``N_("…")`` where it
is only defined, not yet shown), and translated through ``locale/en/LC_MESSAGES/ik_monitor.po``. The catalogue
is compiled on install (``make``: ``tools/i18n.py compile``; compiled in memory when the ``.mo`` is missing or
older than the ``.po``) and updated from the code with ``make i18n``. Placeholders
are named: ``_("Schutz – {region}", region=name)``. Data carry their own pairs (catalogue labels, targets,
datasets) and are chosen by language, not translated.

The core stays free of Streamlit: ``translate(msgid, language)``; the app's ``ui.i18n._`` passes the session's
language.
"""

from __future__ import annotations

import io
from functools import lru_cache
from gettext import NullTranslations

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from . import config

DOMAIN = "ik_monitor"
LOCALE_DIR = config.ROOT / "locale"
LANGUAGES = {"de": "Deutsch", "en": "English"}
_TRANSLATED = {"en"}  # languages with a catalogue; German (and anything unknown) shows the message ids


@lru_cache(maxsize=None)
def catalogue(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (German needs none: its message ids are the texts)."""
    if language == "de":
        return NullTranslations()
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return Translations(f, domain=DOMAIN)
    if not po.exists():
        raise RuntimeError(f"No catalogue for {language!r}: {po} is missing.")
    # not compiled yet (or the .po was edited since): compile in memory, as `make` would
    buf = io.BytesIO()
    with po.open("rb") as f:
        write_mo(buf, read_po(f, locale=language, domain=DOMAIN))
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def translate(msgid: str, language: str = "de", **params) -> str:
    """``msgid`` in ``language``, its named placeholders filled."""
    text = catalogue(language).gettext(msgid) if language in _TRANSLATED else msgid
    return text.format(**params) if params else text


def ptranslate(context: str, msgid: str, language: str = "de", **params) -> str:
    """``msgid`` in a context (one German word, two English ones: "Intern" as a role and as a view)."""
    text = catalogue(language).pgettext(context, msgid) if language in _TRANSLATED else msgid
    return text.format(**params) if params else text


def ntranslate(singular: str, plural: str, n: int, language: str = "de", **params) -> str:
    """Singular or plural by ``n`` (``{n}`` is filled too)."""
    text = (catalogue(language).ngettext(singular, plural, n) if language in _TRANSLATED
            else (singular if n == 1 else plural))
    return text.format(n=n, **params)


class Failure(Exception):
    """An error whose message is a catalogue template: ``str()`` gives German (command line, logs), ``text()``
    any language (``ui.i18n.message(exc)`` in the app)."""

    def __init__(self, msgid: str, **params):
        super().__init__(translate(msgid, "de", **params))
        self.msgid, self.params = msgid, params

    def text(self, language: str = "de") -> str:
        return translate(self.msgid, language, **self.params)


def N_(msgid: str) -> str:
    """Mark a message for the catalogue where it is defined; translate it where it is shown."""
    return msgid


def NP_(context: str, msgid: str) -> str:
    """Mark a message with its context (translated with ``ptranslate(context, msgid)``)."""
    return msgid
