"""Average official rates read from the store, and trade values converted with them.

The arithmetic is dashboard.rates.conversion's (pure); this module picks the
source (Bank of Russia, then ECB cross rates, then the bundled ECB history) and
reads its rates."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

import pandas as pd

from dashboard.core.errors import NotFoundError
from dashboard.core.formatting import rate
from dashboard.core.i18n import t
from dashboard.data.store import Store
from dashboard.rates.bundled import BUNDLED_SOURCE
from dashboard.rates.conversion import average_rates, best_source, convert, cross_rates

log = logging.getLogger(__name__)

def _rates_for(data: Store | pd.DataFrame, currency: str, quote: str, start: date | None,
               end: date | None) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        frame = data
        days = pd.to_datetime(frame["date"])
        if start is not None:
            frame = frame[days >= pd.Timestamp(start)]
            days = pd.to_datetime(frame["date"])
        if end is not None:
            frame = frame[days <= pd.Timestamp(end)]
    else:
        # Rows of either currency against anything: enough for direct, inverse and cross rates.
        frame = data.rates(currencies=[currency, quote], start=start, end=end)
    return cross_rates(frame, currency=currency, quote=quote)


def monthly_average(
    data: Store | pd.DataFrame,
    *,
    currency: str,
    quote: str = "RUB",
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Monthly mean of the published rates: ``currency, quote, year, month, rate, days``."""
    daily = _rates_for(data, currency.upper(), quote.upper(), start, end)
    return average_rates(daily, period="monthly")


def annual_average(
    data: Store | pd.DataFrame,
    *,
    currency: str,
    quote: str = "RUB",
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Annual mean of the published rates: ``currency, quote, year, rate, days``."""
    daily = _rates_for(data, currency.upper(), quote.upper(), start, end)
    return average_rates(daily, period="annual")


def convert_frame(
    frame: pd.DataFrame,
    store: Store,
    *,
    to: str,
    columns: Sequence[str] = ("value_usd",),
) -> pd.DataFrame:
    """The trade ``frame`` with its USD ``columns`` replaced by values in ``to``, same columns.

    Uses the Bank of Russia's average rates of each row's month (rows with a
    ``month``) or year (dashboard.rates.conversion.convert); a period
    without rates gives NaN.  Raises NotFoundError when no period has rates.
    """
    to = to.upper()
    if to == "USD" or frame.empty:
        return frame
    monthly = "month" in frame.columns and bool(frame["month"].notna().any())
    first, last = int(frame["year"].min()), int(frame["year"].max())
    for source, via in CONVERSION_SOURCES:
        rates = _daily_in_roubles(store, source=source, via=via, currencies={"USD", to},
                                  start=date(first, 1, 1), end=date(last, 12, 31))
        if rates.empty:
            continue
        rated = convert(frame, to=to, rates=rates, period="monthly" if monthly else "annual",
                        columns=())
        if not rated["rate_missing"].all():
            return frame.assign(**{name: frame[name] * rated["rate_used"] for name in columns})
    raise NotFoundError(
        f"no official rates stored for USD{'' if to == 'RUB' else ' and ' + to} "
        f"in {first}–{last}: run `python -m dashboard rates update --from {first}-01-01`"
    )


def _daily_in_roubles(store: Store, *, source: str, via: str, currencies: set[str],
                      start: date, end: date) -> pd.DataFrame:
    """Daily RUB per unit of each currency from one source (crossed through EUR for the ECB).

    Crossing day by day before averaging keeps the method of docs/architecture.md (Definitions): the
    average of the daily USD→RUB rates, not a ratio of two averages.
    """
    wanted = sorted((currencies | {"RUB"}) - {via})
    rates = store.rates(currencies=wanted, quote=via, source=source, start=start, end=end)
    if via == "RUB" or rates.empty:
        return rates
    if via in currencies - {"RUB"}:
        rates = pd.concat([rates, pd.DataFrame({
            "date": rates["date"].unique(), "currency": via, "quote": via, "rate": 1.0,
            "source": source})], ignore_index=True)
    return pd.concat(
        [cross_rates(rates.loc[rates["currency"] != via] if c != via else rates,
                     currency=c, quote="RUB") for c in sorted(currencies - {"RUB"})],
        ignore_index=True,
    )


CONVERSION_SOURCES = (("cbr", "RUB"), ("ecb", "EUR"), (BUNDLED_SOURCE, "EUR"))
"""Where conversion rates come from, in order: Bank of Russia, then ECB cross rates via EUR."""


def conversion_source(store: Store, *, to: str, years: Sequence[int]) -> str | None:
    """The rates source convert_frame uses for these years, or None when none has rates."""
    to = to.upper()
    if to == "USD":
        return None
    for source, via in CONVERSION_SOURCES:
        rates = _daily_in_roubles(store, source=source, via=via, currencies={"USD", to},
                                  start=date(min(years), 1, 1), end=date(max(years), 12, 31))
        if set(rates["currency"]) >= {"USD", to} - {"RUB"}:
            return source
    return None


def history(store: Store, *, currencies: Sequence[str], quote: str | None = None,
            years: int = 3) -> pd.DataFrame:
    """Daily rates of ``currencies`` (best source per day) over the last ``years`` stored years.

    ``quote`` None picks the quote the ticker would use (RUB, else KZT, else EUR).
    Columns: date, currency, quote, rate, source.
    """
    frame = store.rates(currencies=list(currencies), quote=quote)
    if frame.empty:
        return frame.loc[:, ["date", "currency", "quote", "rate", "source"]]
    if quote is None:
        present = set(frame["quote"])
        chosen = next((q for q in ("RUB", "KZT", "EUR") if q in present), sorted(present)[0])
        frame = frame.loc[frame["quote"] == chosen]
    since = frame["date"].max() - pd.DateOffset(years=years)
    return (
        frame.loc[frame["date"] >= since]
        .pipe(best_source)
        .loc[:, ["date", "currency", "quote", "rate", "source"]]
        .sort_values(["currency", "date"])
        .reset_index(drop=True)
    )


def conversion_note(store: Store, *, to: str, year: int, lang: str) -> str | None:
    """How the view's values were converted: source and the year's average rates, or None."""
    to = to.upper()
    if to == "USD":
        return None
    source = conversion_source(store, to=to, years=[year - 1, year])
    if source is None:
        return None
    via = dict(CONVERSION_SOURCES)[source]
    frame = pd.DataFrame({"year": [year - 1, year], "value_usd": [1.0, 1.0]})
    per_usd = convert_frame(frame, store, to=to)["value_usd"].tolist()
    now, before = (rate(value, lang, digits=4) for value in (per_usd[1], per_usd[0]))
    return t("conversion_note", lang, to=to, source=t(f"source_of.{source}", lang),
             cross=t("conversion_cross", lang) if via != "RUB" else "", now=now, before=before,
             year=year, previous=year - 1)
