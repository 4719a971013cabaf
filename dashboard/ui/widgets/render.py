"""Small render helpers: errors shown once, charts and tables with their downloads."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.analysis import tables
from dashboard.analysis.transforms import Kpi
from dashboard.core.formatting import money, percent
from dashboard.core.i18n import t
from dashboard.core.terms import MEASURES
from dashboard.present import charts
from dashboard.ui.widgets.downloads import figure_downloads, table_downloads
from dashboard.ui.widgets.filters import Filters, current
from dashboard.ui.widgets.page import source_name

# A missing figure (no supplementary unit, no weight reported) shows as a dash, as in
# printed statistics, instead of the grid's grey "None".
MISSING = "—"


def chart(fig: go.Figure, *, key: str) -> None:
    """A plotly chart with the modebar's PNG download, plus server-rendered PNG/SVG buttons."""
    st.plotly_chart(
        fig, key=key, width="stretch",
        config={"displaylogo": False,
                "toImageButtonOptions": {"format": "png", "width": 1600, "height": 900,
                                         "scale": 2, "filename": key.replace(".", "_")}},
    )
    figure_downloads(fig, key=f"{key}.download", name=key.replace(".", "_"))


def table(frame: pd.DataFrame, *, key: str, lang: str, file_name: str,
          column_config: dict | None = None) -> None:
    """A dataframe with CSV (`,` and `;`) and XLSX downloads, formulas neutralised."""
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config, key=key,
                 placeholder=MISSING)
    table_downloads(frame, key=f"{key}.download", name=file_name.removesuffix(".csv"),
                    lang=lang, source=source_name(), filters=current())


def kpi_cards(cards: dict[str, Kpi], *, currency: str, lang: str, year: int,
              reasons: list[str] | None = None) -> None:
    """Turnover, exports, imports and balance with their change on the year before.

    ``reasons`` say why a figure is missing (e.g. no rates for a year): shown
    as the card's help instead of "no data for the year before".
    """
    columns = st.columns(4)
    for column, measure in zip(columns, MEASURES,
                               strict=True):
        kpi = cards[measure]
        delta = None
        if kpi.change == kpi.change:  # not NaN
            delta = (f"{money(kpi.change, currency, lang, signed=True)} "
                     f"({percent(kpi.change_pct, lang)})")
        column.metric(f"{t(measure, lang)}, {year}", money(kpi.value, currency, lang),
                      delta=delta, delta_color="normal" if measure != "import" else "off",
                      help=t("vs_prev_year", lang) if delta and not reasons else
                      " ".join(reasons or [t("no_base_year", lang, year=year - 1)]))


def ranking_columns(filters: Filters, *, name_key: str) -> dict:
    """st.column_config for a ranking table (values in millions of the filters' currency)."""
    unit = charts.unit_label(filters.currency, "M", filters.lang)
    lang, number = filters.lang, st.column_config.NumberColumn

    def money(key: str) -> st.column_config.NumberColumn:
        return number(t("money_m", lang, what=t(key, lang), unit=unit), format="%,.1f")

    return {
        "partner": st.column_config.TextColumn("ISO", width="small"),
        "hs_code": st.column_config.TextColumn(t("commodities.hs_code", lang), width="small"),
        "name": st.column_config.TextColumn(t(name_key, lang)),
        "value": money("value"), "previous": money("previous"), "change": money("change"),
        "share": number(t("share", lang), format="%.1f", width="small"),
        "rank": number(t("rank", lang), format="%d", width="small"),
        "change_pct": number(t("change_pct", lang), format="%+.1f"),
        "contribution": number(t("contribution", lang), format="%+.2f"),
        "label": None,  # the chart label, hidden in tables
    }


def set_ranking_table(filters: Filters, ranking: pd.DataFrame, *, by: str, key: str) -> None:
    """A ranking of stored baskets or partner groups (their id in column ``by``), with a
    note when sets overlap (their rows are counted in each)."""
    lang = filters.lang
    if ranking["overlap"].ne("").any():
        st.caption(t("sets.overlap_note", lang))
    columns = ranking_columns(filters, name_key="sets.name") | {
        "overlap": st.column_config.TextColumn(t("sets.overlap", lang)),
        by: st.column_config.TextColumn("ID", width="small")}
    table(tables.in_millions(ranking), key=key, lang=lang,
          file_name=f"{by}s_{filters.reporter}_{filters.year}_{filters.flow}.csv",
          column_config=columns)
