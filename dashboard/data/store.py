"""The DuckDB store: one file holding trade rows, dataset provenance and exchange rates.

Every ingest is one transaction: the dataset's provenance row and all its trade
rows land together, or nothing changes.  Aggregations run in SQL with filters
pushed down (always ``?`` parameters), so pandas only ever sees small frames.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.errors import LimitError, NotFoundError, OborotError
from dashboard.core.terms import CONFIDENTIAL_SQL, HS_DIGITS
from dashboard.data import update_log
from dashboard.data.schema import TRADE_COLUMNS
from dashboard.data.sources.base import TradeBatches

log = logging.getLogger(__name__)

_DDL = """
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
"""

# Grouping keys a caller may ask for, and the SQL each stands for.
_GROUP_EXPR = {
    "reporter": "reporter",
    "partner": "partner",
    "flow": "flow",
    "year": "year",
    "month": "month",
    "unit": "unit",
    "dataset_id": "dataset_id",
}
_HS_LEVELS = HS_DIGITS
_LOCK_WAIT_S = 10.0


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


def _lock_wait_s() -> float:
    """Seconds to wait for another process's lock: ``OBOROT_LOCK_WAIT_S`` or _LOCK_WAIT_S."""
    try:
        return float(os.environ.get("OBOROT_LOCK_WAIT_S", _LOCK_WAIT_S))
    except ValueError:
        return _LOCK_WAIT_S


@dataclass(frozen=True)
class IngestResult:
    """What one ingest did; ``already_loaded`` means the same bytes were loaded before."""

    dataset_id: int
    format: str
    rows: int
    rejected: int
    period_start: str | None
    period_end: str | None
    already_loaded: bool = False
    encoding: str = ""
    separator: str = ""
    notes: tuple[str, ...] = ()
    overlaps: tuple[int, ...] = ()  # older datasets this one double-counts with (kept)
    replaced: tuple[int, ...] = ()  # older datasets it overlapped and replaced (deleted)


@dataclass(frozen=True)
class TradeQuery:
    """Filters pushed down into SQL; ``None`` means no restriction."""

    reporter: str | None = None
    partners: tuple[str, ...] | None = None
    flows: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None
    months: tuple[int, ...] | None = None  # restricts to monthly rows in these months
    hs_prefix: str | None = None  # codes starting with these digits
    dataset_ids: tuple[int, ...] | None = None
    # A basket: codes starting with any of these prefixes (each row counted once).
    hs_prefixes: tuple[str, ...] | None = None
    # A partner group with dated members: (year, partners of that year) pairs; rows of
    # other years are left out.
    partners_by_year: tuple[tuple[int, tuple[str, ...]], ...] | None = None


class Store:
    """One DuckDB file.  ``keep_open`` holds a connection for a long-running app.

    DuckDB lets one process write a file at a time: a short-lived CLI connection
    waits up to ``_LOCK_WAIT_S`` for another process to let go, then says so.
    """

    def __init__(self, path: str | Path, *, keep_open: bool = False) -> None:
        self.path = Path(path)
        self._keep_open = keep_open
        self._base: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()
        self._write_lock = _write_lock(self.path)  # one write at a time per file and process

    # -- connections ---------------------------------------------------------------

    def _open(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + _lock_wait_s()
        while True:
            try:
                con = duckdb.connect(str(self.path))
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise OborotError(
                        f"{self.path}: the store is in use by another process "
                        "(is the dashboard running? load files through its Data page)"
                    ) from exc
                time.sleep(0.2)
            except duckdb.Error as exc:
                raise OborotError(f"{self.path}: cannot open the store ({exc})") from exc
        with self._write_lock:  # two connections creating the tables at once conflict
            con.execute(_DDL)
            con.execute(update_log.DDL)
            _backfill_summaries(con)
        return con

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
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
        """Release the held connection, if any."""
        with self._lock:
            if self._base is not None:
                self._base.close()
                self._base = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- datasets ------------------------------------------------------------------

    def find_by_sha256(self, sha256: str) -> int | None:
        """The id of the dataset loaded from a file with these bytes, if any."""
        with self.connect() as con:
            return _dataset_with_sha256(con, sha256)

    def ingest(
        self,
        parsed: TradeBatches,
        *,
        name: str,
        file_name: str | None,
        sha256: str | None,
        max_rows: int | None = None,
        progress: Callable[[int], None] | None = None,
        replace: bool = False,
    ) -> IngestResult:
        """Load all batches as one dataset in one transaction; raise and change nothing on error.

        Older datasets with rows for the same reporter, partner, flow and period
        (an annual row covers every month of its year) would be counted twice:
        they are named in the notes and ``overlaps``, or with ``replace`` deleted
        in the same transaction and named in ``replaced``.
        """
        if sha256 is not None:
            existing = self.find_by_sha256(sha256)
            if existing is not None:
                return self.already_loaded(existing)
        started = time.perf_counter()
        with self._write_lock, self.connect() as con, _bulk_insert(con):
            con.execute("BEGIN TRANSACTION")
            try:
                # Asked again under the write lock: another process (or thread) may have
                # loaded the same bytes since the check above, and the second load must
                # say "already loaded" rather than break the sha256 constraint.
                existing = _dataset_with_sha256(con, sha256)
                if existing is not None:
                    con.execute("ROLLBACK")
                    return _already_loaded(con, existing)
                dataset_id = int(con.execute("SELECT nextval('dataset_ids')").fetchone()[0])
                con.execute(
                    "INSERT INTO datasets (id, name, format, file_name, sha256, encoding, "
                    "separator, licence, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [dataset_id, name, parsed.format, file_name, sha256, parsed.encoding,
                     parsed.separator, parsed.licence, _now()],
                )
                tally = _Tally()
                pending: list[pa.RecordBatch] = []
                for batch in _prefetched(parsed.batches):
                    if max_rows is not None and tally.rows + batch.num_rows > max_rows:
                        raise LimitError(
                            f"{file_name or name}: more than {max_rows:,} rows "
                            "(the configured limit, OBOROT_MAX_ROWS)"
                        )
                    pending.append(batch)
                    if sum(b.num_rows for b in pending) >= _INSERT_ROWS:
                        _insert_batches(con, dataset_id, pending)
                        pending = []
                    tally.add(batch)
                    if progress is not None:
                        progress(tally.rows)
                if pending:
                    _insert_batches(con, dataset_id, pending)
                rows = tally.rows
                if rows == 0:
                    raise OborotError(f"{file_name or name}: the file holds no data rows")
                period_start, period_end, reporters = tally.summary()
                _fill_summaries(con, dataset_id)
                overlap = _overlapping(con, dataset_id)
                if overlap and replace:
                    for older in overlap:
                        _delete_rows(con, older)
                    parsed.notes.append(overlap_note(overlap, replaced=True))
                elif overlap:
                    parsed.notes.append(overlap_note(overlap, replaced=False))
                con.execute(
                    "UPDATE datasets SET row_count = ?, rejected_rows = ?, period_start = ?, "
                    "period_end = ?, reporters = ?, notes = ? WHERE id = ?",
                    [rows, parsed.rejected, period_start, period_end, reporters,
                     "\n".join(parsed.notes), dataset_id],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        log.info("ingested dataset %s: %s rows in %.2f s", dataset_id, rows,
                 time.perf_counter() - started)
        return IngestResult(
            dataset_id=dataset_id, format=parsed.format, rows=rows, rejected=parsed.rejected,
            period_start=period_start, period_end=period_end, encoding=parsed.encoding,
            separator=parsed.separator, notes=tuple(parsed.notes),
            overlaps=() if replace else tuple(overlap), replaced=tuple(overlap) if replace else (),
        )

    def already_loaded(self, dataset_id: int) -> IngestResult:
        with self.connect() as con:
            return _already_loaded(con, dataset_id)

    def datasets(self) -> pd.DataFrame:
        """All datasets with their provenance, oldest first."""
        with self.connect() as con:
            return con.execute(
                "SELECT id, name, format, file_name, row_count, rejected_rows, period_start, "
                "period_end, reporters, encoding, separator, loaded_at, sha256, notes, licence "
                "FROM datasets ORDER BY id"
            ).df()

    def delete(self, dataset_id: int) -> None:
        """Remove a dataset and all its rows in one transaction."""
        with self._write_lock, self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                found = con.execute("SELECT 1 FROM datasets WHERE id = ?", [dataset_id]).fetchone()
                if found is None:
                    raise NotFoundError(f"no dataset with id {dataset_id}")
                _delete_rows(con, dataset_id)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def is_empty(self) -> bool:
        """True when no dataset has been loaded."""
        with self.connect() as con:
            return con.execute("SELECT count(*) FROM datasets").fetchone()[0] == 0

    def version(self) -> str:
        """Changes whenever datasets or rates are written (the one cache key of the app).

        Every rates write stamps its rows with ``fetched_at``, so a refresh that
        replaces rates with new values moves the latest stamp even when the count stays.
        """
        with self.connect() as con:
            n, last, total = con.execute(
                "SELECT count(*), coalesce(max(id), 0), coalesce(sum(row_count), 0) FROM datasets"
            ).fetchone()
            rates, stamp = con.execute(
                "SELECT count(*), coalesce(max(fetched_at)::VARCHAR, '') FROM fx_rates"
            ).fetchone()
        return f"{n}:{last}:{total}:{rates}:{stamp}"

    # -- trade queries -------------------------------------------------------------

    def aggregate(
        self, by: Sequence[str], query: TradeQuery = TradeQuery(), *, hs_level: int | None = None
    ) -> pd.DataFrame:
        """Sums of value_usd, net_kg, quantity grouped by ``by`` under ``query``'s filters.

        ``by`` may hold reporter, partner, flow, year, month, unit, dataset_id and
        ``hs_code`` (cut to ``hs_level`` digits when given).  Asking for ``month``
        keeps monthly rows only.  Values are US dollars.
        """
        select: list[str] = []
        for key in by:
            if key == "hs_code":
                if hs_level is None:
                    select.append("hs_code")
                elif hs_level in _HS_LEVELS:
                    # The confidential marker stays whole at every level (see schema).
                    select.append(f"CASE WHEN {CONFIDENTIAL_SQL} THEN hs_code "
                                  f"ELSE left(hs_code, {int(hs_level)}) END AS hs_code")
                else:
                    raise ValueError(f"hs_level must be one of {_HS_LEVELS}")
            elif key in _GROUP_EXPR:
                select.append(_GROUP_EXPR[key])
            else:
                raise ValueError(f"cannot group by {key!r}")
        where, params = _where(query, monthly="month" in by)
        keys = ", ".join(select)
        group = "GROUP BY ALL ORDER BY ALL" if select else ""
        sql = (
            # Only whitelisted column expressions are formatted in; values go as parameters.
            f"SELECT {keys}{', ' if keys else ''}sum(value_usd) AS value_usd, "  # noqa: S608
            f"sum(net_kg) AS net_kg, sum(quantity) AS quantity "
            f"FROM {_source(by, query, hs_level)} {where} {group}"
        )
        with self.connect() as con:
            return con.execute(sql, params).df()

    def distinct(self, column: str, query: TradeQuery = TradeQuery()) -> list:
        """Distinct values of one key column under the filters, sorted."""
        if column not in _GROUP_EXPR and column != "hs_code":
            raise ValueError(f"unknown column {column!r}")
        where, params = _where(query, monthly=False)
        table = _source([column], query, None)
        sql = f"SELECT DISTINCT {column} FROM {table} {where} ORDER BY 1"  # noqa: S608
        with self.connect() as con:
            return [row[0] for row in con.execute(sql, params).fetchall()]

    def months_present(self, query: TradeQuery = TradeQuery()) -> pd.DataFrame:
        """Which (year, month) pairs hold monthly data under the filters."""
        where, params = _where(query, monthly=True)
        with self.connect() as con:
            return con.execute(
                f"SELECT DISTINCT year, month FROM {_source(['year', 'month'], query, None)} "  # noqa: S608
                f"{where} ORDER BY 1, 2",
                params,
            ).df()

    def overlaps(self, query: TradeQuery = TradeQuery()) -> pd.DataFrame:
        """Pairs of datasets whose rows under the filters are counted twice (``_SAME_PERIOD``).

        Columns: year, first, second (dataset ids, first < second), one row per
        pair and year, sorted.
        """
        where, params = _where(query, monthly=False)
        rows = f"(SELECT * FROM trade_by_partner {where})"  # noqa: S608 (parameterised)
        with self.connect() as con:
            return con.execute(
                f"SELECT DISTINCT a.year, a.dataset_id AS first, b.dataset_id AS second "  # noqa: S608
                f"FROM {rows} AS a JOIN {rows} AS b ON {_SAME_PERIOD} "
                "AND a.dataset_id < b.dataset_id ORDER BY 1, 2, 3",
                [*params, *params],
            ).df()

    # -- exchange rates ------------------------------------------------------------

    def upsert_rates(self, frame: pd.DataFrame) -> int:
        """Insert or replace rates on (date, currency, quote, source) in one transaction."""
        if frame.empty:
            return 0
        rows = frame.loc[:, ["date", "currency", "quote", "rate", "source"]].assign(
            date=lambda f: pd.to_datetime(f["date"]).dt.date,
            rate=lambda f: f["rate"].astype(float),
            fetched_at=_now(),
        )
        table = pa.Table.from_pandas(rows, preserve_index=False)
        with self._write_lock, self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.register("incoming_rates", table)
                con.execute(
                    "INSERT OR REPLACE INTO fx_rates (date, currency, quote, rate, source, "
                    "fetched_at) SELECT date, currency, quote, rate, source, fetched_at "
                    "FROM incoming_rates"
                )
                con.unregister("incoming_rates")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return len(rows)

    def rates(
        self,
        *,
        currencies: Sequence[str] | None = None,
        quote: str | None = None,
        start: date | None = None,
        end: date | None = None,
        source: str | None = None,
    ) -> pd.DataFrame:
        """Stored rates (units of quote per 1 unit of currency), sorted by currency, quote, date."""
        clauses: list[str] = []
        params: list[object] = []
        if currencies:
            clauses.append(f"currency IN ({', '.join('?' * len(currencies))})")
            params.extend(currencies)
        for column, op, value in (("quote", "=", quote), ("date", ">=", start),
                                  ("date", "<=", end), ("source", "=", source)):
            if value is not None:
                clauses.append(f"{column} {op} ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self.connect() as con:
            frame = con.execute(
                "SELECT date, currency, quote, rate, source, fetched_at "  # noqa: S608
                f"FROM fx_rates {where} "  # clauses are fixed text, values are parameters
                "ORDER BY currency, quote, date, source",
                params,
            ).df()
        return frame.assign(date=pd.to_datetime(frame["date"]))

    def rate_dates(self, *, currency: str, quote: str, source: str) -> set[date]:
        """Dates with a stored rate for this currency, quote and source."""
        with self.connect() as con:
            rows = con.execute(
                "SELECT date FROM fx_rates WHERE currency = ? AND quote = ? AND source = ?",
                [currency, quote, source],
            ).fetchall()
        return {row[0] for row in rows}


class _Tally:
    """Rows, period range and reporters of the batches loaded so far (no second scan)."""

    def __init__(self) -> None:
        self.rows = 0
        self._first: int | None = None  # year * 100 + month, annual rows as months 1..12
        self._last: int | None = None
        self._reporters: set[str] = set()

    def add(self, batch: pa.RecordBatch) -> None:
        self.rows += batch.num_rows
        if batch.num_rows == 0:
            return
        year = pc.multiply(pc.cast(batch.column("year"), pa.int32()), 100)
        month = pc.cast(batch.column("month"), pa.int32())
        first = pc.min(pc.add(year, pc.fill_null(month, 1))).as_py()
        last = pc.max(pc.add(year, pc.fill_null(month, 12))).as_py()
        if first is not None:
            self._first = first if self._first is None else min(self._first, first)
            self._last = last if self._last is None else max(self._last, last)
        self._reporters.update(
            r for r in pc.unique(batch.column("reporter")).to_pylist() if r is not None
        )

    def summary(self) -> tuple[str | None, str | None, str | None]:
        """period_start, period_end as YYYY-MM and the reporters joined by commas, sorted."""

        def month(value: int | None) -> str | None:
            return None if value is None else f"{value // 100:04d}-{value % 100:02d}"

        reporters = ",".join(sorted(self._reporters)) if self._reporters else None
        return month(self._first), month(self._last), reporters


_PREFETCH = 2  # batches parsed ahead of the insert
_DONE = object()


def _prefetched(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The batches, parsed in a helper thread while the caller inserts the previous ones.

    Parsing (Arrow's reader and compute kernels) and DuckDB's insert both release the GIL,
    so on two cores they overlap.  A source's error is raised here, in the caller's thread,
    as the same exception; when the caller stops early the helper stops too.
    """
    handoff: queue.Queue[object] = queue.Queue(maxsize=_PREFETCH)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the caller's thread and raised there
            put(exc)

    worker = threading.Thread(target=produce, name="oborot-parse", daemon=True)
    worker.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
        close = getattr(batches, "close", None)
        if close is not None and not worker.is_alive():
            close()


_PARTNER_KEYS = frozenset({"dataset_id", "reporter", "partner", "flow", "year", "month"})
_HEADING_KEYS = frozenset({"dataset_id", "reporter", "flow", "year", "hs_code"})
_HEADING = f"CASE WHEN {CONFIDENTIAL_SQL} THEN hs_code ELSE hs_code[1:4] END"
_SUMMARIES = {
    "trade_by_partner": "dataset_id, reporter, partner, flow, year, month",
    "trade_by_heading": f"dataset_id, reporter, flow, year, {_HEADING}",
}


def _source(by: Sequence[str], query: TradeQuery, hs_level: int | None) -> str:
    """The smallest table that answers exactly: a summary when it holds every key and filter."""
    keys = set(by) | {"reporter", "flow", "year", "dataset_id"}
    if query.months is not None:
        keys.add("month")
    if query.partners is not None:
        keys.add("partner")
    if query.hs_prefix:
        keys.add("hs_code")
    keys |= _definition_keys(query)
    if keys <= _PARTNER_KEYS:
        return "trade_by_partner"
    heading_level = hs_level in (2, 4) or "hs_code" not in by
    longest = max(len(p) for p in (query.hs_prefix or "", *(query.hs_prefixes or ())))
    if keys <= _HEADING_KEYS and heading_level and longest <= 4:
        return "trade_by_heading"
    return "trade"


def _dataset_with_sha256(con: duckdb.DuckDBPyConnection, sha256: str | None) -> int | None:
    if sha256 is None:
        return None
    row = con.execute("SELECT id FROM datasets WHERE sha256 = ?", [sha256]).fetchone()
    return None if row is None else int(row[0])


def _already_loaded(con: duckdb.DuckDBPyConnection, dataset_id: int) -> IngestResult:
    row = con.execute(
        "SELECT format, row_count, rejected_rows, period_start, period_end, encoding, "
        "separator FROM datasets WHERE id = ?", [dataset_id]
    ).fetchone()
    fmt, rows, rejected, start, end, encoding, separator = row
    return IngestResult(dataset_id, fmt, rows, rejected, start, end, True,
                        encoding or "", separator or "")


# Rows of two datasets that queries add up: same reporter, partner, flow and year, and
# the same month or an annual row (month NULL) that covers every month of the year.
_SAME_PERIOD = (
    "a.reporter = b.reporter AND a.partner = b.partner AND a.flow = b.flow "
    "AND a.year = b.year AND (a.month = b.month OR a.month IS NULL OR b.month IS NULL)"
)


def _overlapping(con: duckdb.DuckDBPyConnection, dataset_id: int) -> list[int]:
    """Other datasets with rows ``_SAME_PERIOD`` as this one's (totals would count both)."""
    rows = con.execute(
        "SELECT DISTINCT b.dataset_id FROM trade_by_partner AS a "  # noqa: S608 (a constant)
        f"JOIN trade_by_partner AS b ON {_SAME_PERIOD} "
        "WHERE a.dataset_id = ? AND b.dataset_id <> ? ORDER BY 1",
        [dataset_id, dataset_id],
    ).fetchall()
    return [int(row[0]) for row in rows]


def overlap_note(datasets: Sequence[int], *, replaced: bool) -> str:
    """The ingest note for datasets covering the same rows as the new one."""
    ids = ", ".join(map(str, datasets))
    if replaced:
        return (f"replaced dataset(s) {ids}: they covered the same region, partner and period "
                "and were deleted with this load")
    return (f"covers the same region, partner and period as dataset(s) {ids}: totals add "
            "both (doubled); delete one, or load again with --replace")


def _delete_rows(con: duckdb.DuckDBPyConnection, dataset_id: int) -> None:
    """Delete one dataset's rows, summaries and provenance (inside the caller's transaction)."""
    con.execute("DELETE FROM trade WHERE dataset_id = ?", [dataset_id])
    for table in _SUMMARIES:
        con.execute(f"DELETE FROM {table} WHERE dataset_id = ?", [dataset_id])  # noqa: S608
    con.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])


def _fill_summaries(con: duckdb.DuckDBPyConnection, dataset_id: int | None) -> None:
    """Sum one dataset's rows (all datasets when None) into the summary tables.

    Rows go in by reporter so that a page's ``reporter = ?`` skips most row groups.
    """
    where = "" if dataset_id is None else "WHERE dataset_id = ?"
    for table, keys in _SUMMARIES.items():
        con.execute(
            f"INSERT INTO {table} SELECT {keys}, sum(value_usd), sum(net_kg), "  # noqa: S608
            f"sum(quantity) FROM trade {where} GROUP BY ALL ORDER BY reporter",
            [] if dataset_id is None else [dataset_id],
        )


def _backfill_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Build the summaries once for a store written before they existed."""
    missing = con.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM trade_by_partner) AND EXISTS (SELECT 1 FROM trade)"
    ).fetchone()[0]
    if missing:
        con.execute("BEGIN TRANSACTION")
        try:
            _fill_summaries(con, None)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# Rows per INSERT: several Arrow blocks at once (a multiple of DuckDB's 122,880-row groups)
# let DuckDB's threads append row groups side by side.
_INSERT_ROWS = 4 * 122_880


@contextmanager
def _bulk_insert(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Let DuckDB append row groups in parallel while a dataset loads.

    Rows of a dataset then land in no particular order, which nothing relies on:
    every query of the store says ORDER BY.  The setting is restored afterwards.
    """
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute("RESET preserve_insertion_order")


def _insert_batches(
    con: duckdb.DuckDBPyConnection, dataset_id: int, batches: list[pa.RecordBatch]
) -> None:
    for batch in batches:
        if batch.schema.names != list(TRADE_COLUMNS):
            raise OborotError(f"internal: batch columns {batch.schema.names} are not canonical")
    # A relation rather than register(): a view registered and dropped inside the open
    # transaction keeps its Arrow data alive until COMMIT, so a 10M-row load held every
    # batch in memory at once.
    dataset = duckdb.ConstantExpression(dataset_id).cast(duckdb.sqltype("INTEGER"))
    con.from_arrow(pa.Table.from_batches(batches)).project(
        dataset.alias("dataset_id"), *(duckdb.ColumnExpression(c) for c in TRADE_COLUMNS)
    ).insert_into("trade")


def _where(query: TradeQuery, *, monthly: bool) -> tuple[str, list[object]]:
    """A parameterised WHERE clause for the query's filters."""
    clauses: list[str] = []
    params: list[object] = []

    def among(column: str, values: Sequence[object] | None) -> None:
        if values is None:
            return
        clauses.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "FALSE")
        params.extend(values)

    if query.reporter is not None:
        clauses.append("reporter = ?")
        params.append(query.reporter)
    among("partner", query.partners)
    among("flow", query.flows)
    among("year", query.years)
    among("month", query.months)
    among("dataset_id", query.dataset_ids)
    if query.hs_prefix:
        clauses.append("starts_with(hs_code, ?)")
        params.append(query.hs_prefix)
    clauses_params = _definition_where(query)
    clauses.extend(clauses_params[0])
    params.extend(clauses_params[1])
    if monthly or query.months is not None:
        clauses.append("month IS NOT NULL")
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


# -- baskets and partner groups (TradeQuery.hs_prefixes, .partners_by_year) ---------------


def _definition_keys(query: TradeQuery) -> set[str]:
    """The columns a basket or partner-group filter reads."""
    keys: set[str] = set()
    if query.hs_prefixes is not None:
        keys.add("hs_code")
    if query.partners_by_year is not None:
        keys |= {"partner", "year"}
    return keys


def _definition_where(query: TradeQuery) -> tuple[list[str], list[object]]:
    """Clauses for a basket (OR of prefixes) and a partner group (members per year).

    Plain SQL with ``?`` parameters (starts_with exists in DuckDB and PostgreSQL).
    """
    clauses: list[str] = []
    params: list[object] = []
    if query.hs_prefixes is not None:
        if query.hs_prefixes:
            clauses.append("(" + " OR ".join("starts_with(hs_code, ?)"
                                             for _ in query.hs_prefixes) + ")")
            params.extend(query.hs_prefixes)
        else:
            clauses.append("FALSE")
    if query.partners_by_year is not None:
        per_year = [(year, partners) for year, partners in query.partners_by_year if partners]
        if not per_year:
            clauses.append("FALSE")
        else:
            parts = []
            for year, partners in per_year:
                parts.append(f"(year = ? AND partner IN ({', '.join('?' * len(partners))}))")
                params.append(int(year))
                params.extend(partners)
            clauses.append("(" + " OR ".join(parts) + ")")
    return clauses, params
