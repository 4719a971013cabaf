"""Full-year estimate from January–N, and its backtest on complete years.

Method (same-period share): for each earlier complete year y, s_y = value(Jan–N of y)
/ value(all of y). The estimate for the current year is value(Jan–N) / mean(s_y); the
range is value(Jan–N) / max(s_y) to value(Jan–N) / min(s_y), i.e. what the year would
be if this year's profile matched the most front-loaded or the most back-loaded of
the earlier years. Values keep the input's units (US dollars); percentages are in %.
The result is an Estimate (kind = "estimate"), never to be shown as a statistic.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from dashboard.analysis.transforms._common import require_columns

ESTIMATE_KIND: Literal["estimate"] = "estimate"
"""Marks every figure produced here so screens and exports can label it; the method's
text is core.i18n's "estimate.method"."""


@dataclass(frozen=True)
class Estimate:
    """A full-year estimate from January–N (value's units); never an observed figure.

    ytd: the January–N value; ytd_months: months of that window with rows; estimate,
    low, high: the full year and its range (NaN without a usable base); mean_share
    and shares: January–N / full year of the base years (fractions, 0–1).
    """

    year: int
    through_month: int
    ytd: float
    ytd_months: int
    estimate: float
    low: float
    high: float
    mean_share: float
    base_years: tuple[int, ...]
    shares: tuple[float, ...]
    kind: Literal["estimate"] = field(default=ESTIMATE_KIND, init=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON and tables, kind first."""
        return {"kind": self.kind, **{k: v for k, v in asdict(self).items() if k != "kind"}}


def _check_month(through_month: int) -> None:
    """Raise ValueError unless through_month is 1–11 (a whole year needs no estimate)."""
    if not 1 <= through_month <= 11:
        raise ValueError(f"full_year_estimate: through_month must be 1 to 11, got {through_month}")


def complete_years(frame: pd.DataFrame) -> list[int]:
    """Years of a monthly frame that have a row in every month 1–12, ascending."""
    require_columns(frame, ["year", "month"], where="complete_years")
    months = frame.loc[frame["month"].between(1, 12)].groupby("year")["month"].nunique()
    return sorted(int(y) for y in months.index[months == 12])


def _monthly(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Sum value per year and month (NaN counts as 0)."""
    require_columns(frame, ["year", "month", value], where="full_year_estimate")
    return (
        frame.loc[frame["month"].between(1, 12)]
        .groupby(["year", "month"], as_index=False)[value]
        .sum()
    )


def _estimate(
    monthly: pd.DataFrame, *, year: int, through_month: int, base: Sequence[int], value: str
) -> Estimate:
    """The estimate for one year from already summed monthly rows and the base years."""
    in_window = monthly["month"] <= through_month
    this_year = monthly.loc[(monthly["year"] == year) & in_window]
    ytd = float(this_year[value].sum())
    shares: list[float] = []
    used: list[int] = []
    for y in base:
        rows = monthly.loc[monthly["year"] == y]
        whole = float(rows[value].sum())
        if whole > 0:
            shares.append(float(rows.loc[rows["month"] <= through_month, value].sum()) / whole)
            used.append(int(y))
    usable = [s for s in shares if s > 0]
    mean_share = float(np.mean(usable)) if usable and len(usable) == len(shares) else np.nan
    estimate = ytd / mean_share if mean_share > 0 else np.nan
    return Estimate(
        year=int(year),
        through_month=int(through_month),
        ytd=ytd,
        ytd_months=int(this_year["month"].nunique()),
        estimate=float(estimate),
        low=ytd / max(shares) if np.isfinite(estimate) else np.nan,
        high=ytd / min(shares) if np.isfinite(estimate) else np.nan,
        mean_share=mean_share,
        base_years=tuple(used),
        shares=tuple(shares),
    )


def full_year_estimate(
    frame: pd.DataFrame,
    *,
    year: int,
    through_month: int,
    value: str = "value_usd",
    base_years: Collection[int] | None = None,
) -> Estimate:
    """Estimate the full `year` from its January–`through_month` value (value's units).

    `frame` is one monthly series (year, month, value; rows summed per month, NaN as
    0, annual rows ignored). Base years: `base_years` if given, else every complete
    year (complete_years) before `year`; a base year with a full-year value ≤ 0 is
    skipped. estimate, low and high are NaN without a usable base year or when a
    base year's January–N share is 0. ytd_months says how many months of the window
    have rows; fewer than through_month means the window itself is incomplete (the
    estimate is still computed, missing months counting as 0).
    """
    _check_month(through_month)
    monthly = _monthly(frame, value)
    if base_years is None:
        base = [y for y in complete_years(frame) if y < year]
    else:
        base = sorted(int(y) for y in base_years)
    return _estimate(monthly, year=year, through_month=through_month, base=base, value=value)


def backtest_detail(
    frame: pd.DataFrame,
    *,
    months: Sequence[int] = (3, 6, 9),
    value: str = "value_usd",
) -> pd.DataFrame:
    """Estimate each complete year from its own January–N and the complete years before it.

    Output per N and year (years with at least one earlier complete year): through_month,
    year, actual, estimate, low, high (value's units), ape — |estimate − actual| /
    actual × 100 (NaN when actual ≤ 0) — and within (actual between low and high).
    """
    columns = ["through_month", "year", "actual", "estimate", "low", "high", "ape", "within"]
    for n in months:
        _check_month(n)
    monthly = _monthly(frame, value)
    years = complete_years(frame)
    rows = []
    for n in months:
        for i, year in enumerate(years[1:], start=1):
            result = _estimate(monthly, year=year, through_month=n, base=years[:i], value=value)
            actual = float(monthly.loc[monthly["year"] == year, value].sum())
            estimate, low, high = result.estimate, result.low, result.high
            ape = abs(estimate - actual) / actual * 100 if actual > 0 else np.nan
            rows.append((n, year, actual, estimate, low, high, ape, bool(low <= actual <= high)))
    return pd.DataFrame(rows, columns=columns).astype(
        {"through_month": "int64", "year": "int64", "within": "bool"}
        | {c: "float64" for c in ("actual", "estimate", "low", "high", "ape")}
    )


def backtest(
    frame: pd.DataFrame,
    *,
    months: Sequence[int] = (3, 6, 9),
    value: str = "value_usd",
) -> pd.DataFrame:
    """Per N: years tested, mape (mean absolute percentage error, %), max_ape (%), within (%).

    within is the share of tested years whose actual lies inside the estimate's range.
    A series without two complete years gives years 0 and NaN figures.
    """
    detail = backtest_detail(frame, months=months, value=value)
    summary = (
        detail.groupby("through_month")
        .agg(
            years=("year", "size"),
            mape=("ape", "mean"),
            max_ape=("ape", "max"),
            within=("within", "mean"),
        )
        .reindex(list(months))
        .rename_axis("through_month")
        .reset_index()
    )
    return summary.assign(
        years=summary["years"].fillna(0).astype("int64"),
        within=summary["within"].astype("float64") * 100,
    )


def backtest_series(
    frame: pd.DataFrame,
    *,
    series: Sequence[str],
    months: Sequence[int] = (3, 6, 9),
    value: str = "value_usd",
) -> pd.DataFrame:
    """backtest_detail for every series (e.g. reporter and flow), with the series columns first."""
    require_columns(frame, [*series, "year", "month", value], where="backtest_series")
    parts = [
        backtest_detail(group, months=months, value=value).assign(
            **dict(zip(series, key if isinstance(key, tuple) else (key,), strict=True))
        )
        for key, group in frame.groupby(list(series), sort=True)
    ]
    empty = backtest_detail(frame.iloc[:0], months=months, value=value).assign(
        **{s: pd.Series(dtype=object) for s in series}
    )
    combined = pd.concat(parts, ignore_index=True) if parts else empty
    return combined.loc[:, [*series, *empty.columns.drop(list(series))]]
