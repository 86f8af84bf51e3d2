"""Mapping a fund's holding lines to ledger companies: by ticker, then by name.

A listing line is written in several ways: Yahoo style (``2330.TW``, the ledger's own),
Bloomberg style (``2330 TT``, ``NVDA UW``, ``ASML NA``), bare with the exchange in a column of
its own (``2330`` on "Taiwan Stock Exchange", the iShares way) or as the US depositary receipt
(``TSM``). Each is reduced to a key ``(root, exchange)``: the root in upper case (numeric roots
without leading zeros: ``0700`` = ``700``), the exchange as the Yahoo suffix (``TW``, ``T``,
``AS``; ``""`` for a US line). The ledger's ``ticker`` and ``alt_tickers`` are keyed the same
way, so a holding maps when its key is one of a company's.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

__all__ = [
    "MAPPING_COLUMNS",
    "exchange_suffix",
    "map_holdings",
    "normalise_name",
    "ticker_key",
]

#: US listing: the key's exchange for a bare alphabetic ticker without an exchange given
US = ""
#: an exchange is named but not one this module knows: match by name only
UNKNOWN = "?"

#: Yahoo / Reuters suffix → the key's exchange (several suffixes can name one market)
_SUFFIX = {
    "TW": "TW", "TWO": "TW", "HK": "HK", "T": "T", "KS": "KS", "KQ": "KQ", "AS": "AS",
    "PA": "PA", "DE": "DE", "F": "DE", "HE": "HE", "SZ": "SZ", "SS": "SS", "OL": "OL",
    "AX": "AX", "TO": "TO", "V": "TO", "L": "L", "SW": "SW", "MI": "MI", "ST": "ST",
    "CO": "CO", "BR": "BR", "MC": "MC", "SR": "SR", "NS": "NS", "BO": "NS", "TA": "TA",
    "SI": "SI", "KL": "KL", "O": US, "N": US, "OQ": US, "K": US, "A": US,
}  # fmt: skip
#: Bloomberg exchange code → the key's exchange
_BLOOMBERG = {
    "US": US, "UW": US, "UQ": US, "UN": US, "UR": US, "UA": US, "UP": US, "UF": US, "UV": US,
    "TT": "TW", "HK": "HK", "JP": "T", "JT": "T", "KS": "KS", "KQ": "KQ", "NA": "AS",
    "FP": "PA", "GY": "DE", "GR": "DE", "GF": "DE", "FH": "HE", "C2": "SZ", "C1": "SS",
    "NO": "OL", "AU": "AX", "AT": "AX", "CN": "TO", "CT": "TO", "LN": "L", "SW": "SW",
    "SE": "SW", "IM": "MI", "SS": "ST", "DC": "CO", "BB": "BR", "SM": "MC", "AB": "SR",
    "IN": "NS", "IT": "TA", "SP": "SI", "MK": "KL",
}  # fmt: skip
#: words in an exchange's name → the key's exchange, first match wins (Euronext before NYSE:
#: "Nyse Euronext - Euronext Paris" is Paris)
_EXCHANGE_WORDS: tuple[tuple[str, str], ...] = (
    ("euronext amsterdam", "AS"), ("euronext paris", "PA"), ("euronext brussels", "BR"),
    ("euronext", UNKNOWN), ("nasdaq", US), ("new york", US), ("nyse", US), ("arca", US),
    ("cboe", US), ("bats", US), ("otc", US), ("taiwan", "TW"), ("gretai", "TW"),
    ("taipei", "TW"), ("tokyo", "T"), ("japan", "T"), ("kosdaq", "KQ"), ("korea", "KS"),
    ("hong kong", "HK"), ("shanghai", "SS"), ("shenzhen", "SZ"), ("xetra", "DE"),
    ("frankfurt", "DE"), ("deutsche", "DE"), ("helsinki", "HE"), ("oslo", "OL"),
    ("toronto", "TO"), ("australia", "AX"), ("asx", "AX"), ("london", "L"), ("swiss", "SW"),
    ("six", "SW"), ("borsa italiana", "MI"), ("milan", "MI"), ("stockholm", "ST"),
    ("copenhagen", "CO"), ("madrid", "MC"), ("saudi", "SR"), ("india", "NS"),
    ("tel aviv", "TA"), ("singapore", "SI"), ("bursa malaysia", "KL"),
)  # fmt: skip
_NO_EXCHANGE = {"", "-", "--", "n/a", "na", "none"}

#: the columns of :func:`map_holdings`' result
MAPPING_COLUMNS = ["line", "ticker", "name", "exchange", "weight", "company_id",
                   "company_name", "matched_by", "reason"]  # fmt: skip


def exchange_suffix(exchange: str | None) -> str | None:
    """The key's exchange for an exchange column's text: a Yahoo suffix, ``""`` for a US
    market, ``"?"`` for a market this module does not know, None when no exchange is given.

    >>> [exchange_suffix(x) for x in ("NASDAQ", "Taiwan Stock Exchange",
    ...                               "Nyse Euronext - Euronext Paris", "Moon Exchange", "-")]
    ['', 'TW', 'PA', '?', None]
    """
    text = (exchange or "").strip().lower()
    if text in _NO_EXCHANGE:
        return None
    for word, suffix in _EXCHANGE_WORDS:
        if word in text:
            return suffix
    return UNKNOWN


def _root(root: str) -> str:
    root = re.sub(r"[/\-](?=[A-Z]$)", ".", root.strip().upper())  # BRK/B, BRK-B → BRK.B
    return (root.lstrip("0") or "0") if root.isdigit() else root


def ticker_key(ticker: str, exchange: str | None = None) -> tuple[str, str | None] | None:
    """The key ``(root, exchange)`` of a listing line (see the module docstring).

    The exchange is the ticker's own suffix or Bloomberg code when it has one, else the
    ``exchange`` column's; without either, a bare alphabetic ticker is a US line and a bare
    numeric one is ``None`` (any market: it matches a ledger line with that number when only one
    company has it). None for an empty ticker.

    >>> [ticker_key(t) for t in ("2330.TW", "2330 TT", "TSM", "0700.HK", "NVDA UW Equity")]
    [('2330', 'TW'), ('2330', 'TW'), ('TSM', ''), ('700', 'HK'), ('NVDA', '')]
    >>> ticker_key("ASML", "Euronext Amsterdam"), ticker_key("2330")
    (('ASML', 'AS'), ('2330', None))
    """
    t = re.sub(r"\s+EQUITY$", "", (ticker or "").strip().upper())
    if not t:
        return None
    if " " in t:
        root, code = t.rsplit(" ", 1)
        if code in _BLOOMBERG:
            return _root(root), _BLOOMBERG[code]
    if "." in t:
        root, suffix = t.rsplit(".", 1)
        if suffix in _SUFFIX and root:
            return _root(root), _SUFFIX[suffix]
    given = exchange_suffix(exchange)
    if given is not None:
        return _root(t), given
    return (_root(t), None) if _root(t).isdigit() else (_root(t), US)


#: words dropped from the end of a company name (legal forms, share classes, listing forms)
_SUFFIX_WORDS = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "plc",
    "sa", "nv", "ag", "se", "asa", "ab", "oyj", "spa", "holdings", "holding", "group", "llc",
    "lp", "kk", "adr", "ads", "sponsored", "spons", "ord", "ordinary", "shares", "share",
    "common", "stock", "reg", "registered", "new", "com", "the", "industry", "industries",
    "sp", "ny", "n", "shs",
}  # fmt: skip


def normalise_name(name: str) -> str:
    """A company name reduced for matching: accents, punctuation, parentheses, share classes
    and legal forms dropped, lower case.

    >>> [normalise_name(n) for n in ("NVIDIA CORP", "Alphabet Inc Class C", "Amazon (AWS)",
    ...                              "ASML HOLDING NV-NY REG SHS", "Société Générale S.A.")]
    ['nvidia', 'alphabet', 'amazon', 'asml', 'societe generale']
    """
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"\b(class|cl|series)\s+[a-z]\b", " ", text)
    text = text.replace("&", " and ")
    text = re.sub(r"\bs\.a\.|\bn\.v\.", " ", text)
    words = re.sub(r"[^\w\s]|_", " ", text).split()
    while words and words[-1] in _SUFFIX_WORDS:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


class _LedgerIndex:
    """The ledger's companies keyed by listing line, by number and by normalised name."""

    def __init__(self, companies: pd.DataFrame) -> None:
        self.names: dict[str, str] = {}
        self.by_key: dict[tuple[str, str | None], set[str]] = {}
        self.by_number: dict[str, set[str]] = {}
        self.by_name: dict[str, set[str]] = {}
        for rec in companies.to_dict(orient="records"):
            cid = str(rec["id"])
            self.names[cid] = str(rec["name"])
            alts = rec.get("alt_tickers")
            lines = [rec.get("ticker"), *(str(alts).split(";") if isinstance(alts, str) else [])]
            for line in lines:
                if not isinstance(line, str) or not line.strip():
                    continue
                key = ticker_key(line)
                if key is None:
                    continue
                self.by_key.setdefault(key, set()).add(cid)
                if key[0].isdigit():
                    self.by_number.setdefault(key[0], set()).add(cid)
            for text in (str(rec["name"]), cid.replace("_", " ")):
                n = normalise_name(text)
                if n:
                    self.by_name.setdefault(n, set()).add(cid)

    def by_ticker(self, key: tuple[str, str | None] | None) -> set[str]:
        if key is None or key[1] == UNKNOWN:
            return set()
        if key[1] is None:
            return self.by_number.get(key[0], set())
        return self.by_key.get(key, set())


_CASH = re.compile(
    r"\bcash\b|^[a-z]{3}/[a-z]{3}$|\bfutures?\b|\bcollateral\b|\bforwards?\b"
    r"|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)( \d\d)?$",
    re.IGNORECASE,
)


def map_holdings(frame: pd.DataFrame, companies: pd.DataFrame) -> pd.DataFrame:
    """Each holding line with the ledger company it maps to.

    Parameters
    ----------
    frame : DataFrame
        Holding lines with ``line``, ``ticker``, ``name``, ``exchange``, ``weight``
        (:attr:`Holdings.frame`).
    companies : DataFrame
        The ledger's ``companies`` table (``id``, ``name``, ``ticker``, ``alt_tickers``).

    Returns
    -------
    DataFrame
        :data:`MAPPING_COLUMNS`: the line's fields, ``company_id`` and ``company_name`` (empty
        when unmapped), ``matched_by`` (``ticker``, ``name`` or empty) and ``reason`` (why a
        line did not map: no ledger company with its ticker or name; its ticker or name fits
        several; a cash, currency or derivative line).

    Notes
    -----
    A ticker that maps wins over the name. A name maps when its normalised form
    (:func:`normalise_name`) equals exactly one company's normalised name or id; names are not
    matched fuzzily, so a near miss is reported, never guessed.

    Examples
    --------
    >>> comp = pd.DataFrame({"id": ["tsmc", "micron"], "name": ["TSMC", "Micron Technology"],
    ...                      "ticker": ["2330.TW", "MU"], "alt_tickers": ["TSM", None]})
    >>> lines = pd.DataFrame({"line": [2, 3, 4], "ticker": ["2330 TT", "", "XYZ"],
    ...                       "name": ["", "MICRON TECHNOLOGY INC", "Other"],
    ...                       "exchange": ["", "", ""], "weight": [0.5, 0.3, 0.2]})
    >>> map_holdings(lines, comp)[["company_id", "matched_by"]].values.tolist()
    [['tsmc', 'ticker'], ['micron', 'name'], ['', '']]
    """
    index = _LedgerIndex(companies)
    rows: list[dict[str, Any]] = []
    for rec in frame.to_dict(orient="records"):
        ticker, name = str(rec["ticker"] or ""), str(rec["name"] or "")
        cid, how, reason = "", "", ""
        by_ticker = index.by_ticker(ticker_key(ticker, str(rec.get("exchange") or "")))
        n = normalise_name(name)
        by_name = index.by_name.get(n, set()) if n else set()
        if len(by_ticker) == 1:
            cid, how = next(iter(by_ticker)), "ticker"
        elif len(by_name) == 1:
            cid, how = next(iter(by_name)), "name"
        elif len(by_ticker) > 1 or len(by_name) > 1:
            several = sorted(by_ticker if len(by_ticker) > 1 else by_name)
            reason = "fits several ledger companies: " + ", ".join(several)
        elif _CASH.search(name) or (not name and _CASH.search(ticker)):
            reason = "a cash, currency or derivative line"
        else:
            reason = "no ledger company with this ticker or name"
        rows.append(
            {
                **{k: rec[k] for k in ("line", "ticker", "name", "exchange", "weight")},
                "company_id": cid,
                "company_name": index.names.get(cid, ""),
                "matched_by": how,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)
