"""Load one file into the store: detect, parse, stream into one transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dashboard.errors import SchemaError
from dashboard.sources.detect import open_trade_file, sha256_of
from dashboard.store import IngestResult, Store


def ingest_file(
    store: Store,
    path: Path,
    *,
    fmt: str = "auto",
    name: str | None = None,
    display_name: str | None = None,
    max_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Parse ``path`` and load it as one dataset; the same bytes twice are loaded once."""
    shown = display_name or path.name
    if not path.is_file():
        raise SchemaError(shown, "an existing file", found=str(path))
    digest = sha256_of(path)
    existing = store.find_by_sha256(digest)
    if existing is not None:
        return store.already_loaded(existing)
    parsed = open_trade_file(path, fmt=fmt, display_name=shown)
    return store.ingest(parsed, name=name or shown, file_name=shown, sha256=digest,
                        max_rows=max_rows, progress=progress)
