"""The Data page's widgets: stage an upload, preview it, map its columns, load it, delete datasets.

An uploaded file is written under a fresh ``tempfile.mkdtemp()`` with a fixed
name (``upload`` + an allow-listed suffix): the name the user's browser sent is
kept only for display and provenance, never used as a path. The folder is removed
once the file is loaded, when the user removes it from the uploader, when its
session is gone (a finalizer on the staged object), and folders older than
STALE_AFTER_HOURS left by a killed process are swept whenever a file is staged.
Everything that
comes from a file or a dataset (names, cell values, error details) is shown as
plain text (``st.text``, ``st.code`` or dataframe cells), never as markdown.
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
import streamlit as st

from dashboard.app import queries
from dashboard.core.config import settings
from dashboard.core.errors import LimitError, OborotError, SchemaError
from dashboard.core.i18n import t
from dashboard.data.sources.base import Sniff
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
_STATE = "data.staged"
_FLASH = "data.flash"
_SEPARATORS = {"\t": "TAB", ";": ";", ",": ",", "|": "|", "": "—"}


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
    from dashboard.data.sources.detect import sha256_of

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
    from dashboard.data.sources import detect

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
    from dashboard.data.sources.excel import preview_rows

    rows = preview_rows(path, rows=PREVIEW_ROWS + 1, display_name=path.name)
    width = max((len(row) for row in rows), default=0)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows],
                        columns=[_column_letter(i) for i in range(width)], dtype="string")


def _column_letter(index: int) -> str:
    from dashboard.data.sources.excel import column_letter

    return column_letter(index)


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
         progress: Callable[[int], None] | None = None) -> IngestResult:
    """Parse and store the staged file as one dataset (all or nothing); mapping for tables."""
    from dashboard.data.ingest import ingest_file

    mapped = staged.kind in MAPPED_KINDS and staged.sniff is not None
    result = ingest_file(store, staged.path, name=name, display_name=staged.display_name,
                         progress=progress, mapping=dict(mapping or {}) if mapped else None)
    discard(staged)  # stored: the copy is no longer needed (a failed load keeps it for a retry)
    return result


def problem_frame(exc: Exception, lang: str, *, file: str = "") -> pd.DataFrame:
    """One row naming file, line, column, what was expected and found (plain cells).

    Errors without a place in the file (a size limit, a store failure) give file and
    problem only.
    """
    if isinstance(exc, SchemaError):
        row = {"file": exc.file, "line": "" if exc.line is None else str(exc.line),
               "column": exc.column or "", "expected": exc.expected, "found": exc.found or ""}
    else:
        text = str(exc) if isinstance(exc, OborotError) else f"{type(exc).__name__}: {exc}"
        row = {"file": file, "problem": text}
    labels = {"file": t("data.file", lang), "line": t("data.line", lang),
              "column": t("data.column", lang), "expected": t("data.expected", lang),
              "found": t("data.found", lang), "problem": t("data.problem", lang)}
    return pd.DataFrame([row], dtype="string").rename(columns=labels)


# -- widgets -----------------------------------------------------------------------------


def flash() -> None:
    """Messages left by the run that loaded or deleted something (before its rerun)."""
    for kind, text in st.session_state.pop(_FLASH, []):
        (st.success if kind == "success" else st.info)(text)


def _say_after_rerun(kind: str, text: str) -> None:
    st.session_state.setdefault(_FLASH, []).append((kind, text))


def staged_files(files: list) -> list[Staged]:
    """Stage each uploaded file once per upload; forget (and delete) files no longer listed."""
    cache: dict[str, Staged] = st.session_state.setdefault(_STATE, {})
    current = {file.file_id: file for file in files}
    for file_id in [key for key in cache if key not in current]:
        discard(cache.pop(file_id))
    for file_id, file in current.items():
        if file_id not in cache:
            cache[file_id] = stage(file.getvalue(), file.name, queries.store())
    return [cache[file.file_id] for file in files]


def panel(staged: Staged, n: int, lang: str) -> None:
    """One staged file: detection, preview, mapping, name and the Load button."""
    with st.container(border=True):
        st.text(f"{t('data.file', lang)}: {staged.display_name}")
        if staged.sniff is not None or staged.kind == "workbook":
            st.dataframe(_detection(staged, lang), hide_index=True, key=f"data.detected.{n}")
        if not staged.preview.empty:
            st.caption(t("data.preview", lang))
            st.dataframe(staged.preview, hide_index=True, key=f"data.preview.{n}")
        if staged.problem is not None and staged.result is None:
            _show_problem(staged, lang)
            if staged.sniff is None and staged.kind != "workbook":
                return
        if staged.already is not None:
            st.info(t("data.already", lang, id=staged.already))
            return
        mapping = _mapping(staged, n, lang) if staged.kind in MAPPED_KINDS else None
        name = st.text_input(t("data.name", lang), value=staged.display_name,
                             key=f"data.name.{n}", max_chars=200)
        if st.button(t("data.load", lang), key=f"data.load.{n}", type="primary"):
            _load(staged, name.strip() or staged.display_name, mapping, lang)


def _detection(staged: Staged, lang: str) -> pd.DataFrame:
    kind = staged.kind if staged.kind != "unknown" else t("data.unknown_format", lang)
    sniff = staged.sniff
    return pd.DataFrame({
        t("data.format", lang): [kind],
        t("data.encoding", lang): [sniff.encoding if sniff else "—"],
        t("data.separator", lang): [_SEPARATORS.get(sniff.separator, sniff.separator)
                                    if sniff else "—"],
        t("data.size", lang): [f"{staged.size:,}".replace(",", " ")],
    }, dtype="string")


def _mapping(staged: Staged, n: int, lang: str) -> dict[str, str]:
    """A selectbox per canonical role, prefilled from the generic source's synonyms."""
    from dashboard.data.sources.generic import resolve_columns

    header = list(staged.sniff.header) if staged.sniff else []
    guessed = resolve_columns(tuple(header))
    st.caption(t("data.mapping", lang))
    options = ["", *header]
    chosen: dict[str, str] = {}
    columns = st.columns(4)
    for index, role in enumerate(ROLES):
        with columns[index % 4]:
            pick = st.selectbox(t(f"data.role.{role}", lang), options, key=f"data.map.{n}.{role}",
                                index=options.index(guessed[role]) if role in guessed else 0,
                                format_func=lambda c: c or t("data.not_mapped", lang))
        if pick:
            chosen[role] = pick
    return chosen


def _load(staged: Staged, name: str, mapping: dict[str, str] | None, lang: str) -> None:
    """Ingest with a progress bar; on success clear caches and rerun, else list the problem."""
    total = estimate_rows(staged)
    bar = st.progress(0.0, text=t("data.loading", lang, rows=0))

    def advance(rows: int) -> None:
        bar.progress(min(rows / total, 0.99), text=t("data.loading", lang, rows=f"{rows:,}"))

    try:
        result = load(staged, queries.store(), name=name, mapping=mapping, progress=advance)
    except OborotError as exc:
        bar.empty()
        staged.problem = exc
        _show_problem(staged, lang)
        return
    except Exception as exc:  # an unexpected failure is still shown, never a traceback
        log.exception("loading %s failed", staged.display_name)
        bar.empty()
        staged.problem = exc
        _show_problem(staged, lang)
        return
    bar.progress(1.0)
    staged.problem, staged.result, staged.already = None, result, result.dataset_id
    queries.clear()
    if result.already_loaded:
        _say_after_rerun("info", t("data.already", lang, id=result.dataset_id))
    else:
        _say_after_rerun("success", t("data.loaded", lang, rows=f"{result.rows:,}",
                                      id=result.dataset_id))
        for note in result.notes:
            _say_after_rerun("info", note)
    st.rerun()


def _show_problem(staged: Staged, lang: str) -> None:
    st.error(t("data.rejected", lang), icon="⚠️")
    st.dataframe(problem_frame(staged.problem, lang, file=staged.display_name), hide_index=True)


def dataset_columns(lang: str) -> dict:
    """Column labels of analysis.dataset_table."""
    text, number = st.column_config.TextColumn, st.column_config.NumberColumn
    return {
        "id": number("ID", format="%d", width="small"),
        "name": text(t("data.col_name", lang)),
        "format": text(t("data.format", lang), width="small"),
        "file": text(t("data.file", lang)),
        "rows": number(t("data.rows", lang), format="%,d"),
        "rejected": number(t("data.rejected_rows", lang), format="%,d", width="small"),
        "periods": text(t("data.periods", lang)),
        "reporters": text(t("data.reporters", lang)),
        "encoding": text(t("data.encoding", lang), width="small"),
        "loaded_at": st.column_config.DatetimeColumn(t("data.loaded_at", lang),
                                                     format="YYYY-MM-DD HH:mm"),
        "sha256": text("SHA-256", width="small"),
    }


def delete_controls(datasets: pd.DataFrame, lang: str) -> None:
    """Per dataset: tick to delete, then confirm; the store drops its rows in one transaction."""
    st.caption(t("data.delete_title", lang))
    for row in datasets.itertuples(index=False):
        dataset_id = int(row.id)
        left, right = st.columns([3, 1])
        left.text(f"{dataset_id} · {row.name}")
        if not right.checkbox(t("data.delete", lang, id=dataset_id),
                              key=f"data.delete.{dataset_id}"):
            continue
        st.warning(t("data.delete_warning", lang, id=dataset_id))
        if st.button(t("data.delete_confirm", lang, id=dataset_id),
                     key=f"data.delete.{dataset_id}.confirm", type="primary"):
            try:
                queries.store().delete(dataset_id)
            except OborotError as exc:
                st.error(str(exc))
                continue
            queries.clear()
            _say_after_rerun("success", t("data.deleted", lang, id=dataset_id))
            st.rerun()
