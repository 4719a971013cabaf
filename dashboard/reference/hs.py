"""Harmonized System sections and chapters with short RU/EN names.

A code's name at any level comes from ``dashboard.reference.names.hs_name``: the one
naming function, which also knows headings, subheadings and the store's names.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from dashboard.core.terms import CONFIDENTIAL_HS, is_confidential_code

is_confidential = is_confidential_code
"""The one confidential rule (dashboard.core.terms), under the name this module exports."""

__all__ = [
    "CONFIDENTIAL_HS",
    "CONFIDENTIAL_NAMES",
    "hs_chapters",
    "hs_sections",
    "is_confidential",
    "section_name",
    "section_of",
]

_DIR = Path(__file__).parent
CONFIDENTIAL_NAMES = {"ru": "Конфиденциально", "en": "Confidential"}
"""How an undisclosed commodity (all-X code) is shown."""


@cache
def _sections() -> pd.DataFrame:
    """hs_sections.csv as read once."""
    return pd.read_csv(_DIR / "hs_sections.csv", dtype=str, keep_default_na=False)


@cache
def _chapters() -> pd.DataFrame:
    """hs_chapters.csv as read once, with ``reserved`` as a bool."""
    table = pd.read_csv(_DIR / "hs_chapters.csv", dtype=str, keep_default_na=False)
    return table.assign(reserved=table["reserved"].eq("1"))


def hs_sections() -> pd.DataFrame:
    """The 21 sections: section (I-XXI), chapter_from, chapter_to, name_ru, name_en."""
    return _sections().copy()


def hs_chapters() -> pd.DataFrame:
    """Chapters 01-97: chapter, section, reserved (True for 77 only), name_ru, name_en."""
    return _chapters().copy()


@cache
def _chapter_index() -> dict[str, tuple[str, str, str]]:
    """Chapter -> (section, name_ru, name_en)."""
    table = _chapters()
    return {
        row.chapter: (row.section, row.name_ru, row.name_en)
        for row in table.itertuples(index=False)
    }


@cache
def _section_index() -> dict[str, tuple[str, str]]:
    """Section id -> (name_ru, name_en)."""
    table = _sections()
    return {row.section: (row.name_ru, row.name_en) for row in table.itertuples(index=False)}


def section_of(chapter: str) -> str:
    """Roman-numeral section of an HS chapter or longer code ("39", "3901") -> "VII"."""
    key = chapter.strip()[:2]
    try:
        return _chapter_index()[key][0]
    except KeyError:
        raise ValueError(f"not an HS chapter 01-97: {chapter!r}") from None


def section_name(section: str, lang: str = "ru") -> str:
    """Short RU/EN name of a section id ("VII"); the id itself when unknown."""
    names = _section_index().get(section.strip().upper())
    if names is None:
        return section
    return names[0 if lang.lower().startswith("ru") else 1]
