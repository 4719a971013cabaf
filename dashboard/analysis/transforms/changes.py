"""What moved: one month against the same month a year earlier (pure, small frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd

MOVER_COLUMNS = ("value", "previous", "change", "change_pct")


def movers(frame: pd.DataFrame, *, key: str, year: int, month: int, n: int = 5) -> pd.DataFrame:
    """The ``n`` largest changes of month ``year-month`` against ``year-1``, same month.

    ``frame`` has columns ``key``, year, month, value_usd (any currency, one
    unit throughout); rows of other months are ignored and rows of one key are
    summed.  A key missing in one of the two months traded nothing there (0),
    so a new or vanished partner is a mover too.  Returns ``key``, value,
    previous, change (value - previous, the frame's unit) and change_pct (%,
    NaN when previous is 0), largest absolute change first, ties by key.
    """
    columns = [key, *MOVER_COLUMNS]
    this = frame.loc[(frame["year"] == year) & (frame["month"] == month)]
    base = frame.loc[(frame["year"] == year - 1) & (frame["month"] == month)]
    joined = pd.concat(
        [this.groupby(key)["value_usd"].sum().rename("value"),
         base.groupby(key)["value_usd"].sum().rename("previous")], axis=1,
    ).fillna(0.0)
    if joined.empty:
        return pd.DataFrame(columns=columns)
    table = (
        joined.rename_axis(key).reset_index()
        .assign(change=lambda f: f["value"] - f["previous"],
                change_pct=lambda f: np.where(f["previous"] > 0,
                                              f["change"] / f["previous"].where(
                                                  f["previous"] > 0) * 100, np.nan),
                size=lambda f: f["change"].abs())
        .loc[lambda f: f["size"] > 0]
        .sort_values(["size", key], ascending=[False, True], kind="stable")
        .head(n)
    )
    return table.loc[:, columns].reset_index(drop=True)
