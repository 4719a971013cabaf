"""Banks and UN Comtrade misbehaving: slow, 500/429, garbled, truncated, HTML with status 200.

Each fault is served twice: by ``responses`` (at the requests boundary) and by a
real HTTP server on 127.0.0.1 that the sources are pointed at with
``OBOROT_CBR_URL`` / ``OBOROT_COMTRADE_URL``.  The update must end within its
time budget, leave stored rates exactly as they were, and say what went wrong
in one short line.

Time budget: ``http.get`` makes at most 4 attempts (3 retries), each bounded by
``OBOROT_HTTP_TIMEOUT`` for connecting and for each read, with back-off sleeps
of 0, 1 and 2 s between them.
"""

from __future__ import annotations

import http.server
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import requests
import responses

from dashboard.__main__ import main
from dashboard.core.errors import SourceError
from dashboard.data.sources import comtrade
from dashboard.data.sources import http as oborot_http
from dashboard.data.store import Store
from dashboard.rates import refresh
from tests.loopback import send, serving

TIMEOUT = 0.5
ATTEMPTS = 4
BACKOFF = 0 + 1 + 2
BUDGET = ATTEMPTS * TIMEOUT + BACKOFF + 1.5  # + process noise

DAILY_OK = ('<?xml version="1.0" encoding="windows-1251"?><ValCurs ID="R01235" '
            'DateRange1="01.09.2018" DateRange2="04.09.2018" name="Foreign Currency Market '
            'Dynamic"><Record Date="01.09.2018" Id="R01235"><Nominal>1</Nominal>'
            '<Value>68,0447</Value></Record><Record Date="04.09.2018" Id="R01235">'
            '<Nominal>1</Nominal><Value>67,7443</Value></Record></ValCurs>').encode("cp1251")

# fault -> (status, headers, body, seconds to sleep before answering)
FAULTS: dict[str, tuple[int, dict[str, str], bytes, float]] = {
    "slow": (200, {}, DAILY_OK, 3 * TIMEOUT + 1),
    "http-500": (500, {}, b"Internal Server Error", 0),
    "http-429": (429, {"Retry-After": "1"}, b"Too Many Requests", 0),
    "garbled": (200, {"Content-Type": "text/xml"}, bytes(range(256)) * 8, 0),
    "truncated-xml": (200, {"Content-Type": "text/xml"}, DAILY_OK[:150], 0),
    "html-200": (200, {"Content-Type": "text/html"},
                 b"<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1>"
                 b"</body></html>", 0),
    "empty-200": (200, {}, b"", 0),
}


class _FaultyHandler(http.server.BaseHTTPRequestHandler):
    fault = "slow"
    hits = 0

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        type(self).hits += 1
        status, headers, body, delay = FAULTS[self.fault]
        if self.fault == "trickle":
            self._trickle()
            return
        time.sleep(delay)
        send(self, status, headers, body)

    def _trickle(self) -> None:
        """Headers at once, then a byte every TIMEOUT/2 s, longer than BUDGET: no read times out."""
        body = b"<" * int(2 * (BUDGET + 1.5) / TIMEOUT)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(TIMEOUT / 2)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


FAULTS["trickle"] = (200, {}, b"", 0)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_FaultyHandler]]:
    """A real HTTP server on 127.0.0.1 that every source is pointed at."""
    handler = type("Handler", (_FaultyHandler,), {"hits": 0})
    with serving(handler) as url:
        for name in ("OBOROT_CBR_URL", "OBOROT_NBK_URL", "OBOROT_ECB_URL", "OBOROT_COMTRADE_URL"):
            monkeypatch.setenv(name, url)
        yield handler


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBOROT_HTTP_TIMEOUT", str(TIMEOUT))
    monkeypatch.delenv("OBOROT_OFFLINE", raising=False)
    monkeypatch.delenv("OBOROT_COMTRADE_KEY", raising=False)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A store with good official rates already in it."""
    store = Store(tmp_path / "store.duckdb")
    store.upsert_rates(pd.DataFrame({
        "date": ["2018-08-31", "2018-09-01"], "currency": ["USD", "USD"],
        "quote": ["RUB", "RUB"], "rate": [67.9, 68.0447], "source": ["cbr", "cbr"]}))
    return store


def _rates(store: Store) -> str:
    return store.rates().drop(columns=["fetched_at"]).to_csv(index=False)


def _update(store: Store) -> None:
    refresh.update(store, currencies=("USD",), start=date(2018, 9, 1), end=date(2018, 9, 4),
              source="cbr")


def _assert_short(message: str) -> None:
    assert "\n" not in message and len(message) < 300, message
    assert "Traceback" not in message and "HTTPConnectionPool" not in message, message


@pytest.mark.parametrize("fault", ["slow", "http-500", "http-429", "garbled", "truncated-xml",
                                   "html-200", "empty-200"])
def test_a_faulty_bank_never_blocks_nor_overwrites(fault: str, server, store: Store) -> None:
    server.fault = fault
    before = _rates(store)
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        _update(store)
    elapsed = time.monotonic() - started
    assert elapsed < BUDGET, f"{fault}: {elapsed:.1f} s"
    assert str(info.value).startswith("cbr: ")
    _assert_short(str(info.value))
    assert _rates(store) == before
    print(f"{fault}: {server.hits} request(s), {elapsed:.1f} s: {info.value}")


@pytest.mark.parametrize("fault", ["http-500", "html-200"])
def test_the_cli_exits_3_with_one_line_and_keeps_the_rates(fault: str, server, store: Store,
                                                           capsys) -> None:
    server.fault = fault
    before = _rates(store)
    code = main(["--store", str(store.path), "rates", "update", "--source", "cbr",
                 "--currencies", "USD", "--from", "2018-09-01", "--to", "2018-09-04"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(err) == 1 and err[0].endswith("; stored rates unchanged")
    _assert_short(err[0])
    assert _rates(store) == before


def test_a_good_answer_after_the_faults_is_stored(server, store: Store) -> None:
    server.fault = "slow"
    FAULTS["quick"] = (200, {}, DAILY_OK, 0)
    server.fault = "quick"
    _update(store)
    assert store.rates(currencies=["USD"], quote="RUB")["rate"].tolist() == [67.9, 68.0447,
                                                                            67.7443]


@pytest.mark.slow
def test_a_trickling_server_is_cut_off_at_the_timeout(server, store: Store) -> None:
    server.fault = "trickle"
    started = time.monotonic()
    with pytest.raises(SourceError):
        _update(store)
    assert time.monotonic() - started < BUDGET


def test_a_long_retry_after_cannot_hold_the_update() -> None:
    retry = oborot_http.session().get_adapter("https://x").max_retries
    assert not retry.respect_retry_after_header or retry.retry_after_max <= 10


# -- the same faults at the requests boundary (responses) -------------------------------------

DYNAMIC = "https://www.cbr.ru/scripts/XML_dynamic.asp"


@pytest.fixture
def cbr_real_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OBOROT_CBR_URL", raising=False)


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (requests.exceptions.ReadTimeout("read timed out"), 200, "did not answer within 0.5 s"),
        (requests.exceptions.ConnectionError("refused"), 200, "cannot reach"),
        (b"Internal Server Error", 500, "answered HTTP 500"),
        (b"Too Many Requests", 429, "answered HTTP 429"),
        (bytes(range(256)), 200, "could not parse"),
        (DAILY_OK[:150], 200, "could not parse"),
        (b"<html><body>Maintenance</body></html>", 200, "got an HTML page"),
    ],
    ids=["timeout", "refused", "500", "429", "garbled", "truncated", "html-200"],
)
@responses.activate
def test_faults_at_the_requests_boundary(body, status: int, expected: str, store: Store,
                                         cbr_real_url) -> None:
    responses.get(DYNAMIC, body=body, status=status)
    before = _rates(store)
    started = time.monotonic()
    with pytest.raises(SourceError, match=expected) as info:
        _update(store)
    assert time.monotonic() - started < BUDGET
    _assert_short(str(info.value))
    assert _rates(store) == before


# -- UN Comtrade ----------------------------------------------------------------------------

COMTRADE_FAULTS = ["slow", "http-500", "garbled", "html-200", "empty-200"]


@pytest.mark.parametrize("fault", COMTRADE_FAULTS)
def test_comtrade_fetch_fails_fast_and_short(fault: str, server) -> None:
    server.fault = fault
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        comtrade.fetch("RU", "KZ", [2018])
    assert time.monotonic() - started < BUDGET
    assert str(info.value).startswith("UN Comtrade: ")
    _assert_short(str(info.value))
