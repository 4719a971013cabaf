"""Data page: upload -> detect -> preview -> map -> load, errors with line/column, delete."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis import tables
from dashboard.core.errors import LimitError, SchemaError
from dashboard.data import staging
from dashboard.data.sources.base import Sniff
from dashboard.data.store import Store
from dashboard.ui.widgets import upload
from tests.apptest import clear_caches, open_page
from tests.conftest import RU_ROWS, ru_text

HOSTILE = "**bold** <script>alert(1)</script>"





@pytest.fixture
def store_path(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private copy of the demo store (these tests write to it)."""
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_path, path)
    monkeypatch.setenv("OBOROT_STORE", str(path))
    clear_caches()
    yield path
    clear_caches()


def _open(**params: str) -> AppTest:
    return open_page("data", **params)


def _upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="data.upload").set_value(
        [(name, content, "text/csv") for name, content in files]).run()
    assert not at.exception
    return at


def _frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def _datasets(path: Path) -> pd.DataFrame:
    with Store(path) as store:
        return store.datasets()


def _tomsk_total(path: Path) -> float:
    from dashboard.data.store import TradeQuery

    with Store(path) as store:
        return float(store.aggregate([], TradeQuery(reporter="RU-TOM"))["value_usd"].iloc[0])


def _markdown_texts(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "success", "error",
             "warning")
    return [str(element.value) for kind in kinds for element in at.get(kind)]


def test_good_fcs_file_is_previewed_then_loaded(store_path: Path):
    before, total = len(_datasets(store_path)), _tomsk_total(store_path)
    at = _upload(_open(), ("DATTSVT.csv", ru_text().encode("utf-8")))
    detected = _frames(at)[0]
    assert detected.iloc[0].tolist()[:3] == ["fcs", "utf-8", "TAB"]
    preview = _frames(at)[1]
    assert list(preview.columns[:4]) == ["napr", "period", "strana", "tnved"]
    assert len(preview) == len(RU_ROWS)
    assert len(_datasets(store_path)) == before  # nothing stored before Load
    at.button(key="data.load.0").click().run()
    assert not at.exception
    assert not at.error
    assert any("6" in s.value and "2" in s.value for s in at.success)  # 6 rows, dataset 2
    datasets = _datasets(store_path)
    assert len(datasets) == before + 1
    assert datasets.iloc[-1]["file_name"] == "DATTSVT.csv"
    assert _tomsk_total(store_path) - total == pytest.approx(1470.5)  # the six rows, USD
    listed = next(f for f in _frames(at) if "sha256" in f.columns)
    assert len(listed) == before + 1
    assert any("2" in info.value for info in at.info)  # the same file now reads "already loaded"
    assert all(b.key != "data.load.0" for b in at.button)


def test_bad_file_names_line_and_column_and_stores_nothing(store_path: Path):
    before = _datasets(store_path)
    rows = list(RU_ROWS)
    rows[2] = rows[2].replace("300,50", "abc")
    at = _upload(_open(lang="en"), ("bad.csv", ru_text(rows).encode("utf-8")))
    at.button(key="data.load.0").click().run()
    assert not at.exception
    assert any("nothing was stored" in e.value for e in at.error)
    problem = next(f for f in _frames(at) if "Expected" in f.columns)
    assert problem.iloc[0].to_dict() == {"File": "bad.csv", "Line": "4", "Column": "Stoim",
                                         "Expected": "a number (decimal comma)",
                                         "Found": "abc"}
    pd.testing.assert_frame_equal(_datasets(store_path), before)


def test_unrecognised_table_is_loaded_through_the_column_mapping(store_path: Path):
    text = "Рег;Стр;Напр;Г;Сумма\nRU-TOM;KZ;экспорт;2018;1000,5\n"
    at = _upload(_open(), ("own.csv", text.encode("cp1251")))
    detected = _frames(at)[0].iloc[0].tolist()
    assert detected[1:3] == ["cp1251", ";"]
    assert "не распознан" in detected[0]
    assert at.selectbox(key="data.map.0.reporter").value == ""
    for role, column in {"reporter": "Рег", "partner": "Стр", "flow": "Напр", "year": "Г",
                         "value_usd": "Сумма"}.items():
        at.selectbox(key=f"data.map.0.{role}").set_value(column)
    at.run()
    at.button(key="data.load.0").click().run()
    assert not at.exception
    assert not at.error
    loaded = _datasets(store_path).iloc[-1]
    assert (loaded["format"], loaded["row_count"], loaded["encoding"]) == ("csv", 1, "cp1251")


def test_mapping_is_prefilled_from_synonyms(store_path: Path):
    text = "Регион,country,Направление,year,value_usd\nRU-TOM,KZ,ИМ,2018,5\n"
    at = _upload(_open(), ("tidy.csv", text.encode("utf-8")))
    assert _frames(at)[0].iloc[0, 0] == "csv"
    assert at.selectbox(key="data.map.0.partner").value == "country"
    assert at.selectbox(key="data.map.0.reporter").value == "Регион"
    assert at.selectbox(key="data.map.0.month").value == ""


def test_names_from_data_stay_plain_text(store_path: Path):
    text = "reporter,partner,flow,year,value_usd\nRU-TOM,KZ,export,2018,1000\n"
    at = _upload(_open(), (f"{HOSTILE}.csv", text.encode("utf-8")))
    at.text_input(key="data.name.0").input(HOSTILE).run()
    at.button(key="data.load.0").click().run()
    assert not at.exception
    assert _datasets(store_path).iloc[-1]["name"] == HOSTILE
    listed = next(f for f in _frames(at) if "sha256" in f.columns)
    assert HOSTILE in set(listed["name"])
    assert f"{HOSTILE}.csv" in set(listed["file"])
    assert any(HOSTILE in t.value for t in at.text)  # the delete list and the staged file
    for text_shown in _markdown_texts(at):
        assert "<script>" not in text_shown
        assert "**bold**" not in text_shown


def test_delete_needs_confirmation(store_path: Path):
    at = _open()
    first = int(_datasets(store_path).iloc[0]["id"])
    assert not [b for b in at.button if b.key == f"data.delete.{first}.confirm"]
    at.checkbox(key=f"data.delete.{first}").check().run()
    assert any(w.value.startswith(f"Набор {first}") for w in at.warning)
    assert len(_datasets(store_path)) == 1  # ticking alone deletes nothing
    at.button(key=f"data.delete.{first}.confirm").click().run()
    assert not at.exception
    assert _datasets(store_path).empty
    assert any(s.value == f"Набор {first} удалён." for s in at.success)
    assert any("Наборов данных пока нет" in i.value for i in at.info)


def test_empty_store_still_offers_the_upload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OBOROT_STORE", str(tmp_path / "empty.duckdb"))
    clear_caches()
    at = open_page("data")
    assert not at.exception
    assert at.file_uploader(key="data.upload") is not None
    at = _upload(at, ("DATTSVT.csv", ru_text().encode("utf-8")))
    at.button(key="data.load.0").click().run()
    assert not at.exception
    assert at.selectbox(key="filters.reporter").value == "RU-TOM"  # the sidebar came alive
    clear_caches()


# -- pure helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("DATTSVT.csv", "upload.csv"),
    ("../../etc/passwd", "upload.dat"),
    ("a/b/../c.XLSX", "upload.xlsx"),
    ("archive.zip", "upload.zip"),
    ("evil.csv/..", "upload.dat"),
    ("<script>.tsv", "upload.tsv"),
])
def test_uploaded_names_never_become_paths(tmp_path: Path, name: str, expected: str):
    path = staging.safe_path(tmp_path, name)
    assert path == tmp_path / expected


def test_stage_writes_a_private_copy_and_sniffs(tmp_path: Path):
    store = Store(tmp_path / "s.duckdb")
    staged = staging.stage(ru_text(sep=";").encode("cp1251"), "../../x.csv", store)
    assert staged.path.name == "upload.csv"
    assert staged.path.parent.name.startswith("oborot-upload-")
    assert (staged.kind, staged.sniff.encoding, staged.sniff.separator) == ("fcs", "cp1251",
                                                                            ";")
    assert staged.preview.iloc[0, 0] == "ЭК"
    assert staged.problem is None and staged.already is None
    assert staging.estimate_rows(staged) == pytest.approx(len(RU_ROWS) + 1, abs=2)
    shutil.rmtree(staged.path.parent)


def test_stage_reports_binary_and_empty_files(tmp_path: Path):
    store = Store(tmp_path / "s.duckdb")
    binary = staging.stage(b"\x00\x01\x02" * 100, "x.csv", store)
    assert isinstance(binary.problem, SchemaError)
    empty = staging.stage(b"", "y.csv", store)
    assert "empty" in str(empty.problem)


def test_stage_refuses_files_over_the_upload_limit(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OBOROT_MAX_UPLOAD_MB", "0")
    staged = staging.stage(b"a,b\n1,2\n", "x.csv", Store(tmp_path / "s.duckdb"))
    assert isinstance(staged.problem, LimitError)


def test_preview_frame_pads_ragged_rows_and_duplicate_headers():
    sniff = Sniff(display_name="x", encoding="utf-8", separator=",", header=("a", "a", ""))
    frame = staging.preview_frame(["a,a,", "1,2,3,4", "5"], sniff)
    assert list(frame.columns) == ["a", "a (2)", "#3", "#4"]
    assert frame.fillna("").values.tolist() == [["1", "2", "3", "4"], ["5", "", "", ""]]


def test_problem_frame_lists_file_line_column():
    exc = SchemaError("f.csv", "a year", line=7, column="Год", found="20x8")
    assert upload.problem_frame(exc, "ru").iloc[0].tolist() == ["f.csv", "7", "Год", "a year",
                                                               "20x8"]
    other = upload.problem_frame(LimitError("too big"), "en", file="g.csv")
    assert other.iloc[0].to_dict() == {"File": "g.csv", "Problem": "too big"}


def test_dataset_table_provenance_columns():
    frame = pd.DataFrame({
        "id": [3], "name": ["Demo"], "format": ["fcs-ru"], "file_name": ["DATTSVT.csv"],
        "row_count": [10], "rejected_rows": [1], "period_start": ["2017-01"],
        "period_end": ["2018-12"], "reporters": ["RU-NVS,RU-TOM"], "encoding": ["cp1251"],
        "separator": ["\t"], "loaded_at": [pd.Timestamp("2024-01-02 03:04")],
        "sha256": ["0123456789abcdef" * 4], "notes": [""], "licence": [""],
    })
    row = tables.dataset_table(frame).iloc[0]
    assert row["periods"] == "2017-01–2018-12"
    assert row["reporters"] == "RU-NVS, RU-TOM"
    assert row["sha256"] == "0123456789ab"
    assert (row["rows"], row["rejected"], row["file"]) == (10, 1, "DATTSVT.csv")
