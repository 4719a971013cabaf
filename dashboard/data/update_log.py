"""The update log: one row per source per ``update`` run (when, what, rows, result).

All of its SQL lives here, in portable SQL (no engine-specific types or
functions), so it moves with the store's schema code as one piece; the store
runs ``DDL`` when it opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from dashboard.data.refresh import Outcome
    from dashboard.data.store import Store

DDL = """
CREATE TABLE IF NOT EXISTS update_log (
    run_at TIMESTAMP NOT NULL,
    step INTEGER NOT NULL,
    source VARCHAR NOT NULL,
    what VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    result VARCHAR NOT NULL,
    message VARCHAR,
    dataset_id INTEGER
);
"""

_INSERT = ("INSERT INTO update_log (run_at, step, source, what, rows, result, message, "
           "dataset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_ENTRIES = ("SELECT run_at, source, what, rows, result, message, dataset_id FROM update_log "
            "ORDER BY run_at DESC, step LIMIT ?")
_LAST_LOADED = ("SELECT run_at, dataset_id FROM update_log WHERE run_at = "
                "(SELECT max(run_at) FROM update_log WHERE result = 'loaded' "
                "AND dataset_id IS NOT NULL) "
                "AND result = 'loaded' AND dataset_id IS NOT NULL ORDER BY dataset_id")


def record(store: Store, run_at: datetime, outcomes: Sequence[Outcome]) -> None:
    """Append one run's outcomes (a run is identified by its start time, UTC)."""
    if not outcomes:
        return
    with store.connect() as con:
        con.executemany(_INSERT, [[run_at, step, o.source, o.what, o.rows, o.result,
                                   o.message or None, o.dataset_id]
                                  for step, o in enumerate(outcomes)])


def entries(store: Store, limit: int = 200) -> pd.DataFrame:
    """Log rows, newest run first and each run in its order: run_at, source, what, rows,
    result, message, dataset_id."""
    with store.connect() as con:
        return con.execute(_ENTRIES, [limit]).df()


def last_loaded(store: Store) -> tuple[datetime | None, tuple[int, ...]]:
    """When the latest run that loaded trade data ran, and the datasets it loaded (a run
    that only brought rates does not count)."""
    with store.connect() as con:
        rows = con.execute(_LAST_LOADED).fetchall()
    if not rows:
        return None, ()
    return rows[0][0], tuple(int(r[1]) for r in rows)
