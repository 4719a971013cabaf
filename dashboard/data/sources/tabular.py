"""Streaming reads of delimited text with Arrow, and vectorised cleaning helpers.

Shared by the FCS and generic sources: files are read in blocks (memory stays
bounded on multi-GB files), numbers are parsed by Arrow's C++ reader, and when
a value does not parse, a second string-typed pass finds its line and column.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
from charset_normalizer import from_bytes

from dashboard.core.config import env_int
from dashboard.core.errors import SchemaError
from dashboard.data.sources.base import Sniff

BLOCK_SIZE = 16 << 20  # bytes per batch handed on: big enough for throughput
# Bytes per block Arrow's reader parses: its resident memory grows with the block, so
# blocks are read small and joined into batches of BLOCK_SIZE.
READ_BLOCK_SIZE = 4 << 20
MIN_BLOCK_SIZE = 4 << 10


_INVISIBLE = "\ufeff\u200b\u200e\u200f\u2060"  # BOM, zero-width space/marks, word joiner


def clean_name(name: str) -> str:
    """A header name without surrounding whitespace, NBSP, stray BOMs or zero-width marks."""
    previous = None
    while previous != name:
        previous, name = name, name.strip().strip(_INVISIBLE)
    return name


def detect_encoding(head: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 when it decodes, else the best single-byte guess (cp1251)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(head[:65536], cp_isolation=["cp1251", "cp1252", "koi8_r", "cp866"]).best()
    guess = best.encoding if best is not None else "cp1251"
    # Russian customs files re-saved by Excel are cp1251; charset-normalizer can confuse
    # short Cyrillic samples with other single-byte codepages.
    if guess in {"koi8_r", "mac_cyrillic", "cp866"} and _mostly_cp1251(head):
        return "cp1251"
    return guess


def _mostly_cp1251(head: bytes) -> bool:
    return sum(0xC0 <= b <= 0xFF for b in head) > sum(0x80 <= b < 0xC0 for b in head)


def decode_head(head: bytes, encoding: str) -> str:
    """The head bytes decoded (bad bytes replaced, a BOM dropped)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head, final=False).lstrip("\ufeff")


def detect_separator(header_line: str) -> str:
    """The delimiter that splits the header into the most fields (TAB, ';' or ',')."""
    counts = {sep: header_line.count(sep) for sep in ("\t", ";", ",", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def configured_block_size() -> int:
    """Bytes per Arrow block: ``OBOROT_BLOCK_BYTES`` if set (tests use small ones), else default."""
    return max(env_int("OBOROT_BLOCK_BYTES", BLOCK_SIZE), MIN_BLOCK_SIZE)


def open_binary(path: Path, sniff: Sniff) -> BinaryIO:
    """The file's data bytes, from inside its archive when it has one."""
    if sniff.member is None:
        return open(path, "rb")  # noqa: SIM115 - the caller's reader owns and closes it
    archive = zipfile.ZipFile(path)
    return io.BufferedReader(_ArchiveMember(archive, archive.open(sniff.member)), 1 << 20)


class _ArchiveMember(io.RawIOBase):
    """A zip member that closes its archive with it."""

    def __init__(self, archive: zipfile.ZipFile, member: BinaryIO) -> None:
        self._archive, self._member = archive, member

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._member.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._member.close()
        self._archive.close()
        super().close()


def stream_csv(
    path: Path,
    sniff: Sniff,
    *,
    column_types: dict[str, pa.DataType],
    decimal_point: str = ".",
    block_size: int | None = None,
) -> Iterator[pa.RecordBatch]:
    """Record batches of the named columns, typed as asked; bad numbers raise SchemaError."""
    encoding = "utf8" if sniff.encoding in {"utf-8", "utf-8-sig", "ascii"} else sniff.encoding
    block = block_size or configured_block_size()
    read_block = min(block, READ_BLOCK_SIZE)

    def reader(types: dict[str, pa.DataType], point: str) -> pv.CSVStreamingReader:
        return pv.open_csv(
            open_binary(path, sniff),
            read_options=pv.ReadOptions(
                encoding=encoding, block_size=read_block,
                # The sniffed (trimmed) names, not the file's: "period " or "Stoim\xa0" in a
                # header must still name the period and value columns.
                skip_rows=sniff.header_line, column_names=list(sniff.header),
            ),
            parse_options=pv.ParseOptions(delimiter=sniff.separator, quote_char='"'),
            convert_options=pv.ConvertOptions(
                column_types=types,
                include_columns=list(types),
                decimal_point=point,
                null_values=[""],  # "NA"/"n/a" in a number column is an error, not a gap
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    try:
        yield from _joined(reader(column_types, decimal_point), max(1, block // read_block))
    except pa.ArrowInvalid as exc:
        raise _locate(exc, path, sniff, column_types, decimal_point, reader) from None


def _joined(batches: Iterator[pa.RecordBatch], count: int) -> Iterator[pa.RecordBatch]:
    """Every ``count`` batches as one (text dictionaries unified), in order."""
    group: list[pa.RecordBatch] = []
    for batch in batches:
        group.append(batch)
        if len(group) == count:
            yield _one_batch(group)
            group = []
    if group:
        yield _one_batch(group)


def _one_batch(group: list[pa.RecordBatch]) -> pa.RecordBatch:
    if len(group) == 1:
        return group[0]
    joined = pa.Table.from_batches(group).unify_dictionaries().combine_chunks().to_batches()
    return joined[0] if joined else group[0]


_CONVERSION = re.compile(r"In CSV column #(\d+): .*conversion error to (\w+): invalid value '(.*)'")


def _locate(
    exc: pa.ArrowInvalid,
    path: Path,
    sniff: Sniff,
    column_types: dict[str, pa.DataType],
    decimal_point: str,
    reader: Callable[[dict[str, pa.DataType], str], pv.CSVStreamingReader],
) -> SchemaError:
    """Turn Arrow's row-less message into a SchemaError with line and column."""
    text = str(exc)
    if "invalid UTF8" in text:
        return mixed_encoding_error(path, sniff, reason="invalid UTF-8")
    match = _CONVERSION.search(text)
    if match is None:
        return _structure_error(text, path, sniff)
    column = sniff.header[int(match.group(1))] if int(match.group(1)) < len(sniff.header) else "?"
    strings = {name: pa.string() for name in column_types}
    line = sniff.header_line + 1
    for batch in reader(strings, decimal_point):
        values = batch.column(column)
        bad = pc.invert(pc.fill_null(number_pattern_mask(values, decimal_point), True))
        if pc.any(bad).as_py():
            index = pc.index(bad, True).as_py()
            return SchemaError(
                sniff.display_name,
                f"a number (decimal {'comma' if decimal_point == ',' else 'point'})",
                line=line + index, column=column, found=values[index].as_py(),
            )
        line += batch.num_rows
    return SchemaError(sniff.display_name, "a number", column=column, found=match.group(3))


def mixed_encoding_error(path: Path, sniff: Sniff, *, reason: str,
                         locate: bool = True) -> SchemaError:
    """SchemaError at the first line that does not decode as the encoding sniffed at the start."""
    line = None
    codec = "utf-8" if sniff.encoding in {"utf-8-sig", "ascii"} else sniff.encoding
    if locate:
        with open_binary(path, sniff) as raw:
            for number, data in enumerate(raw, start=1):
                try:
                    data.decode(codec)
                except UnicodeDecodeError:
                    line = number
                    break
    return SchemaError(sniff.display_name,
                       f"text in one encoding throughout (the file starts as {sniff.encoding}; "
                       "save the whole file again as CSV UTF-8)", line=line,
                       found=f"bytes that are not {sniff.encoding} ({reason})")


_COLUMN_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")


def _structure_error(text: str, path: Path, sniff: Sniff) -> SchemaError:
    """A structural Arrow error (ragged row, unclosed quote, empty) as file + line + what."""
    name = sniff.display_name
    if "Empty CSV file" in text or "Could not skip initial" in text:
        return SchemaError(name, "data rows below the header", found="no data rows")
    if "straddl" in text:
        limit = min(configured_block_size(), READ_BLOCK_SIZE)
        return SchemaError(name, f"lines of at most {limit:,} bytes",
                           line=_first_long_line(path, sniff, limit),
                           found=f"a line of more than {limit:,} bytes")
    counts = _COLUMN_COUNT.search(text)
    if counts is None:
        return SchemaError(name, _structure_hint(text), line=_row_hint(text, sniff))
    expected, got = int(counts.group(1)), int(counts.group(2))
    line, multiline = _first_ragged_row(path, sniff, expected)
    separator = {"\t": "TAB"}.get(sniff.separator, repr(sniff.separator))
    hint = " (an unclosed quote?)" if multiline else ""
    return SchemaError(
        name, f"the same number of columns as the header ({expected}, separated by {separator})",
        line=line, found=f"{got} columns{hint}",
    )


def _first_ragged_row(path: Path, sniff: Sniff, expected: int) -> tuple[int | None, bool]:
    """(1-based start line, spans lines) of the first row whose field count is not the header's.

    Arrow's streaming reader does not say which row it rejected, so on this error path the
    file is read again with Python's csv module, which counts physical lines.
    """
    import csv

    with open_binary(path, sniff) as raw:
        text = io.TextIOWrapper(raw, encoding=sniff.encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=sniff.separator, quotechar='"')
        start = 1
        try:
            for row in reader:
                if start > sniff.header_line and row and len(row) != expected:
                    return start, any("\n" in field or "\r" in field for field in row)
                start = reader.line_num + 1
        except csv.Error:
            return start, False
    return None, False


def _first_long_line(path: Path, sniff: Sniff, limit: int) -> int | None:
    """The 1-based number of the first physical line longer than ``limit`` bytes."""
    with open_binary(path, sniff) as raw:
        for number, line in enumerate(iter(lambda: raw.readline(limit + 1), b""), start=1):
            if len(line.rstrip(b"\r\n")) > limit:
                return number
    return None


def _structure_hint(text: str) -> str:
    if "Expected" in text and "columns" in text:
        return "the same number of columns on every line as in the header (" + text + ")"
    return f"a well-formed delimited text file ({text})"


def _row_hint(text: str, sniff: Sniff) -> int | None:
    # Arrow names the offending row in structural errors as "Row #N" (1 = header).
    match = re.search(r"Row #(\d+)", text)
    return None if match is None else int(match.group(1)) + sniff.header_line - 1


def number_pattern_mask(values: pa.Array, decimal_point: str) -> pa.Array:
    """True where a string is a plain number (or empty) with the given decimal mark."""
    point = re.escape(decimal_point)
    return pc.match_substring_regex(
        pc.utf8_trim_whitespace(values), rf"^([-+]?[0-9]*({point}[0-9]*)?([eE][-+]?[0-9]+)?)?$"
    )


def parse_numbers(
    values: pa.Array, *, file: str, column: str, first_line: int, decimal_point: str = ","
) -> pa.Array:
    """Strings with a decimal comma or point -> float64 (empty -> null); bad text -> SchemaError."""
    if pa.types.is_floating(values.type) or pa.types.is_integer(values.type):
        return _finite(pc.cast(values, pa.float64()), values, file=file, column=column,
                       first_line=first_line)
    text = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
    text = pc.replace_substring(text, "\u00a0", "")  # Excel's thousands separator
    ok = pc.fill_null(number_pattern_mask(text, decimal_point), True)
    if not pc.all(ok).as_py():
        index = pc.index(pc.invert(ok), True).as_py()
        raise SchemaError(file, "a number", line=first_line + index, column=column,
                          found=values[index].as_py())
    if decimal_point == ",":
        text = pc.replace_substring(text, ",", ".")
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return _finite(pc.cast(text, pa.float64()), values, file=file, column=column,
                   first_line=first_line)


def _finite(numbers: pa.Array, values: pa.Array, *, file: str, column: str,
            first_line: int) -> pa.Array:
    """``numbers`` unchanged; SchemaError at the first infinite one (``1e999`` overflows)."""
    infinite = pc.fill_null(pc.is_inf(numbers), False)
    if pc.any(infinite).as_py():
        index = pc.index(infinite, True).as_py()
        raise SchemaError(file, "a finite number", line=first_line + index, column=column,
                          found=str(values[index].as_py()))
    return numbers


def map_values(
    values: pa.Array,
    lookup: Callable[[str], str | None],
    *,
    file: str,
    column: str,
    first_line: int,
    expected: str,
    keep_dictionary: bool = False,
) -> pa.Array:
    """Map each distinct string through ``lookup`` once (vectorised by dictionary encoding).

    A dictionary-typed input is used as it is; ``keep_dictionary`` returns the mapped
    values as a dictionary array over the same indices instead of decoding them.
    """
    if isinstance(values, pa.ChunkedArray):
        if pa.types.is_dictionary(values.type):
            values = pc.cast(values, values.type.value_type)
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        encoded = values
    else:
        encoded = pc.dictionary_encode(pc.cast(values, pa.string()))
    distinct = encoded.dictionary.to_pylist()
    mapped = pa.array([lookup(str(v)) if v is not None else None for v in distinct], pa.string())
    unknown = pc.and_(pc.is_null(mapped), pc.is_valid(encoded.dictionary))
    if pc.any(unknown).as_py():
        bad = pc.fill_null(pc.take(unknown, encoded.indices), False)
        index = pc.index(bad, True).as_py()
        raise SchemaError(file, expected, line=first_line + index, column=column,
                          found=values[index].as_py())
    if keep_dictionary:
        return pa.DictionaryArray.from_arrays(encoded.indices, mapped)
    return pc.take(mapped, encoded.indices)
