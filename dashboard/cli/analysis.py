"""Analysis commands: summary, top and narrative (the same figures the pages show).

Exit codes: 0 ok, 2 bad input: an unknown region, partner, year or month (one line
on stderr naming what the store holds) or a currency without exchange rates.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.analysis import narrative, tables
from dashboard.analysis import views as analysis
from dashboard.core.config import settings
from dashboard.core.formatting import money, number, percent
from dashboard.core.terms import DISPLAY_CURRENCIES, HS_LEVELS, MEASURES, parse_hs_level
from dashboard.data import definitions
from dashboard.data.store import Store, TradeQuery
from dashboard.reference.countries import country_name
from dashboard.reference.names import NameRegistry, hs_name
from dashboard.reference.regions import region_by_fcs_code

OK, BAD_INPUT = 0, 2
HS_LEVEL_CHOICES = tuple(str(level) for level in HS_LEVELS)
# ISO 3166-1 alpha-2 or ISO 3166-2 (RU-TOM); anything else is read as an FCS region code.
_ISO = re.compile(r"^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$")
_LISTED = 40  # codes named in an error line before "… (N in all)"


class _BadInput(ValueError):
    """An argument the user can fix; the message is the one line shown."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add summary, top and narrative."""
    p = subparsers.add_parser("summary", help="value, change and rank of a region with a partner")
    _view_arguments(p, partner_required=False)
    p.add_argument("--flow", default="turnover", choices=MEASURES)
    p.add_argument("--hs-level", default="2", choices=HS_LEVEL_CHOICES)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_summary)

    p = subparsers.add_parser("top", help="ranked partners or commodity groups")
    _view_arguments(p, partner_required=False)
    p.add_argument("--by", required=True, choices=("partner", "commodity", "basket", "group"),
                   help="rank partners, HS codes, the stored baskets or the stored groups")
    p.add_argument("--flow", default="turnover", choices=MEASURES)
    p.add_argument("--n", type=int, default=10, help="rows to show (default %(default)s)")
    p.add_argument("--hs-level", default="2", choices=HS_LEVEL_CHOICES)
    p.add_argument("--lang", default="ru", choices=("ru", "en"), help="language of the names")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=run_top)

    p = subparsers.add_parser("narrative", help="a plain-language summary paragraph (RU/EN)")
    _view_arguments(p, partner_required=False)
    p.add_argument("--lang", default="ru", choices=("ru", "en"))
    p.add_argument("--approximate", action="store_true",
                   help='say "almost $70M" (in Russian too) when within 1%% below a round number')
    p.set_defaults(func=run_narrative)


def _view_arguments(p: argparse.ArgumentParser, *, partner_required: bool) -> None:
    """Options every analysis command shares."""
    p.add_argument("--reporter", required=True, metavar="CODE",
                   help="region: ISO 3166-2 (RU-TOM) or FCS code (69000)")
    p.add_argument("--partner", required=partner_required, metavar="ISO2|GROUP",
                   help="partner country, ISO 3166-1 alpha-2, or a partner group id "
                        "(default: all partners)")
    p.add_argument("--basket", metavar="ID",
                   help="only the goods of this product basket (default: all goods)")
    p.add_argument("--year", required=True, type=int)
    period = p.add_mutually_exclusive_group()
    period.add_argument("--month", type=_month, metavar="N", help="one month (1-12) of each year")
    period.add_argument("--ytd", type=_month, metavar="N", help="January to month N of each year")
    p.add_argument("--currency", default="USD", type=str.upper, choices=DISPLAY_CURRENCIES)


def _month(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 12:
        raise argparse.ArgumentTypeError(f"a month is 1-12, not {value}")
    return value


# -- resolving the view ----------------------------------------------------------------


def _codes(values: list[Any]) -> str:
    """Codes for an error line, the list cut after _LISTED entries."""
    shown = ", ".join(str(v) for v in values[:_LISTED])
    return shown if len(values) <= _LISTED else f"{shown}, … ({len(values)} in all)"


def _reporter_code(text: str) -> str | None:
    """ISO 3166-2 code of a region given as ISO or FCS code (or FCS name); None if unknown."""
    if _ISO.match(text.strip()):
        return text.strip().upper()

    return region_by_fcs_code(text)


def _open_store(args: argparse.Namespace) -> Store:
    return Store(settings(args.store).store, create=False)


def _view(store: Store, args: argparse.Namespace, **extra: Any) -> analysis.View:
    """Check the arguments against what the store holds and build the View."""
    reporters = store.distinct("reporter")
    if not reporters:
        raise _BadInput("the store is empty; load data with `python -m dashboard ingest FILE` "
                        "or `python -m dashboard demo`")
    reporter = _reporter_code(args.reporter)
    if reporter is None:
        raise _BadInput(f"unknown region code {args.reporter!r} (give ISO 3166-2 like RU-TOM "
                        f"or an FCS code like 69000); regions in the store: {_codes(reporters)}")
    if reporter not in reporters:
        raise _BadInput(f"no data for {reporter}; regions in the store: {_codes(reporters)}")
    years = store.distinct("year", TradeQuery(reporter=reporter))
    if args.year not in years:
        raise _BadInput(f"no data for {reporter} in {args.year}; years in the store: "
                        f"{_codes(years)}")
    months = (args.month,) if args.month else tuple(range(1, args.ytd + 1)) if args.ytd else None
    if months is not None:
        present = store.months_present(TradeQuery(reporter=reporter, years=(args.year,)))
        loaded = sorted(int(m) for m in present["month"])
        if not set(months) & set(loaded):
            raise _BadInput(f"no monthly data for {reporter} in {_period(args)}; months loaded "
                            f"for {args.year}: {_codes(loaded) or 'none (annual data only)'}")
    partner = args.partner.strip().upper() if args.partner else None
    group = basket = None
    if partner is not None and not (len(partner) == 2 and partner.isalpha()):
        group, partner = definitions.group(store, args.partner), None
    if getattr(args, "basket", None):
        basket = definitions.basket(store, args.basket)
    if partner is not None:
        partners = store.distinct("partner", TradeQuery(reporter=reporter, years=(args.year,),
                                                        months=months))
        if partner not in partners:
            raise _BadInput(f"no data for {reporter} with {partner} in {_period(args)}; "
                            f"partners there: {_codes(partners)}")
    return analysis.View(reporter=reporter, year=args.year, partner=partner, ytd=args.ytd,
                         month=args.month, currency=args.currency, basket=basket, group=group,
                         **extra)


def _period(args: argparse.Namespace) -> str:
    if args.month:
        return f"{args.year}-{args.month:02d}"
    if args.ytd:
        return f"{args.year}-01..{args.year}-{args.ytd:02d}"
    return str(args.year)


def _hs_level(text: str) -> int | str:
    return parse_hs_level(text)


def _run(args: argparse.Namespace, body: Callable[[Store], int]) -> int:
    """Open the store, run the command body, turn input problems into one stderr line."""
    try:
        return body(_open_store(args))
    except _BadInput as exc:
        print(str(exc), file=sys.stderr)
        return BAD_INPUT


def _clean(value: Any) -> Any:
    """JSON-safe scalar: NaN/None -> None, numpy numbers -> Python numbers.

    Floats are rounded to 6 decimals: sums of cents in binary floating point
    otherwise print as 59599999.99999999 where the hand count says 59600000.
    """
    if value is None:
        return None
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None  # JSON has no NaN/Infinity
    if isinstance(value, int) or not pd.isna(value):
        return value
    return None


# -- summary ---------------------------------------------------------------------------

SUMMARY_KEYS = ("reporter", "partner", "year", "month", "ytd", "flow", "currency", "value",
                "previous", "change", "change_pct", "rank")


def run_summary(args: argparse.Namespace) -> int:
    """Print value, previous, change, change % and rank (text or --json)."""

    def body(store: Store) -> int:
        view = _view(store, args, flow=args.flow, hs_level=_hs_level(args.hs_level))
        record = analysis.summary(store, view)
        out = {key: _clean(record.get(key)) for key in SUMMARY_KEYS}
        notes = list(record.get("notes") or [])  # type: ignore[call-overload]
        if notes:
            out["notes"] = notes
        if args.json:
            print(json.dumps(out, ensure_ascii=False))
            return OK
        who = analysis.scope_name(view, "en")
        if not view.partner and view.group is None:
            who += " with all partners"
        print(f"{who}, {_period(args)}, {view.flow}, {view.currency}")
        print(f"value:     {number(out['value'], 'en', digits=2)}")
        print(f"previous:  {number(out['previous'], 'en', digits=2)}")
        sign = "+" if (out["change"] or 0) > 0 else ""
        print(f"change:    {sign}{number(out['change'], 'en', digits=2)}")
        print(f"change %:  {percent(out['change_pct'], 'en')}")
        if out["rank"] is not None:
            print(f"rank:      {out['rank']} of {record.get('partners')} partners")
        for note in notes:
            print(f"note:      {note}")
        return OK

    return _run(args, body)


# -- top -------------------------------------------------------------------------------

TOP_KEYS = ("code", "name", "value", "share", "rank", "previous", "change", "change_pct",
            "contribution")


@dataclass(frozen=True)
class _Namer:
    """Names of partner codes, HS codes, baskets or groups in one language."""

    by: str
    lang: str
    level: int | str
    registry: NameRegistry | None = None
    sets: tuple[tuple[str, str], ...] = ()  # (id, name) of ranked baskets or groups

    def __call__(self, code: str) -> str:
        if self.by == "partner":
            return country_name(code, self.lang)
        if self.by in ("basket", "group"):
            return dict(self.sets).get(code, code)
        return hs_name(code, self.lang, level=self.level, registry=self.registry)


_CODE_COLUMN = {"partner": "partner", "commodity": "hs_code", "basket": "basket",
                "group": "group"}


def top_records(table: pd.DataFrame, *, by: str, lang: str, level: int | str,
                registry: NameRegistry | None = None,
                sets: tuple[tuple[str, str], ...] = ()) -> list[dict]:
    """The ranked table as JSON-ready records (keys TOP_KEYS, NaN -> None); baskets and
    groups also carry ``overlap``, the ids of ranked sets sharing codes or members."""
    code_column = _CODE_COLUMN[by]
    name = _Namer(by, lang, level, registry, sets)
    return [
        {
            "code": str(row[code_column]),
            "name": name(str(row[code_column])),
            **{key: _clean(row[key]) for key in TOP_KEYS[2:]},
            **({"overlap": [i for i in str(row["overlap"]).split(", ") if i]}
               if "overlap" in row else {}),
        }
        for row in table.to_dict(orient="records")
    ]


def run_top(args: argparse.Namespace) -> int:
    """Print the top partners or commodity groups (text table or --json)."""

    def body(store: Store) -> int:
        level = _hs_level(args.hs_level)
        view = _view(store, args, flow=args.flow, hs_level=level)
        n = None if args.n <= 0 else args.n
        sets: tuple[tuple[str, str], ...] = ()
        if args.by in ("basket", "group"):
            items = (definitions.baskets(store) if args.by == "basket"
                     else definitions.groups(store))
            table = (analysis.basket_ranking(store, view, items) if args.by == "basket"
                     else analysis.group_ranking(store, view, items))
            table = table if n is None else table.head(n)
            sets = tuple((item.id, tables.set_name(item, args.lang)) for item in items)
        elif args.by == "partner":
            table = analysis.top_partners(store, view, n=n)
        else:
            table = analysis.top_commodities(store, view, n=n)
        records = top_records(table, by=args.by, lang=args.lang, level=level,
                              registry=definitions.names_registry(store), sets=sets)
        if args.json:
            print(json.dumps(records, ensure_ascii=False))
            return OK
        lang = args.lang
        if not records:  # e.g. imports of a region that only exported that year
            with_partner = f" with {view.partner}" if view.partner else ""
            print(f"no {view.flow} of {view.reporter}{with_partner} in {_period(args)}: "
                  f"no {'partners' if args.by == 'partner' else 'commodity groups'} to rank")
            return OK
        for r in records:
            share = percent(r["share"], lang, signed=False)
            print(f"{r['rank']:>3}  {r['code']:<10}  {r['name'][:44]:<44}  "
                  f"{money(r['value'], view.currency, lang):>14}  {share:>7}  "
                  f"{percent(r['change_pct'], lang):>9}  "
                  f"{percent(r['contribution'], lang):>8}"
                  + (f"  * overlaps: {', '.join(r['overlap'])}"
                     if r.get("overlap") else ""))
        if any(r.get("overlap") for r in records):
            print("* overlapping sets: each is counted whole, so their values and shares do "
                  "not add up to the total")
        return OK

    return _run(args, body)


# -- narrative -------------------------------------------------------------------------


def run_narrative(args: argparse.Namespace) -> int:
    """Print the summary paragraph in --lang."""
    def body(store: Store) -> int:
        view = _view(store, args)
        print(narrative.narrative(store, view, args.lang, approximate=args.approximate))
        return OK

    return _run(args, body)
