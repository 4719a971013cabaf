"""Commodities page."""

from __future__ import annotations

import streamlit as st

from dashboard.ui.page import filters_or_stop, heading


def render() -> None:
    """Draw the Commodities page."""
    filters = filters_or_stop()
    heading(filters, "commodities")
    st.info("…")
