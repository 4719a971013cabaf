"""Rates files a user uploads (or imports on the command line): recognise and parse.

Each bank's layout is described in docs/formats.md."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass

import pandas as pd

from dashboard.core.errors import SchemaError, SourceError
from dashboard.rates import cbr, ecb, nbk

log = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class RatesFile:
    """A rates file recognised and parsed by ``detect_and_parse``."""

    format: str  # e.g. "cbr-daily", "cbr-dynamic", "nbk", "ecb-hist", "ecb-daily", "ecb-sdmx"
    frame: pd.DataFrame


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


