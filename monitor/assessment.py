"""Traffic light for target attainment: one rule, used by pages, reports and the glossary."""

from __future__ import annotations

import math

from .i18n import N_, translate

MET, PARTLY, FAR = "met", "partly", "far"
PARTLY_FROM_PCT = 50.0  # below half of the target is "far from the target"

LABELS = {
    MET: N_("Soll erreicht"),
    PARTLY: N_("Soll zur Hälfte oder mehr erreicht"),
    FAR: N_("weniger als die Hälfte des Solls"),
}
# Streamlit badge colours and Material icons: the shape differs too, so colour is never the only signal
COLOURS = {MET: "green", PARTLY: "orange", FAR: "red"}
ICONS = {MET: ":material/check_circle:", PARTLY: ":material/change_history:", FAR: ":material/error:"}
RULE = N_("Ampel: grün ab 100 % des Solls, gelb ab {partly} %, rot darunter (auf ganze Prozent gerundet, wie "
          "angezeigt); die Farbe steht immer zusammen mit dem Wert und einem Wort.")


def label(light: str, language: str = "de") -> str:
    """The word that goes with the colour: "Soll erreicht", …"""
    return translate(LABELS[light], language)


def rule(language: str = "de") -> str:
    """The traffic-light rule, as the pages and the glossary state it."""
    return translate(RULE, language, partly=f"{PARTLY_FROM_PCT:.0f}")


def attainment(coverage_pct: float | None) -> str | None:
    """``met`` (≥ 100 %), ``partly`` (≥ 50 %), ``far`` (< 50 %) or None when there is no value."""
    if coverage_pct is None or (isinstance(coverage_pct, float) and math.isnan(coverage_pct)):
        return None
    # judged on the percentage as shown, so "100 %" is never called "not met"
    shown = round(coverage_pct)
    if shown >= 100:
        return MET
    return PARTLY if shown >= PARTLY_FROM_PCT else FAR
