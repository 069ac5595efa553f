"""The intervention chain as it is shown: call-outs → eviction orders → referrals → reached by counselling →
shelter admissions, turn-aways beside the chain. One definition of its labels, notes and shares for the police
page, the Regionalbriefing and the tile.

The steps link three datasets with different counting units (cases, persons, requests), so the chain is not a
funnel of the same persons: a share stands only where one of the monitor's rates links two of its numbers, with
that rate's own denominator and the release's marks.
"""

from __future__ import annotations

from . import catalogue, charts, fmt, privacy
from .i18n import N_, translate
from .indicators import RegionReport, chain_from_report

# short labels (the catalogue's are too long for bar labels) and what each step counts, from which dataset
LABELS = {
    "police_callouts": (N_("Polizeieinsätze"), N_("Einsätze (Fälle), Polizei")),
    "police_eviction_orders": (N_("Wohnungsverweisungen"), N_("Anordnungen, Polizei")),
    "police_referrals": (N_("Weiterleitungen an Beratung"), N_("Fälle mit Einwilligung, Polizei")),
    "counselling_police_referrals_reached": (N_("Von der Beratung erreicht"),
                                             N_("Personen, Meldungen der Beratungsstellen")),
    "shelter_admissions_women": (N_("Aufnahmen im Frauenhaus"),
                                 N_("Frauen, alle Aufnahmen – nicht nur nach Polizeieinsatz")),
    "shelter_turn_aways": (N_("Abweisungen (neben der Kette)"),
                           N_("Anfragen, nicht Personen – keine Teilmenge der Kette")),
}
SHARE_OF = {
    "police_eviction_rate_pct": N_("{share} der Einsätze"),
    "police_referral_rate_pct": N_("{share} der Einsätze"),
    "counselling_reach_rate_pct": N_("{share} der eingegangenen Vermittlungen"),
}
DATASET_NAMES = {"police": N_("Polizei"), "counselling": N_("Beratung"), "shelters": N_("Schutzunterkünfte")}
TITLE = N_("Interventionskette")
SUBTITLE = N_("Vom Polizeieinsatz bis zur Aufnahme im Frauenhaus; verschiedene Datensätze und Zähleinheiten "
              "(Fälle, Personen, Anfragen) – kein Trichter derselben Personen")
NOT_A_FUNNEL = N_("Die Kette verknüpft drei Datensätze mit verschiedenen Zähleinheiten: Einsätze und "
                  "Weiterleitungen sind Fälle (Polizei), „erreicht“ sind Personen (Beratungsstellen), Aufnahmen "
                  "sind Frauen und Abweisungen sind Anfragen (Schutzunterkünfte). Die Schritte sind daher kein "
                  "Trichter derselben Personen; Anteile stehen nur dort, wo eine Quote des Monitors beide Zahlen "
                  "verbindet.")


def _share(step, language: str) -> str:
    """"12,5 % der Einsätze", the rate's mark, or "" where the step has no rate."""
    if not step.share_id or (step.share_pct is None and not step.share_flag):
        return ""
    s = privacy.display_value(step.share_id, step.share_pct, step.share_flag, language=language)
    share = s.display if s.suppressed or s.value is None else fmt.percent(s.value, 1, language)
    return translate(SHARE_OF[step.share_id], language, share=share)


def steps(report: RegionReport, language: str = "de") -> list[charts.ChainStep]:
    """The chain as chart steps: values with their marks, shares from the monitor's rates."""
    out = []
    for step in chain_from_report(report):
        s = privacy.display_value(step.id, step.value, step.flag, language=language)
        label, note = (translate(t, language) for t in LABELS[step.id])
        share = _share(step, language)
        out.append(charts.ChainStep(label, s.display if s.suppressed else s.value,
                                    f"{note} · {share}" if share else note, share_of_previous=False,
                                    beside=step.beside))
    return out


def rows(report: RegionReport, language: str = "de") -> list[dict]:
    """The chain as a table (step, value, unit, share, dataset, completeness) in ``language``."""
    out = []
    for step in chain_from_report(report):
        ind = catalogue.get(step.id)
        s = privacy.display_value(step.id, step.value, step.flag, language=language)
        c = step.completeness
        out.append({
            translate("Schritt", language): ind.label_en if language == "en" else ind.label_de,
            translate("Wert", language): s.display,
            translate("Einheit", language): ind.unit_en if language == "en" else ind.unit_de,
            translate("Anteil", language): _share(step, language),
            translate("Datensatz", language): translate(DATASET_NAMES[ind.dataset], language),
            translate("Vollständigkeit", language): c.text(language) if c else "",
        })
    return out


def figure(report: RegionReport, where: str, language: str = "de", **style) -> charts.go.Figure:
    """The chain chart with its title (what, where, when) and subtitle."""
    return charts.chain_chart(steps(report, language),
                              title=charts.chart_title(translate(TITLE, language), where, report.period),
                              subtitle=translate(SUBTITLE, language), language=language, **style)
