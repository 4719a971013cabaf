"""Currency conversion with average official rates, on hand-computed values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.core.i18n import t
from dashboard.rates.conversion import average_rates, best_source, convert, cross_rates


def daily(rows: list[tuple[str, str, float]], quote: str = "RUB",
          source: str = "cbr") -> pd.DataFrame:
    return pd.DataFrame(
        [(pd.Timestamp(day), currency, quote, rate, source) for day, currency, rate in rows],
        columns=["date", "currency", "quote", "rate", "source"],
    )


# USD→RUB: January 58, 60, 62 (mean 60), February 65, 67 (mean 66); the year: 62.4.
# EUR→RUB: January 69, 71 (mean 70), February 76, 78 (mean 77); the year: 73.5.
RATES = daily([
    ("2024-01-10", "USD", 58.0), ("2024-01-11", "USD", 60.0), ("2024-01-12", "USD", 62.0),
    ("2024-02-06", "USD", 65.0), ("2024-02-07", "USD", 67.0),
    ("2024-01-10", "EUR", 69.0), ("2024-01-11", "EUR", 71.0),
    ("2024-02-06", "EUR", 76.0), ("2024-02-07", "EUR", 78.0),
])

MONTHLY = pd.DataFrame({"year": [2024, 2024, 2024], "month": [1, 2, 3],
                        "value_usd": [1000.0, 2000.0, 500.0]})


@pytest.mark.parametrize(
    ("to", "values", "rates_used"),
    [
        ("RUB", [60_000.0, 132_000.0], [60.0, 66.0]),
        ("EUR", [857.142857143, 1714.285714286], [60 / 70, 66 / 77]),
        ("USD", [1000.0, 2000.0], [1.0, 1.0]),
    ],
)
def test_monthly_conversion(to: str, values: list[float], rates_used: list[float]) -> None:
    out = convert(MONTHLY.iloc[:2], to=to, rates=RATES, period="monthly")
    assert out["value"].tolist() == pytest.approx(values)
    assert out["rate_used"].tolist() == pytest.approx(rates_used)
    assert not out["rate_missing"].any()


def test_a_month_without_rates_is_nan_and_flagged() -> None:
    out = convert(MONTHLY, to="EUR", rates=RATES, period="monthly")
    assert out["rate_missing"].tolist() == [False, False, True]
    assert math.isnan(out["value"].iloc[2]) and math.isnan(out["rate_used"].iloc[2])


def test_annual_conversion_counts_each_published_day_once() -> None:
    annual = pd.DataFrame({"year": [2024, 2023], "value_usd": [1000.0, 1000.0]})
    out = convert(annual, to="EUR", rates=RATES, period="annual")
    # 62.4 / 73.5, not the mean of the monthly means (63 / 73.5)
    assert out["value"].iloc[0] == pytest.approx(1000 * 62.4 / 73.5)
    assert out["rate_missing"].tolist() == [False, True]


def test_rows_without_a_month_use_the_annual_average() -> None:
    mixed = pd.DataFrame({"year": [2024, 2024], "month": [1, None],
                          "value_usd": [1000.0, 1000.0]})
    out = convert(mixed, to="RUB", rates=RATES, period="monthly")
    assert out["value"].tolist() == pytest.approx([60_000.0, 62_400.0])


def test_other_columns_are_converted_with_the_same_rate_and_input_is_untouched() -> None:
    frame = MONTHLY.iloc[:2].assign(previous=[500.0, 1000.0], change=[500.0, 1000.0])
    original = frame.copy()
    out = convert(frame, to="RUB", rates=RATES, period="monthly",
                  columns=["value_usd", "previous", "change"])
    assert out["previous"].tolist() == pytest.approx([30_000.0, 66_000.0])
    assert out["change"].tolist() == pytest.approx([30_000.0, 66_000.0])
    assert out["value_usd"].tolist() == [1000.0, 2000.0]
    pd.testing.assert_frame_equal(frame, original)


def test_missing_target_currency_flags_every_row() -> None:
    out = convert(MONTHLY, to="KZT", rates=RATES, period="monthly")
    assert out["rate_missing"].all() and out["value"].isna().all()


def test_ready_averages_are_accepted() -> None:
    averages = average_rates(RATES, period="monthly")
    out = convert(MONTHLY.iloc[:1], to="EUR", rates=averages, period="monthly")
    assert out["value"].item() == pytest.approx(1000 * 60 / 70)


def test_bank_of_russia_wins_over_other_sources_on_the_same_day() -> None:
    other = daily([("2024-01-10", "USD", 99.0)], source="ecb-bundled")
    picked = best_source(pd.concat([other, RATES], ignore_index=True))
    assert picked.loc[picked["date"] == "2024-01-10"].set_index("currency")["rate"]["USD"] == 58


def test_average_rates_shape() -> None:
    monthly = average_rates(RATES, period="monthly")
    assert monthly.columns.tolist() == ["currency", "quote", "year", "month", "rate", "days"]
    usd = monthly[monthly["currency"] == "USD"]
    assert usd[["month", "rate", "days"]].values.tolist() == [[1, 60.0, 3], [2, 66.0, 2]]
    annual = average_rates(RATES, period="annual")
    assert annual.set_index("currency")["rate"].to_dict() == pytest.approx(
        {"EUR": 73.5, "USD": 62.4})


@pytest.mark.parametrize("bad", ["weekly", "Annual"])
def test_unknown_period_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="period"):
        convert(MONTHLY, to="EUR", rates=RATES, period=bad)  # type: ignore[arg-type]


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="month"):
        convert(MONTHLY.drop(columns="month"), to="EUR", rates=RATES, period="monthly")


ECB = daily([("2019-04-16", "USD", 1 / 1.1305), ("2019-04-16", "CNY", 1 / 7.5846)],
            quote="EUR", source="ecb")


@pytest.mark.parametrize(
    ("currency", "quote", "expected", "source"),
    [
        ("USD", "EUR", 1 / 1.1305, "ecb"),  # direct
        ("EUR", "USD", 1.1305, "ecb"),  # inverted
        ("CNY", "USD", 1.1305 / 7.5846, "ecb"),  # through EUR
        ("USD", "CNY", 7.5846 / 1.1305, "ecb"),
        ("USD", "RUB", 60.0, "cbr"),
        ("EUR", "USD", 71 / 60, "cbr"),  # through RUB, where the ECB has no row that day
    ],
)
def test_cross_rates(currency: str, quote: str, expected: float, source: str) -> None:
    rates = pd.concat([ECB, RATES], ignore_index=True)
    series = cross_rates(rates, currency=currency, quote=quote).set_index("date")
    day = pd.Timestamp("2019-04-16") if source == "ecb" else pd.Timestamp("2024-01-11")
    assert series.loc[day, "rate"] == pytest.approx(expected)
    assert series.loc[day, "source"] == source
    assert (series["currency"] == currency).all() and (series["quote"] == quote).all()


def test_cross_rates_of_a_currency_with_itself_is_refused() -> None:
    with pytest.raises(ValueError):
        cross_rates(RATES, currency="RUB", quote="RUB")


def test_method_text_in_both_languages() -> None:
    texts = [t("rates.method", lang) for lang in ("ru", "en")]
    assert all("USD/RUB" in text and len(text) > 100 for text in texts)
