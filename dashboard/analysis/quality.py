"""Data-quality notes (pure): missing months, the FCS publication gap, overlapping datasets."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from dashboard.analysis.transforms import ytd_coverage
from dashboard.core.i18n import month_name, t
from dashboard.data.sources.fcs import PUBLICATION_GAP as FCS_GAP


def quality_notes(months: pd.DataFrame, *, year: int, ytd: int | None, lang: str) -> list[str]:
    """Sentences warning about incomplete years being compared and publication gaps.

    ``months`` holds the (year, month) pairs loaded; the window is Jan–``ytd``
    (the whole year without one).
    """
    notes: list[str] = []
    if months.empty:
        return notes
    coverage = ytd_coverage(months, through_month=ytd or 12).set_index("year")
    for compared in (year, year - 1):
        if compared not in coverage.index:
            continue
        gaps = coverage.at[compared, "missing_months"]
        if gaps:
            names = ", ".join(month_name(m, lang) for m in gaps)
            notes.append(t("quality.missing_months", lang, year=compared, months=names))
    if year in FCS_GAP or year - 1 in FCS_GAP:
        notes.append(t("quality.fcs_gap", lang))
    return notes


def overlap_notes(overlaps: pd.DataFrame, *, years: Collection[int], lang: str) -> list[str]:
    """One sentence per year of ``years`` where datasets overlap and totals count both.

    ``overlaps``: Store.overlaps (year, first, second dataset ids).
    """
    notes: list[str] = []
    for year in sorted(years, reverse=True):
        pairs = overlaps.loc[overlaps["year"] == year]
        if pairs.empty:
            continue
        ids = ", ".join(str(i) for i in sorted({*pairs["first"], *pairs["second"]}))
        notes.append(t("quality.overlap", lang, year=year, ids=ids))
    return notes
