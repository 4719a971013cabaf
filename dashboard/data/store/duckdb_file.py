"""The embedded engine: one DuckDB file, one writing process at a time."""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
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
from dashboard.data.store.summaries import fill_summaries, refill

log = logging.getLogger(__name__)

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
        fill_summaries(engine, con, None, ("trade_by_partner", "trade_by_heading"))


_REPORTER_SUMMARY = """
CREATE TABLE trade_by_reporter (
    dataset_id INTEGER NOT NULL,
    reporter VARCHAR NOT NULL,
    flow VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    month TINYINT,
    value_usd DOUBLE NOT NULL,
    net_kg DOUBLE,
    quantity DOUBLE
)
"""


_CHAPTER_SUMMARY = """
CREATE TABLE trade_by_chapter (
    dataset_id INTEGER NOT NULL,
    reporter VARCHAR NOT NULL,
    flow VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    hs_code VARCHAR,
    value_usd DOUBLE NOT NULL,
    net_kg DOUBLE,
    quantity DOUBLE
)
"""


_LOCK_WAIT_S = 10.0
_LINGER_S = 1.0  # an idle process lets go of the file this long after its last read
_MARKER_FRESH_S = 1.0  # a waiting writer's marker counts while touched this recently
_READ_ROWS = 4 * 122_880  # rows per batch when a dataset is read back


def _lock_wait_s() -> float:
    """Seconds to wait for another process's lock: ``OBOROT_LOCK_WAIT_S`` or _LOCK_WAIT_S."""
    try:
        return float(os.environ.get("OBOROT_LOCK_WAIT_S", _LOCK_WAIT_S))
    except ValueError:
        return _LOCK_WAIT_S


class _WriteLock:
    """A re-entrant lock that knows whether the calling thread holds it.

    A connection opened while its thread holds the store's write lock is a writer's
    (read-write); any other connection only reads.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._mine = threading.local()

    def held_by_me(self) -> bool:
        return getattr(self._mine, "depth", 0) > 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        got = self._lock.acquire(blocking, timeout)
        if got:
            self._mine.depth = getattr(self._mine, "depth", 0) + 1
        return got

    def release(self) -> None:
        self._mine.depth -= 1
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


class _OpenFile:
    """How this process uses one DuckDB file, shared by every Store of it.

    DuckDB lets many processes open a file read-only, or one process read-write, and
    refuses a read-only and a read-write connection to one file within one process.
    So reads share one read-only connection (a cursor each), which is closed
    ``_LINGER_S`` after the last read ends, or at once when a writer is waiting: an
    active page pays for opening the file once, an idle app holds nothing.  A write of
    this process waits for the reads in progress, closes that connection and opens the
    file read-write; reads meanwhile join the writer's database (DuckDB's snapshots
    keep the uncommitted write from them) instead of opening it read-only.  While a
    loader of another process holds the file, reads open its reading copy (see
    ``_reading_copy``); that connection is retired as soon as the copy is gone.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = threading.Condition()
        self.readers = 0  # cursors of the shared read-only connection in use
        self.writers = 0  # read-write connections open (writes, and reads that joined one)
        self.waiting = 0  # writes of this process waiting for the readers to finish
        self._base: duckdb.DuckDBPyConnection | None = None
        self._base_copy: _CopyId | None = None  # the reading copy _base has open, if any
        self._retired: list[duckdb.DuckDBPyConnection] = []  # closed once no read runs
        self._opening = threading.Lock()
        self._timer: threading.Timer | None = None  # closes the idle connection
        self._last_read = 0.0  # when the last read ended (monotonic seconds)
        self._mine = threading.local()

    @contextmanager
    def connection(self, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation, read-write when ``write``."""
        nested = getattr(self._mine, "depth", 0) > 0  # never wait behind this thread's own
        with self.changed:
            if write:
                self.waiting += 1
                try:
                    self.changed.wait_for(lambda: self.readers == 0)
                finally:
                    self.waiting -= 1
                self._close_base()
            elif not nested:
                self.changed.wait_for(lambda: self.writers > 0 or not self.waiting)
            shared = not write and self.writers == 0
            if shared:
                self.readers += 1
            else:
                self.writers += 1
        self._mine.depth = getattr(self._mine, "depth", 0) + 1
        try:
            con = self._cursor() if shared else _open(self.path, read_only=False)[0]
            try:
                yield con
            finally:
                con.close()
        finally:
            self._mine.depth -= 1
            with self.changed:
                if shared:
                    self.readers -= 1
                    if self.readers == 0:
                        self._last_read = time.monotonic()
                        self._close_retired()
                        if _writer_waiting(self.path):
                            self._close_base()
                        elif self._timer is None:
                            self._arm(_LINGER_S)
                else:
                    self.writers -= 1
                self.changed.notify_all()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._opening:
            if self._base_copy is not None and not _still_current(self._base_copy):
                # The load committed: new reads open the file itself.  Cursors of the old
                # connection may still be reading, so it is closed once none is.
                self._retired.append(self._base)
                self._base, self._base_copy = None, None
            if self._base is None:
                self._base, self._base_copy = _open(self.path, read_only=True)
            return self._base.cursor()

    def _arm(self, seconds: float) -> None:
        self._timer = threading.Timer(seconds, self._idle)
        self._timer.daemon = True
        self._timer.start()

    def _idle(self) -> None:
        """Close the shared connection once no read has ended for ``_LINGER_S``."""
        with self.changed:
            self._timer = None
            if self.readers or self._base is None:
                return
            left = self._last_read + _LINGER_S - time.monotonic()
            if left > 0:
                self._arm(left)
            else:
                self._close_base()

    def _close_base(self) -> None:
        """Let go of the file (called with ``changed`` held and no reader)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._base is not None:
            self._base.close()
            self._base, self._base_copy = None, None
        self._close_retired()

    def _close_retired(self) -> None:
        while self._retired:
            self._retired.pop().close()

    def is_closed(self) -> bool:
        """True when no connection of this process has the file open (``changed`` held)."""
        return self.readers == 0 and self.writers == 0 and self._base is None

    def close(self) -> None:
        """Let go of the file now unless a read is in progress."""
        with self.changed:
            if self.readers == 0:
                self._close_base()


_SHARED: dict[Path, tuple[_WriteLock, _OpenFile]] = {}
_SHARED_GUARD = threading.Lock()


def _shared(path: Path) -> tuple[_WriteLock, _OpenFile]:
    """The write lock and the open file every Store of this path shares in this process
    (DuckDB's file lock keeps other processes apart)."""
    key = path.expanduser().resolve()
    with _SHARED_GUARD:
        if key not in _SHARED:
            _SHARED[key] = (_WriteLock(), _OpenFile(path))
        return _SHARED[key]


def unless_open_here(path: Path, action: Callable[[Path], None]) -> None:
    """``action(path)``, which reads the file, unless this process has the store open.

    Closing a descriptor of the file would drop this process's lock on it (see
    ``copy_in_child``); and a file DuckDB has open here is a DuckDB store already.
    """
    _, file = _shared(path)
    with file.changed:  # no connection of this process opens meanwhile
        if file.is_closed():
            action(path)


def _waiting_marker(path: Path) -> Path:
    """A file a writer of another process keeps fresh while the store is locked."""
    return path.with_name(path.name + ".writer-waiting")


def _writer_waiting(path: Path) -> bool:
    """True while some process's writer waits for the file (its marker touched lately)."""
    try:
        age = time.time() - _waiting_marker(path).stat().st_mtime
    except OSError:
        return False
    return age < _MARKER_FRESH_S


def _open(path: Path, *,
          read_only: bool) -> tuple[duckdb.DuckDBPyConnection, _CopyId | None]:
    """The file opened, retrying while another process holds a conflicting lock; to
    read while a loader of another process holds it, its reading copy (and which copy,
    to notice when it is gone).

    A writer that has to wait says so in a marker file beside the store, which makes
    idle readers let go at once and new readers wait until it is through.
    """
    deadline = time.monotonic() + _lock_wait_s()
    marker = _waiting_marker(path)
    marked = False
    try:
        while True:
            if read_only:
                copy = _reading_copy(path)
                if copy is not None:
                    opened = _open_copy(copy)
                    if opened is not None:
                        return opened
            if read_only and _writer_waiting(path) and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            try:
                return duckdb.connect(str(path), read_only=read_only), None
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() and not _being_created(path):
                    raise OborotError(
                        f"{path}: cannot open the DuckDB store (a damaged or truncated "
                        f"copy?): {exc}") from exc
                if time.monotonic() > deadline:
                    raise OborotError(
                        f"{path}: the store is in use by another process for longer than "
                        f"{_lock_wait_s():g} s (a long load, or a program holding the file "
                        "open); nothing was changed, try again when it is done"
                    ) from exc
                if not read_only:
                    try:
                        marker.touch()
                        marked = True
                    except OSError:
                        pass  # a read-only directory: readers still let go when idle
                time.sleep(0.1)
            except duckdb.Error as exc:
                raise OborotError(f"{path}: cannot open the DuckDB store ({exc})") from exc
    finally:
        if marked:
            marker.unlink(missing_ok=True)


_HEADERS_BYTES = 3 * 4096  # DuckDB's main header and its two database headers


def _being_created(path: Path) -> bool:
    """True while the file is shorter than DuckDB's headers: another process has just
    created it and not yet written them (it is retried as a lock is); a file given as a
    store that short is refused before it is opened (store.target)."""
    try:
        return path.stat().st_size < _HEADERS_BYTES
    except OSError:
        return False


# A loader's reading copy: the store as it was when the load began, made while the
# loader holds the file, so that other processes read the last committed state for as
# long as the load takes instead of waiting for it (DuckDB lets no process read a file
# another one writes).  Named after the loader's process id: a copy whose loader is
# gone (killed before it could remove it) may be older than the file, and is ignored.
_CopyId = tuple[Path, int, int]  # path, device, inode


def _reading_copy_name(path: Path, pid: int) -> Path:
    return path.with_name(f"{path.name}.reading-{pid}")


def _reading_copies(path: Path, *, partial: bool = False) -> Iterator[tuple[Path, int]]:
    """Every reading copy beside the store, with its loader's process id; with
    ``partial``, also the copies whose loader died before the copy was whole."""
    prefix = f"{path.name}.reading-"
    try:
        names = {entry.name for entry in os.scandir(path.parent)}
    except OSError:
        return
    for name in sorted(names):
        pid = name[len(prefix):].removesuffix(".part") if partial else name[len(prefix):]
        if name.startswith(prefix) and pid.isdigit():
            yield _reading_copy_name(path, int(pid)), int(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _reading_copy(path: Path) -> Path | None:
    """The reading copy of a loader still running, or None."""
    for copy, pid in _reading_copies(path):
        if pid != os.getpid() and _alive(pid):
            return copy
    return None


def _open_copy(copy: Path) -> tuple[duckdb.DuckDBPyConnection, _CopyId] | None:
    """The reading copy opened read-only, or None when its load ended meanwhile."""
    try:
        stat = copy.stat()
        return duckdb.connect(str(copy), read_only=True), (copy, stat.st_dev, stat.st_ino)
    except (OSError, duckdb.Error) as exc:
        if copy.exists():
            raise OborotError(f"{copy}: cannot open a loader's reading copy of the store "
                              f"({exc})") from exc
        return None  # removed since it was found: the load is over, read the file


def _still_current(copy: _CopyId) -> bool:
    """True while the reading copy a connection reads is the loader's current one."""
    path, device, inode = copy
    try:
        stat = path.stat()
    except OSError:
        return False
    return (stat.st_dev, stat.st_ino) == (device, inode)


def _make_reading_copy(con: duckdb.DuckDBPyConnection, path: Path) -> Path | None:
    """Copy the store for readers of other processes (called holding the file, before
    the load writes); None, and a warning, when it cannot be made (the load goes on,
    and readers wait for it as they would without a copy)."""
    for copy, pid in _reading_copies(path, partial=True):
        if pid == os.getpid() or not _alive(pid):
            _remove_copy(copy)
    copy = _reading_copy_name(path, os.getpid())
    partial = copy.with_name(copy.name + ".part")
    try:
        con.execute("CHECKPOINT")  # the file alone is then the whole committed state
        wal = path.with_name(path.name + ".wal")
        if wal.exists():  # not checkpointed (a read of this process was still going)
            copy_in_child(wal, copy.with_name(copy.name + ".wal"))
        copy_in_child(path, partial)
        os.replace(partial, copy)  # readers see a whole copy or none
    except (OSError, subprocess.SubprocessError, duckdb.Error) as exc:
        log.warning("%s: no reading copy for the duration of this load, other processes "
                    "wait for it instead (%s)", path, exc)
        _remove_copy(copy)
        return None
    return copy


def copy_in_child(source: Path, target: Path) -> None:
    """Copy a file of the store by another process (``cp``).

    DuckDB's lock on the file is a POSIX record lock, which belongs to the process and
    is dropped when the process closes *any* descriptor of that file: a copy made here
    would let another process write the store in the middle of this one's load.
    """
    done = subprocess.run(["cp", str(source), str(target)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise OSError(done.stderr.strip() or f"cp {source} {target} failed")


def _remove_copy(copy: Path) -> None:
    for left in (copy, copy.with_name(copy.name + ".wal"), copy.with_name(copy.name + ".part")):
        left.unlink(missing_ok=True)


# DuckDB's buffer pool keeps every block a load writes and its summaries read back (up
# to 80% of RAM by default), so a load's memory grew with the file.  Capped, the blocks
# are evicted (they are on disk already) and a load's peak no longer depends on its size.
_BULK_MEMORY = "512MB"


class DuckDBEngine(Engine):
    """One DuckDB file, open only while operations run, in every process.

    Reads open it read-only (any number of processes at once), writes read-write
    (one process, and no reading process, at a time), and an idle process holds
    nothing (see _OpenFile): a running app does not lock the command line out, and a
    write waits only for the reads and writes in progress.  A connection that finds
    the file locked retries for up to ``OBOROT_LOCK_WAIT_S`` seconds, then says so.
    ``keep_open`` changes nothing here (it is for the server engine).
    """

    name = "duckdb"
    # Version 1 is the layout of every store written before migrations were counted:
    # IF NOT EXISTS keeps their tables, the backfill adds the summaries they lacked.
    migrations = ((_SCHEMA_V1, _backfill_summaries), (update_log.DDL,), (notes.NOTES_DDL,),
                  (*definitions.DDL, definitions.seed_starters),
                  (_REPORTER_SUMMARY, refill("trade_by_reporter")),
                  (_CHAPTER_SUMMARY, refill("trade_by_chapter")))

    def __init__(self, path: Path, *, keep_open: bool, create: bool) -> None:
        super().__init__(create=create)
        self.path = path
        self.location = str(path)
        self.write_lock, self._file = _shared(path)  # type: ignore[assignment]

    def _ready(self) -> None:
        """Create or upgrade the schema once per engine, read-write only when needed."""
        if self._schema_checked:
            return
        if not self.path.exists():
            if not self.create:
                raise OborotError(f"{self.path}: no store here (is the path right?)")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        else:
            with self._file.connection(write=self.write_lock.held_by_me()) as con:
                current = self.schema_version(con)
                if current == len(self.migrations):
                    self._schema_checked = True
                    return
                if current > len(self.migrations) or (
                        current == 0 and not self.create
                        and not self.table_exists(con, "datasets")):
                    self.ensure_schema(con)  # says what is wrong, writing nothing
        with self.write_lock, self._file.connection(write=True) as con:
            self.ensure_schema(con)

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation: read-write while this thread holds the store's
        write lock, read-only otherwise."""
        self._ready()
        with self._file.connection(write=self.write_lock.held_by_me()) as con:
            yield con

    def close(self) -> None:
        """Let go of the file if no read is in progress (it is reopened when needed)."""
        self._file.close()

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
              params: Sequence[object] = (), *, sort_keys: int = 0) -> pd.DataFrame:
        if sort_keys:
            sql = f"{sql} ORDER BY {', '.join(str(n) for n in range(1, sort_keys + 1))}"
        return self.execute(con, sql, params).df()

    @contextmanager
    def bulk_session(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """Let DuckDB append row groups in parallel while a dataset loads, in bounded memory,
        while other processes read a copy of the store as it was before the load.

        Rows of a dataset then land in no particular order, which nothing relies on:
        every query of the store says ORDER BY.  The settings are restored afterwards,
        and the reading copy is removed after the commit (or rollback) and before the
        file is let go, so that the next read of another process opens the file itself.
        """
        copy = _make_reading_copy(con, self.path)
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET memory_limit = '{_BULK_MEMORY}'")
        try:
            yield
        finally:
            if copy is not None:
                _remove_copy(copy)
            con.execute("RESET preserve_insertion_order")
            con.execute("RESET memory_limit")

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
