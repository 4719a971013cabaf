"""What each database engine does its own way (the Store's shared SQL does the rest).

One small class per engine, in the spirit of SQLAlchemy's dialects and
Superset's ``db_engine_specs``: connections, transactions, parameter style,
bulk load, upsert, schema DDL.  Queries, ingest, delete and summaries are
written once, in ``base.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from dashboard.core.errors import OborotError

# A schema version: SQL scripts and Python steps (engine, connection), run in order.
Migration = tuple["str | Callable[[Engine, Any], None]", ...]

_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
)


class Engine:
    """The operations that differ between engines.

    Connections are the engine driver's own (DuckDB or psycopg): both answer
    ``execute(sql).fetchone()``/``fetchall()`` for SQL without parameters.
    """

    name = ""
    location = ""  # where the store lives, for messages (no password)
    migrations: tuple[Migration, ...] = ()  # schema versions 1..n

    def __init__(self, *, create: bool) -> None:
        self.create = create  # False: a read command, which must not create a store
        self._schema_checked = False
        # One write at a time per store in this process (re-entrant: opening a connection
        # may create the tables, also from inside a write).
        self.write_lock: threading.RLock = threading.RLock()

    # -- connections and statements -------------------------------------------------

    def connection(self) -> AbstractContextManager[Any]:
        """A connection for one operation, its schema checked once per engine."""
        raise NotImplementedError

    def close(self) -> None:
        """Release held connections."""

    def transaction(self, con: Any) -> AbstractContextManager[None]:
        """BEGIN … COMMIT, rolled back on any exception."""
        raise NotImplementedError

    def execute(self, con: Any, sql: str, params: Sequence[object] = ()) -> Any:
        """Run one statement with ``?`` parameters; return a cursor-like result."""
        raise NotImplementedError

    def frame(self, con: Any, sql: str, params: Sequence[object] = (), *,
              sort_keys: int = 0) -> pd.DataFrame:
        """A query's result as a DataFrame with DuckDB's pandas conventions, sorted by
        its first ``sort_keys`` columns (ascending, nulls last, text by code point)."""
        raise NotImplementedError

    # -- writing ------------------------------------------------------------------------

    def bulk_session(self, con: Any) -> AbstractContextManager[None]:
        """Session settings for one large load (restored afterwards)."""
        return _nothing()

    def load_trade(self, con: Any, dataset_id: int, batches: list[pa.RecordBatch]) -> None:
        """Append canonical batches as rows of ``dataset_id`` (inside the open transaction)."""
        raise NotImplementedError

    def fill_summaries(self, con: Any, dataset_id: int) -> None:
        """Sum the dataset's rows into the summary tables (inside the open transaction)."""
        raise NotImplementedError

    def upsert_rates(self, con: Any, table: pa.Table) -> None:
        """Insert or replace rates on (date, currency, quote, source)."""
        raise NotImplementedError

    def after_load(self, con: Any) -> None:
        """Housekeeping once a load has committed (e.g. fresh planner statistics)."""

    def read_trade(self, con: Any, dataset_id: int) -> Iterator[pa.RecordBatch]:
        """A dataset's rows as canonical batches, streamed (for copying a store)."""
        raise NotImplementedError

    def restart_ids(self, con: Any, next_id: int) -> None:
        """Make ``nextval('dataset_ids')`` continue at ``next_id`` (after a copy)."""
        raise NotImplementedError

    def is_duplicate(self, exc: BaseException) -> bool:
        """True when ``exc`` is the unique sha256 refusing a file another loader committed."""
        return False

    # -- schema -------------------------------------------------------------------------

    def table_exists(self, con: Any, table: str) -> bool:
        """True when the store's schema holds this table."""
        return bool(self.execute(
            con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
            "AND table_schema = current_schema()", [table]).fetchone()[0])

    def schema_version(self, con: Any) -> int:
        """The highest migration applied to this store (0 before the first)."""
        if not self.table_exists(con, "schema_migrations"):
            return 0
        return int(self.execute(con, "SELECT coalesce(max(version), 0) FROM schema_migrations"
                                ).fetchone()[0])

    def migration_lock(self, con: Any) -> None:
        """Keep other processes from migrating at the same time (inside the transaction)."""

    def ensure_schema(self, con: Any) -> None:
        """Create or upgrade the schema to this version of Oborot, once per engine object.

        A store already at the current version is only read, so viewers need no
        write permission; a read command never creates one.
        """
        if self._schema_checked:
            return
        target = len(self.migrations)
        current = self.schema_version(con)
        if current > target:
            raise OborotError(f"{self.location}: the store was written by a newer Oborot "
                              f"(schema version {current}, this one knows {target})")
        if current < target:
            if current == 0 and not self.create and not self.table_exists(con, "datasets"):
                raise OborotError(f"{self.location}: no Oborot store here yet (load data "
                                  "first, e.g. `python -m dashboard demo`)")
            self._migrate(con, target)
        self._schema_checked = True

    def _migrate(self, con: Any, target: int) -> None:
        with self.transaction(con):
            self.migration_lock(con)
            self.execute(con, _MIGRATIONS_TABLE)
            current = self.schema_version(con)  # another process may have done it meanwhile
            for number in range(current + 1, target + 1):
                for step in self.migrations[number - 1]:
                    if callable(step):
                        step(self, con)
                    else:
                        self.execute(con, step)
                self.execute(con, "INSERT INTO schema_migrations VALUES (?, ?)",
                             [number, datetime.now(UTC).replace(tzinfo=None)])


@contextmanager
def _nothing() -> Iterator[None]:
    yield
