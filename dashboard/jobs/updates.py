"""``update``: bring everything the store already holds up to date, source by source.

For each kind of data in the store: official rates of the currencies stored
per bank (``rates.refresh.update`` from the day after the newest stored rate), UN
Comtrade for each reporter (and partner) loaded from Comtrade (years after the
newest stored), and the customs portal for each FCS region (months after the
newest stored).  One source failing does not stop the others; every source's
outcome goes to the update log.  Shared by the CLI and the Data page's
"Update now" (no streamlit here).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dashboard.core.errors import OborotError, SourceError
from dashboard.data import refresh, update_log
from dashboard.data.refresh import CURRENT, FAILED, LOADED, UNREACHABLE, Outcome
from dashboard.data.store import Store
from dashboard.rates import bundled
from dashboard.rates import refresh as rates_refresh

log = logging.getLogger(__name__)

Emit = Callable[[Outcome], None]
Progress = Callable[[int, int, str], None]  # (steps done, steps in all, next step)


@dataclass(frozen=True)
class UpdateRun:
    """One ``update``: when it started (UTC) and every source's outcome."""

    run_at: datetime
    outcomes: tuple[Outcome, ...]

    @property
    def exit_code(self) -> int:
        """3 when a source could not be reached, 2 when one failed otherwise, else 0."""
        results = {o.result for o in self.outcomes}
        return 3 if UNREACHABLE in results else 2 if FAILED in results else 0

    @property
    def rows(self) -> int:
        return sum(o.rows for o in self.outcomes)


@dataclass(frozen=True)
class _Step:
    source: str
    run: Callable[[Emit], None]


def rate_sources(store: Store) -> dict[str, tuple[str, ...]]:
    """Bank -> the currencies stored from it (the bundled ECB copy is not a bank to ask)."""
    frame = store.rates()
    banks = [s for s in rates_refresh.HOME if s != bundled.BUNDLED_SOURCE]
    frame = frame.loc[frame["source"].isin(banks)]
    return {source: tuple(sorted(group["currency"].unique()))
            for source, group in frame.groupby("source", sort=True)}


def plan(store: Store, *, today: date | None = None) -> list[_Step]:
    """The steps an update would take, in order: rates, Comtrade, customs portal."""
    today = today or date.today()
    steps = [_Step(source, lambda emit, s=source, c=currencies: _rates(store, s, c, today, emit))
             for source, currencies in rate_sources(store).items()]
    steps += [_Step(target.label(), lambda emit, t=target: emit(
        refresh.fetch_comtrade_newer(store, t, today=today)))
        for target in refresh.comtrade_targets(store)]
    steps += [_Step(f"fcs {region}", lambda emit, r=region, d=digits: _fcs(store, r, d, today,
                                                                            emit))
              for region, digits in refresh.fcs_regions(store)]
    return steps


def _fcs(store: Store, region: str, digits: int, today: date, emit: Emit) -> None:
    refresh.fetch_fcs(store, region, hs_level=digits, today=today, report=emit)


def _rates(store: Store, source: str, currencies: tuple[str, ...], today: date,
           emit: Emit) -> None:
    # The Bank of Russia sets tomorrow's rate in the afternoon; ask for it too.
    end = today + timedelta(days=1 if source == "cbr" else 0)
    try:
        result = rates_refresh.update(store, currencies=currencies, source=source, end=end)
    except ValueError as exc:  # e.g. the NBK's one-year limit after a long pause
        emit(Outcome(source, ",".join(currencies), 0, FAILED, str(exc)))
        return
    newest = max(result.latest.values(), default=None)
    what = ",".join(currencies)
    message = f"newest rate {newest}" if newest else ""
    emit(Outcome(source, what, result.rows, LOADED if result.rows else CURRENT, message))


def update_all(store: Store, *, today: date | None = None, report: Emit | None = None,
               progress: Progress | None = None) -> UpdateRun:
    """Run every step; a source that fails is reported and the rest still run; log it all."""
    run_at = datetime.now(UTC).replace(tzinfo=None)
    steps = plan(store, today=today)
    outcomes: list[Outcome] = []

    def emit(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if report is not None:
            report(outcome)

    for done, step in enumerate(steps):
        if progress is not None:
            progress(done, len(steps), step.source)
        try:
            step.run(emit)
        except SourceError as exc:
            emit(Outcome(step.source, "-", 0, UNREACHABLE, str(exc)))
        except OborotError as exc:
            emit(Outcome(step.source, "-", 0, FAILED, str(exc)))
        except Exception as exc:  # one broken source must not stop the others
            log.exception("update: %s failed", step.source)
            emit(Outcome(step.source, "-", 0, FAILED, f"unexpected error ({type(exc).__name__})"))
    if progress is not None:
        progress(len(steps), len(steps), "")
    update_log.record(store, run_at, outcomes)
    return UpdateRun(run_at, tuple(outcomes))
