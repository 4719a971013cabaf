"""The store: one interface (``Store``), two engines (a DuckDB file, PostgreSQL).

``Store(target)`` takes a path (the embedded DuckDB file) or a
``postgresql://`` URL.  ``base`` holds the interface and the SQL both engines
share; ``duckdb_file`` and ``postgres`` hold only what differs.
"""

from dashboard.data.store.base import CopiedDataset, IngestResult, Store, TradeQuery
from dashboard.data.store.target import StoreTargetError, engine_for

__all__ = ["CopiedDataset", "IngestResult", "Store", "StoreTargetError", "TradeQuery", "engine_for"]
