"""The notices about how an index was formed, for the interfaces (the web pages import
services, not the domain): :mod:`aiinfra.backtest` words them in numbers."""

from __future__ import annotations

from aiinfra.backtest import CANNOT_PRICE, candidate_counts, index_notice_parts

__all__ = ["CANNOT_PRICE", "candidate_counts", "index_notice_parts"]
