"""``update``: a store holding 2017 is brought to 2018 from loopback banks, Comtrade and portal."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from dashboard.__main__ import main
from dashboard.data import refresh, update_log
from dashboard.data.ingest import ingest_file
from dashboard.data.refresh import Outcome
from dashboard.data.sources import comtrade
from dashboard.data.store import Store, TradeQuery
from dashboard.jobs.updates import update_all
from tests.loopback import (
    dattsvt,
    loopback,
    serve_cbr,
    serve_comtrade,
    serve_ecb,
    serve_portal,
    tomsk_rows,
)
from tests.test_comtrade import LEGACY_WILD_HEADER, WILD_ROWS

TODAY = date(2019, 1, 15)
CBR = {"2017-12-29": 57.6002, "2018-01-10": 56.8258, "2018-12-29": 69.4706}
ECB = {"2017-12-29": 1.1993, "2018-01-10": 1.1932, "2018-12-28": 1.145}
COMTRADE = {(f"{y}", f): f"preview_ru_kz_{y}_{f}.json" for y in (2017, 2018) for f in "XM"}
UNLOAD = "/api/DataAnalysis/UnloadData"


def _published(year: int, month: int) -> list[str]:
    return tomsk_rows(year, month) if year in (2017, 2018) else []


@pytest.fixture
def services(monkeypatch):
    with loopback() as server:
        for name in ("OBOROT_CBR_URL", "OBOROT_ECB_URL", "OBOROT_COMTRADE_URL", "OBOROT_FCS_URL"):
            monkeypatch.setenv(name, server.url)
        monkeypatch.setenv("OBOROT_FCS_PAUSE_S", "0.05")
        monkeypatch.setenv("OBOROT_HTTP_TIMEOUT", "2")
        monkeypatch.delenv("OBOROT_OFFLINE", raising=False)
        monkeypatch.delenv("OBOROT_COMTRADE_KEY", raising=False)
        serve_cbr(server, CBR)
        serve_ecb(server, ECB)
        serve_comtrade(server, COMTRADE)
        serve_portal(server, _published)
        yield server


@pytest.fixture
def store_2017(services, tmp_path, write_file) -> Store:
    """2017 everywhere: an FCS upload of Tomsk, Comtrade RU-KZ, USD rates from CBR and ECB."""
    store = Store(tmp_path / "store.duckdb")
    lines = [line for m in range(1, 13) for line in tomsk_rows(2017, m)]
    ingest_file(store, write_file("DATTSVT.csv", dattsvt(lines, "csv")))
    parsed = comtrade.fetch("RU", "KZ", (2017,))
    store.ingest(parsed, name="UN Comtrade RU-KZ 2017", file_name=None, sha256=parsed.sha256)
    store.upsert_rates(pd.DataFrame({
        "date": ["2017-12-29", "2017-12-29"], "currency": ["USD", "USD"],
        "quote": ["RUB", "EUR"], "rate": [57.6002, 1 / 1.1993], "source": ["cbr", "ecb"]}))
    services.requests.clear()
    return store


def test_one_update_brings_2017_to_2018_and_a_second_fetches_nothing(store_2017, services):
    store = store_2017
    lines: list[str] = []
    run = update_all(store, today=TODAY, report=lambda o: lines.append(o.line()))
    assert run.exit_code == 0
    assert lines == [
        "cbr: USD: loaded 2 rows; newest rate 2018-12-29",
        "ecb: USD: loaded 2 rows; newest rate 2018-12-28",
        "comtrade RU-KZ: 2018: loaded 2 rows (dataset 3)",
        "fcs 69000: 2018-01..2018-12: loaded 24 rows (dataset 4)",
    ]
    tomsk = store.aggregate(["year", "flow"], TradeQuery(reporter="RU-TOM"))
    assert tomsk.set_index(["year", "flow"])["value_usd"].to_dict() == {
        (2017, "export"): 12078.0, (2017, "import"): 780.0,
        (2018, "export"): 24078.0, (2018, "import"): 780.0}
    russia = store.aggregate(["year", "flow"], TradeQuery(reporter="RU", partners=("KZ",)))
    assert russia.set_index(["year", "flow"])["value_usd"].to_dict() == {
        (2017, "export"): 100.0, (2017, "import"): 40.0,
        (2018, "export"): 200.0, (2018, "import"): 50.0}
    assert store.rates(currencies=["USD"], quote="RUB")["rate"].tolist() == [
        57.6002, 56.8258, 69.4706]

    services.requests.clear()
    again = update_all(store, today=TODAY)
    assert again.exit_code == 0 and again.rows == 0
    assert [(o.source, o.result) for o in again.outcomes] == [
        ("cbr", "current"), ("ecb", "current"), ("comtrade RU-KZ", "current"),
        ("fcs 69000", "current")]
    asked = {r.path for r in services.requests}
    assert asked <= {"/scripts/XML_dynamic.asp", "/service/data/EXR/D.USD.EUR.SP00.A"}
    assert len(store.datasets()) == 4

    log = update_log.entries(store)
    assert log["result"].tolist() == ["current"] * 4 + ["loaded"] * 4
    assert log["source"].tolist()[4:] == ["cbr", "ecb", "comtrade RU-KZ", "fcs 69000"]
    run_at, loaded = update_log.last_loaded(store)
    assert run_at == run.run_at and loaded == (3, 4)


def test_an_unreachable_source_exits_3_and_the_rest_still_update(store_2017, monkeypatch,
                                                                  capsys):
    monkeypatch.setenv("OBOROT_COMTRADE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("OBOROT_HTTP_TIMEOUT", "0.3")
    code = main(["--store", str(store_2017.path), "update"])
    out = capsys.readouterr().out.splitlines()
    assert code == 3
    assert [line.split(":")[0] for line in out[:4]] == ["cbr", "ecb", "comtrade RU-KZ",
                                                        "fcs 69000"]
    assert "unreachable; UN Comtrade: cannot reach http://127.0.0.1:9" in out[2]
    assert out[3].startswith("fcs 69000: 2018-01..2018-12: loaded 24 rows")
    # Today is years after 2018: the empty years after it are told in one line.
    assert len(out) == 5 and out[4].startswith("fcs 69000: 2019-01..")
    assert "no data; not published yet?; the customs service paused" in out[4]


def test_an_empty_store_has_nothing_to_update(tmp_path, capsys):
    assert main(["--store", str(tmp_path / "s.duckdb"), "update"]) == 0
    assert "nothing to update" in capsys.readouterr().out


def test_what_the_update_would_ask_for_comes_from_the_store(store_2017, write_file):
    ingest_file(store_2017, write_file("comtrade.csv", "\r\n".join(
        [LEGACY_WILD_HEADER, *WILD_ROWS]) + "\r\n"))
    assert refresh.comtrade_targets(store_2017) == [
        refresh.ComtradeTarget("RU", "KZ", None),  # the API fetch: TOTAL with one partner
        refresh.ComtradeTarget("RU", "XW", 2),  # the World-only file at chapters
    ]
    assert refresh.fcs_regions(store_2017) == [("69000", 10)]


def test_a_run_that_only_brought_rates_does_not_hide_the_last_trade_update(store_2017):
    update_log.record(store_2017, datetime(2019, 1, 15, 6, 30), [
        Outcome("fcs 69000", "2018-01..2018-12", 24, "loaded", "", 1)])
    update_log.record(store_2017, datetime(2019, 1, 16, 6, 30), [
        Outcome("cbr", "USD", 1, "loaded"), Outcome("fcs 69000", "-", 0, "current")])
    assert update_log.last_loaded(store_2017) == (datetime(2019, 1, 15, 6, 30), (1,))
