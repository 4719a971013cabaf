"""Fetch trade data newer than what the store holds: the customs portal and UN Comtrade.

The rule that keeps a period from being loaded twice is the store's own
contents, not file hashes: a portal re-export of the same months has new bytes.
Before asking, the months (FCS) or years (Comtrade) already stored for the
reporter are left out of the request; after downloading, rows of any stored
period (or of another region) are dropped again before the ingest, in case a
reply covers more than was asked.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.config import settings
from dashboard.core.errors import NotFoundError, SchemaError, SourceError
from dashboard.data.sources import comtrade, fcs_portal
from dashboard.data.sources.base import TradeBatches
from dashboard.data.sources.detect import open_trade_file
from dashboard.data.store import Store, TradeQuery
from dashboard.reference.regions import fcs_region_map, region_by_fcs_code

log = logging.getLogger(__name__)

LOADED, CURRENT, NO_DATA, UNREACHABLE, FAILED = (
    "loaded", "current", "no data", "unreachable", "failed")


@dataclass(frozen=True)
class Outcome:
    """One line of an update: which source and periods, rows loaded, and how it ended."""

    source: str  # e.g. "fcs 69000", "comtrade RU-KZ", "cbr"
    what: str  # the periods asked for, e.g. "2018-01..2018-12"
    rows: int
    result: str  # LOADED, CURRENT, NO_DATA, UNREACHABLE or FAILED
    message: str = ""
    dataset_id: int | None = None

    def line(self) -> str:
        """'fcs 69000: 2018-01..2018-12: loaded 1,234 rows (dataset 5)'."""
        text = f"{self.source}: {self.what}: {self.result}"
        if self.result == LOADED:
            text += f" {self.rows:,} rows" + (f" (dataset {self.dataset_id})"
                                              if self.dataset_id is not None else "")
        return text + (f"; {self.message}" if self.message else "")


Report = Callable[[Outcome], None]


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def last_complete_month(today: date) -> tuple[int, int]:
    """The month before ``today``'s (the current month is never complete)."""
    index = _month_index(today.year, today.month) - 1
    return index // 12, index % 12 + 1


def stored_months(store: Store, reporter: str) -> set[tuple[int, int]]:
    """(year, month) pairs holding monthly rows of the reporter, in any dataset."""
    frame = store.months_present(TradeQuery(reporter=reporter))
    return {(int(y), int(m)) for y, m in zip(frame["year"], frame["month"], strict=True)}


# -- the customs portal ----------------------------------------------------------------


def region_iso(region: str) -> str:
    """ISO 3166-2 code of an FCS region code ('69000' -> 'RU-TOM'); SchemaError otherwise."""
    iso = region_by_fcs_code(region) if region.strip().isdigit() else None
    if iso is None:
        raise SchemaError("--region", "an FCS region code such as 69000 (Tomsk)", found=region)
    return iso


def fcs_code(iso: str) -> str | None:
    """The 5-digit FCS code of a region's ISO 3166-2 code ('RU-TOM' -> '69000')."""
    return next((code for code, value in fcs_region_map().items() if value == iso), None)


def fetch_fcs(
    store: Store,
    region: str,
    *,
    years: tuple[int, ...] | None = None,
    hs_level: int = 10,
    today: date | None = None,
    report: Report | None = None,
    notice: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """Download the region's months missing from the store and load each reply.

    ``years`` None means "newer than the newest stored month" (the update);
    otherwise every month of those years not stored yet, up to the last
    complete month.  One portal request per year, paced by OBOROT_FCS_PAUSE_S.
    Unreachable or refusing portal: SourceError (what was loaded before stays).
    ``notice`` hears the portal's size estimate before each download.
    """
    iso = region_iso(region)
    code = fcs_code(iso) or region
    last = _month_index(*last_complete_month(today or date.today()))
    stored = stored_months(store, iso)
    if years is None:
        newest = max((_month_index(*m) for m in stored), default=None)
        if newest is None:
            raise NotFoundError(f"no months of {iso} stored yet; use fetch fcs --years")
        wanted = set(range(newest + 1, last + 1))
    else:
        wanted = {_month_index(y, m) for y in years for m in range(1, 13)}
        wanted = {i for i in wanted if i <= last}
    missing = {(i // 12, i % 12 + 1) for i in wanted} - stored
    source = f"fcs {code}"
    outcomes: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if report is not None:
            report(outcome)

    if not missing:
        newest = max(stored, default=None)
        shown = f"{newest[0]:04d}-{newest[1]:02d}" if newest else "none"
        done(Outcome(source, "-", 0, CURRENT, f"newest stored month {shown}"))
        return outcomes
    pacer = fcs_portal.Pacer(settings().fcs_pause_s)
    empty: list[Outcome] = []  # consecutive empty years, told in one line
    for run in fcs_portal.runs_by_year(missing):
        outcome = _fetch_run(store, code, iso, run, hs_level=hs_level, pacer=pacer,
                             source=source, notice=notice)
        if outcome.result == NO_DATA:
            empty.append(outcome)
            continue
        if empty:
            done(_merged(empty))
            empty = []
        done(outcome)
    if empty:
        done(_merged(empty))
    return outcomes


def _merged(empty: list[Outcome]) -> Outcome:
    """One NO_DATA line for consecutive empty periods, each reason said once."""
    first, last = empty[0].what.split("..")[0], empty[-1].what.split("..")[-1]
    reasons = "; ".join(dict.fromkeys(o.message for o in empty))
    return Outcome(empty[0].source, f"{first}..{last}", 0, NO_DATA, reasons)


def _fetch_run(store: Store, code: str, iso: str, run: fcs_portal.Months, *, hs_level: int,
               pacer: fcs_portal.Pacer, source: str,
               notice: Callable[[str], None] | None) -> Outcome:
    label = f"{code} {run.label()}"
    body = fcs_portal.unload_filter(code, run, hs_level=hs_level)
    size = fcs_portal.estimate(body, pacer=pacer)
    if size == 0:
        return Outcome(source, run.label(), 0, NO_DATA, fcs_portal.no_data_reason(run))
    if size is not None and notice is not None:
        notice(f"{source}: {run.label()}: the portal estimates the file at {size:,} (its unit)")
    reply = fcs_portal.download(body, pacer=pacer, label=label)
    if reply.kind == "empty":
        return Outcome(source, run.label(), 0, NO_DATA, fcs_portal.no_data_reason(run))
    allowed = {_month_index(*m) for m in run.pairs()} - {
        _month_index(*m) for m in stored_months(store, iso)}
    with tempfile.TemporaryDirectory(prefix="oborot-fcs-") as folder:
        path = Path(folder) / reply.file_name
        path.write_bytes(reply.body)
        shown = f"FCS portal {label} ({reply.file_name})"
        try:
            parsed = open_trade_file(path, fmt="fcs", display_name=shown)
            batches = _peeked(_only(parsed, iso=iso, months=allowed))
        except SchemaError as exc:
            raise SourceError(fcs_portal.SOURCE, f"{label}: the portal's file is not in a "
                              f"layout we know (did the portal change?): {exc}") from None
        if batches is None:
            return Outcome(source, run.label(), 0, NO_DATA, fcs_portal.no_data_reason(run))
        parsed.batches = batches
        result = store.ingest(parsed, name=f"FCS portal {label}", file_name=reply.file_name,
                              sha256=hashlib.sha256(reply.body).hexdigest(),
                              max_rows=settings().max_rows)
    if result.already_loaded:
        return Outcome(source, run.label(), 0, CURRENT,
                       f"the same file is already loaded as dataset {result.dataset_id}")
    log.info("fcs portal: %s: %d rows loaded as dataset %d", label, result.rows,
             result.dataset_id)
    return Outcome(source, run.label(), result.rows, LOADED, "", result.dataset_id)


def _only(parsed: TradeBatches, *, iso: str, months: set[int]) -> Iterator[pa.RecordBatch]:
    """The rows of the region in the allowed months; the rest counted and noted."""
    skipped = 0
    allowed = pa.array(sorted(months), pa.int32())
    for batch in parsed.batches:
        index = pc.add(pc.multiply(pc.cast(batch.column("year"), pa.int32()), 12),
                       pc.subtract(pc.cast(batch.column("month"), pa.int32()), 1))
        keep = pc.fill_null(pc.and_(pc.equal(batch.column("reporter"), iso),
                                    pc.is_in(index, allowed)), False)
        kept = batch.filter(keep)
        skipped += batch.num_rows - kept.num_rows
        if kept.num_rows:
            yield kept
    if skipped:
        parsed.rejected += skipped
        parsed.notes.append(f"{skipped} rows of other regions or of months not asked for or "
                            "already stored were skipped")


def _peeked(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch] | None:
    """The batches again, or None when there are none (a reply with only a header)."""
    first = next(batches, None)
    if first is None:
        return None

    def chained() -> Iterator[pa.RecordBatch]:
        yield first
        yield from batches

    return chained()


def fcs_regions(store: Store) -> list[tuple[str, int]]:
    """(FCS region code, TN VED digits) of every region with customs data, by code.

    The digits are those of the region's most detailed stored code, so an update
    fetches what was loaded before (10 for the portal's usual file).
    """
    frame = store.datasets()
    customs = frame.loc[frame["format"].str.contains("fcs", regex=False)]
    ids = tuple(int(i) for i in customs["id"])
    isos = sorted({r for text in customs["reporters"].dropna() for r in str(text).split(",")
                   if r.startswith("RU-")})
    found = []
    for iso in isos:
        code = fcs_code(iso)
        if code is None:
            continue
        codes = store.distinct("hs_code", TradeQuery(reporter=iso, dataset_ids=ids))
        longest = max((len(c) for c in codes if c and c.isdigit()), default=10)
        found.append((code, longest if longest in fcs_portal.HS_LEVELS else 10))
    return found


# -- UN Comtrade -----------------------------------------------------------------------


@dataclass(frozen=True)
class ComtradeTarget:
    """One reporter (and partner) loaded from Comtrade, at one HS level."""

    reporter: str  # ISO alpha-2
    partner: str | None  # None = all partners
    hs_level: int | None  # 2/4/6, None = TOTAL

    def label(self) -> str:
        return f"comtrade {self.reporter}" + (f"-{self.partner}" if self.partner else "")


def comtrade_targets(store: Store) -> list[ComtradeTarget]:
    """What was loaded from Comtrade: per dataset, its reporters, partner and HS level."""
    frame = store.datasets()
    targets: set[ComtradeTarget] = set()
    for row in frame.loc[frame["format"].str.startswith("comtrade")].itertuples():
        ids = (int(row.id),)
        # One partner (World included: a World-only file is updated as World) or all.
        partners = store.distinct("partner", TradeQuery(dataset_ids=ids))
        partner = partners[0] if len(partners) == 1 else None
        codes = [c for c in store.distinct("hs_code", TradeQuery(dataset_ids=ids)) if c]
        longest = max((len(c) for c in codes if c.isdigit()), default=0)
        level = min(longest, 6) if longest else None
        for reporter in str(row.reporters or "").split(","):
            if len(reporter) == 2:
                targets.add(ComtradeTarget(reporter, partner, level))
    return sorted(targets, key=lambda t: (t.reporter, t.partner or "", t.hs_level or 0))


def fetch_comtrade_newer(store: Store, target: ComtradeTarget, *, today: date | None = None
                         ) -> Outcome:
    """Annual Comtrade data for the years after the newest stored for the pair.

    A year is annual data of the previous calendar year at the earliest, so the
    years asked run to last year.  SourceError propagates (unreachable).
    """
    query = TradeQuery(reporter=target.reporter,
                       partners=(target.partner,) if target.partner else None)
    years = [int(y) for y in store.distinct("year", query)]
    newest = max(years, default=None)
    last = (today or date.today()).year - 1
    if newest is None or newest >= last:
        return Outcome(target.label(), "-", 0, CURRENT, f"newest stored year {newest}")
    wanted = tuple(range(newest + 1, last + 1))
    what = f"{wanted[0]}..{wanted[-1]}" if len(wanted) > 1 else str(wanted[0])
    try:
        parsed = comtrade.fetch(target.reporter, target.partner, wanted,
                                hs_level=target.hs_level)
    except NotFoundError:
        return Outcome(target.label(), what, 0, NO_DATA, "nothing published for these years yet")
    name = f"UN Comtrade {target.reporter}" + (f"-{target.partner}" if target.partner else "") \
        + f" {what}"
    result = store.ingest(parsed, name=name, file_name=None, sha256=parsed.sha256,
                          max_rows=settings().max_rows)
    if result.already_loaded:
        return Outcome(target.label(), what, 0, CURRENT,
                       f"the same data is already loaded as dataset {result.dataset_id}")
    return Outcome(target.label(), what, result.rows, LOADED, "", result.dataset_id)
