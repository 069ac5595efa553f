"""Regionen — one indicator across the Kreise of a Land, all Kreise or the 16 Länder: map, ranked table with
eight-quarter sparklines and target attainment, and a comparison of up to eight regions with the Land and Germany
over time. The figures come from ``monitor.ranking``; this file arranges them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from monitor import annotations, catalogue, charts, fmt, geo, privacy, ranking
from monitor.regions import GERMANY
from ui import components as c
from ui import data
from ui.i18n import _, lang, pick
from ui.state import page_choice, page_choices, region_label, region_options, to_url

DEFAULT_INDICATOR = "shelter_coverage_pct"
MAX_COMPARE = 8  # chosen regions; the Land and Germany come as reference lines besides


def figure(builder: str, boundaries: tuple | None, *args, **kwargs) -> go.Figure:
    """A chart from ``monitor.charts``, built once per input: building plotly figures dominates a warm run.

    ``boundaries`` = (level, land, file mtime) stands in for the GeoJSON, so the large dict is not hashed.
    """
    if kwargs.get("narrow"):
        return c.with_wide(_figure(builder, boundaries, *args, **kwargs),
                           lambda: _figure(builder, boundaries, *args, **{**kwargs, "narrow": False}))
    return _figure(builder, boundaries, *args, **kwargs)


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(builder: str, boundaries: tuple | None, *args, **kwargs) -> go.Figure:
    if boundaries is not None:
        shapes = geo.load_boundaries(boundaries[0])
        args = (geo.subset(shapes, land=boundaries[1]) if boundaries[1] else shapes, *args)
    return getattr(charts, builder)(*args, **kwargs)


view = st.session_state["view"]
regions = data.regions()
language = lang()
when = c.period_text(view)

st.title(_("Regionen im Vergleich"))
st.caption(_("Eine Kennzahl für alle Kreise eines Landes, alle Kreise Deutschlands oder die 16 Länder: Karte, "
             "Rangfolge mit Verlauf der letzten acht Quartale und Vergleich ausgewählter Regionen über die Zeit."))

# --- choices ---------------------------------------------------------------------------------------------

ids = catalogue.ids()
land_ags = view.region.land_ags if view.region.level in ("kreis", "land") else None
land = regions.get(land_ags) if land_ags else None
scopes = (["land"] if land else []) + ["kreise", "laender"]
# indicator and scope travel in the URL, so a shared link shows the same map and ranking
page_choice("regions_indicator", "indicator", ids, DEFAULT_INDICATOR)
page_choice("regions_scope", "scope", scopes, "land" if land else "laender")
scope_names = {
    "land": _("Kreise in {land}", land=land.name) if land else "",
    "kreise": _("alle Kreise"),
    "laender": _("Länder"),
}
col_ind, col_scope = st.columns([1, 1])
# labels computed now: a format_func must not depend on the language at a later call
indicator_names = {i: f"{c.label(i)} ({c.unit(i)})" for i in ids}
ind_id = col_ind.selectbox(_("Kennzahl"), ids, key="regions_indicator", format_func=indicator_names.get)
scope = col_scope.segmented_control(_("Vergleich über"), scopes, key="regions_scope", required=True,
                                    format_func=scope_names.get) or scopes[0]
to_url("indicator", ind_id, DEFAULT_INDICATOR)
to_url("scope", scope, "land" if land else "laender")
ind = catalogue.get(ind_id)
label, unit = c.label(ind_id), c.unit(ind_id)
formula = pick(ind.formula_de, ind.formula_en)
caveat = pick(ind.caveat_de, ind.caveat_en)

level = "land" if scope == "laender" else "kreis"
scope_ags = land_ags if scope == "land" else GERMANY
where = {"land": scope_names["land"], "kreise": _("Kreise in Deutschland"), "laender": _("Länder")}[scope]
if view.region.level == "kreis" and level == "kreis":
    highlight = view.ags
elif level == "land" and land_ags:
    highlight = land_ags
else:
    highlight = None
across_laender = scope != "land"

# --- the figures -----------------------------------------------------------------------------------------

scope_report = data.report(scope_ags, view.period, view.variant)
table = data.table(level, view.period, variant=view.variant)
if scope == "land":
    table = table[table["land_ags"] == land_ags].reset_index(drop=True)

public_values, shown = ranking.public_values(table, ind_id, language)
hidden = privacy.marks_of(table, ind_id)

# the line the map and the trend measure against, and the target it comes from
line = ranking.reference_line(scope_report, ind_id, language)
target_value, target_label, target_info = line.value, line.label, line.target
style = c.style((ind.dataset,), scope_report, target_info.source if target_info else None)

# sparklines: one cached table per quarter, not a query per region
last_q = view.period.last
spark_quarters = ranking.spark_quarters(last_q, [p for p in data.periods() if "-Q" in p])
spark = ranking.sparklines({q: data.table(level, q, variant=view.variant) for q in spark_quarters}, table["ags"],
                           ind_id)

# --- map -------------------------------------------------------------------------------------------------

subtitle = f"{unit} · {formula}"
geo_level = "land" if level == "land" else "kreis"
shapes_file = geo.boundaries_path(geo_level)
shapes = geo.load_boundaries(geo_level)
map_table = pd.DataFrame({
    "ags": table["ags"], "name": table["name"], ind_id: public_values,
})
if shapes is not None:
    fig = figure(
        "choropleth", (geo_level, land_ags if scope == "land" else None, shapes_file.stat().st_mtime_ns), map_table,
        value=ind_id, name="name",
        title=charts.chart_title(label, where, view.period), subtitle=subtitle, unit=unit, decimals=ind.decimals,
        highlight=highlight, target=target_value, target_label=target_label,
        suppressed=hidden if hidden.astype(bool).any() else None, attribution=geo.attribution(),
        height=640 if scope == "kreise" else 520, **style.kwargs(),
    )
    map_rows, map_shown = table, shown
else:
    laender = data.table("land", view.period, variant=view.variant)
    l_values, map_shown = ranking.public_values(laender, ind_id, language)
    l_hidden = privacy.marks_of(laender, ind_id)
    fig = figure(
        "tile_map", None, pd.DataFrame({"ags": laender["ags"], ind_id: l_values}), value=ind_id,
        title=charts.chart_title(label, _("Länder"), view.period), subtitle=subtitle, unit=unit,
        decimals=ind.decimals, highlight=land_ags, target=target_value, target_label=target_label,
        suppressed=l_hidden if l_hidden.astype(bool).any() else None,
        names={r.ags: r.name for r in regions.laender()},
        **style.kwargs(),
    )
    map_rows = laender


def download_frame(rows: pd.DataFrame, shown_values: list[privacy.Shown]) -> pd.DataFrame:
    """The map's data: numbers (withheld ones empty, with their mark), completeness and population basis."""
    return pd.DataFrame({
        "AGS": rows["ags"],
        _("Region"): rows["name"],
        f"{label} ({unit})": [s.value for s in shown_values],
        _("Hinweis"): [s.display if s.suppressed or s.value is None else "" for s in shown_values],
        _("Meldestand"): rows[f"{ind.dataset}_completeness"],
        _("Einwohner:innen"): rows["population_total"],
        _("Frauen"): rows["population_female"],
        _("Stichtag Bevölkerung"): rows["population_reference_date"],
        _("Basis"): rows["population_basis"],
    })


c.chart(fig, view=view, indicator_id=ind_id, table=download_frame(map_rows, map_shown), key="regions_map")
if shapes is None:
    st.info(_("Keine Kreis- und Ländergrenzen installiert: die Karte zeigt die 16 Länder als Kacheln, die "
              "Tabelle darunter die gewählten Regionen. Grenzen hinzufügen: `{command}` (Ordner mit den "
              "BKG-Shapefiles VG2500 oder deren ZIP-Datei).", command=geo.INSTALL_COMMAND), icon=":material/map:")
if caveat:
    st.caption(_("**Hinweis:** {caveat}", caveat=caveat))
if line.target_indicator is not None:
    st.caption(c.target_text(scope_report.values[line.target_indicator]))
if across_laender:
    st.caption(_("**Vergleichbarkeit:** {note}", note=pick(catalogue.COMPARABILITY_DE, catalogue.COMPARABILITY_EN)))

# --- ranked table ----------------------------------------------------------------------------------------

st.subheader(_("Rangfolge: {where}", where=where))
rows = ranking.ranked(table, ind_id, language)
attainment = rows["attainment"] if ind.target else None
col_region, col_value = _("Region"), _("Wert ({unit})", unit=unit)
col_spark = _("Verlauf")
col_att = _("Zielerreichung")
col_status, col_pop = _("Meldestand"), _("Einwohner:innen")
ranked = pd.DataFrame({
    _("Rang"): rows["rank"],
    col_region: rows["name"],
    col_value: [s.display for s in rows["shown"]],
})
if attainment is not None:
    ranked[col_att] = attainment
ranked[col_spark] = [spark[a] for a in rows["ags"]]
ranked[col_status] = rows["completeness"]
ranked[col_pop] = [fmt.integer(v, language) for v in rows["population"]]
ranked["AGS"] = rows["ags"]

span = (f"{fmt.quarter(spark_quarters[0], language)} – {fmt.quarter(spark_quarters[-1], language)}"
        if spark_quarters else "")
columns = {
    _("Rang"): st.column_config.NumberColumn(width="small", format="%d"),
    "AGS": st.column_config.TextColumn(width="small"),
    col_region: st.column_config.TextColumn(width=250),
    col_value: st.column_config.TextColumn(
        help=_("{formula}. „{missing}“: keine Meldung.", formula=formula, missing=fmt.number(None, 0, language))),
    col_spark: st.column_config.LineChartColumn(
        f"{col_spark} {span}", y_min=0,
        help=_("Quartalswerte der letzten acht Quartale, jede Zeile mit eigener Skala ab 0. Leer, wenn ein "
               "Quartal fehlt (keine Meldung) oder aus Datenschutzgründen zurückgehalten ist.")),
    col_status: st.column_config.TextColumn(width="medium"),
}
if attainment is not None:
    columns[col_att] = st.column_config.ProgressColumn(
        f"{col_att} (%)", min_value=0, max_value=100, format="%.0f %%",
        help=_("Ist in % des Solls; der Balken endet bei 100 %."),
    )
st.dataframe(ranked, hide_index=True, column_config=columns, height=min(36 + 35 * len(ranked), 560),
             placeholder="", key="regions_table")
if shapes is None and scope != "laender":
    c.data_downloads(download_frame(table, shown), stem=c.filename(view, ind_id).rsplit(".", 1)[0] + "_tabelle",
                     title=charts.chart_title(label, where, view.period), key="regions_table_data",
                     marker=c.internal_marker(view))
st.caption(_("Meldestand und Bevölkerung: {region}, {when}", region=scope_report.region_name, when=when))
c.completeness_caption(scope_report.completeness, (ind.dataset,))
c.population_caption(scope_report)
c.privacy_note(view)

# --- compare regions over time ---------------------------------------------------------------------------

st.header(_("Regionen vergleichen"))
# up to eight regions of any Land; the view's Land and Germany as grey reference lines beside them
options = [a for a in region_options(regions) if a != GERMANY]
page_choices("regions_compare", "compare", options, [view.ags] if view.ags != GERMANY else [], MAX_COMPARE)
chosen = st.multiselect(
    _("Bis zu {n} Regionen (Name oder AGS eingeben)", n=MAX_COMPARE), options, key="regions_compare",
    format_func=lambda a: region_label(regions, a, language),
)
if len(chosen) > MAX_COMPARE:
    st.warning(_("Höchstens {n} Regionen passen in ein Diagramm; gezeigt werden die ersten {n}.", n=MAX_COMPARE))
    chosen = chosen[:MAX_COMPARE]
to_url("compare", chosen, [view.ags])
reference = [a for a in ([land_ags] if land_ags and view.region.level == "kreis" else []) + [GERMANY]
             if a not in chosen]
with_reference = st.toggle(_("Land und Deutschland als Referenz zeigen"), value=True, key="regions_reference",
                           disabled=not reference) and bool(reference)


def series_name(ags: str) -> str:
    """Legend name: the short name, with the Kreis type where two Kreise share it (Osnabrück)."""
    region = regions.get(ags)
    if ags == GERMANY:
        return _("Deutschland")
    return regions.display_name(region)


lines = chosen + (reference if with_reference else [])
if chosen:
    wide, suppressed = ranking.comparison(
        {series_name(ags): data.series(ags, [ind_id], view.variant) for ags in lines}, ind_id, last_q, view.public)
    first = fmt.quarter(wide.index[0], language) if len(wide) else ""
    whom = (_("{region} im Vergleich", region=series_name(chosen[0])) if len(chosen) > 1 or with_reference
            else series_name(chosen[0]))
    fig = figure(
        "trend_chart", None, wide,
        title=charts.chart_title(label, whom, f"{first} – {fmt.quarter(str(last_q), language)}"),
        subtitle=_("{unit} · je Quartal · {formula}", unit=unit, formula=formula), unit=unit, decimals=ind.decimals,
        target=target_value, target_label=target_label, suppressed=suppressed,
        emphasis=series_name(view.ags) if view.ags in chosen and len(lines) > 1 else None,
        references=tuple(series_name(a) for a in reference) if with_reference else (),
        breaks=tuple(dict.fromkeys(m for ags in chosen for m in annotations.marks(data.annotations(), ags, language))),
        **style.kwargs(),
    )
    long = ranking.comparison_table(wide, suppressed, _("Quartal"))
    c.chart(fig, view=view, indicator_id=ind_id, table=long, key="regions_compare_chart")
    st.caption(_("Lücken in den Linien: keine Meldung für dieses Quartal – nicht null. Jede Linie hat ihr eigenes "
                 "Strichmuster und Zeichen, auch im Schwarz-Weiß-Druck."))
    if len({a[:2] for a in lines if a != GERMANY}) > 1:
        st.caption(_("**Vergleichbarkeit:** {note}",
                     note=pick(catalogue.COMPARABILITY_DE, catalogue.COMPARABILITY_EN)))
else:
    st.info(_("Regionen auswählen, um sie über die Zeit zu vergleichen."))
