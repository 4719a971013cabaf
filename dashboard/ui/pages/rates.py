"""Exchange rates: today's official rates, their history and averages, refresh and import."""

from __future__ import annotations

import streamlit as st

from dashboard.core.i18n import t
from dashboard.present import charts
from dashboard.ui import queries
from dashboard.ui.widgets import rates_actions
from dashboard.ui.widgets.errors import show_error
from dashboard.ui.widgets.filters import current_lang
from dashboard.ui.widgets.render import chart, table
from dashboard.ui.widgets.ticker import ticker_settings

CHOICES = ["USD", "EUR", "CNY", "KZT", "GBP", "JPY", "CHF", "TRY", "BYN"]


def render() -> None:
    """Draw the Rates page."""
    lang = current_lang()
    st.title(t("rates", lang))
    currencies = tuple(st.multiselect(t("currencies", lang), CHOICES,
                                      default=["USD", "EUR", "CNY"], key="rates.currencies"))
    years = st.slider(t("history_years", lang), 1, 10, 3, key="rates.years")
    if not currencies:
        st.info(t("pick_currency", lang))
        return
    try:
        version = queries.version()
        history = queries.rate_history(version, currencies, None, years)
        if history.empty:
            st.info(t("no_rates", lang))
        else:
            quote = history["quote"].iloc[0]
            chart(charts.rate_history(history, title=f"{t('rates', lang)}, {quote}",
                                      source=", ".join(sorted(set(history["source"]))),
                                      lang=lang), key="rates.history")
            left, right = st.columns(2)
            for column, period in ((left, "monthly"), (right, "annual")):
                with column:
                    st.subheader(t(f"{period}_average", lang))
                    averages = queries.rate_averages(version, currencies, quote, years, period)
                    table(averages, key=f"rates.{period}", lang=lang,
                          file_name=f"rates_{period}.csv")
            table(history, key="rates.daily", lang=lang, file_name="rates_daily.csv")
        st.caption(t("rates.method", lang))
        ticker_settings(lang, CHOICES)
        rates_actions.refresh_and_import(lang)
    except Exception as exc:  # shown once, never a traceback
        show_error(exc)
