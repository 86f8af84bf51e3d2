"""Cross-row and cross-table rules of the ledger (row-level rules are in the row schema)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from aiinfra.dates import parse_partial_date
from aiinfra.exceptions import Problem
from aiinfra.ledger._flows import AMOUNTS, events_in_force
from aiinfra.ledger._schema import COMPONENTS, GROUP_ENTITIES, TABLES

__all__ = ["cross_table_problems", "parse_adr_ratios", "rubric_score"]


def rubric_score(values: list[int] | np.ndarray) -> float:
    """Qualitative score Q from the five rubric components (each 1–5).

    Q = (mean − 1) / 4 × 100, rounded to one decimal: all 1s give 0, all 5s give 100.

    Examples
    --------
    >>> rubric_score([5, 4, 4, 3, 4])
    75.0
    """
    arr = np.asarray(values, dtype=float)
    return round(float((arr.mean() - 1.0) / 4.0 * 100.0), 1)


def _p(r: Any, column: str | None, rule: str, value: object = None) -> Problem:
    shown = (
        None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    )
    return Problem(str(r["_file"]), int(r["_line"]), column, rule, shown)


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """The rows of ``frame`` as dicts, column → value (the values ``iterrows`` gives on the
    ledger's mixed-type tables: Python scalars, ``Timestamp``, NaN, NaT), read a column at a
    time."""
    cols = [str(c) for c in frame.columns]
    for values in zip(*(frame[c].tolist() for c in frame.columns), strict=True):
        yield dict(zip(cols, values, strict=True))


def parse_adr_ratios(text: str) -> dict[str, float]:
    """``"TSM=5;BABA=8"`` → {"TSM": 5.0, "BABA": 8.0}: home-market shares per ADR line unit.

    >>> parse_adr_ratios("TSM=5")
    {'TSM': 5.0}
    """
    out: dict[str, float] = {}
    for part in [p for p in text.split(";") if p.strip()]:
        line, _, value = part.partition("=")
        try:
            ratio = float(value)
        except ValueError:
            ratio = -1.0
        if not line.strip() or not ratio > 0:
            raise ValueError("must be TICKER=RATIO pairs separated by ';' with RATIO > 0")
        out[line.strip()] = ratio
    return out


def _start_of(text: object) -> object:
    return pd.Timestamp(parse_partial_date(text).start) if isinstance(text, str) else pd.NaT


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT


def _where(r: Any, ref: Any) -> str:
    """``id (row N)``, with the file when it differs from ``ref``'s."""
    if r["_file"] == ref["_file"]:
        return f"{r['id']} (row {int(r['_line'])})"
    return f"{r['id']} ({r['_file']}, row {int(r['_line'])})"


def _supersede_cycles(flows: pd.DataFrame) -> list[Problem]:
    """One problem per cycle of ``supersedes`` links (f900 → f901 → f900), of any length.

    Each flow names at most one flow it supersedes, so the links form a functional graph and
    every cycle is found by following them from each flow once: O(n). The problem is reported on
    the row of the cycle that comes first in the ledger's order (the table as loaded: bundled
    rows, each replaced in place by an overlay row, then new overlay rows), and names every row
    of the cycle. The order never depends on where the files lie on disk.
    """
    rows = {str(r["id"]): r for r in _rows(flows.drop_duplicates("id"))}
    order = {fid: i for i, fid in enumerate(rows)}
    nxt = {
        fid: str(r["supersedes"])
        for fid, r in rows.items()
        if not _blank(r["supersedes"]) and str(r["supersedes"]) != fid
    }
    out: list[Problem] = []
    done: set[str] = set()
    for start in nxt:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = nxt.get(node)
        if node is not None and node in on_path:
            cycle = path[path.index(node) :]
            first = min(cycle, key=order.__getitem__)
            i = cycle.index(first)
            cycle = cycle[i:] + cycle[:i]
            r = rows[first]
            chain = " → ".join([*(_where(rows[c], r) for c in cycle), cycle[0]])
            out.append(
                _p(
                    r,
                    "supersedes",
                    f"supersedes links form a cycle: {chain}; a flow supersedes an older deal, "
                    "which cannot supersede it back (directly or through other flows)",
                    r["supersedes"],
                )
            )
        done.update(path)
    return out


def cross_table_problems(
    f: dict[str, pd.DataFrame], today: dt.date, unparsed: dict[str, set[str]] | None = None
) -> list[Problem]:
    """Every rule that spans rows or tables, checked over the merged (bundled + user) ledger.

    ``unparsed`` holds, per table, the keys of rows that failed their row schema (already
    reported): references to them are not reported again as unknown. Each table's rules are one
    named check below; a new rule goes into the check of its table.
    """
    skip = unparsed or {}
    # ids whose rows failed to parse count as known, so one bad row gives one problem
    companies = set(f["companies"]["id"]) | skip.get("companies", set())
    return [
        *_future_dates(f, today),
        *_company_rules(f["companies"]),
        *_flow_rules(f["flows"], companies),
        *_event_rules(f["flow_events"], f["flows"], skip.get("flows", set())),
        *_relationship_rules(f["relationships"], companies),
        *_figure_rules(f["figures"], companies),
        *_score_rules(f, companies),
        *_revenue_and_financial_rules(f, companies),
        *_balance_sheet_rules(f, companies),
    ]


def _future_dates(f: dict[str, pd.DataFrame], today: dt.date) -> list[Problem]:
    """Dates not in the future (a partial date counts from its first day)."""
    out: list[Problem] = []
    ts_today = pd.Timestamp(today)
    for name, spec in TABLES.items():
        for col in spec.not_future:
            frame = f[name]
            if frame.empty:
                continue
            partial = spec.kind(col) == "partial_date"
            if partial:  # each distinct text parsed once
                texts = frame[col].tolist()
                starts: dict[str, Any] = {}
                for t in texts:  # in row order, as ``map`` would
                    if isinstance(t, str) and t not in starts:
                        starts[t] = _start_of(t)
                after = [isinstance(t, str) and starts[t] > ts_today for t in texts]
                late = frame[np.asarray(after, dtype=bool)]
            else:
                late = frame[frame[col] > ts_today]
            for _, r in late.iterrows():
                out.append(
                    _p(
                        r,
                        col,
                        f"must not be after today ({today.isoformat()})",
                        r[col] if isinstance(r[col], str) else r[col].date(),
                    )
                )
    return out


def _company_rules(comp: pd.DataFrame) -> list[Problem]:
    """A listed company has a ticker; ADR ratios name its alternative lines; tickers unique."""
    out: list[Problem] = []
    for r in _rows(comp):
        if r["listed"] and _blank(r["ticker"]):
            out.append(_p(r, "ticker", "a listed company needs a ticker"))
    for r in _rows(comp):
        text = r.get("adr_ratios")
        if _blank(text):
            continue
        alts = set(str(r["alt_tickers"] or "").split(";"))
        try:
            ratios = parse_adr_ratios(str(text))
        except ValueError as exc:
            out.append(_p(r, "adr_ratios", str(exc), text))
            continue
        for line in ratios:
            if line not in alts:
                out.append(_p(r, "adr_ratios", f"{line} is not in alt_tickers", text))
    tick = comp.dropna(subset=["ticker"])
    for _, r in tick[tick.duplicated("ticker", keep="first")].iterrows():
        out.append(_p(r, "ticker", "ticker already used by another company", r["ticker"]))
    return out


def _flow_rules(flows: pd.DataFrame, companies: set[str]) -> list[Problem]:
    """Known parties that differ, supersedes links without cycles, obligation groups with one
    primary row."""
    out: list[Problem] = []
    flow_ids = set(flows["id"])
    for r in _rows(flows):
        for col in ("payer", "payee"):
            if r[col] not in companies:
                out.append(_p(r, col, "unknown company id (not in companies.csv)", r[col]))
        if r["payer"] == r["payee"]:
            out.append(_p(r, "payee", "payer and payee must differ", r["payee"]))
        sup = r["supersedes"]
        if not _blank(sup) and (sup not in flow_ids or sup == r["id"]):
            out.append(_p(r, "supersedes", "must name another flow id in flows.csv", sup))
        if _blank(r["obligation"]) != _blank(r["obligation_role"]):
            out.append(
                _p(
                    r,
                    "obligation_role",
                    "obligation and obligation_role are given together or not at all",
                )
            )
    out += _supersede_cycles(flows)
    grouped = flows.dropna(subset=["obligation"])
    for ob, g in grouped.groupby("obligation"):
        n_primary = int((g["obligation_role"] == "primary").sum())
        if n_primary != 1:
            r = g.iloc[0]
            out.append(
                _p(
                    r,
                    "obligation",
                    f"obligation group must have exactly one primary row, has {n_primary}",
                    ob,
                )
            )
    return out


def _event_rules(events: pd.DataFrame, flows: pd.DataFrame, unparsed: set[str]) -> list[Problem]:
    """Events name a known flow, start at its announcement, and end at the flow row's amounts."""
    out: list[Problem] = []
    flow_ids = set(flows["id"])
    allowed = flow_ids | unparsed
    for r in _rows(events):
        if r["flow_id"] not in allowed:
            out.append(_p(r, "flow_id", "unknown flow id (not in flows.csv)", r["flow_id"]))
    known = events[events["flow_id"].isin(flow_ids)]
    if known.empty:
        return out
    first = (  # stable: of two events of the same day, the one first in the file
        known.sort_values("date_known", kind="stable")
        .groupby("flow_id")
        .head(1)
        .set_index("flow_id")
    )
    ann = flows.drop_duplicates("id").set_index("id")
    announced = ann["announced"].to_dict()
    announced_known = ann["announced_known"].to_dict()
    for r in _rows(first.reset_index()):
        fid = r["flow_id"]
        # a deal signed before it was public: the first event's date is the signing, its
        # `reported` the first public date, which is the flow's `announced`
        rep = r.get("reported_known")
        public = r["date_known"] if rep is None or pd.isna(rep) else max(r["date_known"], rep)
        if not r["date_known"] <= announced_known[fid] <= public:
            out.append(
                Problem(
                    str(r["_file"]),
                    int(r["_line"]),
                    "date",
                    (
                        f"first event is before the flow's announced date ({announced[fid]}) "
                        "and not `reported` on it (a deal signed before it was public: "
                        "`reported` = the announced date)"
                        if r["date_known"] < announced_known[fid]
                        else f"first event is after the flow's announced date ({announced[fid]})"
                    ),
                    str(r["date"]),
                )
            )
    state = events_in_force(known)
    ann_rows = {str(r["id"]): r for r in _rows(ann.reset_index())}
    for fid, s in state.iterrows():
        fr: dict[Any, Any] = ann_rows[str(fid)]
        for col in AMOUNTS:
            a, b = s[col], fr[col]
            if _blank(a) and _blank(b):
                continue
            if _blank(a) or _blank(b) or not math.isclose(float(a), float(b), abs_tol=1e-9):
                out.append(
                    Problem(
                        str(fr["_file"]),
                        int(fr["_line"]),
                        col,
                        f"differs from the amount in force after the flow's last "
                        f"event ({'empty' if _blank(a) else a}); add an event or "
                        f"correct the row",
                        "" if _blank(b) else str(b),
                    )
                )
    return out


def _relationship_rules(rel: pd.DataFrame, companies: set[str]) -> list[Problem]:
    """Two known, different companies."""
    out: list[Problem] = []
    for r in _rows(rel):
        for col in ("company_a", "company_b"):
            if r[col] not in companies:
                out.append(_p(r, col, "unknown company id (not in companies.csv)", r[col]))
        if r["company_a"] == r["company_b"]:
            out.append(_p(r, "company_b", "company_a and company_b must differ", r["company_b"]))
    return out


def _figure_rules(figures: pd.DataFrame, companies: set[str]) -> list[Problem]:
    """A known entity; at least one of value, low, high, ordered low ≤ value ≤ high."""
    out: list[Problem] = []
    entities = companies | set(GROUP_ENTITIES)
    for r in _rows(figures):
        if r["entity"] not in entities:
            out.append(
                _p(
                    r,
                    "entity",
                    "must be a company id or one of: " + ", ".join(GROUP_ENTITIES),
                    r["entity"],
                )
            )
        v, lo, hi = r["value"], r["low"], r["high"]
        if _blank(v) and _blank(lo) and _blank(hi):
            out.append(_p(r, "value", "at least one of value, low, high is required"))
        if not _blank(lo) and not _blank(hi) and lo > hi:
            out.append(_p(r, "low", f"must be ≤ high ({hi})", lo))
        if not _blank(v) and not _blank(lo) and v < lo:
            out.append(_p(r, "value", f"must be ≥ low ({lo})", v))
        if not _blank(v) and not _blank(hi) and v > hi:
            out.append(_p(r, "value", f"must be ≤ high ({hi})", v))
    return out


def _score_rules(f: dict[str, pd.DataFrame], companies: set[str]) -> list[Problem]:
    """Scores of listed companies with a complete rubric that gives the stated Q; the company's
    category is its latest score's; every rubric row belongs to a score."""
    out: list[Problem] = []
    comp = f["companies"]
    listed = set(comp.loc[comp["listed"] & comp["ticker"].notna(), "id"])
    comps = f["score_components"]
    by_key = {k: g for k, g in comps.groupby(["company_id", "as_of"])} if not comps.empty else {}
    for r in _rows(f["scores"]):
        cid = r["company_id"]
        if cid not in companies:
            out.append(_p(r, "company_id", "unknown company id (not in companies.csv)", cid))
        elif cid not in listed:
            out.append(
                _p(r, "company_id", "a scored company must be listed and have a ticker", cid)
            )
        if not _blank(r["ai_revenue_share"]) and _blank(r["ai_revenue_source_type"]):
            out.append(
                _p(r, "ai_revenue_source_type", "is required when ai_revenue_share is given")
            )
        g = by_key.get((cid, r["as_of"]))
        if g is None:
            continue
        have = set(g["component"])
        if have != set(COMPONENTS):
            missing = sorted(set(COMPONENTS) - have)
            out.append(_p(r, "qualitative", f"rubric incomplete: missing {', '.join(missing)}"))
            continue
        q = rubric_score(g["value"].to_numpy())
        if not math.isclose(q, float(r["qualitative"]), abs_tol=0.05):
            out.append(
                _p(
                    r,
                    "qualitative",
                    f"must equal the rubric score {q} = (mean of components − 1)/4×100",
                    r["qualitative"],
                )
            )
    scores = f["scores"]
    if not scores.empty:
        latest = scores.sort_values("as_of").groupby("company_id").tail(1)
        latest_cat = dict(zip(latest["company_id"], latest["category"], strict=True))
        for r in _rows(comp):
            want = latest_cat.get(r["id"])
            if want is not None and r["category"] != want:
                out.append(
                    _p(
                        r,
                        "category",
                        f"must equal the category of the company's latest score ({want})",
                        r["category"],
                    )
                )
    score_keys = set(zip(scores["company_id"], scores["as_of"], strict=True))
    for r in _rows(comps):
        if (r["company_id"], r["as_of"]) not in score_keys:
            out.append(
                _p(
                    r,
                    "company_id",
                    "component without a scores.csv row for the same company_id and as_of",
                    r["company_id"],
                )
            )
    return out


def _balance_sheet_rules(f: dict[str, pd.DataFrame], companies: set[str]) -> list[Problem]:
    """Known companies; published after the period end; debt due within a year ≤ total debt."""
    out: list[Problem] = []
    if "balance_sheets" not in f:
        return out
    for r in _rows(f["balance_sheets"]):
        if r["company_id"] not in companies:
            out.append(
                _p(r, "company_id", "unknown company id (not in companies.csv)", r["company_id"])
            )
        if r["source_date_known"] <= pd.Timestamp(r["period_end"]):
            out.append(
                _p(r, "source_date", "must be after period_end (the publication date)",
                   r["source_date"])
            )  # fmt: skip
        cur, tot = r["debt_current_usd_bn"], r["total_debt_usd_bn"]
        if not _blank(cur) and not _blank(tot) and float(cur) > float(tot):
            out.append(
                _p(r, "debt_current_usd_bn", f"must not exceed total_debt_usd_bn ({tot})", cur)
            )
    return out


def _revenue_and_financial_rules(f: dict[str, pd.DataFrame], companies: set[str]) -> list[Problem]:
    """Known companies; AI revenue known after its period, its share consistent."""
    out: list[Problem] = []
    for r in _rows(f["ai_revenue"]):
        if r["company_id"] not in companies:
            out.append(
                _p(r, "company_id", "unknown company id (not in companies.csv)", r["company_id"])
            )
        if r["known_from"] <= r["period_end"]:
            out.append(_p(r, "known_from", "must be after period_end", r["known_from"].date()))
        ai, tot = r["ai_revenue_usd_bn"], r["total_revenue_usd_bn"]
        if not _blank(ai) and not _blank(tot) and tot > 0 and abs(ai / tot - r["share"]) > 0.005:
            out.append(
                _p(
                    r,
                    "share",
                    f"must equal ai_revenue/total_revenue ({ai / tot:.4f}) within 0.005",
                    r["share"],
                )
            )
    for r in _rows(f["financials"]):
        if r["company_id"] not in companies:
            out.append(
                _p(r, "company_id", "unknown company id (not in companies.csv)", r["company_id"])
            )
        out += _financial_row_rules(r)
    return out


def _financial_row_rules(r: Any) -> list[Problem]:
    """Published after the period; gross profit ≤ revenue, operating income ≤ gross profit,
    data-centre revenue ≤ revenue."""
    out: list[Problem] = []
    if r["source_date_known"] <= pd.Timestamp(r["period_end"]):
        out.append(
            _p(
                r,
                "source_date",
                "must be after period_end (the publication date)",
                r["source_date"],
            )
        )

    def num(col: str) -> float:
        v = r.get(col)
        return math.nan if v is None or _blank(v) else float(v)

    rev, gp = num("revenue_usd_bn"), num("gross_profit_usd_bn")
    oi, dc = num("operating_income_usd_bn"), num("dc_revenue_usd_bn")
    # comparisons with NaN are False: a missing value breaks no rule
    if gp > rev:
        out.append(_p(r, "gross_profit_usd_bn", f"must not exceed revenue_usd_bn ({rev})", gp))
    if oi > gp:
        out.append(
            _p(r, "operating_income_usd_bn", f"must not exceed gross_profit_usd_bn ({gp})", oi)
        )
    if dc > rev:
        out.append(_p(r, "dc_revenue_usd_bn", f"must not exceed revenue_usd_bn ({rev})", dc))
    return out
