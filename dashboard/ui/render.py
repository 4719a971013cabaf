"""Small render helpers: errors shown once, charts and tables with their downloads."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.errors import OborotError
from dashboard.formatting import money, percent
from dashboard.i18n import t
from dashboard.transforms import Kpi


def show_error(exc: Exception) -> None:
    """One clear message for a user error; never a traceback."""
    st.error(str(exc) if isinstance(exc, OborotError) else f"{type(exc).__name__}: {exc}",
             icon="⚠️")


def chart(fig: go.Figure, *, key: str) -> None:
    """A plotly chart with the modebar's PNG download at slide size."""
    st.plotly_chart(
        fig, key=key, width="stretch",
        config={"displaylogo": False,
                "toImageButtonOptions": {"format": "png", "width": 1600, "height": 900,
                                         "scale": 2, "filename": key.replace(".", "_")}},
    )


def table(frame: pd.DataFrame, *, key: str, lang: str, file_name: str,
          column_config: dict | None = None) -> None:
    """A dataframe with a CSV download (UTF-8 with BOM so Excel reads Cyrillic)."""
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config, key=key)
    st.download_button(
        t("download_csv", lang), data=to_csv_bytes(frame), file_name=file_name,
        mime="text/csv", key=f"{key}.csv",
    )


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV bytes for a download, formula-like cells neutralised."""
    from dashboard.export import csv_bytes

    return csv_bytes(frame)


def kpi_cards(cards: dict[str, Kpi], *, currency: str, lang: str, year: int) -> None:
    """Turnover, exports, imports and balance with their change on the year before."""
    columns = st.columns(4)
    for column, measure in zip(columns, ("turnover", "export", "import", "balance"),
                               strict=True):
        kpi = cards[measure]
        delta = None
        if kpi.change == kpi.change:  # not NaN
            delta = (f"{money(kpi.change, currency, lang, signed=True)} "
                     f"({percent(kpi.change_pct, lang)})")
        column.metric(f"{t(measure, lang)}, {year}", money(kpi.value, currency, lang),
                      delta=delta, delta_color="normal" if measure != "import" else "off",
                      help=t("vs_prev_year", lang) if delta else
                      t("no_base_year", lang, year=year - 1))
