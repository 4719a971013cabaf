"""Publisher formats beyond FCS and the generic table, in the order detect.py tries them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dashboard.data.sources.base import Sniff, TradeBatches

Reader = Callable[[Path, Sniff], TradeBatches]


def readers() -> dict[str, tuple[Callable[[Sniff], bool], Reader]]:
    """Format name -> (does the sniffed header match, reader); Comtrade before BACI."""
    from dashboard.data.sources import baci, comtrade

    return {
        "comtrade": (comtrade.matches, comtrade.read),
        "baci": (baci.matches, baci.read),
    }
