"""Structure of trade in one period: shares, ranks and top-N with an "other" row."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard.analysis.transforms._common import (
    Keys,
    as_list,
    group_total,
    percent,
    require_columns,
    require_unique,
)

OTHER = "OTHER"
"""Default label of the row that sums everything outside the top N."""


def shares(
    frame: pd.DataFrame,
    *,
    by: Keys,
    value: str = "value_usd",
    within: Sequence[str] = ("year", "flow"),
) -> pd.DataFrame:
    """Add `share`: value / total of its `within` group in %; NaN when that total is ≤ 0."""
    parts, groups = as_list(by), as_list(within)
    require_columns(frame, [*groups, *parts, value], where="shares")
    require_unique(frame, [*groups, *parts], where="shares")
    return frame.assign(share=percent(frame[value], group_total(frame, groups, value)))


def ranks(
    frame: pd.DataFrame,
    *,
    by: Keys,
    value: str = "value_usd",
    within: Sequence[str] = ("year", "flow"),
) -> pd.DataFrame:
    """Add int `rank`: 1 = largest value of its `within` group, ties by `by` ascending, NaN last."""
    parts, groups = as_list(by), as_list(within)
    require_columns(frame, [*groups, *parts, value], where="ranks")
    ordered = frame.reset_index(drop=True).sort_values(
        [*groups, value, *parts],
        ascending=[True] * len(groups) + [False] + [True] * len(parts),
        na_position="last",
        kind="stable",
    )
    position = (
        ordered.groupby(groups, dropna=False, sort=False).cumcount()
        if groups
        else pd.Series(np.arange(len(ordered)), index=ordered.index)
    )
    return frame.assign(rank=(position + 1).sort_index().to_numpy(dtype="int64"))


def top_n(
    frame: pd.DataFrame,
    *,
    by: str,
    n: int,
    value: str = "value_usd",
    within: Sequence[str] = (),
    other_label: str = OTHER,
) -> pd.DataFrame:
    """Sum value by `by`, keep the n largest per `within` group and one `other_label` row.

    The "other" row sums every part outside the top n, so top n + other equals the
    group total; it is left out when nothing is outside the top n (n ≥ parts).
    Rows come in rank order with "other" last; values keep the input's units.
    """
    if n < 0:
        raise ValueError(f"top_n: n must be zero or more, got {n}")
    groups = as_list(within)
    require_columns(frame, [*groups, by, value], where="top_n")
    return (
        frame.groupby([*groups, by], dropna=False, as_index=False)[value]
        .sum()
        .pipe(ranks, by=by, value=value, within=groups)
        .assign(rank=lambda f: f["rank"].clip(upper=n + 1))
        .assign(**{by: lambda f: f[by].where(f["rank"] <= n, other_label)})
        .groupby([*groups, "rank", by], dropna=False, as_index=False)[value]
        .sum()
        .sort_values([*groups, "rank"], kind="stable")
        .loc[:, [*groups, by, value]]
        .reset_index(drop=True)
    )
