"""CEPII BACI (reconciled world trade, HS6, annual) -> canonical trade batches.

Year files hold ``t,i,j,k,v,q`` (docs/formats.md §3): year, exporter, importer
(BACI numeric country codes), HS6 product, value in **thousands** of USD and
quantity in **tonnes**.  BACI reconciles both declarations into one figure, so
each row is stored once, as the exporter's export to the importer
(reporter=i, flow=export, partner=j); the importer's import is the same number,
and the mirror view derives it from this row instead of a second stored row
(which would double every total).

Codes come from the archive's own ``country_codes_V*.csv`` when the BACI zip
is loaded; a lone year CSV falls back to ISO numeric codes plus BACI's own
deviations (USA 842, France 251, India 699, Switzerland 757, Norway 579).
Year files reach ~10M rows: they are streamed by Arrow and converted column-wise.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from dashboard.core.errors import SchemaError
from dashboard.data.schema import TRADE_SCHEMA, validate
from dashboard.data.sources.base import Sniff, TradeBatches
from dashboard.data.sources.tabular import parse_numbers, stream_csv
from dashboard.reference.countries import AREAS_NES, iso2_from_m49

LICENCE = ("CEPII BACI (www.cepii.fr), Etalab Open Licence 2.0; values reconciled from UN "
           "Comtrade")
COLUMNS = ("t", "i", "j", "k", "v", "q")
_YEAR_MEMBER = re.compile(r"(^|/)BACI_[^/]*_Y(\d{4})_[^/]*\.csv$", re.IGNORECASE)
_COUNTRY_MEMBER = re.compile(r"(^|/)country_codes[^/]*\.csv$", re.IGNORECASE)

# Where BACI's numeric codes differ from ISO 3166-1 numeric (the territory includes others).
BACI_CODES = {842: "US", 251: "FR", 699: "IN", 757: "CH", 579: "NO"}


def matches(sniff: Sniff) -> bool:
    """True for a BACI year file (header t,i,j,k,v,q)."""
    return tuple(h.strip().lower() for h in sniff.header) == COLUMNS


def year_member(names: list[str]) -> str | None:
    """The first year file of a BACI archive (what detect.py should sniff), if any."""
    years = sorted((m.group(2), name) for name in names if (m := _YEAR_MEMBER.search(name)))
    return years[0][1] if years else None


def read(path: Path, sniff: Sniff) -> TradeBatches:
    """Stream a BACI year CSV, or every year file of a BACI zip, as canonical batches."""
    if not matches(sniff):
        raise SchemaError(sniff.display_name, "the BACI header t,i,j,k,v,q",
                          line=sniff.header_line, found=",".join(sniff.header))
    parsed = TradeBatches(format="baci", encoding=sniff.encoding, separator=sniff.separator,
                          batches=iter(()), licence=LICENCE)
    members: list[str | None] = [sniff.member]
    countries: dict[int, str] = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            members = sorted((n for n in names if _YEAR_MEMBER.search(n)),
                             key=lambda n: _YEAR_MEMBER.search(n).group(2)) or [sniff.member]
            country_file = next((n for n in names if _COUNTRY_MEMBER.search(n)), None)
            if country_file is not None:
                countries = read_country_codes(archive.read(country_file),
                                               file=f"{sniff.display_name}/{country_file}")
                parsed.notes.append(f"country codes from {country_file}")
    if not countries:
        parsed.notes.append("country codes mapped as ISO numeric with BACI's own codes "
                            "(USA 842, France 251, India 699, Switzerland 757, Norway 579)")
    parsed.notes.append("each BACI row is stored once, as the exporter's export (value "
                        "thousand USD x 1000, quantity tonnes -> net kg); the importer's side "
                        "is the same reconciled figure")
    parsed.batches = _batches(path, sniff, members, countries, parsed)
    return parsed


def read_country_codes(data: bytes, *, file: str) -> dict[int, str]:
    """BACI country file (V2024+ or the older layout) -> {code: ISO alpha-2 or special code}."""
    table = pv.read_csv(pa.py_buffer(data), convert_options=pv.ConvertOptions(
        column_types={}, strings_can_be_null=True, auto_dict_encode=False))
    by_lower = {name.strip().lower(): name for name in table.schema.names}
    iso2 = next((by_lower[n] for n in ("country_iso2", "iso_2digit_alpha") if n in by_lower), None)
    if "country_code" not in by_lower or iso2 is None:
        raise SchemaError(file, "country_code and country_iso2 (or iso_2digit_alpha) columns",
                          found=",".join(table.schema.names))
    codes = pc.cast(table.column(by_lower["country_code"]), pa.int64()).to_pylist()
    letters = pc.cast(table.column(iso2), pa.string()).to_pylist()
    mapping = {}
    for code, letter in zip(codes, letters, strict=True):  # ~240 countries, not data rows
        letter = (letter or "").strip().upper()
        found = letter if re.fullmatch(r"[A-Z]{2}", letter) else country_iso2(code)
        if found is not None:
            mapping[code] = found
    return mapping


def country_iso2(code: int) -> str | None:
    """ISO alpha-2 for a BACI code without a country file (groups -> special codes)."""
    if code in BACI_CODES:
        return BACI_CODES[code]
    import pycountry

    country = pycountry.countries.get(numeric=f"{code:03d}")
    if country is not None:
        return country.alpha_2

    return iso2_from_m49(code)


def _batches(path: Path, sniff: Sniff, members: list[str | None], countries: dict[int, str],
             parsed: TradeBatches) -> Iterator[pa.RecordBatch]:
    actual = {name.strip().lower(): name for name in sniff.header}
    types = {actual[c]: pa.string() for c in COLUMNS}
    unknown: dict[int, int] = {}
    for member in members:
        member_sniff = replace(sniff, member=member, header_line=1 if member else
                               sniff.header_line)
        file = f"{sniff.display_name}/{member}" if member else sniff.display_name
        line = member_sniff.header_line + 1
        for batch in stream_csv(path, member_sniff, column_types=types):
            yield to_canonical(batch, actual, countries, unknown, file=file, first_line=line)
            line += batch.num_rows
    if unknown:
        parsed.notes.append(
            f"{sum(unknown.values())} rows with country codes that have no ISO code "
            f"({', '.join(map(str, sorted(unknown)))}) kept as {AREAS_NES} (areas n.e.s.)")


def _integers(values: pa.Array, *, file: str, column: str, first_line: int,
              expected: str) -> pa.Array:
    text = pc.utf8_trim_whitespace(values)
    ok = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]+$"), False)
    if not pc.all(ok).as_py():
        index = pc.index(pc.invert(ok), True).as_py()
        raise SchemaError(file, expected, line=first_line + index, column=column,
                          found=values[index].as_py())
    return pc.cast(text, pa.int64())


def to_canonical(batch: pa.RecordBatch, actual: dict[str, str], countries: dict[int, str],
                 unknown: dict[int, int], *, file: str, first_line: int) -> pa.RecordBatch:
    """One raw BACI batch (text columns) -> a validated canonical batch of export rows."""
    def column(name: str) -> pa.Array:
        values = batch.column(actual[name])
        return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values

    def country(name: str) -> pa.Array:
        codes = _integers(column(name), file=file, column=actual[name], first_line=first_line,
                          expected="a BACI country code")
        distinct = pc.unique(codes)
        mapped = [countries.get(c) or country_iso2(c) for c in distinct.to_pylist()]
        iso = pc.take(pa.array(mapped, pa.string()), pc.index_in(codes, distinct))
        missing = pc.is_null(iso)
        if pc.any(missing).as_py():
            for item in pc.value_counts(codes.filter(missing)).to_pylist():
                unknown[item["values"]] = unknown.get(item["values"], 0) + item["counts"]
        return pc.fill_null(iso, AREAS_NES)

    def thousands(name: str) -> pa.Array:
        text = pc.utf8_trim_whitespace(column(name))
        # Missing quantities are "NA", sometimes left-padded with spaces.
        text = pc.if_else(pc.is_in(text, pa.array(["NA", "N/A", ""])),
                          pa.scalar(None, pa.string()), text)
        return pc.multiply(parse_numbers(text, file=file, column=actual[name],
                                         first_line=first_line, decimal_point="."), 1000.0)

    year = pc.cast(_integers(column("t"), file=file, column=actual["t"], first_line=first_line,
                             expected="a year such as 2017"), pa.int16())
    product = pc.utf8_trim_whitespace(column("k"))
    bad = pc.invert(pc.fill_null(pc.match_substring_regex(product, r"^[0-9]{1,6}$"), False))
    if pc.any(bad).as_py():
        index = pc.index(bad, True).as_py()
        raise SchemaError(file, "an HS6 product code", line=first_line + index,
                          column=actual["k"], found=product[index].as_py())
    n = batch.num_rows
    canonical = pa.RecordBatch.from_arrays(
        [country("i"), country("j"), pa.repeat(pa.scalar("export"), n),
         year, pa.nulls(n, pa.int8()), pc.utf8_lpad(product, 6, "0"), thousands("v"),
         thousands("q"), pa.nulls(n, pa.float64()), pa.nulls(n, pa.string())],
        schema=TRADE_SCHEMA,
    )
    validate(canonical, file=file, first_line=first_line,
             source_columns={"reporter": actual["i"], "partner": actual["j"],
                             "year": actual["t"], "hs_code": actual["k"],
                             "value_usd": actual["v"], "net_kg": actual["q"]})
    return canonical

