"""Rates page actions: refresh from the banks on request, import a rates file."""

from __future__ import annotations

import streamlit as st

from dashboard.core.errors import OborotError
from dashboard.core.i18n import t
from dashboard.ui import actions
from dashboard.ui.widgets.auth import can_edit, current_role


def refresh_and_import(lang: str) -> None:
    """A refresh button (bounded by the HTTP timeout) and a rates-file upload (editors only)."""
    if not can_edit(current_role()):
        return
    left, right = st.columns(2)
    with left:
        source = st.selectbox(t("rates_source", lang), ["cbr", "nbk", "ecb"], key="rates.source")
        if st.button(t("refresh_rates", lang), key="rates.refresh"):
            try:
                with st.spinner(t("refreshing", lang)):
                    result = actions.refresh_rates(source=source)
                st.success(f"{result.rows} {t('rates_written', lang)}")
            except OborotError as exc:
                st.warning(f"{t('offline_rates', lang)}: {exc}")
    with right:
        upload = st.file_uploader(t("import_rates", lang), type=["xml", "csv", "zip", "asp",
                                                                 "cfm"], key="rates.import")
        if upload is not None and st.button(t("load", lang), key="rates.import.load"):
            try:
                fmt, written = actions.import_rates(upload.getvalue(), upload.name)
                st.success(f"{fmt}: {written} {t('rates_written', lang)}")
            except OborotError as exc:
                st.error(str(exc))
