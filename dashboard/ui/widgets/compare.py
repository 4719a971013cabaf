"""Compare-and-explain cards shared by the pages: price vs volume, HHI, RCA, new products,
the full-year estimate and the notes editor. Each reads one cached query and renders."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.analysis import compare, tables
from dashboard.analysis.transforms.concentration import BAND_SOURCE
from dashboard.core.errors import NotFoundError, OborotError
from dashboard.core.formatting import money, number, percent
from dashboard.core.i18n import flow_label, t
from dashboard.present import charts, compare_charts
from dashboard.reference.names import hs_name
from dashboard.ui import actions, queries
from dashboard.ui.widgets.downloads import table_downloads
from dashboard.ui.widgets.filters import Filters
from dashboard.ui.widgets.page import source_name
from dashboard.ui.widgets.render import MISSING, chart, table


def _usd(value: float, lang: str, *, signed: bool = False) -> str:
    """US dollars: compact from a thousand up ("$1.66M"), whole cents below ("$637.29")."""
    if value == value and abs(value) < 1000:
        sign = ("+" if value > 0 else "−" if value < 0 else "") if signed else (
            "−" if value < 0 else "")
        return f"{sign}${number(abs(value), lang, digits=2)}"
    return money(value, "USD", lang, digits=2, signed=signed)


def price_volume_card(filters: Filters, goods: pd.DataFrame, *, source: str) -> None:
    """The chosen commodity's change split into volume, price and residual, formula on screen.

    ``goods``: views.commodity_frame at 4 digits, for the list of codes (largest first).
    """
    lang, version = filters.lang, queries.version()
    st.subheader(t("pv.chart", lang))
    left, right = st.columns([1, 3])
    flows = ["export", "import"]
    default = flows.index(filters.flow) if filters.flow in flows else 0
    flow = left.radio(t("pv.flow", lang), flows, index=default, key="commodities.pv_flow",
                      format_func=lambda f: flow_label(f, lang), horizontal=True)
    codes = compare.commodity_choices(goods, year=filters.year, flow=flow)
    if not codes:
        st.info(t("pv.none", lang))
        return
    code = right.selectbox(t("pv.pick", lang), codes, key="commodities.pv_code",
                           format_func=lambda c: f"{c} {hs_name(c, lang)}"[:80])
    try:
        result = queries.decomposition(version, filters.reporter, filters.year, (code,), flow,
                                       filters.partner)
    except NotFoundError:
        st.info(t("pv.none", lang))
        return
    f, year = result.figures, filters.year
    name = f"{code} {hs_name(code, lang)}"
    st.markdown("**" + t("pv.title", lang, name=name, year=year, previous=year - 1,
                         flow=flow_label(flow, lang).lower()) + "**")
    cells = st.columns(4)
    for cell, key, label in zip(cells, ("change", "volume_effect", "price_effect", "residual"),
                                ("pv.change", "pv.volume", "pv.price", "pv.residual"),
                                strict=True):
        cell.metric(t(label, lang), _usd(float(f[key]), lang, signed=True))
    basis = t(f"pv.formula.{f['basis']}", lang)
    st.caption(f"{basis} · {t('pv.formula.terms', lang)}")
    st.markdown("\n".join(f"- {t(f'pv.formula.{part}', lang)}"
                          for part in ("volume", "price", "residual")))
    st.caption(t("pv.unmatched", lang, value=_usd(float(f["unmatched_value"]), lang), year=year,
                 previous=_usd(float(f["unmatched_previous"]), lang), base=year - 1))
    p = result.parts
    st.caption(t("pv.parts", lang, interaction=_usd(p["interaction"], lang, signed=True),
                 entered=_usd(p["entered"], lang, signed=True),
                 exited=_usd(p["exited"], lang, signed=True),
                 unmatched=_usd(p["unmatched_change"], lang, signed=True)))
    labels = {"previous": str(year - 1), "volume": t("pv.volume", lang),
              "price": t("pv.price", lang), "residual": t("pv.residual", lang),
              "value": str(year)}
    chart(compare_charts.price_volume_bars(
        f, labels=labels, currency="USD", source=source, lang=lang,
        title=t("pv.title", lang, name=code, flow=flow_label(flow, lang).lower(), year=year,
                previous=year - 1)), key="commodities.pv_chart")
    _decomposition_table(result, lang=lang, year=year,
                         file_name=f"price_volume_{filters.reporter}_{code}_{flow}_{year}.csv")


def _decomposition_table(result: compare.Decomposition, *, lang: str, year: int,
                         file_name: str) -> None:
    """The split's figures as a table a reader can take in: named rows, whole dollars."""
    names = {"previous": str(year - 1), "value": str(year), "change": t("pv.change", lang),
             "volume_effect": t("pv.volume", lang), "price_effect": t("pv.price", lang),
             "residual": t("pv.residual", lang),
             "unmatched_value": t("pv.row.unmatched", lang, year=year),
             "unmatched_previous": t("pv.row.unmatched", lang, year=year - 1),
             **{f"residual.{part}": t(f"pv.row.{part}", lang) for part in result.parts}}
    frame = compare.decomposition_frame(result)
    shown = frame.assign(measure=frame["measure"].map(names),
                         basis=frame["basis"].map(lambda basis: t(f"pv.basis.{basis}", lang)))
    columns = {
        "measure": st.column_config.TextColumn(t("pv.col.measure", lang)),
        "value": st.column_config.NumberColumn(t("pv.col.value", lang), format="%,.0f"),
        "basis": st.column_config.TextColumn(t("pv.col.basis", lang)),
    }
    table(shown, key="commodities.pv_table", lang=lang, file_name=file_name,
          column_config=columns)


def hhi_card(filters: Filters, *, kinds: tuple[str, ...], key: str) -> None:
    """HHI of partners and/or products for the year with its band and trend."""
    lang, year = filters.lang, filters.year
    full = queries.concentration(queries.version(), filters.reporter)
    rows = compare.year_concentration(full.loc[full["kind"].isin(kinds)], year)
    trend = compare.concentration_trend(full).set_index(["kind", "flow"])
    st.subheader(t("hhi.title", lang))
    cells = st.columns(max(len(rows), 1))
    for cell, row in zip(cells, rows.itertuples(index=False), strict=False):
        label = t(f"hhi.{row.kind}", lang, flow=flow_label(row.flow, lang).lower())
        band = t(f"hhi.band.{row.band}", lang) if row.band else "—"
        cell.metric(label, number(row.hhi, lang, digits=0))
        reading = band
        if (row.kind, row.flow) in trend.index:
            tr = trend.loc[(row.kind, row.flow)]
            direction = (t(f"hhi.{tr['direction']}", lang) if isinstance(tr["direction"], str)
                         else "—")
            reading += " · " + t("hhi.trend", lang, direction=direction,
                                 slope=number(tr["slope"], lang, digits=0),
                                 first=tr["first_year"], last=tr["last_year"])
        cell.caption(reading)
    st.caption(t("hhi.bands", lang, source=BAND_SOURCE))
    shown = rows.assign(
        band=rows["band"].map(lambda b: t(f"hhi.band.{b}", lang) if b else ""),
        kind=rows["kind"].map(lambda k: t(f"hhi.kind_{k}", lang)),
        flow=rows["flow"].map(lambda f: flow_label(f, lang)))
    table(shown, key=f"{key}.hhi_table", lang=lang,
          file_name=f"hhi_{filters.reporter}_{year}.csv",
          column_config={"kind": t("hhi.kind", lang), "year": t("year", lang),
                         "flow": t("commodities.flow", lang),
                         "hhi": st.column_config.NumberColumn(
              t("hhi.value", lang), format="%,.0f"), "band": t("hhi.band", lang),
              "parts": t("hhi.parts", lang), "top_share": st.column_config.NumberColumn(
              t("hhi.top_share", lang), format="%.1f")})


def rca_table(filters: Filters, *, flow: str) -> None:
    """RCA by HS chapter against the loaded regions, most specialised first."""
    lang = filters.lang
    st.subheader(t("rca.title", lang))
    st.caption(t("rca.note", lang, flow=flow_label(flow, lang).lower(),
                 min=number(compare.RCA_MIN_SHARE, lang)))
    frame = queries.specialisation(queries.version(), filters.reporter, filters.year, flow)
    shown = frame.assign(name=frame["chapter"].map(lambda c: hs_name(str(c), lang)))
    number_column = st.column_config.NumberColumn
    table(shown.loc[:, ["chapter", "name", "rca", "share", "reference_share", "value"]],
          key="commodities.rca", lang=lang,
          file_name=f"rca_{filters.reporter}_{filters.year}_{flow}.csv",
          column_config={"chapter": t("commodities.hs_code", lang),
                         "name": t("commodities.name", lang),
                         "rca": number_column(t("rca.rca", lang), format="%.2f"),
                         "share": number_column(t("share", lang), format="%.2f"),
                         "reference_share": number_column(t("rca.reference_share", lang),
                                                          format="%.2f"),
                         "value": number_column("USD", format="%,.0f")})


def new_products_table(filters: Filters) -> None:
    """Export headings new this year."""
    lang = filters.lang
    st.subheader(t("new.title", lang))
    frame = queries.newcomers(queries.version(), filters.reporter, filters.year)
    if frame.empty:
        st.caption(t("new.none", lang, year=filters.year))
        return
    shown = frame.assign(name=frame["heading"].map(lambda c: hs_name(str(c), lang)))
    table(shown.loc[:, ["heading", "name", "value", "history_years"]], key="commodities.new",
          lang=lang, file_name=f"new_products_{filters.reporter}_{filters.year}.csv",
          column_config={"heading": t("commodities.hs_code", lang),
                         "history_years": t("new.history", lang)})


def estimate_card(filters: Filters) -> None:
    """The full-year estimate from January–N, marked as an estimate, with range and method."""
    if not filters.ytd or filters.ytd >= 12:
        return
    lang = filters.lang
    flow = filters.flow if filters.flow in compare.RANKED_FLOWS else "turnover"
    result = queries.estimate(queries.version(), filters.reporter, filters.year, filters.ytd,
                              flow, filters.partner)
    with st.container(border=True):
        st.markdown(f"**{t('estimate.title', lang)}**")
        if result.estimate != result.estimate:  # NaN: no base year
            st.caption(t("estimate.none", lang, year=filters.year))
            return
        st.markdown(t("estimate.value", lang, flow=flow_label(flow, lang), year=filters.year,
                      value=_usd(result.estimate, lang), low=_usd(result.low, lang),
                      high=_usd(result.high, lang)))
        st.caption(t("estimate.method", lang, n=filters.ytd, years=", ".join(
            str(y) for y in result.base_years)))


def note_captions(notes: pd.DataFrame, lang: str) -> None:
    """The notes of a chart as one caption under it (full text; the chart cuts it)."""
    if not notes.empty:
        lines = "; ".join(compare.note_line(n, lang) for _, n in notes.iterrows())
        st.caption(t("notes.on_chart", lang, lines=lines))


def notes_editor(lang: str, *, editable: bool) -> None:
    """The Data page's notes: the list (with downloads), an add form and a delete control."""
    st.subheader(t("notes.title", lang))
    flash = st.session_state.pop("data.note_flash", None)
    if flash:
        st.success(flash)
    if editable:
        _note_form(lang)
    frame = queries.notes(queries.version(), lang)
    shown = frame.assign(id=frame["id"].astype("string").fillna(t("notes.builtin", lang)))
    table(shown.drop(columns=["builtin"]), key="data.notes", lang=lang, file_name="notes.csv",
          column_config={"id": t("notes.col_id", lang), "date": t("notes.col_date", lang),
                         "text": t("notes.col_text", lang), "partner": t("partner", lang),
                         "hs_code": t("commodities.hs_code", lang),
                         "created": t("notes.col_created", lang)})
    stored = [int(i) for i in frame["id"].dropna()]
    if editable and stored:
        left, right = st.columns([1, 3])
        chosen = left.selectbox(t("notes.delete", lang), stored, key="data.note_delete_id")
        if right.button(t("notes.delete", lang), key="data.note_delete"):
            actions.delete_note(int(chosen))
            st.session_state["data.note_flash"] = t("notes.deleted", lang, id=chosen)
            st.rerun()


def _note_form(lang: str) -> None:
    """Add a note: date, optional partner and commodity, text."""
    with st.form("data.note_form", clear_on_submit=True):
        left, mid, right = st.columns([1, 1, 1])
        period = left.text_input(t("notes.date", lang), key="data.note_date")
        partner = mid.text_input(t("notes.partner", lang), key="data.note_partner")
        hs = right.text_input(t("notes.hs", lang), key="data.note_hs")
        text = st.text_input(t("notes.text", lang), key="data.note_text")
        submitted = st.form_submit_button(t("notes.add", lang))
    if submitted:
        try:
            note_id = actions.add_note(period=period, text=text, partner=partner, hs=hs)
            st.success(t("notes.added", lang, id=note_id))
        except OborotError as exc:
            st.error(str(exc), icon="⚠️")


def share_text(value: float, lang: str) -> str:
    """A share in % for sentences."""
    return percent(value, lang, signed=False)


def region_table(ranking: pd.DataFrame, filters: Filters, *, partner: str, flow: str) -> None:
    """The regions ranking in USD millions, the chosen region highlighted, with downloads."""
    lang = filters.lang
    shown = tables.in_millions(ranking)
    chosen = shown["reporter"].eq(filters.reporter)
    style = "background-color: #fde2dd; font-weight: bold"
    st.dataframe(shown.style.apply(lambda row: [style if chosen.loc[row.name] else ""]
                                   * len(row), axis=1),
                 hide_index=True, width="stretch", key="regions.table",
                 column_config=_region_columns(lang), placeholder=MISSING)
    table_downloads(shown, key="regions.table.download",
                    name=f"regions_{partner}_{filters.year}_{flow}", lang=lang,
                    source=source_name(), filters=filters)


def _region_columns(lang: str) -> dict:
    number = st.column_config.NumberColumn
    unit = charts.unit_label("USD", "M", lang)

    def money_column(key: str) -> st.column_config.NumberColumn:
        return number(t("money_m", lang, what=t(key, lang), unit=unit), format="%,.1f")

    return {
        "reporter": st.column_config.TextColumn("ISO", width="small"),
        "name": t("regions.name", lang),
        "value": money_column("value"), "previous": money_column("previous"),
        "change": money_column("change"),
        "change_pct": number(t("change_pct", lang), format="%+.1f"),
        "share": number(t("share", lang), format="%.1f"),
        "rank": number(t("rank", lang), format="%d", width="small"),
        "district": t("regions.district", lang),
        "district_rank": number(t("regions.district_rank", lang), format="%d", width="small"),
    }


def view_notes(filters: Filters, years: pd.Series) -> pd.DataFrame:
    """The notes for charts over `years` of the filters' region (and partner)."""
    first, last = ((filters.year, filters.year) if years.empty
                   else (int(years.min()), int(years.max())))
    return queries.chart_notes(queries.version(), filters.lang, start=str(first), end=str(last),
                               partner=filters.partner)
