"""Cached façade between the pages and the store (the only non-UI module importing streamlit).

Each cached function takes the store's ``version``, which moves on every write
(datasets and rates), so a write invalidates exactly the answers that could have
changed.  Writes go through dashboard.ui.actions.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard.analysis import compare
from dashboard.analysis import narrative as text
from dashboard.analysis import views as analysis
from dashboard.analysis.transforms import Kpi
from dashboard.analysis.transforms.estimate import Estimate
from dashboard.analysis.views import NewSinceUpdate, View
from dashboard.core.config import settings
from dashboard.data import definitions
from dashboard.data import update_log as log_table
from dashboard.data.store import Store, TradeQuery
from dashboard.present.deck import DeckResult, make_deck
from dashboard.present.export import Renderer
from dashboard.rates import averages, latest
from dashboard.rates.conversion import average_rates
from dashboard.reference.baskets import Basket
from dashboard.reference.groups import PartnerGroup
from dashboard.reference.names import NameRegistry


@st.cache_resource
def store() -> Store:
    """The app's store.  A DuckDB file is opened for each query and closed again, so the
    command line can write while the app runs; PostgreSQL keeps its connections."""
    return Store(settings().store, keep_open=True)


def version() -> str:
    """The store's current version (cheap; changes on every write: datasets, rates, notes,
    names, baskets and groups)."""
    return store().version()


@st.cache_data(max_entries=64, show_spinner=False)
def reporters(version: str) -> list[str]:
    """Reporters with data, sorted."""
    return store().distinct("reporter")


@st.cache_data(max_entries=256, show_spinner=False)
def partners(version: str, reporter: str) -> list[str]:
    """Partners the reporter trades with, sorted."""
    return store().distinct("partner", TradeQuery(reporter=reporter))


@st.cache_data(max_entries=256, show_spinner=False)
def years(version: str, reporter: str) -> list[int]:
    """Years with data for the reporter."""
    return [int(y) for y in store().distinct("year", TradeQuery(reporter=reporter))]


@st.cache_data(max_entries=256, show_spinner=False)
def latest_complete_year(version: str, reporter: str) -> int | None:
    """The latest year with all twelve months loaded."""
    return analysis.latest_complete_year(store(), reporter)


@st.cache_data(max_entries=256, show_spinner=False)
def months_loaded(version: str, reporter: str) -> pd.DataFrame:
    """(year, month) pairs loaded for the reporter."""
    return analysis.months_loaded(store(), reporter)


def kpis(version: str, view: View) -> dict[str, Kpi]:
    """KPI cards of the view: all four measures, so one read serves every flow and level."""
    return _kpis(version, _any_flow(view))


@st.cache_data(max_entries=256, show_spinner=False)
def _kpis(version: str, view: View) -> dict[str, Kpi]:
    return analysis.kpis(store(), view)


@st.cache_data(max_entries=256, show_spinner=False)
def annual_trend(version: str, view: View) -> pd.DataFrame:
    """Export/import/turnover/balance by year."""
    return analysis.annual_trend(store(), view)


@st.cache_data(max_entries=256, show_spinner=False)
def monthly_trend(version: str, view: View) -> pd.DataFrame:
    """Export/import/turnover/balance by year and month."""
    return analysis.monthly_trend(store(), view)


@st.cache_data(max_entries=256, show_spinner=False)
def top_partners(version: str, view: View, n: int | None = 10) -> pd.DataFrame:
    """Ranked partner table for the view's flow, from the cached partner frame."""
    return analysis.top_partners(store(), view, n=n, frame=partner_frame(version, view))


def partner_frame(version: str, view: View) -> pd.DataFrame:
    """(year, partner, flow, value_usd) of the view's reporter in its two years.

    Both flows at once, so a page's partner ranking and its summary paragraph ask
    the store once.
    """
    return _partner_frame(version, _any_flow(view))


@st.cache_data(max_entries=256, show_spinner=False)
def _partner_frame(version: str, view: View) -> pd.DataFrame:
    return analysis.partner_frame(store(), view)


@st.cache_data(max_entries=256, show_spinner=False)
def top_commodities(version: str, view: View, n: int | None = 10) -> pd.DataFrame:
    """Ranked commodity table at the view's HS level, from the cached commodity frame."""
    frame = commodity_frame(version, view, analysis.stored_level(view))
    return analysis.top_commodities(store(), view, n=n, frame=frame)


def commodity_frame(version: str, view: View, level: int | None = 10) -> pd.DataFrame:
    """(year, flow, hs_code, value_usd, net_kg, quantity) of the view.

    The frame holds both flows at one HS level, so views that differ only in flow or
    level share one read: a page's treemap and its HS-4 ranking ask the store once.
    """
    return _commodity_frame(version, _any_flow(view), level)


@st.cache_data(max_entries=256, show_spinner=False)
def _commodity_frame(version: str, view: View, level: int | None) -> pd.DataFrame:
    return analysis.commodity_frame(store(), view, level=level)


@st.cache_data(max_entries=256, show_spinner=False)
def partner_trend(version: str, view: View, partners: tuple[str, ...]) -> pd.DataFrame:
    """(year, partner, export, import, turnover, balance) for chosen partners."""
    return analysis.partner_trend(store(), view, partners)


def narrative(version: str, view: View, lang: str) -> str:
    """The generated summary paragraph, in ``lang``."""
    return text.render(facts(version, view), lang)


@st.cache_data(max_entries=128, show_spinner=False)
def facts(version: str, view: View) -> text.Facts:
    """What the summary paragraph says, in no language: a change of language reads nothing."""
    return text.build_facts(store(), view, partner_frame=partner_frame(version, view),
                            figures=kpis(version, view))


def _any_flow(view: View) -> View:
    """The view as the key of a read that holds both flows at one stored level."""
    return replace(view, flow="turnover", hs_level=2)


@st.cache_data(max_entries=16, show_spinner=False)
def datasets(version: str) -> pd.DataFrame:
    """Loaded datasets with provenance."""
    return store().datasets()


def deck(view: View, *, lang: str, currency: str, renderer: Renderer | None) -> DeckResult:
    """The PPTX deck of the view (built on request, not cached: it is downloaded once)."""
    return make_deck(store(), view, lang=lang, currency=currency, renderer=renderer)


def clear() -> None:
    """Forget every cached answer (after an ingest or delete the version changes anyway)."""
    st.cache_data.clear()


@st.cache_data(max_entries=128, show_spinner=False)
def unit_value_frame(version: str, view: View, level: int = 4) -> pd.DataFrame:
    """(year, flow, hs_code, unit, value_usd, net_kg, quantity) of the view's year."""
    return analysis.unit_value_frame(store(), view, level=level)


@st.cache_data(max_entries=64, show_spinner=False)
def rate_history(version: str, currencies: tuple[str, ...], quote: str | None,
                 years: int) -> pd.DataFrame:
    """Daily rates of the chosen currencies over the last ``years`` years of stored data."""
    return averages.history(store(), currencies=currencies, quote=quote, years=years)


@st.cache_data(max_entries=64, show_spinner=False)
def rate_averages(version: str, currencies: tuple[str, ...], quote: str | None,
                  years: int, period: str) -> pd.DataFrame:
    """Monthly or annual averages of the same series."""
    daily = averages.history(store(), currencies=currencies, quote=quote, years=years)
    return average_rates(daily, period=period)  # type: ignore[arg-type]


@st.cache_data(max_entries=64, show_spinner=False)
def mirror(version: str, reporter: str, partner: str, years: tuple[int, ...]) -> pd.DataFrame:
    """Mirror statistics of the pair (both sides must be loaded)."""
    return analysis.mirror(store(), reporter=reporter, partner=partner, years=years)


@st.cache_data(ttl=300, show_spinner=False)
def ticker_items(version: str, currencies: tuple[str, ...]) -> list[latest.TickerItem]:
    """The ticker's latest rates and their change; never writes (bundled ECB history if empty)."""
    return (latest.ticker(store(), currencies=currencies)
            or latest.bundled_ticker(currencies=currencies))


@st.cache_data(max_entries=64, show_spinner=False)
def conversion_note(version: str, currency: str, year: int, lang: str) -> str | None:
    """How values were converted into the chosen currency (source and average rates)."""
    return averages.conversion_note(store(), to=currency, year=year, lang=lang)


# -- compare and explain ------------------------------------------------------------------
# Notes change without the trade data changing, so they are read on every run (a few
# rows) instead of being cached under the store's version.


@st.cache_data(max_entries=64, show_spinner=False)
def regions_table(version: str, partners: tuple[str, ...], year: int, flow: str,
                  months: tuple[int, ...] | None, lang: str) -> pd.DataFrame:
    """Every loaded region's trade with the partners (compare.regions_table)."""
    return compare.regions_table(store(), partners=partners, year=year, flow=flow,
                                 months=months, lang=lang)


@st.cache_data(max_entries=16, show_spinner=False)
def region_coverage(version: str) -> dict[str, int | bool]:
    """How many of Russia's subjects are loaded."""
    return compare.coverage(store())


@st.cache_data(max_entries=16, show_spinner=False)
def all_partners(version: str) -> list[str]:
    """Every partner of any loaded region, sorted."""
    return store().distinct("partner")


@st.cache_data(max_entries=128, show_spinner=False)
def decomposition(version: str, reporter: str, year: int, codes: tuple[str, ...], flow: str,
                  partner: str | None) -> compare.Decomposition:
    """Price vs volume of the codes (compare.decomposition)."""
    return compare.decomposition(store(), reporter=reporter, year=year, codes=codes, flow=flow,
                                 partner=partner)


@st.cache_data(max_entries=64, show_spinner=False)
def concentration(version: str, reporter: str) -> pd.DataFrame:
    """HHI of partners and products per year and flow."""
    return compare.concentration(store(), reporter=reporter)


@st.cache_data(max_entries=64, show_spinner=False)
def specialisation(version: str, reporter: str, year: int, flow: str) -> pd.DataFrame:
    """RCA per HS chapter against the loaded regions."""
    return compare.specialisation(store(), reporter=reporter, year=year, flow=flow)


@st.cache_data(max_entries=64, show_spinner=False)
def newcomers(version: str, reporter: str, year: int) -> pd.DataFrame:
    """New export headings of the year."""
    return compare.newcomers(store(), reporter=reporter, year=year)


@st.cache_data(max_entries=128, show_spinner=False)
def estimate(version: str, reporter: str, year: int, through_month: int, flow: str,
             partner: str | None) -> Estimate:
    """Full-year estimate from January–N."""
    return compare.estimate(store(), reporter=reporter, year=year, through_month=through_month,
                            flow=flow, partner=partner)


@st.cache_data(max_entries=16, show_spinner=False)
def notes(version: str, lang: str) -> pd.DataFrame:
    """Built-in and stored notes (a note's add or delete moves the version)."""
    return compare.all_notes(store(), lang)


def chart_notes(version: str, lang: str, *, start: str, end: str, partner: str | None = None,
                hs_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The notes that apply to a chart of start–end and the filters."""
    return compare.notes_on_chart(notes(version, lang), start=start, end=end, partner=partner,
                                  hs_codes=hs_codes)



@st.cache_data(max_entries=64, show_spinner=False)
def overlaps(version: str, view: View) -> pd.DataFrame:
    """Datasets the view's figures count twice (year, first, second)."""
    return analysis.overlaps(store(), view)


@st.cache_data(max_entries=64, show_spinner=False)
def rate_notes(version: str, view: View, lang: str) -> list[str]:
    """Years of the view that no stored rates convert into its currency (missing, not 0)."""
    return analysis.rate_notes(store(), view, lang)


@st.cache_data(max_entries=64, show_spinner=False)
def new_since_update(version: str, view: View, lang: str) -> NewSinceUpdate | None:
    """Months the last update added for the region and the month's largest movers."""
    return analysis.new_since_update(store(), view, lang=lang)


@st.cache_data(max_entries=4, show_spinner=False)
def update_log(version: str) -> pd.DataFrame:
    """The update log, newest first (every run's record moves the version)."""
    return log_table.entries(store())


# -- names, baskets and partner groups (stored definitions) --------------------------------


@st.cache_resource(max_entries=8, show_spinner=False)
def names(version: str) -> NameRegistry:
    """The naming registry: bundled names with the stored ones on top (immutable, shared)."""
    return definitions.names_registry(store())


@st.cache_data(max_entries=8, show_spinner=False)
def baskets(version: str) -> list[Basket]:
    """The stored product baskets, by id."""
    return definitions.baskets(store())


@st.cache_data(max_entries=8, show_spinner=False)
def groups(version: str) -> list[PartnerGroup]:
    """The stored partner groups, by id."""
    return definitions.groups(store())


@st.cache_data(max_entries=128, show_spinner=False)
def basket_ranking(version: str, view: View, items: tuple[Basket, ...]) -> pd.DataFrame:
    """Ranked baskets for the view's flow (overlaps flagged)."""
    return analysis.basket_ranking(store(), view, list(items))


@st.cache_data(max_entries=128, show_spinner=False)
def group_ranking(version: str, view: View, items: tuple[PartnerGroup, ...]) -> pd.DataFrame:
    """Ranked partner groups for the view's flow (overlaps flagged)."""
    return analysis.group_ranking(store(), view, list(items))
