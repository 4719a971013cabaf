"""Rankings of named sets that may overlap (product baskets, partner groups).

A set's figures come from the store, each row counted once in the set; sets may
share rows (a code in two baskets, a country in two groups), so their shares are
taken of the whole flow, never of the sets' sum, and the shares of overlapping
sets may add up to more than 100 %.
"""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.transforms._common import percent, require_columns
from dashboard.analysis.transforms.trade import MEASURES, Measure, flows_wide
from dashboard.core.terms import TABLE_COLUMNS


def set_table(frame: pd.DataFrame, totals: pd.DataFrame, *, by: str, year: int,
              flow: Measure) -> pd.DataFrame:
    """One row per set for ``year`` and flow, by rank, with the partner_table columns.

    Input: ``frame`` rows of (year, <by>, flow, value_usd), each set's own sums;
    ``totals`` rows of (year, flow, value_usd) for the whole view (every row once).
    Output: <by>, value, share (% of the year's total flow), rank (1 = largest,
    ties by id), previous, change (the input's units), change_pct (%),
    contribution (pp of the total's growth). A set absent from year − 1 has
    previous 0; with no total for year − 1, previous/change/contribution are NaN.
    Sets with 0 in both years are left out.
    """
    if flow not in MEASURES:
        raise ValueError(f"flow must be one of {', '.join(MEASURES)}, got {flow!r}")
    require_columns(frame, ["year", by, "flow", "value_usd"], where=f"{by} table")
    require_columns(totals, ["year", "flow", "value_usd"], where=f"{by} table totals")
    whole = flows_wide(totals, keys="year").set_index("year")[flow]
    total, base = whole.get(year, float("nan")), whole.get(year - 1, float("nan"))
    wide = flows_wide(frame.loc[frame["year"].isin([year - 1, year])], keys=["year", by])
    now = wide.loc[wide["year"] == year].set_index(by)[flow]
    before = wide.loc[wide["year"] == year - 1].set_index(by)[flow]
    ids = sorted(set(now.index) | set(before.index))
    table = pd.DataFrame({by: ids}, dtype=str)
    value = table[by].map(now).fillna(0.0).astype("float64")
    previous = table[by].map(before).fillna(0.0).astype("float64")
    if base != base:  # no total for the year before: nothing to compare with
        previous = previous * float("nan")
    totals_now = pd.Series(total, index=table.index, dtype="float64")
    totals_before = pd.Series(base, index=table.index, dtype="float64")
    table = table.assign(
        value=value,
        share=percent(value, totals_now),
        previous=previous,
        change=value - previous,
    ).assign(change_pct=lambda f: percent(f["change"], f["previous"]),
             contribution=lambda f: percent(f["change"], totals_before))
    table = table.loc[(table["value"] != 0) | (table["previous"].fillna(0.0) != 0)]
    table = table.sort_values(["value", by], ascending=[False, True], kind="stable")
    return (table.assign(rank=range(1, len(table) + 1))
            .loc[:, [by, *TABLE_COLUMNS]].reset_index(drop=True))
