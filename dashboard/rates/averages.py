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
from dashboard.rates.conversion import (
    average_rates,
    best_source,
    convert_by_period,
    cross_rates,
    missing_years,
)

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

    Each row's month (rows with a ``month``) or year takes the average rates of
    the first source covering it: the Bank of Russia, else ECB rates crossed
    through EUR (dashboard.rates.conversion.convert_by_period).  A period no
    source covers gives NaN (see ``conversion.missing_years``), never 0.
    Raises NotFoundError when no period has rates.
    """
    to = to.upper()
    if to == "USD" or frame.empty:
        return frame
    rated = _rated(frame, store, to=to)
    if rated["rate_missing"].all():
        first, last = int(frame["year"].min()), int(frame["year"].max())
        raise NotFoundError(
            f"no official rates stored for USD{'' if to == 'RUB' else ' and ' + to} "
            f"in {first}–{last}: run `python -m dashboard rates update --from {first}-01-01`"
        )
    return frame.assign(**{name: frame[name] * rated["rate_used"] for name in columns})


def _rated(frame: pd.DataFrame, store: Store, *, to: str) -> pd.DataFrame:
    """``convert_by_period`` of ``frame`` (1 unit per row) with every conversion source."""
    monthly = "month" in frame.columns and bool(frame["month"].notna().any())
    first, last = int(frame["year"].min()), int(frame["year"].max())
    sources = (
        (source, _daily_in_roubles(store, source=source, via=via, currencies={"USD", to},
                                   start=date(first, 1, 1), end=date(last, 12, 31)))
        for source, via in CONVERSION_SOURCES
    )
    return convert_by_period(frame, to=to, sources=sources,
                             period="monthly" if monthly else "annual", columns=())


def missing_rate_years(frame: pd.DataFrame, store: Store, *, to: str) -> list[int]:
    """Years of ``frame`` with a month or year no stored rates convert into ``to``."""
    to = to.upper()
    if to == "USD" or frame.empty:
        return []
    return missing_years(_rated(frame, store, to=to))


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
    """How the view's values were converted: source and each year's average rate, or None.

    Each year names its own source when they differ; a year without rates is
    left out here and flagged by ``rates_missing_text`` (analysis.views.rate_notes).
    """
    to = to.upper()
    if to == "USD":
        return None
    frame = pd.DataFrame({"year": [year - 1, year], "value_usd": [1.0, 1.0]})
    rated = _rated(frame, store, to=to)
    found = [(int(row.year), float(row.rate_used), str(row.rate_source))
             for row in rated.itertuples() if not row.rate_missing][::-1]
    if not found:
        return None

    def source_text(source: str, *, alone: bool = False) -> str:
        """Genitive in Russian after "курсы"; nominative ``alone`` in brackets."""
        via = dict(CONVERSION_SOURCES)[source]
        name = t(f"{'source_alone' if alone else 'source_of'}.{source}", lang)
        return name + (t("conversion_cross", lang) if via != "RUB" else "")

    same = len({source for _, _, source in found}) == 1
    amounts = []
    for position, (when, per_usd, source) in enumerate(found):
        amount = rate(per_usd, lang, digits=4)
        unit = t("conversion_unit", lang, to=to) if position == 0 else ""
        named = "" if same else f" ({source_text(source, alone=True)})"
        amounts.append(amount + unit + t("conversion_when", lang, year=when) + named)
    key = "conversion_note.one_source" if same else "conversion_note.by_year"
    return t(key, lang, to=to, source=source_text(found[0][2]), amounts=", ".join(amounts))
