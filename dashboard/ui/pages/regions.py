"""Regions: how does the region compare with the other loaded regions for one partner?"""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import compare
from dashboard.core.config import settings
from dashboard.core.i18n import flow_label, t
from dashboard.present import compare_charts
from dashboard.reference.countries import country_name
from dashboard.reference.regions import region_name, region_tiles
from dashboard.ui import queries
from dashboard.ui.widgets.compare import region_table, share_text
from dashboard.ui.widgets.errors import show_error
from dashboard.ui.widgets.page import filters_or_stop, heading, period_label, source_name
from dashboard.ui.widgets.render import chart


def render() -> None:
    """Draw the Regions page."""
    filters = filters_or_stop()
    lang, version = filters.lang, queries.version()
    heading(filters, "regions")
    try:
        partner = filters.partner
        if partner is None:
            options = [p for p in queries.all_partners(version) if p != "XW"]
            if not options:
                st.info(t("regions.no_partner", lang))
                return
            default = settings().default_partner
            partner = st.selectbox(t("regions.partner", lang), options,
                                   index=options.index(default) if default in options else 0,
                                   key="regions.partner",
                                   format_func=lambda c: country_name(c, lang))
        flow = filters.flow if filters.flow in compare.RANKED_FLOWS else "turnover"
        months = tuple(range(1, filters.ytd + 1)) if filters.ytd else (
            (filters.month,) if filters.month else None)
        ranking = queries.regions_table(version, (partner,), filters.year, flow, months, lang)
        cover = queries.region_coverage(version)
        chosen = compare.chosen_region(ranking, filters.reporter)
        if chosen is None:
            st.info(t("regions.not_loaded", lang))
        else:
            st.markdown("**" + t(
                "regions.chosen", lang, region=region_name(filters.reporter, lang),
                rank=chosen["rank"], count=len(ranking), share=share_text(chosen["share"], lang),
                district_rank=chosen["district_rank"], district=chosen["district"]) + "**")
        coverage_key = "regions.complete" if cover["complete"] else "regions.coverage"
        (st.caption if cover["complete"] else st.warning)(
            t(coverage_key, lang, loaded=cover["loaded"], total=cover["total"]))
        title = t("regions.table", lang, flow=flow_label(flow, lang).lower(),
                  partner=country_name(partner, lang), period=period_label(filters))
        st.subheader(title)
        region_table(ranking, filters, partner=partner, flow=flow)
        chart(compare_charts.region_tiles(
            ranking, tiles=region_tiles(), chosen=filters.reporter, lang=lang,
            source=source_name(), title=t("regions.map", lang, flow=flow_label(flow, lang).lower(),
                                          partner=country_name(partner, lang),
                                          period=period_label(filters))),
            key="regions.map")
        st.caption(t("regions.map_note", lang))
    except Exception as exc:  # shown once, never a traceback
        show_error(exc)
