"""Compare-and-explain commands: regions, decompose, indices, estimate, backtest and note.

Exit codes as the other analysis commands: 0 ok, 2 bad input (one line on stderr
naming what the store holds).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Sequence

import pandas as pd

from dashboard.analysis import compare
from dashboard.analysis.transforms.concentration import BAND_SOURCE, HHI_BANDS
from dashboard.analysis.transforms.decompose import BASES, FORMULA_PARTS
from dashboard.cli.analysis import (
    BAD_INPUT,
    OK,
    _BadInput,
    _clean,
    _codes,
    _month,
    _open_store,
    _reporter_code,
)
from dashboard.core.errors import OborotError
from dashboard.core.formatting import number, percent
from dashboard.core.i18n import t
from dashboard.data.store import Store, TradeQuery
from dashboard.reference.baskets import basket_name, starter_baskets
from dashboard.reference.groups import group_name, starter_groups
from dashboard.reference.groups import members as group_members
from dashboard.reference.names import hs_name
from dashboard.reference.regions import region_name

_BAND_NAMES = {name for name, _, _ in HHI_BANDS}
"""Bands core.i18n names as "hhi.band.<band>"; a year without a band prints '—'."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add regions, decompose, indices, estimate, backtest and note."""
    p = subparsers.add_parser("regions", help="rank the loaded regions' trade with a partner")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--partner", metavar="ISO2[,ISO2…]",
                     help="partner country, or several separated by commas (summed)")
    who.add_argument("--group", metavar="ID",
                     help="a partner group (eaeu, cis, …) with its members of each year")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--flow", default="turnover", choices=compare.RANKED_FLOWS)
    p.add_argument("--ytd", type=_month, metavar="N", help="January to month N of both years")
    p.add_argument("--reporter", metavar="CODE", help="region to mark in the table")
    p.add_argument("--lang", default="en", choices=("ru", "en"))
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=run_regions)

    p = subparsers.add_parser("decompose", help="split a change into volume, price and residual")
    _region_year(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--hs", metavar="CODE[,CODE…]",
                      help="HS code or prefix (07, 0702, …); several separated by commas")
    what.add_argument("--basket", metavar="ID",
                      help="a product basket's id (vegetables, timber, …): its codes together")
    p.add_argument("--partner", metavar="ISO2", help="one partner (default: all partners)")
    p.add_argument("--flow", default="export", choices=compare.STORED)
    p.add_argument("--basis", default="auto", choices=("auto", *BASES),
                   help="physical measure: net weight or supplementary quantity "
                        "(auto: the one covering more value)")
    p.add_argument("--lang", default="en", choices=("ru", "en"))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_decompose)

    p = subparsers.add_parser("indices", help="concentration (HHI), RCA and new products")
    _region_year(p)
    p.add_argument("--flow", default="export", choices=compare.STORED,
                   help="flow of the RCA table (HHI is shown for both)")
    p.add_argument("--min-share", type=float, default=compare.RCA_MIN_SHARE, metavar="PCT",
                   help="leave chapters under this %% of the region's flow out of the RCA "
                        "table (default %(default)s)")
    p.add_argument("--lang", default="en", choices=("ru", "en"))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_indices)

    p = subparsers.add_parser("estimate", help="full-year estimate from January–N (an estimate)")
    _region_year(p)
    p.add_argument("--ytd", required=True, type=_month, metavar="N",
                   help="months 1..N are known (N from 1 to 11)")
    p.add_argument("--partner", metavar="ISO2")
    p.add_argument("--flow", default="turnover", choices=compare.RANKED_FLOWS)
    p.add_argument("--lang", default="en", choices=("ru", "en"))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_estimate)

    p = subparsers.add_parser("backtest", help="error of the full-year estimate on loaded years")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=run_backtest)

    p = subparsers.add_parser("note", help="dated notes shown on charts, decks and exports")
    notes = p.add_subparsers(dest="note_command", required=True, metavar="ACTION")
    q = notes.add_parser("add", help="pin a note to a year or a month")
    q.add_argument("--date", required=True, metavar="YYYY[-MM]")
    q.add_argument("--text", required=True)
    q.add_argument("--partner", metavar="ISO2", help="only on charts of this partner")
    q.add_argument("--hs", metavar="CODE", help="only on charts of this HS code")
    q.set_defaults(func=run_note_add)
    q = notes.add_parser("list", help="every note, built-in ones included")
    q.add_argument("--lang", default="en", choices=("ru", "en"))
    q.add_argument("--json", action="store_true", help="print a JSON list")
    q.set_defaults(func=run_note_list)
    q = notes.add_parser("delete", help="delete a stored note by id")
    q.add_argument("id", type=int)
    q.set_defaults(func=run_note_delete)


def _region_year(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reporter", required=True, metavar="CODE",
                   help="region: ISO 3166-2 (RU-TOM) or FCS code (69000)")
    p.add_argument("--year", required=True, type=int)


def _run(args: argparse.Namespace, body) -> int:  # type: ignore[no-untyped-def]
    """Open the store, run the body, turn input problems into one stderr line."""
    try:
        return int(body(_open_store(args)))
    except _BadInput as exc:
        print(str(exc), file=sys.stderr)
        return BAD_INPUT


def _reporter(store: Store, text: str, year: int) -> str:
    reporters = store.distinct("reporter")
    reporter = _reporter_code(text)
    if reporter is None or reporter not in reporters:
        raise _BadInput(f"no data for {text}; regions in the store: {_codes(reporters)}")
    years = store.distinct("year", TradeQuery(reporter=reporter))
    if year not in years:
        raise _BadInput(f"no data for {reporter} in {year}; years in the store: {_codes(years)}")
    return reporter


def _partners(store: Store, text: str, **query: object) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(p.strip().upper() for p in text.split(",") if p.strip()))
    known = store.distinct("partner", TradeQuery(**query))  # type: ignore[arg-type]
    missing = [p for p in chosen if p not in known]
    if not chosen or missing:
        named = ", ".join(missing) or repr(text)
        raise _BadInput(f"no data with {named}; partners there: {_codes(known)}")
    return chosen


def _print_json(value: object) -> int:
    print(json.dumps(value, ensure_ascii=False))
    return OK


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


# -- regions -----------------------------------------------------------------------------


def run_regions(args: argparse.Namespace) -> int:
    """Print the ranking of the loaded regions for the partner (text or --json)."""

    def body(store: Store) -> int:
        if args.group:
            groups = {g.id: g for g in starter_groups()}
            if args.group not in groups:
                raise _BadInput(f"--group: no group {args.group!r}; groups: "
                                f"{', '.join(groups)}")
            group = groups[args.group]
            partners: object = functools.partial(group_members, group)
            label = group_name(group, args.lang)[0]
        else:
            partners = _partners(store, args.partner, years=(args.year,))
            label = ",".join(partners)  # type: ignore[arg-type]
        months = tuple(range(1, args.ytd + 1)) if args.ytd else None
        table = compare.regions_table(store, partners=partners,  # type: ignore[arg-type]
                                      year=args.year, flow=args.flow, months=months,
                                      lang=args.lang)
        if args.json:
            return _print_json(_records(table))
        mark = _reporter_code(args.reporter) if args.reporter else None
        cover = compare.coverage(store)
        print(f"{args.flow} with {label}, {args.year}"
              + (f" (Jan–{args.ytd})" if args.ytd else "") + ", US dollars")
        for r in _records(table):
            star = "*" if r["reporter"] == mark else " "
            print(f"{star}{r['rank']:>3}  {r['reporter']:<7} {r['name'][:28]:<28} "
                  f"{number(r['value'], 'en', digits=0):>16} "
                  f"{percent(r['change_pct'], 'en'):>8} "
                  f"{percent(r['share'], 'en', signed=False):>7}"
                  f"  {r['district_rank'] or '—':>2} in {r['district'] or '—'}")
        if not cover["complete"]:
            print(f"shares of the loaded regions only: {cover['loaded']} of {cover['total']} "
                  "subjects loaded")
        return OK

    return _run(args, body)


# -- decompose ---------------------------------------------------------------------------


def _commodity_codes(args: argparse.Namespace) -> tuple[str, ...]:
    """The HS prefixes to split: a basket's codes (--basket) or the --hs list."""
    if args.basket:
        baskets = {b.id: b for b in starter_baskets()}
        if args.basket not in baskets:
            raise _BadInput(f"--basket: no basket {args.basket!r}; baskets: "
                            f"{', '.join(baskets)}")
        return baskets[args.basket].codes
    codes = tuple(dict.fromkeys(c.strip() for c in args.hs.split(",") if c.strip()))
    bad = [c for c in codes if not (c.isdigit() and 2 <= len(c) <= 10)]
    if not codes or bad:
        raise _BadInput(f"--hs: expected HS codes of 2 to 10 digits like 07 or 0702, "
                        f"got {args.hs!r}")
    return codes


def run_decompose(args: argparse.Namespace) -> int:
    """Print the price/volume split of a commodity's change (text or --json)."""

    def body(store: Store) -> int:
        reporter = _reporter(store, args.reporter, args.year)
        partner = (_partners(store, args.partner, reporter=reporter)[0] if args.partner
                   else None)
        codes = _commodity_codes(args)
        try:
            result = compare.decomposition(
                store, reporter=reporter, year=args.year, codes=codes, flow=args.flow,
                partner=partner, basis=None if args.basis == "auto" else args.basis)
        except OborotError as exc:
            raise _BadInput(str(exc)) from exc
        figures = result.figures
        if args.json:
            out = {key: _clean(figures[key]) for key in compare.DECOMPOSE_KEYS}
            out |= {k: _clean(v) for k, v in figures.items() if k not in out}
            out["residual_parts"] = {k: _clean(v) for k, v in result.parts.items()}
            return _print_json(out)
        names = "; ".join(f"{c} {hs_name(c, args.lang)}" if len(c) == 2 else c for c in codes)
        if args.basket:
            basket = next(b for b in starter_baskets() if b.id == args.basket)
            names = f"{basket_name(basket, args.lang)[0]} ({names})"
        print(f"{region_name(reporter, args.lang)}, {args.flow}, HS {names}"
              + (f", with {partner}" if partner else "") + f": {args.year} vs {args.year - 1}, "
              "US dollars")
        for key in ("value", "previous", "change", "volume_effect", "price_effect", "residual",
                    "unmatched_value"):
            print(f"{key + ':':<17}{number(float(figures[key]), 'en', digits=2):>20}")
        for part in (str(figures["basis"]), *FORMULA_PARTS):
            print(t(f"pv.formula.{part}", args.lang))
        return OK

    return _run(args, body)


# -- indices -----------------------------------------------------------------------------


def run_indices(args: argparse.Namespace) -> int:
    """Print HHI of partners and products with bands and trend, RCA and new products."""

    def body(store: Store) -> int:
        reporter = _reporter(store, args.reporter, args.year)
        table = compare.concentration(store, reporter=reporter)
        trend = compare.concentration_trend(table)
        rca = compare.specialisation(store, reporter=reporter, year=args.year, flow=args.flow,
                                     min_share=args.min_share)
        new = compare.newcomers(store, reporter=reporter, year=args.year)
        if args.json:
            return _print_json({"reporter": reporter, "year": args.year,
                                "concentration": _records(table), "trend": _records(trend),
                                "rca": _records(rca), "new_products": _records(new),
                                "bands_source": BAND_SOURCE})
        print(f"{region_name(reporter, args.lang)}: Herfindahl–Hirschman index (0–10,000)")
        for r in _records(table.loc[table["year"] == args.year]):
            band = t(f"hhi.band.{r['band']}", args.lang) if r["band"] in _BAND_NAMES else "—"
            print(f"  {r['kind']:<9} {r['flow']:<7} {number(r['hhi'], 'en', digits=0):>6}  "
                  f"{band}, {r['parts']} parts, top "
                  f"{percent(r['top_share'], 'en', signed=False)}")
        for r in _records(trend):
            print(f"  trend {r['kind']:<9} {r['flow']:<7} {r['first_year']}–{r['last_year']}: "
                  f"{number(r['slope'], 'en', digits=0)} points a year ({r['direction']})")
        print(f"  bands: {BAND_SOURCE}")
        print(f"RCA by HS chapter, {args.flow} {args.year}, against the loaded regions (top 10)")
        for r in _records(rca.head(10)):
            print(f"  {r['chapter']}  {hs_name(str(r['chapter']), args.lang)[:40]:<40} "
                  f"{number(r['rca'], 'en', digits=2):>8}")
        print(f"new export headings in {args.year} (none in the three years before): "
              + (", ".join(new["heading"].astype(str)) or "none"))
        return OK

    return _run(args, body)


# -- estimate and backtest ---------------------------------------------------------------


def run_estimate(args: argparse.Namespace) -> int:
    """Print the full-year estimate from January–N, marked as an estimate."""

    def body(store: Store) -> int:
        reporter = _reporter(store, args.reporter, args.year)
        partner = (_partners(store, args.partner, reporter=reporter)[0] if args.partner
                   else None)
        try:
            result = compare.estimate(store, reporter=reporter, year=args.year,
                                      through_month=args.ytd, flow=args.flow, partner=partner)
        except ValueError as exc:
            raise _BadInput(str(exc)) from exc
        record = {k: (list(v) if isinstance(v, tuple) else _clean(v))
                  for k, v in result.as_dict().items()}
        method = t("estimate.method", args.lang, n=args.ytd, years=", ".join(
            str(y) for y in result.base_years) or "—")
        if args.json:
            return _print_json(record | {"flow": args.flow, "reporter": reporter,
                                         "partner": partner, "method": method})
        print(f"ESTIMATE (not a statistic): {region_name(reporter, args.lang)}, {args.flow}"
              + (f" with {partner}" if partner else "") + f", {args.year}, US dollars")
        print(f"January–{args.ytd}: {number(result.ytd, 'en', digits=0)} "
              f"({result.ytd_months} of {args.ytd} months loaded)")
        print(f"full year, estimate: {number(result.estimate, 'en', digits=0)} "
              f"(range {number(result.low, 'en', digits=0)} – "
              f"{number(result.high, 'en', digits=0)})")
        print(method)
        return OK

    return _run(args, body)


def backtest_rows(store: Store, months: Sequence[int] = (3, 6, 9)) -> list[dict]:
    """The backtest table as JSON-ready records."""
    return _records(compare.backtest_all(store, months=months))


def run_backtest(args: argparse.Namespace) -> int:
    """Print the mean absolute % error of the estimate for N = 3, 6, 9 over loaded data."""

    def body(store: Store) -> int:
        rows = backtest_rows(store)
        if args.json:
            return _print_json(rows)
        print("N  estimates  MAE, %  max, %  actual within range, %")
        for r in rows:
            print(f"{r['through_month']:<2} {r['estimates']:>9}  "
                  f"{number(r['mape'], 'en', digits=2):>6}  "
                  f"{number(r['max_ape'], 'en', digits=2):>6}"
                  f"  {number(r['within'], 'en', digits=1):>6}")
        return OK

    return _run(args, body)


# -- notes -------------------------------------------------------------------------------


def run_note_add(args: argparse.Namespace) -> int:
    """Store a note and print its id."""

    def body(store: Store) -> int:
        try:
            note_id = compare.add_note(store, period=args.date, text=args.text,
                                       partner=args.partner, hs=args.hs)
        except OborotError as exc:
            raise _BadInput(str(exc)) from exc
        print(note_id)
        return OK

    return _run(args, body)


def run_note_list(args: argparse.Namespace) -> int:
    """Print every note (built-in ones have no id)."""

    def body(store: Store) -> int:
        table = compare.all_notes(store, args.lang)
        if args.json:
            return _print_json(_records(table.drop(columns="created").assign(
                created=table["created"].astype(str).where(table["created"].notna(), None))))
        for r in _records(table):
            ident = "built-in" if r["builtin"] else str(r["id"])
            print(f"{ident:>8}  {compare.note_line(r, args.lang)}")
        return OK

    return _run(args, body)


def run_note_delete(args: argparse.Namespace) -> int:
    """Delete a stored note by id."""

    def body(store: Store) -> int:
        try:
            compare.delete_note(store, args.id)
        except OborotError as exc:
            raise _BadInput(str(exc)) from exc
        print(f"note {args.id} deleted")
        return OK

    return _run(args, body)
