"""Compare-and-explain cards on the Commodities, Overview and Data pages (AppTest, demo).

The "done when" of the feature: Tomsk's imports of vegetables from Kazakhstan split
exactly into volume, price and residual; the HHI of Tomsk's partners shows with its
band; a note pinned to June 2018 shows on the monthly chart (and in the XLSX export).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from streamlit.testing.v1 import AppTest

from dashboard.analysis import compare
from dashboard.data.store import Store
from dashboard.present.export import xlsx_bytes
from tests.apptest import clear_caches, open_page


@pytest.fixture
def store_path(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private copy of the demo store (these tests add notes), offline."""
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_path, path)
    monkeypatch.setenv("OBOROT_STORE", str(path))
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    clear_caches()
    yield path
    clear_caches()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _spec(at: AppTest, key: str) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    return json.loads(chart.proto.spec)


@pytest.mark.usefixtures("demo_env")
def test_commodities_card_splits_tomsk_vegetable_imports_exactly() -> None:
    at = open_page("commodities", partner="KZ", flow="import", lang="en")
    at.selectbox(key="commodities.pv_code").set_value("07").run()
    assert not at.exception and not at.error
    metrics = _metrics(at)
    assert metrics["Change"] == "+$1.66M"
    assert metrics["Volume effect"] == "+$1.38M"
    assert metrics["Price effect"] == "+$236.64K"
    assert metrics["Residual"] == "+$43.28K"
    figures = next(d.value for d in at.dataframe if "measure" in d.value.columns)
    value = dict(zip(figures["measure"], figures["value"], strict=True))
    assert value["Change"] == pytest.approx(1656925.71)
    assert value["Volume effect"] + value["Price effect"] + value["Residual"] == pytest.approx(
        value["Change"], abs=1e-6)
    assert set(figures["basis"]) == {"net weight, kg"}
    markdown = " ".join(m.value for m in at.markdown)
    assert "Volume effect = Σ (q₁ − q₀) × p₀" in markdown and "Residual = change" in markdown
    captions = " ".join(c.value for c in at.caption)
    assert "basis: net weight, kg" in captions
    assert "Without the physical measure: $0.00 in 2018, $0.00 in 2017" in captions
    waterfall = _spec(at, "commodities.pv_chart")["data"][0]
    assert waterfall["type"] == "waterfall" and waterfall["measure"][-1] == "total"


@pytest.mark.usefixtures("demo_env")
def test_commodities_page_has_rca_and_new_products() -> None:
    at = open_page("commodities")
    assert not at.exception
    rca = next(d.value for d in at.dataframe if "rca" in d.value.columns)
    assert rca["rca"].iloc[0] >= rca["rca"].iloc[-1]
    assert any(c.value == "Новых позиций экспорта в 2018 году нет." for c in at.caption)
    assert any(m.label == "Товары (4 знака): экспорт" for m in at.metric)


@pytest.mark.usefixtures("demo_env")
def test_overview_shows_tomsk_partner_hhi_with_its_band() -> None:
    at = open_page("overview", lang="en")
    assert not at.exception and not at.error
    metrics = _metrics(at)
    assert metrics["Partners: exports"] == "2,833"
    assert metrics["Partners: imports"] == "1,268"
    captions = [c.value for c in at.caption]
    assert any(c.startswith("highly concentrated · rising") for c in captions)
    assert any(c.startswith("unconcentrated · no clear trend") for c in captions)
    assert any("Horizontal Merger Guidelines (2010)" in c for c in captions)


@pytest.mark.usefixtures("demo_env")
def test_overview_marks_the_full_year_estimate_for_january_to_june() -> None:
    at = open_page("overview", period="ytd-6", lang="en")
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert "**Full-year estimate (not a statistic)**" in texts
    # compare.estimate on the demo: 738,953,334 (714,214,066 – 775,079,504) US dollars
    assert "Turnover, 2018: estimate $738.95M, range $714.21M – $775.08M" in texts
    assert any(c.value.startswith("Estimate = January–6 value") for c in at.caption)
    assert "**Full-year estimate (not a statistic)**" not in [
        m.value for m in open_page("overview", lang="en").markdown]


def test_a_note_pinned_to_june_2018_shows_on_the_monthly_chart(store_path: Path) -> None:
    store = Store(store_path)
    compare.add_note(store, period="2018-06", text="New border crossing opened")
    compare.add_note(store, period="2018-06", text="Only with China", partner="CN")
    at = open_page("overview", partner="KZ", lang="en")
    assert not at.exception
    monthly = _spec(at, "overview.monthly")
    notes = [a for a in monthly["layout"]["annotations"] if a.get("name") == "note"]
    assert [(a["x"], a["text"]) for a in notes] == [
        ("Jun", "◆ 2018-06: New border crossing opened")]
    assert [s["x0"] for s in monthly["layout"]["shapes"] if s.get("name") == "note"] == ["Jun"]
    annual = _spec(at, "overview.annual")
    # the category index of 2018 among 2015..2018 (a year string would read as index 2018)
    assert [a["x"] for a in annual["layout"]["annotations"] if a.get("name") == "note"] == [3]
    assert any(c.value == "Notes: 2018-06: New border crossing opened" for c in at.caption)


def test_notes_are_added_and_deleted_on_the_data_page(store_path: Path) -> None:
    at = open_page("data", lang="en")
    at.text_input(key="data.note_date").input("2018-06")
    at.text_input(key="data.note_partner").input("kz")
    at.text_input(key="data.note_text").input("New border crossing opened")
    at.button[[b.label for b in at.button].index("Add note")].click().run()
    assert not at.exception
    assert any(s.value == "Note 1 added." for s in at.success)
    at.run()
    notes = next(d.value for d in at.dataframe if "text" in d.value.columns)
    assert list(notes["date"]) == ["2018-06", "2022", "2023"]
    assert list(notes["id"]) == ["1", "built-in", "built-in"]
    assert notes["partner"].iloc[0] == "KZ"
    at.button(key="data.note_delete").click().run()
    assert not at.exception
    assert any(s.value == "Note 1 deleted." for s in at.success)
    assert compare.all_notes(Store(store_path), "en", builtin=False).empty


def test_a_bad_note_date_is_one_message_and_stores_nothing(store_path: Path) -> None:
    at = open_page("data", lang="en")
    at.text_input(key="data.note_date").input("June 2018")
    at.text_input(key="data.note_text").input("x")
    at.button[[b.label for b in at.button].index("Add note")].click().run()
    assert [e.value for e in at.error] == [
        "note date: expected a year YYYY or a month YYYY-MM, got 'June 2018'"]
    assert compare.all_notes(Store(store_path), "en", builtin=False).empty


def test_xlsx_about_sheet_lists_the_notes() -> None:
    data = xlsx_bytes(pd.DataFrame({"a": [1]}), sheet="t", source="Demo", filters={},
                      units="USD", lang="en", notes=["2018-06: New border crossing opened"])
    about = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(1).to_python()
    assert ["Note", "2018-06: New border crossing opened"] in about
