"""The figures a view needs: store aggregates run through the pure transforms.

Shared by the CLI, the pages (through the cached ``dashboard.ui.queries``) and the
deck, so that every surface shows the same number for the same question.
Values are US dollars unless ``View.currency`` asks for another currency, in
which case they are converted at average official rates (see transforms.currency).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from dashboard.analysis import tables
from dashboard.analysis import transforms as tf
from dashboard.analysis.tables import in_millions
from dashboard.analysis.transforms.changes import movers
from dashboard.analysis.transforms.mirror import country_of, mirror_table
from dashboard.analysis.transforms.sets import set_table
from dashboard.core.errors import NotFoundError
from dashboard.core.terms import BASE_FLOWS
from dashboard.data import definitions, update_log
from dashboard.data.store import Store, TradeQuery
from dashboard.rates.averages import convert_frame, missing_rate_years
from dashboard.rates.conversion import rates_missing_text
from dashboard.reference import groups as partner_groups
from dashboard.reference.baskets import Basket
from dashboard.reference.baskets import overlaps as basket_overlaps
from dashboard.reference.countries import WORLD, country_name, is_special_partner
from dashboard.reference.groups import PartnerGroup
from dashboard.reference.names import hs_name


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
        flows=BASE_FLOWS,
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

    converted = convert_frame(frame, store, to=view.currency)
    # A year with any period no rates convert is left out as a whole, so the
    # transforms read it as missing (NaN): never a sum of nothing (0) or a part.
    gaps = converted["value_usd"].isna() & frame["value_usd"].notna()
    if gaps.any():
        converted = converted.loc[~converted["year"].isin(converted.loc[gaps, "year"])]
    return converted


def overlaps(store: Store, view: View) -> pd.DataFrame:
    """Datasets counted twice in the view's two years (Store.overlaps: year, first, second)."""
    # The partner summary it reads has no HS codes; a basket's lines share their datasets.
    return store.overlaps(replace(_query(view, years=_two_years(view)), hs_prefixes=None))


def unconverted_years(store: Store, view: View) -> list[int]:
    """The view's two years with trade that no stored rates convert into its currency."""
    if view.currency == "USD":
        return []
    frame = store.aggregate(["year", "flow"], _query(view, years=_two_years(view)))
    if frame.empty:
        return []
    return missing_rate_years(frame, store, to=view.currency)


def rate_notes(store: Store, view: View, lang: str = "en") -> list[str]:
    """Flags ("no rates for 2017 in RUB") for the view's ``unconverted_years``."""
    return [rates_missing_text(year, view.currency, lang)
            for year in unconverted_years(store, view)]


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
        if row.empty and view.year not in unconverted_years(store, view):
            raise NotFoundError(
                f"no {view.flow} between {view.reporter} and {view.partner} in {view.year}"
            )
        if row.empty:  # the view's year has trade but no rates to convert it
            before = tf.partner_table(frame, year=view.year - 1, flow=view.flow)
            before = before.loc[before["partner"] == view.partner, "value"]
            value, previous, rank = math.nan, float(before.sum()) if len(before) else math.nan, None
        else:
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
        "notes": rate_notes(store, view),
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
    table = table.loc[~tf.flags(table["partner"], is_special_partner) | table["value"].ne(0)]
    return table if n is None else table.head(n)


def commodity_frame(store: Store, view: View, *, level: int | None = 10,
                    years: tuple[int, ...] | None = None) -> pd.DataFrame:
    """(year, flow, hs_code, value_usd, net_kg, quantity) for the view (partner if set),
    in its year and the one before, or in ``years`` when given."""
    frame = store.aggregate(["year", "flow", "hs_code"],
                            _query(view, years=years or _two_years(view)), hs_level=level)
    return _convert(frame.dropna(subset=["hs_code"]), store, view)


def stored_level(view: View) -> int:
    """The HS digits to read from the store for the view's level (sections come from chapters)."""
    return view.hs_level if isinstance(view.hs_level, int) else 2


def top_commodities(store: Store, view: View, *, n: int | None = 10,
                    frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ranked HS groups at the view's level for its flow (confidential lines as their own row).

    ``frame`` is the view's ``commodity_frame`` at ``stored_level`` when the caller
    already has it (it does not depend on the flow, so one read serves every flow).
    """
    level = view.hs_level
    if frame is None:
        frame = commodity_frame(store, view, level=stored_level(view))
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
    for first, second in basket_overlaps([b for b in baskets if b.id in set(table["basket"])]):
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


def scope_name(view: View, lang: str) -> str:
    """The view's region, partner or group and basket for titles (see tables.scope_name)."""
    return tables.scope_name(view.reporter, lang, partner=view.partner, group=view.group,
                             basket=view.basket)


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


def unit_value_frame(store: Store, view: View, *, level: int = 4) -> pd.DataFrame:
    """(year, flow, hs_code, unit, value_usd, net_kg, quantity) of the view at ``level`` digits.

    Kept apart by supplementary unit so that quantities in different units are never
    added; values in the view's currency.
    """
    frame = store.aggregate(["year", "flow", "hs_code", "unit"],
                            _query(view, years=(view.year,)), hs_level=level)
    return _convert(frame.dropna(subset=["hs_code"]), store, view)


def mirror(store: Store, *, reporter: str, partner: str, years: tuple[int, ...]) -> pd.DataFrame:
    """A's exports to B beside B's reported imports from A, and back (see transforms.mirror).

    A region (RU-TOM) is compared with what the partner reports for its whole
    country (RU).  Columns: year, exporter, importer, exports_usd, imports_usd,
    gap_usd, gap_pct.
    """
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
    flows = (view.flow,) if view.flow in BASE_FLOWS else BASE_FLOWS
    query = TradeQuery(reporter=view.reporter, flows=flows, years=(year - 1, year),
                       months=(month,))
    by_partner = store.aggregate(["partner", "year", "month"], query)
    by_partner = _convert(by_partner.loc[~by_partner["partner"].eq(WORLD)], store, view)
    level = stored_level(view)
    by_code = _convert(store.aggregate(["hs_code", "year", "month"], query, hs_level=level)
                       .dropna(subset=["hs_code"]), store, view)
    partners = movers(by_partner, key="partner", year=year, month=month, n=n)
    goods = movers(by_code, key="hs_code", year=year, month=month, n=n)
    partners = partners.assign(name=partners["partner"].map(lambda c: country_name(c, lang)))
    names = definitions.names_registry(store)
    goods = goods.assign(name=goods["hs_code"].map(
        lambda c: hs_name(c, lang, numbered=True, registry=names)))
    columns = ["name", "value", "previous", "change", "change_pct"]
    return NewSinceUpdate(run_at, periods, (year, month), True,
                          in_millions(partners.loc[:, ["partner", *columns]]),
                          in_millions(goods.loc[:, ["hs_code", *columns]]))
