"""Frames and figures -> files people take into slides and spreadsheets."""

from __future__ import annotations

import io

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    def clean(value: object) -> object:
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            return "'" + value
        return value

    text_columns = [c for c in frame.columns if frame[c].dtype == object or
                    pd.api.types.is_string_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(clean) for c in text_columns})


def csv_bytes(frame: pd.DataFrame, *, separator: str = ",") -> bytes:
    """UTF-8 CSV with a BOM (Excel then reads Cyrillic), formulas neutralised."""
    buffer = io.StringIO()
    neutralise(frame).to_csv(buffer, index=False, sep=separator,
                             decimal="," if separator == ";" else ".")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
