"""Download widgets next to charts and tables (PNG, SVG, CSV, XLSX) and the deck button.

PNG/SVG are rendered on the server only when a button is clicked (Streamlit's
deferred download data), by one Chromium per process, and remembered per
figure JSON.  Without Chromium the image buttons give way to a note.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import asdict

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from dashboard.analysis import compare
from dashboard.analysis.tables import set_name
from dashboard.core.errors import OborotError
from dashboard.core.i18n import t
from dashboard.present.export import (
    Renderer,
    chromium_available,
    csv_bytes,
    figure_image,
    xlsx_bytes,
)
from dashboard.ui import queries
from dashboard.ui.widgets.errors import show_error
from dashboard.ui.widgets.filters import Filters, current_lang

_MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


@st.cache_resource(show_spinner=False)
def _renderer() -> Renderer:
    """One browser for the whole process (started on first use, restarted after a hang)."""
    return Renderer(timeout=60)


@functools.lru_cache(maxsize=32)
def _image(figure_json: str, format: str) -> bytes:
    """The figure as PNG/SVG; keyed by its JSON, so an unchanged chart renders once."""
    return figure_image(pio.from_json(figure_json), format=format, renderer=_renderer())


def _file_name(name: str, extension: str) -> str:
    """A safe file name: letters (Cyrillic too), digits, dots, dashes."""
    stem = re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._") or "oborot"
    return f"{stem}.{extension}"


def figure_downloads(fig: go.Figure, *, key: str, name: str) -> None:
    """PNG and SVG buttons (rendered on click); a note instead when Chromium is missing."""
    lang = current_lang()
    if not chromium_available():
        st.caption(t("export.no_chromium", lang))
        return
    figure_json = fig.to_json()
    left, right, _rest = st.columns([1, 1, 4])
    for column, format in ((left, "png"), (right, "svg")):
        column.download_button(
            t(f"export.{format}", lang), data=functools.partial(_image, figure_json, format),
            file_name=_file_name(name, format), mime=_MIME[format], key=f"{key}.{format}",
            on_click="ignore", icon=":material/download:",
        )


def _filter_items(filters: Filters | Mapping[str, object] | None) -> dict[str, object]:
    if filters is None:
        return {}
    if isinstance(filters, Filters):
        items = {k: v for k, v in asdict(filters).items() if v is not None}
        # A basket or group is named in the workbook, with its id: "Нефтехимия (petrochemicals)".
        for key, item in (("basket", filters.basket), ("group", filters.group)):
            if item is not None:
                items[key] = f"{set_name(item, filters.lang)} ({item.id})"
        return items
    return dict(filters)


def table_downloads(frame: pd.DataFrame, *, key: str, name: str, lang: str, source: str,
                    filters: Filters | Mapping[str, object] | None = None,
                    units: str = "") -> None:
    """CSV (comma), CSV (semicolon, decimal comma: Russian Excel) and XLSX buttons.

    The XLSX About sheet lists the dated notes of the filters' year and the one before.
    """
    items = _filter_items(filters)
    notes = _note_lines(filters, lang)
    columns = st.columns([1, 1.4, 1.2, 2])
    columns[0].download_button(
        t("export.csv_comma", lang), data=csv_bytes(frame, separator=","),
        file_name=_file_name(name, "csv"), mime=_MIME["csv"], key=f"{key}.csv",
        on_click="ignore")
    columns[1].download_button(
        t("export.csv_semicolon", lang), data=csv_bytes(frame, separator=";"),
        file_name=_file_name(f"{name}_excel", "csv"), mime=_MIME["csv"],
        key=f"{key}.csv_semicolon", on_click="ignore")
    columns[2].download_button(
        t("export.xlsx", lang),
        data=functools.partial(xlsx_bytes, frame, sheet=name, source=source, filters=items,
                               units=units, lang=lang, notes=notes),
        file_name=_file_name(name, "xlsx"), mime=_MIME["xlsx"], key=f"{key}.xlsx",
        on_click="ignore")


def _note_lines(filters: Filters | Mapping[str, object] | None, lang: str) -> tuple[str, ...]:
    """The notes applying to the filters' year and the one before, one line each."""
    if not isinstance(filters, Filters):
        return ()
    notes = queries.chart_notes(queries.version(), lang, start=str(filters.year - 1),
                                end=str(filters.year), partner=filters.partner)
    return tuple(compare.note_line(note, lang) for _, note in notes.iterrows())


def deck_file_name(filters: Filters) -> str:
    """"oborot_RU-TOM_KZ_2018_ru.pptx"."""
    who = filters.group.id if filters.group else filters.partner or "all"
    parts = ["oborot", filters.reporter, who, *([filters.basket.id] if filters.basket else []),
             str(filters.year), filters.lang]
    return _file_name("_".join(parts), "pptx")


def deck_button(filters: Filters, *, key: str = "overview.deck") -> None:
    """"Build presentation": builds the PPTX with a spinner, then offers it for download."""
    lang = filters.lang
    built_key = f"{key}.built"
    if st.button(t("deck.build", lang), key=key, icon=":material/slideshow:"):
        try:
            with st.spinner(t("deck.building", lang)):
                renderer = _renderer() if chromium_available() else None
                result = queries.deck(filters.view(), lang=lang, currency=filters.currency,
                                      renderer=renderer)
        except OborotError as exc:
            show_error(exc)
            return
        st.session_state[built_key] = (filters, result.data, tuple(result.notes))
    built = st.session_state.get(built_key)
    if not built or built[0] != filters:
        return  # nothing built yet, or built for other filters
    _filters, data, notes = built
    for note in notes:
        st.caption(t("deck.no_charts", lang, reason=note) if "Chromium" in note else note)
    st.download_button(t("deck.download", lang), data=data, file_name=deck_file_name(filters),
                       mime=_MIME["pptx"], key=f"{key}.download", on_click="ignore",
                       icon=":material/download:", type="primary")
