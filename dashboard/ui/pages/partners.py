"""Partners: who do we trade with, who is growing? (ranking, top bars, trend, map, drill-down)"""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import tables
from dashboard.core.i18n import t
from dashboard.present import charts
from dashboard.reference.countries import country_name
from dashboard.ui import queries
from dashboard.ui.widgets import flags, mirror, worldmap
from dashboard.ui.widgets.errors import show_error
from dashboard.ui.widgets.filters import ALL, Filters
from dashboard.ui.widgets.page import filters_or_stop, heading, source_name
from dashboard.ui.widgets.render import chart, ranking_columns, set_ranking_table, table


def render() -> None:
    """Draw the Partners page."""
    filters = filters_or_stop()
    lang, version, region = filters.lang, queries.version(), filters.view(partner=False)
    heading(filters, "partners")
    try:
        ranking = tables.partner_ranking(queries.top_partners(version, region, None), lang=lang)
        if ranking.empty:
            st.info(t("no_data", lang))
            return
        flags.overlapping(region, lang)
        _drill(filters, ranking["partner"].tolist())
        source, currency, flow = source_name(), filters.currency, filters.flow
        st.subheader(t("partners.table", lang))
        table(tables.in_millions(ranking), key="partners.table", lang=lang,
              file_name=f"partners_{filters.reporter}_{filters.year}_{flow}.csv",
              column_config=ranking_columns(filters, name_key="partners.name"))
        left, right = st.columns(2)
        with left:
            chart(charts.ranked_bars(ranking.head(15), label="name",
                                     title=t("partners.top15", lang), currency=currency,
                                     source=source, lang=lang, flow=flow),
                  key="partners.bars")
        with right:
            codes = ranking["partner"].tolist()
            state = st.session_state.get("partners.trend")
            st.session_state["partners.trend"] = ([c for c in state if c in codes]
                                                  if state is not None else codes[:5])
            chosen = st.multiselect(t("partners.trend_pick", lang), codes, key="partners.trend",
                                    format_func=lambda code: country_name(code, lang))
            trend = queries.partner_trend(version, region, tuple(chosen))
            title = f"{t('partners.trend', lang)}: {t(flow, lang).lower()}"
            chart(charts.legend_right(charts.partner_lines(
                trend, flow=flow, title=title, names={c: country_name(c, lang) for c in chosen},
                currency=currency, source=source, lang=lang)),
                  key="partners.trend_chart")
        _groups(filters, version)
        worldmap.show(ranking, flow=flow, currency=currency, source=source, lang=lang,
                      key="partners.map")
        mirror.show(filters)
    except Exception as exc:  # shown once, never a traceback
        show_error(exc)


def _groups(filters: Filters, version: str) -> None:
    """The stored partner groups ranked for the region (the basket applies), overlaps flagged."""
    lang, items = filters.lang, queries.groups(version)
    if not items:
        return
    st.subheader(t("partners.groups", lang))
    ranking = tables.set_ranking(
        queries.group_ranking(version, filters.view(partner=False), tuple(items)), items,
        by="group", lang=lang)
    set_ranking_table(filters, ranking, by="group", key="partners.groups")


def _drill(filters: Filters, codes: list[str]) -> None:
    """Focus every page on one partner (sets the sidebar's partner before it is drawn)."""
    lang = filters.lang
    if filters.partner:
        st.info(t("partners.drilled", lang, name=country_name(filters.partner, lang)))
        st.button(t("partners.back", lang), key="partners.back", on_click=_set_partner,
                  args=(ALL,))
        return
    st.selectbox(t("partners.drill", lang), codes, index=None, key="partners.drill",
                 placeholder=t("partners.drill_placeholder", lang),
                 format_func=lambda code: country_name(code, lang), on_change=_drilled)


def _drilled() -> None:
    code = st.session_state.get("partners.drill")
    st.session_state["partners.drill"] = None
    if code:
        _set_partner(code)


def _set_partner(code: str) -> None:
    st.session_state["filters.partner"] = code
