"""Frames and figures -> files people take into slides and spreadsheets (PNG, SVG, CSV, XLSX).

Spreadsheet safety: a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a
tab/carriage return) would run as a formula when opened in Excel or LibreOffice
("CSV injection").  CSV cells get a leading apostrophe; XLSX cells are written
as typed strings (``write_string``), which a spreadsheet never evaluates.
Numbers stay numbers in both.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.i18n import t
from dashboard.present.charts import for_export
from dashboard.present.images import (
    ChromiumMissingError,
    Renderer,
    RenderError,
    chromium_available,
    find_chromium,
    render_figure,
)

__all__ = [
    "ChromiumMissingError",
    "Renderer",
    "RenderError",
    "chromium_available",
    "csv_bytes",
    "figure_image",
    "find_chromium",
    "neutralise",
    "xlsx_bytes",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_COLUMN_WIDTH = 60


# -- images ------------------------------------------------------------------------------


def figure_image(fig: go.Figure, *, format: str = "png", width: int = 1600, height: int = 900,
                 scale: float = 2, timeout: float = 60,
                 renderer: Renderer | None = None) -> bytes:
    """The figure (title, units and source line included) as PNG or SVG bytes.

    PNG is ``width × scale`` by ``height × scale`` pixels.  Rendered by kaleido in
    the system's Chromium; pass a started ``renderer`` to reuse one browser for
    many images.  Raises ChromiumMissingError (no browser) or RenderError
    (failure or no answer within ``timeout`` seconds).
    """
    return render_figure(for_export(fig, width=width, height=height), format=format,
                         width=width, height=height, scale=scale, timeout=timeout,
                         renderer=renderer)


# -- CSV -----------------------------------------------------------------------------------


def _is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    def clean(value: object) -> object:
        return "'" + value if _is_formula_like(value) else value  # type: ignore[operator]

    text_columns = [c for c in frame.columns if frame[c].dtype == object or
                    pd.api.types.is_string_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(clean) for c in text_columns})


def csv_bytes(frame: pd.DataFrame, *, separator: str = ",") -> bytes:
    """UTF-8 CSV with a BOM (Excel then reads Cyrillic), formulas neutralised.

    ``separator=";"`` is the Russian Excel dialect: decimal comma, semicolons.
    """
    if separator not in (",", ";"):
        raise ValueError(f"separator must be ',' or ';', got {separator!r}")
    buffer = io.StringIO()
    neutralise(frame).to_csv(buffer, index=False, sep=separator,
                             decimal="," if separator == ";" else ".")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- XLSX ----------------------------------------------------------------------------------


def _sheet_name(name: str, fallback: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\ ."""
    cleaned = _SHEET_FORBIDDEN.sub(" ", name).strip().strip("'")[:31]
    return cleaned or fallback


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value))


def _text_width(value: object) -> int:
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_bytes(frame: pd.DataFrame, *, sheet: str, source: str,
               filters: Mapping[str, object], units: str, lang: str = "ru",
               notes: Sequence[str] = ()) -> bytes:
    """An Excel workbook: the frame on ``sheet`` and an About/Источник sheet.

    Numbers are written as numbers (NaN as an empty cell), text always as
    text (``write_string``: a cell such as ``=1+1`` is never a formula), a bold
    frozen header row with a filter, columns sized to their content.  The
    second sheet lists the source, units, the filters, the export date and the
    dated notes (``notes``: one line each) that apply to the figures.
    """
    import xlsxwriter

    lang = "ru" if lang == "ru" else "en"
    about_name, source_label, units_label, filters_label, built_label, rows_label = (
        t(key, lang) for key in ("export.about_sheet", "export.source", "export.units",
                                 "export.filters", "export.exported", "export.rows"))
    data_name = _sheet_name(sheet, "Data")
    if data_name == about_name:
        data_name = f"{data_name} 1"
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    bold = workbook.add_format({"bold": True, "bg_color": "#eef2f6", "border": 1,
                                "text_wrap": True, "valign": "top"})
    decimal = workbook.add_format({"num_format": "#,##0.00"})
    integer = workbook.add_format({"num_format": "0"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    data = workbook.add_worksheet(data_name)
    widths = [_text_width(c) for c in frame.columns]
    for col, name in enumerate(frame.columns):
        data.write_string(0, col, str(name), bold)
    for row, record in enumerate(frame.itertuples(index=False, name=None), start=1):
        for col, value in enumerate(record):
            _write_cell(data, row, col, value, decimal=decimal, integer=integer, day=day,
                        moment=moment)
            if not _missing(value):
                widths[col] = max(widths[col], _text_width(_display(value)))
    for col, width in enumerate(widths):
        data.set_column(col, col, min(max(width + 2, 8), _MAX_COLUMN_WIDTH))
    data.freeze_panes(1, 0)
    if len(frame.columns):
        data.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)

    about = workbook.add_worksheet(about_name)
    lines: list[tuple[str, str]] = [(source_label, source), (units_label, units)]
    lines += [(f"{filters_label}: {key}", _display(value)) for key, value in filters.items()]
    lines += [(built_label, datetime.now().strftime("%Y-%m-%d %H:%M")),
              (rows_label, str(len(frame)))]
    lines += [(t("export.note", lang), note) for note in notes]
    for row, (label, value) in enumerate(lines):
        about.write_string(row, 0, label, bold)
        about.write_string(row, 1, value)
    about.set_column(0, 0, min(max(_text_width(k) for k, _ in lines) + 2, 40))
    about.set_column(1, 1, min(max(_text_width(v) for _, v in lines) + 2, 100))
    workbook.close()
    return buffer.getvalue()


def _display(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _write_cell(sheet: object, row: int, col: int, value: object, **formats: object) -> None:
    """One typed cell: number, bool, date or string; never a formula."""
    if _missing(value):
        sheet.write_blank(row, col, None)  # type: ignore[attr-defined]
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)  # type: ignore[attr-defined]
    elif isinstance(value, int) or (hasattr(value, "dtype") and
                                    pd.api.types.is_integer_dtype(getattr(value, "dtype", None))):
        sheet.write_number(row, col, int(value), formats["integer"])  # type: ignore[attr-defined, call-overload]
    elif isinstance(value, float):
        if math.isinf(value):
            sheet.write_string(row, col, "inf" if value > 0 else "-inf")  # type: ignore[attr-defined]
        else:
            sheet.write_number(row, col, value, formats["decimal"])  # type: ignore[attr-defined]
    elif isinstance(value, datetime):
        moment = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
        sheet.write_datetime(row, col, moment.replace(tzinfo=None), formats["moment"])  # type: ignore[attr-defined]
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day),  # type: ignore[attr-defined]
                             formats["day"])
    else:
        sheet.write_string(row, col, str(value))  # type: ignore[attr-defined]
