"""Errors shown once, high up: one line for the user."""

from __future__ import annotations

import streamlit as st

from dashboard.core.errors import OborotError


def show_error(exc: Exception) -> None:
    """One clear message for a user error; never a traceback."""
    st.error(str(exc) if isinstance(exc, OborotError) else f"{type(exc).__name__}: {exc}",
             icon="⚠️")
