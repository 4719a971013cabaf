"""Partners page: ranking, drill-down, trend picker (AppTest) and the offline world map."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis import tables
from dashboard.core.config import PROJECT_ROOT
from dashboard.core.terms import TABLE_COLUMNS
from dashboard.present import charts
from tests.apptest import open_page

GEOJSON = PROJECT_ROOT / "data" / "geo" / "countries-110m.geojson"




def _map_script(path: str) -> None:
    import pandas as pd

    from dashboard.ui.widgets import worldmap

    ranking = pd.DataFrame({"partner": ["KZ"], "name": ["Казахстан"], "value": [1e6]})
    worldmap.show(ranking, flow="turnover", currency="USD", source="demo", lang="ru",
                  key="test.map", path=path)


pytestmark = pytest.mark.usefixtures("demo_env")


def _open(**params: str) -> AppTest:
    return open_page("partners", **params)


def _ranking(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "partner" in d.value.columns)


def test_kazakhstan_ranks_third_in_tomsk_turnover_2018():
    at = _open()
    assert not at.exception
    assert not at.error
    ranking = _ranking(at).set_index("partner")
    assert ranking.loc["KZ", "name"] == "Казахстан"
    assert ranking.loc["KZ", "rank"] == 3
    assert ranking.loc["KZ", "value"] == pytest.approx(69.8)  # millions of USD
    assert ranking.loc["KZ", "change_pct"] == pytest.approx(17.114, abs=1e-3)
    assert list(ranking["rank"].head(3)) == [1, 2, 3]


def test_trend_picker_defaults_to_the_top_five():
    at = _open()
    assert at.multiselect(key="partners.trend").value == list(_ranking(at)["partner"].head(5))
    at.multiselect(key="partners.trend").set_value([]).run()
    assert not at.exception
    assert not at.error


def test_english_names_and_labels():
    at = _open(lang="en")
    assert not at.exception
    assert _ranking(at).set_index("partner").loc["KZ", "name"] == "Kazakhstan"
    assert at.multiselect(key="partners.trend").label == "Countries on the chart"


def test_choosing_a_partner_drills_the_whole_dashboard_into_the_pair():
    at = _open()
    at.selectbox(key="partners.drill").set_value("KZ").run()
    assert not at.exception
    assert at.session_state["filters.partner"] == "KZ"
    assert at.selectbox(key="filters.partner").value == "KZ"
    assert any("Томская область — Казахстан" in c.value for c in at.caption)
    assert at.query_params["partner"] in ("KZ", ["KZ"])
    at.button(key="partners.back").click().run()
    assert at.selectbox(key="filters.partner").value == "*"


def test_missing_geometry_gives_a_note_instead_of_a_blank_map(tmp_path: Path):
    at = AppTest.from_function(_map_script, args=(str(tmp_path / "absent.geojson"),)).run()
    assert not at.exception
    assert any("absent.geojson" in info.value for info in at.info)
    shown = AppTest.from_function(_map_script, args=(str(GEOJSON),)).run()
    assert not shown.exception
    assert not shown.info


def test_partner_ranking_names_and_columns():
    table = pd.DataFrame({"partner": ["KZ", "CN"], "value": [2e6, 1e6], "share": [66.7, 33.3],
                          "rank": [1, 2], "previous": [1e6, 1e6], "change": [1e6, 0.0],
                          "change_pct": [100.0, 0.0], "contribution": [50.0, 0.0]})
    shown = tables.partner_ranking(table, lang="en")
    assert list(shown.columns) == ["partner", "name", *TABLE_COLUMNS]
    assert list(shown["name"]) == ["Kazakhstan", "China"]
    assert list(tables.in_millions(shown)["value"]) == [2.0, 1.0]
    assert list(shown["value"]) == [2e6, 1e6]  # the argument is not mutated


def test_bundled_geometry_is_small_and_keyed_by_iso_codes():
    assert GEOJSON.stat().st_size < 1_000_000
    collection = json.loads(GEOJSON.read_text(encoding="utf-8"))
    by_a2 = {f["properties"]["iso_a2"]: f["properties"] for f in collection["features"]}
    assert by_a2["KZ"]["iso_a3"] == "KAZ"
    assert by_a2["RU"]["iso_n3"] == "643"
    assert {"CN", "DE", "US", "BY"} <= set(by_a2)


def test_partner_map_draws_offline_from_the_bundled_shapes():
    collection = json.loads(GEOJSON.read_text(encoding="utf-8"))
    frame = pd.DataFrame({"partner": ["CN", "KZ", "SG"], "name": ["Китай", "Казахстан",
                                                                  "Сингапур"],
                          "value": [248e6, 69.8e6, 1e6]})
    fig = charts.partner_map(frame, geojson=collection, flow="turnover", title="Карта",
                             currency="USD", source="demo", lang="ru")
    assert {trace.type for trace in fig.data} == {"scatter"}  # no geo subplot, no CDN fetch
    named = {trace.name for trace in fig.data if trace.name}
    assert named == {"Китай", "Казахстан"}  # Singapore has no shape at 1:110m
    kz = next(trace for trace in fig.data if trace.name == "Казахстан")
    assert kz.text == "Казахстан: 69,8 млн долл. США"
    assert fig.layout.title.text == "Карта, млн долл. США"
    balance = charts.partner_map(frame.assign(value=[-5e6, 3e6, 0.0]), geojson=collection,
                                 flow="balance", title="Balance", currency="USD", source="demo",
                                 lang="en")
    scale = next(trace for trace in balance.data if trace.marker.showscale)
    assert scale.marker.cmin == -scale.marker.cmax


def test_geojson_converter_decodes_quantized_arcs():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_geojson", PROJECT_ROOT / "data" / "geo" / "make_geojson.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    topology = {
        "type": "Topology", "transform": {"scale": [1, 1], "translate": [10, 20]},
        "arcs": [[[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0]], "id": "398", "properties": {"name": "Kaz"}}]}},
    }
    feature = module.convert(topology)["features"][0]
    assert feature["properties"] == {"name": "Kaz", "iso_n3": "398", "iso_a2": "KZ",
                                     "iso_a3": "KAZ"}
    assert feature["geometry"]["coordinates"] == [[[10, 20], [11, 20], [11, 21], [10, 21],
                                                   [10, 20]]]
