"""Mirror statistics: what A reports exporting to B against what B reports importing from A.

Pure pandas on small aggregated frames.  Values are US dollars; a side nobody
reported is NaN (not zero), and a % gap with a zero or missing base is NaN.
BACI rows are stored once (as the exporter's export), so for BACI data both
sides are the same reconciled figure and the gap is zero by construction.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

COLUMNS = ("year", "exporter", "importer", "exports_usd", "imports_usd", "gap_usd", "gap_pct")


def country_of(code: str) -> str:
    """The country of a reporter code: RU-TOM -> RU, KZ -> KZ."""
    return code.split("-", 1)[0].upper()


def _side(frame: pd.DataFrame, *, reporter: str, partner: str, flow: str,
          years: list[int]) -> pd.Series:
    """USD per year of one reporter's flow with one partner; NaN where nothing was reported."""
    rows = frame.loc[frame["reporter"].eq(reporter) & frame["partner"].eq(partner)
                     & frame["flow"].eq(flow)]
    return (rows.groupby("year")["value_usd"].sum(min_count=1)
            .reindex(years).astype("float64"))


def mirror_table(frame: pd.DataFrame, *, reporter: str, partner: str,
                 years: Iterable[int]) -> pd.DataFrame:
    """Per year and direction: reported exports, the partner's mirror imports, gap USD and %.

    ``frame`` holds (reporter, partner, flow, year, value_usd) for both sides.
    A region's counterpart is its country: RU-TOM's exports to KZ are set
    against KZ's imports from RU (all of Russia), so read region gaps with care.
    gap_usd = imports_usd - exports_usd; gap_pct = gap_usd / exports_usd * 100.
    """
    years = sorted({int(y) for y in years})
    a, b = reporter.upper(), partner.upper()
    a_country = country_of(a)
    parts = []
    for order, (exporter, importer, exports, imports) in enumerate((
        (a, b, _side(frame, reporter=a, partner=b, flow="export", years=years),
         _side(frame, reporter=b, partner=a_country, flow="import", years=years)),
        (b, a, _side(frame, reporter=b, partner=a_country, flow="export", years=years),
         _side(frame, reporter=a, partner=b, flow="import", years=years)),
    )):
        parts.append(pd.DataFrame({
            "year": years, "order": order, "exporter": exporter, "importer": importer,
            "exports_usd": exports.to_numpy(), "imports_usd": imports.to_numpy(),
        }))
    table = pd.concat(parts, ignore_index=True)
    base = table["exports_usd"].where(table["exports_usd"].ne(0))
    return (
        table.assign(
            gap_usd=lambda t: t["imports_usd"] - t["exports_usd"],
            gap_pct=lambda t: t["gap_usd"] / base * 100.0,
        )
        .sort_values(["year", "order"], kind="stable")
        .reset_index(drop=True)
        .loc[:, list(COLUMNS)]
    )
