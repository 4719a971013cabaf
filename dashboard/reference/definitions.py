"""What baskets and partner groups share: the id rule, the error, the CSV reader and writer."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from dashboard.core.errors import OborotError, SchemaError
from dashboard.reference.countries import country_code, country_name, known_partner_codes

_ID = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")


class _Definition(Protocol):
    @property
    def id(self) -> str: ...


_D = TypeVar("_D", bound=_Definition)


class DefinitionError(OborotError):
    """A basket or partner group cannot be accepted as given; the message says why.

    ``field`` names the part at fault (``id``, ``name_ru``, ``codes``, ``partners``),
    so a CSV reader can point at the column.
    """

    def __init__(self, message: str, *, field: str = "id") -> None:
        self.field = field
        super().__init__(message)


def located(error: DefinitionError, file: str, line: int) -> DefinitionError:
    """The same error prefixed with where it is: "baskets.csv, line 3, column codes: ..."."""
    return DefinitionError(f"{file}, line {line}, column {error.field}: {error}",
                           field=error.field)


def check_id(value: str, what: str) -> str:
    """A basket/group id, lower-cased: a letter, then 1-39 of a-z 0-9 _ -, and not a
    country code or name (so "--partner ID" never means two things)."""
    key = value.strip().lower()
    if not _ID.match(key):
        raise DefinitionError(
            f"{what} id {value!r}: expected a letter followed by 1-39 of a-z, 0-9, '_', '-'")
    clash = key.upper() if key.upper() in known_partner_codes() else country_code(key)
    if clash:
        raise DefinitionError(
            f"{what} id {value!r} clashes with the country code {clash} "
            f"({country_name(clash, 'en')}); choose another id")
    return key


def check_names(key: str, what: str, name_ru: str, name_en: str) -> tuple[str, str]:
    """Both names stripped; DefinitionError (column name_ru) when neither is given."""
    name_ru, name_en = name_ru.strip(), name_en.strip()
    if not name_ru and not name_en:
        raise DefinitionError(f"{what} {key!r}: give a Russian or an English name",
                              field="name_ru")
    return name_ru, name_en


def display_name(name_ru: str, name_en: str, lang: str = "ru") -> tuple[str, str]:
    """(name, marker) as for HS codes: own language, else the other one marked "EN"/"RU"."""
    ru_first = lang.lower().startswith("ru")
    own, other = (name_ru, name_en) if ru_first else (name_en, name_ru)
    if own:
        return own, ""
    return other, "EN" if ru_first else "RU"


def split_list(text: str) -> list[str]:
    """"3901,3902 29" / "KZ; KG" -> items, split on commas, semicolons and blanks."""
    return [item for item in re.split(r"[\s,;]+", text.strip()) if item]


def read_table(text: str, file: str, required: tuple[str, ...],
               optional: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of a comma-separated UTF-8 table with a header naming ``required``
    columns (``optional`` ones may be absent, read as ""); blank lines skipped."""
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    for row in reader:
        if not row or all(not cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            missing = [name for name in required if name not in header]
            if missing:
                raise SchemaError(file, f"a header with columns {', '.join(required)}",
                                  line=reader.line_num, column=missing[0],
                                  found=",".join(row))
            continue
        if len(row) != len(header):
            raise SchemaError(file, f"{len(header)} fields as in the header", line=reader.line_num,
                              found=f"{len(row)} fields")
        cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
        yield reader.line_num, {name: cells.get(name, "") for name in required + optional}
    if header is None:
        raise SchemaError(file, f"a header with columns {', '.join(required)}", line=1)


def parse_definitions(text: str, file: str, what: str, required: tuple[str, ...],
                      optional: tuple[str, ...], build: Callable[[dict[str, str]], _D]) -> list[_D]:
    """Definitions from a CSV table (see ``read_table``), one ``build(row)`` per row.

    A DefinitionError from ``build`` is re-raised naming the file, line and column;
    an id seen twice raises SchemaError naming both lines. ``what`` ("basket",
    "group") words that message."""
    items: list[_D] = []
    seen: dict[str, int] = {}
    for line, row in read_table(text, file, required, optional):
        try:
            item = build(row)
        except DefinitionError as error:
            raise located(error, file, line) from None
        if item.id in seen:
            raise SchemaError(file, f"each {what} id once (first on line {seen[item.id]})",
                              line=line, column="id", found=item.id)
        seen[item.id] = line
        items.append(item)
    return items


def write_table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    """CSV text, "\\n"-terminated, that ``read_table`` reads back: ``header`` then ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
