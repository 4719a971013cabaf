"""Invariants of dashboard.analysis.transforms checked on generated frames (hypothesis)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analysis.transforms import (
    aggregate_hs,
    contributions,
    flows_wide,
    hs_level_code,
    partner_table,
    ranks,
    shares,
    yoy,
)
from dashboard.analysis.transforms._common import percent
from dashboard.core.terms import CONFIDENTIAL_HS, TABLE_COLUMNS

# Each pandas call costs about a millisecond and the transforms chain a dozen of them, so
# 60 examples (30 for partner_table) keep this file well under 20 s on two busy cores.
PROPERTY = settings(max_examples=60, deadline=None)
SLOW_PROPERTY = settings(max_examples=30, deadline=None)

YEARS = st.integers(2019, 2023)
FLOWS = st.sampled_from(["export", "import"])
PARTNERS = st.sampled_from(["AM", "CN", "DE", "KZ", "TR", "US", "UZ"])
# Whole dollars keep sums exact below 2**53, so "equal" can mean equal.
DOLLARS = st.integers(0, 10**12).map(float)
# Chapters that exist in the HS reference table, so the section level can be checked too.
CHAPTERS = ["01", "07", "25", "27", "39", "72", "84", "87", "97"]
HS_LEVELS = ["section", 2, 4, 6, 8, 10]


def long_frame(cells: dict[tuple, float], columns: list[str]) -> pd.DataFrame:
    """Frame of one row per generated key tuple plus its value_usd."""
    return pd.DataFrame(
        [(*key, value) for key, value in cells.items()], columns=[*columns, "value_usd"]
    )


@st.composite
def hs_codes(draw: st.DrawFn) -> str:
    """A confidential marker or a code of 2 to 10 digits under a known chapter."""
    if draw(st.integers(0, 9)) == 0:
        return CONFIDENTIAL_HS
    length = draw(st.sampled_from([2, 4, 6, 8, 10]))
    tail = draw(st.text("0123456789", min_size=length - 2, max_size=length - 2))
    return draw(st.sampled_from(CHAPTERS)) + tail


@PROPERTY
@given(st.dictionaries(st.tuples(YEARS, FLOWS, PARTNERS), DOLLARS, min_size=1, max_size=40))
def test_shares_sum_to_100_per_year_and_flow(cells) -> None:
    result = shares(long_frame(cells, ["year", "flow", "partner"]), by="partner")
    for _, group in result.groupby(["year", "flow"]):
        if group["value_usd"].sum() > 0:
            assert group["share"].sum() == pytest.approx(100.0)
            assert group["share"].between(0, 100).all()
        else:
            assert group["share"].isna().all()


@PROPERTY
@given(st.dictionaries(st.tuples(YEARS, PARTNERS), DOLLARS, min_size=1, max_size=30))
def test_contributions_sum_to_the_total_change(cells) -> None:
    frame = long_frame(cells, ["year", "partner"])
    totals = frame.groupby("year")["value_usd"].sum()
    result = contributions(frame, by="partner")
    for year, group in result.groupby("year"):
        base = totals.get(year - 1)
        if base is None or base == 0:
            assert group["contribution"].isna().all()
            continue
        change = (totals[year] - base) / base * 100
        assert group["contribution"].sum() == pytest.approx(change, rel=1e-9, abs=1e-9)
        assert group["value_usd"].sum() == totals[year]
        assert group["previous"].sum() == base


@SLOW_PROPERTY
@given(
    st.dictionaries(st.tuples(YEARS, PARTNERS), DOLLARS, min_size=1, max_size=30),
    st.sampled_from(["export", "import", "turnover", "balance"]),
)
def test_partner_table_contributions_sum_to_the_total_change(cells, flow) -> None:
    frame = long_frame(cells, ["year", "partner"]).assign(
        flow=lambda f: ["export" if i % 3 else "import" for i in range(len(f))]
    )
    year = int(frame["year"].max())
    wide = flows_wide(frame, keys="year").set_index("year")[flow]
    table = partner_table(frame, year=year, flow=flow)
    assert table["value"].sum() == wide[year]
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    base = wide.get(year - 1)
    if base is not None and base > 0:
        change = (wide[year] - base) / base * 100
        assert table["contribution"].sum() == pytest.approx(change, rel=1e-9, abs=1e-9)


@PROPERTY
@given(
    st.lists(st.tuples(FLOWS, hs_codes(), DOLLARS), min_size=1, max_size=30),
    st.sampled_from(HS_LEVELS),
)
def test_totals_equal_the_sum_of_parts_at_every_hs_level(rows, level) -> None:
    frame = pd.DataFrame(rows, columns=["flow", "hs_code", "value_usd"])
    result = aggregate_hs(frame, level=level, keys=["flow"])
    by_flow = result.groupby("flow")["value_usd"].sum()
    assert by_flow.to_dict() == frame.groupby("flow")["value_usd"].sum().to_dict()
    secret = frame.loc[frame["hs_code"] == CONFIDENTIAL_HS, "value_usd"].sum()
    assert result.loc[result["hs_code"] == CONFIDENTIAL_HS, "value_usd"].sum() == secret


@PROPERTY
@given(st.lists(hs_codes(), min_size=1, max_size=20), st.sampled_from([2, 4, 6, 8, 10]))
def test_hs_level_code_is_a_prefix_and_idempotent(codes, level) -> None:
    series = pd.Series(codes)
    once = hs_level_code(series, level)
    assert all(code.startswith(short) for code, short in zip(codes, once, strict=True))
    assert hs_level_code(once, level).tolist() == once.tolist()
    assert (once == CONFIDENTIAL_HS).tolist() == (series == CONFIDENTIAL_HS).tolist()


@PROPERTY
@given(st.dictionaries(st.tuples(YEARS, PARTNERS, FLOWS), DOLLARS, min_size=1, max_size=40))
def test_flows_wide_turnover_minus_balance_is_twice_imports(cells) -> None:
    frame = long_frame(cells, ["year", "partner", "flow"])
    result = flows_wide(frame, keys=["year", "partner"])
    assert (result["turnover"] - result["balance"] == 2 * result["import"]).all()
    assert result["turnover"].sum() == frame["value_usd"].sum()


def pivoted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """flows_wide as a pandas pivot: the naive model its numpy sums must equal."""
    base = frame.loc[frame["flow"].isin(["export", "import"])]
    wide = (base.groupby([*keys, "flow"], dropna=False)["value_usd"].sum()
            .unstack("flow", fill_value=0.0).reindex(columns=["export", "import"], fill_value=0.0)
            .astype("float64").rename_axis(columns=None).reset_index())
    return wide.assign(turnover=wide["export"] + wide["import"],
                       balance=wide["export"] - wide["import"])


@PROPERTY
@given(
    st.lists(st.tuples(YEARS, st.sampled_from([1, 2, None]), st.one_of(PARTNERS, st.none()),
                       st.sampled_from(["export", "import", "re-export"]),
                       st.one_of(DOLLARS, st.just(math.nan))), max_size=30),
    st.sampled_from([["year"], ["year", "month"], ["partner", "year"], ["month"]]),
)
def test_flows_wide_is_the_pivot_of_flows_by_keys(rows, keys) -> None:
    frame = pd.DataFrame(rows, columns=["year", "month", "partner", "flow", "value_usd"]).astype(
        {"year": "int16", "month": "Int8", "partner": "str"})
    pd.testing.assert_frame_equal(flows_wide(frame, keys=keys), pivoted(frame, keys))


@PROPERTY
@given(
    st.lists(
        st.tuples(YEARS, st.one_of(st.integers(0, 3).map(float), st.just(math.nan))),
        min_size=1,
        max_size=30,
    )
)
def test_ranks_are_a_permutation_of_1_to_n_per_group(rows) -> None:
    frame = pd.DataFrame(rows, columns=["year", "value_usd"]).assign(
        code=lambda f: [f"{i:03d}" for i in range(len(f))]
    )
    result = ranks(frame, by="code", within=["year"])
    for _, group in result.groupby("year"):
        assert sorted(group["rank"]) == list(range(1, len(group) + 1))
        ordered = group.sort_values("rank")["value_usd"]
        assert ordered.dropna().is_monotonic_decreasing
        assert ordered.isna().is_monotonic_increasing  # missing values rank last


@PROPERTY
@given(st.sets(YEARS, min_size=1), DOLLARS)
def test_yoy_never_compares_across_a_gap(years, value) -> None:
    frame = pd.DataFrame({"year": sorted(years), "value_usd": value})
    result = yoy(frame, keys=[])
    for year, previous in zip(result["year"], result["previous"], strict=True):
        assert math.isnan(previous) == (year - 1 not in years)


def _composed_table(frame: pd.DataFrame, *, year: int, flow: str) -> pd.DataFrame:
    """partner_table's definition as a chain of the general transforms (its specification)."""
    return (
        frame.loc[frame["year"].isin([year - 1, year])]
        .pipe(flows_wide, keys=["year", "partner"])
        .loc[:, ["year", "partner", flow]]
        .rename(columns={flow: "value"})
        .pipe(contributions, by="partner", value="value")
        .loc[lambda f: f["year"] == year]
        .loc[lambda f: (f["value"] != 0) | (f["previous"].fillna(0.0) != 0)]
        .pipe(shares, by="partner", value="value", within=["year"])
        .pipe(ranks, by="partner", value="value", within=["year"])
        .assign(change=lambda f: f["value"] - f["previous"])
        .assign(change_pct=lambda f: percent(f["change"], f["previous"]))
        .sort_values("rank", kind="stable")
        .loc[:, ["partner", *TABLE_COLUMNS]]
        .reset_index(drop=True)
    )


@SLOW_PROPERTY
@given(st.dictionaries(st.tuples(YEARS, FLOWS, PARTNERS), DOLLARS | st.just(math.nan),
                       max_size=40),
       YEARS, st.sampled_from(["turnover", "export", "import", "balance"]))
def test_partner_table_equals_the_composed_transforms(cells, year, flow) -> None:
    frame = long_frame(cells, ["year", "flow", "partner"]).astype({"value_usd": "float64"})
    fast = partner_table(frame, year=year, flow=flow)
    slow = _composed_table(frame, year=year, flow=flow)
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False, check_index_type=False,
                                  rtol=1e-12)
