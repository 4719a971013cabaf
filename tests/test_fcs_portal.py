"""The customs portal download against a loopback portal replying in its real file formats."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.__main__ import main
from dashboard.core.errors import SchemaError, SourceError
from dashboard.data import refresh
from dashboard.data.ingest import ingest_file
from dashboard.data.sources import fcs_portal
from dashboard.data.store import Store, TradeQuery
from tests.loopback import dattsvt, loopback, serve_portal, tomsk_rows

UNLOAD = "/api/DataAnalysis/UnloadData"
ESTIMATE = "/api/DataAnalysis/CalcEstimatedUnloadSize"
PAUSE = 0.2
TODAY = date(2019, 3, 15)


def _published(year: int, month: int) -> list[str]:
    """2017 and 2018 are published; nothing else."""
    return tomsk_rows(year, month) if year in (2017, 2018) else []


@pytest.fixture
def portal(monkeypatch):
    with loopback() as server:
        monkeypatch.setenv("OBOROT_FCS_URL", server.url)
        monkeypatch.setenv("OBOROT_FCS_PAUSE_S", str(PAUSE))
        monkeypatch.setenv("OBOROT_HTTP_TIMEOUT", "2")
        monkeypatch.delenv("OBOROT_OFFLINE", raising=False)
        yield server


def _totals(store: Store) -> dict[tuple[int, str], float]:
    frame = store.aggregate(["year", "flow"], TradeQuery(reporter="RU-TOM"))
    return {(int(y), f): v for y, f, v in zip(frame["year"], frame["flow"], frame["value_usd"],
                                              strict=True)}


# Hand counts: exports of a year = 12 * 1000 * (year - 2016) + (1 + ... + 12) = 12000k + 78,
# imports = 10 * 78 = 780.
EXPECTED = {(2017, "export"): 12078.0, (2017, "import"): 780.0,
            (2018, "export"): 24078.0, (2018, "import"): 780.0}


def test_the_filter_is_the_one_the_download_button_sends():
    body = fcs_portal.unload_filter("69000", fcs_portal.Months((2018, 1), (2018, 12)))
    assert body == {"direction": "", "exportType": "Csv", "federalDistricts": [],
                    "period": [{"start": "2017-12-31", "end": "2018-12-31"}],
                    "subjects": ["69000"], "tnved": [], "tnvedLevel": 10}
    body = fcs_portal.unload_filter("69000", fcs_portal.Months((2020, 2), (2020, 2)), hs_level=4)
    assert body["period"] == [{"start": "2020-01-31", "end": "2020-02-29"}]
    assert body["tnvedLevel"] == 4
    with pytest.raises(SchemaError, match="2, 4, 6, 8 or 10"):
        fcs_portal.unload_filter("69000", fcs_portal.Months((2020, 1), (2020, 1)), hs_level=3)


@pytest.mark.parametrize(("months", "runs"), [
    ({(2018, m) for m in range(1, 13)}, ["2018-01..2018-12"]),
    ({(2017, 11), (2017, 12), (2018, 1), (2018, 3)},
     ["2017-11..2017-12", "2018-01..2018-01", "2018-03..2018-03"]),
    (set(), []),
])
def test_missing_months_become_one_request_per_year_and_run(months, runs):
    assert [r.label() for r in fcs_portal.runs_by_year(months)] == runs


def test_fetch_fcs_from_the_cli_estimates_paces_and_loads(portal, tmp_path, capsys):
    serve_portal(portal, _published)
    path = tmp_path / "store.duckdb"
    code = main(["--store", str(path), "fetch", "fcs", "--region", "69000",
                 "--years", "2017-2018"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith("fcs 69000: 2017-01..2017-12: the portal estimates the file at")
    assert out[1] == "fcs 69000: 2017-01..2017-12: loaded 24 rows (dataset 1)"
    assert out[3] == "fcs 69000: 2018-01..2018-12: loaded 24 rows (dataset 2)"
    with Store(path) as store:
        assert _totals(store) == EXPECTED
        assert store.datasets()["name"].tolist() == ["FCS portal 69000 2017-01..2017-12",
                                                     "FCS portal 69000 2018-01..2018-12"]
    unloads = portal.to("POST", UNLOAD)
    assert [u.json()["period"] for u in unloads] == [
        [{"start": "2016-12-31", "end": "2017-12-31"}],
        [{"start": "2017-12-31", "end": "2018-12-31"}]]
    gaps = [b.at - a.at for a, b in zip(portal.requests, portal.requests[1:], strict=False)]
    assert len(portal.requests) == 4 and min(gaps) >= PAUSE * 0.95


@pytest.mark.parametrize("kind", ["zip", "csv", "xlsx"])
def test_every_reply_format_is_detected_by_content(portal, store, kind):
    serve_portal(portal, _published, kind=kind, estimate=False)  # no estimate endpoint: 404
    outcomes = refresh.fetch_fcs(store, "69000", years=(2018,), today=TODAY)
    assert [(o.result, o.rows) for o in outcomes] == [("loaded", 24)]
    assert _totals(store) == {k: v for k, v in EXPECTED.items() if k[0] == 2018}


def test_months_already_stored_are_never_asked_for_nor_loaded_twice(portal, store, write_file):
    serve_portal(portal, _published)
    lines = [line for m in range(1, 13) for line in tomsk_rows(2017, m)]
    ingest_file(store, write_file("DATTSVT.zip", dattsvt(lines, "zip")))  # a hand upload
    outcomes = refresh.fetch_fcs(store, "69000", years=(2017, 2018), today=TODAY)
    assert [(o.what, o.result) for o in outcomes] == [("2018-01..2018-12", "loaded")]
    assert [u.json()["period"][0]["start"] for u in portal.to("POST", UNLOAD)] == ["2017-12-31"]
    again = refresh.fetch_fcs(store, "69000", years=(2017, 2018), today=TODAY)
    assert [o.result for o in again] == ["current"]
    assert len(portal.to("POST", UNLOAD)) == 1
    assert _totals(store) == EXPECTED


def test_a_re_export_covering_stored_months_loads_only_the_new_ones(portal, store, write_file):
    def reexport(request):  # the portal ignores the period and sends 2017-2018 whole
        lines = [line for y in (2017, 2018) for m in range(1, 13) for line in tomsk_rows(y, m)]
        return 200, {}, dattsvt(lines, "zip")

    ingest_file(store, write_file("DATTSVT.csv", dattsvt(
        [line for m in range(1, 13) for line in tomsk_rows(2017, m)], "csv")))
    portal.routes[("POST", UNLOAD)] = reexport
    outcomes = refresh.fetch_fcs(store, "69000", years=(2018,), today=TODAY)
    assert [(o.result, o.rows) for o in outcomes] == [("loaded", 24)]
    assert _totals(store) == EXPECTED
    notes = store.datasets()["notes"].iloc[-1]
    assert "24 rows of other regions or of months not asked for or already stored" in notes


def test_the_update_asks_only_for_months_after_the_newest_stored(portal, store, write_file):
    serve_portal(portal, _published)
    ingest_file(store, write_file("DATTSVT.csv", dattsvt(
        [line for m in range(1, 13) for line in tomsk_rows(2017, m)], "csv")))
    outcomes = refresh.fetch_fcs(store, "69000", today=TODAY)
    assert [(o.what, o.result) for o in outcomes] == [
        ("2018-01..2018-12", "loaded"), ("2019-01..2019-02", "no data")]
    assert "not published yet" in outcomes[1].message
    assert len(portal.to("POST", UNLOAD)) == 1  # the estimate said 0 for 2019


def test_the_publication_pause_is_named_when_the_portal_has_nothing(portal, store):
    serve_portal(portal, _published, estimate=False)
    outcomes = refresh.fetch_fcs(store, "69000", years=(2022,), today=date(2024, 1, 10))
    assert [o.result for o in outcomes] == ["no data"]
    assert "paused regional statistics from early 2022 to early 2023" in outcomes[0].message


@pytest.mark.parametrize(("status", "body", "message"), [
    (200, b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "a web page"),
    (200, b'{"message": "Too many requests from your address"}',
     "refused the request: Too many requests from your address"),
    (403, b"Forbidden", "refused the request (HTTP 403)"),
    (200, b"PK\x03\x04garbage", "broken zip"),
    (200, b"year\tregion\tvalue\n2018\tTomsk\t1\n", "not in a layout we know"),
])
def test_refusals_and_shape_changes_are_one_clear_line(portal, tmp_path, capsys, status, body,
                                                       message):
    portal.routes[("POST", UNLOAD)] = lambda request: (status, {}, body)
    path = tmp_path / "store.duckdb"
    code = main(["--store", str(path), "fetch", "fcs", "--region", "69000", "--years", "2018"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(err) == 1 and message in err[0], err
    assert err[0].startswith("error: FCS portal: ") and len(err[0]) < 400
    with Store(path) as store:
        assert store.is_empty()


def test_an_unknown_region_is_bad_input(capsys, tmp_path):
    code = main(["--store", str(tmp_path / "s.duckdb"), "fetch", "fcs", "--region", "99999",
                 "--years", "2018"])
    assert code == 2 and "an FCS region code such as 69000" in capsys.readouterr().err


def test_an_unreachable_portal_exits_3(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("OBOROT_FCS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("OBOROT_HTTP_TIMEOUT", "0.5")
    monkeypatch.delenv("OBOROT_OFFLINE", raising=False)
    code = main(["--store", str(tmp_path / "s.duckdb"), "fetch", "fcs", "--region", "69000",
                 "--years", "2018"])
    assert code == 3 and "cannot reach" in capsys.readouterr().err


def test_a_reply_over_the_size_cap_is_refused(portal, store, monkeypatch):
    monkeypatch.setattr(fcs_portal, "MAX_REPLY_BYTES", 1 << 20)
    portal.routes[("POST", UNLOAD)] = lambda request: (200, {}, b"x" * (2 << 20))
    with pytest.raises(SourceError, match="more than 1 MB"):
        refresh.fetch_fcs(store, "69000", years=(2018,), today=TODAY)
