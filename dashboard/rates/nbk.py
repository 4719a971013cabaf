"""National Bank of Kazakhstan official rates: ``/rss/get_rates.cfm?fdate=DD.MM.YYYY``.

The answer's root is ``<rates>`` (not RSS) with a ``<date>`` and one ``<item>``
per currency: ``<title>`` is the ISO code, ``<description>`` KZT per
``<quant>`` units with a decimal point (docs/formats.md §5).  Only ``item``
children are read, since channel-level ``title``/``description`` may also
appear.  Rows are KZT per 1 unit, quote ``KZT``, source ``nbk``.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.errors import SourceError
from dashboard.data.sources import http
from dashboard.rates.rates_file import day, number, parse_xml, rates_frame, whole

log = logging.getLogger(__name__)

SOURCE = "nbk"
QUOTE = "KZT"


def parse_rates(body: bytes) -> pd.DataFrame:
    """Rows of one ``get_rates.cfm`` answer; ``<error>``/``<info>`` answers raise SourceError."""
    root = parse_xml(body, source=SOURCE, what="get_rates.cfm")
    if root.tag != "rates":
        raise SourceError(SOURCE, f"expected get_rates.cfm with root <rates>, found <{root.tag}>")
    for tag in ("error", "info"):
        message = root.findtext(tag)
        if message is not None:
            raise SourceError(SOURCE, f"the bank answered: {' '.join(message.split()) or tag}")
    on = day(root.findtext("date"), source=SOURCE, what="get_rates.cfm <date>")
    records = []
    for item in root.findall("item"):
        code = (item.findtext("title") or "").strip().upper()
        if len(code) != 3:
            raise SourceError(SOURCE, f"get_rates.cfm: <item> without an ISO code, found {code!r}")
        what = f"get_rates.cfm {code}"
        nominal = whole(item.findtext("quant", "1"), source=SOURCE, what=f"{what} quant")
        value = number(item.findtext("description"), source=SOURCE, what=f"{what} description")
        records.append(
            {"date": on, "currency": code, "quote": QUOTE, "rate": value / nominal,
             "source": SOURCE, "nominal": nominal}
        )
    return rates_frame(records)


def fetch_rates(on: date) -> pd.DataFrame:
    """The official KZT rates set for ``on``."""
    url = f"{settings().nbk_url}/rss/get_rates.cfm"
    frame = parse_rates(http.get(url, params={"fdate": on.strftime("%d.%m.%Y")}, source=SOURCE))
    log.info("nbk: rates for %s, %d currencies", on, len(frame))
    return frame
