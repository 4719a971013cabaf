"""Presentation page (AppTest): slides step with the buttons and follow the URL's ``slide``."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import open_page

pytestmark = pytest.mark.usefixtures("demo_env")


def _app(**params: str) -> AppTest:
    return open_page("presentation", **{"partner": "KZ", **params})


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


def test_url_slide_opens_that_slide_and_survives_the_filters() -> None:
    app = open_page("presentation", partner="KZ", slide="4")
    assert app.session_state["presentation.slide"] == 3
    assert app.query_params["slide"] in ("4", ["4"])
    assert not app.exception


def _downloads_script() -> None:
    import pandas as pd
    import plotly.graph_objects as go

    from dashboard.ui.widgets.downloads import figure_downloads, table_downloads

    frame = pd.DataFrame({"partner": ["KZ", "=1+1"], "value": [1.5, 2.0]})
    table_downloads(frame, key="test.table", name="партнёры 2018", lang="ru", source="ФТС",
                    filters={"year": 2018}, units="USD")
    figure_downloads(go.Figure(), key="test.chart", name="chart")


def test_download_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    app = AppTest.from_function(_downloads_script, default_timeout=30).run()
    assert not app.exception
    assert any("Chromium" in c.value for c in app.caption)  # a note, not PNG/SVG buttons
