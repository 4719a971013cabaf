"""Hand-computed input -> expected output tables for dashboard.analysis.transforms."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.analysis.quality import quality_notes
from dashboard.analysis.transforms import (
    Kpi,
    aggregate_hs,
    commodity_table,
    confidential_share,
    contributions,
    flows_wide,
    hs_level_code,
    kpi_frame,
    kpis,
    partner_table,
    ranks,
    shares,
    unit_values,
    yoy,
    ytd_coverage,
)
from dashboard.core.terms import CONFIDENTIAL_HS

NAN = math.nan
XX = CONFIDENTIAL_HS


def make(columns: str, rows: list[tuple]) -> pd.DataFrame:
    """Build a frame from space-separated column names and row tuples."""
    return pd.DataFrame.from_records(rows, columns=columns.split())


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn text columns into object columns with None for missing, so dtypes do not matter."""
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return frame.astype(dict.fromkeys(text, object)).pipe(
        lambda f: f.assign(**{c: f[c].where(f[c].notna(), None) for c in text})
    )


def assert_rows(result: pd.DataFrame, columns: str, expected: list[tuple]) -> None:
    """Assert the result's listed columns equal the expected rows (floats to 1e-9)."""
    pd.testing.assert_frame_equal(
        _plain(result.loc[:, columns.split()].reset_index(drop=True)),
        _plain(make(columns, expected)),
        check_dtype=False,
        check_index_type=False,
        rtol=1e-9,
    )


def test_transforms_never_mutate_their_input() -> None:
    frame = make(
        "year partner flow hs_code value_usd",
        [(2022, "CN", "export", "0702", 10.0), (2023, "CN", "export", XX, 20.0)],
    )
    before = frame.copy()
    flows_wide(frame, keys=["year"])
    yoy(frame, keys=["partner", "flow", "hs_code"])
    shares(frame, by="hs_code")
    ranks(frame, by="hs_code")
    contributions(frame, by="hs_code", keys="flow")
    aggregate_hs(frame, level=2, keys=["year"])
    partner_table(frame, year=2023, flow="export")
    commodity_table(frame, year=2023, flow="export", level=4)
    confidential_share(frame)
    unit_values(frame)
    pd.testing.assert_frame_equal(frame, before)


# --- flows_wide -------------------------------------------------------------------------

FLOWS_WIDE_CASES = {
    "both flows": (
        [(2023, "CN", "export", 100.0), (2023, "CN", "import", 40.0)],
        ["year", "partner"],
        "year partner export import turnover balance",
        [(2023, "CN", 100.0, 40.0, 140.0, 60.0)],
    ),
    "absent import is zero": (
        [(2023, "KZ", "export", 10.0)],
        ["year", "partner"],
        "year partner export import turnover balance",
        [(2023, "KZ", 10.0, 0.0, 10.0, 10.0)],
    ),
    "absent export is zero, deficit": (
        [(2023, "TR", "import", 7.0)],
        ["year", "partner"],
        "year partner export import turnover balance",
        [(2023, "TR", 0.0, 7.0, 7.0, -7.0)],
    ),
    "duplicates are summed": (
        [(2023, "CN", "export", 1.0), (2023, "CN", "export", 2.0), (2023, "CN", "import", 4.0)],
        ["year", "partner"],
        "year partner export import turnover balance",
        [(2023, "CN", 3.0, 4.0, 7.0, -1.0)],
    ),
    "re-exports stay out of turnover": (
        [(2023, "CN", "export", 1.0), (2023, "CN", "re-export", 5.0)],
        ["year", "partner"],
        "year partner export import turnover balance",
        [(2023, "CN", 1.0, 0.0, 1.0, 1.0)],
    ),
    "summed over partners by year": (
        [
            (2022, "CN", "export", 5.0),
            (2023, "CN", "export", 1.0),
            (2023, "KZ", "import", 2.0),
        ],
        ["year"],
        "year export import turnover balance",
        [(2022, 5.0, 0.0, 5.0, 5.0), (2023, 1.0, 2.0, 3.0, -1.0)],
    ),
    "no keys gives one total row": (
        [(2022, "CN", "export", 5.0), (2023, "KZ", "import", 2.0)],
        [],
        "export import turnover balance",
        [(5.0, 2.0, 7.0, 3.0)],
    ),
}


@pytest.mark.parametrize(
    ("rows", "keys", "columns", "expected"),
    FLOWS_WIDE_CASES.values(),
    ids=FLOWS_WIDE_CASES.keys(),
)
def test_flows_wide(rows, keys, columns, expected) -> None:
    result = flows_wide(make("year partner flow value_usd", rows), keys=keys)
    assert list(result.columns) == columns.split()
    assert_rows(result, columns, expected)


def test_flows_wide_empty_frame_keeps_columns() -> None:
    result = flows_wide(make("year partner flow value_usd", []), keys=["year"])
    assert list(result.columns) == ["year", "export", "import", "turnover", "balance"]
    assert result.empty


# --- yoy --------------------------------------------------------------------------------

YOY_ANNUAL_CASES = {
    "consecutive years": (
        [(2020, "CN", 100.0), (2021, "CN", 117.1)],
        [(NAN, NAN, NAN), (100.0, 17.1, 17.1)],
    ),
    "gap year gives NaN, never the older year": (
        [(2019, "CN", 100.0), (2021, "CN", 150.0)],
        [(NAN, NAN, NAN), (NAN, NAN, NAN)],
    ),
    "zero base gives NaN percent, not inf": (
        [(2020, "CN", 0.0), (2021, "CN", 50.0)],
        [(NAN, NAN, NAN), (0.0, 50.0, NAN)],
    ),
    "negative base (deficit) gives NaN percent": (
        [(2020, "CN", -100.0), (2021, "CN", -50.0)],
        [(NAN, NAN, NAN), (-100.0, 50.0, NAN)],
    ),
    "fall to zero is -100 %": (
        [(2020, "CN", 80.0), (2021, "CN", 0.0)],
        [(NAN, NAN, NAN), (80.0, -80.0, -100.0)],
    ),
    "series are matched by key": (
        [(2020, "CN", 10.0), (2021, "KZ", 5.0), (2021, "CN", 20.0)],
        [(NAN, NAN, NAN), (NAN, NAN, NAN), (10.0, 10.0, 100.0)],
    ),
    "unsorted input keeps its order": (
        [(2022, "CN", 30.0), (2021, "CN", 20.0)],
        [(20.0, 10.0, 50.0), (NAN, NAN, NAN)],
    ),
}


@pytest.mark.parametrize(
    ("rows", "expected"), YOY_ANNUAL_CASES.values(), ids=YOY_ANNUAL_CASES.keys()
)
def test_yoy_annual(rows, expected) -> None:
    frame = make("year partner value_usd", rows)
    result = yoy(frame, keys=["partner"])
    assert_rows(result, "previous change change_pct", expected)
    assert_rows(result, "year partner value_usd", rows)


YOY_MONTHLY_CASES = {
    "same month of the previous year": (
        [(2023, 3, 10.0), (2024, 3, 15.0)],
        [(NAN, NAN, NAN), (10.0, 5.0, 50.0)],
    ),
    "missing month is NaN, not the month before": (
        [(2023, 3, 10.0), (2024, 3, 15.0), (2024, 4, 8.0)],
        [(NAN, NAN, NAN), (10.0, 5.0, 50.0), (NAN, NAN, NAN)],
    ),
    "December compares with December": (
        [(2023, 12, 4.0), (2024, 1, 5.0), (2024, 12, 2.0)],
        [(NAN, NAN, NAN), (NAN, NAN, NAN), (4.0, -2.0, -50.0)],
    ),
}


@pytest.mark.parametrize(
    ("rows", "expected"), YOY_MONTHLY_CASES.values(), ids=YOY_MONTHLY_CASES.keys()
)
def test_yoy_monthly(rows, expected) -> None:
    result = yoy(make("year month value_usd", rows), keys=[], period="monthly")
    assert_rows(result, "previous change change_pct", expected)


def test_yoy_keeps_index_and_other_columns() -> None:
    frame = make("year value_usd note", [(2020, 1.0, "a"), (2021, 2.0, "b")]).set_axis([7, 3])
    result = yoy(frame, keys=[])
    assert list(result.index) == [7, 3]
    assert list(result["note"]) == ["a", "b"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"keys": []}, "not unique"),
        ({"keys": ["partner"], "period": "weekly"}, "period"),
        ({"keys": ["hs_code"]}, "missing column"),
    ],
)
def test_yoy_rejects_bad_input(kwargs, message) -> None:
    frame = make("year partner value_usd", [(2020, "CN", 1.0), (2020, "KZ", 2.0)])
    with pytest.raises(ValueError, match=message):
        yoy(frame, **kwargs)


# --- ytd --------------------------------------------------------------------------------

MONTHLY = [
    (2023, 1, "CN", 1.0),
    (2023, 2, "CN", 2.0),
    (2023, 3, "CN", 3.0),
    (2023, 3, "KZ", 10.0),
    (2024, 1, "CN", 4.0),
    (2024, 3, "CN", 5.0),
    (2024, 4, "CN", 100.0),
]

COVERAGE_CASES = {
    "March missing in the 2024 window": (
        MONTHLY, 3, [(2023, 3, ()), (2024, 2, (2,))],
    ),
    "window through April": (MONTHLY, 4, [(2023, 3, (4,)), (2024, 3, (2,))]),
    "annual rows (no month) cover nothing": (
        [(2024, None, "CN", 50.0), (2024, 1, "CN", 1.0)], 2, [(2024, 1, (2,))],
    ),
}


@pytest.mark.parametrize(
    ("rows", "through", "expected"), COVERAGE_CASES.values(), ids=COVERAGE_CASES.keys()
)
def test_ytd_coverage(rows, through, expected) -> None:
    result = ytd_coverage(make("year month partner value_usd", rows), through_month=through)
    assert_rows(result, "year months_present missing_months", expected)


@pytest.mark.parametrize("through", [0, 13])
def test_ytd_coverage_rejects_month_out_of_range(through) -> None:
    with pytest.raises(ValueError, match="through_month"):
        ytd_coverage(make("year month value_usd", [(2024, 1, 1.0)]), through_month=through)


# --- shares -----------------------------------------------------------------------------

SHARES_CASES = {
    "within year and flow": (
        [
            (2023, "export", "CN", 75.0),
            (2023, "export", "KZ", 25.0),
            (2023, "import", "CN", 10.0),
            (2024, "export", "CN", 3.0),
        ],
        ("year", "flow"),
        [75.0, 25.0, 100.0, 100.0],
    ),
    "zero total gives NaN": (
        [(2023, "export", "CN", 0.0), (2023, "export", "KZ", 0.0)],
        ("year", "flow"),
        [NAN, NAN],
    ),
    "a zero part in a positive total is 0": (
        [(2023, "export", "CN", 0.0), (2023, "export", "KZ", 8.0)],
        ("year", "flow"),
        [0.0, 100.0],
    ),
    "within nothing: share of the grand total": (
        [(2023, "export", "CN", 1.0), (2024, "import", "KZ", 3.0)],
        (),
        [25.0, 75.0],
    ),
}


@pytest.mark.parametrize(
    ("rows", "within", "expected"), SHARES_CASES.values(), ids=SHARES_CASES.keys()
)
def test_shares(rows, within, expected) -> None:
    frame = make("year flow partner value_usd", rows)
    result = shares(frame, by="partner", within=within)
    assert_rows(result, "share", [(s,) for s in expected])


def test_shares_rejects_duplicate_parts() -> None:
    frame = make("year flow partner value_usd", [(2023, "export", "CN", 1.0)] * 2)
    with pytest.raises(ValueError, match="not unique"):
        shares(frame, by="partner")


# --- ranks ------------------------------------------------------------------------------

RANKS_CASES = {
    "largest first": ([("CN", 10.0), ("KZ", 30.0), ("TR", 20.0)], [3, 1, 2]),
    "ties broken by code": ([("CN", 10.0), ("AM", 10.0), ("KZ", 5.0)], [2, 1, 3]),
    "all tied": ([("TR", 1.0), ("CN", 1.0), ("KZ", 1.0)], [3, 1, 2]),
    "NaN ranks last": ([("CN", NAN), ("KZ", 0.0), ("AM", NAN)], [3, 1, 2]),
    "negative values (balance)": ([("CN", -5.0), ("KZ", 3.0), ("AM", 0.0)], [3, 1, 2]),
}


@pytest.mark.parametrize(("rows", "expected"), RANKS_CASES.values(), ids=RANKS_CASES.keys())
def test_ranks(rows, expected) -> None:
    result = ranks(make("partner value_usd", rows), by="partner", within=())
    assert list(result["rank"]) == expected
    assert result["rank"].dtype == "int64"


def test_ranks_restart_in_each_group_and_keep_the_index() -> None:
    frame = make(
        "year partner value_usd",
        [(2023, "CN", 1.0), (2024, "CN", 9.0), (2023, "KZ", 2.0), (2024, "KZ", 3.0)],
    ).set_axis([5, 5, 1, 0])
    result = ranks(frame, by="partner", within=["year"])
    assert list(result["rank"]) == [2, 1, 1, 2]
    assert list(result.index) == [5, 5, 1, 0]


# --- contributions ----------------------------------------------------------------------

CONTRIBUTION_CASES = {
    "new part and a gap-free base": (
        [
            (2022, "CN", 60.0),
            (2022, "KZ", 40.0),
            (2023, "CN", 90.0),
            (2023, "KZ", 30.0),
            (2023, "AM", 10.0),
        ],
        [
            (2022, "CN", 60.0, NAN, NAN),
            (2022, "KZ", 40.0, NAN, NAN),
            (2023, "AM", 10.0, 0.0, 10.0),
            (2023, "CN", 90.0, 60.0, 30.0),
            (2023, "KZ", 30.0, 40.0, -10.0),
        ],
    ),
    "part that drops out counts with 0": (
        [(2022, "CN", 60.0), (2022, "KZ", 40.0), (2023, "CN", 60.0)],
        [
            (2022, "CN", 60.0, NAN, NAN),
            (2022, "KZ", 40.0, NAN, NAN),
            (2023, "CN", 60.0, 60.0, 0.0),
            (2023, "KZ", 0.0, 40.0, -40.0),
        ],
    ),
    "zero base total gives NaN": (
        [(2022, "CN", 0.0), (2023, "CN", 10.0)],
        [(2022, "CN", 0.0, NAN, NAN), (2023, "CN", 10.0, 0.0, NAN)],
    ),
    "gap year gives NaN": (
        [(2021, "CN", 5.0), (2023, "CN", 10.0)],
        [(2021, "CN", 5.0, NAN, NAN), (2023, "CN", 10.0, NAN, NAN)],
    ),
    "duplicates are summed": (
        [(2022, "CN", 1.0), (2022, "CN", 1.0), (2023, "CN", 3.0)],
        [(2022, "CN", 2.0, NAN, NAN), (2023, "CN", 3.0, 2.0, 50.0)],
    ),
}


@pytest.mark.parametrize(
    ("rows", "expected"), CONTRIBUTION_CASES.values(), ids=CONTRIBUTION_CASES.keys()
)
def test_contributions(rows, expected) -> None:
    result = contributions(make("year partner value_usd", rows), by="partner")
    assert list(result.columns) == ["year", "partner", "value_usd", "previous", "contribution"]
    assert_rows(result, "year partner value_usd previous contribution", expected)


def test_contributions_per_flow() -> None:
    frame = make(
        "year flow partner value_usd",
        [
            (2022, "export", "CN", 10.0),
            (2023, "export", "CN", 20.0),
            (2023, "import", "CN", 7.0),
        ],
    )
    result = contributions(frame, by="partner", keys="flow")
    assert_rows(
        result,
        "flow year partner previous contribution",
        [
            ("export", 2022, "CN", NAN, NAN),
            ("export", 2023, "CN", 10.0, 100.0),
            ("import", 2023, "CN", NAN, NAN),
        ],
    )


# --- unit values ------------------------------------------------------------------------

UNIT_VALUE_CASES = {
    "both denominators": ((100.0, 4.0, 2.0), (25.0, 50.0)),
    "zero weight": ((100.0, 0.0, 2.0), (NAN, 50.0)),
    "missing weight and quantity": ((100.0, NAN, NAN), (NAN, NAN)),
    "zero value": ((0.0, 4.0, 0.0), (0.0, NAN)),
}


@pytest.mark.parametrize(
    ("row", "expected"), UNIT_VALUE_CASES.values(), ids=UNIT_VALUE_CASES.keys()
)
def test_unit_values(row, expected) -> None:
    frame = make("value_usd net_kg quantity unit", [(*row, "796")])
    result = unit_values(frame)
    assert_rows(result, "usd_per_kg usd_per_unit unit", [(*expected, "796")])


def test_unit_values_without_quantity_column() -> None:
    result = unit_values(make("value_usd net_kg", [(10.0, 5.0)]))
    assert_rows(result, "usd_per_kg usd_per_unit", [(2.0, NAN)])


# --- HS levels --------------------------------------------------------------------------

HS_LEVEL_CASES = [
    ("2501000000", 2, "25"),
    ("2501000000", 4, "2501"),
    ("2501000000", 6, "250100"),
    ("2501000000", 8, "25010000"),
    ("2501000000", 10, "2501000000"),
    ("0702", 2, "07"),
    ("0702", 4, "0702"),
    ("0702", 6, "0702"),
    ("0702", 10, "0702"),
    ("07", 4, "07"),
    *[(XX, level, XX) for level in (2, 4, 6, 8, 10)],
    ("XX", 4, "XX"),
]


@pytest.mark.parametrize(("code", "level", "expected"), HS_LEVEL_CASES)
def test_hs_level_code(code, level, expected) -> None:
    codes = pd.Series([code], name="hs_code", index=[9])
    result = hs_level_code(codes, level)
    assert result.tolist() == [expected]
    assert list(result.index) == [9]
    assert result.name == "hs_code"


def test_hs_level_code_keeps_missing_codes_missing() -> None:
    result = hs_level_code(pd.Series(["0702", None]), 2)
    assert result.iloc[0] == "07"
    assert pd.isna(result.iloc[1])


@pytest.mark.parametrize("level", [3, "chapter", 0])
def test_hs_level_code_rejects_unknown_levels(level) -> None:
    with pytest.raises(ValueError, match="level"):
        hs_level_code(pd.Series(["0702"]), level)


def test_section_level_uses_the_reference_table() -> None:
    codes = pd.Series(["0702000000", "0703", XX, "2501000000", "07", None])
    result = hs_level_code(codes, "section")
    assert result.tolist()[:5] == ["II", "II", XX, "V", "II"]
    assert pd.isna(result.iloc[5])


@pytest.mark.parametrize(
    ("code", "expected"), [("0702000000", "II"), ("2501000000", "V"), ("8471", "XVI")]
)
def test_section_level_with_the_real_table(code, expected) -> None:
    assert hs_level_code(pd.Series([code, XX]), "section").tolist() == [expected, XX]


HS_FRAME = [
    ("export", "0702000000", 10.0, 1.0, 2.0, "796"),
    ("export", "0702000001", 5.0, NAN, 1.0, "796"),
    ("export", "0703100000", 3.0, 2.0, 4.0, "166"),
    ("export", "0703200000", 1.0, 1.0, 6.0, "796"),
    ("export", XX, 7.0, NAN, NAN, None),
    ("import", XX, 4.0, 2.0, NAN, None),
]

AGGREGATE_HS_CASES = {
    "headings; NaN weight propagates, mixed units blank quantity": (
        4,
        [
            ("export", "0702", 15.0, NAN, 3.0, "796"),
            ("export", "0703", 4.0, 3.0, NAN, None),
            ("export", XX, 7.0, NAN, NAN, None),
            ("import", XX, 4.0, 2.0, NAN, None),
        ],
    ),
    "chapters; confidential stays its own line": (
        2,
        [
            ("export", "07", 19.0, NAN, NAN, None),
            ("export", XX, 7.0, NAN, NAN, None),
            ("import", XX, 4.0, 2.0, NAN, None),
        ],
    ),
    "national lines unchanged": (10, HS_FRAME),
}


@pytest.mark.parametrize(
    ("level", "expected"), AGGREGATE_HS_CASES.values(), ids=AGGREGATE_HS_CASES.keys()
)
def test_aggregate_hs(level, expected) -> None:
    frame = make("flow hs_code value_usd net_kg quantity unit", HS_FRAME)
    result = aggregate_hs(frame, level=level, keys=["flow"])
    assert_rows(result, "flow hs_code value_usd net_kg quantity unit", expected)


@pytest.mark.parametrize("level", [2, 4, 6, 8, 10])
def test_aggregate_hs_keeps_the_total(level) -> None:
    frame = make("flow hs_code value_usd net_kg quantity unit", HS_FRAME)
    result = aggregate_hs(frame, level=level, keys=["flow"])
    assert result["value_usd"].sum() == frame["value_usd"].sum()
    assert (result["hs_code"] == XX).sum() == 2


def test_aggregate_hs_by_section() -> None:
    frame = make("flow hs_code value_usd", [("export", "0702", 1.0), ("export", "2501", 2.0)])
    result = aggregate_hs(frame, level="section", keys=[])
    assert_rows(result, "hs_code value_usd", [("II", 1.0), ("V", 2.0)])


# --- KPI cards --------------------------------------------------------------------------

KPI_FRAME = [
    (2021, "export", 50.0),
    (2022, "export", 100.0),
    (2022, "import", 60.0),
    (2023, "export", 120.0),
    (2023, "import", 90.0),
    (2025, "export", 10.0),
]

KPI_CASES = {
    "all four measures": (
        2023,
        [
            ("turnover", 210.0, 160.0, 50.0, 31.25),
            ("export", 120.0, 100.0, 20.0, 20.0),
            ("import", 90.0, 60.0, 30.0, 50.0),
            ("balance", 30.0, 40.0, -10.0, -25.0),
        ],
    ),
    "absent import in the base year is zero": (
        2022,
        [
            ("turnover", 160.0, 50.0, 110.0, 220.0),
            ("export", 100.0, 50.0, 50.0, 100.0),
            ("import", 60.0, 0.0, 60.0, NAN),
            ("balance", 40.0, 50.0, -10.0, -20.0),
        ],
    ),
    "gap year: no base": (
        2025,
        [
            ("turnover", 10.0, NAN, NAN, NAN),
            ("export", 10.0, NAN, NAN, NAN),
            ("import", 0.0, NAN, NAN, NAN),
            ("balance", 10.0, NAN, NAN, NAN),
        ],
    ),
    "year not in the data": (
        2030,
        [(m, NAN, NAN, NAN, NAN) for m in ("turnover", "export", "import", "balance")],
    ),
}


@pytest.mark.parametrize(("year", "expected"), KPI_CASES.values(), ids=KPI_CASES.keys())
def test_kpi_frame(year, expected) -> None:
    result = kpi_frame(make("year flow value_usd", KPI_FRAME), year)
    assert_rows(result, "measure value previous change change_pct", expected)


def test_kpi_frame_accepts_wide_input() -> None:
    wide = make("year export import", [(2022, 100.0, 60.0), (2023, 120.0, 90.0)])
    long = make("year flow value_usd", KPI_FRAME)
    pd.testing.assert_frame_equal(kpi_frame(wide, 2023), kpi_frame(long, 2023))


def test_kpis_deficit_base_has_no_percent() -> None:
    frame = make(
        "year flow value_usd",
        [
            (2022, "export", 10.0),
            (2022, "import", 30.0),
            (2023, "export", 20.0),
            (2023, "import", 25.0),
        ],
    )
    cards = kpis(frame, 2023)
    assert list(cards) == ["turnover", "export", "import", "balance"]
    assert cards["export"] == Kpi(value=20.0, previous=10.0, change=10.0, change_pct=100.0)
    balance = cards["balance"]
    assert (balance.value, balance.previous, balance.change) == (-5.0, -20.0, 15.0)
    assert math.isnan(balance.change_pct)


# --- partner and commodity tables -------------------------------------------------------

PARTNER_FRAME = [
    (2022, "CN", "export", 60.0),
    (2022, "CN", "import", 20.0),
    (2022, "KZ", "export", 40.0),
    (2022, "KZ", "import", 50.0),
    (2022, "AM", "import", 10.0),
    (2023, "CN", "export", 90.0),
    (2023, "CN", "import", 30.0),
    (2023, "KZ", "export", 30.0),
    (2023, "AM", "export", 10.0),
    (2023, "TR", "import", 5.0),
]
TABLE = "partner value share rank previous change change_pct contribution"

PARTNER_TABLE_CASES = {
    "export: new partner has previous 0": (
        2023,
        "export",
        [
            ("CN", 90.0, 900 / 13, 1, 60.0, 30.0, 50.0, 30.0),
            ("KZ", 30.0, 300 / 13, 2, 40.0, -10.0, -25.0, -10.0),
            ("AM", 10.0, 100 / 13, 3, 0.0, 10.0, NAN, 10.0),
        ],
    ),
    "import: partners that stopped stay, ties by code": (
        2023,
        "import",
        [
            ("CN", 30.0, 600 / 7, 1, 20.0, 10.0, 50.0, 12.5),
            ("TR", 5.0, 100 / 7, 2, 0.0, 5.0, NAN, 6.25),
            ("AM", 0.0, 0.0, 3, 10.0, -10.0, -100.0, -12.5),
            ("KZ", 0.0, 0.0, 4, 50.0, -50.0, -100.0, -62.5),
        ],
    ),
    "turnover": (
        2023,
        "turnover",
        [
            ("CN", 120.0, 800 / 11, 1, 80.0, 40.0, 50.0, 200 / 9),
            ("KZ", 30.0, 200 / 11, 2, 90.0, -60.0, -200 / 3, -100 / 3),
            ("AM", 10.0, 200 / 33, 3, 10.0, 0.0, 0.0, 0.0),
            ("TR", 5.0, 100 / 33, 4, 0.0, 5.0, NAN, 25 / 9),
        ],
    ),
    "balance: deficit bases have no percent": (
        2023,
        "balance",
        [
            ("CN", 60.0, 1200 / 19, 1, 40.0, 20.0, 50.0, 100.0),
            ("KZ", 30.0, 600 / 19, 2, -10.0, 40.0, NAN, 200.0),
            ("AM", 10.0, 200 / 19, 3, -10.0, 20.0, NAN, 100.0),
            ("TR", -5.0, -100 / 19, 4, 0.0, -5.0, NAN, -25.0),
        ],
    ),
    "first year: no base year, growth is NaN": (
        2022,
        "export",
        [
            ("CN", 60.0, 60.0, 1, NAN, NAN, NAN, NAN),
            ("KZ", 40.0, 40.0, 2, NAN, NAN, NAN, NAN),
        ],
    ),
    "year not in the data": (2030, "import", []),
}


@pytest.mark.parametrize(
    ("year", "flow", "expected"), PARTNER_TABLE_CASES.values(), ids=PARTNER_TABLE_CASES.keys()
)
def test_partner_table(year, flow, expected) -> None:
    result = partner_table(make("year partner flow value_usd", PARTNER_FRAME), year=year, flow=flow)
    assert list(result.columns) == TABLE.split()
    assert_rows(result, TABLE, expected)


def test_partner_table_balance_with_deficit_total() -> None:
    frame = make(
        "year partner flow value_usd",
        [(2022, "CN", "import", 10.0), (2023, "CN", "import", 20.0), (2023, "KZ", "export", 5.0)],
    )
    result = partner_table(frame, year=2023, flow="balance")
    assert_rows(
        result,
        TABLE,
        [
            ("KZ", 5.0, NAN, 1, 0.0, 5.0, NAN, NAN),
            ("CN", -20.0, NAN, 2, -10.0, -10.0, NAN, NAN),
        ],
    )


def test_partner_table_rejects_unknown_flow() -> None:
    frame = make("year partner flow value_usd", PARTNER_FRAME)
    with pytest.raises(ValueError, match="flow"):
        partner_table(frame, year=2023, flow="re-export")


COMMODITY_FRAME = [
    (2022, "export", "0702000000", 30.0),
    (2022, "export", "0703100000", 20.0),
    (2022, "export", XX, 50.0),
    (2023, "export", "0702000000", 40.0),
    (2023, "export", "2501000000", 30.0),
    (2023, "export", XX, 30.0),
    (2023, "import", "2501000000", 8.0),
]
COMMODITY_TABLE = "hs_code value share rank previous change change_pct contribution"

COMMODITY_TABLE_CASES = {
    "chapters, confidential tied and ranked by code": (
        2,
        "export",
        [
            ("07", 40.0, 40.0, 1, 50.0, -10.0, -20.0, -10.0),
            ("25", 30.0, 30.0, 2, 0.0, 30.0, NAN, 30.0),
            (XX, 30.0, 30.0, 3, 50.0, -20.0, -40.0, -20.0),
        ],
    ),
    "headings, one that stopped stays": (
        4,
        "export",
        [
            ("0702", 40.0, 40.0, 1, 30.0, 10.0, 100 / 3, 10.0),
            ("2501", 30.0, 30.0, 2, 0.0, 30.0, NAN, 30.0),
            (XX, 30.0, 30.0, 3, 50.0, -20.0, -40.0, -20.0),
            ("0703", 0.0, 0.0, 4, 20.0, -20.0, -100.0, -20.0),
        ],
    ),
    "turnover by heading": (
        4,
        "turnover",
        [
            ("0702", 40.0, 4.0e3 / 108, 1, 30.0, 10.0, 100 / 3, 10.0),
            ("2501", 38.0, 3.8e3 / 108, 2, 0.0, 38.0, NAN, 38.0),
            (XX, 30.0, 3.0e3 / 108, 3, 50.0, -20.0, -40.0, -20.0),
            ("0703", 0.0, 0.0, 4, 20.0, -20.0, -100.0, -20.0),
        ],
    ),
}


@pytest.mark.parametrize(
    ("level", "flow", "expected"),
    COMMODITY_TABLE_CASES.values(),
    ids=COMMODITY_TABLE_CASES.keys(),
)
def test_commodity_table(level, flow, expected) -> None:
    frame = make("year flow hs_code value_usd", COMMODITY_FRAME)
    result = commodity_table(frame, year=2023, flow=flow, level=level)
    assert list(result.columns) == COMMODITY_TABLE.split()
    assert_rows(result, COMMODITY_TABLE, expected)


# --- confidential share -----------------------------------------------------------------


def test_confidential_share() -> None:
    frame = make(
        "year flow hs_code value_usd",
        [
            *COMMODITY_FRAME,
            (2024, "export", XX, 0.0),
        ],
    )
    result = confidential_share(frame)
    assert_rows(
        result,
        "year flow confidential_usd total_usd share",
        [
            (2022, "export", 50.0, 100.0, 50.0),
            (2023, "export", 30.0, 100.0, 30.0),
            (2023, "import", 0.0, 8.0, 0.0),
            (2024, "export", 0.0, 0.0, NAN),
        ],
    )


def test_confidential_share_by_flow_only() -> None:
    result = confidential_share(make("year flow hs_code value_usd", COMMODITY_FRAME), keys=["flow"])
    assert_rows(result, "flow share", [("export", 40.0), ("import", 0.0)])


# --- empty input ------------------------------------------------------------------------

EMPTY = {
    "year": "int64",
    "month": "int64",
    "partner": "str",
    "flow": "str",
    "hs_code": "str",
    "value_usd": "float64",
}

EMPTY_CASES = {
    "flows_wide": (lambda f: flows_wide(f, keys=["year", "partner"]), "balance"),
    "yoy": (lambda f: yoy(f, keys=["partner", "flow", "hs_code"], period="monthly"), "change_pct"),
    "shares": (lambda f: shares(f, by=["partner", "month", "hs_code"]), "share"),
    "ranks": (lambda f: ranks(f, by="partner"), "rank"),
    "contributions": (lambda f: contributions(f, by="partner", keys="flow"), "contribution"),
    "aggregate_hs": (lambda f: aggregate_hs(f, level=4, keys=["flow"]), "value_usd"),
    "confidential_share": (confidential_share, "share"),
    "partner_table": (lambda f: partner_table(f, year=2023, flow="balance"), "contribution"),
    "commodity_table": (
        lambda f: commodity_table(f, year=2023, flow="export", level=2),
        "contribution",
    ),
    "unit_values": (unit_values, "usd_per_kg"),
}


@pytest.mark.parametrize(("transform", "column"), EMPTY_CASES.values(), ids=EMPTY_CASES.keys())
def test_empty_input_gives_empty_output_with_columns(transform, column) -> None:
    empty = pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in EMPTY.items()})
    result = transform(empty)
    assert result.empty
    assert column in result.columns


# --- data-quality notes -----------------------------------------------------------------


def test_quality_notes_name_the_missing_months_of_both_compared_years() -> None:
    months = make("year month", [(2017, 1), (2017, 2), (2018, 1), (2018, 3)])
    assert quality_notes(months, year=2018, ytd=3, lang="en") == [
        "2018 lacks data for: Feb. The comparison is incomplete.",
        "2017 lacks data for: Mar. The comparison is incomplete.",
    ]
    assert quality_notes(months, year=2018, ytd=1, lang="ru") == []
    assert quality_notes(months, year=2023, ytd=None, lang="en")[-1].startswith(
        "The customs service did not publish")
