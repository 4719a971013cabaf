"""Structure of trade in one period: shares and ranks."""

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
