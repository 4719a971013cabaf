"""Command line: ``python -m dashboard [--store PATH] COMMAND`` (the same pipeline as the pages)."""

from __future__ import annotations

import argparse
import errno
import logging
import sys

from dashboard.core.errors import OborotError

log = logging.getLogger("dashboard")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group registered."""
    from dashboard.cli import COMMAND_GROUPS

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
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except OborotError as exc:
        from dashboard.core.errors import SourceError

        print(f"error: {exc}", file=sys.stderr)
        return 3 if isinstance(exc, SourceError) else 2
    except KeyboardInterrupt:
        print("interrupted; nothing was half-written", file=sys.stderr)
        return 130
    except Exception as exc:  # shown as one line; the traceback goes to the log (--verbose)
        log.debug("unexpected failure", exc_info=True)
        reason = _storage_full(exc)
        if reason is not None:
            print(f"error: could not write the store ({reason}); the change was rolled back "
                  "and the stored data is as before", file=sys.stderr)
            return 2
        print(f"error: unexpected failure ({type(exc).__name__}: {str(exc)[:300]}); run with "
              "--verbose for details", file=sys.stderr)
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
