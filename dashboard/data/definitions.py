"""The store's user definitions: HS names, product baskets and partner groups.

They live in the store, beside the trade rows, so that every user of a shared
deployment sees the same baskets, groups and names. Three small tables, written
in plain SQL that DuckDB and PostgreSQL both accept (``?`` parameters, no
engine-specific types), created on first use:

* ``hs_names (code, name_ru, name_en, source)`` — names loaded by the user
  (``reference import``) or carried by loaded data (Comtrade ``cmdDesc``);
* ``baskets (id, name_ru, name_en, codes, source)`` — ``codes`` the prefixes
  joined by blanks, as in the CSV;
* ``partner_groups (id, name_ru, name_en, partners, source)`` — ``partners`` the
  memberships joined by blanks (``KZ GB:1973-2019``), as in the CSV.

Seeding: the shipped starter baskets and groups are written into the store once,
by the schema migration that creates these tables (version 4 of both engines).
They are then ordinary definitions a user may edit or delete, and a deleted
starter stays deleted (seeding "whenever missing" would bring back what a user
removed on purpose). An older store gets the starters when it is upgraded.

Every write checks its input first and runs in one transaction: bad input raises
``DefinitionError`` and stores nothing. Each write bumps the store's version
(``Store.transaction``), so cached answers drop in every app instance.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from dashboard.reference.baskets import Basket, starter_baskets, validate_basket
from dashboard.reference.definitions import DefinitionError, split_list
from dashboard.reference.groups import PartnerGroup, parse_member, starter_groups, validate_group
from dashboard.reference.names import (
    NameEntry,
    NameRegistry,
    base_registry,
    names_from_comtrade,
)

__all__ = [
    "basket",
    "baskets",
    "delete_basket",
    "delete_group",
    "group",
    "groups",
    "name_entries",
    "names_registry",
    "replace_baskets",
    "replace_groups",
    "save_basket",
    "save_group",
    "save_carried_names",
    "save_names",
]

if TYPE_CHECKING:  # the store's migrations run DDL and seed_starters from this module
    from dashboard.data.store import Store

log = logging.getLogger(__name__)

_D = TypeVar("_D", Basket, PartnerGroup)

DDL = (
    "CREATE TABLE IF NOT EXISTS hs_names (code VARCHAR PRIMARY KEY, name_ru VARCHAR NOT NULL, "
    "name_en VARCHAR NOT NULL, source VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS baskets (id VARCHAR PRIMARY KEY, name_ru VARCHAR NOT NULL, "
    "name_en VARCHAR NOT NULL, codes VARCHAR NOT NULL, source VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS partner_groups (id VARCHAR PRIMARY KEY, "
    "name_ru VARCHAR NOT NULL, name_en VARCHAR NOT NULL, partners VARCHAR NOT NULL, "
    "source VARCHAR NOT NULL)",
)
"""Schema version 4 of both engines' migrations (with ``seed_starters``)."""


class _Connection:
    """An engine's connection with ``execute(sql, params)`` in portable ``?`` SQL."""

    def __init__(self, engine: Any, con: Any) -> None:
        self._engine, self._con = engine, con

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        return self._engine.execute(self._con, sql, params)


def seed_starters(engine: Any, con: Any) -> None:
    """Migration step: write the starter baskets and groups once, when the tables are made.

    Seeded once per store, not "whenever missing": a starter the user deleted
    stays deleted.
    """
    wrapped = _Connection(engine, con)
    for item in starter_baskets():
        _write_basket(wrapped, item)
    for item in starter_groups():
        _write_group(wrapped, item)
    log.info("starter baskets and partner groups written into the store")


@contextmanager
def _connection(store: Store, *, write: bool) -> Iterator[Any]:
    """A connection; ``write`` wraps the body in one transaction that bumps the store's
    version (cached answers drop) and rolls back on any error."""
    if write:
        with store.transaction() as con:
            yield _Connection(store.engine, con)
    else:
        with store.connect() as con:
            yield _Connection(store.engine, con)


# -- names -------------------------------------------------------------------------------


def save_names(store: Store, entries: Iterable[NameEntry], *, source: str,
               replace: bool = True) -> int:
    """Store names; ``replace=False`` only fills codes and languages with no stored name.

    Returns how many codes were written. One transaction.
    """
    rows = list(entries)
    written = 0
    with _connection(store, write=True) as con:
        for entry in rows:
            old = con.execute("SELECT name_ru, name_en FROM hs_names WHERE code = ?",
                              [entry.code]).fetchone()
            name_ru, name_en = entry.name_ru.strip(), entry.name_en.strip()
            if old is not None:
                if replace:
                    name_ru, name_en = name_ru or old[0], name_en or old[1]
                else:
                    name_ru, name_en = old[0] or name_ru, old[1] or name_en
                if (name_ru, name_en) == (old[0], old[1]):
                    continue
                con.execute("DELETE FROM hs_names WHERE code = ?", [entry.code])
            con.execute("INSERT INTO hs_names (code, name_ru, name_en, source) "
                        "VALUES (?, ?, ?, ?)", [entry.code, name_ru, name_en, source])
            written += 1
    return written


def save_carried_names(store: Store, descriptions: Mapping[str, str], *, source: str) -> int:
    """Store the HS names a loaded file carried (Comtrade cmdDesc, English) where neither the
    bundled names nor the store have one: they fill gaps, never replace. Returns codes written.
    """
    bundled = base_registry()
    entries = [entry for entry in names_from_comtrade(
        {"cmdCode": code, "cmdDesc": text} for code, text in descriptions.items())
        if not bundled.own_name(entry.code, "en")]
    if not entries:
        return 0
    written = save_names(store, entries, source=source, replace=False)
    log.info("%s: %d HS names carried by the file stored", source, written)
    return written


def name_entries(store: Store) -> list[NameEntry]:
    """The stored names, by code."""
    with _connection(store, write=False) as con:
        rows = con.execute("SELECT code, name_ru, name_en FROM hs_names ORDER BY code").fetchall()
    return [NameEntry(str(code), str(ru), str(en)) for code, ru, en in rows]


def names_registry(store: Store) -> NameRegistry:
    """The registry views use: the bundled names with the stored ones on top."""
    return base_registry().with_names(name_entries(store), replace=True)


# -- baskets -----------------------------------------------------------------------------


def _write_basket(con: Any, item: Basket) -> None:
    con.execute("DELETE FROM baskets WHERE id = ?", [item.id])
    con.execute("INSERT INTO baskets (id, name_ru, name_en, codes, source) VALUES (?, ?, ?, ?, ?)",
                [item.id, item.name_ru, item.name_en, " ".join(item.codes), item.source])


def _basket(row: Sequence[Any]) -> Basket:
    return Basket(str(row[0]), str(row[1]), str(row[2]), tuple(split_list(str(row[3]))),
                  str(row[4]))


def baskets(store: Store) -> list[Basket]:
    """The stored baskets, by id."""
    with _connection(store, write=False) as con:
        rows = con.execute("SELECT id, name_ru, name_en, codes, source FROM baskets "
                           "ORDER BY id").fetchall()
    return [_basket(row) for row in rows]


def basket(store: Store, basket_id: str) -> Basket:
    """One stored basket; DefinitionError naming the ids there are when it is unknown."""
    return _by_id(baskets(store), basket_id, "basket", "baskets")


def save_basket(store: Store, item: Basket, *, registry: NameRegistry | None = None) -> bool:
    """Validate and store a basket; True when it replaced one with the same id."""
    checked = validate_basket(item, registry=registry or names_registry(store))
    with _connection(store, write=True) as con:
        existed = con.execute("SELECT 1 FROM baskets WHERE id = ?", [checked.id]).fetchone()
        _write_basket(con, checked)
    return existed is not None


def delete_basket(store: Store, basket_id: str) -> None:
    """Remove a basket; DefinitionError when there is none with that id."""
    found = basket(store, basket_id)
    with _connection(store, write=True) as con:
        con.execute("DELETE FROM baskets WHERE id = ?", [found.id])


def replace_baskets(store: Store, items: Sequence[Basket]) -> tuple[int, int]:
    """Store already validated baskets (an imported file) in one transaction.

    Returns (added, replaced).
    """
    return _replace(store, "SELECT 1 FROM baskets WHERE id = ?", _write_basket, items)


# -- partner groups ----------------------------------------------------------------------


def _write_group(con: Any, item: PartnerGroup) -> None:
    con.execute("DELETE FROM partner_groups WHERE id = ?", [item.id])
    con.execute("INSERT INTO partner_groups (id, name_ru, name_en, partners, source) "
                "VALUES (?, ?, ?, ?, ?)",
                [item.id, item.name_ru, item.name_en,
                 " ".join(m.text() for m in item.members), item.source])


def _group(row: Sequence[Any]) -> PartnerGroup:
    members = tuple(parse_member(text) for text in split_list(str(row[3])))
    return PartnerGroup(str(row[0]), str(row[1]), str(row[2]), members, str(row[4]))


def groups(store: Store) -> list[PartnerGroup]:
    """The stored partner groups, by id."""
    with _connection(store, write=False) as con:
        rows = con.execute("SELECT id, name_ru, name_en, partners, source FROM partner_groups "
                           "ORDER BY id").fetchall()
    return [_group(row) for row in rows]


def group(store: Store, group_id: str) -> PartnerGroup:
    """One stored group; DefinitionError naming the ids there are when it is unknown."""
    return _by_id(groups(store), group_id, "partner group", "groups")


def save_group(store: Store, item: PartnerGroup) -> bool:
    """Validate and store a group; True when it replaced one with the same id."""
    checked = validate_group(item)
    with _connection(store, write=True) as con:
        existed = con.execute("SELECT 1 FROM partner_groups WHERE id = ?",
                              [checked.id]).fetchone()
        _write_group(con, checked)
    return existed is not None


def delete_group(store: Store, group_id: str) -> None:
    """Remove a group; DefinitionError when there is none with that id."""
    found = group(store, group_id)
    with _connection(store, write=True) as con:
        con.execute("DELETE FROM partner_groups WHERE id = ?", [found.id])


def replace_groups(store: Store, items: Sequence[PartnerGroup]) -> tuple[int, int]:
    """Store already validated groups (an imported file) in one transaction: (added, replaced)."""
    return _replace(store, "SELECT 1 FROM partner_groups WHERE id = ?", _write_group, items)


# -- shared by baskets and groups ----------------------------------------------------------


def _by_id(known: Sequence[_D], wanted: str, what: str, plural: str) -> _D:
    """The item of ``known`` with id ``wanted`` (any case, blanks around); else
    DefinitionError naming the ids there are."""
    key = wanted.strip().lower()
    for item in known:
        if item.id == key:
            return item
    raise DefinitionError(f"no {what} {wanted!r}; {plural} in the store: "
                          f"{', '.join(other.id for other in known) or 'none'}")


def _replace(store: Store, exists: str, write: Callable[[Any, _D], None],
             items: Sequence[_D]) -> tuple[int, int]:
    """``write`` each item in one transaction; ``exists`` (SQL, the id as parameter) tells
    an added item from a replaced one. Returns (added, replaced)."""
    added = replaced = 0
    with _connection(store, write=True) as con:
        for item in items:
            existed = con.execute(exists, [item.id]).fetchone()
            write(con, item)
            added, replaced = (added, replaced + 1) if existed else (added + 1, replaced)
    return added, replaced
