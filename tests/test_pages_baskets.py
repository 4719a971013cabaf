"""Baskets, groups and heading names on the pages (AppTest on the demo)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import open_page

pytestmark = pytest.mark.usefixtures("demo_env")


def _table(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize(("lang", "names"), [
    ("en", {"4411": "Fibreboard of wood or other ligneous materials, whether or not bonded "
                    "with resins or other organic substances",
            "8508": "Vacuum cleaners"}),
    ("ru", {"4411": "Fibreboard of wood or other ligneous materials, whether or not bonded "
                    "with resins or other organic substances (EN)",
            "8508": "Vacuum cleaners (EN)"}),
])
def test_commodities_at_hs4_show_each_headings_own_name(lang: str, names: dict[str, str]):
    at = open_page("commodities", hs_level="4", lang=lang)
    assert not at.exception and not at.error
    table = _table(at, "hs_code").set_index("hs_code")
    for code, name in names.items():
        assert table.loc[code, "name"] == name
    chapter = {"ru": "Древесина и изделия из неё", "en": "Wood and articles of wood"}[lang]
    assert (table.loc[table.index.str.startswith("44"), "name"] != chapter).all()


def test_a_loaded_russian_classifier_names_the_headings(demo_env):
    from dashboard.data import definitions
    from dashboard.data.store import Store
    from dashboard.reference.names import NameEntry

    store = Store(demo_env)
    definitions.save_names(store, [NameEntry("4411", "Плиты древесно-волокнистые", "")],
                           source="test")
    try:
        at = open_page("commodities", hs_level="4")
        table = _table(at, "hs_code").set_index("hs_code")
        assert table.loc["4411", "name"] == "Плиты древесно-волокнистые"
    finally:
        with store.transaction() as con:
            store.engine.execute(con, "DELETE FROM hs_names")


def test_rolled_metal_basket_with_kazakhstan_shows_the_headings_imports():
    at = open_page("commodities", hs_level="4", partner="KZ", basket="rolled_metal",
                   flow="import")
    assert not at.exception and not at.error
    assert at.session_state["filters.basket"] == "rolled_metal"
    assert any("Плоский прокат из стали" in c.value for c in at.caption)
    table = _table(at, "hs_code").set_index("hs_code")
    assert sorted(table.index) == ["7208", "7209", "7210"]
    # values are in millions in the table
    assert table["value"].sum() * 1e6 == pytest.approx(5_461_079.85)
    assert table["change"].sum() * 1e6 == pytest.approx(5_461_079.85 - 4_032_908.09)


def test_commodities_page_ranks_the_baskets():
    at = open_page("commodities", lang="en")
    baskets = _table(at, "basket").set_index("basket")
    assert list(baskets.index[:2]) == ["timber", "petrochemicals"]
    assert baskets.loc["timber", "name"] == "Timber and wood products"
    assert (baskets["overlap"] == "").all()  # the starter baskets share no code


def test_central_asia_group_on_the_partners_page():
    at = open_page("partners", partner="central_asia", lang="en")
    assert not at.exception and not at.error
    assert at.session_state["filters.partner"] == "central_asia"
    assert any("Central Asia" in c.value for c in at.caption)
    groups = _table(at, "group").set_index("group")
    assert groups.loc["central_asia", "value"] * 1e6 == pytest.approx(89_564_189.26)
    assert "eaeu" not in groups.loc["central_asia", "overlap"]  # names, not ids
    assert "EAEU" in groups.loc["central_asia", "overlap"]
    assert at.query_params["partner"] == "central_asia"


def test_overview_kpis_speak_of_the_group_and_basket():
    at = open_page("overview", partner="central_asia", basket="petrochemicals")
    assert not at.exception and not at.error
    caption = " ".join(c.value for c in at.caption)
    assert "Центральная Азия" in caption and "Нефтехимия" in caption
    assert at.query_params["basket"] == "petrochemicals"
    assert any("со странами Центральной Азии по товарной группе «Нефтехимия»" in x.value
               for x in at.text)


def _submit(at: AppTest, form: str) -> AppTest:
    button = next(b for b in at.button if b.form_id == form)
    return button.click().run()


def test_data_page_adds_edits_and_deletes_a_basket(demo_env):
    from dashboard.data import definitions
    from dashboard.data.store import Store

    at = open_page("data")
    assert not at.exception
    assert {"rolled_metal", "timber"} <= set(_table(at, "codes")["id"])
    at.text_input(key="data.basket_id").input("kz")
    at.text_input(key="data.basket_name_ru").input("Металлы")
    at.text_input(key="data.basket_codes").input("72, 73")
    at = _submit(at, "data.basket_form")
    assert [e.value for e in at.error] == [
        "basket id 'kz' clashes with the country code KZ (Kazakhstan); choose another id"]
    assert "kz" not in {b.id for b in definitions.baskets(Store(demo_env))}
    at.text_input(key="data.basket_id").input("metals")
    at = _submit(at, "data.basket_form")
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Сохранено: metals"]
    stored = {b.id: b for b in definitions.baskets(Store(demo_env))}
    assert stored["metals"].codes == ("72", "73")
    assert "Металлы" in at.selectbox(key="filters.basket").options  # the sidebar offers it
    at.selectbox(key="data.basket_pick").set_value("metals").run()
    at.button(key="data.basket_delete").click().run()
    assert "metals" not in {b.id for b in definitions.baskets(Store(demo_env))}


def test_exports_name_the_basket_and_group():
    from dashboard.reference.baskets import starter_baskets
    from dashboard.reference.groups import starter_groups
    from dashboard.ui.widgets.downloads import _filter_items, deck_file_name
    from dashboard.ui.widgets.filters import Filters

    basket = next(b for b in starter_baskets() if b.id == "petrochemicals")
    group = next(g for g in starter_groups() if g.id == "central_asia")
    filters = Filters(reporter="RU-TOM", partner=None, year=2018, basket=basket, group=group)
    assert deck_file_name(filters) == "oborot_RU-TOM_central_asia_petrochemicals_2018_ru.pptx"
    items = _filter_items(filters)
    assert items["basket"] == "Нефтехимия (petrochemicals)"
    assert items["group"] == "Центральная Азия (central_asia)"
    assert filters.to_params()["partner"] == "central_asia"
    assert filters.to_params()["basket"] == "petrochemicals"
