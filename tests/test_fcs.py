"""FCS regional export files in every layout and re-save variant."""

from __future__ import annotations

import pytest

from dashboard.core.errors import SchemaError
from dashboard.data.ingest import ingest_file
from dashboard.data.sources.detect import open_trade_file
from dashboard.data.store import TradeQuery
from tests.conftest import RU_ROWS, TOMSK, ru_text

EN_TEXT = (
    "DIRECTION,PERIOD,COUNTRY,HS,UM,VALUE,NETWEIGHT,QUANTITY,REGION,REGION_S\n"
    'EXP,01/2018,KZ,3901109000,,300.5,20,0,69000 - TOMSK REGION,06-SIBERIAN FEDERAL DISTRICT\n'
    'IMP,03/2018,KZ,2501009100,KGM,20,1000,1000,69000 - TOMSK REGION,06-SIBERIAN FEDERAL DISTRICT\n'
    'EXP,02/2018,CN,0402291900,,7,1,0,"45000 - MOSCOW, THE CAPITAL OF RUSSIAN FEDERATION",'
    "01-CENTRAL FEDERAL DISTRICT\n"
    "EXP,02/2018,,0402291900,,3,1,0,69000 - TOMSK REGION,06-SIBERIAN FEDERAL DISTRICT\n"
)


def _rows(path):
    parsed = open_trade_file(path)
    return parsed, [row for batch in parsed.batches for row in batch.to_pylist()]


@pytest.mark.parametrize(
    ("name", "content", "encoding", "member", "fmt", "enc", "sep"),
    [
        ("DATTSVT.csv", ru_text(), "utf-8", None, "fcs-ru", "utf-8", "\t"),
        ("crlf.csv", ru_text(newline="\r\n"), "utf-8", None, "fcs-ru", "utf-8", "\t"),
        ("excel.csv", ru_text(sep=";"), "cp1251", None, "fcs-ru", "cp1251", ";"),
        ("bom.csv", "\ufeff" + ru_text(sep=";"), "utf-8", None, "fcs-ru", "utf-8-sig", ";"),
        ("export.zip", ru_text(), "utf-8", "DATTSVT.csv", "fcs-ru", "utf-8", "\t"),
    ],
)
def test_russian_layout_variants_parse_to_the_same_rows(
    write_file, name, content, encoding, member, fmt, enc, sep
):
    parsed, rows = _rows(write_file(name, content, encoding=encoding, zip_member=member))
    assert (parsed.format, parsed.encoding, parsed.separator) == (fmt, enc, sep)
    assert len(rows) == len(RU_ROWS)
    assert rows[0] == {
        "reporter": "RU-TOM", "partner": "KZ", "flow": "export", "year": 2017, "month": 1,
        "hs_code": "3901109000", "value_usd": 100.0, "net_kg": 10.5, "quantity": None,
        "unit": None,
    }
    assert rows[1]["unit"] == "166" and rows[1]["quantity"] == 500.0
    assert rows[2]["value_usd"] == 300.5
    assert rows[5]["hs_code"] == "XXXXXXXXXX"
    assert rows[4]["quantity"] == 5.5


def test_hs_codes_that_lost_their_leading_zero_are_restored(write_file):
    rows = [f"ИМ\t03/2018\tKZ\t702000000\t\t10,00\t1\t0\t{TOMSK}"]
    _, parsed = _rows(write_file("x.csv", ru_text(rows, sep=";"), encoding="cp1251"))
    assert parsed[0]["hs_code"] == "0702000000"


def test_english_layout_with_quoted_region_and_missing_country(write_file):
    parsed, rows = _rows(write_file("en.csv", EN_TEXT))
    assert parsed.format == "fcs-en"
    assert [r["reporter"] for r in rows] == ["RU-TOM", "RU-TOM", "RU-MOW", "RU-TOM"]
    assert [r["flow"] for r in rows] == ["export", "import", "export", "export"]
    assert rows[2]["hs_code"] == "0402291900"
    assert rows[1]["unit"] == "KGM" and rows[1]["quantity"] == 1000.0
    assert rows[3]["partner"] == "XU"
    assert any("without a partner" in note for note in parsed.notes)


@pytest.mark.parametrize(
    ("row", "line", "column", "expected"),
    [
        (f"ЭК\t01/2018\tKZ\t3901109000\t\tабв\t1\t0\t{TOMSK}", 4, "Stoim", "a number"),
        (f"ЭК\t13-2018\tKZ\t3901109000\t\t1,0\t1\t0\t{TOMSK}", 4, "period", "MM/YYYY"),
        (f"ЭК\t01/2018\tKZ\t39011\t\t1,0\t1\t0\t{TOMSK}", 4, "tnved", "HS code"),
        (f"XX\t01/2018\tKZ\t3901109000\t\t1,0\t1\t0\t{TOMSK}", 4, "napr", "ЭК or ИМ"),
        ("ЭК\t01/2018\tKZ\t3901109000\t\t1,0\t1\t0\t99999 - НЕТ ТАКОЙ\tX", 4, "Region",
         "federal subject"),
        (f"ЭК\t01/2018\tKZ\t3901109000\t\t-5,0\t1\t0\t{TOMSK}", 4, "Stoim", "zero or more"),
        (f"ЭК\t01/2018\tKAZ\t3901109000\t\t5,0\t1\t0\t{TOMSK}", 4, "strana", "ISO 3166-1"),
        (f"ЭК\t01/2018\tQQ\t3901109000\t\t5,0\t1\t0\t{TOMSK}", 4, "strana", "country code"),
        (f"ЭК\t01/2018\tKZ\t3901109000\t\t1e999\t1\t0\t{TOMSK}", 4, "Stoim", "number"),
    ],
)
def test_bad_values_name_file_line_and_column(write_file, row, line, column, expected):
    good = RU_ROWS[:2]
    path = write_file("bad.csv", ru_text([*good, row]))
    with pytest.raises(SchemaError) as info:
        _rows(path)
    error = info.value
    assert (error.file, error.line, error.column) == ("bad.csv", line, column)
    assert expected in str(error)


def test_bad_number_deep_in_a_large_file_is_located(write_file):
    good = f"ЭК\t01/2018\tKZ\t3901109000\t\t1,0\t1\t0\t{TOMSK}"
    rows = [good] * 200_000 + [good.replace("\t1,0\t", "\t1,0x\t")] + [good] * 10
    with pytest.raises(SchemaError) as info:
        _rows(write_file("big.csv", ru_text(rows)))
    assert (info.value.line, info.value.column) == (200_002, "Stoim")


def test_ragged_row_is_reported(write_file):
    path = write_file("ragged.csv", ru_text([RU_ROWS[0], "ЭК\t01/2018\tKZ"]))
    with pytest.raises(SchemaError) as info:
        _rows(path)
    assert "bad.csv" not in str(info.value) and "ragged.csv" in str(info.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "empty"), (b"\x00\x01\x02binary" * 10, "binary"), (b"a,b,c\n1,2,3\n", "known header")],
)
def test_files_that_are_not_trade_data_are_refused(write_file, content, expected):
    with pytest.raises(SchemaError) as info:
        _rows(write_file("x.csv", content))
    assert expected in str(info.value)


def test_ingest_matches_a_hand_count(store, write_file):
    path = write_file("DATTSVT.csv", ru_text())
    result = ingest_file(store, path)
    assert (result.rows, result.format, result.period_start, result.period_end) == (
        6, "fcs-ru", "2017-01", "2018-05")
    totals = store.aggregate(["year", "partner"], TradeQuery(reporter="RU-TOM"))
    assert totals.set_index(["year", "partner"])["value_usd"].to_dict() == {
        (2017, "KZ"): 150.0, (2018, "CN"): 1000.0, (2018, "KZ"): 320.5}
