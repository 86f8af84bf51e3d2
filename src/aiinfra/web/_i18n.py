"""Labels of the dashboard in English and German (the labels it shares with the report come
from :mod:`aiinfra.charts`)."""

from __future__ import annotations

from aiinfra.charts import LABELS as SHARED_LABELS
from aiinfra.config import Lang
from aiinfra.services.prices import NO_PRICES_HELP

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
    # the sources page (issue 18): its columns and the kinds of source
    "src_col:what": {"en": "What", "de": "Art"},
    "src_col:item": {"en": "About", "de": "Betrifft"},
    "src_col:date": {"en": "Date", "de": "Datum"},
    "src_col:source": {"en": "Source", "de": "Quelle"},
    "src_col:id": {"en": "Id", "de": "Kennung"},
    "src_what:flow": {"en": "deal", "de": "Deal"},
    "src_what:figure": {"en": "figure", "de": "Kennzahl"},
    "src_what:score": {"en": "score", "de": "Bewertung"},
    "src_what:AI revenue": {"en": "AI revenue", "de": "KI-Umsatz"},
    "src_what:financials": {"en": "financials", "de": "Finanzdaten"},
    "src_what:gap parameter": {"en": "ROI-gap parameter", "de": "Parameter der ROI-Lücke"},
    "src_what:prices": {"en": "prices", "de": "Kurse"},
    "src_what:methodology": {"en": "methodology", "de": "Methodik"},
    # the ROI gap's parameters (issue 18): names and units; their sources are data, as written
    "param:gpu_share": {
        "en": "GPU share of a data centre's cost",
        "de": "GPU-Anteil an den Kosten eines Rechenzentrums",
    },
    "param:gross_margin": {"en": "End users' gross margin", "de": "Bruttomarge der Endnutzer"},
    "param:useful_life": {
        "en": "Useful life of the hardware",
        "de": "Nutzungsdauer der Hardware",
    },
    "param:required_return": {"en": "Required return", "de": "Geforderte Rendite"},
    "param:ai_share": {"en": "AI share of capex", "de": "KI-Anteil an den Investitionen"},
    "param:nvidia_share": {
        "en": "NVIDIA's share of accelerator spend",
        "de": "NVIDIAs Anteil an den Beschleuniger-Ausgaben",
    },
    "param:forecast_uncertainty": {
        "en": "Band around forecast revenue",
        "de": "Band um den prognostizierten Umsatz",
    },
    "param:capex band": {"en": "Capex band", "de": "Capex-Band"},
    "param:revenue band": {"en": "Revenue band", "de": "Umsatz-Band"},
    "unit:share": {"en": "share", "de": "Anteil"},
    "unit:± share": {"en": "± share", "de": "± Anteil"},
    "unit:per year": {"en": "per year", "de": "pro Jahr"},
    "unit:years": {"en": "years", "de": "Jahre"},
    "gap_page_intro": {
        "en": "Revenue needed to justify the year's AI capex (Sequoia method: capex / GPU share "
        "of cost / (1 − end users' gross margin), as seed 004 applies it) against AI revenue "
        "earned. Bands span the sources for each year. AI revenue is one definition in every "
        "year, interpolated only to a forecast of that same definition; without one it stops "
        "at its last reported year and later years have no revenue, gap or coverage. The labs' "
        "ARR forecast is another definition: drawn beside it as separate markers, never joined. "
        "Percentiles: Monte Carlo samples (seed 0) over every uncertain input.",
        "de": "Umsatz, der die KI-Investitionen des Jahres rechtfertigen würde (Sequoia-Methode: "
        "Investitionen / GPU-Anteil an den Kosten / (1 − Bruttomarge der Endnutzer), wie in "
        "Seed 004), gegenüber dem erzielten KI-Umsatz. Die Bänder umfassen die Quellen je Jahr. "
        "Der KI-Umsatz folgt in jedem Jahr einer Definition und wird nur zu einer Prognose "
        "derselben Definition interpoliert; ohne eine solche endet er mit seinem letzten "
        "berichteten Jahr, spätere Jahre haben keinen Umsatz, keine Lücke und keine Deckung. "
        "Die ARR-Prognose der KI-Labore ist eine andere Definition: eigene Punkte daneben, nie "
        "mit der Linie verbunden. Perzentile: Monte-Carlo-Ziehungen (Seed 0) über alle "
        "unsicheren Eingaben.",
    },
    "gap_ref_labs": {
        "en": "Labs' ARR forecast (OpenAI + Anthropic; another definition)",
        "de": "ARR-Prognose der Labore (OpenAI + Anthropic; andere Definition)",
    },
    "gap_ref_other": {
        "en": "Forecast of another definition: {definition}",
        "de": "Prognose einer anderen Definition: {definition}",
    },
    "usd_bn": {"en": "bn USD", "de": "Mrd. USD"},
    "bound:at least": {"en": "at least", "de": "mindestens"},
    "bound:at most": {"en": "at most", "de": "höchstens"},
    "edge_legend": {
        "en": "Edges: {colors}; width ~ amount; a highlighted cycle in {cycle}. Node size ~ money "
        "in + out; colour = layer.",
        "de": "Kanten: {colors}; Breite ~ Betrag; ein hervorgehobener Kreislauf in {cycle}. "
        "Knotengröße ~ Zu- plus Abfluss; Farbe = Stufe.",
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
    # the index page (issue 18): a category switched off, notices an analyst reads
    "off": {"en": "off", "de": "aus"},
    "and": {"en": "and", "de": "und"},
    "details": {"en": "details", "de": "Details"},
    "multiplier_off_note": {
        "en": "A multiplier of 0 switches its category off: the index is formed without it.",
        "de": "Ein Multiplikator von 0 schaltet die Kategorie ab: Der Index wird ohne sie "
        "gebildet.",
    },
    "categories_off": {
        "en": "Switched off: {names}. The index is formed without them.",
        "de": "Abgeschaltet: {names}. Der Index wird ohne sie gebildet.",
    },
    "all_off": {
        "en": "Every category is switched off: switch at least one on to form an index.",
        "de": "Alle Kategorien sind abgeschaltet: Für einen Index mindestens eine einschalten.",
    },
    "nt_relaxed": {
        "en": "{priced} of {candidates} candidates have prices and {eligible} pass the screens; "
        "the index holds {selected} names",
        "de": "{priced} von {candidates} Kandidaten haben Kurse, {eligible} bestehen die "
        "Prüfungen; der Index hält {selected} Titel",
    },
    "nt_with": {"en": " with {changes}", "de": " mit {changes}"},
    "nt_cap": {
        "en": "a {cap} cap instead of {cap_rule}",
        "de": "einer Einzelobergrenze von {cap} statt {cap_rule}",
    },
    "nt_min_n": {
        "en": "a minimum of {min_n} names instead of {min_n_rule}",
        "de": "einer Mindestzahl von {min_n} statt {min_n_rule} Titeln",
    },
    "nt_ucits": {"en": "no UCITS buffer rule", "de": "ohne die UCITS-Pufferregel"},
    "nt_no_index": {
        "en": "Only {eligible} of the {candidates} companies in the universe pass the screens "
        "on these prices, fewer than the {min_n} names even relaxed rules need: no index.",
        "de": "Nur {eligible} der {candidates} Unternehmen im Universum bestehen mit diesen "
        "Kursen die Prüfungen, weniger als die {min_n} Titel, die selbst gelockerte Regeln "
        "brauchen: kein Index.",
    },
    "nt_no_index_plain": {
        "en": "The index cannot be formed on these prices, even with relaxed rules.",
        "de": "Mit diesen Kursen lässt sich der Index auch mit gelockerten Regeln nicht bilden.",
    },
    "nt_bt_left_out": {
        "en": "No backtest since {start}: it could not run on these prices; shown is the "
        "review {review} alone.",
        "de": "Kein Backtest seit {start}: Er ließ sich mit diesen Kursen nicht rechnen; "
        "gezeigt wird nur die Überprüfung {review}.",
    },
    # no prices (issue 18): what every page says, and where price files come from
    "no_prices_title": {"en": "No prices", "de": "Keine Kurse"},
    "no_prices:not_dir": {
        "en": "`--prices` {where} is not a directory, so the index, its backtest and the "
        "index weights are left out; the other pages work from the ledger.",
        "de": "`--prices` {where} ist kein Verzeichnis; Index, Backtest und Indexgewichte "
        "entfallen, die übrigen Seiten arbeiten mit dem Ledger.",
    },
    "no_prices:no_csv": {
        "en": "`--prices` {where} holds no TICKER.csv file, so the index, its backtest and the "
        "index weights are left out; the other pages work from the ledger.",
        "de": "`--prices` {where} enthält keine Datei TICKER.csv; Index, Backtest und "
        "Indexgewichte entfallen, die übrigen Seiten arbeiten mit dem Ledger.",
    },
    "no_prices:no_universe": {
        "en": "`--prices` {where} holds no price file of a company in the index universe, so "
        "the index, its backtest and the index weights are left out; the other pages work from "
        "the ledger.",
        "de": "`--prices` {where} enthält keine Kursdatei eines Unternehmens im Indexuniversum; "
        "Index, Backtest und Indexgewichte entfallen, die übrigen Seiten arbeiten mit dem "
        "Ledger.",
    },
    "no_prices:no_store": {
        "en": "No `--prices DIR` was given and there is no price store ({where}), so the index, "
        "its backtest and the index weights are left out; the other pages work from the ledger.",
        "de": "Kein `--prices DIR` angegeben und kein Kursspeicher vorhanden ({where}); Index, "
        "Backtest und Indexgewichte entfallen, die übrigen Seiten arbeiten mit dem Ledger.",
    },
    "no_prices:empty_store": {
        "en": "No `--prices DIR` was given and the price store ({where}) holds no prices, so "
        "the index, its backtest and the index weights are left out; the other pages work from "
        "the ledger.",
        "de": "Kein `--prices DIR` angegeben und der Kursspeicher ({where}) enthält keine "
        "Kurse; Index, Backtest und Indexgewichte entfallen, die übrigen Seiten arbeiten mit "
        "dem Ledger.",
    },
    "no_prices_help": {
        "en": NO_PRICES_HELP,
        "de": "Kursdateien sind CSV-Dateien namens TICKER.csv (z. B. NVDA.csv, 2330.TW.csv), "
        "eine Zeile je Handelstag mit der Kopfzeile date,open,high,low,close,adj_close,volume "
        "(Daten als JJJJ-MM-TT). Man erhält sie mit `aiinfra prices fetch TICKER...` (lädt mit "
        "yfinance von Yahoo Finance; braucht Netzzugang) oder `aiinfra prices import DIR` (ein "
        "Verzeichnis solcher Dateien, in den Kursspeicher), oder liest ein Verzeichnis davon "
        "direkt mit der globalen Option `aiinfra --prices DIR ...`.",
    },
    # the flow map and the stress page (issue 18): search, names of layers, the shocked parties
    "flow_search": {"en": "Find a company", "de": "Unternehmen suchen"},
    "flow_search_hint": {"en": "Type a name…", "de": "Namen eingeben…"},
    "not_in_force": {
        "en": "{name} has no deal in force on {date}.",
        "de": "{name} hat am {date} keinen laufenden Deal.",
    },
    "layer": {"en": "Layer", "de": "Stufe"},
    "click_edge": {
        "en": "Click an edge for the deals between two companies.",
        "de": "Eine Kante anklicken für die Deals zwischen zwei Unternehmen.",
    },
    "edge_deals": {
        "en": "{deal}: {n} deal(s) in force on {date} ({layers}), {amount} USD bn ({basis})",
        "de": "{deal}: {n} laufende(r) Deal(s) am {date} ({layers}), {amount} Mrd. USD ({basis})",
    },
    "edge_none": {
        "en": "{deal}: no deal in force on {date}.",
        "de": "{deal}: kein laufender Deal am {date}.",
    },
    "hit": {"en": "Companies hit", "de": "Getroffene Unternehmen"},
    "shocked": {
        "en": "The parties that stop paying (not counted among those hit): their shortfall and "
        "what comes back to them through the others' cuts",
        "de": "Die ausfallenden Zahler (nicht unter den Getroffenen gezählt): ihre Ausfallquote "
        "und was über die Kürzungen der anderen auf sie zurückfällt",
    },
    # the stress page's weights in words (issue 18); the engine's label folded under "Details"
    "st_weights_review": {
        "en": "Index impact with the weights of the index review {review} (the dashboard's index).",
        "de": "Auswirkung auf den Index mit den Gewichten der Indexüberprüfung {review} "
        "(der Index des Dashboards).",
    },
    "st_weights_house": {
        "en": "Index impact with house-view weights: the best-scored companies weighted by "
        "score and category multiplier within the rules' caps, without price screens.",
        "de": "Auswirkung auf den Index mit Gewichten nach Hausbewertung: die am besten "
        "bewerteten Unternehmen, gewichtet nach Bewertung und Kategorie-Multiplikator innerhalb "
        "der Obergrenzen der Regeln, ohne Kursprüfungen.",
    },
    "st_weights_no_prices": {
        "en": "The dashboard has no prices, so there is no index review to take weights from.",
        "de": "Das Dashboard hat keine Kurse, also keine Indexüberprüfung, deren Gewichte es "
        "nehmen könnte.",
    },
    "st_weights_no_index": {
        "en": "No index can be formed on the dashboard's prices, so there is no review to take "
        "weights from.",
        "de": "Mit den Kursen des Dashboards lässt sich kein Index bilden, also gibt es keine "
        "Überprüfung, deren Gewichte es nehmen könnte.",
    },
    "loss_back": {
        "en": "Loss coming back (USD bn a year)",
        "de": "Zurückfallender Verlust (Mrd. USD pro Jahr)",
    },
    # value-chain layers (the map's nodes): `layer:*` in aiinfra.charts.LABELS (one place for
    # report and dashboard); flow layers (its edges), as a reader says them
    "flow_layer:equity": {"en": "Equity", "de": "Eigenkapital"},
    "flow_layer:compute": {"en": "Compute", "de": "Rechenleistung"},
    "flow_layer:cash": {"en": "Cash purchases", "de": "Käufe gegen Geld"},
    "flow_layer:credit": {"en": "Credit", "de": "Kredit"},
    "flow_layer:power": {"en": "Power", "de": "Strom"},
    "flow_layer:mixed": {"en": "Several layers", "de": "Mehrere Arten"},
}


def t(key: str, lang: Lang) -> str:
    """The label ``key`` in ``lang`` (``en`` or ``de``): the dashboard's own, else the one it
    shares with the report."""
    entry = WEB_LABELS.get(key) or SHARED_LABELS[key]
    return entry.get(lang, entry["en"])
