""".xls and .ods sheets read by python-calamine in a child process with a memory cap.

Calamine builds every sheet of an .xls or .ods as a dense grid when the
workbook opens, about 60 bytes per cell from A1 to the farthest cell: a 6 KB
.xls with one cell at IV65536 took 1.2 GB.  Nothing tells the dimension
before that grid exists, so the grid is built in a child whose address space
is capped (RLIMIT_AS): a hostile file ends that child, never the app or the
command.  The child then refuses a sheet larger than ``max_cells`` before it
turns the grid into Python rows.

Run as ``python -m dashboard.data.sources.calamine_child``: a pickled request
on stdin, a pickled answer on stdout, the sheet being read on stderr.
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from dashboard.core.config import PROJECT_ROOT
from dashboard.core.errors import LimitError, SchemaError

CHILD_MEMORY_MB = 1024  # above the child's own start-up size; a 5M-cell sheet needs ~400 MB
_TIMEOUT_S = 600
_READING = "reading sheet: "


@dataclass(frozen=True)
class Request:
    """What the child reads: the first ``head_rows`` rows of every sheet (of the first only
    with ``first_only``), or all rows of ``sheet``."""

    path: str
    max_cells: int
    head_rows: int = 0
    first_only: bool = False
    sheet: str | None = None


def sheet_heads(path: Path, *, display_name: str, head_rows: int, max_cells: int,
                first_only: bool = False) -> tuple[list[str], list[tuple[str, list[list]]]]:
    """(sheet names, (name, first rows) of each sheet) of an .xls/.ods workbook."""
    answer = _run(Request(str(path), max_cells, head_rows=head_rows, first_only=first_only),
                  display_name)
    return answer["names"], answer["heads"]


def sheet_rows(path: Path, *, display_name: str, sheet: str, max_cells: int) -> list[list]:
    """Every row of one sheet of an .xls/.ods workbook, blank rows included."""
    return _run(Request(str(path), max_cells, sheet=sheet), display_name)["rows"]


def _run(request: Request, display_name: str) -> dict:
    # The child finds this package wherever the parent was started from.
    paths = [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    done = subprocess.run([sys.executable, "-m", __name__],
                          input=pickle.dumps(asdict(request)),
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
                          capture_output=True, timeout=_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise _died(display_name, done.returncode, done.stderr.decode("utf-8", "replace"))
    answer = pickle.loads(done.stdout)  # noqa: S301  # our own child's answer
    if "unreadable" in answer:
        raise SchemaError(display_name, "a readable Excel workbook (.xlsx, .xls, .ods)",
                          found=answer["unreadable"])
    if "too_large" in answer:
        name, height, width = answer["too_large"]
        raise LimitError(too_large(display_name, name, height, width, request.max_cells))
    return answer


def too_large(display_name: str, sheet: str, height: int, width: int, max_cells: int) -> str:
    """The one line refusing a sheet whose grid spans too many cells."""
    return (f"{display_name}: sheet '{sheet}' spans {height:,} rows × {width:,} columns "
            f"(a cell far from the table?); at most {max_cells:,} cells are read from an "
            ".xls or .ods sheet, save it as CSV or .xlsx instead")


def _died(display_name: str, returncode: int, stderr: str) -> LimitError | SchemaError:
    """Why the child ended: its memory cap (Rust aborts on a failed allocation, Python
    raises MemoryError), naming the sheet it was reading, or calamine failing otherwise."""
    lines = stderr.strip().splitlines()
    if returncode > 0 and not any("MemoryError" in line for line in lines[-3:]):
        return SchemaError(display_name, "a readable Excel workbook (.xlsx, .xls, .ods)",
                           found=lines[-1] if lines else f"exit code {returncode}")
    sheets = [line[len(_READING):] for line in lines if line.startswith(_READING)]
    where = f"sheet '{sheets[-1]}'" if sheets else "the workbook"
    return LimitError(f"{display_name}: {where} needs more than {CHILD_MEMORY_MB:,} MB to "
                      "read (a cell far from the table?); save it as CSV or .xlsx instead")


# -- the child ------------------------------------------------------------------------------

def _cap_memory(megabytes: int) -> None:
    """Cap this process's address space at its present size plus ``megabytes``."""
    with open("/proc/self/statm") as statm:  # size in pages, first field
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = size + (megabytes << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _answer(request: Request) -> dict:
    try:
        workbook = CalamineWorkbook.from_path(request.path)
    except Exception as exc:  # calamine raises its own error types per file format
        return {"unreadable": f"{type(exc).__name__}: {exc}"}
    with workbook:
        names = list(workbook.sheet_names)
        wanted = [request.sheet] if request.sheet is not None else (
            names[:1] if request.first_only else names)
        heads = []
        for name in wanted:
            print(_READING + name, file=sys.stderr, flush=True)
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height * sheet.width > request.max_cells:
                return {"too_large": (name, sheet.height, sheet.width)}
            if request.sheet is not None:
                return {"rows": sheet.to_python(skip_empty_area=False)}
            heads.append((name, sheet.to_python(skip_empty_area=False,
                                                nrows=request.head_rows)))
    return {"names": names, "heads": heads}


def main() -> None:
    """Read the request on stdin, answer on stdout."""
    request = Request(**pickle.loads(sys.stdin.buffer.read()))  # noqa: S301  # our parent's
    _cap_memory(CHILD_MEMORY_MB)
    sys.stdout.buffer.write(pickle.dumps(_answer(request)))


if __name__ == "__main__":
    main()
