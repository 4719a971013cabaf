"""Display tables (pure): ranking tables named and scaled, treemap and chart frames, units.

The pages and the deck call these on what dashboard.analysis.views (the store
reads) returns; nothing here reads the store.  Money keeps the input's units
(US dollars unless converted) unless a function says millions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from dashboard.analysis import transforms as tf
from dashboard.core.i18n import flow_label
from dashboard.core.terms import CONFIDENTIAL_HS, TABLE_COLUMNS
from dashboard.reference.baskets import Basket, basket_name
from dashboard.reference.countries import country_name
from dashboard.reference.groups import PartnerGroup, group_name
from dashboard.reference.hs import section_of
from dashboard.reference.names import NameRegistry, hs_name
from dashboard.reference.regions import region_name
from dashboard.reference.units import unit_name

MILLION = 1e6
_MONEY_COLUMNS = ("value", "previous", "change")
_TREEMAP_FLOWS = ("export", "import", "turnover")


def in_millions(table: pd.DataFrame) -> pd.DataFrame:
    """value, previous and change (those present) divided by a million, for tables in millions."""
    return table.assign(**{c: table[c] / MILLION for c in _MONEY_COLUMNS if c in table})


def partner_ranking(table: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """A top_partners table for display: partner, name and the ranking columns.

    value, previous and change in the view's currency (in_millions for tables); share
    and change_pct in %; contribution in percentage points (NaN policy of partner_table).
    """
    named = table.assign(name=table["partner"].map(lambda code: country_name(code, lang)))
    return named.loc[:, ["partner", "name", *TABLE_COLUMNS]]


def chart_label(code: str, lang: str, *, width: int = 34,
                level: int | str | None = None, registry: NameRegistry | None = None) -> str:
    """A code's name cut to ``width`` characters ("44 Древесина и изделия из неё") for axes."""
    text = hs_name(code, lang, level=level, numbered=True, registry=registry)
    return text if len(text) <= width else text[: width - 1].rstrip(" ,;—") + "…"


def commodity_ranking(table: pd.DataFrame, *, lang: str, level: int | str | None = None,
                      registry: NameRegistry | None = None) -> pd.DataFrame:
    """A top_commodities table for display: hs_code, name and the ranking columns.

    ``name`` is the code's own name without its code (sections, chapters, headings,
    subheadings; the other language's name marked "(EN)"/"(RU)" where the chosen
    one is missing); ``label`` the code and name shortened for chart axes.
    Confidential lines keep their own row named "Конфиденциально"/"Confidential";
    units as partner_ranking.
    """
    def plain(code: str) -> str:
        return hs_name(code, lang, level=level, registry=registry).removeprefix(f"{code} — ")

    named = table.assign(
        name=table["hs_code"].map(plain),
        label=table["hs_code"].map(
            lambda code: chart_label(code, lang, level=level, registry=registry)))
    return named.loc[:, ["hs_code", "name", *TABLE_COLUMNS, "label"]]


def search_commodities(table: pd.DataFrame, query: str, *,
                       registry: NameRegistry | None = None) -> pd.DataFrame:
    """Rows whose hs_code starts with the query's digits or whose RU or EN name contains it.

    Case-insensitive; an empty query keeps every row. ``table`` needs hs_code.
    """
    text = query.strip().lower()
    if not text:
        return table
    codes = table["hs_code"].astype(str)
    if text.replace(" ", "").isdigit():
        return table.loc[codes.str.startswith(text.replace(" ", ""))]
    names = codes.map(lambda code: f"{hs_name(code, 'ru', numbered=True, registry=registry)} "
                                   f"{hs_name(code, 'en', numbered=True, registry=registry)}"
                      .lower())
    return table.loc[names.str.contains(text, regex=False)]


def _year_flow(frame: pd.DataFrame, *, year: int | None, flow: str) -> pd.DataFrame:
    """Rows of one year (default: the latest) summed over export and import for turnover."""
    chosen = int(frame["year"].max()) if year is None and not frame.empty else year
    rows = frame.loc[frame["year"] == chosen]
    flows = ("export", "import") if flow == "turnover" else (flow,)
    return rows.loc[rows["flow"].isin(flows)]


def treemap_frame(commodity_frame: pd.DataFrame, flow: str, lang: str, *,
                  year: int | None = None, registry: NameRegistry | None = None) -> pd.DataFrame:
    """ids/labels/parents/values of a section > chapter > heading treemap for one flow.

    ``commodity_frame`` holds (year, flow, hs_code, value_usd) at 4 or more digits;
    the year defaults to the latest in the frame. ``flow`` is export, import or
    turnover (balance can be negative and falls back to turnover). Confidential
    lines form their own top-level box. Values keep the input's currency units;
    groups with a total ≤ 0 are left out.
    """
    flow = flow if flow in _TREEMAP_FLOWS else "turnover"
    rows = _year_flow(commodity_frame, year=year, flow=flow)
    headings = (
        tf.aggregate_hs(rows.loc[:, ["hs_code", "value_usd"]], level=4)
        .loc[lambda f: f["value_usd"] > 0]
    )
    secret = tf.is_confidential(headings["hs_code"])
    known = headings.loc[~secret]
    known = known.loc[tf.flags(known["hs_code"].str.slice(0, 2), _is_chapter)]
    chapters = known.assign(chapter=known["hs_code"].str.slice(0, 2))
    chapter_sums = chapters.groupby("chapter", as_index=False)["value_usd"].sum()
    chapter_sums = chapter_sums.assign(section=chapter_sums["chapter"].map(section_of))
    section_sums = chapter_sums.groupby("section", as_index=False)["value_usd"].sum()
    parts = [
        pd.DataFrame({"id": "s:" + section_sums["section"],
                      "label": section_sums["section"].map(
                          lambda s: hs_name(s, lang, level="section", numbered=True)),
                      "parent": "", "value": section_sums["value_usd"]}),
        pd.DataFrame({"id": "c:" + chapter_sums["chapter"],
                      "label": chapter_sums["chapter"].map(
                          lambda c: hs_name(c, lang, numbered=True)),
                      "parent": "s:" + chapter_sums["section"],
                      "value": chapter_sums["value_usd"]}),
        pd.DataFrame({"id": "h:" + chapters["hs_code"],
                      "label": chapters["hs_code"].map(
                          lambda c: chart_label(c, lang, width=48, registry=registry)),
                      "parent": "c:" + chapters["chapter"], "value": chapters["value_usd"]}),
    ]
    confidential = headings.loc[secret, "value_usd"].sum()
    if confidential > 0:
        parts.append(pd.DataFrame({"id": ["confidential"],
                                   "label": [hs_name(CONFIDENTIAL_HS, lang)],
                                   "parent": [""], "value": [confidential]}))
    return pd.concat(parts, ignore_index=True)


def _is_chapter(code: str) -> bool:
    try:
        section_of(code)
    except ValueError:
        return False
    return True


def chapter_flows(commodity_frame: pd.DataFrame, *, year: int, lang: str,
                  n: int = 15, registry: NameRegistry | None = None) -> pd.DataFrame:
    """The n chapters with the largest turnover in ``year``: chapter, label, export, import.

    Values in the input's currency units; confidential lines form their own row.
    """
    rows = commodity_frame.loc[commodity_frame["year"] == year]
    chapters = tf.aggregate_hs(rows.loc[:, ["flow", "hs_code", "value_usd"]], level=2,
                               keys=["flow"])
    wide = tf.flows_wide(chapters, keys="hs_code")
    return (
        wide.sort_values(["turnover", "hs_code"], ascending=[False, True], kind="stable")
        .head(n)
        .assign(label=lambda f: f["hs_code"].map(
            lambda code: chart_label(code, lang, registry=registry)))
        .rename(columns={"hs_code": "chapter"})
        .loc[:, ["chapter", "label", "export", "import", "turnover"]]
        .reset_index(drop=True)
    )


def contribution_leaders(ranking: pd.DataFrame, *, n: int = 15) -> pd.DataFrame:
    """The n rows of a ranking with the largest absolute contribution (pp), largest first."""
    known = ranking.loc[ranking["contribution"].notna()]
    order = known["contribution"].abs().sort_values(ascending=False, kind="stable").index
    return known.loc[order].head(n).reset_index(drop=True)


def confidential_percent(commodity_frame: pd.DataFrame, *, year: int, flow: str) -> float:
    """Share in % of confidential lines in the year's flow (turnover: both flows); NaN if none."""
    rows = _year_flow(commodity_frame, year=year, flow=flow if flow != "balance" else "turnover")
    if rows.empty:
        return math.nan
    share = tf.confidential_share(rows, keys=())
    return float(share["share"].iloc[0])


def unit_value_table(frame: pd.DataFrame, *, year: int, flow: str, lang: str,
                     n: int = 15, registry: NameRegistry | None = None) -> pd.DataFrame:
    """Unit values of the n largest headings per flow (export and import for turnover/balance).

    Input: unit_value_frame. Output: flow (its label in ``lang``), hs_code, name,
    value (the currency's units), net_kg, per_kg (currency per kg, over all the
    heading's lines), unit (name of the heading's main supplementary unit, by
    value), quantity and per_unit
    (currency per that unit, over lines in that unit only). NaN where weight or
    quantity is missing or 0; confidential lines are left out (they have no goods).
    """
    flows = (flow,) if flow in ("export", "import") else ("export", "import")
    rows = frame.loc[(frame["year"] == year) & frame["flow"].isin(flows)
                     & ~tf.is_confidential(frame["hs_code"])]
    totals = (rows.groupby(["flow", "hs_code"], as_index=False)
              .agg(value_usd=("value_usd", "sum"),
                   net_kg=("net_kg", lambda s: s.sum(skipna=False))))
    by_unit = (rows.dropna(subset=["unit"])
               .groupby(["flow", "hs_code", "unit"], as_index=False)
               .agg(unit_value=("value_usd", "sum"), quantity=("quantity", "sum"))
               .sort_values(["flow", "hs_code", "unit_value", "unit"],
                            ascending=[True, True, False, True], kind="stable")
               .drop_duplicates(["flow", "hs_code"]))
    merged = totals.merge(by_unit, on=["flow", "hs_code"], how="left")
    per_unit = tf.unit_values(merged.loc[:, ["unit_value", "quantity"]]
                              .rename(columns={"unit_value": "value_usd"}))["usd_per_unit"]
    table = (
        tf.unit_values(merged.drop(columns=["quantity"]))
        .assign(per_unit=per_unit, quantity=merged["quantity"],
                unit=merged["unit"].map(lambda u: unit_name(u, lang) if isinstance(u, str) else ""),
                name=lambda f: f["hs_code"].map(
                    lambda code: hs_name(code, lang, numbered=True, registry=registry)),
                value=lambda f: f["value_usd"])
        .rename(columns={"usd_per_kg": "per_kg"})
        .sort_values(["flow", "value_usd", "hs_code"], ascending=[True, False, True],
                     kind="stable")
        .groupby("flow", sort=False).head(n)
        .assign(flow=lambda f: f["flow"].map(lambda name: flow_label(name, lang)))
    )
    return table.loc[:, ["flow", "hs_code", "name", "value", "net_kg", "per_kg", "unit",
                         "quantity", "per_unit"]].reset_index(drop=True)


def dataset_table(frame: pd.DataFrame) -> pd.DataFrame:
    """store.datasets() for display: id, name, format, file, rows, rejected, periods,
    reporters, encoding, loaded_at and the first 12 hex digits of sha256 (all as given)."""
    start = frame["period_start"].fillna("").astype(str)
    end = frame["period_end"].fillna("").astype(str)
    return pd.DataFrame({
        "id": frame["id"].astype("int64"),
        "name": frame["name"].astype(str),
        "format": frame["format"].astype(str),
        "file": frame["file_name"].fillna("").astype(str),
        "rows": frame["row_count"].astype("int64"),
        "rejected": frame["rejected_rows"].astype("int64"),
        "periods": (start + "–" + end).where(start != "", ""),
        "reporters": frame["reporters"].fillna("").astype(str).str.replace(",", ", "),
        "encoding": frame["encoding"].fillna("").astype(str),
        "loaded_at": frame["loaded_at"],
        "sha256": frame["sha256"].fillna("").astype(str).str.slice(0, 12),
    })


# -- baskets and partner groups -----------------------------------------------------------


def set_name(item: Basket | PartnerGroup | None, lang: str) -> str:
    """A basket's or group's display name in ``lang``, the other language's marked
    "(EN)"/"(RU)"; "" for None."""
    if item is None:
        return ""
    name, marker = (basket_name(item, lang) if isinstance(item, Basket)
                    else group_name(item, lang))
    return f"{name} ({marker})" if marker else name


def set_ranking(table: pd.DataFrame, items: Sequence[Basket] | Sequence[PartnerGroup], *,
                by: str, lang: str) -> pd.DataFrame:
    """A basket_ranking/group_ranking table for display: id, name, the ranking columns,
    overlap (names of the sets it shares codes or members with), label for charts."""
    names = {item.id: set_name(item, lang) for item in items}
    return table.assign(
        name=table[by].map(names),
        overlap=table["overlap"].map(
            lambda ids: ", ".join(names.get(i, i) for i in ids.split(", ") if i)),
        label=table[by].map(names),
    ).loc[:, [by, "name", *TABLE_COLUMNS, "overlap", "label"]]


def scope_name(reporter: str, lang: str, *, partner: str | None = None,
               group: PartnerGroup | None = None, basket: Basket | None = None) -> str:
    """What a view looks at, for titles: "Томская область — Центральная Азия · Нефтехимия".

    Region, then the partner country or group, then the basket (when set).
    """
    text = region_name(reporter, lang)
    other = country_name(partner, lang) if partner else set_name(group, lang)
    if other:
        text += f" — {other}"
    if basket is not None:
        text += f" · {set_name(basket, lang)}"
    return text
