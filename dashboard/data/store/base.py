"""The store interface and the SQL every engine shares.

A ``Store`` holds trade rows, dataset provenance and exchange rates.  Every
ingest is one transaction: the dataset's provenance row, all its trade rows and
its summaries land together, or nothing changes.  Aggregations run in SQL with
filters pushed down (always ``?`` parameters), so pandas only ever sees small
frames.  What differs between engines (connections, bulk load, upsert, locking,
schema DDL) lives in one small ``Engine`` class per engine, in the spirit of
SQLAlchemy's dialects; the SQL here is written once and runs on both.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.errors import LimitError, NotFoundError, OborotError
from dashboard.core.terms import CONFIDENTIAL_SQL, HS_DIGITS
from dashboard.data.schema import TRADE_COLUMNS
from dashboard.data.sources.base import TradeBatches
from dashboard.data.store.engine import Engine
from dashboard.data.store.summaries import SUMMARIES
from dashboard.data.store.target import engine_for

log = logging.getLogger(__name__)

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

# Rows handed to the engine's bulk load at once.
_LOAD_ROWS = 4 * 122_880


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
    """Trade rows, provenance and rates in one database: a DuckDB file or PostgreSQL.

    ``Store(target)`` takes a path (the embedded DuckDB file) or a
    ``postgresql://`` URL; ``keep_open`` holds connections for a long-running app;
    ``create=False`` (read commands) refuses a store that does not exist yet.
    """

    def __init__(self, target: object, *, keep_open: bool = False, create: bool = True) -> None:
        self.engine: Engine = engine_for(target, keep_open=keep_open, create=create)
        self._write_lock = self.engine.write_lock  # one write at a time per store and process

    @property
    def location(self) -> str:
        """Where the store lives (a path, or a URL without its password)."""
        return self.engine.location

    @property
    def path(self) -> Any:
        """The DuckDB file's path (None for a server engine)."""
        return getattr(self.engine, "path", None)

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A connection of the engine's driver for one operation."""
        with self.engine.connection() as con:
            yield con

    def close(self) -> None:
        """Release held connections, if any."""
        self.engine.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        with self.connect() as con:
            row = self.engine.execute(con, sql, params).fetchone()
        return None if row is None else row[0]

    def _frame(self, sql: str, params: Sequence[object] = (), *,
               sort_keys: int = 0) -> pd.DataFrame:
        with self.connect() as con:
            return self.engine.frame(con, sql, params, sort_keys=sort_keys)

    # -- portable SQL of other modules (the update log) ---------------------------------

    def query(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        """A read of portable SQL with ``?`` parameters, as a frame (same dtypes on both
        engines)."""
        return self._frame(sql, params)

    def query_rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """A read of portable SQL with ``?`` parameters, as tuples."""
        with self.connect() as con:
            return [tuple(row) for row in self.engine.execute(con, sql, params).fetchall()]

    def write_rows(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """One statement of portable SQL for each row, in one transaction that bumps the
        version (so cached answers that read these rows drop)."""
        engine = self.engine
        with self._write_lock, self.connect() as con, engine.transaction(con):
            for row in rows:
                engine.execute(con, sql, row)
            _bump_version(engine, con)

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A connection inside one writing transaction that bumps the version on commit
        (for modules keeping their own portable SQL, e.g. baskets and groups)."""
        engine = self.engine
        with self._write_lock, self.connect() as con, engine.transaction(con):
            yield con
            _bump_version(engine, con)

    def write_one(self, sql: str, params: Sequence[object] = ()) -> tuple | None:
        """One statement of portable SQL in a transaction that bumps the version; its first
        row (e.g. of ``RETURNING id``) or None."""
        engine = self.engine
        with self._write_lock, self.connect() as con, engine.transaction(con):
            cursor = engine.execute(con, sql, params)
            row = cursor.fetchone() if " RETURNING " in sql.upper() else None
            _bump_version(engine, con)
        return None if row is None else tuple(row)

    # -- datasets ------------------------------------------------------------------

    def find_by_sha256(self, sha256: str) -> int | None:
        """The id of the dataset loaded from a file with these bytes, if any."""
        found = self._scalar("SELECT id FROM datasets WHERE sha256 = ?", [sha256])
        return None if found is None else int(found)

    def ingest(
        self,
        parsed: TradeBatches,
        *,
        name: str,
        file_name: str | None,
        sha256: str | Future[str] | None,
        max_rows: int | None = None,
        progress: Callable[[int], None] | None = None,
        replace: bool = False,
    ) -> IngestResult:
        """Load all batches as one dataset in one transaction; raise and change nothing on error.

        A file whose sha256 is stored already (or is being stored by another
        loader that then commits) is reported as ``already_loaded``.  The sha256
        may still be computing (a Future, hashed beside the parse): it is checked
        as soon as it is known and at the latest before the commit.  Older
        datasets with rows for the same reporter, partner, flow and period (an
        annual row covers every month of its year) would be counted twice: they
        are named in the notes and ``overlaps``, or with ``replace`` deleted in
        the same transaction and named in ``replaced``.
        """
        digest = sha256 if isinstance(sha256, str) else None
        if digest is not None:
            existing = self.find_by_sha256(digest)
            if existing is not None:
                return self.already_loaded(existing)
        engine = self.engine
        started = time.perf_counter()
        try:
            with (self._write_lock, self.connect() as con, engine.bulk_session(con),
                  engine.transaction(con)):
                # Asked again under the write lock: another thread of this process may have
                # loaded the same bytes since the check above (across processes the unique
                # sha256 makes the second loader wait and then say "already loaded").
                _refuse_loaded(engine, con, digest)
                dataset_id = int(engine.execute(con, "SELECT nextval('dataset_ids')").fetchone()[0])
                # First, so that a second loader of the same known bytes waits here, not after
                # its load (a digest still being computed is set when it is known).
                engine.execute(
                    con,
                    "INSERT INTO datasets (id, name, format, file_name, sha256, encoding, "
                    "separator, licence, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [dataset_id, name, parsed.format, file_name, digest, parsed.encoding,
                     parsed.separator, parsed.licence, _now()],
                )
                tally = _Tally()
                pending: list[pa.RecordBatch] = []
                for batch in _prefetched(parsed.batches):
                    if isinstance(sha256, Future) and digest is None and sha256.done():
                        # Known now: a re-load stops here, not after parsing, and from here
                        # on a second loader of these bytes waits on this row.
                        digest = sha256.result()
                        _refuse_loaded(engine, con, digest)
                        engine.execute(con, "UPDATE datasets SET sha256 = ? WHERE id = ?",
                                       [digest, dataset_id])
                    if max_rows is not None and tally.rows + batch.num_rows > max_rows:
                        raise LimitError(
                            f"{file_name or name}: more than {max_rows:,} rows "
                            "(the configured limit, OBOROT_MAX_ROWS)"
                        )
                    _check_canonical(batch)
                    pending.append(batch)
                    if sum(b.num_rows for b in pending) >= _LOAD_ROWS:
                        engine.load_trade(con, dataset_id, pending)
                        pending = []
                    tally.add(batch)
                    if progress is not None:
                        progress(tally.rows)
                if pending:
                    engine.load_trade(con, dataset_id, pending)
                rows = tally.rows
                if rows == 0:
                    raise OborotError(f"{file_name or name}: the file holds no data rows")
                period_start, period_end, reporters = tally.summary()
                engine.fill_summaries(con, dataset_id)
                overlap = self._overlapping(con, dataset_id)
                if overlap and replace:
                    for older in overlap:
                        _delete_rows(engine, con, older)
                    parsed.notes.append(overlap_note(overlap, replaced=True))
                elif overlap:
                    parsed.notes.append(overlap_note(overlap, replaced=False))
                if isinstance(sha256, Future) and digest is None:
                    digest = sha256.result()
                    _refuse_loaded(engine, con, digest)
                engine.execute(
                    con,
                    "UPDATE datasets SET row_count = ?, rejected_rows = ?, period_start = ?, "
                    "period_end = ?, reporters = ?, notes = ?, sha256 = ? WHERE id = ?",
                    [rows, parsed.rejected, period_start, period_end, reporters,
                     "\n".join(parsed.notes), digest, dataset_id],
                )
                _bump_version(engine, con)
        except _AlreadyLoaded as done:
            return self.already_loaded(done.dataset_id)
        except Exception as exc:
            if digest is not None and engine.is_duplicate(exc):
                existing = self.find_by_sha256(digest)
                if existing is not None:
                    return self.already_loaded(existing)
            raise
        self._after_load()
        log.info("ingested dataset %s: %s rows in %.2f s (%s)", dataset_id, rows,
                 time.perf_counter() - started, engine.name)
        return IngestResult(
            dataset_id=dataset_id, format=parsed.format, rows=rows, rejected=parsed.rejected,
            period_start=period_start, period_end=period_end, encoding=parsed.encoding,
            separator=parsed.separator, notes=tuple(parsed.notes),
            overlaps=() if replace else tuple(overlap), replaced=tuple(overlap) if replace else (),
        )

    def already_loaded(self, dataset_id: int) -> IngestResult:
        """The IngestResult of a dataset loaded before."""
        with self.connect() as con:
            row = self.engine.execute(
                con,
                "SELECT format, row_count, rejected_rows, period_start, period_end, encoding, "
                "separator FROM datasets WHERE id = ?", [dataset_id]
            ).fetchone()
        fmt, rows, rejected, start, end, encoding, separator = row
        return IngestResult(dataset_id, fmt, int(rows), int(rejected), start, end, True,
                            encoding or "", separator or "")

    def datasets(self) -> pd.DataFrame:
        """All datasets with their provenance, oldest first."""
        return self._frame(
            "SELECT id, name, format, file_name, row_count, rejected_rows, period_start, "
            "period_end, reporters, encoding, separator, loaded_at, sha256, notes, licence "
            "FROM datasets ORDER BY id"
        )

    def delete(self, dataset_id: int) -> None:
        """Remove a dataset and all its rows in one transaction."""
        engine = self.engine
        with self._write_lock, self.connect() as con, engine.transaction(con):
            found = engine.execute(con, "SELECT 1 FROM datasets WHERE id = ?",
                                   [dataset_id]).fetchone()
            if found is None:
                raise NotFoundError(f"no dataset with id {dataset_id}")
            _delete_rows(engine, con, dataset_id)
            _bump_version(engine, con)

    def is_empty(self) -> bool:
        """True when no dataset has been loaded."""
        return self._scalar("SELECT count(*) FROM datasets") == 0

    def version(self) -> str:
        """Changes whenever any process adds or removes a dataset or writes rates.

        A counter bumped inside every writing transaction, so a cache keyed on
        it drops exactly when a committed change becomes visible.
        """
        return str(self._scalar("SELECT changes FROM store_version"))

    # -- trade queries -------------------------------------------------------------

    def aggregate(
        self, by: Sequence[str], query: TradeQuery = TradeQuery(), *, hs_level: int | None = None
    ) -> pd.DataFrame:
        """Sums of value_usd, net_kg, quantity grouped by ``by`` under ``query``'s filters.

        ``by`` may hold reporter, partner, flow, year, month, unit, dataset_id and
        ``hs_code`` (cut to ``hs_level`` digits when given).  Asking for ``month``
        keeps monthly rows only.  Values are US dollars.
        """
        source = _source(by, query, hs_level)
        select: list[str] = []
        for key in by:
            if key == "hs_code":
                if hs_level is None or (hs_level, source) in _CUT_CODES:
                    select.append("hs_code")  # the summary holds exactly these codes
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
        positions = ", ".join(str(n) for n in range(1, len(select) + 1))
        group = f"GROUP BY {positions}" if select else ""
        sql = (
            # Only whitelisted column expressions are formatted in; values go as parameters.
            f"SELECT {keys}{', ' if keys else ''}sum(value_usd) AS value_usd, "  # noqa: S608
            f"sum(net_kg) AS net_kg, sum(quantity) AS quantity "
            f"FROM {source} {where} {group}"
        )
        return self._frame(sql, params, sort_keys=len(select))

    def distinct(self, column: str, query: TradeQuery = TradeQuery()) -> list:
        """Distinct values of one key column under the filters, sorted."""
        if column not in _GROUP_EXPR and column != "hs_code":
            raise ValueError(f"unknown column {column!r}")
        where, params = _where(query, monthly=False)
        table = _source([column], query, None)
        sql = f"SELECT DISTINCT {column} FROM {table} {where} ORDER BY 1"  # noqa: S608
        with self.connect() as con:
            return [row[0] for row in self.engine.execute(con, sql, params).fetchall()]

    def months_present(self, query: TradeQuery = TradeQuery()) -> pd.DataFrame:
        """Which (year, month) pairs hold monthly data under the filters."""
        where, params = _where(query, monthly=True)
        return self._frame(
            f"SELECT DISTINCT year, month FROM {_source(['year', 'month'], query, None)} "  # noqa: S608
            f"{where} ORDER BY 1, 2",
            params,
        )

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
        engine = self.engine
        with self._write_lock, self.connect() as con, engine.transaction(con):
            engine.upsert_rates(con, table)
            _bump_version(engine, con)
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
        frame = self._frame(
            "SELECT date, currency, quote, rate, source, fetched_at "  # noqa: S608
            f"FROM fx_rates {where} "  # clauses are fixed text, values are parameters
            "ORDER BY currency, quote, date, source",
            params,
        )
        return frame.assign(date=pd.to_datetime(frame["date"]))

    def rate_dates(self, *, currency: str, quote: str, source: str) -> set[date]:
        """Dates with a stored rate for this currency, quote and source."""
        with self.connect() as con:
            rows = self.engine.execute(
                con,
                "SELECT date FROM fx_rates WHERE currency = ? AND quote = ? AND source = ?",
                [currency, quote, source],
            ).fetchall()
        return {row[0] for row in rows}

    # -- moving a whole store ----------------------------------------------------------

    def copy_to(self, other: Store) -> list[CopiedDataset]:
        """Copy every dataset (ids and provenance kept) and every rate into an empty store.

        One transaction on ``other``: each dataset's row count and value sum are
        compared on both sides before it commits; any difference leaves ``other``
        unchanged.  Returns what was compared, per dataset.
        """
        datasets = self._frame(f"SELECT {', '.join(_DATASET_COLUMNS)} FROM datasets "  # noqa: S608
                               "ORDER BY id")
        ours = self._checks()
        rates = self.rates()
        target = other.engine
        with other._write_lock, other.connect() as con, target.bulk_session(con), \
                target.transaction(con):
            if target.execute(con, "SELECT count(*) FROM datasets").fetchone()[0]:
                raise OborotError(f"{other.location}: the target store already holds data; "
                                  "copy into an empty one")
            for record in datasets.to_dict("records"):
                values = [_plain(v) for v in record.values()]
                target.execute(
                    con, f"INSERT INTO datasets ({', '.join(_DATASET_COLUMNS)}) VALUES "  # noqa: S608
                    f"({', '.join('?' * len(_DATASET_COLUMNS))})", values)
                dataset_id = int(record["id"])
                with self.connect() as source:
                    pending: list[pa.RecordBatch] = []
                    for batch in self.engine.read_trade(source, dataset_id):
                        pending.append(batch)
                        if sum(b.num_rows for b in pending) >= _LOAD_ROWS:
                            target.load_trade(con, dataset_id, pending)
                            pending = []
                    if pending:
                        target.load_trade(con, dataset_id, pending)
                target.fill_summaries(con, dataset_id)
            if not rates.empty:
                target.upsert_rates(con, pa.Table.from_pandas(
                    rates.assign(date=rates["date"].dt.date), preserve_index=False))
            theirs = {row[0]: row[1:] for row in target.execute(con, _CHECKS).fetchall()}
            checked = [CopiedDataset(int(i), int(n), float(v or 0), *_their(theirs, i))
                       for i, (n, v) in sorted(ours.items())]
            bad = [c for c in checked if not c.matches]
            if bad:
                raise OborotError(f"{other.location}: the copy differs for dataset(s) "
                                  f"{', '.join(str(c.dataset_id) for c in bad)}; nothing kept")
            rates_there = target.execute(con, "SELECT count(*) FROM fx_rates").fetchone()[0]
            if rates_there != len(rates):
                raise OborotError(f"{other.location}: {rates_there} of {len(rates)} rates "
                                  "copied; nothing kept")
            next_id = int(datasets["id"].max()) + 1 if len(datasets) else 1
            target.restart_ids(con, next_id)
            _bump_version(target, con)
        other._after_load()
        return checked

    def _after_load(self) -> None:
        """The engine's housekeeping after a committed load; the load stands if it fails."""
        try:
            with self.connect() as con:
                self.engine.after_load(con)
        except Exception:
            log.warning("%s: housekeeping after a load failed", self.location, exc_info=True)

    def _checks(self) -> dict[int, tuple[int, float | None]]:
        with self.connect() as con:
            return {int(row[0]): row[1:] for row in self.engine.execute(con, _CHECKS).fetchall()}

    # -- summaries -----------------------------------------------------------------

    def _overlapping(self, con: Any, dataset_id: int) -> list[int]:
        """Other datasets with rows ``_SAME_PERIOD`` as this one's (totals would count both)."""
        rows = self.engine.execute(
            con,
            "SELECT DISTINCT b.dataset_id FROM trade_by_partner AS a "  # noqa: S608 (a constant)
            f"JOIN trade_by_partner AS b ON {_SAME_PERIOD} "
            "WHERE a.dataset_id = ? AND b.dataset_id <> ? ORDER BY 1",
            [dataset_id, dataset_id],
        ).fetchall()
        return [int(row[0]) for row in rows]

    def overlaps(self, query: TradeQuery = TradeQuery()) -> pd.DataFrame:
        """Pairs of datasets whose rows under the filters are counted twice (``_SAME_PERIOD``).

        Columns: year, first, second (dataset ids, first < second), one row per
        pair and year, sorted.
        """
        where, params = _where(query, monthly=False)
        rows = f"(SELECT * FROM trade_by_partner {where})"  # noqa: S608 (parameterised)
        return self._frame(
            f"SELECT DISTINCT a.year, a.dataset_id AS first, b.dataset_id AS second "  # noqa: S608
            f"FROM {rows} AS a JOIN {rows} AS b ON {_SAME_PERIOD} "
            "AND a.dataset_id < b.dataset_id ORDER BY 1, 2, 3",
            [*params, *params],
        )


# Rows of two datasets that queries add up: same reporter, partner, flow and year, and
# the same month or an annual row (month NULL) that covers every month of the year.
_SAME_PERIOD = (
    "a.reporter = b.reporter AND a.partner = b.partner AND a.flow = b.flow "
    "AND a.year = b.year AND (a.month = b.month OR a.month IS NULL OR b.month IS NULL)"
)


def overlap_note(datasets: Sequence[int], *, replaced: bool) -> str:
    """The ingest note for datasets covering the same rows as the new one."""
    ids = ", ".join(map(str, datasets))
    if replaced:
        return (f"replaced dataset(s) {ids}: they covered the same region, partner and period "
                "and were deleted with this load")
    return (f"covers the same region, partner and period as dataset(s) {ids}: totals add "
            "both (doubled); delete one, or load again with --replace")


def _delete_rows(engine: Engine, con: Any, dataset_id: int) -> None:
    """Delete one dataset's rows, summaries and provenance (inside the caller's transaction)."""
    for table in ("trade", *SUMMARIES):
        engine.execute(con, f"DELETE FROM {table} WHERE dataset_id = ?",  # noqa: S608
                       [dataset_id])
    engine.execute(con, "DELETE FROM datasets WHERE id = ?", [dataset_id])


_DATASET_COLUMNS = ("id", "name", "format", "file_name", "sha256", "row_count",
                    "rejected_rows", "period_start", "period_end", "reporters", "encoding",
                    "separator", "notes", "licence", "loaded_at")
# Per dataset: rows and the sum of values, compared on both sides of a copy.
_CHECKS = ("SELECT d.id, count(t.dataset_id), sum(t.value_usd) FROM datasets AS d "
           "LEFT JOIN trade AS t ON t.dataset_id = d.id GROUP BY d.id ORDER BY d.id")


@dataclass(frozen=True)
class CopiedDataset:
    """One dataset's rows and value sum (USD) in the source and in the copy."""

    dataset_id: int
    rows: int
    value_usd: float
    copied_rows: int
    copied_value_usd: float

    @property
    def matches(self) -> bool:
        """Same rows; sums equal up to float rounding of a different summation order."""
        scale = max(abs(self.value_usd), 1.0)
        return (self.rows == self.copied_rows
                and abs(self.value_usd - self.copied_value_usd) <= 1e-9 * scale)


class _AlreadyLoaded(Exception):  # noqa: N818  (control flow inside ingest, never escapes)
    """The same bytes were committed by another loader while this one waited."""

    def __init__(self, dataset_id: int) -> None:
        super().__init__(dataset_id)
        self.dataset_id = dataset_id


def _plain(value: object) -> object:
    """A frame's cell as a plain Python value every driver takes (None for NaN/NaT)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def _their(theirs: dict, dataset_id: int) -> tuple[int, float]:
    rows, value = theirs.get(dataset_id, (0, None))
    return int(rows), float(value or 0)


_REPORTER_KEYS = frozenset({"dataset_id", "reporter", "flow", "year", "month"})
_PARTNER_KEYS = frozenset({"dataset_id", "reporter", "partner", "flow", "year", "month"})
_HEADING_KEYS = frozenset({"dataset_id", "reporter", "flow", "year", "hs_code"})
# (HS level, summary) whose stored codes are already cut to that level.
_CUT_CODES = {(4, "trade_by_heading"), (2, "trade_by_chapter")}


def _refuse_loaded(engine: Engine, con: Any, digest: str | None) -> None:
    """_AlreadyLoaded when a committed dataset has these bytes (inside the load's transaction)."""
    if digest is None:
        return
    found = engine.execute(con, "SELECT id FROM datasets WHERE sha256 = ?", [digest]).fetchone()
    if found is not None:
        raise _AlreadyLoaded(int(found[0]))


def _bump_version(engine: Engine, con: Any) -> None:
    engine.execute(con, "UPDATE store_version SET changes = changes + 1")


def _check_canonical(batch: pa.RecordBatch) -> None:
    if batch.schema.names != list(TRADE_COLUMNS):
        raise OborotError(f"internal: batch columns {batch.schema.names} are not canonical")


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

    Parsing (Arrow's reader and compute kernels) and the engine's load both release the
    GIL, so on two cores they overlap.  A source's error is raised here, in the caller's
    thread, as the same exception; when the caller stops early the helper stops too.
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
    if keys <= _REPORTER_KEYS:
        return "trade_by_reporter"
    if keys <= _PARTNER_KEYS:
        return "trade_by_partner"
    heading_level = hs_level in (2, 4) or "hs_code" not in by
    longest = max(len(p) for p in (query.hs_prefix or "", *(query.hs_prefixes or ())))
    if keys <= _HEADING_KEYS and (hs_level == 2 or "hs_code" not in by) and longest <= 2:
        return "trade_by_chapter"
    if keys <= _HEADING_KEYS and heading_level and longest <= 4:
        return "trade_by_heading"
    return "trade"


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


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
