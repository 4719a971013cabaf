"""Helpers for AppTest: a demo store per module and clean Streamlit caches."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.core.config import DEMO_FILE, PROJECT_ROOT
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store

APP = str(PROJECT_ROOT / "app.py")


def demo_store(path: Path) -> Path:
    """A real DuckDB file holding the bundled demo data."""
    store = Store(path)
    ingest_file(store, DEMO_FILE, name="Demo (synthetic)")
    return path


def clear_caches() -> None:
    """st.cache_* survive between AppTest runs in one process: forget them."""
    st.cache_data.clear()
    st.cache_resource.clear()


def open_app(query: dict[str, str] | None = None, *, timeout: float = 60) -> AppTest:
    """Run the app once (Overview), optionally with URL query parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _page_script(page: str) -> None:
    """Run one page the way app.py does: access gate, sidebar filters, ticker, then the page."""
    import importlib

    from dashboard.ui.widgets.auth import gate
    from dashboard.ui.widgets.filters import current_lang, sidebar_filters
    from dashboard.ui.widgets.ticker import ticker

    gate()
    filters = sidebar_filters()
    ticker(filters.lang if filters else current_lang())
    importlib.import_module(f"dashboard.ui.pages.{page}").render()


def open_page(page: str, *, timeout: float = 60, **params: str) -> AppTest:
    """Run one page (Tomsk, 2018, all partners unless ``params`` say otherwise)."""
    at = AppTest.from_function(_page_script, default_timeout=timeout, args=(page,))
    for key, value in {"reporter": "RU-TOM", "year": "2018", "partner": "*", **params}.items():
        at.query_params[key] = value
    return at.run()
