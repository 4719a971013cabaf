"""CEPII BACI: the year CSV, its country files, and the zip holding both."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from dashboard.core.errors import SchemaError
from dashboard.data.ingest import ingest_file
from dashboard.data.sources import baci
from dashboard.data.sources.base import Sniff
from dashboard.data.sources.detect import open_trade_file
from dashboard.data.store import TradeQuery

FIXTURES = Path(__file__).parent / "fixtures" / "baci"
YEAR = FIXTURES / "BACI_HS17_Y2017_V202401.csv"
ARCHIVE = FIXTURES / "BACI_HS17_V202401.zip"

# Hand-computed from the fixture: v is thousand USD, q tonnes.
EXPECTED = [
    ("RU", "KZ", "270112", 1234567.0, 2000500.0),
    ("RU", "KZ", "010121", 10000.0, None),  # k lost its leading zero; q "          NA"
    ("US", "FR", "840710", 500250.0, 3000.0),  # BACI codes 842 and 251
    ("IN", "RU", "100630", 125.0, None),  # BACI code 699; q empty
    ("KZ", "RU", "720839", 700000.0, None),
    ("XS", "RU", "854231", 50000.0, 1000.0),  # 490 "Other Asia, nes"
]


def _rows(parsed):
    return [(r["reporter"], r["partner"], r["hs_code"], r["value_usd"], r["net_kg"])
            for batch in parsed.batches for r in batch.to_pylist()]


def _zip_sniff() -> Sniff:
    member = baci.year_member(zipfile.ZipFile(ARCHIVE).namelist())
    return Sniff(display_name=ARCHIVE.name, encoding="utf-8", separator=",",
                 header=("t", "i", "j", "k", "v", "q"), member=member)


def test_lone_year_csv_maps_codes_with_the_bundled_fallback():
    parsed = open_trade_file(YEAR)
    assert parsed.format == "baci"
    assert _rows(parsed) == EXPECTED
    assert any("ISO numeric" in note for note in parsed.notes)


def test_every_row_is_one_export_and_annual():
    rows = [r for b in open_trade_file(YEAR).batches for r in b.to_pylist()]
    assert {(r["flow"], r["year"], r["month"], r["quantity"], r["unit"]) for r in rows} == {
        ("export", 2017, None, None, None)}


def test_zip_reads_the_country_file_inside_it():
    assert baci.year_member(zipfile.ZipFile(ARCHIVE).namelist()) == "BACI_HS17_Y2017_V202401.csv"
    parsed = baci.read(ARCHIVE, _zip_sniff())
    assert _rows(parsed) == EXPECTED
    assert "country codes from country_codes_V202401.csv" in parsed.notes


@pytest.mark.parametrize("name", ["country_codes_V202401.csv", "country_codes_V202102.csv"])
def test_both_country_file_layouts(name):
    codes = baci.read_country_codes((FIXTURES / name).read_bytes(), file=name)
    assert {codes[842], codes[251], codes[699], codes[643]} == {"US", "FR", "IN", "RU"}
    if "V2024" in name:
        assert codes[490] == "XS"  # a grouping without iso2


def test_country_codes_inside_the_zip_win_over_the_fallback(tmp_path):
    path = tmp_path / "BACI_HS17_V202401.zip"
    with zipfile.ZipFile(ARCHIVE) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name.startswith("country_codes"):
                data = data.replace(b"643,Russian Federation,RU,RUS", b"643,Test,AQ,ATA")
            target.writestr(name, data)
    rows = _rows(baci.read(path, _zip_sniff()))
    assert rows[0][0] == "AQ"


def test_ingest_year_csv_and_check_totals(store):
    result = ingest_file(store, YEAR)
    assert (result.rows, result.period_start, result.period_end) == (6, "2017-01", "2017-12")
    totals = store.aggregate(["reporter"], TradeQuery(flows=("export",)))
    assert totals.set_index("reporter")["value_usd"].to_dict() == {
        "IN": 125.0, "KZ": 700000.0, "RU": 1244567.0, "US": 500250.0, "XS": 50000.0}


def test_ingest_zip_through_the_store(store):
    store.ingest(baci.read(ARCHIVE, _zip_sniff()), name=ARCHIVE.name, file_name=ARCHIVE.name,
                 sha256=None)
    assert store.aggregate([], TradeQuery())["value_usd"].iloc[0] == pytest.approx(2494942.0)


def test_zip_through_ingest_file(store):
    assert ingest_file(store, ARCHIVE).rows == 6


def test_a_bad_value_names_line_and_column(tmp_path):
    path = tmp_path / "BACI_HS17_Y2018_V202401.csv"
    path.write_text("t,i,j,k,v,q\n2018,643,398,270112,1.5,2\n2018,643,398,270112,abc,2\n")
    with pytest.raises(SchemaError) as error:
        _rows(open_trade_file(path))
    assert (error.value.line, error.value.column, error.value.found) == (3, "v", "abc")
