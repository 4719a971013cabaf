"""Command groups of ``python -m dashboard``; each module has ``register(subparsers)``."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from dashboard.cli import (
    admin,
    analysis,
    compare,
    deck,
    definitions,
    rates,
    sources,
    trade,
    update,
)

COMMAND_GROUPS: list[Callable[[argparse._SubParsersAction], None]] = [
    module.register
    for module in (trade, analysis, compare, rates, sources, update, deck, admin, definitions)
]
