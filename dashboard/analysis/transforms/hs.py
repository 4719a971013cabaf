"""Harmonized System levels: map codes to section/chapter/heading/… and aggregate by them."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.transforms._common import Keys, as_list, require_columns
from dashboard.core.terms import CONFIDENTIAL_PATTERN, HS_LEVELS, HsLevel
from dashboard.reference.hs import section_of

_SUMMED = ("value_usd", "net_kg", "quantity")


def is_confidential(codes: pd.Series) -> pd.Series:
    """True where a code is confidential (all X, core.terms); False for digits and NaN."""
    return codes.str.fullmatch(CONFIDENTIAL_PATTERN, na=False).astype(bool)


def hs_level_code(codes: pd.Series, level: HsLevel) -> pd.Series:
    """Map HS codes (digit strings) to their code at `level`; same index, NaN stays NaN.

    Codes shorter than the level keep their own length; the confidential marker maps
    to itself at every level so it stays visible and still counts in totals.
    """
    if level not in HS_LEVELS:
        raise ValueError(f"hs_level_code: level must be one of {HS_LEVELS}, got {level!r}")
    if level != "section":
        # Codes read at this level already (a page's usual case) stay as they are: only
        # the few longer ones, the confidential marker among them, need a look.
        longer = codes.str.len().gt(level).to_numpy(dtype=bool, na_value=False)
        if is_confidential(codes[longer]).all():
            return codes.copy()
    confidential = is_confidential(codes)
    if level == "section":
        chapters = codes.str.slice(0, 2)
        names = chapters.loc[~confidential].dropna().drop_duplicates()
        mapped = chapters.map({chapter: section_of(chapter) for chapter in names})
    else:
        mapped = codes.str.slice(0, level)
    return mapped.where(~confidential, codes).rename(codes.name)


def aggregate_hs(frame: pd.DataFrame, *, level: HsLevel, keys: Keys = ()) -> pd.DataFrame:
    """Sum value_usd, net_kg and quantity by keys and the `level` code (in column hs_code).

    value_usd NaN counts as 0; net_kg and quantity are NaN when any summed row lacks them
    (a partial sum would understate unit values). With a `unit` column, quantity is NaN
    and unit NaN where a group mixes units. Totals equal the input's at every level.
    """
    ids = [k for k in as_list(keys) if k != "hs_code"]
    require_columns(frame, [*ids, "hs_code", "value_usd"], where="aggregate_hs")
    group = [*ids, "hs_code"]
    leveled = frame.assign(hs_code=hs_level_code(frame["hs_code"], level))
    grouped = leveled.groupby(group, dropna=False)
    measures = [c for c in _SUMMED if c in frame.columns and c != "value_usd"]
    sums = pd.concat([grouped[["value_usd"]].sum(), grouped[measures].sum(skipna=False)], axis=1)
    if "unit" not in frame.columns:
        return sums.reset_index()
    single_unit = grouped["unit"].nunique(dropna=False) == 1
    quantity = {"quantity": sums["quantity"].where(single_unit)} if "quantity" in measures else {}
    return sums.assign(unit=grouped["unit"].first().where(single_unit), **quantity).reset_index()
