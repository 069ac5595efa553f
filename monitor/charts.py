"""All charts of the monitor in one house style (docs/charts.md); pages never style a figure by hand.

Every figure carries inside the picture what a council briefing needs when it is pasted as a screenshot:
a title (what, where, when), a subtitle (unit and definition), the target (Soll) where there is one, a footer
"Quelle: … · Stand: …" and, for demo data, a visible "Demodaten" mark. Missing values are gaps, never zeros;
values withheld for privacy (a string such as "< 3" in place of the number, or a ``suppressed`` mask) are
marked as such. Numbers and dates follow the language (monitor.fmt: 1.234,5 in German, 1,234.5 in English).

Builders take plain arguments (title, subtitle, unit, source, stand, is_demo, language) so the pages pass in
what the indicator catalogue says; nothing here knows the catalogue.
"""

from __future__ import annotations

import math
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from . import fmt, geo
from .i18n import N_, translate

# --- house style -------------------------------------------------------------------------------------------

FONT_FAMILY = 'Arial, "Liberation Sans", "Helvetica Neue", "DejaVu Sans", sans-serif'
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#595959"
GRID_COLOUR = "#E3E3E3"
# Okabe–Ito, the colour-blind-safe palette (Okabe & Ito 2008), in the order series use it.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
TARGET_COLOUR = "#222222"
BAR_COLOUR = "#7FB2DC"  # the many bars of a ranking
HIGHLIGHT_COLOUR = "#D55E00"  # the selected region among them
ACTUAL_COLOUR = "#0072B2"
TARGET_FILL = "rgba(34, 34, 34, 0.10)"
MISSING_COLOUR = "#E0E0E0"
SUPPRESSED_COLOUR = "#9E9E9E"
DEMO_COLOUR = "#D55E00"
# Paul Tol's "iridescent" sequential scale without its two palest steps (they read as "no data").
SEQUENTIAL = (
    "#F5F3C1", "#EAF0B5", "#DDECBF", "#D0E7CA", "#C2E3D2", "#B5DDD8", "#A8D8DC", "#9BD2E1", "#8DCBE4",
    "#81C4E7", "#7BBCE7", "#7EB2E4", "#88A5DD", "#9398D2", "#9B8AC4", "#9D7DB2", "#9A709E", "#906388",
    "#805770", "#684957", "#46353A",
)
COLORSCALE = [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]

# Lines stay apart in greyscale print too: each series has its own dash pattern and marker besides its colour
# ("dash" is the target's).
DASHES = ("solid", "dot", "dashdot", "longdash", "longdashdot", "solid", "dot", "dashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "triangle-down", "cross", "x", "star")
REFERENCE_COLOURS = ("#555555", "#999999")  # reference lines (Land, Germany) beside chosen regions


@dataclass(frozen=True)
class _Size:
    """How much text fits a figure: characters per line of title, subtitle and footer, the legend's width, the
    default margins and the longest category label before it is shortened."""

    title: int
    subtitle: int
    footer: int
    legend_px: int
    left: int
    right: int
    label: int


# Wide: a Streamlit column about 760 px wide, and every image for print (wider figures have room to spare); the
# title leaves room for the chart toolbar at its right. Narrow: a phone (about 360 px of chart).
WIDE = _Size(title=58, subtitle=98, footer=125, legend_px=760, left=70, right=30, label=60)
NARROW = _Size(title=28, subtitle=46, footer=58, legend_px=340, left=46, right=14, label=20)
_TITLE_SIZE, _SUBTITLE_SIZE, _FOOTER_SIZE, _BASE_SIZE = 18, 13, 11, 13
PHONE_PLOT_PX = 360  # a chart's width on a 390 px phone screen

TOPOJSON_URL = "app/static/world-stub/"  # relative: works under a server.baseUrlPath too
EXPORT_SCALE = 2

# The words charts print, as German message ids (monitor.i18n translates them).
_WORDS = {
    "source": N_("Quelle"), "stand": N_("Stand"), "demo": N_("Demodaten"),
    "demo_long": N_("Demodaten – erfundene Zahlen, keine echten Werte"), "target": N_("Soll"),
    "missing": N_("keine Daten"), "suppressed": N_("unterdrückt (Datenschutz)"), "actual": N_("Ist"),
    "of_previous": N_("des vorherigen Schritts"), "of_target": N_("des Solls"), "and": N_("und"),
    "suppressed_note": N_("* Summe unvollständig: einzelne Werte fehlen oder sind aus Datenschutzgründen unterdrückt"),
    "missing_note": N_("–: keine Daten"), "highest": N_("höchster Wert"), "lowest": N_("niedrigster Wert"),
    "to": N_("bis"), "no_values": N_("keine Werte"), "line": N_("Liniendiagramm"), "bars": N_("Balkendiagramm"),
    "stacked": N_("gestapeltes Balkendiagramm"), "gap": N_("Ist-Soll-Vergleich"), "chain": N_("Interventionskette"),
    "map": N_("Karte"), "tiles": N_("Kachelkarte der Länder"), "regions": N_("Regionen"),
    "without": N_("ohne Daten"), "break": N_("Methodenwechsel"), "notes": N_("Hinweise"),
}


def _w(language: str, key: str) -> str:
    return translate(_WORDS[key], language)


def _template() -> go.layout.Template:
    axis = dict(
        showgrid=True, gridcolor=GRID_COLOUR, zeroline=False, linecolor="#BDBDBD", ticks="outside",
        tickcolor="#BDBDBD", tickfont=dict(size=12, color=TEXT_COLOUR), title=dict(font=dict(size=12)),
    )
    return go.layout.Template(layout=dict(
        font=dict(family=FONT_FAMILY, size=_BASE_SIZE, color=TEXT_COLOUR),
        paper_bgcolor="white", plot_bgcolor="white", colorway=list(PALETTE),
        xaxis=axis, yaxis=axis, hoverlabel=dict(font=dict(family=FONT_FAMILY, size=12)),
        legend=dict(font=dict(size=12)),
    ))


TEMPLATE = _template()

# --- labels and numbers --------------------------------------------------------------------------------------


def chart_title(what: str, region: str = "", period: Any = None) -> str:
    """A title that says what is shown, where and when: ``Schutzplätze – Dortmund, Q2 2025``."""
    when = fmt.quarter(period) if period else ""  # "Q2 2025" with a no-break space, the same in both languages
    where = ", ".join(p for p in (region, when) if p)
    return f"{what} – {where}" if where else what


def slug(text: str) -> str:
    """File-name form of a label: ``Schutzplätze je 10.000`` → ``schutzplaetze-je-10-000``."""
    text = str(text).strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def export_filename(region_ags: str, indicator_slug: str, period: Any, ext: str = "png") -> str:
    """``ik-monitor_05913_schutzplaetze_2025-Q2.png``; an empty ``ext`` gives the stem (for plotly's export)."""
    parts = ["ik-monitor", slug(region_ags) or "00", slug(indicator_slug), str(period or "").replace(" ", "")]
    stem = "_".join(p for p in parts if p)
    stem = re.sub(r"[^A-Za-z0-9_.-]", "-", stem)
    ext = ext.lstrip(".")
    return f"{stem}.{ext}" if ext else stem


# --- values: numbers, gaps and suppressed cells ---------------------------------------------------------------


# Text that means "no report" (privacy.MISSING is "k. A."): a gap, not a suppressed value.
MISSING_MARKERS = frozenset({"", "k. A.", "k.A.", "n/a", "n. a.", "NA", "nan", "None"})
_GERMAN_NUMBER = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
SUPPRESSED_MARK = "•"  # label of a cell flagged only by a boolean ``suppressed`` mask


def _cell(value: Any) -> tuple[float, str]:
    """(number, suppression label) of one cell; German display text ("1.234,5") counts as its number."""
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan, ""
    if isinstance(value, str):
        text = value.strip()
        if text in MISSING_MARKERS:
            return math.nan, ""
        if _GERMAN_NUMBER.match(text):
            return float(text.replace(".", "").replace(",", ".")), ""
        try:
            return float(text), ""
        except ValueError:
            return math.nan, text
    try:
        return float(value), ""
    except (TypeError, ValueError):
        return math.nan, ""


def _split(values: pd.Series, suppressed: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """Numbers (NaN for gaps) and the suppression label of each cell ('' when not suppressed).

    Numbers and German display text ("1.234,5") are values; NaN, None and "k. A." are gaps; any other text
    ("< 3", "–" as ``privacy.apply_public(as_text=True)`` writes them) is a suppressed value and keeps its
    text. ``suppressed`` (e.g. ``privacy.suppression_mask``) flags further cells: True gives the label "•",
    a string is the label itself.
    """
    cells = [_cell(v) for v in values.tolist()]
    numbers = pd.Series([c[0] for c in cells], index=values.index, dtype="float64")
    labels = pd.Series([c[1] for c in cells], index=values.index, dtype="object")
    if suppressed is not None:
        for idx, flag in suppressed.reindex(values.index).items():
            label = flag.strip() if isinstance(flag, str) else (SUPPRESSED_MARK if flag is True or flag == 1 else "")
            if label and label not in MISSING_MARKERS:
                numbers[idx] = math.nan
                labels[idx] = labels[idx] or label
    return numbers, labels


def _number(value: Any, decimals: int = 0, unit: str = "", language: str = "de") -> str:
    """A value printed in a chart; a gap is "–" (the legend of the chart says so)."""
    return fmt.number(value, decimals, language, unit=unit, missing="–")


def _hover_value(v: float, decimals: int, unit: str, language: str) -> str:
    return _number(v, decimals, unit, language)


def _bar_label(v: float, decimals: int, unit: str, language: str) -> str:
    """Value printed on a bar or tile: only ``%`` is repeated there, other units stand on the axis."""
    return _number(v, decimals, "%" if _pct_unit(unit) else "", language)


def _pct_unit(unit: str) -> bool:
    return unit.strip() == "%"


def _axis_number_format(unit: str, language: str = "de") -> dict:
    out = dict(tickformat=",~f", separatethousands=True)
    if _pct_unit(unit):
        out["ticksuffix"] = fmt.percent(0, 0, language)[1:]  # " %" in German, "%" in English
    return out


def _text_colour_on(fill: str) -> str:
    m = re.match(r"rgb\((\d+),\s*(\d+),\s*(\d+)\)", fill)
    if m:
        r, g, b = (int(x) for x in m.groups())
    else:
        h = fill.lstrip("#")
        r, g, b = int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if luminance < 140 else TEXT_COLOUR


# --- the frame every figure gets -----------------------------------------------------------------------------


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for para in str(text or "").split("\n"):
        lines.extend(textwrap.wrap(para, width=width, break_long_words=False, break_on_hyphens=False))
    return lines


@dataclass(frozen=True)
class _Texts:
    title: str
    subtitle: str
    source: str
    stand: Any
    is_demo: bool
    language: str
    note: str
    narrow: bool = False

    @property
    def size(self) -> _Size:
        return NARROW if self.narrow else WIDE


def _frame(
    fig: go.Figure,
    t: _Texts,
    *,
    plot_height: int,
    legend: bool,
    legend_rows: int = 1,
    x_axis_space: int = 40,
    extra_footer: Sequence[str] = (),
    alt: str = "",
    kind: str = "",
    right: int = 30,
    left: int | None = None,
) -> go.Figure:
    """Title, subtitle, legend, footer and demo mark with margins computed so that nothing overlaps."""
    lang, size = t.language, t.size
    left = size.left if left is None else left
    right = min(right, size.right) if t.narrow and kind not in ("map", "tiles") else right
    title_lines = _wrap(t.title, size.title)
    subtitle_lines = _wrap(t.subtitle, size.subtitle)
    # wide: room for the demo tag in the corner; narrow: the tag gets a line of its own under the footer
    footer_chars = size.footer - (20 if t.is_demo and not t.narrow else 0)
    footer = [f"{_w(lang, 'source')}: {t.source or '–'} · {_w(lang, 'stand')}: {fmt.stand(t.stand, lang)}"]
    footer_lines: list[str] = []
    for line in [*footer, *extra_footer, *([t.note] if t.note else [])]:
        footer_lines.extend(_wrap(line, footer_chars))
    if t.is_demo:
        footer_lines.extend(_wrap(f"<b>{_w(lang, 'demo_long')}</b>", footer_chars + 7))
    demo_tag_height = 26 if t.is_demo and t.narrow else 0

    legend_height = int((19 if t.narrow else 24) * legend_rows) + 6 if legend else 0
    title_line, subtitle_line = (22, 17) if t.narrow else (24, 19)
    top = (16 + title_line * len(title_lines) + (subtitle_line * len(subtitle_lines) + 6 if subtitle_lines else 0)
           + legend_height + 12)
    footer_height = 15 * len(footer_lines)
    bottom = x_axis_space + footer_height + 14 + demo_tag_height
    fig.update_layout(
        template=TEMPLATE,
        separators=",." if lang == "de" else ".,",
        height=top + plot_height + bottom,
        margin=dict(t=top, b=bottom, l=left, r=right, pad=2, autoexpand=True),
        title=dict(
            text="<b>" + "<br>".join(title_lines) + "</b>",
            subtitle=dict(text="<br>".join(subtitle_lines), font=dict(size=_SUBTITLE_SIZE, color=MUTED_COLOUR)),
            x=0, xref="container", xanchor="left", y=1, yref="container", yanchor="top",
            pad=dict(t=14, l=14), font=dict(size=_TITLE_SIZE, color=TEXT_COLOUR),
        ),
        showlegend=legend,
        # on a phone the legend starts at the figure's left edge (under the title), not at the plot's: charts
        # with long category labels have a wide left margin, and a phone has no width to spare
        legend=dict(orientation="h", xanchor="left", y=1, yanchor="bottom", xref="paper",
                    x=-(left - 8) / max(PHONE_PLOT_PX - left - right, 1) if t.narrow else 0,
                    bgcolor="rgba(255,255,255,0)", traceorder="normal", title=dict(text="")),
        hovermode="closest",
        meta={"ik_monitor": {"alt": alt or t.title, "kind": kind, "title": t.title, "narrow": t.narrow}},
    )
    # The footer hangs from the bottom edge of the plot area into the bottom margin.
    fig.add_annotation(
        text="<br>".join(footer_lines), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
        xshift=-left + (8 if t.narrow else 14), yshift=-x_axis_space, showarrow=False, align="left",
        font=dict(size=_FOOTER_SIZE, color=MUTED_COLOUR), name="footer",
    )
    if t.is_demo:
        # Wide: bottom right (the top right corner is where plotly's mode bar appears on hover). Narrow: bottom
        # left, under the footer, where it covers nothing.
        corner = dict(x=1, xanchor="right", xshift=right - 10) if not t.narrow else \
            dict(x=0, xanchor="left", xshift=-left + 8)
        fig.add_annotation(
            text=f"<b>{_w(lang, 'demo').upper()}</b>", xref="paper", yref="paper", y=0, yanchor="bottom",
            yshift=-bottom + 8, showarrow=False, bgcolor=DEMO_COLOUR, font=dict(size=12, color="white"),
            borderpad=4, name="demo-tag", **corner,
        )
        fig.add_annotation(
            text=_w(lang, "demo").upper(), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
            textangle=-24, font=dict(size=30 if t.narrow else 64, color="rgba(213, 94, 0, 0.11)"),
            name="demo-watermark",
        )
    return fig


INTERNAL = N_("Intern – nicht zur Veröffentlichung")


def mark_internal(fig: go.Figure, language: str = "de") -> go.Figure:
    """A copy of ``fig`` tagged "Intern – nicht zur Veröffentlichung" at its top right (internal view, its PNG/SVG).

    A copy: figures are cached and shared between sessions, a public one must never carry the tag (or lose it).
    """
    out = go.Figure(fig)
    text = translate(INTERNAL, language)
    out.add_annotation(text=f"<b>{text.upper()}</b>", xref="paper", yref="paper", x=1, y=1, xanchor="right",
                       yanchor="bottom", yshift=4, showarrow=False, bgcolor="#aa0000", borderpad=3,
                       font=dict(size=11, color="white"), name="internal-tag")
    return out


def _texts(title, subtitle, source, stand, is_demo, language, note, narrow=False) -> _Texts:
    return _Texts(title, subtitle or "", source or "", stand, bool(is_demo), language or "de", note or "",
                  bool(narrow))


def _legend_rows(names: Iterable[str], t: _Texts | None = None) -> float:
    """Lines of text the horizontal legend takes. Plotly wraps a legend that does not fit into a grid whose
    columns are as wide as its widest item; on a phone long names are wrapped with <br> into two lines."""
    names = [str(n) for n in names]
    if not names:
        return 1
    width_px = (t.size if t is not None else WIDE).legend_px
    parts = [n.split("<br>") for n in names]
    widest = max(40 + (6.5 if t is not None and t.narrow else 7) * max(len(p) for p in ps) for ps in parts)
    if sum(40 + 7 * max(len(p) for p in ps) for ps in parts) <= width_px:
        return max(len(ps) for ps in parts)  # one row
    per_row = max(1, int(width_px // widest))
    rows = [parts[i:i + per_row] for i in range(0, len(parts), per_row)]
    return sum(max(len(ps) for ps in row) for row in rows) + 0.25 * (len(rows) - 1)


def _short(label: str, t: _Texts) -> str:
    """A category label as the axis shows it: whole, or on a phone cut to the profile's length with "…"
    (the whole label stays in the hover text and the data table)."""
    limit = t.size.label
    return label if len(label) <= limit else label[: limit - 1].rstrip(" ,–-") + "…"


def _extremes(labels: Sequence[str], values: Sequence[float], decimals: int, unit: str, language: str) -> str:
    pairs = [(lab, v) for lab, v in zip(labels, values) if v is not None and not math.isnan(v)]
    if not pairs:
        return _w(language, "no_values")
    hi = max(pairs, key=lambda p: p[1])
    lo = min(pairs, key=lambda p: p[1])

    def fmt(v: float) -> str:
        return _number(v, decimals, unit, language)
    if hi == lo:
        return f"{hi[0]}: {fmt(hi[1])}"
    return (f"{_w(language, 'highest')} {hi[0]} ({fmt(hi[1])}), "
            f"{_w(language, 'lowest')} {lo[0]} ({fmt(lo[1])})")


# --- trend over quarters -------------------------------------------------------------------------------------


def trend_chart(
    df: pd.DataFrame | pd.Series,
    *,
    title: str,
    subtitle: str = "",
    unit: str = "",
    decimals: int = 0,
    source: str = "",
    stand: Any = None,
    is_demo: bool = False,
    language: str = "de",
    note: str = "",
    narrow: bool = False,
    target: float | pd.Series | None = None,
    target_label: str = "",
    target_band: tuple[Any, Any] | None = None,
    breaks: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    suppressed: pd.DataFrame | None = None,
    emphasis: str | None = None,
    references: Sequence[str] = (),
    axis_title: str | None = None,
    height: int = 320,
) -> go.Figure:
    """Lines over periods: ``df`` has one row per period (index ``2025-Q2`` or ``2025``), one column per series.

    NaN is a gap; a string such as ``< 3`` (or True in ``suppressed``) is a withheld value, marked at the
    foot of the plot. ``target`` (a number or a Series by period) is drawn as a dashed line labelled
    ``target_label``, ``target_band`` (low, high) as a shaded band; ``breaks`` are (period, note) pairs (method
    breaks, events, territorial changes: ``monitor.annotations``), each drawn as a dotted line before its
    period with a number that the footer explains. ``emphasis`` draws one series bold; ``references`` (column
    names, e.g. the Land and Germany beside chosen Kreise) are drawn in grey. Every series has its own dash
    pattern and marker, so that the lines stay apart in greyscale.
    """
    if isinstance(df, pd.Series):
        df = df.to_frame(name=df.name or title)
    t = _texts(title, subtitle, source, stand, is_demo, language, note, narrow)
    periods = [str(p) for p in df.index]
    x = [fmt.quarter(p, language) for p in periods]
    fig = go.Figure()
    any_suppressed = False
    alt_points: list[tuple[str, float]] = []
    refs = [c for c in df.columns if c in set(references)]
    for i, col in enumerate(df.columns):
        mask = suppressed[col] if suppressed is not None and col in suppressed else None
        numbers, labels = _split(df[col], mask)
        k = [c for c in df.columns if c not in refs].index(col) if col not in refs else None
        colour = PALETTE[k % len(PALETTE)] if k is not None else REFERENCE_COLOURS[refs.index(col) % 2]
        style = (DASHES[k % len(DASHES)], SYMBOLS[k % len(SYMBOLS)]) if k is not None else \
            (("dash", "dashdot")[refs.index(col) % 2], ("circle-open", "square-open")[refs.index(col) % 2])
        width = 3.5 if emphasis == col else (1.8 if emphasis is not None or col in refs else 2.5)
        fig.add_trace(go.Scatter(
            x=x, y=numbers.tolist(), name=str(col), mode="lines+markers", connectgaps=False, legendrank=100 + i,
            line=dict(color=colour, width=width, dash="solid" if emphasis == col else style[0]),
            marker=dict(size=6 if emphasis in (None, col) else 5, symbol=style[1]),
            hovertemplate=[f"{col}<br>{lab}: {_hover_value(v, decimals, unit, language)}<extra></extra>"
                           for lab, v in zip(x, numbers)],
        ))
        alt_points.extend((f"{col} {lab}", v) for lab, v in zip(x, numbers))
        sx = [lab for lab, s in zip(x, labels) if s]
        if sx:
            fig.add_trace(go.Scatter(
                x=sx, y=[0.03] * len(sx), yaxis="y2", mode="markers+text", name=_w(language, "suppressed"),
                text=[s for s in labels if s], textposition="top center", textfont=dict(size=11, color=colour),
                legendgroup="suppressed", showlegend=not any_suppressed, legendrank=3000,
                marker=dict(symbol="x-thin-open", size=11, line=dict(width=2, color=colour), color=colour),
                hovertemplate=[f"{col}<br>{lab}: {s} – {_w(language, 'suppressed')}<extra></extra>"
                               for lab, s in zip(x, labels) if s],
            ))
            any_suppressed = True
    target_names: list[str] = []
    if target_band is not None:
        low, high = (_along(v, df.index) for v in target_band)
        name = target_label or _w(language, "target")
        fig.add_trace(go.Scatter(x=x, y=low, mode="lines", line=dict(width=0), showlegend=False,
                                 hoverinfo="skip", legendgroup="target-band"))
        fig.add_trace(go.Scatter(x=x, y=high, mode="lines", line=dict(width=0), fill="tonexty",
                                 fillcolor=TARGET_FILL, name=_target_name(name, language), legendrank=2000,
                                 legendgroup="target-band", hoverinfo="skip"))
        target_names.append(name)
    target_footer: list[str] = []
    if target is not None:
        values = _along(target, df.index)
        name = _target_name(target_label, language)
        # a phone's legend has room for the word only; the target's definition goes to the footer
        legend_name = _w(language, "target") if narrow else name
        if narrow and legend_name != name:
            target_footer.append(name)
        fig.add_trace(go.Scatter(
            x=x, y=values, mode="lines", name=legend_name, line=dict(color=TARGET_COLOUR, width=2, dash="dash"),
            legendrank=2001,
            hovertemplate=[f"{name}<br>{lab}: {_hover_value(v, decimals, unit, language)}<extra></extra>"
                           for lab, v in zip(x, values)],
        ))
        target_names.append(legend_name)
    notes: list[str] = []
    pairs = list(breaks.items()) if isinstance(breaks, Mapping) else list(breaks or ())
    for period, text in pairs:
        if str(period) not in periods or periods.index(str(period)) == 0:
            continue  # a break before the first shown period has nothing to separate
        number = len(notes) + 1
        notes.append(f"{number} {text}")
        pos = periods.index(str(period)) - 0.5
        fig.add_shape(type="line", x0=pos, x1=pos, xref="x", y0=0, y1=1, yref="paper",
                      line=dict(color=MUTED_COLOUR, width=1.5, dash="dot"))
        fig.add_annotation(x=pos, xref="x", y=1, yref="paper", yanchor="top", xanchor="center", yshift=2,
                           text=f"<b>{number}</b>", showarrow=False, font=dict(size=11, color=TEXT_COLOUR),
                           bgcolor="white", bordercolor=MUTED_COLOUR, borderwidth=1, borderpad=2, name="break")
    tickvals = ticktext = x
    if len(x) > (5 if narrow else 12):
        # Label year starts only; every quarter keeps its grid line and its full label on hover. On a phone the
        # label is the year alone.
        starts = [(lab, p) for lab, p in zip(x, periods) if p.endswith("Q1")]
        tickvals = [lab for lab, _p in starts] or x[:: max(1, len(x) // (4 if narrow else 8))]
        ticktext = [p[:4] for _lab, p in starts] if narrow and starts else tickvals
    fig.update_layout(
        xaxis=dict(type="category", categoryorder="array", categoryarray=x, tickvals=tickvals, ticktext=ticktext,
                   tickangle=0, automargin=False, showgrid=False),
        yaxis=dict(rangemode="tozero", automargin="left", title=dict(text=axis_title if axis_title is not None
                   else ("" if _pct_unit(unit) else unit)), **_axis_number_format(unit, language)),
        yaxis2=dict(overlaying="y", range=[0, 1], visible=False, fixedrange=True),
    )
    names = [str(c) for c in df.columns] + target_names + ([_w(language, "suppressed")] if any_suppressed else [])
    span = f"{x[0]} {_w(language, 'to')} {x[-1]}" if x else ""
    alt = (f"{_w(language, 'line')}: {title}. {span}; "
           f"{_extremes([a for a, _ in alt_points], [v for _, v in alt_points], decimals, unit, language)}."
           + (f" {_target_name(target_label, language)}." if target is not None else ""))
    if notes:
        alt += f" {_w(language, 'notes')}: " + "; ".join(notes) + "."
    extra = target_footer + ([f"{_w(language, 'notes')}: " + " · ".join(notes)] if notes else [])
    if narrow:
        # long series names wrap in the legend instead of running off the figure
        for trace in fig.data:
            if trace.name and len(trace.name) > 34:
                trace.name = "<br>".join(_wrap(trace.name, 34))
        names = [str(trace.name) for trace in fig.data if trace.showlegend is not False and trace.name]
    return _frame(fig, t, plot_height=height, legend=True, legend_rows=_legend_rows(names, t), x_axis_space=34,
                  extra_footer=extra, alt=alt, kind="trend")


def _target_name(label: str, language: str) -> str:
    word = _w(language, "target")
    if not label:
        return word
    return label if label.lower().startswith(word.lower()) else f"{word}: {label}"


def _along(value: Any, index: pd.Index) -> list[float | None]:
    if isinstance(value, pd.Series):
        series = value.copy()
        series.index = series.index.map(str)
        return [None if pd.isna(v) else float(v) for v in series.reindex([str(i) for i in index])]
    return [float(value)] * len(index)


# --- ranking, gaps, stacks -----------------------------------------------------------------------------------


def bar_ranking(
    df: pd.DataFrame,
    *,
    value: str,
    label: str,
    title: str,
    subtitle: str = "",
    unit: str = "",
    decimals: int = 0,
    source: str = "",
    stand: Any = None,
    is_demo: bool = False,
    language: str = "de",
    note: str = "",
    narrow: bool = False,
    key: str | None = "ags",
    highlight: str | Iterable[str] | None = None,
    target: float | None = None,
    target_label: str = "",
    suppressed: pd.Series | None = None,
    ascending: bool = False,
    axis_title: str | None = None,
) -> go.Figure:
    """Horizontal bars sorted by ``value`` (largest on top), e.g. coverage of the Kreise of a Land.

    ``highlight`` (values of the ``key`` column, or labels) gets the highlight colour; ``target`` a dashed
    vertical line. Rows without a number are listed at the bottom as "keine Daten" or with their
    suppression mark, never as a zero bar.
    """
    t = _texts(title, subtitle, source, stand, is_demo, language, note, narrow)
    data = df.reset_index(drop=True)
    numbers, marks = _split(data[value], suppressed.reset_index(drop=True) if suppressed is not None else None)
    wanted = {highlight} if isinstance(highlight, str) else set(highlight or ())
    keys = data[key].astype(str) if key and key in data else data[label].astype(str)
    is_hi = keys.isin(wanted) | data[label].astype(str).isin(wanted)
    order = numbers.sort_values(ascending=ascending, na_position="last", kind="stable").index
    # Plotly draws the first category at the bottom: reverse so the largest is on top.
    order = list(order)[::-1]
    labels = [str(data[label][i]) for i in order]
    vals = [numbers[i] for i in order]
    fig = go.Figure(go.Bar(
        y=labels, x=[None if math.isnan(v) else v for v in vals], orientation="h",
        marker=dict(color=[HIGHLIGHT_COLOUR if is_hi[i] else BAR_COLOUR for i in order]),
        text=[_bar_label(v, decimals, unit, language) if not math.isnan(v) else
              (marks[i] + " – " + _w(language, "suppressed") if marks[i] else _w(language, "missing"))
              for v, i in zip(vals, order)],
        textposition="outside", cliponaxis=False, textfont=dict(size=12, color=TEXT_COLOUR),
        hovertemplate="%{y}: %{text}<extra></extra>", showlegend=False,
    ))
    for lab, v, i in zip(labels, vals, order):
        if math.isnan(v):
            # No bar to carry the text: say so at the axis instead of drawing a zero.
            fig.add_annotation(x=0, y=lab, xanchor="left", xshift=4, showarrow=False,
                               font=dict(size=11, color=MUTED_COLOUR),
                               text=(f"{marks[i]} – {_w(language, 'suppressed')}" if marks[i]
                                     else _w(language, "missing")))
    finite = [v for v in vals if not math.isnan(v)]
    top = max(finite + ([target] if target is not None else []) + [0])
    fig.update_xaxes(range=[0, top * 1.18 if top > 0 else 1], automargin=False, rangemode="tozero",
                     title=dict(text=axis_title if axis_title is not None else ("" if _pct_unit(unit) else unit)),
                     **_axis_number_format(unit, language))
    fig.update_yaxes(type="category", automargin="left", showgrid=False, ticks="",
                     tickfont=dict(size=12 if len(labels) <= 40 and not narrow else 11))
    shown = [_short(x, t) for x in labels]
    if any(is_hi[i] for i in order) or shown != labels:
        fig.update_yaxes(tickmode="array", tickvals=labels,
                         ticktext=[f"<b>{x}</b>" if is_hi[j] else x for x, j in zip(shown, order)])
    extra: list[str] = []
    if target is not None:
        name = _target_name(target_label, language)
        fig.add_shape(type="line", x0=target, x1=target, y0=0, y1=1, yref="paper", layer="below",
                      line=dict(color=TARGET_COLOUR, width=2, dash="dash"))
        fig.add_annotation(x=target, y=1, yref="paper", yanchor="bottom", xanchor="center", showarrow=False,
                           text=f"{_w(language, 'target')} {_number(target, decimals, unit, language)}",
                           font=dict(size=11, color=TARGET_COLOUR))
        if name != _w(language, "target"):  # the bare word says nothing the line's own label does not
            extra.append(name)
    n_missing = sum(1 for v in vals if math.isnan(v))
    alt = (f"{_w(language, 'bars')}: {title}. {len(labels)} {_w(language, 'regions')}; "
           f"{_extremes(labels, vals, decimals, unit, language)}"
           + (f"; {n_missing} {_w(language, 'without')}" if n_missing else "") + ".")
    row = 22 if len(labels) <= 40 else 17
    return _frame(fig, t, plot_height=max(160, row * len(labels)), legend=False, x_axis_space=34,
                  extra_footer=extra, alt=alt, kind="ranking", left=_label_margin(shown, t), right=40)


def _label_margin(labels: Sequence[str], t: _Texts | None = None) -> int:
    """The left margin for horizontal bars' category labels (as shown: on a phone they are shortened)."""
    narrow = t is not None and t.narrow
    longest = max((len(_short(s, t) if t is not None else s) for s in labels), default=10)
    return int(min(150 if narrow else 320, max(60 if narrow else 90, (6.6 if narrow else 7.2) * longest + 18)))


def gap_bars(
    df: pd.DataFrame,
    *,
    label: str,
    actual: str,
    target: str,
    title: str,
    subtitle: str = "",
    unit: str = "",
    decimals: int = 0,
    source: str = "",
    stand: Any = None,
    is_demo: bool = False,
    language: str = "de",
    note: str = "",
    narrow: bool = False,
    axis_title: str | None = None,
) -> go.Figure:
    """Ist against Soll per indicator (one row each): a wide pale Soll bar with the Ist bar inside it.

    Rows of different units belong on one chart only as percentages of their target (Soll = 100).
    """
    t = _texts(title, subtitle, source, stand, is_demo, language, note, narrow)
    data = df.reset_index(drop=True).iloc[::-1]  # first row on top
    labels = data[label].astype(str).tolist()
    ist, marks = _split(data[actual])
    soll = pd.to_numeric(data[target], errors="coerce").astype("float64")
    w_ist, w_soll = _w(language, "actual"), _w(language, "target")
    texts = []
    for v, s, m in zip(ist, soll, marks):
        if math.isnan(v):
            texts.append(f"{m} – {_w(language, 'suppressed')}" if m else _w(language, "missing"))
        else:
            # rows already in % of their target need no second percentage
            in_pct_of_target = _pct_unit(unit) and s == 100
            pct = (f" ({_number(v / s * 100, 0, '%', language)} {_w(language, 'of_target')})"
                   if s and s > 0 and not in_pct_of_target else "")
            if narrow:  # a phone: the figures without words, the legend says which bar is which
                texts.append(_number(v, decimals, unit, language) if in_pct_of_target else
                             f"{_number(v, decimals, unit, language)} / {_number(s, decimals, unit, language)}")
            else:
                texts.append(f"{w_ist} {_number(v, decimals, unit, language)} · {w_soll} "
                             f"{_number(s, decimals, unit, language)}{pct}")
    fig = go.Figure()
    fig.add_trace(go.Bar(y=labels, x=soll.where(soll.notna(), None).tolist(), orientation="h", name=w_soll,
                         marker=dict(color="rgba(255,255,255,0)", line=dict(color=TARGET_COLOUR, width=1.5)),
                         width=0.7, hovertemplate="%{y}: " + w_soll + " %{x}<extra></extra>"))
    fig.add_trace(go.Bar(y=labels, x=ist.where(ist.notna(), None).tolist(), orientation="h", name=w_ist,
                         marker=dict(color=ACTUAL_COLOUR), width=0.4, text=texts, textposition="none",
                         hovertemplate="%{y}: %{text}<extra></extra>"))
    top = max([v for v in list(ist) + list(soll) if not math.isnan(v)] + [0])
    for lab, txt, v, s in zip(labels, texts, ist, soll):
        end = max(x for x in (v, s, 0) if not math.isnan(x))
        fig.add_annotation(x=end, y=lab, xanchor="left", xshift=6, text=txt, showarrow=False,
                           font=dict(size=12, color=TEXT_COLOUR))
    fig.update_layout(barmode="overlay", bargap=0.25)
    fig.update_xaxes(range=[0, top * (1.6 if narrow else 1.75) if top > 0 else 1], automargin=False,
                     rangemode="tozero", nticks=4 if narrow else None,
                     title=dict(text=axis_title if axis_title is not None else ("" if _pct_unit(unit) else unit)),
                     **_axis_number_format(unit, language))
    shown = [_short(x, t) for x in labels]
    fig.update_yaxes(type="category", automargin="left", showgrid=False, ticks="", tickmode="array", tickvals=labels,
                     ticktext=shown)
    gaps = "; ".join(f"{lab}: {txt}" for lab, txt in zip(labels[::-1], texts[::-1]))
    alt = f"{_w(language, 'gap')}: {title}. {gaps}."
    return _frame(fig, t, plot_height=max(140, 46 * len(labels)), legend=True, x_axis_space=34, alt=alt,
                  kind="gap", left=_label_margin(shown, t))


def stacked_bars(
    df: pd.DataFrame,
    *,
    title: str,
    subtitle: str = "",
    unit: str = "",
    decimals: int = 0,
    source: str = "",
    stand: Any = None,
    is_demo: bool = False,
    language: str = "de",
    note: str = "",
    narrow: bool = False,
    horizontal: bool = False,
    show_totals: bool = True,
    axis_title: str | None = None,
    height: int = 320,
) -> go.Figure:
    """Stacked bars: one bar per row of ``df`` (periods or regions), one segment per column (e.g. form of violence).

    A suppressed cell (``< 3``) is left out of its bar and the bar is marked ``*`` with a footnote; a row
    without any number is labelled "keine Daten".
    """
    t = _texts(title, subtitle, source, stand, is_demo, language, note, narrow)
    cats = [fmt.quarter(i, language) for i in df.index]
    if horizontal:
        cats, df = cats[::-1], df.iloc[::-1]
    fig = go.Figure()
    incomplete = pd.Series(False, index=range(len(cats)))
    totals = pd.Series(0.0, index=range(len(cats)))
    counted = pd.Series(False, index=range(len(cats)))
    for i, col in enumerate(df.columns):
        numbers, marks = _split(df[col].reset_index(drop=True))
        incomplete |= numbers.isna().to_numpy()
        totals += numbers.fillna(0)
        counted |= numbers.notna()
        values = [None if math.isnan(v) else v for v in numbers]
        hover = [f"{col}<br>{c}: "
                 f"{_number(v, decimals, unit, language) if v is not None else (m or _w(language, 'missing'))}"
                 "<extra></extra>" for c, v, m in zip(cats, values, marks)]
        bar = dict(name=str(col), marker=dict(color=PALETTE[i % len(PALETTE)]), hovertemplate=hover)
        fig.add_trace(go.Bar(y=cats, x=values, orientation="h", **bar) if horizontal
                      else go.Bar(x=cats, y=values, **bar))
    fig.update_layout(barmode="stack", bargap=0.3)
    labels = []
    flagged = incomplete & counted
    for c, tot, flag, ok in zip(cats, totals, flagged, counted):
        text = (_bar_label(tot, decimals, unit, language) if ok else _w(language, "missing")) + ("*" if flag else "")
        labels.append(text)
        pos = dict(x=tot if ok else 0, y=c, xanchor="left", xshift=4) if horizontal else \
            dict(x=c, y=tot if ok else 0, yanchor="bottom", yshift=2)
        if show_totals or not ok or flag:
            fig.add_annotation(**pos, text=text, showarrow=False, font=dict(size=11, color=TEXT_COLOUR))
    value_axis = dict(rangemode="tozero", title=dict(text=axis_title if axis_title is not None else
                      ("" if _pct_unit(unit) else unit)), **_axis_number_format(unit, language))
    cat_axis = dict(type="category", showgrid=False, tickangle=0)
    top = float(totals.max()) if len(totals) else 0
    if horizontal:
        fig.update_xaxes(range=[0, top * 1.15 if top > 0 else 1], automargin=False, nticks=4 if narrow else None,
                         **value_axis)
        fig.update_yaxes(automargin="left", tickmode="array", tickvals=cats, ticktext=[_short(c, t) for c in cats],
                         **cat_axis)
    else:
        fig.update_yaxes(range=[0, top * 1.1 if top > 0 else 1], automargin="left", **value_axis)
        fig.update_xaxes(automargin=False, **cat_axis)
    extra = [_w(language, "suppressed_note")] if bool(flagged.any()) else []
    shown_totals = [v if ok else float('nan') for v, ok in zip(totals, counted)]
    alt = (f"{_w(language, 'stacked')}: {title}. "
           f"{_extremes(cats, shown_totals, decimals, unit, language)}.")
    plot_height = max(160, 30 * len(cats)) if horizontal else height
    return _frame(fig, t, plot_height=plot_height, legend=True, legend_rows=_legend_rows(map(str, df.columns), t),
                  x_axis_space=34, extra_footer=extra, alt=alt, kind="stacked",
                  left=_label_margin(cats, t) if horizontal else None)


# --- intervention chain --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainStep:
    """One step of the intervention chain. ``share_of_previous``: print the step's share of the step before
    (only where it really is a subset of it; callers with their own rates put them in ``note`` instead).
    ``beside``: a figure shown beside the chain rather than as a step of it (turn-aways count requests)."""

    label: str
    value: float | int | str | None
    note: str = ""
    share_of_previous: bool = True
    beside: bool = False


def chain_chart(
    steps: Sequence[ChainStep | tuple],
    *,
    title: str,
    subtitle: str = "",
    unit: str = "",
    decimals: int = 0,
    source: str = "",
    stand: Any = None,
    is_demo: bool = False,
    language: str = "de",
    note: str = "",
    narrow: bool = False,
) -> go.Figure:
    """The intervention chain (call-out → eviction order → referral → reached → admission / turn-away) as
    horizontal bars in order, each with its value and its share of the step before."""
    t = _texts(title, subtitle, source, stand, is_demo, language, note, narrow)
    items = [s if isinstance(s, ChainStep) else ChainStep(*s) for s in steps]
    numbers, marks = _split(pd.Series([s.value for s in items], dtype="object"))
    def label_of(s: ChainStep) -> str:
        if not s.note:
            return s.label
        note = "<br>".join(_wrap(s.note, 20)) if narrow else s.note
        label = "<br>".join(_wrap(s.label, 20)) if narrow else s.label
        return label + f"<br><span style='font-size:11px;color:{MUTED_COLOUR}'>{note}</span>"

    labels = [label_of(s) for s in items]
    texts, prev = [], None
    for s, v, m in zip(items, numbers, marks):
        if math.isnan(v):
            texts.append(f"{m} – {_w(language, 'suppressed')}" if m else _w(language, "missing"))
        else:
            text = _number(v, decimals, unit, language)
            if s.share_of_previous and prev is not None and prev > 0:
                text += f" · {_number(v / prev * 100, 0, '%', language)} {_w(language, 'of_previous')}"
            texts.append(text)
        if s.share_of_previous:
            prev = None if math.isnan(v) else v
    colours = [HIGHLIGHT_COLOUR if s.beside else ACTUAL_COLOUR for s in items]
    fig = go.Figure(go.Bar(
        # a missing step is a zero-length bar so that its "keine Daten" label still stands at the axis
        y=labels[::-1], x=[0 if math.isnan(v) else v for v in numbers][::-1], orientation="h",
        marker=dict(color=colours[::-1]), text=texts[::-1], textposition="outside", cliponaxis=False,
        textfont=dict(size=12, color=TEXT_COLOUR), hovertemplate="%{y}: %{text}<extra></extra>", showlegend=False,
    ))
    top = max([v for v in numbers if not math.isnan(v)] + [0])
    fig.update_xaxes(range=[0, top * 1.55 if top > 0 else 1], automargin=False, nticks=3 if narrow else None,
                     **_axis_number_format(unit, language), title=dict(text="" if _pct_unit(unit) else unit))
    fig.update_yaxes(type="category", automargin="left", showgrid=False, ticks="")
    alt = f"{_w(language, 'chain')}: {title}. " + " → ".join(f"{s.label} {x}" for s, x in zip(items, texts)) + "."
    longest = ([n for s in items for n in [*_wrap(s.label, 20), *_wrap(s.note, 20)]] if narrow
               else [s.label for s in items])
    return _frame(fig, t, plot_height=max(160, (78 if narrow else 52) * len(items)), legend=False, x_axis_space=34,
                  alt=alt, kind="chain", left=_label_margin(longest, t))


# --- maps ----------------------------------------------------------------------------------------------------


def _colour_range(values: Sequence[float], zmin: float | None, zmax: float | None,
                  target: float | None) -> tuple[float, float]:
    finite = [v for v in values if not math.isnan(v)]
    lo = zmin if zmin is not None else min(finite + [0])
    hi = zmax if zmax is not None else max(finite + ([target] if target is not None else []) + [lo + 1])
    return lo, hi if hi > lo else lo + 1


def _target_text(target: float, label: str, decimals: int, unit: str, language: str) -> str:
    return _target_name(label, language) if label else \
        f"{_w(language, 'target')}: {_number(target, decimals, unit, language)}"


def _mark_target_on_colourbar(fig: go.Figure, target: float, lo: float, hi: float, language: str) -> None:
    """A "Soll ▸" pointer beside the colour bar (len 0.7, centred) at the target's value."""
    if not lo <= target <= hi:
        return
    y = 0.15 + 0.7 * (target - lo) / (hi - lo)
    fig.add_annotation(x=1, y=y, xref="paper", yref="paper", xanchor="right", xshift=8, showarrow=False,
                       text=f"<b>{_w(language, 'target')} ▸</b>", font=dict(size=11, color=TARGET_COLOUR))


def _colourbar(unit: str, language: str) -> dict:
    return dict(thickness=14, len=0.7, x=1.0, xanchor="left", y=0.5, outlinewidth=0,
                **_axis_number_format(unit, language))


def _title_colourbar(fig: go.Figure, unit: str, title: str | None) -> None:
    """The colour bar's title as an annotation above it: plotly's own title collides with the top tick label."""
    text = title if title is not None else ("" if _pct_unit(unit) else unit)
    if text:
        fig.add_annotation(x=1, y=0.85, xref="paper", yref="paper", xanchor="left", yanchor="bottom", xshift=8,
                           yshift=12, showarrow=False, text=text, font=dict(size=12, color=TEXT_COLOUR))


def choropleth(
    geojson: dict,
    df: pd.DataFrame,
    *,
    value: str,
    title: str,
    location: str = "ags",
    name: str | None = "name",
    subtitle: str = "",
    unit: str = "",
    decimals: int = 0,
    source: str = "",
    stand: Any = None,
    is_demo: bool = False,
    language: str = "de",
    note: str = "",
    narrow: bool = False,
    highlight: str | None = None,
    target: float | None = None,
    target_label: str = "",
    suppressed: pd.Series | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    colourbar_title: str | None = None,
    attribution: str | None = None,
    height: int = 520,
) -> go.Figure:
    """A map of Kreise or Länder coloured by ``value``; features of ``geojson`` without a number are grey
    ("keine Daten", or "unterdrückt" for withheld values). The base map is hidden and the view fits the
    features, so pass only the features to show (``geo.subset``)."""
    t = _texts(title, subtitle, source, stand, is_demo, language, note, narrow)
    data = df.reset_index(drop=True)
    numbers, marks = _split(data[value], suppressed.reset_index(drop=True) if suppressed is not None else None)
    locs = data[location].astype(str)
    names = data[name].astype(str) if name and name in data else locs
    feature_names = {f["properties"].get("ags"): f["properties"].get("name", "") for f in geojson.get("features", [])}
    has_value = numbers.notna()
    lo, hi = _colour_range(list(numbers), zmin, zmax, target)
    fig = go.Figure()
    # each trace carries only its own features: the figure (sent to the browser on every run) stays small
    fig.add_trace(go.Choropleth(
        geojson=geo.subset(geojson, ags=locs[has_value].tolist()), featureidkey="properties.ags",
        locations=locs[has_value].tolist(),
        z=numbers[has_value].tolist(), zmin=lo, zmax=hi, colorscale=COLORSCALE,
        marker=dict(line=dict(color="white", width=0.6)), colorbar=_colourbar(unit, language),
        hovertemplate=[f"{n}: {_number(v, decimals, unit, language)}<extra></extra>"
                       for n, v in zip(names[has_value], numbers[has_value])],
        showlegend=False, name="",
    ))
    known = set(locs[has_value])
    suppressed_locs = {loc: m for loc, m in zip(locs, marks) if m and loc not in known}
    missing = [a for a in feature_names if a not in known and a not in suppressed_locs]
    name_of = dict(zip(locs, names))
    for locations, colour, label in (
        (list(suppressed_locs), SUPPRESSED_COLOUR, _w(language, "suppressed")),
        (missing, MISSING_COLOUR, _w(language, "missing")),
    ):
        if not locations:
            continue
        fig.add_trace(go.Choropleth(
            geojson=geo.subset(geojson, ags=locations), featureidkey="properties.ags", locations=locations,
            z=[1] * len(locations),
            colorscale=[[0, colour], [1, colour]], showscale=False, showlegend=True, name=label,
            marker=dict(line=dict(color="white", width=0.6)),
            hovertemplate=[f"{name_of.get(a) or feature_names.get(a, a)}: "
                           f"{suppressed_locs.get(a, '')} {label}<extra></extra>" for a in locations],
        ))
    if highlight:
        fig.add_trace(go.Choropleth(
            geojson=geo.subset(geojson, ags=[highlight]), featureidkey="properties.ags", locations=[highlight],
            z=[1],
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False, showlegend=False,
            marker=dict(line=dict(color=TEXT_COLOUR, width=2.5)), hoverinfo="skip",
        ))
    fig.update_geos(fitbounds="locations", visible=False, projection=dict(type="mercator"), bgcolor="white")
    extra = [attribution or geo.attribution()]
    if target is not None:
        extra.insert(0, _target_text(target, target_label, decimals, unit, language))
        _mark_target_on_colourbar(fig, target, lo, hi, language)
    _title_colourbar(fig, unit, colourbar_title)
    legend = bool(missing or suppressed_locs)
    n_missing = len(missing)
    alt = (f"{_w(language, 'map')}: {title}. {_extremes(list(names), list(numbers), decimals, unit, language)}"
           + (f"; {n_missing} {_w(language, 'without')}" if n_missing else "") + ".")
    fig = _frame(fig, t, plot_height=height, legend=legend, x_axis_space=8, extra_footer=extra, alt=alt,
                 kind="map", right=90, left=20)
    fig.update_layout(geo=dict(domain=dict(x=[0, 1], y=[0, 1])), dragmode=False)
    return fig


def tile_map(
    df: pd.DataFrame,
    *,
    value: str,
    title: str,
    location: str = "ags",
    subtitle: str = "",
    unit: str = "",
    decimals: int = 0,
    source: str = "",
    stand: Any = None,
    is_demo: bool = False,
    language: str = "de",
    note: str = "",
    narrow: bool = False,
    highlight: str | None = None,
    target: float | None = None,
    target_label: str = "",
    suppressed: pd.Series | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    colourbar_title: str | None = None,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """The 16 Länder as equal squares on ``geo.TILE_GRID``, coloured by ``value``, labelled with abbreviation
    and value: the map for when no boundaries are installed, and a fair one (Stadtstaaten stay visible)."""
    t = _texts(title, subtitle, source, stand, is_demo, language, note, narrow)
    data = df.reset_index(drop=True)
    numbers, marks = _split(data[value], suppressed.reset_index(drop=True) if suppressed is not None else None)
    by_ags = {str(a)[:2]: (v, m) for a, v, m in zip(data[location].astype(str), numbers, marks)}
    lo, hi = _colour_range(list(numbers), zmin, zmax, target)
    fig = go.Figure()
    cx, cy, hover = [], [], []
    size = 0.92
    for ags, (row, col) in geo.TILE_GRID.items():
        v, m = by_ags.get(ags, (float("nan"), ""))
        if not math.isnan(v):
            fill = sample_colorscale(COLORSCALE, [min(max((v - lo) / (hi - lo), 0), 1)], colortype="rgb")[0]
            label = _number(v, decimals, "%" if _pct_unit(unit) else "", language)
        elif m:
            fill, label = SUPPRESSED_COLOUR, m
        else:
            fill, label = "white", "–"
        x0, y0 = col - size / 2, row - size / 2
        border = TEXT_COLOUR if ags == highlight else ("#BDBDBD" if fill == "white" else "white")
        fig.add_shape(type="rect", x0=x0, x1=x0 + size, y0=y0, y1=y0 + size, fillcolor=fill,
                      line=dict(color=border, width=3 if ags == highlight else 1), layer="below")
        colour = _text_colour_on(fill) if fill != "white" else MUTED_COLOUR
        fig.add_annotation(x=col, y=row, text=f"<b>{geo.LAND_ABBREVIATIONS[ags]}</b><br>{label}", showarrow=False,
                           font=dict(size=13, color=colour), align="center")
        land_name = (names or {}).get(ags, geo.LAND_ABBREVIATIONS[ags])
        state = (_number(v, decimals, unit, language) if not math.isnan(v)
                 else (f"{m} – {_w(language, 'suppressed')}" if m else _w(language, "missing")))
        cx.append(col)
        cy.append(row)
        hover.append(f"{land_name}: {state}<extra></extra>")
    fig.add_trace(go.Scatter(
        x=cx, y=cy, mode="markers", hovertemplate=hover, showlegend=False,
        marker=dict(size=48, symbol="square", opacity=0, color=[lo] * len(cx), cmin=lo, cmax=hi,
                    colorscale=COLORSCALE, showscale=True, colorbar=_colourbar(unit, language)),
    ))
    rows = max(r for r, _ in geo.TILE_GRID.values()) + 1
    cols = max(c for _, c in geo.TILE_GRID.values()) + 1
    fig.update_xaxes(visible=False, range=[-0.55, cols - 0.45], fixedrange=True)
    fig.update_yaxes(visible=False, range=[rows - 0.45, -0.55], fixedrange=True, scaleanchor="x", scaleratio=1)
    extra = []
    if target is not None:
        extra.append(_target_text(target, target_label, decimals, unit, language))
        _mark_target_on_colourbar(fig, target, lo, hi, language)
    _title_colourbar(fig, unit, colourbar_title)
    if any(a not in by_ags or (math.isnan(by_ags[a][0]) and not by_ags[a][1]) for a in geo.TILE_GRID):
        extra.append(_w(language, "missing_note"))
    named = [(names or {}).get(a, geo.LAND_ABBREVIATIONS[a]) for a in geo.TILE_GRID]
    values = [by_ags.get(a, (float("nan"), ""))[0] for a in geo.TILE_GRID]
    alt = f"{_w(language, 'tiles')}: {title}. {_extremes(named, values, decimals, unit, language)}."
    return _frame(fig, t, plot_height=78 * rows, legend=False, x_axis_space=8, extra_footer=extra, alt=alt,
                  kind="tiles", right=110, left=30)


# --- small helpers for pages ----------------------------------------------------------------------------------


def sparkline_values(values: Iterable[Any]) -> list[float | None]:
    """Numbers for ``st.column_config.LineChartColumn``: gaps and suppressed cells become None, never 0."""
    numbers, _ = _split(pd.Series(list(values), dtype="object"))
    return [None if math.isnan(v) else float(v) for v in numbers]


def alt_text(fig: go.Figure) -> str:
    """A German sentence describing the chart (kind, title, extremes) for ``alt=`` and captions."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    info = meta.get("ik_monitor", {}) if isinstance(meta, dict) else {}
    if info.get("alt"):
        return re.sub(r"<[^>]+>", "", str(info["alt"]))
    title = fig.layout.title.text or ""
    return re.sub(r"<[^>]+>", "", title) or "Diagramm"


def chart_config(filename: str) -> dict:
    """``config=`` for ``st.plotly_chart``: PNG export at scale 2 named ``filename``, no plotly logo, and the
    local world topojson stub (geo traces fetch one even with the base map hidden; see docs/charts.md)."""
    stem = re.sub(r"\.(png|svg|jpe?g)$", "", filename, flags=re.IGNORECASE)
    return {
        "displaylogo": False,
        "displayModeBar": True,
        "responsive": True,
        "scrollZoom": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines"],
        "toImageButtonOptions": {"format": "png", "filename": stem, "scale": EXPORT_SCALE},
        "topojsonURL": TOPOJSON_URL,
    }


def streamlit_kwargs(fig: go.Figure, filename: str) -> dict:
    """Keyword arguments for ``st.plotly_chart(fig, **streamlit_kwargs(fig, name))``: the house style
    (``theme=None`` so Streamlit does not restyle it), the export config and the alt text. A figure built for a
    phone has no mode bar (it would cover the title; the downloads below the chart remain)."""
    config = chart_config(filename)
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if meta.get("ik_monitor", {}).get("narrow"):
        config["displayModeBar"] = False
    return {"theme": None, "config": config, "alt": alt_text(fig)}
