"""The partner world map, drawn from geometry bundled in data/geo (no CDN at view time)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.analysis import transforms as tf
from dashboard.core.i18n import t
from dashboard.present import charts
from dashboard.reference.countries import is_special_partner
from dashboard.ui.widgets.render import chart

log = logging.getLogger(__name__)

GEOMETRY = Path(__file__).resolve().parents[3] / "data" / "geo" / "countries-110m.geojson"
"""Natural Earth 1:110m countries as GeoJSON (see data/README.md and data/geo/make_geojson.py)."""


@st.cache_resource(show_spinner=False)
def geometry(path: str = str(GEOMETRY)) -> dict | None:
    """The bundled country shapes, read once per process; None when the file is missing."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("country geometry unavailable: %s", exc)
        return None


def shapes_of(collection: dict) -> set[str]:
    """ISO alpha-2 codes that have a shape in the collection."""
    return {f["properties"].get("iso_a2", "") for f in collection.get("features", [])} - {""}


def show(ranking: pd.DataFrame, *, flow: str, currency: str, source: str, lang: str,
         key: str, path: str = str(GEOMETRY)) -> None:
    """A choropleth of the ranking's value by partner, or a clear note without geometry.

    ``ranking`` holds partner, name and value in the currency (tables.partner_ranking).
    """
    collection = geometry(path)
    if collection is None:
        st.info(t("partners.map_missing", lang, path=Path(path).name), icon="🗺️")
        return
    chart(charts.partner_map(ranking, geojson=collection, flow=flow, title=t("partners.map", lang),
                             currency=currency, source=source, lang=lang), key=key)
    drawn = shapes_of(collection)
    absent = ~ranking["partner"].isin(drawn) & ~tf.flags(ranking["partner"], is_special_partner)
    missing = ranking.loc[absent & ranking["value"].ne(0), "name"]
    if not missing.empty:
        st.caption(t("partners.not_on_map", lang, names=", ".join(missing.astype(str))))
