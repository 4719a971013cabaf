"""Two app instances on one PostgreSQL store; the CLI loads and deletes while both serve.

Each instance shows the new figures on its next page view, with no restart:
their caches are keyed on the store's version, which every writer bumps.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from dashboard.core.config import DEMO_FILE, PROJECT_ROOT
from tests.conftest import ru_text
from tests.e2e.conftest import shot, start_app, wait_for_app


def _cli(store: str, *argv: str) -> str:
    done = subprocess.run([sys.executable, "-m", "dashboard", "--store", store, *argv],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OBOROT_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def two_instances(pg_url: str, tmp_path) -> Iterator[tuple[str, list[str]]]:
    """A store holding a small Tomsk file, served by two `streamlit run` processes."""
    small = tmp_path / "tomsk.csv"
    small.write_text(ru_text())
    _cli(pg_url, "ingest", str(small))
    started = [start_app(pg_url, env={"OBOROT_OFFLINE": "1"}) for _ in range(2)]
    yield pg_url, [url for _, url in started]
    for process, _ in started:
        process.terminate()
        process.wait(timeout=20)


def _turnover(page, url: str) -> str:
    page.goto(f"{url}/?reporter=RU-TOM&partner=KZ&year=2018")
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0
    return page.get_by_test_id("stMetric").first.inner_text()


def test_both_instances_show_a_load_and_a_delete_without_restart(page, browser, two_instances):
    store, urls = two_instances
    other = browser.new_page()
    views = list(zip((page, other), urls, strict=True))
    for view, url in views:
        assert "69,8" not in _turnover(view, url)  # the small file only
    loaded = _cli(store, "ingest", str(DEMO_FILE), "--json")
    dataset = loaded.split('"dataset_id": ')[1].split(",")[0]
    for view, url in views:
        assert "69,8" in _turnover(view, url)
    shot(page, "shared-after-load")
    _cli(store, "delete", dataset)
    for view, url in views:
        assert "69,8" not in _turnover(view, url)
    other.close()
