"""Bank of Russia official rates: ``XML_daily.asp`` and ``XML_dynamic.asp`` (docs/formats.md §4).

Rows are RUB per 1 unit of the currency (``Value`` / ``Nominal``), quote ``RUB``,
source ``cbr``.  Quirks handled here: windows-1251 XML, decimal commas,
nominals of 10/100/10000, an optional ``VunitRate``, a daily list dated for
the day actually returned (not the day asked), and dynamic records that exist
only on the days a new rate took effect (Tue–Sat, no holidays) and carry an
``Id`` instead of a ``CharCode``.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.errors import SourceError
from dashboard.data.sources import http
from dashboard.rates.rates_file import day, number, parse_xml, rates_frame, whole

log = logging.getLogger(__name__)

SOURCE = "cbr"
QUOTE = "RUB"

# The Bank of Russia's own currency codes (``VAL_NM_RQ``), from its XML_valFull.asp list.
CBR_IDS: dict[str, str] = {
    "USD": "R01235",
    "EUR": "R01239",
    "CNY": "R01375",
    "KZT": "R01335",
    "BYN": "R01090B",
    "UAH": "R01720",
    "KGS": "R01370",
    "UZS": "R01717",
    "JPY": "R01820",
    "GBP": "R01035",
    "AUD": "R01010",
    "CHF": "R01775",
}
CURRENCY_BY_ID = {value: key for key, value in CBR_IDS.items()}


def _root(body: bytes, what: str) -> ET.Element:
    root = parse_xml(body, source=SOURCE, what=what)
    if root.tag != "ValCurs":
        raise SourceError(SOURCE, f"expected {what} with root <ValCurs>, found <{root.tag}>")
    return root


def _rate(element: ET.Element, what: str) -> tuple[float, int]:
    """RUB per 1 unit and the nominal; ``Value`` is per ``Nominal`` units."""
    value_text = element.findtext("Value")
    if value_text is None:
        # Some copies carry only the per-unit VunitRate.
        unit_text = element.findtext("VunitRate")
        if unit_text is None:
            raise SourceError(SOURCE, f"{what}: missing <Value>")
        return number(unit_text, source=SOURCE, what=f"{what} VunitRate"), 1
    nominal = whole(element.findtext("Nominal", "1"), source=SOURCE, what=f"{what} Nominal")
    value = number(value_text, source=SOURCE, what=f"{what} Value")
    return value / nominal, nominal


def parse_daily(body: bytes) -> pd.DataFrame:
    """Rows of one ``XML_daily.asp`` list, dated by its root ``Date`` (the list returned)."""
    root = _root(body, "XML_daily.asp")
    on = day(root.get("Date"), source=SOURCE, what="XML_daily.asp ValCurs@Date")
    records = []
    for valute in root.findall("Valute"):
        code = (valute.findtext("CharCode") or "").strip().upper()
        if len(code) != 3:
            raise SourceError(SOURCE, f"XML_daily.asp: Valute {valute.get('ID')!r} has no CharCode")
        rate, nominal = _rate(valute, f"XML_daily.asp {code}")
        records.append(
            {"date": on, "currency": code, "quote": QUOTE, "rate": rate,
             "source": SOURCE, "nominal": nominal}
        )
    return rates_frame(records)


def parse_dynamic(body: bytes, currency: str) -> pd.DataFrame:
    """Rows of one ``XML_dynamic.asp`` answer for ``currency`` (empty ValCurs -> empty frame)."""
    currency = currency.upper()
    expected = CBR_IDS.get(currency)
    root = _root(body, "XML_dynamic.asp")
    records = []
    for record in root.findall("Record"):
        record_id = (record.get("Id") or root.get("ID") or "").strip()
        # Records carry no CharCode: the Id is the only link to the currency asked for.
        if expected is not None and record_id != expected:
            raise SourceError(
                SOURCE, f"XML_dynamic.asp: expected records for {currency} ({expected}), "
                f"found Id {record_id!r}"
            )
        what = f"XML_dynamic.asp {currency} {record.get('Date')}"
        on = day(record.get("Date"), source=SOURCE, what=f"{what} Record@Date")
        rate, nominal = _rate(record, what)
        records.append(
            {"date": on, "currency": currency, "quote": QUOTE, "rate": rate,
             "source": SOURCE, "nominal": nominal}
        )
    return rates_frame(records)


def fetch_daily(on: date) -> pd.DataFrame:
    """The official list in force on ``on`` (its ``date`` column says which list came back)."""
    url = f"{settings().cbr_url}/scripts/XML_daily.asp"
    body = http.get(url, params={"date_req": on.strftime("%d/%m/%Y")}, source=SOURCE)
    frame = parse_daily(body)
    log.info("cbr: daily list asked for %s, got %s, %d currencies",
             on, frame["date"].iloc[0].date() if len(frame) else "nothing", len(frame))
    return frame


def fetch_dynamic(currency: str, start: date, end: date) -> pd.DataFrame:
    """Every rate of ``currency`` that took effect between ``start`` and ``end`` inclusive."""
    currency = currency.upper()
    if currency not in CBR_IDS:
        raise ValueError(
            f"cbr: no Bank of Russia code known for {currency!r} "
            f"(known: {', '.join(sorted(CBR_IDS))})"
        )
    url = f"{settings().cbr_url}/scripts/XML_dynamic.asp"
    params = {
        "date_req1": start.strftime("%d/%m/%Y"),
        "date_req2": end.strftime("%d/%m/%Y"),
        "VAL_NM_RQ": CBR_IDS[currency],
    }
    frame = parse_dynamic(http.get(url, params=params, source=SOURCE), currency)
    log.info("cbr: %s %s..%s, %d published rates", currency, start, end, len(frame))
    return frame
