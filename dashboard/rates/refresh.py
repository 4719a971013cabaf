"""Incremental rates updates from the banks into the store.

Rates live in the store's ``fx_rates`` table as units of the quote per 1 unit
of the currency, the quote being the publishing bank's home currency (CBR:
RUB, NBK: KZT, ECB: EUR; see dashboard.rates.ecb for the ECB direction).

"Missing dates" rule for ``update``: per currency, fetch from the day after
the newest stored date (or from ``start`` when given, which re-fetches and
repairs a range) to ``end``.  Banks publish no rate on some days (the Bank of
Russia none on Sun/Mon or holidays), so gaps before the newest stored date are
never chased again; an explicit ``start`` is the way to refill them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.errors import SourceError
from dashboard.core.terms import RATE_CURRENCIES
from dashboard.data.store import Store
from dashboard.rates import cbr, ecb, nbk
from dashboard.rates.bundled import BUNDLED_SOURCE, bundled_history
from dashboard.rates.rates_file import rates_frame

log = logging.getLogger(__name__)

HOME = {"cbr": "RUB", "nbk": "KZT", "ecb": "EUR", "ecb-bundled": "EUR"}
FIRST_RUN_YEARS = 5  # history fetched for a currency never stored (one request per currency)
NBK_FIRST_RUN_DAYS = 30  # the NBK serves one day per request
NBK_MAX_DAYS = 366


@dataclass(frozen=True)
class UpdateResult:
    """What ``update`` asked for and wrote."""

    source: str
    quote: str
    requested: dict[str, tuple[date, date]]  # currency -> date range asked of the source
    rows: int  # rows written to the store
    up_to_date: tuple[str, ...] = ()  # currencies already stored up to ``end``
    skipped: dict[str, str] = field(default_factory=dict)  # currency -> why not asked for
    latest: dict[str, date] = field(default_factory=dict)  # newest stored date per currency


def _first_run_start(source: str, end: date) -> date:
    if source == "nbk":
        return end - timedelta(days=NBK_FIRST_RUN_DAYS)
    return date(end.year - FIRST_RUN_YEARS, 1, 1)


def _supported(source: str, currency: str) -> str | None:
    """Why ``source`` cannot give ``currency`` (None when it can)."""
    if currency == HOME[source]:
        return f"{currency} is the {source} quote currency"
    if source == "cbr" and currency not in cbr.CBR_IDS:
        return f"no Bank of Russia code known for {currency}"
    if source in ("ecb", BUNDLED_SOURCE) and currency not in ecb.ECB_CURRENCIES:
        return f"the ECB publishes no {currency} rate"
    return None


def update(
    store: Store,
    *,
    currencies: Sequence[str] = RATE_CURRENCIES,
    start: date | None = None,
    end: date | None = None,
    source: str = "cbr",
) -> UpdateResult:
    """Fetch the rates missing from the store and write them in one transaction.

    Nothing is written unless every request succeeds and parses; a failure
    raises SourceError and leaves stored rates as they were.
    """
    if source not in HOME:
        raise ValueError(f"unknown rates source {source!r} (use {', '.join(HOME)})")
    quote = HOME[source]
    if end is None:
        # The Bank of Russia sets tomorrow's rate in the afternoon; ask for it too.
        end = date.today() + timedelta(days=1 if source == "cbr" else 0)
    if start is not None and start > end:
        raise ValueError(f"start {start} is after end {end}")
    if settings().offline and source != BUNDLED_SOURCE:
        raise SourceError(source, "offline mode (OBOROT_OFFLINE is set), not fetching")

    skipped: dict[str, str] = {}
    requested: dict[str, tuple[date, date]] = {}
    up_to_date: list[str] = []
    for currency in dict.fromkeys(code.strip().upper() for code in currencies):
        reason = _supported(source, currency)
        if reason:
            skipped[currency] = reason
            continue
        first = start
        if first is None:
            # A rate stored with an impossible future date (before such dates were refused)
            # must not make the currency look current for ever.
            known = [d for d in store.rate_dates(currency=currency, quote=quote, source=source)
                     if d <= end]
            first = max(known) + timedelta(days=1) if known else _first_run_start(source, end)
        if first > end:
            up_to_date.append(currency)
        else:
            requested[currency] = (first, end)

    frame = _fetch(source, requested)
    written = store.upsert_rates(frame) if len(frame) else 0
    latest = {}
    for currency in [*requested, *up_to_date]:
        known = store.rate_dates(currency=currency, quote=quote, source=source)
        if known:
            latest[currency] = max(known)
    log.info("%s: asked %s, wrote %d rates", source, requested, written)
    return UpdateResult(source, quote, requested, written, tuple(up_to_date), skipped, latest)


def _only_requested(frame: pd.DataFrame, requested: dict[str, tuple[date, date]]) -> pd.DataFrame:
    """Rows of ``frame`` inside each currency's requested range."""
    parts = []
    for currency, (first, last) in requested.items():
        rows = frame[frame["currency"] == currency]
        days = rows["date"].dt.date
        parts.append(rows[(days >= first) & (days <= last)])
    return pd.concat(parts, ignore_index=True) if parts else rates_frame([])


def _fetch(source: str, requested: dict[str, tuple[date, date]]) -> pd.DataFrame:
    """Everything asked for, fetched in full before anything is written."""
    if not requested:
        return rates_frame([])
    first = min(start for start, _ in requested.values())
    last = max(end for _, end in requested.values())
    if source == "cbr":
        frames = [cbr.fetch_dynamic(c, s, e) for c, (s, e) in requested.items()]
        return _only_requested(pd.concat(frames, ignore_index=True), requested)
    if source == "ecb":
        return _only_requested(ecb.fetch(list(requested), first, last), requested)
    if source == BUNDLED_SOURCE:
        return _only_requested(bundled_history(), requested)
    days = (last - first).days + 1
    if days > NBK_MAX_DAYS:
        raise ValueError(
            f"nbk serves one day per request: ask for at most {NBK_MAX_DAYS} days, not {days}"
        )
    frames = [nbk.fetch_rates(first + timedelta(days=n)) for n in range(days)]
    fetched = pd.concat(frames, ignore_index=True).drop_duplicates(["date", "currency"])
    return _only_requested(fetched, requested)
