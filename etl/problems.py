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

_EXPECT_FILE = "Erwartet: eine Tabelle als .xlsx, .xls, .ods oder .csv."
_RESAVE = "Bitte die Datei in Excel oder LibreOffice öffnen und als .xlsx neu speichern."

_FILE_TYPES = (
    # files that cannot be read at all (etl/reader.py, etl/safety.py): the whole file is refused
    ProblemType("unreadable-file", ERROR, "Keine Tabellendatei",
                "„{file}“ ist keine Tabellendatei. " + _EXPECT_FILE),
    ProblemType("empty-file", ERROR, "Leere Datei", "„{file}“ ist leer. " + _EXPECT_FILE),
    ProblemType("damaged-file", ERROR, "Datei beschädigt",
                "„{file}“ ist beschädigt oder keine gültige Tabellendatei. " + _RESAVE),
    ProblemType("encrypted-file", ERROR, "Datei verschlüsselt",
                "„{file}“ ist mit einem Passwort geschützt (verschlüsselt) und kann nicht gelesen werden. Bitte den "
                "Passwortschutz entfernen und die Datei neu speichern."),
    ProblemType("html-file", ERROR, "HTML- oder XML-Datei",
                "„{file}“ ist eine HTML- oder XML-Datei, keine Tabelle. Bitte in Excel öffnen und als .xlsx "
                "speichern."),
    ProblemType("not-a-spreadsheet", ERROR, "Keine Tabellendatei (anderer Dateityp)",
                "„{file}“ ist {what} und keine Tabellendatei. " + _EXPECT_FILE),
    ProblemType("no-header", ERROR, "Keine Kopfzeile",
                "In „{file}“ wurde keine Kopfzeile gefunden. Erwartet: eine Zeile mit Spaltenüberschriften wie "
                "„Quartal“, „AGS“, „Einrichtung“, „Plätze Frauen“ (siehe Vorlage) in den ersten {scan_rows} Zeilen."),
    ProblemType("only-hidden-sheets", ERROR, "Daten nur auf ausgeblendeten Blättern",
                "In „{file}“ stehen Tabellen nur auf ausgeblendeten Blättern ({sheets}); ausgeblendete Blätter "
                "werden nicht gelesen. Bitte die Blätter in Excel einblenden (Rechtsklick auf einen Blattnamen → "
                "Einblenden) und die Datei neu speichern."),
    ProblemType("csv-field-too-large", ERROR, "CSV-Zelle zu groß",
                "„{file}“, Zeile {row}: Eine Zelle ist größer als {limit} KB; so große Zellen hat keine "
                "Quartalstabelle. Bitte die Zeile in der Datei prüfen."),
    ProblemType("csv-unbalanced-quote", ERROR, "Anführungszeichen nicht geschlossen",
                "„{file}“, Zeile {row}: Ein Anführungszeichen („\"“) wird nicht geschlossen; ab dort würde der Rest "
                "der Datei als eine einzige Zelle gelesen. Erwartet: Anführungszeichen paarweise um einen Zellinhalt "
                "– bitte das Zeichen entfernen oder schließen."),
    ProblemType("csv-broken-row", ERROR, "CSV-Zeile nicht lesbar",
                "„{file}“, Zeile {row}: Die Zeile ist keine gültige CSV-Zeile (Anführungszeichen oder Trennzeichen "
                "passen nicht). " + _RESAVE),
    ProblemType("read-failed", ERROR, "Datei nicht lesbar",
                "„{file}“ konnte nicht gelesen werden; der Aufbau der Datei passt zu keinem bekannten Format. "
                + _RESAVE),
    ProblemType("file-too-large", ERROR, "Datei zu groß",
                "„{file}“ ist {size} MB groß; erlaubt sind höchstens {limit} MB. Bitte die Datei aufteilen (z. B. "
                "je Quartal oder Datensatz) oder Bilder und überflüssige Blätter entfernen."),
    ProblemType("zip-bomb", ERROR, "Entpackt zu groß",
                "„{file}“ würde entpackt mehr als {limit} MB ergeben ({size} MB oder mehr) und wird nicht geöffnet "
                "– so groß ist keine Quartalstabelle. Bitte die Datei prüfen und als .xlsx neu speichern."),
    ProblemType("damaged-archive", ERROR, "Archiv beschädigt",
                "„{file}“ ist beschädigt ({detail}). " + _RESAVE),
    ProblemType("too-many-parts", ERROR, "Zu viele Teile",
                "„{file}“ besteht aus {parts} Teilen und wird nicht geöffnet (höchstens {limit}). " + _EXPECT_FILE),
    ProblemType("encrypted-archive", ERROR, "Verschlüsselte Teile",
                "„{file}“ enthält verschlüsselte Teile und kann nicht gelesen werden. Bitte den Passwortschutz "
                "entfernen."),
    ProblemType("macro-file", ERROR, "Datei mit Makros",
                "„{file}“: {what} wird nicht angenommen. Makros werden im IK-Monitor nie ausgeführt. Bitte die "
                "Tabelle in Excel als „Excel-Arbeitsmappe (.xlsx)“ ohne Makros speichern und diese Datei "
                "hochladen."),
    ProblemType("binary-workbook", ERROR, "Binäre Arbeitsmappe (.xlsb)",
                "„{file}“ ist eine binäre Excel-Arbeitsmappe (.xlsb), die Makros enthalten kann, und wird nicht "
                "angenommen. Bitte in Excel als „Excel-Arbeitsmappe (.xlsx)“ speichern."),
    ProblemType("xml-dtd", ERROR, "XML mit DTD",
                "„{file}“ enthält im Teil „{part}“ eine DTD mit Entitäten, wie sie in Tabellendateien nicht "
                "vorkommt, und wird nicht geöffnet. " + _RESAVE),
)

_TABLE_TYPES = (
    # sheets
    ProblemType("hidden-sheet-skipped", WARNING, "Ausgeblendetes Blatt nicht gelesen",
                "Das Blatt ist {how} und enthält {what}; ausgeblendete Blätter werden nicht gelesen. Erwartet: "
                "Daten auf sichtbaren Blättern – zum Laden das Blatt in Excel einblenden."),
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
    ProblemType("excel-error", ERROR, "Excel-Fehlerwert",
                "„{value}“ ist ein Fehlerwert der Tabellenkalkulation ({meaning}), keine Angabe. Erwartet: "
                "{expected} Bitte die Formel oder den Wert in der Datei korrigieren."),
    ProblemType("invisible-characters", WARNING, "Unsichtbare Zeichen entfernt",
                "Die Zelle enthält unsichtbare Zeichen ({chars}, z. B. Leerzeichen ohne Breite oder "
                "Steuerzeichen für die Schreibrichtung); sie wurden entfernt, gelesen wird „{clean}“."),
    ProblemType("id-too-long", ERROR, "Kennung zu lang",
                "Die Kennung ist {length} Zeichen lang; erlaubt sind höchstens {limit}. Erwartet: eine kurze "
                "pseudonyme Kennung der Einrichtung, z. B. NI-FH-017."),
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
    ProblemType("region-not-yet-valid", ERROR, "Kreis im Quartal noch nicht gebildet",
                "Den Kreis {ags} ({name}) gibt es erst seit dem {start}; im Quartal {quarter} lag sein Gebiet im "
                "Kreis {origin_ags} ({origin}). Erwartet: für Quartale vor dem {start} die Zahlen unter "
                "{origin_ags} ({origin})."),
    ProblemType("region-dissolved", ERROR, "Kreis im Quartal nicht mehr vorhanden",
                "Den Kreis {ags} ({name}) gibt es seit dem {end} nicht mehr; sein Gebiet gehört seitdem zum Kreis "
                "{successor_ags} ({successor}). Erwartet: für das Quartal {quarter} der Nachfolger "
                "{successor_ags} ({successor})."),
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

_POPULATION_TYPES = (
    # population vintages (etl/population.py): the file as a whole
    ProblemType("population-no-table", ERROR, "Keine Bevölkerungstabelle",
                "In „{file}“ wurde keine Bevölkerungstabelle erkannt. {recognised} Erwartet: {formats}."),
    ProblemType("population-no-regions", ERROR, "Keine Regionen mit Einwohnerzahlen",
                "Erkannt: {recognised}. Es fehlen: Kreise (fünfstellige Schlüssel) oder Länder (zweistellige "
                "Schlüssel) mit Einwohnerzahlen."),
    ProblemType("population-no-date", ERROR, "Stichtag fehlt",
                "Erkannt: {recognised}. Es fehlt: der Stichtag – erwartet z. B. {hint}."),
    ProblemType("population-no-basis", ERROR, "Basis fehlt",
                "Erkannt: {recognised}. Es fehlt: die Basis der Bevölkerungszahlen (Zensus 2011 oder Zensus 2022); "
                "sie steht nicht in der Datei. Bitte angeben: auf der Kommandozeile mit --basis \"Zensus 2011\", "
                "auf der Seite Referenzdaten im Feld „Basis“."),
    ProblemType("population-bad-basis", ERROR, "Basis unbekannt",
                "„{value}“ ist keine Basis für Bevölkerungszahlen. Erwartet: „Zensus 2011“ oder „Zensus 2022“."),
    ProblemType("population-basis-conflict", ERROR, "Basis widersprüchlich",
                "Die Datei nennt die Basis {stated}, angegeben wurde {given}. Erwartet: die Basis der Datei (oder "
                "keine Angabe)."),
    ProblemType("population-mixed-vintage", ERROR, "Mehrere Stichtage",
                "Die Datei enthält mehrere Stichtage oder Basen ({values}). Erwartet: ein Stichtag und eine Basis "
                "je Datei – bitte die Tabelle mit nur einem Stichtag herunterladen."),
    # population vintages: rows and values
    ProblemType("population-bad-value", ERROR, "Keine Einwohnerzahl",
                "„{value}“ ist keine Einwohnerzahl. Erwartet: eine ganze Zahl ≥ 0 (oder „-“, wenn es die Region "
                "zum Stichtag nicht gab)."),
    ProblemType("population-bad-key", ERROR, "Kein Regionalschlüssel",
                "„{value}“ ist kein Regionalschlüssel. Erwartet: 5 Ziffern für einen Kreis (z. B. 05913), 2 für ein "
                "Land (z. B. 05) oder 00 für Deutschland."),
    ProblemType("population-duplicate", ERROR, "Region doppelt",
                "Diese Schlüssel kommen mehrfach vor: {keys}. Erwartet: jeder Kreis und jedes Land einmal."),
    ProblemType("population-unknown-region", ERROR, "Region unbekannt",
                "{count} Schlüssel sind im IK-Monitor nicht bekannt: {keys}. Erwartet: die Kreise und Länder der "
                "Regionenliste. Bei einer Gebietsreform bitte zuerst die Regionenliste aktualisieren "
                "(python -m etl regions)."),
    ProblemType("population-implausible", ERROR, "Einwohnerzahl unplausibel",
                "{region}: {total} Einwohner:innen sind unplausibel. Erwartet: zwischen {low} und {high} – ist die "
                "richtige Spalte erkannt?"),
    ProblemType("population-parts-exceed", ERROR, "Teil größer als insgesamt",
                "{region}: {part} {who} sind mehr als die {total} Einwohner:innen insgesamt."),
    ProblemType("population-already-loaded", ERROR, "Bevölkerungsstand schon vorhanden",
                "Der Bevölkerungsstand {date} (Basis {basis}) ist bereits {where}"),
    ProblemType("population-missing-regions", WARNING, "Kreise fehlen",
                "{count} Kreise fehlen in der Datei: {names}. Für sie gilt weiter der bisherige Bevölkerungsstand."),
    ProblemType("population-laender-only", WARNING, "Nur Länder",
                "Die Datei enthält nur Länder ({count}), keine Kreise. Geladen werden die Länder; für die Kreise "
                "gilt weiter der bisherige Bevölkerungsstand."),
    ProblemType("population-no-sex", WARNING, "Ohne Aufteilung nach Geschlecht",
                "Erkannt: {recognised} ohne Aufteilung nach Geschlecht. Geladen werden die Einwohner:innen "
                "insgesamt; Quoten je Frauen (z. B. Beratungsstellen je 50.000 Frauen) brauchen eine weitere Datei "
                "mit Frauen, z. B. Regionalstatistik 12411-01-01-4 „Bevölkerung nach Geschlecht“."),
    ProblemType("population-deviation", WARNING, "Starke Abweichung",
                "{count} Kreise weichen um mehr als {share} % vom bisherigen Stand ab: {kreise}. Bitte prüfen, ob "
                "Stichtag und Spalten stimmen."),
    ProblemType("population-sum-mismatch", WARNING, "Landessumme weicht ab",
                "Landessumme weicht von der Summe der Kreise ab: {details}."),
)

_REGION_TYPES = (
    # region lists and territorial changes (etl/regions.py)
    ProblemType("region-file-unknown", ERROR, "Keine Regionendatei",
                "In „{file}“ wurde weder eine Tabelle der Gebietsänderungen noch eine Regionenliste erkannt. "
                "Erwartet: eine Tabelle mit den Spalten Datum (change_date oder wirksam_ab), alter Schlüssel "
                "(from_ags oder ags_alt) und neuer Schlüssel (to_ags oder ags_neu); eine Regionenliste im Format "
                "von data/reference/regions.csv; oder die Destatis-Liste „Kreisfreie Städte und Landkreise“."),
    ProblemType("region-bad-date", ERROR, "Kein Datum",
                "„{value}“ ist kein Datum. Erwartet: z. B. 2026-01-01 oder 01.01.2026."),
    ProblemType("region-bad-key", ERROR, "Kein Kreis- oder Gemeindeschlüssel",
                "„{value}“ ist kein Schlüssel. Erwartet: 5 Ziffern für einen Kreis (z. B. 06435), 8 für eine "
                "Gemeinde (z. B. 06435014), 2 für ein Land."),
    ProblemType("region-bad-share", ERROR, "Anteil ungültig",
                "„{value}“ ist kein Anteil. Erwartet: der Anteil der Bevölkerung, der den Kreis wechselt, als Zahl "
                "über 0 bis 1 (z. B. 0,24), oder leer, wenn er nicht bekannt ist."),
    ProblemType("region-name-missing", ERROR, "Name fehlt",
                "Den Kreis {ags} kennt der IK-Monitor noch nicht, die Zeile nennt aber keinen Namen. Erwartet: der "
                "amtliche Name in der Spalte {column_name}, z. B. „Hanau, kreisfreie Stadt“."),
    ProblemType("region-change-conflict", ERROR, "Änderung passt nicht zur Regionenliste",
                "Die Änderung vom {date} widerspricht der Regionenliste: {ags} ({name}) ist dort {validity}. "
                "Erwartet: eine Änderung, die zu den Gültigkeitsdaten passt – sonst zuerst den Batch rückgängig "
                "machen, der sie gesetzt hat."),
    ProblemType("region-list-no-date", ERROR, "Gebietsstand fehlt",
                "Erkannt: {recognised}. Es fehlt: der Gebietsstand (z. B. „Gebietsstand: 31.12.2023“)."),
    ProblemType("region-list-unknown", ERROR, "Kreis der Liste unbekannt",
                "{ags} {name} steht in der Liste vom {date}, ist im IK-Monitor aber nicht bekannt. Bitte zuerst die "
                "Gebietsänderung laden, mit der der Kreis entstanden ist (Datum, alter und neuer Schlüssel)."),
    ProblemType("region-list-not-valid", ERROR, "Kreis der Liste am Stichtag nicht gültig",
                "{ags} {name} steht in der Liste vom {date}, ist im IK-Monitor an diesem Tag aber nicht gültig "
                "({validity}). Bitte die Gebietsänderungen prüfen."),
    ProblemType("region-list-missing", ERROR, "Kreis fehlt in der Liste",
                "{ags} {name} fehlt in der Liste vom {date}, ist im IK-Monitor an diesem Tag aber gültig. Bitte "
                "zuerst die Gebietsänderung laden, mit der der Kreis aufgelöst wurde."),
)

_ANNOTATION_TYPES = (
    # notes on method breaks and events (etl/annotations.py)
    ProblemType("annotation-no-table", ERROR, "Keine Hinweistabelle",
                "In „{file}“ wurde keine Tabelle mit Hinweisen gefunden. Erwartet: die Spalten {columns} "
                "(wie data/reference/annotations.csv)."),
    ProblemType("annotation-bad-quarter", ERROR, "Kein Quartal",
                "„{value}“ ist kein Quartal. Erwartet: das erste betroffene Quartal, z. B. 2025-Q1."),
    ProblemType("annotation-bad-kind", ERROR, "Art unbekannt",
                "„{value}“ ist keine Art von Hinweis. Erwartet: {kinds}."),
    ProblemType("annotation-unknown-region", ERROR, "Region unbekannt",
                "„{value}“ ist keine Region des IK-Monitors. Erwartet: leer (alle Regionen), ein Land (z. B. 03) "
                "oder ein Kreis (z. B. 03404)."),
    ProblemType("annotation-text-missing", ERROR, "Text fehlt",
                "Der Hinweis braucht einen deutschen und einen englischen Text (text_de und text_en)."),
)

_DISTRICT_TYPES = (
    # police files per district and the mapping of districts to Kreise (etl/districts.py)
    ProblemType("district-unknown", ERROR, "Polizeibehörde nicht in der Zuordnung",
                "„{value}“ steht in keiner Zuordnung von Polizeibehörden zu Kreisen (bekannt: {lands}). Erwartet: "
                "eine Behörde der Zuordnung (Liste: python -m etl districts --list); für Behörden eines anderen "
                "Landes zuerst eine Zuordnung laden (python -m etl districts DATEI)."),
    ProblemType("district-misspelt", ERROR, "Name der Polizeibehörde nicht erkannt",
                "„{value}“ ist keine Polizeibehörde der Zuordnung; gemeint ist vielleicht „{suggestion}“. "
                "Erwartet: der Name der Behörde wie in der Zuordnung."),
    ProblemType("district-ambiguous", ERROR, "Name der Polizeibehörde mehrdeutig",
                "„{value}“ passt zu mehreren Polizeibehörden: {candidates}. Erwartet: der volle Name der Behörde."),
    ProblemType("district-kreis-incomplete", ERROR, "Kreis nur teilweise in der Datei",
                "Quartal {quarter}: {kreis} ({ags}) betreuen {districts}; in der Datei fehlt {missing}. "
                "Ohne sie wäre die Zahl des Kreises unvollständig. Erwartet: alle Behörden des Kreises in einer "
                "Datei."),
    ProblemType("district-share-missing", ERROR, "Bevölkerungsanteil eines Teilgebiets fehlt",
                "{district} betreut mit „{part}“ nur einen Teil von {kreis} ({ags}), dessen Anteil an der "
                "Bevölkerung des Kreises nicht bekannt ist; ihre Zahlen können nicht auf die Kreise aufgeteilt "
                "werden. Erwartet: eine Zuordnung mit diesem Anteil (Spalte bevoelkerungsanteil oder einwohner_teil "
                "und einwohner_kreis), geladen mit python -m etl districts DATEI."),
    ProblemType("district-no-population", ERROR, "Keine Bevölkerung für die Aufteilung",
                "Quartal {quarter}: Für {kreis} ({ags}) ist kein Bevölkerungsstand geladen; die Zahlen von "
                "{district} können nicht nach Bevölkerung aufgeteilt werden. Erwartet: ein Bevölkerungsstand des "
                "Kreises (python -m etl population DATEI)."),
    ProblemType("district-apportioned", WARNING, "Zahlen je Polizeibehörde auf Kreise umgerechnet",
                "Zahlen je Polizeibehörde erkannt: {districts} Behörden, umgerechnet auf {kreise} Kreise. "
                "Geschätzt (nach Bevölkerungsanteil aufgeteilt, als „geschätzt“ gekennzeichnet): {estimated}."),
    ProblemType("district-map-no-table", ERROR, "Keine Zuordnung von Polizeibehörden",
                "In „{file}“ wurde keine Zuordnung von Polizeibehörden zu Kreisen erkannt. Erwartet: die Spalten "
                "{columns} (wie data/reference/police_districts.csv)."),
    ProblemType("district-map-missing-value", ERROR, "Pflichtangabe der Zuordnung fehlt",
                "Pflichtangabe fehlt. Erwartet: {expected}."),
    ProblemType("district-map-bad-kreis", ERROR, "Kein Kreis",
                "„{value}“ ist kein Kreis des IK-Monitors. Erwartet: der fünfstellige AGS des Kreises oder der "
                "kreisfreien Stadt, z. B. 05978 für den Kreis Unna."),
    ProblemType("district-map-bad-part", ERROR, "Ganz oder Teil unklar",
                "„{value}“ sagt nicht, ob die Behörde den ganzen Kreis betreut. Erwartet: „ganz“ oder „teil“ (dann "
                "das Teilgebiet in der Spalte teilgebiet)."),
    ProblemType("district-map-bad-share", ERROR, "Bevölkerungsanteil ungültig",
                "„{value}“ ist kein Bevölkerungsanteil. Erwartet: eine Zahl über 0 und unter 1 (z. B. 0,217), "
                "„Rest“ für den Rest des Kreises, oder Einwohnerzahlen mit einwohner_teil < einwohner_kreis."),
    ProblemType("district-map-share-missing", ERROR, "Bevölkerungsanteil fehlt",
                "Für das Teilgebiet „{part}“ von {kreis} ({ags}) fehlt der Anteil an der Bevölkerung des "
                "Kreises. Erwartet: bevoelkerungsanteil (z. B. 0,217 oder „Rest“) oder einwohner_teil und "
                "einwohner_kreis mit Stichtag und Quelle."),
    ProblemType("district-map-conflict", ERROR, "Zuordnung widersprüchlich",
                "{kreis} ({ags}): {detail}. Erwartet: jeder Kreis ganz bei einer Behörde, oder in Teilen, "
                "deren Anteile zusammen 1 ergeben (höchstens ein Teil „Rest“)."),
)

# The codes by where they arise, for docs/datasets.md.
GROUPS: dict[str, tuple[ProblemType, ...]] = {
    "Files that cannot be read": _FILE_TYPES,
    "Sheets, tables, rows and cells of the quarterly files": _TABLE_TYPES,
    "Population vintages (python -m etl population)": _POPULATION_TYPES,
    "Regions and territorial changes (python -m etl regions)": _REGION_TYPES,
    "Notes on method breaks and events (python -m etl annotations)": _ANNOTATION_TYPES,
    "Police districts (police files per district, python -m etl districts)": _DISTRICT_TYPES,
}
PROBLEM_TYPES: dict[str, ProblemType] = {t.code: t for group in GROUPS.values() for t in group}


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


MAX_VALUE_SHOWN = 80  # characters of a cell shown in a message; a 1 MB cell must not become a 1 MB message
MAX_LABEL_SHOWN = 200  # headers and sheet names: long ones are real (and matched again by the upload page)


def shorten(text: str, limit: int = MAX_VALUE_SHOWN) -> str:
    """``text`` cut to ``limit`` characters with the full length named: "aaaa… (1.048.576 Zeichen)"."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} Zeichen)".replace(",", ".")


def message_de(code: str, **params) -> str:
    """The German message of ``code`` filled from its template (no location prefix)."""
    return PROBLEM_TYPES[code].template_de.format(**params)


def problem(code: str, *, row: int | None = None, column: str | None = None, value: object = None,
            sheet: str | None = None, **params) -> Problem:
    """A problem of type ``code`` with its German message filled from the template and the location.

    The cell's value is shortened to ``MAX_VALUE_SHOWN`` characters in the message and in ``value``.
    """
    ptype = PROBLEM_TYPES[code]
    text = None if value is None else shorten(str(value))
    if column is not None:
        column = shorten(str(column), MAX_LABEL_SHOWN)
    if sheet is not None:
        sheet = shorten(str(sheet), MAX_LABEL_SHOWN)
    body = ptype.template_de.format(value="" if text is None else text, **params)
    where = location_de(row, column, sheet)
    message = f"{where}: {body}" if where else body
    return Problem(code, ptype.severity, message, row=row, column=column, value=text, sheet=sheet)


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; the message (German) says why and what to do.

    ``code`` is stable (for the JSON report and the tests); the message comes from its template above when the
    exception is made with ``unreadable(code, …)``. Defined here, not in the reader, so that ``etl.safety`` (which
    refuses files before the reader sees them) and the reader both use it without importing each other.
    """

    def __init__(self, message: str, code: str = "unreadable-file"):
        super().__init__(message)
        self.code = code

    def as_problem(self) -> Problem:
        """The refusal as an error problem of the file (no row or column)."""
        return Problem(self.code, "error", str(self))


def unreadable(code: str, **params) -> UnreadableFile:
    """An ``UnreadableFile`` with the German message of ``code`` filled from its template."""
    return UnreadableFile(message_de(code, **params), code)
