"""Pure pandas transforms behind every figure on screen (small aggregated frames in, frames out).

Values are US dollars unless a function says otherwise; percentages are in % and
contributions in percentage points. No function mutates its arguments.
"""

from dashboard.analysis.transforms._common import flags
from dashboard.analysis.transforms.growth import (
    cagr,
    cagr_by,
    contributions,
    yoy,
    ytd,
    ytd_coverage,
    ytd_yoy,
)
from dashboard.analysis.transforms.hs import HS_LEVELS, aggregate_hs, hs_level_code, is_confidential
from dashboard.analysis.transforms.structure import OTHER, ranks, shares, top_n
from dashboard.analysis.transforms.trade import (
    MEASURES,
    Kpi,
    commodity_table,
    confidential_share,
    flows_wide,
    kpi_frame,
    kpis,
    partner_table,
    unit_values,
)

__all__ = [
    "HS_LEVELS",
    "MEASURES",
    "OTHER",
    "Kpi",
    "aggregate_hs",
    "cagr",
    "cagr_by",
    "commodity_table",
    "confidential_share",
    "contributions",
    "flags",
    "flows_wide",
    "hs_level_code",
    "is_confidential",
    "kpi_frame",
    "kpis",
    "partner_table",
    "ranks",
    "shares",
    "top_n",
    "unit_values",
    "yoy",
    "ytd",
    "ytd_coverage",
    "ytd_yoy",
]
