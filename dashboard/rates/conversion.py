"""Currency conversion of USD trade values with average official rates (pure pandas).

Rates frames hold ``date, currency, quote, rate[, source]`` with ``rate`` in
units of ``quote`` per 1 unit of ``currency`` (see dashboard.rates.rates_file).
A value in currency C is ``value_usd × avg(USD→RUB) / avg(C→RUB)``, each
average taken over the same month (monthly rows) or year (annual rows) as the
trade figure (docs/architecture.md, "Definitions").  A missing average gives NaN and a
``rate_missing`` flag, never a rate from another period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from dashboard.core.i18n import t

Period = Literal["annual", "monthly"]

# Which source wins when several publish the same pair on the same day.
SOURCE_PRIORITY = ("cbr", "nbk", "ecb", "ecb-bundled")

_RATE_KEYS = ["currency", "quote"]


def _require(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise ValueError(f"{where}: missing column(s) {', '.join(missing)}")


def _rank(sources: pd.Series) -> pd.Series:
    order = {name: position for position, name in enumerate(SOURCE_PRIORITY)}
    return sources.map(order).fillna(len(order)).astype(int)


def best_source(rates: pd.DataFrame) -> pd.DataFrame:
    """One row per (date, currency, quote): the highest-priority source's rate."""
    _require(rates, ["date", "currency", "quote", "rate"], "best_source")
    if "source" not in rates.columns:
        return rates.drop_duplicates(["date", *_RATE_KEYS], keep="last")
    return (
        rates.assign(_rank=_rank(rates["source"]))
        .sort_values(["date", *_RATE_KEYS, "_rank"], kind="stable")
        .drop_duplicates(["date", *_RATE_KEYS], keep="first")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def cross_rates(rates: pd.DataFrame, *, currency: str, quote: str) -> pd.DataFrame:
    """Daily ``quote`` per 1 ``currency``: direct rows, else inverted, else through a shared quote.

    Returns ``date, currency, quote, rate, source`` sorted by date; a day gets
    the direct figure if one exists, then the inverse, then a cross through the
    home currency of one bank (e.g. CNY→USD = CNY→EUR / USD→EUR from the ECB).
    """
    if currency == quote:
        raise ValueError(f"cross_rates: {currency} against itself is always 1")
    _require(rates, ["date", "currency", "quote", "rate"], "cross_rates")
    frame = rates if "source" in rates.columns else rates.assign(source="")
    frame = frame.loc[:, ["date", "currency", "quote", "rate", "source"]]
    candidates = []
    direct = frame[(frame["currency"] == currency) & (frame["quote"] == quote)]
    candidates.append(direct.assign(_tier=0))
    inverse = frame[(frame["currency"] == quote) & (frame["quote"] == currency)]
    candidates.append(inverse.assign(rate=1.0 / inverse["rate"], _tier=1))
    for (source, pivot), group in frame.groupby(["source", "quote"], sort=False):
        if pivot in (currency, quote):
            continue  # direct or inverse: already taken
        mine = group[group["currency"] == currency].loc[:, ["date", "rate"]]
        theirs = group[group["currency"] == quote].loc[:, ["date", "rate"]]
        both = mine.merge(theirs, on="date", suffixes=("_c", "_q"))
        candidates.append(
            both.assign(rate=both["rate_c"] / both["rate_q"], source=source, _tier=2)
            .loc[:, ["date", "rate", "source", "_tier"]]
        )
    merged = pd.concat(candidates, ignore_index=True)
    return (
        merged.assign(currency=currency, quote=quote, _rank=_rank(merged["source"]))
        .sort_values(["date", "_tier", "_rank"], kind="stable")
        .drop_duplicates("date", keep="first")
        .loc[:, ["date", "currency", "quote", "rate", "source"]]
        .reset_index(drop=True)
    )


def average_rates(rates: pd.DataFrame, *, period: Period) -> pd.DataFrame:
    """Mean rate per currency, quote and year (and month) over the PUBLISHED daily rates.

    Each published rate counts once (a Saturday rate that stays in force until
    Tuesday is not weighted by three days); when several sources publish the
    same pair on a day, the priority source's figure is used.  Output columns:
    ``currency, quote, year[, month], rate, days`` (``days`` = rates averaged).
    """
    if period not in ("annual", "monthly"):
        raise ValueError(f"average_rates: period must be 'annual' or 'monthly', not {period!r}")
    keys = ["year", "month"] if period == "monthly" else ["year"]
    daily = best_source(rates)
    dates = pd.to_datetime(daily["date"])
    return (
        daily.assign(year=dates.dt.year.astype("int64"), month=dates.dt.month.astype("int64"))
        .groupby([*_RATE_KEYS, *keys], as_index=False)
        .agg(rate=("rate", "mean"), days=("rate", "size"))
        .sort_values([*_RATE_KEYS, *keys], ignore_index=True)
    )


def _averages_of(rates: pd.DataFrame, *, via: str, period: Period) -> pd.DataFrame:
    """Averages against ``via`` for ``period``; accepts daily rates or ready averages."""
    if "date" in rates.columns:
        return average_rates(rates[rates["quote"] == via], period=period)
    _require(rates, ["currency", "quote", "year", "rate"], "convert rates")
    ready = rates[rates["quote"] == via]
    if period == "monthly":
        _require(rates, ["month"], "convert rates")
        return ready[ready["month"].notna()]
    return ready[ready["month"].isna()] if "month" in ready.columns else ready


def _lookup(averages: pd.DataFrame, currency: str, keys: list[str]) -> pd.Series:
    rows = averages[averages["currency"] == currency]
    index = pd.MultiIndex.from_frame(rows[keys].astype("int64"))
    return pd.Series(rows["rate"].to_numpy(dtype=float), index=index)


def _per_row(frame_keys: pd.DataFrame, averages: pd.DataFrame, currency: str,
             via: str) -> np.ndarray:
    """Average ``via`` per 1 ``currency`` for each row's period (NaN where none)."""
    keys = list(frame_keys.columns)
    if currency == via:
        return np.ones(len(frame_keys))
    table = _lookup(averages, currency, keys)
    wanted = pd.MultiIndex.from_frame(frame_keys.fillna(0).astype("int64"))
    return table.reindex(wanted).to_numpy(dtype=float)


def convert(
    frame: pd.DataFrame,
    *,
    to: str,
    rates: pd.DataFrame,
    period: Period = "annual",
    columns: Sequence[str] = ("value_usd",),
    via: str = "RUB",
) -> pd.DataFrame:
    """USD values -> currency ``to`` using the average official rates of the row's period.

    ``frame`` needs ``year`` (and ``month`` for ``period="monthly"``; a row with
    no month is an annual figure and takes the annual average) plus the USD
    ``columns``.  ``rates`` are daily rates (``date`` column) or ready averages
    (``year[, month]``), read against ``via`` (RUB: Bank of Russia).  Adds
    ``value`` (``value_usd`` in ``to``), ``rate_used`` (``to`` per 1 USD) and
    ``rate_missing``; other listed columns (``previous``, ``change``...) are
    converted in place with the same row's rate, so convert BEFORE computing
    year-on-year changes if each period should keep its own rate.
    """
    if period not in ("annual", "monthly"):
        raise ValueError(f"convert: period must be 'annual' or 'monthly', not {period!r}")
    to = to.upper()
    _require(frame, ["year", *columns, *(["month"] if period == "monthly" else [])], "convert")
    if to == "USD":
        rate_used = np.ones(len(frame))
    else:
        rates_annual = _averages_of(rates, via=via, period="annual")
        annual_keys = frame.loc[:, ["year"]]
        usd = _per_row(annual_keys, rates_annual, "USD", via)
        target = _per_row(annual_keys, rates_annual, to, via)
        if period == "monthly":
            rates_monthly = _averages_of(rates, via=via, period="monthly")
            monthly_keys = frame.loc[:, ["year", "month"]]
            is_monthly = frame["month"].notna().to_numpy()
            usd = np.where(is_monthly, _per_row(monthly_keys, rates_monthly, "USD", via), usd)
            target = np.where(
                is_monthly, _per_row(monthly_keys, rates_monthly, to, via), target
            )
        rate_used = usd / target
    converted = {
        ("value" if name == "value_usd" else name): frame[name].to_numpy(dtype=float) * rate_used
        for name in columns
    }
    return frame.assign(
        **converted, rate_used=rate_used, rate_missing=np.isnan(rate_used)
    )


def convert_by_period(
    frame: pd.DataFrame,
    *,
    to: str,
    sources: Iterable[tuple[str, pd.DataFrame]],
    period: Period = "annual",
    columns: Sequence[str] = ("value_usd",),
    via: str = "RUB",
) -> pd.DataFrame:
    """``convert`` with each row's period taking the first of ``sources`` that covers it.

    ``sources`` are ``(name, rates)`` in order of preference, e.g. Bank of
    Russia, then ECB rates crossed into roubles (an iterable, consumed only
    until every period is covered); a row takes the averages of the first
    source that has both USD and ``to`` for its month or year, so a year only
    one source covers is still converted.  Adds ``rate_source``
    (missing where no source covers the period: value NaN, ``rate_missing``
    True — a missing period is never read as 0).
    """
    to = to.upper()
    if to == "USD":
        return convert(frame, to=to, rates=frame.iloc[:0], period=period, columns=columns,
                       via=via).assign(rate_source=None)
    rate_used = np.full(len(frame), np.nan)
    chosen = np.full(len(frame), None, dtype=object)
    for name, rates in sources:
        if not np.isnan(rate_used).any():
            break  # every period covered: later (lazily read) sources are not needed
        if rates.empty:
            continue
        rated = convert(frame, to=to, rates=rates, period=period, columns=(), via=via)
        fill = np.isnan(rate_used) & ~rated["rate_missing"].to_numpy()
        rate_used = np.where(fill, rated["rate_used"].to_numpy(dtype=float), rate_used)
        chosen = np.where(fill, name, chosen)
    converted = {
        ("value" if name == "value_usd" else name): frame[name].to_numpy(dtype=float) * rate_used
        for name in columns
    }
    return frame.assign(**converted, rate_used=rate_used, rate_missing=np.isnan(rate_used),
                        rate_source=chosen)


def missing_years(converted: pd.DataFrame) -> list[int]:
    """Years with at least one row ``convert``/``convert_by_period`` could not convert."""
    _require(converted, ["year", "rate_missing"], "missing_years")
    years = converted.loc[converted["rate_missing"].astype(bool), "year"]
    return sorted({int(year) for year in years.dropna()})


def rates_missing_text(year: int, to: str, lang: str) -> str:
    """The flag of a year whose values cannot be converted: missing, not zero."""
    return t("rates_missing", lang, year=year, to=to)
