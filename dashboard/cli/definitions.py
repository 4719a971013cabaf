"""Commands over stored definitions: ``basket``, ``group`` and ``reference import``.

Exit codes: 0 ok, 2 bad input (an unknown code prefix or country, an empty
basket, an id that clashes with a country code, a malformed file): one line on
stderr, nothing stored.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from dashboard.core.config import settings
from dashboard.data import definitions
from dashboard.data.store import Store
from dashboard.reference.baskets import Basket, baskets_to_csv, parse_baskets_csv
from dashboard.reference.definitions import DefinitionError, split_list
from dashboard.reference.groups import (
    PartnerGroup,
    groups_to_csv,
    parse_groups_csv,
    parse_member,
)
from dashboard.reference.names import decode_text, parse_classifier_csv, parse_tnved_listing

_Handler = Callable[[argparse.Namespace], int]


def register(sub: argparse._SubParsersAction) -> None:
    """Add basket, group and reference."""
    basket = sub.add_parser("basket", help="product baskets: named sets of HS code prefixes")
    actions = basket.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("set", help="add a basket, or replace the one with this id")
    p.add_argument("id")
    p.add_argument("--codes", required=True, help="HS code prefixes, e.g. 3901,3902,29")
    p.add_argument("--name-ru", default="")
    p.add_argument("--name-en", default="")
    p.add_argument("--source", default="", help="where the definition comes from")
    p.set_defaults(func=_basket_set)
    _add_stored_actions(actions, "basket", "baskets", list_=_basket_list, delete=_basket_delete,
                        import_=_basket_import, export=_basket_export)

    group = sub.add_parser("group", help="partner groups: named sets of countries")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("set", help="add a group, or replace the one with this id")
    p.add_argument("id")
    p.add_argument("--partners", required=True,
                   help="countries, e.g. KZ,KG,UZ,TJ,TM (dated: GB:1973-2019)")
    p.add_argument("--name-ru", default="")
    p.add_argument("--name-en", default="")
    p.add_argument("--source", default="")
    p.set_defaults(func=_group_set)
    _add_stored_actions(actions, "group", "groups", list_=_group_list, delete=_group_delete,
                        import_=_group_import, export=_group_export)

    reference = sub.add_parser("reference", help="HS names loaded into the store")
    actions = reference.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("import", help="load HS names: a code;name_ru[;name_en] CSV or the "
                                          "FCS TN VED classifier TNVED3.TXT / TNVED4.TXT")
    p.add_argument("file", type=Path)
    p.set_defaults(func=_reference_import)


def _add_stored_actions(actions: argparse._SubParsersAction, singular: str, plural: str,
                        *, list_: _Handler, delete: _Handler, import_: _Handler,
                        export: _Handler) -> None:
    """The list, delete, import and export actions that ``basket`` and ``group`` share."""
    p = actions.add_parser("list", help=f"list the stored {plural}")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=list_)
    p = actions.add_parser("delete", help=f"delete a {singular}")
    p.add_argument("id")
    p.set_defaults(func=delete)
    p = actions.add_parser("import", help=f"add or replace {plural} from a CSV file")
    p.add_argument("file", type=Path)
    p.set_defaults(func=import_)
    p = actions.add_parser("export", help=f"write the stored {plural} as CSV (stdout or FILE)")
    p.add_argument("file", type=Path, nargs="?")
    p.set_defaults(func=export)


def _store(args: argparse.Namespace) -> Store:
    return Store(settings(args.store).store)


def _read(path: Path, *, fallback: str | None = None) -> str:
    """The file's text (UTF-8; ``fallback`` encoding when given); one clear line if unreadable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot read the file ({exc.strerror})") from None
    return decode_text(data, path.name, fallback=fallback)


def _write(text: str, path: Path | None) -> None:
    if path is None:
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")
        print(f"written to {path}")


# -- baskets -------------------------------------------------------------------------------


def _basket_set(args: argparse.Namespace) -> int:
    item = Basket(args.id, args.name_ru, args.name_en, tuple(split_list(args.codes)),
                  args.source)
    replaced = definitions.save_basket(_store(args), item)
    key = args.id.strip().lower()
    print(f"basket {key} replaced" if replaced else f"basket {key} added")
    return 0


def _basket_list(args: argparse.Namespace) -> int:
    items = definitions.baskets(_store(args))
    if args.json:
        print(json.dumps([{"id": b.id, "name_ru": b.name_ru, "name_en": b.name_en,
                           "codes": list(b.codes), "source": b.source} for b in items],
                         ensure_ascii=False))
        return 0
    if not items:
        print("no baskets")
    for b in items:
        print(f"{b.id:<16}  {b.name_ru or b.name_en}  [{' '.join(b.codes)}]")
    return 0


def _basket_delete(args: argparse.Namespace) -> int:
    definitions.delete_basket(_store(args), args.id)
    print(f"basket {args.id.strip().lower()} deleted")
    return 0


def _basket_import(args: argparse.Namespace) -> int:
    store = _store(args)
    items = parse_baskets_csv(_read(args.file), args.file.name,
                              registry=definitions.names_registry(store))
    added, replaced = definitions.replace_baskets(store, items)
    print(f"{args.file.name}: {added} basket(s) added, {replaced} replaced")
    return 0


def _basket_export(args: argparse.Namespace) -> int:
    _write(baskets_to_csv(definitions.baskets(_store(args))), args.file)
    return 0


# -- groups --------------------------------------------------------------------------------


def _group_set(args: argparse.Namespace) -> int:
    try:
        members = tuple(parse_member(text) for text in split_list(args.partners))
    except DefinitionError as error:
        raise DefinitionError(f"partner group {args.id.strip().lower()!r}: {error}") from None
    item = PartnerGroup(args.id, args.name_ru, args.name_en, members, args.source)
    replaced = definitions.save_group(_store(args), item)
    key = args.id.strip().lower()
    print(f"group {key} replaced" if replaced else f"group {key} added")
    return 0


def _group_list(args: argparse.Namespace) -> int:
    items = definitions.groups(_store(args))
    if args.json:
        print(json.dumps([{"id": g.id, "name_ru": g.name_ru, "name_en": g.name_en,
                           "partners": [m.text() for m in g.members], "source": g.source}
                          for g in items], ensure_ascii=False))
        return 0
    if not items:
        print("no groups")
    for g in items:
        print(f"{g.id:<16}  {g.name_ru or g.name_en}  [{' '.join(m.text() for m in g.members)}]")
    return 0


def _group_delete(args: argparse.Namespace) -> int:
    definitions.delete_group(_store(args), args.id)
    print(f"group {args.id.strip().lower()} deleted")
    return 0


def _group_import(args: argparse.Namespace) -> int:
    items = parse_groups_csv(_read(args.file), args.file.name)
    added, replaced = definitions.replace_groups(_store(args), items)
    print(f"{args.file.name}: {added} group(s) added, {replaced} replaced")
    return 0


def _group_export(args: argparse.Namespace) -> int:
    _write(groups_to_csv(definitions.groups(_store(args))), args.file)
    return 0


# -- names ---------------------------------------------------------------------------------


def _reference_import(args: argparse.Namespace) -> int:
    # The FCS classifier files are DOS code page 866 (or UTF-8); a CSV must be UTF-8.
    text = _read(args.file, fallback="cp866")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "|" in first:
        entries = parse_tnved_listing(text, args.file.name)
    else:
        entries = parse_classifier_csv(_read(args.file), args.file.name)
    written = definitions.save_names(_store(args), entries, source=args.file.name)
    print(f"{args.file.name}: {len(entries)} name(s) read, {written} stored")
    return 0
