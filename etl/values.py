"""Parsers for single cells: quarters, counts and decimals, regional keys, categories and IDs.

Each parser takes the raw cell (text, float, int, date, … as the reader found it) and returns a ``Parsed``:
the canonical value, or a problem code with its template parameters — never an exception, never a guess.
The validator calls them once per distinct value, so they may be thorough rather than fast.

Rules decided here (and shown in docs/datasets.md):

* Missing markers: an empty cell and ``-``, ``–``, ``—``, ``.``, ``/``, ``?``, ``x``, ``k.A.``, ``n.v.``,
  ``n.a.``, ``NA``, ``keine Angabe``, ``unbekannt`` (case, spaces and dots ignored) all mean "no value".
  They are allowed only in optional columns. ``-`` is *not* read as zero (as in Destatis tables), because a
  missing figure must never turn into a reported 0. ``x`` is Destatis's "Tabellenfach gesperrt".
* Numbers: German and English formats. With both ``.`` and ``,`` the last one is the decimal separator
  (``1.234,5`` and ``1,234.5`` are both 1234.5); spaces and apostrophes between digits are ignored. With one
  kind of separator occurring several times it groups thousands (``1.234.567``). With one single separator:
  in a **count** column it is a thousands separator when exactly three digits follow and one to three digits
  without a leading zero precede it (``1.234`` and ``1,234`` are 1234), otherwise a decimal separator
  (``2,5``, ``12.0``); in a **decimal** column it is always the decimal separator (``1,234`` is 1.234).
  Counts must be whole and ≥ 0 (``12.0`` is 12, and a number cell off by floating-point noise such as
  12.000000000000002 is 12); decimals ≥ 0. Numbers above 10¹² are refused as
  implausible.
* Quarters: see ``QUARTER_STYLES``; also a date inside the quarter (a date cell, ``15.05.2025``,
  ``2025-05-15``).
* Text: invisible characters (zero-width spaces, bidi and other format or control characters, ``U+200B``,
  ``U+202E`` …) are removed from every text cell with a warning, so that "DO-FH-01" with a zero-width space
  stays the facility "DO-FH-01". Facility IDs are also Unicode-normalised (NFC) and may have at most 64
  characters (``MAX_ID_LENGTH``).
* Excel error values: ``#DIV/0!``, ``#NV``, ``#N/A``, ``#WERT!``, ``#VALUE!``, ``#BEZUG!``, ``#REF!``,
  ``#NAME?`` … (and LibreOffice's ``Err:502``) are errors at their cell, never "no value".
* Regional keys: 5 digits for a Kreis; lost leading zeros are restored (5913 → 05913, 3404.0 → 03404);
  8-digit municipal keys and 12-digit regional keys (ARS) name a municipality, which is reduced to its Kreis.
  A Kreis name instead of the key is accepted when it names exactly one Kreis.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from typing import NamedTuple

from monitor.periods import Quarter
from monitor.regions import GERMANY, RegionIndex, normalise_name

from .problems import N_, Msg, Num

MAX_NUMBER = 10**12

# Markers as people write them (documented); matching ignores case, spaces and dots (see is_missing).
MISSING_MARKERS_SHOWN = ("-", "–", "—", ".", "/", "?", "x", "k.A.", "n.v.", "n.a.", "NA", "keine Angabe", "unbekannt")
_MISSING = frozenset({"", "-", "–", "—", "--", "/", "?", "x", "ka", "nv", "na", "n/a", "keineangabe",
                      "keineangaben", "unbekannt"})
_SPACES = re.compile(r"[\s'’\u00a0\u2009\u202f]+")


class Parsed(NamedTuple):
    """A parsed cell: ``value`` is canonical, or None when ``code`` names an error.

    A warning code comes with a value (e.g. a municipality reduced to its Kreis). ``params`` fill the
    problem's message template. (A NamedTuple: the validator creates one per distinct cell value.)
    """

    value: object = None
    code: str | None = None
    params: dict | None = None


def as_text(value: object) -> str:
    """The cell as a user sees it in a message: 12.0 → "12", dates as 15.05.2025."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def is_missing(value: object) -> bool:
    """True for an empty cell or a missing-value marker such as "k.A." or "-"."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return len(value) < 40 and "".join(value.split()).replace(".", "").lower() in _MISSING
    return False


# ------------------------------------------------------------------------------------- text and errors

MAX_ID_LENGTH = 64  # a pseudonymous facility ID such as "NI-FH-017"; anything longer is not an ID

# Error values as Excel (German and English) and LibreOffice show them → what they mean, for the message.
_NOT_AVAILABLE, _WRONG_TYPE, _BAD_REF = N_("Wert nicht verfügbar"), N_("falscher Werttyp"), N_("ungültiger Zellbezug")
_BAD_NUMBER, _SPILL, _CALC = N_("ungültige Zahl"), N_("Überlauf"), N_("Berechnungsfehler")
_BAD_FIELD, _BLOCKED, _CONNECT = N_("ungültiges Feld"), N_("blockierter Zugriff"), N_("Verbindungsfehler")
EXCEL_ERRORS = {  # error value → its meaning (German, marked for the catalogue)
    "#DIV/0!": N_("Division durch null"),
    "#NV": _NOT_AVAILABLE, "#N/A": _NOT_AVAILABLE, "#N/V": _NOT_AVAILABLE,
    "#WERT!": _WRONG_TYPE, "#VALUE!": _WRONG_TYPE,
    "#BEZUG!": _BAD_REF, "#REF!": _BAD_REF,
    "#NAME?": N_("unbekannter Name in der Formel"),
    "#ZAHL!": _BAD_NUMBER, "#NUM!": _BAD_NUMBER,
    "#NULL!": N_("leere Schnittmenge"),
    "#ÜBERLAUF!": _SPILL, "#SPILL!": _SPILL,
    "#KALK!": _CALC, "#CALC!": _CALC,
    "#FELD!": _BAD_FIELD, "#FIELD!": _BAD_FIELD,
    "#BLOCKIERT!": _BLOCKED, "#BLOCKED!": _BLOCKED,
    "#VERBINDEN!": _CONNECT, "#CONNECT!": _CONNECT,
    "#GETTING_DATA": N_("Daten wurden noch nicht geladen"),
}
_EXCEL_ERROR_KEYS = {k.upper(): v for k, v in EXCEL_ERRORS.items()}
_LIBREOFFICE_ERROR = re.compile(r"^(?:Err|Fehler):\d{3}$", re.IGNORECASE)
_KEEP_CONTROLS = frozenset("\t\n\r")  # line breaks and tabs in a cell are whitespace, not hidden characters


def excel_error(value: object) -> str | None:
    """The meaning of an Excel/LibreOffice error value ("#DIV/0!" → "Division durch null", a marked German text),
    else None."""
    if not isinstance(value, str) or not value or len(value) > 16:
        return None
    text = value.strip()
    if not text.startswith(("#", "E", "e", "F", "f")):
        return None
    hit = _EXCEL_ERROR_KEYS.get(text.upper())
    if hit is None and _LIBREOFFICE_ERROR.match(text):
        hit = N_("Fehler in der Formel (LibreOffice)")
    return hit


def strip_invisible(text: str) -> tuple[str, list[str]]:
    """``text`` without invisible format, control and bidi characters, and the code points removed.

    Zero-width spaces (U+200B), joiners, direction marks and overrides (U+200E, U+202E, U+2066 …), the
    byte-order mark and control characters are removed; tabs and line breaks are kept (they are whitespace).
    """
    if text.isprintable():
        return text, []
    kept, removed = [], []
    for ch in text:
        if ch not in _KEEP_CONTROLS and unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            removed.append(f"U+{ord(ch):04X}")
        else:
            kept.append(ch)
    return ("".join(kept), list(dict.fromkeys(removed))) if removed else (text, [])


# ---------------------------------------------------------------------------------------------- quarters

# How a quarter may be written: style name → format string (for the docs and the round-trip tests).
QUARTER_STYLES: dict[str, str] = {
    "canonical": "{year}-Q{q}",
    "q_slash": "Q{q}/{year}",
    "q_space": "Q{q} {year}",
    "compact": "{year}Q{q}",
    "number_slash": "{q}/{year}",
    "german": "{q}. Quartal {year}",
    "roman_slash": "{roman}/{year}",
    "roman_german": "{roman}. Quartal {year}",
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ROMAN_OUT = {v: k.upper() for k, v in _ROMAN.items()}
_QUARTAL = r"(?:quartal|qu|qtl|vj|vierteljahr)\.?"
_QUARTER_PATTERNS = [  # (regex, group of the quarter, group of the year)
    (re.compile(r"^(\d{4})\s*[-/ ]?\s*q\s*([1-4])$"), 2, 1),
    (re.compile(r"^q\s*([1-4])\s*[-/ .]?\s*(\d{4})$"), 1, 2),
    (re.compile(r"^([1-4])\s*/\s*(\d{4})$"), 1, 2),
    (re.compile(rf"^([1-4])\s*\.?\s*{_QUARTAL}\s*/?\s*(\d{{4}})$"), 1, 2),
    (re.compile(rf"^{_QUARTAL}\s*([1-4])\s*[-/ .]?\s*(\d{{4}})$"), 1, 2),
    (re.compile(rf"^(iv|i{{1,3}})\s*(?:/|\.?\s*{_QUARTAL}|\s)\s*(\d{{4}})$"), 1, 2),
]
_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def format_quarter(quarter: Quarter, style: str) -> str:
    """``quarter`` written in one of ``QUARTER_STYLES``."""
    return QUARTER_STYLES[style].format(year=quarter.year, q=quarter.q, roman=_ROMAN_OUT[quarter.q])


def parse_quarter(value: object) -> Parsed:
    """A quarter in any supported style, or a date inside it → canonical ``"2025-Q2"``; else ``bad-quarter``.

    Whether the quarter is too early or in the future is the validator's business (it knows today).
    """
    if isinstance(value, datetime | date):
        d = value.date() if isinstance(value, datetime) else value
        return Parsed(str(Quarter.of_date(d)))
    if not isinstance(value, str):
        return Parsed(code="bad-quarter")
    text = re.sub(r"\s+", " ", value.strip().lower())
    for pattern, qg, yg in _QUARTER_PATTERNS:
        m = pattern.match(text)
        if m:
            q = m.group(qg)
            year = int(m.group(yg))
            if year < 1:
                return Parsed(code="bad-quarter")
            return Parsed(str(Quarter(year, _ROMAN[q] if q in _ROMAN else int(q))))
    for pattern, order in ((_DATE_DE, (3, 2, 1)), (_DATE_ISO, (1, 2, 3))):
        m = pattern.match(text)
        if m:
            try:
                d = date(*(int(m.group(i)) for i in order))
            except ValueError:
                return Parsed(code="bad-quarter")
            return Parsed(str(Quarter.of_date(d)))
    return Parsed(code="bad-quarter")


# ----------------------------------------------------------------------------------------------- numbers

def format_int(n: int, style: str) -> str:
    """``n`` with thousands separators: ``de`` 1.234.567, ``en`` 1,234,567, ``plain`` 1234567."""
    text = f"{n:,}"
    return {"de": text.replace(",", "."), "en": text, "plain": text.replace(",", "")}[style]


def _groups_ok(int_part: str, sep: str) -> bool:
    groups = int_part.split(sep)
    return (1 <= len(groups[0]) <= 3 and groups[0].isdigit() and not (groups[0].startswith("0") and len(groups) > 1)
            and all(len(g) == 3 and g.isdigit() for g in groups[1:]))


def number_from_text(text: str, *, count: bool) -> float | int | None:
    """The number written in ``text`` (German or English format), or None if it is not one.

    ``count`` selects the rule for a single separator followed by three digits (thousands in count columns,
    decimal separator in decimal columns); see the module docstring.
    """
    s = _SPACES.sub("", text.strip())
    sign = 1
    if s[:1] in ("-", "−", "+"):
        sign = -1 if s[0] != "+" else 1
        s = s[1:]
    if not re.fullmatch(r"[0-9.,]{1,40}", s) or not any(ch.isdigit() for ch in s):
        return None
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        int_part, _, frac = s.rpartition(dec)
        if s.count(dec) != 1 or not frac.isdigit() or not _groups_ok(int_part, thou):
            return None
        return sign * float(int_part.replace(thou, "") + "." + frac)
    if has_dot or has_comma:
        sep = "." if has_dot else ","
        if s.count(sep) > 1:
            return sign * int(s.replace(sep, "")) if _groups_ok(s, sep) else None
        a, _, b = s.partition(sep)
        if not b.isdigit() or (a and not a.isdigit()):
            return None
        if count and len(b) == 3 and _groups_ok(s, sep):
            return sign * int(a + b)
        return sign * float((a or "0") + "." + b)
    return sign * int(s)


def _number(value: object, *, count: bool) -> Parsed:
    bad = "not-integer" if count else "not-number"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return Parsed(code=bad)
    num = number_from_text(value, count=count) if isinstance(value, str) else value
    if num is None or (isinstance(num, float) and not math.isfinite(num)):
        return Parsed(code=bad)
    if num < 0:
        expected = N_("Erwartet: eine ganze Zahl ≥ 0, z. B. 12.") if count else \
            N_("Erwartet: eine Zahl ≥ 0, z. B. 2,5.")
        return Parsed(code="negative", params={"expected": Msg(expected)})
    if num > MAX_NUMBER:
        return Parsed(code="implausible-number")
    if count:
        whole = round(num)
        # a formula's cached result such as 0.1 * 120 = 12.000000000000002 is still 12
        if num != whole and not (isinstance(value, float) and abs(num - whole) <= 1e-9 * max(1.0, num)):
            return Parsed(code=bad)
        return Parsed(int(whole))
    return Parsed(float(num))


def parse_count(value: object) -> Parsed:
    """A non-negative whole number (``not-integer``, ``negative``, ``implausible-number`` otherwise)."""
    return _number(value, count=True)


def parse_decimal(value: object) -> Parsed:
    """A non-negative number (``not-number``, ``negative``, ``implausible-number`` otherwise)."""
    return _number(value, count=False)


# ----------------------------------------------------------------------------------- categories and IDs

def parse_choice(value: object, choices: tuple[str, ...]) -> Parsed:
    """One of ``choices`` matched despite case, spacing and umlaut spelling → its canonical spelling."""
    canon = {normalise_name(c): c for c in choices}
    hit = canon.get(normalise_name(value)) if isinstance(value, str) else None
    if hit is None:
        return Parsed(code="invalid-choice", params={"choices": ", ".join(f"„{c}“" for c in choices)})
    return Parsed(hit)


def parse_id(value: object) -> Parsed:
    """A facility ID as text; a number cell 17.0 becomes "17". Unicode NFC, inner whitespace collapsed;
    longer than ``MAX_ID_LENGTH`` is ``id-too-long`` (invisible characters are the validator's business)."""
    if isinstance(value, bool) or isinstance(value, datetime | date):
        return Parsed(as_text(value))
    if isinstance(value, float | int):
        return Parsed(as_text(value))
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    if len(text) > MAX_ID_LENGTH:
        return Parsed(code="id-too-long", params={"length": Num(len(text)),
                                                  "limit": MAX_ID_LENGTH})
    return Parsed(text)


# -------------------------------------------------------------------------------------------- total rows

_TOTAL = re.compile(r"\b(summe|summen|gesamt|gesamtsumme|insgesamt|zusammen|total|landessumme|gesamtergebnis)\b",
                    re.IGNORECASE)


_TOTAL_HINTS = ("summe", "gesamt", "zusammen", "total", "ergebnis")


def is_total_label(value: object) -> bool:
    """True for a cell that marks a total row: "Summe", "Gesamt", "Insgesamt", "Summe Land", "NRW gesamt"."""
    if not isinstance(value, str):
        return False
    low = value.lower()
    # substring tests first: the word-boundary regex is slow on thousands of facility IDs
    return any(h in low for h in _TOTAL_HINTS) and bool(_TOTAL.search(value))


# ----------------------------------------------------------------------------------------------- regions

_CITY_TYPES = frozenset({"kreisfreie Stadt", "Stadtkreis", "Stadtstaat"})
_CITY_MARKERS = ("kreisfreiestadt", "krfrstadt", "stadtkreis", "stadt")
_DISTRICT_MARKERS = ("landkreis", "lkr", "lk", "kreis")
_KEY_WITH_NAME = re.compile(r"^(\d{4,12})\s*[-–,:]?\s+\D.*$")


def is_kreisfrei(region_type: str) -> bool:
    """Kreisfreie Städte, Stadtkreise and the city states: a Kreis that is a single municipality."""
    return region_type in _CITY_TYPES


def _key_digits(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value) or value < 0:
            return None
        value = int(value)
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    s = re.sub(r"\s+", "", value)
    m = re.fullmatch(r"(\d+)(?:\.0+)?", s)
    if m:
        return m.group(1)
    m = _KEY_WITH_NAME.match(value.strip())
    return m.group(1) if m else None


def _label(r) -> str:
    return f"{r.ags} ({r.name})"


def _by_name(text: str, regions: RegionIndex) -> list:
    hits = regions.find_by_name(text)
    if len(hits) == 1:
        return hits
    norm = normalise_name(text)
    for markers, city in ((_CITY_MARKERS, True), (_DISTRICT_MARKERS, False)):
        for marker in markers:
            if norm.startswith(marker) or norm.endswith(marker):
                rest = norm[len(marker):] if norm.startswith(marker) else norm[: -len(marker)]
                typed = [r for r in regions.find_by_name(rest) if is_kreisfrei(r.region_type) == city]
                if len(typed) == 1:
                    return typed
    return hits


def parse_region(value: object, regions: RegionIndex, *, per_kreis: bool) -> Parsed:
    """A Kreis key (or unambiguous name) → 5-digit AGS.

    ``per_kreis`` (police data) makes a municipality in a Landkreis an error; for facility data it is reduced
    to its Kreis with the warning ``municipality-reduced``. A key of a kreisfreie Stadt as municipality
    (05913000) and a Kreis key padded with 000 are reduced silently.
    """
    digits = _key_digits(value)
    if digits is None:
        if not isinstance(value, str) or not normalise_name(value):
            return Parsed(code="bad-region")
        hits = _by_name(value, regions)
        if len(hits) == 1:
            return Parsed(hits[0].ags)
        if len(hits) > 1:
            names = ", ".join(_label(r) for r in sorted(hits, key=lambda r: r.ags))
            return Parsed(code="ambiguous-region", params={"candidates": names})
        land = [r for r in regions.laender() if normalise_name(r.name) == normalise_name(value)]
        if land:
            return Parsed(code="not-a-kreis", params={"name": land[0].name})
        return Parsed(code="unknown-region")
    n = len(digits)
    if n <= 2:
        key = digits.zfill(2)
        region = regions.get(key)
        if region is None:
            return Parsed(code="unknown-region")
        return Parsed(code="not-a-kreis", params={"name": Msg(N_("Deutschland")) if key == GERMANY else region.name})
    if n in (4, 5):
        key = digits.zfill(5)
        region = regions.get(key)
        if region is None or region.level != "kreis":
            return Parsed(code="unknown-region")
        return Parsed(key)
    if n in (7, 8, 11, 12):
        full = digits.zfill(8 if n <= 8 else 12)
        municipal = full if len(full) == 8 else full[:5] + full[9:]
        kreis = regions.get(municipal[:5])
        if kreis is None or kreis.level != "kreis":
            return Parsed(code="unknown-region")
        if municipal.endswith("000") or is_kreisfrei(kreis.region_type):
            return Parsed(kreis.ags)
        params = {"kreis": kreis.name, "ags": kreis.ags}
        if per_kreis:
            return Parsed(code="municipality-not-kreis", params=params)
        return Parsed(kreis.ags, code="municipality-reduced", params=params)
    return Parsed(code="bad-region")
