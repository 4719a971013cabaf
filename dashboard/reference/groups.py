"""Partner groups: named sets of partner countries with dated memberships.

A membership is a country and the calendar years it counts in the group
(``valid_from``/``valid_to``, inclusive, empty = open). Rule for a year: a
country counts in year Y when it was a member on 31 December of Y; so the
United Kingdom (left the EU on 31 January 2020) counts in the EU up to 2019,
and Kyrgyzstan (joined the EAEU on 12 August 2015) from 2015. Annual figures
of a group are then the sum over the members of that year.

In a CSV, members are written ``KZ`` (always a member) or ``GB:1973-2019``,
``HR:2013-``, ``UA:-2017``, separated by blanks, commas or semicolons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from dashboard.reference.countries import SPECIAL_PARTNERS, iso2_from_iso3, known_partner_codes
from dashboard.reference.definitions import (
    DefinitionError,
    check_id,
    check_names,
    display_name,
    parse_definitions,
    split_list,
    write_table,
)

__all__ = [
    "DefinitionError",
    "Membership",
    "PartnerGroup",
    "group_name",
    "groups_to_csv",
    "members",
    "membership",
    "parse_groups_csv",
    "parse_member",
    "starter_groups",
    "validate_group",
]

_CSV = Path(__file__).with_name("partner_groups.csv")
COLUMNS = ("id", "name_ru", "name_en", "partners")
OPTIONAL = ("source",)
_MEMBER = re.compile(r"^([A-Za-z]{2,3})(?::(\d{4})?-(\d{4})?)?$")
_YEARS = (1900, 2100)


@dataclass(frozen=True)
class Membership:
    """A country (ISO 3166-1 alpha-2) and the years it counts, inclusive; None = open."""

    country: str
    valid_from: int | None = None
    valid_to: int | None = None

    def covers(self, year: int) -> bool:
        """True when the country counts in the group in ``year``."""
        return ((self.valid_from is None or self.valid_from <= year)
                and (self.valid_to is None or year <= self.valid_to))

    def text(self) -> str:
        """"GB:1973-2019", "HR:2013-", "KZ": the CSV form."""
        if self.valid_from is None and self.valid_to is None:
            return self.country
        return f"{self.country}:{self.valid_from or ''}-{self.valid_to or ''}"


@dataclass(frozen=True)
class PartnerGroup:
    """A named set of partner countries with dated memberships and their source."""

    id: str
    name_ru: str
    name_en: str
    members: tuple[Membership, ...]
    source: str = ""


def _country(value: str) -> str:
    """ISO alpha-2 for an alpha-2 or alpha-3 code of a real country; else DefinitionError."""
    code = value.strip().upper()
    if len(code) == 3:
        code = iso2_from_iso3(code) or code
    if code in SPECIAL_PARTNERS or code == "EU" or code not in known_partner_codes():
        raise DefinitionError(
            f"unknown country code {value!r}: expected an ISO 3166-1 code such as KZ or KAZ",
            field="partners")
    return code


def parse_member(text: str) -> Membership:
    """"KZ" / "GB:1973-2019" / "HR:2013-" / "UA:-2017" -> Membership; else DefinitionError."""
    match = _MEMBER.match(text.strip())
    if not match:
        raise DefinitionError(
            f"partner {text!r}: expected a country code, optionally with years "
            "as CODE:FROM-TO (GB:1973-2019, HR:2013-)", field="partners")
    code, start, end = match.groups()
    valid_from = int(start) if start else None
    valid_to = int(end) if end else None
    for year in (valid_from, valid_to):
        if year is not None and not _YEARS[0] <= year <= _YEARS[1]:
            raise DefinitionError(f"partner {text!r}: year {year} outside {_YEARS[0]}-"
                                  f"{_YEARS[1]}", field="partners")
    if valid_from is not None and valid_to is not None and valid_from > valid_to:
        raise DefinitionError(f"partner {text!r}: the first year is after the last",
                              field="partners")
    return Membership(_country(code), valid_from, valid_to)


def _parse_members(key: str, texts: Iterable[str]) -> list[Membership]:
    """parse_member on each text, errors prefixed with the group id."""
    try:
        return [parse_member(text) for text in texts]
    except DefinitionError as error:
        raise DefinitionError(f"partner group {key!r}: {error}", field=error.field) from None


def validate_group(group: PartnerGroup) -> PartnerGroup:
    """The group with a checked id, stripped names and members sorted by country and year.

    Raises DefinitionError for a malformed id or one that is a country code, no
    name at all, no member, an unknown country, bad years, or the same country
    in two memberships that share a year.
    """
    key = check_id(group.id, "partner group")
    name_ru, name_en = check_names(key, "partner group", group.name_ru, group.name_en)
    if not group.members:
        raise DefinitionError(f"partner group {key!r} is empty: give at least one country",
                              field="partners")
    checked = _parse_members(key, [member.text() for member in group.members])
    checked.sort(key=lambda m: (m.country, m.valid_from or 0))
    for before, after in zip(checked, checked[1:], strict=False):
        if before.country == after.country and (
                before.valid_to is None or after.valid_from is None
                or after.valid_from <= before.valid_to):
            raise DefinitionError(
                f"partner group {key!r}: {before.text()} and {after.text()} overlap",
                field="partners")
    return PartnerGroup(key, name_ru, name_en, tuple(checked), group.source.strip())


def group_name(group: PartnerGroup, lang: str = "ru") -> tuple[str, str]:
    """(name, marker): own language, else the other one marked "EN"/"RU"."""
    return display_name(group.name_ru, group.name_en, lang)


def members(group: PartnerGroup, year: int) -> frozenset[str]:
    """The countries (ISO alpha-2) that count in ``group`` in calendar ``year``."""
    return frozenset(m.country for m in group.members if m.covers(year))


def membership(groups: Sequence[PartnerGroup], years: Iterable[int]) -> pd.DataFrame:
    """One row per (year, partner, group) where the partner counts in the group that year.

    Columns ``year`` (int64), ``partner`` and ``group`` (text). Join it to an
    annual trade frame on (year, partner) and sum by (group, year); a country in
    two groups gives one row in each.
    """
    rows = [(year, country, group.id) for group in groups for year in sorted(set(years))
            for country in sorted(members(group, year))]
    frame = pd.DataFrame(rows, columns=["year", "partner", "group"])
    return frame.astype({"year": "int64", "partner": str, "group": str})


def parse_groups_csv(text: str, file: str) -> list[PartnerGroup]:
    """Groups from CSV text: header ``id,name_ru,name_en,partners[,source]``; every group
    is validated and the first problem names the file, line and column."""

    def build(row: dict[str, str]) -> PartnerGroup:
        key = check_id(row["id"], "partner group")
        parsed = tuple(_parse_members(key, split_list(row["partners"])))
        return validate_group(PartnerGroup(key, row["name_ru"], row["name_en"],
                                           parsed, row["source"]))

    return parse_definitions(text, file, "group", COLUMNS, OPTIONAL, build)


def groups_to_csv(groups: Iterable[PartnerGroup]) -> str:
    """CSV text that ``parse_groups_csv`` reads back to the same groups."""
    return write_table(COLUMNS + OPTIONAL,
                       ((group.id, group.name_ru, group.name_en,
                         " ".join(m.text() for m in group.members), group.source)
                        for group in groups))


@cache
def _starter() -> tuple[PartnerGroup, ...]:
    """partner_groups.csv as read and validated once."""
    return tuple(parse_groups_csv(_CSV.read_text(encoding="utf-8"), _CSV.name))


def starter_groups() -> list[PartnerGroup]:
    """The shipped groups: eaeu, cis, european_union, eu27_2020, central_asia, brics, sco."""
    return list(_starter())
