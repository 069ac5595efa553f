"""Referenzdaten — for admins: the Land's own targets, a new population vintage, territorial changes, boundaries.

Each is previewed and checked before anything changes, loaded as a batch with the admin's name, and can be
undone from the protocol like a data file. Only for the role admin (registered in dashboard.py; guarded by
``auth.require`` as well). The reading and checking is done by ``etl.upload``, ``etl.population``,
``etl.regions``, ``etl.targets`` and ``etl.boundaries``. Tables go through ``etl.safety.safe_table`` (formula prefixes
neutralised), because their toolbar download writes the cells of uploaded files to a CSV.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from etl import loader, safety
from etl import upload as core
from etl.annotations import add_annotation
from etl.population import load_population, preview_population
from etl.regions import load_regions
from etl.targets import COLUMNS as TARGET_COLUMNS
from etl.targets import known_indicators, load_targets
from monitor import annotations, config, geo, store
from ui import auth, data
from ui.i18n import N_, _, fmt, lang, message, n_, translate

STATE = "admin"
BASES = (N_("aus der Datei"), "Zensus 2022", "Zensus 2011")
REFERENCE_KINDS = (*core.reference_kinds(), "regions", "annotations")

user = auth.require(auth.ADMIN)
regions = data.regions(public=False)  # the working store: what a load is checked against


def _state() -> dict:
    if STATE not in st.session_state:
        st.session_state[STATE] = {"dir": tempfile.mkdtemp(prefix="ik-admin-"), "flash": [], "staged": {},
                                   "loaded": {}}
    return st.session_state[STATE]


def _saved(uploaded, kind: str) -> Path:
    """The upload written to this session's folder under its own name (the batch records it)."""
    folder = Path(_state()["dir"]) / kind / re.sub(r"[^A-Za-z0-9_-]", "_", uploaded.file_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (re.sub(r"[\x00-\x1f\\/]", "_", Path(uploaded.name).name).strip(" .") or "datei")
    if not path.exists():
        path.write_bytes(uploaded.getvalue())
    return path


def _flash() -> None:
    for kind, text in _state()["flash"]:
        (st.error if kind == "error" else st.success)(text)
    _state()["flash"].clear()


def _run_load(func, path: Path, user_name: str, file_id: str, options: dict | None = None) -> None:
    """Load population, regions or targets (they check again inside the write transaction)."""
    try:
        result = func(path, user=user_name, **(options or {}))
    except (store.StoreBusy, safety.UnsafeFile) as exc:
        _state()["flash"].append(("error", message(exc)))
        return
    if result["status"] in (loader.LOADED, loader.UNCHANGED):
        _state()["loaded"][file_id] = message(result["message"])
    else:
        errors = " ".join(message(p) for p in result["errors"])
        _state()["flash"].append(("error", f"{result['message']} {errors}"))


def _apply_boundaries(key: str, user_name: str) -> None:
    staged = _state()["staged"].get(key)
    if not staged:
        return
    try:
        batch_id = core.apply_boundaries(staged["dir"], source=staged["source"], user=user_name,
                                         report=staged["report"])
    except (store.StoreBusy, OSError) as exc:
        _state()["flash"].append(("error", _("Die Grenzen wurden nicht übernommen: {reason}", reason=exc)))
        return
    _state()["loaded"][key] = _("Grenzen als Batch {batch} übernommen: {message}", batch=batch_id,
                                message=message(staged["report"]["message"]))


def _undo(batch_id: int, user_name: str) -> None:
    if not st.session_state.get(f"admin_undo_sure_{batch_id}"):
        return
    try:
        with store.connect(write=True) as con:
            outcome = core.undo_batch(con, batch_id, user=user_name)
    except (loader.UndoRefused, store.StoreBusy, OSError) as exc:
        _state()["flash"].append(("error", message(exc)))
        return
    _state()["flash"].append(("success", message(outcome.message)))


def _problems(errors, warnings=()) -> None:
    if errors or warnings:
        st.dataframe(safety.safe_table(core.problems_frame(errors, warnings)[["Art", "Zeile", "Spalte", "Meldung"]]),
                     hide_index=True, width="stretch",
                     column_config={"Meldung": st.column_config.TextColumn(width="large")})


def _targets_example() -> bytes:
    """A CSV with the columns of data/reference/targets.csv and one example row (UTF-8 with BOM for Excel)."""
    example = {"target_id": "land_frauenhausplaetze", "indicator": known_indicators()[0], "variant": "",
               "denominator": "population_female", "per_population": 10000, "value": 1, "factor": 1,
               "unit_de": "Plätze", "unit_en": "places", "label_de": "1 Platz je 10.000 Frauen (Landesziel)",
               "label_en": "1 place per 10,000 women (Land target)",
               "source": "Landesaktionsplan gegen Gewalt an Frauen, Beschluss vom …",
               "valid_from": f"{config.today().year}-01-01", "land_ags": "03"}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=TARGET_COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerow(example)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _rejected(name: str, errors: int) -> str:
    return n_("„{name}“ hat {n} Fehler und wird nicht geladen.", "„{name}“ hat {n} Fehler und wird nicht geladen.",
              errors, name=name)


def _already_loaded(uploaded) -> bool:
    """After a load the file stays in the uploader: show what happened instead of checking it again."""
    message = _state()["loaded"].get(uploaded.file_id)
    if message:
        st.success(_("{message} Rückgängig im Protokoll.", message=message), icon=":material/check_circle:")
    return message is not None


def _draw_targets() -> None:
    st.markdown(_("Eigene Zielwerte („Soll“) des Landes neben den Konventionswerten, z. B. aus dem "
                  "Landesaktionsplan. Jede Zeile braucht eine **Quelle** (Beschluss, Plan, Datum) – sie steht im "
                  "Dashboard neben jeder Lücke, die an diesem Zielwert gemessen wird."))
    st.download_button(_("Beispieldatei Zielwerte (CSV)"), _targets_example(), file_name="zielwerte_beispiel.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", key="targets_example")
    uploaded = st.file_uploader(_("Zielwerte (CSV oder .xlsx mit den Spalten von targets.csv)"), key="targets_file",
                                max_upload_size=int(safety.MAX_FILE_MB))
    if uploaded is None:
        return
    if _already_loaded(uploaded):
        return
    path = _saved(uploaded, "targets")
    try:
        frame, errors = core.preview_targets(path)
    except (safety.UnsafeFile, store.StoreBusy) as exc:
        st.error(message(exc))
        return
    if errors:
        st.error(_rejected(path.name, len(errors)), icon=":material/block:")
        _problems(errors)
        return
    st.markdown(n_("**Vorschau:** {n} Zielwert für Land {laender}", "**Vorschau:** {n} Zielwerte für Land {laender}",
                   len(frame), laender=", ".join(sorted(frame["land_ags"].unique()))))
    shown = frame[["target_id", "label_de", "indicator", "value", "per_population", "denominator", "factor",
                   "source", "valid_from", "land_ags"]]
    headers = {"target_id": _("Ziel-ID"), "label_de": _("Beschreibung"), "indicator": _("Indikator"),
               "value": _("Wert"), "per_population": _("je"), "denominator": _("Bezug"), "factor": _("Faktor"),
               "source": _("Quelle"), "valid_from": _("gültig ab"), "land_ags": _("Land")}
    st.dataframe(safety.safe_table(shown.rename(columns=headers)), hide_index=True, width="stretch")
    sure = st.checkbox(_("Ja, diese Zielwerte laden."), key=f"targets_sure_{uploaded.file_id}")
    st.button(_("Zielwerte laden"), type="primary", disabled=not sure, key="targets_load", icon=":material/upload:",
              on_click=_run_load, args=(load_targets, path, user.name, uploaded.file_id))


def _draw_population() -> None:
    st.markdown(_("Ein neuer Bevölkerungsstand, so wie er heruntergeladen wird: die Destatis-Tabelle „Kreisfreie "
                  "Städte und Landkreise nach Fläche, Bevölkerung und Bevölkerungsdichte“ (.xlsx, jede Ausgabe), "
                  "eine Tabelle aus GENESIS oder der Regionalstatistik als CSV (z. B. 12411-01-01-4, mit oder ohne "
                  "Geschlecht), eine GENESIS-Flatfile-CSV (auch als zip) oder eine CSV im Format von "
                  "`data/reference/kreise_population_2023-12-31.csv`. Er gilt ab dann für alle Quoten; Stichtag und "
                  "Basis (z. B. Zensus 2022) stehen neben jeder Quote."))
    uploaded = st.file_uploader(_("Bevölkerungstabelle"), key="population_file",
                                max_upload_size=int(safety.MAX_FILE_MB))
    language = lang()
    basis = st.selectbox(_("Basis"), BASES, key="population_basis", format_func=lambda b: translate(b, language),
                         help=_("Nur nötig, wenn die Datei die Basis nicht nennt (z. B. GENESIS-Tabellen und ältere "
                                "Destatis-Ausgaben): der Zensus, auf dem die Fortschreibung beruht."))
    options = {} if basis == BASES[0] else {"basis": basis}
    if uploaded is None:
        return
    if _already_loaded(uploaded):
        return
    path = _saved(uploaded, "population")
    try:
        vintage, compare = preview_population(path, **options)
    except (safety.UnsafeFile, store.StoreBusy) as exc:
        st.error(message(exc))
        return
    counts = vintage.rows["level"].value_counts() if len(vintage.rows) else pd.Series(dtype=int)
    when = fmt.date_(vintage.reference_date, lang()) if vintage.reference_date else "?"
    st.markdown(_("**Vorschau:** Stichtag {date}, Basis {basis}, {kreise} Kreise, {laender} Länder. Quelle: {source}",
                  date=when, basis=vintage.basis or "?", kreise=int(counts.get("kreis", 0)),
                  laender=int(counts.get("land", 0)), source=vintage.source))
    _problems(vintage.errors, vintage.warnings)
    if vintage.errors:
        st.error(_rejected(path.name, len(vintage.errors)), icon=":material/block:")
        return
    if len(compare):
        st.caption(_("Einwohner:innen je Land: bisheriger Stand und neuer Stand"))
        st.dataframe(safety.safe_table(compare), hide_index=True, width="stretch",
                     column_config={"Änderung %": st.column_config.NumberColumn(format="%.1f %%")})
    ready = True
    if vintage.warnings:
        ready &= st.checkbox(n_("Ich habe die Warnung geprüft.", "Ich habe die {n} Warnungen geprüft.",
                                len(vintage.warnings)), key=f"population_ack_{uploaded.file_id}")
    ready &= st.checkbox(_("Ja, diesen Bevölkerungsstand laden."), key=f"population_sure_{uploaded.file_id}")
    st.button(_("Bevölkerungsstand laden"), type="primary", disabled=not ready, key="population_load",
              icon=":material/upload:", on_click=_run_load,
              args=(load_population, path, user.name, uploaded.file_id, options))


def _draw_regions() -> None:
    st.markdown(_("Gebietsänderungen der Kreise (z. B. Hanau seit 01.01.2026 kreisfrei, Eisenach seit 01.07.2021 "
                  "im Wartburgkreis) als Tabelle mit Datum, altem und neuem Schlüssel (Spalten `change_date`, "
                  "`from_ags`, `to_ags` oder `wirksam_ab`, `ags_alt`, `ags_neu`, dazu Namen und Quelle), oder eine "
                  "Regionenliste im Format von `data/reference/regions.csv`. Die Destatis-Liste „Kreisfreie Städte "
                  "und Landkreise“ wird mit der Regionenliste verglichen. Geprüft wird danach jede Zeile mit dem "
                  "Gebietsstand ihres Quartals."))
    uploaded = st.file_uploader(_("Gebietsänderungen oder Regionenliste"), key="regions_file",
                                max_upload_size=int(safety.MAX_FILE_MB))
    if uploaded is None:
        return
    if _already_loaded(uploaded):
        return
    path = _saved(uploaded, "regions")
    try:
        plan = load_regions(path, user=user.name, dry_run=True)
    except (safety.UnsafeFile, store.StoreBusy) as exc:
        st.error(message(exc))
        return
    st.markdown(_("**Vorschau:** {message}", message=message(plan["message"])))
    if plan["lines"]:
        st.markdown("\n".join(f"- {line}" for line in plan["lines"]))
    _problems(plan["errors"], plan["warnings"])
    if plan["errors"]:
        st.error(_rejected(path.name, len(plan["errors"])), icon=":material/block:")
        return
    if not plan["changes"] and not plan["regions"]:
        return
    sure = st.checkbox(_("Ja, diese Änderungen der Regionenliste laden."), key=f"regions_sure_{uploaded.file_id}")
    st.button(_("Regionen laden"), type="primary", disabled=not sure, key="regions_load", icon=":material/upload:",
              on_click=_run_load, args=(load_regions, path, user.name, uploaded.file_id))


def _add_note(user_name: str) -> None:
    form = {k: st.session_state.get(f"note_{k}", "") for k in ("ags", "quarter", "kind", "text_de", "text_en",
                                                               "source")}
    try:
        result = add_annotation(ags=form["ags"] or None, quarter=form["quarter"], kind=form["kind"],
                                text_de=form["text_de"], text_en=form["text_en"], source=form["source"], user=user_name)
    except store.StoreBusy as exc:
        _state()["flash"].append(("error", message(exc)))
        return
    if result["status"] == loader.LOADED:
        _state()["flash"].append(("success", message(result["message"])))
        for k in ("text_de", "text_en", "source"):
            st.session_state[f"note_{k}"] = ""
    else:
        reasons = [message(result["message"]), *(message(p) for p in result["errors"])]
        _state()["flash"].append(("error", " ".join(reasons)))


def _draw_annotations() -> None:
    st.markdown(_("Hinweise stehen als gepunktete, nummerierte Linie vor ihrem Quartal in jeder Zeitreihe, jedem "
                  "Diagrammbild und jedem Berichtsverlauf, den sie betreffen, und in der Methodik. Gebietsänderungen "
                  "kommen aus der Regionenliste. Sichtbar für die Öffentlichkeit mit der nächsten Veröffentlichung."))
    notes = annotations.load_from_store()
    if notes:
        st.dataframe(safety.safe_table(annotations.frame(notes, lang())), hide_index=True, width="stretch")
    with st.form("note_form", border=True):
        c1, c2, c3 = st.columns([2, 2, 2])
        c1.text_input(_("Region (AGS, leer = alle)"), key="note_ags", max_chars=5)
        c2.text_input(_("Erstes betroffenes Quartal"), key="note_quarter", placeholder="2025-Q1", max_chars=7)
        c3.selectbox(_("Art"), ["method", "event"], key="note_kind",
                     format_func={k: annotations.kind_label(k, lang()) for k in ("method", "event")}.get)
        st.text_input(_("Text (deutsch)"), key="note_text_de", max_chars=200)
        st.text_input(_("Text (englisch)"), key="note_text_en", max_chars=200)
        st.text_input(_("Quelle"), key="note_source", max_chars=300)
        st.form_submit_button(_("Hinweis hinzufügen"), icon=":material/add_comment:", on_click=_add_note,
                              args=(user.name,))
    st.caption(_("Ein Hinweis ist ein Batch im Protokoll und lässt sich dort rückgängig machen; eine Datei mit "
                 "vielen Hinweisen lädt `python -m etl annotations DATEI`."))


def _draw_boundaries() -> None:
    current = geo.metadata()
    now = (_("Derzeit: {product}, Gebietsstand {stand}, {kreise} Kreise, eingespielt {imported}.",
             product=current.get("product", "?"), stand=current.get("gebietsstand") or "?",
             kreise=current.get("kreise", "?"), imported=fmt.date_(current.get("imported"), lang()))
           if current else _("Derzeit sind keine Grenzen eingespielt; die Karten zeigen die Länder als Kacheln."))
    st.markdown(_("Kreis- und Ländergrenzen für die Karten aus den BKG-Verwaltungsgrenzen VG2500 oder VG250: die "
                  "zip-Datei, wie das BKG sie anbietet (Shapefiles), oder GeoJSON aus dem BKG-Dienst.") + " " + now)
    uploaded = st.file_uploader(_("BKG-Grenzen (zip oder GeoJSON)"), key="boundaries_file",
                                max_upload_size=core.BOUNDARIES_MAX_MB)
    if uploaded is None:
        return
    if _already_loaded(uploaded):
        return
    staged = _state()["staged"]
    if uploaded.file_id not in staged:
        path = _saved(uploaded, "boundaries")
        out = path.parent / "vorschau"
        shutil.rmtree(out, ignore_errors=True)
        try:
            with st.spinner(_("Grenzen werden gelesen und vereinfacht …")):
                report = core.stage_boundaries(path, out)
        except (ValueError, OSError, safety.UnsafeFile) as exc:
            st.error(_("„{name}“ kann nicht übernommen werden: {reason}", name=path.name, reason=exc),
                     icon=":material/block:")
            return
        staged[uploaded.file_id] = {"dir": out, "source": path, "report": report}
    report = staged[uploaded.file_id]["report"]
    st.markdown(_("**Vorschau:** {message} Dateigrößen: {sizes}. Quellenangabe: {attribution}",
                  message=message(report["message"]), attribution=report["attribution"],
                  sizes=", ".join(f"{name} {fmt.integer(kb, lang())} KB" for name, kb in report["size_kb"].items())))
    for warning in report["warnings"]:
        st.warning(warning)
    sure = st.checkbox(_("Ja, diese Grenzen für die Karten übernehmen."), key=f"boundaries_sure_{uploaded.file_id}")
    st.button(_("Grenzen übernehmen"), type="primary", disabled=not sure, key="boundaries_apply",
              icon=":material/map:", on_click=_apply_boundaries, args=(uploaded.file_id, user.name))


def _draw_protocol() -> None:
    try:
        with store.connect() as con:
            batches = [b for b in loader.history(con) if b.kind in REFERENCE_KINDS]
    except store.StoreBusy as exc:
        st.warning(message(exc))
        return
    if not batches:
        st.info(_("Noch keine Referenzdaten geladen; es gelten die mitgelieferten Stände."))
        return
    protocol = core.history_frame(batches, lang()).drop(columns=[_("Datensatz"), _("Quartale"), _("ersetzt")])
    st.dataframe(safety.safe_table(protocol), hide_index=True, width="stretch", key="reference_history")
    active = {b.batch_id: b for b in batches if b.status == "active"}
    if not active:
        return
    language = lang()
    chosen = st.selectbox(_("Batch rückgängig machen"), list(active), key="admin_undo_batch",
                          format_func=lambda b: core.batch_label(active[b], language))
    sure = st.checkbox(_("Ja, Batch {batch} rückgängig machen.", batch=chosen), key=f"admin_undo_sure_{chosen}")
    st.button(_("Rückgängig machen"), key="admin_undo_button", disabled=not sure, icon=":material/undo:",
              on_click=_undo, args=(chosen, user.name))


st.title(_("Referenzdaten"))
st.caption(_("Angemeldet als {name} (Verwaltung). Zielwerte, Bevölkerung, Regionen und Grenzen werden vor dem Laden "
             "geprüft und gezeigt; jeder Ladevorgang lässt sich im Protokoll rückgängig machen.", name=user.name))
_flash()
targets_tab, population_tab, regions_tab, notes_tab, boundaries_tab, protocol_tab = st.tabs(
    [_("Zielwerte des Landes"), _("Bevölkerungsstand"), _("Regionen"), _("Hinweise"), _("Grenzen"), _("Protokoll")],
    key="admin_tabs")
with targets_tab:
    _draw_targets()
with population_tab:
    _draw_population()
with regions_tab:
    _draw_regions()
with notes_tab:
    _draw_annotations()
with boundaries_tab:
    _draw_boundaries()
with protocol_tab:
    _draw_protocol()
