"""Overview: how is the region's trade (with the partner) doing?"""

from __future__ import annotations

import streamlit as st

from dashboard.app import queries
from dashboard.app.ui import flags, updates
from dashboard.app.ui.downloads import deck_button
from dashboard.app.ui.errors import show_error
from dashboard.app.ui.page import filters_or_stop, heading, source_name
from dashboard.app.ui.render import chart, kpi_cards
from dashboard.core.i18n import t
from dashboard.present import charts
from dashboard.reference.countries import country_name
from dashboard.reference.names import hs_name


def render() -> None:
    """Draw the Overview page."""
    filters = filters_or_stop()
    lang, version, view = filters.lang, queries.version(), filters.view()
    heading(filters, "overview")
    deck_button(filters)
    try:
        kpi_cards(queries.kpis(version, view), currency=filters.currency, lang=lang,
                  year=filters.year, reasons=queries.rate_notes(version, view, lang))
        flags.show(filters)
        updates.new_since_update(queries.new_since_update(version, view, lang), filters)
        st.subheader(t("summary", lang))
        st.text(queries.narrative(version, view, lang))
        source = source_name()
        left, right = st.columns(2)
        with left:
            chart(charts.annual_trend(queries.annual_trend(version, view),
                                      title=t("annual_trend", lang), currency=filters.currency,
                                      source=source, lang=lang), key="overview.annual")
        with right:
            chart(charts.monthly_trend(queries.monthly_trend(version, view), flow=filters.flow,
                                       title=f"{t('monthly_trend', lang)}: "
                                             f"{t(filters.flow, lang).lower()}",
                                       currency=filters.currency, source=source, lang=lang),
                  key="overview.monthly")
        left, right = st.columns(2)
        region_view = filters.view(partner=False)
        with left:
            top = queries.top_partners(version, region_view, 10).assign(
                name=lambda f: f["partner"].map(lambda c: country_name(c, lang)))
            chart(charts.ranked_bars(top, label="name", title=t("top_partners", lang),
                                     currency=filters.currency, source=source, lang=lang,
                                     flow=filters.flow), key="overview.partners")
        with right:
            names = queries.names(version)
            goods = queries.top_commodities(version, view, 10).assign(
                name=lambda f: f["hs_code"].map(lambda c: hs_name(c, lang, registry=names)))
            chart(charts.ranked_bars(goods, label="name", title=t("top_commodities", lang),
                                     currency=filters.currency, source=source, lang=lang,
                                     flow=filters.flow), key="overview.commodities")
    except Exception as exc:  # shown once, never a traceback
        show_error(exc)
