"""Every write of the app through one door: uploads, deletes, rates, baskets, groups, names.

Each write ends with one cache invalidation; the store's version also moves
(datasets and rates alike), so answers cached on the old version are not reused.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import streamlit as st

from dashboard.analysis import compare
from dashboard.core.config import settings
from dashboard.core.errors import OborotError
from dashboard.data import definitions, staging
from dashboard.data.staging import Staged
from dashboard.data.store import IngestResult, Store
from dashboard.jobs import updates
from dashboard.rates import files, refresh
from dashboard.reference.baskets import Basket
from dashboard.reference.groups import PartnerGroup
from dashboard.reference.names import NameEntry
from dashboard.ui import queries

log = logging.getLogger(__name__)


def stage_upload(data: bytes, display_name: str) -> Staged:
    """Write an uploaded file to a private temp dir and detect what it is (nothing stored)."""
    return staging.stage(data, display_name, queries.store())


def discard_upload(staged: Staged) -> None:
    """Remove a staged file the user took out of the uploader (nothing was stored)."""
    staging.discard(staged)


def guess_mapping(header: tuple[str, ...]) -> dict[str, str]:
    """Canonical role -> column of a generic table's header (prefills the mapping widgets)."""
    return staging.guess_mapping(header)


def load_upload(staged: Staged, *, name: str, mapping: Mapping[str, str] | None,
                progress: Callable[[int], None] | None = None,
                replace: bool = False) -> IngestResult:
    """Store a staged file as one dataset (all or nothing), then forget cached answers."""
    result = staging.load(staged, queries.store(), name=name, mapping=mapping, progress=progress,
                          replace=replace)
    log.info("loaded %s as dataset %s (%s rows)", staged.display_name, result.dataset_id,
             result.rows)
    queries.clear()
    return result


def delete_dataset(dataset_id: int) -> None:
    """Remove a dataset and all its rows, then forget cached answers."""
    queries.store().delete(dataset_id)
    log.info("deleted dataset %s", dataset_id)
    queries.clear()


def refresh_rates(*, source: str, currencies: tuple[str, ...] | None = None,
                  store: Store | None = None) -> refresh.UpdateResult:
    """Fetch missing official rates from a bank into the store, then forget cached answers.

    ``store`` is given by the background thread (it runs outside a page run);
    the page's refresh button uses the app's store.
    """
    target = store if store is not None else queries.store()
    result = (refresh.update(target, source=source) if currencies is None
              else refresh.update(target, currencies=currencies, source=source))
    log.info("rates refresh from %s: %s rows", source, result.rows)
    queries.clear()
    return result


@dataclass
class RefreshState:
    """What the background refresh did (shared by every session of the process)."""

    started: bool = False
    done: bool = False
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource
def _refresh_state() -> RefreshState:
    return RefreshState()


def _refresh(state: RefreshState, store: Store, currencies: tuple[str, ...]) -> None:
    try:
        refresh_rates(source="cbr", currencies=currencies, store=store)
    except OborotError as exc:
        log.warning("background rates refresh failed: %s", exc)
        state.error = str(exc)
    except Exception:  # a thread's exception would vanish: log it with its traceback
        log.exception("background rates refresh failed")
        state.error = "unexpected error (see the log)"
    finally:
        state.done = True


def background_refresh(currencies: tuple[str, ...]) -> RefreshState:
    """Start (once per process) a refresh of the day's rates; never blocks the page."""
    state = _refresh_state()
    with state.lock:
        if not state.started:
            state.started = True
            if settings().offline:
                state.done, state.error = True, "offline mode (OBOROT_OFFLINE)"
            else:
                threading.Thread(target=_refresh, args=(state, queries.store(), currencies),
                                 daemon=True).start()
    return state


def import_rates(data: bytes, file_name: str) -> tuple[str, int]:
    """Parse a rates file a bank publishes and store its rows: (format, rows written)."""
    parsed = files.detect_and_parse(data, file_name)
    written = queries.store().upsert_rates(parsed.frame)
    queries.clear()
    return parsed.format, written


def add_note(*, period: str, text: str, partner: str | None, hs: str | None) -> int:
    """Store a dated note (checked: OborotError says what was expected); returns its id.

    The write moves the store's version, so cached notes drop.
    """
    return compare.add_note(queries.store(), period=period, text=text, partner=partner, hs=hs)


def delete_note(note_id: int) -> None:
    """Delete a stored note (built-in notes have no id and cannot be deleted)."""
    compare.delete_note(queries.store(), note_id)


def update_now(progress: updates.Progress | None = None,
               report: updates.Emit | None = None) -> updates.UpdateRun:
    """Run ``update`` against the app's store, then forget every cached answer."""
    try:
        return updates.update_all(queries.store(), progress=progress, report=report)
    finally:
        queries.clear()


# -- baskets, partner groups and HS names (the store's definitions) ------------------------
# Each write bumps the store's version (queries.version()): cached answers keyed on the old
# version are not reused.


def save_basket(item: Basket) -> bool:
    """Validate and store a basket (True when it replaced one)."""
    return definitions.save_basket(queries.store(), item)


def delete_basket(basket_id: str) -> None:
    """Delete a stored basket."""
    definitions.delete_basket(queries.store(), basket_id)


def import_baskets(items: list[Basket]) -> tuple[int, int]:
    """Store parsed baskets in one transaction: (added, replaced)."""
    return definitions.replace_baskets(queries.store(), items)


def save_group(item: PartnerGroup) -> bool:
    """Validate and store a partner group (True when it replaced one)."""
    return definitions.save_group(queries.store(), item)


def delete_group(group_id: str) -> None:
    """Delete a stored partner group."""
    definitions.delete_group(queries.store(), group_id)


def import_groups(items: list[PartnerGroup]) -> tuple[int, int]:
    """Store parsed groups in one transaction: (added, replaced)."""
    return definitions.replace_groups(queries.store(), items)


def import_names(entries: list[NameEntry], source: str) -> int:
    """Store user-loaded HS names (they replace bundled ones)."""
    return definitions.save_names(queries.store(), entries, source=source)
