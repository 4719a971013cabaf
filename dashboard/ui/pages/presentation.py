"""Presentation: one KPI block or chart per screen in large type, for a projector."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard.core.i18n import t
from dashboard.present import charts
from dashboard.reference.countries import country_name
from dashboard.reference.names import label
from dashboard.ui import queries
from dashboard.ui.widgets.errors import show_error
from dashboard.ui.widgets.filters import Filters
from dashboard.ui.widgets.page import filters_or_stop, period_label, source_name
from dashboard.ui.widgets.render import chart, kpi_cards

SLIDES = ("kpis", "annual", "monthly", "partners", "export", "import")
KEY = "presentation.slide"  # 0-based; the URL's ``slide`` is 1-based
# A fixed stylesheet (never built from data): no sidebar, projector-sized type.
_CSS = """<style>
[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display: none}
[data-testid='stMetricValue'] {font-size: 3.4rem}
[data-testid='stMetricLabel'] p {font-size: 1.5rem}
[data-testid='stMetricDelta'] {font-size: 1.3rem}
[data-testid='stText'] div, [data-testid='stText'] {font-size: 1.7rem; line-height: 1.5;
  white-space: normal}
h1 {font-size: 3rem !important}
</style>"""


def _index() -> int:
    """The slide shown: the remembered index, else the URL (``slide=3``), else the first."""
    if KEY not in st.session_state:
        raw = st.query_params.get("slide")
        st.session_state[KEY] = int(raw) - 1 if str(raw or "").isdigit() else 0
    st.session_state[KEY] = min(max(int(st.session_state[KEY]), 0), len(SLIDES) - 1)
    return st.session_state[KEY]


def _step(delta: int) -> None:
    st.session_state[KEY] = min(max(st.session_state.get(KEY, 0) + delta, 0), len(SLIDES) - 1)


def _draw(slide: str, filters: Filters, lang: str) -> None:
    version, view, source = queries.version(), filters.view(), source_name()
    args = {"currency": filters.currency, "source": source, "lang": lang}
    if slide == "kpis":
        st.title(f"{t('presentation.kpis', lang)}, {period_label(filters)}")
        kpi_cards(queries.kpis(version, view), currency=filters.currency, lang=lang,
                  year=filters.year, reasons=queries.rate_notes(version, view, lang))
        st.text(queries.narrative(version, view, lang))
        return
    if slide == "annual":
        fig = charts.annual_trend(queries.annual_trend(version, view),
                                  title=t("annual_trend", lang), **args)
    elif slide == "monthly":
        fig = charts.monthly_trend(queries.monthly_trend(version, view), flow=filters.flow,
                                   title=f"{t('monthly_trend', lang)}: "
                                         f"{t(filters.flow, lang).lower()}", **args)
    elif slide == "partners":
        top = queries.top_partners(version, filters.view(partner=False), 10).assign(
            name=lambda f: f["partner"].map(lambda c: country_name(c, lang)))
        fig = charts.ranked_bars(top, label="name", title=t("top_partners", lang),
                                 flow=filters.flow, **args)
    else:
        names = queries.names(version)
        goods = queries.top_commodities(version, replace(view, flow=slide), 10).assign(
            name=lambda f: f["hs_code"].map(lambda c: label(c, lang, registry=names)))
        fig = charts.ranked_bars(goods, label="name", flow=slide,
                                 title=f"{t('top_commodities', lang)}: {t(slide, lang).lower()}",
                                 **args)
    chart(charts.for_projector(fig), key=f"presentation.{slide}")


def render() -> None:
    """Draw the current slide with previous/next buttons; the slide number lives in the URL."""
    filters = filters_or_stop()
    lang = filters.lang
    st.markdown(_CSS, unsafe_allow_html=True)
    index = _index()
    try:
        _draw(SLIDES[index], filters, lang)
    except Exception as exc:  # shown once, never a traceback
        show_error(exc)
    previous, counter, following = st.columns([1, 3, 1])
    previous.button(t("presentation.prev", lang), key="presentation.prev", on_click=_step,
                    args=(-1,), disabled=index == 0, width="stretch")
    counter.caption(t("presentation.counter", lang, index=index + 1, total=len(SLIDES)))
    following.button(t("presentation.next", lang), key="presentation.next", on_click=_step,
                     args=(1,), disabled=index == len(SLIDES) - 1, width="stretch")
    st.query_params["slide"] = str(index + 1)
