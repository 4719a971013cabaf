"""Oborot dashboard: ``streamlit run app.py`` (router only)."""

from __future__ import annotations

import streamlit as st

from dashboard.app.pages import commodities, data, overview, partners, presentation, rates
from dashboard.app.ui.auth import gate
from dashboard.app.ui.filters import current_lang, sidebar_filters
from dashboard.app.ui.ticker import ticker
from dashboard.core.i18n import t
from dashboard.core.log import configure

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
    st.Page(rates.render, title=t("rates", lang), url_path="rates"),
    st.Page(data.render, title=t("data", lang), url_path="data"),
    st.Page(presentation.render, title=t("presentation", lang), url_path="presentation"),
]
st.navigation(pages).run()
