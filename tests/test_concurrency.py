"""One app process serving many sessions while datasets are loaded and deleted.

Ten AppTest sessions open the Overview and change a filter while one thread
ingests a file, another deletes a dataset and two more read the same figures
through the app's cached façade (``queries``), all on the app's own kept-open
store (``queries.store()``).  Every figure must be the figure of a whole store
state (before or after each write), never a mix.  The command line writes while
another process reads through the same queries; only a writer holding the file
longer than the wait makes it give up, saying so and losing nothing.

AppTest is not thread-safe: every ``run()`` installs its own mock Runtime as the
process-wide ``Runtime._instance`` (and swaps ``st.secrets``), and sets it back
to None when it ends, so a run finishing in one thread pulls the Runtime from
under a run still going in another (its media files, its cache storage, the
checks that depend on ``runtime.exists()``).  The sessions' script runs
therefore take turns (``APPTEST_RUN``); what runs concurrently with them is what
a real server runs concurrently: the writers and the cached reads of other
sessions, which go through the same ``queries`` functions from plain threads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis.views import View
from dashboard.core.config import PROJECT_ROOT
from dashboard.core.errors import LimitError
from dashboard.core.formatting import money
from dashboard.data.ingest import ingest_file
from dashboard.data.sources import tabular
from dashboard.data.store import Store, TradeQuery
from dashboard.ui import queries
from tests.apptest import APP, clear_caches
from tests.conftest import RATE_FIXTURES, TOMSK, ru_text

SESSIONS = 10
CACHED_READERS = 2
ADDED_BY_INGEST = 5_000_000.0  # USD, Tomsk -> Kazakhstan exports, 2018
REMOVED_BY_DELETE = 2_000_000.0
KZ_2018 = TradeQuery(reporter="RU-TOM", partners=("KZ",), years=(2018,))
KZ_2018_VIEW = View(reporter="RU-TOM", year=2018, partner="KZ")
APPTEST_RUN = threading.Lock()  # one AppTest script run at a time in this process (see above)


def _fcs(value_usd: float, month: int, rows: int = 1) -> str:
    """``rows`` Tomsk -> Kazakhstan export lines of 2018 adding up to ``value_usd``."""
    each = f"{value_usd / rows:.2f}".replace(".", ",")
    return ru_text([f"ЭК\t{month:02}/2018\tKZ\t{3901100000 + n % 1000}\t\t{each}\t0\t0\t"
                    f"{TOMSK}" for n in range(rows)])



@pytest.fixture
def app_store(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A demo store plus one extra dataset (to be deleted), served as the app serves it."""
    path = tmp_path / "store.duckdb"
    path.write_bytes(demo_path.read_bytes())
    doomed = tmp_path / "doomed.csv"
    doomed.write_text(_fcs(REMOVED_BY_DELETE, 6))
    with Store(path) as store:
        doomed_id = ingest_file(store, doomed).dataset_id
    monkeypatch.setenv("OBOROT_STORE", str(path))
    clear_caches()
    yield queries.store(), doomed_id
    queries.store().close()
    clear_caches()


def _wait_until(condition, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def _turnover(store: Store, query: TradeQuery = KZ_2018) -> float:
    return float(store.aggregate([], query)["value_usd"].fillna(0).item())


def _page_problem(at: AppTest) -> str | None:
    """Why a finished run shows no KPI card (an exception, an error box), or None."""
    if at.exception:
        return f"exception {[e.message for e in at.exception]}"
    if not at.metric:
        return f"no metric; errors {[e.value for e in at.error]}; info {[e.value for e in at.info]}"
    return None


def test_ten_sessions_read_whole_states_while_data_changes(app_store, tmp_path: Path,
                                                           monkeypatch) -> None:
    store, doomed_id = app_store
    monkeypatch.setattr(tabular, "BLOCK_SIZE", 64 << 10)  # a long ingest of ~40 batches
    base = _turnover(store) - REMOVED_BY_DELETE
    states = {base + REMOVED_BY_DELETE, base + REMOVED_BY_DELETE + ADDED_BY_INGEST, base,
              base + ADDED_BY_INGEST}
    shown_states = {money(value, "USD", "ru") for value in states}
    assert len(shown_states) == 4  # the four states are told apart on the KPI card
    year_2017 = money(_turnover(store, TradeQuery(reporter="RU-TOM", partners=("KZ",),
                                                  years=(2017,))), "USD", "ru")
    incoming = tmp_path / "incoming.csv"
    incoming.write_text(_fcs(ADDED_BY_INGEST, 7, rows=40_000))

    start = threading.Barrier(SESSIONS + 3 + CACHED_READERS)
    errors: list[str] = []
    seen: list[str] = []
    raw_reads: list[float] = []
    cached_reads: list[str] = []  # as the KPI card shows them
    writes_done = threading.Event()

    def session(number: int) -> None:
        try:
            start.wait()
            time.sleep(0.25 * number)  # sessions arrive before, during and after the writes
            at = AppTest.from_file(APP, default_timeout=120)
            with APPTEST_RUN:
                at.run()
            problem = _page_problem(at)
            if problem:
                errors.append(f"session {number}: {problem}")
                return
            seen.append(at.metric[0].value)
            at.sidebar.selectbox(key="filters.year").select(2017)
            with APPTEST_RUN:
                at.run()
            problem = _page_problem(at)
            if problem:
                errors.append(f"session {number} after the filter change: {problem}")
                return
            if at.metric[0].value != year_2017:
                errors.append(f"session {number}: 2017 shows {at.metric[0].value}")
        except Exception as exc:  # collected and asserted below: a thread cannot fail a test
            errors.append(f"session {number}: {type(exc).__name__}: {exc}")

    def ingest() -> None:
        try:
            start.wait()
            _wait_until(lambda: len(seen) >= 3)  # some sessions have read the first state
            ingest_file(queries.store(), incoming)
        except Exception as exc:
            errors.append(f"ingest: {type(exc).__name__}: {exc}")

    def delete() -> None:
        try:
            start.wait()
            _wait_until(lambda: len(seen) >= 6)
            queries.store().delete(doomed_id)
        except Exception as exc:
            errors.append(f"delete: {type(exc).__name__}: {exc}")

    def reader() -> None:
        start.wait()
        while not writes_done.is_set():
            raw_reads.append(_turnover(queries.store()))
            time.sleep(0.01)

    def cached_reader() -> None:  # another session's page asking the cached façade
        try:
            start.wait()
            while not writes_done.is_set():
                cards = queries.kpis(queries.version(), KZ_2018_VIEW)
                cached_reads.append(money(cards["turnover"].value, "USD", "ru"))
                time.sleep(0.01)
        except Exception as exc:
            errors.append(f"cached reader: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=session, args=(n,)) for n in range(SESSIONS)]
    writers = [threading.Thread(target=ingest), threading.Thread(target=delete)]
    watchers = [threading.Thread(target=reader),
                *(threading.Thread(target=cached_reader) for _ in range(CACHED_READERS))]
    for thread in [*threads, *writers, *watchers]:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    writes_done.set()
    for thread in [*threads, *watchers]:
        thread.join(timeout=300)

    assert errors == []
    assert len(seen) == SESSIONS
    assert set(seen) <= shown_states, seen
    assert raw_reads and set(raw_reads) <= states, set(raw_reads) - states
    assert cached_reads and set(cached_reads) <= shown_states, set(cached_reads) - shown_states
    assert queries.store() is store  # every thread used the app's one kept-open store
    after = _turnover(store)
    assert after == base + ADDED_BY_INGEST
    assert [name for name in store.datasets()["name"]] == ["Demo (synthetic)", "incoming.csv"]
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM trade WHERE dataset_id = ?",
                           [doomed_id]).fetchone() == (0,)
    final = AppTest.from_file(APP, default_timeout=60).run()
    assert not final.exception and final.metric[0].value == money(after, "USD", "ru")
    print(f"{SESSIONS} sessions x 2 runs, {len(raw_reads)} direct reads, "
          f"{len(cached_reads)} cached reads; "
          f"KPI states seen {sorted(set(seen))}; direct-read states {sorted(set(raw_reads))}")


READER = r"""
import os, sys, time
from pathlib import Path
from dashboard.analysis.views import View
from dashboard.ui import queries
from dashboard.data.store import TradeQuery
view = View(reporter="RU-TOM", year=2018, partner="KZ")
stop = Path(sys.argv[1])
while not stop.exists():  # what the app's reruns ask, as fast as they can
    version = queries.version()
    turnover = queries.kpis(version, view)["turnover"].value
    rates = len(queries.store().rates(currencies=["USD"], quote="RUB", source="cbr"))
    print(version, f"{turnover:.2f}", rates, flush=True)
"""


def _start_reader(env: dict[str, str], stop: Path) -> tuple[subprocess.Popen, list[str],
                                                             threading.Thread]:
    """The READER loop in another process until ``stop`` exists; its lines as they come."""
    reader = subprocess.Popen([sys.executable, "-c", READER, str(stop)], cwd=PROJECT_ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    lines: list[str] = []
    following = threading.Thread(target=lambda: lines.extend(iter(reader.stdout.readline, "")))
    following.start()
    return reader, lines, following


def test_the_cli_writes_while_the_app_process_reads(app_store, tmp_path: Path) -> None:
    """Ingest, delete and a rates import from the command line succeed within seconds
    while another process reads the store through the app's queries in a loop; the
    reader never fails, sees only whole states and, after each write, the new one."""
    store, doomed_id = app_store
    base = _turnover(store) - REMOVED_BY_DELETE
    store.close()
    incoming = tmp_path / "incoming.csv"
    incoming.write_text(_fcs(ADDED_BY_INGEST, 7, rows=20_000))
    env = {**os.environ, "OBOROT_STORE": str(store.path), "OBOROT_LOCK_WAIT_S": "30"}
    stop = tmp_path / "stop"
    reader, lines, following = _start_reader(env, stop)

    def seen_after(mark: int, turnover: float, rates: int) -> bool:
        return any(line.split()[1:] == [f"{turnover:.2f}", str(rates)]
                   for line in lines[mark:])

    took: dict[str, float] = {}
    try:
        _wait_until(lambda: len(lines) >= 3, timeout=60)
        assert lines, reader.stderr.read() if reader.poll() is not None else "no reads"
        for label, command, turnover, rates in (
                ("ingest", ["ingest", str(incoming)], base + REMOVED_BY_DELETE + ADDED_BY_INGEST,
                 0),
                ("delete", ["delete", str(doomed_id)], base + ADDED_BY_INGEST, 0),
                ("rates import", ["rates", "import", str(RATE_FIXTURES /
                                                         "cbr_daily_2019-04-16.xml")],
                 base + ADDED_BY_INGEST, 1)):
            mark = len(lines)
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "dashboard", *command],
                                  cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                                  timeout=120)
            took[label] = time.monotonic() - started
            assert done.returncode == 0, (label, done.stderr)
            _wait_until(lambda t=turnover, r=rates, m=mark: seen_after(m, t, r), timeout=60)
            assert seen_after(mark, turnover, rates), (label, lines[mark:][-3:])
    finally:
        stop.touch()
        reader.wait(timeout=60)
        following.join(timeout=60)
    assert reader.returncode == 0, reader.stderr.read()
    states = {(f"{value:.2f}", str(rates)) for value, rates in (
        (base + REMOVED_BY_DELETE, 0), (base + REMOVED_BY_DELETE + ADDED_BY_INGEST, 0),
        (base + ADDED_BY_INGEST, 0), (base + ADDED_BY_INGEST, 1))}
    assert {tuple(line.split()[1:]) for line in lines} <= states
    versions = [int(line.split()[0]) for line in lines]
    assert versions == sorted(versions) and versions[-1] == versions[0] + 3
    # A CLI process takes a second or two to start on its own; the writes waited little.
    assert max(took.values()) < 20, took
    print(f"{len(lines)} reads by the app process; CLI writes took "
          + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in took.items()))


HOLD = r"""
import sys, time
import duckdb
con = duckdb.connect(sys.argv[1])  # a writer holding the file (a long load, a SQL shell)
con.execute("BEGIN TRANSACTION")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def _held(path: Path) -> Iterator[None]:
    """Another process holding the store open for writing (HOLD) until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path), "60"],
                              cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_writer_holding_the_store_longer_than_the_wait_gets_a_clear_message(
    app_store, tmp_path: Path
) -> None:
    store, _ = app_store
    before = store.datasets()[["id", "name", "row_count"]].to_dict("records")
    store.close()
    incoming = tmp_path / "incoming.csv"
    incoming.write_text(_fcs(ADDED_BY_INGEST, 7))
    env = {**os.environ, "OBOROT_STORE": str(store.path), "OBOROT_LOCK_WAIT_S": "2"}
    with _held(store.path):
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(incoming)],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                              timeout=60)
        waited = time.monotonic() - started
        reading = subprocess.run([sys.executable, "-m", "dashboard", "datasets"],
                                 cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                                 timeout=60)
    for run in (done, reading):
        assert run.returncode == 2
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and "the store is in use by another process for longer " \
            "than 2 s" in lines[0], run.stderr
        assert "Traceback" not in run.stderr
    assert waited >= 2
    assert not Path(f"{store.path}.writer-waiting").exists()
    # Nothing was lost or half-written: the same command succeeds once the file is free.
    with Store(store.path) as reopened:
        assert reopened.datasets()[["id", "name", "row_count"]].to_dict("records") == before
    again = subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(incoming)],
                           cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                           timeout=60)
    assert again.returncode == 0, again.stderr
    with Store(store.path) as reopened:
        assert len(reopened.datasets()) == len(before) + 1


PROBE = r"""
import sys
import duckdb
try:
    duckdb.connect(sys.argv[1]).close()
    print("opened")
except duckdb.IOException as exc:
    print("locked" if "lock" in str(exc).lower() else exc)
"""


def _reading_copies(store: Path) -> list[str]:
    return sorted(p.name for p in store.parent.glob(f"{store.name}.reading-*"))


def test_a_load_longer_than_the_wait_leaves_other_processes_reading_the_state_before_it(
    app_store, tmp_path: Path
) -> None:
    """While a load of this process holds the file for three times OBOROT_LOCK_WAIT_S,
    another process reading through the app's queries never waits it out: it reads the
    state before the load (the loader's reading copy), then the new one as it commits."""
    store, _ = app_store
    before = _turnover(store)
    store.close()
    incoming = tmp_path / "incoming.csv"
    incoming.write_text(_fcs(ADDED_BY_INGEST, 7, rows=2_000))
    wait_s = 1.0
    env = {**os.environ, "OBOROT_STORE": str(store.path), "OBOROT_LOCK_WAIT_S": f"{wait_s:g}"}
    stop = tmp_path / "stop"
    reader, lines, following = _start_reader(env, stop)
    holding = threading.Event()
    release = threading.Event()
    read_while_held: list[str] = []

    def hold(rows: int) -> None:  # called inside the load's transaction, file held
        if not holding.is_set():
            holding.set()
            release.wait(timeout=120)

    loader = Store(store.path)
    results: list[object] = []
    load = threading.Thread(target=lambda: results.append(
        ingest_file(loader, incoming, progress=hold)))
    try:
        _wait_until(lambda: len(lines) >= 3, timeout=60)
        assert lines, reader.stderr.read() if reader.poll() is not None else "no reads"
        load.start()
        assert holding.wait(timeout=60)
        copies = _reading_copies(store.path)
        mark = len(lines)
        # Making the copy kept the file locked: no other process can write it mid-load.
        probe = subprocess.run([sys.executable, "-c", PROBE, str(store.path)],
                               capture_output=True, text=True, timeout=60)
        time.sleep(3 * wait_s)  # a reader of the file itself would have given up by now
        read_while_held = lines[mark:]
        assert reader.poll() is None, reader.stderr.read()
    finally:
        release.set()
        load.join(timeout=120)
        loader.close()
    try:
        mark = len(lines)
        after = f"{before + ADDED_BY_INGEST:.2f}"
        _wait_until(lambda: any(line.split()[1] == after for line in lines[mark:]), timeout=60)
    finally:
        stop.touch()
        reader.wait(timeout=60)
        following.join(timeout=60)
    assert reader.returncode == 0, reader.stderr.read()
    assert results and getattr(results[0], "rows", None) == 2_000, results
    assert copies == [f"{store.path.name}.reading-{os.getpid()}"]
    assert probe.stdout.strip() == "locked", probe
    assert len(read_while_held) >= 5, read_while_held
    assert {line.split()[1] for line in read_while_held} == {f"{before:.2f}"}
    assert any(line.split()[1] == after for line in lines[mark:]), lines[-3:]
    assert _reading_copies(store.path) == []  # removed with the commit


def test_a_reading_copy_whose_loader_is_gone_is_never_read(small_store: tuple[Path, int],
                                                           tmp_path: Path) -> None:
    """A loader killed mid-load leaves its copy behind; readers ignore it (the file may
    have changed since) and the next load removes it, failed or not, with its own."""
    path, _ = small_store
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = path.with_name(f"{path.name}.reading-{int(dead.stdout)}")
    with Store(stale) as other:  # not this store's state: it must never be shown
        other.write_one("UPDATE store_version SET changes = 999")
    half = path.with_name(f"{stale.name}.part")  # a copy its loader never finished
    half.write_bytes(b"killed while copying")
    env = {**os.environ, "OBOROT_STORE": str(path), "OBOROT_LOCK_WAIT_S": "1"}
    with _held(path):
        reading = subprocess.run([sys.executable, "-m", "dashboard", "datasets"],
                                 cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                                 timeout=60)
    assert reading.returncode == 2, reading.stdout
    assert "in use by another process for longer than 1 s" in reading.stderr
    incoming = tmp_path / "incoming.csv"
    incoming.write_text(_fcs(ADDED_BY_INGEST, 7, rows=3))
    with Store(path) as store, pytest.raises(LimitError):
        ingest_file(store, incoming, max_rows=2)
    assert _reading_copies(path) == []
    assert not half.exists()


@pytest.fixture
def small_store(tmp_path: Path) -> tuple[Path, int]:
    """A store of one small dataset (and no rates), closed; its dataset id."""
    path = tmp_path / "small.duckdb"
    loaded = tmp_path / "loaded.csv"
    loaded.write_text(_fcs(REMOVED_BY_DELETE, 6))
    with Store(path) as store:
        return path, ingest_file(store, loaded).dataset_id


def _state(path: Path) -> tuple[str, list[dict], int]:
    with Store(path, create=False) as store:
        return (store.version(), store.datasets()[["id", "row_count"]].to_dict("records"),
                len(store.rates()))


@pytest.mark.parametrize("command", ["ingest", "delete", "rates import"])
def test_every_cli_write_to_a_store_held_by_another_writer_exits_2_with_one_line(
    small_store: tuple[Path, int], tmp_path: Path, command: str
) -> None:
    path, dataset_id = small_store
    incoming = tmp_path / "incoming.csv"
    incoming.write_text(_fcs(ADDED_BY_INGEST, 7))
    argv = {"ingest": ["ingest", str(incoming)], "delete": ["delete", str(dataset_id)],
            "rates import": ["rates", "import", str(RATE_FIXTURES / "cbr_daily_2019-04-16.xml")]}
    before = _state(path)
    env = {**os.environ, "OBOROT_STORE": str(path), "OBOROT_LOCK_WAIT_S": "1",
           "OBOROT_LOG": str(tmp_path / "cli.log")}
    with _held(path):
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "dashboard", *argv[command]],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                              timeout=60)
        waited = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "the store is in use by another process for longer than 1 s" in done.stderr
    assert waited >= 1
    assert _state(path) == before
    assert not Path(f"{path}.writer-waiting").exists()


def test_the_same_file_ingested_by_three_processes_at_once_loads_once(tmp_path: Path) -> None:
    """Exactly one process loads it; the others say "already loaded" as for a repeat load."""
    incoming = tmp_path / "incoming.csv"
    incoming.write_text(_fcs(ADDED_BY_INGEST, 7, rows=20_000))
    env = {**os.environ, "OBOROT_LOCK_WAIT_S": "120"}
    for attempt in range(3):
        store_path = tmp_path / f"store{attempt}.duckdb"
        command = [sys.executable, "-m", "dashboard", "--store", str(store_path), "ingest",
                   str(incoming)]
        runs = [subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(3)]
        outputs = [(run.wait(timeout=300), *run.communicate()) for run in runs]
        assert [code for code, _, _ in outputs] == [0, 0, 0], outputs
        assert all(err == "" for _, _, err in outputs), outputs
        lines = sorted(out.strip() for _, out, _ in outputs)
        assert all(len(line.splitlines()) == 1 for line in lines), lines
        assert [line.split(" ")[0] for line in lines] == ["already", "already", "dataset"], lines
        assert lines[0].startswith("already loaded as dataset 1 (20,000 rows); nothing changed")
        with Store(store_path) as store:
            assert store.datasets()["row_count"].tolist() == [20_000]


def test_the_same_file_ingested_by_two_stores_of_one_process_at_once_loads_once(
    tmp_path: Path,
) -> None:
    """Two Store objects on one file (two threads) race past the first check: one loads."""
    incoming = tmp_path / "incoming.csv"
    incoming.write_text(_fcs(ADDED_BY_INGEST, 7, rows=2_000))
    path = tmp_path / "store.duckdb"
    stores = [Store(path, keep_open=True), Store(path, keep_open=True)]
    start = threading.Barrier(2)
    results: list[object] = []

    def load(store: Store) -> None:
        start.wait()
        try:
            results.append(ingest_file(store, incoming))
        except Exception as exc:  # collected: a thread cannot fail a test
            results.append(exc)

    threads = [threading.Thread(target=load, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [getattr(r, "already_loaded", r) for r in results] in ([False, True], [True, False]), (
        results)
    assert {r.dataset_id for r in results} == {1}  # type: ignore[union-attr]
    assert stores[0].datasets()["row_count"].tolist() == [2_000]
    for store in stores:
        store.close()
