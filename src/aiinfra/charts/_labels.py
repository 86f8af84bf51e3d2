"""Labels shared by the report and the dashboard, in English and German.

The dashboard's own labels (``aiinfra.web``) fall back to these, so a word the report and the
dashboard both show is written once.
"""

from __future__ import annotations

from typing import Any

from aiinfra.config import Lang

__all__ = [
    "CATEGORY_NAMES",
    "ENTITY_NAMES",
    "LABELS",
    "MEASURE_NAMES",
    "PERIOD_TYPE_NAMES",
    "SERIES_NAMES",
    "UNIT_NAMES",
    "label",
    "number",
]

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "AI-infrastructure report", "de": "Bericht zur KI-Infrastruktur"},
    "as_of": {"en": "as of", "de": "Stand"},
    "summary": {"en": "Summary", "de": "Zusammenfassung"},
    "index": {"en": "The index", "de": "Der Index"},
    "buildout": {"en": "The build-out", "de": "Der Ausbau"},
    "sources": {"en": "Sources", "de": "Quellen"},
    "holds": {"en": "What the index holds", "de": "Was der Index hält"},
    "performance": {"en": "How it performed", "de": "Wie er sich entwickelt hat"},
    "key_buildout": {"en": "Key build-out numbers", "de": "Wichtige Ausbauzahlen"},
    "composition": {"en": "Composition by category", "de": "Zusammensetzung nach Kategorie"},
    "constituents": {"en": "Constituents", "de": "Bestandteile"},
    "backtest": {"en": "Backtest against benchmarks", "de": "Backtest gegen Vergleichsindizes"},
    "levels_log": {
        "en": "Total return, log scale (base 1000)",
        "de": "Gesamtrendite, logarithmisch (Basis 1000)",
    },
    "drawdown": {"en": "Drawdown", "de": "Drawdown"},
    "metrics": {"en": "Metrics", "de": "Kennzahlen"},
    "attribution": {
        "en": "Contribution to gross total return by category (Carino-linked)",
        "de": "Beitrag zur Bruttogesamtrendite nach Kategorie (Carino-verknüpft)",
    },
    "yearly": {"en": "Calendar-year returns", "de": "Renditen nach Kalenderjahr"},
    "turnover": {
        "en": "Turnover per review (one-way)",
        "de": "Umschlag je Überprüfung (einseitig)",
    },
    "not_pit": {
        "en": "Not point-in-time: today's scores were applied to earlier dates.",
        "de": "Nicht zeitpunktgenau: heutige Bewertungen wurden auf frühere Daten angewandt.",
    },
    "no_prices": {
        "en": "No prices were available, so the backtest sections are left out.",
        "de": "Es lagen keine Kurse vor; die Backtest-Abschnitte entfallen.",
    },
    "rank": {"en": "Rank", "de": "Rang"},
    "company": {"en": "Company", "de": "Unternehmen"},
    "ticker": {"en": "Ticker", "de": "Ticker"},
    "category": {"en": "Category", "de": "Kategorie"},
    "weight": {"en": "Weight", "de": "Gewicht"},
    "rationale": {"en": "Rationale", "de": "Begründung"},
    "series": {"en": "Series", "de": "Reihe"},
    "total_return": {"en": "Total return", "de": "Gesamtrendite"},
    "annual_return": {"en": "Annual return", "de": "Jährliche Rendite"},
    "annual_volatility": {"en": "Annual volatility", "de": "Jährliche Volatilität"},
    "sharpe_ratio": {"en": "Sharpe ratio", "de": "Sharpe-Ratio"},
    "max_drawdown": {"en": "Maximum drawdown", "de": "Maximaler Drawdown"},
    "year": {"en": "Year", "de": "Jahr"},
    # several strategies (issue 16 part 5): the comparison table, monthly returns, rolling charts
    "strategies": {"en": "Strategies compared", "de": "Strategien im Vergleich"},
    "strategies_window": {
        "en": "Every series over the index dates the strategies share, {start} – {end}, rebased to 1000; beta against {ref}. Each strategy is the point-in-time backtest of its methodology (GTR).",
        "de": "Alle Reihen über die Indextage, die die Strategien gemeinsam haben, {start} – {end}, auf 1000 normiert; Beta gegen {ref}. Jede Strategie ist der zeitpunktgenaue Backtest ihrer Methodik (GTR).",
    },
    "strategies_levels": {
        "en": "Strategies and benchmarks, log scale (base 1000)",
        "de": "Strategien und Vergleichsindizes, logarithmisch (Basis 1000)",
    },
    "strategy": {"en": "strategy", "de": "Strategie"},
    "benchmark": {"en": "benchmark", "de": "Vergleichsindex"},
    "kind": {"en": "Kind", "de": "Art"},
    "point_in_time_col": {"en": "Point in time", "de": "Zeitpunktgenau"},
    "no": {"en": "no", "de": "nein"},
    "beta_vs": {"en": "Beta ({ref})", "de": "Beta ({ref})"},
    "monthly_returns": {"en": "Monthly returns: {name}", "de": "Monatsrenditen: {name}"},
    "monthly_note": {
        "en": "Each month from its last index date to the last index date of the month before (the first month from the start of the window); the year column compounds its months.",
        "de": "Jeder Monat vom letzten Indextag des Vormonats bis zu seinem letzten Indextag (der erste Monat ab Beginn des Fensters); die Jahresspalte verkettet die Monate.",
    },
    "month_names": {
        "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "de": "Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez",
    },
    "rolling": {"en": "Rolling one-year figures", "de": "Rollierende Einjahreswerte"},
    "rolling_note": {
        "en": "Each point covers the {window} daily returns up to its date: the return is level[t] / level[t − {window}] − 1.",
        "de": "Jeder Punkt umfasst die {window} Tagesrenditen bis zu seinem Datum: die Rendite ist Stand[t] / Stand[t − {window}] − 1.",
    },
    "rolling_return": {"en": "Rolling one-year return", "de": "Rollierende Einjahresrendite"},
    "rolling_volatility": {
        "en": "Rolling one-year volatility (annualised)",
        "de": "Rollierende Einjahresvolatilität (annualisiert)",
    },
    "rolling_sharpe": {
        "en": "Rolling one-year Sharpe ratio",
        "de": "Rollierende Einjahres-Sharpe-Ratio",
    },
    "rolling_beta": {
        "en": "Rolling one-year beta against {ref}",
        "de": "Rollierendes Einjahres-Beta gegen {ref}",
    },
    "rolling_short": {
        "en": "The rolling one-year charts need more than {window} index dates; the window has {n}.",
        "de": "Die rollierenden Einjahreswerte brauchen mehr als {window} Indextage; das Fenster hat {n}.",
    },
    "strategy_left_out": {
        "en": "Strategy {name} left out: {why}",
        "de": "Strategie {name} entfällt: {why}",
    },
    "strategies_left_out": {
        "en": "The comparison of the strategies is left out: {why}",
        "de": "Der Vergleich der Strategien entfällt: {why}",
    },
    "csv_title": {"en": "Download this table as CSV", "de": "Diese Tabelle als CSV herunterladen"},
    "methodologies": {"en": "Methodologies", "de": "Methodiken"},
    "benchmarks": {"en": "Benchmarks", "de": "Vergleichsindizes"},
    "actual": {"en": "actual", "de": "Ist"},
    "guidance": {"en": "guidance", "de": "Prognose des Unternehmens"},
    "estimate": {"en": "estimate", "de": "Schätzung"},
    "forecast": {"en": "forecast", "de": "Vorhersage"},
    "methodology": {"en": "Methodology", "de": "Methodik"},
    "review": {"en": "Review", "de": "Überprüfung"},
    "effective": {"en": "effective", "de": "wirksam ab"},
    "notice": {"en": "Notice", "de": "Hinweis"},
    "prices_end": {"en": "The prices end on", "de": "Die Kurse enden am"},
    "report_dated": {
        "en": "the index, the backtest and the build-out are shown as of",
        "de": "Index, Backtest und Ausbau werden dargestellt zum",
    },
    "generated": {"en": "Generated by aiinfra", "de": "Erstellt mit aiinfra"},
    "price_source": {"en": "Prices", "de": "Kurse"},
    "ledger_source": {"en": "Ledger rows", "de": "Ledger-Zeilen"},
    "unit": {"en": "Unit", "de": "Einheit"},
    "reported": {"en": "Latest reported", "de": "Zuletzt berichtet"},
    "reported_sources": {"en": "Source of the latest", "de": "Quelle des letzten Werts"},
    "sources_disagree": {
        "en": "{n} sources disagree: range",
        "de": "{n} Quellen weichen ab: Spanne",
    },
    "key_buildout_note": {
        "en": "Latest reported: the most recent period that had ended and was published by the report date — a company's actual, else a third-party estimate (a run-rate counts from the last month of its period on; an amount for a period only once the period was over). Where sources disagree on that period, the range they span.",
        "de": "Zuletzt berichtet: der jüngste Zeitraum, der zum Berichtsdatum abgelaufen und veröffentlicht war — die Ist-Zahl des Unternehmens, sonst eine Schätzung Dritter (eine Run-Rate zählt ab dem letzten Monat ihres Zeitraums, ein Betrag für einen Zeitraum erst nach dessen Ende). Weichen Quellen für diesen Zeitraum ab, die Spanne zwischen ihnen.",
    },
    "outlook": {"en": "Outlook", "de": "Ausblick"},
    "range": {"en": "range", "de": "Spanne"},
    "at_least": {"en": "at least", "de": "mindestens"},
    "at_most": {"en": "at most", "de": "höchstens"},
    "quarterly": {"en": "quarterly", "de": "quartalsweise"},
    "capture": {"en": "Up/down capture ({ref})", "de": "Aufwärts-/Abwärtspartizipation ({ref})"},
    "capture_def": {
        "en": "Up/down capture against {ref}: up capture = the series' annualised return (compounded over only the trading days on which {ref} rose, 252 a year) ÷ {ref}'s annualised return over those same days; down capture the same over the days on which {ref} fell. Above 1 up and below 1 down is the favourable mix; a down capture below 1 means the series lost less than {ref} when it fell.",
        "de": "Aufwärts-/Abwärtspartizipation gegenüber {ref}: Aufwärtspartizipation = annualisierte Rendite der Reihe (verknüpft nur über die Handelstage, an denen {ref} stieg, 252 pro Jahr) ÷ annualisierte Rendite von {ref} über dieselben Tage; Abwärtspartizipation ebenso über die Tage, an denen {ref} fiel. Über 1 aufwärts und unter 1 abwärts ist die günstige Kombination; eine Abwärtspartizipation unter 1 heißt, die Reihe verlor weniger als {ref}, wenn dieser fiel.",
    },
    "relaxed": {
        "en": "The methodology cannot form the index on the available prices ({why}). Shown instead: the same rules without the UCITS buffer rule (single cap {cap}, at least {n} names).",
        "de": "Die Methodik kann den Index mit den vorhandenen Kursen nicht bilden ({why}). Stattdessen gezeigt: dieselben Regeln ohne die UCITS-Pufferregel (Einzelobergrenze {cap}, mindestens {n} Titel).",
    },
    "no_index": {
        "en": "No index can be formed on the available prices: {why}",
        "de": "Mit den vorhandenen Kursen lässt sich kein Index bilden: {why}",
    },
    "bt_left_out": {"en": "Backtest left out: {why}", "de": "Backtest entfällt: {why}"},
    "relaxed_counts": {
        "en": "{priced} of {candidates} candidates have prices and {eligible} pass the eligibility rules (the rules ask for {rule} names); the index holds {held} names with",
        "de": "{priced} von {candidates} Kandidaten haben Kurse und {eligible} erfüllen die Auswahlregeln (die Regeln verlangen {rule} Titel); der Index hält {held} Titel mit",
    },
    "relaxed_cap": {
        "en": "a {cap} cap instead of {rule}",
        "de": "einer Obergrenze von {cap} statt {rule}",
    },
    "relaxed_min_n": {
        "en": "a minimum of {min_n} names instead of {rule}",
        "de": "einer Mindestzahl von {min_n} statt {rule} Titeln",
    },
    "relaxed_ucits": {
        "en": "without the UCITS buffer rule",
        "de": "ohne die UCITS-Pufferregel",
    },
    "relaxed_cap_kept": {
        "en": "the {cap} cap per name unchanged",
        "de": "unveränderter Obergrenze von {cap} je Titel",
    },
    "no_index_counts": {
        "en": "{eligible} of {candidates} candidates pass the eligibility rules, fewer than the {min_n} names even the relaxed rules need: no index can be formed on these prices.",
        "de": "{eligible} von {candidates} Kandidaten erfüllen die Auswahlregeln, weniger als die {min_n} Titel, die selbst die gelockerten Regeln brauchen: mit diesen Kursen lässt sich kein Index bilden.",
    },
    "no_index_plain": {
        "en": "No index can be formed on the available prices, even with relaxed rules.",
        "de": "Mit den vorhandenen Kursen lässt sich auch mit gelockerten Regeln kein Index bilden.",
    },
    "bt_left_out_plain": {
        "en": "No backtest since {start}: it could not run on these prices; shown is the review {review} alone.",
        "de": "Kein Backtest seit {start}: er ließ sich mit diesen Kursen nicht rechnen; gezeigt wird nur die Überprüfung {review}.",
    },
    "bt_left_out_short": {
        "en": "The backtest could not run on these prices: its charts and figures are left out.",
        "de": "Der Backtest ließ sich mit diesen Kursen nicht rechnen: seine Diagramme und Kennzahlen entfallen.",
    },
    "engine_detail": {
        "en": "Details (the engine's message)",
        "de": "Details (Meldung der Berechnung, auf Englisch)",
    },
    "q_a_s": {
        "en": "Q = qualitative score (0–100), a = AI-revenue share, S = 0.8·Q + 0.2·R (R from a).",
        "de": "Q = qualitative Bewertung (0–100), a = KI-Umsatzanteil, S = 0,8·Q + 0,2·R (R aus a).",
    },
    "bt_notes": {"en": "Backtest notes", "de": "Hinweise zum Backtest"},
    "conflict_word": {"en": "conflict", "de": "Widerspruch"},
    "prices_csv_dir": {"en": "CSV files in {path}", "de": "CSV-Dateien in {path}"},
    "prices_store": {"en": "the store {path}", "de": "der Kursspeicher {path}"},
    "gap_method_notes": {
        "en": "How these figures were made (the engine's notes)",
        "de": "Wie diese Zahlen entstehen (Anmerkungen der Berechnung, auf Englisch)",
    },
    "revenue_kind:actual": {"en": "actual", "de": "Ist"},
    "revenue_kind:estimate": {"en": "estimate", "de": "Schätzung"},
    "revenue_kind:guidance": {"en": "guidance", "de": "Prognose des Unternehmens"},
    "revenue_kind:forecast": {"en": "forecast", "de": "Vorhersage"},
    "revenue_kind:interpolated": {"en": "interpolated", "de": "interpoliert"},
    "scenario:capex_cut": {"en": "Capex cut", "de": "Investitionskürzung"},
    "scenario:lab_default": {"en": "A model lab defaults", "de": "Ausfall eines KI-Labors"},
    "scenario:venture_halt": {"en": "Funding stops", "de": "Finanzierungsstopp"},
    "scenario_desc:capex_cut": {
        "en": "Hyperscalers cut chip, compute and capacity spending by 30 %.",
        "de": "Die Hyperscaler kürzen ihre Ausgaben für Chips, Rechenleistung und Kapazität um 30 %.",
    },
    "scenario_desc:lab_default": {
        "en": "OpenAI pays only 40 % of its cloud, compute and chip commitments.",
        "de": "OpenAI zahlt nur 40 % seiner Cloud-, Rechen- und Chipverpflichtungen.",
    },
    "scenario_desc:venture_halt": {
        "en": "Every capital provider and hyperscaler stops its equity funding of the model labs.",
        "de": "Alle Kapitalgeber und Hyperscaler stellen ihre Eigenkapitalfinanzierung der KI-Labore ein.",
    },
    "credit_defaults": {
        "en": "Loans (Eisenberg–Noe clearing over one year): in this scenario {names} cannot pay what they owe; lenders lose USD {loss} bn more than without it.",
        "de": "Kredite (Eisenberg–Noe-Clearing über ein Jahr): in diesem Szenario können {names} ihre Schulden nicht bedienen; die Gläubiger verlieren {loss} Mrd. USD mehr als ohne das Szenario.",
    },
    "credit_no_defaults": {
        "en": "Loans (Eisenberg–Noe clearing over one year): no borrower defaults because of this scenario.",
        "de": "Kredite (Eisenberg–Noe-Clearing über ein Jahr): kein Kreditnehmer fällt wegen dieses Szenarios aus.",
    },
    "credit_baseline": {
        "en": "Cash alone would not cover the loans of {names} even without the scenario (operating cash flow and refinancing are not modelled).",
        "de": "Die Barmittel allein decken die Kredite von {names} auch ohne das Szenario nicht (operativer Cashflow und Refinanzierung sind nicht modelliert).",
    },
    "note_prices_end": {
        "en": "{security}: prices end on {date}; held at its last price and then removed from the index, proceeds spread over the other lines (no delisting event was given — the price file simply ends).",
        "de": "{security}: Kurse enden am {date}; zum letzten Kurs gehalten und dann aus dem Index genommen, der Erlös anteilig auf die übrigen Titel verteilt (kein Delisting-Ereignis angegeben — die Kursdatei endet einfach).",
    },
    "note_not_formed_counts": {
        "en": "Review {review} not formed: {eligible} of {candidates} candidates pass the eligibility rules, fewer than the {min_n} the rules need; the index starts with the first review that forms.",
        "de": "Überprüfung {review} nicht gebildet: {eligible} von {candidates} Kandidaten erfüllen die Auswahlregeln, weniger als die {min_n}, die die Regeln verlangen; der Index beginnt mit der ersten Überprüfung, die sich bilden lässt.",
    },
    "note_not_formed": {
        "en": "Review {review} not formed; the index starts with the first review that forms.",
        "de": "Überprüfung {review} nicht gebildet; der Index beginnt mit der ersten Überprüfung, die sich bilden lässt.",
    },
    "note_review_prices_end": {
        "en": "Review {review} (cut-off {cutoff}) not formed: the prices of the lines held end on {date}; the levels end there.",
        "de": "Überprüfung {review} (Stichtag {cutoff}) nicht gebildet: die Kurse der gehaltenen Titel enden am {date}; die Indexstände enden dort.",
    },
    "note_review_skipped": {
        "en": "Review {review} (effective {effective}) skipped: no prices after {date}.",
        "de": "Überprüfung {review} (wirksam ab {effective}) übersprungen: keine Kurse nach dem {date}.",
    },
    "note_levels_end": {
        "en": "The index levels end on {date}, the last date with prices (asked for: {asked}).",
        "de": "Die Indexstände enden am {date}, dem letzten Tag mit Kursen (verlangt: {asked}).",
    },
    "note_announce_close": {
        "en": "{company}: no close on the announcement date {date}; the pro-forma shares use the last close ({last}).",
        "de": "{company}: kein Schlusskurs am Ankündigungstag {date}; die Pro-forma-Stückzahl nutzt den letzten Schlusskurs ({last}).",
    },
    "note_prices_ended_before": {
        "en": "Rebalance {review}: {names} left out (prices ended, or a given delisting event, before the effective date); the other weights scaled up to 100 %.",
        "de": "Anpassung {review}: {names} ausgelassen (Kurse endeten oder ein angegebenes Delisting-Ereignis vor dem Stichtag); die übrigen Gewichte auf 100 % hochskaliert.",
    },
    "assumptions": {
        "en": "Costs 0 bp per unit traded; Sharpe and Sortino with a 0 % risk-free rate; 252 trading days a year. Years marked * are partial.",
        "de": "Kosten 0 bp je gehandelter Einheit; Sharpe und Sortino mit 0 % risikofreiem Zins; 252 Handelstage pro Jahr. Mit * markierte Jahre sind unvollständig.",
    },
    "residual": {"en": "residual (costs, compounding)", "de": "Rest (Kosten, Verknüpfung)"},
    "drawdown_dates": {
        "en": "Largest drawdown of the index: peak {peak}, trough {trough}, recovered {rec}.",
        "de": "Größter Drawdown des Index: Hoch {peak}, Tief {trough}, erholt {rec}.",
    },
    "not_recovered": {"en": "not yet", "de": "noch nicht"},
    "best_worst": {
        "en": "Best day {bd}, worst day {wd}; best month {bm}, worst month {wm}.",
        "de": "Bester Tag {bd}, schlechtester Tag {wd}; bester Monat {bm}, schlechtester Monat {wm}.",
    },
    "flows": {"en": "The capital-flow map", "de": "Die Kapitalflusskarte"},
    "flows_intro": {
        "en": "Who pays whom: deals in force, committed amounts (USD bn), each obligation once. Line width grows with the amount; node size with the money passing through.",
        "de": "Wer zahlt wem: geltende Vereinbarungen, zugesagte Beträge (Mrd. USD), jede Verpflichtung einmal. Die Linienbreite wächst mit dem Betrag, die Knotengröße mit dem durchfließenden Geld.",
    },
    "flow_picture": {
        "en": "Money flows along the value chain",
        "de": "Geldflüsse entlang der Wertschöpfungskette",
    },
    "col0": {"en": "capital", "de": "Kapital"},
    "col1": {"en": "model labs", "de": "KI-Labore"},
    "col2": {"en": "clouds", "de": "Clouds"},
    "col3": {"en": "chips & systems", "de": "Chips & Systeme"},
    "col4": {"en": "fabs", "de": "Fabriken"},
    "col5": {"en": "equipment & power", "de": "Ausrüstung & Energie"},
    "cycles": {
        "en": "Money cycles (largest bottleneck first)",
        "de": "Geldkreisläufe (größter Engpass zuerst)",
    },
    "cycle": {"en": "Cycle", "de": "Kreislauf"},
    "bottleneck": {"en": "Bottleneck (USD bn)", "de": "Engpass (Mrd. USD)"},
    "circularity": {
        "en": "Circularity and its significance",
        "de": "Zirkularität und ihre Signifikanz",
    },
    "system_ci": {"en": "Finn cycling index of the system", "de": "Finn-Zyklusindex des Systems"},
    "significance_note": {
        "en": "Against two null models, 200 random rewirings each (seed 1): degree-preserving (every company keeps its number of payers and payees) and role-preserving (in addition, every deal keeps the layers of its payer and payee). p is the share of rewirings at least as circular; both p-values are shown.",
        "de": "Gegen zwei Nullmodelle mit je 200 Zufallsumverdrahtungen (Seed 1): gradtreu (jedes Unternehmen behält die Zahl seiner Zahler und Empfänger) und rollentreu (zusätzlich behält jede Vereinbarung die Ebenen von Zahler und Empfänger). p ist der Anteil der Umverdrahtungen, die mindestens so zirkulär sind; beide p-Werte werden gezeigt.",
    },
    "null_model": {"en": "Null model", "de": "Nullmodell"},
    "null_degree": {"en": "degree-preserving", "de": "gradtreu"},
    "null_role": {"en": "role-preserving", "de": "rollentreu"},
    "null_strength": {"en": "strength-preserving", "de": "stärketreu"},
    "stat_cycling_index": {"en": "Cycling index", "de": "Zyklusindex"},
    "stat_cycle_volume": {"en": "Cycle volume", "de": "Kreislaufvolumen"},
    "cycles_shown": {
        "en": "{shown} of {total} cycles shown.",
        "de": "{shown} von {total} Kreisläufen gezeigt.",
    },
    "statistic": {"en": "Statistic", "de": "Kennzahl"},
    "observed": {"en": "Observed", "de": "Beobachtet"},
    "null_mean": {"en": "Null mean", "de": "Mittel der Nullmodelle"},
    "dependence": {"en": "Who depends on whom", "de": "Wer von wem abhängt"},
    "inflows": {"en": "Inflows (USD bn)", "de": "Zuflüsse (Mrd. USD)"},
    "self_funded": {"en": "Self-funded share", "de": "Selbstfinanzierter Anteil"},
    "largest_payer": {"en": "Largest payer", "de": "Größter Zahler"},
    "largest_share": {"en": "Its share", "de": "Dessen Anteil"},
    "inflows_rest_on": {"en": "Inflows rest on", "de": "Zuflüsse beruhen auf"},
    "stress": {"en": "Stress tests", "de": "Stresstests"},
    "stress_intro": {
        "en": "If a party stops paying: the unpaid part of its deals (USD bn a year, deals without a stated term spread over 5 years; the 90 % range redraws those terms from the terms the ledger states for deals of the same type) hits its payees; a payee that loses revenue cuts its own spending by half its loss relative to revenue (DebtRank-style, each company once). Listed companies get an equity shock equal to the revenue at risk as a share of revenue (elasticity 1, capped at -100 %). Unresolved: no revenue figure, so no share or shock is invented. A stylised stress, not a forecast.",
        "de": "Wenn eine Partei nicht mehr zahlt: Der unbezahlte Teil ihrer Vereinbarungen (Mrd. USD pro Jahr; Vereinbarungen ohne genannte Laufzeit über 5 Jahre verteilt; die 90-%-Spanne zieht diese Laufzeiten neu aus den im Ledger genannten Laufzeiten gleichartiger Vereinbarungen) trifft ihre Zahlungsempfänger; wer Umsatz verliert, kürzt die eigenen Ausgaben um die Hälfte seines Verlusts im Verhältnis zum Umsatz (DebtRank-artig, jedes Unternehmen einmal). Börsennotierte Unternehmen erhalten einen Kursschock in Höhe des gefährdeten Umsatzanteils (Elastizität 1, höchstens -100 %). Ungeklärt: keine Umsatzzahl, daher wird weder Anteil noch Schock erfunden. Ein stilisierter Stresstest, keine Prognose.",
    },
    "stress_weights": {"en": "Index weights", "de": "Indexgewichte"},
    "stress_chart": {
        "en": "Index impact by category (percentage points)",
        "de": "Auswirkung auf den Index nach Kategorie (Prozentpunkte)",
    },
    "scenario": {"en": "Scenario", "de": "Szenario"},
    "description": {"en": "What happens", "de": "Was passiert"},
    "rounds": {"en": "Rounds", "de": "Runden"},
    "total_loss": {"en": "Total loss (USD bn a year)", "de": "Gesamtverlust (Mrd. USD pro Jahr)"},
    "index_impact": {"en": "Index impact", "de": "Auswirkung auf den Index"},
    "terms_range": {
        "en": "90 % range over drawn terms",
        "de": "90-%-Spanne über gezogene Laufzeiten",
    },
    "unresolved": {"en": "Unresolved", "de": "Ungeklärt"},
    "loss_usd": {"en": "Loss (USD bn a year)", "de": "Verlust (Mrd. USD pro Jahr)"},
    "round_hit": {"en": "Round hit", "de": "Getroffen in Runde"},
    "share_of_revenue": {"en": "Share of revenue", "de": "Anteil am Umsatz"},
    "equity_shock": {"en": "Equity shock", "de": "Kursschock"},
    "yes": {"en": "yes", "de": "ja"},
    "gap": {"en": "The ROI gap", "de": "Die ROI-Lücke"},
    "mc_title": {
        "en": "Monte Carlo: the gap in {year} ({n} samples)",
        "de": "Monte Carlo: die Lücke {year} ({n} Stichproben)",
    },
    "share_of_samples": {"en": "share of samples", "de": "Anteil der Stichproben"},
    "gap_intro": {
        "en": "Revenue needed to justify the year's AI capex (Sequoia method: capex / GPU share of cost / (1 − end users' gross margin), as seed 004 applies it) against AI revenue earned. Bands span the sources for each year; after the last reported year capex follows the cumulative forecast. AI revenue is one definition in every year (generative-AI software and services), interpolated only to a forecast of that same definition; without one it stops at its last reported year, and later years have no revenue, gap or coverage. Forecasts of other definitions (the labs' ARR) are shown apart, as markers never joined to the line. Percentiles: 100,000 Monte Carlo samples (seed 0) over every uncertain input.",
        "de": "Umsatz, der die KI-Investitionen des Jahres rechtfertigen würde (Sequoia-Methode: Investitionen / GPU-Anteil an den Kosten / (1 − Bruttomarge der Endnutzer), wie in Seed 004), gegenüber dem erzielten KI-Umsatz. Die Bänder umfassen die Quellen je Jahr; nach dem letzten berichteten Jahr folgen die Investitionen der kumulierten Prognose. Der KI-Umsatz folgt in jedem Jahr einer Definition (Software und Dienste generativer KI) und wird nur zu einer Prognose derselben Definition interpoliert; ohne eine solche endet er mit seinem letzten berichteten Jahr, spätere Jahre haben keinen Umsatz, keine Lücke und keine Deckung. Prognosen anderer Definitionen (die ARR der KI-Labore) stehen getrennt daneben, als Punkte, nie mit der Linie verbunden. Perzentile: 100.000 Monte-Carlo-Ziehungen (Seed 0) über alle unsicheren Eingaben.",
    },
    "gap_chart": {
        "en": "Revenue required vs AI revenue earned (USD bn, log scale)",
        "de": "Benötigter Umsatz vs. erzielter KI-Umsatz (Mrd. USD, logarithmisch)",
    },
    "required": {"en": "Revenue required", "de": "Benötigter Umsatz"},
    "ai_revenue": {"en": "AI revenue", "de": "KI-Umsatz"},
    "published": {"en": "Published estimates", "de": "Veröffentlichte Schätzungen"},
    "gap_band": {"en": "range of the sources", "de": "Spanne der Quellen"},
    "gap_ref_labs": {
        "en": "Labs' ARR forecast (OpenAI + Anthropic; another definition)",
        "de": "ARR-Prognose der Labore (OpenAI + Anthropic; andere Definition)",
    },
    "gap_ref_other": {
        "en": "Forecast of another definition: {definition}",
        "de": "Prognose einer anderen Definition: {definition}",
    },
    "gap_bound:at least": {"en": "at least", "de": "mindestens"},
    "gap_bound:at most": {"en": "at most", "de": "höchstens"},
    "tornado": {
        "en": "What moves the {year} gap most (each input at the ends of its range)",
        "de": "Was die Lücke {year} am stärksten bewegt (jede Eingabe an den Enden ihrer Spanne)",
    },
    "at_low": {"en": "at the low end", "de": "am unteren Ende"},
    "at_high": {"en": "at the high end", "de": "am oberen Ende"},
    "capex": {"en": "AI capex (USD bn)", "de": "KI-Investitionen (Mrd. USD)"},
    "coverage": {"en": "Coverage", "de": "Deckung"},
    "revenue_kind": {"en": "Revenue basis", "de": "Umsatzgrundlage"},
    "gap_mc": {"en": "Gap, 5th-95th percentile", "de": "Lücke, 5.-95. Perzentil"},
    # the ROI gap net of circularity (issue 16, part 3; docs/gap.md "Net of circularity")
    "gap_gross": {"en": "Gap", "de": "Lücke"},
    "circular_share": {"en": "Circular share s", "de": "Kreislaufanteil s"},
    "net_revenue": {
        "en": "AI revenue net of circularity",
        "de": "KI-Umsatz ohne Kreislaufanteil",
    },
    "net_gap": {"en": "Gap net of circularity", "de": "Lücke ohne Kreislaufanteil"},
    "net_coverage": {"en": "Coverage, net", "de": "Deckung ohne Kreislaufanteil"},
    "net_gap_mc": {
        "en": "Net gap, 5th-95th percentile",
        "de": "Lücke ohne Kreislaufanteil, 5.-95. Perzentil",
    },
    "gap_net_text": {
        "en": "Net of circularity: in {year}, {s} of the model labs' {paid} USD bn of payments to the build-out (flow graph, {basis} amounts, on {date}) traces back to money the build-out put into the labs ({funders}). AI revenue net of it is {net} USD bn, and the gap {net_gap} USD bn instead of {gap} USD bn. Net revenue = AI revenue × (1 − s).",
        "de": "Ohne Kreislaufanteil: {year} stammen {s} der {paid} Mrd. USD, die die KI-Labore an den Ausbau zahlen (Geldflussgraph, Betragsbasis „{basis}“, am {date}), aus Geld, das der Ausbau selbst in die Labore gesteckt hat ({funders}). Der KI-Umsatz ohne diesen Anteil beträgt {net} Mrd. USD, die Lücke {net_gap} Mrd. USD statt {gap} Mrd. USD. Umsatz ohne Kreislaufanteil = KI-Umsatz × (1 − s).",
    },
    "net_basis_committed": {"en": "committed", "de": "zugesagt"},
    "net_basis_ceiling": {"en": "ceiling", "de": "Obergrenze"},
    "net_basis_funded": {"en": "funded", "de": "ausgezahlt"},
    "net_basis_annualised": {"en": "annualised", "de": "annualisiert"},
    "gap_net_mc": {
        "en": "Over the deal amounts' ranges (funded to ceiling, {draws} draws) s lies between {lo} and {hi} (5th-95th percentile); the net gap between {glo} and {ghi} USD bn.",
        "de": "Über die Spannen der Geschäftsbeträge (ausgezahlt bis Obergrenze, {draws} Ziehungen) liegt s zwischen {lo} und {hi} (5.-95. Perzentil), die Lücke ohne Kreislaufanteil zwischen {glo} und {ghi} Mrd. USD.",
    },
    "growth_needed": {
        "en": "To cover {b}'s requirement, AI revenue would have to grow {needed} a year from {a}.",
        "de": "Um den Bedarf von {b} zu decken, müsste der KI-Umsatz ab {a} um {needed} pro Jahr wachsen.",
    },
    "growth_forecast": {
        "en": "The ledger's forecast of the same definition ({value} bn by {year}, {id}) implies {implied} a year.",
        "de": "Die Prognose derselben Definition im Ledger ({value} Mrd. bis {year}, {id}) entspricht {implied} pro Jahr.",
    },
    "growth_no_forecast": {
        "en": "The ledger has no forecast of this definition of AI revenue, so none implies a growth rate; forecasts of other definitions (the labs' ARR) are not compared with it.",
        "de": "Das Ledger enthält keine Prognose dieser Definition des KI-Umsatzes, also folgt daraus keine Wachstumsrate; Prognosen anderer Definitionen (die ARR der Labore) werden nicht damit verglichen.",
    },
    "not_advice": {
        "en": "Our own assessment from public sources; not investment advice.",
        "de": "Eigene Einschätzung aus öffentlichen Quellen; keine Anlageberatung.",
    },
    # --- the point-in-time backtest and its comparisons (issue 14)
    "pit": {
        "en": "Point-in-time: each review used only scores known at its cut-off (the house vintage in force, else the systematic scores).",
        "de": "Zeitpunktgenau: Jede Überprüfung nutzte nur Bewertungen, die zu ihrem Stichtag bekannt waren (die dann geltende Hausbewertung, sonst die systematischen Bewertungen).",
    },
    "score_sources_line": {
        "en": "Scores per review: {counts}.",
        "de": "Bewertungen je Überprüfung: {counts}.",
    },
    "n_reviews": {"en": "{n} reviews", "de": "{n} Überprüfungen"},
    "one_review": {"en": "{n} review", "de": "{n} Überprüfung"},
    "score_source_house": {"en": "house view", "de": "Hausbewertung"},
    "score_source_systematic": {"en": "systematic", "de": "systematisch"},
    "score_source_static": {
        "en": "today's scores (not point-in-time)",
        "de": "heutige Bewertungen (nicht zeitpunktgenau)",
    },
    "reviews_per_source": {
        "en": "Reviews per score source",
        "de": "Überprüfungen je Bewertungsquelle",
    },
    "review_scores": {
        "en": "Scores of this review: {source}.",
        "de": "Bewertungen dieser Überprüfung: {source}.",
    },
    "rationale_house": {
        "en": "The rationale column is the house view's ({date}), for reference; the Q shown is the review's.",
        "de": "Die Spalte Begründung gibt die Hausbewertung ({date}) zum Vergleich wieder; das gezeigte Q ist das der Überprüfung.",
    },
    "static_series": {
        "en": "GTR, today's scores (not point-in-time)",
        "de": "GTR, heutige Bewertungen (nicht zeitpunktgenau)",
    },
    "comparison": {
        "en": "Comparison: the same rules on today's scores",
        "de": "Vergleich: dieselben Regeln mit heutigen Bewertungen",
    },
    "comparison_label": {
        "en": "Not point-in-time: today's scores applied to earlier dates. Shown only to measure the look-ahead premium; the headline is the point-in-time backtest.",
        "de": "Nicht zeitpunktgenau: heutige Bewertungen auf frühere Daten angewandt. Nur gezeigt, um die Vorgriffsprämie zu messen; maßgeblich ist der zeitpunktgenaue Backtest.",
    },
    "pit_row": {"en": "Point-in-time (headline)", "de": "Zeitpunktgenau (maßgeblich)"},
    "static_row": {
        "en": "Today's scores (not point-in-time)",
        "de": "Heutige Bewertungen (nicht zeitpunktgenau)",
    },
    "premium_row": {
        "en": "Look-ahead premium (static − point-in-time)",
        "de": "Vorgriffsprämie (statisch − zeitpunktgenau)",
    },
    "premium_text": {
        "en": "Look-ahead premium {start} – {end} (today's scores minus point-in-time): {total} total return, {annual} a year.",
        "de": "Vorgriffsprämie {start} – {end} (heutige Bewertungen minus zeitpunktgenau): {total} Gesamtrendite, {annual} pro Jahr.",
    },
    "comparison_left_out": {
        "en": "Comparison with today's scores left out: {why}",
        "de": "Vergleich mit heutigen Bewertungen entfällt: {why}",
    },
    "house_vs": {
        "en": "Systematic scores vs the house view",
        "de": "Systematische Bewertungen vs. Hausbewertung",
    },
    "house_vs_text": {
        "en": "Spearman rank correlation of Q: {rho} over {n} companies scored by both (systematic cut-off {cutoff}; house vintage of {house}).",
        "de": "Spearman-Rangkorrelation von Q: {rho} über {n} von beiden bewertete Unternehmen (systematischer Stichtag {cutoff}; Hausbewertung vom {house}).",
    },
    "rubric": {
        "en": "The systematic rubric scores each of the five qualitative components from 1 to 5 by fixed thresholds on one input known at the review's cut-off (market-cap rank in the category, gross margin, AI-revenue share, revenue growth, backlog and commitments against revenue) and puts their mean on the house view's Q scale; written in 2026, its choice of components is itself hindsight (docs/methodology.md#systematic-scores).",
        "de": "Die systematische Bewertung vergibt jeder der fünf qualitativen Komponenten 1 bis 5 Punkte nach festen Schwellen auf einer zum Stichtag der Überprüfung bekannten Größe (Rang der Marktkapitalisierung in der Kategorie, Bruttomarge, KI-Umsatzanteil, Umsatzwachstum, Auftragsbestand und Zusagen im Verhältnis zum Umsatz) und bildet deren Mittel auf die Q-Skala der Hausbewertung ab; 2026 entworfen, ist schon ihre Wahl der Komponenten Rückschau (docs/methodology.md#systematic-scores).",
    },
    "differ_most": {
        "en": "The {n} names that differ most",
        "de": "Die {n} Titel mit den größten Abweichungen",
    },
    "q_systematic": {"en": "Q systematic", "de": "Q systematisch"},
    "q_house": {"en": "Q house view", "de": "Q Hausbewertung"},
    "q_difference": {
        "en": "Difference (systematic − house)",
        "de": "Differenz (systematisch − Haus)",
    },
    # `aiinfra diff` (issue 16, part 4): what changed between two dates
    "diff": {"en": "What changed", "de": "Was sich geändert hat"},
    "diff_intro": {
        "en": "From {d1} to {d2}; each date uses only what was known on it.",
        "de": "Vom {d1} bis zum {d2}; jedes Datum nutzt nur, was an ihm bekannt war.",
    },
    "diff_deals": {"en": "Deals", "de": "Geschäfte"},
    "diff_cycles": {"en": "Money cycles", "de": "Geldkreisläufe"},
    "diff_index": {"en": "Index constituents", "de": "Indexbestandteile"},
    "diff_gap_stress": {
        "en": "ROI gap and stress, then and now",
        "de": "ROI-Lücke und Stresstest, damals und heute",
    },
    "diff_added": {"en": "added", "de": "neu"},
    "diff_col:change": {"en": "Change", "de": "Änderung"},
    "diff_col:flow_id": {"en": "Deal", "de": "Geschäft"},
    "diff_col:payer": {"en": "Payer", "de": "Zahler"},
    "diff_col:payee": {"en": "Payee", "de": "Empfänger"},
    "diff_col:type": {"en": "Type", "de": "Art"},
    "diff_col:status": {"en": "Status", "de": "Status"},
    "diff_col:committed": {"en": "Committed (USD bn)", "de": "Zugesagt (Mrd. USD)"},
    "diff_col:cycle": {"en": "Cycle", "de": "Kreislauf"},
    "diff_col:length": {"en": "Companies", "de": "Unternehmen"},
    "diff_col:bottleneck": {"en": "Bottleneck (USD bn)", "de": "Engpass (Mrd. USD)"},
    "diff_col:name": {"en": "Company", "de": "Unternehmen"},
    "diff_col:weight": {"en": "Weight", "de": "Gewicht"},
    "diff_col:difference": {"en": "Difference", "de": "Differenz"},
    "diff_col:part": {"en": "Part", "de": "Teil"},
    "diff_col:item": {"en": "Item", "de": "Posten"},
    "diff_col:measure": {"en": "Measure", "de": "Größe"},
    "diff_col:unit": {"en": "Unit", "de": "Einheit"},
    "diff_col:value": {"en": "Value", "de": "Wert"},
    "flow_type:acquisition": {"en": "acquisition", "de": "Übernahme"},
    "flow_type:bond_or_notes": {"en": "bonds or notes", "de": "Anleihen"},
    "flow_type:chip_purchase": {"en": "chip purchase", "de": "Chipkauf"},
    "flow_type:chip_supply_agreement": {"en": "chip supply agreement", "de": "Chipliefervertrag"},
    "flow_type:cloud_compute_commitment": {
        "en": "cloud compute commitment",
        "de": "Cloud-Rechenzusage",
    },
    "flow_type:compute_capacity_lease": {
        "en": "compute capacity lease",
        "de": "Miete von Rechenkapazität",
    },
    "flow_type:distribution": {"en": "distribution", "de": "Ausschüttung"},
    "flow_type:equity_investment": {"en": "equity investment", "de": "Eigenkapitalbeteiligung"},
    "flow_type:government_grant": {"en": "government grant", "de": "staatliche Förderung"},
    "flow_type:grant_conversion": {
        "en": "grant converted to equity",
        "de": "in Eigenkapital gewandelte Förderung",
    },
    "flow_type:guarantee": {"en": "guarantee", "de": "Garantie"},
    "flow_type:joint_venture_contribution": {
        "en": "joint-venture contribution",
        "de": "Einlage in ein Gemeinschaftsunternehmen",
    },
    "flow_type:loan_or_credit": {"en": "loan or credit line", "de": "Kredit oder Kreditlinie"},
    "flow_type:other": {"en": "other", "de": "Sonstiges"},
    "flow_type:power_purchase_agreement": {
        "en": "power purchase agreement",
        "de": "Stromabnahmevertrag",
    },
    "flow_type:revenue_share": {"en": "revenue share", "de": "Umsatzbeteiligung"},
    "flow_type:vendor_financing": {"en": "vendor financing", "de": "Lieferantenfinanzierung"},
    "status:announced": {"en": "announced", "de": "angekündigt"},
    "status:completed": {"en": "completed", "de": "abgeschlossen"},
    "status:funded": {"en": "funded", "de": "ausgezahlt"},
    "status:in_progress": {"en": "in progress", "de": "in Umsetzung"},
    "status:loi": {"en": "letter of intent", "de": "Absichtserklärung"},
    "status:signed": {"en": "signed", "de": "unterzeichnet"},
    "status:stalled": {"en": "stalled", "de": "auf Eis gelegt"},
    "status:terminated": {"en": "terminated", "de": "beendet"},
    "part:gap": {"en": "ROI gap", "de": "ROI-Lücke"},
    "part:stress": {"en": "stress", "de": "Stresstest"},
    "measure:capex": {"en": "AI capex", "de": "KI-Investitionen"},
    "measure:required": {"en": "revenue required", "de": "benötigter Umsatz"},
    "measure:revenue": {"en": "AI revenue", "de": "KI-Umsatz"},
    "measure:gap": {"en": "gap", "de": "Lücke"},
    "measure:coverage": {"en": "coverage", "de": "Deckung"},
    "measure:total_loss": {"en": "total loss", "de": "Gesamtverlust"},
    "measure:index_impact": {"en": "index impact", "de": "Auswirkung auf den Index"},
    "unit:USD bn": {"en": "USD bn", "de": "Mrd. USD"},
    "unit:USD bn a year": {"en": "USD bn a year", "de": "Mrd. USD pro Jahr"},
    "unit:ratio": {"en": "ratio", "de": "Verhältnis"},
    "unit:fraction": {"en": "fraction", "de": "Anteil"},
    "diff_d1": {"en": "then", "de": "damals"},
    "diff_d2": {"en": "now", "de": "jetzt"},
    "diff_restated": {"en": "restated", "de": "neu beziffert"},
    "diff_stalled": {"en": "stalled", "de": "auf Eis gelegt"},
    "diff_terminated": {"en": "terminated", "de": "beendet"},
    "diff_completed": {"en": "completed", "de": "abgeschlossen"},
    "diff_appeared": {"en": "appeared", "de": "entstanden"},
    "diff_closed": {"en": "closed", "de": "aufgelöst"},
    "diff_deleted": {"en": "deleted", "de": "entfernt"},
    "diff_reweighted": {"en": "reweighted", "de": "neu gewichtet"},
    "diff_unchanged": {"en": "unchanged", "de": "unverändert"},
    "diff_on": {"en": "on {date}", "de": "am {date}"},
    "diff_difference": {"en": "change", "de": "Veränderung"},
    # `aiinfra lookthrough` (issue 16, part 1): a fund's holdings seen through the ledger
    "lookthrough": {"en": "Your ETF, looked through", "de": "Ihr ETF, durchleuchtet"},
    "lt_fund": {"en": "Fund holdings file", "de": "Bestandsdatei des Fonds"},
    "lt_lines": {"en": "Holding lines read", "de": "Gelesene Bestandszeilen"},
    "lt_covered_weight": {
        "en": "Weight covered by the file",
        "de": "Von der Datei abgedecktes Gewicht",
    },
    "lt_mapped_weight": {
        "en": "Weight in ledger companies",
        "de": "Gewicht in Unternehmen des Ledgers",
    },
    "lt_not_in_ledger": {"en": "Not in the ledger", "de": "Nicht im Ledger"},
    "lt_uncategorised": {
        "en": "In the ledger, outside the index categories",
        "de": "Im Ledger, außerhalb der Indexkategorien",
    },
    "lt_categories": {"en": "Category mix", "de": "Aufteilung nach Kategorien"},
    "lt_weight_overlap": {
        "en": "Weight overlap with the index",
        "de": "Gewichtsüberschneidung mit dem Index",
    },
    "lt_active_share": {"en": "Active share", "de": "Active Share"},
    "lt_bounds": {
        "en": "If the part the file does not cover sat in index names: overlap up to {o}, active share down to {a}",
        "de": "Läge der von der Datei nicht abgedeckte Teil in Indexwerten: Überschneidung bis {o}, Active Share bis {a}",
    },
    "lt_weight_on_cycles": {
        "en": "Weight in companies on money cycles",
        "de": "Gewicht in Unternehmen auf Geldkreisläufen",
    },
    "lt_self_funded": {
        "en": "Weighted self-funded revenue share",
        "de": "Gewichteter Anteil selbstfinanzierter Umsätze",
    },
    "lt_covered": {"en": "covered weight {w}", "de": "abgedecktes Gewicht {w}"},
    "lt_stress": {
        "en": "Fund loss under each stress scenario",
        "de": "Verlust des Fonds je Stressszenario",
    },
    "lt_fund_impact": {"en": "Fund impact", "de": "Auswirkung auf den Fonds"},
    "lt_unresolved_weight": {"en": "Weight not sized", "de": "Nicht bezifferbares Gewicht"},
    "lt_evidence": {"en": "What the inflows rest on", "de": "Worauf die Zuflüsse beruhen"},
    "lt_unmapped": {
        "en": "Lines that map to no ledger company",
        "de": "Zeilen ohne Unternehmen im Ledger",
    },
    "lt_reason": {"en": "Reason", "de": "Grund"},
    "lt_line_name": {"en": "Name in the file", "de": "Name in der Datei"},
    "lt_overlap_max": {
        "en": "Overlap at most (if the part the file does not cover sat in index names)",
        "de": "Überschneidung höchstens (läge der nicht abgedeckte Teil in Indexwerten)",
    },
    "lt_active_share_min": {
        "en": "Active share at least (if the part the file does not cover sat in index names)",
        "de": "Active Share mindestens (läge der nicht abgedeckte Teil in Indexwerten)",
    },
    "lt_reason:cash": {
        "en": "a cash, currency or derivative line",
        "de": "eine Bargeld-, Währungs- oder Derivatezeile",
    },
    "lt_reason:none": {
        "en": "no ledger company with this ticker or name",
        "de": "kein Unternehmen im Ledger mit diesem Ticker oder Namen",
    },
    "lt_reason:several": {
        "en": "fits several ledger companies",
        "de": "passt zu mehreren Unternehmen im Ledger",
    },
    "lt_index_house": {
        "en": "Index: house-view weights (scores alone, no price screens)",
        "de": "Index: Hausmeinungsgewichte (nur Bewertungen, ohne Kursfilter)",
    },
    # issue 16 in the report and the dashboard: circularity over time, the pages
    "history": {"en": "Circularity over time", "de": "Zirkularität im Zeitverlauf"},
    "hist_intro": {
        "en": "The flow map replayed at every quarter end from {start} from the deal events known then ({basis} amounts); the p-value against {samples} degree-preserving rewirings per quarter (seed {seed}).",
        "de": "Der Geldflussgraph zu jedem Quartalsende ab {start}, aus den damals bekannten Geschäften (Betragsbasis „{basis}“); der p-Wert gegen {samples} gradtreue Neuverdrahtungen je Quartal (Seed {seed}).",
    },
    "hist_date": {"en": "Quarter end", "de": "Quartalsende"},
    "hist_index": {"en": "Cycling index", "de": "Kreislaufindex"},
    "hist_volume": {"en": "Cycle volume (USD bn)", "de": "Kreislaufvolumen (Mrd. USD)"},
    "hist_cycles": {"en": "Cycles", "de": "Kreisläufe"},
    "hist_p": {"en": "p-value", "de": "p-Wert"},
    "buildout_intro": {
        "en": "One chart per series and period type: a quarterly figure and an annual one are never drawn on one axis. Each source has a line style of its own and is named in the legend; marker shapes tell actuals (circles, joined by lines), guidance (diamonds), estimates (squares) and forecasts (triangles) apart; a red ring marks figures that conflict.",
        "de": "Ein Diagramm je Reihe und Periodentyp: eine Quartals- und eine Jahreszahl stehen nie auf einer Achse. Jede Quelle hat eine eigene Linienart und wird in der Legende genannt; die Markerformen unterscheiden Ist-Zahlen (Kreise, mit Linien verbunden), Unternehmensprognosen (Rauten), Schätzungen (Quadrate) und Vorhersagen (Dreiecke); ein roter Ring kennzeichnet widersprüchliche Zahlen.",
    },
    "seed_word": {"en": "seed", "de": "Ausgangsartikel"},
    "cycle_flow_ids": {"en": "Deals (flow ids)", "de": "Geschäfte (Flow-IDs)"},
    # the flow graph's layers (report and dashboard: web/_i18n.py falls back to these)
    "layer:capital_provider": {"en": "Capital provider", "de": "Kapitalgeber"},
    "layer:government": {"en": "Government", "de": "Staat"},
    "layer:joint_venture": {"en": "Joint venture", "de": "Gemeinschaftsunternehmen"},
    "layer:model_lab": {"en": "Model lab", "de": "KI-Labor"},
    "layer:application": {"en": "Application", "de": "Anwendung"},
    "layer:hyperscaler": {"en": "Hyperscaler", "de": "Hyperscaler"},
    "layer:neocloud": {"en": "Neocloud", "de": "Neocloud"},
    "layer:data_center_reit_operator": {
        "en": "Data-centre REIT or operator",
        "de": "Rechenzentrums-REIT oder -Betreiber",
    },
    "layer:chip_designer": {"en": "Chip designer", "de": "Chipdesigner"},
    "layer:eda_ip": {"en": "EDA and IP", "de": "EDA und IP"},
    "layer:memory": {"en": "Memory", "de": "Speicher"},
    "layer:networking": {"en": "Networking", "de": "Netzwerk"},
    "layer:optical": {"en": "Optical", "de": "Optik"},
    "layer:server_oem": {"en": "Server maker", "de": "Serverhersteller"},
    "layer:foundry": {"en": "Foundry", "de": "Auftragsfertiger (Foundry)"},
    "layer:packaging": {"en": "Packaging", "de": "Packaging"},
    "layer:materials": {"en": "Materials", "de": "Materialien"},
    "layer:semiconductor_equipment": {
        "en": "Semiconductor equipment",
        "de": "Halbleiterausrüstung",
    },
    "layer:power_and_electrical": {"en": "Power and electrical", "de": "Strom und Elektrik"},
    "layer:cooling": {"en": "Cooling", "de": "Kühlung"},
    "layer:energy_utility": {"en": "Energy utility", "de": "Energieversorger"},
    "hist_p_degree": {"en": "p (degree-preserving)", "de": "p (gradtreu)"},
    "hist_p_role": {"en": "p (role-preserving)", "de": "p (rollentreu)"},
    "hist_intro_both": {
        "en": "The flow map replayed at every quarter end from {start} from the deal events known then ({basis} amounts). The cycling index against two null models, {samples} rewirings each per quarter (seed {seed}): degree-preserving (every company keeps its number of payers and payees) and role-preserving (in addition, every deal keeps the layers of its payer and payee); p is the share of rewirings at least as circular, both p-values are shown.",
        "de": "Der Geldflussgraph zu jedem Quartalsende ab {start}, aus den damals bekannten Geschäften (Betragsbasis „{basis}“). Der Kreislaufindex gegen zwei Nullmodelle mit je {samples} Neuverdrahtungen je Quartal (Seed {seed}): gradtreu (jedes Unternehmen behält die Zahl seiner Zahler und Empfänger) und rollentreu (zusätzlich behält jede Vereinbarung die Ebenen von Zahler und Empfänger); p ist der Anteil der Neuverdrahtungen, die mindestens so zirkulär sind; beide p-Werte werden gezeigt.",
    },
    "hist_index_dd": {"en": "Index drawdown", "de": "Drawdown des Index"},
    "hist_bench_dd": {"en": "{ticker} drawdown", "de": "Drawdown von {ticker}"},
    "hist_drawdown": {"en": "Drawdown", "de": "Drawdown"},
    "hist_self_funded": {
        "en": "Self-funded revenue share of the largest recipients (the share of each company's inflow that its own payments into the graph funded, at each quarter end; blank before it took in money)",
        "de": "Selbstfinanzierter Umsatzanteil der größten Empfänger (der Anteil der Zuflüsse eines Unternehmens, den seine eigenen Zahlungen in den Graphen finanziert haben, zu jedem Quartalsende; leer, bevor es Geld erhielt)",
    },
    "hist_no_backtest": {
        "en": "No index backtest with prices: the drawdowns are left out.",
        "de": "Kein Index-Backtest mit Kursen: die Drawdowns fehlen.",
    },
    "hist_no_prices": {
        "en": "Without prices the drawdowns are left out.",
        "de": "Ohne Kurse fehlen die Drawdowns.",
    },
    "history_page": {"en": "Over time", "de": "Zeitverlauf"},
    "diff_page": {"en": "What changed", "de": "Änderungen"},
    "lookthrough_page": {"en": "Look-through", "de": "Durchblick"},
    "diff_date1": {"en": "From", "de": "Von"},
    "diff_date2": {"en": "To", "de": "Bis"},
    "diff_counts": {"en": "Count", "de": "Anzahl"},
    "diff_none": {"en": "Nothing changed.", "de": "Keine Änderung."},
    "lt_upload": {
        "en": "Drop or choose a holdings file (CSV, as the issuer downloads it)",
        "de": "Bestandsdatei ablegen oder auswählen (CSV, wie vom Emittenten geladen)",
    },
    "lt_measure": {"en": "Measure", "de": "Kennzahl"},
    "lt_value": {"en": "Value", "de": "Wert"},
    # the factsheet beside the tearsheet (issue 18; aiinfra.report._factsheet)
    "factsheet": {"en": "Factsheet", "de": "Factsheet"},
    "fs_base": {
        "en": "Base date {date}, base value {value}; levels are gross total return in USD.",
        "de": "Startdatum {date}, Startwert {value}; die Stände sind Bruttogesamtrenditen in USD.",
    },
    "fs_periods": {"en": "Returns to {date}", "de": "Renditen bis {date}"},
    "fs_period": {"en": "Period", "de": "Zeitraum"},
    "fs_return": {"en": "Return", "de": "Rendite"},
    "fs_1M": {"en": "1 month", "de": "1 Monat"},
    "fs_3M": {"en": "3 months", "de": "3 Monate"},
    "fs_YTD": {"en": "Year to date", "de": "Seit Jahresbeginn"},
    "fs_1Y": {"en": "1 year", "de": "1 Jahr"},
    "fs_3Y": {"en": "3 years, annualised", "de": "3 Jahre, annualisiert"},
    "fs_5Y": {"en": "5 years, annualised", "de": "5 Jahre, annualisiert"},
    "fs_inception": {"en": "Since inception", "de": "Seit Start"},
    "fs_inception_annualised": {
        "en": "Since inception, annualised",
        "de": "Seit Start, annualisiert",
    },
    "fs_periods_note": {
        "en": "Each period from the last level on or before the same day one, three, 12, 36 or 60 months earlier (year to date: from the last level of the previous year); – where the history is shorter.",
        "de": "Jeder Zeitraum ab dem letzten Stand am oder vor demselben Tag 1, 3, 12, 36 oder 60 Monate zuvor (seit Jahresbeginn: ab dem letzten Stand des Vorjahres); – wo die Historie kürzer ist.",
    },
    "fs_review": {
        "en": "At the review {review} (effective {date}): {n} constituents; the ten largest weigh {top10} together.",
        "de": "Bei der Überprüfung {review} (wirksam ab {date}): {n} Bestandteile; die zehn größten wiegen zusammen {top10}.",
    },
    "fs_country": {"en": "Country mix", "de": "Länderaufteilung"},
    "fs_country_col": {"en": "Country", "de": "Land"},
    "fs_weight": {"en": "Weight", "de": "Gewicht"},
    "fs_names": {"en": "Constituents", "de": "Bestandteile"},
    "fs_count": {
        "en": "Securities held after each rebalance (backtest)",
        "de": "Gehaltene Wertpapiere nach jeder Anpassung (Backtest)",
    },
    "fs_lines": {"en": "Securities held", "de": "Gehaltene Wertpapiere"},
    "fs_rebalances": {"en": "Rebalance dates", "de": "Anpassungstermine"},
    "fs_review_col": {"en": "Review", "de": "Überprüfung"},
    "fs_announce": {"en": "Announced", "de": "Angekündigt"},
    "fs_effective": {"en": "Effective", "de": "Wirksam"},
    "fs_turnover": {"en": "Turnover (one-way)", "de": "Umschlag (einseitig)"},
    "fs_tearsheet": {"en": "Tearsheet", "de": "Risikoprofil"},
    "fs_drawdowns": {"en": "Five largest drawdowns", "de": "Die fünf größten Drawdowns"},
    "fs_peak": {"en": "Peak", "de": "Hochpunkt"},
    "fs_trough": {"en": "Trough", "de": "Tiefpunkt"},
    "fs_recovery": {"en": "Recovery", "de": "Erholung"},
    "fs_depth": {"en": "Depth", "de": "Tiefe"},
    "fs_days": {"en": "Calendar days", "de": "Kalendertage"},
    "fs_not_recovered": {"en": "not recovered", "de": "nicht erholt"},
    "fs_no_drawdown": {
        "en": "The index had no drawdown.",
        "de": "Der Index hatte keinen Drawdown.",
    },
    "fs_rolling": {
        "en": "Rolling one year (252 trading days)",
        "de": "Rollierend über ein Jahr (252 Handelstage)",
    },
    "fs_sharpe": {"en": "Sharpe ratio", "de": "Sharpe-Ratio"},
    "fs_vol": {"en": "Volatility (annualised)", "de": "Volatilität (annualisiert)"},
    "fs_beta": {"en": "Beta against {ref}", "de": "Beta gegen {ref}"},
    "fs_rolling_short": {
        "en": "{n} index dates: a rolling one-year chart needs more than 252.",
        "de": "{n} Indextage: ein rollierendes Einjahresdiagramm braucht mehr als 252.",
    },
    "fs_heatmap": {"en": "Monthly returns (%)", "de": "Monatsrenditen (%)"},
    "fs_var": {
        "en": "Value at risk of one day (historical)",
        "de": "Value at Risk eines Tages (historisch)",
    },
    "fs_confidence": {"en": "Confidence", "de": "Konfidenzniveau"},
    "fs_var_note": {
        "en": "Losses as positive numbers, from the {n} daily returns of the backtest: VaR at 95 % is the loss exceeded on 5 % of days (the 5 % quantile, sign turned); CVaR is the mean loss of those worst days.",
        "de": "Verluste als positive Zahlen, aus den {n} Tagesrenditen des Backtests: der VaR zu 95 % ist der Verlust, der an 5 % der Tage überschritten wird (das 5-%-Quantil mit umgekehrtem Vorzeichen); der CVaR ist der mittlere Verlust dieser schlechtesten Tage.",
    },
    "fs_histogram": {"en": "Distribution of daily returns", "de": "Verteilung der Tagesrenditen"},
    "fs_daily_return": {"en": "Daily return", "de": "Tagesrendite"},
    "fs_days_count": {"en": "Days", "de": "Tage"},
}


#: what a build-out measure is, for a reader (the headline rows of page one)
MEASURE_NAMES: dict[str, dict[str, str]] = {
    "arr_usd_bn": {"en": "annualised revenue (ARR)", "de": "annualisierter Umsatz (ARR)"},
    "capex_usd_bn": {"en": "capital expenditure", "de": "Investitionsausgaben"},
    "wfe_spend_usd_bn": {
        "en": "wafer-fab equipment spend",
        "de": "Ausgaben für Wafer-Fab-Ausrüstung",
    },
    "cowos_wafers_per_month_k": {
        "en": "CoWoS packaging capacity",
        "de": "CoWoS-Packaging-Kapazität",
    },
    "dc_capacity_mw": {"en": "data-centre capacity", "de": "Rechenzentrumskapazität"},
    "hyperscale_capex_usd_bn": {
        "en": "hyperscale capital expenditure",
        "de": "Hyperscale-Investitionsausgaben",
    },
    "gpu_shipments_rubin_mn_units": {
        "en": "Rubin GPU shipments",
        "de": "Auslieferungen von Rubin-GPUs",
    },
    "xpu_shipments_mn_units": {
        "en": "AI accelerator (XPU) shipments",
        "de": "Auslieferungen von KI-Beschleunigern (XPU)",
    },
    "ai_dc_capacity_added_mw": {
        "en": "AI data-centre capacity added",
        "de": "Zubau an KI-Rechenzentrumskapazität",
    },
    "power_capacity_added_mw": {"en": "power capacity added", "de": "Zubau an Stromkapazität"},
    "cowos_wafers_per_year_k": {
        "en": "CoWoS packaging output a year",
        "de": "CoWoS-Packaging-Ausstoß pro Jahr",
    },
    "ai_dc_capacity_mw": {"en": "AI data-centre capacity", "de": "KI-Rechenzentrumskapazität"},
    "dc_capacity_contracted_mw": {
        "en": "contracted data-centre capacity",
        "de": "vertraglich gebundene Rechenzentrumskapazität",
    },
    "inference_power_mw": {"en": "power for inference", "de": "Strombedarf für Inferenz"},
    "arr_growth_x": {"en": "ARR growth (multiple)", "de": "ARR-Wachstum (Vielfaches)"},
    "cowos_wafers_growth_x": {
        "en": "CoWoS capacity growth (multiple)",
        "de": "Wachstum der CoWoS-Kapazität (Vielfaches)",
    },
    "xpu_shipments_growth_x": {
        "en": "XPU shipment growth (multiple)",
        "de": "Wachstum der XPU-Auslieferungen (Vielfaches)",
    },
    "transceivers_800g_plus_share_pct": {
        "en": "share of 800G+ optical transceivers",
        "de": "Anteil optischer Transceiver ab 800G",
    },
    "transceivers_400g_plus_mn_units": {
        "en": "400G+ optical transceiver shipments",
        "de": "Auslieferungen optischer Transceiver ab 400G",
    },
    "transceivers_800g_mn_units": {
        "en": "800G optical transceiver shipments",
        "de": "Auslieferungen optischer 800G-Transceiver",
    },
    "semi_equipment_sales_usd_bn": {
        "en": "semiconductor equipment sales",
        "de": "Umsatz mit Halbleiterausrüstung",
    },
    "wfe_dram_spend_usd_bn": {
        "en": "wafer-fab equipment spend, DRAM",
        "de": "Ausgaben für Wafer-Fab-Ausrüstung, DRAM",
    },
    "wfe_foundry_logic_spend_usd_bn": {
        "en": "wafer-fab equipment spend, foundry and logic",
        "de": "Ausgaben für Wafer-Fab-Ausrüstung, Foundry und Logik",
    },
    "wfe_nand_spend_usd_bn": {
        "en": "wafer-fab equipment spend, NAND",
        "de": "Ausgaben für Wafer-Fab-Ausrüstung, NAND",
    },
}

#: the build-out series (``aiinfra.buildout.list_series``), for a chart's title
SERIES_NAMES: dict[str, dict[str, str]] = {
    "model_lab_arr": {
        "en": "Model labs' annualised revenue (ARR)",
        "de": "Annualisierter Umsatz der KI-Labore (ARR)",
    },
    "hyperscaler_capex": {
        "en": "Hyperscalers' capital expenditure",
        "de": "Investitionsausgaben der Hyperscaler",
    },
    "accelerator_shipments": {
        "en": "AI accelerator shipments",
        "de": "Auslieferungen von KI-Beschleunigern",
    },
    "wfe_spend": {"en": "Wafer-fab equipment spend", "de": "Ausgaben für Wafer-Fab-Ausrüstung"},
    "cowos_monthly": {
        "en": "CoWoS packaging capacity (monthly)",
        "de": "CoWoS-Packaging-Kapazität (monatlich)",
    },
    "cowos_annual": {
        "en": "CoWoS packaging output (annual)",
        "de": "CoWoS-Packaging-Ausstoß (jährlich)",
    },
    "transceivers": {
        "en": "Optical transceiver shipments",
        "de": "Auslieferungen optischer Transceiver",
    },
    "transceiver_share": {
        "en": "Share of 800G+ optical transceivers",
        "de": "Anteil optischer Transceiver ab 800G",
    },
    "dc_capacity": {"en": "Data-centre capacity", "de": "Rechenzentrumskapazität"},
    "capacity_added": {"en": "Capacity added", "de": "Kapazitätszubau"},
    "inference_power": {"en": "Power for inference", "de": "Strombedarf für Inferenz"},
    "stated_multiples": {
        "en": "Growth multiples stated by the sources",
        "de": "Von den Quellen genannte Wachstumsfaktoren",
    },
}

#: the period types of build-out figures (``aiinfra.buildout`` ``period_type``), for a chart
PERIOD_TYPE_NAMES: dict[str, dict[str, str]] = {
    "day": {"en": "daily", "de": "täglich"},
    "month": {"en": "monthly", "de": "monatlich"},
    "quarter": {"en": "quarterly", "de": "quartalsweise"},
    "half": {"en": "half-yearly", "de": "halbjährlich"},
    "year": {"en": "annual", "de": "jährlich"},
    "multi_year": {"en": "over several years", "de": "über mehrere Jahre"},
}

#: the units of the build-out series (``SeriesSpec.unit``), for a reader
UNIT_NAMES: dict[str, dict[str, str]] = {
    "USD bn, annualised": {
        "en": "USD bn a year (run-rate)",
        "de": "Mrd. USD pro Jahr (Run-Rate)",
    },
    "USD bn": {"en": "USD bn", "de": "Mrd. USD"},
    "k wafers per month": {"en": "thousand wafers a month", "de": "Tsd. Wafer pro Monat"},
    "k wafers per year": {"en": "thousand wafers a year", "de": "Tsd. Wafer pro Jahr"},
    "MW": {"en": "MW", "de": "MW"},
    "MW added": {"en": "MW added", "de": "MW Zubau"},
    "mn units": {"en": "million units", "de": "Mio. Stück"},
    "% of units": {"en": "% of units", "de": "% der Stückzahl"},
    "× (end over start of the period)": {
        "en": "× (end over start of the period)",
        "de": "× (Ende gegenüber Beginn des Zeitraums)",
    },
}

#: the ledger's group entities (not companies), for a reader
ENTITY_NAMES: dict[str, dict[str, str]] = {
    "big4": {
        "en": "Big four hyperscalers (Microsoft, Alphabet, Amazon, Meta)",
        "de": "Die vier großen Hyperscaler (Microsoft, Alphabet, Amazon, Meta)",
    },
    "big4_plus_oracle": {
        "en": "Big four hyperscalers and Oracle",
        "de": "Die vier großen Hyperscaler und Oracle",
    },
    "top8_csp": {"en": "Top eight cloud providers", "de": "Die acht größten Cloud-Anbieter"},
    "hyperscalers_and_neoclouds": {
        "en": "Hyperscalers and neoclouds",
        "de": "Hyperscaler und Neoclouds",
    },
    "openai_anthropic_combined": {
        "en": "OpenAI and Anthropic combined",
        "de": "OpenAI und Anthropic zusammen",
    },
    "global": {"en": "World", "de": "Welt"},
    "global_ex_china": {"en": "World excluding China", "de": "Welt ohne China"},
    "china": {"en": "China", "de": "China"},
    "us": {"en": "United States", "de": "USA"},
}


CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "C1": {
        "en": "Semiconductor Manufacturing & Equipment",
        "de": "Halbleiterfertigung & Ausrüstung",
    },
    "C2": {"en": "Compute Silicon & Design", "de": "Rechenchips & Chipdesign"},
    "C3": {"en": "Memory & Storage", "de": "Speicher"},
    "C4": {"en": "Networking & Optical", "de": "Netzwerk & Optik"},
    "C5": {"en": "Servers & Systems", "de": "Server & Systeme"},
    "C6": {"en": "Power, Electrical & Thermal", "de": "Strom, Elektrik & Kühlung"},
    "C7": {"en": "Data-Centre & Cloud Capacity", "de": "Rechenzentren & Cloud-Kapazität"},
}


def number(x: float, lang: Lang, digits: int = 1) -> str:
    """A number in the reader's convention (1,234.5 in English, 1.234,5 in German); a value
    that rounds to zero is written without a sign (never "-0.0").

    >>> number(-0.00004 * 100, "en"), number(-1234.56, "de", 2)
    ('0.0', '-1.234,56')
    """
    x = round(float(x), digits) + 0.0  # -0.0 + 0.0 is 0.0
    text = f"{x:,.{digits}f}"
    if lang == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


#: a source tier in a sentence ("… rests on press reports")
TIER_NAMES: dict[str, dict[str, str]] = {
    "filing": {"en": "filings", "de": "Pflichtmitteilungen (Filings)"},
    "company": {"en": "company statements", "de": "Unternehmensangaben"},
    "press": {"en": "press reports", "de": "Presseberichte"},
    "secondary": {"en": "secondary sources", "de": "Sekundärquellen"},
    "seed": {"en": "the seed articles", "de": "die Ausgangsartikel"},
}


#: the tiers in the German dative ("beruhen auf …")
TIER_DATIVE_DE: dict[str, str] = {
    "filing": "Pflichtmitteilungen (Filings)",
    "company": "Unternehmensangaben",
    "press": "Presseberichten",
    "secondary": "Sekundärquellen",
    "seed": "den Ausgangsartikeln",
}


def evidence_sentence(split: dict[str, object], lang: Lang, what: str = "") -> str:
    """One sentence saying how much of an amount rests on each source tier and how much
    carries a verbatim quote (``split`` from ``aiinfra.flows.evidence_split``); plain text."""
    total = float(split.get("total", 0.0))  # type: ignore[arg-type]
    by_tier: dict[str, float] = split.get("by_tier") or {}  # type: ignore[assignment]
    if total <= 0 or not by_tier:
        return ""
    ranked = sorted(by_tier.items(), key=lambda kv: -kv[1])
    parts = [
        f"{number(100 * share, lang, 0)} % {TIER_NAMES.get(t, {}).get(lang, t)}"
        for t, share in ranked
    ]
    quoted = number(100 * float(split.get("quoted", 0.0)), lang, 0)  # type: ignore[arg-type]
    amount = number(total, lang, 1)
    if lang == "de":
        dative = [
            f"{number(100 * share, lang, 0)} % auf {TIER_DATIVE_DE.get(t, t)}"
            for t, share in ranked
        ]
        return (
            f"Belege{' ' + what if what else ''}: von {amount} Mrd. USD beruhen "
            + ", ".join(dative)
            + f"; {quoted} % sind mit einem wörtlichen Zitat der Quelle belegt."
        )
    return (
        f"Evidence{' ' + what if what else ''}: of USD {amount} bn, "
        + ", ".join(parts).replace(" % ", " % on ")
        + f"; {quoted} % carries a verbatim quote of its source."
    )


def tier_mix(split: dict[str, object], lang: Lang) -> str:
    """The tiers of ``split`` (``aiinfra.flows.evidence_split``) in a few words, largest first:
    "62 % press reports, 38 % filings"; "" when there is no amount."""
    by_tier: dict[str, float] = split.get("by_tier") or {}  # type: ignore[assignment]
    if float(split.get("total", 0.0)) <= 0 or not by_tier:  # type: ignore[arg-type]
        return ""
    ranked = sorted(by_tier.items(), key=lambda kv: -kv[1])
    # German: the dative, as the column reads "Zuflüsse beruhen auf"
    names = {t: TIER_DATIVE_DE.get(t, t) if lang == "de" else TIER_NAMES.get(t, {}).get(lang, t)
             for t, _ in ranked}  # fmt: skip
    return ", ".join(f"{number(100 * share, lang, 0)} % {names[t]}" for t, share in ranked)


#: the gap's inputs by name (:func:`aiinfra.roi_gap.input_evidence`)
GAP_INPUT_NAMES: dict[str, dict[str, str]] = {
    "capex": {"en": "AI capex", "de": "KI-Investitionen"},
    "spend_nvidia": {"en": "NVIDIA data-centre revenue", "de": "NVIDIA-Rechenzentrumsumsatz"},
    "revenue": {"en": "AI revenue", "de": "KI-Umsatz"},
}
TIER_SHORT: dict[str, dict[str, str]] = {
    "filing": {"en": "filing", "de": "Filing"},
    "company": {"en": "company statement", "de": "Unternehmensangabe"},
    "press": {"en": "press report", "de": "Pressebericht"},
    "secondary": {"en": "secondary source", "de": "Sekundärquelle"},
    "seed": {"en": "seed article", "de": "Ausgangsartikel"},
}
KIND_NAMES: dict[str, dict[str, str]] = {
    "actual": {"en": "actual", "de": "Ist-Wert"},
    "guidance": {"en": "guidance", "de": "Prognose des Unternehmens"},
    "estimate": {"en": "estimate", "de": "Schätzung"},
    "forecast": {"en": "forecast", "de": "Vorhersage"},
}


def figures_evidence_sentence(evidence: dict[str, Any], year: int, lang: Lang) -> str:
    """One sentence on what the gap's inputs for ``year`` rest on (``GapResult.evidence``):
    per input the number of ledger figures by source tier and kind, and how many are quoted."""
    parts = []
    for name, ev in evidence.items():
        n = len(ev.get("figures", []))
        if not n:
            continue
        tiers = ", ".join(
            f"{TIER_SHORT.get(t, {}).get(lang, t)} {k}"
            for t, k in sorted(ev["by_tier"].items(), key=lambda kv: -kv[1])
        )
        kinds = ", ".join(
            f"{KIND_NAMES.get(t, {}).get(lang, t)} {k}"
            for t, k in sorted(ev["by_kind"].items(), key=lambda kv: -kv[1])
        )
        what = GAP_INPUT_NAMES.get(name, {}).get(lang, name)
        if lang == "de":
            parts.append(f"{what}: {n} Zahlen ({tiers}; {kinds}), {ev['quoted']} wörtlich belegt")
        else:
            parts.append(f"{what}: {n} figures ({tiers}; {kinds}), {ev['quoted']} quoted")
    if not parts:
        return ""
    head = f"Belege für {year}: " if lang == "de" else f"Evidence for {year}: "
    return head + "; ".join(parts) + "."


def label(key: str, lang: Lang) -> str:
    """The label ``key`` in ``lang`` (``en`` or ``de``)."""
    entry = LABELS[key]
    return entry.get(lang, entry["en"])
