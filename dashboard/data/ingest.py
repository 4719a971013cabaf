"""Load one file into the store: detect, parse, stream into one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dashboard.core.config import settings
from dashboard.core.errors import LimitError, SchemaError
from dashboard.data import definitions
from dashboard.data.sources.base import Sniff
from dashboard.data.sources.detect import open_trade_file, sha256_of
from dashboard.data.store import IngestResult, Store

# Files from this size on are hashed in a thread beside the parse; smaller ones first,
# so that a re-load is recognised before a byte is parsed.
HASH_BESIDE_BYTES = 64 << 20


@dataclass(frozen=True)
class CheckedFile:
    """What staging already found out about a file, so that ingest does not look again."""

    sha256: str
    size: int  # bytes, already within OBOROT_MAX_UPLOAD_MB
    sniff: Sniff | None  # the text layout; None for a workbook


def ingest_file(
    store: Store,
    path: Path,
    *,
    fmt: str = "auto",
    name: str | None = None,
    display_name: str | None = None,
    max_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
    mapping: Mapping[str, str] | None = None,
    checked: CheckedFile | None = None,
    replace: bool = False,
    max_upload_mb: int | None = None,
) -> IngestResult:
    """Parse ``path`` and load it as one dataset; the same bytes twice are loaded once.

    ``replace``: delete older datasets covering the same rows (Store.ingest) in
    the same transaction, instead of keeping both and noting the overlap.

    Files over ``max_upload_mb`` (a web upload's limit, ``OBOROT_MAX_UPLOAD_MB``) are
    refused before a byte is read; the command line passes None: a year of all
    regions' customs data is larger than any sensible upload.  ``max_rows``
    defaults to ``OBOROT_MAX_ROWS``.  A ``checked`` file (an upload
    staged by dashboard.data.staging) is neither hashed, size-checked nor sniffed again.
    """
    shown = display_name or path.name
    if not path.is_file():
        raise SchemaError(shown, "an existing file", found=str(path))
    config = settings()
    if checked is None and max_upload_mb is not None:
        check_size(path, display_name=shown, max_upload_mb=max_upload_mb)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="oborot-hash") as hashing:
        digest: str | Future[str]
        if checked is not None:
            digest = checked.sha256
        elif path.stat().st_size < HASH_BESIDE_BYTES:
            digest = sha256_of(path)
        else:  # hashed beside the parse, not before the first row is read
            digest = hashing.submit(sha256_of, path)
        # A digest already known is looked up by Store.ingest before any batch is read.
        parsed = open_trade_file(path, fmt=fmt, display_name=shown, mapping=mapping,
                                 sniff=checked.sniff if checked is not None else None)
        result = store.ingest(parsed, name=name or shown, file_name=shown, sha256=digest,
                              max_rows=config.max_rows if max_rows is None else max_rows,
                              progress=progress, replace=replace)
    if parsed.hs_names and not result.already_loaded:
        definitions.save_carried_names(store, parsed.hs_names, source=shown)
    return result


def check_size(path: Path, *, display_name: str, max_upload_mb: int) -> None:
    """LimitError when the file is larger than the configured upload size."""
    size = path.stat().st_size
    if size > max_upload_mb * 2**20:
        raise LimitError(f"{display_name}: the file is {size / 2**20:,.1f} MB; at most "
                         f"{max_upload_mb:,} MB are accepted (OBOROT_MAX_UPLOAD_MB)")
