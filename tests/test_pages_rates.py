"""AppTest of the ticker (on every page) and the Rates page, offline, from stored rates."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data.store import Store
from dashboard.rates import files
from tests.apptest import clear_caches, demo_store, open_app, open_page

FIXTURES = Path(__file__).parent / "fixtures" / "rates"


@pytest.fixture(scope="module")
def rates_store(tmp_path_factory):
    path = demo_store(tmp_path_factory.mktemp("rates") / "demo.duckdb")
    store = Store(path)
    for name in sorted(FIXTURES.iterdir()):
        if name.name.startswith("cbr_daily_2019"):
            store.upsert_rates(files.detect_and_parse(name.read_bytes(), name.name).frame)
    store.close()
    return path


@pytest.fixture(autouse=True)
def _env(rates_store, monkeypatch):
    monkeypatch.setenv("OBOROT_STORE", str(rates_store))
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    clear_caches()
    yield
    clear_caches()


def _rates_page() -> AppTest:
    return open_page("rates")


def test_ticker_shows_stored_bank_of_russia_rates_offline():
    at = open_app()
    assert not at.exception
    line = at.caption[0].value
    assert line.startswith("$ ") and "ЦБ РФ" in line and "RUB" in line
    assert "нет связи" in line  # offline mode is said, not hidden


def test_rates_page_draws_history_and_averages():
    at = _rates_page()
    assert not at.exception
    assert not at.error
    assert len(at.dataframe) == 3  # monthly, annual, daily
    daily = at.dataframe[2].value
    assert set(daily["currency"]) <= {"USD", "EUR", "CNY"}
    assert (daily["quote"] == "RUB").all()


def test_refresh_offline_says_so_and_keeps_rates():
    at = _rates_page()
    before = at.dataframe[2].value
    at.button(key="rates.refresh").click().run()
    assert not at.exception
    assert any("offline" in w.value.lower() or "нет связи" in w.value for w in at.warning)
    assert at.dataframe[2].value.equals(before)


def test_the_ticker_currencies_can_be_chosen_on_the_rates_page():
    at = _rates_page()
    at.multiselect(key="rates.ticker_pick").set_value(["USD", "KZT"]).run()
    assert not at.exception
    from dashboard.ui.widgets.ticker import CHOSEN_KEY

    assert at.session_state[CHOSEN_KEY] == ("USD", "KZT")
    line = at.caption[0].value
    assert line.startswith("$ ") and "₸" in line and "€" not in line
