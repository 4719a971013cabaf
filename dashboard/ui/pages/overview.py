"""Overview: how is the region's trade (with the partner) doing?"""

from __future__ import annotations

import streamlit as st

from dashboard.core.i18n import t
from dashboard.present import charts
from dashboard.reference.countries import country_name
from dashboard.reference.names import hs_name
from dashboard.ui import queries
from dashboard.ui.widgets import compare as cards
from dashboard.ui.widgets import flags, updates
from dashboard.ui.widgets.downloads import deck_button
from dashboard.ui.widgets.errors import show_error
from dashboard.ui.widgets.page import filters_or_stop, heading, source_name
from dashboard.ui.widgets.render import chart, kpi_cards


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
        cards.estimate_card(filters)
        updates.new_since_update(queries.new_since_update(version, view, lang), filters)
        st.subheader(t("summary", lang))
        st.text(queries.narrative(version, view, lang))
        source = source_name()
        left, right = st.columns(2)
        annual, monthly = queries.annual_trend(version, view), queries.monthly_trend(version, view)
        notes = cards.view_notes(filters, annual["year"])
        with left:
            chart(charts.with_notes(charts.annual_trend(
                annual, title=t("annual_trend", lang), currency=filters.currency, source=source,
                lang=lang), notes, axis="year", lang=lang), key="overview.annual")
        with right:
            chart(charts.with_notes(charts.monthly_trend(
                monthly, flow=filters.flow, currency=filters.currency, source=source, lang=lang,
                title=f"{t('monthly_trend', lang)}: {t(filters.flow, lang).lower()}"),
                notes, axis="month", lang=lang), key="overview.monthly")
        cards.note_captions(notes, lang)
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
        cards.hhi_card(filters, kinds=("partners", "products"), key="overview")
    except Exception as exc:  # shown once, never a traceback
        show_error(exc)
