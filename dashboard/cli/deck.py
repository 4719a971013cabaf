"""``deck``: a view as a 16:9 PowerPoint presentation (the same figures as the pages).

Exit codes: 0 written (also without Chromium: each chart is then a box saying
"chart unavailable: Chromium not installed" and a warning goes to stderr),
2 bad input (unknown region, partner or year; --out in a missing directory or
not .pptx; no trade for the view).  The file is written whole or not at all.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from dashboard.analysis.views import View
from dashboard.core.config import settings
from dashboard.core.errors import NotFoundError, OborotError
from dashboard.core.terms import MEASURES
from dashboard.data import definitions
from dashboard.data.store import Store, TradeQuery
from dashboard.present.deck import make_deck
from dashboard.reference.regions import region_by_fcs_code


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``deck`` command."""
    p = subparsers.add_parser(
        "deck", help="build a PPTX presentation of a region (and partner) in a year",
        description="Build a 16:9 PPTX deck: key figures and summary, partners, commodities, "
                    "monthly trend, exchange rates, sources and method.",
    )
    p.add_argument("--reporter", required=True, help="region, ISO 3166-2 (RU-TOM) or FCS code")
    p.add_argument("--partner", help="partner country, ISO 3166-1 alpha-2, or a partner group "
                                     "id (default: all)")
    p.add_argument("--basket", metavar="ID", help="only the goods of this product basket")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--ytd", type=int, metavar="N", help="January..month N of each year only")
    p.add_argument("--flow", default="turnover", choices=MEASURES,
                   help="measure for rankings and the monthly chart (default %(default)s)")
    p.add_argument("--lang", default="ru", choices=("ru", "en"))
    p.add_argument("--currency", default="USD", help="USD (default), RUB, EUR, CNY, KZT")
    p.add_argument("--timeout", type=float, default=60,
                   help="seconds to wait for the browser and for each chart (default 60)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pptx")
    p.set_defaults(func=run_deck)


def _check(store: Store, args: argparse.Namespace) -> View:
    """The view asked for, every part checked against what the store holds."""
    out: Path = args.out
    if out.suffix.lower() != ".pptx":
        raise OborotError(f"--out must name a .pptx file, got {str(out)!r}")
    if not out.parent.resolve().is_dir():
        raise OborotError(f"--out: directory {str(out.parent)!r} does not exist")
    reporters = store.distinct("reporter")
    reporter = args.reporter.strip().upper()
    if reporter not in reporters:
        reporter = region_by_fcs_code(args.reporter) or reporter
    if reporter not in reporters:
        raise NotFoundError(f"no data for region {args.reporter!r}; loaded: "
                            f"{', '.join(reporters) or 'none'}")
    years = sorted(int(y) for y in store.distinct("year", TradeQuery(reporter=reporter)))
    if args.year not in years:
        raise NotFoundError(f"no data for {reporter} in {args.year}; years loaded: "
                            f"{', '.join(map(str, years))}")
    partner = args.partner.strip().upper() if args.partner else None
    group = basket = None
    if partner and not (len(partner) == 2 and partner.isalpha()):
        group, partner = definitions.group(store, args.partner), None
    if args.basket:
        basket = definitions.basket(store, args.basket)
    if partner and partner not in store.distinct("partner", TradeQuery(reporter=reporter)):
        raise NotFoundError(f"{reporter} has no trade with {partner!r}")
    if args.ytd is not None and not 1 <= args.ytd <= 12:
        raise OborotError(f"--ytd must be a month 1-12, got {args.ytd}")
    return View(reporter=reporter, year=args.year, partner=partner, flow=args.flow,
                ytd=args.ytd, currency=args.currency.upper(), basket=basket, group=group)


def run_deck(args: argparse.Namespace) -> int:
    """Build the deck and write it atomically; warnings (no Chromium) go to stderr."""
    store = Store(settings(args.store).store, create=False)
    view = _check(store, args)
    result = make_deck(store, view, lang=args.lang, currency=view.currency,
                       timeout=args.timeout)
    out: Path = args.out
    handle, temporary = tempfile.mkstemp(prefix=".deck-", suffix=".pptx", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(result.data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for note in result.notes:
        print(f"warning: {note}", file=sys.stderr)
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    print(f"wrote {out} ({len(result.titles)} slides, {result.images} chart images"
          + (f", {result.placeholders} unavailable" if result.placeholders else "")
          + f"; {timing})")
    return 0
