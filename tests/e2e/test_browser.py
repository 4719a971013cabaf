"""The real app in headless Chromium: every page opens, filters work, URLs reproduce views."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, shot, wait_for_app

PAGES = ["", "partners", "commodities", "regions", "rates", "data", "presentation"]


def test_overview_shows_the_turnover_figure(page, app_url):
    page.goto(f"{app_url}/")
    wait_for_app(page)
    metric = page.get_by_test_id("stMetric").first
    assert "69,8" in metric.inner_text()
    assert page.get_by_test_id("stException").count() == 0
    shot(page, "overview-ru")


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_without_exception(page, app_url, name):
    page.goto(f"{app_url}/{name}?lang=en")
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0
    shot(page, f"{name or 'overview'}-en")


def test_a_copied_url_reopens_the_same_view(page, app_url, browser):
    page.goto(f"{app_url}/")
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(page.get_by_test_id("stMetric").first).to_contain_text("Turnover, 2018",
                                                                  timeout=60_000)
    wait_for_app(page)
    url = page.url
    assert "lang=en" in url
    fresh = browser.new_page()
    fresh.goto(url)
    wait_for_app(fresh)
    assert "Turnover, 2018" in fresh.get_by_test_id("stMetric").first.inner_text()
    assert "$69.8M" in fresh.get_by_test_id("stMetric").first.inner_text()
    fresh.close()


def test_regions_page_and_the_price_volume_card(page, app_url):
    page.goto(f"{app_url}/regions?lang=en&partner=KZ")
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_text("8 of 85 subjects loaded", exact=False).count() == 1
    shot(page, "regions-en")
    tile_map = page.get_by_test_id("stPlotlyChart").first
    tile_map.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    tile_map.screenshot(path=str(SCREENSHOTS / "regions-map-en.png"))
    page.goto(f"{app_url}/commodities?lang=en&partner=KZ&flow=import")
    wait_for_app(page)
    page.get_by_text("The change split", exact=True).scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(1500)
    assert page.get_by_text("Volume effect = Σ (q₁ − q₀) × p₀", exact=False).count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "commodities-price-volume-en.png"))


def test_commodities_with_a_basket_and_partners_with_a_group(page, app_url):
    page.goto(f"{app_url}/commodities?reporter=RU-TOM&year=2018&partner=KZ"
              "&basket=rolled_metal&flow=import&hs_level=4")
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0
    shot(page, "commodities-basket-ru")
    assert "Томская область — Казахстан · Плоский прокат из стали" in page.inner_text("main")
    page.get_by_text("Товарные группы: изменение и вклад в прирост").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    shot(page, "commodities-basket-ru-table")
    page.goto(f"{app_url}/partners?reporter=RU-TOM&year=2018&partner=central_asia&lang=en")
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0
    shot(page, "partners-group-en")
    assert "Tomsk Oblast — Central Asia" in page.inner_text("main")
    assert "Partner groups ranked" in page.inner_text("main")
    page.get_by_text("Partner groups ranked").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    shot(page, "partners-group-en-ranking")
