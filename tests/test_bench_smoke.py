"""The benchmark end to end on a tiny file: it runs, and Oborot answers as pandas does."""

from __future__ import annotations

import json

import pytest

from bench.run import main


@pytest.fixture
def bench_pg(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The test server for the bench's PostgreSQL run; None (DuckDB only) without one."""
    try:
        url = request.getfixturevalue("pg_server")
    except pytest.skip.Exception:
        return None
    monkeypatch.setenv("OBOROT_BENCH_PG_URL", url)
    return url


def test_the_whole_bench_runs_on_a_small_file_and_answers_match(tmp_path, capsys, bench_pg):
    results = tmp_path / "results.json"
    assert main(["--rows", "2000", "--repeat", "1", "--runs", "2", "--pandas-runs", "1",
                 "--work", str(tmp_path / "out"), "--results", str(results)]) == 0
    report = json.loads(results.read_text())
    assert report["queries"]["answers_match"] is True
    assert report["ingest"]["portal/oborot"]["rows"] == 2000
    assert report["ingest"]["cp1251/oborot"]["rows"] == 2000
    assert set(report["targets"]) >= {"ingest/pyarrow", "page p95 ms", "store/csv"}
    assert report["small_load"]["full"]["rows"] == report["small_load"]["empty"]["rows"] == 2000
    if bench_pg is not None:
        assert report["ingest"]["portal/postgres"]["rows"] == 2000
        assert report["postgres_queries"]["answers_match"] is True
        assert set(report["targets"]) >= {"postgres/duckdb ingest", "postgres page p95 ms"}
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("ratios: ")
    assert "a 2,000-row file loaded into this store" in out
