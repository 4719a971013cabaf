"""The benchmark end to end on a tiny file: it runs, and Oborot answers as pandas does."""

from __future__ import annotations

import json

from bench.run import main


def test_the_whole_bench_runs_on_a_small_file_and_answers_match(tmp_path, capsys):
    results = tmp_path / "results.json"
    assert main(["--rows", "2000", "--repeat", "1", "--runs", "2", "--pandas-runs", "1",
                 "--work", str(tmp_path / "out"), "--results", str(results)]) == 0
    report = json.loads(results.read_text())
    assert report["queries"]["answers_match"] is True
    assert report["ingest"]["portal/oborot"]["rows"] == 2000
    assert report["ingest"]["cp1251/oborot"]["rows"] == 2000
    assert set(report["targets"]) >= {"ingest/pyarrow", "page p95 ms", "store/csv"}
    assert capsys.readouterr().out.splitlines()[-1].startswith("ratios: ")
