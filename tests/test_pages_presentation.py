"""Presentation page (AppTest): slides step with the buttons and follow the URL's ``slide``."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.config import DEMO_FILE
from dashboard.ingest import ingest_file
from dashboard.store import Store


def _script() -> None:
    from dashboard.pages import presentation
    from dashboard.ui.filters import sidebar_filters

    sidebar_filters()
    presentation.render()


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("presentation") / "demo.duckdb"
    ingest_file(Store(path), DEMO_FILE, name="Demo (synthetic)")
    return path


@pytest.fixture(autouse=True)
def _fresh(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBOROT_STORE", str(demo_path))
    st.cache_data.clear()
    st.cache_resource.clear()


def _app(**params: str) -> AppTest:
    app = AppTest.from_function(_script, default_timeout=60)
    for key, value in {"reporter": "RU-TOM", "partner": "KZ", "year": "2018", **params}.items():
        app.query_params[key] = value
    return app.run()


def test_first_slide_shows_kpis_and_hides_the_sidebar() -> None:
    app = _app()
    assert not app.exception
    assert [m.value for m in app.metric][0].replace("\xa0", " ") == "$69,8 млн"
    assert any("display: none" in m.value for m in app.markdown)
    assert app.button(key="presentation.prev").disabled
    assert app.query_params["slide"] == "1"


def test_next_and_previous_step_through_slides() -> None:
    app = _app()
    app.button(key="presentation.next").click().run()
    assert app.session_state["presentation.slide"] == 1
    assert app.query_params["slide"] == "2"
    assert not app.metric  # a chart slide now
    app.button(key="presentation.prev").click().run()
    assert app.session_state["presentation.slide"] == 0
    for expected in range(1, 6):
        app.button(key="presentation.next").click().run()
        assert app.session_state["presentation.slide"] == expected
        assert not app.exception, expected
    assert app.button(key="presentation.next").disabled
    assert not app.exception


def test_url_slide_opens_that_slide_when_kept_by_the_filters() -> None:
    app = AppTest.from_function(_script, default_timeout=60)
    app.session_state["filters.url.slide"] = "4"  # what the filters keep from ?slide=4
    app.run()
    assert app.session_state["presentation.slide"] == 3
    assert not app.exception


def _downloads_script() -> None:
    import pandas as pd
    import plotly.graph_objects as go

    from dashboard.ui.downloads import figure_downloads, table_downloads

    frame = pd.DataFrame({"partner": ["KZ", "=1+1"], "value": [1.5, 2.0]})
    table_downloads(frame, key="test.table", name="партнёры 2018", lang="ru", source="ФТС",
                    filters={"year": 2018}, units="USD")
    figure_downloads(go.Figure(), key="test.chart", name="chart")


def test_download_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    app = AppTest.from_function(_downloads_script, default_timeout=30).run()
    assert not app.exception
    assert any("Chromium" in c.value for c in app.caption)  # a note, not PNG/SVG buttons
