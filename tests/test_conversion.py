"""Conversion into other currencies through the store: source order and the averaging method."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.core.errors import NotFoundError
from dashboard.rates import averages, bundled
from tests.apptest import clear_caches, demo_store, open_app

TRADE = pd.DataFrame({"year": [2018], "value_usd": [1000.0]})


def _rates(rows: list[tuple[str, str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["date", "currency", "quote", "rate", "source"])


def test_ecb_rates_are_crossed_day_by_day_before_averaging(store):
    # EUR per USD 0.8 and 0.9; EUR per RUB 1/80 and 1/100 -> USD->RUB 64 and 90, mean 77
    # (a ratio of the two averages would give 75.56: not the official method).
    store.upsert_rates(_rates([
        ("2018-03-01", "USD", "EUR", 0.8, "ecb"), ("2018-03-02", "USD", "EUR", 0.9, "ecb"),
        ("2018-03-01", "RUB", "EUR", 1 / 80, "ecb"), ("2018-03-02", "RUB", "EUR", 1 / 100, "ecb"),
    ]))
    converted = averages.convert_frame(TRADE, store, to="RUB")
    assert converted["value_usd"].item() == pytest.approx(77_000.0)
    assert averages.conversion_source(store, to="RUB", years=[2018]) == "ecb"


def test_bank_of_russia_rates_win_over_ecb_cross_rates(store):
    store.upsert_rates(_rates([
        ("2018-03-01", "USD", "EUR", 0.8, "ecb"), ("2018-03-01", "RUB", "EUR", 1 / 80, "ecb"),
        ("2018-03-01", "USD", "RUB", 60.0, "cbr"), ("2018-03-02", "USD", "RUB", 66.0, "cbr"),
        ("2018-03-01", "EUR", "RUB", 70.0, "cbr"), ("2018-03-02", "EUR", "RUB", 77.0, "cbr"),
    ]))
    converted = averages.convert_frame(TRADE, store, to="RUB")
    assert converted["value_usd"].item() == pytest.approx(63_000)
    # 1000 USD * 63 / 73.5 EUR
    assert averages.convert_frame(TRADE, store, to="EUR")["value_usd"].item() == pytest.approx(
        1000 * 63 / 73.5)
    assert "Bank of Russia" in averages.conversion_note(store, to="EUR", year=2018, lang="en")


def test_no_rates_for_the_year_is_a_clear_error(store):
    with pytest.raises(NotFoundError, match="rates update"):
        averages.convert_frame(TRADE, store, to="RUB")


def test_overview_in_roubles_says_how_it_was_converted(tmp_path, monkeypatch):
    path = demo_store(tmp_path / "demo.duckdb")
    from dashboard.data.store import Store

    bundled.seed_if_empty(Store(path))
    monkeypatch.setenv("OBOROT_STORE", str(path))
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    clear_caches()
    at = open_app({"currency": "RUB", "lang": "ru"})
    assert not at.exception
    turnover = next(m for m in at.metric if m.label.startswith("Товарооборот"))
    assert turnover.value == "4,4\xa0млрд руб."
    assert any("62,8062 RUB за 1 USD в 2018 г." in c.value for c in at.caption)
    clear_caches()
