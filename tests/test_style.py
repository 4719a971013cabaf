"""Cheap scans of the source for patterns the design rules out."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dashboard"
UI_ALLOWED = ("app/",)


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_layers_only_look_down_streamlit_stays_in_the_ui():
    leaks = [
        str(path.relative_to(PACKAGE)) for path in _sources()
        if re.search(r"^\s*(import streamlit|from streamlit)", path.read_text(), re.M)
        and not str(path.relative_to(PACKAGE)).startswith(UI_ALLOWED)
    ]
    assert leaks == []


SQL_FORMATTING = re.compile(
    r"""(execute|sql\s*=)\s*\(?\s*f?["'].*(SELECT|INSERT|DELETE|UPDATE).*(\.format\(|%\s*\()""",
    re.I,
)


def test_sql_is_never_built_with_format_or_percent():
    offenders = [str(p) for p in _sources() if SQL_FORMATTING.search(p.read_text())]
    assert offenders == []


def test_f_string_sql_only_in_the_store_and_marked():
    """f-string SQL may only splice whitelisted fragments, and says so with a noqa mark."""
    pattern = re.compile(r'f"[^"]*\b(SELECT|INSERT|DELETE|UPDATE)\b')
    for path in _sources():
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, 1):
            if pattern.search(line):
                around = lines[max(number - 2, 0): number + 1]
                assert any("noqa: S608" in n for n in around), f"{path}:{number}: {line.strip()}"


def test_no_unsafe_html_with_data():
    for path in _sources():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "unsafe_allow_html=True" in line:
                # Only fixed CSS strings may pass; the call must not format anything in.
                assert "f\"" not in line and ".format(" not in line, f"{path}:{number}"


@pytest.mark.skipif(not (Path(sys.executable).parent / "ruff").exists(), reason="ruff missing")
def test_ruff_is_clean():
    done = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "."], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
