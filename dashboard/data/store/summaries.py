"""The summary tables: covering sums of trade per dataset, shared by every engine."""

from __future__ import annotations

from typing import Any

from dashboard.data.store.engine import Engine

# The confidential marker stays whole at every level (see schema).
HEADING = "CASE WHEN starts_with(hs_code, 'X') THEN hs_code ELSE left(hs_code, 4) END"
SUMMARIES = {
    "trade_by_partner": ("dataset_id", "reporter", "partner", "flow", "year", "month"),
    "trade_by_heading": ("dataset_id", "reporter", "flow", "year", HEADING),
}


def fill_summaries(engine: Engine, con: Any, dataset_id: int | None) -> None:
    """Sum one dataset's trade rows (every dataset's when None) into the summary tables.

    Rows go in by reporter so that a page's ``reporter = ?`` touches few blocks.
    """
    where = "" if dataset_id is None else "WHERE dataset_id = ?"
    for table, keys in SUMMARIES.items():
        positions = ", ".join(str(n) for n in range(1, len(keys) + 1))
        engine.execute(
            con,
            f"INSERT INTO {table} SELECT {', '.join(keys)}, sum(value_usd), "  # noqa: S608
            f"sum(net_kg), sum(quantity) FROM trade {where} GROUP BY {positions} "
            "ORDER BY 2",
            [] if dataset_id is None else [dataset_id],
        )
