"""Domain exceptions whose messages a user can act on."""

from __future__ import annotations


class OborotError(Exception):
    """Base of every error Oborot shows to a user (never a traceback)."""


class SchemaError(OborotError):
    """A file does not match the layout it claims: names file, line and column."""

    def __init__(
        self,
        file: str,
        expected: str,
        *,
        line: int | None = None,
        column: str | None = None,
        found: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.expected = expected
        # A 10 MB cell must not make a 10 MB message: quote its start only.
        self.found = found if found is None or len(found) <= 200 else found[:200] + "…"
        super().__init__(self._message())

    def _message(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found!r}"
        return text


class SourceError(OborotError):
    """An outside service or file source failed (network, HTTP status, garbage body)."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        super().__init__(f"{source}: {message}")


class LimitError(OborotError):
    """An input exceeds a configured limit (upload size, row count, archive size)."""


class NotFoundError(OborotError):
    """A dataset, region or partner asked for is not in the store."""
