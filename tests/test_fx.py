"""The rates service over a real temporary store; banks faked only at the HTTP boundary."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import requests
import responses
from responses import matchers

from dashboard.core.errors import NotFoundError, SchemaError, SourceError
from dashboard.data.store import Store
from dashboard.rates import averages, bundled, files, latest, refresh
from tests.conftest import RATE_FIXTURES, rate_body

FIXTURES = RATE_FIXTURES
DYNAMIC = "https://www.cbr.ru/scripts/XML_dynamic.asp"


body = rate_body
pytestmark = pytest.mark.usefixtures("publisher_urls")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "rates.duckdb")


def load(store: Store, *names: str) -> None:
    for name in names:
        store.upsert_rates(files.detect_and_parse(body(name), name).frame)


def dynamic_query(first: str, last: str, code: str = "R01235") -> list:
    return [matchers.query_param_matcher(
        {"date_req1": first, "date_req2": last, "VAL_NM_RQ": code})]


# -- update -----------------------------------------------------------------------------


@responses.activate
def test_first_update_fetches_the_explicit_range(store: Store) -> None:
    responses.get(DYNAMIC, match=dynamic_query("06/04/2019", "19/04/2019"),
                  body=body("cbr_dynamic_usd_2019-04-06_2019-04-19.xml"))
    result = refresh.update(store, currencies=["USD"], start=date(2019, 4, 6),
                            end=date(2019, 4, 19))
    assert result.rows == 10
    assert result.requested == {"USD": (date(2019, 4, 6), date(2019, 4, 19))}
    assert result.latest == {"USD": date(2019, 4, 19)}
    assert len(store.rates(currencies=["USD"], quote="RUB", source="cbr")) == 10


@responses.activate
def test_update_fetches_only_after_the_newest_stored_date(store: Store) -> None:
    load(store, "cbr_dynamic_usd_2019-04-06_2019-04-19.xml")
    responses.get(DYNAMIC, match=dynamic_query("20/04/2019", "23/04/2019"),
                  body=body("cbr_dynamic_usd_2019-04-20_2019-04-23.xml"))
    result = refresh.update(store, currencies=["USD"], end=date(2019, 4, 23))
    assert result.requested == {"USD": (date(2019, 4, 20), date(2019, 4, 23))}
    assert result.rows == 2
    assert len(responses.calls) == 1
    stored = store.rates(currencies=["USD"], source="cbr")
    assert stored["date"].dt.date.max() == date(2019, 4, 23) and len(stored) == 12


@responses.activate
def test_update_when_up_to_date_asks_nothing(store: Store) -> None:
    load(store, "cbr_dynamic_usd_2019-04-06_2019-04-19.xml")
    result = refresh.update(store, currencies=["USD", "RUB", "XYZ"], end=date(2019, 4, 19))
    assert result.requested == {} and result.up_to_date == ("USD",)
    assert set(result.skipped) == {"RUB", "XYZ"}
    assert len(responses.calls) == 0


@responses.activate
def test_update_over_a_weekend_gap_is_cheap_and_not_repeated(store: Store) -> None:
    load(store, "cbr_dynamic_usd_2019-04-06_2019-04-19.xml")  # newest: Fri 19 April
    responses.get(DYNAMIC, match=dynamic_query("20/04/2019", "22/04/2019"),
                  body=body("cbr_dynamic_empty.xml").replace(b"07.04", b"20.04"))
    result = refresh.update(store, currencies=["USD"], end=date(2019, 4, 22))
    assert result.rows == 0 and result.latest == {"USD": date(2019, 4, 19)}


@responses.activate
def test_several_currencies_are_written_together(store: Store) -> None:
    responses.get(DYNAMIC, match=dynamic_query("01/09/2018", "04/09/2018"),
                  body=body("cbr_dynamic_usd_2018-09-01_2018-09-04.xml"))
    eur = (body("cbr_dynamic_usd_2018-09-01_2018-09-04.xml").replace(b"R01235", b"R01239")
           .replace(b"68,0447", b"79,0048").replace(b"67,7443", b"78,6599"))
    responses.get(DYNAMIC, match=dynamic_query("01/09/2018", "04/09/2018", "R01239"), body=eur)
    result = refresh.update(store, currencies=["USD", "EUR"], start=date(2018, 9, 1),
                       end=date(2018, 9, 4))
    assert result.rows == 4
    assert set(store.rates()["currency"]) == {"USD", "EUR"}


GARBLED = [
    requests.exceptions.ConnectTimeout("connect timed out"),
    b"<html><body>Maintenance</body></html>",
    b'<?xml version="1.0"?><ValCurs ID="R01235"><Record Date="20.04.2019" Id="R01235">',
    b"\x00\x01 binary garbage",
]


@pytest.mark.parametrize("reply", GARBLED, ids=["timeout", "html", "truncated", "garbage"])
@responses.activate
def test_a_failed_update_leaves_the_store_untouched(store: Store, reply: object) -> None:
    load(store, "cbr_dynamic_usd_2019-04-06_2019-04-19.xml")
    before = store.rates()
    responses.get(DYNAMIC, match=dynamic_query("06/04/2019", "23/04/2019"),
                  body=body("cbr_dynamic_usd_2019-04-06_2019-04-19.xml").replace(b",", b"."))
    responses.get(DYNAMIC, match=dynamic_query("06/04/2019", "23/04/2019", "R01239"),
                  body=reply)  # type: ignore[arg-type]
    with pytest.raises(SourceError):
        refresh.update(store, currencies=["USD", "EUR"], start=date(2019, 4, 6),
                  end=date(2019, 4, 23))
    pd.testing.assert_frame_equal(store.rates(), before)


@responses.activate
def test_update_uses_the_configured_bank_address(store: Store,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBOROT_CBR_URL", "http://127.0.0.1:9/")
    responses.get("http://127.0.0.1:9/scripts/XML_dynamic.asp",
                  body=body("cbr_dynamic_usd_2018-09-01_2018-09-04.xml"))
    assert refresh.update(store, currencies=["USD"], start=date(2018, 9, 1),
                     end=date(2018, 9, 4)).rows == 2


def test_offline_update_does_not_touch_the_network(store: Store,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    with pytest.raises(SourceError, match="offline"):
        refresh.update(store, currencies=["USD"], start=date(2019, 4, 1), end=date(2019, 4, 2))


@responses.activate
def test_ecb_update_requests_only_missing_dates(store: Store) -> None:
    load(store, "ecb_sdmx_dataonly.csv")  # USD and CNY to 2019-04-18
    responses.get(
        "https://data-api.ecb.europa.eu/service/data/EXR/D.CNY+USD.EUR.SP00.A",
        match=[matchers.query_param_matcher(
            {"startPeriod": "2019-04-19", "endPeriod": "2019-04-23", "format": "csvdata"})],
        status=404, body="No results found.",
    )
    result = refresh.update(store, currencies=["USD", "CNY", "EUR", "KZT"], end=date(2019, 4, 23),
                       source="ecb")
    assert set(result.requested) == {"USD", "CNY"} and result.rows == 0
    assert set(result.skipped) == {"EUR", "KZT"}


@responses.activate
def test_nbk_update_asks_day_by_day(store: Store) -> None:
    for day in ("15.04.2019", "16.04.2019"):
        responses.get("https://nationalbank.kz/rss/get_rates.cfm",
                      match=[matchers.query_param_matcher({"fdate": day})],
                      body=body("nbk_get_rates_2019-04-16.xml").replace(b"16.04.2019",
                                                                          day.encode()))
    result = refresh.update(store, currencies=["USD", "RUB"], start=date(2019, 4, 15),
                       end=date(2019, 4, 16), source="nbk")
    assert result.rows == 4
    assert store.rate_dates(currency="RUB", quote="KZT", source="nbk") == {
        date(2019, 4, 15), date(2019, 4, 16)}


# -- ticker -----------------------------------------------------------------------------


def test_ticker_previous_is_the_prior_published_rate(store: Store) -> None:
    load(store, "cbr_dynamic_usd_2018-09-01_2018-09-04.xml")
    [usd] = latest.ticker(store, currencies=["USD"], on=date(2018, 9, 4))
    assert (usd.date, usd.currency, usd.quote, usd.source) == (date(2018, 9, 4), "USD", "RUB",
                                                               "cbr")
    assert usd.rate == pytest.approx(67.7443)
    assert usd.previous == pytest.approx(68.0447)
    assert usd.change == pytest.approx(-0.3004, abs=1e-9)


def test_ticker_on_a_monday_shows_saturdays_rate(store: Store) -> None:
    load(store, "cbr_dynamic_usd_2018-09-01_2018-09-04.xml")
    [usd] = latest.ticker(store, currencies=["USD"], on=date(2018, 9, 3))
    assert usd.date == date(2018, 9, 1) and usd.previous is None and usd.change is None


def test_ticker_mixes_daily_and_dynamic_lists(store: Store) -> None:
    load(store, "cbr_daily_2019-04-16.xml", "cbr_daily_asked_2019-04-14.xml")
    items = {item.currency: item for item in latest.ticker(store, currencies=["USD", "EUR", "CNY"])}
    assert items["USD"].previous == pytest.approx(64.1404)
    assert items["USD"].change == pytest.approx(0.1229, abs=1e-9)
    assert items["CNY"].rate == pytest.approx(9.57748) and items["CNY"].previous is None


def test_offline_first_run_seeds_the_bundled_ecb_history(store: Store) -> None:
    assert bundled.seed_if_empty(store) > 100_000
    assert bundled.seed_if_empty(store) == 0  # only once
    items = {item.currency: item for item in latest.ticker(store)}
    assert {item.source for item in items.values()} == {"ecb-bundled"}
    assert items["USD"].quote == "EUR" and items["EUR"].quote == "USD"
    assert items["USD"].date == date(2026, 10, 30)  # the bundled file's last day
    assert items["EUR"].rate == pytest.approx(1.1172)
    assert items["EUR"].previous == pytest.approx(1.113)
    assert items["CNY"].rate == pytest.approx(1 / 7.4326)


def test_ticker_prefers_rub_once_bank_of_russia_rates_exist(store: Store) -> None:
    bundled.seed_if_empty(store)
    load(store, "cbr_daily_2019-04-16.xml")
    assert {item.quote for item in latest.ticker(store)} == {"RUB"}
    assert {item.quote for item in latest.ticker(store, quote="EUR")} == {"EUR", "USD"}


def test_bundled_history_has_no_kzt_and_rub_ends_in_2022() -> None:
    history = bundled.bundled_history()
    assert "KZT" not in set(history["currency"])
    assert history.loc[history["currency"] == "RUB", "date"].max() == pd.Timestamp("2022-03-01")
    assert set(history["source"]) == {"ecb-bundled"}


# -- averages -----------------------------------------------------------------------------


def test_monthly_and_annual_average_of_published_rates(store: Store) -> None:
    load(store, "cbr_dynamic_usd_2018-09-01_2018-09-04.xml")
    monthly = averages.monthly_average(store, currency="USD", quote="RUB")
    assert monthly[["year", "month", "days"]].values.tolist() == [[2018, 9, 2]]
    assert monthly["rate"].item() == pytest.approx((68.0447 + 67.7443) / 2)
    annual = averages.annual_average(store, currency="USD")
    assert annual["rate"].item() == pytest.approx(67.8945)


def test_cross_average_through_the_ruble(store: Store) -> None:
    load(store, "cbr_daily_2019-04-16.xml")
    [row] = averages.monthly_average(store, currency="USD", quote="EUR").itertuples()
    assert row.rate == pytest.approx(64.2633 / 72.6343)
    [row] = averages.annual_average(store, currency="USD", quote="KZT").itertuples()
    assert row.rate == pytest.approx(64.2633 / 0.169275)


def test_cross_average_through_the_euro_from_a_frame() -> None:
    frame = files.detect_and_parse(body("ecb_sdmx_full.csv"), "x.csv").frame
    found = averages.monthly_average(frame, currency="CNY", quote="USD",
                                     start=date(2019, 4, 16), end=date(2019, 4, 17))
    expected = (1.1305 / 7.5846 + 1.1301 / 7.5594) / 2
    assert found["rate"].item() == pytest.approx(expected)
    assert found["days"].item() == 2


# -- rates files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "rows"),
    [
        ("cbr_daily_2019-04-16.xml", "cbr-daily", 9),
        ("cbr_dynamic_usd_2019-04-06_2019-04-19.xml", "cbr-dynamic", 10),
        ("cbr_dynamic_empty.xml", "cbr-dynamic", 0),
        ("nbk_get_rates_2019-04-16.xml", "nbk", 7),
        ("ecb_eurofxref-hist_excerpt.csv", "ecb-hist", 4 * 32 + 2 * 31 + 32),  # RUB to 03-01
        ("ecb_eurofxref_2019-04-16.csv", "ecb-daily", 32),
        ("ecb_sdmx_dataonly.csv", "ecb-sdmx", 8),
        ("ecb_sdmx_full.csv", "ecb-sdmx", 8),
    ],
)
def test_detect_and_parse(name: str, fmt: str, rows: int) -> None:
    parsed = files.detect_and_parse(body(name), name)
    assert parsed.format == fmt
    assert len(parsed.frame) == rows


def test_detect_and_parse_a_zipped_history() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("eurofxref-hist.csv", body("ecb_eurofxref-hist_excerpt.csv"))
    parsed = files.detect_and_parse(buffer.getvalue(), "eurofxref-hist.zip")
    assert parsed.format == "ecb-hist"
    assert parsed.frame["date"].max() == pd.Timestamp("2022-03-03")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"hello, world", "expected a Bank of Russia"),
        (b"", "expected a Bank of Russia"),
        (b"<html><body>Not found</body></html>", "HTML page"),
        (b"<catalog/>", "expected a Bank of Russia"),
        (b'<ValCurs ID="R99999" DateRange1="01.01.2019" DateRange2="02.01.2019"/>',
         "known Bank of Russia code .*R99999"),
        (b'<?xml version="1.0"?><ValCurs Date="16.04.2019"><Valute ID="R01235">',
         "expected a Bank of Russia XML_daily.asp file, found 'cbr: .*could not parse"),
        (b"<rates><error>Wrong date</error></rates>", "NBK get_rates.cfm file.*Wrong date"),
        (b"PK\x03\x04 not really a zip", "readable zip"),
        (b"Date,USD,\n2019-04-16,abc,\n", "positive rates"),
    ],
)
def test_detect_and_parse_refuses_garbage_naming_the_file(payload: bytes, message: str) -> None:
    with pytest.raises(SchemaError, match=message) as error:
        files.detect_and_parse(payload, "rates.bin")
    assert str(error.value).startswith("rates.bin: ")


# -- converting trade frames ----------------------------------------------------------------


def test_convert_frame_keeps_the_columns_and_uses_monthly_averages(store: Store) -> None:
    load(store, "cbr_daily_2019-04-16.xml", "cbr_daily_asked_2019-04-14.xml")
    trade = pd.DataFrame({"year": [2019, 2019], "month": [4, 5], "partner": ["KZ", "CN"],
                          "value_usd": [1000.0, 1000.0]})
    out = averages.convert_frame(trade, store, to="EUR")
    assert out.columns.tolist() == trade.columns.tolist()
    usd, eur = (64.2633 + 64.1404) / 2, (72.6343 + 72.5512) / 2
    assert out["value_usd"].iloc[0] == pytest.approx(1000 * usd / eur)
    assert pd.isna(out["value_usd"].iloc[1])  # May has no rates: NaN, not April's
    rub = averages.convert_frame(trade.drop(columns="month"), store, to="RUB")
    assert rub["value_usd"].tolist() == pytest.approx([1000 * usd, 1000 * usd])
    assert averages.convert_frame(trade, store, to="USD") is trade


def test_convert_frame_without_any_rate_says_what_to_run(store: Store) -> None:
    trade = pd.DataFrame({"year": [2017], "value_usd": [1.0]})
    with pytest.raises(NotFoundError, match="rates update --from 2017-01-01"):
        averages.convert_frame(trade, store, to="CNY")
