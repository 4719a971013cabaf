"""Figures of the compare-and-explain views: region tile map and the price/volume split.

Pure frame -> plotly Figure builders in the shared theme (see charts.py).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.present.charts import FLOW_COLOURS, PALETTE, _scale, theme, unit_label

HIGHLIGHT = "#b2493f"
EMPTY = "#eceff1"


def region_tiles(frame: pd.DataFrame, *, tiles: pd.DataFrame, chosen: str | None, title: str,
                 source: str, lang: str) -> go.Figure:
    """A tile grid of Russia's subjects coloured by share (%): grey where not loaded.

    ``frame``: reporter, name, share (%) of the loaded regions (regions_table);
    ``tiles``: iso_code, row, col (reference.regions.region_tiles). The chosen
    region gets a red outline.
    """
    grid = tiles.merge(frame.loc[:, ["reporter", "name", "share"]], how="left",
                       left_on="iso_code", right_on="reporter")
    loaded = grid.loc[grid["share"].notna()]
    rest = grid.loc[grid["share"].isna()]
    short = grid["iso_code"].str.removeprefix("RU-")
    fig = go.Figure()
    fig.add_scatter(x=rest["col"], y=-rest["row"], mode="markers+text",
                    text=short.loc[rest.index], textfont={"size": 10, "color": "#8a97a4"},
                    marker={"symbol": "square", "size": 34, "color": EMPTY}, hoverinfo="skip",
                    showlegend=False, name="not loaded")
    decimal = "," if lang == "ru" else "."
    fig.add_scatter(
        x=loaded["col"], y=-loaded["row"], mode="markers+text",
        text=short.loc[loaded.index], textfont={"size": 11, "color": "#ffffff"},
        hovertext=[f"{n}: {s:.1f}%".replace(".", decimal)
                   for n, s in zip(loaded["name"], loaded["share"], strict=True)],
        hoverinfo="text", showlegend=False, name="loaded",
        marker={"symbol": "square", "size": 34, "color": loaded["share"], "cmin": 0,
                "colorscale": [[0, "#9ec5e8"], [1, "#0b3d6b"]], "showscale": True,
                "colorbar": {"title": {"text": "%"}, "thickness": 12},
                "line": {"color": [HIGHLIGHT if r == chosen else "#ffffff"
                                   for r in loaded["reporter"]],
                         "width": [4 if r == chosen else 1 for r in loaded["reporter"]]}},
    )
    fig.update_xaxes(visible=False, range=[-0.7, int(tiles["col"].max()) + 0.7])
    fig.update_yaxes(visible=False, range=[-int(tiles["row"].max()) - 0.7, 0.7],
                     scaleanchor="x")
    fig.update_layout(height=440, plot_bgcolor="#ffffff")
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
