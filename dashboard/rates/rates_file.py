"""The canonical rates frame every bank parser returns, and the parsing helpers they share.

A rates frame has one row per (date, currency, quote, source):
``rate`` is units of ``quote`` per 1 unit of ``currency`` (the bank's nominal
already divided out, kept in ``nominal`` for reference).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable
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


def rates_frame(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """A rates frame (RATE_COLUMNS, typed) from dicts holding those keys."""
    frame = pd.DataFrame(list(records), columns=list(RATE_COLUMNS))
    return frame.astype(RATE_DTYPES).reset_index(drop=True)


def parse_xml(body: bytes, *, source: str, what: str) -> ET.Element:
    """Parse untrusted XML safely; garbage, truncation or entity tricks become SourceError."""
    head = body.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise SourceError(source, f"expected {what} XML, got an HTML page")
    try:
        return fromstring(body)
    except DefusedXmlException as exc:
        raise SourceError(source, f"{what}: refused unsafe XML ({type(exc).__name__})") from exc
    except ET.ParseError as exc:
        raise SourceError(source, f"expected {what} XML, could not parse it ({exc})") from exc


def number(text: str | None, *, source: str, what: str) -> float:
    """A positive finite rate from ``64,2633`` or ``64.2633`` (spaces allowed)."""
    cleaned = (text or "").strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise SourceError(source, f"{what}: expected a number, found {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise SourceError(source, f"{what}: expected a positive rate, found {text!r}")
    return value


def whole(text: str | None, *, source: str, what: str) -> int:
    """A positive integer nominal (``1``, ``100``, ``10000``)."""
    cleaned = (text or "").strip().replace("\xa0", "").replace(" ", "")
    if not cleaned.isdigit() or int(cleaned) <= 0:
        raise SourceError(source, f"{what}: expected a positive whole nominal, found {text!r}")
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
