"""Trade figures: flows side by side, KPI cards, partner/commodity tables, unit values.

Values are US dollars (not thousands) as the store returns them; percentages are in %
(17.1 means 17.1 %) and contributions in percentage points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.analysis.transforms._common import (
    ALL_KEY,
    Keys,
    as_list,
    percent,
    require_columns,
    with_keys,
)
from dashboard.analysis.transforms.hs import HsLevel, hs_level_code, is_confidential
from dashboard.core.terms import BASE_FLOWS, MEASURES, Measure


def flows_wide(frame: pd.DataFrame, *, keys: Keys, value: str = "value_usd") -> pd.DataFrame:
    """Sum long flow rows into keys + export, import, turnover, balance (value's units).

    A flow absent for an existing key is 0.0; rows of other flows (re-export,
    re-import) are left out, as turnover and balance use export and import only.
    NaN values count as 0.
    """
    ids = as_list(keys)
    require_columns(frame, [*ids, "flow", value], where="flows_wide")
    flows = frame["flow"].to_numpy(dtype=object)
    rows = np.isin(flows, BASE_FLOWS)
    exported = flows[rows] == "export"
    amounts = np.nan_to_num(frame[value].to_numpy(dtype="float64")[rows], nan=0.0)
    # Summed with numpy rather than pivoted with pandas, whose fixed cost was most of a
    # trend's time on its few dozen rows.
    group_of_row, wide = _key_groups(frame, ids, rows)

    def total(amount: np.ndarray) -> np.ndarray:
        return np.bincount(group_of_row, weights=amount, minlength=len(wide)).astype("float64")

    export = total(np.where(exported, amounts, 0.0))
    imports = total(np.where(exported, 0.0, amounts))
    return wide.assign(export=export, **{"import": imports}, turnover=export + imports,
                       balance=export - imports)


def _key_groups(frame: pd.DataFrame, ids: list[str],
                rows: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """The group of each selected row, and the groups' keys (``ids`` columns) sorted as a
    pandas grouping sorts them: by each key in turn, missing values last."""
    codes = np.zeros(int(rows.sum()), dtype="int64")
    uniques: list[pd.Index] = []
    for key in ids:
        key_codes, values = pd.factorize(frame[key][rows], sort=True, use_na_sentinel=False)
        codes = codes * max(len(values), 1) + key_codes
        # Text in an object column comes out as text, as a grouping's keys do.
        uniques.append(pd.Index(values.tolist()) if values.dtype == object else values)
    groups, group_of_row = np.unique(codes, return_inverse=True)
    count = len(groups)
    columns: dict[str, pd.Series] = {}
    for key, values in zip(reversed(ids), reversed(uniques), strict=True):
        size = max(len(values), 1)
        picked = values.take(groups % size) if count else pd.Index([], dtype=frame[key].dtype)
        columns[key] = pd.Series(picked, copy=False)
        groups = groups // size
    return group_of_row, pd.DataFrame({key: columns[key] for key in ids},
                                      index=pd.RangeIndex(count))


@dataclass(frozen=True)
class Kpi:
    """One KPI card: value, previous, change in the frame's money (USD as stored); change_pct %."""

    value: float
    previous: float
    change: float
    change_pct: float


def kpi_frame(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per measure (turnover, export, import, balance) for `year`.

    Input: an annual frame, long (year, flow, value_usd) or wide by year (year, export,
    import); rows are summed by year. Output columns: measure, value, previous, change
    (USD) and change_pct (%). A year absent from the frame gives NaN value; year − 1
    absent gives NaN previous/change/change_pct; a base ≤ 0 gives NaN change_pct.
    """
    value, previous = _year_measures(frame, year), _year_measures(frame, year - 1)
    if np.isnan(value).all():
        previous = value
    change = value - previous
    return pd.DataFrame({"measure": list(MEASURES), "value": value, "previous": previous,
                         "change": change, "change_pct": _percent(change, previous)})


def _year_measures(frame: pd.DataFrame, year: int) -> np.ndarray:
    """The four MEASURES of one year (NaN when the year has no export or import row)."""
    years = frame["year"].to_numpy()
    if "flow" in frame.columns:
        require_columns(frame, ["year", "flow", "value_usd"], where="kpis")
        flows = frame["flow"].to_numpy(dtype=object)
        values = np.nan_to_num(frame["value_usd"].to_numpy(dtype="float64"), nan=0.0)
        exported = (years == year) & (flows == "export")
        imported = (years == year) & (flows == "import")
        if not (exported | imported).any():
            return np.full(len(MEASURES), math.nan)
        export, imports = values[exported].sum(), values[imported].sum()
    else:
        require_columns(frame, ["year", "export", "import"], where="kpis")
        rows = years == year
        if not rows.any():
            return np.full(len(MEASURES), math.nan)
        export = float(np.nansum(frame["export"].to_numpy(dtype="float64")[rows]))
        imports = float(np.nansum(frame["import"].to_numpy(dtype="float64")[rows]))
    return np.array([export + imports, export, imports, export - imports])


def kpis(frame: pd.DataFrame, year: int) -> dict[str, Kpi]:
    """KPI cards for `year` keyed turnover, export, import, balance (units/NaN as kpi_frame)."""
    return {
        row.measure: Kpi(
            value=float(row.value),
            previous=float(row.previous),
            change=float(row.change),
            change_pct=float(row.change_pct),
        )
        for row in kpi_frame(frame, year).itertuples(index=False)
    }


def _measure(export: np.ndarray, imports: np.ndarray, flow: Measure) -> np.ndarray:
    """The measure from export and import sums (turnover = X + M, balance = X − M)."""
    return {"export": export, "import": imports, "turnover": export + imports,
            "balance": export - imports}[flow]


def _part_table(frame: pd.DataFrame, *, by: str, year: int, flow: Measure) -> pd.DataFrame:
    """Rank the parts `by` of one year and measure; see partner_table for the columns.

    The same figures as flows_wide | contributions | shares | ranks, computed in one
    pass with numpy (a page asks for several of these tables on every update).
    """
    if flow not in MEASURES:
        raise ValueError(f"flow must be one of {', '.join(MEASURES)}, got {flow!r}")
    require_columns(frame, ["year", by, "flow", "value_usd"], where=f"{by} table")
    years = frame["year"].to_numpy()
    flows = frame["flow"].to_numpy(dtype=object)
    exported, imported = flows == "export", flows == "import"
    current, before = years == year, years == year - 1
    rows = (exported | imported) & (current | before)
    codes, parts = pd.factorize(frame[by].to_numpy(dtype=object)[rows], use_na_sentinel=False)
    size = len(parts)
    values = np.nan_to_num(frame["value_usd"].to_numpy(dtype="float64")[rows], nan=0.0)
    exported, current, before = exported[rows], current[rows], before[rows]

    def total(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], weights=values[mask], minlength=size)

    value = _measure(total(current & exported), total(current & ~exported), flow)
    previous = _measure(total(before & exported), total(before & ~exported), flow)
    present = np.bincount(codes[current], minlength=size) > 0
    present_before = np.bincount(codes[before], minlength=size) > 0
    base = previous.sum() if present_before.any() else math.nan
    if math.isnan(base):
        previous = np.full(size, math.nan)
    keep = (present | present_before) & ((value != 0) | (np.nan_to_num(previous) != 0))
    if not present.any():  # no row of the year: no table (as the joins give)
        keep[:] = False
    kept = np.flatnonzero(keep)
    # Rank 1 = largest value, ties by code ascending as text (a missing code last).
    missing = pd.isna(parts)
    text_order = np.empty(size, dtype="int64")
    text_order[np.argsort(np.array([str(part) for part in parts], dtype=object),
                          kind="stable")] = np.arange(size)
    kept = kept[np.lexsort((text_order[kept], missing[kept], -value[kept]))]
    value, previous = value[kept], previous[kept]
    change = value - previous
    year_total = value.sum()
    return pd.DataFrame({
        by: pd.Series(parts[kept] if size else [], dtype=frame[by].dtype),
        "value": value,
        "share": _percent(value, np.full(len(kept), year_total)),
        "rank": np.arange(1, len(kept) + 1, dtype="int64"),
        "previous": previous,
        "change": change,
        "change_pct": _percent(change, previous),
        "contribution": _percent(change, np.full(len(kept), base)),
    })


def _percent(part: np.ndarray, base: np.ndarray) -> np.ndarray:
    """part / base × 100; NaN where base is missing or ≤ 0 (as _common.percent)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(base > 0, part / np.where(base > 0, base, 1.0) * 100, math.nan)


def partner_table(frame: pd.DataFrame, *, year: int, flow: Measure) -> pd.DataFrame:
    """One row per partner for `year` and flow (export, import, turnover or balance), by rank.

    Input: rows of (year, partner, flow, value_usd), other columns are summed over.
    Output: partner, value, previous, change (USD), share (% of the year's total),
    rank (1 = largest, ties by code), change_pct (%), contribution (pp of the total's
    growth). A partner absent from year − 1 has previous 0 (change_pct NaN); if year − 1
    is absent from the frame, previous/change/change_pct/contribution are NaN. Partners
    with 0 in both years are left out; shares, change_pct and contributions are NaN
    when their base is ≤ 0 (e.g. a deficit).
    """
    return _part_table(frame, by="partner", year=year, flow=flow)


def commodity_table(
    frame: pd.DataFrame, *, year: int, flow: Measure, level: HsLevel
) -> pd.DataFrame:
    """One row per HS code at `level` (column hs_code) for `year` and flow, by rank.

    Input: rows of (year, flow, hs_code, value_usd); columns and NaN policy as
    partner_table. Confidential lines form their own row (hs_code "XXXXXXXXXX").
    """
    require_columns(frame, ["year", "flow", "hs_code", "value_usd"], where="commodity_table")
    # _part_table sums the rows of each code, so mapping codes to the level is enough.
    return (
        frame.loc[:, ["year", "flow", "hs_code", "value_usd"]]
        .assign(hs_code=lambda f: hs_level_code(f["hs_code"], level))
        .pipe(_part_table, by="hs_code", year=year, flow=flow)
    )


def _per(value: pd.Series, denominator: pd.Series | None) -> pd.Series:
    """Return value / denominator; NaN where the denominator is missing or ≤ 0."""
    if denominator is None:
        return pd.Series(math.nan, index=value.index, dtype="float64")
    return value / denominator.where(denominator > 0)


def unit_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Add usd_per_kg (USD/kg) and usd_per_unit (USD per supplementary `unit`).

    NaN where net_kg/quantity is missing, 0, or the column is absent; the `unit`
    column, when present, names the unit of usd_per_unit.
    """
    require_columns(frame, ["value_usd"], where="unit_values")
    return frame.assign(
        usd_per_kg=_per(frame["value_usd"], frame.get("net_kg")),
        usd_per_unit=_per(frame["value_usd"], frame.get("quantity")),
    )


def confidential_share(
    frame: pd.DataFrame, *, keys: Sequence[str] = ("year", "flow"), value: str = "value_usd"
) -> pd.DataFrame:
    """Per keys: confidential_usd, total_usd (value's units) and share in % of confidential lines.

    share is NaN when the total is ≤ 0; rows with hs_code NaN count in the total only.
    """
    ids = as_list(keys)
    require_columns(frame, [*ids, "hs_code", value], where="confidential_share")
    work, group = with_keys(frame, ids)
    return (
        work.assign(confidential_usd=work[value].where(is_confidential(work["hs_code"]), 0.0))
        .groupby(group, dropna=False)
        .agg(confidential_usd=("confidential_usd", "sum"), total_usd=(value, "sum"))
        .reset_index()
        .drop(columns=ALL_KEY, errors="ignore")
        .assign(share=lambda f: percent(f["confidential_usd"], f["total_usd"]))
    )
