"""Invariants of the compare-and-explain transforms on generated frames (hypothesis)."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analysis.transforms.annotations import notes_for_chart
from dashboard.analysis.transforms.concentration import hhi, rca
from dashboard.analysis.transforms.decompose import price_volume, residual_parts
from dashboard.analysis.transforms.estimate import backtest_detail, full_year_estimate
from dashboard.analysis.transforms.regions import region_ranking

PROPERTY = settings(max_examples=60, deadline=None)
MONTHS = range(1, 13)

REPORTERS = st.sampled_from(["RU-ALT", "RU-KEM", "RU-KYA", "RU-MOW", "RU-NVS", "RU-TOM"])
DISTRICTS = {"RU-ALT": "06", "RU-KEM": "06", "RU-NVS": "06", "RU-TOM": "06", "RU-MOW": "01"}
CODE_LIST = ["0701", "0702", "0703", "2501", "3901", "7208"]
CODES = st.sampled_from(CODE_LIST)
# Whole dollars keep sums exact below 2**53, so "equal" can mean equal.
DOLLARS = st.integers(0, 10**12).map(float)
# Real-looking values: cents and fractional kilograms, where float rounding does happen.
CENTS = st.floats(0, 1e10, allow_nan=False).map(lambda x: round(x, 2))
BASIS = st.one_of(st.just(math.nan), st.just(0.0), st.floats(0.001, 1e9))


@PROPERTY
@given(st.dictionaries(st.tuples(REPORTERS, st.integers(2016, 2018)), DOLLARS, max_size=18))
def test_region_ranking_shares_ranks_and_districts(cells) -> None:
    frame = pd.DataFrame(
        [(r, y, v) for (r, y), v in cells.items()], columns=["reporter", "year", "value_usd"]
    )
    before = frame.copy()
    result = region_ranking(frame, year=2018, districts=DISTRICTS)
    pd.testing.assert_frame_equal(frame, before)
    assert sorted(result["reporter"]) == sorted(set(frame["reporter"]))
    assert list(result["rank"]) == list(range(1, len(result) + 1))
    assert result["value"].is_monotonic_decreasing
    total = frame.loc[frame["year"] == 2018, "value_usd"].sum()
    assert result["value"].sum() == total
    if total > 0:
        assert math.isclose(result["share"].sum(), 100.0, rel_tol=1e-9)
    else:
        assert result["share"].isna().all()
    for _, group in result.loc[result["district"].notna()].groupby("district"):
        assert list(group["district_rank"]) == list(range(1, len(group) + 1))
    assert result.loc[result["district"].isna(), "district_rank"].isna().all()


@st.composite
def decomposition_lines(draw: st.DrawFn, *, whole: bool) -> pd.DataFrame:
    """Lines of two years; whole=True gives integer prices and quantities (exact arithmetic)."""
    rows = []
    # One whole price per code and year, so unit values are whole and every product exact.
    keys = [(year, code) for year in (2017, 2018) for code in CODE_LIST]
    prices = draw(st.fixed_dictionaries({key: st.integers(1, 10**4) for key in keys}))
    for _ in range(draw(st.integers(0, 14))):
        year = draw(st.sampled_from([2017, 2018]))
        code = draw(CODES)
        if whole:
            kg = float(draw(st.integers(0, 10**5)))
            value = kg * prices[(year, code)] if kg else float(draw(st.integers(0, 10**6)))
        else:
            kg, value = draw(BASIS), draw(CENTS)
        rows.append((year, code, value, kg))
    return pd.DataFrame(rows, columns=["year", "hs_code", "value_usd", "net_kg"]).astype(
        {"year": "int64", "value_usd": "float64", "net_kg": "float64"}
    )


@PROPERTY
@given(decomposition_lines(whole=False))
def test_price_volume_parts_add_up_to_the_change(lines) -> None:
    before = lines.copy()
    result = price_volume(lines, year=2018)
    pd.testing.assert_frame_equal(lines, before)
    terms = [result[k] for k in ("volume_effect", "price_effect", "residual", "value", "previous")]
    # Rounding is relative to the largest term: a code whose unit value jumps a million-fold
    # has effects far larger than the change, and they cancel in the residual.
    scale = max(*(abs(t) for t in terms), 1.0)
    parts = result["volume_effect"] + result["price_effect"] + result["residual"]
    assert math.isclose(parts, result["change"], rel_tol=1e-12, abs_tol=4e-16 * scale)
    assert result["change"] == result["value"] - result["previous"]
    assert result["value"] == lines.loc[lines["year"] == 2018, "value_usd"].sum() or math.isclose(
        result["value"], lines.loc[lines["year"] == 2018, "value_usd"].sum(), rel_tol=1e-12
    )
    assert 0 <= result["unmatched_value"] <= result["value"] + 1e-6
    split = residual_parts(lines, year=2018)
    big = max(scale, *(abs(v) for v in split.values()))
    assert math.isclose(sum(split.values()), result["residual"], abs_tol=1e-9 * big)


@PROPERTY
@given(decomposition_lines(whole=True))
def test_price_volume_exact_on_whole_numbers(lines) -> None:
    result = price_volume(lines, year=2018)
    assert result["volume_effect"] + result["price_effect"] + result["residual"] == result["change"]
    assert sum(residual_parts(lines, year=2018).values()) == result["residual"]


@PROPERTY
@given(st.dictionaries(st.tuples(st.sampled_from([2017, 2018]), REPORTERS), DOLLARS, max_size=12))
def test_hhi_bounds(cells) -> None:
    frame = pd.DataFrame(
        [(y, "export", p, v) for (y, p), v in cells.items()],
        columns=["year", "flow", "partner", "value_usd"],
    )
    result = hhi(frame, by="partner")
    for row in result.itertuples():
        if row.parts == 0:
            assert math.isnan(row.hhi) and row.band is None
        else:
            assert 10000 / row.parts - 1e-6 <= row.hhi <= 10000 + 1e-6
            assert row.top_share**2 <= row.hhi + 1e-6


@PROPERTY
@given(st.integers(1, 30), st.floats(0.01, 1e9))
def test_hhi_of_equal_parts_is_10000_over_n(n, size) -> None:
    frame = pd.DataFrame({"partner": [f"P{i}" for i in range(n)], "value_usd": size})
    assert math.isclose(hhi(frame, by="partner", within=())["hhi"].iloc[0], 10000 / n)


@PROPERTY
@given(
    st.dictionaries(st.tuples(REPORTERS, CODES), DOLLARS, min_size=1, max_size=20),
    REPORTERS,
)
def test_rca_weighted_by_reference_share_is_one(cells, reporter) -> None:
    frame = pd.DataFrame(
        [(r, 2018, "export", c, v) for (r, c), v in cells.items()],
        columns=["reporter", "year", "flow", "chapter", "value_usd"],
    )
    result = rca(frame, reporter=reporter)
    own_total = frame.loc[frame["reporter"] == reporter, "value_usd"].sum()
    if own_total > 0 and frame["value_usd"].sum() > 0:
        # Σ_c rca_c × reference share_c = Σ_c own share_c = 100 %.
        used = result.loc[result["reference_share"] > 0]
        assert math.isclose((used["rca"] * used["reference_share"]).sum(), 100.0, rel_tol=1e-9)
        assert (result["rca"].dropna() >= 0).all()


@PROPERTY
@given(
    st.lists(st.floats(0.1, 100.0), min_size=12, max_size=12),
    st.lists(st.floats(0.1, 1e6), min_size=2, max_size=5),
    st.integers(1, 11),
)
def test_estimate_exact_for_a_fixed_monthly_profile(profile, sizes, n) -> None:
    # Every year is the same profile scaled, so every Jan–N share is equal and the
    # estimate recovers the full year; the range collapses onto it.
    years = range(2010, 2010 + len(sizes))
    frame = pd.DataFrame(
        [(y, m, profile[m - 1] * s) for y, s in zip(years, sizes, strict=True) for m in MONTHS],
        columns=["year", "month", "value_usd"],
    )
    last = years[-1]
    result = full_year_estimate(frame, year=last, through_month=n).as_dict()
    actual = sum(profile) * sizes[-1]
    assert math.isclose(result["estimate"], actual, rel_tol=1e-9)
    assert result["low"] <= result["estimate"] * (1 + 1e-12)
    assert result["estimate"] <= result["high"] * (1 + 1e-12)
    detail = backtest_detail(frame, months=[n])
    assert len(detail) == len(sizes) - 1
    assert (detail["ape"] < 1e-7).all()


@PROPERTY
@given(
    st.lists(st.lists(st.floats(0.0, 1e6), min_size=12, max_size=12), min_size=2, max_size=5),
    st.lists(st.floats(0.0, 1e6), min_size=1, max_size=11),
)
def test_estimate_lies_in_its_range(years, this_year) -> None:
    rows = [(2010 + i, m, v) for i, values in enumerate(years) for m, v in enumerate(values, 1)]
    current = 2010 + len(years)
    rows += [(current, m, v) for m, v in enumerate(this_year, 1)]
    frame = pd.DataFrame(rows, columns=["year", "month", "value_usd"])
    result = full_year_estimate(frame, year=current, through_month=len(this_year)).as_dict()
    assert result["kind"] == "estimate"
    if math.isfinite(result["estimate"]):
        assert result["low"] <= result["estimate"] * (1 + 1e-9) + 1e-9
        assert result["estimate"] <= result["high"] * (1 + 1e-9) + 1e-9
        assert result["estimate"] >= result["ytd"] * (1 - 1e-12)


NOTE_DATES = st.one_of(
    st.integers(2015, 2020).map(str),
    st.tuples(st.integers(2015, 2020), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
)


@PROPERTY
@given(
    st.lists(
        st.tuples(NOTE_DATES, st.sampled_from([None, "KZ", "CN"]), st.sampled_from([None, "07"])),
        max_size=10,
    ),
    st.tuples(st.integers(2015, 2020), st.integers(1, 12)),
    st.integers(0, 30),
)
def test_notes_widening_the_range_never_drops_a_note(rows, start, months) -> None:
    notes = pd.DataFrame(
        [(d, f"note {i}", p, c) for i, (d, p, c) in enumerate(rows)],
        columns=["date", "text", "partner", "hs_code"],
    )
    first = start[0] * 12 + start[1] - 1
    last = first + months
    narrow = notes_for_chart(
        notes,
        start=f"{first // 12}-{first % 12 + 1:02d}",
        end=f"{last // 12}-{last % 12 + 1:02d}",
        partners=["KZ"],
        hs_codes=["0702"],
    )
    wide = notes_for_chart(notes, start="2015", end="2020", partners=["KZ"], hs_codes=["0702"])
    assert set(narrow["text"]) <= set(wide["text"]) <= set(notes["text"])
    unfiltered = notes.loc[notes["partner"].isna() & notes["hs_code"].isna(), "text"]
    assert set(unfiltered) <= set(wide["text"])
    assert not (set(wide["text"]) & set(notes.loc[notes["partner"] == "CN", "text"]))
    keys = list(zip(wide["year"], wide["month"].fillna(0), strict=True))
    assert keys == sorted(keys)
