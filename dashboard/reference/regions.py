"""Russia's 85 federal subjects: FCS/OKATO codes, ISO 3166-2 codes and RU/EN names."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from dashboard.reference.countries import country_name

_CSV = Path(__file__).with_name("regions.csv")
# FCS writes "69000 - ТОМСКАЯ ОБЛАСТЬ"; loaders and users also pass "69000" or "69".
_CODE = re.compile(r"^\s*(\d{5}|\d{2})(?!\d)")


@cache
def _table() -> pd.DataFrame:
    """The regions CSV as read once (every column text, codes keep their zeros)."""
    return pd.read_csv(_CSV, dtype=str, keep_default_na=False, encoding="utf-8")


def regions() -> pd.DataFrame:
    """All 85 regions: iso_code, fcs_code, FCS and proper names in RU/EN, federal district."""
    return _table().copy()


@cache
def fcs_region_map() -> dict[str, str]:
    """Every 5-digit FCS region code mapped to its ISO 3166-2 code."""
    table = _table()
    return dict(zip(table["fcs_code"], table["iso_code"], strict=True))


def _normalise(name: str) -> str:
    """Upper case, ё as Е, one kind of dash and single spaces, for name matching."""
    name = name.upper().replace("Ё", "Е").replace("—", "-").replace("–", "-")
    return " ".join(name.split())


@cache
def _name_index() -> dict[str, str]:
    """Every FCS and proper name (RU/EN), normalised, mapped to its ISO code."""
    table = _table()
    index: dict[str, str] = {}
    for column in ("fcs_name_ru", "fcs_name_en", "name_ru", "name_en"):
        index.update(zip(table[column].map(_normalise), table["iso_code"], strict=True))
    return index


def region_by_fcs_code(code: str) -> str | None:
    """ISO 3166-2 code for an FCS region ("69000", "69", "69000 - ТОМСКАЯ ОБЛАСТЬ"), or None."""
    match = _CODE.match(code)
    if match:
        digits = match.group(1)
        return fcs_region_map().get(digits if len(digits) == 5 else digits + "000")
    return _name_index().get(_normalise(code))


@cache
def _names() -> dict[str, dict[str, str]]:
    """ISO code -> {"ru": name, "en": name}."""
    table = _table()
    return {
        iso: {"ru": ru, "en": en}
        for iso, ru, en in zip(table["iso_code"], table["name_ru"], table["name_en"], strict=True)
    }


def region_name(iso_code: str, lang: str = "ru") -> str:
    """Proper RU/EN name of a region; a country name for a 2-letter code; else the code."""
    lang = "ru" if lang.lower().startswith("ru") else "en"
    code = iso_code.strip().upper()
    if code in _names():
        return _names()[code][lang]
    if len(code) == 2 and code.isalpha():
        # A reporter can be a whole country (ISO 3166-1), e.g. "RU" in Comtrade data.
        return country_name(code, lang)
    return iso_code


_TILES = Path(__file__).with_name("region_tiles.csv")


@cache
def _tiles() -> pd.DataFrame:
    return pd.read_csv(_TILES, dtype={"iso_code": str, "row": "int64", "col": "int64"},
                       encoding="utf-8")


def region_tiles() -> pd.DataFrame:
    """Tile-grid positions of the 85 subjects: iso_code, row (0 = north), col (0 = west)."""
    return _tiles().copy()
