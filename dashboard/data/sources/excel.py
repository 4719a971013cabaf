"""Excel workbooks (.xlsx/.xls/.ods) -> canonical trade batches, via python-calamine.

Analysts keep FCS extracts and their own tidy tables in workbooks, often with a
title above the table and codes typed as numbers (``702000000`` for
``0702000000``).  The reader picks the first sheet whose header (within the
first rows) is an FCS or generic layout, turns every cell into text, restores
the leading zeros of code columns, and hands text batches to the FCS or
generic source, so both formats behave exactly as their CSV versions.

Formulas are read as their cached values.  Calamine reads an error value
(``#DIV/0!``, ``#REF!``) as an empty cell, so for .xlsx the sheet's XML is
scanned for error cells and one in the table is refused with its cell address.

Memory: .xlsx sheets are streamed row by row (xlsx.py).  Calamine holds an
.xls or .ods sheet as a whole grid, so an .ods sheet's farthest value is found
first by a streaming scan (ods.py) and calamine runs in a child process with a
memory cap (calamine_child.py): an .ods sheet spanning more than MAX_GRID_CELLS
is refused, naming the file, the sheet and its size, before any grid is built;
an .xls one by the child, whose cap ends it when the grid alone is too large.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from defusedxml import ElementTree

from dashboard.core.config import settings
from dashboard.core.errors import LimitError, SchemaError
from dashboard.data.sources import calamine_child, fcs, generic, ods, xlsx
from dashboard.data.sources.base import Sniff, TradeBatches
from dashboard.data.sources.tabular import clean_name

HEADER_SEARCH_ROWS = 20  # analysts put titles and notes above the table
MAX_ROWS = 1_048_576  # an Excel sheet's own limit; OBOROT_MAX_ROWS may lower it
BATCH_ROWS = 100_000
MAX_HEADER_COLUMNS = 1024  # a header is searched in this many columns; trade tables use ~10-20
MAX_SHEET_COLUMNS = 300  # columns of an .xls/.ods sheet's grid per allowed row
MAX_GRID_CELLS = 5_000_000  # an .xls/.ods grid in memory: ~300 MB; larger tables go as CSV/.xlsx
_FORMATS = {"auto": ("fcs", "csv"), "fcs": ("fcs",), "csv": ("csv",), "generic": ("csv",),
            "xlsx": ("fcs", "csv")}


def read(path: Path, *, display_name: str, fmt: str = "auto",
         max_rows: int | None = None) -> TradeBatches:
    """Parse the first sheet holding an FCS or tidy table; notes say which sheet and row."""
    if fmt not in _FORMATS:
        raise SchemaError(display_name, "fcs or csv (generic) for a workbook", found=fmt)
    limit = min(max_rows or _configured_max_rows(), MAX_ROWS)
    if xlsx.is_xlsx(path):
        return _read_xlsx(path, display_name=display_name, kinds=_FORMATS[fmt], limit=limit)
    max_cells = _max_cells(limit)
    _refuse_far_ods_cells(path, display_name=display_name, limit=limit, max_cells=max_cells)
    names, heads = calamine_child.sheet_heads(path, display_name=display_name,
                                              head_rows=HEADER_SEARCH_ROWS, max_cells=max_cells)
    chosen = _choose_sheet(heads, _FORMATS[fmt])
    if chosen is None:
        raise _no_table(display_name, names)
    name, header_index, kind = chosen
    rows = calamine_child.sheet_rows(path, display_name=display_name, sheet=name,
                                     max_cells=max_cells)
    if len(rows) > limit:
        raise LimitError(f"{display_name}: sheet '{name}' has {len(rows):,} rows; at most "
                         f"{limit:,} are accepted (OBOROT_MAX_ROWS); save it as CSV instead")
    header = _header_names(rows[header_index])
    chunks = iter([(header_index + 2, rows[header_index + 1:])])
    return _parsed(path, header, kind, name=name, header_row=header_index + 1, chunks=chunks,
                   display_name=display_name)


def _max_cells(row_limit: int) -> int:
    """Cells an .xls/.ods sheet may span: OBOROT_MAX_ROWS × MAX_SHEET_COLUMNS, within
    MAX_GRID_CELLS (calamine holds the whole grid, about 60 bytes a cell)."""
    return min(row_limit * MAX_SHEET_COLUMNS, MAX_GRID_CELLS)


def _refuse_far_ods_cells(path: Path, *, display_name: str, limit: int, max_cells: int) -> None:
    """LimitError naming the first .ods sheet whose farthest value makes too large a grid."""
    for extent in ods.extents(path) or ():
        if extent.rows > limit + HEADER_SEARCH_ROWS or extent.rows * extent.columns > max_cells:
            raise LimitError(calamine_child.too_large(display_name, extent.sheet, extent.rows,
                                                      extent.columns, max_cells))


def _no_table(display_name: str, sheets: list[str]) -> SchemaError:
    return SchemaError(
        display_name,
        f"a sheet with an FCS header (napr, period, strana, tnved, ...) or a tidy table "
        f"(reporter, partner, flow, year, value_usd) in its first {HEADER_SEARCH_ROWS} "
        "rows", found="sheets " + ", ".join(repr(n) for n in sheets))


def _read_xlsx(path: Path, *, display_name: str, kinds: tuple[str, ...],
               limit: int) -> TradeBatches:
    """The .xlsx path: rows streamed, cells right of the header ignored (never the grid)."""
    with xlsx.Workbook(path, display_name=display_name) as workbook:
        chosen = None
        for sheet in workbook.sheet_names:
            head = workbook.rows(sheet, max_columns=MAX_HEADER_COLUMNS,
                                 last_row=HEADER_SEARCH_ROWS)
            found = _header_kind([(number - 1, row) for number, row in head], kinds)
            if found is not None:
                chosen = (sheet, *found)
                break
        if chosen is None:
            raise _no_table(display_name, workbook.sheet_names)
        name, header_index, kind, cells = chosen
        width = max((j + 1 for j, cell in enumerate(cells) if _cell_label(cell)), default=0)
        header = _header_names(cells[:width])
        if _row_elements(path, workbook.sheets[name], stop=limit + header_index + 2) > (
                limit + header_index + 1):
            rows = sum(1 for number, _ in workbook.rows(name, max_columns=width)
                       if number > header_index + 1)
            if rows > limit:
                raise LimitError(f"{display_name}: sheet '{name}' has {rows:,} rows; at most "
                                 f"{limit:,} are accepted (OBOROT_MAX_ROWS); save it as CSV "
                                 "instead")
    chunks = _xlsx_chunks(path, display_name, name, width=width, after=header_index + 1)
    return _parsed(path, header, kind, name=name, header_row=header_index + 1, chunks=chunks,
                   display_name=display_name)


def _header_kind(rows: list[tuple[int, list]], kinds: tuple[str, ...]
                 ) -> tuple[int, str, list] | None:
    """(0-based row, "fcs"|"csv", cells) of the first row that is a known header."""
    for index, row in rows:
        header = tuple(_header_names(row))
        if "fcs" in kinds and fcs.layout_of(header) is not None:
            return index, "fcs", row
        sniff = Sniff(display_name="", encoding="", separator="", header=header)
        if "csv" in kinds and generic.matches(sniff):
            return index, "csv", row
    return None


def _xlsx_chunks(path: Path, display_name: str, sheet: str, *, width: int,
                 after: int) -> Iterator[tuple[int, list[list]]]:
    """(first Excel row, rows) of runs of consecutive non-blank rows below row ``after``."""
    with xlsx.Workbook(path, display_name=display_name) as workbook:
        start, run = 0, []
        for number, cells in workbook.rows(sheet, max_columns=width):
            if number <= after:
                continue
            if run and (number != start + len(run) or len(run) >= BATCH_ROWS):
                yield start, run
                run = []
            if not run:
                start = number
            run.append(cells)
        if run:
            yield start, run


_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _row_elements(path: Path, sheet_member: str, *, stop: int) -> int:
    """How many row elements the sheet's XML holds, counting stopped at ``stop`` (a cheap scan)."""
    count = 0
    with zipfile.ZipFile(path) as archive, archive.open(sheet_member) as handle:
        tail = b""
        while count < stop and (chunk := handle.read(1 << 20)):
            data = tail + chunk
            count += len(_ROW_START.findall(data, 0, max(len(data) - 8, 0)))
            tail = data[max(len(data) - 8, 0):]
        count += len(_ROW_START.findall(tail))
    return count


def _parsed(path: Path, header: list[str], kind: str, *, name: str, header_row: int,
            chunks: Iterator[tuple[int, list[list]]], display_name: str) -> TradeBatches:
    """Canonical batches of data rows given as (first Excel row, rows) chunks."""
    file = f"{display_name} [sheet '{name}']"
    parsed = TradeBatches(format=f"xlsx-{'fcs' if kind == 'fcs' else 'csv'}", encoding="",
                          separator="", batches=iter(()),
                          notes=[f"sheet '{name}', header on row {header_row}"],
                          licence=fcs.LICENCE if kind == "fcs" else "")
    roles: dict[str, str] | None = None
    layout: fcs.Layout | None = None
    actual: dict[str, str] = {}
    if kind == "fcs":
        layout = fcs.layout_of(tuple(header))
        actual = {h.strip().lower(): h for h in header}
        used = [actual[getattr(layout, role)] for role in
                ("flow", "period", "partner", "hs", "unit", "value", "net", "quantity", "region")
                if getattr(layout, role) in actual]
    else:
        roles = generic.resolve_columns(tuple(header))
        used = list(dict.fromkeys(roles.values()))
    if path.suffix.lower() in (".xlsx", ".xlsm") or zipfile.is_zipfile(path):
        _refuse_error_cells(path, name, header, used, first_row=header_row + 1, file=file)
    decimal = "," if kind == "fcs" and layout is fcs.RUSSIAN else "."
    codes = _code_columns(kind, header, roles)

    def tables() -> Iterator[tuple[int, pa.RecordBatch]]:
        for first, rows in chunks:
            yield first, _text_table(rows, header, used, kind=kind, decimal=decimal, codes=codes)

    if kind == "fcs":
        parsed.batches = _fcs_batches(tables(), layout, actual, file=file, parsed=parsed)
    else:
        parsed.batches = _generic_batches(tables(), roles, file=file)
    return parsed


def _configured_max_rows() -> int:
    return settings().max_rows


def _choose_sheet(heads: list[tuple[str, list[list]]],
                  kinds: tuple[str, ...]) -> tuple[str, int, str] | None:
    """(sheet name, 0-based header row, "fcs"|"csv") of the first sheet with a known header."""
    for name, head in heads:
        found = _header_kind(list(enumerate(head)), kinds)
        if found is not None:
            return name, found[0], found[1]
    return None


def _header_names(row: list) -> list[str]:
    names: list[str] = []
    for j, cell in enumerate(row):  # one header row, not data rows
        text = _cell_label(cell)
        if not text or text in names:
            text = f"{text or 'column'}_{column_letter(j)}"
        names.append(text)
    return names


def _cell_label(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return clean_name(str(cell)) if cell is not None else ""


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _code_columns(kind: str, header: list[str], roles: dict[str, str] | None) -> dict[str, int]:
    """Code columns that lose leading zeros as numbers -> their minimum width."""
    lower = {h.strip().lower(): h for h in header}
    if kind == "fcs":
        widths = {"tnved": 10, "hs": 10, "edizm": 3}
        return {lower[k]: w for k, w in widths.items() if k in lower}
    return {roles["hs_code"]: 0} if roles and "hs_code" in roles else {}


def _text_table(rows: list[list], header: list[str], used: list[str], *, kind: str, decimal: str,
                codes: dict[str, int]) -> pa.RecordBatch:
    """The used columns of the data rows as text, numbers written with ``decimal``."""
    width = len(header)
    index = {name: j for j, name in enumerate(header)}
    padded = (list(row[:width]) + [None] * (width - len(row)) for row in rows)
    columns = list(zip(*padded, strict=True)) if rows else []
    arrays = []
    for name in used:
        j = index[name]
        values = columns[j] if j < len(columns) else ()
        arrays.append(_as_text(values, width=codes.get(name), decimal=decimal))
    return pa.RecordBatch.from_arrays(arrays, names=used)


def _as_text(values: tuple, *, width: int | None, decimal: str) -> pa.Array:
    """Cells -> trimmed text; numbers keep no ``.0``; codes get their leading zeros back."""
    text = pa.array(pd.Series(values, dtype=object).astype(str), pa.string())
    text = pc.utf8_trim_whitespace(text)
    text = pc.replace_substring_regex(text, r"^(-?[0-9]+)\.0$", r"\1")
    text = pc.replace_substring_regex(text, r"^([0-9]{4}-[0-9]{2}-[0-9]{2}) 00:00:00$", r"\1")
    if width is not None:
        digits = pc.utf8_is_digit(text)
        length = pc.utf8_length(text)
        if width == 0:  # HS codes have an even number of digits
            short = pc.equal(pc.bit_wise_and(length, 1), 1)
            padded = pc.binary_join_element_wise("0", text, "")
        else:  # 9 of 10 TN VED digits, or a unit code such as 6 for 006
            short = pc.equal(length, width - 1) if width == 10 else pc.less(length, width)
            padded = pc.utf8_lpad(text, width, "0")
        text = pc.if_else(pc.and_(digits, short), padded, text)
    elif decimal == ",":
        text = pc.replace_substring_regex(text, r"^(-?[0-9]+)\.([0-9]+)$", r"\1,\2")
    else:
        text = pc.replace_substring_regex(text, r"^(-?[0-9]+),([0-9]+)$", r"\1.\2")
    return text


def _segments(table: pa.RecordBatch) -> Iterator[tuple[int, int]]:
    """(start, stop) of runs of non-blank rows, cut at most BATCH_ROWS long."""
    if table.num_rows == 0:
        return
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        empty = pc.fill_null(pc.equal(column, ""), True).to_numpy(zero_copy_only=False)
        blank &= empty
    edges = np.flatnonzero(np.diff(np.concatenate(([1], blank.astype(np.int8), [1]))))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        for offset in range(int(start), int(stop), BATCH_ROWS):
            yield offset, min(offset + BATCH_ROWS, int(stop))


def _fcs_batches(tables: Iterator[tuple[int, pa.RecordBatch]], layout: fcs.Layout,
                 actual: dict[str, str], *, file: str,
                 parsed: TradeBatches) -> Iterator[pa.RecordBatch]:
    unknown = 0
    for first_line, table in tables:
        for start, stop in _segments(table):
            canonical, missing = fcs.to_canonical(table.slice(start, stop - start), layout,
                                                  actual, file=file, first_line=first_line + start)
            unknown += missing
            yield canonical
    if unknown:
        parsed.notes.append(f"{unknown} rows without a partner country are kept as partner "
                            f"{fcs.UNKNOWN_PARTNER} (unspecified); they count in totals")


def _generic_batches(tables: Iterator[tuple[int, pa.RecordBatch]], roles: dict[str, str], *,
                     file: str) -> Iterator[pa.RecordBatch]:
    for first_line, table in tables:
        for start, stop in _segments(table):
            yield generic.to_canonical(table.slice(start, stop - start), roles, file=file,
                                       first_line=first_line + start, decimal_point=".")


# -- error cells (#DIV/0!, #REF!, ...) in .xlsx ----------------------------------------

_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bt="e"[^>]*>')
_CELL_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _refuse_error_cells(path: Path, sheet: str, header: list[str], used: list[str], *,
                        first_row: int, file: str) -> None:
    """SchemaError for the first error value in a used column at or below ``first_row``."""
    letters = {column_letter(header.index(name)): name for name in used}
    for letter, row, value in _error_cells(path, sheet):
        if row >= first_row and letter in letters:
            raise SchemaError(file, "a value, not an Excel error (fix the formula or the cell)",
                              line=row, column=f"{letter} ({letters[letter]})", found=value)


def _error_cells(path: Path, sheet: str) -> Iterator[tuple[str, int, str]]:
    """(column letter, row, error text) of every error cell of an .xlsx sheet, in order."""
    member = _sheet_member(path, sheet)
    if member is None:
        return
    overlap = 4096  # a cell element is far shorter; it may straddle two chunks
    with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
        data, base, seen = b"", 0, 0
        while chunk := handle.read(1 << 20):
            data += chunk
            for match in _ERROR_CELL.finditer(data):
                end = data.find(b"</c>", match.end())
                if base + match.start() < seen or end < 0:
                    continue
                seen = base + end
                ref = _CELL_REF.search(match.group(0))
                value = _VALUE.search(data, match.end(), end)
                if ref is not None:
                    yield (ref.group(1).decode(), int(ref.group(2)),
                           value.group(1).decode() if value else "#ERROR")
            keep = min(len(data), overlap)
            base += len(data) - keep
            data = data[len(data) - keep:]


def _sheet_member(path: Path, sheet: str) -> str | None:
    """The zip member holding a sheet, via workbook.xml and its relationships."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile):
        return None
    rid = next((s.get(f"{rel}id") for s in workbook.iter(f"{main}sheet")
                if s.get("name") == sheet), None)
    target = next((r.get("Target") for r in rels if r.get("Id") == rid), None)
    if target is None:
        return None
    if target.startswith("/"):
        return target.lstrip("/")
    return str(PurePosixPath("xl") / target)


def preview_rows(path: Path, *, rows: int, display_name: str) -> list[list[str]]:
    """The first ``rows`` rows of the first sheet as text (titles above the table included)."""
    if xlsx.is_xlsx(path):
        with xlsx.Workbook(path, display_name=display_name) as workbook:
            if not workbook.sheet_names:
                return []
            found = workbook.rows(workbook.sheet_names[0], max_columns=MAX_HEADER_COLUMNS,
                                  last_row=rows)
            return [["" if cell is None else str(cell) for cell in row] for _, row in found]
    _refuse_far_ods_cells(path, display_name=display_name, limit=MAX_ROWS,
                          max_cells=MAX_GRID_CELLS)
    _, heads = calamine_child.sheet_heads(path, display_name=display_name, head_rows=rows,
                                          max_cells=MAX_GRID_CELLS, first_only=True)
    return [["" if cell is None else str(cell) for cell in row]
            for _, head in heads for row in head[:rows]]
