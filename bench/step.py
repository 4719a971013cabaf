"""One measured step, run in its own process so that its peak memory is its own.

``python -m bench.step KIND FILE [ARG]`` prints one JSON line: seconds (the work only,
after imports), cpu seconds, peak RSS in bytes and what the step found.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

HEADER = ("napr", "period", "strana", "tnved", "edizm", "Stoim", "Netto", "Kol", "Region",
          "Region_s")
TEXT = ("napr", "period", "strana", "tnved", "edizm", "Region", "Region_s")
NUMBERS = ("Stoim", "Netto", "Kol")


def _layout(path: Path) -> tuple[str, str]:
    """(separator, encoding) of a generated file, from its header bytes."""
    with open(path, "rb") as handle:
        head = handle.read(200)
    return ("\t", "utf-8") if b"\t" in head.split(b"\n")[0] else (";", "cp1251")


def pyarrow_floor(path: Path) -> dict:
    """The whole file into an Arrow table: text as strings, numbers with a decimal comma."""
    import pyarrow as pa
    import pyarrow.csv as pv

    sep, encoding = _layout(path)
    types = {c: pa.string() for c in TEXT} | {c: pa.float64() for c in NUMBERS}
    started = _clock()
    table = pv.read_csv(
        path,
        read_options=pv.ReadOptions(encoding="utf8" if encoding == "utf-8" else encoding),
        parse_options=pv.ParseOptions(delimiter=sep),
        convert_options=pv.ConvertOptions(column_types=types, decimal_point=","),
    )
    return _done(started, rows=table.num_rows)


def pandas_baseline(path: Path) -> dict:
    """pandas' default (C) reader with explicit dtypes and a decimal comma."""
    import pandas as pd

    sep, encoding = _layout(path)
    started = _clock()
    frame = pd.read_csv(path, sep=sep, encoding=encoding, decimal=",",
                        keep_default_na=False, na_values=[""],  # Namibia is "NA"
                        dtype={c: str for c in TEXT} | {c: "float64" for c in NUMBERS})
    return _done(started, rows=len(frame))


def duckdb_csv(path: Path, store: str) -> dict:
    """DuckDB's own CSV reader into a table of a fresh .duckdb file (UTF-8 files only)."""
    import duckdb

    _fresh(Path(store))
    started = _clock()
    con = duckdb.connect(store)
    types = {c: "DOUBLE" if c in NUMBERS else "VARCHAR" for c in HEADER}
    con.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?, delim = '\t', header = true, "
                "decimal_separator = ',', columns = ?)", [str(path), types])
    rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    con.close()
    return _done(started, rows=rows, store_bytes=_size(Path(store)))


def oborot_ingest(path: Path, store: str) -> dict:
    """Oborot's ingest into a fresh store, through the same call as the CLI's ``load``."""
    import dashboard.reference.regions  # noqa: F401 - imported by any real caller before
    from dashboard.data.ingest import ingest_file
    from dashboard.data.store import Store

    store = fresh_store(store)
    started = _clock()
    with Store(store) as target:
        result = ingest_file(target, path)
    return _done(started, rows=result.rows, store_bytes=store_bytes(store),
                 period=[result.period_start, result.period_end], format=result.format)


def oborot_into(path: Path, full: str, store: str) -> dict:
    """Oborot's ingest of ``path`` into a copy of the ``full`` store, as a monthly load
    into a store that already holds years of data; also the reading copy alone (made
    for other processes' readers at the start of every load into a DuckDB file)."""
    import shutil

    import dashboard.reference.regions  # noqa: F401 - imported by any real caller before
    from dashboard.data.ingest import ingest_file
    from dashboard.data.store import Store
    from dashboard.data.store.duckdb_file import copy_in_child

    _fresh(Path(store))
    shutil.copyfile(full, store)
    copy = Path(f"{store}.copy")
    copied = _clock()
    copy_in_child(Path(store), copy)
    copy_s = time.perf_counter() - copied[0]
    copy.unlink()
    started = _clock()
    with Store(store) as target:
        result = ingest_file(target, path)
    return _done(started, rows=result.rows, store_bytes=_size(Path(full)), copy_s=copy_s)


BENCH_SCHEMA = "oborot_bench"  # the only schema the bench touches in a PostgreSQL database


def bench_url(url: str) -> str:
    """The URL of the bench's own schema in the database ``url`` names."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{BENCH_SCHEMA}"


def fresh_store(store: str) -> str:
    """An empty store: a new file, or the bench schema made again in PostgreSQL."""
    if not store.startswith(("postgresql://", "postgres://")):
        _fresh(Path(store))
        return store
    import psycopg

    with psycopg.connect(store, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE")
        con.execute(f"CREATE SCHEMA {BENCH_SCHEMA}")
    return bench_url(store)


def store_bytes(store: str) -> int:
    """Bytes on disk: the file and its WAL, or the tables and indexes of the schema."""
    if not store.startswith(("postgresql://", "postgres://")):
        return _size(Path(store))
    import psycopg

    with psycopg.connect(store) as con:
        return int(con.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class AS c "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'").fetchone()[0])


def _fresh(store: Path) -> None:
    for path in (store, store.with_name(store.name + ".wal")):
        path.unlink(missing_ok=True)
    store.parent.mkdir(parents=True, exist_ok=True)


def _size(store: Path) -> int:
    wal = store.with_name(store.name + ".wal")
    return store.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _clock() -> tuple[float, float]:
    times = os.times()
    return time.perf_counter(), times.user + times.system


def _done(started: tuple[float, float], **found: object) -> dict:
    times = os.times()
    return {
        "seconds": time.perf_counter() - started[0],
        "cpu_seconds": times.user + times.system - started[1],
        "peak_rss": _peak_rss(),
        **found,
    }


def _peak_rss() -> int:
    """This process's peak resident memory in bytes.

    Linux's VmHWM belongs to the program now running; ``ru_maxrss`` is carried over
    from the parent at fork, so a step would report at least the bench's own peak
    (the file generator's), which hid the 1M-row figures under it.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


STEPS = {
    "pyarrow": pyarrow_floor,
    "pandas": pandas_baseline,
    "duckdb": duckdb_csv,
    "oborot": oborot_ingest,
    "oborot-into": oborot_into,
}


def main(argv: list[str]) -> int:
    kind, path, *rest = argv
    print(json.dumps(STEPS[kind](Path(path), *rest)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
