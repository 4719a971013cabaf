"""The shared filter state: sidebar widgets -> one frozen ``Filters``, mirrored in the URL.

A copied URL reopens exactly the same view: on a session's first run the
widgets are seeded from ``st.query_params`` (values checked against what the
store holds), and after every run the query parameters are rewritten from the
filters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import streamlit as st

from dashboard.analysis.tables import set_name
from dashboard.analysis.views import View
from dashboard.core.config import settings
from dashboard.core.i18n import LANGS, both_languages, flow_label, period_label, t
from dashboard.core.terms import DISPLAY_CURRENCIES, HS_LEVELS, MEASURES
from dashboard.reference.baskets import Basket
from dashboard.reference.countries import country_name
from dashboard.reference.groups import PartnerGroup
from dashboard.reference.regions import region_name
from dashboard.ui import queries

HS_LEVEL_CHOICES = tuple(str(level) for level in HS_LEVELS)
ALL = "*"  # the URL's word for "all partners"
PAGE_PARAMS = ("slide",)
PERIODS = ("year", *(f"ytd-{n}" for n in range(1, 12)), *(f"m-{n}" for n in range(1, 13)))
"""The whole year, January–N of each year, or one month of each year."""


def _period_fields(period: str) -> dict[str, int | None]:
    kind, _, number = period.partition("-")
    return {"ytd": int(number) if kind == "ytd" else None,
            "month": int(number) if kind == "m" else None}


def period_option(period: str, lang: str) -> str:
    """A period option of the widget ('year', 'ytd-6', 'm-3') in words."""
    return period_label(lang, **_period_fields(period))


@dataclass(frozen=True)
class Filters:
    """Everything a page needs to know about what the user is looking at."""

    reporter: str
    partner: str | None
    year: int
    flow: str = "turnover"
    ytd: int | None = None  # January..ytd of each year
    month: int | None = None  # one month of each year
    currency: str = "USD"
    hs_level: str = "2"
    lang: str = "ru"
    basket: Basket | None = None  # None = all goods
    group: PartnerGroup | None = None  # a partner group in place of one partner

    def view(self, *, partner: str | None | bool = True) -> View:
        """The analysis question; ``partner=False`` drops the partner or group (region totals)."""
        chosen = self.partner if partner is True else (partner or None)
        level: int | str = "section" if self.hs_level == "section" else int(self.hs_level)
        return View(reporter=self.reporter, year=self.year, partner=chosen, flow=self.flow,
                    ytd=self.ytd, month=self.month, hs_level=level, currency=self.currency,
                    basket=self.basket, group=self.group if partner is True else None)

    def to_params(self) -> dict[str, str]:
        """URL query parameters (only strings; ``*`` = all partners / all goods; a group's
        id stands in the partner parameter, as ids never clash with country codes)."""
        values = asdict(self)
        values["partner"] = self.group.id if self.group else self.partner or ALL
        values["basket"] = self.basket.id if self.basket else ALL
        values.pop("group")
        values["period"] = (f"ytd-{self.ytd}" if self.ytd else f"m-{self.month}" if self.month
                            else "year")
        values.pop("ytd")
        values.pop("month")
        return {k: str(v) for k, v in values.items() if v is not None}


def _seed_from_url(reporters: list[str]) -> None:
    """Copy valid URL parameters into widget state once per session."""
    if st.session_state.get("filters.seeded"):
        return
    params = st.query_params
    defaults = settings()
    reporter = params.get("reporter")
    if reporter not in reporters:
        reporter = defaults.default_reporter if defaults.default_reporter in reporters else (
            reporters[0])
    st.session_state["filters.reporter"] = reporter
    if "period" not in params and ("ytd" in params or "month" in params):
        # the short forms ?ytd=6 and ?month=3 are accepted too
        kind, key = ("ytd", "ytd") if "ytd" in params else ("m", "month")
        st.session_state["filters.url.period"] = f"{kind}-{params[key]}"
    for key in ("partner", "basket", "year", "flow", "period", "currency", "hs_level", "lang"):
        if key in params:
            st.session_state[f"filters.url.{key}"] = params[key]
    st.session_state["filters.seeded"] = True


def _from_url(key: str, allowed: list, convert=str):  # type: ignore[no-untyped-def]
    """A URL value for a widget, once, if it is one of the allowed options."""
    raw = st.session_state.pop(f"filters.url.{key}", None)
    if raw is None:
        return None
    try:
        value = convert(raw)
    except ValueError:
        return None
    return value if value in allowed else None


def _select(label: str, options: list, key: str, url_key: str, fmt=str, convert=str,  # type: ignore[no-untyped-def]
            default=None):  # type: ignore[no-untyped-def]
    seeded = _from_url(url_key, options, convert)
    if seeded is not None:
        st.session_state[key] = seeded
    elif st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]
    return st.selectbox(label, options, key=key, format_func=fmt)


def sidebar_filters() -> Filters | None:
    """Draw the sidebar and return the current filters (None when the store is empty)."""
    version = queries.version()
    reporters = queries.reporters(version)
    if "filters.lang" not in st.session_state:
        url_lang = st.query_params.get("lang")
        st.session_state["filters.lang"] = url_lang if url_lang in LANGS else "ru"
    with st.sidebar:
        lang = st.segmented_control(
            both_languages("language"), list(LANGS), key="filters.lang",
            format_func=lambda code: t(f"language.{code}", code),
        ) or "ru"
        if not reporters:
            return None
        _seed_from_url(reporters)
        st.header(t("filters", lang))
        reporter = st.selectbox(t("reporter", lang), reporters, key="filters.reporter",
                                format_func=lambda code: region_name(code, lang))
        groups = {g.id: g for g in queries.groups(version)}
        partners = [ALL, *groups, *queries.partners(version, reporter)]
        partner = _select(
            t("partner", lang), partners, "filters.partner", "partner",
            fmt=lambda code: _partner_label(code, groups, lang),
            default=settings().default_partner,
        )
        baskets = {b.id: b for b in queries.baskets(version)}
        basket = _select(
            t("basket", lang), [ALL, *baskets], "filters.basket", "basket",
            fmt=lambda code: t("all_goods", lang) if code == ALL else set_name(baskets[code],
                                                                                 lang),
        )
        years = sorted(queries.years(version, reporter), reverse=True)
        latest = queries.latest_complete_year(version, reporter)
        year = _select(t("year", lang), years, "filters.year", "year", convert=int,
                       default=latest)
        flow = _select(t("flow", lang), list(MEASURES), "filters.flow", "flow",
                       fmt=lambda f: flow_label(f, lang))
        period = _select(t("period", lang), list(PERIODS), "filters.period", "period",
                         fmt=lambda p: period_option(p, lang))
        currency = _select(t("currency", lang), list(DISPLAY_CURRENCIES), "filters.currency",
                           "currency")
        hs_level = _select(t("hs_level", lang), list(HS_LEVEL_CHOICES), "filters.hs_level",
                           "hs_level", default="2", fmt=lambda level: _hs_level_label(level, lang))
    filters = Filters(reporter=reporter,
                      partner=None if partner == ALL or partner in groups else partner,
                      year=int(year), flow=flow, currency=currency, hs_level=hs_level,
                      lang=lang, basket=baskets.get(basket), group=groups.get(partner),
                      **_period_fields(period))
    # Page-specific parameters (e.g. the presentation's slide) survive the rewrite.
    extra = {k: st.query_params[k] for k in PAGE_PARAMS if k in st.query_params}
    st.query_params.from_dict(filters.to_params() | extra)
    st.session_state["filters.current"] = filters
    return filters


def _partner_label(code: str, groups: dict[str, PartnerGroup], lang: str) -> str:
    """"Все страны", "Группа: Центральная Азия" or the country's name."""
    if code == ALL:
        return t("all_partners", lang)
    if code in groups:
        return t("group_prefix", lang, name=set_name(groups[code], lang))
    return country_name(code, lang)


def _hs_level_label(level: str, lang: str) -> str:
    return t(f"hs_level.{level}", lang)


def current() -> Filters | None:
    """The filters drawn by the app for this run (None when the store is empty)."""
    return st.session_state.get("filters.current")


def current_lang() -> str:
    """The chosen language, also when the store is empty."""
    return st.session_state.get("filters.lang") or "ru"
