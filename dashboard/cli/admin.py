"""``hash-password``: the stored form of a sign-in password for ``.streamlit/secrets.toml``."""

from __future__ import annotations

import argparse
import getpass
import sys

from dashboard.core.passwords import hash_password

OK, BAD_INPUT = 0, 2
MIN_LENGTH = 12


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "hash-password", help="print the scrypt hash of a password (asked, or read from stdin)",
        description="Print scrypt$n$r$p$salt$hash for viewer_password_hash or "
                    "editor_password_hash in [oborot.auth] (see docs/deploy.md).")
    p.set_defaults(func=run_hash_password)


def run_hash_password(args: argparse.Namespace) -> int:
    """Ask twice on a terminal; read one line from a pipe (for scripts)."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("error: the two passwords differ", file=sys.stderr)
            return BAD_INPUT
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_LENGTH:
        print(f"error: expected a password of at least {MIN_LENGTH} characters",
              file=sys.stderr)
        return BAD_INPUT
    print(hash_password(password))
    return OK
