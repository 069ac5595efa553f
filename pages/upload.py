"""Daten hochladen — check quarterly files, see what will change, load, and undo from the history.

Only for the roles uploader and admin (registered in dashboard.py; ``auth.require`` guards it as well).
Everything shown is computed in ``etl.upload`` and ``etl.loader``; loads and undos run in callbacks, so
the run after a click already draws the new figures (the store's data version keys every cache). Every
table goes through ``etl.safety.safe_table``: its toolbar offers a CSV download of the cells as shown, and the
cells come from uploaded files, so a text a spreadsheet would run as a formula (``=HYPERLINK(…)``) is
neutralised as in our exports.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from etl import loader, safety
from etl import upload as core
from etl.template import HELP_COLUMNS, help_lines, offered_quarters, write_template
from etl.validate import CheckedFile, check_path
from monitor import config, store
from monitor.datasets import DATASETS
from ui import auth, data, release_panel
from ui.i18n import _, fmt, lang, message, n_, pick

PREVIEW_ROWS = 500  # rows drawn in a preview table; the problems table always lists every problem
LINKS_SHOWN = 8
MARK_CSS = {"error": "background-color: #f8d7da; color: #58151c; font-weight: 600",
            "warning": "background-color: #fff3cd; color: #664d03", "": ""}
STATE = "upload"  # session-state prefix of this page

user = auth.require(auth.UPLOADER)
regions = data.regions(public=False)  # the working store: what a load is checked against


# --- session state -----------------------------------------------------------------------------------------

def _state() -> dict:
    """This page's session state: checked files, the previews last shown, outcomes, messages."""
    if STATE not in st.session_state:
        st.session_state[STATE] = {"widget": 0, "checked": {}, "previews": {}, "done": {}, "flash": [],
                                   "dir": tempfile.mkdtemp(prefix="ik-upload-")}
    return st.session_state[STATE]


def _safe_name(name: str) -> str:
    """The file's own name (it is recorded with the batch), without path parts or control characters."""
    name = re.sub(r"[\x00-\x1f\\/]", "_", Path(name).name).strip(" .") or "datei"
    return name[-150:]


def _checked(uploaded) -> CheckedFile:
    """Check an uploaded file once per upload (keyed by the upload's id)."""
    state = _state()
    if uploaded.file_id not in state["checked"]:
        folder = Path(state["dir"]) / re.sub(r"[^A-Za-z0-9_-]", "_", uploaded.file_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / _safe_name(uploaded.name)
        if uploaded.size > safety.max_file_bytes():
            # not even written to disk; the message is the same as for any file over the limit
            refusal = safety.too_large(path.name, uploaded.size, safety.max_file_bytes())
            state["checked"][uploaded.file_id] = CheckedFile(path.name, path, problem=refusal.as_problem())
        else:
            path.write_bytes(uploaded.getvalue())
            with st.spinner(_("„{name}“ wird geprüft …", name=path.name)):
                state["checked"][uploaded.file_id] = check_path(path, regions=regions, today=config.today())
    return state["checked"][uploaded.file_id]


def _forget_removed(file_ids: set[str]) -> None:
    state = _state()
    for fid in list(state["checked"]):
        if fid not in file_ids:
            shutil.rmtree(state["checked"].pop(fid).path.parent, ignore_errors=True)
            state["previews"].pop(fid, None)


# --- actions (callbacks: they run before the next script run) ----------------------------------------------

def _load(fid: str, user_name: str) -> None:
    state = _state()
    checked, previews = state["checked"][fid], state["previews"].get(fid, [])
    # the button is disabled until both are ticked; checked again here, as a client could send the click anyway
    if (checked.warnings and not st.session_state.get(f"ack_{fid}")) or (
            any(p.needs_replace for p in previews) and not st.session_state.get(f"replace_{fid}")):
        state["flash"].append(("error", _("„{name}“ wurde nicht geladen: erst Warnungen und Ersetzen bestätigen.",
                                          name=checked.name)))
        return
    try:
        outcome = core.load_checked(checked, user=user_name, replace=any(p.needs_replace for p in previews),
                                    expected=previews)
    except store.StoreBusy as exc:
        state["flash"].append(("error", _("„{name}“ wurde nicht geladen: {reason}", name=checked.name, reason=exc)))
        return
    if outcome.status == loader.REJECTED:
        problems = [p.text(lang()) for p in outcome.errors] + [p.text(lang()) for t in outcome.tables for p in t.errors]
        state["flash"].append(("error", _("„{name}“ wurde nicht geladen: {reason}", name=checked.name,
                                          reason=" ".join(problems))))
        return
    state["done"][fid] = {"outcome": outcome, "previews": previews, "name": checked.name}


def _undo(batch_id: int, user_name: str) -> None:
    state = _state()
    if not st.session_state.get(f"undo_sure_{batch_id}"):
        return
    try:
        with store.connect(write=True) as con:
            outcome = core.undo_batch(con, batch_id, user=user_name)
    except (loader.UndoRefused, store.StoreBusy) as exc:
        state["flash"].append(("error", message(exc)))
        return
    state["flash"].append(("success", message(outcome.message)))


def _clear() -> None:
    state = _state()
    _forget_removed(set())
    state["done"].clear()
    state["widget"] += 1


def _go(ags: str, quarter: str) -> None:
    # the sidebar keeps its choices in the session; set them before the overview runs. What was just loaded is
    # not public before the next release: the view switches to the internal figures (the uploader's role may).
    st.session_state["region"] = ags
    st.session_state["period"] = quarter
    st.session_state["mode"] = "internal"


# --- drawing -------------------------------------------------------------------------------------------

def _flash() -> None:
    state = _state()
    for kind, text in state["flash"]:
        (st.error if kind == "error" else st.success)(text)
    state["flash"].clear()


def _rows(n: int) -> str:
    return n_("{count} Zeile", "{count} Zeilen", n, count=fmt.integer(n, lang()))


def _dataset(dataset_id: str) -> str:
    ds = DATASETS[dataset_id]
    return pick(ds.label_de, ds.label_en)


def _report_head(report) -> str:
    label = _dataset(report.dataset) if report.dataset else _("Datensatz nicht erkannt")
    parts = [_rows(report.rows)]
    if report.quarters:
        parts.append(_("Quartal {quarters}", quarters=", ".join(fmt.quarter(q, lang()) for q in report.quarters)))
    if report.regions:
        parts.append(n_("{n} Kreis", "{n} Kreise", len(report.regions)))
    parts.append(n_("{n} Fehler", "{n} Fehler", len(report.errors)))
    parts.append(n_("{n} Warnung", "{n} Warnungen", len(report.warnings)))
    sheets = _(" (Blatt {sheets})", sheets=", ".join(f"„{s}“" for s in report.sheets)) if report.sheets else ""
    return f"**{label}**{sheets}: " + " · ".join(parts)


def _draw_report(fid: str, n: int, report) -> None:
    st.markdown(_report_head(report))
    if report.errors or report.warnings:
        st.dataframe(safety.safe_table(core.problems_frame(report.errors, report.warnings).drop(columns="Code")),
                     hide_index=True, width="stretch", key=f"problems_{fid}_{n}",
                     column_config={"Meldung": st.column_config.TextColumn(width="large")})
    if report.dataset is None or report.frame is None or not len(report.frame):
        return
    has_problems = bool(report.errors or report.warnings)
    only = st.toggle(_("Nur Zeilen mit Problemen"), value=has_problems, key=f"only_{fid}_{n}",
                     disabled=not has_problems)
    shown, marks = core.marked_rows(report, only_problems=only and has_problems, limit=PREVIEW_ROWS)
    shown = safety.safe_table(shown)
    marks.columns = shown.columns
    styled = shown.style.apply(lambda _: marks.map(MARK_CSS.get), axis=None).format(na_rep="")
    cut = len(report.frame) > PREVIEW_ROWS and not only
    st.caption(_("Vorschau der Zeilen, wie sie geladen würden – rot: Fehler, gelb: Warnung. „Zeile“ ist die "
                 "Zeilennummer in der Datei.")
               + (_(" Gezeigt werden die ersten {n}.", n=fmt.integer(PREVIEW_ROWS, lang())) if cut else ""))
    st.dataframe(styled, hide_index=True, width="stretch", key=f"rows_{fid}_{n}")


def _draw_changes(fid: str, previews: list[core.ChangePreview]) -> None:
    st.markdown(_("**Was sich ändert**"))
    for i, p in enumerate(previews):
        st.markdown(f"*{_dataset(p.dataset)}*\n" + "\n".join(f"- {m.text(lang())}" for m in p.messages))
        if p.identical_batch is not None or not len(p.totals):
            continue
        fields = core.count_fields(p.dataset)
        ds = DATASETS[p.dataset]
        english = lang() == "en"
        chosen = st.selectbox(_("Summe je Kreis vorher und nachher"), fields, key=f"field_{fid}_{i}",
                              format_func=lambda f, ds=ds, english=english: (
                                  ds.column(f).label_en if english else ds.column(f).header))
        st.dataframe(safety.safe_table(p.totals_for(chosen, lang())), hide_index=True, width="stretch",
                     key=f"totals_{fid}_{i}")


def _draw_done(fid: str, done: dict) -> None:
    outcome = done["outcome"]
    for t in outcome.tables:
        if t.dataset is None:
            continue
        label = _dataset(t.dataset)
        if t.status == loader.LOADED:
            replaced = _(", davon {rows} ersetzt", rows=_rows(t.replaced_rows)) if t.replaced_rows else ""
            st.success(_("{dataset}: als Batch {batch} geladen – {rows}{replaced}. Die interne Ansicht zeigt die "
                         "neuen Zahlen ab sofort, die öffentliche nach der nächsten Veröffentlichung.",
                         dataset=label, batch=t.batch_id, rows=_rows(t.rows), replaced=replaced),
                       icon=":material/check_circle:")
        else:
            st.info(_("{dataset}: bereits als Batch {batch} geladen – nichts geändert.", dataset=label,
                      batch=t.batch_id))
    links = [(ags, q) for p in done["previews"] for q, ags in
             p.totals[["quarter", "ags"]].drop_duplicates().itertuples(index=False)]
    if not links:
        return
    st.markdown(_("**Zu den betroffenen Ansichten**"))
    cols = st.columns(min(4, len(links[:LINKS_SHOWN])))
    for k, (ags, quarter) in enumerate(links[:LINKS_SHOWN]):
        region = regions.get(ags)
        name = region.name if region else ags
        if cols[k % len(cols)].button(f"{name} · {fmt.quarter(quarter, lang())}", key=f"go_{fid}_{k}",
                                      icon=":material/dashboard:", on_click=_go, args=(ags, quarter)):
            st.switch_page("pages/overview.py", query_params={"region": ags, "period": quarter})
    lands = sorted({ags[:2] for ags, _quarter in links})
    quarter = max(q for _ags, q in links)
    for land in lands:
        region = regions.get(land)
        if st.button(_("Land {name} · {quarter}", name=region.name if region else land,
                       quarter=fmt.quarter(quarter, lang())), key=f"go_{fid}_land_{land}",
                     icon=":material/map:", on_click=_go, args=(land, quarter)):
            st.switch_page("pages/overview.py", query_params={"region": land, "period": quarter})
    if len(links) > LINKS_SHOWN:
        st.caption(_("… und {n} weitere Kreise und Quartale.", n=len(links) - LINKS_SHOWN))


def _draw_file(uploaded) -> None:
    state = _state()
    fid = uploaded.file_id
    checked = _checked(uploaded)
    with st.container(border=True):
        st.subheader(checked.name, divider="gray")
        if fid in state["done"]:
            _draw_done(fid, state["done"][fid])
            return
        if checked.problem:
            st.error(checked.problem.text(lang()), icon=":material/block:")
            st.caption(_("Aus dieser Datei wurde nichts gespeichert."))
            return
        for n, report in enumerate(checked.reports):
            _draw_report(fid, n, report)
        if checked.errors:
            st.error(n_("Diese Datei hat {n} Fehler und wird nicht geladen. Bitte die genannte Zelle in der Datei "
                        "korrigieren und die Datei erneut hochladen.",
                        "Diese Datei hat {n} Fehler und wird nicht geladen. Bitte die genannten Zellen in der Datei "
                        "korrigieren und die Datei erneut hochladen.", checked.errors), icon=":material/block:")
            return
        try:
            previews = core.preview_file(checked)
        except store.StoreBusy as exc:
            st.warning(message(exc))
            return
        state["previews"][fid] = previews
        _draw_changes(fid, previews)
        ready = True
        if checked.warnings:
            ready &= st.checkbox(n_("Ich habe die Warnung geprüft; die Datei soll trotzdem geladen werden.",
                                    "Ich habe die {n} Warnungen geprüft; die Datei soll trotzdem geladen werden.",
                                    checked.warnings), key=f"ack_{fid}")
        replacing = sum(p.replaced_rows for p in previews if p.needs_replace)
        if replacing:
            ready &= st.checkbox(n_("Ja, {n} bereits geladene Zeile ersetzen. Die bisherige Zeile bleibt "
                                    "gespeichert; „Rückgängig“ im Ladeprotokoll stellt sie wieder her.",
                                    "Ja, {n} bereits geladene Zeilen ersetzen. Die bisherigen Zeilen bleiben "
                                    "gespeichert; „Rückgängig“ im Ladeprotokoll stellt sie wieder her.", replacing),
                                 key=f"replace_{fid}")
        st.button(_("„{name}“ laden", name=checked.name), key=f"load_{fid}", type="primary", disabled=not ready,
                  icon=":material/upload:", on_click=_load, args=(fid, user.name))


def _draw_history() -> None:
    try:
        with store.connect() as con:
            batches = [b for b in loader.history(con) if b.kind in core.data_kinds()]
    except store.StoreBusy as exc:
        st.warning(message(exc))
        return
    if not batches:
        st.info(_("Noch keine Quartalsdaten geladen."))
        return
    st.dataframe(safety.safe_table(core.history_frame(batches, lang()).drop(columns=[_("Art"), _("Hinweis")])),
                 hide_index=True,
                 width="stretch", key="history")
    active = [b for b in batches if b.status == "active"]
    if not active:
        return
    st.markdown(_("**Einen Ladevorgang rückgängig machen**"))
    st.caption(_("Die Zeilen des Batches gelten danach nicht mehr (sie bleiben für das Protokoll gespeichert); "
                 "Zeilen, die er ersetzt hatte, gelten wieder. Ein Batch, dessen Zeilen später ersetzt wurden, kann "
                 "erst nach dem späteren rückgängig gemacht werden."))
    by_id = {b.batch_id: b for b in active}
    language = lang()
    chosen = st.selectbox(_("Batch"), list(by_id), key="undo_batch",
                          format_func=lambda b: core.batch_label(by_id[b], language))
    sure = st.checkbox(_("Ja, Batch {batch} rückgängig machen.", batch=chosen), key=f"undo_sure_{chosen}")
    st.button(_("Rückgängig machen"), key="undo_button", disabled=not sure, icon=":material/undo:",
              on_click=_undo, args=(chosen, user.name))


@st.cache_data(show_spinner=False, max_entries=6)
def _template_bytes(dataset: str, data_version: tuple, day: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_template(dataset, Path(tmp) / "vorlage.xlsx", regions=regions, today=config.today())
        return path.read_bytes()


def _draw_help() -> None:
    st.markdown(_("Die Vorlagen enthalten die richtigen Spaltenüberschriften, Auswahllisten, die Liste der Kreise "
                  "und die Ausfüllhinweise. Eine ausgefüllte Vorlage lädt ohne Nacharbeit; andere Tabellen gehen "
                  "auch, wenn die Überschriften erkennbar sind. Die Vorlagen selbst sind deutschsprachig, wie die "
                  "Meldungen der Einrichtungen."))
    cols = st.columns(len(DATASETS))
    for col, ds in zip(cols, DATASETS.values()):
        col.download_button(
            _("Vorlage {dataset}", dataset=pick(ds.label_de, ds.label_en)),
            lambda ds=ds: _template_bytes(ds.id, data.version(public=False), str(config.today())),
            file_name=f"vorlage_{ds.id}.xlsx", key=f"template_{ds.id}", on_click="ignore",
            icon=":material/download:", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.markdown(_("Angenommen werden .xlsx, .xls, .ods und .csv bis {mb} MB. Dateien mit Makros (.xlsm, .xlsb) "
                  "werden abgelehnt – Makros führt der IK-Monitor nie aus.",
                  mb=fmt.integer(safety.MAX_FILE_MB, lang())))
    quarters = offered_quarters(config.today())
    for ds in DATASETS.values():
        with st.expander(_("Ausfüllhinweise {dataset}", dataset=pick(ds.label_de, ds.label_en))):
            lines = help_lines(ds, quarters, config.today(), lang())
            head = tuple(_(h) for h in HELP_COLUMNS)
            columns = [line for line in lines if len(line) == 5 and line != head]
            for line in lines[3:]:
                if len(line) == 2:
                    st.markdown(f"**{line[0]}:** {line[1]}")
            help_table = pd.DataFrame(columns, columns=list(head))
            st.dataframe(safety.safe_table(help_table), hide_index=True, width="stretch", key=f"help_{ds.id}",
                         column_config={head[3]: st.column_config.TextColumn(width="large")})


# --- the page -------------------------------------------------------------------------------------------

st.title(_("Daten hochladen"))
st.caption(_("Angemeldet als {name}. Jede Datei wird geprüft, bevor etwas gespeichert wird; jeder Ladevorgang steht "
             "mit Name und Zeit im Ladeprotokoll und lässt sich rückgängig machen.", name=user.name))
_flash()
# with a key the chosen tab is a widget state: a rerun (an undo, a release) stays on it
upload_tab, history_tab, release_tab, help_tab = st.tabs(
    [_("Hochladen"), _("Ladeprotokoll"), _("Veröffentlichen"), _("Vorlagen und Ausfüllhinweise")], key="upload_tabs")

with upload_tab:
    state = _state()
    files = st.file_uploader(
        _("Quartalsdateien (Schutzunterkünfte, Beratung, Polizei) – eine oder mehrere"),
        accept_multiple_files=True, key=f"files_{state['widget']}", max_upload_size=int(safety.MAX_FILE_MB),
        help=_("Der Datensatz wird an den Spaltenüberschriften erkannt. Mehrere Blätter und Datensätze in einer "
               "Datei sind möglich."),
    ) or []
    _forget_removed({f.file_id for f in files})
    for uploaded in files:
        _draw_file(uploaded)
    if files:
        st.button(_("Liste leeren"), key="clear", on_click=_clear, icon=":material/clear_all:")

with history_tab:
    _draw_history()

with release_tab:
    release_panel.draw(user.name)

with help_tab:
    _draw_help()
