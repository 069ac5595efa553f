"""Excel templates for the three datasets, written from monitor/datasets.py only.

A template is a workbook with the sheets "Daten" (canonical German headers in row 1, dropdowns and number
checks that Excel enforces with German messages), "Ausfüllhinweise" (how to fill it in), "Regionen" (the
Kreise with their AGS) and a hidden "Listen" sheet that feeds the dropdowns. ``write_workbook`` writes the
same layout filled with rows; the demo data and the tests go through it, so a filled template is exactly what
an office sends back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from monitor import datasets, fmt
from monitor.datasets import AGS, CATEGORY, COUNT, DECIMAL, ID, KIND_LABELS, QUARTER, Column, Dataset
from monitor.i18n import N_, translate
from monitor.periods import latest_complete_quarter
from monitor.regions import RegionIndex

DATA_SHEET = "Daten"
HELP_SHEET = "Ausfüllhinweise"
REGIONS_SHEET = "Regionen"
LISTS_SHEET = "Listen"

# How many complete quarters the quarter dropdown offers (older ones can still be typed after a warning).
QUARTERS_OFFERED = 8
# Empty template rows that carry the dropdowns and checks below the data.
SPARE_ROWS = 1000

REQUIRED_FILL = PatternFill("solid", start_color="FCE4D6", end_color="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")

def offered_quarters(today: date, extra: Iterable[str] = ()) -> list[str]:
    """The quarters in the dropdown: the last complete ones, newest first, plus any in ``extra``."""
    q = latest_complete_quarter(today)
    out = []
    for _ in range(QUARTERS_OFFERED):
        out.append(str(q))
        q = q.previous()
    for text in sorted(set(extra) - set(out), reverse=True):
        out.append(text)
    return out


def write_template(dataset_id: str, out: Path | str, *, regions: RegionIndex, today: date) -> Path:
    """Write an empty template for ``dataset_id`` to ``out`` (.xlsx) and return its path."""
    return write_workbook(dataset_id, [], out, regions=regions, today=today)


def write_workbook(
    dataset_id: str,
    rows: pd.DataFrame | Sequence[dict],
    out: Path | str,
    *,
    regions: RegionIndex,
    today: date,
) -> Path:
    """Write a template for ``dataset_id`` filled with ``rows`` (keys/columns = dataset fields) to ``out``."""
    ds = datasets.get(dataset_id)
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    unknown = [c for c in frame.columns if c not in ds.fields]
    if unknown:
        raise ValueError(f"columns not in dataset {ds.id!r}: {unknown}")
    values = _column_values(ds, frame)
    n_rows = len(frame)

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # write_only streams rows (fast for 30,000 rows) and still supports styles, comments and validations
    wb = Workbook(write_only=True)
    data = wb.create_sheet(DATA_SHEET)
    help_ws = wb.create_sheet(HELP_SHEET)
    regions_ws = wb.create_sheet(REGIONS_SHEET)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists_ws.sheet_state = "hidden"

    quarters = offered_quarters(today, extra=_present(frame, "quarter"))
    kreise = sorted((r for r in regions.kreise() if r.valid_on(today)), key=lambda r: r.ags)
    list_ranges = _write_lists(lists_ws, ds, quarters)
    regions_range = _write_regions(regions_ws, kreise, regions)
    _write_data(data, ds, values, n_rows, list_ranges, regions_range)
    _write_help(help_ws, ds, quarters, today)
    wb.save(out)
    return out


def _present(frame: pd.DataFrame, field: str) -> list[str]:
    if field not in frame.columns:
        return []
    return [str(v) for v in frame[field].dropna().unique()]


def _column_values(ds: Dataset, frame: pd.DataFrame) -> list[list]:
    """One list of cell values per dataset column; missing values become empty cells."""
    out = []
    for col in ds.columns:
        if col.field not in frame.columns:
            out.append([None] * len(frame))
            continue
        s = frame[col.field]
        missing = s.isna().tolist()
        out.append([None if m else v for v, m in zip(s.tolist(), missing)])
    return out


def _write_lists(ws, ds: Dataset, quarters: list[str]) -> dict[str, str]:
    """Write the dropdown lists in columns of the hidden sheet; returns field → absolute range."""
    lists: dict[str, list[str]] = {"quarter": quarters}
    for col in ds.columns:
        if col.choices:
            lists[col.field] = list(col.choices)
    ws.append([WriteOnlyCell(ws, "Auswahllisten für die Dropdowns im Blatt „Daten“ – bitte nicht ändern.")])
    fields = list(lists)
    longest = max(len(v) for v in lists.values())
    for i in range(longest):
        ws.append([lists[f][i] if i < len(lists[f]) else None for f in fields])
    return {
        f: f"{LISTS_SHEET}!${get_column_letter(j)}$2:${get_column_letter(j)}${len(lists[f]) + 1}"
        for j, f in enumerate(fields, 1)
    }


def _write_regions(ws, kreise, regions: RegionIndex) -> str:
    # headers deliberately not dataset headers ("AGS", "Kreis"), so the reader skips this sheet
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 48
    ws.column_dimensions["C"].width = 26
    ws.freeze_panes = "A2"
    ws.append([_bold(ws, "Kennziffer (AGS)"), _bold(ws, "Name"), _bold(ws, "Bundesland")])
    for r in kreise:
        land = regions.land_of(r.ags)
        ws.append([r.ags, r.name, land.name if land else ""])
    return f"{REGIONS_SHEET}!$A$2:$A${len(kreise) + 1}"


def _bold(ws, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, text)
    cell.font = BOLD
    return cell


def _header_cell(ws, col: Column) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, col.header)
    cell.font = BOLD
    cell.alignment = HEADER_ALIGN
    cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
    lines = ["Pflichtangabe." if col.required else "Freiwillige Angabe – leer lassen, wenn unbekannt.", col.help_de]
    if col.choices:
        lines.append("Erlaubt: " + ", ".join(col.choices) + ".")
    comment = Comment("\n".join(lines), "IK-Monitor")
    comment.width = 320
    comment.height = 140
    cell.comment = comment
    return cell


def _column_width(col: Column, values: list) -> float:
    sample = [len(str(v)) for v in values[:200] if v is not None]
    return min(max([len(col.header) + 2, 10, *(n + 2 for n in sample)]), 40)


def _write_data(ws, ds: Dataset, values: list[list], n_rows: int, lists: dict[str, str], regions_range: str) -> None:
    for j, col in enumerate(ds.columns, 1):
        ws.column_dimensions[get_column_letter(j)].width = _column_width(col, values[j - 1])
    ws.freeze_panes = "A2"
    last = max(n_rows + 1, 1) + SPARE_ROWS
    for j, col in enumerate(ds.columns, 1):
        dv = _validation(col, lists, regions_range)
        if dv is not None:
            letter = get_column_letter(j)
            dv.add(f"{letter}2:{letter}{last}")
            ws.data_validations.append(dv)
    ws.append([_header_cell(ws, col) for col in ds.columns])
    for row in zip(*values):
        ws.append(row)


def _validation(col: Column, lists: dict[str, str], regions_range: str) -> DataValidation | None:
    """Excel's own check for a column, with a German message; None where Excel cannot help."""
    common = dict(allow_blank=True, showErrorMessage=True)
    if col.kind == QUARTER:
        # a warning, not a stop: late reports for older quarters must stay possible
        return DataValidation(
            type="list", formula1=f"={lists['quarter']}", errorStyle="warning", errorTitle="Quartal prüfen",
            error="Bitte ein Quartal in der Form JJJJ-Qn wählen, z. B. 2025-Q2. Ältere Quartale: "
                  "Warnung mit „Ja“ bestätigen.", **common)
    if col.kind == AGS:
        # a warning: the help text allows an unambiguous Kreis name instead of the AGS
        return DataValidation(
            type="list", formula1=f"={regions_range}", errorStyle="warning", errorTitle="Kreisschlüssel prüfen",
            error="Bitte den fünfstelligen Kreisschlüssel (AGS) aus dem Blatt „Regionen“ wählen, "
                  "z. B. 05913 für Dortmund.", **common)
    if col.kind == CATEGORY and col.field in lists:
        return DataValidation(
            type="list", formula1=f"={lists[col.field]}", errorStyle="stop", errorTitle="Wert nicht erlaubt",
            error="Bitte einen Wert aus der Liste wählen: " + ", ".join(col.choices) + ".", **common)
    if col.kind == ID:
        return DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1="40", errorStyle="stop",
            errorTitle="Kennung zu lang", error="Höchstens 40 Zeichen: eine pseudonyme Kennung wie NI-FH-017, "
                                                 "keine Adresse und kein Name.",
            showInputMessage=True, promptTitle="Pseudonyme Kennung",
            prompt="z. B. NI-FH-017. Keine Adresse, kein Name – Standorte sind vertraulich.", **common)
    if col.kind == COUNT:
        if col.field in _day_count_fields():
            return DataValidation(
                type="whole", operator="between", formula1="0", formula2="92", errorStyle="stop",
                errorTitle="Ganze Zahl 0 bis 92", error="Bitte eine Anzahl Tage von 0 bis 92 eingeben "
                                                       "(ein Quartal hat höchstens 92 Tage).", **common)
        return DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", errorStyle="stop",
            errorTitle="Ganze Zahl ≥ 0", error="Bitte eine ganze Zahl ab 0 eingeben, z. B. 12. "
                                               "Unbekannt: Zelle leer lassen.", **common)
    if col.kind == DECIMAL:
        return DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", errorStyle="stop",
            errorTitle="Zahl ≥ 0", error="Bitte eine Zahl ab 0 eingeben, z. B. 2,5. Unbekannt: Zelle leer lassen.",
            **common)
    return None


def _day_count_fields() -> set[str]:
    return {f for ds in datasets.DATASETS.values() for f in ds.day_counts}


# The help sheet's paragraphs: (title, text) as German message ids; {sheet}, {regions}, {quarter} and {offered}
# are filled in when the sheet is written
_HELP = (
    (N_("Überschriften"), N_("Die Überschriften in Zeile 1 des Blatts „{sheet}“ bitte nicht ändern. Orange "
                             "hinterlegte Spalten sind Pflichtangaben, blau hinterlegte freiwillig. Ein Kommentar "
                             "an jeder Überschrift erklärt die Spalte.")),
    (N_("Quartal"), N_("In der Form JJJJ-Qn, z. B. {quarter}. Die Auswahlliste enthält die letzten {offered} "
                       "abgeschlossenen Quartale; ältere Quartale können nachgemeldet werden (Warnung mit „Ja“ "
                       "bestätigen). Mehrere Quartale in einer Datei sind möglich.")),
    (N_("Region"), N_("Fünfstelliger Kreisschlüssel (AGS) des Kreises oder der kreisfreien Stadt; die Liste steht "
                      "im Blatt „{regions}“. Zwei Kreise können gleich heißen (z. B. Osnabrück, Stadt 03404 und "
                      "Landkreis 03459) – deshalb zählt der Schlüssel, nicht der Name.")),
    (N_("Fehlende Angaben"), N_("Freiwillige Angaben, die nicht vorliegen: Zelle leer lassen oder „k.A.“ "
                                "eintragen. Eine 0 nur eintragen, wenn der Wert wirklich null ist – „nicht "
                                "erhoben“ ist nicht null. Pflichtangaben dürfen nicht fehlen.")),
    (N_("Datenschutz"), N_("Nur Anzahlen (Summen) je Zeile – keine Namen, keine Geburtsdaten, keine Einzelfälle, "
                           "keine personenbezogenen Daten.")),
)
_FACILITIES = (N_("Einrichtungen"), N_("Jede Einrichtung hat eine pseudonyme, dauerhaft gleiche Kennung (z. B. "
                                       "NI-FH-017). Keine Adressen und keine Namen – Standorte von "
                                       "Schutzunterkünften sind vertraulich."))
_SENDING = (
    (N_("Zahlen"), N_("Ganze Zahlen ohne Tausenderpunkt eingeben; Dezimalzahlen mit Komma (2,5). Keine Formeln, "
                      "oder vor dem Speichern neu berechnen, damit die Werte in der Datei stehen.")),
    (N_("Einsenden"), N_("Datei als .xlsx speichern und über die Upload-Seite des IK-Monitors hochladen oder auf "
                         "dem vereinbarten sicheren Weg an die Landeskoordinierungsstelle senden. Der IK-Monitor "
                         "prüft die Datei beim Hochladen und nennt jede Unstimmigkeit mit Zeile und Spalte.")),
)
# the column table's head
HELP_COLUMNS = (N_("Spalte"), N_("Angabe"), N_("Art des Werts"), N_("Erklärung"), N_("Erlaubte Werte"))


def help_lines(ds: Dataset, quarters: list[str], today: date, language: str = "de") -> list[tuple[str, ...]]:
    """The help sheet line by line: a title, the date, an empty line, (title, text) paragraphs, an empty line,
    the column table's head (``HELP_COLUMNS``) and one 5-tuple per column. German in the template; the upload
    page shows the same in the session's language."""
    def _(msgid: str, **params) -> str:
        return translate(msgid, language, **params)

    label = ds.label_en if language == "en" else ds.label_de
    description = ds.description_en if language == "en" else ds.description_de
    unit = ds.unit_en if language == "en" else ds.unit_de
    lines: list[tuple[str, ...]] = [
        (_("Ausfüllhinweise – Vorlage {dataset} (IK-Monitor)", dataset=label),),
        (_("Stand der Vorlage: {date}", date=fmt.date_(today, language)),),
        (),
        (_("Was eine Zeile ist"), _("Im Blatt „{sheet}“ steht {unit}. {description}", sheet=DATA_SHEET, unit=unit,
                                    description=description)),
    ]
    params = {"sheet": DATA_SHEET, "regions": REGIONS_SHEET, "quarter": quarters[0], "offered": QUARTERS_OFFERED}
    paragraphs = [*_HELP, *((_FACILITIES,) if ds.per_facility else ()), *_SENDING]
    lines += [(_(title), _(text, **params)) for title, text in paragraphs]
    lines += [(), tuple(_(h) for h in HELP_COLUMNS)]
    for col in ds.columns:
        # "Spalte „…“" rather than the bare header, so the reader never mistakes this sheet for data
        lines.append((
            _("Spalte „{header}“", header=col.header),
            _("Pflicht") if col.required else _("freiwillig"),
            _(KIND_LABELS[col.kind]),
            col.help_en if language == "en" and col.help_en else col.help_de,
            ", ".join(col.choices) if col.choices else "",
        ))
    return lines


def _write_help(ws, ds: Dataset, quarters: list[str], today: date) -> None:
    for letter, width in zip("ABCDE", (28, 60, 26, 70, 40)):
        ws.column_dimensions[letter].width = width
    for i, line in enumerate(help_lines(ds, quarters, today)):
        cells = []
        for j, text in enumerate(line):
            cell = WriteOnlyCell(ws, text)
            cell.alignment = WRAP
            if i == 0:
                cell.font = TITLE
            elif j == 0 or line[0] == "Spalte":
                cell.font = BOLD
            cells.append(cell)
        ws.append(cells)
