"""The mirror view: a region's (country's) exports next to what the partner reports importing."""

from __future__ import annotations

import streamlit as st

from dashboard.core.i18n import t
from dashboard.ui import queries
from dashboard.ui.widgets.filters import Filters
from dashboard.ui.widgets.render import table


def show(filters: Filters) -> None:
    """Mirror table for the chosen pair, or a hint on what to load to see it."""
    if not filters.partner:
        return
    lang = filters.lang
    years = (filters.year - 1, filters.year)
    frame = queries.mirror(queries.version(), filters.reporter, filters.partner, years)
    with st.expander(t("mirror.title", lang), expanded=False):
        if frame[["exports_usd", "imports_usd"]].isna().all().all() or frame.empty:
            st.info(t("mirror.missing", lang))
        else:
            table(frame, key="partners.mirror", lang=lang,
                  file_name=f"mirror_{filters.reporter}_{filters.partner}.csv")
        st.caption(t("mirror.cif_fob", lang))
