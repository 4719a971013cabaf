"""One logging configuration for the app and the command line, and error references.

Records go to stderr and to a file: ``OBOROT_LOG`` if set, else ``oborot.log``
beside the store.  An unexpected exception is logged once with its traceback
under a short reference (``E-1a2b3c4d``) that the user sees instead of the raw
message, so a report can be matched to its traceback.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from pathlib import Path

from dashboard.core.config import settings

LOG_ENV = "OBOROT_LOG"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_oborot_handler"  # set on our handlers so a second configure() adds none


class _OneLine(logging.Formatter):
    """stderr gets one line per record: the traceback is for the file."""

    def format(self, record: logging.LogRecord) -> str:
        plain = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return super().format(plain)


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201 - the stream of the moment
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def log_path(store: str | os.PathLike[str] | None = None) -> Path:
    """Where the log file goes: ``OBOROT_LOG``, else ``oborot.log`` in the store's folder."""
    chosen = os.environ.get(LOG_ENV, "").strip()
    return Path(chosen) if chosen else settings(store).store_path.parent / "oborot.log"


def configure(*, level: int = logging.INFO, stderr_level: int = logging.WARNING,
              store: str | os.PathLike[str] | None = None) -> Path | None:
    """Attach the stderr and file handlers to the ``dashboard`` logger (once per process).

    The file gets records from ``level`` up, stderr from ``stderr_level`` up (the
    CLI's ``--verbose`` lowers it).  Returns the log file, or None when it cannot
    be written (then stderr only).
    """
    logger = logging.getLogger("dashboard")
    logger.setLevel(min(level, stderr_level))
    ours = [h for h in logger.handlers if getattr(h, _MARK, False)]
    for handler in ours:
        if isinstance(handler, _Stderr):
            handler.setLevel(stderr_level)
    existing = [h for h in ours if isinstance(h, logging.FileHandler)]
    if ours:
        return Path(existing[0].baseFilename) if existing else None
    stream = _Stderr()
    stream.setLevel(stderr_level)
    handlers: list[logging.Handler] = [stream]
    path: Path | None = log_path(store)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file = logging.FileHandler(path, encoding="utf-8", delay=False)
        file.setLevel(level)
        handlers.append(file)
    except OSError:
        path = None
    stream.setFormatter(_OneLine(FORMAT))
    for handler in handlers:
        if handler is not stream:
            handler.setFormatter(logging.Formatter(FORMAT))
        setattr(handler, _MARK, True)
        logger.addHandler(handler)
    return path


def new_reference() -> str:
    """A short id naming one failure in the log and on screen: ``E-1a2b3c4d``."""
    return f"E-{uuid.uuid4().hex[:8]}"


def log_unexpected(logger: logging.Logger, exc: BaseException, what: str) -> str:
    """Log ``exc`` with its traceback under a new reference; return the reference."""
    reference = new_reference()
    logger.error("%s [%s]: %s: %s", what, reference, type(exc).__name__, exc,
                 exc_info=(type(exc), exc, exc.__traceback__))
    return reference
