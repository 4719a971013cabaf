"""UN Comtrade -> canonical trade batches: downloaded files and the v1 API.

Files (docs/formats.md §2), matched by column name case-insensitively:

* the Comtrade+ CSV download (47 camelCase columns, comma, quoted cmdDesc,
  maybe latin-1, maybe a trailing comma on every data row);
* the bulk file (``C_A_<reporter>_<period>_S1_O.txt.gz``: gzip, TAB, codes only);
* the legacy API CSV (35 columns, ``Trade Flow Code`` 1-4, CRLF), also as exports in
  the wild spell it (``TradeFlow Code``, ``Netweightkg``, ``TradeValueUS``), with rows of
  several HS editions (``Classification`` H2, H3, H4) in one file.

Columns are found by meaning through one synonym table (``COLUMN_SPELLINGS``).  The
trade table has no classification column, so the HS edition of each year is kept in
the dataset notes; a year given in two HS editions keeps the newest (see
docs/formats.md).

Aggregates are never double-counted.  Comtrade publishes the partner "World"
beside the individual partners and the commodity ``TOTAL`` (and chapters,
headings) beside the detailed codes; the store sums rows, so a file keeps one
partner level and one HS level: World rows only when the file lists no
individual partner, and only the finest HS level present in the file (``TOTAL``
when that is all there is).  The dropped rows are counted in ``rejected`` and
named in ``notes``.  Partner World is stored as ``XW``; any view ranking
partners must leave ``XW`` out.

Flows: X export, M import, RX re-export, RM re-import; Comtrade's X and M
already include re-exports and re-imports, which are stored as their own flows
for information only.  Other codes (DX, FM, MIP, XIP, ...) are skipped.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from dashboard.core.config import settings
from dashboard.core.errors import NotFoundError, SchemaError, SourceError
from dashboard.data.schema import TRADE_SCHEMA, validate
from dashboard.data.sources import http
from dashboard.data.sources.base import Sniff, TradeBatches
from dashboard.data.sources.tabular import (
    BLOCK_SIZE,
    detect_encoding,
    detect_separator,
    open_binary,
    parse_numbers,
)
from dashboard.reference.countries import AREAS_NES, iso2_from_iso3, iso2_from_m49

log = logging.getLogger(__name__)

SOURCE = "UN Comtrade"
LICENCE = "UN Comtrade Database (comtradeplus.un.org), United Nations Statistics Division"
KEY_ENV = "OBOROT_COMTRADE_KEY"
PREVIEW_LIMIT = 500  # the keyless preview endpoint returns at most this many records
GET_LIMIT = 250_000  # maxRecords accepted by the keyed endpoint
GZIP_MAGIC = b"\x1f\x8b"
_WORLD_CODES = ("0",)
_WORLD_ISO = ("W00", "WLD")


# One synonym table: every known spelling of each column, by what the column means.
# Spellings are compared after ``spelling_key`` (lower case, letters and digits only),
# so "Trade Flow Code", "TradeFlow Code" and "tradeFlowCode" are one name, as are
# "Netweight (kg)" and "Netweightkg", "Trade Value (US$)" and "TradeValueUS".
# The first spelling present in a header wins.
COLUMN_SPELLINGS: dict[str, tuple[str, ...]] = {
    "reporter_code": ("reportercode",),
    "reporter_iso": ("reporteriso",),
    "partner_code": ("partnercode",),
    "partner_iso": ("partneriso",),
    "flow": ("flowcode", "tradeflowcode"),
    "year": ("refyear", "year"),
    "month": ("refmonth",),
    "period": ("period",),
    "classification": ("classificationcode", "classification"),
    "hs": ("cmdcode", "commoditycode"),
    "description": ("cmddesc", "commodity"),  # the code's name: stored as an HS name
    "value": ("primaryvalue", "tradevalueus", "tradevalue"),
    "net": ("netwgt", "netweightkg", "netweight"),
    "quantity": ("qty",),
    "unit_code": ("qtyunitcode",),
    "unit": ("qtyunitabbr", "qtyunitcode"),
    "partner2": ("partner2code", "2ndpartnercode", "secondpartnercode"),
    "customs": ("customscode", "customsproccode", "customsprocedurecode"),
    "mot": ("motcode", "modeoftransportcode"),
}


def spelling_key(name: str) -> str:
    """A column name reduced to lower-case letters and digits (how spellings are compared)."""
    return re.sub(r"[^0-9a-z]", "", name.strip().lstrip("\ufeff").lower())


@dataclass(frozen=True)
class Layout:
    """A Comtrade variant: told apart by the spelling of its flow column and its codes."""

    format: str
    flow_spelling: str  # the COLUMN_SPELLINGS["flow"] entry this variant uses
    required: tuple[str, ...]
    flows: dict[str, str]
    no_quantity_units: tuple[str, ...]  # qty unit codes meaning "no quantity"


_FLOWS_PLUS = {"X": "export", "M": "import", "RX": "re-export", "RM": "re-import"}
PLUS = Layout("comtrade-plus", "flowcode",
              ("reporter_code", "flow", "partner_code", "hs", "value"), _FLOWS_PLUS, ("-1",))
LEGACY = Layout(
    "comtrade-legacy", "tradeflowcode",
    ("reporter_code", "flow", "partner_code", "hs", "value", "year"),
    {"1": "import", "2": "export", "3": "re-export", "4": "re-import"},
    ("1",),  # legacy unit 1 = "No Quantity"
)
LAYOUTS = (PLUS, LEGACY)


def layout_of(header: Sequence[str]) -> tuple[Layout, dict[str, str]] | None:
    """The Comtrade layout the header matches, with role -> actual column name."""
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(spelling_key(name), name)
    columns = {
        role: by_key[next(s for s in spellings if s in by_key)]
        for role, spellings in COLUMN_SPELLINGS.items()
        if any(s in by_key for s in spellings)
    }
    if "flow" not in columns:
        return None
    flow_key = spelling_key(columns["flow"])
    for layout in LAYOUTS:
        if flow_key == layout.flow_spelling and all(r in columns for r in layout.required) and (
            "year" in columns or "period" in columns
        ):
            return layout, columns
    return None


def matches(sniff: Sniff) -> bool:
    """True for a Comtrade+ download, bulk file or legacy API CSV."""
    return layout_of(sniff.header) is not None


# -- files -------------------------------------------------------------------------


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic bytes (bulk ``.txt.gz``)."""
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def sniff_gzip(path: Path, *, display_name: str, head_bytes: int = 256 << 10) -> Sniff:
    """Encoding, separator and header of a gzip-compressed text file (the bulk download)."""
    with pa.input_stream(str(path), compression="gzip") as stream:
        head = stream.read(head_bytes)
    encoding = detect_encoding(head)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    lines = text.lstrip("\ufeff").splitlines()
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None:
        raise SchemaError(display_name, "a header line", found="only blank lines")
    separator = detect_separator(lines[index])
    header = next(csv.reader([lines[index]], delimiter=separator))
    return Sniff(display_name=display_name, encoding=encoding, separator=separator,
                 header=tuple(h.strip() for h in header), header_line=index + 1)


def read(path: Path, sniff: Sniff) -> TradeBatches:
    """Stream a Comtrade file (CSV, legacy CSV, or gzip bulk TSV) as canonical batches."""
    if is_gzip(path) and sniff.member is None and sniff.header and not matches(sniff):
        sniff = sniff_gzip(path, display_name=sniff.display_name)
    found = layout_of(sniff.header)
    if found is None:
        raise SchemaError(sniff.display_name,
                          "a Comtrade header (reporterCode, flowCode, partnerCode, cmdCode, "
                          "primaryValue, ...)", line=sniff.header_line,
                          found=sniff.separator.join(sniff.header)[:200])
    layout, columns = found
    fmt = "comtrade-bulk" if sniff.separator == "\t" and layout is PLUS else layout.format
    parsed = TradeBatches(format=fmt, encoding=sniff.encoding, separator=sniff.separator,
                          batches=iter(()), licence=LICENCE)
    names = _column_names(path, sniff)
    scan_roles = [r for r in ("partner_code", "partner_iso", "hs", "classification", "year",
                              "period") if r in columns]
    levels = _Levels.scan(_csv_batches(path, sniff, names, [columns[r] for r in scan_roles]),
                          columns)
    wanted = list(dict.fromkeys(columns.values()))
    raw = _csv_batches(path, sniff, names, wanted)
    parsed.batches = _file_batches(raw, layout, columns, levels, sniff, parsed)
    return parsed


def _open(path: Path, sniff: Sniff) -> pa.NativeFile:
    if sniff.member is None and is_gzip(path):
        return pa.input_stream(str(path), compression="gzip")
    return pa.PythonFile(open_binary(path, sniff), mode="r")


def _column_names(path: Path, sniff: Sniff) -> list[str]:
    """Header names, plus one for the empty field a trailing comma adds to every row."""
    names = [name or f"_unnamed_{i}" for i, name in enumerate(sniff.header)]
    with _open(path, sniff) as stream:
        head = stream.read(1 << 16)
    text = codecs.getincrementaldecoder(sniff.encoding)(errors="replace").decode(head)
    lines = text.lstrip("\ufeff").splitlines()
    if len(lines) > sniff.header_line:
        first = next(csv.reader([lines[sniff.header_line]], delimiter=sniff.separator), [])
        if len(first) == len(names) + 1 and first[-1].strip() == "":
            names.append("_trailing")
    return names


def _csv_batches(path: Path, sniff: Sniff, names: list[str],
                 include: list[str]) -> Iterator[pa.RecordBatch]:
    encoding = "utf8" if sniff.encoding in {"utf-8", "utf-8-sig", "ascii"} else sniff.encoding
    try:
        reader = pv.open_csv(
            _open(path, sniff),
            read_options=pv.ReadOptions(encoding=encoding, block_size=BLOCK_SIZE,
                                        skip_rows=sniff.header_line, column_names=names),
            parse_options=pv.ParseOptions(delimiter=sniff.separator, quote_char='"'),
            convert_options=pv.ConvertOptions(
                column_types={name: pa.string() for name in include},
                include_columns=include, strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
        yield from reader
    except pa.ArrowInvalid as exc:
        raise SchemaError(sniff.display_name,
                          f"the same number of fields on every line as in the header ({exc})",
                          ) from None


def _file_batches(raw: Iterator[pa.RecordBatch], layout: Layout, columns: dict[str, str],
                  levels: _Levels, sniff: Sniff, parsed: TradeBatches) -> Iterator[pa.RecordBatch]:
    tally = _Tally()
    line = sniff.header_line + 1
    for batch in raw:
        _collect_descriptions(batch, columns, parsed.hs_names)
        canonical = to_canonical(batch, layout, columns, levels=levels, tally=tally,
                                 file=sniff.display_name, first_line=line)
        line += batch.num_rows
        if canonical.num_rows:
            yield canonical
    parsed.rejected += tally.rejected
    parsed.notes.extend(tally.notes(levels))


# -- aggregate levels and the canonical rows -----------------------------------------


@dataclass
class _Levels:
    """Which partner and HS level a file keeps (see the module docstring)."""

    has_partners: bool = False  # any partner other than World
    finest: int = 0  # digits of the finest HS code present (0 = TOTAL only)
    editions: dict[str, set[str]] = field(default_factory=dict)  # year -> HS editions (H2, H3)

    @classmethod
    def scan(cls, batches: Iterable[pa.RecordBatch | pa.Table], columns: dict[str, str]) -> _Levels:
        """Read the partner, commodity and classification columns once to choose the levels."""
        levels = cls()
        for batch in batches:
            world = _is_world(batch, columns)
            levels.has_partners |= bool(pc.any(pc.invert(world)).as_py())
            if "hs" in columns:
                digits = _hs_digits(_text(batch, columns["hs"]))
                longest = pc.max(pc.utf8_length(digits)).as_py()
                levels.finest = max(levels.finest, longest or 0)
            if "classification" in columns:
                pairs = pa.table({"year": _year_text(batch, columns),
                                  "edition": _edition(batch, columns)})
                for row in pairs.group_by(["year", "edition"]).aggregate([]).to_pylist():
                    if row["year"] and row["edition"]:
                        levels.editions.setdefault(row["year"], set()).add(row["edition"])
        return levels

    def edition_kept(self, year: str) -> str | None:
        """The HS edition kept for a year reported in several (the newest; None = any)."""
        found = {e for e in self.editions.get(year, set()) if _is_hs_edition(e)}
        return max(found, key=_edition_order) if len(found) > 1 else None


def _is_hs_edition(code: str) -> bool:
    """H0..H6 (HS 1992..2022) or HS ("as reported"); SITC (S1..S4) and BEC are not HS."""
    return code == "HS" or (len(code) == 2 and code[0] == "H" and code[1].isdigit())


def _edition_order(code: str) -> int:
    return int(code[1]) if code[1:].isdigit() else -1


def _edition(batch: pa.RecordBatch | pa.Table, columns: dict[str, str]) -> pa.Array:
    """The classification code of every row, upper case (H2, H3, H4, S3 ...; null if none)."""
    return pc.utf8_upper(_text(batch, columns.get("classification")))


def _year_text(batch: pa.RecordBatch | pa.Table, columns: dict[str, str]) -> pa.Array:
    """The year of every row as text: the year column, else the period's first four digits."""
    period = _text(batch, columns.get("period"))
    year = pc.coalesce(_text(batch, columns.get("year")), pc.utf8_slice_codeunits(period, 0, 4))
    return pc.replace_substring_regex(year, r"\.0+$", "")


@dataclass
class _Tally:
    rejected: int = 0
    flows: dict[str, int] = field(default_factory=dict)
    world: int = 0
    coarse: int = 0
    breakdown: int = 0
    unknown_partners: dict[str, int] = field(default_factory=dict)
    other_edition: dict[str, int] = field(default_factory=dict)  # "2010 H2" -> rows skipped
    not_hs: dict[str, int] = field(default_factory=dict)  # classification -> rows skipped
    kept_editions: dict[str, set[str]] = field(default_factory=dict)  # edition -> years
    world_kept: int = 0

    def notes(self, levels: _Levels) -> list[str]:
        notes = []
        if self.kept_editions:
            # The trade table has one hs_code column shared by every source and no
            # classification column; the edition of each row is a property of its year in a
            # Comtrade file, so the year -> edition list here is enough to read any row.
            listed = "; ".join(f"{edition} {_years_text(years)}"
                               for edition, years in sorted(self.kept_editions.items()))
            notes.append(f"HS editions (classification of each row, by year): {listed}; "
                         "codes of different editions can differ where headings were split "
                         "or merged")
        if self.other_edition:
            listed = ", ".join(f"{key} ({n})" for key, n in sorted(self.other_edition.items()))
            notes.append(f"rows of an older HS edition of a year also reported in a newer one "
                         f"skipped: {listed}")
        if self.not_hs:
            listed = ", ".join(f"{key} ({n})" for key, n in sorted(self.not_hs.items()))
            notes.append(f"rows classified in SITC/BEC rather than HS skipped: {listed}")
        if self.world_kept and not levels.has_partners:
            notes.append("World is the only partner in this file: it answers the reporter's "
                         "totals with the world by year, flow and commodity (and their growth), "
                         "but not who the partners are: partner ranks, shares, maps and mirror "
                         "comparisons need a file that lists partners one by one")
        if self.flows:
            listed = ", ".join(f"{code} ({n})" for code, n in sorted(self.flows.items()))
            notes.append(f"rows with other trade flows skipped: {listed}; only X, M, RX, RM "
                         "are stored")
        if self.world:
            notes.append(f"{self.world} partner World rows skipped: the file lists partners "
                         "one by one, and their sum is the total")
        if self.coarse:
            level = f"{levels.finest}-digit codes" if levels.finest else "TOTAL"
            notes.append(f"{self.coarse} rows at coarser commodity levels skipped: only "
                         f"{level} are kept, so totals are not counted twice")
        if self.breakdown:
            notes.append(f"{self.breakdown} rows broken down by 2nd partner, customs procedure "
                         "or transport mode skipped (their totals are kept)")
        if self.unknown_partners:
            codes = ", ".join(sorted(self.unknown_partners))
            notes.append(f"{sum(self.unknown_partners.values())} rows with partner codes "
                         f"without an ISO country ({codes}) kept as XS (areas n.e.s.)")
        return notes


def _years_text(years: set[str]) -> str:
    """'2005, 2006, 2007, 2010' -> '2005-2007, 2010'."""
    ordered = sorted(int(y) for y in years if y.isdigit())
    runs: list[list[int]] = []
    for year in ordered:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _text(batch: pa.RecordBatch | pa.Table, column: str | None) -> pa.Array:
    if column is None or column not in batch.schema.names:
        return pa.nulls(batch.num_rows, pa.string())
    values = batch.column(column)
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    text = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _is_world(batch: pa.RecordBatch | pa.Table, columns: dict[str, str]) -> pa.Array:
    code = _text(batch, columns.get("partner_code"))
    iso = pc.utf8_upper(_text(batch, columns.get("partner_iso")))
    world = pc.or_kleene(pc.is_in(code, pa.array(_WORLD_CODES)),
                         pc.is_in(iso, pa.array(_WORLD_ISO)))
    return pc.fill_null(world, False)


def _hs_digits(values: pa.Array) -> pa.Array:
    """Commodity codes as digits; TOTAL -> null; odd lengths (a lost leading zero) padded."""
    upper = pc.utf8_upper(values)
    digits = pc.if_else(pc.utf8_is_digit(upper), upper, pa.scalar(None, pa.string()))
    odd = pc.equal(pc.bit_wise_and(pc.utf8_length(digits), 1), 1)
    return pc.if_else(odd, pc.binary_join_element_wise("0", digits, ""), digits)


def _map_distinct(values: pa.Array, lookup: Callable[[str], str | None]) -> pa.Array:
    """Apply ``lookup`` once per distinct value (None where it finds nothing)."""
    encoded = pc.dictionary_encode(values)
    mapped = [lookup(v) if v is not None else None for v in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(mapped, pa.string()), encoded.indices)


def _iso2_from_code(value: str) -> str | None:
    return iso2_from_m49(value.split(".")[0])


def _iso2_from_iso3(value: str) -> str | None:
    return iso2_from_iso3(value)


def _first_bad(mask: pa.Array) -> int | None:
    mask = pc.fill_null(mask, False)
    return pc.index(mask, True).as_py() if pc.any(mask).as_py() else None


def to_canonical(
    batch: pa.RecordBatch | pa.Table,
    layout: Layout,
    columns: dict[str, str],
    *,
    levels: _Levels,
    tally: _Tally,
    file: str,
    first_line: int,
) -> pa.RecordBatch:
    """One raw Comtrade batch (text columns) -> a validated canonical batch of the rows kept."""
    n = batch.num_rows
    col = columns.get
    lines = pa.array(np.arange(first_line, first_line + n, dtype=np.int64))

    def fail(index: int, role: str, expected: str) -> SchemaError:
        return SchemaError(file, expected, line=first_line + index, column=col(role),
                           found=batch.column(col(role))[index].as_py())

    # Flows outside X/M/RX/RM are skipped and counted.
    flow_code = pc.utf8_upper(_text(batch, col("flow")))
    flow = _map_distinct(flow_code, lambda v: layout.flows.get(v.split(".")[0]))
    other_flow = pc.is_null(flow)
    skipped = flow_code.filter(pc.fill_null(other_flow, False))
    if len(skipped):
        for item in pc.value_counts(pc.fill_null(skipped, "(empty)")).to_pylist():
            tally.flows[item["values"]] = tally.flows.get(item["values"], 0) + item["counts"]

    # Breakdowns by 2nd partner, customs procedure or transport mode repeat their total.
    breakdown = pa.array(np.zeros(n, dtype=bool))
    for role, totals in (("partner2", ("0",)), ("customs", ("C00",)), ("mot", ("0",))):
        values = pc.utf8_upper(_text(batch, col(role)))
        values = pc.replace_substring_regex(values, r"\.0+$", "")
        other = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, pa.array(totals))))
        breakdown = pc.or_(breakdown, other)

    world = _is_world(batch, columns)
    drop_world = pc.and_(world, pa.scalar(levels.has_partners))
    hs = _hs_digits(_text(batch, col("hs")))
    hs_len = pc.fill_null(pc.utf8_length(hs), 0)
    coarse = pc.not_equal(hs_len, levels.finest)
    bad_hs = pc.and_(pc.is_null(hs), pc.is_valid(_text(batch, col("hs"))))
    bad_hs = pc.and_(bad_hs, pc.invert(pc.equal(pc.utf8_upper(_text(batch, col("hs"))), "TOTAL")))
    if (index := _first_bad(bad_hs)) is not None:
        raise fail(index, "hs", "a commodity code (digits or TOTAL)")

    # Rows of an HS edition not kept for their year, or not HS at all (TOTAL is the same
    # sum in any classification), are dropped like the other duplicates.
    edition = _edition(batch, columns)
    year_key = _year_text(batch, columns)
    wanted = _map_distinct(year_key, lambda y: levels.edition_kept(y))
    is_total = pc.is_null(hs)
    not_hs = pc.and_(pc.is_valid(edition), pc.invert(pc.or_(
        _map_distinct(edition, lambda e: "1" if _is_hs_edition(e) else None).is_valid(),
        is_total)))
    other_edition = pc.fill_null(pc.and_(pc.is_valid(wanted), pc.not_equal(edition, wanted)),
                                 False)
    duplicate = pc.or_(pc.fill_null(not_hs, False), other_edition)
    keep = pc.invert(pc.or_(pc.or_(other_flow, breakdown),
                            pc.or_(pc.or_(drop_world, coarse), duplicate)))
    after_flow = pc.invert(other_flow)
    tally.breakdown += pc.sum(pc.and_(after_flow, breakdown)).as_py() or 0
    rest = pc.and_(after_flow, pc.invert(breakdown))
    tally.world += pc.sum(pc.and_(rest, drop_world)).as_py() or 0
    tally.coarse += pc.sum(pc.and_(pc.and_(rest, pc.invert(drop_world)), coarse)).as_py() or 0
    rest = pc.and_(pc.and_(rest, pc.invert(drop_world)), pc.invert(coarse))
    for mask, counts, label in ((pc.and_(rest, other_edition), tally.other_edition, True),
                                (pc.and_(rest, pc.fill_null(not_hs, False)), tally.not_hs,
                                 False)):
        if pc.any(mask).as_py():
            keys = (pc.binary_join_element_wise(year_key, edition, " ") if label else edition)
            for item in pc.value_counts(keys.filter(mask)).to_pylist():
                counts[item["values"]] = counts.get(item["values"], 0) + item["counts"]
    kept = pa.table({"year": year_key, "edition": edition}).filter(keep)
    for row in kept.group_by(["year", "edition"]).aggregate([]).to_pylist():
        if row["edition"] and row["year"]:
            tally.kept_editions.setdefault(row["edition"], set()).add(row["year"])
    tally.world_kept += pc.sum(pc.and_(keep, world)).as_py() or 0
    tally.rejected += n - (pc.sum(keep).as_py() or 0)

    reporter = pc.coalesce(_map_distinct(_text(batch, col("reporter_code")), _iso2_from_code),
                           _map_distinct(pc.utf8_upper(_text(batch, col("reporter_iso"))),
                                         _iso2_from_iso3))
    if (index := _first_bad(pc.and_(keep, pc.is_null(reporter)))) is not None:
        raise fail(index, "reporter_code", "a Comtrade reporter code (UN M49) or ISO3 code")

    partner_code = _text(batch, col("partner_code"))
    partner = pc.coalesce(_map_distinct(partner_code, _iso2_from_code),
                          _map_distinct(pc.utf8_upper(_text(batch, col("partner_iso"))),
                                        _iso2_from_iso3))
    unknown = pc.and_(keep, pc.is_null(partner))
    if pc.any(unknown).as_py():
        for item in pc.value_counts(partner_code.filter(unknown)).to_pylist():
            code = str(item["values"])
            tally.unknown_partners[code] = tally.unknown_partners.get(code, 0) + item["counts"]

        partner = pc.fill_null(partner, AREAS_NES)

    period = _text(batch, col("period"))
    if col("period"):  # YYYY or YYYYMM; the month is read from it when no month column
        shape = pc.match_substring_regex(period, r"^[0-9]{4}(0[1-9]|1[0-2])?$")
        if (index := _first_bad(pc.and_(keep, pc.invert(pc.fill_null(shape, False))))) \
                is not None:
            raise fail(index, "period", "a period as YYYY or YYYYMM")
    year_text = pc.coalesce(_text(batch, col("year")), pc.utf8_slice_codeunits(period, 0, 4))
    year_text = pc.replace_substring_regex(year_text, r"\.0+$", "")
    bad_year = pc.invert(pc.fill_null(pc.match_substring_regex(year_text, r"^[0-9]{4}$"), False))
    if (index := _first_bad(pc.and_(keep, bad_year))) is not None:
        raise fail(index, "year" if col("year") else "period", "a year such as 2018")
    year = pc.cast(pc.if_else(bad_year, pa.scalar("0"), year_text), pa.int16())

    # Annual rows: refMonth 52 (or 0), or a period of four digits.
    month_text = _text(batch, col("month")) if col("month") else pc.if_else(
        pc.equal(pc.utf8_length(period), 6), pc.utf8_slice_codeunits(period, 4, 6),
        pa.scalar(None, pa.string()))
    month_text = pc.replace_substring_regex(month_text, r"\.0+$", "")
    month_ok = pc.fill_null(pc.match_substring_regex(month_text, r"^(0?[1-9]|1[0-2])$"), False)
    month = pc.if_else(month_ok, pc.cast(pc.if_else(month_ok, month_text, pa.scalar("0")),
                                         pa.int8()), pa.scalar(None, pa.int8()))

    def number(role: str) -> pa.Array:
        if col(role) is None:
            return pa.nulls(n, pa.float64())
        return parse_numbers(_text(batch, col(role)), file=file, column=col(role),
                             first_line=first_line, decimal_point=".")

    unit_code = pc.replace_substring_regex(_text(batch, col("unit_code")), r"\.0+$", "")
    no_quantity = pc.fill_null(pc.is_in(unit_code, pa.array(layout.no_quantity_units)), False)
    unit = _text(batch, col("unit"))
    unit = pc.replace_substring_regex(unit, r"\.0+$", "")
    unit = pc.if_else(pc.or_(no_quantity, pc.fill_null(pc.equal(unit, "N/A"), False)),
                      pa.scalar(None, pa.string()), unit)
    quantity = pc.if_else(no_quantity, pa.scalar(None, pa.float64()), number("quantity"))

    canonical = pa.RecordBatch.from_arrays(
        [reporter, partner, pc.fill_null(flow, "export"), year, month, hs, number("value"),
         number("net"), quantity, unit],
        schema=TRADE_SCHEMA,
    ).filter(keep)
    validate(canonical, file=file, line_numbers=lines.filter(keep),
             source_columns={"reporter": col("reporter_code"), "partner": col("partner_code"),
                             "flow": col("flow"), "year": col("year") or col("period"),
                             "month": col("month") or col("period"), "hs_code": col("hs"),
                             "value_usd": col("value"), "net_kg": col("net") or "netWgt",
                             "quantity": col("quantity") or "qty", "unit": col("unit") or ""})
    return canonical


# -- the API ------------------------------------------------------------------------


@dataclass
class FetchedBatches(TradeBatches):
    """API results; ``sha256`` identifies the response bodies, so a re-fetch is not doubled."""

    sha256: str = ""


# Comtrade codes that differ from ISO 3166-1 numeric (see dashboard.reference.countries).
_M49_OVERRIDES = {"XW": 0, "US": 842, "FR": 251, "IN": 699, "CH": 757, "NO": 579}


def m49_code(iso: str) -> int:
    """Comtrade (UN M49) code of an ISO alpha-2 or alpha-3 country code; XW = world (0)."""
    import pycountry

    code = iso.strip().upper()
    if code in _M49_OVERRIDES:
        return _M49_OVERRIDES[code]
    country = (pycountry.countries.get(alpha_2=code) if len(code) == 2
               else pycountry.countries.get(alpha_3=code))
    if country is None:
        raise SchemaError("--reporter/--partner", "an ISO country code such as RU or KZ",
                          found=iso)
    return _M49_OVERRIDES.get(country.alpha_2, int(country.numeric))


def fetch(
    reporter_iso2: str,
    partner_iso2: str | None,
    years: Sequence[int],
    *,
    hs_level: int | None = None,
    flow: str | None = None,
    key: str | None = None,
) -> FetchedBatches:
    """Annual HS data for one reporter (and partner) over ``years`` from the Comtrade v1 API.

    Without a key the keyless preview endpoint is used (at most 500 records per
    request); with one (``key`` or ``OBOROT_COMTRADE_KEY``) the data endpoint.
    Requests are split per year and flow to stay under the record limit.
    ``hs_level`` 2/4/6 asks for chapters/headings/subheadings, None for TOTAL.
    """
    if hs_level not in (None, 2, 4, 6):
        raise SchemaError("--hs-level", "2, 4 or 6", found=str(hs_level))
    flows = [flow.upper()] if flow else ["X", "M"]
    if any(f not in _FLOWS_PLUS for f in flows):
        raise SchemaError("--flow", "X, M, RX or RM", found=flow)
    key = key or os.environ.get(KEY_ENV) or None
    base = settings().comtrade_url
    url = f"{base}/data/v1/get/C/A/HS" if key else f"{base}/public/v1/preview/C/A/HS"
    limit = GET_LIMIT if key else PREVIEW_LIMIT
    headers = {"Ocp-Apim-Subscription-Key": key} if key else {}
    common = {
        "reporterCode": str(m49_code(reporter_iso2)),
        "cmdCode": f"AG{hs_level}" if hs_level else "TOTAL",
        "partner2Code": "0",  # totals over 2nd partner, customs procedure and transport mode
        "customsCode": "C00",
        "motCode": "0",
        "breakdownMode": "classic",
        "includeDesc": "true",
        "maxRecords": str(limit),
    }
    if partner_iso2:
        common["partnerCode"] = str(m49_code(partner_iso2))
    notes: list[str] = []
    tables: list[pa.Table] = []
    digest = hashlib.sha256()
    for year in sorted(set(years)):
        for flow_code in flows:
            params = common | {"period": str(year), "flowCode": flow_code}
            try:
                body = http.get(url, params=params, source=SOURCE, headers=headers)
            except http.HTTPStatusError as exc:
                if exc.status in (401, 403):
                    raise SourceError(SOURCE, f"access denied (HTTP {exc.status}): check the "
                                      f"subscription key in {KEY_ENV}") from None
                raise
            digest.update(body)
            records, count = _records(body, year=year, flow=flow_code)
            if count >= limit:
                notes.append(f"{year} {flow_code}: truncated: "
                             + (f"preview returns at most {PREVIEW_LIMIT} records; set "
                                f"{KEY_ENV}" if not key else f"more than {limit:,} records"))
            if records:
                tables.append(pa.Table.from_pylist(records))
            else:
                notes.append(f"{year} {flow_code}: no data published")
            log.info("comtrade: %s %s %s: %d records", reporter_iso2, year, flow_code,
                     len(records))
    if not tables:
        raise NotFoundError(
            f"{SOURCE}: no data for reporter {reporter_iso2}"
            + (f", partner {partner_iso2}" if partner_iso2 else "")
            + f" in {', '.join(map(str, sorted(set(years))))} (not published yet?)"
        )
    table = pa.concat_tables([t.select(sorted(t.schema.names)) for t in _unify(tables)],
                             promote_options="permissive")
    found = layout_of(table.schema.names)
    if found is None:
        raise SourceError(SOURCE, "the response records lack reporterCode/flowCode/partnerCode/"
                          "cmdCode/primaryValue")
    layout, columns = found
    levels = _Levels.scan([table], columns)
    tally = _Tally()
    display = f"Comtrade API {reporter_iso2}" + (f"-{partner_iso2}" if partner_iso2 else "")
    batch = to_canonical(table, layout, columns, levels=levels, tally=tally, file=display,
                         first_line=1)
    notes.extend(tally.notes(levels))
    descriptions: dict[str, str] = {}
    _collect_descriptions(table, columns, descriptions)
    return FetchedBatches(format="comtrade-api", encoding="utf-8", separator="",
                          batches=iter([batch]), notes=notes, rejected=tally.rejected,
                          licence=LICENCE, sha256=digest.hexdigest(), hs_names=descriptions)


def _collect_descriptions(batch: pa.RecordBatch | pa.Table, columns: dict[str, str],
                          into: dict[str, str]) -> None:
    """Add the batch's distinct (cmdCode, cmdDesc) pairs to ``into`` (the last one wins)."""
    code, text = columns.get("hs"), columns.get("description")
    if code is None or text is None or batch.num_rows == 0:
        return
    pairs = pa.table({"code": _text(batch, code), "text": _text(batch, text)})
    distinct = pairs.group_by(["code", "text"]).aggregate([])
    for key, value in zip(distinct.column("code").to_pylist(),
                          distinct.column("text").to_pylist(), strict=True):
        if key and value:
            into[key] = value


def _unify(tables: list[pa.Table]) -> list[pa.Table]:
    """Columns missing from some responses become nulls, and every column text."""
    names = sorted({name for t in tables for name in t.schema.names})
    out = []
    for t in tables:
        arrays = [pc.cast(t.column(name), pa.string()) if name in t.schema.names
                  else pa.nulls(t.num_rows, pa.string()) for name in names]
        out.append(pa.Table.from_arrays(arrays, names=names))
    return out


def _records(body: bytes, *, year: int, flow: str) -> tuple[list[dict], int]:
    """The ``data`` records and ``count`` of one response; garbage -> SourceError."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SourceError(SOURCE, f"{year} {flow}: the response is not valid JSON "
                          f"(starts {body[:40]!r})") from None
    if not isinstance(payload, dict):
        raise SourceError(SOURCE, f"{year} {flow}: expected a JSON object with 'data'")
    error = payload.get("error")
    if error:
        raise SourceError(SOURCE, f"{year} {flow}: the service reported an error: {error}")
    if "data" not in payload and ("message" in payload or "statusCode" in payload):
        raise SourceError(SOURCE, f"{year} {flow}: {payload.get('message', payload)}")
    data = payload.get("data")
    if data is None:
        data = []
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SourceError(SOURCE, f"{year} {flow}: 'data' is not a list of records")
    count = payload.get("count")
    return data, int(count) if isinstance(count, int) else len(data)
