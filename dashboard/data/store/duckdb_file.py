"""The embedded engine: one DuckDB file, one writing process at a time."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from dashboard.core.errors import OborotError
from dashboard.data import definitions, notes, update_log
from dashboard.data.schema import TRADE_COLUMNS, TRADE_SCHEMA
from dashboard.data.store.engine import Engine
from dashboard.data.store.summaries import fill_summaries

_SCHEMA_V1 = """
CREATE SEQUENCE IF NOT EXISTS dataset_ids START 1;
CREATE TABLE IF NOT EXISTS datasets (
    id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    file_name VARCHAR,
    sha256 VARCHAR UNIQUE,
    row_count BIGINT NOT NULL DEFAULT 0,
    rejected_rows BIGINT NOT NULL DEFAULT 0,
    period_start VARCHAR,
    period_end VARCHAR,
    reporters VARCHAR,
    encoding VARCHAR,
    separator VARCHAR,
    notes VARCHAR,
    licence VARCHAR,
    loaded_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS trade (
    dataset_id INTEGER NOT NULL,
    reporter VARCHAR NOT NULL,
    partner VARCHAR NOT NULL,
    flow VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    month TINYINT,
    hs_code VARCHAR,
    value_usd DOUBLE NOT NULL,
    net_kg DOUBLE,
    quantity DOUBLE,
    unit VARCHAR
);
-- Covering sums of trade per dataset, built in the ingest's transaction: the pages'
-- questions (a reporter's flows by partner and month, or by HS heading) read these few
-- thousand rows per reporter instead of scanning every customs line.  Headings are
-- summed over whole years (months and YTD views read trade itself).
CREATE TABLE IF NOT EXISTS trade_by_partner (
    dataset_id INTEGER NOT NULL,
    reporter VARCHAR NOT NULL,
    partner VARCHAR NOT NULL,
    flow VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    month TINYINT,
    value_usd DOUBLE NOT NULL,
    net_kg DOUBLE,
    quantity DOUBLE
);
CREATE TABLE IF NOT EXISTS trade_by_heading (
    dataset_id INTEGER NOT NULL,
    reporter VARCHAR NOT NULL,
    flow VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    hs_code VARCHAR,
    value_usd DOUBLE NOT NULL,
    net_kg DOUBLE,
    quantity DOUBLE
);
CREATE TABLE IF NOT EXISTS fx_rates (
    date DATE NOT NULL,
    currency VARCHAR NOT NULL,
    quote VARCHAR NOT NULL,
    rate DOUBLE NOT NULL,
    source VARCHAR NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    PRIMARY KEY (date, currency, quote, source)
);
-- Bumped by every writing transaction: the cache key of every app instance.
CREATE TABLE IF NOT EXISTS store_version (changes BIGINT NOT NULL);
INSERT INTO store_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM store_version);
"""


def _backfill_summaries(engine: Engine, con: Any) -> None:
    """Build the summaries once for a store written before they existed."""
    missing = con.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM trade_by_partner) AND EXISTS (SELECT 1 FROM trade)"
    ).fetchone()[0]
    if missing:
        fill_summaries(engine, con, None)


_LOCK_WAIT_S = 10.0
_READ_ROWS = 4 * 122_880  # rows per batch when a dataset is read back


def _lock_wait_s() -> float:
    """Seconds to wait for another process's lock: ``OBOROT_LOCK_WAIT_S`` or _LOCK_WAIT_S."""
    try:
        return float(os.environ.get("OBOROT_LOCK_WAIT_S", _LOCK_WAIT_S))
    except ValueError:
        return _LOCK_WAIT_S


_WRITE_LOCKS: dict[Path, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.RLock:
    """The lock every Store of this file shares in this process (DuckDB locks other processes).

    Re-entrant: opening a connection (which creates missing tables) takes it too, also
    from inside a write.
    """
    key = path.expanduser().resolve()
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.RLock())


class DuckDBEngine(Engine):
    """One DuckDB file.  ``keep_open`` holds a connection for a long-running app.

    DuckDB lets one process write a file at a time: a short-lived CLI connection
    waits up to ``OBOROT_LOCK_WAIT_S`` for another process to let go, then says so.
    """

    name = "duckdb"
    # Version 1 is the layout of every store written before migrations were counted:
    # IF NOT EXISTS keeps their tables, the backfill adds the summaries they lacked.
    migrations = ((_SCHEMA_V1, _backfill_summaries), (update_log.DDL,), (notes.NOTES_DDL,),
                  (*definitions.DDL, definitions.seed_starters))

    def __init__(self, path: Path, *, keep_open: bool, create: bool) -> None:
        super().__init__(create=create)
        self.path = path
        self.location = str(path)
        self.write_lock = _write_lock(path)
        self._keep_open = keep_open
        self._base: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise OborotError(f"{self.path}: no store here (is the path right?)")
        deadline = time.monotonic() + _lock_wait_s()
        while True:
            try:
                con = duckdb.connect(str(self.path))
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise OborotError(
                        f"{self.path}: cannot open the DuckDB store (a damaged or truncated "
                        f"copy?): {exc}") from exc
                if time.monotonic() > deadline:
                    raise OborotError(
                        f"{self.path}: the store is in use by another process "
                        "(is the dashboard running? load files through its Data page)"
                    ) from exc
                time.sleep(0.2)
            except duckdb.Error as exc:
                raise OborotError(f"{self.path}: cannot open the DuckDB store ({exc})") from exc
        try:
            with self.write_lock:  # two connections creating the tables at once conflict
                self.ensure_schema(con)
        except BaseException:
            con.close()
            raise
        return con

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation (a cursor of the held one when kept open)."""
        if self._keep_open:
            with self._lock:
                if self._base is None:
                    self._base = self._open()
            cursor = self._base.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
        else:
            con = self._open()
            try:
                yield con
            finally:
                con.close()

    def close(self) -> None:
        with self._lock:
            if self._base is not None:
                self._base.close()
                self._base = None

    @contextmanager
    def transaction(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def execute(self, con: duckdb.DuckDBPyConnection, sql: str,
                params: Sequence[object] = ()) -> duckdb.DuckDBPyConnection:
        return con.execute(sql, list(params)) if params else con.execute(sql)

    def frame(self, con: duckdb.DuckDBPyConnection, sql: str,
              params: Sequence[object] = ()) -> pd.DataFrame:
        return self.execute(con, sql, params).df()

    @contextmanager
    def bulk_session(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """Let DuckDB append row groups in parallel while a dataset loads.

        Rows of a dataset then land in no particular order, which nothing relies on:
        every query of the store says ORDER BY.  The setting is restored afterwards.
        """
        con.execute("SET preserve_insertion_order = false")
        try:
            yield
        finally:
            con.execute("RESET preserve_insertion_order")

    def load_trade(self, con: duckdb.DuckDBPyConnection, dataset_id: int,
                   batches: list[pa.RecordBatch]) -> None:
        # A relation rather than register(): a view registered and dropped inside the open
        # transaction keeps its Arrow data alive until COMMIT, so a 10M-row load held every
        # batch in memory at once.
        dataset = duckdb.ConstantExpression(dataset_id).cast(duckdb.sqltype("INTEGER"))
        con.from_arrow(pa.Table.from_batches(batches)).project(
            dataset.alias("dataset_id"), *(duckdb.ColumnExpression(c) for c in TRADE_COLUMNS)
        ).insert_into("trade")

    def read_trade(self, con: duckdb.DuckDBPyConnection,
                   dataset_id: int) -> Iterator[pa.RecordBatch]:
        reader = con.sql(
            f"SELECT {', '.join(TRADE_COLUMNS)} FROM trade WHERE dataset_id = ?",  # noqa: S608
            params=[dataset_id]).to_arrow_reader(_READ_ROWS)
        for batch in reader:
            yield batch.cast(TRADE_SCHEMA)

    def restart_ids(self, con: duckdb.DuckDBPyConnection, next_id: int) -> None:
        # DuckDB has no setval: the sequence is made again, inside the same transaction.
        con.execute("DROP SEQUENCE dataset_ids")
        con.execute(f"CREATE SEQUENCE dataset_ids START {int(next_id)}")

    def fill_summaries(self, con: duckdb.DuckDBPyConnection, dataset_id: int) -> None:
        fill_summaries(self, con, dataset_id)  # DuckDB's own GROUP BY is the fast path

    def upsert_rates(self, con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
        con.register("incoming_rates", table)
        try:
            con.execute(
                "INSERT OR REPLACE INTO fx_rates (date, currency, quote, rate, source, "
                "fetched_at) SELECT date, currency, quote, rate, source, fetched_at "
                "FROM incoming_rates"
            )
        finally:
            con.unregister("incoming_rates")
