"""What only a server engine must do: several instances and loaders share one PostgreSQL.

Two loaders of the same file store it once; a reader never sees half a
dataset; every instance's version moves when any of them writes; a viewer
role that may only SELECT is enough to read; the schema is created and
upgraded by the app, once.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import psycopg
import pyarrow as pa
import pytest

from dashboard.core.errors import OborotError
from dashboard.data.ingest import ingest_file
from dashboard.data.sources.base import TradeBatches
from dashboard.data.store import IngestResult, Store, TradeQuery
from dashboard.data.store.summaries import SUMMARIES
from tests.conftest import ru_text

KZ_2018 = "ЭК\t{month:02d}/2018\tKZ\t3901109000\t\t1,0\t1\t0\t69000 - ТОМСКАЯ ОБЛАСТЬ\tX"


def _big_file(directory: Path, rows: int = 20_000) -> Path:
    """A file of ``rows`` one-dollar lines (several batches at the small block size)."""
    path = directory / "big.csv"
    path.write_text(ru_text([KZ_2018.format(month=1 + n % 12) for n in range(rows)]))
    return path


class _PausedLoad:
    """An ingest in a thread that stops inside its transaction until released."""

    def __init__(self, store: Store, path: Path) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()
        self.result: IngestResult | BaseException | None = None

        def progress(rows: int) -> None:
            self.inside.set()
            assert self.release.wait(30)

        def run() -> None:
            try:
                self.result = ingest_file(store, path, progress=progress)
            except BaseException as exc:  # handed to the test
                self.result = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert self.inside.wait(30)

    def finish(self) -> IngestResult:
        self.release.set()
        self.thread.join(30)
        assert isinstance(self.result, IngestResult), self.result
        return self.result


def test_two_loaders_of_the_same_file_store_it_once(pg_url, tmp_path, monkeypatch):
    path = _big_file(tmp_path)
    first, second = Store(pg_url), Store(pg_url)
    paused = _PausedLoad(first, path)
    outcome: list[IngestResult] = []
    racer = threading.Thread(target=lambda: outcome.append(ingest_file(second, path)))
    racer.start()
    racer.join(1.0)
    assert racer.is_alive()  # waits on the first loader's uncommitted sha256
    loaded = paused.finish()
    racer.join(30)
    assert not loaded.already_loaded and loaded.rows == 20_000
    assert outcome[0].already_loaded and outcome[0].dataset_id == loaded.dataset_id
    assert first.datasets()["row_count"].tolist() == [20_000]
    assert first.aggregate([])["value_usd"].item() == 20_000.0


def test_a_reader_never_sees_half_a_dataset(pg_url, tmp_path, write_file):
    loader, viewer = Store(pg_url), Store(pg_url, keep_open=True)
    ingest_file(loader, write_file("small.csv", ru_text()))
    before, version = viewer.aggregate(["year"]), viewer.version()
    paused = _PausedLoad(loader, _big_file(tmp_path))
    with psycopg.connect(pg_url) as con:  # the loader's transaction is open
        assert con.execute("SELECT count(*) FROM pg_stat_activity WHERE state = "
                           "'idle in transaction'").fetchone()[0] >= 1
    pd.testing.assert_frame_equal(viewer.aggregate(["year"]), before)
    assert viewer.version() == version and len(viewer.datasets()) == 1
    paused.finish()
    after = viewer.aggregate(["year"]).set_index("year")["value_usd"]
    assert after.to_dict() == {2017: 150.0, 2018: 1320.5 + 20_000}
    assert viewer.version() != version


def test_every_instance_sees_a_write_of_any_other(pg_url, write_file):
    app_one, app_two, loader = (Store(pg_url, keep_open=True) for _ in range(3))
    seen = app_one.version()
    assert app_two.version() == seen
    loaded = ingest_file(loader, write_file("small.csv", ru_text()))
    after_ingest = app_one.version()
    assert after_ingest != seen and app_two.version() == after_ingest
    loader.upsert_rates(pd.DataFrame({"date": ["2018-09-01"], "currency": ["USD"],
                                      "quote": ["RUB"], "rate": [68.0447], "source": ["cbr"]}))
    after_rates = app_two.version()
    assert after_rates != after_ingest and app_one.version() == after_rates
    loader.delete(loaded.dataset_id)
    assert app_one.version() not in {seen, after_ingest, after_rates}
    assert app_two.aggregate([])["value_usd"].isna().all()


@pytest.fixture
def viewer_url(pg_url: str, pg_server: str) -> str:
    """The same schema through a role that may only read it."""
    role = f"viewer_{uuid.uuid4().hex[:8]}"
    schema = pg_url.rsplit("search_path%3D", 1)[1]
    with Store(pg_url) as owner:  # the app creates the schema with its writing role
        owner.is_empty()
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}")
        admin.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES "
                      f"TO {role}")
    parts = urlsplit(pg_url)
    yield urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"DROP OWNED BY {role}")
        admin.execute(f"DROP ROLE {role}")


def test_a_read_only_role_is_enough_for_a_viewer(pg_url, viewer_url, write_file):
    ingest_file(Store(pg_url), write_file("small.csv", ru_text()))
    with Store(viewer_url, keep_open=True) as viewer:
        assert viewer.aggregate(["year"])["value_usd"].tolist() == [150.0, 1320.5]
        assert viewer.distinct("partner") == ["CN", "KZ"]
        assert viewer.version() == "1"
        with pytest.raises(OborotError, match="permission denied"):
            ingest_file(viewer, write_file("other.csv", ru_text(sep=";")))
        with pytest.raises(OborotError, match="permission denied"):
            viewer.delete(1)
    assert len(Store(pg_url).datasets()) == 1


def test_the_schema_is_created_once_and_a_newer_one_refused(pg_url):
    with Store(pg_url) as first:
        assert first.is_empty()
    with Store(pg_url) as second:  # a second instance finds it done, creates nothing
        assert second.version() == "0"
        versions = len(second.engine.migrations)
    with psycopg.connect(pg_url, autocommit=True) as con:
        assert con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall() == [
            (number,) for number in range(1, versions + 1)]
        con.execute("INSERT INTO schema_migrations VALUES (%s, now())", [versions + 1])
    with pytest.raises(OborotError, match="newer Oborot"), Store(pg_url) as newer:
        newer.is_empty()


def test_trade_is_indexed_by_block_ranges_and_still_answers_by_region(pg_url, write_file):
    with Store(pg_url) as store:
        ingest_file(store, write_file("first.csv", ru_text()))
        by_unit = store.aggregate(["reporter", "unit"], TradeQuery(reporter="RU-TOM"))  # trade
        assert by_unit["reporter"].unique().tolist() == ["RU-TOM"]
        assert by_unit["value_usd"].sum() == 1470.5
    with psycopg.connect(pg_url) as con:
        methods = con.execute("SELECT indexname, indexdef FROM pg_indexes "
                              "WHERE tablename = 'trade' AND schemaname = current_schema() "
                              "ORDER BY 1").fetchall()
    assert [name for name, _ in methods] == ["trade_dataset", "trade_reporter_year"]
    assert all("USING brin" in definition for _, definition in methods)


def test_a_read_command_never_creates_a_store(pg_url):
    with pytest.raises(OborotError, match="no Oborot store here yet"):
        Store(pg_url, create=False).datasets()
    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_schema = current_schema()").fetchone()[0] == 0


def test_an_unreachable_server_is_one_clear_line():
    with pytest.raises(OborotError, match=r"postgresql://oborot:\*\*\*@127.0.0.1:1/x: cannot "
                                          "connect to PostgreSQL"):
        Store("postgresql://oborot:secret@127.0.0.1:1/x").is_empty()


def test_a_whole_store_moves_up_to_postgresql_and_back(tmp_path, pg_url, write_file, capsys):
    from dashboard.__main__ import main

    source = tmp_path / "laptop.duckdb"
    with Store(source) as laptop:
        ingest_file(laptop, write_file("tomsk.csv", ru_text()))
        ingest_file(laptop, write_file("again.csv", ru_text(sep=";"), encoding="cp1251"))
        laptop.delete(1)  # ids with a gap survive the copy
        laptop.upsert_rates(pd.DataFrame({
            "date": ["2018-09-01", "2018-09-04"], "currency": ["USD", "USD"],
            "quote": ["RUB", "RUB"], "rate": [68.0447, 67.7443], "source": ["cbr", "cbr"]}))
        before = (laptop.datasets(), laptop.aggregate(["year", "partner"]), laptop.rates())
    assert main(["--store", str(source), "copy", "--to", pg_url]) == 0
    assert "dataset 2: 6 rows, 1,470.50 USD -> 6 rows, 1,470.50 USD" in capsys.readouterr().out
    back = tmp_path / "back.duckdb"
    assert main(["--store", pg_url, "copy", "--to", str(back)]) == 0
    for target in (pg_url, str(back)):
        with Store(target) as copy:
            pd.testing.assert_frame_equal(copy.datasets(), before[0])
            pd.testing.assert_frame_equal(copy.aggregate(["year", "partner"]), before[1])
            pd.testing.assert_frame_equal(copy.rates().drop(columns="fetched_at"),
                                          before[2].drop(columns="fetched_at"))
            new = ingest_file(copy, write_file("moscow.csv", ru_text(
                ["ЭК\t01/2018\tKZ\t3901109000\t\t1,0\t1\t0\t45000 - Г. МОСКВА\tX"])))
            assert new.dataset_id == 3  # ids continue after the copied ones
    assert main(["--store", str(source), "copy", "--to", pg_url]) == 2
    assert "already holds data" in capsys.readouterr().err


def test_a_dropped_connection_is_one_clear_line_and_the_next_call_reconnects(pg_url,
                                                                               pg_server):
    with Store(pg_url, keep_open=True) as app:
        with app.connect() as con:  # the pooled connection the next call will take
            pid = con.info.backend_pid
        with psycopg.connect(pg_server, autocommit=True) as admin:  # e.g. a server restart
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        with pytest.raises(OborotError, match="the PostgreSQL connection failed"):
            app.is_empty()
        assert app.is_empty()  # a fresh connection


@pytest.mark.parametrize("table", list(SUMMARIES))
def test_summaries_summed_by_arrow_equal_the_sql_ones(pg_url, tmp_path, write_file, table):
    path = write_file("tomsk.csv", ru_text())
    stores = [Store(pg_url), Store(tmp_path / "file.duckdb")]
    rows = []
    for store in stores:
        ingest_file(store, path)
        with store.connect() as con:
            rows.append(sorted(con.execute(f"SELECT * FROM {table}").fetchall(),
                               key=lambda r: tuple((v is None, str(v)) for v in r)))
        store.close()
    assert rows[0] == rows[1]
    assert len(rows[0]) == {"trade_by_partner": 5, "trade_by_heading": 6,
                            "trade_by_reporter": 5, "trade_by_chapter": 6}[table]


def test_a_read_through_arrow_gives_the_frame_of_the_rows_path(pg_url):
    # Reads outside a transaction come through ADBC's Arrow reader, reads inside one
    # through psycopg's rows: NULL and empty text, newlines, quotes, booleans, tiny
    # floats, numeric sums and month as TINYINT must come out the same either way.
    sql = ("SELECT * FROM (VALUES ('a' || chr(10) || 'b', 1.5::float8, true, 2::int2, 7::numeric),"
           " ('', NULL, false, NULL, NULL), (NULL, 0.1::float8, NULL, 3::int2, 0.5::numeric), "
           "('say \"x\", ok', 1e-300::float8, true, 4::int2, 1::numeric)) "
           "AS t(label, value, flag, month, total) WHERE ? = ? AND ? <> ?")
    with Store(pg_url) as store:
        store.is_empty()
        arrow = store.query(sql, [1, 1, "a", "b"])
        empty = store.query(sql, [1, 2, "a", "b"])
        with store.connect() as con, store.engine.transaction(con):
            rows = store.engine.frame(con, sql, [1, 1, "a", "b"])
    pd.testing.assert_frame_equal(arrow, rows)
    assert arrow["label"].tolist()[:2] == ["a\nb", ""] and pd.isna(arrow["label"][2])
    assert arrow["value"].tolist()[3] == 1e-300 and str(arrow["month"].dtype) == "Int8"
    assert arrow["total"].tolist()[0] == 7.0 and arrow["total"].dtype == "float64"
    assert empty.empty and list(empty.columns) == ["label", "value", "flag", "month", "total"]


def test_a_dropped_arrow_reader_is_one_clear_line_and_the_next_read_reconnects(pg_url,
                                                                                 pg_server):
    marker = f"reader-{uuid.uuid4().hex}"
    with Store(pg_url, keep_open=True) as app:
        app.query(f"SELECT '{marker}' AS marker WHERE ? = ?", [1, 1])  # a pooled reader
        with psycopg.connect(pg_server, autocommit=True) as admin:  # e.g. a server restart
            killed = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                   "WHERE query LIKE %s AND pid <> pg_backend_pid()",
                                   [f"%{marker}%"]).fetchall()
        assert killed == [(True,)]
        with pytest.raises(OborotError, match="the PostgreSQL connection failed"):
            app.aggregate(["year"])
        assert app.aggregate(["year"]).empty  # a fresh reader


def test_aggregates_come_sorted_by_code_point_with_nulls_last_on_both_engines(
        pg_url, tmp_path, write_file):
    """PostgreSQL's rows are sorted by the client (Arrow), DuckDB's by ORDER BY: the
    same order, on the first call of a statement and on the repeated (COPY) path."""
    rows = [f"{flow}\t{period}\t{partner}\t{hs}\t\t1,0\t1\t0\t69000 - ТОМСКАЯ ОБЛАСТЬ\tX"
            for flow, period, partner, hs in [
                ("ИМ", "02/2018", "kz", "XXXXXXXXXX"), ("ЭК", "01/2018", "CN", "0702000000"),
                ("ЭК", "11/2018", "AE", "9999000000"), ("ИМ", "12/2017", "KZ", ""),
                ("ЭК", "02/2018", "ZW", "2501009100")]]
    path = write_file("sorted.csv", ru_text(rows))
    answers = {}
    for target in (pg_url, str(tmp_path / "store.duckdb")):
        with Store(target) as store:
            ingest_file(store, path)
            answers[target] = [
                store.aggregate(by, hs_level=level)
                for by, level in ((["hs_code", "flow"], None), (["partner", "year", "month"],
                                                                None),
                                  (["hs_code"], 4), (["flow", "year"], None))
                for _ in range(2)  # the second run of a statement reads through COPY
            ]
    postgres, duckdb_file = answers.values()
    for ours, theirs in zip(postgres, duckdb_file, strict=True):
        pd.testing.assert_frame_equal(ours, theirs)
    first = duckdb_file[0]
    assert first["hs_code"].tolist()[:1] == ["0702000000"]
    assert first["hs_code"].isna().tolist()[-1], "the row without a code sorts last"


def test_rows_sent_through_binary_copy_come_back_exactly(pg_url):
    # Canonical batches carry month as TINYINT; NULL and empty text, extreme doubles,
    # signed zeros and non-ASCII codes must survive PostgreSQL's binary format.
    table = pa.table({
        "reporter": ["RU-TOM", "RU-TOM", "RU-MOW"], "partner": ["KZ", "ÅX", "CN"],
        "flow": ["export"] * 3,
        "year": pa.array([2018, 2018, 2019], pa.int16()),
        "month": pa.array([1, None, 12], pa.int8()),
        "hs_code": ["3901109000", None, "XXXXXXXXXX"],
        "value_usd": [1e-300, 1.7976931348623157e308, 0.1],
        "net_kg": [None, 0.0, -0.0], "quantity": [5.5, None, 1e15],
        "unit": ["", None, "166"],
    })
    with Store(pg_url) as store, store.connect() as con:
        with store.engine.transaction(con):
            store.engine.load_trade(con, 7, table.to_batches())
        rows = con.execute("SELECT dataset_id, reporter, partner, flow, year, month, hs_code, "
                           "value_usd, net_kg, quantity, unit FROM trade "
                           "ORDER BY value_usd").fetchall()
    assert rows == [
        (7, "RU-TOM", "KZ", "export", 2018, 1, "3901109000", 1e-300, None, 5.5, ""),
        (7, "RU-MOW", "CN", "export", 2019, 12, "XXXXXXXXXX", 0.1, -0.0, 1e15, "166"),
        (7, "RU-TOM", "ÅX", "export", 2018, None, None, 1.7976931348623157e308, 0.0, None, None),
    ]


def _chunks(bad_partner: str | None = None, fail: Exception | None = None):
    """Six two-row batches of Tomsk's exports (the fourth with ``bad_partner``), then
    ``fail`` raised by the source when given."""
    for n in range(6):
        partner = bad_partner if bad_partner is not None and n == 3 else "KZ"
        yield pa.record_batch({
            "reporter": ["RU-TOM"] * 2, "partner": [partner] * 2, "flow": ["export"] * 2,
            "year": pa.array([2018] * 2, pa.int16()), "month": pa.array([n + 1] * 2, pa.int8()),
            "hs_code": ["3901109000"] * 2, "value_usd": [1.0] * 2, "net_kg": [None, 1.0],
            "quantity": [None, 2.0], "unit": [None, ""],
        })
    if fail is not None:
        raise fail


@pytest.mark.parametrize("case", ["server refuses a chunk", "source fails after chunks"])
def test_a_load_failing_while_its_copies_are_in_flight_stores_nothing(pg_url, monkeypatch,
                                                                      case):
    # Chunks of two rows: COPYs of earlier chunks are still running on the copier's
    # thread when a later one fails, on either side.
    monkeypatch.setattr("dashboard.data.store.base._LOAD_ROWS", 2)
    with Store(pg_url) as store:
        store.ingest(TradeBatches("test", "", "", _chunks()), name="kept", file_name=None,
                     sha256=None)
        before = store.aggregate(["month"])
        if case == "server refuses a chunk":  # text with a NUL byte: PostgreSQL's refusal
            with pytest.raises(psycopg.errors.CharacterNotInRepertoire):
                store.ingest(TradeBatches("test", "", "", _chunks(bad_partner="K\x00Z")),
                             name="refused", file_name=None, sha256=None)
        else:
            with pytest.raises(OborotError, match="line 13"):
                store.ingest(TradeBatches("test", "", "", _chunks(
                    fail=OborotError("big.csv: line 13, column 2: expected a code"))),
                    name="broken", file_name=None, sha256=None)
        assert store.datasets()["name"].tolist() == ["kept"]
        pd.testing.assert_frame_equal(store.aggregate(["month"]), before)
        for table in ("trade", *SUMMARIES):
            assert store.query_rows(f"SELECT count(DISTINCT dataset_id) FROM {table}") == [(1,)]
        # The store still loads afterwards (no copy left holding the connection).
        store.ingest(TradeBatches("test", "", "", _chunks()), name="next", file_name=None,
                     sha256=None)
        assert store.aggregate([])["value_usd"].item() == 24.0
