"""``python -m dashboard`` ingest, datasets, delete, demo: output, JSON and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from dashboard.__main__ import main
from tests.conftest import TOMSK, ru_text


def test_ingest_prints_what_was_detected_and_loaded(tmp_path, write_file, capsys):
    store = str(tmp_path / "s.duckdb")
    path = write_file("export.zip", ru_text(sep=";"), encoding="cp1251", zip_member="DATTSVT.csv")
    assert main(["--store", store, "ingest", str(path), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record == {
        "dataset_id": 1, "format": "fcs-ru", "encoding": "cp1251", "separator": ";",
        "rows_loaded": 6, "rows_rejected": 0, "period_start": "2017-01",
        "period_end": "2018-05", "already_loaded": False, "notes": [], "overlaps": [],
        "replaced": [],
    }
    assert main(["--store", store, "ingest", str(path)]) == 0
    assert "already loaded as dataset 1" in capsys.readouterr().out


def test_a_broken_file_exits_2_with_one_line_naming_file_line_column(tmp_path, write_file,
                                                                      capsys):
    store = str(tmp_path / "s.duckdb")
    good = write_file("good.csv", ru_text())
    assert main(["--store", store, "ingest", str(good)]) == 0
    bad = write_file("bad.csv", ru_text([f"ЭК\t01/2018\tKZ\t3901109000\t\tn/a\t1\t0\t{TOMSK}"]))
    capsys.readouterr()
    assert main(["--store", store, "ingest", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: bad.csv, line 2, column Stoim: expected a number (decimal comma), "
                   "found 'n/a'"]
    assert main(["--store", store, "datasets", "--json"]) == 0
    assert [d["name"] for d in json.loads(capsys.readouterr().out)] == ["good.csv"]


def test_missing_file_and_unknown_dataset_exit_2(tmp_path, capsys):
    store = str(tmp_path / "s.duckdb")
    assert main(["--store", store, "ingest", str(tmp_path / "nope.csv")]) == 2
    assert main(["--store", store, "delete", "7"]) == 2
    assert "no dataset with id 7" in capsys.readouterr().err


def test_delete_and_demo(tmp_path, capsys):
    store = str(tmp_path / "s.duckdb")
    assert main(["--store", store, "demo"]) == 0
    assert "demo data loaded" in capsys.readouterr().out
    assert main(["--store", store, "demo"]) == 0
    assert "already holds data" in capsys.readouterr().out
    assert main(["--store", store, "delete", "1"]) == 0
    assert main(["--store", store, "datasets"]) == 0
    assert "no datasets loaded" in capsys.readouterr().out


def test_the_module_runs_as_a_program_without_traceback(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_bytes(b"\x00\x01garbage")
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "--store", str(tmp_path / "s.duckdb"), "ingest",
         str(bad)], capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "x.csv" in done.stderr
