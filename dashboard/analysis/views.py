"""The figures a view needs: store aggregates run through the pure transforms.

Shared by the CLI, the pages (through the cached ``dashboard.app.queries``) and the
deck, so that every surface shows the same number for the same question.
Values are US dollars unless ``View.currency`` asks for another currency, in
which case they are converted at average official rates (see transforms.currency).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from dashboard.analysis import transforms as tf
from dashboard.analysis.transforms.changes import movers
from dashboard.analysis.transforms.sets import set_table
from dashboard.core.errors import NotFoundError
from dashboard.data import definitions, update_log
from dashboard.data.store import Store, TradeQuery
from dashboard.reference import groups as partner_groups
from dashboard.reference.baskets import Basket, basket_name, overlaps
from dashboard.reference.countries import WORLD, country_name, is_special_partner
from dashboard.reference.groups import PartnerGroup
from dashboard.reference.names import NameRegistry, label
from dashboard.reference.regions import region_name

FLOWS = ("turnover", "export", "import", "balance")
STORED = ("export", "import")


@dataclass(frozen=True)
class View:
    """One question: a region (and partner) in a year, over the whole year or Jan–N."""

    reporter: str
    year: int
    partner: str | None = None  # None = all partners
    flow: str = "turnover"
    ytd: int | None = None  # Jan..ytd of each year; None = the whole year
    month: int | None = None  # one month of each year
    hs_level: int | str = 2
    currency: str = "USD"
    basket: Basket | None = None  # None = all goods
    group: PartnerGroup | None = None  # a partner group instead of one partner

    def months(self) -> tuple[int, ...] | None:
        """The months of each year this view covers (None = all rows, annual included)."""
        if self.month is not None:
            return (self.month,)
        if self.ytd is not None:
            return tuple(range(1, self.ytd + 1))
        return None


def _query(view: View, *, years: tuple[int, ...] | None, partner: bool = True,
           store: Store | None = None) -> TradeQuery:
    """The store filters of a view; a group over all years (``years`` None) needs ``store``
    to list the reporter's years, as its members are dated."""
    by_year = None
    if view.group is not None:
        if years is None:
            if store is None:
                raise ValueError("a partner group over all years needs the store")
            years = tuple(int(y) for y in store.distinct(
                "year", TradeQuery(reporter=view.reporter)))
            span: tuple[int, ...] | None = None
        else:
            span = years
        by_year = group_years(view.group, years)
        years = span
    return TradeQuery(
        reporter=view.reporter,
        partners=(view.partner,) if partner and view.partner else None,
        flows=STORED,
        years=years,
        months=view.months(),
        hs_prefixes=view.basket.codes if view.basket is not None else None,
        partners_by_year=by_year,
    )


def group_years(group: PartnerGroup,
                years: tuple[int, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """(year, members of that year) for each year: the filter of a group with dated members."""
    return tuple((int(year), tuple(sorted(partner_groups.members(group, int(year)))))
                 for year in sorted(set(years)))


def _two_years(view: View) -> tuple[int, int]:
    return (view.year - 1, view.year)


def _convert(frame: pd.DataFrame, store: Store, view: View) -> pd.DataFrame:
    """Replace value_usd by the view's currency (same column, so transforms stay unit-blind)."""
    if view.currency == "USD" or frame.empty:
        return frame
    from dashboard.rates.fx import convert_frame

    return convert_frame(frame, store, to=view.currency)


def partner_frame(store: Store, view: View) -> pd.DataFrame:
    """(year, partner, flow, value_usd) of the reporter for the view's year and the one before."""
    frame = store.aggregate(["year", "partner", "flow"], _query(view, years=_two_years(view),
                                                                 partner=False))
    frame = frame.loc[~frame["partner"].eq(WORLD)]
    return _convert(frame, store, view)


def summary(store: Store, view: View, *, frame: pd.DataFrame | None = None) -> dict[str, object]:
    """Value, previous, change, change % and the partner's rank for the view's flow.

    Without a partner, the reporter's total with all partners (rank is None).
    ``frame`` is the view's ``partner_frame`` when the caller already has it
    (it does not depend on the flow, so one read serves every flow).
    """
    frame = partner_frame(store, view) if frame is None else frame
    table = tf.partner_table(frame, year=view.year, flow=view.flow)
    if view.partner is None:
        totals = kpis(store, view)[view.flow]
        value, previous = totals.value, totals.previous
        rank: int | None = None
    else:
        row = table.loc[table["partner"] == view.partner]
        if row.empty:
            raise NotFoundError(
                f"no {view.flow} between {view.reporter} and {view.partner} in {view.year}"
            )
        record = row.iloc[0]
        value, previous, rank = float(record["value"]), float(record["previous"]), int(
            record["rank"])
    change = value - previous
    return {
        "reporter": view.reporter,
        "partner": view.partner,
        "year": view.year,
        "month": view.month,
        "ytd": view.ytd,
        "flow": view.flow,
        "currency": view.currency,
        "value": _clean(value),
        "previous": _clean(previous),
        "change": _clean(change),
        "change_pct": _clean(change / previous * 100 if previous and previous > 0 else math.nan),
        "rank": rank,
        "partners": int((table["value"] > 0).sum()) if not table.empty else 0,
    }


def _clean(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def kpis(store: Store, view: View) -> dict[str, tf.Kpi]:
    """KPI cards (turnover, export, import, balance) of the view's year against the one before."""
    frame = store.aggregate(["year", "flow"], _query(view, years=_two_years(view)))
    return tf.kpis(_convert(frame, store, view), view.year)


def top_partners(store: Store, view: View, *, n: int | None = 10,
                 frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ranked partners for the view's flow: value, share, rank, previous, change, contribution."""
    frame = partner_frame(store, view) if frame is None else frame
    table = tf.partner_table(frame, year=view.year, flow=view.flow)
    table = table.loc[~table["partner"].map(is_special_partner) | table["value"].ne(0)]
    return table if n is None else table.head(n)


def commodity_frame(store: Store, view: View, *, level: int | None = 10) -> pd.DataFrame:
    """(year, flow, hs_code, value_usd, net_kg, quantity) for the view (partner if set)."""
    frame = store.aggregate(["year", "flow", "hs_code"], _query(view, years=_two_years(view)),
                            hs_level=level)
    return _convert(frame.dropna(subset=["hs_code"]), store, view)


def top_commodities(store: Store, view: View, *, n: int | None = 10) -> pd.DataFrame:
    """Ranked HS groups at the view's level for its flow (confidential lines as their own row)."""
    level = view.hs_level
    stored_level = level if isinstance(level, int) else 2
    frame = commodity_frame(store, view, level=stored_level)
    table = tf.commodity_table(frame, year=view.year, flow=view.flow, level=level)
    return table if n is None else table.head(n)


def basket_ranking(store: Store, view: View, baskets: list[Basket]) -> pd.DataFrame:
    """Ranked baskets for the view's flow: basket, the partner_table columns, ``overlap``.

    One store query per basket, each code counted once in its basket; shares are of
    the view's whole flow (every code once), so overlapping baskets may add up to
    more than 100 %. ``overlap`` lists, comma-separated, the ranked baskets that
    can hold a code of this one ("" when none). The view's own basket is ignored.
    """
    whole = replace(view, basket=None)
    years = _two_years(view)
    parts = [
        store.aggregate(["year", "flow"],
                        _query(replace(whole, basket=item), years=years)).assign(basket=item.id)
        for item in baskets
    ]
    frame = _convert(pd.concat(parts, ignore_index=True) if parts else
                     pd.DataFrame(columns=["year", "flow", "value_usd", "basket"]), store, view)
    totals = _convert(store.aggregate(["year", "flow"], _query(whole, years=years)), store, view)
    table = set_table(frame.astype({"year": "int64"}), totals, by="basket", year=view.year,
                      flow=view.flow)
    shared: dict[str, list[str]] = {}
    for first, second in overlaps([b for b in baskets if b.id in set(table["basket"])]):
        shared.setdefault(first, []).append(second)
        shared.setdefault(second, []).append(first)
    return table.assign(overlap=table["basket"].map(lambda b: ", ".join(shared.get(b, []))))


def group_ranking(store: Store, view: View, groups: list[PartnerGroup]) -> pd.DataFrame:
    """Ranked partner groups for the view's flow: group, the partner_table columns, ``overlap``.

    A group's value is the sum over its members of each year; shares are of the
    reporter's trade with all partners, so groups sharing a country (EAEU and CIS)
    may add up to more than 100 %. ``overlap`` lists the ranked groups sharing a
    member in the view's year. The view's own partner and group are ignored.
    """
    whole = replace(view, partner=None, group=None)
    years = _two_years(view)
    parts = [
        store.aggregate(["year", "flow"],
                        _query(replace(whole, group=item), years=years)).assign(group=item.id)
        for item in groups
    ]
    frame = _convert(pd.concat(parts, ignore_index=True) if parts else
                     pd.DataFrame(columns=["year", "flow", "value_usd", "group"]), store, view)
    totals = _convert(store.aggregate(["year", "flow"], replace(_query(whole, years=years),
                                                                partners=None)), store, view)
    totals = totals if not totals.empty else frame.iloc[0:0]
    table = set_table(frame.astype({"year": "int64"}), totals, by="group", year=view.year,
                      flow=view.flow)
    ranked = [g for g in groups if g.id in set(table["group"])]
    members = {g.id: partner_groups.members(g, view.year) for g in ranked}
    shared = {g.id: ", ".join(o.id for o in ranked
                              if o.id != g.id and members[g.id] & members[o.id])
              for g in ranked}
    return table.assign(overlap=table["group"].map(shared).fillna(""))


def annual_trend(store: Store, view: View) -> pd.DataFrame:
    """Per year: export, import, turnover, balance of the reporter (and partner)."""
    frame = store.aggregate(["year", "flow"], _query(view, years=None, store=store))
    frame = _convert(frame, store, replace(view))
    return tf.flows_wide(frame, keys="year")


def monthly_trend(store: Store, view: View) -> pd.DataFrame:
    """Per year and month: export, import, turnover, balance of the reporter (and partner)."""
    query = replace(_query(view, years=None, store=store), months=None)
    frame = store.aggregate(["year", "month", "flow"], query)
    frame = _convert(frame, store, view)
    return tf.flows_wide(frame, keys=["year", "month"])


def months_loaded(store: Store, reporter: str) -> pd.DataFrame:
    """(year, month) pairs with data for the reporter: gaps must never read as collapses."""
    return store.months_present(TradeQuery(reporter=reporter))


def latest_complete_year(store: Store, reporter: str) -> int | None:
    """The latest year with all 12 months (or annual rows) for the reporter."""
    months = months_loaded(store, reporter)
    full = months.groupby("year")["month"].nunique()
    complete = full[full == 12]
    if not complete.empty:
        return int(complete.index.max())
    years = store.distinct("year", TradeQuery(reporter=reporter))
    return int(max(years)) if years else None


def partner_trend(store: Store, view: View, partners: tuple[str, ...]) -> pd.DataFrame:
    """Per year and partner: export, import, turnover, balance for the chosen partners."""
    query = replace(_query(view, years=None, partner=False, store=store),
                    partners=tuple(partners))
    frame = _convert(store.aggregate(["year", "partner", "flow"], query), store, view)
    return tf.flows_wide(frame, keys=["year", "partner"])


# -- Partners, Commodities and Data pages: display frames (pure unless given a store) ----

MILLION = 1e6
TABLE_COLUMNS = ("value", "share", "rank", "previous", "change", "change_pct", "contribution")
"""The ranking columns of partner_table/commodity_table, in display order."""
_MONEY_COLUMNS = ("value", "previous", "change")
_TREEMAP_FLOWS = ("export", "import", "turnover")
# OKEI (ОК 015-94) codes of the supplementary units FCS publishes.
UNIT_NAMES: dict[str, tuple[str, str]] = {
    "055": ("м²", "m²"), "112": ("л", "l"), "113": ("м³", "m³"), "163": ("г", "g"),
    "166": ("кг", "kg"), "715": ("пар", "pairs"), "796": ("шт", "pcs"),
    "798": ("тыс. шт", "thousand pcs"), "831": ("л 100% спирта", "l pure alcohol"),
}


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


def _hs_label(code: str, lang: str, registry: NameRegistry | None = None) -> str:
    """A code's label: "VII. <section>", "44 <chapter>", "4411 — <heading's own name>"."""
    from dashboard.reference.hs import section_name

    if code and not code.isdigit() and not tf.is_confidential(pd.Series([code])).iloc[0]:
        return f"{code}. {section_name(code, lang)}"
    text = label(code, lang, registry=registry)
    return f"{code} {text}" if len(code) == 2 and code.isdigit() else text


def chart_label(code: str, lang: str, *, width: int = 34,
                registry: NameRegistry | None = None) -> str:
    """A code's name cut to ``width`` characters ("44 Древесина и изделия из неё") for axes."""
    text = _hs_label(code, lang, registry)
    return text if len(text) <= width else text[: width - 1].rstrip(" ,;—") + "…"


def commodity_ranking(table: pd.DataFrame, *, lang: str,
                      registry: NameRegistry | None = None) -> pd.DataFrame:
    """A top_commodities table for display: hs_code, name and the ranking columns.

    ``name`` is the code's own name without its code (sections, chapters, headings,
    subheadings; the other language's name marked "(EN)"/"(RU)" where the chosen
    one is missing); ``label`` the code and name shortened for chart axes.
    Confidential lines keep their own row named "Конфиденциально"/"Confidential";
    units as partner_ranking.
    """

    def plain(code: str) -> str:
        text = _hs_label(code, lang, registry)
        if code.isdigit() and len(code) == 2:
            return text.removeprefix(f"{code} ")
        return text.removeprefix(f"{code}. ").removeprefix(f"{code} — ")

    named = table.assign(name=table["hs_code"].map(plain),
                         label=table["hs_code"].map(
                             lambda code: chart_label(code, lang, registry=registry)))
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
    names = codes.map(lambda code: f"{_hs_label(code, 'ru', registry)} "
                                   f"{_hs_label(code, 'en', registry)}".lower())
    return table.loc[names.str.contains(text, regex=False)]


def set_ranking(table: pd.DataFrame, items: list[Basket] | list[PartnerGroup], *, by: str,
                lang: str) -> pd.DataFrame:
    """A basket_ranking/group_ranking table for display: id, name, the ranking columns,
    overlap (names of the sets it shares codes or members with), label for charts."""
    names = {item.id: _set_name(item, lang) for item in items}
    return table.assign(
        name=table[by].map(names),
        overlap=table["overlap"].map(
            lambda ids: ", ".join(names.get(i, i) for i in ids.split(", ") if i)),
        label=table[by].map(names),
    ).loc[:, [by, "name", *TABLE_COLUMNS, "overlap", "label"]]


def _set_name(item: Basket | PartnerGroup, lang: str) -> str:
    """A basket's or group's name in ``lang``, the other language's marked "(EN)"/"(RU)"."""
    name, marker = (basket_name(item, lang) if isinstance(item, Basket)
                    else partner_groups.group_name(item, lang))
    return f"{name} ({marker})" if marker else name


def set_name(item: Basket | PartnerGroup | None, lang: str) -> str:
    """The display name of a basket or group ("" for None)."""
    return "" if item is None else _set_name(item, lang)


def scope_name(view: View, lang: str) -> str:
    """What a view looks at, for titles: "Томская область — Центральная Азия · Нефтехимия".

    Region, then the partner country or group, then the basket (when set).
    """
    text = region_name(view.reporter, lang)
    other = (country_name(view.partner, lang) if view.partner
             else set_name(view.group, lang))
    if other:
        text += f" — {other}"
    if view.basket is not None:
        text += f" · {set_name(view.basket, lang)}"
    return text


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
    from dashboard.reference.hs import section_name, section_of

    flow = flow if flow in _TREEMAP_FLOWS else "turnover"
    rows = _year_flow(commodity_frame, year=year, flow=flow)
    headings = (
        tf.aggregate_hs(rows.loc[:, ["hs_code", "value_usd"]], level=4)
        .loc[lambda f: f["value_usd"] > 0]
    )
    secret = tf.is_confidential(headings["hs_code"])
    known = headings.loc[~secret]
    known = known.loc[known["hs_code"].str.slice(0, 2).map(_is_chapter)]
    chapters = known.assign(chapter=known["hs_code"].str.slice(0, 2))
    chapter_sums = chapters.groupby("chapter", as_index=False)["value_usd"].sum()
    chapter_sums = chapter_sums.assign(section=chapter_sums["chapter"].map(section_of))
    section_sums = chapter_sums.groupby("section", as_index=False)["value_usd"].sum()
    parts = [
        pd.DataFrame({"id": "s:" + section_sums["section"],
                      "label": section_sums["section"].map(
                          lambda s: f"{s}. {section_name(s, lang)}"),
                      "parent": "", "value": section_sums["value_usd"]}),
        pd.DataFrame({"id": "c:" + chapter_sums["chapter"],
                      "label": chapter_sums["chapter"].map(
                          lambda c: _hs_label(c, lang, registry)),
                      "parent": "s:" + chapter_sums["section"],
                      "value": chapter_sums["value_usd"]}),
        pd.DataFrame({"id": "h:" + chapters["hs_code"],
                      "label": chapters["hs_code"].map(
                          lambda c: chart_label(c, lang, width=48, registry=registry)),
                      "parent": "c:" + chapters["chapter"], "value": chapters["value_usd"]}),
    ]
    confidential = headings.loc[secret, "value_usd"].sum()
    if confidential > 0:
        parts.append(pd.DataFrame({"id": ["confidential"], "label": [_hs_label("XX", lang)],
                                   "parent": [""], "value": [confidential]}))
    return pd.concat(parts, ignore_index=True)


def _is_chapter(code: str) -> bool:
    from dashboard.reference.hs import section_of

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


def unit_value_frame(store: Store, view: View, *, level: int = 4) -> pd.DataFrame:
    """(year, flow, hs_code, unit, value_usd, net_kg, quantity) of the view at ``level`` digits.

    Kept apart by supplementary unit so that quantities in different units are never
    added; values in the view's currency.
    """
    frame = store.aggregate(["year", "flow", "hs_code", "unit"],
                            _query(view, years=(view.year,)), hs_level=level)
    return _convert(frame.dropna(subset=["hs_code"]), store, view)


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
    from dashboard.core.i18n import flow_label

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
    index = 0 if lang == "ru" else 1
    merged = totals.merge(by_unit, on=["flow", "hs_code"], how="left")
    per_unit = tf.unit_values(merged.loc[:, ["unit_value", "quantity"]]
                              .rename(columns={"unit_value": "value_usd"}))["usd_per_unit"]
    table = (
        tf.unit_values(merged.drop(columns=["quantity"]))
        .assign(per_unit=per_unit, quantity=merged["quantity"],
                unit=merged["unit"].map(lambda u: UNIT_NAMES.get(u, (u, u))[index]
                                        if isinstance(u, str) else ""),
                name=lambda f: f["hs_code"].map(lambda code: _hs_label(code, lang, registry)),
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


def mirror(store: Store, *, reporter: str, partner: str, years: tuple[int, ...]) -> pd.DataFrame:
    """A's exports to B beside B's reported imports from A, and back (see transforms.mirror).

    A region (RU-TOM) is compared with what the partner reports for its whole
    country (RU).  Columns: year, exporter, importer, exports_usd, imports_usd,
    gap_usd, gap_pct.
    """
    from dashboard.analysis.transforms.mirror import country_of, mirror_table

    by = ["reporter", "partner", "flow", "year"]
    frame = pd.concat([
        store.aggregate(by, TradeQuery(reporter=reporter, partners=(partner,), years=years)),
        store.aggregate(by, TradeQuery(reporter=partner, partners=(country_of(reporter),),
                                       years=years)),
    ], ignore_index=True)
    return mirror_table(frame, reporter=reporter, partner=partner, years=years)


# -- Overview: what is new since the last update ------------------------------------------


@dataclass(frozen=True)
class NewSinceUpdate:
    """What the latest update that loaded data brought for the view's region."""

    run_at: object  # datetime of the run (UTC)
    periods: tuple[str, ...]  # months added ("2018-01") or, for annual data, years ("2018")
    month: tuple[int, int] | None  # the newest month added, compared with a year earlier
    compared: bool  # False when the same month a year earlier is not in the store
    partners: pd.DataFrame  # movers: partner, name, value, previous, change, change_pct
    commodities: pd.DataFrame  # movers: hs_code, name, value, previous, change, change_pct


def new_since_update(store: Store, view: View, *, n: int = 5, lang: str = "ru"
                     ) -> NewSinceUpdate | None:
    """Months the last loading update added for the region, and the largest movers among
    partners and commodities in the newest of them against the same month a year earlier.

    Values in the view's currency (millions: see in_millions); flow as the view's
    (turnover for balance); commodities at the view's HS level (chapters for a section
    view).  None when no update has loaded anything yet.
    """
    run_at, ids = update_log.last_loaded(store)
    if run_at is None:
        return None
    added = store.months_present(TradeQuery(reporter=view.reporter, dataset_ids=ids))
    empty = pd.DataFrame()
    if added.empty:
        years = store.distinct("year", TradeQuery(reporter=view.reporter, dataset_ids=ids))
        return NewSinceUpdate(run_at, tuple(str(y) for y in years), None, False, empty, empty)
    periods = tuple(f"{int(y):04d}-{int(m):02d}" for y, m in zip(added["year"], added["month"],
                                                                 strict=True))
    year, month = (int(v) for v in added.iloc[-1][["year", "month"]])
    stored = months_loaded(store, view.reporter)
    compared = bool(((stored["year"] == year - 1) & (stored["month"] == month)).any())
    if not compared:
        return NewSinceUpdate(run_at, periods, (year, month), False, empty, empty)
    flows = (view.flow,) if view.flow in STORED else STORED
    query = TradeQuery(reporter=view.reporter, flows=flows, years=(year - 1, year),
                       months=(month,))
    by_partner = store.aggregate(["partner", "year", "month"], query)
    by_partner = _convert(by_partner.loc[~by_partner["partner"].eq(WORLD)], store, view)
    level = view.hs_level if isinstance(view.hs_level, int) else 2
    by_code = _convert(store.aggregate(["hs_code", "year", "month"], query, hs_level=level)
                       .dropna(subset=["hs_code"]), store, view)
    partners = movers(by_partner, key="partner", year=year, month=month, n=n)
    goods = movers(by_code, key="hs_code", year=year, month=month, n=n)
    partners = partners.assign(name=partners["partner"].map(lambda c: country_name(c, lang)))
    names = definitions.names_registry(store)
    goods = goods.assign(name=goods["hs_code"].map(lambda c: _hs_label(c, lang, names)))
    columns = ["name", "value", "previous", "change", "change_pct"]
    return NewSinceUpdate(run_at, periods, (year, month), True,
                          in_millions(partners.loc[:, ["partner", *columns]]),
                          in_millions(goods.loc[:, ["hs_code", *columns]]))
