"""The mirror view on the Partners page and in analysis, with both sides loaded."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis import views as analysis
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store
from tests.apptest import clear_caches, demo_store

# Kazakhstan's own report of its imports from (and exports to) Russia, as a tidy CSV.
KZ_SIDE = (
    "reporter,partner,flow,year,value_usd\n"
    "KZ,RU,import,2017,50000000\n"
    "KZ,RU,import,2018,60000000\n"
    "KZ,RU,export,2018,20000000\n"
)


@pytest.fixture(scope="module")
def both_sides(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mirror")
    path = demo_store(folder / "demo.duckdb")
    csv = folder / "kz_side.csv"
    csv.write_text(KZ_SIDE)
    store = Store(path)
    ingest_file(store, csv)
    store.close()
    return path


def test_mirror_compares_a_region_with_the_partner_country_report(both_sides):
    table = analysis.mirror(Store(both_sides), reporter="RU-TOM", partner="KZ",
                            years=(2017, 2018))
    row = table.loc[(table["year"] == 2018) & (table["exporter"] == "RU-TOM")].iloc[0]
    assert row["exports_usd"] == pytest.approx(52_310_000.0)
    assert row["imports_usd"] == 60_000_000.0
    assert row["gap_usd"] == pytest.approx(60_000_000.0 - 52_310_000.0)
    assert row["gap_pct"] == pytest.approx((60_000_000.0 - 52_310_000.0) / 52_310_000.0 * 100)
    back = table.loc[(table["year"] == 2017) & (table["exporter"] == "KZ")].iloc[0]
    assert math.isnan(back["imports_usd"]) or back["imports_usd"] > 0


def test_partners_page_shows_the_mirror_with_the_cif_fob_note(both_sides, monkeypatch):
    monkeypatch.setenv("OBOROT_STORE", str(both_sides))
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    clear_caches()

    def page() -> None:
        from dashboard.ui.pages import partners
        from dashboard.ui.widgets.filters import sidebar_filters

        sidebar_filters()
        partners.render()

    at = AppTest.from_function(page, default_timeout=60)
    at.query_params["partner"] = "KZ"
    at.run()
    assert not at.exception
    mirror_tables = [d.value for d in at.dataframe if "exports_usd" in d.value.columns]
    assert mirror_tables and (mirror_tables[0]["importer"] == "KZ").any()
    assert any("CIF" in c.value for c in at.caption)
    clear_caches()
