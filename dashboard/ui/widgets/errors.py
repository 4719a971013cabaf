"""Errors shown once, high up: one line for the user, the traceback in the log."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard.core.errors import OborotError
from dashboard.core.i18n import t
from dashboard.core.log import log_unexpected
from dashboard.ui.widgets.filters import current_lang

log = logging.getLogger(__name__)


def show_error(exc: Exception) -> None:
    """A user error's own message; for a bug, a friendly line whose reference is in the log."""
    if isinstance(exc, OborotError):
        log.info("shown to the user: %s", exc)
        st.error(str(exc), icon="⚠️")
        return
    reference = log_unexpected(log, exc, "page failed")
    st.error(t("unexpected_error", current_lang(), reference=reference), icon="⚠️")
