"""Problems found while reading, checking and loading a file: stable codes, a severity and message templates.

Modelled on frictionless-py: every kind of problem is a ``ProblemType`` with a kebab-case code that the JSON
report and the tests rely on, and a template written in German and marked for the catalogue (``N_``), so that it
reads in every language of the app. A ``Problem`` keeps its code, its location (sheet, row, column, cell) and the
parameters of its template; ``problem.text(language)`` says it, with the location in front:
``Blatt „Daten“, Zeile 14, Spalte „Plätze Frauen“: „zwölf“ ist keine ganze Zahl. Erwartet: …``. German is the
default: the command line, the JSON report and log files speak German (``problem.message``).

A parameter is a cell or a name as written (``str``), a whole number shown as it is (``int``: rows, limits), a
number to format (``Num``: thousands separators and decimals of the language), a date (``datetime.date``), or a
piece of a sentence (``Msg``: a marked template of its own with its own parameters). ``say(value, language)``
renders any of them; ``Msg`` is a ``str`` holding the German text, so results of the core read German wherever
nothing asks for another language.

Every problem is made with ``problem(code, …)``; a test fails when a ``Problem`` is made with an inline message
or a code that is not registered here, and ``docs/datasets.md`` lists every code with its template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from monitor import fmt
from monitor.i18n import N_, Failure, translate

ERROR, WARNING = "error", "warning"


class Msg(str):
    """A piece of text in German (a template marked ``N_`` where it is written) that can say itself in any language.

    ``str(msg)`` is the German text, so a ``Msg`` goes wherever a German string went (the command line, JSON,
    ``in`` tests); ``msg.text("en")`` translates the template and renders its parameters with ``say``.
    """

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params):
        obj = super().__new__(cls, _fill(msgid, "de", params))
        obj.msgid, obj.params = msgid, params
        return obj

    def text(self, language: str = "de") -> str:
        return _fill(self.msgid, language, self.params)

    def __reduce__(self):  # pickled (st.cache_data, session state) as its template and parameters
        return (_restore_msg, (self.msgid, self.params))


def _restore_msg(msgid: str, params: dict) -> Msg:
    return Msg(msgid, **params)


@dataclass(frozen=True)
class Num:
    """A number to show in the language's format: ``Num(1820)`` → "1.820" / "1,820"; ``decimals`` at most, and
    with ``trim`` no more than the value needs (``Num(110.0, 1, trim=True)`` → "110", ``Num(200.06, 1, …)`` →
    "200,1")."""

    value: float | int
    decimals: int = 0
    trim: bool = False

    def text(self, language: str = "de") -> str:
        decimals = self.decimals
        if self.trim:
            exact = round(float(self.value), self.decimals)
            decimals = next(d for d in range(self.decimals + 1) if round(exact, d) == exact)
        return fmt.number(self.value, decimals, language)

    def __str__(self) -> str:
        return self.text("de")


@dataclass(frozen=True)
class Both:
    """A text that data carry in both languages themselves (a dataset's label): chosen, not translated."""

    de: str
    en: str

    def text(self, language: str = "de") -> str:
        return self.en if language == "en" and self.en else self.de

    def __str__(self) -> str:
        return self.de


@dataclass(frozen=True)
class Joined:
    """Parameters shown one after the other with ``sep`` between them (a list alone is joined with ", ")."""

    items: tuple
    sep: str = ", "

    def text(self, language: str = "de") -> str:
        return self.sep.join(say(i, language) for i in self.items)

    def __str__(self) -> str:
        return self.text("de")


def say(value: Any, language: str = "de") -> str:
    """A parameter as shown in ``language``: fragments translated, numbers and dates formatted, lists joined."""
    if isinstance(value, Msg | Num | Both | Joined):
        return value.text(language)
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return fmt.datetime_(value, language)
    if isinstance(value, date):
        return fmt.date_(value, language)
    if isinstance(value, list | tuple):
        return ", ".join(say(v, language) for v in value)
    if value is None:
        return ""
    return str(value)


def _fill(msgid: str, language: str, params: dict) -> str:
    return translate(msgid, language, **{k: say(v, language) for k, v in params.items()})


@dataclass(frozen=True)
class ProblemType:
    code: str
    severity: str
    title: str  # German, marked for the catalogue
    template: str  # German, marked; str.format placeholders, {value} is the offending cell as text


@dataclass
class Problem:
    """One problem: its code and severity, where it is, and the parameters its template is filled with."""

    code: str
    severity: str
    params: dict = field(default_factory=dict)
    row: int | None = None  # row number as Excel shows it (1-based, counting title rows)
    column: str | None = None  # header as written in the file
    value: str | None = None
    sheet: str | None = None
    column_in_file: bool = True  # False: ``column`` is the canonical header of a missing column, not a location

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def title(self) -> str:
        return PROBLEM_TYPES[self.code].title

    def body(self, language: str = "de") -> str:
        """The message without its location (a table shows sheet, row and column in columns of their own)."""
        return _fill(PROBLEM_TYPES[self.code].template, language, {**self.params, "value": self.value or ""})

    def where(self, language: str = "de") -> str:
        """The location: "Blatt „Daten“, Zeile 14, Spalte „Plätze Frauen“" (empty for a problem of the file)."""
        return location(self.row, self.column if self.column_in_file else None, self.sheet, language)

    def text(self, language: str = "de") -> str:
        """The whole message in ``language``: the location, then the body."""
        where, body = self.where(language), self.body(language)
        return f"{where}: {body}" if where else body

    @property
    def message(self) -> str:
        """The message in German (command line, JSON report)."""
        return self.text("de")

    def as_json(self) -> dict:
        """The problem for the JSON report: code, row, column, value, message (and sheet when known)."""
        out = {"code": self.code, "row": self.row, "column": self.column, "value": self.value,
               "message": self.message}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out


_FILE_TYPES = (
    # files that cannot be read at all (etl/reader.py, etl/safety.py): the whole file is refused
    ProblemType("unreadable-file", ERROR, N_("Keine Tabellendatei"),
                N_("„{file}“ ist keine Tabellendatei. Erwartet: eine Tabelle als .xlsx, .xls, .ods oder .csv.")),
    ProblemType("empty-file", ERROR, N_("Leere Datei"),
                N_("„{file}“ ist leer. Erwartet: eine Tabelle als .xlsx, .xls, .ods oder .csv.")),
    ProblemType("damaged-file", ERROR, N_("Datei beschädigt"),
                N_("„{file}“ ist beschädigt oder keine gültige Tabellendatei. Bitte die Datei in Excel oder "
                   "LibreOffice öffnen und als .xlsx neu speichern.")),
    ProblemType("encrypted-file", ERROR, N_("Datei verschlüsselt"),
                N_("„{file}“ ist mit einem Passwort geschützt (verschlüsselt) und kann nicht gelesen werden. Bitte den "
                "Passwortschutz entfernen und die Datei neu speichern.")),
    ProblemType("html-file", ERROR, N_("HTML- oder XML-Datei"),
                N_("„{file}“ ist eine HTML- oder XML-Datei, keine Tabelle. Bitte in Excel öffnen und als .xlsx "
                "speichern.")),
    ProblemType("not-a-spreadsheet", ERROR, N_("Keine Tabellendatei (anderer Dateityp)"),
                N_("„{file}“ ist {what} und keine Tabellendatei. Erwartet: eine Tabelle als .xlsx, .xls, .ods oder "
                   ".csv.")),
    ProblemType("no-header", ERROR, N_("Keine Kopfzeile"),
                N_("In „{file}“ wurde keine Kopfzeile gefunden. Erwartet: eine Zeile mit Spaltenüberschriften wie "
                "„Quartal“, „AGS“, „Einrichtung“, „Plätze Frauen“ (siehe Vorlage) in den ersten {scan_rows} Zeilen.")),
    ProblemType("only-hidden-sheets", ERROR, N_("Daten nur auf ausgeblendeten Blättern"),
                N_("In „{file}“ stehen Tabellen nur auf ausgeblendeten Blättern ({sheets}); ausgeblendete Blätter "
                "werden nicht gelesen. Bitte die Blätter in Excel einblenden (Rechtsklick auf einen Blattnamen → "
                "Einblenden) und die Datei neu speichern.")),
    ProblemType("csv-field-too-large", ERROR, N_("CSV-Zelle zu groß"),
                N_("„{file}“, Zeile {line}: Eine Zelle ist größer als {limit} KB; so große Zellen hat keine "
                "Quartalstabelle. Bitte die Zeile in der Datei prüfen.")),
    ProblemType("csv-unbalanced-quote", ERROR, N_("Anführungszeichen nicht geschlossen"),
                N_("„{file}“, Zeile {line}: Ein Anführungszeichen („\"“) wird nicht geschlossen; ab dort würde der "
                "Rest der Datei als eine einzige Zelle gelesen. Erwartet: Anführungszeichen paarweise um einen "
                "Zellinhalt – bitte das Zeichen entfernen oder schließen.")),
    ProblemType("csv-broken-row", ERROR, N_("CSV-Zeile nicht lesbar"),
                N_("„{file}“, Zeile {line}: Die Zeile ist keine gültige CSV-Zeile (Anführungszeichen oder Trennzeichen "
                "passen nicht). Bitte die Datei in Excel oder LibreOffice öffnen und als .xlsx neu speichern.")),
    ProblemType("read-failed", ERROR, N_("Datei nicht lesbar"),
                N_("„{file}“ konnte nicht gelesen werden; der Aufbau der Datei passt zu keinem bekannten Format. "
                   "Bitte die Datei in Excel oder LibreOffice öffnen und als .xlsx neu speichern.")),
    ProblemType("file-too-large", ERROR, N_("Datei zu groß"),
                N_("„{file}“ ist {size} MB groß; erlaubt sind höchstens {limit} MB. Bitte die Datei aufteilen (z. B. "
                "je Quartal oder Datensatz) oder Bilder und überflüssige Blätter entfernen.")),
    ProblemType("zip-bomb", ERROR, N_("Entpackt zu groß"),
                N_("„{file}“ würde entpackt mehr als {limit} MB ergeben ({size} MB oder mehr) und wird nicht geöffnet "
                "– so groß ist keine Quartalstabelle. Bitte die Datei prüfen und als .xlsx neu speichern.")),
    ProblemType("damaged-archive", ERROR, N_("Archiv beschädigt"),
                N_("„{file}“ ist beschädigt ({detail}). Bitte die Datei in Excel oder LibreOffice öffnen und als "
                   ".xlsx neu speichern.")),
    ProblemType("too-many-parts", ERROR, N_("Zu viele Teile"),
                N_("„{file}“ besteht aus {parts} Teilen und wird nicht geöffnet (höchstens {limit}). Erwartet: eine "
                   "Tabelle als .xlsx, .xls, .ods oder .csv.")),
    ProblemType("encrypted-archive", ERROR, N_("Verschlüsselte Teile"),
                N_("„{file}“ enthält verschlüsselte Teile und kann nicht gelesen werden. Bitte den Passwortschutz "
                "entfernen.")),
    ProblemType("macro-file", ERROR, N_("Datei mit Makros"),
                N_("„{file}“: {what} wird nicht angenommen. Makros werden im IK-Monitor nie ausgeführt. Bitte die "
                "Tabelle in Excel als „Excel-Arbeitsmappe (.xlsx)“ ohne Makros speichern und diese Datei "
                "hochladen.")),
    ProblemType("binary-workbook", ERROR, N_("Binäre Arbeitsmappe (.xlsb)"),
                N_("„{file}“ ist eine binäre Excel-Arbeitsmappe (.xlsb), die Makros enthalten kann, und wird nicht "
                "angenommen. Bitte in Excel als „Excel-Arbeitsmappe (.xlsx)“ speichern.")),
    ProblemType("xml-dtd", ERROR, N_("XML mit DTD"),
                N_("„{file}“ enthält im Teil „{part}“ eine DTD mit Entitäten, wie sie in Tabellendateien nicht "
                "vorkommt, und wird nicht geöffnet. Bitte die Datei in Excel oder LibreOffice öffnen und als .xlsx "
                "neu speichern.")),
)

_TABLE_TYPES = (
    # sheets
    ProblemType("hidden-sheet-skipped", WARNING, N_("Ausgeblendetes Blatt nicht gelesen"),
                N_("Das Blatt ist {how} und enthält {what}; ausgeblendete Blätter werden nicht gelesen. Erwartet: "
                "Daten auf sichtbaren Blättern – zum Laden das Blatt in Excel einblenden.")),
    # file and table structure
    ProblemType("unknown-dataset", ERROR, N_("Datensatz nicht erkannt"),
                N_("Datensatz nicht erkannt: Die Kopfzeile passt zu keinem der Datensätze "
                "(Schutzunterkünfte, Beratung, Polizeieinsätze). Am ähnlichsten ist „{dataset}“; dafür fehlen "
                "die Pflichtspalten {missing}. Erwartet: die Spaltenüberschriften aus der Vorlage.")),
    ProblemType("missing-column", ERROR, N_("Pflichtspalte fehlt"),
                N_("Die Pflichtspalte „{header}“ fehlt. Erwartet: eine Spalte mit der Überschrift "
                   "„{header}“{aliases}.")),
    ProblemType("duplicate-column", ERROR, N_("Spalte doppelt"),
                N_("„{header}“ steht schon in Spalte {first}; Spalte {second} ist doppelt und wird nicht geladen. "
                "Erwartet: jede Angabe in nur einer Spalte.")),
    ProblemType("extra-column", WARNING, N_("Unbekannte Spalte"),
                N_("Unbekannte Spalte – sie wird nicht geladen. Erwartet: nur Spalten aus der Vorlage "
                "(Liste in docs/datasets.md).")),
    ProblemType("unnamed-column", WARNING, N_("Spalte ohne Überschrift"),
                N_("Spalte {letter} hat keine Überschrift, enthält aber Werte; sie wird nicht geladen. "
                "Erwartet: jede Spalte mit einer Überschrift aus der Vorlage.")),
    ProblemType("no-data", ERROR, N_("Keine Datenzeilen"),
                N_("Die Tabelle enthält unter der Kopfzeile keine Datenzeilen. Erwartet: eine Zeile je {unit}.")),
    # rows that are skipped
    ProblemType("total-row-skipped", WARNING, N_("Summenzeile übersprungen"),
                N_("„{value}“ ist eine Summenzeile; sie wird übersprungen und nicht mitgezählt "
                "(Summen berechnet der IK-Monitor selbst).")),
    ProblemType("footnote-skipped", WARNING, N_("Fußnote übersprungen"),
                N_("„{value}“ ist keine Datenzeile (Fußnote oder Zwischenüberschrift) und wird übersprungen.")),
    # cell values
    ProblemType("missing-value", ERROR, N_("Pflichtangabe fehlt"),
                N_("Pflichtangabe fehlt{found}. Erwartet: {expected}")),
    ProblemType("not-integer", ERROR, N_("Keine ganze Zahl"),
                N_("„{value}“ ist keine ganze Zahl. Erwartet: eine ganze Zahl ≥ 0, z. B. 12.")),
    ProblemType("not-number", ERROR, N_("Keine Zahl"),
                N_("„{value}“ ist keine Zahl. Erwartet: eine Zahl ≥ 0, z. B. 2,5.")),
    ProblemType("negative", ERROR, N_("Negative Zahl"),
                N_("„{value}“ ist negativ. {expected}")),
    ProblemType("implausible-number", ERROR, N_("Unplausibel große Zahl"),
                N_("„{value}“ ist unplausibel groß. Erwartet: eine Zahl unter 1 Billion.")),
    ProblemType("excel-error", ERROR, N_("Excel-Fehlerwert"),
                N_("„{value}“ ist ein Fehlerwert der Tabellenkalkulation ({meaning}), keine Angabe. Erwartet: "
                "{expected} Bitte die Formel oder den Wert in der Datei korrigieren.")),
    ProblemType("invisible-characters", WARNING, N_("Unsichtbare Zeichen entfernt"),
                N_("Die Zelle enthält unsichtbare Zeichen ({chars}, z. B. Leerzeichen ohne Breite oder "
                "Steuerzeichen für die Schreibrichtung); sie wurden entfernt, gelesen wird „{clean}“.")),
    ProblemType("id-too-long", ERROR, N_("Kennung zu lang"),
                N_("Die Kennung ist {length} Zeichen lang; erlaubt sind höchstens {limit}. Erwartet: eine kurze "
                "pseudonyme Kennung der Einrichtung, z. B. NI-FH-017.")),
    ProblemType("formula-without-value", ERROR, N_("Formel ohne gespeicherten Wert"),
                N_("Formel ohne gespeicherten Wert – bitte die Datei in Excel öffnen, neu berechnen und speichern. "
                "Erwartet: eine Zahl oder ein Text in der Zelle.")),
    ProblemType("bad-quarter", ERROR, N_("Kein Quartal"),
                N_("„{value}“ ist kein Quartal. Erwartet: z. B. 2025-Q2, Q2/2025, 2. Quartal 2025 "
                "oder ein Datum im Quartal (15.05.2025).")),
    ProblemType("quarter-too-early", ERROR, N_("Quartal vor 2000"),
                N_("„{value}“ ist das Quartal {quarter} und liegt vor 2000. Erwartet: ein Quartal ab 2000-Q1.")),
    ProblemType("future-quarter", ERROR, N_("Quartal in der Zukunft"),
                N_("Das Quartal {quarter} („{value}“) hat noch nicht begonnen (Beginn {start}). "
                "Erwartet: ein abgeschlossenes Quartal.")),
    ProblemType("quarter-not-ended", WARNING, N_("Quartal noch nicht abgeschlossen"),
                N_("Das Quartal {quarter} endet erst am {end}; die Zahlen ({rows} Zeilen) sind vorläufig. "
                "Erwartet: ein abgeschlossenes Quartal.")),
    ProblemType("bad-region", ERROR, N_("Kein Kreisschlüssel"),
                N_("„{value}“ ist kein Kreisschlüssel. Erwartet: der fünfstellige AGS des Kreises oder der "
                "kreisfreien Stadt, z. B. 05913 für Dortmund, oder ein eindeutiger Kreisname.")),
    ProblemType("unknown-region", ERROR, N_("Unbekannter Kreis"),
                N_("„{value}“ ist kein bekannter Kreis. Erwartet: der fünfstellige AGS des Kreises oder der "
                "kreisfreien Stadt, z. B. 05913 für Dortmund (Liste im Blatt „Regionen“ der Vorlage).")),
    ProblemType("ambiguous-region", ERROR, N_("Kreisname mehrdeutig"),
                N_("„{value}“ ist mehrdeutig: {candidates}. Erwartet: der AGS statt des Namens.")),
    ProblemType("not-a-kreis", ERROR, N_("Land statt Kreis"),
                N_("„{value}“ ist der Schlüssel von {name}, nicht eines Kreises. Erwartet: der fünfstellige AGS "
                "des Kreises oder der kreisfreien Stadt.")),
    ProblemType("municipality-reduced", WARNING, N_("Gemeinde dem Kreis zugeordnet"),
                N_("„{value}“ ist der Schlüssel einer Gemeinde; die Zeile wird dem Kreis {kreis} ({ags}) zugeordnet.")),
    ProblemType("municipality-not-kreis", ERROR, N_("Gemeinde statt Kreis"),
                N_("„{value}“ ist der Schlüssel einer Gemeinde im Kreis {kreis}; Polizeizahlen werden je Kreis "
                "gemeldet. Erwartet: die Zahl für den ganzen Kreis mit dem AGS {ags}.")),
    ProblemType("region-not-valid", ERROR, N_("Kreis im Quartal nicht gültig"),
                N_("Den Kreis {ags} ({name}) gab es im Quartal {quarter} nicht (gültig {validity}). "
                "Erwartet: ein Kreis nach dem Gebietsstand des Quartals.")),
    ProblemType("region-not-yet-valid", ERROR, N_("Kreis im Quartal noch nicht gebildet"),
                N_("Den Kreis {ags} ({name}) gibt es erst seit dem {start}; im Quartal {quarter} lag sein Gebiet im "
                "Kreis {origin_ags} ({origin}). Erwartet: für Quartale vor dem {start} die Zahlen unter "
                "{origin_ags} ({origin}).")),
    ProblemType("region-dissolved", ERROR, N_("Kreis im Quartal nicht mehr vorhanden"),
                N_("Den Kreis {ags} ({name}) gibt es seit dem {end} nicht mehr; sein Gebiet gehört seitdem zum Kreis "
                "{successor_ags} ({successor}). Erwartet: für das Quartal {quarter} der Nachfolger "
                "{successor_ags} ({successor}).")),
    ProblemType("invalid-choice", ERROR, N_("Unzulässiger Wert"),
                N_("„{value}“ ist kein zulässiger Wert. Erwartet: einer der Werte {choices}.")),
    # rules across cells and rows
    ProblemType("duplicate-key", ERROR, N_("Zeile doppelt"),
                N_("{key} kommt doppelt vor, auch in {other}. Erwartet: eine Zeile je {unit}.")),
    ProblemType("over-occupancy", WARNING, N_("Überbelegung"),
                N_("{days} Belegungstage bei {places} Plätzen und {quarter_days} Tagen im Quartal sind eine "
                "Belegung von {pct} % (Überbelegung). Bitte prüfen.")),
    ProblemType("impossible-occupancy", ERROR, N_("Belegung unmöglich"),
                N_("{days} Belegungstage bei {places} Plätzen und {quarter_days} Tagen im Quartal sind nicht möglich"
                "{pct_text}. Erwartet: höchstens {limit} Belegungstage (Plätze × Tage, Überbelegung bis 200 %).")),
    ProblemType("too-many-days", ERROR, N_("Mehr Tage als das Quartal hat"),
                N_("„{value}“ Tage sind mehr, als das Quartal {quarter} hat. Erwartet: höchstens {quarter_days}.")),
    ProblemType("part-exceeds-total", ERROR, N_("Davon-Wert größer als Gesamtwert"),
                N_("„{value}“ ist größer als „{total_header}“ ({total}). Erwartet: höchstens {total}.")),
    ProblemType("exceeds-sum", ERROR, N_("Größer als die Summe"),
                N_("„{value}“ ist größer als {parts} zusammen ({total}). Erwartet: höchstens {total}.")),
)

_POPULATION_TYPES = (
    # population vintages (etl/population.py): the file as a whole
    ProblemType("population-no-table", ERROR, N_("Keine Bevölkerungstabelle"),
                N_("In „{file}“ wurde keine Bevölkerungstabelle erkannt. {recognised} Erwartet: {formats}.")),
    ProblemType("population-no-regions", ERROR, N_("Keine Regionen mit Einwohnerzahlen"),
                N_("Erkannt: {recognised}. Es fehlen: Kreise (fünfstellige Schlüssel) oder Länder (zweistellige "
                "Schlüssel) mit Einwohnerzahlen.")),
    ProblemType("population-no-date", ERROR, N_("Stichtag fehlt"),
                N_("Erkannt: {recognised}. Es fehlt: der Stichtag – erwartet z. B. {hint}.")),
    ProblemType("population-no-basis", ERROR, N_("Basis fehlt"),
                N_("Erkannt: {recognised}. Es fehlt: die Basis der Bevölkerungszahlen (Zensus 2011 oder Zensus 2022); "
                "sie steht nicht in der Datei. Bitte angeben: auf der Kommandozeile mit --basis \"Zensus 2011\", "
                "auf der Seite Referenzdaten im Feld „Basis“.")),
    ProblemType("population-bad-basis", ERROR, N_("Basis unbekannt"),
                N_("„{value}“ ist keine Basis für Bevölkerungszahlen. Erwartet: „Zensus 2011“ oder „Zensus 2022“.")),
    ProblemType("population-basis-conflict", ERROR, N_("Basis widersprüchlich"),
                N_("Die Datei nennt die Basis {stated}, angegeben wurde {given}. Erwartet: die Basis der Datei (oder "
                "keine Angabe).")),
    ProblemType("population-mixed-vintage", ERROR, N_("Mehrere Stichtage"),
                N_("Die Datei enthält mehrere Stichtage oder Basen ({values}). Erwartet: ein Stichtag und eine Basis "
                "je Datei – bitte die Tabelle mit nur einem Stichtag herunterladen.")),
    # population vintages: rows and values
    ProblemType("population-bad-value", ERROR, N_("Keine Einwohnerzahl"),
                N_("„{value}“ ist keine Einwohnerzahl. Erwartet: eine ganze Zahl ≥ 0 (oder „-“, wenn es die Region "
                "zum Stichtag nicht gab).")),
    ProblemType("population-bad-key", ERROR, N_("Kein Regionalschlüssel"),
                N_("„{value}“ ist kein Regionalschlüssel. Erwartet: 5 Ziffern für einen Kreis (z. B. 05913), 2 für ein "
                "Land (z. B. 05) oder 00 für Deutschland.")),
    ProblemType("population-duplicate", ERROR, N_("Region doppelt"),
                N_("Diese Schlüssel kommen mehrfach vor: {keys}. Erwartet: jeder Kreis und jedes Land einmal.")),
    ProblemType("population-unknown-region", ERROR, N_("Region unbekannt"),
                N_("{count} Schlüssel sind im IK-Monitor nicht bekannt: {keys}. Erwartet: die Kreise und Länder der "
                "Regionenliste. Bei einer Gebietsreform bitte zuerst die Regionenliste aktualisieren "
                "(python -m etl regions).")),
    ProblemType("population-implausible", ERROR, N_("Einwohnerzahl unplausibel"),
                N_("{region}: {total} Einwohner:innen sind unplausibel. Erwartet: zwischen {low} und {high} – ist die "
                "richtige Spalte erkannt?")),
    ProblemType("population-parts-exceed", ERROR, N_("Teil größer als insgesamt"),
                N_("{region}: {part} {who} sind mehr als die {total} Einwohner:innen insgesamt.")),
    ProblemType("population-already-loaded", ERROR, N_("Bevölkerungsstand schon vorhanden"),
                N_("Der Bevölkerungsstand {date} (Basis {basis}) ist bereits {where}")),
    ProblemType("population-missing-regions", WARNING, N_("Kreise fehlen"),
                N_("{count} Kreise fehlen in der Datei: {names}. Für sie gilt weiter der bisherige "
                   "Bevölkerungsstand.")),
    ProblemType("population-laender-only", WARNING, N_("Nur Länder"),
                N_("Die Datei enthält nur Länder ({count}), keine Kreise. Geladen werden die Länder; für die Kreise "
                "gilt weiter der bisherige Bevölkerungsstand.")),
    ProblemType("population-no-sex", WARNING, N_("Ohne Aufteilung nach Geschlecht"),
                N_("Erkannt: {recognised} ohne Aufteilung nach Geschlecht. Geladen werden die Einwohner:innen "
                "insgesamt; Quoten je Frauen (z. B. Beratungsstellen je 50.000 Frauen) brauchen eine weitere Datei "
                "mit Frauen, z. B. Regionalstatistik 12411-01-01-4 „Bevölkerung nach Geschlecht“.")),
    ProblemType("population-deviation", WARNING, N_("Starke Abweichung"),
                N_("{count} Kreise weichen um mehr als {share} % vom bisherigen Stand ab: {kreise}. Bitte prüfen, ob "
                "Stichtag und Spalten stimmen.")),
    ProblemType("population-sum-mismatch", WARNING, N_("Landessumme weicht ab"),
                N_("Landessumme weicht von der Summe der Kreise ab: {details}.")),
)

_REGION_TYPES = (
    # region lists and territorial changes (etl/regions.py)
    ProblemType("region-file-unknown", ERROR, N_("Keine Regionendatei"),
                N_("In „{file}“ wurde weder eine Tabelle der Gebietsänderungen noch eine Regionenliste erkannt. "
                "Erwartet: eine Tabelle mit den Spalten Datum (change_date oder wirksam_ab), alter Schlüssel "
                "(from_ags oder ags_alt) und neuer Schlüssel (to_ags oder ags_neu); eine Regionenliste im Format "
                "von data/reference/regions.csv; oder die Destatis-Liste „Kreisfreie Städte und Landkreise“.")),
    ProblemType("region-bad-date", ERROR, N_("Kein Datum"),
                N_("„{value}“ ist kein Datum. Erwartet: z. B. 2026-01-01 oder 01.01.2026.")),
    ProblemType("region-bad-key", ERROR, N_("Kein Kreis- oder Gemeindeschlüssel"),
                N_("„{value}“ ist kein Schlüssel. Erwartet: 5 Ziffern für einen Kreis (z. B. 06435), 8 für eine "
                "Gemeinde (z. B. 06435014), 2 für ein Land.")),
    ProblemType("region-bad-share", ERROR, N_("Anteil ungültig"),
                N_("„{value}“ ist kein Anteil. Erwartet: der Anteil der Bevölkerung, der den Kreis wechselt, als Zahl "
                "über 0 bis 1 (z. B. 0,24), oder leer, wenn er nicht bekannt ist.")),
    ProblemType("region-name-missing", ERROR, N_("Name fehlt"),
                N_("Den Kreis {ags} kennt der IK-Monitor noch nicht, die Zeile nennt aber keinen Namen. Erwartet: der "
                "amtliche Name in der Spalte {column_name}, z. B. „Hanau, kreisfreie Stadt“.")),
    ProblemType("region-change-conflict", ERROR, N_("Änderung passt nicht zur Regionenliste"),
                N_("Die Änderung vom {date} widerspricht der Regionenliste: {ags} ({name}) ist dort {validity}. "
                "Erwartet: eine Änderung, die zu den Gültigkeitsdaten passt – sonst zuerst den Batch rückgängig "
                "machen, der sie gesetzt hat.")),
    ProblemType("region-list-no-date", ERROR, N_("Gebietsstand fehlt"),
                N_("Erkannt: {recognised}. Es fehlt: der Gebietsstand (z. B. „Gebietsstand: 31.12.2023“).")),
    ProblemType("region-list-unknown", ERROR, N_("Kreis der Liste unbekannt"),
                N_("{ags} {name} steht in der Liste vom {date}, ist im IK-Monitor aber nicht bekannt. Bitte zuerst die "
                "Gebietsänderung laden, mit der der Kreis entstanden ist (Datum, alter und neuer Schlüssel).")),
    ProblemType("region-list-not-valid", ERROR, N_("Kreis der Liste am Stichtag nicht gültig"),
                N_("{ags} {name} steht in der Liste vom {date}, ist im IK-Monitor an diesem Tag aber nicht gültig "
                "({validity}). Bitte die Gebietsänderungen prüfen.")),
    ProblemType("region-list-missing", ERROR, N_("Kreis fehlt in der Liste"),
                N_("{ags} {name} fehlt in der Liste vom {date}, ist im IK-Monitor an diesem Tag aber gültig. Bitte "
                "zuerst die Gebietsänderung laden, mit der der Kreis aufgelöst wurde.")),
)

_ANNOTATION_TYPES = (
    # notes on method breaks and events (etl/annotations.py)
    ProblemType("annotation-no-table", ERROR, N_("Keine Hinweistabelle"),
                N_("In „{file}“ wurde keine Tabelle mit Hinweisen gefunden. Erwartet: die Spalten {columns} "
                "(wie data/reference/annotations.csv).")),
    ProblemType("annotation-bad-quarter", ERROR, N_("Kein Quartal"),
                N_("„{value}“ ist kein Quartal. Erwartet: das erste betroffene Quartal, z. B. 2025-Q1.")),
    ProblemType("annotation-bad-kind", ERROR, N_("Art unbekannt"),
                N_("„{value}“ ist keine Art von Hinweis. Erwartet: {kinds}.")),
    ProblemType("annotation-unknown-region", ERROR, N_("Region unbekannt"),
                N_("„{value}“ ist keine Region des IK-Monitors. Erwartet: leer (alle Regionen), ein Land (z. B. 03) "
                "oder ein Kreis (z. B. 03404).")),
    ProblemType("annotation-text-missing", ERROR, N_("Text fehlt"),
                N_("Der Hinweis braucht einen deutschen und einen englischen Text (text_de und text_en).")),
)

_DISTRICT_TYPES = (
    # police files per district and the mapping of districts to Kreise (etl/districts.py)
    ProblemType("district-unknown", ERROR, N_("Polizeibehörde nicht in der Zuordnung"),
                N_("„{value}“ steht in keiner Zuordnung von Polizeibehörden zu Kreisen (bekannt: {lands}). Erwartet: "
                "eine Behörde der Zuordnung (Liste: python -m etl districts --list); für Behörden eines anderen "
                "Landes zuerst eine Zuordnung laden (python -m etl districts DATEI).")),
    ProblemType("district-misspelt", ERROR, N_("Name der Polizeibehörde nicht erkannt"),
                N_("„{value}“ ist keine Polizeibehörde der Zuordnung; gemeint ist vielleicht „{suggestion}“. "
                "Erwartet: der Name der Behörde wie in der Zuordnung.")),
    ProblemType("district-ambiguous", ERROR, N_("Name der Polizeibehörde mehrdeutig"),
                N_("„{value}“ passt zu mehreren Polizeibehörden: {candidates}. Erwartet: der volle Name der Behörde.")),
    ProblemType("district-kreis-incomplete", ERROR, N_("Kreis nur teilweise in der Datei"),
                N_("Quartal {quarter}: {kreis} ({ags}) betreuen {districts}; in der Datei fehlt {missing}. "
                "Ohne sie wäre die Zahl des Kreises unvollständig. Erwartet: alle Behörden des Kreises in einer "
                "Datei.")),
    ProblemType("district-share-missing", ERROR, N_("Bevölkerungsanteil eines Teilgebiets fehlt"),
                N_("{district} betreut mit „{part}“ nur einen Teil von {kreis} ({ags}), dessen Anteil an der "
                "Bevölkerung des Kreises nicht bekannt ist; ihre Zahlen können nicht auf die Kreise aufgeteilt "
                "werden. Erwartet: eine Zuordnung mit diesem Anteil (Spalte bevoelkerungsanteil oder einwohner_teil "
                "und einwohner_kreis), geladen mit python -m etl districts DATEI.")),
    ProblemType("district-no-population", ERROR, N_("Keine Bevölkerung für die Aufteilung"),
                N_("Quartal {quarter}: Für {kreis} ({ags}) ist kein Bevölkerungsstand geladen; die Zahlen von "
                "{district} können nicht nach Bevölkerung aufgeteilt werden. Erwartet: ein Bevölkerungsstand des "
                "Kreises (python -m etl population DATEI).")),
    ProblemType("district-apportioned", WARNING, N_("Zahlen je Polizeibehörde auf Kreise umgerechnet"),
                N_("Zahlen je Polizeibehörde erkannt: {districts} Behörden, umgerechnet auf {kreise} Kreise. "
                "Geschätzt (nach Bevölkerungsanteil aufgeteilt, als „geschätzt“ gekennzeichnet): {estimated}.")),
    ProblemType("district-map-no-table", ERROR, N_("Keine Zuordnung von Polizeibehörden"),
                N_("In „{file}“ wurde keine Zuordnung von Polizeibehörden zu Kreisen erkannt. Erwartet: die Spalten "
                "{columns} (wie data/reference/police_districts.csv).")),
    ProblemType("district-map-missing-value", ERROR, N_("Pflichtangabe der Zuordnung fehlt"),
                N_("Pflichtangabe fehlt. Erwartet: {expected}.")),
    ProblemType("district-map-bad-kreis", ERROR, N_("Kein Kreis"),
                N_("„{value}“ ist kein Kreis des IK-Monitors. Erwartet: der fünfstellige AGS des Kreises oder der "
                "kreisfreien Stadt, z. B. 05978 für den Kreis Unna.")),
    ProblemType("district-map-bad-part", ERROR, N_("Ganz oder Teil unklar"),
                N_("„{value}“ sagt nicht, ob die Behörde den ganzen Kreis betreut. Erwartet: „ganz“ oder „teil“ (dann "
                "das Teilgebiet in der Spalte teilgebiet).")),
    ProblemType("district-map-bad-share", ERROR, N_("Bevölkerungsanteil ungültig"),
                N_("„{value}“ ist kein Bevölkerungsanteil. Erwartet: eine Zahl über 0 und unter 1 (z. B. 0,217), "
                "„Rest“ für den Rest des Kreises, oder Einwohnerzahlen mit einwohner_teil < einwohner_kreis.")),
    ProblemType("district-map-share-missing", ERROR, N_("Bevölkerungsanteil fehlt"),
                N_("Für das Teilgebiet „{part}“ von {kreis} ({ags}) fehlt der Anteil an der Bevölkerung des "
                "Kreises. Erwartet: bevoelkerungsanteil (z. B. 0,217 oder „Rest“) oder einwohner_teil und "
                "einwohner_kreis mit Stichtag und Quelle.")),
    ProblemType("district-map-conflict", ERROR, N_("Zuordnung widersprüchlich"),
                N_("{kreis} ({ags}): {detail}. Erwartet: jeder Kreis ganz bei einer Behörde, oder in Teilen, "
                "deren Anteile zusammen 1 ergeben (höchstens ein Teil „Rest“).")),
)

_LOAD_TYPES = (
    # files named on the command line, and loading checked tables (etl/loader.py, etl/validate.py, etl/upload.py)
    ProblemType("file-not-found", ERROR, N_("Datei nicht gefunden"), N_("Datei „{file}“ nicht gefunden.")),
    ProblemType("not-a-file", ERROR, N_("Ordner statt Datei"), N_("„{file}“ ist ein Ordner, keine Datei.")),
    ProblemType("no-permission", ERROR, N_("Keine Leseberechtigung"), N_("Keine Leseberechtigung für „{file}“.")),
    ProblemType("os-error", ERROR, N_("Datei nicht lesbar (Betriebssystem)"),
                N_("Datei „{file}“ kann nicht gelesen werden ({detail}).")),
    ProblemType("no-table", ERROR, N_("Keine Tabelle gefunden"),
                N_("In der Datei „{file}“ wurde keine Tabelle gefunden.")),
    ProblemType("file-already-loaded", WARNING, N_("Datei bereits geladen"),
                N_("Diese Datei ist bereits als Batch {batch} geladen ({dataset}); es wurde nichts geändert.")),
    ProblemType("key-already-loaded", ERROR, N_("Schon geladen"),
                N_("{quarter} ist für {units} bereits geladen (Batch {batch}, „{file}“). Zum Ersetzen --replace "
                   "verwenden.")),
    ProblemType("changed-since-preview", ERROR, N_("Seit der Vorschau geändert"),
                N_("Seit der Vorschau wurden für dieselben Quartale und Einrichtungen bzw. Kreise Daten geladen oder "
                   "rückgängig gemacht (z. B. von einer anderen Person). Es wurde nichts geladen. Bitte die neue "
                   "Vorschau prüfen und erneut bestätigen.")),
)

_TARGET_TYPES = (
    # a Land's own targets (etl/targets.py)
    ProblemType("targets-unreadable", ERROR, N_("Keine lesbare Tabelle"),
                N_("„{file}“ ist keine lesbare Tabelle ({detail}).")),
    ProblemType("targets-no-header", ERROR, N_("Keine Kopfzeile mit target_id"),
                N_("In „{file}“ wurde keine Kopfzeile mit „target_id“ gefunden. Erwartet: die Spalten von "
                   "data/reference/targets.csv: {columns}.")),
    ProblemType("targets-missing-columns", ERROR, N_("Spalten fehlen"),
                N_("In „{file}“ fehlen die Spalten {columns}. Erwartet: die Spalten von data/reference/targets.csv.")),
    ProblemType("targets-empty", ERROR, N_("Keine Zielwerte"),
                N_("Die Datei enthält keine Zielwerte (keine Datenzeilen).")),
    ProblemType("targets-missing-value", ERROR, N_("Pflichtangabe fehlt"),
                N_("Pflichtangabe fehlt. Erwartet: {expected}")),
    ProblemType("targets-bad-id", ERROR, N_("Ungültige Ziel-ID"),
                N_("„{value}“ ist keine gültige Ziel-ID. Erwartet: {expected}")),
    ProblemType("targets-unknown-indicator", ERROR, N_("Unbekannter Indikator"),
                N_("„{value}“ ist kein bekannter Indikator. Erwartet: einer von {indicators}.")),
    ProblemType("targets-unknown-denominator", ERROR, N_("Unbekannte Bezugsgröße"),
                N_("„{value}“ ist keine bekannte Bezugsgröße. Erwartet: {expected}")),
    ProblemType("targets-bad-number", ERROR, N_("Keine gültige Zahl"),
                N_("„{value}“ ist hier nicht zulässig. Erwartet: {expected}")),
    ProblemType("targets-bad-date", ERROR, N_("Kein Datum"),
                N_("„{value}“ ist kein Datum. Erwartet: {expected}")),
    ProblemType("targets-unknown-land", ERROR, N_("Kein bekanntes Land"),
                N_("„{value}“ ist kein bekanntes Land. Erwartet: {expected}")),
    ProblemType("targets-duplicate-id", ERROR, N_("Ziel-ID doppelt"),
                N_("Die Ziel-ID „{value}“ steht schon in Zeile {first}. Erwartet: jede ID einmal.")),
    ProblemType("targets-id-exists", ERROR, N_("Ziel-ID schon vergeben"),
                N_("Die Ziel-ID „{value}“ gibt es bereits {origin}. Erwartet: eine neue ID; zum Ändern eines eigenen "
                   "Zielwerts zuerst dessen Batch rückgängig machen.")),
)

# The codes by where they arise, for docs/datasets.md.
GROUPS: dict[str, tuple[ProblemType, ...]] = {
    "Files that cannot be read": _FILE_TYPES,
    "Sheets, tables, rows and cells of the quarterly files": _TABLE_TYPES,
    "Population vintages (python -m etl population)": _POPULATION_TYPES,
    "Regions and territorial changes (python -m etl regions)": _REGION_TYPES,
    "Notes on method breaks and events (python -m etl annotations)": _ANNOTATION_TYPES,
    "Police districts (police files per district, python -m etl districts)": _DISTRICT_TYPES,
    "Files named and tables loaded (python -m etl check and load, the upload page)": _LOAD_TYPES,
    "Targets of a Land (python -m etl targets, the admin page)": _TARGET_TYPES,
}
PROBLEM_TYPES: dict[str, ProblemType] = {t.code: t for group in GROUPS.values() for t in group}


_SHEET, _ROW, _COLUMN = N_("Blatt „{sheet}“"), N_("Zeile {row}"), N_("Spalte „{column}“")


def location(row: int | None = None, column: str | None = None, sheet: str | None = None,
             language: str = "de") -> str:
    """The location prefix: 'Blatt „Daten“, Zeile 14, Spalte „Plätze Frauen“' / 'Sheet „Daten“, row 14, …'."""
    parts = []
    if sheet is not None:
        parts.append(translate(_SHEET, language, sheet=sheet))
    if row is not None:
        parts.append(translate(_ROW, language, row=row))
    if column is not None:
        parts.append(translate(_COLUMN, language, column=column))
    where = ", ".join(parts)
    return where[:1].upper() + where[1:]  # "row 3, column …" begins a sentence in English


MAX_VALUE_SHOWN = 80  # characters of a cell shown in a message; a 1 MB cell must not become a 1 MB message
MAX_LABEL_SHOWN = 200  # headers and sheet names: long ones are real (and matched again by the upload page)


def shorten(text: str, limit: int = MAX_VALUE_SHOWN) -> str:
    """``text`` cut to ``limit`` characters with the full length named: "aaaa… (1.048.576 Zeichen)"."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} Zeichen)".replace(",", ".")


def problem(code: str, *, row: int | None = None, column: str | None = None, value: object = None,
            sheet: str | None = None, column_in_file: bool = True, **params) -> Problem:
    """A problem of the registered type ``code`` at a location, its template's parameters in ``params``.

    The cell's value is shortened to ``MAX_VALUE_SHOWN`` characters, headers and sheet names to
    ``MAX_LABEL_SHOWN``. Raises ``KeyError`` for a code that is not registered.
    """
    ptype = PROBLEM_TYPES[code]
    text = None if value is None else shorten(str(value))
    if column is not None:
        column = shorten(str(column), MAX_LABEL_SHOWN)
    if sheet is not None:
        sheet = shorten(str(sheet), MAX_LABEL_SHOWN)
    return Problem(code, ptype.severity, params, row=row, column=column, value=text, sheet=sheet,
                   column_in_file=column_in_file)


def units(n: int, per_facility: bool) -> Msg:
    """"12 Einrichtungen", "1 Kreis": the keys a quarterly file reports per row."""
    if per_facility:
        return Msg(N_("{n} Einrichtung") if n == 1 else N_("{n} Einrichtungen"), n=Num(n))
    return Msg(N_("{n} Kreis") if n == 1 else N_("{n} Kreise"), n=Num(n))


def os_problem(path: Path | str, exc: OSError) -> Problem:
    """The problem of a file the operating system would not let us read (missing, a folder, no permission)."""
    if isinstance(exc, FileNotFoundError):
        return problem("file-not-found", file=str(path))
    if isinstance(exc, IsADirectoryError):
        return problem("not-a-file", file=str(path))
    if isinstance(exc, PermissionError):
        return problem("no-permission", file=str(path))
    return problem("os-error", file=str(path), detail=exc.strerror or type(exc).__name__)


def rejected_message(file: str, errors: int) -> Msg:
    """"„datei.csv“ wurde nicht geladen: 3 Fehler." — the outcome of a refused reference-data file."""
    return Msg(N_("„{file}“ wurde nicht geladen: {n} Fehler."), file=file, n=Num(errors))


def validity_text(valid_from: date | None, valid_to: date | None) -> Msg | str:
    """When a region is valid: "ab 01.01.2026", "bis 30.06.2021", "ab … bis …" (empty when always)."""
    if valid_from and valid_to:
        return Msg(N_("ab {start} bis {end}"), start=valid_from, end=valid_to)
    if valid_from:
        return Msg(N_("ab {start}"), start=valid_from)
    if valid_to:
        return Msg(N_("bis {end}"), end=valid_to)
    return ""


class Refusal(Failure):
    """A refusal whose message is a registered template or a marked one (``N_``), said in any language.

    ``str(exc)`` is German (command line, logs); ``exc.text(language)`` (or ``ui.i18n.message(exc)``) any
    language. Parameters are rendered with ``say``: fragments (``Msg``), numbers (``Num``) and dates too.
    """

    def __init__(self, msgid: str, **params):
        self.msgid, self.params = msgid, params
        Exception.__init__(self, self.text("de"))

    def text(self, language: str = "de") -> str:
        return _fill(self.msgid, language, self.params)


class UnreadableFile(Refusal):
    """The file cannot be read as a table at all; ``problem`` (a registered code) says why and what to do.

    Defined here, not in the reader, so that ``etl.safety`` (which refuses files before the reader sees them) and
    the reader both use it without importing each other.
    """

    def __init__(self, code: str, **params):
        self.problem = problem(code, **params)
        self.code = code
        super().__init__(PROBLEM_TYPES[code].template, **params)

    def text(self, language: str = "de") -> str:
        return self.problem.text(language)

    def as_problem(self) -> Problem:
        """The refusal as an error problem of the file (no row or column)."""
        return self.problem


def unreadable(code: str, **params) -> UnreadableFile:
    """An ``UnreadableFile`` of the registered ``code``."""
    return UnreadableFile(code, **params)
