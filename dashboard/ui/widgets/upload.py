"""The Data page's widgets: stage an upload, preview it, map its columns, load it, delete datasets.

Staging and loading are dashboard.data.staging's, reached through the façade
(dashboard.ui.actions).  Everything that comes from a file or a dataset (names,
cell values, error details) is shown as plain text (``st.text``, ``st.code`` or
dataframe cells), never as markdown.
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from dashboard.core.errors import OborotError, SchemaError
from dashboard.core.i18n import t
from dashboard.data.staging import MAPPED_KINDS, ROLES, Staged, estimate_rows
from dashboard.ui import actions

log = logging.getLogger(__name__)

_STATE = "data.staged"
_FLASH = "data.flash"
_SEPARATORS = {"\t": "TAB", ";": ";", ",": ",", "|": "|", "": "—"}


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
        actions.discard_upload(cache.pop(file_id))
    for file_id, file in current.items():
        if file_id not in cache:
            cache[file_id] = actions.stage_upload(file.getvalue(), file.name)
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
        choice = st.radio(t("data.overlap", lang), ("keep", "replace"), key=f"data.overlap.{n}",
                          format_func=lambda c: t(f"data.overlap_{c}", lang), horizontal=True,
                          help=t("data.overlap_help", lang))
        if st.button(t("data.load", lang), key=f"data.load.{n}", type="primary"):
            _load(staged, name.strip() or staged.display_name, mapping, lang,
                  replace=choice == "replace")


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
    header = list(staged.sniff.header) if staged.sniff else []
    guessed = actions.guess_mapping(tuple(header))
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


def _load(staged: Staged, name: str, mapping: dict[str, str] | None, lang: str, *,
          replace: bool = False) -> None:
    """Ingest with a progress bar; on success clear caches and rerun, else list the problem."""
    total = estimate_rows(staged)
    bar = st.progress(0.0, text=t("data.loading", lang, rows=0))

    def advance(rows: int) -> None:
        bar.progress(min(rows / total, 0.99), text=t("data.loading", lang, rows=f"{rows:,}"))

    try:
        result = actions.load_upload(staged, name=name, mapping=mapping, progress=advance,
                                     replace=replace)
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
    """Column labels of tables.dataset_table."""
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
                actions.delete_dataset(dataset_id)
            except OborotError as exc:
                st.error(str(exc))
                continue
            _say_after_rerun("success", t("data.deleted", lang, id=dataset_id))
            st.rerun()
