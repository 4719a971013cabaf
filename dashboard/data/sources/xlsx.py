"""A streaming reader of .xlsx/.xlsm sheets: rows one by one, never the declared sheet size.

Calamine (used for .xls and .ods) builds a dense grid from the first to the
last cell: one stray cell at ``XFD1048576`` asks for 17 billion cells.  Here
the sheet's XML is parsed as a stream (expat, DTDs and entities refused), so
memory follows the rows actually present, cells right of ``max_columns`` are
skipped while parsing, and rows without a value are not produced at all.

Values are as calamine gives them: text, float, bool, ``datetime`` for a
number in a date format, ``None`` for an empty or error cell.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from dashboard.core.errors import LimitError, SchemaError

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_PART_BYTES = 4 << 30  # one unpacked XML part; a 1M-row sheet of 10 columns is ~0.5 GB
MAX_PART_RATIO = 1000  # sheet XML compresses well (~10-100x); far beyond is a bomb
MAX_SHARED_STRINGS = 10_000_000
# Built-in number formats that are dates (ECMA-376 Part 1, 18.8.30).
_DATE_FORMAT_IDS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def is_xlsx(path: Path) -> bool:
    """True for an Office Open XML workbook (a zip holding xl/workbook.xml)."""
    if not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def column_index(letters: str) -> int:
    """0-based column of Excel letters (A -> 0, AA -> 26)."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


class Workbook:
    """An open .xlsx: sheet names in order, and their rows as a stream."""

    def __init__(self, path: Path, *, display_name: str) -> None:
        self.display_name = display_name
        try:
            self._archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise self._unreadable(f"{type(exc).__name__}: {exc}") from None
        try:
            workbook = self._xml("xl/workbook.xml")
            rels_name = "xl/_rels/workbook.xml.rels"
            rels = self._xml(rels_name) if rels_name in self._archive.namelist() else None
            targets = {r.get("Id"): r.get("Target") for r in
                       (rels.iter(f"{_PKG_REL}Relationship") if rels is not None else [])}
            self.sheets: dict[str, str] = {}
            for sheet in workbook.iter(f"{_MAIN}sheet"):
                target = targets.get(sheet.get(f"{_REL}id"))
                if target:
                    self.sheets[sheet.get("name") or ""] = _member(target)
            properties = workbook.find(f"{_MAIN}workbookPr")
            self._epoch = (datetime(1904, 1, 1) if properties is not None and
                           properties.get("date1904") in {"1", "true"} else datetime(1899, 12, 30))
            self._date_styles = self._read_date_styles()
            self._strings: list[str] | None = None
        except BaseException:
            self._archive.close()
            raise

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def rows(self, sheet: str, *, max_columns: int,
             last_row: int | None = None) -> Iterator[tuple[int, list[object]]]:
        """(1-based row number, its first ``max_columns`` cells) of each row holding a value.

        Parsing stops after ``last_row`` when given (a header search reads a few rows only).
        """
        strings = self._shared_strings()
        member = self.sheets[sheet]
        with self._open(member) as handle:
            row_number = 0
            cells: list[object] = []
            has_value = False
            events = iterparse(handle, events=("start", "end"), forbid_dtd=True)
            try:
                for event, element in events:
                    tag = element.tag
                    if event == "start":
                        if tag == f"{_MAIN}row":
                            given = element.get("r")
                            row_number = int(given) if given and given.isdigit() else row_number + 1
                            if last_row is not None and row_number > last_row:
                                return
                            cells, has_value, position = [], False, 0
                        continue
                    if tag == f"{_MAIN}c":
                        ref = _CELL_REF.match(element.get("r") or "")
                        column = column_index(ref.group(1)) if ref else position
                        position = column + 1
                        if column < max_columns:
                            value = self._value(element, strings)
                            if value is not None and value != "":
                                cells.extend([None] * (column + 1 - len(cells)))
                                cells[column] = value
                                has_value = True
                        element.clear()
                    elif tag == f"{_MAIN}row":
                        if has_value:
                            yield row_number, cells
                        element.clear()
                        cells, has_value = [], False
                    elif tag == f"{_MAIN}sheetData":
                        return
            except (ParseError, DefusedXmlException, zipfile.BadZipFile, EOFError,
                    zlib.error, OSError) as exc:
                raise self._unreadable(f"{member}: {type(exc).__name__}: {exc}") from None

    # -- parts -------------------------------------------------------------------------------

    def _unreadable(self, found: str) -> SchemaError:
        return SchemaError(self.display_name, "a readable Excel workbook (.xlsx, .xls, .ods)",
                           found=found)

    def _open(self, member: str):  # type: ignore[no-untyped-def]  # noqa: ANN202
        try:
            info = self._archive.getinfo(member)
        except KeyError:
            raise self._unreadable(f"no part {member}") from None
        if info.file_size > MAX_PART_BYTES or (
                info.compress_size and info.file_size / info.compress_size > MAX_PART_RATIO):
            raise LimitError(f"{self.display_name}: {member} unpacks to {info.file_size:,} "
                             "bytes, beyond the accepted size or compression ratio")
        try:
            return self._archive.open(member)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
            raise self._unreadable(f"{member}: {exc}") from None

    def _xml(self, member: str) -> Element:
        """A small part (workbook, relationships, styles) parsed whole; DTDs are refused."""
        with self._open(member) as handle:
            try:
                return fromstring(handle.read(64 << 20), forbid_dtd=True)
            except (ParseError, DefusedXmlException, zipfile.BadZipFile, EOFError,
                    zlib.error) as exc:
                raise self._unreadable(f"{member}: {type(exc).__name__}: {exc}") from None

    def _read_date_styles(self) -> set[int]:
        """Indices of cell formats (``s`` attribute) that show a number as a date."""
        if "xl/styles.xml" not in self._archive.namelist():
            return set()
        styles = self._xml("xl/styles.xml")
        custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "")
                  for f in styles.iter(f"{_MAIN}numFmt")}
        formats = styles.find(f"{_MAIN}cellXfs")
        dates = set()
        for index, xf in enumerate(formats if formats is not None else []):
            number = int(xf.get("numFmtId", "0"))
            code = re.sub(r'"[^"]*"|\[[^]]*]', "", custom.get(number, ""))
            if number in _DATE_FORMAT_IDS or (number in custom and _DATE_CODE.search(code)):
                dates.add(index)
        return dates

    def _shared_strings(self) -> list[str]:
        if self._strings is not None:
            return self._strings
        strings: list[str] = []
        member = "xl/sharedStrings.xml"
        if member in self._archive.namelist():
            with self._open(member) as handle:
                try:
                    for _, element in iterparse(handle, events=("end",), forbid_dtd=True):
                        if element.tag == f"{_MAIN}si":
                            strings.append(_text(element))
                            element.clear()
                            if len(strings) > MAX_SHARED_STRINGS:
                                raise LimitError(f"{self.display_name}: more than "
                                                 f"{MAX_SHARED_STRINGS:,} distinct texts")
                except (ParseError, DefusedXmlException, zipfile.BadZipFile, EOFError,
                    zlib.error) as exc:
                    raise self._unreadable(f"{member}: {type(exc).__name__}: {exc}") from None
        self._strings = strings
        return strings

    def _value(self, cell: Element, strings: list[str]) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            found = cell.find(f"{_MAIN}is")
            return _text(found) if found is not None else None
        raw = cell.findtext(f"{_MAIN}v")
        if raw is None or kind == "e":
            return None  # an error value is refused by its cell address, see excel.py
        if kind == "s":
            index = int(raw) if raw.strip().isdigit() else -1
            return strings[index] if 0 <= index < len(strings) else None
        if kind == "b":
            return raw.strip() == "1"
        if kind in {"str", "d"}:
            return raw
        try:
            number = float(raw)
        except ValueError:
            return raw
        style = cell.get("s")
        if style and style.isdigit() and int(style) in self._date_styles and 0 <= number < 2958466:
            return self._epoch + timedelta(days=number)
        return number


def _text(element: Element) -> str:
    """The text of a plain (``<t>``) or rich (``<r><t>``) string item, without phonetic runs."""
    parts = []
    for child in element:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{_MAIN}t"))
    return "".join(parts)


def _member(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return str(PurePosixPath("xl") / target)
