"""Arrow's summaries, summed chunk by chunk and combined, equal one GROUP BY of all rows."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.terms import CONFIDENTIAL_HS
from dashboard.data.schema import TRADE_SCHEMA
from dashboard.data.store.summaries import MEASURES, SUMMARIES, combine, decoded, summarize

# Whole numbers as values: every order of summing gives the same double.
_AMOUNTS = st.one_of(st.none(), st.integers(0, 1000).map(float))
_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["RU-TOM", "RU-ALT"]),
        st.sampled_from(["KZ", "CN", "XX"]),
        st.sampled_from(["export", "import"]),
        st.sampled_from([2017, 2018]),
        st.sampled_from([1, 12, None]),
        st.sampled_from(["0101210000", "0101290000", "0201100000", CONFIDENTIAL_HS, "", None]),
        st.integers(0, 1000).map(float),
        _AMOUNTS,
        _AMOUNTS,
    ),
    min_size=1, max_size=40,
)


def _trade(rows: list[tuple]) -> pa.Table:
    records = [dict(zip(TRADE_SCHEMA.names, (*row, None), strict=True)) for row in rows]
    table = pa.Table.from_pylist(records, schema=TRADE_SCHEMA)
    return table.add_column(0, "dataset_id", pa.array([7] * len(rows), pa.int32()))


def _sorted(table: pa.Table) -> list[dict]:
    keys = [name for name in table.column_names if name not in MEASURES]
    return table.sort_by([(key, "ascending") for key in keys]).to_pylist()


@settings(max_examples=40, deadline=None)
@given(rows=_ROWS, cuts=st.lists(st.integers(1, 39), max_size=4), every=st.integers(1, 3))
def test_chunk_sums_combined_equal_one_group_by_of_all_rows(rows, cuts, every):
    trade = _trade(rows)
    bounds = sorted({0, len(rows), *(c for c in cuts if c < len(rows))})
    partials: dict[str, list[pa.Table]] = {}
    for start, end in zip(bounds, bounds[1:], strict=False):  # chunks with their own dictionaries
        for name, part in summarize(trade.slice(start, end - start)).items():
            parts = partials.setdefault(name, [])
            parts.append(part)
            if len(parts) > every:  # compacted on the way, as a load does
                parts[:] = [combine(parts)]
    reference = duckdb.connect()
    reference.register("trade", trade)
    for name, keys in SUMMARIES.items():
        got = decoded(combine(partials[name]))
        expected = reference.sql(
            f"SELECT {', '.join(keys)}, "  # noqa: S608
            + ", ".join(f"sum({m}) AS {m}" for m in MEASURES)
            + " FROM trade GROUP BY ALL").to_arrow_table()
        assert got.schema.names == [*[k if k in trade.column_names else "hs_code"
                                      for k in keys], *MEASURES]
        assert _sorted(got) == _sorted(expected.rename_columns(got.schema.names)), name
