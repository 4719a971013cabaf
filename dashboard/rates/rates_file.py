"""The canonical rates frame every bank parser returns, and the parsing helpers they share.

A rates frame has one row per (date, currency, quote, source):
``rate`` is units of ``quote`` per 1 unit of ``currency`` (the bank's nominal
already divided out, kept in ``nominal`` for reference).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from dashboard.core.errors import SourceError

RATE_COLUMNS = ("date", "currency", "quote", "rate", "source", "nominal")
RATE_DTYPES = {
    "date": "datetime64[s]",
    "currency": "str",
    "quote": "str",
    "rate": "float64",
    "source": "str",
    "nominal": "int64",
}


EARLIEST_RATE = pd.Timestamp("1992-07-01")
"""The first official rate of the banks read here (Bank of Russia, 1 July 1992)."""
FUTURE_MARGIN_DAYS = 7
"""Banks publish the next working day's rate (a Saturday list covers Monday): a week ahead
is the latest plausible date; anything later is a typo or a test file."""
MAX_NOMINAL = 1_000_000  # largest nominal the banks use is 10 000 (e.g. IRR, VND)
_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$")


def rates_frame(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """A rates frame (RATE_COLUMNS, typed) from dicts holding those keys; see ``checked``."""
    frame = pd.DataFrame(list(records), columns=list(RATE_COLUMNS))
    return checked(frame.astype(RATE_DTYPES).reset_index(drop=True))


def latest_plausible_date() -> pd.Timestamp:
    """Today plus FUTURE_MARGIN_DAYS: no bank has published a rate for a later day."""
    return pd.Timestamp(date.today()) + pd.Timedelta(days=FUTURE_MARGIN_DAYS)


def checked(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without exact repeats; SourceError for an implausible date or a conflict.

    A date before EARLIEST_RATE or after ``latest_plausible_date()`` is refused (stored, a
    rate dated 2100 would make every later update look current).  Two different rates for
    the same day, currency, quote and source in one answer are refused too: which one is
    right is not ours to guess.
    """
    if frame.empty:
        return frame
    latest = latest_plausible_date()
    outside = (frame["date"] < EARLIEST_RATE) | (frame["date"] > latest)
    if outside.any():
        row = frame.loc[outside].iloc[0]
        raise SourceError(str(row["source"]), f"{row['currency']}: expected a date between "
                          f"{EARLIEST_RATE.date()} and {latest.date()} (today + "
                          f"{FUTURE_MARGIN_DAYS} days), found {row['date'].date()}")
    key = ["date", "currency", "quote", "source"]
    unique = frame.drop_duplicates([*key, "rate"])
    conflict = unique.duplicated(key, keep=False)
    if conflict.any():
        rows = unique.loc[conflict].sort_values(key).head(2)
        first = rows.iloc[0]
        raise SourceError(str(first["source"]), f"{first['currency']}/{first['quote']} on "
                          f"{first['date'].date()}: two different rates in one file "
                          f"({rows['rate'].iloc[0]:g} and {rows['rate'].iloc[1]:g}); keep one")
    return unique.reset_index(drop=True)


def parse_xml(body: bytes, *, source: str, what: str) -> ET.Element:
    """Parse untrusted XML safely; garbage, truncation or entity tricks become SourceError."""
    head = body.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise SourceError(source, f"expected {what} XML, got an HTML page")
    try:
        return fromstring(body)
    except LookupError as exc:  # <?xml encoding="..."?> names a codec Python does not know
        raise SourceError(source, f"expected {what} XML in a known encoding (windows-1251, "
                          f"UTF-8), found {exc}") from None
    except DefusedXmlException as exc:
        raise SourceError(source, f"{what}: refused unsafe XML ({type(exc).__name__})") from exc
    except ET.ParseError as exc:
        raise SourceError(source, f"expected {what} XML, could not parse it ({exc})") from exc


def number(text: str | None, *, source: str, what: str) -> float:
    """A positive finite rate from ``64,2633`` or ``64.2633`` (spaces allowed)."""
    cleaned = (text or "").strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
    if not _NUMBER.match(cleaned):  # float() would also take "5_6" (as 56), "inf" and "nan"
        raise SourceError(source, f"{what}: expected a number, found {str(text)[:40]!r}")
    value = float(cleaned)
    if not math.isfinite(value) or value <= 0:
        raise SourceError(source, f"{what}: expected a positive rate, found {text!r}")
    return value


def whole(text: str | None, *, source: str, what: str) -> int:
    """A positive integer nominal (``1``, ``100``, ``10000``)."""
    cleaned = (text or "").strip().replace("\xa0", "").replace(" ", "")
    if (not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 7
            or not 0 < int(cleaned) <= MAX_NOMINAL):
        raise SourceError(source, f"{what}: expected a positive whole nominal of at most "
                          f"{MAX_NOMINAL:,}, found {str(text)[:40]!r}")
    return int(cleaned)


def day(text: str | None, *, source: str, what: str, fmt: str = "%d.%m.%Y") -> pd.Timestamp:
    """A date written as ``fmt`` (the banks' ``DD.MM.YYYY`` by default)."""
    try:
        value = pd.to_datetime((text or "").strip(), format=fmt)
    except (ValueError, TypeError):
        value = pd.NaT
    if pd.isna(value):
        raise SourceError(source, f"{what}: expected a date like {fmt}, found {text!r}")
    return pd.Timestamp(value)
