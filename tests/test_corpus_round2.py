"""The bad-input corpus, round 2: the classes a red-team pass found, made at test time.

Each case is a hostile or careless file written into a temporary directory (some are
large, or their point is a declared size far beyond their bytes).  Every one must give
one line naming the file (and line and column where there is one), exit 2 from the
CLI, and leave the store as it was; the ones that are valid must load exactly.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import xlsxwriter

from dashboard.__main__ import main
from dashboard.config import PROJECT_ROOT
from dashboard.errors import OborotError
from dashboard.ingest import ingest_file
from dashboard.store import Store, TradeQuery
from tests.conftest import make_loaded
from tests.corpus import make_corpus as corpus
from tests.test_corpus import snapshot


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_loaded(tmp_path_factory.mktemp("corpus2") / "store.duckdb")


@pytest.fixture
def loaded(template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "store.duckdb"
    shutil.copyfile(template, path)
    with Store(path, keep_open=True) as store:
        yield store


def refused(store: Store, path: Path, pattern: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The one-line error of ``ingest``, checked in-process and through the CLI (exit 2)."""
    before = snapshot(store)
    with pytest.raises(OborotError) as info:
        ingest_file(store, path)
    message = str(info.value)
    assert re.search(pattern, message), message
    assert message.startswith(path.name) and "\n" not in message
    assert snapshot(store) == before
    store.close()
    capsys.readouterr()
    assert main(["--store", str(store.path), "ingest", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {message}"]
    return message


def xlsx_book(path: Path, rows: list[list[object]], *, far: tuple[int, int] | None = None,
              sheet: str = "data") -> Path:
    """A workbook of ``rows``; ``far`` puts one more cell (0-based row, column) far away."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    for r, values in enumerate(rows):
        ws.write_row(r, 0, values)
    if far is not None:
        ws.write(*far, 1)
    book.close()
    return path


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """The same zip with one member's bytes changed."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[member] = change(parts[member])
    path.write_bytes(corpus.zipped(parts))
    return path


def peak_rss_mb_of(code: str) -> tuple[int, str]:
    """Run ``code`` in a fresh interpreter; (its peak resident MB, its stdout)."""
    # VmHWM, not ru_maxrss: the latter keeps the forked parent's size across exec.
    script = code + ("\nimport re; print(int(re.search(r'VmHWM:\\s+(\\d+)', "
                     "open('/proc/self/status').read()).group(1)) // 1024)")
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *out, peak = done.stdout.strip().splitlines()
    return int(peak), "\n".join(out)


# -- 1. a workbook's declared size is never materialised ---------------------------------------


@pytest.mark.parametrize(("far", "label"), [((1_048_575, 16_383), "XFD1048576"),
                                            ((200_000, 300), "KP200001")])
def test_a_stray_far_cell_costs_nothing(far: tuple[int, int], label: str, loaded: Store,
                                        tmp_path: Path) -> None:
    path = xlsx_book(tmp_path / "far.xlsx", [corpus.XLSX_HEADER, corpus.XLSX_ROW,
                                             corpus.XLSX_ROW], far=far)
    assert path.stat().st_size < 10_000
    peak, out = peak_rss_mb_of(
        "from pathlib import Path; from dashboard.sources.detect import open_trade_file\n"
        f"parsed = open_trade_file(Path({str(path)!r}))\n"
        "print(sum(b.num_rows for b in parsed.batches))")
    assert out == "2" and peak < 400, (label, peak)
    started = time.monotonic()
    result = ingest_file(loaded, path)
    assert result.rows == 2 and time.monotonic() - started < 10
    kz = loaded.aggregate(["flow"], TradeQuery(reporter="RU-TOM", partners=("KZ",),
                                                dataset_ids=(result.dataset_id,)))
    assert kz.set_index("flow")["value_usd"].to_dict() == {"export": 200.0}


def test_the_upload_preview_reads_a_far_cell_workbook_cheaply(tmp_path: Path) -> None:
    path = xlsx_book(tmp_path / "far.xlsx", [["title"], corpus.XLSX_HEADER, corpus.XLSX_ROW],
                     far=(1_048_575, 16_383))
    peak, out = peak_rss_mb_of(
        "from pathlib import Path; from dashboard.sources.excel import preview_rows\n"
        f"print(len(preview_rows(Path({str(path)!r}), rows=11, display_name='far.xlsx')))")
    assert out == "3" and peak < 400


def test_a_workbook_over_the_row_limit_is_refused_by_its_rows(loaded: Store, tmp_path: Path,
                                                              monkeypatch, capsys) -> None:
    path = xlsx_book(tmp_path / "rows.xlsx", [corpus.XLSX_HEADER] + [corpus.XLSX_ROW] * 30,
                     far=(1_000_000, 2))
    monkeypatch.setenv("OBOROT_MAX_ROWS", "20")
    refused(loaded, path, r"^rows\.xlsx: sheet 'data' has 31 rows; at most 20 are accepted "
                          r"\(OBOROT_MAX_ROWS\)", capsys)


def test_cells_right_of_the_header_are_ignored(loaded: Store, tmp_path: Path) -> None:
    rows = [corpus.XLSX_HEADER, [*corpus.XLSX_ROW, "", "", "note"], corpus.XLSX_ROW]
    path = xlsx_book(tmp_path / "notes.xlsx", rows)
    assert ingest_file(loaded, path).rows == 2


@pytest.mark.parametrize(("member", "change", "found"), [
    ("xl/workbook.xml", lambda b: b.replace(b"?>", b'?><!DOCTYPE workbook [<!ENTITY a "x">]>', 1),
     "DTDForbidden"),
    ("xl/workbook.xml", lambda b: b[: len(b) // 2], "ParseError"),
    ("xl/worksheets/sheet1.xml", lambda b: b.replace(b"<sheetData>", b"<sheetData><row><c>", 1),
     "ParseError"),
    ("xl/sharedStrings.xml", lambda b: b.replace(b"?>", b'?><!DOCTYPE sst [<!ENTITY a "x">]>', 1),
     "DTDForbidden"),
])
def test_a_workbook_with_a_dtd_or_broken_xml_is_refused(member: str, change, found: str,
                                                        loaded: Store, tmp_path: Path,
                                                        capsys) -> None:
    path = xlsx_book(tmp_path / "bad.xlsx", [corpus.XLSX_HEADER, corpus.XLSX_ROW])
    rewrite_member(path, member, change)
    refused(loaded, path, rf"^bad\.xlsx: expected a readable Excel workbook .*{found}", capsys)
