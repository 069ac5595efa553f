"""Traffic light for target attainment: one rule, used by pages, reports and the glossary."""

from __future__ import annotations

import math

MET, PARTLY, FAR = "met", "partly", "far"
PARTLY_FROM_PCT = 50.0  # below half of the target is "far from the target"

LABELS = {
    MET: ("Soll erreicht", "target met"),
    PARTLY: ("Soll zur Hälfte oder mehr erreicht", "half of the target or more"),
    FAR: ("weniger als die Hälfte des Solls", "less than half of the target"),
}
# Streamlit badge colours and Material icons: the shape differs too, so colour is never the only signal
COLOURS = {MET: "green", PARTLY: "orange", FAR: "red"}
ICONS = {MET: ":material/check_circle:", PARTLY: ":material/change_history:", FAR: ":material/error:"}
RULE_DE = (f"Ampel: grün ab 100 % des Solls, gelb ab {PARTLY_FROM_PCT:.0f} %, rot darunter (auf ganze Prozent "
           "gerundet, wie angezeigt); die Farbe steht immer zusammen mit dem Wert und einem Wort.")
RULE_EN = (f"Traffic light: green from 100 % of the target, amber from {PARTLY_FROM_PCT:.0f} %, red below (rounded "
           "to whole per cent, as shown); the colour always comes with the value and a word.")


def attainment(coverage_pct: float | None) -> str | None:
    """``met`` (≥ 100 %), ``partly`` (≥ 50 %), ``far`` (< 50 %) or None when there is no value."""
    if coverage_pct is None or (isinstance(coverage_pct, float) and math.isnan(coverage_pct)):
        return None
    # judged on the percentage as shown, so "100 %" is never called "not met"
    shown = round(coverage_pct)
    if shown >= 100:
        return MET
    return PARTLY if shown >= PARTLY_FROM_PCT else FAR
