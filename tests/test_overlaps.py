"""Datasets that cover the same rows: flagged on ingest and on the pages, or replaced.

Hand-counted: the monthly FCS file (tests/conftest.py) has Tomsk-KZ exports of
100 USD in January 2017; an annual tidy file with Tomsk-KZ exports of 100 USD
for 2017 covers the same region, partner, flow and year, so the 2017 exports
read 200 until one of the two is deleted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard.__main__ import main
from dashboard.analysis.quality import overlap_notes
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store, TradeQuery
from tests.apptest import clear_caches, open_page
from tests.conftest import ru_text

ANNUAL_KZ = "reporter,partner,flow,year,value_usd\nRU-TOM,KZ,export,2017,100\n"
ANNUAL_CN = "reporter,partner,flow,year,value_usd\nRU-TOM,CN,export,2017,7\n"


def _exports(store: Store, year: int, partner: str) -> float:
    frame = store.aggregate([], TradeQuery(reporter="RU-TOM", partners=(partner,),
                                           flows=("export",), years=(year,)))
    return float(frame["value_usd"].sum())


@pytest.fixture
def monthly(store: Store, write_file) -> Store:
    ingest_file(store, write_file("DATTSVT.csv", ru_text()))
    return store


def test_an_annual_file_over_monthly_data_is_flagged(monthly: Store, write_file) -> None:
    result = ingest_file(monthly, write_file("annual.csv", ANNUAL_KZ))
    assert result.overlaps == (1,) and result.replaced == ()
    assert any("same region, partner and period as dataset(s) 1" in n for n in result.notes)
    assert _exports(monthly, 2017, "KZ") == 200.0  # kept both: counted twice, and said so
    found = monthly.overlaps(TradeQuery(reporter="RU-TOM", years=(2016, 2017)))
    assert found.to_dict("records") == [{"year": 2017, "first": 1, "second": 2}]
    assert monthly.overlaps(TradeQuery(reporter="RU-TOM", years=(2018,))).empty
    notes = monthly.datasets().set_index("id").loc[2, "notes"]
    assert "dataset(s) 1" in notes


def test_other_partners_do_not_overlap(monthly: Store, write_file) -> None:
    result = ingest_file(monthly, write_file("annual_cn.csv", ANNUAL_CN))
    assert result.overlaps == () and not result.notes
    assert monthly.overlaps().empty


def test_replace_deletes_the_overlapped_dataset_in_the_same_load(monthly: Store,
                                                                 write_file) -> None:
    result = ingest_file(monthly, write_file("annual.csv", ANNUAL_KZ), replace=True)
    assert result.replaced == (1,) and result.overlaps == ()
    assert monthly.datasets()["id"].tolist() == [2]
    assert _exports(monthly, 2017, "KZ") == 100.0
    assert _exports(monthly, 2018, "KZ") == 0.0  # the monthly file went as a whole


def test_cli_ingest_replace(monthly: Store, write_file, capsys) -> None:
    path = write_file("annual.csv", ANNUAL_KZ)
    assert main(["--store", str(monthly.path), "ingest", str(path), "--replace", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["replaced"] == [1] and record["overlaps"] == []
    assert "replaced dataset(s) 1" in record["notes"][0]


def test_cli_ingest_names_the_overlap(monthly: Store, write_file, capsys) -> None:
    path = write_file("annual.csv", ANNUAL_KZ)
    assert main(["--store", str(monthly.path), "ingest", str(path)]) == 0
    assert "note: covers the same region, partner and period as dataset(s) 1" in \
        capsys.readouterr().out


def test_overlap_notes_name_the_years_and_datasets() -> None:
    found = pd.DataFrame({"year": [2017, 2017], "first": [1, 1], "second": [2, 3]})
    assert overlap_notes(found, years=(2018, 2017), lang="en") == [
        "In 2017 datasets 1, 2, 3 overlap (same region, partner and period): totals count them "
        "twice. Delete the extra dataset on the Data page."]
    assert overlap_notes(found, years=(2019, 2018), lang="ru") == []


# -- pages ---------------------------------------------------------------------------------


@pytest.fixture
def app_store(monthly: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OBOROT_STORE", str(monthly.path))
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    clear_caches()
    yield monthly.path
    clear_caches()


def _upload_annual(path: Path, choice: str):
    at = open_page("data", lang="en")
    at.file_uploader(key="data.upload").set_value(
        [("annual.csv", ANNUAL_KZ.encode(), "text/csv")]).run()
    assert not at.exception
    at.radio(key="data.overlap.0").set_value(choice).run()
    at.button(key="data.load.0").click().run()
    assert not at.exception
    with Store(path) as store:
        return at, store.datasets()["id"].tolist()


def test_data_page_replace(app_store: Path) -> None:
    at, ids = _upload_annual(app_store, "replace")
    assert ids == [2]
    assert any("replaced dataset(s) 1" in str(i.value) for i in at.info)


def test_data_page_keep_both_then_pages_flag_it(app_store: Path) -> None:
    at, ids = _upload_annual(app_store, "keep")
    assert ids == [1, 2]
    assert any("dataset(s) 1" in str(i.value) for i in at.info)
    clear_caches()
    for page in ("overview", "partners"):
        at = open_page(page, year="2017", lang="en")
        assert not at.exception
        assert any("In 2017 datasets 1, 2 overlap" in str(w.value) for w in at.warning), page
