"""What every page starts with: the current filters, or a clear empty-store message."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis.views import scope_name
from dashboard.core import i18n
from dashboard.core.i18n import t
from dashboard.ui import queries
from dashboard.ui.widgets.filters import Filters, current, current_lang


def filters_or_stop() -> Filters:
    """The filters of this run; stops the page with a message when there is no data."""
    filters = current()
    if filters is None:
        st.info(t("empty_store", current_lang()))
        st.stop()
    return filters


def heading(filters: Filters, page_key: str) -> None:
    """Page title naming the region, partner and period."""
    lang = filters.lang
    pair = scope_name(filters.view(), lang)
    st.title(t(page_key, lang))
    st.caption(f"{pair} · {period_label(filters)}")


def period_label(filters: Filters) -> str:
    """"2018 г.", "янв–июн 2018" or "мар 2018" (core.i18n.period_label)."""
    return i18n.period_label(filters.lang, year=filters.year, month=filters.month,
                             ytd=filters.ytd)


def source_name() -> str:
    """The datasets behind the figures, for chart source lines."""
    frame = queries.datasets(queries.version())
    names = ", ".join(frame["name"].astype(str).head(3)) if not frame.empty else "—"
    return names + (" …" if len(frame) > 3 else "")
