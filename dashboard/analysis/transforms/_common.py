"""Helpers shared by the transforms: key lists, column checks and safe percentages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

Keys = str | Sequence[str]
"""One column name or a sequence of them."""

ALL_KEY = "__all__"
"""Constant key column added when a caller groups by nothing (groupby needs a key)."""


def as_list(keys: Keys) -> list[str]:
    """Return one column name or a sequence of names as a list."""
    return [keys] if isinstance(keys, str) else list(keys)


def require_columns(frame: pd.DataFrame, columns: Sequence[str], *, where: str) -> None:
    """Raise ValueError naming the columns a transform needs but the frame lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{where}: missing column(s) {', '.join(missing)}")


def require_unique(frame: pd.DataFrame, columns: Sequence[str], *, where: str) -> None:
    """Raise ValueError when rows are not unique on the given columns."""
    if frame.duplicated(list(columns)).any():
        raise ValueError(f"{where}: rows are not unique on ({', '.join(columns)}); aggregate first")


def percent(part: pd.Series, base: pd.Series) -> pd.Series:
    """Return part / base × 100; NaN where base is missing, zero or negative.

    A negative base (a trade deficit) would flip the sign of the percentage, so it
    is treated like a zero base.
    """
    return part / base.where(base > 0) * 100


def with_keys(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """Return the frame and group keys, adding the constant ALL_KEY column when keys is empty."""
    if keys:
        return frame, list(keys)
    return frame.assign(**{ALL_KEY: 0}), [ALL_KEY]


def group_total(frame: pd.DataFrame, within: Sequence[str], value: str) -> pd.Series:
    """Return, row by row, the sum of value over the row's `within` group (NaN counted as 0)."""
    if not within:
        return pd.Series(frame[value].sum(), index=frame.index)
    return frame.groupby(list(within), dropna=False, sort=False)[value].transform("sum")


def flags(values: pd.Series, predicate: Callable[[Any], bool]) -> pd.Series:
    """Return predicate(value) per row as a bool Series with ``values``' index.

    ``Series.map`` of an empty string column keeps the string dtype, and such a
    result then breaks ``~`` and ``|`` in a row filter; this one is bool also when
    ``values`` is empty (a flow, partner or month without rows).
    """
    return pd.Series([bool(predicate(value)) for value in values], index=values.index,
                     dtype="bool")
