"""Every page shows the same figures on a DuckDB file and on PostgreSQL (the demo data)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import psycopg
import pytest

from dashboard.core.config import DEMO_FILE
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store
from tests.apptest import clear_caches, open_page

# Sums agree to float rounding, not bit for bit (the engines add in different orders), so
# a figure exactly on a display tie could show either way: Tomsk's exports to KZ grew by
# exactly $8,050,000.00 (shown as "+$8M" or "+$8.1M"), hence CN in English below.
PAGES = [("overview", {}), ("partners", {}), ("commodities", {}), ("data", {}),
         ("overview", {"partner": "CN", "lang": "en"}), ("partners", {"year": "2017"}),
         ("commodities", {"partner": "KZ", "flow": "import"})]


@pytest.fixture(scope="module")
def pg_demo(pg_server: str) -> Iterator[str]:
    """A schema of the test server holding the demo, for this module."""
    schema = f"demo_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    url = f"{pg_server}?options={quote(f'-csearch_path={schema}')}"
    with Store(url) as store:
        ingest_file(store, DEMO_FILE, name="Demo (synthetic)")
    yield url
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


def _rounded(value: object) -> object:
    """Floats to 12 significant digits (the engines add in different orders); NaN as None."""
    if not isinstance(value, float):
        return value
    return None if math.isnan(value) else float(f"{value:.12g}")


def _shown(store: str, page: str, params: dict[str, str],
           monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """What one page shows: metrics, tables and texts (dataset load times aside)."""
    monkeypatch.setenv("OBOROT_STORE", store)
    clear_caches()
    at = open_page(page, **params)
    assert not at.exception, at.exception
    tables = []
    for frame in at.dataframe:
        shown = frame.value.drop(columns=[c for c in frame.value.columns if "load" in str(c)])
        tables.append({column: [_rounded(v) for v in values]
                       for column, values in shown.to_dict("list").items()})
    return {
        "metrics": [(m.label, m.value, m.delta) for m in at.metric],
        "tables": tables,
        "texts": [m.value for m in at.markdown if "загружен" not in m.value.lower()],
        "warnings": [w.value for w in at.warning],
    }


@pytest.mark.parametrize(("page", "params"), PAGES)
def test_a_page_shows_the_same_on_both_engines(demo_path, pg_demo, monkeypatch, page, params):
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    on_file = _shown(str(demo_path), page, params, monkeypatch)
    on_server = _shown(pg_demo, page, params, monkeypatch)
    clear_caches()
    assert on_file["metrics"] or on_file["tables"]
    assert on_server == on_file

