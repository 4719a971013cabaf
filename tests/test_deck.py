"""The PPTX deck and the ``deck`` CLI on the bundled demo data (Tomsk Oblast, 2018)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

from dashboard.__main__ import main
from dashboard.analysis import compare
from dashboard.analysis import views as analysis
from dashboard.analysis.views import View
from dashboard.core.config import DEMO_FILE
from dashboard.core.formatting import money, percent
from dashboard.core.i18n import period_label
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store
from dashboard.present.deck import make_deck
from dashboard.present.export import Renderer, chromium_available

VIEW = View(reporter="RU-TOM", year=2018, partner="KZ")
TITLES_RU = ["Внешняя торговля: Томская область — Казахстан", "Основные показатели, 2018 г.",
             "Партнёры региона, 2018 г.", "Товарная структура, 2018 г.",
             "Цена или объём: 07 Овощи", "Динамика по месяцам",
             "Курсы валют, 2018 г.", "Источники и методика"]
CHARTS = 5  # partners, exports, imports, price vs volume, monthly


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("deck") / "demo.duckdb")
    ingest_file(store, DEMO_FILE, name="Demo (synthetic): FCS regional export 2015-2018")
    return store


@pytest.fixture(scope="module")
def renderer():  # type: ignore[no-untyped-def]
    if not chromium_available():
        yield None
        return
    with Renderer(timeout=60) as shared:
        yield shared


@pytest.fixture(scope="module")
def deck_ru(demo: Store, renderer: Renderer | None):  # type: ignore[no-untyped-def]
    return make_deck(demo, VIEW, lang="ru", currency="USD", renderer=renderer)


def _texts(slide) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def _open(data: bytes):  # type: ignore[no-untyped-def]
    return Presentation(io.BytesIO(data))


@pytest.mark.slow
def test_deck_has_seven_titled_16x9_slides(deck_ru) -> None:  # type: ignore[no-untyped-def]
    deck = _open(deck_ru.data)
    assert (Emu(deck.slide_width).inches, Emu(deck.slide_height).inches) == pytest.approx(
        (13.333, 7.5), abs=0.01)
    assert [s.shapes.title.text for s in deck.slides] == TITLES_RU
    assert deck_ru.titles == TITLES_RU


@pytest.mark.slow
def test_charts_are_images_when_chromium_exists(deck_ru) -> None:  # type: ignore[no-untyped-def]
    if not chromium_available():
        pytest.skip("Chromium not installed: charts are placeholders (checked elsewhere)")
    pictures = [shape for slide in _open(deck_ru.data).slides for shape in slide.shapes
                if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert len(pictures) == CHARTS == deck_ru.images
    assert deck_ru.placeholders == 0 and deck_ru.notes == []


@pytest.mark.slow
def test_kpi_slide_numbers_match_analysis(deck_ru, demo: Store) -> None:  # type: ignore[no-untyped-def]
    slide = _open(deck_ru.data).slides[1]
    cards = analysis.kpis(demo, VIEW)
    facts = analysis.summary(demo, VIEW)
    text = _texts(slide).replace("\xa0", " ")
    assert money(facts["value"], "USD", "ru").replace("\xa0", " ") == "$69,8 млн"
    for measure, kpi in cards.items():
        card = next(s for s in slide.shapes if s.name == f"kpi.{measure}").text_frame.text
        assert money(kpi.value, "USD", "ru") in card
        assert percent(kpi.change_pct, "ru") in card
    assert "$69,8 млн" in text and "+17,1%" in text
    assert "Казахстан" in text  # the summary paragraph names the partner


@pytest.mark.slow
def test_text_stays_editable(deck_ru) -> None:  # type: ignore[no-untyped-def]
    deck = _open(deck_ru.data)
    partners = next(s for s in deck.slides[2].shapes if s.name == "table.partners")
    rows = [[c.text for c in r.cells] for r in partners.table.rows]
    assert rows[0][1] == "Страна" and len(rows) == 11
    assert rows[1][1] == "Китай"
    assert "Товарооборот = экспорт + импорт" in _texts(deck.slides[7])
    assert "Demo (synthetic)" in _texts(deck.slides[7])


@pytest.mark.slow
def test_english_deck_without_chromium_has_placeholders(
        demo: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    result = make_deck(demo, VIEW, lang="en", currency="USD")
    deck = _open(result.data)
    assert deck.slides[1].shapes.title.text == "Key figures, 2018"
    assert result.images == 0 and result.placeholders == CHARTS
    assert any("sudo apt-get install chromium" in note for note in result.notes)
    boxes = [s for slide in deck.slides for s in slide.shapes if s.name.endswith(".unavailable")]
    assert len(boxes) == CHARTS
    assert boxes[0].text_frame.text == "Chart unavailable: Chromium not installed"
    assert money(analysis.kpis(demo, VIEW)["turnover"].value, "USD", "en") == "$69.8M"
    assert "$69.8M" in _texts(deck.slides[1])


def test_a_single_month_deck_names_the_month_not_the_year(
        demo: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """period=m-3 holds March figures only: no slide may read as the whole of 2018."""
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    result = make_deck(demo, View(reporter="RU-TOM", year=2018, partner="KZ", month=3),
                       lang="ru", currency="USD")
    titles = [s.shapes.title.text for s in _open(result.data).slides]
    assert titles[1:4] == ["Основные показатели, мар 2018", "Партнёры региона, мар 2018",
                           "Товарная структура, мар 2018"]
    assert "к мар 2017" in _texts(_open(result.data).slides[1])


def test_period_label_is_one_wording() -> None:
    assert [period_label("ru", year=2018), period_label("en", year=2018),
            period_label("ru", year=2018, ytd=6), period_label("en", year=2018, month=3),
            period_label("ru"), period_label("ru", month=3), period_label("en", ytd=2)] == [
        "2018 г.", "2018", "янв–июн 2018", "Mar 2018", "Год целиком", "только мар", "Jan–Feb"]


def test_cli_exit_codes(demo: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    base = ["--store", str(demo.path), "deck", "--year", "2018"]
    assert main([*base, "--reporter", "RU-XXX", "--out", str(tmp_path / "a.pptx")]) == 2
    assert "no data for region 'RU-XXX'" in capsys.readouterr().err
    assert main([*base, "--reporter", "RU-TOM", "--out", str(tmp_path / "no" / "a.pptx")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([*base, "--reporter", "RU-TOM", "--out", str(tmp_path / "a.txt")]) == 2
    assert main(["--store", str(demo.path), "deck", "--year", "1999", "--reporter", "RU-TOM",
                 "--out", str(tmp_path / "a.pptx")]) == 2
    assert not list(tmp_path.iterdir())  # nothing written on bad input
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")  # fast: no browser start
    out = tmp_path / "deck.pptx"
    assert main([*base, "--reporter", "RU-TOM", "--partner", "KZ", "--lang", "en",
                 "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "warning: charts not rendered" in captured.err
    assert f"wrote {out} (8 slides" in captured.out
    assert len(_open(out.read_bytes()).slides) == 8


def test_price_volume_slide_splits_the_top_import_exactly(deck_ru) -> None:  # type: ignore[no-untyped-def]
    slide = _open(deck_ru.data).slides[4]
    table = next(s for s in slide.shapes if s.name == "table.price_volume")
    rows = {r.cells[0].text: r.cells[1].text for r in table.table.rows}
    assert rows["Изменение"] == "+$1,66\xa0млн"
    assert rows["Эффект объёма"] == "+$1,38\xa0млн" and rows["Эффект цены"] == "+$236,64\xa0тыс."
    assert rows["Остаток"] == "+$43,28\xa0тыс."
    text = _texts(slide)
    assert "база: вес нетто, кг" in text and "Эффект объёма = Σ (q₁ − q₀) × p₀" in text


def test_a_note_pinned_to_june_2018_is_in_the_deck(tmp_path: Path, renderer) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "notes.duckdb")
    ingest_file(store, DEMO_FILE, name="Demo (synthetic)")
    compare.add_note(store, period="2018-06", text="Новый пункт пропуска на границе")
    compare.add_note(store, period="2018-07", text="Только для Китая", partner="CN")
    deck = _open(make_deck(store, VIEW, lang="ru", renderer=renderer).data)
    monthly = deck.slides[5]
    assert monthly.shapes.title.text == "Динамика по месяцам"
    notes = next(s for s in monthly.shapes if s.name == "notes")
    assert notes.text_frame.text == "Заметки: 2018-06: Новый пункт пропуска на границе"




@pytest.mark.slow
def test_deck_of_a_group_and_a_basket_names_both(
        demo: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.data import definitions

    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    view = View(reporter="RU-TOM", year=2018, flow="import",
                group=definitions.group(demo, "central_asia"),
                basket=definitions.basket(demo, "rolled_metal"))
    result = make_deck(demo, view, lang="ru", currency="USD")
    deck = _open(result.data)
    assert result.titles[0] == ("Внешняя торговля: Томская область — Центральная Азия · "
                                "Плоский прокат из стали")
    summary = _texts(deck.slides[1])
    assert ("Товарооборот Томской области со странами Центральной Азии по товарной группе "
            "«Плоский прокат из стали» в 2018 году") in summary
    imports = analysis.kpis(demo, view)["import"].value
    assert money(imports, "USD", "ru") in summary
    english = make_deck(demo, view, lang="en", currency="USD")
    assert english.titles[0] == "Foreign trade: Tomsk Oblast — Central Asia · Flat-rolled steel"
