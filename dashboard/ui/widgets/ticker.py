"""The rates ticker at the top of every page: "$ 104,35 +3,05 · € 108,73 +2,63 · ¥ 14,40 +0,40".

It renders from the store at once and never waits for the network: one
background refresh per process fetches the day's Bank of Russia rates, and
when that fails the ticker says it is offline and as of which date.
"""

from __future__ import annotations

import streamlit as st

from dashboard.core.errors import OborotError
from dashboard.core.formatting import rate
from dashboard.core.i18n import LABELS, t
from dashboard.core.terms import TICKER_CURRENCIES
from dashboard.rates.latest import TickerItem
from dashboard.ui import actions, queries

CHOSEN_KEY = "ticker.currencies"  # set on the Rates page; kept for the whole session

SYMBOLS = {"USD": "$", "EUR": "€", "CNY": "¥", "KZT": "₸", "RUB": "₽", "GBP": "£", "JPY": "¥"}


def ticker_settings(lang: str, choices: list[str]) -> None:
    """A picker of the ticker's currencies (its value outlives the Rates page's widgets)."""
    current = list(st.session_state.get(CHOSEN_KEY) or TICKER_CURRENCIES)

    def keep() -> None:
        st.session_state[CHOSEN_KEY] = tuple(st.session_state["rates.ticker_pick"])

    st.multiselect(t("ticker_currencies", lang), choices, default=current,
                   key="rates.ticker_pick", on_change=keep, max_selections=5)


def ticker_text(items: list[TickerItem], lang: str) -> str:
    """'$ 104,35 +3,05 · € 108,73 +2,63' in the language's number format."""
    one_quote = len({item.quote for item in items}) == 1
    parts = []
    for item in items:
        label = SYMBOLS.get(item.currency, item.currency) if one_quote else (
            f"{item.currency}/{item.quote}")
        digits = 2 if item.rate >= 10 else 4  # small rates need more digits to move
        change = "" if item.change is None else " " + rate(item.change, lang, signed=True,
                                                            digits=digits)
        parts.append(f"{label} {rate(item.rate, lang, digits=digits)}{change}")
    return " · ".join(parts)


def ticker(lang: str, currencies: tuple[str, ...] = TICKER_CURRENCIES) -> None:
    """Draw the ticker line (plain text: nothing from outside is rendered as markup)."""
    chosen = tuple(st.session_state.get(CHOSEN_KEY) or currencies)
    state = actions.background_refresh(chosen)
    try:
        items = queries.ticker_items(queries.version() + f":{state.done}", chosen)
    except OborotError as exc:
        st.caption(str(exc))
        return
    if not items:
        return
    as_of = max(item.date for item in items).strftime("%d.%m.%Y")
    source = items[0].source
    name = t(f"source.{source}", lang) if f"source.{source}" in LABELS else source
    quotes = {item.quote for item in items}
    in_quote = f"{t('rates_in', lang)} {quotes.pop()}, " if len(quotes) == 1 else ""
    note = f"{name}, {in_quote}{t('as_of', lang)} {as_of}"
    if state.error:
        note += f" · {t('offline_rates', lang)}"
    st.caption(f"{ticker_text(items, lang)}  —  {note}")
