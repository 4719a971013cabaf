"""Partners page."""

from __future__ import annotations

import streamlit as st

from dashboard.ui.page import filters_or_stop, heading


def render() -> None:
    """Draw the Partners page."""
    filters = filters_or_stop()
    heading(filters, "partners")
    st.info("…")
