"""Figures of the compare-and-explain views: region tile map and the price/volume split.

Pure frame -> plotly Figure builders in the shared theme (see charts.py).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dashboard.present.charts import FLOW_COLOURS, PALETTE, _scale, theme, unit_label

HIGHLIGHT = "#b2493f"
EMPTY = "#eceff1"


def region_tiles(frame: pd.DataFrame, *, tiles: pd.DataFrame, chosen: str | None, title: str,
                 source: str, lang: str) -> go.Figure:
    """A tile grid of Russia's subjects coloured by share (%): grey where not loaded.

    ``frame``: reporter, name, share (%) of the loaded regions (regions_table);
    ``tiles``: iso_code, row, col (reference.regions.region_tiles). Tiles are
    drawn as squares in data units, so they keep their grid at any size; the
    chosen region gets a red outline.
    """
    grid = tiles.merge(frame.loc[:, ["reporter", "name", "share"]], how="left",
                       left_on="iso_code", right_on="reporter")
    peak = float(grid["share"].max()) if grid["share"].notna().any() else 1.0
    scale = [[0, "#c6dbef"], [1, "#0b3d6b"]]
    fig = go.Figure()
    half = 0.46
    for tile in grid.itertuples(index=False):
        loaded = tile.share == tile.share  # not NaN
        colour = (sample_colorscale(scale, [tile.share / peak if peak > 0 else 0])[0]
                  if loaded else EMPTY)
        outline = ({"color": HIGHLIGHT, "width": 4} if tile.iso_code == chosen
                   else {"color": "#ffffff", "width": 1})
        fig.add_shape(type="rect", x0=tile.col - half, x1=tile.col + half,
                      y0=-tile.row - half, y1=-tile.row + half, fillcolor=colour,
                      line=outline, layer="below")
    decimal = "," if lang == "ru" else "."
    loaded = grid["share"].notna()
    dark = loaded & (grid["share"] / peak > 0.45)
    fig.add_scatter(
        x=grid["col"], y=-grid["row"], mode="text",
        text=grid["iso_code"].str.removeprefix("RU-"),
        textfont={"size": 10, "color": ["#ffffff" if d else "#1f2933" if lo else "#8a97a4"
                                        for d, lo in zip(dark, loaded, strict=True)]},
        hovertext=[f"{n}: {s:.1f}%".replace(".", decimal) if lo else code
                   for n, s, lo, code in zip(grid["name"], grid["share"], loaded,
                                             grid["iso_code"], strict=True)],
        hoverinfo="text", showlegend=False, name="tiles")
    fig.add_scatter(x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                    marker={"colorscale": scale, "cmin": 0, "cmax": peak, "color": [0],
                            "showscale": True,
                            "colorbar": {"title": {"text": "%"}, "thickness": 12}})
    fig.update_xaxes(visible=False, range=[-0.6, int(tiles["col"].max()) + 0.6])
    fig.update_yaxes(visible=False, range=[-int(tiles["row"].max()) - 0.6, 0.6],
                     scaleanchor="x")
    fig.update_layout(height=480, plot_bgcolor="#ffffff")
    fig = theme(fig, title=title, source=source, lang=lang)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 70, "b": 90})
    return fig


def price_volume_bars(figures: dict, *, labels: dict[str, str], title: str, currency: str,
                      source: str, lang: str) -> go.Figure:
    """A waterfall from the previous year's value to this year's: volume, price, residual.

    ``figures``: price_volume's result (value's units, US dollars or the currency
    given); ``labels``: previous, volume, price, residual, value -> text.
    """
    steps = [("previous", figures["previous"], "absolute"),
             ("volume", figures["volume_effect"], "relative"),
             ("price", figures["price_effect"], "relative"),
             ("residual", figures["residual"], "relative"),
             ("value", figures["value"], "total")]
    divisor, scale = _scale(pd.Series([abs(float(v)) for _, v, _ in steps]))
    unit = unit_label(currency, scale, lang)
    decimal = "," if lang == "ru" else "."
    fig = go.Figure(go.Waterfall(
        x=[labels[k] for k, _, _ in steps], y=[float(v) / divisor for _, v, _ in steps],
        measure=[m for _, _, m in steps],
        text=[f"{float(v) / divisor:+,.2f}".replace(",", " ").replace(".", decimal)
              if m == "relative" else f"{float(v) / divisor:,.2f}".replace(",", " ")
              .replace(".", decimal) for _, v, m in steps],
        textposition="outside", cliponaxis=False,
        increasing={"marker": {"color": "#5a9e6f"}},
        decreasing={"marker": {"color": "#b2493f"}},
        totals={"marker": {"color": FLOW_COLOURS["turnover"]}},
        connector={"line": {"color": PALETTE[-1], "width": 1}},
    ))
    fig.update_layout(yaxis_title=unit, showlegend=False, height=420)
    return theme(fig, title=f"{title}, {unit}", source=source, lang=lang)
