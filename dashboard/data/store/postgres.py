"""The server engine: PostgreSQL (15+) through psycopg 3, for shared deployments.

Many app instances and loaders share one database.  Each ingest is one
transaction (COPY of the rows, provenance, summaries, version bump), so readers
see a dataset whole or not at all; the unique sha256 makes a second loader of
the same file wait for the first and then report "already loaded".  Reads only
read: a role with SELECT on the tables is enough for a viewer instance.
"""

from __future__ import annotations

import io
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import adbc_driver_manager
import adbc_driver_postgresql.dbapi as adbc
import duckdb
import numpy as np
import pandas as pd
import psycopg
import psycopg.errors
import psycopg.sql
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from pgpq import ArrowToPostgresBinaryEncoder

from dashboard.core.errors import OborotError
from dashboard.data import definitions, notes, update_log
from dashboard.data.schema import TRADE_COLUMNS, TRADE_SCHEMA
from dashboard.data.store.engine import Engine
from dashboard.data.store.summaries import (
    SUMMARIES,
    combine,
    decoded,
    fill_summaries,
    refill,
    summarize,
)

# Text columns compare and sort byte-wise ("C"), as in DuckDB, whatever the
# database's locale: the same ORDER BY gives the same order on both engines.
_SCHEMA_V1 = """
CREATE SEQUENCE dataset_ids START 1;
CREATE TABLE datasets (
    id integer PRIMARY KEY,
    name text NOT NULL,
    format text NOT NULL,
    file_name text,
    sha256 text CONSTRAINT datasets_sha256_unique UNIQUE,
    row_count bigint NOT NULL DEFAULT 0,
    rejected_rows bigint NOT NULL DEFAULT 0,
    period_start text,
    period_end text,
    reporters text,
    encoding text,
    separator text,
    notes text,
    licence text,
    loaded_at timestamp NOT NULL
);
CREATE TABLE trade (
    dataset_id integer NOT NULL,
    reporter text COLLATE "C" NOT NULL,
    partner text COLLATE "C" NOT NULL,
    flow text COLLATE "C" NOT NULL,
    year smallint NOT NULL,
    month smallint,
    hs_code text COLLATE "C",
    value_usd double precision NOT NULL,
    net_kg double precision,
    quantity double precision,
    unit text COLLATE "C"
);
CREATE INDEX trade_dataset ON trade (dataset_id);
CREATE INDEX trade_reporter_year ON trade (reporter, year);
CREATE TABLE trade_by_partner (
    dataset_id integer NOT NULL,
    reporter text COLLATE "C" NOT NULL,
    partner text COLLATE "C" NOT NULL,
    flow text COLLATE "C" NOT NULL,
    year smallint NOT NULL,
    month smallint,
    value_usd double precision NOT NULL,
    net_kg double precision,
    quantity double precision
);
CREATE INDEX trade_by_partner_slice ON trade_by_partner (reporter, year, partner);
CREATE INDEX trade_by_partner_dataset ON trade_by_partner (dataset_id);
CREATE TABLE trade_by_heading (
    dataset_id integer NOT NULL,
    reporter text COLLATE "C" NOT NULL,
    flow text COLLATE "C" NOT NULL,
    year smallint NOT NULL,
    hs_code text COLLATE "C",
    value_usd double precision NOT NULL,
    net_kg double precision,
    quantity double precision
);
CREATE INDEX trade_by_heading_slice ON trade_by_heading (reporter, year);
CREATE INDEX trade_by_heading_dataset ON trade_by_heading (dataset_id);
CREATE TABLE fx_rates (
    date date NOT NULL,
    currency text COLLATE "C" NOT NULL,
    quote text COLLATE "C" NOT NULL,
    rate double precision NOT NULL,
    source text COLLATE "C" NOT NULL,
    fetched_at timestamp NOT NULL,
    PRIMARY KEY (date, currency, quote, source)
);
-- Bumped by every writing transaction: the cache key of every app instance.
CREATE TABLE store_version (changes bigint NOT NULL);
INSERT INTO store_version VALUES (0);
"""

# Block-range indexes on trade: a load appends its rows without keeping a B-tree entry
# per row up to date during the COPY, and since each chunk of a load goes in with
# each reporter's rows together, a range of 16 pages holds few reporters and a
# region's rows are found without reading the others.
_BRIN_TRADE = (
    "DROP INDEX IF EXISTS trade_dataset",
    "DROP INDEX IF EXISTS trade_reporter_year",
    "CREATE INDEX trade_dataset ON trade USING brin (dataset_id)",
    "CREATE INDEX trade_reporter_year ON trade USING brin (reporter, year) "
    "WITH (pages_per_range = 16)",
)

# The key order of each summary's covering index: the pages' grouping order, and the
# order in which a load writes the summary's rows (appending to the index, not
# scattering entries over it).
_SLICES = {
    "trade_by_partner": ("reporter", "year", "partner", "flow", "month"),
    "trade_by_heading": ("reporter", "year", "flow", "hs_code"),
    "trade_by_reporter": ("reporter", "year", "flow", "month"),
    "trade_by_chapter": ("reporter", "year", "flow", "hs_code"),
}


def _covering_index(table: str) -> str:
    return (f"CREATE INDEX {table}_slice ON {table} ({', '.join(_SLICES[table])}) "
            "INCLUDE (value_usd, net_kg, quantity)")


# A region's totals (KPIs, trends) from a few dozen rows; and the slices of the other
# summaries as covering indexes, so that a page reads them by an index-only scan
# (after_load's VACUUM keeps the visibility map current) already in group order.
_REPORTER_SUMMARY = (
    """CREATE TABLE trade_by_reporter (
        dataset_id integer NOT NULL,
        reporter text COLLATE "C" NOT NULL,
        flow text COLLATE "C" NOT NULL,
        year smallint NOT NULL,
        month smallint,
        value_usd double precision NOT NULL,
        net_kg double precision,
        quantity double precision
    )""",
    _covering_index("trade_by_reporter"),
    refill("trade_by_reporter"),
    "DROP INDEX trade_by_partner_slice",
    _covering_index("trade_by_partner"),
    "DROP INDEX trade_by_heading_slice",
    _covering_index("trade_by_heading"),
    # A load writes a dataset's summary rows together: a block range finds them for a
    # delete, and the load keeps one B-tree per row up to date, not two.
    "DROP INDEX trade_by_partner_dataset",
    "DROP INDEX trade_by_heading_dataset",
    *(f"CREATE INDEX {table}_dataset ON {table} USING brin (dataset_id)"
      for table in ("trade_by_partner", "trade_by_heading", "trade_by_reporter")),
)

# A region's HS chapters (the pages' HS-2 tables), summed from the headings.
_CHAPTER_SUMMARY = (
    """CREATE TABLE trade_by_chapter (
        dataset_id integer NOT NULL,
        reporter text COLLATE "C" NOT NULL,
        flow text COLLATE "C" NOT NULL,
        year smallint NOT NULL,
        hs_code text COLLATE "C",
        value_usd double precision NOT NULL,
        net_kg double precision,
        quantity double precision
    )""",
    _covering_index("trade_by_chapter"),
    "CREATE INDEX trade_by_chapter_dataset ON trade_by_chapter USING brin (dataset_id)",
    refill("trade_by_chapter"),
)

_MIGRATION_LOCK = 0x0B0207  # pg_advisory_xact_lock key: one migrating process at a time
_MAX_IDLE = 4  # connections kept for reuse
_BULK_WORK_MEM = "256MB"  # per sort or hash of one load's summaries
_COMPACT_PARTS = 4  # partial summaries combined once this many have piled up

# PostgreSQL type OIDs of result columns -> the Arrow type DuckDB would have returned.
_ARROW_TYPES = {
    16: pa.bool_(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 25: pa.string(),
    1043: pa.string(), 700: pa.float32(), 701: pa.float64(), 1700: pa.float64(),
    1082: pa.date32(), 1114: pa.timestamp("us"),
}
_COLUMN_TYPES = {"month": pa.int8()}  # TINYINT in the DuckDB schema
# Parameter types the Arrow reader takes, written into the statement as literals (a
# statement with a None goes through rows).
_ARROW_PARAMS = (str, int, float, date)
_TRADE_COPY = f"COPY trade (dataset_id, {', '.join(TRADE_COLUMNS)}) FROM STDIN (FORMAT binary)"
_CSV = pa_csv.WriteOptions(include_header=False)
_frames = threading.local()  # one in-memory DuckDB per thread turns results into frames


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _table_of_rows(cursor: psycopg.Cursor) -> pa.Table:
    """A fetched result as an Arrow table of the types DuckDB would have returned."""
    rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(cursor.description)
    arrays = []
    for column, values in zip(cursor.description, columns, strict=True):
        kind = _COLUMN_TYPES.get(column.name, _ARROW_TYPES.get(column.type_code))
        if column.type_code == 1700:
            values = [None if v is None else float(v) for v in values]
        elif kind is None:
            values = [None if v is None else (float(v) if isinstance(v, Decimal) else v)
                      for v in values]
        arrays.append(pa.array(values, type=kind))
    return pa.table(arrays, names=[c.name for c in cursor.description])


def _denied(location: str, exc: Exception) -> OborotError:
    return OborotError(f"{location}: permission denied ({_first_line(exc)}); viewers may "
                       "read, loading and deleting need a role that may write")


def _lost(location: str, exc: Exception) -> OborotError:
    return OborotError(f"{location}: the PostgreSQL connection failed ({_first_line(exc)}); "
                       "nothing was changed by the failed command")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _duckdb_types(table: pa.Table) -> pa.Table:
    """An ADBC result with the types DuckDB would have returned (numeric as double,
    month as TINYINT) and without the driver's per-field metadata."""
    columns, fields = [], []
    for field, column in zip(table.schema, table.columns, strict=True):
        kind = field.type
        if isinstance(kind, pa.OpaqueType) and kind.type_name == "numeric":  # as text
            column, kind = column.cast(kind.storage_type).cast(pa.float64()), pa.float64()
        elif field.name in _COLUMN_TYPES and pa.types.is_integer(kind):
            kind = _COLUMN_TYPES[field.name]
            column = column.cast(kind)
        columns.append(column)
        fields.append(pa.field(field.name, kind))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def _inlined(sql: str, params: Sequence[object]) -> str:
    """``sql`` with each ``?`` replaced by its parameter as an SQL literal.

    A statement without parameters comes back from ADBC's driver through COPY in
    PostgreSQL's binary format, faster than the rows of a prepared statement.
    psycopg writes the literals (quotes doubled, ``E''`` for backslashes), and only
    text, numbers and dates come here (see _ARROW_PARAMS).
    """
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError(f"{len(parts) - 1} placeholders for {len(params)} parameters")
    literals = [psycopg.sql.Literal(_param(p)).as_string() for p in params]
    return "".join(part + literal for part, literal in zip(parts, literals, strict=False)
                   ) + parts[-1]


def _param(value: object) -> object:
    """numpy scalars (from frames) as the Python values psycopg adapts."""
    return value.item() if isinstance(value, np.generic) else value


class PostgresEngine(Engine):
    """A PostgreSQL database named by a ``postgresql://`` URL; a few pooled connections."""

    name = "postgresql"
    migrations = ((_SCHEMA_V1,), (update_log.DDL,), (notes.NOTES_DDL,),
                  (*definitions.DDL, definitions.seed_starters), _BRIN_TRADE,
                  _REPORTER_SUMMARY, _CHAPTER_SUMMARY)

    def __init__(self, url: str, *, keep_open: bool, create: bool) -> None:
        super().__init__(create=create)
        self.url = url
        self.location = redacted(url)
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self._idle_readers: list[adbc.Connection] = []  # Arrow-native readers (ADBC)
        # Partial summaries of the rows loaded so far, per summary table (one load at a
        # time per Store: its write lock).
        self._partials: dict[str, list[pa.Table]] = {}
        self._copier: _Copier | None = None  # the load's COPYs in flight

    # -- connections ------------------------------------------------------------------

    def _new(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise OborotError(f"{self.location}: cannot connect to PostgreSQL ({reason})") from exc

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        with self._lock:
            con = self._idle.pop() if self._idle else None
        if con is None or con.closed:
            con = self._new()
        try:
            self.ensure_schema(con)
            yield con
        except psycopg.errors.InsufficientPrivilege as exc:
            raise _denied(self.location, exc) from exc
        except psycopg.OperationalError as exc:  # server restarted, network gone, …
            raise _lost(self.location, exc) from exc
        finally:
            idle = (not con.closed
                    and con.info.transaction_status == psycopg.pq.TransactionStatus.IDLE)
            with self._lock:
                if idle and len(self._idle) < _MAX_IDLE:
                    self._idle.append(con)
                    con = None
            if con is not None:
                con.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            readers, self._idle_readers = self._idle_readers, []
        for con in idle:
            con.close()
        for reader in readers:
            reader.close()

    def _arrow(self, sql: str, params: Sequence[object]) -> pa.Table:
        """One read through ADBC's PostgreSQL driver, which turns the server's binary
        result into Arrow in C++ (psycopg hands Python one message per result row, and a
        page's largest result holds twenty thousand headings)."""
        with self._lock:
            reader = self._idle_readers.pop() if self._idle_readers else None
        healthy = False
        try:
            if reader is None:
                reader = adbc.connect(self.url, autocommit=True)
            with reader.cursor() as cursor:
                cursor.execute(_inlined(sql, params))
                table = cursor.fetch_arrow_table()
            healthy = True
        except adbc_driver_manager.Error as exc:
            if getattr(exc, "sqlstate", None) == "42501":  # insufficient_privilege
                raise _denied(self.location, exc) from exc
            if isinstance(exc, adbc_driver_manager.ProgrammingError):
                raise
            raise _lost(self.location, exc) from exc
        finally:
            if reader is not None:
                with self._lock:
                    if healthy and len(self._idle_readers) < _MAX_IDLE:
                        self._idle_readers.append(reader)
                        reader = None
                if reader is not None:
                    reader.close()
        return _duckdb_types(table)

    @contextmanager
    def transaction(self, con: psycopg.Connection) -> Iterator[None]:
        with con.transaction():
            try:
                yield
            except BaseException:
                self._settle(failed=True)
                raise
            self._settle()

    def _settle(self, *, failed: bool = False) -> None:
        """Wait for the load's COPYs in flight; raise the first that failed, unless the
        load failed already (its own error is the one to report)."""
        copier, self._copier = self._copier, None
        if copier is not None:
            copier.finish(raise_error=not failed)

    def _copy_later(self, con: psycopg.Connection, sql: str, table: pa.Table,
                    order: _Order | None = None) -> None:
        """Queue a COPY of ``table`` on the load's copier thread (started by the first)."""
        if self._copier is None:
            self._copier = _Copier(con)
        self._copier.put(sql, table, order)

    def execute(self, con: psycopg.Connection, sql: str,
                params: Sequence[object] = ()) -> psycopg.Cursor:
        self._settle()
        if not params:
            return con.execute(sql.replace("?", "%s") if "?" in sql else sql)
        return con.execute(sql.replace("?", "%s"), [_param(p) for p in params])

    def frame(self, con: psycopg.Connection, sql: str,
              params: Sequence[object] = (), *, sort_keys: int = 0) -> pd.DataFrame:
        """The result as a frame: through ADBC's Arrow reader (``_arrow``) when the read
        needs no transaction of ``con``'s, else through psycopg's rows.

        The rows are sorted here, by Arrow, not by the server: an ORDER BY of a few
        thousand grouped rows cost the server more than the grouping itself.  Text keys
        are COLLATE "C" (see _SCHEMA_V1), so both orders are by code point, nulls last.
        """
        self._settle()
        idle = con.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        if idle and all(isinstance(p, (*_ARROW_PARAMS, np.generic)) for p in params):
            table = self._arrow(sql, params)
        else:
            table = _table_of_rows(self.execute(con, sql, params))
        if sort_keys:
            table = table.sort_by([(name, "ascending")
                                   for name in table.column_names[:sort_keys]])
        return _to_pandas(table)

    # -- writing ------------------------------------------------------------------------

    @contextmanager
    def bulk_session(self, con: psycopg.Connection) -> Iterator[None]:
        """Room to sort and group a dataset's rows in memory while its summaries are built.

        The planner has no statistics for rows COPYed in the same transaction and
        the default 4 MB spilled the summaries' sort to disk.
        """
        con.execute(f"SET work_mem = '{_BULK_WORK_MEM}'")
        self._partials = {}
        try:
            yield
        finally:
            self._partials = {}
            self._settle(failed=True)  # a load's transaction settled it already
            if not con.closed:
                con.execute("RESET work_mem")

    def load_trade(self, con: psycopg.Connection, dataset_id: int,
                   batches: list[pa.RecordBatch]) -> None:
        table = pa.Table.from_batches(batches)
        table = table.add_column(
            0, "dataset_id", pa.array(np.full(table.num_rows, dataset_id, dtype=np.int32)))
        self._copy_later(con, _TRADE_COPY, table, _by_reporter)
        # The summaries are summed here, by Arrow, while the rows are at hand (reading
        # them back from the table was most of a load's time on the server), and while
        # the server takes in the COPY of these rows on the copier's thread.
        for name, part in summarize(table).items():
            parts = self._partials.setdefault(name, [])
            parts.append(part)
            if len(parts) >= _COMPACT_PARTS:
                parts[:] = [combine(parts)]

    def fill_summaries(self, con: psycopg.Connection, dataset_id: int) -> None:
        partials, self._partials = self._partials, {}
        if not partials:  # rows that did not come through load_trade: sum them in SQL
            fill_summaries(self, con, dataset_id)
            return
        for name in SUMMARIES:
            parts = [p for p in partials.get(name, []) if p.num_rows]
            if not parts:
                continue
            # A reporter's rows on few pages, in the covering index's order.
            table = decoded(combine(parts)).sort_by(
                [(key, "ascending") for key in _SLICES[name]])
            if set(pc.unique(table.column("dataset_id")).to_pylist()) != {dataset_id}:
                raise OborotError(f"internal: summaries of another dataset than {dataset_id}")
            self._copy_later(
                con, f"COPY {name} ({', '.join(table.column_names)}) FROM STDIN (FORMAT binary)",
                table)
        # Statistics for the overlap check that follows in this transaction (a join on
        # trade_by_partner); the summaries are small, so this takes milliseconds.
        self.execute(con, "ANALYZE trade_by_partner")

    def upsert_rates(self, con: psycopg.Connection, table: pa.Table) -> None:
        self._settle()
        con.execute("CREATE TEMPORARY TABLE incoming_rates (LIKE fx_rates) ON COMMIT DROP")
        with con.cursor() as cursor, cursor.copy(
            "COPY incoming_rates (date, currency, quote, rate, source, fetched_at) "
            "FROM STDIN (FORMAT csv)"
        ) as copy:
            _copy_csv(copy, table.select(["date", "currency", "quote", "rate", "source",
                                          "fetched_at"]))
        con.execute(
            "INSERT INTO fx_rates SELECT DISTINCT ON (date, currency, quote, source) * "
            "FROM incoming_rates ON CONFLICT (date, currency, quote, source) DO UPDATE "
            "SET rate = excluded.rate, fetched_at = excluded.fetched_at"
        )

    def after_load(self, con: psycopg.Connection) -> None:
        """Planner statistics and a current visibility map for the summaries the pages
        read, now rather than when autovacuum gets round to them: a page's index-only
        scan must otherwise visit the table for every row of a new load.  trade itself,
        sampled by autovacuum within a minute, is left to it: analysing it here cost a
        small load a third of its time."""
        con.execute(f"VACUUM (ANALYZE) {', '.join(SUMMARIES)}")

    def read_trade(self, con: psycopg.Connection, dataset_id: int) -> Iterator[pa.RecordBatch]:
        # COPY out as CSV, spooled to a temp file and read back by Arrow in blocks: no
        # Python object per value, memory bounded by the block size.
        with tempfile.TemporaryFile() as spool:
            with con.cursor() as cursor, cursor.copy(
                f"COPY (SELECT {', '.join(TRADE_COLUMNS)} FROM trade "  # noqa: S608
                f"WHERE dataset_id = {int(dataset_id)}) TO STDOUT (FORMAT csv)"
            ) as copy:
                for chunk in copy:
                    spool.write(chunk)
            spool.seek(0)
            reader = pa_csv.open_csv(
                spool,
                read_options=pa_csv.ReadOptions(column_names=list(TRADE_COLUMNS),
                                                block_size=16 << 20),
                convert_options=pa_csv.ConvertOptions(
                    column_types=TRADE_SCHEMA, strings_can_be_null=True,
                    quoted_strings_can_be_null=False),
            )
            yield from reader

    def restart_ids(self, con: psycopg.Connection, next_id: int) -> None:
        con.execute("SELECT setval('dataset_ids', %s, false)", [next_id])

    def is_duplicate(self, exc: BaseException) -> bool:
        return (isinstance(exc, psycopg.errors.UniqueViolation)
                and exc.diag.constraint_name == "datasets_sha256_unique")

    def migration_lock(self, con: psycopg.Connection) -> None:
        con.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATION_LOCK])


_COPY_ROWS = 65_536  # rows per piece sent to COPY: a whole chunk's text is ~100 MB
_COPIES_AHEAD = 1  # chunks waiting for the copier: a load holds at most this many more
_Order = Callable[[pa.Table], pa.Array]  # the row order of a COPY, as take() indices
_Copy = tuple[str, pa.Table, _Order | None]


def _by_reporter(table: pa.Table) -> pa.Array:
    """The row order that puts each reporter's rows together, in order of first
    appearance (a region's rows on few pages, see _BRIN_TRADE): a sort of small
    integer codes, where a sort by the names compared strings."""
    codes = pc.dictionary_encode(table.column("reporter").combine_chunks())
    return pc.sort_indices(codes.indices)


class _Copier:
    """Runs a load's COPYs one after another on a helper thread.

    The server takes in one chunk's rows (one core's work) while the loading thread
    parses and sums the next: on two cores a load took the sum of both before.  The
    statements stay in order on the one connection (psycopg holds its lock for a
    whole COPY); after a failure the rest are dropped, and ``finish`` raises it.
    """

    def __init__(self, con: psycopg.Connection) -> None:
        self._con = con
        self._queue: queue.Queue[_Copy | None] = queue.Queue(maxsize=_COPIES_AHEAD)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="oborot-copy", daemon=True)
        self._thread.start()

    def put(self, sql: str, table: pa.Table, order: _Order | None = None) -> None:
        """Queue a COPY of ``table``'s rows, in the order ``order(table)`` gives (computed
        on the helper thread) or as they are."""
        self._raise()
        self._queue.put((sql, table, order))

    def finish(self, *, raise_error: bool = True) -> None:
        """Wait until every queued COPY has run; raise the first failure."""
        self._queue.put(None)
        self._thread.join()
        if raise_error:
            self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # dropped: the transaction is failing anyway
            sql, table, order = item
            try:
                with self._con.cursor() as cursor, cursor.copy(sql) as copy:
                    _copy_binary(copy, table, None if order is None else order(table))
            except BaseException as exc:  # raised on the loading thread by put or finish
                self._error = exc


def _copy_binary(copy: psycopg.Copy, table: pa.Table, order: pa.Array | None = None) -> None:
    """Send ``table`` to a ``COPY … FROM STDIN (FORMAT binary)`` piece by piece, its
    rows in ``order`` (indices) when given: each piece taken in turn, not a reordered
    copy of the whole chunk.

    pgpq encodes Arrow as PostgreSQL's binary COPY format in Rust: the server
    skips parsing text into numbers, and the client skips printing them.
    TINYINT (month) is widened to smallint, PostgreSQL's smallest integer.
    """
    target = pa.schema([pa.field(f.name, pa.int16() if pa.types.is_int8(f.type) else f.type)
                        for f in table.schema])
    encoder = ArrowToPostgresBinaryEncoder(target)
    copy.write(encoder.write_header())
    for start in range(0, table.num_rows, _COPY_ROWS):
        piece = (table.slice(start, _COPY_ROWS) if order is None
                 else table.take(order.slice(start, _COPY_ROWS)))
        for batch in piece.cast(target).to_batches():
            copy.write(encoder.write_batch(batch))
    copy.write(encoder.finish())


def _copy_csv(copy: psycopg.Copy, table: pa.Table) -> None:
    """Send ``table`` to a ``COPY … FROM STDIN (FORMAT csv)`` piece by piece.

    Arrow's C++ CSV writer: nulls as empty fields, "" for empty text, shortest
    round-trip doubles; COPY's CSV format reads exactly that back.
    """
    for piece in table.to_batches(max_chunksize=_COPY_ROWS):
        sink = io.BytesIO()
        pa_csv.write_csv(piece, sink, _CSV)
        copy.write(sink.getbuffer())


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """The frame DuckDB's ``.df()`` would give for these columns (same dtypes on both engines)."""
    local = getattr(_frames, "con", None)
    if local is None:
        local = _frames.con = duckdb.connect()
    return local.from_arrow(table).df()
