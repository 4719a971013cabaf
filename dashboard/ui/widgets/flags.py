"""Data-quality flags shown next to figures: a gap must never read as a collapse."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis.quality import overlap_notes, quality_notes
from dashboard.analysis.views import View
from dashboard.ui import queries
from dashboard.ui.widgets.filters import Filters


def show(filters: Filters) -> None:
    """Warnings for missing months, the FCS gap, overlapping datasets, currency."""
    months = queries.months_loaded(queries.version(), filters.reporter)
    for note in quality_notes(months, year=filters.year, ytd=filters.ytd, lang=filters.lang):
        st.warning(note, icon="ℹ️")
    overlapping(filters.view(), filters.lang)
    if filters.currency != "USD":
        for missing in queries.rate_notes(queries.version(), filters.view(), filters.lang):
            st.warning(missing, icon="ℹ️")
        note = queries.conversion_note(queries.version(), filters.currency, filters.year,
                                       filters.lang)
        st.caption(note or "")


def overlapping(view: View, lang: str) -> None:
    """A warning per year in which the view's figures add up overlapping datasets."""
    found = queries.overlaps(queries.version(), view)
    for note in overlap_notes(found, years=(view.year, view.year - 1), lang=lang):
        st.warning(note, icon="⚠️")
