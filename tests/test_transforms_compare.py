"""Hand-computed tables for the compare-and-explain transforms: regions, price vs volume,
concentration, full-year estimate and chart notes."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.analysis.transforms.annotations import notes_for_chart, parse_period
from dashboard.analysis.transforms.concentration import (
    HHI_BANDS,
    hhi,
    hhi_band,
    hhi_trend,
    new_products,
    rca,
)
from dashboard.analysis.transforms.decompose import (
    BASES,
    DECOMPOSITION_KEYS,
    FORMULA_PARTS,
    choose_basis,
    price_volume,
    residual_parts,
)
from dashboard.analysis.transforms.estimate import (
    Estimate,
    backtest,
    backtest_detail,
    backtest_series,
    complete_years,
    full_year_estimate,
)
from dashboard.analysis.transforms.regions import RANKING_COLUMNS, region_coverage, region_ranking
from dashboard.core.i18n import LABELS, t
from tests.test_transforms import assert_rows, make

NAN = math.nan
NA = pd.NA


# --- region_ranking ---------------------------------------------------------------------

SIBERIA = "Siberian"
DISTRICTS = {"RU-TOM": SIBERIA, "RU-NVS": SIBERIA, "RU-OMS": SIBERIA, "RU-MOW": "Central"}


def test_region_ranking_hand_table() -> None:
    frame = make(
        "reporter year value_usd",
        [
            ("RU-TOM", 2017, 50.0), ("RU-TOM", 2018, 40.0), ("RU-TOM", 2018, 20.0),
            ("RU-NVS", 2017, 40.0), ("RU-NVS", 2018, 30.0),
            ("RU-MOW", 2018, 100.0), ("RU-MOW", 2016, 999.0),
            ("RU-OMS", 2017, 0.0), ("RU-OMS", 2018, 30.0),
            ("RU-XXX", 2017, 20.0),
        ],
    )  # fmt: skip
    result = region_ranking(frame, year=2018, districts=DISTRICTS)
    assert tuple(result.columns) == RANKING_COLUMNS
    # Total 2018 = 60 + 30 + 100 + 30 + 0 = 220; NVS and OMS tie at 30 and are ordered by code.
    assert_rows(
        result,
        "reporter value previous change change_pct share rank district",
        [
            ("RU-MOW", 100.0, 0.0, 100.0, NAN, 100 / 2.2, 1, "Central"),
            ("RU-TOM", 60.0, 50.0, 10.0, 20.0, 60 / 2.2, 2, SIBERIA),
            ("RU-NVS", 30.0, 40.0, -10.0, -25.0, 30 / 2.2, 3, SIBERIA),
            ("RU-OMS", 30.0, 0.0, 30.0, NAN, 30 / 2.2, 4, SIBERIA),
            ("RU-XXX", 0.0, 20.0, -20.0, -100.0, 0.0, 5, None),
        ],
    )
    assert result["district_rank"].tolist() == [1, 1, 2, 3, NA]
    assert result["share"].sum() == pytest.approx(100.0)


def test_region_ranking_listed_reporters_and_missing_base_year() -> None:
    frame = make("reporter year value_usd", [("RU-TOM", 2018, 10.0), ("RU-NVS", 2018, 30.0)])
    result = region_ranking(
        frame, year=2018, districts=DISTRICTS, reporters=["RU-TOM", "RU-NVS", "RU-ALT"]
    )
    assert_rows(
        result,
        "reporter value previous change change_pct share rank",
        [
            ("RU-NVS", 30.0, NAN, NAN, NAN, 75.0, 1),
            ("RU-TOM", 10.0, NAN, NAN, NAN, 25.0, 2),
            ("RU-ALT", 0.0, NAN, NAN, NAN, 0.0, 3),
        ],
    )


def test_region_ranking_zero_total_and_empty() -> None:
    zero = make("reporter year value_usd", [("RU-TOM", 2018, 0.0)])
    assert math.isnan(region_ranking(zero, year=2018, districts={})["share"].iloc[0])
    empty = region_ranking(zero.iloc[:0], year=2018, districts={})
    assert empty.empty and tuple(empty.columns) == RANKING_COLUMNS


def test_region_ranking_does_not_mutate() -> None:
    frame = make("reporter year value_usd", [("RU-TOM", 2018, 1.0), ("RU-TOM", 2017, 2.0)])
    before = frame.copy()
    region_ranking(frame, year=2018, districts=DISTRICTS)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("reporters", "total", "expected"),
    [
        (["RU-TOM", "RU-NVS"], 85, {"loaded": 2, "total": 85, "complete": False, "missing": 83}),
        ([f"R{i}" for i in range(85)], 85, {"loaded": 85, "total": 85, "complete": True,
                                              "missing": 0}),
        ([f"R{i}" for i in range(85)], 89, {"loaded": 85, "total": 89, "complete": False,
                                              "missing": 4}),
        ([], 85, {"loaded": 0, "total": 85, "complete": False, "missing": 85}),
    ],
)  # fmt: skip
def test_region_coverage(reporters, total, expected) -> None:
    assert region_coverage(reporters, total_subjects=total) == expected


# --- price_volume -----------------------------------------------------------------------

# Code a: 100 USD / 10 kg (p0 = 10) -> 180 USD / 12 kg (p1 = 15): volume (12−10)×10 = 20,
# price (15−10)×10 = 50, interaction 5×2 = 10.  Code b: 50 / 5 kg -> 60 without weight:
# exited −50, unmatched +60.  Code c: 20 / 2 kg only in 2017: exited −20.  Code d: 7 / 1 kg
# only in 2018: entered +7.  A 2016 line is ignored.
LINES = make(
    "year hs_code value_usd net_kg quantity",
    [
        (2017, "a", 100.0, 10.0, 1.0), (2018, "a", 120.0, 8.0, 1.0), (2018, "a", 60.0, 4.0, 2.0),
        (2017, "b", 50.0, 5.0, NAN), (2018, "b", 60.0, NAN, NAN),
        (2017, "c", 20.0, 2.0, 4.0),
        (2018, "d", 7.0, 1.0, 1.0),
        (2016, "a", 1000.0, 1.0, 1.0),
    ],
)  # fmt: skip


def test_price_volume_hand_computed_exact() -> None:
    result = price_volume(LINES, year=2018, basis="net_kg")
    assert tuple(result) == DECOMPOSITION_KEYS
    assert result == {
        "value": 247.0,
        "previous": 170.0,
        "change": 77.0,
        "volume_effect": 20.0,
        "price_effect": 50.0,
        "residual": 7.0,
        "basis": "net_kg",
        "unmatched_value": 60.0,
        "unmatched_previous": 0.0,
        "matched_codes": 1,
        "unmatched_codes": 3,
    }
    assert result["volume_effect"] + result["price_effect"] + result["residual"] == 77.0
    assert residual_parts(LINES, year=2018, basis="net_kg") == {
        "interaction": 10.0,
        "entered": 7.0,
        "exited": -70.0,
        "unmatched_change": 60.0,
    }


def test_price_volume_quantity_basis() -> None:
    # a: 100 / 1 unit (p0 = 100) -> 180 / 3 units (p1 = 60): volume 2×100 = 200,
    # price −40×1 = −40; b has no quantity in either year: its 50 -> 60 is unmatched.
    result = price_volume(LINES, year=2018, basis="quantity")
    assert (result["volume_effect"], result["price_effect"], result["residual"]) == (
        200.0, -40.0, -83.0,
    )  # fmt: skip
    assert (result["unmatched_value"], result["unmatched_previous"]) == (60.0, 50.0)
    assert result["basis"] == "quantity"
    parts = residual_parts(LINES, year=2018, basis="quantity")
    assert parts == {"interaction": -80.0, "entered": 7.0, "exited": -20.0,
                     "unmatched_change": 10.0}  # fmt: skip
    assert sum(parts.values()) == result["residual"]


def test_price_volume_quantity_in_mixed_units_is_unmatched() -> None:
    frame = make(
        "year hs_code value_usd quantity unit",
        [
            (2017, "a", 10.0, 1.0, "796"),
            (2018, "a", 20.0, 1.0, "796"),
            (2018, "a", 5.0, 1.0, "113"),
        ],
    )
    result = price_volume(frame, year=2018, basis="quantity")
    assert result["matched_codes"] == 0
    assert (result["unmatched_value"], result["unmatched_previous"]) == (25.0, 10.0)
    assert (result["volume_effect"], result["price_effect"], result["residual"]) == (0, 0, 15.0)


def test_choose_basis() -> None:
    # net_kg splits code a (100 + 180); quantity splits a too but not b or c: a tie -> net_kg.
    assert choose_basis(LINES, year=2018) == "net_kg"
    only_quantity = LINES.assign(net_kg=NAN)
    assert choose_basis(only_quantity, year=2018) == "quantity"
    assert choose_basis(LINES.drop(columns="quantity"), year=2018) == "net_kg"
    assert choose_basis(LINES.iloc[:0], year=2018) == "net_kg"


def test_price_volume_empty_and_bad_basis() -> None:
    empty = price_volume(LINES.iloc[:0], year=2018)
    assert empty["change"] == 0.0 and empty["residual"] == 0.0 and empty["matched_codes"] == 0
    with pytest.raises(ValueError, match="basis must be"):
        price_volume(LINES, year=2018, basis="kg")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing column"):
        price_volume(LINES.drop(columns="net_kg"), year=2018)


def test_price_volume_does_not_mutate() -> None:
    before = LINES.copy()
    price_volume(LINES, year=2018)
    residual_parts(LINES, year=2018, basis="quantity")
    pd.testing.assert_frame_equal(LINES, before)


def test_formula_text_in_both_languages() -> None:
    for part in (*FORMULA_PARTS, *BASES):
        assert t(f"pv.formula.{part}", "ru") and t(f"pv.formula.{part}", "en")
    assert "q₀" in t("pv.formula.price", "en") and "p₀" in t("pv.formula.volume", "ru")


# --- concentration ----------------------------------------------------------------------

HHI_FRAME = make(
    "year flow partner value_usd",
    [
        (2018, "export", "CN", 30.0), (2018, "export", "CN", 20.0), (2018, "export", "DE", 30.0),
        (2018, "export", "KZ", 20.0), (2018, "export", "XX", 0.0),
        (2017, "export", "CN", 10.0),
        (2018, "import", "CN", 25.0), (2018, "import", "DE", 25.0), (2018, "import", "KZ", 25.0),
        (2018, "import", "TR", 25.0),
        (2016, "import", "CN", 0.0),
    ],
)  # fmt: skip


def test_hhi_hand_table() -> None:
    result = hhi(HHI_FRAME, by="partner")
    # 2018 exports: shares 50, 30, 20 -> 2500 + 900 + 400 = 3800 (the zero part is left out).
    assert_rows(
        result,
        "year flow hhi band parts top_share",
        [
            (2016, "import", NAN, None, 0, NAN),
            (2017, "export", 10000.0, "high", 1, 100.0),
            (2018, "export", 3800.0, "high", 3, 50.0),
            (2018, "import", 2500.0, "moderate", 4, 25.0),
        ],
    )


@pytest.mark.parametrize(
    ("index", "band"),
    [(0.0, "unconcentrated"), (1499.99, "unconcentrated"), (1500.0, "moderate"),
     (2500.0, "moderate"), (2500.01, "high"), (10000.0, "high"), (NAN, None)],
)  # fmt: skip
def test_hhi_band_edges(index, band) -> None:
    assert hhi_band(index) == band
    assert all(f"hhi.band.{name}" in LABELS for name, _, _ in HHI_BANDS)


def test_hhi_empty_and_no_groups() -> None:
    empty = hhi(HHI_FRAME.iloc[:0], by="partner")
    assert empty.empty and list(empty.columns) == ["year", "flow", "hhi", "band", "parts",
                                                    "top_share"]  # fmt: skip
    one = hhi(make("partner value_usd", [("CN", 1.0), ("DE", 1.0)]), by="partner", within=())
    assert_rows(one, "hhi band parts", [(5000.0, "high", 2)])


def test_hhi_trend_hand_table() -> None:
    indices = make(
        "flow year hhi",
        [("export", 2016, 3000.0), ("export", 2017, 2000.0), ("export", 2018, 1000.0),
         ("import", 2017, 1000.0), ("import", 2018, 1040.0), ("import", 2019, NAN),
         ("re-export", 2018, 500.0)],
    )  # fmt: skip
    assert_rows(
        hhi_trend(indices),
        "flow first_year last_year first last change slope direction",
        [
            ("export", 2016, 2018, 3000.0, 1000.0, -2000.0, -1000.0, "down"),
            ("import", 2017, 2018, 1000.0, 1040.0, 40.0, 40.0, "flat"),
            ("re-export", 2018, 2018, 500.0, 500.0, 0.0, NAN, None),
        ],
    )
    assert hhi_trend(indices.iloc[:0]).empty


def test_rca_hand_table() -> None:
    frame = make(
        "reporter year flow chapter value_usd",
        [
            ("RU-TOM", 2018, "export", "39", 30.0), ("RU-TOM", 2018, "export", "44", 10.0),
            ("RU-NVS", 2018, "export", "39", 10.0), ("RU-NVS", 2018, "export", "44", 40.0),
            ("RU-NVS", 2018, "export", "84", 10.0),
        ],
    )  # fmt: skip
    # Tomsk: 39 is 75 % of its exports against 40/100 = 40 % of the reference -> 1.875;
    # 44: 25 % against 50 % -> 0.5; 84: not exported -> 0.
    assert_rows(
        rca(frame, reporter="RU-TOM"),
        "year flow chapter value share reference_value reference_share rca",
        [
            (2018, "export", "39", 30.0, 75.0, 40.0, 40.0, 1.875),
            (2018, "export", "44", 10.0, 25.0, 50.0, 50.0, 0.5),
            (2018, "export", "84", 0.0, 0.0, 10.0, 10.0, 0.0),
        ],
    )
    russia = make("year flow chapter value_usd", [(2018, "export", "39", 50.0),
                                                   (2018, "export", "44", 150.0)])  # fmt: skip
    assert_rows(
        rca(frame, reporter="RU-TOM", reference=russia),
        "chapter rca",
        [("39", 3.0), ("44", 1 / 3)],
    )
    assert rca(frame.iloc[:0], reporter="RU-TOM").empty


def test_new_products_hand_table() -> None:
    frame = make(
        "year heading value_usd",
        [
            (2014, "0101", 9.0),  # more than three years back: does not count
            (2015, "0102", 1.0), (2016, "0103", 0.0), (2017, "0104", 2.0),
            (2018, "0101", 5.0), (2018, "0102", 3.0), (2018, "0103", 4.0), (2018, "0104", 1.0),
            (2018, "0105", 4.0), (2018, "0106", 0.0),
        ],
    )  # fmt: skip
    assert_rows(
        new_products(frame, year=2018),
        "heading value history_years",
        [("0101", 5.0, 3), ("0103", 4.0, 3), ("0105", 4.0, 3)],
    )
    short = new_products(frame.loc[frame["year"] >= 2017], year=2018)
    assert set(short["history_years"]) == {1}
    assert new_products(frame.iloc[:0], year=2018).empty
    with pytest.raises(ValueError, match="lookback"):
        new_products(frame, year=2018, lookback=0)


# --- full-year estimate -----------------------------------------------------------------


def monthly(year: int, values: list[float]) -> list[tuple]:
    """Rows (year, month, value) for months 1.. of one year."""
    return [(year, month, value) for month, value in enumerate(values, start=1)]


# 2016: Jan–3 = 30 of 120 (share 0.25); 2017: Jan–3 = 60 of 300 (share 0.2);
# 2018: Jan–3 = 50.  Mean share 0.225 -> 222.2…; range 50/0.25 = 200 to 50/0.2 = 250.
SERIES = make(
    "year month value_usd",
    monthly(2016, [10.0] * 12)
    + monthly(2017, [20.0] * 3 + [240 / 9] * 9)
    + monthly(2018, [20.0, 20.0, 10.0, 5.0])
    + [(2015, 1, 1000.0)],  # an incomplete year is not a base year
)


def test_full_year_estimate_hand_computed() -> None:
    estimate = full_year_estimate(SERIES, year=2018, through_month=3)
    assert isinstance(estimate, Estimate) and estimate.kind == "estimate"
    result = estimate.as_dict()
    assert list(result) == [
        "kind", "year", "through_month", "ytd", "ytd_months", "estimate", "low", "high",
        "mean_share", "base_years", "shares",
    ]  # fmt: skip
    assert result["ytd"] == 50.0 and result["ytd_months"] == 3
    assert result["base_years"] == (2016, 2017)
    assert result["shares"] == pytest.approx((0.25, 0.2))
    assert result["mean_share"] == pytest.approx(0.225)
    assert result["estimate"] == pytest.approx(50 / 0.225)
    assert (result["low"], result["high"]) == pytest.approx((200.0, 250.0))
    assert complete_years(SERIES) == [2016, 2017]


def test_full_year_estimate_without_base_and_with_chosen_base() -> None:
    alone = full_year_estimate(SERIES.loc[SERIES["year"] == 2018], year=2018, through_month=3)
    assert alone.base_years == () and math.isnan(alone.estimate)
    chosen = full_year_estimate(SERIES, year=2018, through_month=3, base_years=[2016])
    assert chosen.estimate == pytest.approx(200.0)
    assert chosen.low == chosen.high == pytest.approx(200.0)
    with pytest.raises(ValueError, match="through_month"):
        full_year_estimate(SERIES, year=2018, through_month=12)
    empty = full_year_estimate(SERIES.iloc[:0], year=2018, through_month=6)
    assert empty.ytd == 0.0 and math.isnan(empty.estimate)
    assert all("{n}" in text for text in LABELS["estimate.method"])


def test_backtest_hand_computed() -> None:
    # 2017 estimated from 2016 alone: 60 / 0.25 = 240 against 300 -> APE 20 %.
    detail = backtest_detail(SERIES, months=[3])
    assert_rows(
        detail,
        "through_month year actual estimate low high ape within",
        [(3, 2017, 300.0, 240.0, 240.0, 240.0, 20.0, False)],
    )
    summary = backtest(SERIES, months=[3, 6])
    # N = 6: 2016's share is 0.5 and 2017's Jan–6 is 60 + 3 × 240/9 = 140 -> 280, APE 20/3 %.
    assert_rows(summary, "through_month years mape", [(3, 1, 20.0), (6, 1, 20 / 3)])
    nothing = backtest(SERIES.iloc[:0], months=[3])
    assert_rows(nothing, "through_month years mape", [(3, 0, NAN)])


def test_backtest_series_keeps_series_columns() -> None:
    frame = pd.concat([SERIES.assign(flow="export"), SERIES.assign(flow="import")])
    result = backtest_series(frame, series=["flow"], months=[3])
    assert list(result["flow"]) == ["export", "import"]
    assert list(result["ape"]) == pytest.approx([20.0, 20.0])
    assert backtest_series(frame.iloc[:0], series=["flow"]).empty


# --- notes ------------------------------------------------------------------------------

NOTES = make(
    "date text partner hs_code",
    [
        ("2022", "FCS stopped publishing", None, None),
        ("2018-06", "new border crossing", "KZ", None),
        ("2018-03", "vegetable quota", None, "07"),
        ("2018", "whole year", "", ""),
        ("2019-01", "next year", None, None),
        ("2018-06", "steel duty", "CN", "7208"),
    ],
)


@pytest.mark.parametrize(
    ("start", "end", "partners", "codes", "expected"),
    [
        ("2018", "2018", None, None, ["whole year"]),
        ("2018-01", "2018-12", ["KZ"], None, ["whole year", "new border crossing"]),
        ("2018-07", "2019-02", ["KZ"], None, ["whole year", "next year"]),
        ("2018", "2018", None, ["0702"], ["whole year", "vegetable quota"]),
        ("2018", "2018", ["CN"], ["72"], ["whole year", "steel duty"]),
        ("2018", "2018", ["CN"], ["8703"], ["whole year"]),
        ("2021-12", "2022-01", None, None, ["FCS stopped publishing"]),
        ("2015", "2016", None, None, []),
    ],
)
def test_notes_for_chart(start, end, partners, codes, expected) -> None:
    result = notes_for_chart(NOTES, start=start, end=end, partners=partners, hs_codes=codes)
    assert list(result["text"]) == expected


def test_notes_for_chart_adds_year_and_month_and_keeps_input() -> None:
    before = NOTES.copy()
    result = notes_for_chart(NOTES, start="2018", end="2019", partners=["KZ"])
    assert list(zip(result["date"], result["year"], result["month"], strict=True)) == [
        ("2018", 2018, NA), ("2018-06", 2018, 6), ("2019-01", 2019, 1),
    ]  # fmt: skip
    pd.testing.assert_frame_equal(NOTES, before)
    empty = notes_for_chart(NOTES.iloc[:0], start="2018", end="2018")
    assert empty.empty and {"year", "month", "text"} <= set(empty.columns)


def test_notes_missing_filters_in_arrow_strings_mean_no_filter() -> None:
    notes = NOTES.astype({c: "string[pyarrow]" for c in NOTES.columns})
    result = notes_for_chart(notes, start="2018", end="2018")
    assert list(result["text"]) == ["whole year"]


@pytest.mark.parametrize("text", ["18", "2018-13", "2018-6", "June 2018", ""])
def test_parse_period_rejects(text) -> None:
    with pytest.raises(ValueError, match="YYYY"):
        parse_period(text)


def test_bad_note_date_names_row_and_column() -> None:
    notes = make("date text partner hs_code", [("2018", "ok", None, None),
                                               ("2018/06", "bad", None, None)])  # fmt: skip
    with pytest.raises(ValueError, match="row 2, column date"):
        notes_for_chart(notes, start="2018", end="2018")
    with pytest.raises(ValueError, match="after end"):
        notes_for_chart(notes.iloc[:1], start="2019", end="2018")
