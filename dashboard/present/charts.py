"""Pure frame -> plotly Figure builders with one presentation theme.

Every chart carries a title with its units and a source line naming the
dataset, uses the same colour per flow everywhere, and fits a 16:9 slide.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.core.formatting import number
from dashboard.core.i18n import currency_word, flow_label, month_name, t

FLOW_COLOURS = {
    "export": "#1f6fb2",
    "import": "#e07b39",
    "turnover": "#2f3e4e",
    "balance": "#5a9e6f",
}
PALETTE = ["#1f6fb2", "#e07b39", "#5a9e6f", "#b2493f", "#7d5ba6", "#c9a227", "#3f9fb2",
           "#8c6d46", "#d16fa3", "#6b7b8c"]
FONT = "DejaVu Sans, Arial, sans-serif"
# plotly_white as far as these charts use it: its layout and its bar and scatter defaults.
# Plotly copies and checks a template each time a figure is given one, and the whole of
# plotly_white carries defaults for two dozen trace types the charts never draw.
_WHITE = pio.templates["plotly_white"]
TEMPLATE = go.layout.Template(layout=_WHITE.layout,
                              data={"bar": _WHITE.data.bar, "scatter": _WHITE.data.scatter})


def _scale(values: pd.Series) -> tuple[float, str]:
    """Divisor and unit word so axis numbers stay short (millions unless tiny)."""
    peak = float(values.abs().max()) if len(values) else 0.0
    if peak >= 1e9:
        return 1e9, "bn"
    if peak >= 1e6 or peak == 0:
        return 1e6, "M"
    return 1e3, "k"


def unit_label(currency: str, scale: str, lang: str) -> str:
    """'млн долл. США' / 'USD M' style unit text for a title."""
    if lang == "ru":
        return f"{t(f'scale.{scale}', lang)} {currency_word(currency, lang)}"
    return f"{currency} {t(f'scale.{scale}', lang)}"


def theme(fig: go.Figure, *, title: str, source: str, lang: str) -> go.Figure:
    """Apply the presentation theme: fonts, margins, legend, and the source line."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 20}},
        font={"family": FONT, "size": 14, "color": "#1f2933"},
        template=TEMPLATE,
        margin={"l": 60, "r": 30, "t": 70, "b": 80},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        separators=", " if lang == "ru" else ".,",
        hoverlabel={"font": {"family": FONT}},
    )
    fig.add_annotation(
        text=t("source_line", lang, source=source), xref="paper", yref="paper", x=0, y=-0.2,
        xanchor="left", yanchor="top", showarrow=False, font={"size": 11, "color": "#6b7b8c"},
    )
    return fig


def annual_trend(frame: pd.DataFrame, *, title: str, currency: str, source: str,
                 lang: str) -> go.Figure:
    """Bars of exports and imports per year with the turnover line (frame from flows_wide)."""
    divisor, scale = _scale(frame[["export", "import", "turnover"]].stack()
                            if not frame.empty else pd.Series(dtype=float))
    unit = unit_label(currency, scale, lang)
    fig = go.Figure()
    for flow in ("export", "import"):
        fig.add_bar(x=frame["year"].astype(str), y=frame[flow] / divisor,
                    name=flow_label(flow, lang), marker_color=FLOW_COLOURS[flow])
    fig.add_scatter(x=frame["year"].astype(str), y=frame["turnover"] / divisor,
                    name=flow_label("turnover", lang), mode="lines+markers",
                    line={"color": FLOW_COLOURS["turnover"], "width": 3})
    fig.update_layout(barmode="group", yaxis_title=unit, xaxis_type="category")
    return theme(fig, title=f"{title}, {unit}", source=source, lang=lang)


def monthly_trend(frame: pd.DataFrame, *, flow: str, title: str, currency: str, source: str,
                  lang: str) -> go.Figure:
    """One line per year over months for one measure; gaps stay gaps (no interpolation)."""
    divisor, scale = _scale(frame[flow] if not frame.empty else pd.Series(dtype=float))
    unit = unit_label(currency, scale, lang)
    fig = go.Figure()
    years = sorted(frame["year"].unique())
    for index, year in enumerate(years):
        part = frame.loc[frame["year"] == year].set_index("month").reindex(range(1, 13))
        fig.add_scatter(
            x=[month_name(m, lang) for m in range(1, 13)], y=part[flow] / divisor,
            name=str(year), mode="lines+markers", connectgaps=False,
            line={"width": 3 if index == len(years) - 1 else 1.5,
                  "color": PALETTE[(len(years) - 1 - index) % len(PALETTE)]},
        )
    fig.update_layout(yaxis_title=unit)
    return theme(fig, title=f"{title}, {unit}", source=source, lang=lang)


def ranked_bars(frame: pd.DataFrame, *, label: str, title: str, currency: str, source: str,
                lang: str, flow: str) -> go.Figure:
    """Horizontal bars of a ranked table (largest on top) with share labels."""
    divisor, scale = _scale(frame["value"] if not frame.empty else pd.Series(dtype=float))
    unit = unit_label(currency, scale, lang)
    ordered = frame.iloc[::-1]
    decimal = "," if lang == "ru" else "."
    text = [
        "" if pd.isna(s) else f"{s:.1f}%".replace(".", decimal) for s in ordered.get("share", [])
    ]
    fig = go.Figure(go.Bar(
        x=ordered["value"] / divisor, y=ordered[label], orientation="h", text=text,
        textposition="outside", marker_color=FLOW_COLOURS.get(flow, PALETTE[0]),
        cliponaxis=False,
    ))
    fig.update_layout(xaxis_title=unit, height=max(360, 40 * len(frame) + 140),
                      yaxis={"automargin": True})
    return theme(fig, title=f"{title}, {unit}", source=source, lang=lang)


def exports_vs_imports(frame: pd.DataFrame, *, label: str, title: str, currency: str,
                       source: str, lang: str) -> go.Figure:
    """Exports and imports side by side per group (frame with label, export, import)."""
    divisor, scale = _scale(frame[["export", "import"]].stack() if not frame.empty
                            else pd.Series(dtype=float))
    unit = unit_label(currency, scale, lang)
    ordered = frame.iloc[::-1]
    fig = go.Figure()
    for flow in ("export", "import"):
        fig.add_bar(y=ordered[label], x=ordered[flow] / divisor, orientation="h",
                    name=flow_label(flow, lang), marker_color=FLOW_COLOURS[flow])
    fig.update_layout(barmode="group", xaxis_title=unit, yaxis={"automargin": True},
                      height=max(400, 36 * len(frame) + 160))
    return theme(fig, title=f"{title}, {unit}", source=source, lang=lang)


def treemap(frame: pd.DataFrame, *, title: str, currency: str, source: str,
            lang: str) -> go.Figure:
    """Treemap from a frame of ids, labels, parents and values (section > chapter > heading)."""
    fig = go.Figure(go.Treemap(
        ids=frame["id"], labels=frame["label"], parents=frame["parent"], values=frame["value"],
        branchvalues="total", textinfo="label+percent root",
        marker={"colorscale": "Blues"},
    ))
    fig.update_layout(margin={"t": 70, "l": 10, "r": 10, "b": 80})
    return theme(fig, title=f"{title} ({currency})", source=source, lang=lang)


def contribution_bars(frame: pd.DataFrame, *, label: str, title: str, source: str,
                      lang: str) -> go.Figure:
    """Contribution to growth in percentage points, positive and negative coloured apart."""
    ordered = frame.iloc[::-1]
    colours = ["#5a9e6f" if v >= 0 else "#b2493f" for v in ordered["contribution"].fillna(0)]
    fig = go.Figure(go.Bar(x=ordered["contribution"], y=ordered[label], orientation="h",
                           marker_color=colours))
    unit = t("percentage_points", lang)
    fig.update_layout(xaxis_title=unit, yaxis={"automargin": True},
                      height=max(360, 36 * len(frame) + 140))
    return theme(fig, title=f"{title}, {unit}", source=source, lang=lang)


def partner_lines(frame: pd.DataFrame, *, flow: str, names: dict[str, str], title: str,
                  currency: str, source: str, lang: str) -> go.Figure:
    """One line per partner over years for one measure."""
    divisor, scale = _scale(frame[flow] if not frame.empty else pd.Series(dtype=float))
    unit = unit_label(currency, scale, lang)
    fig = go.Figure()
    for index, (partner, part) in enumerate(frame.groupby("partner", sort=False)):
        fig.add_scatter(x=part["year"].astype(str), y=part[flow] / divisor, mode="lines+markers",
                        name=names.get(partner, partner),
                        line={"color": PALETTE[index % len(PALETTE)], "width": 2.5})
    fig.update_layout(yaxis_title=unit, xaxis_type="category")
    return theme(fig, title=f"{title}, {unit}", source=source, lang=lang)


def rate_history(frame: pd.DataFrame, *, title: str, source: str, lang: str) -> go.Figure:
    """Daily rates per currency (frame: date, currency, rate)."""
    fig = go.Figure()
    for index, (currency, part) in enumerate(frame.groupby("currency", sort=True)):
        fig.add_scatter(x=part["date"], y=part["rate"], name=currency, mode="lines",
                        line={"color": PALETTE[index % len(PALETTE)], "width": 2})
    return theme(fig, title=title, source=source, lang=lang)


def _natural_earth(lon, lat):  # type: ignore[no-untyped-def]  # numpy arrays in and out
    """Natural Earth I projection (Šavrič et al. 2011; the d3-geo polynomial), degrees in."""
    import numpy as np

    lam, phi = np.radians(lon), np.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2
                                                                     - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2
                                                     - 0.005916 * phi4)))
    return x, y


def _outline(geometry: dict):  # type: ignore[no-untyped-def]  # -> (x, y) numpy arrays
    """Projected x/y of every ring of a (Multi)Polygon, rings separated by NaN (a gap)."""
    import numpy as np

    polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                else [geometry["coordinates"]])
    rings = [np.vstack([np.asarray(ring, dtype=float), [np.nan, np.nan]])
             for polygon in polygons for ring in polygon]
    points = np.vstack(rings) if rings else np.empty((0, 2))
    x, y = _natural_earth(points[:, 0], points[:, 1])
    return np.round(x, 4), np.round(y, 4)


def partner_map(frame: pd.DataFrame, *, geojson: dict, flow: str, title: str, currency: str,
                source: str, lang: str) -> go.Figure:
    """World map of a ranked partner table (partner ISO-2, name, value in currency units).

    Drawn as filled outlines on plain axes from the bundled Natural Earth geometry
    (``properties.iso_a2``), because plotly's geo maps fetch base shapes from a CDN
    at view time and stay blank offline. Partners without a shape at 1:110m (small
    states) are not drawn; balance uses a diverging scale around 0.
    """
    from plotly.colors import sample_colorscale


    divisor, scale = _scale(frame["value"] if not frame.empty else pd.Series(dtype=float))
    unit = unit_label(currency, scale, lang)
    values = dict(zip(frame["partner"], frame["value"] / divisor, strict=True))
    names = dict(zip(frame["partner"], frame["name"], strict=True))
    diverging = flow == "balance"
    peak = max((abs(v) for v in values.values() if v == v), default=0.0) or 1.0
    low = -peak if diverging else 0.0
    colours = ([[0, "#b2493f"], [0.5, "#f4f4f4"], [1, "#1f6fb2"]] if diverging
               else [[0, "#dbe9f6"], [1, FLOW_COLOURS.get(flow, PALETTE[0])]])
    import numpy as np

    fig = go.Figure()
    rest_x: list = []
    rest_y: list = []
    for feature in geojson.get("features", []):
        props = feature["properties"]
        if props.get("iso_a3") == "ATA":
            continue  # Antarctica: no trade, a third of the picture
        xs, ys = _outline(feature["geometry"])
        code = props.get("iso_a2", "")
        value = values.get(code)
        if value is None or value != value:
            rest_x.append(xs)
            rest_y.append(ys)
            continue
        colour = sample_colorscale(colours, [(value - low) / (peak - low)])[0]
        label = f"{names[code]}: {number(value, lang)} {unit}"
        fig.add_scatter(x=xs, y=ys, fill="toself", fillcolor=colour, mode="lines",
                        line={"color": "#ffffff", "width": 0.5}, name=names[code], text=label,
                        hoveron="fills", hoverinfo="text", showlegend=False)
    fig.add_scatter(x=np.concatenate(rest_x or [[]]), y=np.concatenate(rest_y or [[]]),
                    fill="toself", fillcolor="#eceff1", mode="lines",
                    line={"color": "#ffffff", "width": 0.5}, hoverinfo="skip",
                    showlegend=False)
    fig.data = (fig.data[-1], *fig.data[:-1])  # the grey world underneath
    fig.add_scatter(x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                    marker={"colorscale": colours, "cmin": low, "cmax": peak, "color": [low],
                            "showscale": True,
                            "colorbar": {"title": {"text": unit}, "thickness": 14}})
    fig.update_xaxes(visible=False, range=[-2.8, 2.95])
    fig.update_yaxes(visible=False, scaleanchor="x", range=[-1.02, 1.42])
    fig.update_layout(height=540, plot_bgcolor="#ffffff", hovermode="closest")
    fig = theme(fig, title=f"{title}, {unit}", source=source, lang=lang)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 70, "b": 110})  # room for the source line
    return fig


def for_export(fig: go.Figure, *, width: int, height: int, font_size: int | None = None,
               title_size: int | None = None) -> go.Figure:
    """A copy of a themed figure laid out for a fixed canvas (PNG/SVG, a slide box).

    The figure's own height is dropped (the canvas decides), the source line is
    pinned inside the bottom edge (right-aligned, so long y labels cannot push
    it out), and the right margin leaves room for value labels outside bars.
    """
    copy = go.Figure(fig)
    bottom = 100
    plot_height = max(height - (fig.layout.margin.t or 70) - bottom, 1)
    copy.update_layout(width=width, height=height,
                       margin={"r": max(70, (fig.layout.margin.r or 0)), "b": bottom})
    if font_size:
        copy.update_layout(font={"size": font_size})
    if title_size:
        copy.update_layout(title={"font": {"size": title_size}})
    copy.update_annotations(
        selector=_is_source_line,
        patch={"x": 1, "xanchor": "right", "y": -(bottom - 6) / plot_height,
               "yanchor": "bottom"},
    )
    return copy


def for_projector(fig: go.Figure) -> go.Figure:
    """A copy with type large enough to read on a projector screen from the back of a room."""
    copy = go.Figure(fig)
    copy.update_layout(font={"size": 20}, title={"font": {"size": 28}}, height=620,
                       margin={"b": 110})
    copy.update_annotations(selector=_is_source_line, patch={"font": {"size": 15}})
    return copy


def _is_source_line(annotation: go.layout.Annotation) -> bool:
    """The annotation ``theme`` adds: "Источник: …" / "Source: …"."""
    prefixes = tuple(t("source_line", lang, source="") for lang in ("ru", "en"))
    return bool(annotation.text) and annotation.text.startswith(prefixes)


def legend_right(fig: go.Figure) -> go.Figure:
    """The same figure with a vertical legend right of the plot (long names, narrow charts)."""
    out = go.Figure(fig)
    out.update_layout(legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1,
                              "yanchor": "top"})
    return out


def hs_treemap(frame: pd.DataFrame, *, title: str, currency: str, source: str,
               lang: str, depth: int = 2) -> go.Figure:
    """Treemap of ids/labels/parents/values (tables.treemap_frame), one hue per top box.

    Shows ``depth`` levels at once (sections and chapters); a click opens the next.
    """
    divisor, scale = _scale(frame["value"] if not frame.empty else pd.Series(dtype=float))
    unit = unit_label(currency, scale, lang)
    parents = dict(zip(frame["id"], frame["parent"], strict=True))

    def root(node: str) -> str:
        while parents.get(node):
            node = parents[node]
        return node

    tops = [node for node in frame["id"] if not parents.get(node)]
    hue = {node: PALETTE[index % len(PALETTE)] for index, node in enumerate(tops)}
    colours = [hue[root(node)] for node in frame["id"]]
    fig = go.Figure(go.Treemap(
        ids=frame["id"], labels=frame["label"], parents=frame["parent"],
        values=frame["value"] / divisor, branchvalues="total", maxdepth=depth,
        marker={"colors": colours, "line": {"color": "#ffffff", "width": 1}},
        textinfo="label+percent root", texttemplate="%{label}<br>%{percentRoot:.1%}",
        hovertemplate="%{label}<br>%{value:,.1f} " + unit + " · %{percentRoot:.1%}"
                      "<extra></extra>",
        tiling={"pad": 2}, pathbar={"visible": True},
        insidetextfont={"color": "#ffffff"},
    ))
    fig.update_layout(height=560)
    fig = theme(fig, title=f"{title}, {unit}", source=source, lang=lang)
    fig.update_layout(margin={"t": 70, "l": 10, "r": 10, "b": 110})  # room for the source line
    return fig


NOTE_COLOUR = "#7d5ba6"
_NOTE_CHARS = 48  # a note's text on the chart is cut here; the full text is in the hover


def with_notes(fig: go.Figure, notes: pd.DataFrame, *, axis: str, lang: str) -> go.Figure:
    """A copy of a chart with the dated notes marked (notes: notes_for_chart's output).

    ``axis`` is "month" for charts over month names (one line per year: a month
    note gets a dashed line at its month, labelled with its year) or "year" for
    charts over years (any note gets a line at its year, when the chart shows it).
    Year notes on a month axis have no position and are written at the top left.
    """
    out = go.Figure(fig)
    # On a category axis a numeric-looking string ("2018") is read as a category index,
    # so years are placed by their position among the chart's categories.
    categories = [str(x) for x in fig.data[0].x] if fig.data and fig.data[0].x is not None else []
    for index, note in enumerate(notes.itertuples(index=False)):
        month = None if pd.isna(note.month) else int(note.month)
        text = str(note.text)
        short = text if len(text) <= _NOTE_CHARS else text[: _NOTE_CHARS - 1].rstrip() + "…"
        label = f"◆ {note.date}: {short}"
        y = 1.0 - 0.075 * index
        if axis == "year":
            if str(int(note.year)) not in categories:
                continue
            x = categories.index(str(int(note.year)))
        elif month is not None:
            x = month_name(month, lang)
        else:
            out.add_annotation(text=label, hovertext=text, xref="paper", yref="paper", x=0.01,
                               y=y, xanchor="left", yanchor="top", showarrow=False,
                               font={"size": 11, "color": NOTE_COLOUR}, name="note")
            continue
        # Text runs away from the chart's right edge so it never widens the axis.
        late = (x >= len(categories) / 2) if isinstance(x, int) else (month or 0) > 6
        out.add_shape(type="line", x0=x, x1=x, xref="x", yref="paper", y0=0, y1=1,
                      line={"color": NOTE_COLOUR, "width": 1.5, "dash": "dash"}, name="note")
        out.add_annotation(text=label, hovertext=text, x=x, xref="x", yref="paper", y=y,
                           xanchor="right" if late else "left", yanchor="top",
                           showarrow=False, align="right" if late else "left",
                           bgcolor="rgba(255,255,255,0.8)",
                           font={"size": 11, "color": NOTE_COLOUR}, name="note")
    return out
