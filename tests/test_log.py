"""Errors leave a trace: one log configuration, tracebacks under a reference the user sees."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.__main__ import main
from dashboard.core.log import configure, log_path, log_unexpected

REFERENCE = re.compile(r"E-[0-9a-f]{8}")


def _log_file() -> Path:
    path = configure()
    assert path is not None and path.exists()
    return path


def test_the_log_goes_beside_the_store_unless_oborot_log_says(monkeypatch, tmp_path):
    monkeypatch.delenv("OBOROT_LOG", raising=False)
    monkeypatch.setenv("OBOROT_STORE", str(tmp_path / "s.duckdb"))
    assert log_path() == tmp_path / "oborot.log"
    monkeypatch.setenv("OBOROT_LOG", str(tmp_path / "elsewhere.log"))
    assert log_path() == tmp_path / "elsewhere.log"


def test_configure_twice_adds_no_second_handler():
    configure()
    before = list(logging.getLogger("dashboard").handlers)
    configure()
    assert logging.getLogger("dashboard").handlers == before


def test_an_unexpected_error_is_logged_with_its_traceback_under_its_reference():
    path = _log_file()
    try:
        {}["missing"]
    except KeyError as exc:
        reference = log_unexpected(logging.getLogger("dashboard.test"), exc, "test step")
    text = path.read_text(encoding="utf-8")
    assert REFERENCE.fullmatch(reference)
    line = next(line for line in text.splitlines() if reference in line)
    assert "test step" in line and "KeyError" in line
    assert "Traceback" in text.split(reference, 1)[1]


def _failing_page() -> None:
    from dashboard.ui.widgets.errors import show_error

    try:
        {}["missing"]
    except KeyError as exc:
        show_error(exc)


def test_a_page_shows_one_friendly_line_with_the_reference_of_the_logged_traceback():
    path = _log_file()
    at = AppTest.from_function(_failing_page).run()
    assert not at.exception
    shown = at.error[0].value
    assert "KeyError" not in shown and "missing" not in shown
    reference = REFERENCE.search(shown).group(0)
    assert "Traceback" in path.read_text(encoding="utf-8").split(reference, 1)[1]


def test_the_cli_logs_an_unexpected_error_and_keeps_exit_code_1(tmp_path, capsys):
    path = _log_file()
    # The store's folder would sit where a file is: an OSError nobody turned into a user error.
    (tmp_path / "plain.txt").write_text("x")
    # (demo creates the store; a read command would say "no store here", exit 2).
    code = main(["--store", str(tmp_path / "plain.txt" / "s.duckdb"), "demo"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err  # one line on stderr; the traceback is in the file
    reference = REFERENCE.search(err).group(0)
    assert "Traceback" in path.read_text(encoding="utf-8").split(reference, 1)[1]
