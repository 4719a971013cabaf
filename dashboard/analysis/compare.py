"""Compare and explain: the store's aggregates run through the compare transforms.

Region benchmarking, price vs volume, concentration and specialisation, dated
notes and the full-year estimate, shared by the CLI, the pages (through
``dashboard.ui.queries``) and the deck. Values are US dollars; shares and
changes in %; HHI on the 0–10,000 scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from dashboard.analysis.quality import FCS_GAP
from dashboard.analysis.transforms.annotations import notes_for_chart, parse_period
from dashboard.analysis.transforms.concentration import hhi, hhi_trend, new_products, rca
from dashboard.analysis.transforms.decompose import (
    Basis,
    choose_basis,
    price_volume,
    residual_parts,
)
from dashboard.analysis.transforms.estimate import Estimate, backtest_series, full_year_estimate
from dashboard.analysis.transforms.hs import is_confidential
from dashboard.analysis.transforms.regions import region_coverage, region_ranking
from dashboard.core.errors import NotFoundError, OborotError
from dashboard.core.i18n import t
from dashboard.data import notes as stored_notes
from dashboard.data.store import Store, TradeQuery
from dashboard.reference.countries import WORLD
from dashboard.reference.regions import region_name, regions

STORED = ("export", "import")
RANKED_FLOWS = ("turnover", "export", "import")
"""Flows a ranking, a decomposition or an estimate accepts (a balance has no share)."""

REGION_KEYS = ("reporter", "name", "value", "previous", "change", "change_pct", "share",
               "rank", "district", "district_rank")
"""Columns of regions_table, in order (the `regions --json` keys)."""

DECOMPOSE_KEYS = ("value", "previous", "change", "volume_effect", "price_effect", "residual",
                  "basis", "unmatched_value")
"""The `decompose --json` keys, in order (decomposition() returns more)."""


def _flows(flow: str) -> tuple[str, ...]:
    """Stored flows summed for a flow: both for turnover."""
    if flow not in RANKED_FLOWS:
        raise OborotError(f"flow must be one of {', '.join(RANKED_FLOWS)}, not {flow!r}")
    return STORED if flow == "turnover" else (flow,)


# -- regions -----------------------------------------------------------------------------


def loaded_regions(store: Store) -> list[str]:
    """Reporters of the store that are Russian federal subjects (RU-…), sorted."""
    known = set(regions()["iso_code"])
    return [r for r in store.distinct("reporter") if r in known]


def districts(lang: str) -> dict[str, str]:
    """ISO 3166-2 code -> federal district name in the language (from reference/regions.csv)."""
    table = regions()
    column = "district_ru" if lang == "ru" else "district_en"
    return dict(zip(table["iso_code"], table[column], strict=True))


def regions_table(store: Store, *, partners: Sequence[str] | Callable[[int], Collection[str]],
                  year: int, flow: str = "turnover", months: Sequence[int] | None = None,
                  lang: str = "en") -> pd.DataFrame:
    """Every loaded region's trade with the partner(s) in `year` vs year − 1 (REGION_KEYS).

    `partners`: ISO codes summed together, or a function year -> the codes that count
    that year (a partner group whose membership changes, e.g. groups.members). value,
    previous, change in US dollars; change_pct and share (of the loaded regions'
    total) in %; rank 1 = largest; district_rank within the federal district among
    loaded regions. `months` restricts both years to those months.
    """
    loaded = loaded_regions(store)
    chosen = partners if callable(partners) else (lambda _year: partners)
    frame = pd.concat([
        store.aggregate(["reporter", "year"], TradeQuery(
            partners=tuple(sorted(chosen(y))), flows=_flows(flow), years=(y,),
            months=tuple(months) if months else None))
        for y in (year - 1, year)
    ], ignore_index=True)
    frame = frame.loc[frame["reporter"].isin(loaded)]
    table = region_ranking(frame, year=year, districts=districts(lang), reporters=loaded)
    return table.assign(name=table["reporter"].map(lambda r: region_name(r, lang))).loc[
        :, list(REGION_KEYS)]


def coverage(store: Store) -> dict[str, int | bool]:
    """How many of Russia's 85 subjects are loaded (region_coverage)."""
    return region_coverage(loaded_regions(store))


# -- price vs volume ---------------------------------------------------------------------


@dataclass(frozen=True)
class Decomposition:
    """What was split: the question and price_volume's result, plus the residual's parts."""

    reporter: str
    year: int
    flow: str
    codes: tuple[str, ...]
    partner: str | None
    figures: dict[str, float | int | str]
    parts: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        """Flat dict: the question, then price_volume's keys, then the residual's parts."""
        return {"reporter": self.reporter, "year": self.year, "flow": self.flow,
                "hs": ",".join(self.codes), "partner": self.partner, **self.figures,
                "residual_parts": self.parts}


def _lines(store: Store, query: TradeQuery) -> pd.DataFrame:
    """Customs lines (year, hs_code, unit, value_usd, net_kg, quantity) under the query.

    Grouped per dataset, month, partner, code and unit, i.e. one row per published
    line, so a line without weight is never summed into one with it; years held as
    annual rows only are read per year, partner, code and unit.
    """
    keys = ["dataset_id", "year", "partner", "hs_code", "unit"]
    lines = store.aggregate([*keys, "month"], query).drop(columns="month")
    annual_years = tuple(y for y in (query.years or ()) if y not in set(lines["year"]))
    if annual_years:
        annual = store.aggregate(keys, replace(query, years=annual_years))
        lines = pd.concat([lines, annual], ignore_index=True) if not lines.empty else annual
    return lines.loc[~is_confidential(lines["hs_code"].fillna(""))]


def decomposition(store: Store, *, reporter: str, year: int, codes: Sequence[str],
                  flow: str = "import", partner: str | None = None,
                  basis: Basis | None = None) -> Decomposition:
    """Price vs volume of the reporter's trade in the HS codes (prefixes) in `year`.

    `codes` are HS prefixes of any length ("07", "0702"); a basket is the list of its
    codes. Without `basis`, choose_basis picks net weight or the supplementary
    quantity. Confidential lines are left out (they carry no goods). US dollars.
    """
    if flow not in STORED:
        raise OborotError(f"price vs volume needs one flow, export or import, not {flow!r}")
    if not codes:
        raise OborotError("price vs volume needs at least one HS code")
    frames = [
        _lines(store, TradeQuery(reporter=reporter, partners=(partner,) if partner else None,
                                 flows=(flow,), years=(year - 1, year), hs_prefix=code))
        for code in dict.fromkeys(codes)
    ]
    lines = pd.concat(frames, ignore_index=True)
    if lines.empty or not (lines["year"] == year).any():
        raise NotFoundError(f"no {flow} of {reporter} in HS {','.join(codes)}"
                            + (f" with {partner}" if partner else "") + f" in {year}")
    chosen = basis or choose_basis(lines, year=year)
    return Decomposition(
        reporter=reporter, year=year, flow=flow, codes=tuple(codes), partner=partner,
        figures=price_volume(lines, year=year, basis=chosen),
        parts=residual_parts(lines, year=year, basis=chosen),
    )


def top_import_chapter(store: Store, *, reporter: str, year: int,
                       partner: str | None = None) -> str | None:
    """The HS chapter with the largest imports of the reporter in `year` (None without any)."""
    frame = store.aggregate(["hs_code"], TradeQuery(
        reporter=reporter, partners=(partner,) if partner else None, flows=("import",),
        years=(year,)), hs_level=2)
    frame = frame.loc[~is_confidential(frame["hs_code"].fillna("X"))]
    if frame.empty:
        return None
    ordered = frame.sort_values(["value_usd", "hs_code"], ascending=[False, True])
    return str(ordered["hs_code"].iloc[0])


# -- concentration and specialisation -----------------------------------------------------


def partner_concentration(store: Store, *, reporter: str) -> pd.DataFrame:
    """HHI of the reporter's partners per year and flow (year, flow, hhi, band, parts, top %)."""
    frame = store.aggregate(["year", "flow", "partner"], TradeQuery(reporter=reporter,
                                                                   flows=STORED))
    return hhi(frame.loc[frame["partner"] != WORLD], by="partner")


def product_concentration(store: Store, *, reporter: str) -> pd.DataFrame:
    """HHI of the reporter's HS-4 headings per year and flow; confidential lines left out."""
    frame = store.aggregate(["year", "flow", "hs_code"], TradeQuery(reporter=reporter,
                                                                   flows=STORED), hs_level=4)
    frame = frame.loc[~is_confidential(frame["hs_code"].fillna("X"))]
    return hhi(frame, by="hs_code")


def concentration(store: Store, *, reporter: str) -> pd.DataFrame:
    """Partners and products HHI stacked: kind ("partners"/"products"), year, flow, hhi, band …"""
    parts = [partner_concentration(store, reporter=reporter).assign(kind="partners"),
             product_concentration(store, reporter=reporter).assign(kind="products")]
    table = pd.concat(parts, ignore_index=True)
    return table.loc[:, ["kind", "year", "flow", "hhi", "band", "parts", "top_share"]]


def concentration_trend(table: pd.DataFrame) -> pd.DataFrame:
    """hhi_trend per kind and flow of a concentration() table."""
    return hhi_trend(table, keys=("kind", "flow"))


RCA_MIN_SHARE = 0.1
"""Chapters below this share (%) of the region's flow are left out of the RCA table: a
chapter of a few thousand dollars that no other region trades gets a huge, meaningless RCA."""


def specialisation(store: Store, *, reporter: str, year: int, flow: str = "export",
                   min_share: float = RCA_MIN_SHARE) -> pd.DataFrame:
    """Balassa RCA per HS chapter against the loaded regions' total (rca(); US dollars, %).

    Rows with share below `min_share` (% of the region's flow) are left out.
    """
    loaded = loaded_regions(store)
    frame = store.aggregate(["reporter", "year", "flow", "hs_code"],
                            TradeQuery(flows=_flows(flow), years=(year,)), hs_level=2)
    frame = frame.loc[frame["reporter"].isin(loaded)
                      & ~is_confidential(frame["hs_code"].fillna("X"))]
    frame = frame.assign(flow=flow).rename(columns={"hs_code": "chapter"})
    table = rca(frame, reporter=reporter, by="chapter")
    return table.loc[table["share"] >= min_share].reset_index(drop=True)


def newcomers(store: Store, *, reporter: str, year: int, lookback: int = 3) -> pd.DataFrame:
    """HS-4 headings exported in `year` and in none of the `lookback` years before."""
    frame = store.aggregate(["year", "hs_code"], TradeQuery(
        reporter=reporter, flows=("export",), years=tuple(range(year - lookback, year + 1))),
        hs_level=4)
    frame = frame.loc[~is_confidential(frame["hs_code"].fillna("X"))]
    return new_products(frame.rename(columns={"hs_code": "heading"}), year=year,
                        lookback=lookback)


# -- full-year estimate ------------------------------------------------------------------


def monthly_series(store: Store, *, reporter: str, flow: str,
                   partner: str | None = None) -> pd.DataFrame:
    """(year, month, value_usd) of the reporter (with the partner) for the flow."""
    frame = store.aggregate(["year", "month"], TradeQuery(
        reporter=reporter, partners=(partner,) if partner else None, flows=_flows(flow)))
    return frame.loc[:, ["year", "month", "value_usd"]]


def estimate(store: Store, *, reporter: str, year: int, through_month: int,
             flow: str = "turnover", partner: str | None = None) -> Estimate:
    """Full-year estimate of `year` from January–through_month (US dollars; an Estimate)."""
    return full_year_estimate(monthly_series(store, reporter=reporter, flow=flow,
                                             partner=partner),
                              year=year, through_month=through_month)


def backtest_all(store: Store, *, months: Sequence[int] = (3, 6, 9)) -> pd.DataFrame:
    """Per N: estimates tested and mean absolute % error over every loaded region and flow."""
    frame = store.aggregate(["reporter", "flow", "year", "month"], TradeQuery(flows=STORED))
    detail = backtest_series(frame, series=["reporter", "flow"], months=months)
    return (detail.groupby("through_month")
            .agg(estimates=("ape", "count"), mape=("ape", "mean"), max_ape=("ape", "max"),
                 within=("within", "mean"))
            .reindex(list(months)).rename_axis("through_month").reset_index()
            .assign(within=lambda f: f["within"].astype("float64") * 100,
                    estimates=lambda f: f["estimates"].fillna(0).astype("int64")))


# -- notes -------------------------------------------------------------------------------

BUILTIN_NOTES: tuple[tuple[str, str], ...] = (
    (str(FCS_GAP[0]), "notes.fcs_gap_start"),
    (str(FCS_GAP[1]), "notes.fcs_gap_end"),
)
"""(date, core.i18n key) of the shipped notes for the FCS publication gap (shown always,
never stored, not deletable)."""

NOTE_FRAME = ("id", "date", "text", "partner", "hs_code", "created", "builtin")
"""Columns of all_notes()."""


def check_note(*, period: str, partner: str | None, hs: str | None) -> tuple[str, str | None,
                                                                             str | None]:
    """Normalised (period, partner, hs) of a new note; OborotError saying what was expected."""
    try:
        year, month = parse_period(period, where="note date")
    except ValueError as exc:
        raise OborotError(str(exc)) from exc
    code = (partner or "").strip().upper() or None
    if code is not None and not (len(code) == 2 and code.isalpha()):
        raise OborotError(f"note partner: expected an ISO 3166-1 alpha-2 code like KZ, "
                          f"got {partner!r}")
    digits = (hs or "").strip() or None
    if digits is not None and not (digits.isdigit() and 2 <= len(digits) <= 10):
        raise OborotError(f"note commodity: expected 2 to 10 digits of an HS code like 07, "
                          f"got {hs!r}")
    return (f"{year}" if month is None else f"{year}-{month:02d}"), code, digits


def add_note(store: Store, *, period: str, text: str, partner: str | None = None,
             hs: str | None = None) -> int:
    """Check and store one note; returns its id."""
    period, partner, hs = check_note(period=period, partner=partner, hs=hs)
    return stored_notes.add_note(store, period=period, text=text, partner=partner, hs=hs)


def delete_note(store: Store, note_id: int) -> None:
    """Delete one stored note (built-in notes cannot be deleted)."""
    stored_notes.delete_note(store, note_id)


def all_notes(store: Store, lang: str, *, builtin: bool = True) -> pd.DataFrame:
    """Built-in and stored notes (NOTE_FRAME): id (<NA> for built-in), date, text, … ."""
    stored = stored_notes.read_notes(store).rename(columns={"period": "date", "hs": "hs_code"})
    rows = [stored.assign(builtin=False)]
    if builtin:
        rows.insert(0, pd.DataFrame({
            "id": pd.array([pd.NA] * len(BUILTIN_NOTES), dtype="Int64"),
            "date": [date for date, _ in BUILTIN_NOTES],
            "text": [t(key, lang) for _, key in BUILTIN_NOTES],
            "partner": [None] * len(BUILTIN_NOTES), "hs_code": [None] * len(BUILTIN_NOTES),
            "created": pd.NaT, "builtin": True}))
    table = pd.concat([r for r in rows if not r.empty] or [rows[-1]], ignore_index=True)
    return (table.astype({"id": "Int64", "builtin": bool})
            .assign(_key=lambda f: f["date"].map(parse_period).map(lambda p: (p[0], p[1] or 0)))
            .sort_values(["_key"], kind="stable").drop(columns="_key")
            .loc[:, list(NOTE_FRAME)].reset_index(drop=True))


def chart_notes(store: Store, lang: str, *, start: str, end: str,
                partner: str | None = None, hs_codes: Sequence[str] | None = None
                ) -> pd.DataFrame:
    """The notes (built-in and stored) that apply to a chart of `start`–`end` and filters."""
    return notes_on_chart(all_notes(store, lang), start=start, end=end, partner=partner,
                          hs_codes=hs_codes)


def notes_on_chart(notes: pd.DataFrame, *, start: str, end: str, partner: str | None = None,
                   hs_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Of ``notes`` (all_notes), those for a chart of `start`–`end` and its filters."""
    return notes_for_chart(notes, start=start, end=end,
                           partners=None if partner is None else [partner],
                           hs_codes=None if hs_codes is None else list(hs_codes))


def note_line(note: pd.Series | dict, lang: str) -> str:
    """"2018-06 · KZ · 07: text" for decks, exports and captions."""
    scope = [str(note["date"])]
    for key in ("partner", "hs_code"):
        value = note[key]
        if isinstance(value, str) and value.strip():
            scope.append(value)
    return f"{' · '.join(scope)}: {note['text']}"


def finite(value: float) -> float | None:
    """None for NaN (JSON and text output)."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


# -- display frames (pure) ---------------------------------------------------------------


def chosen_region(table: pd.DataFrame, reporter: str) -> dict[str, object] | None:
    """The chosen region's row of a regions_table as a dict (None when it is not loaded)."""
    row = table.loc[table["reporter"] == reporter]
    return None if row.empty else row.iloc[0].to_dict()


def decomposition_frame(result: Decomposition) -> pd.DataFrame:
    """measure, value (US dollars) rows of a decomposition for tables and downloads."""
    keys = ["previous", "value", "change", "volume_effect", "price_effect", "residual",
            "unmatched_value", "unmatched_previous"]
    parts = {f"residual.{k}": v for k, v in result.parts.items()}
    values = {**{k: float(result.figures[k]) for k in keys}, **parts}
    return pd.DataFrame({"measure": list(values), "value": list(values.values())}).assign(
        basis=str(result.figures["basis"]))


def year_concentration(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows of a concentration() table for one year, partners first, export before import."""
    rows = table.loc[table["year"] == year]
    return rows.sort_values(["kind", "flow"], kind="stable").reset_index(drop=True)


def commodity_choices(goods: pd.DataFrame, *, year: int, flow: str) -> list[str]:
    """HS chapters, then headings, each by the year's value in the flow, largest first.

    ``goods``: views.commodity_frame at 4 digits (year, flow, hs_code, value_usd);
    confidential lines are left out.
    """
    rows = goods.loc[(goods["year"] == year) & (goods["flow"] == flow)
                     & ~is_confidential(goods["hs_code"].fillna("X"))]
    headings = rows.groupby("hs_code", as_index=False)["value_usd"].sum()
    chapters = (headings.assign(hs_code=headings["hs_code"].str.slice(0, 2))
                .groupby("hs_code", as_index=False)["value_usd"].sum())

    def ordered(frame: pd.DataFrame) -> list[str]:
        return list(frame.sort_values(["value_usd", "hs_code"], ascending=[False, True],
                                      kind="stable")["hs_code"])

    return ordered(chapters) + ordered(headings)
