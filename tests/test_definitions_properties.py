"""Invariants of baskets and partner groups on a real store (hypothesis).

One small store holds hand-made rows; hypothesis draws the definitions:
- a group's figures equal the sum of its members' (dated members: per year);
- a basket counts each row once, however many of its prefixes match, and a code
  in two baskets counts once in each and once in a total over both.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analysis import views as analysis
from dashboard.analysis.views import View
from dashboard.data.schema import TRADE_COLUMNS, TRADE_SCHEMA
from dashboard.data.sources.base import TradeBatches
from dashboard.data.store import Store
from dashboard.reference.baskets import Basket
from dashboard.reference.groups import Membership, PartnerGroup

PARTNERS = ("KZ", "KG", "UZ", "CN", "DE")
CODES = ("3901100000", "3901900000", "3902100000", "0702000000", "0703100000", "4407109100",
         "7208100000", "2501001000")
PREFIXES = ("39", "3901", "390110", "3902", "07", "0702", "44", "4407", "72", "7208", "2501")


def _rows() -> pd.DataFrame:
    """Every (year, partner, flow, code) once, with a distinct value in whole dollars."""
    rows = []
    value = 1
    for year in (2017, 2018):
        for partner in PARTNERS:
            for flow in ("export", "import"):
                for code in CODES:
                    value = value * 7 % 1009 + 1
                    rows.append((year, partner, flow, code, float(value)))
    return pd.DataFrame(rows, columns=["year", "partner", "flow", "hs_code", "value_usd"])


ROWS = _rows()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """ROWS as one dataset of Tomsk's annual trade."""
    frame = ROWS.assign(reporter="RU-TOM", month=None, net_kg=None, quantity=None, unit=None)
    table = pa.Table.from_pandas(frame.loc[:, list(TRADE_COLUMNS)], schema=TRADE_SCHEMA,
                                 preserve_index=False)
    result = Store(Path(tmp_path_factory.mktemp("props")) / "props.duckdb", keep_open=True)
    result.ingest(TradeBatches(format="test", encoding="", separator="",
                               batches=iter(table.to_batches())),
                  name="props", file_name=None, sha256=None)
    return result


def _turnover(store: Store, view: View) -> tuple[float, float]:
    kpi = analysis.kpis(store, view)["turnover"]
    return kpi.value, kpi.previous


def _expected(rows: pd.DataFrame) -> tuple[float, float]:
    by_year = rows.groupby("year")["value_usd"].sum()
    return float(by_year.get(2018, 0.0)), float(by_year.get(2017, 0.0))


members = st.lists(st.sampled_from(PARTNERS), min_size=1, max_size=5, unique=True)
prefixes = st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=5, unique=True)


@settings(max_examples=25, deadline=None)
@given(countries=members, joined=st.sampled_from((None, 2018)))
def test_a_group_is_the_sum_of_its_members(store: Store, countries: list[str],
                                           joined: int | None) -> None:
    dated = tuple(Membership(c, joined if i == 0 else None, None)
                  for i, c in enumerate(countries))
    group = PartnerGroup("test_group", "", "Test", dated)
    view = View(reporter="RU-TOM", year=2018, group=group)
    pairs = [_turnover(store, View(reporter="RU-TOM", year=2018, partner=m.country))
             for m in dated]
    value = sum(p[0] for p in pairs)
    counted = [p[1] for i, p in enumerate(pairs) if not (i == 0 and joined == 2018)]
    got = _turnover(store, view)
    assert got[0] == pytest.approx(value)
    if counted:
        assert got[1] == pytest.approx(sum(counted))
    else:  # no member in the year before: no base to compare with, never 0
        assert got[1] != got[1]


def _in(codes: pd.Series, chosen: list[str]) -> pd.Series:
    return codes.map(lambda code: any(code.startswith(p) for p in chosen))


@settings(max_examples=25, deadline=None)
@given(first=prefixes, second=prefixes)
def test_a_code_in_two_baskets_is_never_counted_twice(store: Store, first: list[str],
                                                      second: list[str]) -> None:
    one, two = Basket("one", "", "One", tuple(first)), Basket("two", "", "Two", tuple(second))
    base = View(reporter="RU-TOM", year=2018)
    for basket, chosen in ((one, first), (two, second)):
        got = _turnover(store, View(reporter="RU-TOM", year=2018, basket=basket))
        assert got == tuple(pytest.approx(v) for v in
                            _expected(ROWS.loc[_in(ROWS["hs_code"], chosen)]))
    both = Basket("both", "", "Both", tuple(dict.fromkeys(first + second)))
    union = _expected(ROWS.loc[_in(ROWS["hs_code"], first) | _in(ROWS["hs_code"], second)])
    assert _turnover(store, replace_basket(base, both)) == tuple(pytest.approx(v) for v in union)
    ranking = analysis.basket_ranking(store, base, [one, two]).set_index("basket")
    total = _turnover(store, base)[0]
    for basket, chosen in ((one, first), (two, second)):
        expected = _expected(ROWS.loc[_in(ROWS["hs_code"], chosen)])[0]
        assert ranking.loc[basket.id, "value"] == pytest.approx(expected)
        assert ranking.loc[basket.id, "share"] == pytest.approx(expected / total * 100)
    assert _turnover(store, base)[0] == pytest.approx(float(
        ROWS.loc[ROWS["year"] == 2018, "value_usd"].sum()))


def replace_basket(view: View, basket: Basket) -> View:
    return replace(view, basket=basket)
