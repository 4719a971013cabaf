"""Commodities page: search (AppTest) and the pure frames behind its treemap, bars and tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis import tables
from dashboard.present import charts
from tests.apptest import open_page

pytestmark = pytest.mark.usefixtures("demo_env")


def _open(**params: str) -> AppTest:
    return open_page("commodities", **params)


def _groups(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "share" in d.value.columns)


def test_page_shows_every_view_and_the_confidential_line():
    at = _open()
    assert not at.exception
    assert not at.error
    groups = _groups(at).set_index("hs_code")
    confidential = groups.loc["XXXXXXXXXX"]
    assert confidential["name"] == "Конфиденциально"
    assert 0 < confidential["share"] < 100
    assert any("Конфиденциальные позиции" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 4  # treemap, chapters, contributions, price/volume
    # A heading without a supplementary unit has no quantity: a dash, not the grid's "None".
    units = next(d for d in at.dataframe if "per_unit" in d.value.columns)
    assert units.value["per_unit"].isna().any()
    assert {d.proto.placeholder for d in at.dataframe} == {"—"}
    # The price/volume table names its rows in the page's language.
    split = next(d.value for d in at.dataframe if "basis" in d.value.columns)
    assert split["measure"].tolist()[:6] == ["2017", "2018", "Изменение", "Эффект объёма",
                                             "Эффект цены", "Остаток"]
    assert split["measure"].str.startswith("Остаток: ").sum() == 4
    assert set(split["basis"]) <= {"вес нетто, кг", "количество в доп. единице"}


@pytest.mark.parametrize(("query", "expected"), [
    ("44", {"44"}),
    ("  4 4 ", {"44"}),
    ("ДРЕВЕСИНА", {"44"}),
    ("wood", {"44"}),
    ("confid", {"XXXXXXXXXX"}),
])
def test_search_filters_the_commodity_table(query: str, expected: set[str]):
    at = _open()
    everything = len(_groups(at))
    at.text_input(key="commodities.search").input(query).run()
    assert not at.exception
    found = _groups(at)
    assert set(found["hs_code"]) == expected
    assert len(found) < everything


def test_search_with_no_match_says_so_in_english():
    at = _open(lang="en")
    at.text_input(key="commodities.search").input("zzzz").run()
    assert not at.exception
    assert _groups(at).empty
    assert any(info.value == "Nothing found." for info in at.info)


def test_headings_level_and_balance_render():
    at = _open(hs_level="4", flow="balance", currency="USD")
    assert not at.exception
    assert not at.error
    assert any("сальдо" in c.value for c in at.caption)


# -- pure frames -------------------------------------------------------------------------

GOODS = pd.DataFrame({
    "year": [2018, 2018, 2018, 2018, 2018, 2017],
    "flow": ["export", "export", "import", "import", "export", "export"],
    "hs_code": ["4407", "4418", "0702", "XXXXXXXXXX", "3901", "4407"],
    "value_usd": [600.0, 100.0, 50.0, 250.0, 0.0, 999.0],
})


def test_treemap_frame_nests_sections_chapters_and_headings():
    frame = tables.treemap_frame(GOODS, "turnover", "en", year=2018)
    assert frame["id"].is_unique
    assert set(frame["parent"]) - set(frame["id"]) == {""}
    tops = frame.loc[frame["parent"] == ""].set_index("id")["value"]
    assert tops.to_dict() == {"s:II": 50.0, "s:IX": 700.0, "confidential": 250.0}
    assert tops.sum() == 1000.0  # 2018 turnover, heading 3901 with 0 left out
    row = frame.set_index("id")
    assert row.loc["c:44", "parent"] == "s:IX"
    assert row.loc["h:4418", "parent"] == "c:44"
    assert row.loc["c:44", "label"] == "44 Wood and articles of wood"
    assert row.loc["confidential", "label"] == "Confidential"
    exports = tables.treemap_frame(GOODS, "export", "ru", year=2018)
    assert exports.loc[exports["parent"] == "", "value"].sum() == 700.0
    assert tables.treemap_frame(GOODS, "balance", "ru", year=2018).equals(
        tables.treemap_frame(GOODS, "turnover", "ru", year=2018))


def test_treemap_figure_colours_each_section_alike():
    frame = tables.treemap_frame(GOODS, "turnover", "ru", year=2018)
    fig = charts.hs_treemap(frame, title="Структура", currency="USD", source="demo", lang="ru")
    colours = dict(zip(fig.data[0].ids, fig.data[0].marker.colors, strict=True))
    assert colours["s:IX"] == colours["c:44"] == colours["h:4407"]
    assert colours["s:IX"] != colours["s:II"]


def test_chapter_flows_ranks_by_turnover():
    flows = tables.chapter_flows(GOODS, year=2018, lang="ru", n=2)
    assert list(flows["chapter"]) == ["44", "XXXXXXXXXX"]
    assert flows.iloc[0][["export", "import", "turnover"]].tolist() == [700.0, 0.0, 700.0]
    assert flows.iloc[1]["label"] == "Конфиденциально"


@pytest.mark.parametrize(("code", "lang", "label"), [
    ("44", "ru", "44 Древесина и изделия из неё"),
    ("XXXXXXXXXX", "en", "Confidential"),
    ("VII", "en", "VII. Plastics and rubber"),
])
def test_chart_labels(code: str, lang: str, label: str):
    assert tables.chart_label(code, lang, width=80).startswith(label)


def test_chart_label_is_cut_to_width():
    assert len(tables.chart_label("84", "ru", width=20)) == 20
    assert tables.chart_label("84", "ru", width=20).endswith("…")


def test_confidential_percent():
    assert tables.confidential_percent(GOODS, year=2018, flow="turnover") == 25.0
    assert tables.confidential_percent(GOODS, year=2018, flow="import") == pytest.approx(
        250 / 300 * 100)
    assert math.isnan(tables.confidential_percent(GOODS, year=2016, flow="export"))


def test_contribution_leaders_by_absolute_size():
    ranking = pd.DataFrame({"hs_code": ["a", "b", "c", "d"],
                            "contribution": [1.0, -5.0, math.nan, 2.0]})
    assert list(tables.contribution_leaders(ranking, n=2)["hs_code"]) == ["b", "d"]


def test_unit_values_keep_units_apart():
    frame = pd.DataFrame({
        "year": [2018] * 4, "flow": ["export"] * 4,
        "hs_code": ["4407", "4407", "3901", "XXXXXXXXXX"],
        "unit": ["113", None, None, None],
        "value_usd": [300.0, 100.0, 50.0, 999.0],
        "net_kg": [1000.0, 100.0, 0.0, 0.0],
        "quantity": [2.0, None, None, None],
    })
    table = tables.unit_value_table(frame, year=2018, flow="export", lang="ru").set_index(
        "hs_code")
    assert list(table.index) == ["4407", "3901"]  # by value; confidential left out
    assert table.loc["4407", "per_kg"] == pytest.approx(400 / 1100)
    assert table.loc["4407", "unit"] == "м³"
    assert table.loc["4407", "per_unit"] == 150.0  # 300 USD / 2 m³, other lines not mixed in
    assert table.loc["4407", "flow"] == "Экспорт"
    assert math.isnan(table.loc["3901", "per_kg"])  # 0 kg
    assert table.loc["3901", "unit"] == ""


def test_commodity_ranking_names():
    table = pd.DataFrame({"hs_code": ["44", "XXXXXXXXXX"], "value": [3e6, 1e6],
                          "share": [75.0, 25.0], "rank": [1, 2], "previous": [1e6, 1e6],
                          "change": [2e6, 0.0], "change_pct": [200.0, 0.0],
                          "contribution": [100.0, 0.0]})
    shown = tables.commodity_ranking(table, lang="en")
    assert list(shown["name"]) == ["Wood and articles of wood", "Confidential"]
    assert list(shown["label"]) == ["44 Wood and articles of wood", "Confidential"]
    assert list(tables.search_commodities(shown, "")["hs_code"]) == ["44", "XXXXXXXXXX"]
