"""Oborot dashboard: ``streamlit run app.py`` (router only)."""

from __future__ import annotations

import streamlit as st

from dashboard.core.i18n import t
from dashboard.core.log import configure
from dashboard.ui.pages import (
    commodities,
    data,
    overview,
    partners,
    presentation,
    rates,
    regions,
)
from dashboard.ui.widgets.auth import gate
from dashboard.ui.widgets.filters import current_lang, sidebar_filters
from dashboard.ui.widgets.ticker import ticker

configure()  # once per process: stderr and the log file beside the store (or OBOROT_LOG)
st.set_page_config(page_title="Oborot", page_icon="📊", layout="wide")
gate()  # with access control on and nobody signed in: the sign-in form, then stop
filters = sidebar_filters()
lang = filters.lang if filters else current_lang()
ticker(lang)
pages = [
    st.Page(overview.render, title=t("overview", lang), default=True),
    st.Page(partners.render, title=t("partners", lang), url_path="partners"),
    st.Page(commodities.render, title=t("commodities", lang), url_path="commodities"),
    st.Page(regions.render, title=t("regions", lang), url_path="regions"),
    st.Page(rates.render, title=t("rates", lang), url_path="rates"),
    st.Page(data.render, title=t("data", lang), url_path="data"),
    st.Page(presentation.render, title=t("presentation", lang), url_path="presentation"),
]
st.navigation(pages).run()
