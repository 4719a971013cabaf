"""Command groups of ``python -m dashboard``; each module has ``register(subparsers)``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from importlib import import_module

_MODULES = ("trade", "analysis", "rates", "sources", "update", "deck", "admin",
            "definitions")


def _registrars() -> list[Callable[[argparse._SubParsersAction], None]]:
    found = []
    for name in _MODULES:
        try:
            module = import_module(f"dashboard.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"dashboard.cli.{name}":
                raise
            continue
        found.append(module.register)
    return found


COMMAND_GROUPS = _registrars()
