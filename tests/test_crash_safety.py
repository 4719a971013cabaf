"""A killed ingest or rates import leaves the store whole: all of the dataset or none of it.

``python -m dashboard`` runs in a child process that reports its progress on
stdout (each batch handed to the store, the moment every row is inserted); the
test SIGKILLs it at chosen points, then opens the store and checks that it
holds the earlier data, and either the whole new dataset or no trace of it,
and still answers queries.  Also: memory stays bounded on a ~100 MB file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from dashboard.core.config import PROJECT_ROOT
from dashboard.data.store import Store
from tests.conftest import make_loaded
from tests.corpus import make_corpus as corpus

ROWS = 300_000
BLOCK_BYTES = 64 << 10  # ~420 Arrow blocks, so ~420 inserts inside the one transaction

# Runs the real CLI with its batches traced: "batch N" as the store takes batch N, then
# "all rows inserted" and a pause of argv[1] seconds before the store's final UPDATE/COMMIT.
TRACED_CLI = r"""
import sys, time
import dashboard.data.ingest as ingest
import dashboard.rates.files as files

real_open, real_parse = ingest.open_trade_file, files.detect_and_parse

def traced_open(*args, **kwargs):
    parsed = real_open(*args, **kwargs)
    inner = parsed.batches
    def batches():
        for number, batch in enumerate(inner, 1):
            print(f"batch {number}", flush=True)
            yield batch
        print("all rows inserted", flush=True)
        time.sleep(float(sys.argv[1]))
    parsed.batches = batches()
    return parsed

def traced_parse(*args, **kwargs):
    parsed = real_parse(*args, **kwargs)
    print("parsed", flush=True)
    return parsed

ingest.open_trade_file, files.detect_and_parse = traced_open, traced_parse
from dashboard.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


def _env(store: Path) -> dict[str, str]:
    return {**os.environ, "OBOROT_STORE": str(store), "OBOROT_BLOCK_BYTES": str(BLOCK_BYTES),
            "PYTHONUNBUFFERED": "1"}


def _run_until(store: Path, argv: list[str], *, marker: str, delay: float,
               pause: float = 0.0) -> tuple[int | None, list[str]]:
    """Start the traced CLI, SIGKILL it ``delay`` s after it prints ``marker``."""
    process = subprocess.Popen(
        [sys.executable, "-c", TRACED_CLI, str(pause), *argv], cwd=PROJECT_ROOT,
        env=_env(store), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    seen: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line.strip())
        if line.strip() == marker:
            time.sleep(delay)
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return process.returncode, seen


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus.fcs_rows(tmp_path_factory.mktemp("crash") / "DATTSVT.csv", ROWS)


@pytest.fixture
def base_store(tmp_path: Path) -> Path:
    """A store holding one small dataset and two rates before the killed command runs."""
    return make_loaded(tmp_path / "store.duckdb")


def _check_whole_or_nothing(path: Path) -> str:
    """Open the killed store; 'whole' or 'none' of the big dataset, the earlier data intact."""
    with Store(path, keep_open=True) as store:
        datasets = store.datasets()
        with store.connect() as con:
            per_dataset = dict(con.execute(
                "SELECT dataset_id, count(*) FROM trade GROUP BY 1").fetchall())
            rates = con.execute("SELECT count(*) FROM fx_rates WHERE source = 'cbr'").fetchone()
        assert datasets.iloc[0][["id", "name", "row_count"]].tolist() == [1, "good.csv", 6]
        assert per_dataset.get(1) == 6 and rates == (2,)
        assert store.aggregate(["year"]).shape[0] >= 2  # the store answers queries
        if len(datasets) == 1:
            assert set(per_dataset) == {1}, per_dataset
            return "none"
        assert len(datasets) == 2
        big = datasets.iloc[1]
        assert big["row_count"] == ROWS and per_dataset.get(int(big["id"])) == ROWS
        assert set(per_dataset) == {1, int(big["id"])}
        return "whole"


KILL_POINTS = [
    pytest.param("batch 1", 0.0, "none", id="after-the-first-batch"),
    pytest.param("batch 1", 0.2, "none", id="0.2s-into-inserting"),
    pytest.param("batch 1", 0.5, "none", id="0.5s-into-inserting"),
    pytest.param("batch 1", 1.0, None, id="1s-into-inserting"),
    pytest.param("batch 200", 0.0, "none", id="halfway"),
    pytest.param("all rows inserted", 0.0, None, id="during-the-commit",
                 marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("marker", "delay", "expected"), KILL_POINTS)
def test_a_killed_ingest_leaves_all_or_nothing(big_file: Path, base_store: Path, marker: str,
                                               delay: float, expected: str | None) -> None:
    code, seen = _run_until(base_store, ["ingest", str(big_file)], marker=marker, delay=delay)
    assert marker in seen, seen[-3:]
    outcome = _check_whole_or_nothing(base_store)
    print(f"kill after {marker!r} + {delay} s: exit {code}, store holds {outcome}")
    if code == -signal.SIGKILL and expected is not None:
        assert outcome == expected


def test_killed_just_before_commit_then_loaded_again(big_file: Path, base_store: Path) -> None:
    code, seen = _run_until(base_store, ["ingest", str(big_file)], marker="all rows inserted",
                            delay=0.3, pause=30)
    assert code == -signal.SIGKILL and "all rows inserted" in seen
    assert _check_whole_or_nothing(base_store) == "none"
    # Nothing half-written blocks a retry: the same file loads in full afterwards.
    env = {**os.environ, "OBOROT_STORE": str(base_store)}
    env.pop("OBOROT_BLOCK_BYTES", None)
    done = subprocess.run([sys.executable, "-m", "dashboard", "ingest", str(big_file)],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert _check_whole_or_nothing(base_store) == "whole"


# -- rates import ---------------------------------------------------------------------------

RATE_DAYS = 8000


@pytest.fixture(scope="module")
def big_rates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An eurofxref-hist.csv of RATE_DAYS days x 40 currencies (newest first, trailing comma)."""
    codes = sorted(corpus_codes())
    days = pd.date_range("1999-01-04", periods=RATE_DAYS, freq="D")[::-1]
    lines = ["Date," + ",".join(codes) + ","]
    for n, day in enumerate(days):
        lines.append(f"{day:%Y-%m-%d}," + ",".join(f"{1 + (n + i) % 97 / 100:.4f}"
                                                   for i in range(len(codes))) + ",")
    path = tmp_path_factory.mktemp("rates") / "eurofxref-hist.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def corpus_codes() -> set[str]:
    from dashboard.rates.ecb import ECB_CURRENCIES

    return set(ECB_CURRENCIES) - {"ROL"}


def _rates_outcome(path: Path) -> str:
    with Store(path, keep_open=True) as store, store.connect() as con:
        by_source = dict(con.execute(
            "SELECT source, count(*) FROM fx_rates GROUP BY 1").fetchall())
        assert by_source.pop("cbr") == 2
        assert store.rates(currencies=["USD"], quote="RUB")["rate"].tolist() == [68.0447,
                                                                                67.7443]
    if not by_source:
        return "none"
    assert by_source == {"ecb": RATE_DAYS * len(corpus_codes())}
    return "whole"


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.4, 1.0])
def test_a_killed_rates_import_leaves_all_or_nothing(big_rates: Path, base_store: Path,
                                                     delay: float) -> None:
    code, seen = _run_until(base_store, ["rates", "import", str(big_rates)], marker="parsed",
                            delay=delay)
    assert "parsed" in seen
    outcome = _rates_outcome(base_store)
    print(f"rates import killed {delay} s after parsing: exit {code}, store holds {outcome}")
    if code == -signal.SIGKILL and delay == 0.0:
        assert outcome == "none"


# -- memory --------------------------------------------------------------------------------

PEAK_RSS_MB = 600
# Runs the CLI as a grandchild so that RUSAGE_CHILDREN measures that one process only.
MEASURE = r"""
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "dashboard", *sys.argv[1:]], capture_output=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
sys.stderr.write(done.stderr.decode())
"""


@pytest.mark.slow
def test_memory_stays_bounded_on_a_100_mb_file(tmp_path: Path) -> None:
    path = corpus.fcs_rows(tmp_path / "DATTSVT.csv", 1_150_000)
    assert path.stat().st_size > 100 << 20
    env = {**os.environ, "OBOROT_STORE": str(tmp_path / "store.duckdb")}
    env.pop("OBOROT_BLOCK_BYTES", None)
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", MEASURE, "ingest", str(path)],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                              timeout=60)
    except subprocess.TimeoutExpired:
        pytest.skip("ingesting 100 MB took over 60 s on this machine")
    code, peak_mb = map(int, done.stdout.split())
    assert code == 0, done.stderr
    assert peak_mb < PEAK_RSS_MB, f"peak RSS {peak_mb} MB after {time.monotonic() - started:.0f} s"
    with Store(env["OBOROT_STORE"]) as store:
        assert store.datasets()["row_count"].tolist() == [1_150_000]
