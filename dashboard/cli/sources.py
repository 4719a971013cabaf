"""Commands over outside sources: ``fetch comtrade`` and the ``mirror`` comparison."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys

from dashboard.analysis.transforms.mirror import country_of
from dashboard.analysis.views import mirror
from dashboard.core.config import settings
from dashboard.core.errors import SchemaError, SourceError
from dashboard.core.i18n import t
from dashboard.data import definitions, refresh
from dashboard.data.sources import comtrade
from dashboard.data.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``fetch comtrade`` and ``mirror``."""
    fetch = sub.add_parser("fetch", help="fetch trade data from an outside source into the store")
    sources = fetch.add_subparsers(dest="source", required=True, metavar="SOURCE")
    p = sources.add_parser("comtrade", help="annual HS data from the UN Comtrade API "
                                            "(key from OBOROT_COMTRADE_KEY, else the preview)")
    p.add_argument("--reporter", required=True, help="ISO country code, e.g. RU")
    p.add_argument("--partner", help="ISO country code, e.g. KZ (default: all partners)")
    p.add_argument("--years", required=True, type=parse_years, help="2017-2018, 2017 or 2017,2019")
    p.add_argument("--hs-level", type=int, choices=(2, 4, 6),
                   help="HS chapters/headings/subheadings (default: all goods, TOTAL)")
    p.add_argument("--flow", choices=("X", "M"), help="X exports or M imports (default: both)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_fetch_comtrade)

    p = sources.add_parser("fcs", help="monthly regional data from the customs statistics "
                                       "portal (host from OBOROT_FCS_URL)")
    p.add_argument("--region", required=True, help="FCS region code, e.g. 69000 (Tomsk)")
    p.add_argument("--years", required=True, type=parse_years, help="2017-2018, 2017 or 2017,2019")
    p.add_argument("--hs-level", type=int, choices=(2, 4, 6, 8, 10), default=10,
                   help="TN VED digits (default 10)")
    p.set_defaults(func=_fetch_fcs)

    p = sub.add_parser("mirror", help="compare A's exports to B with B's imports from A (and back)")
    p.add_argument("--reporter", required=True, help="reporter (country or region), e.g. RU")
    p.add_argument("--partner", required=True, help="partner country, e.g. KZ")
    p.add_argument("--years", required=True, type=parse_years, help="2017-2018, 2017 or 2017,2019")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_mirror)


def parse_years(text: str) -> tuple[int, ...]:
    """'2017-2018' -> (2017, 2018); '2017,2019' -> (2017, 2019); '2017' -> (2017,)."""
    years: set[int] = set()
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", part)
        if match is None:
            raise argparse.ArgumentTypeError(f"expected years like 2017-2018, got {text!r}")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first or last - first > 50:
            raise argparse.ArgumentTypeError(f"expected an ascending range of years, got {text!r}")
        years.update(range(first, last + 1))
    return tuple(sorted(years))


def _store(args: argparse.Namespace, *, create: bool = True) -> Store:
    return Store(settings(args.store).store, create=create)


def _fetch_comtrade(args: argparse.Namespace) -> int:
    try:
        parsed = comtrade.fetch(args.reporter.upper(),
                                args.partner.upper() if args.partner else None, args.years,
                                hs_level=args.hs_level, flow=args.flow)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    years = f"{args.years[0]}-{args.years[-1]}" if len(args.years) > 1 else str(args.years[0])
    name = f"UN Comtrade {args.reporter.upper()}" + (
        f"-{args.partner.upper()}" if args.partner else "") + f" {years}"
    store = _store(args)
    result = store.ingest(parsed, name=name, file_name=None, sha256=parsed.sha256,
                          max_rows=settings(args.store).max_rows)
    if parsed.hs_names and not result.already_loaded:
        definitions.save_carried_names(store, parsed.hs_names, source=name)
    record = {
        "dataset_id": result.dataset_id, "format": result.format, "rows_loaded": result.rows,
        "rows_rejected": result.rejected, "period_start": result.period_start,
        "period_end": result.period_end, "already_loaded": result.already_loaded,
        "notes": list(parsed.notes),
    }
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
        return 0
    if result.already_loaded:
        print(f"the same Comtrade data is already loaded as dataset {result.dataset_id}; "
              "nothing changed")
        return 0
    print(f"dataset {result.dataset_id}: {name}, {result.rows:,} rows loaded, "
          f"{result.rejected:,} skipped, periods {result.period_start} .. {result.period_end}")
    for note in parsed.notes:
        print(f"note: {note}")
    return 0


def _fetch_fcs(args: argparse.Namespace) -> int:
    """One line per request: months asked, rows loaded or why nothing; 3 if unreachable."""
    refresh.fetch_fcs(_store(args), args.region, years=args.years, hs_level=args.hs_level,
                      report=lambda outcome: print(outcome.line(), flush=True), notice=print)
    return 0


def _mirror(args: argparse.Namespace) -> int:


    reporter, partner = args.reporter.upper(), args.partner.upper()
    table = mirror(_store(args, create=False), reporter=reporter, partner=partner,
                   years=tuple(args.years))
    if args.json:
        records = [{k: (None if isinstance(v, float) and math.isnan(v) else v)
                    for k, v in row.items()} for row in table.to_dict(orient="records")]
        print(json.dumps({"rows": records, "note": t("mirror.cif_fob", "en")}, ensure_ascii=False))
        return 0
    if table[["exports_usd", "imports_usd"]].isna().all().all():
        raise SchemaError("store", f"trade of {reporter} with {partner} or of {partner} with "
                          f"{country_of(reporter)} in {args.years[0]}-{args.years[-1]}",
                          found="no rows (fetch both sides first, e.g. fetch comtrade)")
    print(f"{'year':>4}  {'from':<6} {'to':<6} {'exports USD':>16} {'mirror imports':>16} "
          f"{'gap USD':>14} {'gap %':>7}")
    for row in table.itertuples():  # a few rows: two directions per year
        print(f"{row.year:>4}  {row.exporter:<6} {row.importer:<6} {_usd(row.exports_usd):>16} "
              f"{_usd(row.imports_usd):>16} {_usd(row.gap_usd):>14} {_pct(row.gap_pct):>7}")
    print(f"note: {t('mirror.cif_fob', 'en')}")
    return 0


def _usd(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}"


def _pct(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"
