"""Export: CSV/XLSX round trips and formula neutralisation; PNG/SVG rendered by Chromium."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.present import charts
from dashboard.present.export import (
    ChromiumMissingError,
    Renderer,
    chromium_available,
    csv_bytes,
    figure_image,
    find_chromium,
    neutralise,
    xlsx_bytes,
)

INJECTIONS = ["=1+1", "+cmd", "-2", "@SUM(A1)"]


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "partner": ["Казахстан", "Китай", *INJECTIONS],
        "year": [2018] * 6,
        "value": [69_800_000.5, 248_199_123.25, 1.0, -2.5, 0.0, 3.75],
        "share": [9.7, 34.6, float("nan"), 0.1, 0.2, 0.3],
    })


@pytest.mark.parametrize(("text", "expected"), [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("Томск", "Томск"), ("a=1", "a=1"), ("", ""),
])
def test_neutralise_text_cells(text: str, expected: str) -> None:
    out = neutralise(pd.DataFrame({"name": [text], "value": [-1.0]}))
    assert out.loc[0, "name"] == expected
    assert out.loc[0, "value"] == -1.0  # numbers untouched, negative stays a number


@pytest.mark.parametrize(("separator", "decimal"), [(",", "."), (";", ",")])
def test_csv_round_trip(frame: pd.DataFrame, separator: str, decimal: str) -> None:
    data = csv_bytes(frame, separator=separator)
    assert data.startswith("\ufeff".encode())
    back = pd.read_csv(io.BytesIO(data), sep=separator, decimal=decimal, encoding="utf-8-sig")
    assert back["value"].tolist() == frame["value"].tolist()
    assert back["year"].tolist() == [2018] * 6
    assert back["partner"].tolist()[:2] == ["Казахстан", "Китай"]
    assert back["partner"].tolist()[2:] == ["'" + s for s in INJECTIONS]


def test_csv_rejects_other_separators(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="separator"):
        csv_bytes(frame, separator="|")


def _xlsx(frame: pd.DataFrame, lang: str = "ru") -> bytes:
    return xlsx_bytes(frame, sheet="Партнёры: 2018/KZ", source="ФТС России (демо)",
                      filters={"reporter": "RU-TOM", "year": 2018}, units="USD", lang=lang)


def test_xlsx_round_trip_numbers_and_about_sheet(frame: pd.DataFrame) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(_xlsx(frame)))
    assert book.sheet_names == ["Партнёры  2018 KZ", "Источник"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == ["partner", "year", "value", "share"]
    assert [r[2] for r in rows[1:]] == frame["value"].tolist()
    assert [r[1] for r in rows[1:]] == [2018] * 6
    assert rows[3][3] == ""  # NaN -> empty cell
    assert [r[0] for r in rows[3:]] == INJECTIONS  # kept as text, verbatim
    about = {r[0]: r[1] for r in book.get_sheet_by_index(1).to_python()}
    assert about["Источник"] == "ФТС России (демо)"
    assert about["Единицы"] == "USD"
    assert about["Фильтры: reporter"] == "RU-TOM"
    assert about["Фильтры: year"] == "2018"
    en = CalamineWorkbook.from_filelike(io.BytesIO(_xlsx(frame, "en")))
    assert en.sheet_names[1] == "About"


def test_xlsx_writes_no_formulas_and_a_bold_header(frame: pd.DataFrame) -> None:
    with zipfile.ZipFile(io.BytesIO(_xlsx(frame))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert "<b/>" in styles
    assert "@SUM(A1)" in strings and "=1+1" in strings
    assert "<cols>" in sheet  # column widths set
    assert 'topLeftCell="A2"' in sheet  # header frozen


def test_find_chromium_explains_a_bad_browser_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(ChromiumMissingError, match="sudo apt-get install chromium"):
        find_chromium()
    assert not chromium_available()


def test_bad_image_format_is_a_user_error() -> None:
    from dashboard.core.errors import OborotError

    with pytest.raises(OborotError, match="png, svg"):
        figure_image(go.Figure(), format="gif")


# -- rendered images (need Chromium) -------------------------------------------------------

needs_chromium = pytest.mark.skipif(not chromium_available(),
                                    reason="Chromium not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def renderer():  # type: ignore[no-untyped-def]
    with Renderer(timeout=60) as shared:
        yield shared


@pytest.fixture(scope="module")
def figure() -> go.Figure:
    data = pd.DataFrame({"year": [2016, 2017, 2018], "export": [40e6, 44e6, 52e6],
                         "import": [14e6, 15e6, 17e6], "turnover": [54e6, 59e6, 69e6],
                         "balance": [26e6, 29e6, 35e6]})
    return charts.annual_trend(data, title="Товарооборот Томской области", currency="USD",
                               source="ФТС России", lang="ru")


@pytest.mark.slow
@needs_chromium
def test_png_is_slide_sized_and_not_blank(renderer: Renderer, figure: go.Figure) -> None:
    from PIL import Image, ImageStat

    png = figure_image(figure, format="png", renderer=renderer)
    image = Image.open(io.BytesIO(png))
    assert image.size == (3200, 1800)
    variance = ImageStat.Stat(image.convert("L")).var[0]
    assert variance > 100, "the image looks blank"


@pytest.mark.slow
@needs_chromium
def test_svg_parses_and_carries_title_and_source(renderer: Renderer, figure: go.Figure) -> None:
    svg = figure_image(figure, format="svg", renderer=renderer)
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    assert "Товарооборот Томской области" in text
    assert "Источник: ФТС России" in text
    assert "млн долл. США" in text


@pytest.mark.slow
@needs_chromium
def test_timeout_gives_a_clear_error_and_never_hangs(figure: go.Figure) -> None:
    from dashboard.present.export import RenderError

    with pytest.raises(RenderError, match="longer than"):
        figure_image(figure, timeout=0.01)
