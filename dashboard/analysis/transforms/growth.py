"""Growth over time: year-on-year, year-to-date, contributions to growth and CAGR.

Every comparison joins on the same period of year − 1; a missing base period gives
NaN and is never replaced by an older year (a row shift would silently do that).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from dashboard.analysis.transforms._common import (
    Keys,
    as_list,
    percent,
    require_columns,
    require_unique,
    with_keys,
)

Period = Literal["annual", "monthly"]
_PERIOD_COLUMNS: dict[str, list[str]] = {"annual": ["year"], "monthly": ["year", "month"]}


def _series_keys(keys: Keys, periods: list[str]) -> list[str]:
    """Return the keys that identify a series, without the period columns."""
    return [k for k in as_list(keys) if k not in periods]


def yoy(
    frame: pd.DataFrame,
    *,
    keys: Keys,
    value: str = "value_usd",
    period: Period = "annual",
) -> pd.DataFrame:
    """Add previous, change (value's units) and change_pct (%) from the same period of year − 1.

    `keys` identify a series besides year (and month for monthly data). A missing base
    gives NaN previous/change/change_pct; a base ≤ 0 gives NaN change_pct.
    """
    if period not in _PERIOD_COLUMNS:
        raise ValueError(f"yoy: period must be 'annual' or 'monthly', got {period!r}")
    periods = _PERIOD_COLUMNS[period]
    on = [*_series_keys(keys, periods), *periods]
    require_columns(frame, [*on, value], where="yoy")
    require_unique(frame, on, where="yoy")
    base = (
        frame.loc[:, [*on, value]]
        .assign(year=lambda f: f["year"] + 1)
        .rename(columns={value: "previous"})
    )
    return (
        frame.merge(base, on=on, how="left", validate="one_to_one")
        .set_axis(frame.index)
        .assign(change=lambda f: f[value] - f["previous"])
        .assign(change_pct=lambda f: percent(f["change"], f["previous"]))
    )


def _check_month(through_month: int) -> None:
    """Raise ValueError unless through_month is 1–12."""
    if not 1 <= through_month <= 12:
        raise ValueError(f"ytd: through_month must be 1 to 12, got {through_month}")


def ytd_coverage(frame: pd.DataFrame, *, through_month: int) -> pd.DataFrame:
    """Per year of the frame: months_present (int) and missing_months (tuple) of Jan–N.

    Coverage is read from the whole frame (any row in that month counts), so it
    describes the data loaded, not whether one partner traded in that month.
    """
    _check_month(through_month)
    require_columns(frame, ["year", "month"], where="ytd_coverage")
    window = range(1, through_month + 1)
    seen = (
        frame.loc[frame["month"].between(1, through_month), ["year", "month"]]
        .groupby("year")["month"]
        .agg(lambda months: frozenset(int(m) for m in months))
    )
    years = sorted(frame["year"].drop_duplicates())
    present = [seen.get(year, frozenset()) for year in years]
    return pd.DataFrame(
        {
            "year": pd.Series(years, dtype=frame["year"].dtype),
            "months_present": pd.Series([len(p) for p in present], dtype="int64"),
            "missing_months": pd.Series(
                [tuple(m for m in window if m not in p) for p in present], dtype=object
            ),
        }
    )


def contributions(
    frame: pd.DataFrame,
    *,
    by: Keys,
    keys: Keys = (),
    value: str = "value_usd",
) -> pd.DataFrame:
    """Per keys, year and part: value, previous and contribution to growth in percentage points.

    contribution = (part_t − part_{t−1}) / total_{t−1} × 100, so a year's contributions
    sum to the total's % change. A part absent from one of the two years counts as 0
    there; when year − 1 is absent from the frame (per keys) previous and contribution
    are NaN; a total_{t−1} ≤ 0 gives NaN contribution. Parts are summed first.
    """
    parts = as_list(by)
    ids = _series_keys(keys, ["year"])
    require_columns(frame, [*ids, "year", *parts, value], where="contributions")
    work, group_ids = with_keys(frame, ids)
    group = [*group_ids, "year"]
    summed = work.groupby([*group, *parts], dropna=False, as_index=False)[value].sum()
    totals = summed.groupby(group, dropna=False, as_index=False)[value].sum()
    previous = summed.assign(year=lambda f: f["year"] + 1).rename(columns={value: "previous"})
    base_totals = totals.assign(year=lambda f: f["year"] + 1).rename(
        columns={value: "total_previous"}
    )
    rows = [*group, *parts]
    # pandas 3.1 fails an outer merge on several keys when an Arrow-backed string key is
    # empty (zero chunks), so the union of both years' rows is built with concat instead.
    return (
        pd.concat([summed.loc[:, rows], previous.loc[:, rows]])
        .drop_duplicates()
        .merge(summed, on=rows, how="left")
        .merge(previous, on=rows, how="left")
        .merge(totals.loc[:, group], on=group, how="inner")
        .merge(base_totals, on=group, how="left")
        .assign(
            **{value: lambda f: f[value].fillna(0.0)},
            previous=lambda f: f["previous"].where(
                f["total_previous"].isna(), f["previous"].fillna(0.0)
            ),
        )
        .assign(contribution=lambda f: percent(f[value] - f["previous"], f["total_previous"]))
        .sort_values([*group, *parts], kind="stable")
        .loc[:, [*ids, "year", *parts, value, "previous", "contribution"]]
        .reset_index(drop=True)
    )
