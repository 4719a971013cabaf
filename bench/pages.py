"""Page updates as the pages ask for them, on the store and on a naive in-memory pandas frame.

A page update is every ``dashboard.analysis.views`` call one page makes when a filter
changes (the Overview's summary paragraph included).  The pandas baseline answers the
same calls from the whole canonical frame held in memory (read with pandas, filtered
and grouped with pandas), so the two sets of answers must agree to the cent.
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.analysis import narrative
from dashboard.analysis import views as analysis
from dashboard.analysis.views import View
from dashboard.data.store import Store, TradeQuery
from dashboard.reference.baskets import starter_baskets
from dashboard.reference.names import base_registry

PAGES = ("overview", "partners", "commodities")
MEASURES = ["value_usd", "net_kg", "quantity"]


def page_update(store: Store, page: str, reporter: str, year: int) -> dict[str, object]:
    """Every analysis call ``page`` makes for a reporter and year (USD, turnover)."""
    view = View(reporter=reporter, year=year, hs_level=2)
    if page == "overview":
        # As the app's cache does: one partner frame and one set of KPIs serve the page's
        # cards and ranking and its summary paragraph.
        figures, partners = analysis.kpis(store, view), analysis.partner_frame(store, view)
        return {
            "kpis": figures,
            "annual_trend": analysis.annual_trend(store, view),
            "monthly_trend": analysis.monthly_trend(store, view),
            "top_partners": analysis.top_partners(store, view, n=10, frame=partners),
            "top_commodities": analysis.top_commodities(store, view, n=10),
            # The shipped baskets and bundled names: the pandas twin has no definitions table.
            "narrative": narrative.render(narrative.build_facts(
                store, view, baskets=starter_baskets(), registry=base_registry(),
                partner_frame=partners, figures=figures), "ru"),
        }
    if page == "partners":
        table = analysis.top_partners(store, view, n=None)
        chosen = tuple(table["partner"].head(5))
        return {"partners": table, "partner_trend": analysis.partner_trend(store, view, chosen)}
    if page == "commodities":
        goods = analysis.commodity_frame(store, view, level=4)
        return {
            "commodity_frame": goods,
            "chapters": analysis.top_commodities(store, view, n=None),
            # The app ranks headings from the same cached HS-4 frame (ui/queries.py).
            "headings": analysis.top_commodities(store, View(reporter, year, hs_level=4), n=None,
                                                 frame=goods),
        }
    raise ValueError(page)


class PandasTrade:
    """The store's query surface answered naively from one in-memory canonical frame."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def _rows(self, query: TradeQuery, *, monthly: bool) -> pd.DataFrame:
        f = self.frame
        mask = np.ones(len(f), dtype=bool)
        if query.reporter is not None:
            mask &= (f["reporter"] == query.reporter).to_numpy()
        for column, values in (("partner", query.partners), ("flow", query.flows),
                               ("year", query.years), ("month", query.months),
                               ("dataset_id", query.dataset_ids)):
            if values is not None and column in f.columns:
                mask &= f[column].isin(list(values)).to_numpy()
        if query.hs_prefix:
            mask &= f["hs_code"].str.startswith(query.hs_prefix).fillna(False).to_numpy()
        if monthly or query.months is not None:
            mask &= f["month"].notna().to_numpy()
        return f.loc[mask]

    def aggregate(self, by: Sequence[str], query: TradeQuery = TradeQuery(), *,
                  hs_level: int | None = None) -> pd.DataFrame:
        rows = self._rows(query, monthly="month" in by)
        if "hs_code" in by and hs_level is not None:
            hs = rows["hs_code"]
            rows = rows.assign(hs_code=hs.where(hs.str.startswith("X"), hs.str[:hs_level]))
        if not by:
            return rows[MEASURES].sum(min_count=1).to_frame().T
        return (rows.groupby(list(by), dropna=False, sort=True)[MEASURES]
                .sum(min_count=1).reset_index())

    def months_present(self, query: TradeQuery = TradeQuery()) -> pd.DataFrame:
        rows = self._rows(query, monthly=True)
        return rows[["year", "month"]].drop_duplicates().sort_values(["year", "month"])

    def distinct(self, column: str, query: TradeQuery = TradeQuery()) -> list:
        return sorted(self._rows(query, monthly=False)[column].dropna().unique().tolist())


def canonical_frame(path: Path) -> pd.DataFrame:
    """The FCS file as the canonical frame, with pandas only (the naive way)."""
    from bench.step import NUMBERS, TEXT, _layout
    from dashboard.data.sources.fcs import UNKNOWN_PARTNER
    from dashboard.reference.regions import regions

    sep, encoding = _layout(path)
    raw = pd.read_csv(path, sep=sep, encoding=encoding, decimal=",",
                      keep_default_na=False, na_values=[""],  # Namibia is "NA"
                      dtype={c: str for c in TEXT} | {c: "float64" for c in NUMBERS})
    table = regions()
    iso = dict(zip(table["fcs_code"], table["iso_code"], strict=True))
    hs = raw["tnved"].str.upper()
    return pd.DataFrame({
        "reporter": raw["Region"].str[:5].map(iso),
        "partner": raw["strana"].fillna(UNKNOWN_PARTNER).str.upper(),
        "flow": raw["napr"].map({"ЭК": "export", "ИМ": "import"}),
        "year": raw["period"].str[3:7].astype("int16"),
        "month": raw["period"].str[:2].astype("int8"),
        "hs_code": hs.where(hs.str.startswith("X"), hs.str.zfill(10)),
        "value_usd": raw["Stoim"],
        "net_kg": raw["Netto"],
        "quantity": raw["Kol"].where(raw["edizm"].notna()),
        "unit": raw["edizm"],
    })


class Timed:
    """A store (or PandasTrade) that adds up the seconds spent in its queries."""

    QUERIES = ("aggregate", "distinct", "months_present")

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.spent = 0.0

    def __getattr__(self, name: str) -> object:
        attr = getattr(self.inner, name)
        if name not in self.QUERIES:
            return attr

        def timed(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - started

        return timed


def same_answers(ours: dict[str, object], theirs: dict[str, object], where: str) -> None:
    """Raise AssertionError naming the first answer that differs beyond rounding."""
    for name, mine in ours.items():
        other = theirs[name]
        label = f"{where} {name}"
        if isinstance(mine, str):
            assert mine == other, f"{label}: {mine!r} != {other!r}"
            continue
        if isinstance(mine, dict):
            for key, kpi in mine.items():
                for field in ("value", "previous", "change", "change_pct"):
                    a, b = getattr(kpi, field), getattr(other[key], field)
                    assert (math.isnan(a) and math.isnan(b)) or math.isclose(
                        a, b, rel_tol=1e-9, abs_tol=1e-6), f"{label} {key}.{field}: {a} != {b}"
            continue
        left = mine.reset_index(drop=True)
        right = other.reset_index(drop=True)
        assert list(left.columns) == list(right.columns), f"{label}: columns differ"
        assert len(left) == len(right), f"{label}: {len(left)} rows != {len(right)}"
        for column in left.columns:
            a, b = left[column], right[column]
            if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
                ok = np.isclose(a.astype("float64"), b.astype("float64"), rtol=1e-9,
                                atol=1e-6, equal_nan=True)
                assert ok.all(), f"{label}.{column}: first difference at row {int(np.argmin(ok))}"
            else:
                assert a.astype(object).where(a.notna(), None).tolist() == b.astype(
                    object).where(b.notna(), None).tolist(), f"{label}.{column}: values differ"


def _timed(target: Timed, page: str, reporter: str, year: int,
           runs: int) -> tuple[dict[str, list[float]], dict[str, object]]:
    """Seconds of the whole update and of its queries alone, per run; and the last answers."""
    times: dict[str, list[float]] = {"update": [], "queries": []}
    answer: dict[str, object] = {}
    for _ in range(runs):
        target.spent = 0.0
        started = time.perf_counter()
        answer = page_update(target, page, reporter, year)  # type: ignore[arg-type]
        times["update"].append(time.perf_counter() - started)
        times["queries"].append(target.spent)
    return times, answer


def _stats(times: dict[str, list[float]]) -> dict[str, float]:
    return {
        "p50": float(np.percentile(times["queries"], 50)),
        "p95": float(np.percentile(times["queries"], 95)),
        "update_p50": float(np.percentile(times["update"], 50)),
        "update_p95": float(np.percentile(times["update"], 95)),
        "runs": len(times["queries"]),
    }


def measure(store_path: str, csv_path: Path, regions: list[str], year: int, runs: int,
            pandas_runs: int) -> dict:
    """First call, warm p50/p95 per page and region, the pandas baseline, and the check.

    ``p50``/``p95`` are the seconds spent in the store's queries during one page update;
    ``update_*`` add the pandas transforms that turn the small results into tables.
    """
    started = time.perf_counter()
    store = Timed(Store(store_path, keep_open=True))
    page_update(store, "overview", regions[0], year)  # type: ignore[arg-type]
    result: dict = {"first_call_s": time.perf_counter() - started,
                    "first_call_queries_s": store.spent, "pages": {}}
    answers: dict[tuple[str, str], dict] = {}
    for reporter in regions:
        for page in PAGES:
            times, answers[page, reporter] = _timed(store, page, reporter, year, runs)
            result["pages"][f"{page}/{reporter}"] = {"oborot": _stats(times)}
    store.inner.close()  # type: ignore[attr-defined]

    loaded = time.perf_counter()
    frame = Timed(PandasTrade(canonical_frame(csv_path)))
    result["pandas_load_s"] = time.perf_counter() - loaded
    for reporter in regions:
        for page in PAGES:
            times, theirs = _timed(frame, page, reporter, year, pandas_runs)
            same_answers(answers[page, reporter], theirs, f"{page}/{reporter}")
            entry = result["pages"][f"{page}/{reporter}"]
            entry["pandas"] = _stats(times)
            entry["speedup"] = entry["pandas"]["p50"] / entry["oborot"]["p50"]
            entry["update_speedup"] = (entry["pandas"]["update_p50"]
                                       / entry["oborot"]["update_p50"])
    result["answers_match"] = True
    result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result["cpu_seconds"] = sum(os.times()[:2])
    return result


def main(argv: list[str]) -> int:
    store, csv, regions, year, runs, pandas_runs = argv
    print(json.dumps(measure(store, Path(csv), regions.split(","), int(year), int(runs),
                             int(pandas_runs))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
