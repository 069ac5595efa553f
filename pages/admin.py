"""Referenzdaten — for admins: the Land's own targets, a new population vintage, new boundaries.

Each is previewed and checked before anything changes, loaded as a batch with the admin's name, and can be
undone from the protocol like a data file. Only for the role admin (registered in dashboard.py; guarded by
``auth.require`` as well). The reading and checking is done by ``etl.upload``, ``etl.population``,
``etl.targets`` and ``etl.boundaries``.
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
from etl.population import load_population
from etl.targets import COLUMNS as TARGET_COLUMNS
from etl.targets import known_indicators, load_targets
from monitor import config, geo, store
from ui import auth, data

STATE = "admin"

user = auth.require(auth.ADMIN)
regions = data.regions()


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
    for kind, message in _state()["flash"]:
        (st.error if kind == "error" else st.success)(message)
    _state()["flash"].clear()


def _run_load(func, path: Path, user_name: str, file_id: str) -> None:
    """Load population or targets (they check again inside the write transaction)."""
    try:
        result = func(path, user=user_name)
    except (store.StoreBusy, safety.UnsafeFile) as exc:
        _state()["flash"].append(("error", str(exc)))
        return
    if result["status"] == loader.LOADED:
        _state()["loaded"][file_id] = result["message"]
    else:
        errors = " ".join(p.message for p in result["errors"])
        _state()["flash"].append(("error", f"{result['message']} {errors}"))


def _apply_boundaries(key: str, user_name: str) -> None:
    staged = _state()["staged"].get(key)
    if not staged:
        return
    try:
        batch_id = core.apply_boundaries(staged["dir"], source=staged["source"], user=user_name,
                                         report=staged["report"])
    except (store.StoreBusy, OSError) as exc:
        _state()["flash"].append(("error", f"Die Grenzen wurden nicht übernommen: {exc}"))
        return
    _state()["loaded"][key] = f"Grenzen als Batch {batch_id} übernommen: {staged['report']['message']}"


def _undo(batch_id: int, user_name: str) -> None:
    if not st.session_state.get(f"admin_undo_sure_{batch_id}"):
        return
    try:
        with store.connect(write=True) as con:
            outcome = core.undo_batch(con, batch_id, user=user_name)
    except (loader.UndoRefused, store.StoreBusy, OSError) as exc:
        _state()["flash"].append(("error", str(exc)))
        return
    _state()["flash"].append(("success", outcome.message))


def _problems(errors, warnings=()) -> None:
    if errors or warnings:
        st.dataframe(core.problems_frame(errors, warnings)[["Art", "Zeile", "Spalte", "Meldung"]], hide_index=True,
                     width="stretch", column_config={"Meldung": st.column_config.TextColumn(width="large")})


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


def _already_loaded(uploaded) -> bool:
    """After a load the file stays in the uploader: show what happened instead of checking it again."""
    message = _state()["loaded"].get(uploaded.file_id)
    if message:
        st.success(message + " Rückgängig im Protokoll.", icon=":material/check_circle:")
    return message is not None


def _draw_targets() -> None:
    st.markdown("Eigene Zielwerte („Soll“) des Landes neben den Konventionswerten, z. B. aus dem "
                "Landesaktionsplan. Jede Zeile braucht eine **Quelle** (Beschluss, Plan, Datum) – sie steht im "
                "Dashboard neben jeder Lücke, die an diesem Zielwert gemessen wird.")
    st.download_button("Beispieldatei Zielwerte (CSV)", _targets_example(), file_name="zielwerte_beispiel.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", key="targets_example")
    uploaded = st.file_uploader("Zielwerte (CSV oder .xlsx mit den Spalten von targets.csv)", key="targets_file",
                                max_upload_size=int(safety.MAX_FILE_MB))
    if uploaded is None:
        return
    if _already_loaded(uploaded):
        return
    path = _saved(uploaded, "targets")
    try:
        frame, errors = core.preview_targets(path)
    except (safety.UnsafeFile, store.StoreBusy) as exc:
        st.error(str(exc))
        return
    if errors:
        st.error(f"„{path.name}“ hat {len(errors)} Fehler und wird nicht geladen.", icon=":material/block:")
        _problems(errors)
        return
    st.markdown(f"**Vorschau:** {len(frame)} {'Zielwert' if len(frame) == 1 else 'Zielwerte'} für Land "
                + ", ".join(sorted(frame["land_ags"].unique())))
    shown = frame[["target_id", "label_de", "indicator", "value", "per_population", "denominator", "factor",
                   "source", "valid_from", "land_ags"]]
    st.dataframe(shown.rename(columns={"target_id": "Ziel-ID", "label_de": "Beschreibung", "indicator": "Indikator",
                                       "value": "Wert", "per_population": "je", "denominator": "Bezug",
                                       "factor": "Faktor", "source": "Quelle", "valid_from": "gültig ab",
                                       "land_ags": "Land"}), hide_index=True, width="stretch")
    sure = st.checkbox("Ja, diese Zielwerte laden.", key=f"targets_sure_{uploaded.file_id}")
    st.button("Zielwerte laden", type="primary", disabled=not sure, key="targets_load", icon=":material/upload:",
              on_click=_run_load, args=(load_targets, path, user.name, uploaded.file_id))


def _draw_population() -> None:
    st.markdown("Ein neuer Bevölkerungsstand aus der amtlichen Destatis-Tabelle „Kreisfreie Städte und Landkreise "
                "nach Fläche, Bevölkerung und Bevölkerungsdichte“ (.xlsx) oder als CSV im Format von "
                "`data/reference/kreise_population_2023-12-31.csv`. Er gilt ab dann für alle Quoten; Stichtag und "
                "Basis (z. B. Zensus 2022) stehen neben jeder Quote.")
    uploaded = st.file_uploader("Bevölkerungstabelle", key="population_file", max_upload_size=int(safety.MAX_FILE_MB))
    if uploaded is None:
        return
    if _already_loaded(uploaded):
        return
    path = _saved(uploaded, "population")
    try:
        vintage, compare = core.preview_population(path)
    except (safety.UnsafeFile, store.StoreBusy) as exc:
        st.error(str(exc))
        return
    counts = vintage.rows["level"].value_counts() if len(vintage.rows) else pd.Series(dtype=int)
    when = f"{vintage.reference_date:%d.%m.%Y}" if vintage.reference_date else "?"
    st.markdown(f"**Vorschau:** Stichtag {when}, Basis {vintage.basis or '?'}, {int(counts.get('kreis', 0))} Kreise, "
                f"{int(counts.get('land', 0))} Länder. Quelle: {vintage.source}")
    _problems(vintage.errors, vintage.warnings)
    if vintage.errors:
        st.error(f"„{path.name}“ hat {len(vintage.errors)} Fehler und wird nicht geladen.", icon=":material/block:")
        return
    if len(compare):
        st.caption("Einwohner:innen je Land: bisheriger Stand und neuer Stand")
        st.dataframe(compare, hide_index=True, width="stretch",
                     column_config={"Änderung %": st.column_config.NumberColumn(format="%.1f %%")})
    ready = True
    if vintage.warnings:
        ready &= st.checkbox(f"Ich habe die {len(vintage.warnings)} Warnungen geprüft.",
                             key=f"population_ack_{uploaded.file_id}")
    ready &= st.checkbox("Ja, diesen Bevölkerungsstand laden.", key=f"population_sure_{uploaded.file_id}")
    st.button("Bevölkerungsstand laden", type="primary", disabled=not ready, key="population_load",
              icon=":material/upload:", on_click=_run_load, args=(load_population, path, user.name, uploaded.file_id))


def _draw_boundaries() -> None:
    current = geo.metadata()
    now = (f"Derzeit: {current.get('product', '?')}, Gebietsstand {current.get('gebietsstand') or '?'}, "
           f"{current.get('kreise', '?')} Kreise, eingespielt {current.get('imported', '?')}."
           if current else "Derzeit sind keine Grenzen eingespielt; die Karten bleiben leer.")
    st.markdown("Kreis- und Ländergrenzen für die Karten aus den BKG-Verwaltungsgrenzen VG2500 oder VG250: "
                "die zip-Datei, wie das BKG sie anbietet (Shapefiles), oder GeoJSON aus dem BKG-Dienst. " + now)
    uploaded = st.file_uploader("BKG-Grenzen (zip oder GeoJSON)", key="boundaries_file",
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
            with st.spinner("Grenzen werden gelesen und vereinfacht …"):
                report = core.stage_boundaries(path, out)
        except (ValueError, OSError, safety.UnsafeFile) as exc:
            st.error(f"„{path.name}“ kann nicht übernommen werden: {exc}", icon=":material/block:")
            return
        staged[uploaded.file_id] = {"dir": out, "source": path, "report": report}
    report = staged[uploaded.file_id]["report"]
    st.markdown(f"**Vorschau:** {report['message']} Dateigrößen: "
                + ", ".join(f"{name} {kb} KB" for name, kb in report["size_kb"].items())
                + f". Quellenangabe: {report['attribution']}")
    for warning in report["warnings"]:
        st.warning(warning)
    sure = st.checkbox("Ja, diese Grenzen für die Karten übernehmen.", key=f"boundaries_sure_{uploaded.file_id}")
    st.button("Grenzen übernehmen", type="primary", disabled=not sure, key="boundaries_apply",
              icon=":material/map:", on_click=_apply_boundaries, args=(uploaded.file_id, user.name))


def _draw_protocol() -> None:
    try:
        with store.connect() as con:
            batches = [b for b in loader.history(con) if b.kind in core.reference_kinds()]
    except store.StoreBusy as exc:
        st.warning(str(exc))
        return
    if not batches:
        st.info("Noch keine Referenzdaten geladen; es gelten die mitgelieferten Stände.")
        return
    st.dataframe(core.history_frame(batches).drop(columns=["Datensatz", "Quartale", "ersetzt"]), hide_index=True,
                 width="stretch", key="reference_history")
    active = {b.batch_id: b for b in batches if b.status == "active"}
    if not active:
        return
    chosen = st.selectbox("Batch rückgängig machen", list(active), key="admin_undo_batch",
                          format_func=lambda b: core.batch_label(active[b]))
    sure = st.checkbox(f"Ja, Batch {chosen} rückgängig machen.", key=f"admin_undo_sure_{chosen}")
    st.button("Rückgängig machen", key="admin_undo_button", disabled=not sure, icon=":material/undo:",
              on_click=_undo, args=(chosen, user.name))


st.title("Referenzdaten")
st.caption(f"Angemeldet als {user.name} (Verwaltung). Zielwerte, Bevölkerung und Grenzen werden vor dem Laden "
           "geprüft und gezeigt; jeder Ladevorgang lässt sich im Protokoll rückgängig machen.")
_flash()
targets_tab, population_tab, boundaries_tab, protocol_tab = st.tabs(
    ["Zielwerte des Landes", "Bevölkerungsstand", "Grenzen", "Protokoll"])
with targets_tab:
    _draw_targets()
with population_tab:
    _draw_population()
with boundaries_tab:
    _draw_boundaries()
with protocol_tab:
    _draw_protocol()
