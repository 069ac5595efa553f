"""Reports to hand in: the Regionalbriefing (one or two A4 pages, PDF), a 1200 × 675 PNG tile for slides, and
the Länderbericht for the conference of coordination offices (PDF).

Data are gathered in one short database visit (``build_briefing``, ``build_land_report``); the PDF is drawn
afterwards, so a report being rendered never holds the store's file lock. Charts come from ``monitor.charts``
and are rendered by the shared browser of ``monitor.images``, all of a report's charts at once.

PDF library: fpdf2 with an embedded Unicode TrueType font (Liberation Sans, metric-compatible with the Arial of
the charts; DejaVu Sans where it is missing). It is pure Python (about 1 MB with fontTools), writes a small
PDF with selectable, searchable text and exact A4 geometry, needs no second browser round trip and no HTML
page layout to maintain; the charts are the same PNG images the app offers for download.

Figures come from a ``monitor.figures`` source: the public version reads the latest release, whose hidden values
carry their marks ("< 3", "•", "–"); the internal version reads the working store, says "Intern – nicht zur
Veröffentlichung" on every page and in its file name.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from . import annotations, catalogue, chain, charts, config, fmt, geo, images, planning, privacy
from .catalogue import CATALOGUE
from .datasets import DATASETS
from .figures import Figures
from .indicators import (
    DEFAULT_VARIANT,
    RegionReport,
    UnknownRegion,
    need_decimals,
)
from .periods import Period
from .regions import GERMANY, level_of

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/truetype/dejavu"))
FONT_FILES = (("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"), ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
CHART_WIDTH_PX = 900  # charts render at this width and are placed 180 mm wide (0.2 mm per px)
PDF_SCALE = 1.5  # 1,350 px across 180 mm: about 190 dpi, sharp in print, and a third less to render than 2
TILE_SIZE = (1200, 675)
TREND_QUARTERS = 8
MARGIN = 15.0  # mm
CONTENT_W = 210.0 - 2 * MARGIN
MIN_CHART_W = 130.0  # mm: a chart is shrunk down to this to stay on the page before it moves to the next
TEXT = (34, 34, 34)
MUTED = (89, 89, 89)
ACCENT = (0, 114, 178)
DEMO = (213, 94, 0)
LIGHT_FILL = (232, 238, 244)

POPULATION_SHORT = "Bevölkerung: Statistische Ämter des Bundes und der Länder"
INTERNAL_DE = (f"{privacy.internal('de')}: interne Fassung aus dem Arbeitsbestand, enthält kleine Fallzahlen.")
PUBLIC_DE = ("Öffentliche Fassung aus einer Veröffentlichung – kleine Fallzahlen und Zahlen, aus denen sie sich "
             "errechnen ließen, sind gesperrt.")

TARGET_SHORT = {
    "shelter_places": "Schutzplätze",
    "counselling_centres": "Frauenberatungsstellen",
    "counselling_centres_sexual_violence": "Fachberatung sexualisierte Gewalt",
}
KEY_FIGURES = (
    "shelter_places_per_10k", "shelter_occupancy_women_pct", "shelter_admissions_women", "shelter_turn_aways",
    "counselling_persons", "counselling_persons_per_10k_women", "counselling_waiting_days", "police_callouts",
    "police_callouts_per_10k", "police_referral_rate_pct", "counselling_reach_rate_pct", "police_high_risk_cases",
)

# --- numbers as the report shows them ----------------------------------------------------------------------


def _is_pct(ind_id: str) -> bool:
    return CATALOGUE[ind_id].unit_de.startswith("%")


def shown(report: RegionReport, ind_id: str) -> str:
    """A value as text: German number (with "%" for percentages), its mark if hidden, "k. A." if missing."""
    v = report.values[ind_id]
    s = privacy.display_value(ind_id, v.value, v.flag)
    if s.suppressed or s.value is None:
        return s.display
    return s.display + (" %" if _is_pct(ind_id) else "")


def change(now: RegionReport, before: RegionReport, ind_id: str) -> str:
    """Change against the previous year: "+3", "−1,5 Pp." (percentage points), or a mark when one side is missing."""
    a, b = now.values[ind_id], before.values[ind_id]
    sa = privacy.display_value(ind_id, a.value, a.flag)
    sb = privacy.display_value(ind_id, b.value, b.flag)
    if sa.suppressed or sb.suppressed:
        return privacy.WITHHELD
    if sa.value is None or sb.value is None:
        return privacy.MISSING
    diff = sa.value - sb.value
    text = fmt.number(abs(diff), CATALOGUE[ind_id].decimals)
    sign = "+" if diff > 0 and text.strip("0,") else ("−" if diff < 0 and text.strip("0,") else "±")
    return f"{sign}{text}" + (" Pp." if _is_pct(ind_id) else "")


def _pct(value: float | None) -> str:
    return privacy.MISSING if value is None else f"{fmt.number(value, 0)} %"


def _need(report: RegionReport, ind_id: str) -> str:
    return fmt.number(report.value(ind_id), need_decimals(ind_id))


def _source(report: RegionReport | None, dataset_ids: Iterable[str], target_source: str | None = None, *,
            compact: bool = False) -> str:
    """The "Quelle" line of a chart: datasets, population vintage, target (``compact``: the target's source is
    named in the report's methodology section instead)."""
    labels = ", ".join(DATASETS[d].label_de for d in dataset_ids)
    parts = [f"IK-Monitor, Meldungen: {labels}"]
    p = report.population if report is not None else {}
    if p.get("reference_date"):
        parts.append(f"{POPULATION_SHORT} ({p['reference_date']:%d.%m.%Y}, Basis {p['basis']})")
    if target_source:
        parts.append("Soll: Istanbul-Konvention, Quellen unter „Methodik“" if compact else f"Soll: {target_source}")
    return "; ".join(parts)


def _target_sources(report: RegionReport) -> str:
    return "; ".join(dict.fromkeys(report.values[c].target.source for c, *_ in catalogue.TARGETED_SERVICES
                                   if report.values[c].target is not None))


def _places_per_10k_target(report: RegionReport) -> float | None:
    t = report.values["shelter_places"].target
    if t is None or t.denominator != "population_total":
        return None
    return t.value * t.factor * 10_000 / t.per_population


# --- the data of a briefing ----------------------------------------------------------------------------------


@dataclass
class Briefing:
    """Everything a Regionalbriefing shows, gathered in one database visit."""

    report: RegionReport
    previous: RegionReport
    land: RegionReport | None
    germany: RegionReport | None
    trend: pd.DataFrame
    laender: pd.DataFrame | None  # for a Land or Germany: the 16 Länder, for the comparison chart
    status: dict
    public: bool
    made_on: date
    notes: tuple = ()  # monitor.annotations.Annotation: method breaks, events, territorial changes

    @property
    def is_demo(self) -> bool:
        return bool(self.status.get("is_demo"))

    @property
    def stand(self) -> datetime | None:
        return self.status.get("stand")

    @property
    def period(self) -> Period:
        return Period(self.report.period)


def _trend(figures: Figures, ags: str, ids: Sequence[str], period: Period, variant: str) -> pd.DataFrame:
    """The last ``TREND_QUARTERS`` quarters up to the end of ``period``."""
    last = period.last
    first = last
    for _ in range(TREND_QUARTERS - 1):
        first = first.previous()
    return figures.series(ags, list(ids), first=first, last=last, variant=variant)


def build_briefing(figures: Figures, ags: str, period: Period | str, *, variant: str = DEFAULT_VARIANT,
                   today: date | None = None) -> Briefing:
    """Gather the figures of a Regionalbriefing for region ``ags`` (Kreis, Land or ``00``) and ``period``.

    The version (public or internal) is the source's: a release, or the working store.
    """
    period = period if isinstance(period, Period) else Period.parse(str(period))
    report = figures.report(ags, period, variant)
    previous = figures.report(report.region, period.previous_year(), variant)
    level = report.level
    land = figures.report(report.region[:2], period, variant) if level == "kreis" else None
    germany = figures.report(GERMANY, period, variant) if report.region != GERMANY else None
    trend = _trend(figures, report.region, ("shelter_places", "shelter_places_needed"), period, variant)
    laender = figures.table("land", period, variant=variant) if level != "kreis" else None
    return Briefing(report, previous, land, germany, trend, laender, figures.status(), figures.public,
                    today or config.today(), tuple(figures.annotations()))


# --- the charts of a briefing --------------------------------------------------------------------------------


def _style(b_status: dict) -> dict:
    return {"stand": b_status.get("stand"), "is_demo": bool(b_status.get("is_demo")), "language": "de"}


def _attainment_figure(report: RegionReport, status: dict, where: str, compact: bool = False) -> go.Figure:
    rows = []
    for capacity, _need, _gap, _cov in catalogue.TARGETED_SERVICES:
        rows.append({"label": TARGET_SHORT[capacity], "actual": report.coverage_pct(capacity),
                     "target": 100.0})
    return charts.gap_bars(
        pd.DataFrame(rows), label="label", actual="actual", target="target",
        title=charts.chart_title("Zielerreichung", where, report.period),
        subtitle="Ist in % des Solls (Soll = 100 %); Schutzplätze: Plätze, nicht Familienplätze",
        unit="%", source=_source(report, ("shelters", "counselling"), _target_sources(report), compact=compact),
        **_style(status),
    )


def _trend_figure(report: RegionReport, trend: pd.DataFrame, status: dict, where: str, public: bool,
                  compact: bool = False, notes: Sequence[annotations.Annotation] = ()) -> go.Figure | None:
    if trend.empty or trend["shelter_places"].isna().all():
        return None
    # start at the first quarter with data: empty quarters before it say nothing
    trend = trend.iloc[int(trend["shelter_places"].notna().to_numpy().argmax()):]
    frame = trend.set_index("quarter")[["shelter_places"]].astype("float64")
    frame.columns = ["Schutzplätze"]
    masks = None
    if privacy.suppression_mask(trend, "shelter_places").any():
        masks = pd.DataFrame({"Schutzplätze": privacy.marks_of(trend, "shelter_places").to_numpy()},
                             index=frame.index)
    target = report.values["shelter_places"].target
    span = f"{fmt.quarter(frame.index[0])}–{fmt.quarter(frame.index[-1])}"
    return charts.trend_chart(
        frame, title=charts.chart_title("Schutzplätze und Soll", where, span),
        subtitle="Plätze (Betten) für Frauen und Kinder am Quartalsende; gestrichelt: Soll",
        unit="Plätze", target=trend.set_index("quarter")["shelter_places_needed"],
        target_label=target.label_de if target else "", suppressed=masks, height=180,
        breaks=annotations.marks(list(notes), report.region),
        source=_source(report, ("shelters",), target.source if target else None, compact=compact), **_style(status),
    )


def _comparison_figure(b: Briefing, compact: bool = False) -> go.Figure:
    """Shelter places per 10,000: the Kreis beside its Land and Germany, or a Land among the Länder."""
    ind_id = "shelter_places_per_10k"
    r = b.report
    if r.level == "kreis":
        reps = [x for x in (r, b.land, b.germany) if x is not None]
        df = pd.DataFrame({"ags": [x.region for x in reps], "name": [x.region_name for x in reps],
                           ind_id: [x.value(ind_id) for x in reps]})
        scope = f"{r.region_name} im Vergleich"
    else:
        df = b.laender[["ags", "name", ind_id]].copy()
        scope = "Länder"
    target = _places_per_10k_target(r)
    return charts.bar_ranking(
        df, value=ind_id, label="name", key="ags", highlight=r.region if r.region != GERMANY else None,
        title=charts.chart_title("Schutzplätze je 10.000 Einwohner:innen", scope, r.period),
        subtitle="Plätze (Betten) für Frauen und Kinder je 10.000 Einwohner:innen; gestrichelt: Soll",
        unit="Plätze je 10.000", decimals=2, target=target,
        target_label=f"Soll {fmt.number(target, 1)} je 10.000" if target else "", axis_title="",
        source=_source(r, ("shelters",), r.values["shelter_places"].target.source
                       if r.values["shelter_places"].target else None, compact=compact), **_style(b.status),
    )


def _chain_figure(report: RegionReport, status: dict, where: str) -> go.Figure:
    return chain.figure(report, where, note=catalogue.COMPARABILITY_DE,
                        source=_source(report, ("police", "counselling", "shelters")), **_style(status))


def briefing_figures(b: Briefing, *, compact: bool = False) -> dict[str, go.Figure]:
    """The briefing's charts by file-name slug. ``compact`` (for the PDF): the target sources are left to the
    methodology section, and the target attainment, which the PDF shows as a table, is left out."""
    where = b.report.region_name
    figs = {
        "zielerreichung": None if compact else _attainment_figure(b.report, b.status, where),
        "schutzplaetze-vergleich": _comparison_figure(b, compact),
        "schutzplaetze-verlauf": _trend_figure(b.report, b.trend, b.status, where, b.public, compact, b.notes),
        "interventionskette": _chain_figure(b.report, b.status, where),
    }
    return {k: v for k, v in figs.items() if v is not None}


# --- the PDF -------------------------------------------------------------------------------------------------


def _fonts() -> tuple[Path, Path]:
    for folder in FONT_DIRS:
        for regular, bold in FONT_FILES:
            if (folder / regular).is_file() and (folder / bold).is_file():
                return folder / regular, folder / bold
    raise FileNotFoundError("Keine Schrift für PDF-Berichte gefunden: Debian-Paket fonts-liberation oder "
                            "fonts-dejavu-core installieren.")


def _fmt_stand(stand: Any) -> str:
    if isinstance(stand, datetime):
        return stand.strftime("%d.%m.%Y, %H:%M Uhr")
    return fmt.stand(stand)


class ReportPdf(FPDF):
    """An A4 page frame: running footer with page numbers, and the "Demodaten" mark on every page of demo data."""

    def __init__(self, *, running_title: str, is_demo: bool, made_on: date, subject: str = "",
                 internal: bool = False):
        super().__init__(orientation="P", unit="mm", format="A4")
        regular, bold = _fonts()
        self.add_font("Sans", "", str(regular))
        self.add_font("Sans", "B", str(bold))
        self.running_title = running_title
        self.is_demo = is_demo
        self.internal = internal
        self.made_on = made_on
        self.set_margins(MARGIN, 13, MARGIN)
        self.set_auto_page_break(True, margin=15)
        self.set_title(running_title)
        self.set_author("IK-Monitor")
        self.set_creator("IK-Monitor")
        self.set_subject(subject or running_title)
        self.set_lang("de-DE")
        self.set_font("Sans", size=9)
        self.set_text_color(*TEXT)

    def header(self) -> None:
        if self.internal:  # on every page, where a forwarded page would carry it
            self.set_font("Sans", "B", 8)
            self.set_fill_color(170, 0, 0)
            self.set_text_color(255, 255, 255)
            self.set_xy(MARGIN, 5)
            self.cell(70, 5, privacy.internal('de').upper(), fill=True, align="C")
            self.set_text_color(*TEXT)
            self.set_xy(MARGIN, 13)
        if not self.is_demo:
            return
        # behind everything else on the page: a pale diagonal mark, and a solid tag in the corner
        with self.local_context(fill_opacity=0.08, text_color=DEMO):
            self.set_font("Sans", "B", 72)
            width = self.get_string_width("DEMODATEN")
            with self.rotation(35, 105, 148.5):  # about the page's centre
                self.text(105 - width / 2, 148.5 + 9, "DEMODATEN")
        self.set_font("Sans", "B", 8)
        self.set_fill_color(*DEMO)
        self.set_text_color(255, 255, 255)
        self.set_xy(210 - MARGIN - 24, 5)
        self.cell(24, 5, "DEMODATEN", fill=True, align="C")
        self.set_text_color(*TEXT)
        self.set_xy(MARGIN, 13)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("Sans", size=7)
        self.set_text_color(*MUTED)
        left = f"{self.running_title} · IK-Monitor · erstellt am {self.made_on:%d.%m.%Y}"
        if self.internal:
            left = f"{privacy.internal('de')} · {left}"
        self.cell(CONTENT_W - 25, 5, left, align="L")
        self.cell(25, 5, f"Seite {self.page_no()} von {{nb}}", align="R")
        self.set_text_color(*TEXT)

    # --- building blocks ---

    def title_block(self, kicker: str, title: str, lines: Sequence[str], mode: str | None) -> None:
        """Kicker, title, lines of detail, the version (public/internal) and the demo note, ruled off."""
        self.set_font("Sans", "B", 8.5)
        self.set_text_color(*ACCENT)
        self.cell(0, 5, kicker.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*TEXT)
        self.set_font("Sans", "B", 17)
        self.multi_cell(0, 7.5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Sans", size=9)
        self.set_text_color(*MUTED)
        for line in lines:
            self.multi_cell(0, 4.6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if mode:
            self.set_font("Sans", "B", 8.5)
            self.set_text_color(*(DEMO if mode == INTERNAL_DE else MUTED))
            self.multi_cell(0, 4.6, mode, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.is_demo:
            self.set_font("Sans", "B", 8.5)
            self.set_text_color(*DEMO)
            self.multi_cell(0, 4.6, "Demodaten – erfundene Zahlen, keine echten Werte.", new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT)
        self.set_text_color(*TEXT)
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.6)
        self.line(MARGIN, self.get_y() + 1.5, 210 - MARGIN, self.get_y() + 1.5)
        self.set_line_width(0.2)
        self.ln(4)

    def heading(self, text: str, keep: float = 30) -> None:
        """A section heading that never stands alone at the foot of a page (``keep`` mm must follow)."""
        if self.get_y() + 7 + keep > self.page_break_trigger:
            self.add_page()
        self.set_font("Sans", "B", 11)
        self.set_text_color(*TEXT)
        self.cell(0, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Sans", size=9)

    def note(self, text: str, size: float = 7.5, colour: tuple = MUTED, bold: bool = False) -> None:
        """A paragraph of small print."""
        self.set_font("Sans", "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.47, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*TEXT)
        self.set_font("Sans", size=9)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
             size: float = 8, align: Sequence[str] | None = None, bold_last: bool = False) -> None:
        """A table with a shaded header row that repeats on every page it spans; cells wrap where needed.

        Drawn cell by cell: fpdf2's table() lays out every cell as a paragraph, several times slower."""
        align = list(align or ["L"] + ["R"] * (len(header) - 1))
        align = [a[0].upper() for a in align]
        line_h, pad = size * 0.42, 0.9

        def lines(cells: Sequence[str], bold: bool) -> list[list[str]]:
            self.set_font("Sans", "B" if bold else "", size)
            out = []
            for text, w in zip(cells, widths):
                text = str(text)
                if self.get_string_width(text) <= w - 2.4:
                    out.append([text])
                else:
                    out.append(self.multi_cell(w - 2.4, line_h, text, dry_run=True, output="LINES"))
            return out

        def draw(cells: Sequence[str], *, bold: bool, fill: bool) -> None:
            wrapped = lines(cells, bold)
            height = max(len(x) for x in wrapped) * line_h + 2 * pad
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                if not fill:
                    draw(header, bold=True, fill=True)
            y, x = self.get_y(), MARGIN
            if fill:
                self.set_fill_color(*LIGHT_FILL)
                self.rect(MARGIN, y, sum(widths), height, style="F")
            self.set_font("Sans", "B" if bold else "", size)
            for parts, w, al in zip(wrapped, widths, align):
                # header text sits at the bottom of its cell, body text at the top
                top = y + height - pad - len(parts) * line_h if fill else y + pad
                for i, part in enumerate(parts):
                    self.set_xy(x + 1.2, top + i * line_h)
                    self.cell(w - 2.4, line_h, part, align=al)
                x += w
            self.set_draw_color(200, 200, 200)
            self.line(MARGIN, y + height, MARGIN + sum(widths), y + height)
            self.set_xy(MARGIN, y + height)

        draw(header, bold=True, fill=True)
        for i, cells in enumerate(rows):
            draw(cells, bold=bold_last and i == len(rows) - 1, fill=False)
        self.set_font("Sans", size=9)
        self.ln(1.5)

    def chart(self, png: bytes, px_w: int, px_h: int, *, alt: str = "", min_w: float = MIN_CHART_W) -> None:
        """A chart image 180 mm wide, shrunk (not below ``min_w``) to finish the page, else on the next page."""
        w = CONTENT_W
        h = w * px_h / px_w
        room = self.page_break_trigger - self.get_y()
        if h > room:
            fit = room * px_w / px_h
            if fit >= min_w:
                w, h = fit, room
            else:
                self.add_page()
                room = self.page_break_trigger - self.get_y()
                if h > room:
                    w, h = room * px_w / px_h, room
        x = MARGIN + (CONTENT_W - w) / 2
        self.image(io.BytesIO(png), x=x, y=self.get_y(), w=w, h=h, alt_text=alt or None)
        self.set_y(self.get_y() + h + 2)


def _render(figs: Sequence[go.Figure], renderer: images.Renderer | None, width: int = CHART_WIDTH_PX
            ) -> list[tuple[bytes, int, int]]:
    """PNG bytes and their size in CSS px of every figure, rendered together."""
    r = renderer or images.renderer()
    pngs = r.render_many(list(figs), "png", width=width, scale=PDF_SCALE)
    return [(png, width, int(fig.layout.height or 500)) for png, fig in zip(pngs, figs)]


def _methodology(pdf: ReportPdf, report: RegionReport, status: dict, public: bool, *,
                 extra_sources: Sequence[str] = ()) -> None:
    """Method, sources and attributions, in small print."""
    pdf.heading("Methodik, Quellen und Hinweise", keep=40)
    p = report.population
    lines = [
        "Datengrundlage: Quartalsmeldungen der Schutzunterkünfte und Beratungsstellen (je Einrichtung, "
        "pseudonymisiert) und der Polizei (je Kreis) an die Landeskoordinierungsstelle; es werden nur Zahlen "
        "erhoben, keine personenbezogenen Daten. Keine Meldung ist nicht null („k. A.“).",
        "Meldestand: " + "; ".join(f"{DATASETS[ds].label_de}: {c.text_de}" for ds, c in report.completeness.items())
        + ".",
    ]
    for capacity, *_ in catalogue.TARGETED_SERVICES:
        t = report.values[capacity].target
        if t is not None:
            lines.append(f"Soll {TARGET_SHORT[capacity]}: {t.label_de} (gültig ab {t.valid_from:%d.%m.%Y}"
                         f"{', eigener Maßstab des Landes' if t.land_ags else ''}). Quelle: {t.source}.")
    if p.get("reference_date"):
        lines.append(f"Bevölkerung: Stichtag {p['reference_date']:%d.%m.%Y}, Basis {p['basis']}. Quelle: "
                     f"{p.get('source') or '–'}."
                     + (" Die Kreise haben Bevölkerungszahlen verschiedener Stichtage." if p.get("mixed") else ""))
    lines += [
        "Definitionen: Schutzplätze sind Plätze (Betten) für Frauen und Kinder, keine Familienplätze "
        "(1 Familienplatz = 2,5 Plätze); Männerschutzwohnungen zählen nicht. Kapazitäten gelten am Ende des "
        "letzten gemeldeten Quartals. Abweisungen zählen Anfragen, nicht Personen. Frauenberatungsstellen ohne "
        "Interventionsstellen und Täterarbeit.",
        f"Vergleichbarkeit: {catalogue.COMPARABILITY_DE}",
    ]
    rel = status.get("release")
    if public and rel:
        lines.append(f"Datenschutz: Zahlen aus der Veröffentlichung {rel['number']} vom "
                     f"{rel['created_at']:%d.%m.%Y}; ihre Geheimhaltung ist für alle Kreise, Länder, Quartale und "
                     f"Jahre gemeinsam geprüft. " + " ".join(privacy.notes("de", rel["min_count"], rel["min_events"])))
    else:
        lines.append(f"Datenschutz: {INTERNAL_DE}")
    lines += list(extra_sources)
    # date, "Stand" and the demo mark already stand in the header and the footer of every page
    for line in lines:
        pdf.note(line, size=7.2)
        pdf.ln(0.6)


def _targets_table(pdf: ReportPdf, report: RegionReport, previous: RegionReport, land: RegionReport | None,
                   germany: RegionReport | None, public: bool) -> None:
    header = ["", "Ist", "Soll", "Lücke", "Ist in % des Solls", f"Ist {fmt.quarter(previous.period)}",
              "Veränd."]
    widths = [46, 13, 13, 13, 24, 21, 17]
    if land is not None:
        header.append("Land")
        widths.append(15)
    if germany is not None:
        header.append("Deutschl.")
        widths.append(18)
    rows = []
    for capacity, need, gap, _cov in catalogue.TARGETED_SERVICES:
        row = [TARGET_SHORT[capacity], shown(report, capacity), _need(report, need), _need(report, gap),
               _pct(report.coverage_pct(capacity)), shown(previous, capacity),
               change(report, previous, capacity)]
        for other in (land, germany):
            if other is not None:
                row.append(_pct(other.coverage_pct(capacity)))
        rows.append(row)
    pdf.grid(header, rows, widths)


def _key_table(pdf: ReportPdf, report: RegionReport, previous: RegionReport, land: RegionReport | None,
               germany: RegionReport | None, public: bool) -> None:
    header = ["Kennzahl", "Einheit", Period(report.period).label_de(), "Vorjahr", "Veränd."]
    widths = [60, 33, 22, 17, 17]
    if land is not None:
        header.append("Land")
        widths.append(15)
    if germany is not None:
        header.append("Deutschl.")
        widths.append(16)
    rows = []
    for ind_id in KEY_FIGURES:
        ind = CATALOGUE[ind_id]
        row = [ind.label_de, ind.unit_de, shown(report, ind_id), shown(previous, ind_id),
               change(report, previous, ind_id)]
        for other in (land, germany):
            if other is not None:
                row.append(shown(other, ind_id))
        rows.append(row)
    pdf.grid(header, rows, widths, size=7.5, align=["LEFT", "LEFT"] + ["RIGHT"] * (len(header) - 2))


def _level_word(level: str) -> str:
    return {"kreis": "Kreis", "land": "Land", "bund": "Bund"}[level]


def briefing_pdf(b: Briefing, *, renderer: images.Renderer | None = None) -> bytes:
    """The Regionalbriefing as a one- or two-page A4 PDF in German."""
    r = b.report
    period = b.period
    figs = briefing_figures(b, compact=True)
    rendered = dict(zip(figs, _render(list(figs.values()), renderer)))
    pdf = ReportPdf(running_title=f"Regionalbriefing {r.region_name}, {period.label_de()}", is_demo=b.is_demo,
                    made_on=b.made_on, subject="Umsetzung der Istanbul-Konvention – Regionalbriefing",
                    internal=not b.public)
    pdf.add_page()
    compare = []
    if b.land is not None:
        compare.append(f"Land: {b.land.region_name}")
    if b.germany is not None:
        compare.append("Deutschland")
    pdf.title_block(
        "IK-Monitor · Regionalbriefing",
        f"{r.region_name}",
        [f"{period.label_de()} · {_level_word(r.level)} (AGS {r.region}) · Umsetzung der Istanbul-Konvention: "
         f"Schutz, Beratung, Intervention",
         f"Erstellt am {b.made_on:%d.%m.%Y} · Datenstand: {_fmt_stand(b.stand)}"
         + (f" · Vergleich: {', '.join(compare)}" if compare else "")],
        PUBLIC_DE if b.public else INTERNAL_DE,
    )
    pdf.heading("Ist, Soll und Lücke", keep=25)
    _targets_table(pdf, r, b.previous, b.land, b.germany, b.public)
    variant = ("2,5 Plätze je Familienplatz (deutsche Praxis)" if r.variant == "DE"
               else "1 Platz je Familienplatz (WAVE/EIGE)")
    pdf.note(f"Soll: Bedarf nach den Maßstäben der Istanbul-Konvention (Quellen unter „Methodik“); "
             f"Zählweise Schutzplätze: {variant}. Lücke = max(Soll − Ist, 0). Veränderung gegenüber dem "
             f"Vorjahreszeitraum {fmt.quarter(b.previous.period)}.")
    pdf.ln(1)
    pdf.heading("Kennzahlen", keep=40)
    _key_table(pdf, r, b.previous, b.land, b.germany, b.public)
    for slug, fig in figs.items():
        png, w, h = rendered[slug]
        pdf.chart(png, w, h, alt=charts.alt_text(fig))
    _methodology(pdf, r, b.status, b.public)
    return bytes(pdf.output())


# --- the slide tile ------------------------------------------------------------------------------------------


def tile_figure(b: Briefing) -> go.Figure:
    """A 1200 × 675 slide: region and period, shelter places Ist / Soll / Lücke in large print, target
    attainment of the three services as bars, source, Stand and the demo mark (house style)."""
    r = b.report
    fig = _attainment_figure(r, b.status, r.region_name)
    fig.update_layout(title=dict(text=f"<b>{r.region_name}</b>", font=dict(size=30),
                                 subtitle=dict(text=f"Istanbul-Konvention: Schutz und Beratung · "
                                                    f"{Period(r.period).label_de()} · Ist in % des Solls",
                                               font=dict(size=17))))
    kpis = [
        ("Schutzplätze (Ist)", shown(r, "shelter_places")),
        ("Soll", _need(r, "shelter_places_needed")),
        ("Lücke", _need(r, "shelter_places_missing")),
        (f"Frauenberatungsstellen (Soll {_need(r, 'counselling_centres_needed')})",
         shown(r, "counselling_centres")),
    ]
    width, height = TILE_SIZE
    margin = fig.layout.margin
    left, right = margin.l or 70, margin.r or 30
    fig.update_layout(width=width, height=height, margin=dict(t=250, b=margin.b or 100, l=left, r=right))
    plot_w = width - left - right
    for i, (label, value) in enumerate(kpis):
        # annotations are placed in plot-area fractions; the key figures line up from the picture's left edge
        x = (14 + i * 290 - left) / plot_w
        fig.add_annotation(x=x, y=1, xref="paper", yref="paper", xanchor="left", yanchor="bottom", yshift=70,
                           showarrow=False, align="left", text=f"<b>{value}</b>",
                           font=dict(size=40, color=charts.ACTUAL_COLOUR if i == 0 else charts.TEXT_COLOUR))
        fig.add_annotation(x=x, y=1, xref="paper", yref="paper", xanchor="left", yanchor="bottom", yshift=48,
                           showarrow=False, align="left", text=label, font=dict(size=15, color=charts.MUTED_COLOUR))
    return fig


def tile_png(b: Briefing, *, renderer: images.Renderer | None = None) -> bytes:
    """The slide tile as a 1200 × 675 PNG."""
    fig = tile_figure(b)
    if not b.public:
        fig = charts.mark_internal(fig)
    return (renderer or images.renderer()).render(fig, "png", width=TILE_SIZE[0], height=TILE_SIZE[1], scale=1)


# --- the Länderbericht ---------------------------------------------------------------------------------------


@dataclass
class LandReport:
    """Everything the Länderbericht shows, gathered in one database visit."""

    report: RegionReport
    previous: RegionReport
    germany: RegionReport
    kreise: pd.DataFrame
    laender: pd.DataFrame
    trend: pd.DataFrame
    status: dict
    public: bool
    made_on: date
    boundaries: dict | None = None  # the Land's Kreise (GeoJSON), None: tile map of the Länder instead
    attribution: str = ""
    plan: Any = None  # monitor.planning.Plan
    notes: tuple = ()  # monitor.annotations.Annotation

    @property
    def is_demo(self) -> bool:
        return bool(self.status.get("is_demo"))

    @property
    def period(self) -> Period:
        return Period(self.report.period)


def build_land_report(figures: Figures, land_ags: str, period: Period | str, *, variant: str = DEFAULT_VARIANT,
                      today: date | None = None, boundaries_dir: Path | str | None = None) -> LandReport:
    """Gather the figures of the Länderbericht for Land ``land_ags`` (two digits) and ``period``."""
    period = period if isinstance(period, Period) else Period.parse(str(period))
    land_ags = str(land_ags).strip()
    if level_of(land_ags) != "land":
        raise UnknownRegion(f"„{land_ags}“ ist kein Land – der Länderbericht braucht den zweistelligen Schlüssel "
                            f"eines Landes (z. B. 03 für Niedersachsen).")
    report = figures.report(land_ags, period, variant)
    previous = figures.report(land_ags, period.previous_year(), variant)
    germany = figures.report(GERMANY, period, variant)
    kreise = figures.table("kreis", period, land=land_ags, variant=variant)
    laender = figures.table("land", period, variant=variant)
    trend = _trend(figures, land_ags, ("shelter_places", "shelter_places_needed", "counselling_centres",
                                       "counselling_centres_needed"), period, variant)
    shapes = geo.load_boundaries("kreis", boundaries_dir)
    boundaries = geo.subset(shapes, land=land_ags) if shapes else None
    status = figures.status()
    plan = planning.plan_from(report, kreise, status, today=today)
    return LandReport(report, previous, germany, kreise, laender, trend, status, figures.public,
                      today or config.today(),
                      boundaries if boundaries and boundaries["features"] else None, geo.attribution(boundaries_dir),
                      plan, tuple(figures.annotations()))


def land_report_figures(lr: LandReport, *, compact: bool = False) -> dict[str, go.Figure]:
    """The Länderbericht's charts by file-name slug: map, rankings, trend (``compact``: target sources are left
    to the methodology section)."""
    r = lr.report
    style = _style(lr.status)
    t = r.values["shelter_places"].target
    source = _source(r, ("shelters",), t.source if t else None, compact=compact)
    figs: dict[str, go.Figure] = {}
    cov = "shelter_coverage_pct"
    title_map = charts.chart_title("Zielerreichung Schutzplätze", f"Kreise in {r.region_name}", r.period)
    sub = "Vorhandene Plätze in % des Solls (Soll = 100 %); Plätze, nicht Familienplätze"
    if lr.boundaries is not None:
        figs["karte"] = charts.choropleth(
            lr.boundaries, lr.kreise[["ags", "name", cov]], value=cov, title=title_map, subtitle=sub, unit="%",
            decimals=0, target=100.0, target_label="Soll = 100 %", attribution=lr.attribution, height=480,
            source=source, **style,
        )
    else:
        figs["kachelkarte"] = charts.tile_map(
            lr.laender[["ags", cov]], value=cov, title=charts.chart_title("Zielerreichung Schutzplätze", "Länder",
                                                                          r.period),
            subtitle=sub, unit="%", highlight=r.region, target=100.0, target_label="Soll = 100 %",
            names=dict(zip(lr.laender["ags"], lr.laender["name"])), source=source, **style,
        )
    figs["rangfolge-kreise"] = charts.bar_ranking(
        lr.kreise, value=cov, label="name", title=title_map, subtitle=sub, unit="%", target=100,
        target_label="Soll", source=source, **style,
    )
    figs["rangfolge-laender"] = charts.bar_ranking(
        lr.laender, value=cov, label="name", highlight=r.region,
        title=charts.chart_title("Zielerreichung Schutzplätze", "Länder", r.period), subtitle=sub, unit="%",
        target=100, target_label="Soll", note=catalogue.COMPARABILITY_DE, source=source, **style,
    )
    trend = _trend_figure(r, lr.trend, lr.status, r.region_name, lr.public, compact, lr.notes)
    if trend is not None:
        figs["schutzplaetze-verlauf"] = trend
    return figs


def _kreise_rows(lr: LandReport) -> tuple[list[str], list[list[str]], list[float]]:
    header = ["AGS", "Kreis / kreisfreie Stadt", "Einw.", "Plätze Ist", "Soll", "Lücke", "Deckung",
              "Beratungsst. Ist", "Soll", "Lücke", "Meldungen Einr."]
    widths = [11, 50, 16, 13, 12, 12, 13, 15, 10, 10, 18]
    rows = []
    k = lr.kreise.sort_values("ags")
    for rec in k.to_dict("records"):
        sr, sk = rec.get("shelters_facilities_reported"), rec.get("shelters_facilities_known")
        reported = rec.get("shelters_kreise_reported")
        if reported is None or pd.isna(reported) or not reported:
            meldung = privacy.MISSING
        else:
            meldung = f"{int(sr or 0)} von {int(sk or 0)}" if sk and not pd.isna(sk) else "keine Einr."
        rows.append([
            rec["ags"], rec["name"], fmt.number(rec["population_total"]),
            fmt.number(rec["shelter_places"]), fmt.number(rec["shelter_places_needed"]),
            fmt.number(rec["shelter_places_missing"]), _pct(_nan_none(rec["shelter_coverage_pct"])),
            fmt.number(rec["counselling_centres"]), fmt.number(rec["counselling_centres_needed"], 1),
            fmt.number(rec["counselling_centres_missing"], 1), meldung,
        ])
    r = lr.report
    rows.append([r.region, f"{r.region_name} insgesamt", fmt.number(r.population.get("total")),
                 shown(r, "shelter_places"), _need(r, "shelter_places_needed"),
                 _need(r, "shelter_places_missing"), _pct(r.value("shelter_coverage_pct")),
                 shown(r, "counselling_centres"), _need(r, "counselling_centres_needed"),
                 _need(r, "counselling_centres_missing"),
                 f"{r.completeness['shelters'].facilities_reported or 0} von "
                 f"{r.completeness['shelters'].facilities_known or 0}"])
    return header, rows, widths


def _nan_none(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else float(v)


def land_report_pdf(lr: LandReport, *, renderer: images.Renderer | None = None) -> bytes:
    """The Länderbericht as an A4 PDF in German."""
    r = lr.report
    period = lr.period
    figs = land_report_figures(lr, compact=True)
    rendered = dict(zip(figs, _render(list(figs.values()), renderer)))
    pdf = ReportPdf(running_title=f"Länderbericht {r.region_name}, {period.label_de()}", is_demo=lr.is_demo,
                    made_on=lr.made_on, subject="Umsetzung der Istanbul-Konvention – Länderbericht",
                    internal=not lr.public)
    pdf.add_page()
    pdf.title_block(
        "IK-Monitor · Länderbericht für die Konferenz der Koordinierungsstellen",
        f"{r.region_name}",
        [f"{period.label_de()} · Land (AGS {r.region}) · Schutz, Beratung, Intervention nach der "
         f"Istanbul-Konvention",
         f"Erstellt am {lr.made_on:%d.%m.%Y} · Datenstand: {_fmt_stand(lr.status.get('stand'))} · "
         f"Vergleich: Deutschland"],
        PUBLIC_DE if lr.public else INTERNAL_DE,
    )
    pdf.heading("Ist, Soll und Lücke", keep=25)
    _targets_table(pdf, r, lr.previous, None, lr.germany, lr.public)
    pdf.heading("Kennzahlen", keep=40)
    _key_table(pdf, r, lr.previous, None, lr.germany, lr.public)
    plan = lr.plan
    if plan is not None:
        t = plan.total
        pdf.heading("Bedarfsplanung nach dem Gewalthilfegesetz", keep=20)
        per_year_places = fmt.number(t["places_per_year"]) if t["places_per_year"] is not None else "k. A."
        per_year_centres = fmt.number(t["centres_per_year"]) if t["centres_per_year"] is not None else "k. A."
        pdf.note(
            f"Bedarf in den {len(plan.rows)} Kreisen: {fmt.number(t['places_needed'])} Schutzplätze und "
            f"{fmt.number(t['centres_needed'])} Frauenberatungsstellen; Lücke "
            f"{fmt.number(t['places_gap'])} Plätze und {fmt.number(t['centres_gap'])} Stellen. "
            f"Um sie bis 1.1.2032 zu schließen ({plan.years_text_de}), sind in den Kreisen zusammen jährlich bis "
            f"zu {per_year_places} Plätze und {per_year_centres} Beratungsstellen aufzubauen. Rundung: Plätze "
            f"aufgerundet, Beratungsstellen kaufmännisch gerundet (mind. eine je Kreis); Details und Jahresplan in "
            f"der Excel-Ausgabe der Bedarfsplanung. {plan.population_text_de}.",
            size=8, colour=TEXT)
        pdf.ln(1)
    for slug in ("karte", "kachelkarte", "rangfolge-laender", "schutzplaetze-verlauf", "rangfolge-kreise"):
        if slug in rendered:
            png, w, h = rendered[slug]
            # a map shrunk to fill a page's foot would be unreadable: it moves to the next page instead
            pdf.chart(png, w, h, alt=charts.alt_text(figs[slug]),
                      min_w=160 if slug in ("karte", "kachelkarte") else MIN_CHART_W)
    pdf.heading(f"Kreise in {r.region_name}: Ist, Soll und Lücke", keep=40)
    header, rows, widths = _kreise_rows(lr)
    pdf.grid(header, rows, widths, size=7, align=["LEFT", "LEFT"] + ["RIGHT"] * (len(header) - 2), bold_last=True)
    pdf.note("Plätze: Schutzplätze (Betten) für Frauen und Kinder. Deckung: Ist in % des Solls. Beratungsst.: "
             "Frauenberatungsstellen. Meldungen Einr.: Schutzunterkünfte, die gemeldet haben, von denen, die in den "
             "vier Quartalen davor gemeldet haben; „k. A.“: keine Meldung des Landes für den Kreis.")
    pdf.ln(1)
    extra = [f"Karte: {lr.attribution}."] if lr.boundaries is not None else []
    _methodology(pdf, r, lr.status, lr.public, extra_sources=extra)
    return bytes(pdf.output())


# --- one call from the CLI or a page ------------------------------------------------------------------------


def briefing_filename(ags: str, period: Period | str, ext: str = "pdf", *, public: bool = True) -> str:
    """``ik-monitor_regionalbriefing_05913_2025-Q2.pdf`` (``…_INTERN.pdf`` for the internal version)."""
    return privacy.file_name(f"ik-monitor_regionalbriefing_{ags}_{period}.{ext}", public)


def land_report_filename(land_ags: str, period: Period | str, *, public: bool = True) -> str:
    """``ik-monitor_laenderbericht_05_2025-Q2.pdf`` (``…_INTERN.pdf`` for the internal version)."""
    return privacy.file_name(f"ik-monitor_laenderbericht_{land_ags}_{period}.pdf", public)
