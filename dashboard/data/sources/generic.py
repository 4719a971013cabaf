"""Analysts' own tidy tables (CSV) -> canonical trade batches.

One row per reporter, partner, flow and period, e.g. annual totals by partner
without HS codes.  Header names are matched case-insensitively against the
RU/EN synonyms below; a caller (the Data page) may pass its own mapping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.errors import SchemaError
from dashboard.data.schema import TRADE_SCHEMA, validate
from dashboard.data.sources.base import Sniff, TradeBatches
from dashboard.data.sources.fcs import region_of
from dashboard.data.sources.tabular import map_values, parse_numbers, stream_csv
from dashboard.reference.countries import country_code
from dashboard.reference.regions import region_by_fcs_code, regions

SYNONYMS: dict[str, tuple[str, ...]] = {
    "reporter": ("reporter", "region", "регион", "субъект", "reporter_code", "территория"),
    "partner": ("partner", "country", "partner_code", "страна", "партнер", "партнёр"),
    "flow": ("flow", "direction", "направление", "поток", "napr"),
    "year": ("year", "год"),
    "month": ("month", "месяц"),
    "hs_code": ("hs_code", "hs", "commodity", "tnved", "тн вэд", "тнвэд", "код тн вэд", "товар"),
    "value_usd": ("value_usd", "value", "usd", "стоимость", "стоимость_usd", "stoim"),
    "value_thousand_usd": ("value_thousand_usd", "value_kusd", "тыс_долл", "стоимость_тыс_usd"),
    "net_kg": ("net_kg", "netto", "netweight", "нетто", "вес_кг"),
    "quantity": ("quantity", "kol", "количество"),
    "unit": ("unit", "edizm", "единица"),
}
REQUIRED = ("reporter", "partner", "flow", "year")
FLOW_WORDS = {
    "export": "export", "exports": "export", "x": "export", "exp": "export", "экспорт": "export",
    "эк": "export", "import": "import", "imports": "import", "m": "import", "imp": "import",
    "импорт": "import", "им": "import",
}


def resolve_columns(
    header: tuple[str, ...], mapping: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Canonical role -> file column, from an explicit mapping or the synonyms."""
    by_lower = {name.strip().lower(): name for name in header}
    resolved = {role: column for role, column in (mapping or {}).items() if column in header}
    for role, names in SYNONYMS.items():
        if role not in resolved:
            found = next((by_lower[n] for n in names if n in by_lower), None)
            if found is not None:
                resolved[role] = found
    return resolved


def matches(sniff: Sniff) -> bool:
    """True when the header names every required role and a value column."""
    roles = resolve_columns(sniff.header)
    return all(r in roles for r in REQUIRED) and (
        "value_usd" in roles or "value_thousand_usd" in roles
    )


def read(path: Path, sniff: Sniff, *, mapping: Mapping[str, str] | None = None) -> TradeBatches:
    """Stream a tidy CSV as canonical batches."""
    roles = resolve_columns(sniff.header, mapping)
    missing = [r for r in REQUIRED if r not in roles]
    if "value_usd" not in roles and "value_thousand_usd" not in roles:
        missing.append("value_usd")
    if missing:
        raise SchemaError(sniff.display_name,
                          f"columns for {', '.join(missing)} (see README: generic CSV)",
                          line=sniff.header_line, found=sniff.separator.join(sniff.header))
    types = {column: pa.string() for column in roles.values()}
    decimal_point = "." if sniff.separator == "," else ","
    raw = stream_csv(path, sniff, column_types=types)
    parsed = TradeBatches(format="csv", encoding=sniff.encoding, separator=sniff.separator,
                          batches=iter(()))
    parsed.batches = _batches(raw, roles, sniff, decimal_point)
    return parsed


def _batches(raw: Iterator[pa.RecordBatch], roles: dict[str, str], sniff: Sniff,
             decimal_point: str) -> Iterator[pa.RecordBatch]:
    line = sniff.header_line + 1
    for batch in raw:
        yield to_canonical(batch, roles, file=sniff.display_name, first_line=line,
                           decimal_point=decimal_point)
        line += batch.num_rows


def to_canonical(
    batch: pa.RecordBatch | pa.Table,
    roles: dict[str, str],
    *,
    file: str,
    first_line: int,
    decimal_point: str = ".",
) -> pa.RecordBatch:
    """One raw tidy batch (text columns) -> a validated canonical batch."""
    n = batch.num_rows

    def text(role: str) -> pa.Array:
        if role not in roles:
            return pa.nulls(n, pa.string())
        values = batch.column(roles[role])
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        values = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
        return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)

    def number(role: str) -> pa.Array:
        if role not in roles:
            return pa.nulls(n, pa.float64())
        return parse_numbers(batch.column(roles[role]), file=file, column=roles[role],
                             first_line=first_line, decimal_point=decimal_point)

    def integer(role: str, kind: pa.DataType, expected: str) -> pa.Array:
        values = text(role)
        ok = pc.fill_null(pc.match_substring_regex(values, r"^[0-9]{1,4}(\.0+)?$"), role == "month")
        if not pc.all(ok).as_py():
            index = pc.index(pc.invert(ok), True).as_py()
            raise SchemaError(file, expected, line=first_line + index, column=roles[role],
                              found=values[index].as_py())
        return pc.cast(pc.cast(values, pa.float64()), kind)

    reporter = map_values(text("reporter"), _reporter_code, file=file, column=roles["reporter"],
                          first_line=first_line,
                          expected="a region (RU-TOM, 69000, Томская область) or a country code")
    partner = map_values(text("partner"), _partner_code, file=file, column=roles["partner"],
                         first_line=first_line,
                         expected="a partner country (ISO code KZ/KAZ or its name)")
    flow = map_values(text("flow"), lambda v: FLOW_WORDS.get(v.lower()), file=file,
                      column=roles["flow"], first_line=first_line, expected="export or import")
    value = number("value_usd") if "value_usd" in roles else pc.multiply(
        number("value_thousand_usd"), 1000.0)
    hs = text("hs_code")
    canonical = pa.RecordBatch.from_arrays(
        [reporter, partner, flow, integer("year", pa.int16(), "a year such as 2018"),
         integer("month", pa.int8(), "a month 1-12") if "month" in roles
         else pa.nulls(n, pa.int8()),
         hs, value, number("net_kg"), number("quantity"), text("unit")],
        schema=TRADE_SCHEMA,
    )
    validate(canonical, file=file, first_line=first_line,
             source_columns={role: roles.get(role, role) for role in TRADE_SCHEMA.names}
             | {"value_usd": roles.get("value_usd", roles.get("value_thousand_usd", "value"))})
    return canonical


def _reporter_code(value: str) -> str | None:
    upper = value.strip().upper()
    table = regions()
    if upper in set(table["iso_code"]):
        return upper
    by_name = {
        name.lower(): iso
        for column in ("name_ru", "name_en")
        for name, iso in zip(table[column], table["iso_code"], strict=True)
    }
    if value.strip().lower() in by_name:
        return by_name[value.strip().lower()]
    found = region_by_fcs_code(value)
    if found is not None:
        return region_of(value)  # None when its code and name are different regions
    return _partner_code(value) if len(upper) in (2, 3) else None


def _partner_code(value: str) -> str | None:
    return country_code(value)
