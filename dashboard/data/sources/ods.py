"""How far each sheet of an .ods workbook reaches, read without building its grid.

An .ods sheet declares no dimension: a row or a cell may say it repeats a
million times.  Calamine builds the grid from A1 to the farthest cell holding
a value (empty repeats, e.g. LibreOffice's trailing blank rows, cost nothing),
so that cell, found here by streaming content.xml through a SAX parser in
constant memory, tells what reading the sheet would cost before it is read.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax import SAXException
from xml.sax.handler import ContentHandler, feature_namespaces

from defusedxml import sax

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CELLS = {(_TABLE, "table-cell"), (_TABLE, "covered-table-cell")}
_MAX_REPEAT = 1 << 31  # a repeat count beyond any sheet is still a number to compare


@dataclass(frozen=True)
class Extent:
    """A sheet's grid as calamine would build it: rows and columns up to the farthest value."""

    sheet: str
    rows: int
    columns: int


class _Scan(ContentHandler):
    """Counts rows and columns, repeats included, keeping only the farthest value's place."""

    def __init__(self) -> None:
        super().__init__()
        self.extents: list[Extent] = []
        self._sheet = ""
        self._row = self._rows = self._columns = 0
        self._row_repeat = self._column = 0
        self._row_has_value = False
        self._cell_repeat = 0
        self._cell_has_value = False
        self._depth_in_cell = 0

    def startElementNS(self, name, qname, attrs) -> None:  # noqa: ANN001, N802
        if self._depth_in_cell:
            self._depth_in_cell += 1
            self._cell_has_value = True  # text or an annotation: calamine keeps a value
            return
        if name == (_TABLE, "table"):
            self._sheet = attrs.get((_TABLE, "name"), "")
            self._row = self._rows = self._columns = 0
        elif name == (_TABLE, "table-row"):
            self._row_repeat = _repeat(attrs.get((_TABLE, "number-rows-repeated")))
            self._column, self._row_has_value = 0, False
        elif name in _CELLS:
            self._cell_repeat = _repeat(attrs.get((_TABLE, "number-columns-repeated")))
            self._cell_has_value = (_OFFICE, "value-type") in attrs.getNames()
            self._depth_in_cell = 1

    def endElementNS(self, name, qname) -> None:  # noqa: ANN001, N802
        if self._depth_in_cell > 1:
            self._depth_in_cell -= 1
            return
        if name in _CELLS:
            self._depth_in_cell = 0
            self._column += self._cell_repeat
            if self._cell_has_value:
                self._columns = max(self._columns, self._column)
                self._row_has_value = True
        elif name == (_TABLE, "table-row"):
            self._row += self._row_repeat
            if self._row_has_value:
                self._rows = self._row
        elif name == (_TABLE, "table"):
            self.extents.append(Extent(self._sheet, self._rows, self._columns))


def _repeat(text: str | None) -> int:
    try:
        return min(max(int(text or 1), 1), _MAX_REPEAT)
    except ValueError:
        return 1


def extents(path: Path) -> list[Extent] | None:
    """Each sheet's extent, or None when the file is no readable .ods (calamine judges it)."""
    handler = _Scan()
    parser = sax.make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            parser.parse(content)
    except (KeyError, OSError, zipfile.BadZipFile, SAXException, ValueError):
        return None
    return handler.extents
