"""``update``: fetch what is newer than the store holds, from every source it came from.

Exit codes: 0 everything reachable is current, 2 a source failed otherwise
(e.g. a reply in an unknown layout), 3 a source could not be reached (the
others were still updated).
"""

from __future__ import annotations

import argparse

from dashboard.core.config import settings
from dashboard.data.store import Store
from dashboard.jobs.updates import update_all


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``update``."""
    p = sub.add_parser("update", help="fetch newer rates, Comtrade years and customs months for "
                                      "everything the store already holds")
    p.set_defaults(func=_update)


def _update(args: argparse.Namespace) -> int:
    store = Store(settings(args.store).store)
    run = update_all(store, report=lambda outcome: print(outcome.line(), flush=True))
    if not run.outcomes:
        print("nothing to update: the store holds no rates, Comtrade or customs data yet")
    return run.exit_code
