"""The summary tables: covering sums of trade per dataset, shared by every engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.terms import CONFIDENTIAL_SQL
from dashboard.data.store.engine import Engine

# The confidential marker stays whole at every level (see schema).
HEADING = f"CASE WHEN {CONFIDENTIAL_SQL} THEN hs_code ELSE left(hs_code, 4) END"
CHAPTER = f"CASE WHEN {CONFIDENTIAL_SQL} THEN hs_code ELSE left(hs_code, 2) END"
_DIGITS = {HEADING: 4, CHAPTER: 2}  # HS codes cut to this many digits in a summary
SUMMARIES = {
    "trade_by_partner": ("dataset_id", "reporter", "partner", "flow", "year", "month"),
    "trade_by_heading": ("dataset_id", "reporter", "flow", "year", HEADING),
    # A region's totals by flow and month (KPIs, trends): a few dozen rows per region.
    "trade_by_reporter": ("dataset_id", "reporter", "flow", "year", "month"),
    # A region's HS chapters by flow and year (the pages' HS-2 tables): a few hundred
    # rows per region where the headings are tens of thousands.
    "trade_by_chapter": ("dataset_id", "reporter", "flow", "year", CHAPTER),
}
# Summed from another summary rather than from trade: a few hundred thousand rows
# instead of every customs line.  Its keys are a subset of the source's.
SUMMED_FROM = {"trade_by_reporter": "trade_by_partner", "trade_by_chapter": "trade_by_heading"}


MEASURES = ("value_usd", "net_kg", "quantity")


def summarize(table: pa.Table) -> dict[str, pa.Table]:
    """The summary rows of canonical rows (with ``dataset_id``), computed by Arrow.

    The same sums as ``fill_summaries``' SQL, for an engine that would rather not read
    the rows back after loading them; partial results combine with ``combine``
    (sums of sums), and ``decoded`` gives their keys as plain text.  A group whose
    values are all null sums to null, as in SQL.
    """
    out: dict[str, pa.Table] = {}
    for name, keys in SUMMARIES.items():
        names = [k if k not in _DIGITS else "hs_code" for k in keys]
        source = out[SUMMED_FROM[name]] if name in SUMMED_FROM else table
        for key in keys:
            if key in _DIGITS:
                codes = source.column("hs_code")
                source = source.set_column(source.column_names.index("hs_code"), "hs_code",
                                           _cut(codes, _DIGITS[key]))
        out[name] = _sum(_encoded(source, names), names)
    return out


def _encoded(table: pa.Table, keys: list[str]) -> pa.Table:
    """``table`` with its text keys as dictionaries: Arrow groups a fixed-width key per
    row faster than text, and the partial sums held until a load's end are smaller."""
    for key in keys:
        column = table.column(key)
        if pa.types.is_string(column.type):
            table = table.set_column(table.column_names.index(key), key,
                                     pc.dictionary_encode(column))
    return _unified(table)


def _unified(table: pa.Table) -> pa.Table:
    """``table`` with one dictionary per column for all its chunks, as grouping needs.

    Written out rather than ``Table.unify_dictionaries``: that crashed the process
    (pyarrow 26, a segfault) on small summaries with null keys, found by
    tests/test_summaries.py.
    """
    for index, column in enumerate(table.columns):
        if pa.types.is_dictionary(column.type) and column.num_chunks > 1:
            values = pc.unique(pa.concat_arrays([chunk.dictionary for chunk in column.chunks]))
            table = table.set_column(index, table.field(index), pa.chunked_array([
                pa.DictionaryArray.from_arrays(
                    pc.take(pc.index_in(chunk.dictionary, value_set=values), chunk.indices),
                    values)
                for chunk in column.chunks], column.type))
    return table


def decoded(table: pa.Table) -> pa.Table:
    """A summary's dictionary keys (see ``_encoded``) as plain values again."""
    return table.cast(pa.schema([
        pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
        for f in table.schema]))


def _cut(codes: pa.ChunkedArray, digits: int) -> pa.ChunkedArray:
    """HS codes cut to ``digits``; the confidential marker stays whole (see schema)."""
    if pa.types.is_dictionary(codes.type):
        codes = codes.cast(codes.type.value_type)
    confidential = pc.and_(pc.not_equal(codes, ""), pc.equal(pc.utf8_ltrim(codes, "X"), ""))
    return pc.if_else(confidential, codes, pc.utf8_slice_codeunits(codes, 0, digits))


def _sum(table: pa.Table, keys: list[str]) -> pa.Table:
    """The measures of ``table`` summed per distinct ``keys`` (columns: keys, measures)."""
    summed = table.select([*keys, *MEASURES]).group_by(keys, use_threads=True).aggregate(
        [(m, "sum") for m in MEASURES])
    return summed.select([*keys, *(f"{m}_sum" for m in MEASURES)]).rename_columns(
        [*keys, *MEASURES])


def combine(parts: list[pa.Table]) -> pa.Table:
    """Partial summary tables of one summary as one (sums of the partial sums)."""
    table = _unified(pa.concat_tables(parts))
    return _sum(table, [n for n in table.column_names if n not in MEASURES])


def fill_summaries(engine: Engine, con: Any, dataset_id: int | None,
                   tables: tuple[str, ...] = tuple(SUMMARIES)) -> None:
    """Sum one dataset's trade rows (every dataset's when None) into the summary tables
    (``tables``, in SUMMARIES' order: a summed-from summary is filled before its users).

    Rows go in by reporter so that a page's ``reporter = ?`` touches few blocks.
    """
    where = "" if dataset_id is None else "WHERE dataset_id = ?"
    for table in tables:
        keys = SUMMARIES[table]
        positions = ", ".join(str(n) for n in range(1, len(keys) + 1))
        engine.execute(
            con,
            f"INSERT INTO {table} SELECT {', '.join(keys)}, sum(value_usd), "  # noqa: S608
            f"sum(net_kg), sum(quantity) FROM {SUMMED_FROM.get(table, 'trade')} {where} "
            f"GROUP BY {positions} ORDER BY 2",
            [] if dataset_id is None else [dataset_id],
        )


def refill(table: str) -> Callable[[Engine, Any], None]:
    """A migration step that sums every stored dataset into a summary added later."""
    def step(engine: Engine, con: Any) -> None:
        fill_summaries(engine, con, None, (table,))
    return step
