"""Russian customs (FCS) regional foreign-trade exports -> canonical trade batches.

Two header layouts (docs/formats.md §1): the portal's Russian ``DATTSVT.csv``
(``napr period strana tnved edizm Stoim Netto Kol Region Region_s``; TAB,
UTF-8, decimal comma, ЭК/ИМ) and the English one (``DIRECTION PERIOD COUNTRY
HS UM VALUE NETWEIGHT QUANTITY REGION REGION_S``; IMP/EXP).  Excel re-saves
bring cp1251, ``;``, a BOM and HS codes that lost their leading zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.errors import SchemaError
from dashboard.core.terms import CONFIDENTIAL_HS
from dashboard.data.schema import TRADE_SCHEMA, validate
from dashboard.data.sources.base import Sniff, TradeBatches
from dashboard.data.sources.tabular import map_values, parse_numbers, stream_csv
from dashboard.reference.regions import region_by_fcs_code, regions

PUBLICATION_GAP = (2022, 2023)
"""Years in which the customs service paused regional statistics (early 2022 to early 2023)."""
UNKNOWN_PARTNER = "XU"  # rows published without a partner country (see dashboard.reference)
LICENCE = "Federal Customs Service of Russia (stat.customs.gov.ru), regional export"


@dataclass(frozen=True)
class Layout:
    """Column names of one FCS header variant, canonical role -> file column (lower case)."""

    format: str
    flow: str
    period: str
    partner: str
    hs: str
    unit: str
    value: str
    net: str
    quantity: str
    region: str
    flows: dict[str, str]


RUSSIAN = Layout("fcs-ru", "napr", "period", "strana", "tnved", "edizm", "stoim", "netto",
                 "kol", "region", {"ЭК": "export", "ИМ": "import"})
ENGLISH = Layout("fcs-en", "direction", "period", "country", "hs", "um", "value", "netweight",
                 "quantity", "region", {"EXP": "export", "IMP": "import"})
LAYOUTS = (RUSSIAN, ENGLISH)


def layout_of(header: tuple[str, ...]) -> Layout | None:
    """The FCS layout whose columns the header holds (case-insensitively), if any."""
    names = {name.strip().lower() for name in header}
    for layout in LAYOUTS:
        needed = {layout.flow, layout.period, layout.partner, layout.hs, layout.value,
                  layout.region}
        if needed <= names:
            return layout
    return None


def read(path: Path, sniff: Sniff) -> TradeBatches:
    """Stream an FCS text file (plain or zipped) as canonical batches."""
    layout = layout_of(sniff.header)
    if layout is None:
        raise SchemaError(sniff.display_name, "an FCS header (napr, period, strana, tnved, ...)",
                          line=sniff.header_line, found="\t".join(sniff.header))
    actual = {name.strip().lower(): name for name in sniff.header}
    text_columns = [layout.flow, layout.period, layout.partner, layout.hs, layout.region]
    optional_text = [layout.unit]
    numbers = [layout.value, layout.net, layout.quantity]
    # Text as dictionaries straight from the reader: few distinct values per block.
    text_type = pa.dictionary(pa.int32(), pa.string())
    types: dict[str, pa.DataType] = {actual[c]: text_type for c in text_columns}
    types |= {actual[c]: text_type for c in optional_text if c in actual}
    types |= {actual[c]: pa.float64() for c in numbers if c in actual}
    decimal_point = "." if sniff.separator == "," else ","
    parsed = TradeBatches(format=layout.format, encoding=sniff.encoding,
                          separator=sniff.separator, batches=iter(()), licence=LICENCE)
    raw = stream_csv(path, sniff, column_types=types, decimal_point=decimal_point)
    parsed.batches = _canonical_batches(raw, layout, actual, sniff, parsed)
    return parsed


def _canonical_batches(
    raw: Iterator[pa.RecordBatch],
    layout: Layout,
    actual: dict[str, str],
    sniff: Sniff,
    parsed: TradeBatches,
) -> Iterator[pa.RecordBatch]:
    line = sniff.header_line + 1
    unknown_partner_rows = 0
    for batch in raw:
        canonical, unknown = to_canonical(batch, layout, actual, file=sniff.display_name,
                                          first_line=line)
        unknown_partner_rows += unknown
        line += batch.num_rows
        yield canonical
    if unknown_partner_rows:
        parsed.notes.append(
            f"{unknown_partner_rows} rows without a partner country are kept as "
            f"partner {UNKNOWN_PARTNER} (unspecified); they count in totals"
        )


def to_canonical(
    batch: pa.RecordBatch | pa.Table,
    layout: Layout,
    actual: dict[str, str],
    *,
    file: str,
    first_line: int,
) -> tuple[pa.RecordBatch, int]:
    """One raw FCS batch (text or numeric columns) -> (canonical batch, rows without partner)."""
    names = {role: actual.get(getattr(layout, role), getattr(layout, role))
             for role in ("flow", "period", "partner", "hs", "unit", "value", "net", "quantity",
                          "region")}

    # Text columns are handled as dictionaries: a block of a million rows holds only a few
    # thousand distinct codes, so trimming, regexes and look-ups run once per distinct value.
    def text(role: str) -> pa.DictionaryArray:
        column = names[role]
        if column not in batch.schema.names:
            return _encoded(pa.nulls(batch.num_rows, pa.string()))
        return _recode(_encoded(batch.column(column)), pc.utf8_trim_whitespace)

    def number(role: str) -> pa.Array:
        column = names[role]
        if column not in batch.schema.names:
            return pa.nulls(batch.num_rows, pa.float64())
        values = batch.column(column)
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        return parse_numbers(values, file=file, column=column, first_line=first_line,
                             decimal_point="," if layout is RUSSIAN else ".")

    flow = map_values(text("flow"), lambda v: layout.flows.get(v.upper()), file=file,
                      column=names["flow"], first_line=first_line,
                      expected=" or ".join(layout.flows), keep_dictionary=True)
    year, month = _period(text("period"), file=file, column=names["period"], first_line=first_line)
    partner, missing_partner = _partners(text("partner"))
    hs = _recode(text("hs"), _hs_codes)
    reporter = map_values(text("region"), _region_iso, file=file, column=names["region"],
                          first_line=first_line,
                          expected="a federal subject as 'NNNNN - NAME' known to the FCS list "
                                   "(code and name of the same region)",
                          keep_dictionary=True)
    unit = _recode(text("unit"), lambda d: pc.if_else(pc.equal(d, ""), pa.scalar(None, pa.string()),
                                                      d)).dictionary_decode()
    quantity = pc.if_else(pc.is_null(unit), pa.scalar(None, pa.float64()), number("quantity"))
    columns = [reporter, partner, flow, year, month, hs, number("value"), number("net"), quantity,
               unit]
    validate(pa.RecordBatch.from_arrays(columns, names=list(TRADE_SCHEMA.names)), file=file,
             first_line=first_line,
             source_columns={"reporter": names["region"], "partner": names["partner"],
                             "flow": names["flow"], "year": names["period"],
                             "month": names["period"], "hs_code": names["hs"],
                             "value_usd": names["value"], "net_kg": names["net"],
                             "quantity": names["quantity"], "unit": names["unit"]})
    canonical = pa.RecordBatch.from_arrays(
        [c.dictionary_decode() if isinstance(c, pa.DictionaryArray) else c for c in columns],
        schema=TRADE_SCHEMA,
    )
    return canonical, missing_partner


def _encoded(values: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """A text column as one dictionary array of strings (as read, or encoded here)."""
    if isinstance(values, pa.ChunkedArray):
        if pa.types.is_dictionary(values.type):
            values = pc.cast(values, values.type.value_type)
        values = values.combine_chunks()
    if not pa.types.is_dictionary(values.type):
        return pc.dictionary_encode(pc.cast(values, pa.string()))
    if values.type.value_type != pa.string():
        return _recode(values, lambda d: pc.cast(d, pa.string()))
    return values


def _recode(values: pa.DictionaryArray, change) -> pa.DictionaryArray:  # type: ignore[no-untyped-def]
    """Apply a value-wise string function to the distinct values only."""
    return pa.DictionaryArray.from_arrays(values.indices, change(values.dictionary))


def _partners(values: pa.DictionaryArray) -> tuple[pa.DictionaryArray, int]:
    """Upper-case partner codes, missing ones as UNKNOWN_PARTNER; also how many were missing."""
    codes = pc.utf8_upper(values.dictionary)
    empty = pc.equal(codes, "")
    missing = values.null_count + (pc.sum(pc.take(pc.cast(empty, pa.int64()),
                                                  values.indices)).as_py() or 0)
    codes = pc.if_else(empty, UNKNOWN_PARTNER, codes)
    if values.null_count == 0:
        return pa.DictionaryArray.from_arrays(values.indices, codes), missing
    unknown = pa.scalar(len(codes), values.indices.type)
    return pa.DictionaryArray.from_arrays(
        pc.fill_null(values.indices, unknown),
        pa.concat_arrays([codes, pa.array([UNKNOWN_PARTNER], pa.string())]),
    ), missing


# MM/YYYY as published; M/YYYY, MM.YYYY, DD.MM.YYYY and YYYY-MM as Excel re-saves write it.
# Every pattern is anchored at both ends: "2018-1234" is not December 2018.
_TIME = r"(?:[ T]00:00(?::00)?)?"
_PERIOD_PATTERNS = (
    r"^(?P<month>[0-9]{1,2})[/.](?P<year>[0-9]{4})$",
    rf"^[0-9]{{1,2}}\.(?P<month>[0-9]{{1,2}})\.(?P<year>[0-9]{{4}}){_TIME}$",
    rf"^(?P<year>[0-9]{{4}})-(?P<month>[0-9]{{1,2}})(?:-[0-9]{{1,2}}{_TIME})?$",
)


def _period(values: pa.Array, *, file: str, column: str, first_line: int) -> tuple[pa.Array, ...]:
    encoded = _encoded(values)
    distinct = encoded.dictionary
    year = pa.nulls(len(distinct), pa.string())
    month = pa.nulls(len(distinct), pa.string())
    for pattern in _PERIOD_PATTERNS:
        found = pc.extract_regex(distinct, pattern)
        year = pc.coalesce(year, pc.struct_field(found, "year"))
        month = pc.coalesce(month, pc.struct_field(found, "month"))
    year = pc.take(pc.cast(year, pa.int16()), encoded.indices)
    if pc.any(pc.is_null(year)).as_py():
        index = pc.index(pc.is_null(year), True).as_py()
        raise SchemaError(file, "a period as MM/YYYY", line=first_line + index, column=column,
                          found=encoded[index].as_py())
    return year, pc.take(pc.cast(month, pa.int8()), encoded.indices)


def _hs_codes(values: pa.Array) -> pa.Array:
    """Keep codes as text; restore the leading zero Excel drops from 9-digit codes."""
    upper = pc.utf8_upper(values)
    confidential = pc.match_substring_regex(upper, "^X+$")
    lost_zero = pc.and_(pc.equal(pc.utf8_length(upper), 9), pc.utf8_is_digit(upper))
    padded = pc.if_else(lost_zero, pc.utf8_lpad(upper, 10, "0"), upper)
    return pc.if_else(confidential, CONFIDENTIAL_HS, padded)


def _region_iso(value: str) -> str | None:
    return region_of(value)


_GENERIC_WORDS = {"ОБЛАСТЬ", "КРАЙ", "РЕСПУБЛИКА", "ГОРОД", "Г.", "Г", "АВТОНОМНЫЙ", "АВТОНОМНАЯ",
                  "ОКРУГ", "РЕГИОН", "REGION", "TERRITORY", "REPUBLIC", "OF", "THE", "CITY",
                  "AUTONOMOUS", "AREA", "DISTRICT", "OBLAST", "KRAI", "-", "—"}
_CODE_AND_NAME = re.compile(r"^\s*([0-9]{5})\s*[-–—]\s*(\S.*)$")


def region_of(value: str) -> str | None:
    """ISO code of an FCS region ``NNNNN - NAME``, ``NNNNN`` or a name; None when unknown.

    A code and a name that belong to different regions (``69000 - ГОРОД МОСКВА``) are
    None too: which of the two is wrong cannot be told, and the code silently winning
    put Moscow's trade under Tomsk.
    """
    iso = region_by_fcs_code(value)
    found = _CODE_AND_NAME.match(value)
    if iso is None or found is None:
        return iso
    named = region_by_fcs_code(found.group(2))
    if named is not None:
        return iso if named == iso else None
    words = _stems(found.group(2))
    row = regions().set_index("iso_code").loc[iso]
    known = set().union(*(_stems(row[c]) for c in ("fcs_name_ru", "fcs_name_en", "name_ru",
                                                   "name_en")))
    return iso if not words or words & known else None


def _stems(name: str) -> set[str]:
    """Distinctive words of a region name, cut to 5 letters (ТОМСКАЯ and ТОМСК agree)."""
    words = re.split(r"[\s,()]+", name.upper().replace("Ё", "Е"))
    return {w[:5] for w in words if w and w not in _GENERIC_WORDS}
