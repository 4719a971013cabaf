"""The suite's network guard (tests/conftest.py): loopback only, background threads included."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading

import pytest
import requests

from dashboard.core.config import settings
from tests import conftest


def _take_attempts() -> list[str]:
    """The attempts recorded so far, forgotten so that this test itself passes."""
    with conftest._ATTEMPTS_LOCK:
        taken = list(conftest._ATTEMPTS)
        conftest._ATTEMPTS.clear()
    return taken


def test_the_suite_runs_offline_and_subprocesses_inherit_it() -> None:
    assert settings().offline


def test_a_lookup_or_connection_beyond_loopback_is_refused_and_recorded() -> None:
    with pytest.raises(conftest.NetworkBlocked):
        socket.getaddrinfo("www.cbr.ru", 443)
    with socket.socket() as sock, pytest.raises(conftest.NetworkBlocked):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("http://192.0.2.1/", timeout=1)
    attempts = _take_attempts()
    assert len(attempts) == 3
    assert "www.cbr.ru" in attempts[0] and "192.0.2.1:80" in attempts[1]


def test_an_attempt_from_a_background_thread_is_recorded_too() -> None:
    def refresh() -> None:
        # what a background refresh does with a failure: swallow it
        with contextlib.suppress(OSError):
            socket.create_connection(("203.0.113.5", 443), timeout=1)

    thread = threading.Thread(target=refresh, name="refresh")
    thread.start()
    thread.join()
    attempts = _take_attempts()
    assert len(attempts) == 1 and "203.0.113.5" in attempts[0] and "refresh" in attempts[0]


def test_loopback_servers_are_reachable() -> None:
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for host in ("127.0.0.1", "localhost"):
            url = f"http://{host}:{server.server_address[1]}/"
            assert requests.get(url, timeout=5).text == "ok"
    finally:
        server.shutdown()
        server.server_close()
    assert _take_attempts() == []
