"""The DuckDB store under AIINFRA_HOME (single writer, transactional, versioned schema)."""

from __future__ import annotations

from aiinfra.store._store import MIGRATIONS, SCHEMA_VERSION, Store

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store"]
