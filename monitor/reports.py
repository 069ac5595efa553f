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

Every document is written in the ``language`` asked for ("de" or "en"): texts through the language layer
(``monitor.i18n``), numbers, dates and quarters through ``monitor.fmt``; the data gathered are the same.
"""

from __future__ import annotations

import io
import itertools
import math
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import pandas as pd
import plotly.graph_objects as go
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from . import annotations, catalogue, chain, charts, config, fmt, geo, images, planning, privacy
from .catalogue import CATALOGUE
from .datasets import DATASETS
from .figures import Figures
from .i18n import N_, translate
from .indicators import (
    DEFAULT_VARIANT,
    RegionReport,
    need_decimals,
    require_land,
)
from .periods import Period
from .regions import GERMANY

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/truetype/dejavu"))
FONT_FILES = (("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"), ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
CHART_WIDTH_PX = 900  # charts render at this width and are placed 180 mm wide (0.2 mm per px)
PDF_SCALE = 1.5  # 1,350 px across 180 mm: about 190 dpi, sharp in print, and a third less to render than 2
TILE_SIZE = (1200, 675)
TREND_QUARTERS = 8
MARGIN = 15.0  # mm
CONTENT_W = 210.0 - 2 * MARGIN
MIN_CHART_W = 130.0  # mm: a chart is shrunk down to this to stay on the page before it moves to the next
CHART_GAP = 2.0  # mm below a chart
TEXT = (34, 34, 34)
MUTED = (89, 89, 89)
ACCENT = (0, 114, 178)
DEMO = (213, 94, 0)
LIGHT_FILL = (232, 238, 244)

LANGUAGE_TAGS = {"de": "de-DE", "en": "en-GB"}  # the PDF's /Lang, for screen readers

POPULATION_SOURCE = N_("Bevölkerung: Statistische Ämter des Bundes und der Länder ({date}, Basis {basis})")
INTERNAL = N_("{internal}: interne Fassung aus dem Arbeitsbestand, enthält kleine Fallzahlen.")
PUBLIC = N_("Öffentliche Fassung aus einer Veröffentlichung – kleine Fallzahlen und Zahlen, aus denen sie sich "
            "errechnen ließen, sind gesperrt.")
TARGET_SHORT = {
    "shelter_places": N_("Schutzplätze"),
    "counselling_centres": N_("Frauenberatungsstellen"),
    "counselling_centres_sexual_violence": N_("Fachberatung sexualisierte Gewalt"),
}
VARIANT_TEXT = {"DE": N_("2,5 Plätze je Familienplatz (deutsche Praxis)"),
                "WAVE/EIGE": N_("1 Platz je Familienplatz (WAVE/EIGE)")}
LEVEL_WORDS = {"kreis": N_("Kreis"), "land": N_("Land"), "bund": N_("Bund")}
GERMANY_NAME = N_("Deutschland")
KEY_FIGURES = (
    "shelter_places_per_10k", "shelter_occupancy_women_pct", "shelter_admissions_women", "shelter_turn_aways",
    "counselling_persons", "counselling_persons_per_10k_women", "counselling_waiting_days", "police_callouts",
    "police_callouts_per_10k", "police_referral_rate_pct", "counselling_reach_rate_pct", "police_high_risk_cases",
)

# --- numbers as the report shows them ----------------------------------------------------------------------


def _t(msgid: str, language: str, **params) -> str:
    return translate(msgid, language, **params)


def _is_pct(ind_id: str) -> bool:
    return CATALOGUE[ind_id].unit_de.startswith("%")


def _missing(language: str) -> str:
    return fmt.MISSING.get(language, fmt.MISSING["de"])


def region_name(report: RegionReport, language: str = "de") -> str:
    """The region's name as a report prints it ("Deutschland" / "Germany"; Kreise and Länder as named)."""
    return translate(GERMANY_NAME, language) if report.region == GERMANY else report.region_name


def shown(report: RegionReport, ind_id: str, language: str = "de") -> str:
    """A value as text: a number in ``language`` (with "%" for percentages), its mark if hidden, "k. A." / "n/a"
    if missing."""
    v = report.values[ind_id]
    s = privacy.display_value(ind_id, v.value, v.flag, language=language)
    if s.suppressed or s.value is None:
        return s.display
    return fmt.percent(s.value, CATALOGUE[ind_id].decimals, language) if _is_pct(ind_id) else s.display


_POINTS = N_("{change} Pp.")


def change(now: RegionReport, before: RegionReport, ind_id: str, language: str = "de") -> str:
    """Change against the previous year: "+3", "−1,5 Pp." (percentage points), or a mark when one side is missing."""
    a, b = now.values[ind_id], before.values[ind_id]
    sa = privacy.display_value(ind_id, a.value, a.flag)
    sb = privacy.display_value(ind_id, b.value, b.flag)
    if sa.suppressed or sb.suppressed:
        return privacy.WITHHELD
    if sa.value is None or sb.value is None:
        return _missing(language)
    text = fmt.signed(sa.value - sb.value, CATALOGUE[ind_id].decimals, language)
    return _t(_POINTS, language, change=text) if _is_pct(ind_id) else text


def _pct(value: float | None, language: str) -> str:
    return fmt.percent(value, 0, language)


def _need(report: RegionReport, ind_id: str, language: str) -> str:
    return fmt.number(report.value(ind_id), need_decimals(ind_id), language)


def _dataset_label(dataset_id: str, language: str) -> str:
    ds = DATASETS[dataset_id]
    return ds.label_en if language == "en" else ds.label_de


def _target_label(t, language: str) -> str:
    return t.label_en if language == "en" and t.label_en else t.label_de


def _source(report: RegionReport | None, dataset_ids: Iterable[str], target_source: str | None = None, *,
            compact: bool = False, language: str = "de") -> str:
    """The "Quelle" line of a chart: datasets, population vintage, target (``compact``: the target's source is
    named in the report's methodology section instead)."""
    labels = ", ".join(_dataset_label(d, language) for d in dataset_ids)
    parts = [_t(N_("IK-Monitor, Meldungen: {datasets}"), language, datasets=labels)]
    p = report.population if report is not None else {}
    if p.get("reference_date"):
        parts.append(_t(POPULATION_SOURCE, language, date=fmt.date_(p["reference_date"], language),
                        basis=p["basis"]))
    if target_source:
        parts.append(_t(N_("Soll: Istanbul-Konvention, Quellen unter „Methodik“"), language) if compact
                     else _t(N_("Soll: {source}"), language, source=target_source))
    return "; ".join(parts)


def _target_sources(report: RegionReport) -> str:
    return "; ".join(dict.fromkeys(report.values[c].target.source for c, *_ in catalogue.TARGETED_SERVICES
                                   if report.values[c].target is not None))


def _places_per_10k_target(report: RegionReport) -> float | None:
    t = report.values["shelter_places"].target
    if t is None or t.denominator != "population_total":
        return None
    return t.per_person * 10_000


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
    level = report.level
    land = figures.report(report.region[:2], period, variant) if level == "kreis" else None
    germany = figures.report(GERMANY, period, variant) if report.region != GERMANY else None
    laender = figures.table("land", period, variant=variant) if level != "kreis" else None
    return _briefing(figures, report, period, variant, land, germany, laender, figures.status(),
                     today or config.today(), tuple(figures.annotations()))


def _briefing(figures: Figures, report: RegionReport, period: Period, variant: str, land: RegionReport | None,
              germany: RegionReport | None, laender: pd.DataFrame | None, status: dict, made_on: date,
              notes: tuple) -> Briefing:
    """A briefing from its region's report and what it shares with others (Land, Germany, status, notes)."""
    previous = figures.report(report.region, period.previous_year(), variant)
    trend = _trend(figures, report.region, ("shelter_places", "shelter_places_needed"), period, variant)
    return Briefing(report, previous, land, germany, trend, laender, status, figures.public, made_on, notes)


def build_briefings(figures: Figures, land_ags: str, period: Period | str, *, variant: str = DEFAULT_VARIANT,
                    today: date | None = None) -> list[Briefing]:
    """The Regionalbriefings of every Kreis of Land ``land_ags`` (the Kreise existing at the period's end), with
    what they share – the Land, Germany, the data status, the notes – asked for once."""
    period = period if isinstance(period, Period) else Period.parse(str(period))
    land_ags = require_land(land_ags, N_("die Serie der Regionalbriefings"))
    land = figures.report(land_ags, period, variant)
    germany = figures.report(GERMANY, period, variant)
    status, notes, made_on = figures.status(), tuple(figures.annotations()), today or config.today()
    kreise = [r.ags for r in figures.regions().kreise(land_ags) if r.valid_on(period.end)]
    return [_briefing(figures, figures.report(ags, period, variant), period, variant, land, germany, None, status,
                      made_on, notes) for ags in kreise]


# --- the charts of a briefing --------------------------------------------------------------------------------


def _style(b_status: dict, language: str) -> dict:
    return {"stand": b_status.get("stand"), "is_demo": bool(b_status.get("is_demo")), "language": language}


def _attainment_figure(report: RegionReport, status: dict, where: str, compact: bool = False,
                       language: str = "de") -> go.Figure:
    rows = []
    for capacity, _need, _gap, _cov in catalogue.TARGETED_SERVICES:
        rows.append({"label": _t(TARGET_SHORT[capacity], language), "actual": report.coverage_pct(capacity),
                     "target": 100.0})
    return charts.gap_bars(
        pd.DataFrame(rows), label="label", actual="actual", target="target",
        title=charts.chart_title(_t(N_("Zielerreichung"), language), where, report.period),
        subtitle=_t(N_("Ist in % des Solls (Soll = 100 %); Schutzplätze: Plätze, nicht Familienplätze"), language),
        unit="%", source=_source(report, ("shelters", "counselling"), _target_sources(report), compact=compact,
                                 language=language),
        **_style(status, language),
    )


def _trend_figure(report: RegionReport, trend: pd.DataFrame, status: dict, where: str, public: bool,
                  compact: bool = False, notes: Sequence[annotations.Annotation] = (),
                  language: str = "de") -> go.Figure | None:
    if trend.empty or trend["shelter_places"].isna().all():
        return None
    # start at the first quarter with data: empty quarters before it say nothing
    trend = trend.iloc[int(trend["shelter_places"].notna().to_numpy().argmax()):]
    places = _t(N_("Schutzplätze"), language)
    frame = trend.set_index("quarter")[["shelter_places"]].astype("float64")
    frame.columns = [places]
    masks = None
    if privacy.suppression_mask(trend, "shelter_places").any():
        masks = pd.DataFrame({places: privacy.marks_of(trend, "shelter_places").to_numpy()}, index=frame.index)
    target = report.values["shelter_places"].target
    span = f"{fmt.quarter(frame.index[0], language)}–{fmt.quarter(frame.index[-1], language)}"
    return charts.trend_chart(
        frame, title=charts.chart_title(_t(N_("Schutzplätze und Soll"), language), where, span),
        subtitle=_t(N_("Plätze (Betten) für Frauen und Kinder am Quartalsende; gestrichelt: Soll"), language),
        unit=_t(N_("Plätze"), language), target=trend.set_index("quarter")["shelter_places_needed"],
        target_label=_target_label(target, language) if target else "", suppressed=masks, height=180,
        breaks=annotations.marks(list(notes), report.region, language),
        source=_source(report, ("shelters",), target.source if target else None, compact=compact,
                       language=language), **_style(status, language),
    )


def _comparison_figure(b: Briefing, compact: bool = False, language: str = "de") -> go.Figure:
    """Shelter places per 10,000: the Kreis beside its Land and Germany, or a Land among the Länder."""
    ind_id = "shelter_places_per_10k"
    r = b.report
    if r.level == "kreis":
        reps = [x for x in (r, b.land, b.germany) if x is not None]
        df = pd.DataFrame({"ags": [x.region for x in reps], "name": [region_name(x, language) for x in reps],
                           ind_id: [x.value(ind_id) for x in reps]})
        scope = _t(N_("{name} im Vergleich"), language, name=r.region_name)
    else:
        df = b.laender[["ags", "name", ind_id]].copy()
        scope = _t(N_("Länder"), language)
    target = _places_per_10k_target(r)
    t = r.values["shelter_places"].target
    return charts.bar_ranking(
        df, value=ind_id, label="name", key="ags", highlight=r.region if r.region != GERMANY else None,
        title=charts.chart_title(_t(N_("Schutzplätze je 10.000 Einwohner:innen"), language), scope, r.period),
        subtitle=_t(N_("Plätze (Betten) für Frauen und Kinder je 10.000 Einwohner:innen; gestrichelt: Soll"),
                    language),
        unit=_t(N_("Plätze je 10.000"), language), decimals=2, target=target,
        target_label=_t(N_("Soll {value} je 10.000"), language, value=fmt.number(target, 1, language))
        if target else "", axis_title="",
        source=_source(r, ("shelters",), t.source if t else None, compact=compact, language=language),
        **_style(b.status, language),
    )


def _comparability(language: str) -> str:
    return catalogue.COMPARABILITY_EN if language == "en" else catalogue.COMPARABILITY_DE


def _chain_figure(report: RegionReport, status: dict, where: str, language: str = "de") -> go.Figure:
    return chain.figure(report, where, language, note=_comparability(language),
                        source=_source(report, ("police", "counselling", "shelters"), language=language),
                        **{k: v for k, v in _style(status, language).items() if k != "language"})


def briefing_figures(b: Briefing, *, compact: bool = False, language: str = "de") -> dict[str, go.Figure]:
    """The briefing's charts by file-name slug, in ``language``. ``compact`` (for the PDF): the target sources
    are left to the methodology section, and the target attainment, which the PDF shows as a table, is left
    out."""
    where = region_name(b.report, language)
    figs = {
        "zielerreichung": None if compact else _attainment_figure(b.report, b.status, where, language=language),
        "schutzplaetze-vergleich": _comparison_figure(b, compact, language),
        "schutzplaetze-verlauf": _trend_figure(b.report, b.trend, b.status, where, b.public, compact, b.notes,
                                               language),
        "interventionskette": _chain_figure(b.report, b.status, where, language),
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


def _fmt_stand(stand: Any, language: str) -> str:
    if isinstance(stand, datetime):
        return fmt.datetime_(stand, language)
    return fmt.stand(stand, language)


_FOOTER = N_("{title} · IK-Monitor · erstellt am {date}")
_PAGE = N_("Seite {page} von {pages}")


class ReportPdf(FPDF):
    """An A4 page frame: running footer with page numbers, and the "Demodaten" mark on every page of demo data."""

    def __init__(self, *, running_title: str, is_demo: bool, made_on: date, subject: str = "",
                 internal: bool = False, language: str = "de"):
        super().__init__(orientation="P", unit="mm", format="A4")
        regular, bold = _fonts()
        self.add_font("Sans", "", str(regular))
        self.add_font("Sans", "B", str(bold))
        self.running_title = running_title
        self.is_demo = is_demo
        self.internal = internal
        self.made_on = made_on
        self.language = language
        self.set_margins(MARGIN, 13, MARGIN)
        self.set_auto_page_break(True, margin=15)
        self.set_title(running_title)
        self.set_author("IK-Monitor")
        self.set_creator("IK-Monitor")
        self.set_subject(subject or running_title)
        self.set_lang(LANGUAGE_TAGS.get(language, LANGUAGE_TAGS["de"]))
        self.set_font("Sans", size=9)
        self.set_text_color(*TEXT)

    def header(self) -> None:
        if self.internal:  # on every page, where a forwarded page would carry it
            self.set_font("Sans", "B", 8)
            self.set_fill_color(170, 0, 0)
            self.set_text_color(255, 255, 255)
            self.set_xy(MARGIN, 5)
            self.cell(70, 5, privacy.internal(self.language).upper(), fill=True, align="C")
            self.set_text_color(*TEXT)
            self.set_xy(MARGIN, 13)
        if not self.is_demo:
            return
        demo = _t(N_("Demodaten"), self.language).upper()
        # behind everything else on the page: a pale diagonal mark, and a solid tag in the corner
        with self.local_context(fill_opacity=0.08, text_color=DEMO):
            self.set_font("Sans", "B", 72)
            width = self.get_string_width(demo)
            with self.rotation(35, 105, 148.5):  # about the page's centre
                self.text(105 - width / 2, 148.5 + 9, demo)
        self.set_font("Sans", "B", 8)
        self.set_fill_color(*DEMO)
        self.set_text_color(255, 255, 255)
        self.set_xy(210 - MARGIN - 24, 5)
        self.cell(24, 5, demo, fill=True, align="C")
        self.set_text_color(*TEXT)
        self.set_xy(MARGIN, 13)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("Sans", size=7)
        self.set_text_color(*MUTED)
        left = _t(_FOOTER, self.language, title=self.running_title, date=fmt.date_(self.made_on, self.language))
        if self.internal:
            left = f"{privacy.internal(self.language)} · {left}"
        self.cell(CONTENT_W - 25, 5, left, align="L")
        # {nb} is fpdf2's alias for the number of pages, filled in when the document is closed
        self.cell(25, 5, _t(_PAGE, self.language, page=self.page_no(), pages="{nb}"), align="R")
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
            self.set_text_color(*(DEMO if self.internal else MUTED))
            self.multi_cell(0, 4.6, mode, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.is_demo:
            self.set_font("Sans", "B", 8.5)
            self.set_text_color(*DEMO)
            self.multi_cell(0, 4.6, _t(N_("Demodaten – erfundene Zahlen, keine echten Werte."), self.language),
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
             size: float = 8, align: Sequence[str] | None = None, bold_last: bool = False,
             groups: Sequence[tuple[str, int]] = ()) -> None:
        """A table with a shaded header that repeats on every page it spans; cells wrap between words, never
        inside one (a word wider than its column is set smaller). ``groups``: (label, number of columns) over the
        header row, e.g. "Schutzplätze" over Ist / Soll / Lücke; an empty label leaves its columns without one.

        Drawn cell by cell: fpdf2's table() lays out every cell as a paragraph, several times slower."""
        align = list(align or ["L"] + ["R"] * (len(header) - 1))
        align = [a[0].upper() for a in align]
        line_h, pad, inner = size * 0.42, 0.9, 2.4

        def fitting(text: str, w: float, bold: bool) -> float:
            """The font size at which the longest word of ``text`` fits ``w`` (``size`` or smaller)."""
            fit = size
            self.set_font("Sans", "B" if bold else "", fit)
            longest = max((self.get_string_width(word) for word in text.split()), default=0)
            room = w - inner - 2 * self.c_margin  # what multi_cell leaves for text
            if longest > room:
                fit = max(5.0, size * room / longest * 0.98)  # a little short of the edge: no break
            return fit

        def lines(cells: Sequence[str], bold: bool) -> list[tuple[float, list[str]]]:
            out = []
            for text, w in zip(cells, widths):
                text = str(text)
                fit = fitting(text, w, bold)
                self.set_font("Sans", "B" if bold else "", fit)
                if self.get_string_width(text) <= w - inner:
                    out.append((fit, [text]))
                else:
                    out.append((fit, self.multi_cell(w - inner, line_h, text, dry_run=True, output="LINES")))
            return out

        def draw_groups(y: float) -> None:
            x, first = MARGIN, 0
            self.set_font("Sans", "B", size)
            self.set_draw_color(*MUTED)
            for label, span in groups:
                w = sum(widths[first:first + span])
                if label:
                    self.set_xy(x + 1.2, y + pad)
                    self.cell(w - inner, line_h, label, align="C")
                    self.line(x + 1.2, y + pad + line_h + 0.4, x + w - 1.2, y + pad + line_h + 0.4)
                x, first = x + w, first + span

        def draw(cells: Sequence[str], *, bold: bool, fill: bool) -> None:
            wrapped = lines(cells, bold)
            group_h = (line_h + pad + 0.4) if fill and groups else 0.0
            height = group_h + max(len(parts) for _, parts in wrapped) * line_h + 2 * pad
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                if not fill:
                    draw(header, bold=True, fill=True)
            y, x = self.get_y(), MARGIN
            if fill:
                self.set_fill_color(*LIGHT_FILL)
                self.rect(MARGIN, y, sum(widths), height, style="F")
                if groups:
                    draw_groups(y)
            for (fit, parts), w, al in zip(wrapped, widths, align):
                self.set_font("Sans", "B" if bold else "", fit)
                # header text sits at the bottom of its cell, body text at the top
                top = y + height - pad - len(parts) * line_h if fill else y + pad
                for i, part in enumerate(parts):
                    self.set_xy(x + 1.2, top + i * line_h)
                    self.cell(w - inner, line_h, part, align=al)
                x += w
            self.set_draw_color(200, 200, 200)
            self.line(MARGIN, y + height, MARGIN + sum(widths), y + height)
            self.set_xy(MARGIN, y + height)

        draw(header, bold=True, fill=True)
        for i, cells in enumerate(rows):
            draw(cells, bold=bold_last and i == len(rows) - 1, fill=False)
        self.set_font("Sans", size=9)
        self.ln(1.5)

    def note_height(self, text: str, size: float = 7.5) -> float:
        """The height in mm that ``note(text, size)`` takes."""
        self.set_font("Sans", "", size)
        lines = self.multi_cell(0, size * 0.47, text, dry_run=True, output="LINES")
        self.set_font("Sans", size=9)
        return len(lines) * size * 0.47

    def chart(self, png: bytes, *, alt: str = "", min_w: float = MIN_CHART_W) -> None:
        """A chart image 180 mm wide, shrunk (not below ``min_w``) to finish the page, else on the next page."""
        px_w, px_h = images.png_size(png)
        w = CONTENT_W
        h = w * px_h / px_w
        room = self.page_break_trigger - self.get_y()
        if h > room + 0.5:
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
        self.set_y(self.get_y() + h + CHART_GAP)


# --- charts on pages -------------------------------------------------------------------------------------------
#
# A chart is placed 180 mm wide, so its height on paper follows from its height in pixels. Before the charts are
# rendered, the text above them is laid out; each page's charts then get plot areas (between a least and a most
# height per kind of chart) that fill the room the page has left, so a page does not end in an empty third and a
# briefing keeps to two pages. Titles, legends and footers keep their size; only the plot area stretches.

PX_PER_MM = CHART_WIDTH_PX / CONTENT_W


@dataclass
class _Chart:
    slug: str
    fig: go.Figure
    plot: int  # px: the plot area as built
    chrome: int  # px: everything else (title, legend, axis, footer, the image's top margin)
    least: int
    most: int

    @classmethod
    def of(cls, slug: str, fig: go.Figure) -> "_Chart":
        m = fig.layout.margin
        height = int(fig.layout.height or 500)
        plot = height - int(m.t or 0) - int(m.b or 0)
        chrome = height - plot + (images.TOP_MARGIN_PX if fig.layout.title.text else 0)
        meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
        kind = meta.get("ik_monitor", {}).get("kind", "")
        rows = len(fig.data[0].y) if fig.data and getattr(fig.data[0], "y", None) is not None else 1
        if kind == "ranking":
            least, most = min(plot, max(80, 13 * rows)), max(plot, min(34 * rows, 520))
        elif kind in ("trend", "stacked"):
            least, most = min(plot, 110), max(plot, 300)
        elif kind in ("chain", "gap"):
            least, most = int(plot * 0.75), int(plot * 1.3)
        else:  # maps: drawn to their shape
            least = most = plot
        return cls(slug, fig, plot, chrome, least, most)

    def mm(self, plot: int | None = None) -> float:
        """Height on paper in mm (with the gap below) at plot height ``plot``."""
        return (self.chrome + (self.plot if plot is None else plot)) / PX_PER_MM + CHART_GAP


def _fill(charts_: Sequence[_Chart], room: float, *, stretch: bool) -> list[int] | None:
    """Plot heights (px) for charts sharing ``room`` mm: squeezed as far as needed, stretched to fill the room if
    ``stretch``; None where they do not fit even at their least height."""
    if sum(c.mm(c.least) for c in charts_) > room + 0.01:
        return None
    free = (room - sum(c.mm() for c in charts_)) * PX_PER_MM  # px: room left (+) or wanted (−) at natural size
    if free >= 0:
        if not stretch:
            return [c.plot for c in charts_]
        give = [c.most - c.plot for c in charts_]
        share = min(free, sum(give))
        return [c.plot + (int(share * g / sum(give)) if sum(give) else 0) for c, g in zip(charts_, give)]
    take = [c.plot - c.least for c in charts_]
    return [c.plot - (int(-free * t / sum(take)) + 1 if sum(take) else 0) for c, t in zip(charts_, take)]


def _pick(charts_: Sequence[_Chart], room: float) -> list[_Chart]:
    """The charts that fill ``room`` best (the most of it at their greatest heights), earlier ones first on ties."""
    best: tuple[float, list[int]] = (-1.0, [])
    for k in range(len(charts_), 0, -1):
        for combo in itertools.combinations(range(len(charts_)), k):
            chosen = [charts_[i] for i in combo]
            if sum(c.mm(c.least) for c in chosen) > room + 0.01:
                continue
            filled = min(room, sum(c.mm(c.most) for c in chosen))
            if filled > best[0] + 1.0 or (abs(filled - best[0]) <= 1.0 and list(combo) < best[1]):
                best = (filled, list(combo))
    return [charts_[i] for i in best[1]]


def _plan_pages(charts_: Sequence[_Chart], first_room: float, *, last_room: float | None = None
                ) -> list[tuple[bool, _Chart, int]]:
    """(new page before it, chart, plot height px) for each chart, laid out from a page with ``first_room`` mm
    left. Every page but the last is filled; the last keeps natural sizes, squeezed into ``last_room`` (the room
    left there for what follows, e.g. the method section) where they can be."""
    full = 297.0 - 15.0 - 13.0  # a fresh page: between the top margin and the automatic page break
    out: list[tuple[bool, _Chart, int]] = []
    left, room, new_page = list(charts_), first_room, False
    while left:
        last = last_room if last_room is not None else full
        if _fill(left, min(room, last), stretch=False) is not None:  # the rest fits here: the last page
            heights = _fill(left, min(room, last), stretch=False)
            out += [(new_page and i == 0, c, h) for i, (c, h) in enumerate(zip(left, heights))]
            break
        chosen = _pick(left, room)
        if not chosen:
            if not new_page or room < full:
                room, new_page = full, True
                continue
            chosen = left[:1]  # taller than a page: it is scaled down when placed
        heights = _fill(chosen, room, stretch=True) or [c.plot for c in chosen]
        out += [(new_page and i == 0, c, h) for i, (c, h) in enumerate(zip(chosen, heights))]
        left = [c for c in left if c not in chosen]
        room, new_page = full, True
    return out


@dataclass
class _Pending:
    """A PDF laid out up to its charts, waiting for their images; ``rest`` draws what follows them."""

    pdf: ReportPdf
    plan: list[tuple[bool, _Chart, int]]
    rest: Callable[[ReportPdf], None]

    @property
    def figures(self) -> list[go.Figure]:
        """The charts to render, at the sizes the layout gave them (``CHART_WIDTH_PX`` wide, ``PDF_SCALE``)."""
        return [c.fig for _, c, _ in self.plan]

    def complete(self, pngs: Sequence[bytes]) -> bytes:
        """Place the rendered charts, draw the rest, and return the PDF."""
        for (new_page, c, _), png in zip(self.plan, pngs):
            if new_page:
                self.pdf.add_page()
            self.pdf.chart(png, alt=charts.alt_text(c.fig), min_w=MIN_CHART_W)
        self.rest(self.pdf)
        return bytes(self.pdf.output())


def _with_charts(pdf: ReportPdf, figs: dict[str, go.Figure], rest: Callable[[ReportPdf], None], *,
                 reserve: float | None = None) -> _Pending:
    """Lay out the charts ``figs`` from the current position (their heights are set on the figures); ``reserve``:
    mm to keep free on the last page of charts for ``rest``."""
    charts_ = [_Chart.of(slug, fig) for slug, fig in figs.items()]
    room = pdf.page_break_trigger - pdf.get_y()
    last_room = None if reserve is None else 297.0 - 15.0 - 13.0 - reserve
    plan = _plan_pages(charts_, room, last_room=last_room)
    for _, c, plot in plan:
        if plot != c.plot:
            c.fig.update_layout(height=int(c.fig.layout.height) + plot - c.plot)
    return _Pending(pdf, plan, rest)


def _finish(pending: _Pending, renderer: images.Renderer | None) -> bytes:
    return pending.complete(_render(pending.figures, renderer))


def _render(figs: Sequence[go.Figure], renderer: images.Renderer | None,
            width: int = CHART_WIDTH_PX) -> list[bytes]:
    """PNG bytes of every figure at the PDF's width and resolution, rendered together."""
    r = renderer or images.renderer()
    return r.render_many(list(figs), "png", width=width, scale=PDF_SCALE)


def _version_line(public: bool, language: str) -> str:
    """The version a document is: public (from a release) or internal (from the working store)."""
    return _t(PUBLIC, language) if public else _t(INTERNAL, language, internal=privacy.internal(language))


_DATA_BASIS = N_("Datengrundlage: Quartalsmeldungen der Schutzunterkünfte und Beratungsstellen (je Einrichtung, "
                 "pseudonymisiert) und der Polizei (je Kreis) an die Landeskoordinierungsstelle; es werden nur Zahlen "
                 "erhoben, keine personenbezogenen Daten. Keine Meldung ist nicht null („{missing}“).")
_DEFINITIONS = N_("Definitionen: Schutzplätze sind Plätze (Betten) für Frauen und Kinder, keine Familienplätze "
                  "(1 Familienplatz = {factor} Plätze); Männerschutzwohnungen zählen nicht. Kapazitäten gelten am "
                  "Ende des letzten gemeldeten Quartals. Abweisungen zählen Anfragen, nicht Personen. "
                  "Frauenberatungsstellen ohne Interventionsstellen und Täterarbeit.")
_TARGET_LINE = N_("Soll {service}: {label} (gültig ab {date}). Quelle: {source}.")
_OWN_TARGET_LINE = N_("Soll {service}: {label} (gültig ab {date}, eigener Maßstab des Landes). Quelle: {source}.")


METHOD_SIZE = 7.2  # pt: the method section's small print


def _methodology(pdf: ReportPdf, lines: Sequence[str], language: str) -> None:
    """Method, sources and attributions, in small print."""
    pdf.heading(_t(N_("Methodik, Quellen und Hinweise"), language), keep=40)
    for line in lines:
        pdf.note(line, size=METHOD_SIZE)
        pdf.ln(0.6)


def _methodology_height(pdf: ReportPdf, lines: Sequence[str]) -> float:
    """The mm ``_methodology`` takes (heading included)."""
    return 6.5 + sum(pdf.note_height(line, METHOD_SIZE) + 0.6 for line in lines)


def _methodology_lines(report: RegionReport, status: dict, public: bool, *, extra_sources: Sequence[str] = (),
                       language: str = "de") -> list[str]:
    """The paragraphs of the method section: data, reporting status, targets, population, definitions,
    comparability, privacy and attributions."""
    p = report.population
    lines = [
        _t(_DATA_BASIS, language, missing=_missing(language)),
        _t(N_("Meldestand: {items}."), language,
           items="; ".join(f"{_dataset_label(ds, language)}: {c.text(language)}"
                           for ds, c in report.completeness.items())),
    ]
    for capacity, *_ in catalogue.TARGETED_SERVICES:
        t = report.values[capacity].target
        if t is not None:
            lines.append(_t(_OWN_TARGET_LINE if t.land_ags else _TARGET_LINE, language,
                            service=_t(TARGET_SHORT[capacity], language), label=_target_label(t, language),
                            date=fmt.date_(t.valid_from, language), source=t.source))
    if p.get("reference_date"):
        lines.append(_t(N_("Bevölkerung: Stichtag {date}, Basis {basis}. Quelle: {source}."), language,
                        date=fmt.date_(p["reference_date"], language), basis=p["basis"],
                        source=p.get("source") or "–")
                     + (" " + _t(N_("Die Kreise haben Bevölkerungszahlen verschiedener Stichtage."), language)
                        if p.get("mixed") else ""))
    lines += [
        _t(_DEFINITIONS, language, factor=fmt.number(2.5, 1, language)),
        _t(N_("Vergleichbarkeit: {note}"), language, note=_comparability(language)),
    ]
    rel = status.get("release")
    if public and rel:
        lines.append(_t(N_("Datenschutz: Zahlen aus der Veröffentlichung {number} vom {date}; ihre Geheimhaltung ist "
                           "für alle Kreise, Länder, Quartale und Jahre gemeinsam geprüft."), language,
                        number=rel["number"], date=fmt.date_(rel["created_at"], language))
                     + " " + " ".join(privacy.notes(language, rel["min_count"], rel["min_events"])))
    else:
        lines.append(_t(N_("Datenschutz: {text}"), language, text=_version_line(False, language)))
    # date, "Stand" and the demo mark already stand in the header and the footer of every page
    return lines + list(extra_sources)


def _targets_table(pdf: ReportPdf, report: RegionReport, previous: RegionReport, land: RegionReport | None,
                   germany: RegionReport | None, public: bool, language: str = "de") -> None:
    header = ["", _t(N_("Ist"), language), _t(N_("Soll"), language), _t(N_("Lücke"), language),
              _t(N_("Ist in % des Solls"), language),
              _t(N_("Ist {period}"), language, period=fmt.quarter(previous.period, language)),
              _t(N_("Veränd."), language)]
    widths = [46, 13, 13, 13, 24, 21, 17]
    if land is not None:
        header.append(_t(N_("Land"), language))
        widths.append(15)
    if germany is not None:
        header.append(_t(N_("Deutschl."), language))
        widths.append(18)
    rows = []
    for capacity, need, gap, _cov in catalogue.TARGETED_SERVICES:
        row = [_t(TARGET_SHORT[capacity], language), shown(report, capacity, language),
               _need(report, need, language), _need(report, gap, language),
               _pct(report.coverage_pct(capacity), language), shown(previous, capacity, language),
               change(report, previous, capacity, language)]
        for other in (land, germany):
            if other is not None:
                row.append(_pct(other.coverage_pct(capacity), language))
        rows.append(row)
    pdf.grid(header, rows, widths)


def _key_table(pdf: ReportPdf, report: RegionReport, previous: RegionReport, land: RegionReport | None,
               germany: RegionReport | None, public: bool, language: str = "de") -> None:
    header = [_t(N_("Kennzahl"), language), _t(N_("Einheit"), language),
              fmt.period(report.period, language, long=True), _t(N_("Vorjahr"), language),
              _t(N_("Veränd."), language)]
    widths = [60, 33, 22, 17, 17]
    if land is not None:
        header.append(_t(N_("Land"), language))
        widths.append(15)
    if germany is not None:
        header.append(_t(N_("Deutschl."), language))
        widths.append(16)
    rows = []
    for ind_id in KEY_FIGURES:
        ind = CATALOGUE[ind_id]
        row = [ind.label_en if language == "en" else ind.label_de, ind.unit_en if language == "en" else ind.unit_de,
               shown(report, ind_id, language), shown(previous, ind_id, language),
               change(report, previous, ind_id, language)]
        for other in (land, germany):
            if other is not None:
                row.append(shown(other, ind_id, language))
        rows.append(row)
    pdf.grid(header, rows, widths, size=7.5, align=["LEFT", "LEFT"] + ["RIGHT"] * (len(header) - 2))


def briefing_pdf(b: Briefing, *, renderer: images.Renderer | None = None, language: str = "de") -> bytes:
    """The Regionalbriefing as a one- or two-page A4 PDF in ``language``."""
    return _finish(_briefing_pending(b, language), renderer)


def _briefing_pending(b: Briefing, language: str) -> _Pending:
    """The Regionalbriefing laid out, its charts not yet rendered."""
    r = b.report
    name = region_name(r, language)
    when = fmt.period(r.period, language, long=True)
    figs = briefing_figures(b, compact=True, language=language)
    pdf = ReportPdf(running_title=_t(N_("Regionalbriefing {name}, {period}"), language, name=name, period=when),
                    is_demo=b.is_demo, made_on=b.made_on,
                    subject=_t(N_("Umsetzung der Istanbul-Konvention – Regionalbriefing"), language),
                    internal=not b.public, language=language)
    pdf.add_page()
    compare = []
    if b.land is not None:
        compare.append(_t(N_("Land: {name}"), language, name=b.land.region_name))
    if b.germany is not None:
        compare.append(_t(GERMANY_NAME, language))
    made = _t(N_("Erstellt am {date} · Datenstand: {stand}"), language, date=fmt.date_(b.made_on, language),
              stand=_fmt_stand(b.stand, language))
    pdf.title_block(
        _t(N_("IK-Monitor · Regionalbriefing"), language),
        name,
        [_t(N_("{period} · {level} (AGS {ags}) · Umsetzung der Istanbul-Konvention: Schutz, Beratung, "
               "Intervention"), language, period=when, level=_t(LEVEL_WORDS[r.level], language), ags=r.region),
         made + (_t(N_(" · Vergleich: {regions}"), language, regions=", ".join(compare)) if compare else "")],
        _version_line(b.public, language),
    )
    pdf.heading(_t(N_("Ist, Soll und Lücke"), language), keep=25)
    _targets_table(pdf, r, b.previous, b.land, b.germany, b.public, language)
    pdf.note(_t(N_("Soll: Bedarf nach den Maßstäben der Istanbul-Konvention (Quellen unter „Methodik“); Zählweise "
                   "Schutzplätze: {variant}. Lücke = max(Soll − Ist, 0). Veränderung gegenüber dem "
                   "Vorjahreszeitraum {period}."), language,
                variant=_t(VARIANT_TEXT.get(r.variant, VARIANT_TEXT["DE"]), language),
                period=fmt.quarter(b.previous.period, language)))
    pdf.ln(1)
    pdf.heading(_t(N_("Kennzahlen"), language), keep=40)
    _key_table(pdf, r, b.previous, b.land, b.germany, b.public, language)
    method = _methodology_lines(r, b.status, b.public, language=language)
    # the charts fill what page 1 has left, the rest shares page 2 with the method section
    return _with_charts(pdf, figs, lambda pdf: _methodology(pdf, method, language),
                        reserve=_methodology_height(pdf, method) + 2)


# --- the slide tile ------------------------------------------------------------------------------------------


def tile_figure(b: Briefing, language: str = "de") -> go.Figure:
    """A 1200 × 675 slide: region and period, shelter places Ist / Soll / Lücke in large print, target
    attainment of the three services as bars, source, Stand and the demo mark (house style)."""
    r = b.report
    name = region_name(r, language)
    fig = _attainment_figure(r, b.status, name, language=language)
    fig.update_layout(title=dict(
        text=f"<b>{name}</b>", font=dict(size=30),
        subtitle=dict(text=_t(N_("Istanbul-Konvention: Schutz und Beratung · {period} · Ist in % des Solls"),
                              language, period=fmt.period(r.period, language, long=True)),
                      font=dict(size=17))))
    kpis = [
        (_t(N_("Schutzplätze (Ist)"), language), shown(r, "shelter_places", language)),
        (_t(N_("Soll"), language), _need(r, "shelter_places_needed", language)),
        (_t(N_("Lücke"), language), _need(r, "shelter_places_missing", language)),
        (_t(N_("Frauenberatungsstellen (Soll {need})"), language,
            need=_need(r, "counselling_centres_needed", language)), shown(r, "counselling_centres", language)),
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


def tile_png(b: Briefing, *, renderer: images.Renderer | None = None, language: str = "de") -> bytes:
    """The slide tile as a 1200 × 675 PNG in ``language``."""
    return _render_tiles([b], renderer, language)[0]


def _render_tiles(briefings: Sequence[Briefing], renderer: images.Renderer | None, language: str) -> list[bytes]:
    figs = [tile_figure(b, language) if b.public else charts.mark_internal(tile_figure(b, language), language)
            for b in briefings]
    return (renderer or images.renderer()).render_many(figs, "png", width=TILE_SIZE[0], height=TILE_SIZE[1],
                                                       scale=1)


# --- briefings in series -------------------------------------------------------------------------------------


def briefing_series(briefings: Sequence[Briefing], *, language: str = "de", tiles: bool = True,
                    renderer: images.Renderer | None = None) -> Iterator[tuple[Briefing, bytes, bytes | None]]:
    """(briefing, PDF, tile PNG or None) for each of ``briefings``: every briefing is laid out first, then the
    charts of all of them are rendered in one go on the shared browser (its tabs never wait for the next
    briefing), then the PDFs are finished one by one."""
    pending = [_briefing_pending(b, language) for b in briefings]
    pngs = _render([fig for p in pending for fig in p.figures], renderer)
    tile_pngs = _render_tiles(briefings, renderer, language) if tiles else [None] * len(briefings)
    start = 0
    for b, p, tile in zip(briefings, pending, tile_pngs):
        n = len(p.figures)
        yield b, p.complete(pngs[start:start + n]), tile
        start += n


def briefing_series_files(briefings: Sequence[Briefing], *, language: str = "de", tiles: bool = True,
                          renderer: images.Renderer | None = None) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of every briefing PDF and tile of a series, named as single downloads are."""
    for b, pdf, tile in briefing_series(briefings, language=language, tiles=tiles, renderer=renderer):
        r = b.report
        yield briefing_filename(r.region, r.period, public=b.public, language=language), pdf
        if tile is not None:
            yield briefing_filename(r.region, r.period, "png", public=b.public, language=language), tile


def briefing_series_zip(briefings: Sequence[Briefing], *, language: str = "de",
                        renderer: images.Renderer | None = None) -> bytes:
    """A ZIP archive of the briefings and tiles of a series (stored, not compressed: PDF and PNG already are)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, content in briefing_series_files(briefings, language=language, renderer=renderer):
            z.writestr(name, content)
    return buf.getvalue()


def series_zip_filename(land_ags: str, period: Period | str, *, public: bool = True, language: str = "de") -> str:
    """``ik-monitor_regionalbriefings_05_2025.zip`` (``…_en``, ``…_INTERN`` as for single files)."""
    return privacy.file_name(f"ik-monitor_regionalbriefings_{land_ags}_{period}{_language_suffix(language)}.zip",
                             public)


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
    land_ags = require_land(land_ags, N_("der Länderbericht"))
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


def land_report_figures(lr: LandReport, *, compact: bool = False, language: str = "de") -> dict[str, go.Figure]:
    """The Länderbericht's charts by file-name slug, in ``language``: map, rankings, trend (``compact``: target
    sources are left to the methodology section)."""
    r = lr.report
    style = _style(lr.status, language)
    t = r.values["shelter_places"].target
    source = _source(r, ("shelters",), t.source if t else None, compact=compact, language=language)
    figs: dict[str, go.Figure] = {}
    cov = "shelter_coverage_pct"
    what = _t(N_("Zielerreichung Schutzplätze"), language)
    title_map = charts.chart_title(what, _t(N_("Kreise in {land}"), language, land=r.region_name), r.period)
    title_laender = charts.chart_title(what, _t(N_("Länder"), language), r.period)
    sub = _t(N_("Vorhandene Plätze in % des Solls (Soll = 100 %); Plätze, nicht Familienplätze"), language)
    full = _t(N_("Soll = 100 %"), language)
    target_label = _target_label(t, language) if t else ""
    if lr.boundaries is not None:
        figs["karte"] = charts.choropleth(
            lr.boundaries, lr.kreise[["ags", "name", cov]], value=cov, title=title_map, subtitle=sub, unit="%",
            decimals=0, target=100.0, target_label=full, attribution=lr.attribution, height=480,
            source=source, **style,
        )
    else:
        figs["kachelkarte"] = charts.tile_map(
            lr.laender[["ags", cov]], value=cov, title=title_laender, subtitle=sub, unit="%", highlight=r.region,
            target=100.0, target_label=full, names=dict(zip(lr.laender["ags"], lr.laender["name"])), source=source,
            **style,
        )
    figs["rangfolge-kreise"] = charts.bar_ranking(
        lr.kreise, value=cov, label="name", title=title_map, subtitle=sub, unit="%", target=100,
        target_label=target_label, source=source, **style,
    )
    figs["rangfolge-laender"] = charts.bar_ranking(
        lr.laender, value=cov, label="name", highlight=r.region, title=title_laender, subtitle=sub, unit="%",
        target=100, target_label=target_label, note=_comparability(language), source=source, **style,
    )
    trend = _trend_figure(r, lr.trend, lr.status, r.region_name, lr.public, compact, lr.notes, language)
    if trend is not None:
        figs["schutzplaetze-verlauf"] = trend
    return figs


def _kreise_rows(lr: LandReport, language: str = "de") -> tuple[list[str], list[list[str]], list[float]]:
    def t(msgid: str, **params) -> str:
        return _t(msgid, language, **params)

    def n(value: Any, decimals: int = 0) -> str:
        return fmt.number(_nan_none(value), decimals, language)

    # under the group headings "Schutzplätze" (Ist … Deckung) and "Beratungsstellen" (Ist … Lücke)
    header = [t(N_("AGS")), t(N_("Kreis / kreisfreie Stadt")), t(N_("Einw.")), t(N_("Ist")), t(N_("Soll")),
              t(N_("Lücke")), t(N_("Deckung")), t(N_("Ist")), t(N_("Soll")), t(N_("Lücke")),
              t(N_("Meldungen Einr."))]
    widths = [11, 48, 17, 11, 12, 12, 15, 11, 11, 12, 20]
    rows = []
    k = lr.kreise.sort_values("ags")
    for rec in k.to_dict("records"):
        sr, sk = rec.get("shelters_facilities_reported"), rec.get("shelters_facilities_known")
        reported = rec.get("shelters_kreise_reported")
        if reported is None or pd.isna(reported) or not reported:
            meldung = _missing(language)
        else:
            meldung = (t(N_("{reported} von {known}"), reported=fmt.integer(int(sr or 0), language),
                         known=fmt.integer(int(sk or 0), language))
                       if sk and not pd.isna(sk) else t(N_("keine Einr.")))
        rows.append([
            rec["ags"], rec["name"], n(rec["population_total"]), n(rec["shelter_places"]),
            n(rec["shelter_places_needed"]), n(rec["shelter_places_missing"]),
            _pct(_nan_none(rec["shelter_coverage_pct"]), language), n(rec["counselling_centres"]),
            n(rec["counselling_centres_needed"], 1), n(rec["counselling_centres_missing"], 1), meldung,
        ])
    r = lr.report
    c = r.completeness["shelters"]
    rows.append([r.region, t(N_("{land} insgesamt"), land=r.region_name), n(r.population.get("total")),
                 shown(r, "shelter_places", language), _need(r, "shelter_places_needed", language),
                 _need(r, "shelter_places_missing", language), _pct(r.value("shelter_coverage_pct"), language),
                 shown(r, "counselling_centres", language), _need(r, "counselling_centres_needed", language),
                 _need(r, "counselling_centres_missing", language),
                 t(N_("{reported} von {known}"), reported=fmt.integer(c.facilities_reported or 0, language),
                   known=fmt.integer(c.facilities_known or 0, language))])
    return header, rows, widths


def _nan_none(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else float(v)


_PLANNING = N_("Bedarf in den {kreise} Kreisen: {places} Schutzplätze und {centres} Frauenberatungsstellen; Lücke "
               "{places_gap} Plätze und {centres_gap} Stellen. Um sie bis {claim} zu schließen ({years}), sind in "
               "den Kreisen zusammen jährlich bis zu {places_per_year} Plätze und {centres_per_year} "
               "Beratungsstellen aufzubauen. Rundung: Plätze aufgerundet, Beratungsstellen kaufmännisch gerundet "
               "(mind. eine je Kreis); Details und Jahresplan in der Excel-Ausgabe der Bedarfsplanung. {population}")
# said where the Land's own need (table above: the Land as a whole, unrounded) and the sum of the Kreise's rounded
# needs (planning) differ, so that a reader of the report never meets two gaps without the reason
_TWO_GAPS = N_("Warum die Lücke hier {places_gap} statt {land_gap} Plätze beträgt: Die Tabelle „Ist, Soll und Lücke“ "
               "rechnet das Soll für das Land als Ganzes ({land_need} Plätze); die Bedarfsplanung rundet den Bedarf "
               "jedes Kreises auf ganze Plätze auf ({places} Plätze zusammen) und zählt nur die Lücken der Kreise – "
               "ein Überschuss in einem Kreis schließt keine Lücke in einem anderen.")
_KREISE_NOTE = N_("Schutzplätze: Plätze (Betten) für Frauen und Kinder. Deckung: Ist in % des Solls. "
                  "Beratungsstellen: Frauenberatungsstellen. Meldungen Einr.: Schutzunterkünfte, die gemeldet haben, "
                  "von denen, die in den vier Quartalen davor gemeldet haben; „{missing}“: keine Meldung des Landes "
                  "für den Kreis.")


def land_report_pdf(lr: LandReport, *, renderer: images.Renderer | None = None, language: str = "de") -> bytes:
    """The Länderbericht as an A4 PDF in ``language``."""
    return _finish(_land_report_pending(lr, language), renderer)


def _land_report_pending(lr: LandReport, language: str) -> _Pending:
    """The Länderbericht laid out, its charts not yet rendered."""
    r = lr.report
    when = fmt.period(r.period, language, long=True)
    figs = land_report_figures(lr, compact=True, language=language)
    pdf = ReportPdf(running_title=_t(N_("Länderbericht {name}, {period}"), language, name=r.region_name, period=when),
                    is_demo=lr.is_demo, made_on=lr.made_on,
                    subject=_t(N_("Umsetzung der Istanbul-Konvention – Länderbericht"), language),
                    internal=not lr.public, language=language)
    pdf.add_page()
    pdf.title_block(
        _t(N_("IK-Monitor · Länderbericht für die Konferenz der Koordinierungsstellen"), language),
        r.region_name,
        [_t(N_("{period} · Land (AGS {ags}) · Schutz, Beratung, Intervention nach der Istanbul-Konvention"),
            language, period=when, ags=r.region),
         _t(N_("Erstellt am {date} · Datenstand: {stand} · Vergleich: Deutschland"), language,
            date=fmt.date_(lr.made_on, language), stand=_fmt_stand(lr.status.get("stand"), language))],
        _version_line(lr.public, language),
    )
    pdf.heading(_t(N_("Ist, Soll und Lücke"), language), keep=25)
    _targets_table(pdf, r, lr.previous, None, lr.germany, lr.public, language)
    pdf.heading(_t(N_("Kennzahlen"), language), keep=40)
    _key_table(pdf, r, lr.previous, None, lr.germany, lr.public, language)
    plan = lr.plan
    if plan is not None:
        t = plan.total
        pdf.heading(_t(N_("Bedarfsplanung nach dem Gewalthilfegesetz"), language), keep=20)
        pdf.note(_t(_PLANNING, language, kreise=len(plan.rows), places=fmt.integer(t["places_needed"], language),
                    centres=fmt.integer(t["centres_needed"], language),
                    places_gap=fmt.integer(t["places_gap"], language),
                    centres_gap=fmt.integer(t["centres_gap"], language),
                    claim=fmt.date_(planning.LEGAL_CLAIM, language), years=plan.years_text(language),
                    places_per_year=fmt.integer(t["places_per_year"], language),
                    centres_per_year=fmt.integer(t["centres_per_year"], language),
                    population=plan.population_text(language)),
                 size=8, colour=TEXT)
        land_need, land_gap = r.value("shelter_places_needed"), r.value("shelter_places_missing")
        if land_gap is not None and round(land_gap) != t["places_gap"]:
            pdf.note(_t(_TWO_GAPS, language, places_gap=fmt.integer(t["places_gap"], language),
                        land_gap=fmt.integer(round(land_gap), language),
                        land_need=fmt.integer(round(land_need), language),
                        places=fmt.integer(t["places_needed"], language)), size=8, colour=TEXT)
        pdf.ln(1)
    def rest(pdf: ReportPdf) -> None:
        pdf.heading(_t(N_("Kreise in {land}: Ist, Soll und Lücke"), language, land=r.region_name), keep=40)
        header, rows, widths = _kreise_rows(lr, language)
        pdf.grid(header, rows, widths, size=7, align=["LEFT", "LEFT"] + ["RIGHT"] * (len(header) - 2),
                 bold_last=True, groups=[("", 3), (_t(N_("Schutzplätze"), language), 4),
                                         (_t(N_("Beratungsstellen"), language), 3), ("", 1)])
        pdf.note(_t(_KREISE_NOTE, language, missing=_missing(language)))
        pdf.ln(1)
        extra = [_t(N_("Karte: {attribution}."), language, attribution=lr.attribution)] \
            if lr.boundaries is not None else []
        _methodology(pdf, _methodology_lines(r, lr.status, lr.public, extra_sources=extra, language=language),
                     language)

    # the Land's trend first: it fits the foot of page 1, where a map would be too small to read
    order = ("schutzplaetze-verlauf", "karte", "kachelkarte", "rangfolge-laender", "rangfolge-kreise")
    return _with_charts(pdf, {slug: figs[slug] for slug in order if slug in figs}, rest)


# --- one call from the CLI or a page ------------------------------------------------------------------------


def _language_suffix(language: str) -> str:
    return "" if language == "de" else f"_{language}"


def briefing_filename(ags: str, period: Period | str, ext: str = "pdf", *, public: bool = True,
                      language: str = "de") -> str:
    """``ik-monitor_regionalbriefing_05913_2025-Q2.pdf`` (``…_en.pdf`` in English, ``…_INTERN.pdf`` for the
    internal version)."""
    return privacy.file_name(f"ik-monitor_regionalbriefing_{ags}_{period}{_language_suffix(language)}.{ext}",
                             public)


def land_report_filename(land_ags: str, period: Period | str, *, public: bool = True, language: str = "de") -> str:
    """``ik-monitor_laenderbericht_05_2025-Q2.pdf`` (``…_en.pdf`` in English, ``…_INTERN.pdf`` for the internal
    version)."""
    return privacy.file_name(f"ik-monitor_laenderbericht_{land_ags}_{period}{_language_suffix(language)}.pdf",
                             public)
