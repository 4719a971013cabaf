"""Regions page (AppTest) on the demo, checked against the `regions` CLI and by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.__main__ import main
from dashboard.present import compare_charts
from dashboard.reference.regions import region_tiles, regions
from tests.apptest import open_page

pytestmark = pytest.mark.usefixtures("demo_env")


def _ranking(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "district_rank" in d.value.columns)


def _cli(demo_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    assert main(["--store", str(demo_path), "regions", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_regions_page_ranks_kazakhstan_2018_like_the_cli(demo_path: Path, capsys) -> None:
    at = open_page("regions", partner="KZ", lang="en")
    assert not at.exception and not at.error
    table = _ranking(at)
    assert len(table) == 8 and list(table["rank"]) == list(range(1, 9))
    cli = {r["reporter"]: r for r in _cli(demo_path, capsys, "--partner", "KZ", "--year", "2018")}
    tomsk = table.set_index("reporter").loc["RU-TOM"]
    assert tomsk["share"] == pytest.approx(cli["RU-TOM"]["share"], abs=1e-6)
    assert tomsk["district_rank"] == cli["RU-TOM"]["district_rank"] == 6
    assert tomsk["value"] == pytest.approx(cli["RU-TOM"]["value"] / 1e6)  # USD millions
    sentence = next(m.value for m in at.markdown if "Tomsk Oblast: rank" in m.value)
    assert "rank 8 of 8, share 0.3%; rank 6 in its district (Siberian Federal District)" in (
        sentence)
    assert any("8 of 85 subjects loaded" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 1


def test_regions_page_follows_the_flow_and_asks_for_a_partner(demo_path: Path, capsys) -> None:
    at = open_page("regions", flow="export")  # all partners in the sidebar
    assert not at.exception
    assert at.selectbox(key="regions.partner").value == "KZ"  # the configured default partner
    table = _ranking(at)
    cli = _cli(demo_path, capsys, "--partner", "KZ", "--year", "2018", "--flow", "export",
               "--lang", "ru")
    assert list(table["reporter"]) == [r["reporter"] for r in cli]
    assert table["district"].iloc[0] == cli[0]["district"] == "Центральный федеральный округ"
    at.selectbox(key="regions.partner").set_value("CN").run()
    assert not at.exception
    assert "Китай" in next(s.value for s in at.subheader if "Регионы" in s.value)


def test_tile_grid_has_every_subject_once() -> None:
    tiles = region_tiles()
    assert len(tiles) == 85
    assert set(tiles["iso_code"]) == set(regions()["iso_code"])
    assert not tiles.duplicated(["row", "col"]).any()


def test_tile_map_outlines_the_chosen_region() -> None:
    frame = pd.DataFrame({"reporter": ["RU-TOM", "RU-NVS"], "name": ["Tomsk", "Novosibirsk"],
                          "share": [25.0, 75.0]})
    fig = compare_charts.region_tiles(frame, tiles=region_tiles(), chosen="RU-TOM",
                                      title="t", source="s", lang="en")
    labels, _colourbar = fig.data
    assert len(labels.x) == 85 and len(fig.layout.shapes) == 85
    outlines = {code: shape.line.width for code, shape in zip(
        region_tiles()["iso_code"], fig.layout.shapes, strict=True) if shape.line.width > 1}
    assert outlines == {"RU-TOM": 4}
    hover = dict(zip(labels.text, labels.hovertext, strict=True))
    assert hover["TOM"] == "Tomsk: 25.0%" and hover["MOW"] == "RU-MOW"
