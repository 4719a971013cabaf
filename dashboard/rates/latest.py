"""The rates ticker's data: each currency's latest rate and its change (from the store or
the bundled ECB history)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date

import pandas as pd

from dashboard.core.terms import TICKER_CURRENCIES
from dashboard.data.store import Store
from dashboard.rates.bundled import bundled_history
from dashboard.rates.conversion import cross_rates

log = logging.getLogger(__name__)

# Which (quote, source) the ticker shows, first one with data wins.
TICKER_PREFERENCE = (("RUB", "cbr"), ("KZT", "nbk"), ("EUR", "ecb"), ("EUR", "ecb-bundled"))


@dataclass(frozen=True)
class TickerItem:
    """One currency's rate on its as-of date, against the previous published rate."""

    date: date  # as-of: the date of the rate shown
    currency: str
    quote: str
    rate: float  # units of quote per 1 unit of currency
    previous: float | None  # the rate published on the prior stored date
    change: float | None  # rate - previous
    source: str

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: ISO date, numbers rounded to 10 decimals."""
        data = asdict(self)
        data["date"] = self.date.isoformat()
        for key in ("rate", "previous", "change"):
            if data[key] is not None:
                data[key] = round(float(data[key]), 10)
        return data


def _series(frame: pd.DataFrame, currency: str, quote: str) -> pd.DataFrame:
    rows = frame[(frame["currency"] == currency) & (frame["quote"] == quote)]
    if len(rows):
        return rows.sort_values("date")
    return cross_rates(frame, currency=currency, quote=quote) if len(frame) else rows


def ticker(
    store: Store,
    *,
    currencies: Sequence[str] = TICKER_CURRENCIES,
    on: date | None = None,
    quote: str | None = None,
) -> list[TickerItem]:
    """Latest rate on or before ``on`` (default: newest stored) with the previous published one.

    The quote is the first of RUB (cbr), KZT (nbk), EUR (ecb, then bundled ECB)
    that has any of ``currencies`` stored, unless ``quote`` is given.  The
    quote currency itself is shown against USD (EUR in USD when quoting EUR).
    """
    return _ticker(store.rates, currencies=currencies, on=on, quote=quote)


def bundled_ticker(*, currencies: Sequence[str] = TICKER_CURRENCIES,
                   on: date | None = None) -> list[TickerItem]:
    """The ticker from the bundled ECB history on or before ``on``, read in memory (nothing
    is written)."""
    history = bundled_history()

    def lookup(*, currencies: Sequence[str], quote: str, source: str,
               end: date | None) -> pd.DataFrame:
        rows = history.loc[history["currency"].isin(currencies) & (history["quote"] == quote)
                           & (history["source"] == source)]
        return rows if end is None else rows.loc[rows["date"] <= pd.Timestamp(end)]

    return _ticker(lookup, currencies=currencies, on=on, quote=None)


def _ticker(
    rates: Callable[..., pd.DataFrame],
    *,
    currencies: Sequence[str],
    on: date | None,
    quote: str | None,
) -> list[TickerItem]:
    wanted = [code.strip().upper() for code in currencies]
    for home, source in TICKER_PREFERENCE:
        if quote is not None and home != quote.upper():
            continue
        stored = rates(currencies=sorted({*wanted, "USD"}), quote=home, source=source, end=on)
        if stored.empty:
            continue
        items = []
        for currency in wanted:
            against = "USD" if currency == home else home
            if currency == against:
                continue
            series = _series(stored, currency, against)
            if series.empty:
                log.info("ticker: no %s/%s rate from %s", currency, against, source)
                continue
            last = series.iloc[-1]
            previous = float(series.iloc[-2]["rate"]) if len(series) > 1 else None
            rate = float(last["rate"])
            items.append(TickerItem(
                date=pd.Timestamp(last["date"]).date(), currency=currency, quote=against,
                rate=rate, previous=previous,
                change=None if previous is None else round(rate - previous, 10), source=source,
            ))
        if items:
            return items
    return []
