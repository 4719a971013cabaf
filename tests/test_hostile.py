"""Hostile content: names shown as text never markup, exports never formulas, upload names
never paths, and SQL never built from what a user typed."""

from __future__ import annotations

import ast
import io
import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.__main__ import main
from dashboard.data import staging
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store, TradeQuery
from dashboard.present.export import csv_bytes, xlsx_bytes
from tests.apptest import APP, clear_caches, demo_store
from tests.conftest import ru_text

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert(1)</script>"
MARKDOWN = "**bold** [x](javascript:alert(1))"
INJECTION = "' OR 1=1 --"
MARKUP_ELEMENTS = ("markdown", "caption", "title", "header", "subheader", "info", "warning",
                   "error", "success", "exception", "latex", "toast")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data plus datasets whose names and file names are markup."""
    directory = tmp_path_factory.mktemp("hostile")
    path = demo_store(directory / "store.duckdb")
    with Store(path) as store:
        for n, name in enumerate([SCRIPT, MARKDOWN]):
            data = directory / f"d{n}.csv"
            data.write_text(ru_text()[: -1] + "\n" * (n + 1))  # different bytes, same rows
            ingest_file(store, data, name=name, display_name=f"{name}.csv")
    return path


@pytest.fixture
def app(hostile_store: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OBOROT_STORE", str(hostile_store))
    clear_caches()
    yield
    clear_caches()


def _markup_texts(at: AppTest) -> list[str]:
    texts = []
    for kind in MARKUP_ELEMENTS:
        for element in at.get(kind):
            texts.append(str(getattr(element, "value", "")) + str(getattr(element, "body", "")))
    return texts


def _data_page() -> None:
    from dashboard.ui.pages import data

    data.render()


@pytest.mark.parametrize("script", ["overview", "data"])
def test_dataset_names_are_never_rendered_as_markup(app, script: str) -> None:
    at = (AppTest.from_file(APP, default_timeout=60) if script == "overview"
          else AppTest.from_function(_data_page, default_timeout=60)).run()
    assert not at.exception
    for text in _markup_texts(at):
        assert SCRIPT not in text and "javascript:" not in text and "**bold**" not in text, text
    if script == "data":  # the names are there, as dataframe cells
        cells = " ".join(str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel())
        assert SCRIPT in cells and MARKDOWN in cells


def test_unsafe_html_is_only_ever_given_a_constant() -> None:
    """Every ``unsafe_allow_html=True`` call passes a string literal or a module constant."""
    offenders = []
    for path in sorted([ROOT / "app.py", *(ROOT / "dashboard").rglob("*.py")]):
        tree = ast.parse(path.read_text())
        constants = {target.id for node in tree.body if isinstance(node, ast.Assign)
                     for target in node.targets if isinstance(target, ast.Name)
                     and isinstance(node.value, ast.Constant) and isinstance(node.value.value,
                                                                              str)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and any(
                    k.arg == "unsafe_allow_html" and getattr(k.value, "value", False) is True
                    for k in node.keywords):
                first = node.args[0] if node.args else None
                literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
                constant = isinstance(first, ast.Name) and first.id in constants
                if not (literal or constant):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "=HYPERLINK(\"x\")"]


def test_csv_export_neutralises_formulas() -> None:
    frame = pd.DataFrame({"partner": FORMULAS, "value": range(len(FORMULAS))})
    text = csv_bytes(frame).decode("utf-8-sig")
    cells = [line.split(",", 1)[0] for line in text.splitlines()[1:]]
    assert all(cell.lstrip('"').startswith("'") for cell in cells), cells
    assert csv_bytes(pd.DataFrame({"v": [-5.0]})).decode("utf-8-sig").splitlines()[1] == "-5.0"


def test_xlsx_export_writes_formula_text_as_text() -> None:
    frame = pd.DataFrame({"partner": FORMULAS, "value": range(len(FORMULAS))})
    data = xlsx_bytes(frame, sheet="data", source="test", filters={}, units="USD")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = [book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(rb"<f[ >]", sheet) for sheet in sheets)


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\x.csv", "C:\\x.csv",
                                  "/etc/cron.d/x.csv", "a/../../b.zip", "nul\x00.csv",
                                  f"{SCRIPT}.xlsx", ""])
def test_upload_names_never_become_paths(name: str, tmp_path: Path) -> None:
    path = staging.safe_path(tmp_path, name)
    assert path.parent == tmp_path and path.name.startswith("upload.")
    assert re.fullmatch(r"upload\.[a-z]+", path.name)


def test_a_staged_upload_lands_in_a_private_temp_dir(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    staged = staging.stage(ru_text().encode(), "../../../../tmp/owned.csv", store)
    temp = Path(tempfile.gettempdir()).resolve()
    assert staged.path.resolve().parent.parent == temp
    assert staged.path.name == "upload.csv" and staged.display_name.endswith("owned.csv")
    assert not (temp / "owned.csv").exists()


# -- SQL injection through every parameter ---------------------------------------------------


@pytest.fixture
def loaded(tmp_path: Path) -> Store:
    store = Store(tmp_path / "store.duckdb", keep_open=True)
    good = tmp_path / "good.csv"
    good.write_text(ru_text())
    ingest_file(store, good)
    store.upsert_rates(pd.DataFrame({"date": ["2018-09-01"], "currency": ["USD"],
                                     "quote": ["RUB"], "rate": [68.0447], "source": ["cbr"]}))
    yield store
    store.close()


def _state(store: Store) -> tuple:
    with store.connect() as con:
        return con.execute("SELECT (SELECT count(*) FROM trade), (SELECT count(*) FROM datasets),"
                           " (SELECT count(*) FROM fx_rates)").fetchone()


@pytest.mark.parametrize("query", [
    TradeQuery(reporter=INJECTION), TradeQuery(partners=(INJECTION,)),
    TradeQuery(flows=(INJECTION,)), TradeQuery(hs_prefix=INJECTION),
    TradeQuery(years=(INJECTION,)), TradeQuery(months=(INJECTION,)),  # type: ignore[arg-type]
    TradeQuery(dataset_ids=(INJECTION,)),  # type: ignore[arg-type]
])
def test_trade_filters_are_parameters(loaded: Store, query: TradeQuery) -> None:
    before = _state(loaded)
    try:
        frames = [loaded.aggregate(["year"], query), loaded.aggregate(["partner"], query),
                  loaded.months_present(query)]
        assert all(frame.empty for frame in frames)
        assert loaded.distinct("partner", query) == []
    except Exception as exc:  # a typed column refuses text: a conversion error, not SQL
        assert "Conversion" in type(exc).__name__ or "Conversion" in str(exc), exc
    assert _state(loaded) == before


def test_rate_and_dataset_lookups_are_parameters(loaded: Store) -> None:
    before = _state(loaded)
    assert loaded.rates(currencies=[INJECTION]).empty
    for option in ("quote", "source"):
        assert loaded.rates(**{option: INJECTION}).empty
    assert loaded.rate_dates(currency=INJECTION, quote=INJECTION, source=INJECTION) == set()
    assert loaded.find_by_sha256(INJECTION) is None
    for bad in ("year; DROP TABLE trade", INJECTION):
        with pytest.raises(ValueError):
            loaded.aggregate([bad])
        with pytest.raises(ValueError):
            loaded.distinct(bad)
    assert _state(loaded) == before


def test_cli_arguments_are_parameters(loaded: Store, tmp_path: Path, capsys) -> None:
    loaded.close()
    store = ["--store", str(loaded.path)]
    before = _state(loaded)
    with pytest.raises(SystemExit) as exit_info:
        main([*store, "delete", f"1 {INJECTION}"])
    assert exit_info.value.code == 2
    assert main([*store, "rates", "show", "--currencies", f"USD{INJECTION}"]) == 2
    assert main([*store, "rates", "update", "--currencies", INJECTION]) == 2
    assert _state(loaded) == before
    data = tmp_path / "x.csv"
    data.write_text(ru_text().replace("100,00", "101,00"))
    hostile = f"x'); DROP TABLE trade; --{INJECTION}"
    assert main([*store, "ingest", str(data), "--name", hostile]) == 0
    assert _state(loaded)[0] == before[0] * 2
    assert loaded.datasets()["name"].tolist()[-1] == hostile
