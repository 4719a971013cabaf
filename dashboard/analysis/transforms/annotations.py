"""Dated notes on charts: which notes apply to a chart's period and filters.

A note is dated by a year ("2022") or a month ("2022-06") and may name one partner
and/or one commodity code. A chart covers a period range (years or months) and may
be filtered to some partners and commodity codes.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import pandas as pd

from dashboard.analysis.transforms._common import require_columns

NOTE_COLUMNS = ("date", "text", "partner", "hs_code")
"""Columns a notes frame must have (partner and hs_code may be empty/NaN)."""

_DATE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")


def parse_period(text: str, *, where: str = "period") -> tuple[int, int | None]:
    """Return (year, month) of "YYYY" or "YYYY-MM"; month None for a year; ValueError otherwise."""
    match = _DATE.match(str(text).strip())
    if match is None:
        raise ValueError(f"{where}: expected a year YYYY or a month YYYY-MM, got {text!r}")
    year, month = match.groups()
    return int(year), int(month) if month else None


def _span(year: int, month: int | None) -> tuple[int, int]:
    """First and last month of a period as year × 12 + month − 1."""
    if month is None:
        return year * 12, year * 12 + 11
    return year * 12 + month - 1, year * 12 + month - 1


def _blank(cell: object) -> bool:
    """True for NaN, None, <NA> and empty text (a note that names no partner or commodity)."""
    if isinstance(cell, str):
        return cell.strip() == ""
    return cell is None or bool(pd.isna(cell))


def _codes_overlap(note_code: str, chart_codes: Collection[str]) -> bool:
    """True when one code is the other's prefix: chapter 07 and heading 0702 overlap."""
    return any(note_code.startswith(c) or c.startswith(note_code) for c in chart_codes)


def notes_for_chart(
    notes: pd.DataFrame,
    *,
    start: str,
    end: str,
    partners: Collection[str] | None = None,
    hs_codes: Collection[str] | None = None,
) -> pd.DataFrame:
    """The notes that apply to a chart covering `start`–`end` ("YYYY" or "YYYY-MM", inclusive).

    A note applies when its period overlaps the range (a year note overlaps every
    month of its year, a month note the year it falls in) and its filters fit the
    chart's: a note naming no partner applies to every chart; one naming a partner
    only when `partners` includes it (`partners` None is a chart of all partners
    together, which shows only notes without a partner). Commodity codes work the same
    way, a note's code fitting a chart code when either is the other's prefix.
    Output: the applying notes with year and month (Int64, <NA> for a year note) added,
    ordered by date then input order; the input's other columns are kept.
    ValueError names the row of a note whose date is not YYYY or YYYY-MM.
    """
    require_columns(notes, NOTE_COLUMNS, where="notes_for_chart")
    first, _ = _span(*parse_period(start, where="notes_for_chart start"))
    _, last = _span(*parse_period(end, where="notes_for_chart end"))
    if first > last:
        raise ValueError(f"notes_for_chart: start {start!r} is after end {end!r}")
    chart_partners = None if partners is None else {str(p) for p in partners}
    chart_codes = None if hs_codes is None else [str(c) for c in hs_codes]
    periods = [
        parse_period(date, where=f"notes_for_chart: note row {position + 1}, column date")
        for position, date in enumerate(notes["date"])
    ]
    keep = []
    for (year, month), partner, code in zip(
        periods, notes["partner"], notes["hs_code"], strict=True
    ):
        low, high = _span(year, month)
        fits = low <= last and high >= first
        if not _blank(partner):
            fits = fits and chart_partners is not None and str(partner) in chart_partners
        if not _blank(code):
            fits = fits and chart_codes is not None and _codes_overlap(str(code), chart_codes)
        keep.append(fits)
    years = pd.Series([p[0] for p in periods], index=notes.index, dtype="int64")
    months = pd.Series([p[1] for p in periods], index=notes.index, dtype="Int64")
    mask = pd.Series(keep, index=notes.index, dtype=bool)
    return (
        notes.assign(year=years, month=months, _order=range(len(notes)))
        .loc[mask]
        .assign(_month_key=lambda f: f["month"].fillna(0))
        .sort_values(["year", "_month_key", "_order"], kind="stable")
        .drop(columns=["_order", "_month_key"])
        .reset_index(drop=True)
    )
