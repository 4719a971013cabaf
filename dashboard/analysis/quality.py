"""Data-quality notes (pure): missing months in compared years, the FCS publication gap."""

from __future__ import annotations

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
