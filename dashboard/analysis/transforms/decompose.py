"""Price vs volume: split a year-on-year change of value into volume, price and residual.

Per commodity code c with a physical measure (the basis: net weight in kg or the
supplementary quantity) in both years, with q the summed basis and p = value / q the
unit value:

    volume effect_c = (q1 − q0) × p0        price effect_c = (p1 − p0) × q0

volume_effect and price_effect are the sums over such codes. The residual closes the
identity; it is built as change − (volume_effect + price_effect), which equals

    Σ_c (p1 − p0)(q1 − q0)                          interaction of price and volume
    + Σ value of codes measured only in year        new codes ("entered")
    − Σ value of codes measured only in year − 1    disappeared codes ("exited")
    + (unmatched value − unmatched previous)        lines without the basis

where "measured" means the code has lines with a basis > 0 that year, and a line is
unmatched when its basis is NaN or ≤ 0 (and, for quantity, when the code's lines mix
supplementary units).

Summing per code first means a shift between dearer and cheaper codes shows up in the
volume effect; the residual holds what cannot be split, not the composition effect.
Values are the input's units (US dollars); the basis is kg or the code's own unit.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from dashboard.analysis.transforms._common import require_columns

Basis = Literal["net_kg", "quantity"]
BASES: tuple[Basis, ...] = ("net_kg", "quantity")

DECOMPOSITION_KEYS = (
    "value", "previous", "change", "volume_effect", "price_effect", "residual",
    "basis", "unmatched_value", "unmatched_previous", "matched_codes", "unmatched_codes",
)  # fmt: skip
"""Keys of price_volume's result, in order."""

FORMULA_PARTS = ("volume", "price", "residual", "terms")
"""Parts of the method's text; core.i18n holds each as "pv.formula.<part>", and each basis
as "pv.formula.<basis>"."""


def _per_code(lines: pd.DataFrame, *, code: str, basis: Basis, value: str) -> pd.DataFrame:
    """Per code and year: matched value, basis sum and unmatched value (basis NaN or ≤ 0)."""
    measured = lines[basis].gt(0) & lines[basis].notna()
    if basis == "quantity" and "unit" in lines.columns:
        # The supplementary unit can differ between lines of one code (or change between
        # years); quantities in different units cannot be summed, so such a code is unmatched.
        units = lines.loc[measured].groupby(code, dropna=False)["unit"].nunique(dropna=False)
        mixed = set(units.index[units > 1])
        measured = measured & ~lines[code].isin(mixed)
    return (
        lines.assign(
            matched=lines[value].where(measured, 0.0),
            q=lines[basis].where(measured, 0.0),
            unmatched=lines[value].where(~measured, 0.0),
        )
        .groupby([code, "year"], dropna=False)[["matched", "q", "unmatched"]]
        .sum()
    )


def _wide(
    frame: pd.DataFrame, *, year: int, basis: Basis, code: str, value: str, where: str
) -> pd.DataFrame:
    """Per code: matched, q, unmatched of year − 1 and year, (measure, year) columns; 0 if none."""
    if basis not in BASES:
        raise ValueError(f"{where}: basis must be 'net_kg' or 'quantity', got {basis!r}")
    require_columns(frame, ["year", code, value, basis], where=where)
    lines = frame.loc[frame["year"].isin([year, year - 1])].assign(
        **{value: lambda f: f[value].fillna(0.0).astype("float64")}
    )
    measures = ["matched", "q", "unmatched"]
    return (
        _per_code(lines, code=code, basis=basis, value=value)
        .unstack("year")
        .reindex(columns=pd.MultiIndex.from_product([measures, [year - 1, year]]))
        .fillna(0.0)
    )


def _prices(wide: pd.DataFrame, year: int) -> tuple[pd.Series, ...]:
    """q0, q1, p0, p1 and the mask of codes with the basis in both years (p NaN elsewhere)."""
    q0, q1 = wide[("q", year - 1)], wide[("q", year)]
    both = (q0 > 0) & (q1 > 0)
    p0 = (wide[("matched", year - 1)] / q0.where(both)).where(both)
    p1 = (wide[("matched", year)] / q1.where(both)).where(both)
    return q0, q1, p0, p1, both


def choose_basis(
    frame: pd.DataFrame, *, year: int, code: str = "hs_code", value: str = "value_usd"
) -> Basis:
    """The basis that splits more of the two years' value: "quantity" only when it covers more.

    Coverage is the value of codes with the basis in both years (price_volume's matched
    codes), summed over year − 1 and year; net weight wins ties, since it is always kg
    while supplementary units differ by code. A missing column counts as no coverage.
    """
    covered: dict[Basis, float] = {}
    for basis in BASES:
        if basis not in frame.columns:
            covered[basis] = 0.0
            continue
        wide = _wide(frame, year=year, basis=basis, code=code, value=value, where="choose_basis")
        *_, both = _prices(wide, year)
        covered[basis] = float(wide["matched"].loc[both].to_numpy().sum())
    return "quantity" if covered["quantity"] > covered["net_kg"] else "net_kg"


def price_volume(
    frame: pd.DataFrame,
    *,
    year: int,
    basis: Basis = "net_kg",
    code: str = "hs_code",
    value: str = "value_usd",
) -> dict[str, float | int | str]:
    """Split value(year) − value(year − 1) into volume, price and residual (value's units).

    `frame` holds lines of one commodity set and flow: year, `code`, value and the
    basis column (rows of other years are ignored; month, partner, … are summed over).
    Lines whose basis is NaN or ≤ 0 are unmatched: their value is reported apart
    (unmatched_value for `year`, unmatched_previous for year − 1) and their change
    goes to the residual. See the module text for what the residual holds.
    volume_effect + price_effect + residual == change; value NaN counts as 0, a
    year without lines counts as 0. matched_codes counts codes split into price and
    volume; unmatched_codes those with value but without the basis in both years.
    """
    wide = _wide(frame, year=year, basis=basis, code=code, value=value, where="price_volume")
    q0, q1, p0, p1, both = _prices(wide, year)
    volume_effect = float(((q1 - q0) * p0).loc[both].sum())
    price_effect = float(((p1 - p0) * q0).loc[both].sum())
    unmatched_value = float(wide[("unmatched", year)].sum())
    unmatched_previous = float(wide[("unmatched", year - 1)].sum())
    current = float(wide[("matched", year)].sum()) + unmatched_value
    previous = float(wide[("matched", year - 1)].sum()) + unmatched_previous
    change = current - previous
    has_value = (wide["matched"] != 0).any(axis=1) | (wide["unmatched"] != 0).any(axis=1)
    return {
        "value": current,
        "previous": previous,
        "change": change,
        "volume_effect": volume_effect,
        "price_effect": price_effect,
        # Built as the difference so the three parts add up to the change by construction
        # (exactly on whole numbers; to rounding of the largest part otherwise).
        "residual": change - (volume_effect + price_effect),
        "basis": basis,
        "unmatched_value": unmatched_value,
        "unmatched_previous": unmatched_previous,
        "matched_codes": int(both.sum()),
        "unmatched_codes": int((has_value & ~both).sum()),
    }


def residual_parts(
    frame: pd.DataFrame,
    *,
    year: int,
    basis: Basis = "net_kg",
    code: str = "hs_code",
    value: str = "value_usd",
) -> dict[str, float]:
    """price_volume's residual split into its parts (value's units), for the table on screen.

    interaction: Σ (p1 − p0)(q1 − q0) over codes with the basis in both years;
    entered: value of lines with the basis, of codes with the basis only in `year`
    (new codes, or codes whose earlier lines all lacked it); exited: minus the same for
    codes with the basis only in year − 1; unmatched_change: unmatched_value −
    unmatched_previous. The four sum to the residual up to rounding.
    """
    wide = _wide(frame, year=year, basis=basis, code=code, value=value, where="residual_parts")
    q0, q1, p0, p1, both = _prices(wide, year)
    return {
        "interaction": float(((p1 - p0) * (q1 - q0)).loc[both].sum()),
        "entered": float(wide[("matched", year)].loc[(q1 > 0) & ~both].sum()),
        "exited": 0.0 - float(wide[("matched", year - 1)].loc[(q0 > 0) & ~both].sum()),
        "unmatched_change": float(
            wide[("unmatched", year)].sum() - wide[("unmatched", year - 1)].sum()
        ),
    }
