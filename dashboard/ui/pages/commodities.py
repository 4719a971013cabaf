"""Commodities: what do we sell and buy? (treemap, chapters, change, contribution, unit values)"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard.analysis import tables
from dashboard.core.formatting import percent
from dashboard.core.i18n import t
from dashboard.present import charts
from dashboard.ui import queries
from dashboard.ui.widgets import compare as cards
from dashboard.ui.widgets.errors import show_error
from dashboard.ui.widgets.filters import Filters
from dashboard.ui.widgets.page import filters_or_stop, heading, source_name
from dashboard.ui.widgets.render import chart, ranking_columns, set_ranking_table, table


def render() -> None:
    """Draw the Commodities page."""
    filters = filters_or_stop()
    lang, version, view, year = filters.lang, queries.version(), filters.view(), filters.year
    currency, flow = filters.currency, filters.flow
    heading(filters, "commodities")
    try:
        names = queries.names(version)
        goods = queries.commodity_frame(version, view, 4)
        ranking = tables.commodity_ranking(queries.top_commodities(version, view, None),
                                           lang=lang, level=view.hs_level, registry=names)
        if ranking.empty:
            st.info(t("no_data", lang))
            return
        source = source_name()
        share = tables.confidential_percent(goods, year=year, flow=flow)
        if share == share and share > 0:
            st.caption(t("commodities.confidential", lang, share=percent(share, lang,
                                                                         signed=False)))
        chart(charts.hs_treemap(tables.treemap_frame(goods, flow, lang, year=year,
                                                      registry=names),
                             title=t("commodities.treemap", lang), currency=currency,
                             source=source, lang=lang), key="commodities.treemap")
        if flow == "balance":
            st.caption(t("commodities.treemap_turnover", lang))
        left, right = st.columns(2)
        with left:
            chart(charts.exports_vs_imports(
                tables.chapter_flows(goods, year=year, lang=lang, registry=names),
                label="label",
                title=t("commodities.chapters", lang), currency=currency, source=source,
                lang=lang), key="commodities.chapters")
        with right:
            chart(charts.contribution_bars(tables.contribution_leaders(ranking), label="label",
                                           title=t("commodities.contribution", lang),
                                           source=source, lang=lang),
                  key="commodities.contribution")
        st.subheader(t("commodities.table", lang))
        query = st.text_input(t("commodities.search", lang), key="commodities.search",
                              help=t("commodities.search_help", lang))
        found = tables.search_commodities(ranking, query, registry=names)
        if found.empty:
            st.info(t("commodities.no_match", lang))
        table(tables.in_millions(found), key="commodities.table", lang=lang,
              file_name=f"commodities_{filters.reporter}_{year}_{flow}.csv",
              column_config=ranking_columns(filters, name_key="commodities.name"))
        _baskets(filters, version)
        _unit_values(filters, version)
        cards.price_volume_card(filters, goods, source=source)
        cards.hhi_card(filters, kinds=("products",), key="commodities")
        cards.rca_table(filters, flow=flow if flow in ("export", "import") else "export")
        cards.new_products_table(filters)
    except Exception as exc:  # shown once, never a traceback
        show_error(exc)


def _baskets(filters: Filters, version: str) -> None:
    """The stored baskets ranked for the view (all goods), overlaps flagged."""
    lang, items = filters.lang, queries.baskets(version)
    if not items:
        return
    st.subheader(t("commodities.baskets", lang))
    view = replace(filters.view(), basket=None)
    ranking = tables.set_ranking(queries.basket_ranking(version, view, tuple(items)), items,
                                 by="basket", lang=lang)
    set_ranking_table(filters, ranking, by="basket", key="commodities.baskets")


def _unit_values(filters: Filters, version: str) -> None:
    """Value per kg and per supplementary unit of the largest headings."""
    lang, currency = filters.lang, filters.currency
    st.subheader(t("commodities.unit_values", lang))
    values = tables.unit_value_table(queries.unit_value_frame(version, filters.view()),
                                     year=filters.year, flow=filters.flow, lang=lang,
                                     registry=queries.names(version))
    number = st.column_config.NumberColumn
    columns = ranking_columns(filters, name_key="commodities.name") | {
        "hs_code": None,  # the name starts with the code
        "flow": st.column_config.TextColumn(t("commodities.flow", lang), width="small"),
        "net_kg": number(t("commodities.net_kg", lang), format="%,.0f"),
        "per_kg": number(t("commodities.per_kg", lang, currency=currency), format="%,.2f"),
        "unit": st.column_config.TextColumn(t("commodities.unit", lang), width="small"),
        "quantity": number(t("commodities.quantity", lang), format="%,.0f"),
        "per_unit": number(t("commodities.per_unit", lang, currency=currency), format="%,.2f"),
    }
    table(tables.in_millions(values), key="commodities.unit_values", lang=lang,
          file_name=f"unit_values_{filters.reporter}_{filters.year}.csv", column_config=columns)
