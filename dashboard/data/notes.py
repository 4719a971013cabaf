"""Dated notes in the store: the `notes` table and every statement that touches it.

The SQL lives here, in one place, in plain SQL that DuckDB and PostgreSQL both
accept (a sequence, VARCHAR and TIMESTAMP columns, `?` parameters as every other
store statement). A note is dated by a year ("2022") or a month ("2022-06") and
may name one partner (ISO 3166-1 alpha-2) and/or one HS code prefix.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.core.errors import NotFoundError, OborotError

if TYPE_CHECKING:  # the store runs NOTES_DDL, so this module cannot import it at run time
    from dashboard.data.store import Store

log = logging.getLogger(__name__)

NOTES_DDL = """
CREATE SEQUENCE IF NOT EXISTS note_ids START 1;
CREATE TABLE IF NOT EXISTS notes (
    id BIGINT PRIMARY KEY,
    period VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    partner VARCHAR,
    hs VARCHAR,
    created TIMESTAMP NOT NULL
);
"""
"""Schema version 3 of both engines' migrations."""

_INSERT = ("INSERT INTO notes (id, period, text, partner, hs, created) "
           "VALUES (nextval('note_ids'), ?, ?, ?, ?, ?) RETURNING id")
_SELECT = "SELECT id, period, text, partner, hs, created FROM notes ORDER BY period, id"
_FIND = "SELECT id FROM notes WHERE id = ?"
_DELETE = "DELETE FROM notes WHERE id = ?"

COLUMNS = ("id", "period", "text", "partner", "hs", "created")
"""Columns of read_notes(), as stored."""

MAX_TEXT = 500
"""Longest note text in characters: a note is a line on a chart, not an essay."""


def add_note(store: Store, *, period: str, text: str, partner: str | None = None,
             hs: str | None = None) -> int:
    """Store one note and return its id; the caller has checked period, partner and hs."""
    body = text.strip()
    if not body:
        raise OborotError("a note needs a text")
    if len(body) > MAX_TEXT:
        raise OborotError(f"a note is at most {MAX_TEXT} characters, this one has {len(body)}")
    created = datetime.now(UTC).replace(tzinfo=None)
    row = store.write_one(_INSERT, [period, body, partner or None, hs or None, created])
    note_id = int(row[0]) if row else 0
    log.info("note %s added for %s", note_id, period)
    return note_id


def read_notes(store: Store) -> pd.DataFrame:
    """Every stored note (COLUMNS), ordered by period then id."""
    rows = store.query_rows(_SELECT)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype({"id": "int64", "period": object, "text": object, "partner": object,
                         "hs": object})


def delete_note(store: Store, note_id: int) -> None:
    """Remove one note; NotFoundError when there is no note with that id."""
    if not store.query_rows(_FIND, [note_id]):
        raise NotFoundError(f"no note with id {note_id}")
    store.write_one(_DELETE, [note_id])
    log.info("note %s deleted", note_id)
