"""What every trade source hands to the store.

A source turns one publisher's file into an iterator of Arrow record batches
in exactly ``dashboard.data.schema.TRADE_SCHEMA``, each already validated, so the
store can stream them into one transaction without holding the file in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa


@dataclass
class TradeBatches:
    """A parsed trade file: what was detected, and its canonical batches (read once)."""

    format: str  # e.g. "fcs-ru", "fcs-en", "csv", "comtrade-plus", "baci"
    encoding: str  # e.g. "utf-8", "cp1251"
    separator: str  # "\t", ";", ",", or "" for workbooks and APIs
    batches: Iterator[pa.RecordBatch]
    notes: list[str] = field(default_factory=list)  # shown to the user (sheet used, skipped)
    rejected: int = 0  # rows deliberately skipped; sources add to it while batches are read
    licence: str = ""  # provenance note stored with the dataset
    # Descriptions the file carries by commodity code (Comtrade cmdDesc), filled while the
    # batches are read; the store keeps the HS ones as names (see data.definitions).
    hs_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sniff:
    """What detect.py learned from the first bytes of a file."""

    display_name: str  # the file name as the user knows it (never used as a path)
    encoding: str
    separator: str
    header: tuple[str, ...]  # column names as written in the file
    member: str | None = None  # archive member holding the data, if any
    header_line: int = 1  # 1-based line of the header in the file
