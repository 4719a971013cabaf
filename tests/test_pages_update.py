"""Overview "new since last update" and the Data page's update log and "Update now" button."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.passwords import hash_password
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store
from dashboard.jobs.updates import update_all
from tests.apptest import _page_script, clear_caches, open_page
from tests.loopback import dattsvt, loopback, serve_portal, tomsk_rows


def _published(year: int, month: int) -> list[str]:
    return tomsk_rows(year, month) if year in (2017, 2018) else []


@pytest.fixture(autouse=True)
def portal(monkeypatch):
    with loopback() as server:
        for name in ("OBOROT_FCS_URL", "OBOROT_CBR_URL", "OBOROT_NBK_URL", "OBOROT_ECB_URL",
                     "OBOROT_COMTRADE_URL"):
            monkeypatch.setenv(name, server.url)  # the ticker's refresh stays on 127.0.0.1
        monkeypatch.setenv("OBOROT_FCS_PAUSE_S", "0")
        monkeypatch.setenv("OBOROT_HTTP_TIMEOUT", "2")
        monkeypatch.delenv("OBOROT_OFFLINE", raising=False)
        serve_portal(server, _published)
        yield server


@pytest.fixture
def store_2017(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "store.duckdb"
    lines = [line for m in range(1, 13) for line in tomsk_rows(2017, m)]
    upload = tmp_path / "DATTSVT.csv"
    upload.write_bytes(dattsvt(lines, "csv"))
    with Store(path) as store:
        ingest_file(store, upload)
    monkeypatch.setenv("OBOROT_STORE", str(path))
    clear_caches()
    yield path
    clear_caches()


def _texts(at: AppTest) -> str:
    return " | ".join([s.value for s in at.subheader] + [c.value for c in at.caption]
                      + [m.value for m in at.markdown])


def test_the_overview_shows_the_months_added_and_the_movers(portal, store_2017):
    with Store(store_2017) as store:
        update_all(store, today=date(2019, 1, 15))
    at = open_page("overview", year="2018")
    assert not at.exception
    text = _texts(at)
    assert "Новое с последнего обновления" in text
    assert "добавлены периоды 2018-01 … 2018-12 (12)" in text
    assert "Крупнейшие изменения: дек 2018 к дек 2017" in text
    partners, goods = (d.value for d in at.dataframe[:2])  # the first tables on the page
    # Dec 2018 vs Dec 2017: KZ exports 2012 vs 1012 USD; CN imports 120 both (not a mover).
    assert partners["partner"].tolist() == ["KZ"]
    assert partners["change"].tolist() == [pytest.approx(0.001)]  # millions of USD
    assert goods["hs_code"].tolist() == ["39"]


def test_no_update_yet_means_no_section(store_2017):
    at = open_page("overview", year="2017")
    assert not at.exception and "Новое с последнего обновления" not in _texts(at)


def test_update_now_loads_and_the_log_shows_it(portal, store_2017):
    at = open_page("data")
    assert "Обновлений ещё не было." in _texts(at)
    at.button(key="data.update_now").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Обновление завершено: загружено 24 строк."]
    log = next(d.value for d in at.dataframe if "what" in d.value.columns)  # the update log
    first = log.iloc[0]
    assert (first["source"], first["what"], first["rows"], first["result"]) == (
        "fcs 69000", "2018-01..2018-12", 24, "loaded")
    assert len(portal.to("POST", "/api/DataAnalysis/UnloadData")) == 1


def test_a_viewer_sees_the_log_but_no_button(store_2017):
    viewer = "viewer-pass"
    at = AppTest.from_function(_page_script, default_timeout=60, args=("data",))
    at.secrets["oborot"] = {"auth": {
        "mode": "password",
        "viewer_password_hash": hash_password(viewer, n=2**10),
        "editor_password_hash": hash_password("editor-pass", n=2**10)}}
    for key, value in {"reporter": "RU-TOM", "year": "2017", "partner": "*"}.items():
        at.query_params[key] = value
    at.run()
    at.text_input(key="auth.password").input(viewer)
    at.button[0].click().run()
    assert not at.exception
    assert "Обновление данных | " in _texts(at) and "Обновлений ещё не было." in _texts(at)
    assert not any(b.key == "data.update_now" for b in at.button)
