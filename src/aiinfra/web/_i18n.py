"""Labels of the dashboard in English and German (the labels it shares with the report come
from :mod:`aiinfra.charts`)."""

from __future__ import annotations

from aiinfra.charts import LABELS as SHARED_LABELS
from aiinfra.config import Lang

__all__ = ["t"]

WEB_LABELS: dict[str, dict[str, str]] = {
    "app_title": {"en": "aiinfra dashboard", "de": "aiinfra-Dashboard"},
    "overview": {"en": "Overview", "de": "Überblick"},
    "index_page": {"en": "Index", "de": "Index"},
    "flows_page": {"en": "Flow map", "de": "Geldfluss-Karte"},
    "stress_page": {"en": "Stress test", "de": "Stresstest"},
    "gap_page": {"en": "ROI gap", "de": "ROI-Lücke"},
    "buildout_page": {"en": "Build-out", "de": "Ausbau"},
    "sources_page": {"en": "Sources", "de": "Quellen"},
    "language": {"en": "Language", "de": "Sprache"},
    "error": {"en": "Error", "de": "Fehler"},
    "dismiss": {"en": "Dismiss", "de": "Schließen"},
    "not_found": {"en": "No such page.", "de": "Diese Seite gibt es nicht."},
    "sources_disagree_short": {"en": "sources disagree", "de": "Quellen weichen ab"},
    "as_of_src": {"en": "as of {date} · source: {source}", "de": "Stand {date} · Quelle: {source}"},
    "index_vs": {
        "en": "The index against QQQ and SMH",
        "de": "Der Index gegen QQQ und SMH",
    },
    "total_since": {
        "en": "Total return {start} – {end}: index {gtr}; {bench}",
        "de": "Gesamtrendite {start} – {end}: Index {gtr}; {bench}",
    },
    "gap_card": {"en": "ROI gap {year}", "de": "ROI-Lücke {year}"},
    "gap_card_text": {
        "en": "Revenue needed {req} bn USD, AI revenue {rev} bn USD: coverage {cov}.",
        "de": "Nötiger Umsatz {req} Mrd. USD, KI-Umsatz {rev} Mrd. USD: Deckung {cov}.",
    },
    "circ_card": {"en": "Circularity", "de": "Kreislauf"},
    "circ_card_text": {
        "en": "Cycling index {ci} over {deals} deals in force.",
        "de": "Kreislaufindex {ci} über {deals} laufende Deals.",
    },
    "controls": {"en": "Methodology controls", "de": "Methodik-Regler"},
    "single_cap": {"en": "Single-name cap", "de": "Einzeltitel-Obergrenze"},
    "target_n": {"en": "Target number of names", "de": "Zielanzahl Titel"},
    "multiplier": {"en": "Multiplier {cat}", "de": "Multiplikator {cat}"},
    "reset": {"en": "Reset to default", "de": "Auf Standard zurücksetzen"},
    "vs_default": {"en": "Difference to the default", "de": "Unterschied zum Standard"},
    "this_variant": {"en": "these settings", "de": "diese Einstellungen"},
    "default": {"en": "default", "de": "Standard"},
    "difference": {"en": "difference", "de": "Differenz"},
    "added": {"en": "added vs default", "de": "neu gegenüber Standard"},
    "removed": {"en": "removed vs default", "de": "entfallen gegenüber Standard"},
    "running": {"en": "Computing…", "de": "Wird berechnet…"},
    "ai_share": {"en": "AI-revenue share", "de": "KI-Umsatzanteil"},
    "flow_asof": {"en": "Deals in force on", "de": "Laufende Deals am"},
    "basis": {"en": "Amount basis", "de": "Betragsbasis"},
    "layers": {"en": "Value-chain layers", "de": "Stufen der Wertschöpfungskette"},
    "cycles": {"en": "Cycles (highlight one)", "de": "Kreisläufe (einen hervorheben)"},
    "flow_summary": {
        "en": "{deals} deals in force on {date}; {nodes} companies; cycling index {ci}.",
        "de": "{deals} laufende Deals am {date}; {nodes} Unternehmen; Kreislaufindex {ci}.",
    },
    "click_node": {
        "en": "Click a company on the map.",
        "de": "Ein Unternehmen auf der Karte anklicken.",
    },
    "payers": {"en": "Who pays it", "de": "Wer zahlt"},
    "payees": {"en": "Whom it pays", "de": "Wen es bezahlt"},
    "inflow": {"en": "Inflow", "de": "Zufluss"},
    "outflow": {"en": "Outflow", "de": "Abfluss"},
    "hhi": {"en": "Inflow concentration (HHI)", "de": "Zuflusskonzentration (HHI)"},
    "largest": {"en": "Largest payer", "de": "Größter Zahler"},
    "self_funded": {"en": "Self-funded share", "de": "Selbst finanzierter Anteil"},
    "direct_via": {"en": "direct {d}, via others {v}", "de": "direkt {d}, über andere {v}"},
    "amount": {"en": "Amount (USD bn)", "de": "Betrag (Mrd. USD)"},
    "share": {"en": "Share", "de": "Anteil"},
    "parties": {"en": "Parties that stop paying", "de": "Zahlungsausfall bei"},
    "shortfall": {"en": "Shortfall", "de": "Ausfallquote"},
    "pass_through": {"en": "Pass-through", "de": "Weitergabe"},
    "revenue_at_risk": {
        "en": "Revenue at risk per company (share of annual revenue)",
        "de": "Gefährdeter Umsatz je Unternehmen (Anteil am Jahresumsatz)",
    },
    "index_impact": {
        "en": "Index impact by category: {impact} in total",
        "de": "Wirkung auf den Index nach Kategorie: insgesamt {impact}",
    },
    "loss": {"en": "Loss (USD bn a year)", "de": "Verlust (Mrd. USD pro Jahr)"},
    "params": {"en": "Parameters", "de": "Parameter"},
    "method": {"en": "Method", "de": "Methode"},
    "samples": {"en": "Monte Carlo samples", "de": "Monte-Carlo-Stichproben"},
    "p_cover": {
        "en": "P(coverage ≥ 1 in {year}) = {p}; by {year}: {pby}",
        "de": "P(Deckung ≥ 1 im Jahr {year}) = {p}; bis {year}: {pby}",
    },
    "mc_quantiles": {
        "en": "Gap {year}: median {p50}, 90 % interval {p5} – {p95} bn USD (seed {seed})",
        "de": "Lücke {year}: Median {p50}, 90-%-Intervall {p5} – {p95} Mrd. USD (Seed {seed})",
    },
    "series_pick": {"en": "Series", "de": "Reihe"},
    "sources_intro": {
        "en": "Every source behind the pages: deals, figures, scores, AI revenue, financials, "
        "the gap's parameters, the prices and the methodology.",
        "de": "Alle Quellen hinter den Seiten: Deals, Kennzahlen, Bewertungen, KI-Umsätze, "
        "Finanzdaten, die Parameter der Lücke, die Kurse und die Methodik.",
    },
    "what": {"en": "What", "de": "Was"},
    "id": {"en": "Id", "de": "Kennung"},
    "date": {"en": "Date", "de": "Datum"},
    "source": {"en": "Source", "de": "Quelle"},
    "round": {"en": "Round hit", "de": "Getroffen in Runde"},
    "equity_shock": {"en": "Equity shock", "de": "Kursschock"},
    "period": {"en": "Period", "de": "Zeitraum"},
    "kind": {"en": "Kind", "de": "Art"},
    "value": {"en": "Value", "de": "Wert"},
    "low": {"en": "Low", "de": "Untergrenze"},
    "high": {"en": "High", "de": "Obergrenze"},
    "edge_legend": {
        "en": "Edges: {colors}; width ~ amount. Node size ~ money in + out; colour = layer.",
        "de": "Kanten: {colors}; Breite ~ Betrag. Knotengröße ~ Zu- plus Abfluss; Farbe = Stufe.",
    },
    "mc_ranges": {
        "en": "The Monte Carlo samples every parameter uniformly over its documented range and "
        "capex and revenue within their bands; the sliders set the central case above, not the "
        "sampled ranges.",
        "de": "Die Monte-Carlo-Simulation zieht jeden Parameter gleichverteilt über seine "
        "dokumentierte Spanne und Capex und Umsatz innerhalb ihrer Bänder; die Regler bestimmen "
        "den zentralen Fall oben, nicht die gezogenen Spannen.",
    },
    "mc_none": {
        "en": "No Monte Carlo distribution for {year}: the year lacks a capex or revenue figure.",
        "de": "Keine Monte-Carlo-Verteilung für {year}: Für das Jahr fehlt eine Capex- oder "
        "Umsatzzahl.",
    },
    # what an evidence sentence is about ("Evidence of …: of USD 12.3 bn, 60 % on press reports")
    "evidence_cycles": {"en": "of the deals on the cycles", "de": "der Deals auf den Kreisläufen"},
    "evidence_stress": {
        "en": "of the shocked parties' deals",
        "de": "der Deals der ausfallenden Zahler",
    },
    "no_index": {
        "en": "The index cannot be shown: {why}",
        "de": "Der Index kann nicht gezeigt werden: {why}",
    },
}


def t(key: str, lang: Lang) -> str:
    """The label ``key`` in ``lang`` (``en`` or ``de``): the dashboard's own, else the one it
    shares with the report."""
    entry = WEB_LABELS.get(key) or SHARED_LABELS[key]
    return entry.get(lang, entry["en"])
