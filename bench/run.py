"""Run the whole benchmark: generate, ingest against the floors, page queries, report.

Every step runs in a fresh process (its peak RSS is its own) and the steps of one
repeat are interleaved, so that whatever else the machine is doing weighs on all of
them alike: the ratios of one run are what counts, not the absolute seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.generate import LAYOUTS, OUT, YEARS, generate, plan
from bench.step import bench_url
from scripts.pg_cluster import Cluster, Unavailable

ROOT = Path(__file__).resolve().parent.parent
# The bench files are larger than the app's default upload limits on purpose.
LIMITS = {"OBOROT_MAX_UPLOAD_MB": str(1 << 20), "OBOROT_MAX_ROWS": str(1 << 40)}
RESULTS = Path(__file__).with_name("results.json")
SMALL_ROWS = 100_000  # a region's year: the load a running store gets every month
TARGETS = {
    "ingest/duckdb": ("<=", 1.2),  # DuckDB's own read_csv into a file
    "ingest/pyarrow": ("<=", 2.0),
    "cp1251/portal ingest": ("<=", 1.5),
    "pandas/ingest": (">=", 3.0),
    "ingest peak RSS GB": ("<=", 1.2),
    "page p95 ms": ("<=", 100.0),
    "page update p95 ms": ("<=", 150.0),  # queries plus transforms, summary paragraph included
    "pandas/oborot pages": (">=", 5.0),
    "first call s": ("<=", 1.0),
    "store/csv": ("<=", 0.2),
}
# Measured when a PostgreSQL server is at hand (OBOROT_BENCH_PG_URL, or a throwaway one).
POSTGRES_TARGETS = {
    "postgres/duckdb ingest": ("<=", 3.0),
    "postgres page p95 ms": ("<=", 150.0),
}


@contextmanager
def postgres() -> Iterator[str | None]:
    """A database URL for the PostgreSQL engine's run (its ``oborot_bench`` schema is
    dropped and made again), or None with the reason printed."""
    url = os.environ.get("OBOROT_BENCH_PG_URL")
    if url:
        yield url
        return
    try:
        cluster = Cluster(durable=True).start()  # fsync on: timed as a real server would be
    except Unavailable as exc:
        print(f"PostgreSQL engine not measured: {exc}", file=sys.stderr)
        yield None
        return
    try:
        yield cluster.url
    finally:
        cluster.stop()


def _child(module: str, *args: object, env: dict[str, str] | None = None) -> dict:
    """Run ``python -m module args`` from the repository root; its last line is JSON."""
    done = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)], cwd=ROOT, capture_output=True,
        text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), **LIMITS, **(env or {})},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(map(str, args))} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(samples: list[dict]) -> dict:
    return {
        "seconds": statistics.median(s["seconds"] for s in samples),
        "cpu_seconds": statistics.median(s["cpu_seconds"] for s in samples),
        "peak_rss": max(s["peak_rss"] for s in samples),
        "runs": len(samples),
        "all_seconds": [round(s["seconds"], 3) for s in samples],
        **{k: v for k, v in samples[-1].items()
           if k not in {"seconds", "cpu_seconds", "peak_rss"}},
    }


def measure_ingest(files: dict[str, Path], work: Path, repeat: int,
                   pg_url: str | None = None) -> dict[str, dict]:
    """Median time, CPU and peak RSS of each reader on each layout, interleaved per repeat."""
    plans = []
    for layout, path in files.items():
        plans.append((f"{layout}/pyarrow", "pyarrow", path, ()))
        plans.append((f"{layout}/pandas", "pandas", path, ()))
        if layout == "portal":  # DuckDB's reader has no cp1251 offline (DESIGN.md)
            plans.append((f"{layout}/duckdb", "duckdb", path, (work / "duckdb-csv.duckdb",)))
        plans.append((f"{layout}/oborot", "oborot", path, (work / f"oborot-{layout}.duckdb",)))
        if layout == "portal" and pg_url is not None:
            plans.append((f"{layout}/postgres", "oborot", path, (pg_url,)))
    samples: dict[str, list[dict]] = {name: [] for name, *_ in plans}
    for _ in range(repeat):
        for name, kind, path, extra in plans:
            samples[name].append(_child("bench.step", kind, path, *extra))
    return {name: _summary(found) for name, found in samples.items()}


def measure_small_load(small: Path, work: Path, repeat: int) -> dict[str, dict]:
    """A small file loaded into an empty store and into (a copy of) the benched store."""
    samples: dict[str, list[dict]] = {"empty": [], "full": []}
    for _ in range(repeat):
        samples["empty"].append(_child("bench.step", "oborot", small, work / "small.duckdb"))
        samples["full"].append(_child("bench.step", "oborot-into", small,
                                      work / "oborot-portal.duckdb", work / "small-into.duckdb"))
    found = {name: _summary(taken) for name, taken in samples.items()}
    found["full"]["copy_s"] = statistics.median(s["copy_s"] for s in samples["full"])
    return found


def run(rows: int, *, seed: int = 0, repeat: int = 3, runs: int = 20, pandas_runs: int = 5,
        work: Path = OUT, results: Path | None = RESULTS) -> dict:
    """The whole benchmark; returns (and writes to ``results``) every figure."""
    load_before = os.getloadavg()
    started = time.perf_counter()
    files = {layout: generate(rows, layout, seed=seed, out=work) for layout in LAYOUTS}
    generated = time.perf_counter() - started
    stores = work / f"stores-{rows}-s{seed}"
    by_size = plan(seed).regions_by_size()
    regions = [by_size[0], by_size[len(by_size) // 2]]
    with postgres() as pg_url:
        ingest = measure_ingest(files, stores, repeat, pg_url)
        pages = _child("bench.pages", stores / "oborot-portal.duckdb", files["portal"],
                       ",".join(regions), max(YEARS), runs, pandas_runs)
        pg_pages = None if pg_url is None else _child(
            "bench.pages", bench_url(pg_url), files["portal"], ",".join(regions), max(YEARS),
            runs, 1)  # answers checked against pandas once more
    small = measure_small_load(generate(min(SMALL_ROWS, rows), "portal", seed=seed + 1, out=work),
                               stores, repeat)

    csv_bytes = files["portal"].stat().st_size
    store_bytes = ingest["portal/oborot"]["store_bytes"]
    report = {
        "rows": rows,
        "seed": seed,
        "generated_s": generated,
        "files": {k: {"path": _relative(v), "bytes": v.stat().st_size} for k, v in files.items()},
        "ingest": ingest,
        "queries": pages,
        "postgres_queries": pg_pages,
        "small_load": small,
        "regions": {"largest": regions[0], "mid": regions[1]},
        "store_bytes": store_bytes,
        "csv_bytes": csv_bytes,
        "machine": {
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "versions": _versions(),
        },
        "wall_s": time.perf_counter() - started,
    }
    report["ratios"] = ratios(report)
    targets = {**TARGETS, **(POSTGRES_TARGETS if pg_pages is not None else {})}
    report["targets"] = {
        name: {"value": report["ratios"][name], "target": f"{op} {limit}",
               "met": report["ratios"][name] <= limit if op == "<=" else
               report["ratios"][name] >= limit}
        for name, (op, limit) in targets.items()
    }
    if results is not None:
        results.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def ratios(report: dict) -> dict[str, float]:
    """The key figures of one run (time ratios of medians measured in that run)."""
    ing = report["ingest"]
    pages = report["queries"]["pages"].values()
    found = {}
    if report.get("postgres_queries"):
        found = {
            "postgres/duckdb ingest": ing["portal/postgres"]["seconds"]
            / ing["portal/oborot"]["seconds"],
            "postgres page p95 ms": max(p["oborot"]["p95"] for p in
                                        report["postgres_queries"]["pages"].values()) * 1e3,
        }
    return found | {
        "ingest/pyarrow": ing["portal/oborot"]["seconds"] / ing["portal/pyarrow"]["seconds"],
        "pandas/ingest": ing["portal/pandas"]["seconds"] / ing["portal/oborot"]["seconds"],
        "cp1251 ingest/pyarrow": ing["cp1251/oborot"]["seconds"]
        / ing["cp1251/pyarrow"]["seconds"],
        "ingest/duckdb": ing["portal/oborot"]["seconds"] / ing["portal/duckdb"]["seconds"],
        "cp1251/portal ingest": ing["cp1251/oborot"]["seconds"]
        / ing["portal/oborot"]["seconds"],
        "ingest peak RSS GB": max(ing["portal/oborot"]["peak_rss"],
                                  ing["cp1251/oborot"]["peak_rss"]) / 1e9,
        "page p95 ms": max(p["oborot"]["p95"] for p in pages) * 1e3,
        "page update p95 ms": max(p["oborot"]["update_p95"] for p in pages) * 1e3,
        "pandas/oborot pages": min(p["speedup"] for p in pages),
        "first call s": report["queries"]["first_call_s"],
        "store/csv": report["store_bytes"] / report["csv_bytes"],
    }


def _versions() -> dict[str, str]:
    import duckdb
    import pandas
    import pyarrow

    return {"duckdb": duckdb.__version__, "pandas": pandas.__version__,
            "pyarrow": pyarrow.__version__}


def table(report: dict) -> str:
    """The human-readable tables (markdown) of one run."""
    lines = [f"rows {report['rows']:,}, portal CSV {report['csv_bytes'] / 1e6:,.0f} MB, "
             f"load average {report['machine']['load_before'][0]} -> "
             f"{report['machine']['load_after'][0]} on {report['machine']['cpus']} CPUs", "",
             "| ingest | layout | median s | CPU s | peak RSS GB | vs pyarrow |",
             "|---|---|---:|---:|---:|---:|"]
    ing = report["ingest"]
    for name, entry in ing.items():
        layout, kind = name.split("/")
        floor = ing[f"{layout}/pyarrow"]["seconds"]
        lines.append(f"| {kind} | {layout} | {entry['seconds']:.2f} | {entry['cpu_seconds']:.2f} "
                     f"| {entry['peak_rss'] / 1e9:.2f} | {entry['seconds'] / floor:.2f}x |")
    q = report["queries"]
    lines += ["", "page updates: queries alone, and the whole update with the pandas transforms "
              f"(first call after opening the store: {q['first_call_s']:.2f} s)", "",
              "| page/region | queries p50 ms | p95 ms | pandas p50 ms | pandas/oborot "
              "| update p50 ms | p95 ms | pandas p50 ms |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, entry in q["pages"].items():
        ours, theirs = entry["oborot"], entry["pandas"]
        lines.append(f"| {name} | {ours['p50'] * 1e3:.1f} | {ours['p95'] * 1e3:.1f} | "
                     f"{theirs['p50'] * 1e3:.1f} | {entry['speedup']:.1f}x | "
                     f"{ours['update_p50'] * 1e3:.1f} | {ours['update_p95'] * 1e3:.1f} | "
                     f"{theirs['update_p50'] * 1e3:.1f} |")
    small = report.get("small_load")
    if small:
        lines += ["", f"a {small['empty']['rows']:,}-row file loaded into this store "
                  f"({small['full']['store_bytes'] / 1e6:,.0f} MB): "
                  f"{small['full']['seconds']:.2f} s, of which the reading copy of the store "
                  f"{small['full']['copy_s']:.2f} s; into an empty store: "
                  f"{small['empty']['seconds']:.2f} s"]
    lines += ["", f"store {report['store_bytes'] / 1e6:,.1f} MB vs CSV "
              f"{report['csv_bytes'] / 1e6:,.1f} MB; answers match pandas: "
              f"{q['answers_match']}"]
    return "\n".join(lines)


def ratio_line(report: dict) -> str:
    r = report["ratios"]
    missed = [name for name, t in report["targets"].items() if not t["met"]]
    return (f"ratios: ingest/duckdb {r['ingest/duckdb']:.2f}x, "
            f"ingest/pyarrow {r['ingest/pyarrow']:.2f}x, "
            f"cp1251/portal ingest {r['cp1251/portal ingest']:.2f}x, "
            f"pandas/ingest {r['pandas/ingest']:.1f}x, "
            f"cp1251 ingest/pyarrow {r['cp1251 ingest/pyarrow']:.1f}x, "
            f"page queries p95 {r['page p95 ms']:.0f} ms "
            f"(pandas/oborot {r['pandas/oborot pages']:.1f}x), "
            f"whole update p95 {r['page update p95 ms']:.0f} ms, "
            f"first call {r['first call s']:.2f} s, RSS {r['ingest peak RSS GB']:.2f} GB, "
            f"store/csv {r['store/csv']:.2f}"
            + (f", postgres/duckdb ingest {r['postgres/duckdb ingest']:.2f}x, postgres page "
               f"queries p95 {r['postgres page p95 ms']:.0f} ms"
               if "postgres/duckdb ingest" in r else "")
            + (f"; missed: {', '.join(missed)}" if missed else "; all targets met"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=None,
                        help="ingest runs per step, median taken (3 from 5M rows, else 2)")
    parser.add_argument("--runs", type=int, default=20, help="warm runs per page update")
    parser.add_argument("--pandas-runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=OUT, help="generated files and stores")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 3 if args.rows >= 5_000_000 else 2
    report = run(args.rows, seed=args.seed, repeat=args.repeat, runs=args.runs,
                 pandas_runs=args.pandas_runs, work=args.work, results=args.results)
    print(table(report))
    print(ratio_line(report))
    return 0


def _relative(path: Path) -> str:
    """A generated file's path from the project root (results.json is committed)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name
