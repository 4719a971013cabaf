"""Data: add files (detected, previewed, mapped, then loaded) and inspect or delete datasets."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import tables
from dashboard.core.i18n import t
from dashboard.data.staging import ACCEPTED
from dashboard.ui import queries
from dashboard.ui.widgets import compare as cards
from dashboard.ui.widgets import definitions, updates, upload
from dashboard.ui.widgets.auth import can_edit, current_role
from dashboard.ui.widgets.errors import show_error
from dashboard.ui.widgets.filters import current, current_lang
from dashboard.ui.widgets.page import heading
from dashboard.ui.widgets.render import table


def render() -> None:
    """Draw the Data page (also with an empty store: this is where the first file comes in)."""
    filters = current()
    lang = filters.lang if filters else current_lang()
    if filters:
        heading(filters, "data")
    else:
        st.title(t("data", lang))
    upload.flash()
    editable = can_edit(current_role())
    try:
        if editable:
            files = st.file_uploader(t("data.upload", lang), type=ACCEPTED,
                                     accept_multiple_files=True, key="data.upload",
                                     help=t("data.upload_help", lang))
            for n, staged in enumerate(upload.staged_files(files or [])):
                upload.panel(staged, n, lang)
        else:
            st.caption(t("data.viewer_only", lang))
        st.subheader(t("data.datasets", lang))
        datasets = queries.datasets(queries.version())
        if datasets.empty:
            st.info(t("data.no_datasets", lang))
        else:
            table(tables.dataset_table(datasets), key="data.datasets", lang=lang,
                  file_name="datasets.csv", column_config=upload.dataset_columns(lang))
            if editable:
                upload.delete_controls(datasets, lang)
        cards.notes_editor(lang, editable=editable)
        updates.update_panel(lang, editable=editable)
        definitions.show(lang, editable=editable)
    except Exception as exc:  # shown once, never a traceback
        show_error(exc)
