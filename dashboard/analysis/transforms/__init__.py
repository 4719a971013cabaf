"""Pure pandas transforms behind every figure on screen (small aggregated frames in, frames out).

Values are US dollars unless a function says otherwise; percentages are in % and
contributions in percentage points. No function mutates its arguments.
"""

from dashboard.analysis.transforms._common import flags
from dashboard.analysis.transforms.growth import contributions, yoy, ytd_coverage
from dashboard.analysis.transforms.hs import HS_LEVELS, aggregate_hs, hs_level_code, is_confidential
from dashboard.analysis.transforms.structure import ranks, shares
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
    "Kpi",
    "aggregate_hs",
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
    "unit_values",
    "yoy",
    "ytd_coverage",
]
