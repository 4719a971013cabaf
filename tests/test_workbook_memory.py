""".xls and .ods workbooks are read within a memory bound, whatever cell they reach.

Calamine holds such a sheet as a dense grid from A1 to its farthest value; a
small file with one cell far away used to cost gigabytes (1.3 GB for the .xls
fixture below, 2.2 GB for an .ods cell at row 100 000, column 300).  Now an
.ods sheet's reach is measured before it is read, and calamine runs in a child
with a memory cap.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from dashboard.__main__ import main
from dashboard.core.config import PROJECT_ROOT
from dashboard.core.errors import LimitError
from dashboard.data.sources import excel
from dashboard.data.store import Store

WORKBOOKS = Path(__file__).parent / "fixtures" / "workbooks"  # .xls: see make_xls.py there
HEADER = ("reporter", "partner", "flow", "year", "value_usd")
ROWS = (("RU-TOM", "KZ", "export", 2018, 1000.0), ("RU-TOM", "CN", "import", 2018, 250.5))
_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
             '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
             '<manifest:file-entry manifest:full-path="/" manifest:media-type='
             '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
             'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')


def _cell(value: object) -> str:
    if isinstance(value, str):
        return (f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
                "</table:table-cell>")
    return (f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>")


def ods_workbook(path: Path, *, far_cell: tuple[int, int] | None = None,
                 trailing_blank_rows: int = 0) -> Path:
    """A tidy table on sheet 'Data', written as the few XML lines an .ods needs; optionally
    one more value at (row, column), 1-based, or LibreOffice's styled blank rows below."""
    rows = "".join("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>"
                   for row in (HEADER, *ROWS))
    if far_cell is not None:
        row, column = far_cell
        rows += (f'<table:table-row table:number-rows-repeated="{row - len(ROWS) - 2}">'
                 "<table:table-cell/></table:table-row><table:table-row>"
                 f'<table:table-cell table:number-columns-repeated="{column - 1}"/>'
                 f'{_cell("x")}</table:table-row>')
    if trailing_blank_rows:
        rows += (f'<table:table-row table:style-name="ro1" table:number-rows-repeated='
                 f'"{trailing_blank_rows}"><table:table-cell table:style-name="ce1" '
                 'table:number-columns-repeated="1024"/></table:table-row>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NAMESPACES} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Data">{rows}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _loaded(path: Path) -> list[tuple]:
    parsed = excel.read(path, display_name=path.name)
    return [(r["reporter"], r["partner"], r["flow"], r["year"], r["value_usd"])
            for batch in parsed.batches for r in batch.to_pylist()]


@pytest.mark.parametrize("path", [
    "tidy.ods", "libreoffice_blank_rows.ods", "far_but_small.ods", "tidy.xls"])
def test_normal_xls_and_ods_workbooks_load(tmp_path: Path, path: str) -> None:
    made = {
        "tidy.ods": lambda p: ods_workbook(p),
        # LibreOffice writes styled blank rows down to row 1 048 576: they hold no value
        "libreoffice_blank_rows.ods": lambda p: ods_workbook(p, trailing_blank_rows=1_048_572),
        "far_but_small.ods": lambda p: ods_workbook(p, far_cell=(10_000, 50)),
    }
    workbook = made[path](tmp_path / path) if path in made else WORKBOOKS / path
    assert _loaded(workbook) == [tuple(row) for row in ROWS]


def _peak_of_a_read(path: Path) -> dict:
    """The read in a fresh process: its outcome, seconds, and the peak RSS (MB) of that
    process and of its children (calamine's).  The process's own peak is VmHWM: Linux's
    ru_maxrss also counts the RSS of the pytest worker it was started from."""
    script = (
        "import json, resource, sys, time\n"
        "from pathlib import Path\n"
        "from dashboard.core.errors import OborotError\n"
        "from dashboard.data.sources import excel\n"
        "path = Path(sys.argv[1]); started = time.monotonic()\n"
        "try:\n"
        "    parsed = excel.read(path, display_name=path.name); error = None\n"
        "    sum(batch.num_rows for batch in parsed.batches)\n"
        "except OborotError as exc:\n"
        "    error = f'{type(exc).__name__}: {exc}'\n"
        "status = Path('/proc/self/status').read_text().split('VmHWM:')[1]\n"
        "print(json.dumps({'error': error, 'seconds': time.monotonic() - started,\n"
        "                  'self_mb': int(status.split()[0]) // 1024,\n"
        "                  'children_mb': resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "                                 .ru_maxrss // 1024}))\n")
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_ods_cell_a_million_rows_down_is_refused_before_any_grid(tmp_path: Path) -> None:
    """Before: calamine asked for a grid of 10⁹ cells (about 64 GB) and refused only
    beyond its own 10⁸; at row 100 000, column 300 it took 2.2 GB and 8 s."""
    path = ods_workbook(tmp_path / "far.ods", far_cell=(1_000_000, 1000))
    assert path.stat().st_size < 2_000
    outcome = _peak_of_a_read(path)
    assert outcome["error"] == (
        "LimitError: far.ods: sheet 'Data' spans 1,000,000 rows × 1,000 columns (a cell far "
        "from the table?); at most 5,000,000 cells are read from an .xls or .ods sheet, save "
        "it as CSV or .xlsx instead")
    assert outcome["seconds"] < 5
    assert outcome["self_mb"] < 400 and outcome["children_mb"] < 400, outcome


def test_an_xls_cell_at_iv65536_is_refused_within_the_childs_memory_cap() -> None:
    """Before: 1.3 GB and 4 s for this 5.6 KB file, which then loaded."""
    outcome = _peak_of_a_read(WORKBOOKS / "tidy_far_cell.xls")
    assert outcome["error"] == (
        "LimitError: tidy_far_cell.xls: the workbook needs more than 1,024 MB to read (a cell "
        "far from the table?); save it as CSV or .xlsx instead")
    assert outcome["seconds"] < 10
    assert outcome["self_mb"] < 400, outcome


@pytest.mark.parametrize("name", ["far.ods", "tidy_far_cell.xls"])
def test_ingest_of_a_far_cell_workbook_exits_2_with_one_line_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = (ods_workbook(tmp_path / name, far_cell=(1_000_000, 1000)) if name.endswith(".ods")
            else WORKBOOKS / name)
    store_path = tmp_path / "store.duckdb"
    with Store(store_path) as store:
        before = store.version()
    assert main(["--store", str(store_path), "ingest", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {name}: "), err
    with Store(store_path) as store:
        assert store.version() == before and store.datasets().empty


def test_a_sheet_over_the_row_limit_is_refused_from_its_reach(tmp_path: Path) -> None:
    path = ods_workbook(tmp_path / "long.ods", far_cell=(2_000, 3))
    with pytest.raises(LimitError, match=r"long\.ods: sheet 'Data' spans 2,000 rows × 5 "):
        excel.read(path, display_name=path.name, max_rows=1_000)
