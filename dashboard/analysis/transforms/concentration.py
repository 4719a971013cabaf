"""Concentration and specialisation: HHI of partners or products, Balassa RCA, new products.

HHI is on the 0–10,000 scale (shares in % squared and summed): 10,000 is a single
partner or product, 10,000 / n is n equal parts. The reading bands are those of the
US Department of Justice and Federal Trade Commission, Horizontal Merger Guidelines
(19 August 2010), section 5.3: below 1,500 unconcentrated, 1,500 to 2,500 moderately
concentrated, above 2,500 highly concentrated. The 2023 Merger Guidelines lowered the
thresholds to 1,000 and 1,800; the 2010 bands are kept because they are the ones
trade-concentration studies (UNCTAD, WITS) still quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from dashboard.analysis.transforms._common import as_list, percent, require_columns, with_keys

Band = Literal["unconcentrated", "moderate", "high"]
HHI_BANDS: tuple[tuple[Band, float, float], ...] = (
    ("unconcentrated", 0.0, 1500.0),
    ("moderate", 1500.0, 2500.0),
    ("high", 2500.0, 10000.0),
)
"""(band, lower, upper): below 1,500; 1,500 to 2,500 inclusive; above 2,500 (DOJ/FTC 2010).
core.i18n names each band as "hhi.band.<band>"."""

BAND_SOURCE = "U.S. DOJ & FTC, Horizontal Merger Guidelines (2010), §5.3"
"""Citation shown next to the band."""


def hhi_band(index: float) -> Band | None:
    """Reading band of an HHI value (0–10,000); None for NaN."""
    if index is None or not np.isfinite(index):
        return None
    if index < 1500:
        return "unconcentrated"
    if index <= 2500:
        return "moderate"
    return "high"


def hhi(
    frame: pd.DataFrame,
    *,
    by: str,
    within: Sequence[str] = ("year", "flow"),
    value: str = "value_usd",
) -> pd.DataFrame:
    """Per `within` group: hhi (0–10,000), band, parts (count) and top_share (%).

    Rows are summed per group and `by` first (partner, or an HS-4 column the caller
    derives). Parts with a summed value ≤ 0 or NaN are left out; a group without a
    positive part gets NaN hhi and band None. A confidential code is one part like any
    other, so it raises the index a little when it is large; callers drop it if they
    prefer. Rows ordered by `within`.
    """
    groups = as_list(within)
    require_columns(frame, [*groups, by, value], where="hhi")
    work, keys = with_keys(frame, groups)
    summed = work.groupby([*keys, by], dropna=False, as_index=False)[value].sum()
    positive = summed.loc[summed[value] > 0]
    shares = positive.assign(
        _share=lambda f: percent(f[value], f.groupby(keys, dropna=False)[value].transform("sum"))
    )
    per_group = (
        shares.assign(_square=lambda f: f["_share"] ** 2)
        .groupby(keys, dropna=False)
        .agg(hhi=("_square", "sum"), parts=("_share", "size"), top_share=("_share", "max"))
        .reset_index()
    )
    result = (
        summed.loc[:, keys]
        .drop_duplicates()
        .merge(per_group, on=keys, how="left")
        .astype({"hhi": "float64", "top_share": "float64"})
        .assign(parts=lambda f: f["parts"].fillna(0).astype("int64"))
    )
    return (
        result.assign(band=pd.Series([hhi_band(i) for i in result["hhi"]], dtype=object))
        .sort_values(keys, kind="stable")
        .loc[:, [*groups, "hhi", "band", "parts", "top_share"]]
        .reset_index(drop=True)
    )


def hhi_trend(indices: pd.DataFrame, *, keys: Sequence[str] = ("flow",)) -> pd.DataFrame:
    """Per keys, from hhi() rows over years: first/last year, first/last hhi, change, slope.

    change = last − first (HHI points); slope is the least-squares line through the
    years with a finite hhi, in HHI points per year (NaN with fewer than two such
    years); direction is "up", "down" or "flat" (|slope| < 50 points a year, a
    deliberately coarse threshold so noise is not read as a trend).
    """
    ids = as_list(keys)
    require_columns(indices, [*ids, "year", "hhi"], where="hhi_trend")
    columns = [*ids, "first_year", "last_year", "first", "last", "change", "slope", "direction"]
    rows = []
    finite = indices.loc[np.isfinite(indices["hhi"].astype("float64"))]
    for key, group in finite.groupby(ids, dropna=False, sort=True) if ids else [((), finite)]:
        if group.empty:
            continue
        ordered = group.sort_values("year")
        years = ordered["year"].astype("float64").to_numpy()
        values = ordered["hhi"].astype("float64").to_numpy()
        slope = float(np.polyfit(years, values, 1)[0]) if len(years) >= 2 else float("nan")
        direction = (
            None if not np.isfinite(slope) else "flat" if abs(slope) < 50 else
            "up" if slope > 0 else "down"
        )  # fmt: skip
        key_values = key if isinstance(key, tuple) else (key,)
        rows.append(
            (*key_values, int(years[0]), int(years[-1]), values[0], values[-1],
             values[-1] - values[0], slope, direction)
        )  # fmt: skip
    return pd.DataFrame(rows, columns=columns).astype(
        {"first": "float64", "last": "float64", "change": "float64", "slope": "float64"}
    )


def rca(
    frame: pd.DataFrame,
    *,
    reporter: str,
    by: str = "chapter",
    within: Sequence[str] = ("year", "flow"),
    value: str = "value_usd",
    reference: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Balassa revealed comparative advantage of `reporter` per `by` (HS chapter) and group.

    RCA = (x_ic / x_i) / (x_rc / x_r): the product's share in the region's trade over
    its share in the reference trade. The reference is every reporter of `frame`
    summed (the loaded regions, the region included) unless `reference` — columns
    `within`, `by`, value — is given (e.g. Russia's total). Output per group and
    product of the reference: value, share (%), reference_value, reference_share (%),
    rca (1 = as specialised as the reference; > 1 specialised). A product the region
    does not trade has value 0 and rca 0; rca is NaN when a total or the reference
    value is ≤ 0. Rows ordered by group, then rca descending, ties by `by`.
    """
    groups = as_list(within)
    require_columns(frame, ["reporter", *groups, by, value], where="rca")
    if reference is None:
        reference = frame
    else:
        require_columns(reference, [*groups, by, value], where="rca reference")
    keys = [*groups, by]
    ref = (
        reference.groupby(keys, dropna=False, as_index=False)[value]
        .sum()
        .rename(columns={value: "reference_value"})
    )
    own = (
        frame.loc[frame["reporter"] == reporter]
        .groupby(keys, dropna=False, as_index=False)[value]
        .sum()
    )
    table = ref.merge(own, on=keys, how="left").assign(
        **{value: lambda f: f[value].fillna(0.0).astype("float64")}
    )

    def total(column: str) -> pd.Series:
        if not groups:
            return pd.Series(table[column].sum(), index=table.index)
        return table.groupby(groups, dropna=False)[column].transform("sum")

    table = table.assign(
        share=percent(table[value], total(value)),
        reference_share=percent(table["reference_value"], total("reference_value")),
    )
    return (
        table.assign(
            rca=(table["share"] / table["reference_share"].where(table["reference_share"] > 0))
        )
        .sort_values(
            [*groups, "rca", by],
            ascending=[*[True] * len(groups), False, True],
            na_position="last",
            kind="stable",
        )  # fmt: skip
        .loc[:, [*keys, value, "share", "reference_value", "reference_share", "rca"]]
        .rename(columns={value: "value"})
        .reset_index(drop=True)
    )


def new_products(
    frame: pd.DataFrame,
    *,
    year: int,
    by: str = "heading",
    lookback: int = 3,
    value: str = "value_usd",
) -> pd.DataFrame:
    """Products (`by`: HS-4 headings) with value > 0 in `year` and none in `lookback` years before.

    `frame` is one reporter's exports (year, `by`, value; summed per year and product).
    "None" means no positive summed value in each of year − lookback … year − 1.
    Output: `by`, value (value's units), history_years — how many of those earlier
    years have any row in the frame; below `lookback` the product may only look new
    because earlier data are not loaded. Rows by value descending, ties by `by`.
    """
    if lookback < 1:
        raise ValueError(f"new_products: lookback must be 1 or more, got {lookback}")
    require_columns(frame, ["year", by, value], where="new_products")
    earlier = range(year - lookback, year)
    summed = frame.groupby(["year", by], dropna=False, as_index=False)[value].sum()
    seen = set(summed.loc[summed["year"].isin(earlier) & (summed[value] > 0), by])
    history = len(set(frame["year"].dropna()) & set(earlier))
    current = summed.loc[(summed["year"] == year) & (summed[value] > 0)]
    return (
        current.loc[~current[by].isin(seen), [by, value]]
        .rename(columns={value: "value"})
        .assign(history_years=history)
        .astype({"value": "float64", "history_years": "int64"})
        .sort_values(["value", by], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
