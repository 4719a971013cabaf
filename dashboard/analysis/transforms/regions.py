"""Benchmarking regions: every loaded region's value, change, share, rank and district rank.

The input is one partner (or group) and one flow, summed per region and year; the
output compares the chosen year with year − 1. Values keep the input's units (US
dollars as the store returns them); shares and changes are in %.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from dashboard.analysis.transforms._common import percent, require_columns

RUSSIAN_SUBJECTS = 85
"""Federal subjects in the regions reference table (Russia's count before October 2022).

Russian statistics count 89 from October 2022; pass that as `total_subjects` when
the figures are compared with a total published on that basis.
"""

RANKING_COLUMNS = (
    "reporter", "value", "previous", "change", "change_pct", "share", "rank",
    "district", "district_rank",
)  # fmt: skip
"""Columns of region_ranking, in order."""


def _rank_desc(frame: pd.DataFrame, *, within: list[str]) -> pd.Series:
    """1 = largest value within the group; ties and NaN (last) ordered by reporter code."""
    ordered = frame.sort_values(
        [*within, "value", "reporter"],
        ascending=[True] * len(within) + [False, True],
        na_position="last",
        kind="stable",
    )
    if within:
        position = ordered.groupby(within, dropna=False, sort=False).cumcount()
    else:
        position = pd.Series(np.arange(len(ordered)), index=ordered.index)
    return (position + 1).reindex(frame.index)


def region_ranking(
    frame: pd.DataFrame,
    *,
    year: int,
    districts: Mapping[str, str],
    reporters: Collection[str] | None = None,
    value: str = "value_usd",
) -> pd.DataFrame:
    """Rank every loaded region in `year`: value, previous, change (value's units), %, ranks.

    `frame` holds reporter, year and value for one partner and flow (rows are summed
    per reporter and year; NaN counts as 0). `reporters` are the loaded regions (a
    loaded region without rows has value 0); by default, every reporter in the frame.
    previous is year − 1's value (0 for a region without rows that year) and NaN for
    everyone when the frame has no row for year − 1 at all; change_pct is NaN when
    previous ≤ 0. share = value / total of the listed regions × 100 (NaN when that
    total ≤ 0), so shares sum to 100. rank 1 = largest value, ties by reporter code;
    district comes from `districts` (reporter → district, NaN when unmapped) and
    district_rank ranks within it (<NA> without a district). Rows in rank order.
    """
    require_columns(frame, ["reporter", "year", value], where="region_ranking")
    sums = (
        frame.loc[frame["year"].isin([year, year - 1]), ["reporter", "year", value]]
        .groupby(["reporter", "year"], as_index=False)[value]
        .sum()
    )
    listed = sorted(set(frame["reporter"].dropna()) if reporters is None else set(reporters))

    def in_year(y: int) -> pd.Series:
        chosen = sums.loc[sums["year"] == y]
        return chosen.set_index("reporter")[value].reindex(listed).fillna(0.0).astype("float64")

    has_base = bool((frame["year"] == year - 1).any())
    previous = in_year(year - 1) if has_base else pd.Series(np.nan, index=listed, dtype="float64")
    table = pd.DataFrame(
        {
            "reporter": pd.Series(listed, dtype=object),
            "value": in_year(year).to_numpy(),
            "previous": previous.to_numpy(),
        }
    ).assign(change=lambda f: f["value"] - f["previous"])
    total = pd.Series(table["value"].sum(), index=table.index)
    table = table.assign(
        change_pct=percent(table["change"], table["previous"]),
        share=percent(table["value"], total),
        district=table["reporter"].map(dict(districts)).astype(object),
    )
    table = table.assign(rank=_rank_desc(table, within=[]).astype("int64"))
    in_district = table.loc[table["district"].notna()]
    district_rank = _rank_desc(in_district, within=["district"]).reindex(table.index)
    return (
        table.assign(district_rank=district_rank.astype("Int64"))
        .sort_values("rank", kind="stable")
        .loc[:, list(RANKING_COLUMNS)]
        .reset_index(drop=True)
    )


def region_coverage(
    reporters: Collection[str], *, total_subjects: int = RUSSIAN_SUBJECTS
) -> dict[str, int | bool]:
    """How many of Russia's subjects are loaded: loaded, total, complete (bool), missing (int).

    Shares of the loaded total equal shares of Russia's total only when complete.
    """
    if total_subjects <= 0:
        raise ValueError(f"region_coverage: total_subjects must be positive, got {total_subjects}")
    loaded = len(set(reporters))
    return {
        "loaded": loaded,
        "total": total_subjects,
        "complete": loaded >= total_subjects,
        "missing": max(total_subjects - loaded, 0),
    }
