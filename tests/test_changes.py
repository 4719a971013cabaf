"""Movers: one month against the same month a year earlier, counted by hand."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analysis.transforms.changes import movers

# Dec 2018 against Dec 2017 (USD):
#   KZ 100 -> 160 (+60, +60 %);  CN 300 -> 240 (-60, -20 %);  BY 0 -> 25 (+25, new);
#   MN 40 -> 0 (-40, -100 %);    DE 10 -> 10 (0: not a mover).
#   KZ also has Nov 2018 = 999 and CN Dec 2016 = 5: other months, ignored.
FRAME = pd.DataFrame(
    [("KZ", 2018, 12, 100.0), ("KZ", 2018, 12, 60.0), ("KZ", 2017, 12, 100.0),
     ("CN", 2018, 12, 240.0), ("CN", 2017, 12, 300.0), ("BY", 2018, 12, 25.0),
     ("MN", 2017, 12, 40.0), ("DE", 2018, 12, 10.0), ("DE", 2017, 12, 10.0),
     ("KZ", 2018, 11, 999.0), ("CN", 2016, 12, 5.0)],
    columns=["partner", "year", "month", "value_usd"])


def test_movers_by_hand():
    table = movers(FRAME, key="partner", year=2018, month=12, n=10)
    assert table["partner"].tolist() == ["CN", "KZ", "MN", "BY"]  # |60| tie broken by code
    assert table["value"].tolist() == [240.0, 160.0, 0.0, 25.0]
    assert table["previous"].tolist() == [300.0, 100.0, 40.0, 0.0]
    assert table["change"].tolist() == [-60.0, 60.0, -40.0, 25.0]
    assert table["change_pct"].tolist()[:3] == [-20.0, 60.0, -100.0]
    assert math.isnan(table["change_pct"].iloc[3])


def test_movers_keeps_the_n_largest_and_never_mutates():
    before = FRAME.copy()
    assert movers(FRAME, key="partner", year=2018, month=12, n=2)["partner"].tolist() == [
        "CN", "KZ"]
    pd.testing.assert_frame_equal(FRAME, before)


def test_no_rows_for_the_month_gives_an_empty_table():
    table = movers(FRAME, key="partner", year=2020, month=1)
    assert table.empty and list(table.columns) == ["partner", "value", "previous", "change",
                                                   "change_pct"]


@settings(deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from([2017, 2018]),
                          st.floats(0, 1e9)), max_size=12))
def test_changes_add_up_to_the_total_change(rows):
    frame = pd.DataFrame([(k, y, 6, v) for k, y, v in rows],
                         columns=["hs_code", "year", "month", "value_usd"])
    table = movers(frame, key="hs_code", year=2018, month=6, n=10)
    total = (frame.loc[frame["year"] == 2018, "value_usd"].sum()
             - frame.loc[frame["year"] == 2017, "value_usd"].sum())
    assert math.isclose(table["change"].sum(), total, rel_tol=1e-9, abs_tol=1e-3)
