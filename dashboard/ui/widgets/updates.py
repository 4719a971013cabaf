"""The Overview's "new since last update" and the Data page's update log and button."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis.views import NewSinceUpdate
from dashboard.core.i18n import month_name, t
from dashboard.data.refresh import UNREACHABLE
from dashboard.ui import actions, queries
from dashboard.ui.widgets.filters import Filters
from dashboard.ui.widgets.render import ranking_columns


def new_since_update(news: NewSinceUpdate | None, filters: Filters) -> None:
    """Months added by the last update, and the newest month's movers (nothing before one)."""
    if news is None:
        return
    lang = filters.lang
    when = f"{news.run_at:%Y-%m-%d %H:%M} UTC"
    st.subheader(t("update.new", lang))
    if not news.periods:
        st.caption(t("update.nothing_here", lang, when=when))
        return
    periods = (", ".join(news.periods) if len(news.periods) <= 4
               else f"{news.periods[0]} … {news.periods[-1]} ({len(news.periods)})")
    st.caption(t("update.added", lang, when=when, periods=periods))
    if news.month is None:
        return
    year, month = news.month
    words = {"month": month_name(month, lang), "year": year, "previous": year - 1}
    if not news.compared:
        st.caption(t("update.no_base", lang, **words))
        return
    st.markdown(f"**{t('update.movers', lang, **words)}**")
    columns = _columns(filters)
    left, right = st.columns(2)
    left.dataframe(news.partners, hide_index=True, width="stretch",
                   column_config=columns | {"name": st.column_config.TextColumn(
                       t("partner", lang))}, key="overview.movers.partners")
    right.dataframe(news.commodities, hide_index=True, width="stretch",
                    column_config=columns | {"name": st.column_config.TextColumn(
                        t("commodities", lang))}, key="overview.movers.commodities")


def _columns(filters: Filters) -> dict:
    keep = ("partner", "hs_code", "value", "previous", "change", "change_pct")
    return {k: v for k, v in ranking_columns(filters, name_key="partner").items() if k in keep}


def update_panel(lang: str, *, editable: bool) -> None:
    """The update log, and for editors an "Update now" button showing each step."""
    st.subheader(t("update.title", lang))
    if editable and st.button(t("update.now", lang), key="data.update_now",
                              help=t("update.help", lang)):
        bar = st.progress(0.0)
        lines = st.empty()
        shown: list[str] = []

        def progress(done: int, total: int, source: str) -> None:
            bar.progress(done / total if total else 1.0,
                         text=t("update.step", lang, source=source, done=done + 1,
                                total=total) if source else None)

        def report(outcome) -> None:  # noqa: ANN001 - a refresh.Outcome
            shown.append(outcome.line())
            lines.text("\n".join(shown))

        run = actions.update_now(progress=progress, report=report)
        if not run.outcomes:
            st.info(t("update.nothing", lang))
        elif any(o.result == UNREACHABLE for o in run.outcomes):
            st.warning(t("update.done", lang, rows=f"{run.rows:,}"))
        else:
            st.success(t("update.done", lang, rows=f"{run.rows:,}"))
    log = queries.update_log(queries.version())
    if log.empty:
        st.caption(t("update.no_log", lang))
    else:
        st.dataframe(log, hide_index=True, width="stretch", key="data.update_log",
                     column_config=_log_columns(lang))


def _log_columns(lang: str) -> dict:
    text, number = st.column_config.TextColumn, st.column_config.NumberColumn
    return {
        "run_at": st.column_config.DatetimeColumn(t("update.run_at", lang),
                                                  format="YYYY-MM-DD HH:mm"),
        "source": text(t("update.source", lang)), "what": text(t("update.what", lang)),
        "rows": number(t("update.rows", lang), format="%,d"),
        "result": text(t("update.result", lang), width="small"),
        "message": text(t("update.message", lang)),
        "dataset_id": number(t("update.dataset", lang), format="%d", width="small"),
    }
