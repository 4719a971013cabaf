"""Stage an upload: write it to a private temp file and find out what it is, storing nothing.

An uploaded file is written under a fresh ``tempfile.mkdtemp()`` with a fixed
name (``upload`` + an allow-listed suffix): the name the user's browser sent is
kept only for display and provenance, never used as a path.  What staging
learns (SHA-256, size, layout) is handed to ingest as a ``CheckedFile`` so the
file is hashed, size-checked and sniffed once.  The folder is removed once the
file is loaded, when the user removes it from the uploader, when its session is
gone (a finalizer on the staged object), and folders older than
STALE_AFTER_HOURS left by a killed process are swept whenever a file is staged.
"""

from __future__ import annotations

import csv
import logging
import shutil
import tempfile
import time
import weakref
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.core.config import settings
from dashboard.core.errors import LimitError, OborotError, SchemaError
from dashboard.data.ingest import CheckedFile, ingest_file
from dashboard.data.sources import detect
from dashboard.data.sources.base import Sniff
from dashboard.data.sources.detect import sha256_of
from dashboard.data.sources.excel import column_letter, preview_rows
from dashboard.data.sources.generic import resolve_columns
from dashboard.data.store import IngestResult, Store

log = logging.getLogger(__name__)

ACCEPTED = ["csv", "tsv", "txt", "zip", "xlsx", "xlsm", "xls", "ods"]
ROLES = ("reporter", "partner", "flow", "year", "month", "hs_code", "value_usd",
         "value_thousand_usd", "net_kg", "quantity", "unit")
"""Canonical roles a generic table's columns can be mapped to (dashboard.data.sources.generic)."""
MAPPED_KINDS = ("csv", "unknown")
"""Detected kinds read by the generic source, so the user may map their columns."""
PREVIEW_ROWS = 10
UPLOAD_PREFIX = "oborot-upload-"
STALE_AFTER_HOURS = 24  # longer than any working session; a staged file is re-uploaded after


@dataclass
class Staged:
    """One uploaded file written to a private temp dir, sniffed but not stored."""

    display_name: str  # as the browser sent it: shown and stored as provenance, never a path
    path: Path
    size: int
    sha256: str
    kind: str = "unknown"  # fcs, csv, comtrade, baci, workbook, unknown
    sniff: Sniff | None = None
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    problem: Exception | None = None  # why it cannot be loaded (shown with line/column)
    already: int | None = None  # dataset id holding the same bytes
    result: IngestResult | None = None


def safe_path(directory: Path, original_name: str) -> Path:
    """``directory/upload.<suffix>`` with the suffix taken only from the accepted list."""
    suffix = Path(original_name).suffix.lower().lstrip(".")
    return directory / f"upload.{suffix if suffix in ACCEPTED else 'dat'}"


def stage(data: bytes, display_name: str, store: Store) -> Staged:
    """Write the bytes to a private temp file and find out what they are (nothing is stored)."""
    sweep_stale()
    path = safe_path(Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX)), display_name)
    path.write_bytes(data)
    staged = Staged(display_name=display_name, path=path, size=len(data), sha256=sha256_of(path))
    # When the session's state is dropped (the browser tab closed), so is the folder.
    weakref.finalize(staged, shutil.rmtree, path.parent, True)
    try:
        limit = settings().max_upload_mb
        if staged.size > limit << 20:
            raise LimitError(f"{display_name}: {staged.size:,} bytes, more than the configured "
                             f"{limit} MB (OBOROT_MAX_UPLOAD_MB)")
        staged.already = store.find_by_sha256(staged.sha256)
        _detect(staged)
    except OborotError as exc:
        staged.problem = exc
    except Exception as exc:  # an unreadable file is a user problem, never a traceback
        log.warning("staging %s failed: %s", display_name, exc)
        staged.problem = exc
    return staged


def discard(staged: Staged) -> None:
    """Remove a staged file's private folder (the preview and result stay in memory)."""
    shutil.rmtree(staged.path.parent, ignore_errors=True)


def sweep_stale(*, older_than_hours: float = STALE_AFTER_HOURS,
                root: Path | None = None) -> int:
    """Remove upload folders not touched for ``older_than_hours``; how many were removed."""
    root = Path(root or tempfile.gettempdir())
    cutoff = time.time() - older_than_hours * 3600
    removed = 0
    for folder in root.glob(f"{UPLOAD_PREFIX}*"):
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:  # another process removed it first
            continue
    if removed:
        log.info("removed %d stale upload folder(s) from %s", removed, root)
    return removed


def _detect(staged: Staged) -> None:
    """Fill kind, sniff and preview (raises SchemaError/LimitError for unreadable files)."""
    if staged.size == 0:
        raise SchemaError(staged.display_name, "a file with a header and data rows",
                          found="an empty file")
    if detect.is_workbook(staged.path):  # the same test open_trade_file uses
        staged.kind = "workbook"
        staged.preview = workbook_preview(staged.path)
        return
    sniff = detect.sniff_text(staged.path, display_name=staged.display_name)
    staged.sniff = sniff
    staged.preview = preview_frame(detect.read_text_sample(staged.path, sniff,
                                                           lines=sniff.header_line + PREVIEW_ROWS),
                                   sniff)
    staged.kind = detect.format_of(sniff) or "unknown"


def preview_frame(lines: list[str], sniff: Sniff) -> pd.DataFrame:
    """The first data rows under the file's header, every cell as text (plain display)."""
    rows = list(csv.reader([line for line in lines if line], delimiter=sniff.separator or ","))
    data = rows[sniff.header_line:][:PREVIEW_ROWS]
    header = unique_names(list(sniff.header))
    width = max([len(header), *(len(row) for row in data)], default=0)
    header += [f"#{i + 1}" for i in range(len(header), width)]
    return pd.DataFrame([row + [""] * (width - len(row)) for row in data], columns=header,
                        dtype="string")


def workbook_preview(path: Path) -> pd.DataFrame:
    """The first rows of a workbook's first sheet as text (titles above the table included)."""
    rows = preview_rows(path, rows=PREVIEW_ROWS + 1, display_name=path.name)
    width = max((len(row) for row in rows), default=0)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows],
                        columns=[column_letter(i) for i in range(width)], dtype="string")


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique ("a", "a (2)") and never empty, for a preview frame."""
    seen: dict[str, int] = {}
    out = []
    for position, name in enumerate(names):
        base = name or f"#{position + 1}"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return out


def estimate_rows(staged: Staged) -> int:
    """Rough row count from the (unpacked) size and the preview's bytes per line."""
    size = staged.size
    if zipfile.is_zipfile(staged.path) and staged.sniff and staged.sniff.member:
        with zipfile.ZipFile(staged.path) as archive:
            size = archive.getinfo(staged.sniff.member).file_size
    cells = staged.preview.astype(str).apply(lambda row: len("\t".join(row)) + 1, axis=1)
    per_line = float(cells.mean()) if len(cells) else 80.0
    return max(1, int(size / max(per_line, 10.0)))


def load(staged: Staged, store: Store, *, name: str, mapping: Mapping[str, str] | None,
         progress: Callable[[int], None] | None = None, replace: bool = False) -> IngestResult:
    """Parse and store the staged file as one dataset (all or nothing); mapping for tables.

    ``replace`` deletes loaded datasets the file overlaps, in the same transaction.
    """
    mapped = staged.kind in MAPPED_KINDS and staged.sniff is not None
    checked = (CheckedFile(sha256=staged.sha256, size=staged.size, sniff=staged.sniff)
               if staged.problem is None else None)
    result = ingest_file(store, staged.path, name=name, display_name=staged.display_name,
                         progress=progress, mapping=dict(mapping or {}) if mapped else None,
                         checked=checked, replace=replace)
    discard(staged)  # stored: the copy is no longer needed (a failed load keeps it for a retry)
    return result


def guess_mapping(header: tuple[str, ...]) -> dict[str, str]:
    """Canonical role -> the header's column, from the generic source's synonyms."""
    return resolve_columns(header)
