"""The real app in headless Chromium: every page opens, filters work, URLs reproduce views."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot, wait_for_app

PAGES = ["", "partners", "commodities", "rates", "data", "presentation"]


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
    wait_for_app(page)
    assert "Turnover, 2018" in page.get_by_test_id("stMetric").first.inner_text()
    url = page.url
    assert "lang=en" in url
    fresh = browser.new_page()
    fresh.goto(url)
    wait_for_app(fresh)
    assert "Turnover, 2018" in fresh.get_by_test_id("stMetric").first.inner_text()
    assert "$69.8M" in fresh.get_by_test_id("stMetric").first.inner_text()
    fresh.close()


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
