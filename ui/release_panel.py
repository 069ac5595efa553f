"""The "Veröffentlichen" tab of the upload page: what is public now, what changed since, and the release button.

Loads and undos change only the working store; the public sees a load once a release includes it. The release
itself is ``monitor.release.build`` (the same as ``python -m etl release``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import disclosure, fmt, release, store
from monitor.catalogue import CATALOGUE
from monitor.figures import ReleaseFigures

from . import data
from .i18n import _, lang, message, n_, pick


def _active_batches() -> list[int]:
    with store.connect() as con:
        return [b for (b,) in con.execute(
            "SELECT batch_id FROM batches WHERE status = 'active' ORDER BY batch_id").fetchall()]


def _release(user_name: str, note: str) -> None:
    try:
        with st.spinner(_("Die Zahlen werden berechnet und die Geheimhaltung über alle Tabellen geprüft …")):
            result = release.build(author=user_name, note=note)
    except (release.NothingToRelease, store.StoreBusy) as exc:
        st.session_state["_release_flash"] = ("error", message(exc))
        return
    except disclosure.DisclosureError as exc:
        st.session_state["_release_flash"] = ("error", _("Die Veröffentlichung wurde nicht geschrieben: {reason}",
                                                         reason=exc))
        return
    st.session_state["_release_flash"] = ("success", release.message(result, lang()))
    st.session_state["release_note"] = ""


def draw(user_name: str) -> None:
    """The tab's content for the signed-in uploader ``user_name``."""
    flash = st.session_state.pop("_release_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    latest = release.latest_path()
    active = _active_batches()
    if latest is None:
        st.info(_("Noch keine Veröffentlichung: öffentlich ist bisher nichts."), icon=":material/public_off:")
        pending = bool(active)
    else:
        figures = data.figures(public=True)
        info = figures.info
        released = set(info.get("batches") or [])
        added, removed = sorted(set(active) - released), sorted(released - set(active))
        pending = bool(added or removed)
        note = _(" – „{note}“", note=info["note"]) if info.get("note") else ""
        st.markdown(_("**Öffentlich:** Veröffentlichung {number} vom {when} durch {author}{note}.",
                      number=figures.number, when=fmt.datetime_(info["created_at"], lang()), author=info["author"],
                      note=note))
        if pending:
            parts = []
            if added:
                batches = ", ".join(map(str, added[:10])) + (" …" if len(added) > 10 else "")
                parts.append(n_("{n} neuer Ladevorgang (Batch {batches})", "{n} neue Ladevorgänge (Batch {batches})",
                                len(added), batches=batches))
            if removed:
                parts.append(n_("{n} rückgängig gemachter Ladevorgang (Batch {batches})",
                                "{n} rückgängig gemachte Ladevorgänge (Batch {batches})", len(removed),
                                batches=", ".join(map(str, removed[:10]))))
            st.warning(_("Noch nicht öffentlich: {changes}.", changes=_(" und ").join(parts)),
                       icon=":material/pending:")
        else:
            st.success(_("Die Veröffentlichung enthält den aktuellen Arbeitsbestand."), icon=":material/check:")
        _loss(figures)
    st.markdown(_(
        "Eine Veröffentlichung berechnet alle Kennzahlen für alle Kreise, Länder und Deutschland, Quartale und "
        "Jahre, und sperrt kleine Fallzahlen sowie alles, woraus sie sich errechnen ließen. Erst dann sehen "
        "Öffentlichkeit, Downloads und Berichte die neuen Zahlen. Das dauert etwa eine halbe Minute."))
    st.text_input(_("Notiz zur Veröffentlichung"), key="release_note", max_chars=300,
                  placeholder=_("z. B. Quartal 3/2026, Korrektur Kreis Unna"))
    confirmed = st.checkbox(_("Die geladenen Zahlen sind geprüft und dürfen veröffentlicht werden."),
                            key="release_confirm")
    st.button(_("Jetzt veröffentlichen"), key="release_button", type="primary", icon=":material/publish:",
              disabled=not (confirmed and (pending or latest is None) and active),
              on_click=_release, args=(user_name, st.session_state.get("release_note", "")))


def _loss(figures: ReleaseFigures) -> None:
    """The information loss of the public release (internal: the split into primary and secondary cells would
    tell the public whether a "< 3" can be 0)."""
    rows = release.read_internal(figures.path).get("loss")
    if not rows:
        return
    loss = pd.DataFrame(rows).groupby("indicator", sort=False)[["cells", "primary", "secondary"]].sum()
    table = pd.DataFrame({
        _("Kennzahl"): [pick(CATALOGUE[i].label_de, CATALOGUE[i].label_en) for i in loss.index],
        _("Werte"): loss["cells"].astype(int), _("kleine Zahlen"): loss["primary"].astype(int),
        _("zu ihrem Schutz gesperrt"): loss["secondary"].astype(int),
        _("gesperrt in %"): ((loss["primary"] + loss["secondary"]) / loss["cells"] * 100).round(1),
    })
    with st.expander(_("Was diese Veröffentlichung sperrt (Informationsverlust, intern)")):
        st.dataframe(table, hide_index=True, width="stretch")
