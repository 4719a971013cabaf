"""AppTest of the Overview page and the shared filters on the demo data."""

from __future__ import annotations

import pytest

from tests.apptest import clear_caches, open_app

pytestmark = pytest.mark.usefixtures("demo_env")


def _metrics(at):
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_overview_tells_the_tomsk_kazakhstan_story():
    at = open_app()
    assert not at.exception
    assert _metrics(at)["Товарооборот, 2018"] == ("$69,8\xa0млн", "+$10,2\xa0млн (+17,1%)")
    assert at.query_params["reporter"] == ["RU-TOM"] or at.query_params["reporter"] == "RU-TOM"


def test_language_switch_translates_labels_and_numbers():
    at = open_app()
    at.segmented_control(key="filters.lang").set_value("en").run()
    assert not at.exception
    assert _metrics(at)["Turnover, 2018"] == ("$69.8M", "+$10.2M (+17.1%)")


def test_url_parameters_reopen_the_same_view():
    at = open_app({"reporter": "RU-TOM", "partner": "KZ", "year": "2017", "flow": "export",
                   "lang": "en"})
    assert not at.exception
    assert at.selectbox(key="filters.year").value == 2017
    assert at.selectbox(key="filters.flow").value == "export"
    assert "Exports, 2017" in _metrics(at)


def test_changing_region_and_partner_updates_the_figures():
    at = open_app()
    at.selectbox(key="filters.partner").set_value("*").run()
    total = _metrics(at)["Товарооборот, 2018"][0]
    assert total != "$69,8\xa0млн"
    at.selectbox(key="filters.reporter").set_value("RU-NVS").run()
    assert not at.exception
    assert _metrics(at)["Товарооборот, 2018"][0] != total


def test_bad_url_values_fall_back_to_defaults():
    at = open_app({"reporter": "<script>", "year": "abc", "partner": "ZZ"})
    assert not at.exception
    assert at.selectbox(key="filters.reporter").value == "RU-TOM"


def test_an_empty_store_explains_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("OBOROT_STORE", str(tmp_path / "empty.duckdb"))
    clear_caches()
    at = open_app()
    assert not at.exception
    assert any("пусто" in info.value for info in at.info)


def test_year_to_date_and_single_month_periods_come_from_the_url():
    at = open_app({"period": "ytd-6", "lang": "en"})
    assert not at.exception
    assert at.selectbox(key="filters.period").value == "ytd-6"
    half = _metrics(at)["Turnover, 2018"][0]
    at = open_app({"month": "3", "lang": "en"})  # the short form
    assert not at.exception
    assert at.selectbox(key="filters.period").value == "m-3"
    assert at.query_params["period"] in ("m-3", ["m-3"])
    march = _metrics(at)["Turnover, 2018"][0]
    assert half != march != "$69.8M"


def test_without_stored_rates_the_ticker_reads_the_bundled_ecb_history():
    at = open_app()
    assert not at.exception
    line = at.caption[0].value
    assert "EUR/USD" in line and "ЕЦБ, встроенный архив" in line and "30.10.2026" in line
