"""The canonical trade table: column names, Arrow types, and validation.

Every source turns its publisher's layout into batches of exactly these
columns; the store accepts nothing else.  Values are in US dollars (not
thousands), weights in kg.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.errors import SchemaError
from dashboard.core.terms import CONFIDENTIAL_PATTERN, FLOWS
from dashboard.reference.countries import known_partner_codes

TRADE_SCHEMA = pa.schema(
    [
        ("reporter", pa.string()),  # ISO 3166-2 region (RU-TOM) or ISO 3166-1 alpha-2 country
        ("partner", pa.string()),  # ISO 3166-1 alpha-2, or a special code of dashboard.reference
        ("flow", pa.string()),  # one of FLOWS
        ("year", pa.int16()),
        ("month", pa.int8()),  # 1-12; null = annual figure
        ("hs_code", pa.string()),  # digits, leading zeros kept; CONFIDENTIAL_HS; null = all goods
        ("value_usd", pa.float64()),  # US dollars
        ("net_kg", pa.float64()),  # kg, null when not published
        ("quantity", pa.float64()),  # supplementary unit, null when none
        ("unit", pa.string()),  # supplementary unit code as published
    ]
)
TRADE_COLUMNS = tuple(TRADE_SCHEMA.names)

MIN_YEAR = 1950
"""Earliest year accepted (UN Comtrade's series start in 1962; analysts' tables go further)."""
MAX_LINE_USD = 1e13
"""Largest value of one stored line, in US dollars.  World merchandise trade is about
2.4e13 USD a year (WTO, World Trade Statistical Review 2024: 24.0 trillion in 2023), so
one region, partner, commodity and month above 1e13 (40% of it) is a typo or an attack;
the bound also keeps any sum of up to 1e7 x OBOROT_MAX_ROWS lines far from float overflow."""
MAX_LINE_AMOUNT = 1e15
"""Largest net weight (kg) or supplementary quantity of one line: the world's seaborne
trade is about 1.2e13 kg a year (UNCTAD, Review of Maritime Transport 2023)."""
_HS_PATTERN = "^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{8}|[0-9]{10}|" + CONFIDENTIAL_PATTERN + ")$"
_PARTNER_PATTERN = r"^[A-Z0-9]{2}$"


def validate(
    batch: pa.RecordBatch | pa.Table,
    *,
    file: str,
    first_line: int = 2,
    source_columns: Mapping[str, str] | None = None,
    line_numbers: pa.Array | None = None,
) -> None:
    """Raise SchemaError for the first row that breaks the canonical rules.

    Text columns may be dictionary arrays (checked once per distinct value).

    ``first_line`` is the file line of the batch's first row (header = line 1),
    ``line_numbers`` overrides it row by row when the source skipped lines, and
    ``source_columns`` maps canonical names to the file's own column names so
    the message names what the user sees in the file.
    """
    names = source_columns or {}
    if batch.schema.names != list(TRADE_COLUMNS):
        raise SchemaError(
            file, f"columns {', '.join(TRADE_COLUMNS)}", found=", ".join(batch.schema.names)
        )

    def fail(mask: pa.Array, column: str, expected: str) -> None:
        mask = pc.fill_null(mask, True)
        if not pc.any(mask).as_py():
            return
        index = pc.index(mask, True).as_py()
        line = line_numbers[index].as_py() if line_numbers is not None else first_line + index
        value = batch.column(column)[index].as_py()
        raise SchemaError(
            file,
            expected,
            line=line,
            column=names.get(column, column),
            found="" if value is None else str(value),
        )

    col = batch.column
    fail(_rowwise(col("reporter"), lambda v: pc.equal(pc.utf8_length(v), 0)), "reporter",
         "a reporter code")
    fail(_rowwise(col("partner"), lambda v: pc.invert(pc.match_substring_regex(
        v, _PARTNER_PATTERN))), "partner", "a two-letter ISO 3166-1 partner code")

    known = pa.array(sorted(known_partner_codes()))
    fail(_rowwise(col("partner"), lambda v: pc.invert(pc.is_in(v, known))), "partner",
         "an ISO 3166-1 country code (e.g. KZ, CN)")
    fail(_rowwise(col("flow"), lambda v: pc.invert(pc.is_in(v, pa.array(FLOWS)))), "flow",
         "export or import")
    last_year, last_month = latest_period()
    fail(pc.or_(pc.less(col("year"), MIN_YEAR), pc.greater(col("year"), last_year)), "year",
         f"a year between {MIN_YEAR} and {last_year} (no later trade is published yet)")
    month = col("month")
    fail(pc.and_kleene(pc.is_valid(month), pc.or_(pc.less(month, 1), pc.greater(month, 12))),
         "month", "a month from 1 to 12")
    fail(pc.and_kleene(pc.equal(col("year"), last_year), pc.greater(month, last_month)),
         "month", f"a month up to {last_month:02}/{last_year} (a later month has not happened "
         "yet)")
    fail(_rowwise(col("hs_code"), lambda v: pc.and_kleene(
        pc.is_valid(v), pc.invert(pc.match_substring_regex(v, _HS_PATTERN)))),
         "hs_code", "an HS code of 2, 4, 6, 8 or 10 digits")
    value = col("value_usd")
    fail(pc.is_null(value), "value_usd", "a value in US dollars (the cell is empty)")
    fail(pc.or_(pc.is_nan(value), pc.less(value, 0)), "value_usd", "a value of zero or more")
    fail(pc.is_inf(value), "value_usd", "a finite value")
    fail(pc.greater(value, MAX_LINE_USD), "value_usd",
         f"a value of at most {MAX_LINE_USD:.0e} US dollars for one line (world trade is "
         "about 2.4e+13 a year)")
    for column in ("net_kg", "quantity"):
        v = col(column)
        fail(pc.and_kleene(pc.is_valid(v), pc.or_(pc.is_nan(v), pc.less(v, 0))), column,
             "a number of zero or more")
        fail(pc.and_kleene(pc.is_valid(v), pc.is_inf(v)), column, "a finite number")
        fail(pc.and_kleene(pc.is_valid(v), pc.greater(v, MAX_LINE_AMOUNT)), column,
             f"a number of at most {MAX_LINE_AMOUNT:.0e} for one line")


def latest_period() -> tuple[int, int]:
    """(year, month) of today: no trade can be published for a later month."""
    today = date.today()
    return today.year, today.month


def _rowwise(
    values: pa.Array | pa.ChunkedArray, predicate: Callable[[pa.Array], pa.Array]
) -> pa.Array | pa.ChunkedArray:
    """``predicate`` row by row; on a dictionary column it runs once per distinct value."""
    if isinstance(values, pa.ChunkedArray):
        return pa.chunked_array([_rowwise(chunk, predicate) for chunk in values.chunks],
                                type=pa.bool_())
    if not pa.types.is_dictionary(values.type):
        return predicate(values)
    mask = pc.take(predicate(values.dictionary), values.indices)
    if values.null_count:
        on_null = predicate(pa.nulls(1, values.dictionary.type))[0]
        mask = pc.if_else(pc.is_valid(values.indices), mask, on_null)
    return mask
