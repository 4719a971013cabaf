"""Sparse selections: a flow, a partner or a month with no rows gives an empty, labelled answer.

Real regions have years with exports and no imports, partners seen in one month only
and confidential lines alone.  Every analysis function, the CLI, the narrative and the
deck must answer such a selection with an empty table, NaN/absent figures or one clear
"no trade" line, never a traceback.  The stores are real DuckDB files loaded through
ingest_file from the FCS layout.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.__main__ import main
from dashboard.analysis import narrative, tables
from dashboard.analysis import views as analysis
from dashboard.analysis.views import View
from dashboard.core.errors import NotFoundError
from dashboard.core.terms import MEASURES, TABLE_COLUMNS
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store
from tests.conftest import TOMSK, ru_text

KIROV = "33000 - КИРОВСКАЯ ОБЛАСТЬ\t02-ПРИВОЛЖСКИЙ ФЕДЕРАЛЬНЫЙ ОКРУГ"
REGIONS = {"RU-TOM": TOMSK, "RU-KIR": KIROV}
# Kirov, January 2015: exports only (KZ 100, CN 50 of which a confidential line 20).
KIROV_ROWS = [
    f"ЭК\t01/2015\tKZ\t3901109000\t\t100,00\t10\t0\t{KIROV}",
    f"ЭК\t01/2015\tCN\t4407109100\t113\t30,00\t5\t2\t{KIROV}",
    f"ЭК\t01/2015\tCN\tXXXXXXXXXX\t\t20,00\t0\t0\t{KIROV}",
]


def _store(directory: Path, rows: list[str]) -> Store:
    source = directory / "sparse.csv"
    source.write_text(ru_text(rows))
    store = Store(directory / "store.duckdb")
    ingest_file(store, source)
    return store


@pytest.fixture
def kirov(tmp_path: Path) -> Store:
    return _store(tmp_path, KIROV_ROWS)


def test_top_partners_of_a_flow_with_no_rows_is_an_empty_table(kirov: Store) -> None:
    view = View(reporter="RU-KIR", year=2015, flow="import")
    table = analysis.top_partners(kirov, view)
    assert table.empty
    assert list(table.columns) == ["partner", *TABLE_COLUMNS]
    assert analysis.top_commodities(kirov, view).empty
    exports = analysis.top_partners(kirov, View(reporter="RU-KIR", year=2015, flow="export"))
    assert exports[["partner", "value", "rank"]].to_dict("records") == [
        {"partner": "KZ", "value": 100.0, "rank": 1}, {"partner": "CN", "value": 50.0, "rank": 2}]


def test_kpis_of_a_one_flow_year_have_zero_imports(kirov: Store) -> None:
    cards = analysis.kpis(kirov, View(reporter="RU-KIR", year=2015))
    assert (cards["export"].value, cards["import"].value, cards["turnover"].value,
            cards["balance"].value) == (150.0, 0.0, 150.0, 150.0)
    assert math.isnan(cards["turnover"].previous)  # 2014 is not loaded


def test_the_cli_prints_an_empty_labelled_answer(kirov: Store, capsys) -> None:
    store = str(kirov.path)
    args = ["--store", store, "top", "--reporter", "RU-KIR", "--year", "2015", "--by"]
    for by in ("partner", "commodity"):
        assert main([*args, by, "--flow", "import"]) == 0
        what = "partners" if by == "partner" else "commodity groups"
        assert capsys.readouterr().out == f"no import of RU-KIR in 2015: no {what} to rank\n"
        assert main([*args, by, "--flow", "import", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == []
    assert main(["--store", store, "summary", "--reporter", "RU-KIR", "--year", "2015",
                 "--flow", "import", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["value"], record["previous"], record["rank"]) == (0.0, None, None)
    assert main(["--store", store, "narrative", "--reporter", "RU-KIR", "--year", "2015",
                 "--lang", "en"]) == 0
    assert "Kirov" in capsys.readouterr().out


def test_a_partner_month_without_trade_says_so_in_one_line(kirov: Store, capsys) -> None:
    code = main(["--store", str(kirov.path), "summary", "--reporter", "RU-KIR", "--partner",
                 "KZ", "--year", "2015", "--month", "2", "--flow", "import"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_narrative_and_deck_of_a_one_flow_year(kirov: Store) -> None:
    from dashboard.present.deck import make_deck

    view = View(reporter="RU-KIR", year=2015, flow="import")
    text = narrative.narrative(kirov, view, "ru")
    assert "Кировск" in text
    result = make_deck(kirov, view, lang="en", timeout=5)
    assert result.data[:2] == b"PK"  # a PPTX (zip)


# -- the property: random sparse stores and selections ---------------------------------------

PARTNER_CODES = ("KZ", "CN", "DE")
HS_CODES = ("3901109000", "4407109100", "2501009100", "XXXXXXXXXX")
ROW = st.tuples(
    st.sampled_from(sorted(REGIONS)),
    st.sampled_from(("ЭК", "ИМ")),
    st.sampled_from((2014, 2015)),
    st.integers(1, 3),
    st.sampled_from(PARTNER_CODES),
    st.sampled_from(HS_CODES),
    st.integers(1, 10_000),
)
SELECTION = st.builds(
    View,
    reporter=st.sampled_from(sorted(REGIONS)),
    year=st.sampled_from((2014, 2015, 2016)),
    partner=st.sampled_from((None, *PARTNER_CODES)),
    flow=st.sampled_from(MEASURES),
    month=st.sampled_from((None, 2, 3)),
    hs_level=st.sampled_from((2, 4, "section")),
)


def _line(row: tuple) -> str:
    reporter, flow, year, month, partner, hs, cents = row
    value = f"{cents / 100:.2f}".replace(".", ",")
    return f"{flow}\t{month:02}/{year}\t{partner}\t{hs}\t\t{value}\t1\t0\t{REGIONS[reporter]}"


def _answers(store: Store, view: View) -> dict[str, pd.DataFrame]:
    """Every view-level figure the CLI, pages, narrative and deck are built from."""
    commodities = analysis.commodity_frame(store, view, level=4)
    units = analysis.unit_value_frame(store, view)
    return {
        "top_partners": analysis.top_partners(store, view, n=None),
        "top_commodities": analysis.top_commodities(store, view, n=None),
        "annual": analysis.annual_trend(store, view),
        "monthly": analysis.monthly_trend(store, view),
        "partner_trend": analysis.partner_trend(store, view, PARTNER_CODES),
        "treemap": tables.treemap_frame(commodities, view.flow, "en", year=view.year),
        "chapters": tables.chapter_flows(commodities, year=view.year, lang="en"),
        "units": tables.unit_value_table(units, year=view.year, flow=view.flow, lang="ru"),
        "ranking": tables.partner_ranking(analysis.top_partners(store, view), lang="ru"),
        "goods": tables.commodity_ranking(analysis.top_commodities(store, view), lang="en"),
    }


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=6), views=st.lists(SELECTION, min_size=1,
                                                                   max_size=3))
def test_any_sparse_store_and_selection_answers_without_an_exception(rows, views) -> None:
    with tempfile.TemporaryDirectory() as directory:
        store = _store(Path(directory), [_line(row) for row in rows])
        for view in views:
            cards = analysis.kpis(store, view)
            assert set(cards) == set(MEASURES)
            for card in cards.values():
                assert card.value != card.value or math.isfinite(card.value)
                assert card.value != card.value or card.value >= 0 or card is cards["balance"]
            answers = _answers(store, view)
            for name in ("top_partners", "top_commodities"):
                table = answers[name]
                assert table["value"].notna().all(), name
                assert list(table["rank"]) == list(range(1, len(table) + 1)), name
                shares = table["share"].dropna()
                assert ((shares >= -1e-9) | (view.flow == "balance")).all(), name
            share = tables.confidential_percent(
                analysis.commodity_frame(store, view, level=4), year=view.year, flow=view.flow)
            assert share != share or 0 <= share <= 100
            try:
                summary = analysis.summary(store, view)
            except NotFoundError:
                assert view.partner is not None
            else:
                assert summary["partners"] >= 0
            for lang in ("ru", "en"):
                try:
                    text = narrative.narrative(store, view, lang)
                except NotFoundError:
                    continue
                assert text.strip() and "nan" not in text.lower()
