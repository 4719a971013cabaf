"""UN Comtrade: the three file layouts, the aggregate rule, and the v1 API client."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
import requests
import responses
from responses import matchers

from dashboard.__main__ import main
from dashboard.core.errors import NotFoundError, SchemaError, SourceError
from dashboard.data.ingest import ingest_file
from dashboard.data.sources import comtrade
from dashboard.data.sources.detect import open_trade_file
from dashboard.data.store import TradeQuery

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
PLUS = FIXTURES / "TradeData_3_14_2024_10_21_5.csv"
LEGACY = FIXTURES / "legacy_api_156_2010.csv"
BULK = FIXTURES / "C_A_398_201801_S1_O.txt.gz"
BASE = "https://comtrade.test"
PREVIEW = f"{BASE}/public/v1/preview/C/A/HS"
GET = f"{BASE}/data/v1/get/C/A/HS"


def _rows(parsed):
    return [row for batch in parsed.batches for row in batch.to_pylist()]


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# -- files ---------------------------------------------------------------------------


def test_plus_download_with_trailing_comma_latin1_and_quoted_descriptions():
    assert b"C\xf4te" in PLUS.read_bytes()  # latin-1, not UTF-8
    parsed = open_trade_file(PLUS)
    rows = _rows(parsed)
    assert parsed.format == "comtrade-plus"
    assert rows == [
        {"reporter": "RU", "partner": "KZ", "flow": "export", "year": 2018, "month": None,
         "hs_code": "27", "value_usd": 450.5, "net_kg": 900.0, "quantity": None, "unit": None},
        {"reporter": "RU", "partner": "KZ", "flow": "export", "year": 2018, "month": None,
         "hs_code": "84", "value_usd": 149.5, "net_kg": 10.0, "quantity": None, "unit": None},
        {"reporter": "RU", "partner": "CI", "flow": "import", "year": 2018, "month": None,
         "hs_code": "18", "value_usd": 250.0, "net_kg": 1000.0, "quantity": 1000.0,
         "unit": "kg"},
    ]
    # World x2, TOTAL x1, a transport-mode breakdown and a DX row are skipped, and said so.
    assert parsed.rejected == 5
    notes = " | ".join(parsed.notes)
    assert "DX (1)" in notes and "World" in notes and "2-digit" in notes and "transport" in notes


def test_plus_download_without_trailing_comma_and_lower_case_booleans(tmp_path):
    lines = PLUS.read_bytes().decode("latin-1").splitlines()
    text = "\n".join([lines[0].upper()] + [line[:-1].replace("True", "true")
                                           .replace("False", "0") for line in lines[1:]])
    path = tmp_path / "TradeData.csv"
    path.write_text(text + "\n", encoding="utf-8")
    rows = _rows(open_trade_file(path))
    assert sum(r["value_usd"] for r in rows) == 850.0


def test_legacy_api_csv_with_crlf_and_flow_codes():
    assert b"\r\n" in LEGACY.read_bytes()
    parsed = open_trade_file(LEGACY)
    rows = _rows(parsed)
    assert parsed.format == "comtrade-legacy"
    values = {(r["flow"], r["partner"]): r["value_usd"] for r in rows}
    assert values == {
        ("import", "AR"): 6804128143.0, ("import", "DE"): 74251272075.0,
        ("export", "AR"): 6115764185.0, ("export", "DE"): 68047133397.0,
        ("re-export", "DE"): 1000.0,
    }
    assert {r["reporter"] for r in rows} == {"CN"}
    assert all(r["hs_code"] is None and r["month"] is None and r["quantity"] is None
               for r in rows)
    assert parsed.rejected == 1  # the WLD row: partners are listed one by one


def test_bulk_gzip_tsv_is_read_by_the_comtrade_reader():
    sniff = comtrade.sniff_gzip(BULK, display_name=BULK.name)
    assert sniff.separator == "\t" and comtrade.matches(sniff)
    parsed = comtrade.read(BULK, sniff)
    rows = _rows(parsed)
    assert parsed.format == "comtrade-bulk"
    assert [(r["flow"], r["hs_code"], r["value_usd"], r["quantity"], r["unit"]) for r in rows] == [
        ("export", "270112", 3000.0, 2000.0, "8"),
        ("export", "100199", 1500.25, None, None),  # qtyUnitCode -1: no quantity
        ("import", "840710", 700.0, 3.0, "5"),
    ]
    assert {(r["reporter"], r["partner"], r["year"], r["month"]) for r in rows} == {
        ("KZ", "RU", 2018, 1)}
    assert parsed.rejected == 2


def test_bulk_gzip_through_ingest_file(store):
    result = ingest_file(store, BULK)
    assert result.rows == 3


@pytest.mark.parametrize(("path", "rows", "exports", "imports"), [
    (PLUS, 3, 600.0, 250.0),
    (LEGACY, 5, 6115764185.0 + 68047133397.0, 6804128143.0 + 74251272075.0),
])
def test_ingest_into_store_keeps_totals_right(store, path, rows, exports, imports):
    result = ingest_file(store, path)
    assert (result.rows, result.already_loaded) == (rows, False)
    totals = store.aggregate(["flow"], TradeQuery(flows=("export", "import")))
    assert dict(zip(totals["flow"], totals["value_usd"], strict=True)) == {
        "export": exports, "import": imports}
    assert ingest_file(store, path).already_loaded


def test_ingest_bulk_through_the_store(store):
    parsed = comtrade.read(BULK, comtrade.sniff_gzip(BULK, display_name=BULK.name))
    store.ingest(parsed, name=BULK.name, file_name=BULK.name, sha256=None)
    frame = store.aggregate(["flow", "month"], TradeQuery(reporter="KZ"))
    assert frame.set_index("flow")["value_usd"].to_dict() == {"export": 4500.25, "import": 700.0}


def test_only_world_and_total_rows_are_kept_when_they_are_all_there_is(tmp_path):
    lines = PLUS.read_bytes().decode("latin-1").splitlines()
    path = tmp_path / "world.csv"
    path.write_text("\n".join([lines[0], lines[1]]) + "\n", encoding="utf-8")
    rows = _rows(open_trade_file(path))
    assert [(r["partner"], r["hs_code"], r["value_usd"]) for r in rows] == [("XW", None, 1000.0)]


def test_a_bad_value_names_line_and_column(tmp_path):
    lines = PLUS.read_bytes().decode("latin-1").splitlines()
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([lines[0], lines[3].replace("450.5,0,True", "lots,0,True")]) + "\n",
                    encoding="utf-8")
    with pytest.raises(SchemaError) as error:
        _rows(open_trade_file(path))
    assert (error.value.line, error.value.column, error.value.found) == (2, "primaryValue", "lots")


# -- the API -------------------------------------------------------------------------


@pytest.fixture
def api(monkeypatch):
    """The API faked at the requests boundary, online (the suite runs offline otherwise)."""
    monkeypatch.setenv("OBOROT_COMTRADE_URL", BASE)
    monkeypatch.delenv("OBOROT_OFFLINE", raising=False)
    monkeypatch.delenv(comtrade.KEY_ENV, raising=False)
    with responses.RequestsMock() as mocked:
        yield mocked


def _expect(api, name: str, *, year: int, flow: str, url: str = PREVIEW, **params) -> None:
    query = {"period": str(year), "flowCode": flow, "reporterCode": "643"} | params
    api.add(responses.GET, url, body=_fixture(name),
            match=[matchers.query_param_matcher(query, strict_match=False)])


def test_fetch_splits_per_year_and_flow_over_the_preview(api):
    for year in (2017, 2018):
        for flow in ("X", "M"):
            _expect(api, f"preview_ru_kz_{year}_{flow}.json", year=year, flow=flow,
                    partnerCode="398", cmdCode="TOTAL", includeDesc="true")
    parsed = comtrade.fetch("RU", "KZ", [2018, 2017])
    rows = _rows(parsed)
    assert len(api.calls) == 4
    assert {(r["year"], r["flow"]): r["value_usd"] for r in rows} == {
        (2017, "export"): 100.0, (2017, "import"): 40.0,
        (2018, "export"): 200.0, (2018, "import"): 50.0}
    assert all(r["partner"] == "KZ" and r["hs_code"] is None for r in rows)
    assert parsed.format == "comtrade-api" and len(parsed.sha256) == 64
    assert all("Ocp-Apim-Subscription-Key" not in c.request.headers for c in api.calls)


def test_hs_level_and_truncation_note(api):
    _expect(api, "preview_ru_all_2018_X_truncated.json", year=2018, flow="X", cmdCode="AG2")
    parsed = comtrade.fetch("RU", None, [2018], hs_level=2, flow="X")
    rows = _rows(parsed)
    assert sorted((r["partner"], r["value_usd"]) for r in rows) == [("CN", 400.0), ("KZ", 500.0)]
    assert any("truncated: preview returns at most 500 records; set OBOROT_COMTRADE_KEY" in n
               for n in parsed.notes)
    assert parsed.rejected == 1  # World beside the partners
    assert "partnerCode" not in api.calls[0].request.params


def test_key_is_sent_as_header_and_never_logged(api, monkeypatch, caplog):
    secret = "0123456789abcdef-secret"
    monkeypatch.setenv(comtrade.KEY_ENV, secret)
    _expect(api, "preview_ru_kz_2017_X.json", year=2017, flow="X", url=GET,
            maxRecords=str(comtrade.GET_LIMIT))
    api.add(responses.GET, GET, status=500)
    with caplog.at_level(logging.DEBUG):
        rows = _rows(comtrade.fetch("RU", "KZ", [2017], flow="X"))
        with pytest.raises(SourceError) as error:
            comtrade.fetch("RU", "KZ", [2018], flow="X")
    assert rows[0]["value_usd"] == 100.0
    assert api.calls[0].request.headers["Ocp-Apim-Subscription-Key"] == secret
    assert secret not in api.calls[0].request.url
    assert secret not in caplog.text and secret not in str(error.value)


def test_429_is_retried_then_succeeds(api):
    api.add(responses.GET, PREVIEW, status=429, headers={"Retry-After": "0"})
    _expect(api, "preview_ru_kz_2017_X.json", year=2017, flow="X")
    rows = _rows(comtrade.fetch("RU", "KZ", [2017], flow="X"))
    assert rows[0]["value_usd"] == 100.0
    assert len(api.calls) == 2


def test_persistent_500_becomes_a_source_error(api):
    api.add(responses.GET, PREVIEW, status=500)
    with pytest.raises(SourceError, match="HTTP 500"):
        comtrade.fetch("RU", "KZ", [2017], flow="X")
    assert len(api.calls) == 4  # the first try and three retries


@pytest.mark.parametrize(("body", "message"), [
    ("<html>Service Unavailable</html>", "not valid JSON"),
    ('{"count": 1, "data": [', "not valid JSON"),
    (None, "Invalid reporterCode: 9999"),
    ('{"count": 1, "data": "oops", "error": ""}', "not a list of records"),
])
def test_garbage_bodies_are_clear_source_errors(api, body, message):
    api.add(responses.GET, PREVIEW, body=body if body is not None else _fixture("error.json"))
    with pytest.raises(SourceError, match=message):
        comtrade.fetch("RU", "KZ", [2017], flow="X")


def test_no_data_at_all_says_so(api):
    api.add(responses.GET, PREVIEW, body=_fixture("empty.json"))
    with pytest.raises(NotFoundError, match="no data for reporter RU, partner KZ in 2017"):
        comtrade.fetch("RU", "KZ", [2017], flow="X")


def test_an_empty_year_is_a_note_not_an_error(api):
    _expect(api, "preview_ru_kz_2017_X.json", year=2017, flow="X")
    _expect(api, "empty.json", year=2018, flow="X")
    parsed = comtrade.fetch("RU", "KZ", [2017, 2018], flow="X")
    assert len(_rows(parsed)) == 1
    assert "2018 X: no data published" in parsed.notes


@pytest.mark.parametrize(("iso", "code"), [("RU", 643), ("KZ", 398), ("US", 842), ("FR", 251),
                                           ("IN", 699), ("CH", 757), ("NO", 579), ("XW", 0),
                                           ("KAZ", 398)])
def test_m49_codes(iso, code):
    assert comtrade.m49_code(iso) == code


# -- the CLI -------------------------------------------------------------------------


def test_cli_fetch_ingests_once_and_reports(api, tmp_path, capsys):
    for year in (2017, 2018):
        for flow in ("X", "M"):
            _expect(api, f"preview_ru_kz_{year}_{flow}.json", year=year, flow=flow)
    store = tmp_path / "store.duckdb"
    argv = ["--store", str(store), "fetch", "comtrade", "--reporter", "RU", "--partner", "KZ",
            "--years", "2017-2018", "--json"]
    assert main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["rows_loaded"], record["period_start"], record["period_end"]) == (
        4, "2017-01", "2018-12")
    for year in (2017, 2018):  # the same answers again: recognised, not doubled
        for flow in ("X", "M"):
            _expect(api, f"preview_ru_kz_{year}_{flow}.json", year=year, flow=flow)
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["already_loaded"] is True


def test_cli_fetch_exits_3_with_one_line_when_unreachable(api, tmp_path, capsys):
    api.add(responses.GET, PREVIEW, body=requests.exceptions.ConnectionError("refused"))
    code = main(["--store", str(tmp_path / "s.duckdb"), "fetch", "comtrade", "--reporter", "RU",
                 "--partner", "KZ", "--years", "2017", "--flow", "X"])
    err = capsys.readouterr().err
    assert code == 3
    assert len(err.strip().splitlines()) == 1 and "cannot reach" in err


def test_a_file_copied_under_another_name_is_still_detected(tmp_path):
    path = tmp_path / "download.txt"
    shutil.copy(PLUS, path)
    assert open_trade_file(path).format == "comtrade-plus"


# -- the legacy export as people have it: mangled names, several HS editions, World only ------

LEGACY_WILD_HEADER = (
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,TradeFlow Code,"
    "TradeFlow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,"
    "2nd Partner Code,2nd Partner,2nd Partner ISO,Customs Proc. Code,Customs,"
    "Mode of Transport Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,Qty Unit,"
    "Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweightkg,GrossWeightkg,TradeValueUS,"
    "CIF TradeValue,FOB Trade Value (US$),Flag")


def _wild_row(edition: str, year: int, flow: str, code: str, value: str, net: str = "") -> str:
    flow_name = {"1": "Import", "2": "Export"}[flow]
    commodity = "All Commodities" if code == "TOTAL" else '"Mineral fuels, mineral oils"'
    level = "0" if code == "TOTAL" else "2"
    unit = "1,No Quantity" if not net else "8,Weight in kilograms"
    return (f"{edition},{year},{year},{year},{level},0,{flow},{flow_name},643,"
            f"Russian Federation,RUS,0,World,WLD,,,,,,,,{code},{commodity},{unit},,,,,"
            f"{net},,{value},,,0")


WILD_ROWS = [
    _wild_row("H2", 2005, "2", "TOTAL", "243798000000"),
    _wild_row("H2", 2005, "2", "27", "154700000000", "520000000000"),
    _wild_row("H2", 2008, "2", "27", "300000000000"),  # 2008 also comes in H3 below
    _wild_row("H3", 2008, "2", "27", "310000000000.5"),
    _wild_row("H3", 2008, "1", "TOTAL", "267051000000"),
    _wild_row("H3", 2008, "1", "27", "2500000000"),
    _wild_row("H4", 2013, "2", "27", "371000000000"),
    _wild_row("S3", 2013, "2", "33", "365000000000"),  # SITC: its codes are not HS
]


def test_the_legacy_export_as_found_in_the_wild(write_file):
    path = write_file("comtrade.csv", "\r\n".join([LEGACY_WILD_HEADER, *WILD_ROWS]) + "\r\n")
    parsed = open_trade_file(path)
    rows = _rows(parsed)
    assert parsed.format == "comtrade-legacy"
    assert [(r["year"], r["flow"], r["partner"], r["hs_code"], r["value_usd"], r["net_kg"])
            for r in rows] == [
        (2005, "export", "XW", "27", 154700000000.0, 520000000000.0),
        (2008, "export", "XW", "27", 310000000000.5, None),
        (2008, "import", "XW", "27", 2500000000.0, None),
        (2013, "export", "XW", "27", 371000000000.0, None),
    ]
    assert {r["reporter"] for r in rows} == {"RU"}
    assert parsed.rejected == 4  # 2 TOTAL rows, 2008 in H2, the SITC row
    notes = " | ".join(parsed.notes)
    assert "HS editions (classification of each row, by year): H2 2005; H3 2008; H4 2013" in notes
    assert "2008 H2 (1)" in notes and "S3 (1)" in notes
    assert "World is the only partner" in notes and "mirror" in notes


def test_the_wild_legacy_export_is_stored_with_its_editions_in_the_notes(store, write_file):
    path = write_file("comtrade.csv", "\r\n".join([LEGACY_WILD_HEADER, *WILD_ROWS]) + "\r\n")
    result = ingest_file(store, path)
    assert (result.rows, result.rejected) == (4, 4)
    notes = store.datasets()["notes"].iloc[0]
    assert "H3 2008" in notes and "World is the only partner" in notes
    totals = store.aggregate(["year"], TradeQuery(flows=("export",)))
    assert totals.set_index("year")["value_usd"].to_dict() == {
        2005: 154700000000.0, 2008: 310000000000.5, 2013: 371000000000.0}


@pytest.mark.parametrize(("spelling", "role"), [
    ("Trade Flow Code", "flow"), ("TradeFlow Code", "flow"), ("tradeFlowCode", "flow"),
    ("Netweight (kg)", "net"), ("Netweightkg", "net"), ("netWgt", "net"),
    ("Trade Value (US$)", "value"), ("TradeValueUS", "value"), ("primaryValue", "value"),
    ("Classification", "classification"), ("classificationCode", "classification"),
    ("Commodity Code", "hs"), ("cmdCode", "hs"), ("2nd Partner Code", "partner2"),
    ("Customs Proc. Code", "customs"), ("Mode of Transport Code", "mot"),
])
def test_every_known_spelling_is_read_by_meaning(spelling, role):
    key = comtrade.spelling_key(spelling)
    assert any(key in spellings for r, spellings in comtrade.COLUMN_SPELLINGS.items()
               if r == role)


def test_a_legacy_header_without_a_value_column_is_refused_by_name(write_file):
    header = LEGACY_WILD_HEADER.replace("TradeValueUS", "Something")
    path = write_file("comtrade.csv", header + "\r\n" + WILD_ROWS[1] + "\r\n")
    with pytest.raises(SchemaError, match="expected a known header"):
        open_trade_file(path)
