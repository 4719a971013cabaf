"""ECB euro reference rates: ``eurofxref-hist.csv``, ``eurofxref.csv`` and the Data Portal's
SDMX-CSV (docs/formats.md §6).

Direction.  The ECB publishes foreign units per 1 EUR (``USD 1.1305`` means
1 EUR = 1.1305 USD).  Oborot stores every rate as units of the quote per
1 unit of ``currency`` with the publishing bank's home currency as the quote,
so an ECB row becomes ``currency="USD", quote="EUR", rate=1/1.1305`` (EUR per
1 USD), source ``ecb``.  All banks' rows then read alike (CBR: RUB per unit,
NBK: KZT per unit, ECB: EUR per unit), and ``dashboard.rates.conversion.
cross_rates`` derives any pair (USD->EUR directly, EUR->USD by inversion,
CNY->USD through EUR).  The published figure is recovered as ``1 / rate``.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from dashboard.core.config import settings
from dashboard.core.errors import SourceError
from dashboard.data.sources import http
from dashboard.rates.rates_file import RATE_DTYPES, checked, day, number, rates_frame

log = logging.getLogger(__name__)

SOURCE = "ecb"
QUOTE = "EUR"

# Every currency the reference-rate files have carried (eurofxref-hist.csv header).
ECB_CURRENCIES = frozenset({
    "USD", "JPY", "BGN", "CYP", "CZK", "DKK", "EEK", "GBP", "HUF", "LTL", "LVL", "MTL", "PLN",
    "ROL", "RON", "SEK", "SIT", "SKK", "CHF", "ISK", "NOK", "HRK", "RUB", "TRL", "TRY", "AUD",
    "BRL", "CAD", "CNY", "HKD", "IDR", "ILS", "INR", "KRW", "MXN", "MYR", "NZD", "PHP", "SGD",
    "THB", "ZAR",
})
_MISSING = {"", "N/A", "NAN", "NA"}
_MONTHS = {
    name: number_
    for number_, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"], start=1)
}


def _text(body: bytes, what: str) -> str:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(SOURCE, f"{what}: expected UTF-8 CSV text, found binary data") from None
    if not text.strip():
        raise SourceError(SOURCE, f"{what}: the file is empty")
    if text.lstrip()[:1] == "<":
        raise SourceError(SOURCE, f"expected {what} CSV, got HTML/XML")
    return text


def _row(on: pd.Timestamp, code: str, per_euro: str, what: str, source: str) -> dict:
    value = number(per_euro, source=source, what=f"{what} {code} on {on.date()}")
    # The ECB's figure is foreign units per EUR; stored as EUR per 1 unit (see module doc).
    return {"date": on, "currency": code, "quote": QUOTE, "rate": 1.0 / value,
            "source": source, "nominal": 1}


def parse_hist_csv(body: bytes, *, source: str = SOURCE) -> pd.DataFrame:
    """Rows of ``eurofxref-hist.csv`` (trailing comma, newest first, ``N/A`` for no rate)."""
    what = "eurofxref-hist.csv"
    lines = _text(body, what).splitlines()
    header = [name.strip().upper() for name in lines[0].split(",")]
    if header[0] != "DATE" or len(header) < 2:
        raise SourceError(SOURCE, f"{what}: expected a header starting 'Date,USD,...', "
                                  f"found {lines[0][:40]!r}")
    rows = []
    for number_, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split(",")  # the file never quotes: every field is a date or a number
        if len(fields) != len(header):
            raise SourceError(SOURCE, f"{what} line {number_}: expected {len(header)} fields, "
                                      f"found {len(fields)} (truncated file?)")
        rows.append(fields)
    wide = pd.DataFrame(rows, columns=header).loc[:, lambda f: f.columns != ""]
    long = wide.melt(id_vars="DATE", var_name="currency", value_name="text").assign(
        text=lambda f: f["text"].str.strip()
    )
    long = long[~long["text"].str.upper().isin(_MISSING)]
    dates = pd.to_datetime(long["DATE"].str.strip(), format="%Y-%m-%d", errors="coerce")
    values = pd.to_numeric(long["text"], errors="coerce")
    bad = dates.isna() | values.isna() | ~(values > 0) | ~np.isfinite(values)
    if bad.any():
        row = long[bad].iloc[0]
        raise SourceError(SOURCE, f"{what}: expected a date and positive rates, found "
                                  f"{row['currency']}={row['text']!r} on {row['DATE']!r}")
    # The ECB's figure is foreign units per EUR; stored as EUR per 1 unit (see module doc).
    frame = pd.DataFrame({"date": dates, "currency": long["currency"], "quote": QUOTE,
                          "rate": 1.0 / values, "source": source, "nominal": 1})
    return checked(frame.astype(RATE_DTYPES)).sort_values(["currency", "date"], ignore_index=True)


def parse_daily_csv(body: bytes) -> pd.DataFrame:
    """Rows of the one-day ``eurofxref.csv`` (", " separator, date like ``16 April 2019``)."""
    what = "eurofxref.csv"
    lines = [line for line in _text(body, what).splitlines() if line.strip()]
    header = [name.strip().upper() for name in lines[0].split(",")]
    if header[0] != "DATE" or len(lines) != 2:
        raise SourceError(SOURCE, f"{what}: expected a 'Date, USD, ...' header and one row of "
                                  f"rates, found {len(lines)} line(s)")
    fields = [field.strip() for field in lines[1].split(",")]
    if len(fields) != len(header):
        raise SourceError(SOURCE, f"{what}: expected {len(header)} fields, found {len(fields)}")
    parts = fields[0].split()
    month = _MONTHS.get(parts[1].lower()) if len(parts) == 3 else None
    if month is None or not (parts[0].isdigit() and parts[2].isdigit()):
        raise SourceError(SOURCE, f"{what}: expected a date like '16 April 2019', "
                                  f"found {fields[0]!r}")
    on = pd.Timestamp(int(parts[2]), month, int(parts[0]))
    records = [
        _row(on, code, value, what, SOURCE)
        for code, value in zip(header[1:], fields[1:], strict=True)
        if code and value.upper() not in _MISSING
    ]
    return rates_frame(records)


def parse_sdmx_csv(body: bytes) -> pd.DataFrame:
    """Rows of Data Portal SDMX-CSV (8 ``dataonly`` or 32 full columns); empty/NaN skipped."""
    what = "SDMX-CSV"
    reader = csv.reader(io.StringIO(_text(body, what)))
    header = [name.strip().upper() for name in next(reader)]
    need = ("CURRENCY", "TIME_PERIOD", "OBS_VALUE")
    if header[:1] != ["KEY"] or any(name not in header for name in need):
        raise SourceError(SOURCE, f"{what}: expected columns KEY, {', '.join(need)}; "
                                  f"found {','.join(header)[:60]!r}")
    at = {name: header.index(name) for name in header}
    records = []
    for number_, fields in enumerate(reader, start=2):
        if not fields:
            continue
        if len(fields) != len(header):
            raise SourceError(SOURCE, f"{what} line {number_}: expected {len(header)} fields, "
                                      f"found {len(fields)} (truncated file?)")
        row = dict(zip(header, fields, strict=True))
        key = row["KEY"].split(".")  # EXR.D.USD.EUR.SP00.A
        freq = row.get("FREQ") or (key[1] if len(key) > 1 else "")
        denom = row.get("CURRENCY_DENOM") or (key[3] if len(key) > 3 else "EUR")
        kind = row.get("EXR_TYPE") or (key[4] if len(key) > 4 else "SP00")
        if freq != "D" or denom != QUOTE or kind != "SP00":
            raise SourceError(SOURCE, f"{what} line {number_}: expected daily euro reference "
                                      f"rates (EXR.D.*.EUR.SP00.A), found {row['KEY']!r}")
        value = fields[at["OBS_VALUE"]].strip()
        if value.upper() in _MISSING:
            continue
        on = day(row["TIME_PERIOD"], source=SOURCE, what=f"{what} line {number_}",
                 fmt="%Y-%m-%d")
        records.append(_row(on, row["CURRENCY"].strip().upper(), value,
                            f"{what} line {number_}", SOURCE))
    return rates_frame(records)


def fetch(currencies: Sequence[str], start: date, end: date) -> pd.DataFrame:
    """Daily reference rates of ``currencies`` (not EUR) between ``start`` and ``end``."""
    codes = sorted({code.upper() for code in currencies} - {QUOTE})
    if not codes:
        return rates_frame([])
    url = f"{settings().ecb_url}/service/data/EXR/D.{'+'.join(codes)}.EUR.SP00.A"
    params = {"startPeriod": start.isoformat(), "endPeriod": end.isoformat(),
              "format": "csvdata"}
    try:
        body = http.get(url, params=params, source=SOURCE)
    except http.HTTPStatusError as exc:
        if exc.status == 404:  # the Data Portal's way of saying "no observations in range"
            log.info("ecb: no rates for %s between %s and %s", codes, start, end)
            return rates_frame([])
        raise
    frame = parse_sdmx_csv(body)
    log.info("ecb: %s %s..%s, %d rates", "+".join(codes), start, end, len(frame))
    return frame
