"""Each period takes the best rates source that covers it; a period without rates is missing.

Hand-computed: Tomsk's KZ turnover is 150 USD in 2017 and 320.5 USD in 2018
(tests/conftest.py).  2018 has Bank of Russia rates (USD 60 and 66 RUB: mean
63); 2017 only ECB rates (EUR per USD 0.8 and 0.9, EUR per RUB 1/80 and 1/100:
USD->RUB 64 and 90 day by day, mean 77); 2016 has none.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.__main__ import main
from dashboard.analysis import views
from dashboard.analysis.narrative import narrative
from dashboard.core.errors import NotFoundError
from dashboard.data.ingest import ingest_file
from dashboard.present.deck import make_deck
from dashboard.rates import averages as fx
from dashboard.rates.conversion import convert, convert_by_period, missing_years
from tests.conftest import ru_text


def _rates(rows: list[tuple[str, str, str, float, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "currency", "quote", "rate", "source"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


CBR_2018 = _rates([("2018-03-01", "USD", "RUB", 60.0, "cbr"),
                   ("2018-03-02", "USD", "RUB", 66.0, "cbr")])
ECB_2017 = _rates([
    ("2017-03-01", "USD", "EUR", 0.8, "ecb-bundled"),
    ("2017-03-02", "USD", "EUR", 0.9, "ecb-bundled"),
    ("2017-03-01", "RUB", "EUR", 1 / 80, "ecb-bundled"),
    ("2017-03-02", "RUB", "EUR", 1 / 100, "ecb-bundled"),
])
ECB_2017_IN_RUB = _rates([("2017-03-01", "USD", "RUB", 64.0, "ecb"),
                          ("2017-03-02", "USD", "RUB", 90.0, "ecb")])


def test_two_sources_each_covering_a_different_year() -> None:
    trade = pd.DataFrame({"year": [2016, 2017, 2018], "value_usd": [5.0, 150.0, 320.5]})
    out = convert_by_period(trade, to="RUB", sources=[("cbr", CBR_2018),
                                                      ("ecb", ECB_2017_IN_RUB)])
    assert out["value"].iloc[1:].tolist() == pytest.approx([150 * 77, 320.5 * 63])
    assert math.isnan(out["value"].iloc[0])  # 2016: no source, missing, not 0
    assert pd.isna(out["rate_source"].iloc[0])
    assert out["rate_source"].iloc[1:].tolist() == ["ecb", "cbr"]
    assert missing_years(out) == [2016]


def test_the_preferred_source_wins_where_both_cover_the_period() -> None:
    trade = pd.DataFrame({"year": [2018], "value_usd": [10.0]})
    ecb_2018 = ECB_2017_IN_RUB.assign(date=ECB_2017_IN_RUB["date"] + pd.DateOffset(years=1))
    out = convert_by_period(trade, to="RUB", sources=[("cbr", CBR_2018), ("ecb", ecb_2018)])
    assert out["value"].tolist() == [630.0] and out["rate_source"].tolist() == ["cbr"]


@pytest.fixture
def tomsk(store, write_file):
    ingest_file(store, write_file("tomsk.csv", ru_text()))
    store.upsert_rates(CBR_2018)
    return store


def test_a_year_from_another_source_is_converted_not_zero(tomsk) -> None:
    tomsk.upsert_rates(ECB_2017)
    view = views.View(reporter="RU-TOM", year=2018, partner="KZ", currency="RUB")
    record = views.summary(tomsk, view)
    assert record["value"] == pytest.approx(320.5 * 63)
    assert record["previous"] == pytest.approx(150 * 77)
    assert record["notes"] == []
    note = fx.conversion_note(tomsk, to="RUB", year=2018, lang="en")
    assert "(Bank of Russia)" in note and "(ECB (bundled history), crossed through EUR)" in note


def test_a_year_without_rates_is_missing_and_flagged(tomsk, capsys) -> None:
    view = views.View(reporter="RU-TOM", year=2018, partner="KZ", currency="RUB")
    # Only the Bank of Russia's 2018 rates: 2017 cannot be converted.
    record = views.summary(tomsk, view)
    assert record["value"] == pytest.approx(320.5 * 63)
    assert record["previous"] is None and record["change"] is None
    assert record["notes"] == ["No rates for 2017 in RUB: values for 2017 are left empty."]
    cards = views.kpis(tomsk, views.View(reporter="RU-TOM", year=2018, currency="RUB"))
    assert math.isnan(cards["turnover"].previous)
    text = narrative(tomsk, view, "ru")
    assert "не было" not in text and "курсов для пересчёта за 2017 год нет" in text
    assert "no exchange rates for 2017" in narrative(tomsk, view, "en")
    assert fx.conversion_note(tomsk, to="RUB", year=2018, lang="en") == (
        "Converted to RUB at annual average rates of the Bank of Russia: 63.0000 RUB per USD "
        "in 2018.")
    code = main(["--store", str(tomsk.path), "summary", "--reporter", "RU-TOM", "--partner",
                 "KZ", "--year", "2018", "--currency", "RUB", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["previous"] is None
    assert out["notes"] == ["No rates for 2017 in RUB: values for 2017 are left empty."]


# -- invariants -------------------------------------------------------------------------

_rate = st.floats(min_value=0.01, max_value=1000, allow_nan=False)
# 0 or a real amount (from a cent): subnormal floats would underflow to 0 in any unit.
_value = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e12))


@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.tuples(st.integers(2015, 2019), _value), min_size=1, max_size=8),
       usd=st.lists(_rate, min_size=5, max_size=5), eur=st.lists(_rate, min_size=5, max_size=5))
def test_converting_there_and_back_keeps_totals_and_never_invents_zero(values, usd, eur):
    trade = pd.DataFrame(values, columns=["year", "value_usd"])
    rates = _rates([(f"{2015 + i}-06-01", "USD", "RUB", usd[i], "cbr") for i in range(5)]
                   + [(f"{2015 + i}-06-01", "EUR", "RUB", eur[i], "cbr") for i in range(5)])
    there = convert_by_period(trade, to="EUR", sources=[("cbr", rates)])
    assert not there["rate_missing"].any()
    assert ((there["value"] == 0) == (trade["value_usd"] == 0)).all()
    back = there["value"] / there["rate_used"]
    assert back.sum() == pytest.approx(trade["value_usd"].sum(), rel=1e-9)
    direct = convert(trade, to="EUR", rates=rates)
    assert np.allclose(direct["value"], there["value"])


def test_the_views_own_year_without_rates_is_null_and_named(store, write_file,
                                                             capsys) -> None:
    ingest_file(store, write_file("tomsk.csv", ru_text()))
    store.upsert_rates(ECB_2017)  # 2017 only: the view's 2018 cannot be converted
    view = views.View(reporter="RU-TOM", year=2018, partner="KZ", currency="RUB")
    record = views.summary(store, view)
    assert record["value"] is None and record["rank"] is None
    assert record["previous"] == pytest.approx(150 * 77)
    assert record["notes"] == ["No rates for 2018 in RUB: values for 2018 are left empty."]
    with pytest.raises(NotFoundError, match="No rates for 2018 in RUB"):
        make_deck(store, view)
    code = main(["--store", str(store.path), "summary", "--reporter", "RU-TOM", "--partner",
                 "KZ", "--year", "2018", "--currency", "RUB"])
    out = capsys.readouterr().out
    assert code == 0 and "note:      No rates for 2018 in RUB" in out
