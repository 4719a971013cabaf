"""Workbooks: sheet and header-row choice, codes typed as numbers, formulas and error cells."""

from __future__ import annotations

import pytest
import xlsxwriter

from dashboard.core.errors import LimitError, SchemaError
from dashboard.data.ingest import ingest_file
from dashboard.data.sources import excel
from dashboard.data.sources.detect import open_trade_file
from dashboard.data.store import TradeQuery
from tests.fixtures.make_fixtures import fcs_workbook, generic_workbook


def _rows(parsed):
    return [row for batch in parsed.batches for row in batch.to_pylist()]


@pytest.fixture
def fcs_xlsx(tmp_path):
    path = tmp_path / "fcs_tomsk_2018.xlsx"
    fcs_workbook(path)
    return path


def test_fcs_sheet_below_a_title_with_codes_stored_as_numbers(fcs_xlsx):
    parsed = open_trade_file(fcs_xlsx)
    rows = _rows(parsed)
    assert parsed.format == "xlsx-fcs"
    assert parsed.notes[0] == "sheet 'Лист1', header on row 3"
    assert [(r["flow"], r["month"], r["partner"], r["hs_code"], r["value_usd"]) for r in rows] == [
        ("export", 1, "KZ", "3901109000", 300.5),
        ("import", 3, "KZ", "0702000000", 20.0),  # 702000000 as a number
        ("export", 5, "CN", "XXXXXXXXXX", 400.0),
        ("export", 2, "CN", "4407109100", 601.0),  # formula cells: their cached values
    ]
    assert {r["reporter"] for r in rows} == {"RU-TOM"}
    assert rows[1]["unit"] == "166" and rows[1]["quantity"] == 1000.0
    assert rows[0]["unit"] is None and rows[0]["quantity"] is None


def test_generic_sheet_with_thousand_usd(tmp_path, store):
    path = tmp_path / "partners.xlsx"
    generic_workbook(path)
    parsed = excel.read(path, display_name=path.name)
    assert parsed.notes[0] == "sheet 'Data', header on row 1"
    result = ingest_file(store, path)
    assert result.rows == 3
    frame = store.aggregate(["year", "partner", "flow"], TradeQuery(reporter="RU-TOM"))
    assert frame["value_usd"].tolist() == [100500.0, 50000.0, 1000000.0]  # export, import, CN


def test_ingest_fcs_workbook_totals(fcs_xlsx, store):
    result = ingest_file(store, fcs_xlsx)
    assert (result.rows, result.period_start, result.period_end) == (4, "2018-01", "2018-05")
    totals = store.aggregate(["flow"], TradeQuery(reporter="RU-TOM"))
    assert totals.set_index("flow")["value_usd"].to_dict() == {"export": 1301.5, "import": 20.0}


def _workbook(path, rows, *, error=None):
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Лист1")
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    if error is not None:
        row, col, formula, value = error
        sheet.write_formula(row, col, formula, None, value)
    workbook.close()
    return path


HEADER = ["reporter", "partner", "flow", "year", "value_usd"]


def test_an_error_cell_names_sheet_row_and_column_letter(tmp_path):
    path = _workbook(tmp_path / "err.xlsx", [HEADER, ["RU-TOM", "KZ", "export", 2018, 10]],
                     error=(2, 4, "=1/0", "#DIV/0!"))
    with pytest.raises(SchemaError) as error:
        excel.read(path, display_name="err.xlsx")
    message = str(error.value)
    assert "sheet 'Лист1'" in message and error.value.line == 3
    assert error.value.column == "E (value_usd)" and error.value.found == "#DIV/0!"


def test_an_error_outside_the_table_is_ignored(tmp_path):
    path = _workbook(tmp_path / "ok.xlsx", [HEADER, ["RU-TOM", "KZ", "export", 2018, 10]],
                     error=(1, 7, "=1/0", "#DIV/0!"))
    assert len(_rows(excel.read(path, display_name="ok.xlsx"))) == 1


def test_blank_rows_are_skipped_and_line_numbers_stay_excel_rows(tmp_path):
    path = _workbook(tmp_path / "gap.xlsx", [HEADER, ["RU-TOM", "KZ", "export", 2018, 10], [],
                                             ["RU-TOM", "KZ", "export", 2018, "ten"]])
    with pytest.raises(SchemaError) as error:
        _rows(excel.read(path, display_name="gap.xlsx"))
    assert (error.value.line, error.value.column, error.value.found) == (4, "value_usd", "ten")


def test_hs_codes_that_lost_a_leading_zero_in_a_tidy_table(tmp_path):
    path = _workbook(tmp_path / "hs.xlsx", [HEADER + ["hs_code"],
                                            ["RU-TOM", "KZ", "export", 2018, 10, 702],
                                            ["RU-TOM", "KZ", "export", 2018, 5, 10121]])
    rows = _rows(excel.read(path, display_name="hs.xlsx"))
    assert [r["hs_code"] for r in rows] == ["0702", "010121"]


def test_no_known_header_lists_the_sheets(tmp_path):
    path = _workbook(tmp_path / "x.xlsx", [["a", "b"], [1, 2]])
    with pytest.raises(SchemaError, match="Лист1"):
        excel.read(path, display_name="x.xlsx")


def test_row_limit_is_refused_with_a_clear_message(tmp_path):
    path = _workbook(tmp_path / "big.xlsx", [HEADER] + [["RU-TOM", "KZ", "export", 2018, 1]] * 20)
    with pytest.raises(LimitError, match="at most 10 are accepted"):
        excel.read(path, display_name="big.xlsx", max_rows=10)


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_column_letters(index, letter):
    assert excel.column_letter(index) == letter
