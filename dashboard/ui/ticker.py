"""The rates ticker at the top of every page: "$ 104,35 +3,05 · € 108,73 +2,63"."""

from __future__ import annotations


def ticker(lang: str) -> None:
    """Official rates of the day with their change, source and as-of date (never blocks)."""
    return None
