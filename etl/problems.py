"""Problems found while reading and checking a file: stable codes, a severity and German message templates.

Modelled on frictionless-py: every kind of problem is a ``ProblemType`` with a kebab-case code that the JSON
report and the tests rely on, and a German template. ``problem()`` fills the template and puts the location
in front: ``Blatt „Daten“, Zeile 14, Spalte „Plätze Frauen“: „zwölf“ ist keine ganze Zahl. Erwartet: …``.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class ProblemType:
    code: str
    severity: str
    title_de: str
    template_de: str  # str.format placeholders; {value} is the offending cell as text


@dataclass
class Problem:
    code: str
    severity: str
    message: str
    row: int | None = None  # row number as Excel shows it (1-based, counting title rows)
    column: str | None = None  # header as written in the file
    value: str | None = None
    sheet: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_json(self) -> dict:
        """The problem for the JSON report: code, row, column, value, message (and sheet when known)."""
        out = {"code": self.code, "row": self.row, "column": self.column, "value": self.value,
               "message": self.message}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out


_EXPECT_COUNT = "Erwartet: eine ganze Zahl ≥ 0, z. B. 12."
_EXPECT_DECIMAL = "Erwartet: eine Zahl ≥ 0, z. B. 2,5."

_TYPES = (
    # file and table structure
    ProblemType("unknown-dataset", ERROR, "Datensatz nicht erkannt",
                "Datensatz nicht erkannt: Die Kopfzeile passt zu keinem der Datensätze "
                "(Schutzunterkünfte, Beratung, Polizeieinsätze). Am ähnlichsten ist „{dataset}“; dafür fehlen "
                "die Pflichtspalten {missing}. Erwartet: die Spaltenüberschriften aus der Vorlage."),
    ProblemType("missing-column", ERROR, "Pflichtspalte fehlt",
                "Die Pflichtspalte „{header}“ fehlt. Erwartet: eine Spalte mit der Überschrift „{header}“{aliases}."),
    ProblemType("duplicate-column", ERROR, "Spalte doppelt",
                "„{header}“ steht schon in Spalte {first}; Spalte {second} ist doppelt und wird nicht geladen. "
                "Erwartet: jede Angabe in nur einer Spalte."),
    ProblemType("extra-column", WARNING, "Unbekannte Spalte",
                "Unbekannte Spalte – sie wird nicht geladen. Erwartet: nur Spalten aus der Vorlage "
                "(Liste in docs/datasets.md)."),
    ProblemType("unnamed-column", WARNING, "Spalte ohne Überschrift",
                "Spalte {letter} hat keine Überschrift, enthält aber Werte; sie wird nicht geladen. "
                "Erwartet: jede Spalte mit einer Überschrift aus der Vorlage."),
    ProblemType("no-data", ERROR, "Keine Datenzeilen",
                "Die Tabelle enthält unter der Kopfzeile keine Datenzeilen. Erwartet: eine Zeile je {unit}."),
    # rows that are skipped
    ProblemType("total-row-skipped", WARNING, "Summenzeile übersprungen",
                "„{value}“ ist eine Summenzeile; sie wird übersprungen und nicht mitgezählt "
                "(Summen berechnet der IK-Monitor selbst)."),
    ProblemType("footnote-skipped", WARNING, "Fußnote übersprungen",
                "„{value}“ ist keine Datenzeile (Fußnote oder Zwischenüberschrift) und wird übersprungen."),
    # cell values
    ProblemType("missing-value", ERROR, "Pflichtangabe fehlt",
                "Pflichtangabe fehlt{found}. Erwartet: {expected}"),
    ProblemType("not-integer", ERROR, "Keine ganze Zahl",
                "„{value}“ ist keine ganze Zahl. " + _EXPECT_COUNT),
    ProblemType("not-number", ERROR, "Keine Zahl",
                "„{value}“ ist keine Zahl. " + _EXPECT_DECIMAL),
    ProblemType("negative", ERROR, "Negative Zahl",
                "„{value}“ ist negativ. {expected}"),
    ProblemType("implausible-number", ERROR, "Unplausibel große Zahl",
                "„{value}“ ist unplausibel groß. Erwartet: eine Zahl unter 1 Billion."),
    ProblemType("formula-without-value", ERROR, "Formel ohne gespeicherten Wert",
                "Formel ohne gespeicherten Wert – bitte die Datei in Excel öffnen, neu berechnen und speichern. "
                "Erwartet: eine Zahl oder ein Text in der Zelle."),
    ProblemType("bad-quarter", ERROR, "Kein Quartal",
                "„{value}“ ist kein Quartal. Erwartet: z. B. 2025-Q2, Q2/2025, 2. Quartal 2025 "
                "oder ein Datum im Quartal (15.05.2025)."),
    ProblemType("quarter-too-early", ERROR, "Quartal vor 2000",
                "„{value}“ ist das Quartal {quarter} und liegt vor 2000. Erwartet: ein Quartal ab 2000-Q1."),
    ProblemType("future-quarter", ERROR, "Quartal in der Zukunft",
                "Das Quartal {quarter} („{value}“) hat noch nicht begonnen (Beginn {start}). "
                "Erwartet: ein abgeschlossenes Quartal."),
    ProblemType("quarter-not-ended", WARNING, "Quartal noch nicht abgeschlossen",
                "Das Quartal {quarter} endet erst am {end}; die Zahlen ({rows} Zeilen) sind vorläufig. "
                "Erwartet: ein abgeschlossenes Quartal."),
    ProblemType("bad-region", ERROR, "Kein Kreisschlüssel",
                "„{value}“ ist kein Kreisschlüssel. Erwartet: der fünfstellige AGS des Kreises oder der "
                "kreisfreien Stadt, z. B. 05913 für Dortmund, oder ein eindeutiger Kreisname."),
    ProblemType("unknown-region", ERROR, "Unbekannter Kreis",
                "„{value}“ ist kein bekannter Kreis. Erwartet: der fünfstellige AGS des Kreises oder der "
                "kreisfreien Stadt, z. B. 05913 für Dortmund (Liste im Blatt „Regionen“ der Vorlage)."),
    ProblemType("ambiguous-region", ERROR, "Kreisname mehrdeutig",
                "„{value}“ ist mehrdeutig: {candidates}. Erwartet: der AGS statt des Namens."),
    ProblemType("not-a-kreis", ERROR, "Land statt Kreis",
                "„{value}“ ist der Schlüssel von {name}, nicht eines Kreises. Erwartet: der fünfstellige AGS "
                "des Kreises oder der kreisfreien Stadt."),
    ProblemType("municipality-reduced", WARNING, "Gemeinde dem Kreis zugeordnet",
                "„{value}“ ist der Schlüssel einer Gemeinde; die Zeile wird dem Kreis {kreis} ({ags}) zugeordnet."),
    ProblemType("municipality-not-kreis", ERROR, "Gemeinde statt Kreis",
                "„{value}“ ist der Schlüssel einer Gemeinde im Kreis {kreis}; Polizeizahlen werden je Kreis "
                "gemeldet. Erwartet: die Zahl für den ganzen Kreis mit dem AGS {ags}."),
    ProblemType("region-not-valid", ERROR, "Kreis im Quartal nicht gültig",
                "Den Kreis {ags} ({name}) gab es im Quartal {quarter} nicht (gültig {validity}). "
                "Erwartet: ein Kreis nach dem Gebietsstand des Quartals."),
    ProblemType("invalid-choice", ERROR, "Unzulässiger Wert",
                "„{value}“ ist kein zulässiger Wert. Erwartet: einer der Werte {choices}."),
    # rules across cells and rows
    ProblemType("duplicate-key", ERROR, "Zeile doppelt",
                "{key} kommt doppelt vor, auch in {other}. Erwartet: eine Zeile je {unit}."),
    ProblemType("over-occupancy", WARNING, "Überbelegung",
                "{days} Belegungstage bei {places} Plätzen und {quarter_days} Tagen im Quartal sind eine "
                "Belegung von {pct} % (Überbelegung). Bitte prüfen."),
    ProblemType("impossible-occupancy", ERROR, "Belegung unmöglich",
                "{days} Belegungstage bei {places} Plätzen und {quarter_days} Tagen im Quartal sind nicht möglich"
                "{pct_text}. Erwartet: höchstens {limit} Belegungstage (Plätze × Tage, Überbelegung bis 200 %)."),
    ProblemType("too-many-days", ERROR, "Mehr Tage als das Quartal hat",
                "„{value}“ Tage sind mehr, als das Quartal {quarter} hat. Erwartet: höchstens {quarter_days}."),
    ProblemType("part-exceeds-total", ERROR, "Davon-Wert größer als Gesamtwert",
                "„{value}“ ist größer als „{total_header}“ ({total}). Erwartet: höchstens {total}."),
    ProblemType("exceeds-sum", ERROR, "Größer als die Summe",
                "„{value}“ ist größer als {parts} zusammen ({total}). Erwartet: höchstens {total}."),
)

PROBLEM_TYPES: dict[str, ProblemType] = {t.code: t for t in _TYPES}


def location_de(row: int | None = None, column: str | None = None, sheet: str | None = None) -> str:
    """The German location prefix: 'Blatt „Daten“, Zeile 14, Spalte „Plätze Frauen“'."""
    parts = []
    if sheet is not None:
        parts.append(f"Blatt „{sheet}“")
    if row is not None:
        parts.append(f"Zeile {row}")
    if column is not None:
        parts.append(f"Spalte „{column}“")
    return ", ".join(parts)


def problem(code: str, *, row: int | None = None, column: str | None = None, value: object = None,
            sheet: str | None = None, **params) -> Problem:
    """A problem of type ``code`` with its German message filled from the template and the location."""
    ptype = PROBLEM_TYPES[code]
    text = None if value is None else str(value)
    body = ptype.template_de.format(value="" if text is None else text, **params)
    where = location_de(row, column, sheet)
    message = f"{where}: {body}" if where else body
    return Problem(code, ptype.severity, message, row=row, column=column, value=text, sheet=sheet)
