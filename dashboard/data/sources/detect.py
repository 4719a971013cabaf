"""Find out what a file is: archive member, encoding, separator, header, and its reader."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from dashboard.core.errors import LimitError, SchemaError
from dashboard.data.sources import baci, comtrade, excel, fcs, generic
from dashboard.data.sources.base import Sniff, TradeBatches
from dashboard.data.sources.tabular import (
    clean_name,
    decode_head,
    detect_encoding,
    detect_separator,
    mixed_encoding_error,
    open_binary,
)

HEAD_BYTES = 256 << 10
MAX_ARCHIVE_MEMBERS = 100
MAX_UNPACKED_BYTES = 20 << 30  # 20 GiB: a year of all regions is ~2 GB
MAX_COMPRESSION_RATIO = 200  # real CSV compresses ~10-20x; far beyond that is a zip bomb
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

Reader = Callable[[Path, Sniff], TradeBatches]


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (how a re-load of the same file is recognised)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_trade_file(
    path: Path,
    *,
    fmt: str = "auto",
    display_name: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sniff: Sniff | None = None,
) -> TradeBatches:
    """Detect the file's layout and return its canonical batches (read lazily).

    A ``mapping`` (canonical role -> the file's column) reads a text file as a
    generic table with those columns, whatever its header looks like.  A ``sniff``
    found earlier (by staging) is used instead of reading the file's head again.
    """
    name = display_name or path.name
    if not path.exists():
        raise SchemaError(name, "an existing file")
    if path.stat().st_size == 0:
        raise SchemaError(name, "a file with a header and data rows", found="an empty file")
    if sniff is None:
        if is_workbook(path):
            return excel.read(path, display_name=name, fmt=fmt)
        sniff = sniff_text(path, display_name=name)
    with damaged_input(name):
        if mapping:
            parsed = generic.read(path, sniff, mapping=mapping)
        else:
            parsed = _reader_for(sniff, fmt)(path, sniff)
    parsed.batches = _guarded(parsed.batches, path, sniff)
    return parsed


_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


@contextmanager
def damaged_input(display_name: str) -> Iterator[None]:
    """Turn a damaged archive or compressed stream into one SchemaError naming the file.

    Bad CRCs, truncated deflate or gzip streams and compression methods Python cannot
    unpack (e.g. AES-encrypted zips) surface from zipfile, zlib, gzip or Arrow's readers.
    """
    try:
        yield
    except _DAMAGED as exc:
        raise _damaged(display_name, exc) from None
    except OSError as exc:
        if exc.errno is not None:  # a real I/O error of the system, not of the data
            raise
        raise _damaged(display_name, exc) from None


def _damaged(display_name: str, exc: BaseException) -> SchemaError:
    return SchemaError(display_name, "an intact file (the archive or compressed stream is damaged, "
                       "truncated or uses an unsupported compression method; download or pack "
                       "it again)", found=f"{_kind(exc)}: {exc}")


def _kind(exc: BaseException) -> str:
    return "zlib.error" if isinstance(exc, zlib.error) else type(exc).__name__


def _guarded(batches: Iterator, path: Path, sniff: Sniff) -> Iterator:
    """``batches`` with damaged data and mixed encodings turned into SchemaError."""
    with damaged_input(sniff.display_name):
        try:
            yield from batches
        except UnicodeDecodeError as exc:
            raise _mixed_encoding(path, sniff, exc) from None


def _mixed_encoding(path: Path, sniff: Sniff, exc: UnicodeDecodeError) -> SchemaError:
    """The first line that does not decode in the encoding found at the file's start."""
    line_of = sniff.member is not None or not comtrade.is_gzip(path)
    return mixed_encoding_error(path, sniff, reason=exc.reason, locate=line_of)


def is_workbook(path: Path) -> bool:
    """True for an Excel/ODS workbook (by magic bytes, or by suffix)."""
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: legacy .xls
        return True
    if magic.startswith(b"PK") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "[Content_Types].xml" in archive.namelist()
    return path.suffix.lower() in _WORKBOOK_SUFFIXES


def sniff_text(path: Path, *, display_name: str) -> Sniff:
    """Encoding, separator and header of a delimited text file (or the one inside a zip)."""
    with damaged_input(display_name):
        if comtrade.is_gzip(path):  # the Comtrade bulk download (.txt.gz); its reader unpacks it
            return comtrade.sniff_gzip(path, display_name=display_name)
        member = _archive_member(path, display_name) if zipfile.is_zipfile(path) else None
        head = _head_bytes(path, member)
    if _looks_utf16(head):
        raise SchemaError(display_name, "a UTF-8 or Windows-1251 text file (save it as CSV UTF-8)",
                          found="UTF-16 text")
    if b"\x00" in head[:4096]:
        raise SchemaError(display_name, "a text file (CSV/TSV) or an Excel workbook",
                          found="binary data")
    encoding = detect_encoding(head)
    text = decode_head(head, encoding)
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise SchemaError(display_name, "a header line", found="only blank lines")
    header_line = lines[header_index]
    if len(head) >= HEAD_BYTES and header_index == len(lines) - 1:
        raise SchemaError(display_name, f"a header line of at most {HEAD_BYTES >> 10} KB",
                          line=header_index + 1,
                          found=f"{len(header_line):,} characters without a line break")
    separator = detect_separator(header_line)
    header = tuple(clean_name(h) for h in next(csv.reader([header_line], delimiter=separator)))
    _refuse_duplicate_names(header, display_name=display_name, line=header_index + 1)
    return Sniff(
        display_name=display_name,
        encoding=encoding,
        separator=separator,
        header=header,
        member=member,
        header_line=header_index + 1,
    )


def _looks_utf16(head: bytes) -> bool:
    """A UTF-16 BOM, or a NUL in every other byte of mostly-ASCII text (Excel's "Unicode text")."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = head[:512]
    if len(sample) < 64:
        return False
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    return min(zeros_even, zeros_odd) < 0.05 < 0.3 < max(zeros_even, zeros_odd)


def _refuse_duplicate_names(header: tuple[str, ...], *, display_name: str, line: int) -> None:
    """SchemaError when a column name appears twice (which one holds the data is ambiguous)."""
    seen: set[str] = set()
    for name in header:
        key = name.lower()
        if key and key in seen:
            raise SchemaError(display_name, "each column name once in the header", line=line,
                              found=name)
        seen.add(key)


def _archive_member(path: Path, display_name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_ARCHIVE_MEMBERS:
            raise LimitError(f"{display_name}: the archive holds {len(infos)} files "
                             f"(at most {MAX_ARCHIVE_MEMBERS} are accepted)")
        unsafe = [info.filename for info in infos if _escapes_archive(info.filename)]
        if unsafe:
            raise SchemaError(display_name, "an archive whose member names stay inside it "
                              "(no absolute paths, drive letters or '..')", found=unsafe[0])
        data = [info for info in infos if info.filename.lower().endswith(_TEXT_SUFFIXES)]
        if not data:
            raise SchemaError(display_name, "an archive holding a .csv file (e.g. DATTSVT.csv)",
                              found=", ".join(i.filename for i in infos[:5]) or "no files")
        baci_year = baci.year_member([i.filename for i in data])  # BACI: year files + code lists
        preferred = [i for i in data if Path(i.filename).name.upper() == "DATTSVT.CSV"
                     or i.filename == baci_year]
        customs = [i.filename for i in preferred if i.filename != baci_year]
        if len(customs) > 1:  # e.g. two months in folders: loading one would drop the other
            raise SchemaError(display_name, "an archive with one DATTSVT.csv (unpack it and "
                              "load each file on its own)", found=", ".join(customs[:5]))
        if len(data) > 1 and not preferred:
            raise SchemaError(display_name, "an archive with one data file",
                              found=", ".join(i.filename for i in data[:5]))
        info = (preferred or data)[0]
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED_BYTES or (
            info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO
        ):
            raise LimitError(f"{display_name}: {info.filename} unpacks to {info.file_size:,} "
                             "bytes, beyond the accepted size or compression ratio")
        return info.filename


def _escapes_archive(name: str) -> bool:
    """True for a member name that would land outside a directory it were extracted to."""
    posix = PurePosixPath(name.replace("\\", "/"))
    return posix.is_absolute() or ".." in posix.parts or bool(re.match(r"^[A-Za-z]:", name))


def _head_bytes(path: Path, member: str | None) -> bytes:
    if member is None:
        with open(path, "rb") as handle:
            return handle.read(HEAD_BYTES)
    with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
        return handle.read(HEAD_BYTES)


def _readers() -> dict[str, tuple[Callable[[Sniff], bool], Reader]]:
    """Format name -> (does a sniffed header belong to it, its reader), in the order tried.

    Comtrade comes before BACI, and the generic table last: it accepts any tidy header.
    """
    return {
        "fcs": (lambda s: fcs.layout_of(s.header) is not None, fcs.read),
        "comtrade": (comtrade.matches, comtrade.read),
        "baci": (baci.matches, baci.read),
        "csv": (generic.matches, generic.read),
    }


def format_of(sniff: Sniff) -> str | None:
    """The name of the text format whose header this is (fcs, comtrade, baci, csv), if any."""
    return next((name for name, (matches, _) in _readers().items() if matches(sniff)), None)


def _reader_for(sniff: Sniff, fmt: str) -> Reader:
    readers = _readers()
    if fmt != "auto":
        if fmt not in readers:
            raise SchemaError(sniff.display_name, f"a known format ({', '.join(readers)})",
                              found=fmt)
        return readers[fmt][1]
    found = format_of(sniff)
    if found is not None:
        return readers[found][1]
    raise SchemaError(
        sniff.display_name,
        "a known header: FCS (napr, period, strana, tnved, ...), Comtrade, BACI, or a tidy "
        "table with reporter, partner, flow, year, value_usd (see README)",
        line=sniff.header_line,
        found=sniff.separator.join(sniff.header)[:200],
    )


def read_text_sample(path: Path, sniff: Sniff, *, lines: int = 20) -> list[str]:
    """The first lines of the data, decoded, for a preview."""
    with damaged_input(sniff.display_name), open_binary(path, sniff) as raw:
        wrapper = io.TextIOWrapper(raw, encoding=sniff.encoding, errors="replace", newline="")
        return [wrapper.readline().rstrip("\r\n") for _ in range(lines)]
