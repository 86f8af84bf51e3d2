"""Charts and labels shared by the HTML report (``aiinfra.report``) and the dashboard
(``aiinfra.web``): presentation only.

* figures: plotly builders over results the library computed (:func:`treemap_figure`,
  :func:`levels_figure`, :func:`gap_figure`, :func:`tornado_figure`,
  :func:`mc_histogram_figure`, :func:`buildout_figure`) and :func:`esc` for ledger text in a
  plotly label;
* labels: the English and German words both show (:data:`LABELS`, :func:`label`,
  :data:`CATEGORY_NAMES`, :data:`ENTITY_NAMES`, :data:`MEASURE_NAMES`, :data:`UNIT_NAMES`) and
  :func:`number` for numbers in the reader's convention;
* the headline build-out rows of page one and the overview (:func:`key_buildout_records`,
  :func:`key_buildout_label`);
* the flow map's value-chain picture (:func:`flow_layout`, :data:`LAYER_COLUMN`);
* the point-in-time backtest against today's scores and the systematic scores against the
  house view (:func:`look_ahead_rows`, :func:`score_source_text`, :func:`reviews_by_source`,
  :func:`house_rows`);
* several strategies side by side (:func:`strategies_table`, :func:`monthly_table`,
  :func:`strategies_levels_figure`, :func:`rolling_figure`);
* every table as a CSV download (:func:`csv_data_uri`, :func:`csv_file_name`).

This package imports the domain packages' public names, pandas and plotly; the report and the
web import it, never each other.

>>> from aiinfra.charts import label, number
>>> label("weight", "de"), number(1234.5, "de")
('Gewicht', '1.234,5')
"""

from __future__ import annotations

from aiinfra.charts._download import csv_data_uri, csv_file_name
from aiinfra.charts._factsheet import (
    constituents_figure,
    monthly_heatmap_figure,
    return_histogram_figure,
    rolling_risk_figure,
)
from aiinfra.charts._figures import (
    buildout_figure,
    esc,
    gap_figure,
    levels_figure,
    mc_histogram_figure,
    source_label,
    tornado_figure,
    treemap_figure,
)
from aiinfra.charts._flowmap import LAYER_COLUMN, flow_layout
from aiinfra.charts._headline import (
    KEY_BUILDOUT,
    entity_names,
    key_buildout_label,
    key_buildout_records,
)
from aiinfra.charts._issue16 import (
    diff_tables,
    history_figure,
    history_self_funded_table,
    history_table,
    lookthrough_tables,
    num_text,
    pct_text,
)
from aiinfra.charts._labels import (
    CATEGORY_NAMES,
    ENTITY_NAMES,
    LABELS,
    MEASURE_NAMES,
    PERIOD_TYPE_NAMES,
    SERIES_NAMES,
    TIER_NAMES,
    UNIT_NAMES,
    evidence_sentence,
    figures_evidence_sentence,
    label,
    number,
    tier_mix,
)
from aiinfra.charts._pit import (
    COMPARED,
    house_rows,
    look_ahead_rows,
    reviews_by_source,
    score_source_name,
    score_source_text,
)
from aiinfra.charts._strategies import (
    monthly_table,
    rolling_figure,
    strategies_levels_figure,
    strategies_table,
)

__all__ = [
    "CATEGORY_NAMES",
    "COMPARED",
    "ENTITY_NAMES",
    "KEY_BUILDOUT",
    "LABELS",
    "LAYER_COLUMN",
    "MEASURE_NAMES",
    "PERIOD_TYPE_NAMES",
    "SERIES_NAMES",
    "TIER_NAMES",
    "UNIT_NAMES",
    "buildout_figure",
    "constituents_figure",
    "csv_data_uri",
    "csv_file_name",
    "diff_tables",
    "entity_names",
    "esc",
    "evidence_sentence",
    "figures_evidence_sentence",
    "flow_layout",
    "gap_figure",
    "history_figure",
    "history_self_funded_table",
    "history_table",
    "house_rows",
    "key_buildout_label",
    "key_buildout_records",
    "label",
    "levels_figure",
    "look_ahead_rows",
    "lookthrough_tables",
    "mc_histogram_figure",
    "monthly_heatmap_figure",
    "monthly_table",
    "num_text",
    "number",
    "pct_text",
    "return_histogram_figure",
    "reviews_by_source",
    "rolling_figure",
    "rolling_risk_figure",
    "score_source_name",
    "score_source_text",
    "source_label",
    "strategies_levels_figure",
    "strategies_table",
    "tier_mix",
    "tornado_figure",
    "treemap_figure",
]
