"""Product baskets: named sets of HS code prefixes, and which codes fall in them.

A basket holds prefixes at any HS level (2, 4, 6, 8 or 10 digits). A code is in a
basket when one of the basket's prefixes starts it, so a code counts once in a
basket however many of its prefixes match (``07`` and ``0702``), and once in each
of two baskets that both hold it. Codes coarser than a prefix (chapter ``72`` for
a basket of ``7208``) are not members: aggregate at a level at least as fine as
the basket's finest prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from dashboard.reference.definitions import (
    DefinitionError,
    check_id,
    check_names,
    display_name,
    parse_definitions,
    split_list,
    write_table,
)
from dashboard.reference.names import NameRegistry, base_registry, name_of

__all__ = [
    "Basket",
    "DefinitionError",
    "basket_name",
    "baskets_to_csv",
    "in_basket",
    "members",
    "membership",
    "overlaps",
    "parse_baskets_csv",
    "starter_baskets",
    "validate_basket",
]

_CSV = Path(__file__).with_name("baskets.csv")
COLUMNS = ("id", "name_ru", "name_en", "codes")
OPTIONAL = ("source",)


@dataclass(frozen=True)
class Basket:
    """A named set of HS code prefixes; ``source`` says where the definition comes from."""

    id: str
    name_ru: str
    name_en: str
    codes: tuple[str, ...]
    source: str = ""


def validate_basket(basket: Basket, *, registry: NameRegistry | None = None) -> Basket:
    """The basket with a checked id, stripped names and sorted distinct prefixes.

    Raises DefinitionError for: an id that is malformed or a country code, no name
    at all, no prefix, a prefix that is not 2/4/6/8/10 digits, a prefix not in the
    loaded nomenclature (``registry``, default the bundled HS 2022).
    """
    registry = registry or base_registry()
    key = check_id(basket.id, "basket")
    name_ru, name_en = check_names(key, "basket", basket.name_ru, basket.name_en)
    codes = sorted({code.strip() for code in basket.codes if code.strip()})
    if not codes:
        raise DefinitionError(f"basket {key!r} is empty: give at least one HS code prefix",
                              field="codes")
    for code in codes:
        if not (code.isdigit() and len(code) in (2, 4, 6, 8, 10)):
            raise DefinitionError(
                f"basket {key!r}: HS code prefix {code!r} should be 2, 4, 6, 8 or 10 digits",
                field="codes")
        if not registry.knows(code):
            raise DefinitionError(
                f"basket {key!r}: unknown HS code prefix {code!r} "
                f"({name_of(code, 'en', registry=registry).name})", field="codes")
    return Basket(key, name_ru, name_en, tuple(codes), basket.source.strip())


def basket_name(basket: Basket, lang: str = "ru") -> tuple[str, str]:
    """(name, marker) as for HS codes: own language, else the other one marked "EN"/"RU"."""
    return display_name(basket.name_ru, basket.name_en, lang)


_LEVELS = (2, 4, 6, 8, 10)


def _holds(prefixes: frozenset[str], code: str) -> bool:
    """True when a prefix of ``code`` at an HS level is in ``prefixes``."""
    return code.isdigit() and any(code[:n] in prefixes for n in _LEVELS if n <= len(code))


def in_basket(code: str, basket: Basket) -> bool:
    """True when one of the basket's prefixes starts ``code`` (all-X confidential: never)."""
    return _holds(frozenset(basket.codes), code.strip())


def members(codes: Iterable[str], basket: Basket) -> list[str]:
    """The distinct codes of ``codes`` in the basket, in first-seen order."""
    prefixes = frozenset(basket.codes)
    seen: dict[str, None] = {}
    for code in codes:
        key = code.strip()
        if key not in seen and _holds(prefixes, key):
            seen[key] = None
    return list(seen)


def membership(codes: Iterable[str], baskets: Sequence[Basket]) -> pd.DataFrame:
    """One row per (hs_code, basket) pair where the code is in the basket.

    Columns ``hs_code``, ``basket`` (text). A code in two baskets gives two rows,
    one per basket; a code matched by two prefixes of one basket gives one row.
    Join it to a trade frame on ``hs_code`` and sum by ``basket``.
    """
    distinct = list(dict.fromkeys(code.strip() for code in codes))
    rows = []
    for basket in baskets:
        prefixes = frozenset(basket.codes)
        rows.extend((code, basket.id) for code in distinct if _holds(prefixes, code))
    return pd.DataFrame(rows, columns=["hs_code", "basket"], dtype=str)


def overlaps(baskets: Sequence[Basket]) -> list[tuple[str, str]]:
    """Pairs of basket ids (in the given order) that can hold a common code: one basket's
    prefix starts the other's. Flag these where baskets are ranked or summed together."""
    pairs = []
    for i, first in enumerate(baskets):
        for second in baskets[i + 1:]:
            if any(a.startswith(b) or b.startswith(a)
                   for a in first.codes for b in second.codes):
                pairs.append((first.id, second.id))
    return pairs


def parse_baskets_csv(text: str, file: str, *,
                      registry: NameRegistry | None = None) -> list[Basket]:
    """Baskets from CSV text: header ``id,name_ru,name_en,codes[,source]``, comma-separated,
    ``codes`` a list split on blanks, commas or semicolons. Every basket is validated;
    the first problem raises DefinitionError (SchemaError for the table's layout)
    naming the file, line and column."""

    def build(row: dict[str, str]) -> Basket:
        basket = Basket(row["id"], row["name_ru"], row["name_en"],
                        tuple(split_list(row["codes"])), row["source"])
        return validate_basket(basket, registry=registry)

    return parse_definitions(text, file, "basket", COLUMNS, OPTIONAL, build)


def baskets_to_csv(baskets: Iterable[Basket]) -> str:
    """CSV text that ``parse_baskets_csv`` reads back to the same baskets."""
    return write_table(COLUMNS + OPTIONAL,
                       ((basket.id, basket.name_ru, basket.name_en, " ".join(basket.codes),
                         basket.source) for basket in baskets))


@cache
def _starter() -> tuple[Basket, ...]:
    """baskets.csv as read and validated once."""
    return tuple(parse_baskets_csv(_CSV.read_text(encoding="utf-8"), _CSV.name))


def starter_baskets() -> list[Basket]:
    """The shipped baskets (petrochemicals, timber, vegetables, salt, rolled_metal)."""
    return list(_starter())

