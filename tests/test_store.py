"""The store on both engines: atomic ingest, duplicates, delete, pushed-down queries."""

from __future__ import annotations

import duckdb
import pandas as pd
import psycopg
import pytest

from dashboard.core.errors import NotFoundError, SchemaError
from dashboard.data import ingest
from dashboard.data.ingest import ingest_file
from dashboard.data.sources import tabular
from dashboard.data.sources.detect import sha256_of
from dashboard.data.store import Store, TradeQuery
from dashboard.data.store.summaries import SUMMARIES
from tests.conftest import TOMSK, ru_text


def _snapshot(store: Store) -> tuple:
    datasets = store.datasets()[["id", "name", "row_count"]].to_dict("records")
    with store.connect() as con:
        rows = con.execute("SELECT count(*), sum(value_usd) FROM trade").fetchone()
    totals = store.aggregate(["reporter", "year"]).to_dict("records")
    return datasets, rows, totals


@pytest.fixture
def loaded(store, write_file) -> Store:
    ingest_file(store, write_file("first.csv", ru_text()))
    return store


@pytest.mark.parametrize(
    "bad_row",
    [
        f"ЭК\t01/2018\tKZ\t3901109000\t\t1,0x\t1\t0\t{TOMSK}",  # number, found by Arrow
        "ЭК\t01/2018\tKZ\t3901109000\t\t1,0\t1\t0\t99999 - НЕТ\tX",  # unknown region
        f"ЭК\t01/2018\tKZ\t39\t\t1,0\t1\t0\t{TOMSK}\textra",  # ragged row
    ],
)
def test_a_file_failing_at_row_n_leaves_the_store_unchanged(
    loaded, write_file, monkeypatch, bad_row
):
    monkeypatch.setattr(tabular, "BLOCK_SIZE", 4096)  # many batches land before the bad one
    before = _snapshot(loaded)
    good = f"ЭК\t02/2018\tCN\t4407109100\t\t5,0\t1\t0\t{TOMSK}"
    path = write_file("second.csv", ru_text([good] * 5000 + [bad_row] + [good] * 10))
    with pytest.raises(SchemaError) as info:
        ingest_file(loaded, path)
    assert info.value.file == "second.csv"
    assert _snapshot(loaded) == before
    assert loaded.find_by_sha256("x") is None


def test_a_large_file_hashed_beside_its_parse_is_still_loaded_once(store, write_file,
                                                                      monkeypatch):
    monkeypatch.setattr(ingest, "HASH_BESIDE_BYTES", 0)  # every file counts as large
    monkeypatch.setattr(tabular, "BLOCK_SIZE", 4096)  # the digest arrives between batches
    good = f"ЭК\t02/2018\tCN\t4407109100\t\t5,0\t1\t0\t{TOMSK}"
    path = write_file("big.csv", ru_text([good] * 3000))
    first = ingest_file(store, path)
    assert store.datasets()["sha256"].tolist() == [sha256_of(path)]
    again = ingest_file(store, write_file("copy.csv", path.read_bytes()))
    assert again.already_loaded and again.dataset_id == first.dataset_id
    assert store.datasets()["row_count"].tolist() == [first.rows]


def test_the_same_file_twice_is_reported_not_duplicated(loaded, write_file):
    again = ingest_file(loaded, write_file("renamed.csv", ru_text()))
    assert again.already_loaded and again.dataset_id == 1
    assert len(loaded.datasets()) == 1
    assert loaded.aggregate([])["value_usd"].item() == 1470.5


def test_datasets_carry_provenance_and_delete_removes_every_row(loaded, write_file):
    second = ingest_file(loaded, write_file("second.csv", ru_text(sep=";"), encoding="cp1251"),
                         name="Tomsk, re-saved")
    frame = loaded.datasets()
    assert list(frame["name"]) == ["first.csv", "Tomsk, re-saved"]
    assert frame.iloc[1][["format", "encoding", "separator", "row_count", "period_start",
                          "period_end", "reporters"]].tolist() == [
        "fcs-ru", "cp1251", ";", 6, "2017-01", "2018-05", "RU-TOM"]
    assert len(frame.iloc[1]["sha256"]) == 64
    loaded.delete(second.dataset_id)
    assert list(loaded.datasets()["id"]) == [1]
    assert loaded.aggregate([])["value_usd"].item() == 1470.5
    with pytest.raises(NotFoundError):
        loaded.delete(99)


def test_the_store_is_a_real_database_of_its_engine(loaded, store_target):
    loaded.close()
    if loaded.engine.name == "duckdb":
        con = duckdb.connect(store_target, read_only=True)
        assert con.execute("SELECT count(*) FROM trade").fetchone()[0] == 6
        con.close()
    else:
        with psycopg.connect(store_target) as con:
            assert con.execute("SELECT count(*) FROM trade").fetchone()[0] == 6
            assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == len(
                loaded.engine.migrations)


def _summary_and_trade(store: Store, table: str) -> tuple[list, list]:
    """A summary table's rows, and the same sums computed from trade directly."""
    keys = ", ".join(SUMMARIES[table])
    columns = ", ".join("hs_code" if "hs_code" in key else key for key in SUMMARIES[table])
    measures = "sum(value_usd), sum(net_kg), sum(quantity)"
    with store.connect() as con:
        return [sorted(con.execute(sql).fetchall(), key=repr) for sql in (
            f"SELECT {columns}, {measures} FROM {table} GROUP BY {columns}",
            f"SELECT {keys}, {measures} FROM trade GROUP BY {keys}")]


def test_every_summary_holds_the_sums_of_trade_after_loads_and_a_delete(loaded, write_file):
    other = [row.replace("KZ", "UZ").replace("/2018", "/2019") for row in ru_text().split("\n")[1:]]
    second = ingest_file(loaded, write_file("second.csv", ru_text([r for r in other if r])))
    third = ingest_file(loaded, write_file("third.csv", ru_text(sep=";")))
    loaded.delete(third.dataset_id)
    assert second.dataset_id == 2
    for table in SUMMARIES:
        summary, direct = _summary_and_trade(loaded, table)
        assert summary == direct and len(summary) > 0, table
    # The totals of a region come from its own small summary and agree with trade.
    by_month = loaded.aggregate(["year", "month", "flow"], TradeQuery(reporter="RU-TOM"))
    assert by_month["value_usd"].sum() == loaded.aggregate(["unit"])["value_usd"].sum()


def test_a_store_from_before_the_region_summaries_gets_them_on_opening(loaded, store_target):
    expected = loaded.aggregate(["year", "flow"], TradeQuery(reporter="RU-TOM"))
    chapters = loaded.aggregate(["year", "hs_code"], TradeQuery(reporter="RU-TOM"), hs_level=2)
    versions = len(loaded.engine.migrations)
    loaded.close()
    connect = (psycopg.connect if loaded.engine.name == "postgresql" else duckdb.connect)
    con = connect(store_target)
    if loaded.engine.name == "postgresql":  # the covering indexes go back to the old ones
        con.execute("DROP INDEX trade_by_partner_slice")
        con.execute("CREATE INDEX trade_by_partner_slice ON trade_by_partner "
                    "(reporter, year, partner)")
        con.execute("DROP INDEX trade_by_heading_slice")
        con.execute("CREATE INDEX trade_by_heading_slice ON trade_by_heading (reporter, year)")
    con.execute("DROP TABLE trade_by_reporter")
    con.execute("DROP TABLE trade_by_chapter")
    con.execute(f"DELETE FROM schema_migrations WHERE version >= {versions - 1}")
    con.commit()
    con.close()
    with Store(store_target) as reopened:
        got = reopened.aggregate(["year", "flow"], TradeQuery(reporter="RU-TOM"))
        got_chapters = reopened.aggregate(["year", "hs_code"], TradeQuery(reporter="RU-TOM"),
                                          hs_level=2)
        summary, direct = _summary_and_trade(reopened, "trade_by_reporter")
        by_chapter, chapter_direct = _summary_and_trade(reopened, "trade_by_chapter")
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(got_chapters, chapters)
    assert summary == direct and len(summary) == 5
    assert by_chapter == chapter_direct and len(by_chapter) == 6


@pytest.mark.parametrize(
    ("by", "query", "hs_level", "expected"),
    [
        (["year"], TradeQuery(reporter="RU-TOM"), None, {(2017,): 150.0, (2018,): 1320.5}),
        (["flow"], TradeQuery(partners=("KZ",), years=(2018,)), None,
         {("export",): 300.5, ("import",): 20.0}),
        (["hs_code"], TradeQuery(years=(2018,), flows=("export",)), 2,
         {("39",): 300.5, ("44",): 600.0, ("XXXXXXXXXX",): 400.0}),
        (["month"], TradeQuery(years=(2018,), months=(1, 2, 3)), None,
         {(1,): 300.5, (3,): 20.0}),
        (["partner"], TradeQuery(hs_prefix="25"), None, {("KZ",): 20.0}),
        (["partner"], TradeQuery(partners=()), None, {}),
        (["year"], TradeQuery(reporter="RU-MOW"), None, {}),
    ],
)
def test_aggregates_push_filters_into_sql(loaded, by, query, hs_level, expected):
    frame = loaded.aggregate(by, query, hs_level=hs_level)
    got = {tuple(row[k] for k in by): row["value_usd"] for row in frame.to_dict("records")}
    assert got == expected


def test_filters_are_parameters_not_sql(loaded):
    hostile = "RU-TOM' OR '1'='1"
    assert loaded.aggregate(["year"], TradeQuery(reporter=hostile)).empty
    with pytest.raises(ValueError):
        loaded.aggregate(["year; DROP TABLE trade"])


def test_rates_upsert_replaces_on_key(store):
    rows = pd.DataFrame({"date": ["2018-09-01", "2018-09-04"], "currency": ["USD", "USD"],
                         "quote": ["RUB", "RUB"], "rate": [68.0447, 67.7443],
                         "source": ["cbr", "cbr"]})
    assert store.upsert_rates(rows) == 2
    store.upsert_rates(rows.assign(rate=[68.0447, 67.0]))
    got = store.rates(currencies=["USD"], quote="RUB")
    assert got["rate"].tolist() == [68.0447, 67.0]
    assert len(store.rate_dates(currency="USD", quote="RUB", source="cbr")) == 2


def test_the_version_changes_when_rates_are_written(store):
    """Converted figures are cached on the version: a rates refresh must move it."""
    rows = pd.DataFrame({"date": ["2018-09-01"], "currency": ["USD"], "quote": ["RUB"],
                         "rate": [68.0447], "source": ["cbr"]})
    empty = store.version()
    store.upsert_rates(rows)
    added = store.version()
    store.upsert_rates(rows.assign(rate=[67.0]))  # same key, new value: the count stays
    assert len({empty, added, store.version()}) == 3


def test_a_dataset_covering_the_same_months_is_flagged(loaded, write_file):
    again = ingest_file(loaded, write_file("resaved.csv", ru_text(sep=";"), encoding="cp1251"))
    assert any("dataset(s) 1" in note and "add both" in note for note in again.notes)
    other = ingest_file(loaded, write_file("moscow.csv", ru_text(
        ["ЭК\t01/2018\tKZ\t3901109000\t\t1,0\t1\t0\t45000 - Г. МОСКВА\tX"])))
    assert not any("add both" in note for note in other.notes)
