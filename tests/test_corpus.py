"""Every broken or hostile file of tests/corpus gives one clear error and changes nothing.

Each file goes through ``ingest_file`` and through the CLI (exit 2, one line on
stderr, no traceback); the store is compared before and after: same datasets,
same row counts, same query answers, same rates.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.core.config import PROJECT_ROOT
from dashboard.core.errors import LimitError, OborotError
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store, TradeQuery
from tests.conftest import make_loaded
from tests.corpus import make_corpus as corpus

TRADE_FILES = sorted(path.name for path in corpus.FILES.iterdir()
                     if path.name not in {c.name for c in corpus.RATES_CASES})
RATES_FILES = [c.name for c in corpus.RATES_CASES]
WHERE = {
    "cell": r", line \d+, column [^:]+: expected ",
    "line": r", line \d+: expected ",
    "file": r": ",
    "limit": r": ",
}


def snapshot(store: Store) -> tuple:
    """Everything a user could see of the store: datasets, counts, totals, rates."""
    datasets = store.datasets()[["id", "name", "file_name", "row_count", "sha256"]]
    with store.connect() as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM trade), (SELECT sum(value_usd) FROM trade), "
            "(SELECT count(*) FROM fx_rates), (SELECT sum(rate) FROM fx_rates)"
        ).fetchone()
    totals = store.aggregate(["reporter", "partner", "flow", "year"])
    kz = store.aggregate(["year"], TradeQuery(reporter="RU-TOM", partners=("KZ",)))
    # CSV text compares NaN (an empty sum of weights) equal to itself.
    return (datasets.to_csv(index=False), counts, totals.to_csv(index=False),
            kz.to_csv(index=False), store.version())


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_loaded(tmp_path_factory.mktemp("corpus") / "store.duckdb")


@pytest.fixture
def loaded(template: Path, tmp_path: Path) -> Iterator[Store]:
    """A copy of the loaded store, its connection held (closed before the CLI opens the file)."""
    path = tmp_path / "store.duckdb"
    shutil.copyfile(template, path)
    with Store(path, keep_open=True) as store:
        yield store


def _check_message(message: str, case: corpus.Case) -> None:
    assert re.search(case.expect, message), message
    assert message.startswith(case.name), message
    sheet = r"(?: \[sheet '[^']*'\])?"
    assert re.search(re.escape(case.name) + sheet + WHERE[case.kind], message), message
    assert "Traceback" not in message and "\n" not in message
    assert "ArrowInvalid" not in message and "duckdb" not in message.lower()


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str],
         store: Store | None = None) -> tuple[int, list[str]]:
    if store is not None:
        store.close()  # DuckDB: one process holds the file; the CLI is run in this one
    capsys.readouterr()
    code = main(argv)
    return code, capsys.readouterr().err.strip().splitlines()


def test_the_corpus_is_what_the_generator_makes(tmp_path: Path) -> None:
    fresh = corpus.write_all(tmp_path / "files")
    assert len(fresh) >= 50
    for path in fresh:
        committed = corpus.FILES / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{path.name} differs: run python tests/corpus/make_corpus.py")
    assert sorted(p.name for p in corpus.FILES.iterdir()) == sorted(p.name for p in fresh)
    assert max(p.stat().st_size for p in fresh) < 64 << 10


@pytest.mark.parametrize("name", TRADE_FILES)
def test_a_bad_file_gives_one_clear_error_and_changes_nothing(
    name: str, loaded: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    case = corpus.case(name)
    path = corpus.FILES / name
    before = snapshot(loaded)
    with pytest.raises(OborotError) as info:
        ingest_file(loaded, path)
    _check_message(str(info.value), case)
    if case.kind == "limit":
        assert isinstance(info.value, LimitError)
    assert snapshot(loaded) == before

    code, err = _cli(["--store", str(loaded.path), "ingest", str(path)], capsys, loaded)
    assert code == 2
    assert len(err) == 1 and err[0] == f"error: {info.value}"
    assert snapshot(loaded) == before


@pytest.mark.parametrize("name", RATES_FILES)
def test_a_bad_rates_file_is_refused_by_rates_import(
    name: str, loaded: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    case = corpus.case(name)
    before = snapshot(loaded)
    started = time.monotonic()
    code, err = _cli(["--store", str(loaded.path), "rates", "import",
                      str(corpus.FILES / name)], capsys, loaded)
    assert time.monotonic() - started < 5  # entity expansion is refused, not evaluated
    assert code == 2 and len(err) == 1
    _check_message(err[0], case)
    assert snapshot(loaded) == before


def test_xml_is_not_a_trade_file(loaded: Store) -> None:
    before = snapshot(loaded)
    with pytest.raises(OborotError, match=r"^billion_laughs\.xml, line 1: expected a known"):
        ingest_file(loaded, corpus.FILES / "billion_laughs.xml")
    assert snapshot(loaded) == before


# -- files made at test time (too big for the repository) ------------------------------------


def test_a_csv_with_100k_columns(loaded: Store, tmp_path: Path, capsys) -> None:
    path = corpus.many_columns(tmp_path / "wide.csv")
    before = snapshot(loaded)
    with pytest.raises(OborotError) as info:
        ingest_file(loaded, path)
    message = str(info.value)
    assert message.startswith("wide.csv, line 1: expected a header line of at most 256 KB")
    assert len(message) < 1000
    assert snapshot(loaded) == before
    assert _cli(["--store", str(loaded.path), "ingest", str(path)], capsys, loaded)[0] == 2


def test_a_line_of_10_mb_is_refused_naming_its_line(loaded: Store, tmp_path: Path,
                                                    capsys) -> None:
    path = corpus.long_line(tmp_path / "long.csv")  # real lines are about 100 bytes
    before = snapshot(loaded)
    with pytest.raises(OborotError) as info:
        ingest_file(loaded, path)
    assert str(info.value) == ("long.csv, line 5: expected lines of at most 4,194,304 bytes, "
                               "found 'a line of more than 4,194,304 bytes'")
    assert snapshot(loaded) == before
    code, err = _cli(["--store", str(loaded.path), "ingest", str(path)], capsys, loaded)
    assert code == 2 and len(err) == 1


def test_a_10_mb_value_is_quoted_short(loaded: Store, tmp_path: Path) -> None:
    with pytest.raises(OborotError) as info:
        ingest_file(loaded, corpus.long_line(tmp_path / "long.csv"))
    assert len(str(info.value)) < 1000


def test_a_file_over_the_upload_limit_is_refused_before_reading(
    loaded: Store, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = corpus.over_upload(tmp_path / "big.csv", 1.2)
    before = snapshot(loaded)
    with pytest.raises(LimitError, match=r"^big\.csv: the file is 1\.2 MB; at most 1 MB are "
                                         r"accepted \(OBOROT_MAX_UPLOAD_MB\)$"):
        ingest_file(loaded, path, max_upload_mb=1)
    assert snapshot(loaded) == before
    # The upload limit is the web page's: the command line loads files of any size.
    monkeypatch.setenv("OBOROT_MAX_UPLOAD_MB", "1")
    code, err = _cli(["--store", str(loaded.path), "ingest", str(path)], capsys, loaded)
    assert code == 0 and err == []
    assert len(loaded.datasets()) == 2 and snapshot(loaded) != before


def test_max_rows_is_enforced_with_a_clear_message(loaded: Store, tmp_path: Path,
                                                   monkeypatch, capsys) -> None:
    path = corpus.fcs_rows(tmp_path / "rows.csv", 5000)
    before = snapshot(loaded)
    monkeypatch.setenv("OBOROT_MAX_ROWS", "1000")
    with pytest.raises(LimitError, match=r"^rows\.csv: more than 1,000 rows \(the configured "
                                         r"limit, OBOROT_MAX_ROWS\)$"):
        ingest_file(loaded, path)
    assert snapshot(loaded) == before
    code, err = _cli(["--store", str(loaded.path), "ingest", str(path)], capsys, loaded)
    assert code == 2 and len(err) == 1 and "OBOROT_MAX_ROWS" in err[0]
    assert snapshot(loaded) == before


@pytest.mark.slow
def test_a_200_mb_file_is_refused_by_size_without_being_read(loaded: Store, tmp_path: Path,
                                                              monkeypatch) -> None:
    path = corpus.sparse(tmp_path / "huge.csv")
    before = snapshot(loaded)
    started = time.monotonic()
    with pytest.raises(LimitError, match=r"^huge\.csv: the file is 200\.0 MB; at most 100 MB"):
        ingest_file(loaded, path, max_upload_mb=100)
    assert time.monotonic() - started < 1
    started = time.monotonic()  # within the limit (or none, as on the command line): refused
    with pytest.raises(OborotError, match=r"^huge\.csv: expected a text file"):
        ingest_file(loaded, path, max_upload_mb=500)
    assert time.monotonic() - started < 20
    assert snapshot(loaded) == before


# -- the real program, as a user runs it ------------------------------------------------------

PROGRAM_SAMPLE = [
    ("ingest", "zip_bomb.zip"), ("ingest", "utf16_le.csv"), ("ingest", "truncated_mid_row.csv"),
    ("ingest", "xlsx_error_cell.xlsx"), ("ingest", "zip_path_traversal.zip"),
    ("rates import", "billion_laughs.xml"),
]


def test_the_program_exits_2_with_one_line_and_no_traceback(loaded: Store) -> None:
    before = snapshot(loaded)
    loaded.close()
    env = {**os.environ, "OBOROT_STORE": str(loaded.path)}
    processes = [
        (name, subprocess.Popen([sys.executable, "-m", "dashboard", *command.split(),
                                 str(corpus.FILES / name)], cwd=PROJECT_ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for command, name in PROGRAM_SAMPLE
    ]
    for name, process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 2, (name, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and name in lines[0], (name, err)
        assert re.search(corpus.case(name).expect, lines[0].removeprefix("error: ")), lines[0]
        assert "Traceback" not in err and out == ""
    assert snapshot(loaded) == before
