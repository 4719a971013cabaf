"""Mirror statistics: hand-computed gaps, and the CLI over a real store."""

from __future__ import annotations

import json
import math

import pandas as pd
import pyarrow as pa
import pytest

from dashboard.__main__ import main
from dashboard.analysis.transforms.mirror import mirror_table
from dashboard.core.i18n import t
from dashboard.data.schema import TRADE_SCHEMA
from dashboard.data.sources.base import TradeBatches
from dashboard.data.store import Store


def _frame(rows):
    return pd.DataFrame(rows, columns=["reporter", "partner", "flow", "year", "value_usd"])


def test_gap_is_mirror_imports_minus_exports_in_usd_and_percent():
    frame = _frame([
        ("RU", "KZ", "export", 2017, 100.0), ("KZ", "RU", "import", 2017, 110.0),
        ("KZ", "RU", "export", 2017, 50.0), ("RU", "KZ", "import", 2017, 52.0),
    ])
    table = mirror_table(frame, reporter="RU", partner="KZ", years=[2017])
    assert table.to_dict(orient="records") == [
        {"year": 2017, "exporter": "RU", "importer": "KZ", "exports_usd": 100.0,
         "imports_usd": 110.0, "gap_usd": 10.0, "gap_pct": 10.0},
        {"year": 2017, "exporter": "KZ", "importer": "RU", "exports_usd": 50.0,
         "imports_usd": 52.0, "gap_usd": 2.0, "gap_pct": 4.0},
    ]


@pytest.mark.parametrize(("rows", "gap", "pct"), [
    ([("RU", "KZ", "export", 2018, 0.0), ("KZ", "RU", "import", 2018, 5.0)], 5.0, math.nan),
    ([("KZ", "RU", "import", 2018, 5.0)], math.nan, math.nan),  # exports not reported
    ([("RU", "KZ", "export", 2018, 80.0), ("RU", "KZ", "export", 2018, 20.0),
      ("KZ", "RU", "import", 2018, 90.0)], -10.0, -10.0),  # several datasets add up
])
def test_zero_or_missing_bases_give_nan(rows, gap, pct):
    row = mirror_table(_frame(rows), reporter="RU", partner="KZ", years=[2018]).iloc[0]
    assert (row["gap_usd"] == gap) or (math.isnan(gap) and math.isnan(row["gap_usd"]))
    assert (row["gap_pct"] == pct) or (math.isnan(pct) and math.isnan(row["gap_pct"]))


def test_a_region_is_compared_with_the_partners_imports_from_its_country():
    frame = _frame([("RU-TOM", "KZ", "export", 2017, 30.0), ("KZ", "RU", "import", 2017, 33.0)])
    row = mirror_table(frame, reporter="RU-TOM", partner="KZ", years=[2017]).iloc[0]
    assert (row["exporter"], row["imports_usd"], row["gap_pct"]) == ("RU-TOM", 33.0,
                                                                    pytest.approx(10.0))


def test_years_without_data_stay_as_nan_rows_and_input_is_untouched():
    frame = _frame([("RU", "KZ", "export", 2017, 100.0)])
    before = frame.copy()
    table = mirror_table(frame, reporter="RU", partner="KZ", years=range(2016, 2018))
    assert list(table["year"]) == [2016, 2016, 2017, 2017]
    pd.testing.assert_frame_equal(frame, before)


def test_note_explains_cif_and_fob_in_both_languages():
    ru, en = t("mirror.cif_fob", "ru"), t("mirror.cif_fob", "en")
    assert "CIF" in ru and "FOB" in en
    assert "re-export" in en and "реэкспорт" in ru


def test_cli_mirror_over_the_store(tmp_path, capsys):
    path = tmp_path / "store.duckdb"
    rows = [("RU", "KZ", "export", 2017, 100.0), ("KZ", "RU", "import", 2017, 110.0),
            ("RU", "CN", "export", 2017, 999.0)]
    batch = pa.RecordBatch.from_pylist(
        [{"reporter": r, "partner": p, "flow": f, "year": y, "month": None, "hs_code": None,
          "value_usd": v, "net_kg": None, "quantity": None, "unit": None}
         for r, p, f, y, v in rows], schema=TRADE_SCHEMA)
    Store(path).ingest(TradeBatches("comtrade-api", "", "", iter([batch])), name="t",
                       file_name=None, sha256=None)
    argv = ["--store", str(path), "mirror", "--reporter", "RU", "--partner", "KZ", "--years",
            "2017"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows"][0] == {"year": 2017, "exporter": "RU", "importer": "KZ",
                              "exports_usd": 100.0, "imports_usd": 110.0, "gap_usd": 10.0,
                              "gap_pct": 10.0}
    assert out["rows"][1]["exports_usd"] is None
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "10.0" in text and "CIF" in text
