"""Which engine a store argument names: a DuckDB file path or a ``postgresql://`` URL.

Anything else gets one clear message instead of the engine's own confusion (a
text file used to be reported as "in use by another process").
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

from dashboard.core.errors import OborotError
from dashboard.data.store.duckdb_file import DuckDBEngine, unless_open_here
from dashboard.data.store.engine import Engine
from dashboard.data.store.postgres import PostgresEngine, redacted

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_DUCKDB_MAGIC = b"DUCK"  # bytes 8..11 of every DuckDB database file
# DuckDB's file: a 4 KiB main header, then two 4 KiB database headers (the one with the
# higher iteration is current) holding the block count and block size, then the blocks.
_HEADER = 4096
_DB_HEADER = struct.Struct("<QQqqQQ")  # checksum, iteration, meta, free list, blocks, size
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LOOKS_LIKE = (  # file signatures a mistaken --store tends to point at
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (an XLSX workbook?)"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_EXPECTED = "give a DuckDB file path (e.g. data/oborot.duckdb) or a postgresql:// URL"


class StoreTargetError(OborotError):
    """The store argument names neither a DuckDB file nor a PostgreSQL database."""


def engine_for(target: object, *, keep_open: bool, create: bool) -> Engine:
    """The engine for a path or URL; ``create=False`` refuses a store that does not exist."""
    text = os.fspath(target) if isinstance(target, os.PathLike) else str(target)
    if text.startswith(POSTGRES_SCHEMES):
        return PostgresEngine(text, keep_open=keep_open, create=create)
    if text.strip() == "":
        raise StoreTargetError(f"the store is empty: {_EXPECTED}")
    if text.startswith(":memory:"):
        raise StoreTargetError(f"{text}: an in-memory DuckDB database is lost when the "
                               f"command ends; {_EXPECTED}")
    if text.startswith(("md:", "motherduck:")):
        raise StoreTargetError(f"{text}: MotherDuck databases are not supported; {_EXPECTED}")
    if _URL.match(text):
        raise StoreTargetError(f"{redacted(text)}: not a store URL Oborot knows; {_EXPECTED}")
    path = Path(text)
    if path.is_dir():
        raise StoreTargetError(f"{path}: is a directory; {_EXPECTED}, "
                               f"such as {path / 'oborot.duckdb'}")
    if path.exists():
        unless_open_here(path, _check_duckdb_file)
    elif not create:
        raise StoreTargetError(f"{path}: no store here (is the path right?); a read command "
                               "never creates one")
    return DuckDBEngine(path, keep_open=keep_open, create=create)


def _check_duckdb_file(path: Path) -> None:
    """Raise unless the file starts like a DuckDB database."""
    try:
        with path.open("rb") as handle:
            head = handle.read(3 * _HEADER)
    except OSError as exc:
        raise StoreTargetError(f"{path}: cannot read the store ({exc.strerror})") from exc
    if head[8:12] == _DUCKDB_MAGIC:
        size = path.stat().st_size
        expected = _expected_size(head, size)
        if expected is not None and size < expected:
            raise StoreTargetError(
                f"{path}: the DuckDB store is cut short ({size:,} of {expected:,} bytes): "
                "a truncated copy? Copy the whole file again")
        return
    if not head:
        what = "an empty file"
    else:
        what = next((name for magic, name in _LOOKS_LIKE if head.startswith(magic)), None)
        if what is None:
            what = "some other file" if b"\x00" in head else "a text file"
    raise StoreTargetError(f"{path}: not a DuckDB store, it is {what}; {_EXPECTED}")


def _expected_size(head: bytes, size: int | None = None) -> int | None:
    """Bytes the file must hold according to its current header (None if unreadable)."""
    if len(head) < 3 * _HEADER:
        return 3 * _HEADER
    headers = [_DB_HEADER.unpack_from(head, offset) for offset in (_HEADER, 2 * _HEADER)]
    _, _, _, _, blocks, block_size = max(headers, key=lambda h: h[1])
    if block_size & (block_size - 1) or not 4096 <= block_size <= 1 << 24:
        return None  # a layout this check does not know: let DuckDB judge
    if size is not None and size >= 3 * _HEADER and (size - 3 * _HEADER) % block_size == 0:
        # A checkpoint cuts free blocks off the end of the file and the header's count
        # still includes them: whole blocks are DuckDB's own doing, a copy cut short
        # stops anywhere.
        return None
    return 3 * _HEADER + blocks * block_size
