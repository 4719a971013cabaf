"""Command line: ``python -m dashboard [--store PATH] COMMAND`` (the same pipeline as the pages)."""

from __future__ import annotations

import argparse
import errno
import logging
import sys

from dashboard.cli import COMMAND_GROUPS
from dashboard.core.errors import OborotError, SourceError
from dashboard.core.log import configure, log_unexpected

log = logging.getLogger("dashboard.cli")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group registered."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboard", description="Oborot: regional foreign-trade statistics."
    )
    parser.add_argument("--store", help="DuckDB store file (default: $OBOROT_STORE or "
                                        "data/oborot.duckdb)")
    parser.add_argument("--verbose", "-v", action="store_true", help="log what is done")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMAND_GROUPS:
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit 0 on success, 2 on bad input, 3 when a source is unreachable."""
    parser = build_parser()
    args = parser.parse_args(argv)
    configure(level=logging.INFO, stderr_level=logging.INFO if args.verbose else logging.WARNING,
              store=args.store)
    try:
        return int(args.func(args) or 0)
    except OborotError as exc:
        log.info("%s failed: %s", args.command, exc)
        print(f"error: {exc}", file=sys.stderr)
        return 3 if isinstance(exc, SourceError) else 2
    except KeyboardInterrupt:
        print("interrupted; nothing was half-written", file=sys.stderr)
        return 130
    except Exception as exc:
        reason = _storage_full(exc)
        if reason is not None:
            print(f"error: could not write the store ({reason}); the change was rolled back "
                  "and the stored data is as before", file=sys.stderr)
            return 2
        reference = log_unexpected(log, exc, f"command {args.command} failed")
        print(f"error: internal error {reference} ({type(exc).__name__}); the traceback is in "
              f"the log", file=sys.stderr)
        return 1


_FULL = {errno.ENOSPC: "no space left on the device", errno.EFBIG: "file size limit reached",
         errno.EDQUOT: "disk quota exceeded"}
_FULL_TEXT = {"No space left on device": _FULL[errno.ENOSPC],
              "File too large": _FULL[errno.EFBIG], "Disk quota exceeded": _FULL[errno.EDQUOT]}


def _storage_full(exc: BaseException) -> str | None:
    """Why a write failed when the disk (or a size limit) is full, whatever the engine said."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in _FULL:
            return _FULL[seen.errno]
        text = str(seen)  # engines (DuckDB, PostgreSQL) report it in their own exception types
        for marker, reason in _FULL_TEXT.items():
            if marker in text:
                return reason
        seen = seen.__cause__ or seen.__context__
    return None


if __name__ == "__main__":
    sys.exit(main())
