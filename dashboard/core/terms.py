"""The project's vocabulary, defined once: measures, currencies, HS levels, periods, confidential.

Every layer imports these names; a list written twice drifts.
"""

from __future__ import annotations

from typing import Literal

# -- measures ---------------------------------------------------------------------------

Measure = Literal["turnover", "export", "import", "balance"]
MEASURES: tuple[Measure, ...] = ("turnover", "export", "import", "balance")
"""Turnover = export + import, balance = export - import (re-exports are not counted)."""

BASE_FLOWS = ("export", "import")
"""The stored flows the four measures are made of."""

FLOWS = ("export", "import", "re-export", "re-import")
"""Stored flows.  Turnover and balance are derived from export and import only."""

TABLE_COLUMNS = ("value", "share", "rank", "previous", "change", "change_pct", "contribution")
"""Columns of a ranking table (partners, commodities) after the part's code, in display order:
value, previous, change in money; share and change_pct in %; contribution in pp; rank from 1."""

# -- currencies -------------------------------------------------------------------------

DISPLAY_CURRENCIES = ("USD", "RUB", "EUR", "CNY", "KZT")
"""Currencies figures can be shown in (trade is stored in US dollars)."""

RATE_CURRENCIES = ("USD", "EUR", "CNY", "KZT")
"""Currencies whose rouble rate is fetched by default (RUB itself needs no rate)."""

TICKER_CURRENCIES = ("USD", "EUR", "CNY")
"""Currencies the header ticker shows unless the user picks others."""

# -- HS levels --------------------------------------------------------------------------

HsLevel = Literal["section", 2, 4, 6, 8, 10]
HS_LEVELS: tuple[HsLevel, ...] = ("section", 2, 4, 6, 8, 10)
"""Section (roman numeral), chapter, heading, subheading, CN/8-digit and national 10-digit."""

HS_DIGITS: tuple[int, ...] = (2, 4, 6, 8, 10)
"""The HS levels that are a number of leading digits of the code."""


def parse_hs_level(text: str | int) -> HsLevel:
    """"section" or a digit count from a widget or the command line; ValueError otherwise."""
    value: str | int = text if text == "section" else int(text)
    if value not in HS_LEVELS:
        raise ValueError(f"an HS level must be one of {', '.join(map(str, HS_LEVELS))}, "
                         f"got {text!r}")
    return value  # type: ignore[return-value]


# -- confidential lines -----------------------------------------------------------------

CONFIDENTIAL_HS = "XXXXXXXXXX"
"""FCS marks commodity lines it does not disclose with this code; they count in totals."""

CONFIDENTIAL_PATTERN = "X+"
"""The one rule: a commodity code made only of the letter X is confidential."""

CONFIDENTIAL_SQL = "(hs_code <> '' AND ltrim(hs_code, 'X') = '')"
"""CONFIDENTIAL_PATTERN as a SQL predicate on the column hs_code (no regex: runs per row)."""


def is_confidential_code(code: str | None) -> bool:
    """True for a code made only of X (CONFIDENTIAL_PATTERN); False for digits, "" and None."""
    return bool(code) and set(code) == {"X"}  # type: ignore[arg-type]
