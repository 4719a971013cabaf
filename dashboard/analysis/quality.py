"""Data-quality notes (pure): missing months in compared years, the FCS publication gap."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard.data.sources.fcs import PUBLICATION_GAP as FCS_GAP


def missing_months(months: pd.DataFrame, year: int, through: int = 12) -> list[int]:
    """Months 1..through with no data in ``year`` (months: frame of year, month)."""
    present = set(months.loc[months["year"] == year, "month"].dropna().astype(int))
    return [m for m in range(1, through + 1) if m not in present]


def quality_notes(months: pd.DataFrame, *, year: int, ytd: int | None, lang: str,
                  month_name: Callable[[int, str], str]) -> list[str]:
    """Sentences warning about incomplete years being compared and publication gaps."""
    notes: list[str] = []
    if months.empty:
        return notes
    through = ytd or 12
    for compared in (year, year - 1):
        if compared not in set(months["year"]):
            continue
        gaps = missing_months(months, compared, through)
        if gaps:
            names = ", ".join(month_name(m, lang) for m in gaps)
            notes.append(
                f"В {compared} году нет данных за месяцы: {names}. Сравнение неполное."
                if lang == "ru" else
                f"{compared} lacks data for: {names}. The comparison is incomplete."
            )
    if year in FCS_GAP or year - 1 in FCS_GAP:
        notes.append(
            "ФТС не публиковала региональную статистику с начала 2022 до начала 2023 года: "
            "провал на графиках — отсутствие данных, а не падение торговли."
            if lang == "ru" else
            "The customs service did not publish regional data from early 2022 to early 2023: "
            "a dip there is missing data, not a collapse in trade."
        )
    return notes
