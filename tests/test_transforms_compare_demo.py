"""The compare-and-explain transforms on the bundled demo data, read from a real DuckDB store.

Also pins the full-year estimate's backtest on the demo, the figures quoted in the docs.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from dashboard.analysis.transforms.concentration import hhi
from dashboard.analysis.transforms.decompose import price_volume, residual_parts
from dashboard.analysis.transforms.estimate import backtest_series
from dashboard.analysis.transforms.regions import region_coverage, region_ranking
from dashboard.data.store import Store
from dashboard.reference.regions import regions


def read(path: Path, sql: str, *params: object) -> pd.DataFrame:
    """Run one parameterised query on the demo store and return a frame."""
    with Store(path).connect() as con:
        return con.execute(sql, list(params)).df()


def test_regions_rank_for_kazakhstan_2018(demo_path: Path) -> None:
    frame = read(
        demo_path,
        "SELECT reporter, year, sum(value_usd) AS value_usd FROM trade"
        " WHERE partner = ? AND flow = ? GROUP BY reporter, year",
        "KZ",
        "export",
    )
    table = regions()
    districts = dict(zip(table["iso_code"], table["district_en"], strict=True))
    result = region_ranking(frame, year=2018, districts=districts)
    assert len(result) == 8
    assert result["share"].sum() == pytest.approx(100.0)
    assert list(result["rank"]) == list(range(1, 9))
    assert result["district"].notna().all()
    tomsk = result.set_index("reporter").loc["RU-TOM"]
    siberia = result.loc[result["district"] == tomsk["district"]]
    assert tomsk["district_rank"] == 1 + int((siberia["value"] > tomsk["value"]).sum())
    assert region_coverage(result["reporter"])["complete"] is False


def test_tomsk_vegetable_imports_split_exactly(demo_path: Path) -> None:
    lines = read(
        demo_path,
        "SELECT year, hs_code, value_usd, net_kg, quantity, unit FROM trade"
        " WHERE reporter = ? AND partner = ? AND flow = ? AND hs_code LIKE '07%'",
        "RU-TOM",
        "KZ",
        "import",
    )
    result = price_volume(lines, year=2018, basis="net_kg")
    assert result["value"] > 0 and result["previous"] > 0
    assert result["volume_effect"] + result["price_effect"] + result["residual"] == pytest.approx(
        result["change"], rel=1e-12, abs=1e-6
    )
    assert sum(residual_parts(lines, year=2018).values()) == pytest.approx(
        result["residual"], abs=1e-6
    )


def test_tomsk_partner_concentration_has_a_band(demo_path: Path) -> None:
    frame = read(
        demo_path,
        "SELECT year, flow, partner, sum(value_usd) AS value_usd FROM trade"
        " WHERE reporter = ? GROUP BY year, flow, partner",
        "RU-TOM",
    )
    result = hhi(frame, by="partner")
    assert len(result) == 8  # four years × two flows
    assert result["band"].isin(["unconcentrated", "moderate", "high"]).all()
    assert ((result["hhi"] > 0) & (result["hhi"] <= 10000)).all()


# Mean absolute percentage error of the full-year estimate from January–N over every
# region and flow of the demo (8 × 2 series, years 2016–2018 each estimated from the
# complete years before it): 48 estimates per N.
DEMO_MAPE = {3: 7.33, 6: 4.66, 9: 3.46}


def test_full_year_backtest_on_the_demo(demo_path: Path) -> None:
    frame = read(
        demo_path,
        "SELECT reporter, flow, year, month, sum(value_usd) AS value_usd FROM trade"
        " GROUP BY reporter, flow, year, month",
    )
    detail = backtest_series(frame, series=["reporter", "flow"], months=[3, 6, 9])
    summary = detail.groupby("through_month")["ape"].agg(["size", "mean"])
    assert dict(summary["size"]) == {3: 48, 6: 48, 9: 48}
    for n, mape in DEMO_MAPE.items():
        assert math.isclose(round(summary.loc[n, "mean"], 2), mape), (n, summary.loc[n, "mean"])
