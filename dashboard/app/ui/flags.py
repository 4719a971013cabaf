"""Data-quality flags shown next to figures: a gap must never read as a collapse."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis.quality import quality_notes
from dashboard.app import queries
from dashboard.app.ui.filters import Filters


def show(filters: Filters) -> None:
    """Warnings for missing months, the FCS publication gap, confidential share, currency."""
    months = queries.months_loaded(queries.version(), filters.reporter)
    for note in quality_notes(months, year=filters.year, ytd=filters.ytd, lang=filters.lang):
        st.warning(note, icon="ℹ️")
    if filters.currency != "USD":
        note = queries.conversion_note(queries.version(), filters.currency, filters.year,
                                       filters.lang)
        st.caption(note or "")
