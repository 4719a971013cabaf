"""Bank parsers and the shared HTTP client, against recorded responses in the real formats."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import requests
import responses
from responses import matchers

from dashboard.core.errors import SourceError
from dashboard.data.sources import http
from dashboard.rates import cbr, ecb, nbk
from dashboard.rates.rates_file import RATE_COLUMNS
from tests.conftest import RATE_FIXTURES, rate_body

FIXTURES = RATE_FIXTURES
CBR = "https://www.cbr.ru"
ECB = "https://data-api.ecb.europa.eu"
NBK = "https://nationalbank.kz"


body = rate_body
pytestmark = pytest.mark.usefixtures("publisher_urls")


def rates_of(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame["currency"], frame["rate"], strict=True))


# -- Bank of Russia -------------------------------------------------------------------


def test_cbr_daily_columns_and_encoding() -> None:
    frame = cbr.parse_daily(body("cbr_daily_2019-04-16.xml"))
    assert list(frame.columns) == list(RATE_COLUMNS)
    assert set(frame["quote"]) == {"RUB"} and set(frame["source"]) == {"cbr"}
    assert set(frame["date"]) == {pd.Timestamp("2019-04-16")}
    assert len(frame) == 9


@pytest.mark.parametrize(
    ("currency", "nominal", "rate"),
    [
        ("USD", 1, 64.2633),
        ("EUR", 1, 72.6343),
        ("KZT", 100, 0.169275),  # 16,9275 RUB per 100 tenge
        ("CNY", 10, 9.57748),  # 10 yuan in 2019
        ("UAH", 10, 2.39767),
        ("JPY", 100, 0.573694),
        ("UZS", 10000, 0.0076102),
        ("GBP", 1, 83.9581),  # no VunitRate in this record
    ],
)
def test_cbr_daily_rate_per_unit(currency: str, nominal: int, rate: float) -> None:
    frame = cbr.parse_daily(body("cbr_daily_2019-04-16.xml")).set_index("currency")
    assert frame.loc[currency, "nominal"] == nominal
    assert frame.loc[currency, "rate"] == pytest.approx(rate, rel=1e-12)


def test_cbr_daily_date_is_the_list_returned_not_the_day_asked() -> None:
    frame = cbr.parse_daily(body("cbr_daily_asked_2019-04-14.xml"))
    assert set(frame["date"]) == {pd.Timestamp("2019-04-13")}
    assert rates_of(frame)["USD"] == pytest.approx(64.1404)


def test_cbr_dynamic_records_only_on_publication_days() -> None:
    frame = cbr.parse_dynamic(body("cbr_dynamic_usd_2019-04-06_2019-04-19.xml"), "USD")
    days = [d.strftime("%a %d") for d in frame["date"]]
    assert days == ["Sat 06", "Tue 09", "Wed 10", "Thu 11", "Fri 12", "Sat 13", "Tue 16",
                    "Wed 17", "Thu 18", "Fri 19"]
    assert set(frame["currency"]) == {"USD"} and set(frame["quote"]) == {"RUB"}
    assert frame.loc[frame["date"] == "2019-04-16", "rate"].item() == pytest.approx(64.2633)


def test_cbr_dynamic_2018_values() -> None:
    frame = cbr.parse_dynamic(body("cbr_dynamic_usd_2018-09-01_2018-09-04.xml"), "usd")
    assert frame["date"].dt.date.tolist() == [date(2018, 9, 1), date(2018, 9, 4)]
    assert frame["rate"].tolist() == pytest.approx([68.0447, 67.7443])


def test_cbr_dynamic_empty_range_is_an_empty_frame() -> None:
    frame = cbr.parse_dynamic(body("cbr_dynamic_empty.xml"), "USD")
    assert frame.empty and list(frame.columns) == list(RATE_COLUMNS)


def test_cbr_dynamic_for_another_currency_is_refused() -> None:
    with pytest.raises(SourceError, match="expected records for EUR"):
        cbr.parse_dynamic(body("cbr_dynamic_usd_2018-09-01_2018-09-04.xml"), "EUR")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "could not parse"),
        (b"garbage \x00\xff not xml", "could not parse"),
        ("cbr_truncated.xml", "could not parse"),
        ("cbr_error.html", "HTML page"),
        (b'<?xml version="1.0"?><ValCurs>Error in parameters</ValCurs>', "ValCurs@Date"),
        (b'<ValCurs Date="16.04.2019"><Valute ID="R01235"><CharCode>USD</CharCode>'
         b"<Nominal>1</Nominal></Valute></ValCurs>", "missing <Value>"),
        (b'<ValCurs Date="16.04.2019"><Valute ID="R01235"><CharCode>USD</CharCode>'
         b"<Nominal>1</Nominal><Value>n/a</Value></Valute></ValCurs>", "expected a number"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><ValCurs Date="&a;"/>',
         "unsafe XML"),
        (b"<rss><channel/></rss>", "root <ValCurs>"),
    ],
)
def test_cbr_daily_bad_bodies_raise_source_error(payload: bytes | str, message: str) -> None:
    raw = body(payload) if isinstance(payload, str) else payload
    with pytest.raises(SourceError, match=message) as error:
        cbr.parse_daily(raw)
    assert str(error.value).startswith("cbr: ")


@responses.activate
def test_cbr_fetch_daily_builds_the_documented_url() -> None:
    responses.get(f"{CBR}/scripts/XML_daily.asp",
                  match=[matchers.query_param_matcher({"date_req": "14/04/2019"})],
                  body=body("cbr_daily_asked_2019-04-14.xml"))
    frame = cbr.fetch_daily(date(2019, 4, 14))
    assert set(frame["date"]) == {pd.Timestamp("2019-04-13")}
    assert responses.calls[0].request.headers["User-Agent"].startswith("Oborot/")


@responses.activate
def test_cbr_fetch_dynamic_builds_the_documented_url() -> None:
    responses.get(
        f"{CBR}/scripts/XML_dynamic.asp",
        match=[matchers.query_param_matcher(
            {"date_req1": "06/04/2019", "date_req2": "19/04/2019", "VAL_NM_RQ": "R01235"})],
        body=body("cbr_dynamic_usd_2019-04-06_2019-04-19.xml"),
    )
    assert len(cbr.fetch_dynamic("USD", date(2019, 4, 6), date(2019, 4, 19))) == 10


@responses.activate
def test_cbr_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBOROT_CBR_URL", "http://cbr.mirror.test:8080/")
    responses.get("http://cbr.mirror.test:8080/scripts/XML_dynamic.asp",
                  body=body("cbr_dynamic_empty.xml"))
    assert cbr.fetch_dynamic("USD", date(2019, 4, 7), date(2019, 4, 8)).empty
    assert responses.calls[0].request.url.startswith("http://cbr.mirror.test:8080/scripts/")


def test_cbr_unknown_currency_is_bad_input() -> None:
    with pytest.raises(ValueError, match="no Bank of Russia code known for 'XYZ'"):
        cbr.fetch_dynamic("XYZ", date(2019, 4, 7), date(2019, 4, 8))


# -- HTTP failures ---------------------------------------------------------------------


@responses.activate
def test_connect_timeout_becomes_source_error() -> None:
    responses.get(f"{CBR}/scripts/XML_daily.asp",
                  body=requests.exceptions.ConnectTimeout("connect timed out"))
    with pytest.raises(SourceError) as error:
        cbr.fetch_daily(date(2019, 4, 16))
    assert str(error.value) == "cbr: cannot reach https://www.cbr.ru (timeout after 5 s)"


@responses.activate
def test_read_timeout_and_connection_error_become_source_errors() -> None:
    responses.get(f"{NBK}/rss/get_rates.cfm",
                  body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(SourceError, match=r"nbk: https://nationalbank\.kz did not answer within"):
        nbk.fetch_rates(date(2019, 4, 16))
    responses.replace(responses.GET, f"{NBK}/rss/get_rates.cfm",
                      body=requests.exceptions.ConnectionError("name resolution failed"))
    with pytest.raises(SourceError, match=r"cannot reach https://nationalbank.kz \(connection"):
        nbk.fetch_rates(date(2019, 4, 16))


@responses.activate
def test_server_errors_are_retried_then_reported() -> None:
    responses.get(f"{CBR}/scripts/XML_daily.asp", status=503, body="busy")
    with pytest.raises(http.HTTPStatusError, match="answered HTTP 503") as error:
        cbr.fetch_daily(date(2019, 4, 16))
    assert error.value.status == 503
    assert len(responses.calls) == 4  # the first try and three retries


@responses.activate
def test_a_retry_that_succeeds_returns_the_body() -> None:
    url = f"{CBR}/scripts/XML_daily.asp"
    responses.get(url, status=502)
    responses.get(url, body=body("cbr_daily_2019-04-16.xml"))
    assert len(cbr.fetch_daily(date(2019, 4, 16))) == 9
    assert len(responses.calls) == 2


@responses.activate
def test_client_errors_are_not_retried_and_query_strings_stay_out() -> None:
    responses.get(f"{CBR}/scripts/XML_daily.asp", status=404)
    with pytest.raises(SourceError) as error:
        http.get(f"{CBR}/scripts/XML_daily.asp", params={"key": "secret"}, source="cbr")
    assert "secret" not in str(error.value) and "HTTP 404" in str(error.value)
    assert len(responses.calls) == 1


@responses.activate
def test_empty_body_is_a_source_error() -> None:
    responses.get(f"{CBR}/scripts/XML_daily.asp", body=b"  \r\n")
    with pytest.raises(SourceError, match="empty response"):
        cbr.fetch_daily(date(2019, 4, 16))


def test_session_is_shared_and_retries() -> None:
    shared = http.session()
    assert shared is http.session()
    retry = shared.get_adapter("https://www.cbr.ru").max_retries
    assert retry.total == 3 and retry.backoff_factor == 0.5
    assert set(retry.status_forcelist) == {429, 500, 502, 503, 504}
    assert retry.respect_retry_after_header


# -- National Bank of Kazakhstan --------------------------------------------------------


def test_nbk_rates_per_unit_from_items_only() -> None:
    frame = nbk.parse_rates(body("nbk_get_rates_2019-04-16.xml"))
    assert set(frame["date"]) == {pd.Timestamp("2019-04-16")}
    assert set(frame["quote"]) == {"KZT"} and set(frame["source"]) == {"nbk"}
    rates = rates_of(frame)
    assert sorted(rates) == ["AUD", "CNY", "EUR", "JPY", "RUB", "USD", "UZS"]
    assert rates["USD"] == pytest.approx(379.71)
    assert rates["JPY"] == pytest.approx(3.393)  # 33.93 per 10 yen
    assert rates["UZS"] == pytest.approx(0.0451)  # 4.51 per 100 sum


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("nbk_error.xml", "the bank answered: Неверный формат даты"),
        (b"<rates><info>No data for this date</info></rates>", "No data for this date"),
        (b"<rss><channel><item/></channel></rss>", "root <rates>"),
        (b"<rates><item><title>USD</title>", "could not parse"),
        (b"<rates><item><title>USD</title><description>1</description></item></rates>",
         "<date>"),
    ],
)
def test_nbk_errors(payload: bytes | str, message: str) -> None:
    raw = body(payload) if isinstance(payload, str) else payload
    with pytest.raises(SourceError, match=message):
        nbk.parse_rates(raw)


@responses.activate
def test_nbk_fetch_url() -> None:
    responses.get(f"{NBK}/rss/get_rates.cfm",
                  match=[matchers.query_param_matcher({"fdate": "16.04.2019"})],
                  body=body("nbk_get_rates_2019-04-16.xml"))
    assert len(nbk.fetch_rates(date(2019, 4, 16))) == 7


# -- ECB --------------------------------------------------------------------------------


def test_ecb_hist_csv_is_stored_as_eur_per_unit() -> None:
    frame = ecb.parse_hist_csv(body("ecb_eurofxref-hist_excerpt.csv"))
    usd = frame[frame["currency"] == "USD"]
    assert usd["date"].is_monotonic_increasing  # the file is newest first
    assert set(frame["quote"]) == {"EUR"}
    on_16th = usd.loc[usd["date"] == "2019-04-16", "rate"].item()
    assert on_16th == pytest.approx(1 / 1.1305)
    assert 1 / on_16th == pytest.approx(1.1305, rel=1e-15)
    # No rows for TARGET holidays, none for N/A (RUB ends 2022-03-01), no KZT column.
    rub = frame[frame["currency"] == "RUB"]["date"].dt.date
    assert rub.max() == date(2022, 3, 1)
    assert "KZT" not in set(frame["currency"]) and "CYP" not in set(frame["currency"])
    assert pd.Timestamp("2019-04-19") not in set(frame["date"])


def test_ecb_daily_csv() -> None:
    frame = ecb.parse_daily_csv(body("ecb_eurofxref_2019-04-16.csv"))
    assert set(frame["date"]) == {pd.Timestamp("2019-04-16")}
    assert len(frame) == 32
    rates = rates_of(frame)
    assert 1 / rates["USD"] == pytest.approx(1.1305)
    assert 1 / rates["GBP"] == pytest.approx(0.8639)
    assert 1 / rates["RUB"] == pytest.approx(72.7183)


@pytest.mark.parametrize("name", ["ecb_sdmx_dataonly.csv", "ecb_sdmx_full.csv"])
def test_ecb_sdmx_csv_both_layouts(name: str) -> None:
    frame = ecb.parse_sdmx_csv(body(name))
    assert len(frame) == 8  # the empty and NaN observations of 19 April are skipped
    usd = frame[frame["currency"] == "USD"].set_index("date")["rate"]
    assert 1 / usd[pd.Timestamp("2019-04-18")] == pytest.approx(1.125)
    assert set(frame["quote"]) == {"EUR"}


@pytest.mark.parametrize(
    ("parser", "payload", "message"),
    [
        (ecb.parse_hist_csv, b"", "empty"),
        (ecb.parse_hist_csv, b"<html><body>Service unavailable</body></html>", "HTML"),
        (ecb.parse_hist_csv, b"Date,USD,JPY,\n2019-04-16,1.1305,126.59,\n2019-04-15,1.13",
         "line 3: expected 4 fields, found 2"),
        (ecb.parse_hist_csv, b"Date,USD,\n16/04/2019,1.1305,\n", "expected a date"),
        (ecb.parse_hist_csv, b"When,USD,\n2019-04-16,1.1305,\n", "header starting 'Date"),
        (ecb.parse_hist_csv, b"\x89PNG\r\n\x1a\n\x00\xff", "UTF-8"),
        (ecb.parse_daily_csv, b"Date, USD, \n16 Apr 2019, 1.1305, \n", "16 April 2019"),
        (ecb.parse_sdmx_csv, b"KEY,FREQ,TIME_PERIOD\nEXR.D.USD.EUR.SP00.A,D,2019-04-16\n",
         "expected columns"),
        (ecb.parse_sdmx_csv,
         b"KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE\n"
         b"EXR.M.USD.EUR.SP00.A,M,USD,EUR,SP00,A,2019-04,1.1236\n", "daily euro reference"),
    ],
)
def test_ecb_bad_bodies(parser: object, payload: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        parser(payload)  # type: ignore[operator]


@responses.activate
def test_ecb_fetch_url_and_empty_result() -> None:
    url = f"{ECB}/service/data/EXR/D.CNY+USD.EUR.SP00.A"
    responses.get(url, match=[matchers.query_param_matcher(
        {"startPeriod": "2019-04-15", "endPeriod": "2019-04-19", "format": "csvdata"})],
        body=body("ecb_sdmx_full.csv"))
    frame = ecb.fetch(["USD", "CNY", "EUR"], date(2019, 4, 15), date(2019, 4, 19))
    assert len(frame) == 8
    responses.get(f"{ECB}/service/data/EXR/D.USD.EUR.SP00.A", status=404,
                  body="No results found.")
    assert ecb.fetch(["USD"], date(2019, 4, 20), date(2019, 4, 22)).empty


@responses.activate
def test_offline_mode_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    with pytest.raises(SourceError, match="offline mode"):
        http.get(f"{CBR}/scripts/XML_daily.asp", source="cbr")
    assert len(responses.calls) == 0


def test_ecb_hist_with_only_missing_values_is_empty() -> None:
    frame = ecb.parse_hist_csv(b"Date,USD,RUB,\n2022-03-03,N/A,N/A,\n")
    assert frame.empty and list(frame.columns) == list(RATE_COLUMNS)
