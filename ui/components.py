"""Building blocks the pages share: a chart with its data and downloads, key figures, target and completeness notes.

Pages only arrange these; figures come from ``monitor.charts`` and numbers from ``monitor.indicators``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from monitor import annotations, assessment, catalogue, chain, charts, exports, fmt, images, privacy, ranking
from monitor.datasets import DATASETS
from monitor.indicators import Completeness, IndicatorValue, RegionReport
from monitor.regions import GERMANY

from . import data
from .i18n import N_, _, lang, pick
from .state import View

DENOMINATORS = {"population_total": N_("Einwohner:innen insgesamt"), "population_female": N_("Frauen")}


@dataclass(frozen=True)
class Style:
    """What every figure of a view carries inside the picture: source line, "Stand", demo mark, language."""

    source: str
    stand: Any
    is_demo: bool
    language: str
    narrow: bool = False

    def kwargs(self, **extra) -> dict:
        return {"source": extra.pop("source", self.source), "stand": self.stand, "is_demo": self.is_demo,
                "language": self.language, "narrow": self.narrow, **extra}


def style(dataset_ids: tuple[str, ...], report: RegionReport | None = None, target_source: str | None = None) -> Style:
    """The figure context for charts built from ``dataset_ids`` (and, when given, a target's source)."""
    status = data.status()
    labels = ", ".join(pick(DATASETS[d].label_de, DATASETS[d].label_en) for d in dataset_ids)
    parts = [_("IK-Monitor, Meldungen: {datasets}", datasets=labels)]
    if report is not None and report.population.get("reference_date"):
        p = report.population
        parts.append(_("Bevölkerung: Statistische Ämter des Bundes und der Länder ({date}, Basis {basis})",
                       date=fmt.date_(p["reference_date"], lang()), basis=p["basis"]))
    if target_source:
        parts.append(_("Soll: {source}", source=target_source))
    view = st.session_state.get("view")
    return Style(source="; ".join(parts), stand=status["stand"], is_demo=status["is_demo"], language=lang(),
                 narrow=bool(view and view.narrow))


def filename(view: View, indicator_id: str, ext: str = "png") -> str:
    """``ik-monitor_05913_schutzplaetze_2025-Q2.png``; internal: ``…_INTERN.png``."""
    return privacy.file_name(charts.export_filename(view.ags, catalogue.get(indicator_id).slug, view.period, ext),
                             view.public)


def internal_marker(view: View) -> str:
    """The text internal files carry inside ("" in the public view)."""
    return "" if view.public else privacy.internal(lang())


def chart(fig: go.Figure, *, view: View, indicator_id: str, table: pd.DataFrame | None = None,
          key: str | None = None, title: str | None = None) -> None:
    """Show a figure (modebar PNG export named after region, indicator and period) with its data and downloads:
    CSV and XLSX of the data, PNG and SVG of the chart rendered on the server."""
    name = filename(view, indicator_id)
    key = key or indicator_id
    # images keep the print layout: a figure drawn for a phone is rebuilt wide for its PNG and SVG
    wide = getattr(fig, "_ik_wide", None)
    image = wide() if wide else fig
    if not view.public:
        fig, image = charts.mark_internal(fig, lang()), charts.mark_internal(image, lang())
    st.plotly_chart(fig, key=f"chart_{key}", **charts.streamlit_kwargs(fig, name))
    stem = name.rsplit(".", 1)[0]
    with st.expander(_("Daten zum Diagramm")):
        if table is not None:
            st.dataframe(table, hide_index=True, width="stretch")
        cols = st.columns(4)
        if table is not None:
            data_downloads(table, stem=stem, title=title or (fig.layout.title.text or ""), key=key, columns=cols[:2],
                           marker=internal_marker(view))
        # callables: the files are built only when someone clicks, not on every rerun
        cols[2].download_button("PNG", lambda: images.to_png(image), file_name=f"{stem}.png", mime="image/png",
                                key=f"png_{key}", on_click="ignore", icon=":material/image:")
        cols[3].download_button("SVG", lambda: images.to_svg(image), file_name=f"{stem}.svg", mime="image/svg+xml",
                                key=f"svg_{key}", on_click="ignore", icon=":material/image:")


def data_downloads(table: pd.DataFrame, *, stem: str, title: str, key: str, columns=None, marker: str = "") -> None:
    """The table's CSV (";", UTF-8 with BOM) and XLSX downloads, in two given columns (else a new row).

    ``marker``: internal files say so inside (a column of the CSV, the title block of the XLSX)."""
    status = data.status()
    plain_title = re.sub(r"<[^>]+>", " ", title).strip()
    stand, is_demo, language = status["stand"], status["is_demo"], lang()
    rel = status.get("release")
    source = _("IK-Monitor, Veröffentlichung {number}", number=rel["number"]) if rel and not marker else "IK-Monitor"
    c1, c2 = columns if columns is not None else st.columns(2)
    c1.download_button(_("CSV herunterladen"), lambda: exports.to_csv_bytes(table, marker=marker),
                       file_name=f"{stem}.csv", mime="text/csv", key=f"csv_{key}", on_click="ignore",
                       icon=":material/download:")
    c2.download_button(
        _("Excel herunterladen"),
        lambda: exports.to_xlsx_bytes(table, title=plain_title, source=source, stand=stand,
                                      is_demo=is_demo, language=language, note=marker),
        file_name=f"{stem}.xlsx", key=f"xlsx_{key}", on_click="ignore", icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def shown(value: IndicatorValue, view: View) -> privacy.Shown:
    """A value as the view shows it: its mark where the release hid it ("< 3", "•", "–")."""
    return privacy.display_value(value.id, value.value, value.flag, language=lang())


def label(indicator_id: str) -> str:
    ind = catalogue.get(indicator_id)
    return pick(ind.label_de, ind.label_en)


def pillar(name: str) -> str:
    """A pillar of the convention (Prävention, Schutz, …) in the session's language."""
    return pick(name, catalogue.PILLARS_EN.get(name))


def unit(indicator_id: str) -> str:
    ind = catalogue.get(indicator_id)
    return pick(ind.unit_de, ind.unit_en)


def target_text(value: IndicatorValue, report: RegionReport | None = None) -> str:
    """Names the target, its denominator, factor and source — shown next to every gap — and, where the need is
    "k. A." because the Kreis's territory changed, why."""
    t = value.target
    if t is None:
        return ""
    den = _(DENOMINATORS[t.denominator])
    why = f" {territory_text(report)}" if report is not None and value.needed is None else ""
    if t.factor != 1:
        den = _("{denominator}, Faktor {factor}", denominator=den, factor=fmt.number(t.factor, 1, lang()))
    return _("Soll: {target} (Bezugsgröße: {denominator}). Quelle: {source}", target=pick(t.label_de, t.label_en),
             denominator=den, source=t.source) + why


def attainment_badge(pct: float | None) -> None:
    """The traffic light of a target attainment: value, word, colour and shape together (nothing when n/a)."""
    light = assessment.attainment(pct)
    if light:
        st.badge(f"{fmt.percent(pct, 0, lang())} – {assessment.label(light, lang())}",
                 color=assessment.COLOURS[light], icon=assessment.ICONS[light])


def target_card(report: RegionReport, service: tuple, view: View, previous: RegionReport | None = None) -> dict:
    """One targeted service as a card: Ist (with the change to ``previous``), attainment, Soll and Lücke, and
    the target's definition and source. Returns the card's figures as a table row."""
    actual_id, needed_id, missing_id, _coverage = service
    v = report.values[actual_id]
    needed, missing = report.value(needed_id), report.value(missing_id)
    pct = report.coverage_pct(actual_id)
    before = previous.value(actual_id) if previous is not None else None
    delta = fmt.signed(v.value - before, 0, lang()) if v.value is not None and before is not None else None
    with st.container(border=True):
        st.metric(label(actual_id), shown(v, view).display, delta=delta,
                  delta_description=_("zum Vorjahreszeitraum") if delta else None,
                  delta_arrow="off" if delta and delta.startswith("±") else "auto",
                  delta_color="off" if delta and delta.startswith("±") else "normal",
                  help=pick(catalogue.get(actual_id).caveat_de, catalogue.get(actual_id).caveat_en))
        attainment_badge(pct)
        # the same decimals as everywhere else (catalogue): centres needed are fractional, places are not
        st.markdown(_("Soll **{target}** · Lücke **{gap}**",
                      target=fmt.number(needed, catalogue.get(needed_id).decimals, lang()),
                      gap=fmt.number(missing, catalogue.get(missing_id).decimals, lang())))
        st.caption(target_text(v, report))
    return {"label": label(actual_id), "actual": v.value, "target": needed, "gap": missing, "pct": pct,
            "target_text": target_text(v), "source": v.target.source if v.target else ""}


def target_table(rows: list[dict]) -> pd.DataFrame:
    """The rows of ``target_card`` as the data table under the attainment chart."""
    return pd.DataFrame(rows).round({"actual": 0, "target": 1, "gap": 1, "pct": 1}).rename(columns={
        "label": _("Kennzahl"), "actual": _("Ist"), "target": _("Soll"), "gap": _("Lücke"),
        "pct": _("Zielerreichung (%)"), "target_text": _("Soll-Definition"), "source": _("Soll-Quelle"),
    })


def completeness_caption(completeness: dict[str, Completeness], dataset_ids: tuple[str, ...]) -> None:
    """One line per dataset: how complete the data behind the view are."""
    lines = []
    for ds in dataset_ids:
        c = completeness.get(ds)
        if c is None:
            continue
        text = c.text(lang()) or _("keine Meldung")
        lines.append(f"**{pick(DATASETS[ds].label_de, DATASETS[ds].label_en)}:** {text}")
    if lines:
        st.caption("  \n".join(lines))


def territory_text(report: RegionReport) -> str:
    """Why a Kreis has no population: its territory changed, and no vintage on that territory is loaded."""
    territory = report.population.get("territory")
    if not territory:
        return ""
    start, end = territory
    since, until = fmt.date_(start, lang()), fmt.date_(end, lang())
    if start and end:
        span = _("vom {start} bis {end}", start=since, end=until)
    else:
        span = _("seit {start}", start=since) if start else _("bis {end}", end=until)
    return _("Der Gebietsstand von {region} {span} weicht von den geladenen Bevölkerungszahlen ab: Quoten und Soll "
             "sind „{missing}“, bis Bevölkerungszahlen für diesen Gebietsstand geladen sind (Referenzdaten). "
             "Fallzahlen werden gezeigt.", region=report.region_name, span=span, missing=fmt.number(None, 0, lang()))


def population_caption(report: RegionReport) -> None:
    p = report.population
    note = territory_text(report)
    if note:
        st.caption(note)
    if not p.get("reference_date"):
        return
    st.caption(_("Bevölkerung am {date} (Basis {basis}): {total}, davon {female} Frauen. Quelle: {source}",
                 date=fmt.date_(p["reference_date"], lang()), basis=p["basis"], total=fmt.integer(p["total"], lang()),
                 female=fmt.integer(p["female"], lang()), source=p["source"]))


def privacy_note(view: View) -> None:
    """Public view: what the marks mean and which release the figures come from; internal: the warning."""
    status = data.status()
    rel = status.get("release")
    if view.public and rel:
        st.caption(" ".join(privacy.notes(lang(), rel["min_count"], rel["min_events"])))
    elif not view.public:
        st.caption(_("{internal}: ungesperrte Zahlen aus dem Arbeitsbestand, auch kleine Fallzahlen.",
                     internal=privacy.internal(lang())))


def trend_frame(ts: pd.DataFrame, ids: list[str] | tuple[str, ...],
                view: View) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """A time series (from ``data.series``) as chart input: index quarter, one labelled column per indicator,
    and in public mode the mask of values withheld for privacy."""
    frame = ts.set_index("quarter")[list(ids)].astype("float64")
    frame.columns = [label(i) for i in ids]
    if not any(f"{i}__flag" in ts.columns for i in ids):
        return frame, None
    masks = pd.DataFrame({label(i): privacy.marks_of(ts, i).to_numpy() for i in ids}, index=frame.index)
    return frame, masks


def public_table(df: pd.DataFrame, ids: list[str], view: View) -> pd.DataFrame:
    """A table for display and download: hidden cells as "< 3", "•" or "–", no flag columns."""
    flagged = any(f"{i}__flag" in df.columns for i in ids)
    out = privacy.with_marks(df, ids, as_text=True, language=lang()) if flagged else df
    return out[[c for c in out.columns if not c.endswith("__flag")]]


COMPLETENESS_COLUMNS = {f"{d}_completeness" for d in DATASETS}


def labelled(table: pd.DataFrame, ids: list[str], extra: list[str] = ()) -> pd.DataFrame:
    """A regional table for display and download: AGS, region and the indicators ``ids`` under their labels
    (hidden cells carry their mark), then ``extra`` columns (completeness)."""
    out = public_table(table[["ags", "name", *ids, *extra]], list(ids), st.session_state["view"])
    names = {"ags": "AGS", "name": _("Region"), **{i: label(i) for i in ids}}
    names.update({c: _("Vollständigkeit") for c in extra if c in COMPLETENESS_COLUMNS})
    return out.rename(columns=names)


def period_text(view: View) -> str:
    return fmt.period(view.period, lang())


def trend(view: View, ids: list[str], *, what: str, subtitle: str, style_: Style, key: str,
          unit_: str | None = None, decimals: int | None = None,
          extra_ids: tuple[str, ...] = (), **chart_kwargs) -> pd.DataFrame:
    """A quarterly trend of ``ids`` for the view's region: figure, data table and downloads.

    ``extra_ids`` are fetched and offered in the data table but not drawn (e.g. the need behind a target line);
    returns the time series so a caller can reuse it. Missing quarters stay gaps; public mode marks withheld values.
    """
    ts = data.series(view.ags, [*ids, *extra_ids], view.variant)
    if ts.empty:
        st.info(_("Keine Meldungen für {name}.", name=view.region.name))
        return ts
    frame, masks = trend_frame(ts, ids, view)
    first = catalogue.get(ids[0])
    fig = figure(
        "trend_chart", frame,
        title=charts.chart_title(what, data.regions().display_name(view.region)),
        subtitle=subtitle, unit=unit_ if unit_ is not None else unit(ids[0]),
        decimals=first.decimals if decimals is None else decimals, suppressed=masks,
        **style_.kwargs(**chart_kwargs),
    )
    columns = ["quarter", "label", *ids, *extra_ids]
    chart(fig, view=view, indicator_id=ids[0], key=key, table=public_table(ts[columns], list(ids), view))
    return ts


def figure(builder: str, *args, **kwargs) -> go.Figure:
    """A chart from ``monitor.charts``, built once per distinct input: building plotly figures is the slow part.

    Time series get the notes (method breaks, events, territorial changes) of the view's region unless the page
    passes its own ``breaks``.
    """
    view = st.session_state.get("view")
    if builder == "trend_chart" and "breaks" not in kwargs and view is not None:
        kwargs["breaks"] = annotations.marks(data.annotations(), view.ags, lang())
    fig = _figure(builder, *args, **kwargs)
    if kwargs.get("narrow"):
        with_wide(fig, lambda: _figure(builder, *args, **{**kwargs, "narrow": False}))
    return fig


def with_wide(fig: go.Figure, build) -> go.Figure:
    """Remember how to build ``fig`` for print: ``chart`` renders its PNG and SVG from that (a figure drawn for
    a phone is narrow; images keep the print layout)."""
    fig._ik_wide = build
    return fig


# figures built outside monitor.charts (with their titles and texts)
_BUILDERS = {"chain_figure": chain.figure}


@st.cache_resource(show_spinner=False, max_entries=512)
def _figure(builder: str, *args, **kwargs) -> go.Figure:
    return (_BUILDERS.get(builder) or getattr(charts, builder))(*args, **kwargs)


def text_marks(table: pd.DataFrame) -> pd.DataFrame:
    """Columns mixing numbers and privacy marks ("< 3", "–") become text, so table and downloads stay typed."""
    out = table.copy()
    for col in out.columns:
        cells = out[col].tolist()
        if any(isinstance(v, str) for v in cells) and any(isinstance(v, (int, float)) for v in cells):
            out[col] = [v if isinstance(v, str) or v is None else
                        fmt.number(v, 0 if float(v).is_integer() else 1, lang()) for v in cells]
    return out


def as_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A trend frame as a download: quarter column first, privacy marks as text."""
    return text_marks(frame.rename_axis(_("Quartal")).reset_index())


def subtitle(ind_id: str, extra: str = "") -> str:
    """Unit and definition of an indicator, as the chart's subtitle."""
    ind = catalogue.get(ind_id)
    unit_text = _("Anteil in %") if ind.unit_de == "%" else unit(ind_id)
    text = f"{unit_text[:1].upper()}{unit_text[1:]}; {pick(ind.formula_de, ind.formula_en)}"
    return f"{text}. {extra}" if extra else text


class PageKit:
    """What a page needs around its view and report: names, comparisons, values as the view may show them."""

    def __init__(self, view: View, report: RegionReport):
        self.view = view
        self.report = report
        self.index = data.regions()

    def place_name(self, region) -> str:
        """Short name, or the full name where two Kreise share it (Osnabrück Stadt and Landkreis)."""
        if region.ags == GERMANY:
            return _("Deutschland")
        return self.index.display_name(region)

    def names_for(self, regions: list) -> dict[str, str]:
        """Labels for a list of regions: short names, full names where short names repeat."""
        shorts = pd.Series([r.short_name for r in regions])
        dup = set(shorts[shorts.duplicated(keep=False)])
        out = {r.ags: (r.name if r.short_name in dup else r.short_name) for r in regions}
        if GERMANY in out:
            out[GERMANY] = _("Deutschland")
        if self.view.ags in out:
            out[self.view.ags] = self.place_name(self.view.region)
        return out

    def comparison_regions(self) -> list:
        """The region, its Land (for a Kreis) and Germany: the lines of a comparison."""
        out = [self.view.region]
        if self.view.region.level == "kreis":
            out.append(self.index.get(self.view.region.land_ags))
        if self.view.ags != GERMANY:
            out.append(self.index.get(GERMANY))
        return out

    def shown_column(self, frame: pd.DataFrame, ind_id: str) -> pd.Series:
        """A column as the view may show it: in public mode suppressed cells carry their mark ("< 3", "–")."""
        values = pd.to_numeric(frame[ind_id], errors="coerce").round(catalogue.get(ind_id).decimals).astype(object)
        marks = privacy.marks_of(frame, ind_id)
        values = values.where(marks == "", marks)
        return values.where(values.notna(), None)

    def shown_cell(self, ind_id: str, value, flag=None):
        """One value for a chart or table: the number, its privacy mark ("< 3", "•", "–"), or None (not reported)."""
        return ranking.cell(ind_id, value, flag, lang())

    def display(self, ind_id: str, rep: RegionReport | None = None) -> str:
        """One value of a report as text in the page's language: number, privacy mark or "k. A."."""
        s = shown((rep or self.report).values[ind_id], self.view)
        if s.suppressed:
            return s.display
        ind = catalogue.get(ind_id)
        return fmt.number(s.value, ind.decimals, lang(), unit="%" if ind.unit_de == "%" else "")

    def upto_period(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The quarters up to the end of the chosen period (the trend leads up to what the page shows)."""
        return frame[frame["quarter"] <= str(self.view.period.last)].set_index("quarter")

    def quarter_span(self, frame: pd.DataFrame) -> str:
        if frame.empty:
            return period_text(self.view)
        return f"{fmt.quarter(frame.index[0], lang())}–{fmt.quarter(frame.index[-1], lang())}"

    def ranking_scope(self, key: str) -> tuple[pd.DataFrame, str, str | None]:
        """For a ranking: the Kreise of the region's Land or the Länder (a switch where both make sense).

        Returns the indicator table with a ``label`` column (names told apart), what it covers and the AGS to
        highlight.
        """
        view = self.view
        land_ags = view.region.land_ags if view.region.level != "bund" else None
        choices = (["kreise"] if land_ags else []) + ["laender"]
        land_name = self.place_name(self.index.get(land_ags)) if land_ags else ""
        scope = choices[0] if len(choices) == 1 else st.segmented_control(
            _("Vergleich"), choices, default=choices[0], key=key, required=True,
            format_func={"kreise": _("Kreise in {land}", land=land_name), "laender": _("Länder")}.get,
        )
        if scope == "kreise":
            table = data.table("kreis", view.period, land=land_ags, variant=view.variant)
            what = _("Kreise in {land}", land=land_name)
        else:
            table = data.table("land", view.period, variant=view.variant)
            what = _("Länder")
        highlight = view.ags if view.region.level == "kreis" and scope == "kreise" else land_ags
        labels = self.names_for([m for m in (self.index.get(a) for a in table["ags"]) if m is not None])
        table = table.assign(label=[labels.get(a, n) for a, n in zip(table["ags"], table["name"])])
        return table, what, highlight

    def load_series(self, series_ids: tuple[str, ...], compare_ids: tuple[str, ...]) -> pd.DataFrame:
        """The region's quarterly series up to the period, and those of its comparison regions (Land, Germany).

        Sets ``compare`` (regions), ``compare_names`` and ``compare_series`` (by AGS) for ``compared``.
        """
        series = self.upto_period(data.series(self.view.ags, series_ids, self.view.variant))
        self.compare = self.comparison_regions()
        self.compare_names = self.names_for(self.compare)
        self.compare_series = {
            r.ags: series if r.ags == self.view.ags else
            self.upto_period(data.series(r.ags, compare_ids, self.view.variant))
            for r in self.compare
        }
        self.series_index = series.index
        return series

    def compared(self, ind_id: str) -> pd.DataFrame:
        """One indicator over time for the region and its comparison regions, as the view may show it."""
        return pd.DataFrame({self.compare_names[a]: self.shown_column(s, ind_id)
                             for a, s in self.compare_series.items()}, index=self.series_index)
