"""Shared fixtures: real stores (a DuckDB file, a PostgreSQL schema), FCS files in their layouts."""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import psycopg
import pytest
from streamlit.components.v2 import manifest_scanner

from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store
from scripts.pg_cluster import Cluster, Unavailable

# -- No network beyond loopback ------------------------------------------------------------
#
# The rule: a test reaches only 127.0.0.1/::1 (its own fake servers, a Streamlit server
# it started) or a fake at the requests boundary (``responses``).  Two layers keep it so:
#
# 1. The environment is offline before any test runs (set here, at import, so that every
#    subprocess a test starts -- the CLI, a Streamlit server for the browser tests --
#    inherits it without any sitecustomize).  A test that exercises a source online
#    removes OBOROT_OFFLINE itself and points OBOROT_*_URL at a loopback fake or
#    registers ``responses`` for the publisher's URL.
# 2. In this process, every socket connect and name lookup for a non-loopback address
#    is refused with ``NetworkBlocked`` (an OSError, so the code under test takes its
#    "no network" path) and recorded; the test during which it happened then fails at
#    teardown, also when the attempt came from a background thread.
os.environ["OBOROT_OFFLINE"] = "1"


class NetworkBlocked(OSError):
    """A test tried to reach beyond loopback."""


_ATTEMPTS: list[str] = []
_ATTEMPTS_LOCK = threading.Lock()
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _is_loopback(host: object) -> bool:
    if host is None or host == "":
        return True  # getaddrinfo(None, port): the local machine
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    text = str(host).strip("[]").split("%")[0].lower()
    if text in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    with _ATTEMPTS_LOCK:
        _ATTEMPTS.append(f"{what} (thread {threading.current_thread().name})")
    raise NetworkBlocked(f"tests must not reach beyond loopback: {what}")


_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if not _is_loopback(host):
        _refuse(f"name lookup of {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _checked_address(sock: socket.socket, address: object) -> None:
    if (sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple)
            and not _is_loopback(address[0])):
        _refuse(f"connection to {address[0]}:{address[1]}")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _checked_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _checked_address(self, address)
    return _real_connect_ex(self, address)


socket.getaddrinfo = _guarded_getaddrinfo
socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _no_network_beyond_loopback() -> object:
    """Fail the test during which anything tried to reach beyond loopback."""
    with _ATTEMPTS_LOCK:
        seen = len(_ATTEMPTS)
    yield
    with _ATTEMPTS_LOCK:
        attempts = _ATTEMPTS[seen:]
    if attempts:
        pytest.fail("network beyond loopback was attempted: " + "; ".join(attempts),
                    pytrace=False)


# AppTest looks for Streamlit components in every installed package's metadata before
# each new app's first run: half a second, several hundred times a suite.  The packages
# do not change during a test run, so the scan is made once per process.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests)


RU_HEADER = "napr\tperiod\tstrana\ttnved\tedizm\tStoim\tNetto\tKol\tRegion\tRegion_s"
TOMSK = "69000 - ТОМСКАЯ ОБЛАСТЬ\t06-СИБИРСКИЙ ФЕДЕРАЛЬНЫЙ ОКРУГ"

# A small hand-countable FCS file: Tomsk with KZ and CN over two years.
#   2017 KZ: export 100 + import 50 = 150;  2018 KZ: export 300,5 + import 20 = 320.5
#   2018 CN: export 1000 (of which confidential 400); turnover rank 2018: CN 1, KZ 2
RU_ROWS = [
    f"ЭК\t01/2017\tKZ\t3901109000\t\t100,00\t10,5\t0\t{TOMSK}",
    f"ИМ\t02/2017\tKZ\t0702000000\t166\t50,00\t500\t500\t{TOMSK}",
    f"ЭК\t01/2018\tKZ\t3901109000\t\t300,50\t20\t0\t{TOMSK}",
    f"ИМ\t03/2018\tKZ\t2501009100\t166\t20,00\t1000\t1000\t{TOMSK}",
    f"ЭК\t05/2018\tCN\t4407109100\t113\t600,00\t3000\t5,5\t{TOMSK}",
    f"ЭК\t05/2018\tCN\tXXXXXXXXXX\t\t400,00\t0\t0\t{TOMSK}",
]


def ru_text(rows: list[str] | None = None, *, sep: str = "\t", newline: str = "\n") -> str:
    """The Russian-header FCS layout as text."""
    lines = [RU_HEADER, *(RU_ROWS if rows is None else rows)]
    return newline.join(line.replace("\t", sep) for line in lines) + newline


ENGINES = ["duckdb", "postgres"]


@pytest.fixture(params=ENGINES)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh, empty store lives: a DuckDB file path or a PostgreSQL URL (own schema)."""
    if request.param == "postgres":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "store.duckdb")


@pytest.fixture
def store(store_target: str) -> Iterator[Store]:
    """A fresh, empty store on each engine in turn (a real file, a real server)."""
    with Store(store_target) as opened:
        yield opened


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL database the tests may use freely.

    ``OBOROT_TEST_PG_URL`` when set (``make test`` starts one throwaway cluster for
    all workers); otherwise a throwaway cluster of this test process.  Without a
    server the PostgreSQL tests are skipped with the reason, except where
    ``OBOROT_TEST_PG_REQUIRED=1`` (CI) makes that a failure.
    """
    url = os.environ.get("OBOROT_TEST_PG_URL")
    if url:
        yield url
        return
    reason = os.environ.get("OBOROT_TEST_PG_SKIP")
    cluster = None
    if reason is None:
        try:
            cluster = Cluster().start()
        except Unavailable as exc:
            reason = str(exc)
    if cluster is None:
        if os.environ.get("OBOROT_TEST_PG_REQUIRED") == "1":
            pytest.fail(f"PostgreSQL is required here: {reason}")
        pytest.skip(f"no PostgreSQL: {reason}")
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL whose connections see only a fresh, empty schema (dropped afterwards)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in pg_server else "?"
    yield f"{pg_server}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write text (in an encoding) or bytes to a file, optionally zipped as DATTSVT.csv."""

    def write(name: str, content: str | bytes, *, encoding: str = "utf-8",
              zip_member: str | None = None) -> Path:
        data = content.encode(encoding) if isinstance(content, str) else content
        path = tmp_path / name
        if zip_member is None:
            path.write_bytes(data)
        else:
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(zip_member, data)
        return path

    return write


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real DuckDB file with the bundled demo data, shared by a test module (read only)."""
    from tests.apptest import demo_store

    return demo_store(tmp_path_factory.mktemp("demo") / "demo.duckdb")


@pytest.fixture
def demo_env(demo_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the app at the demo store, offline, with Streamlit's caches cleared around."""
    from tests.apptest import clear_caches

    monkeypatch.setenv("OBOROT_STORE", str(demo_path))
    monkeypatch.setenv("OBOROT_OFFLINE", "1")
    clear_caches()
    yield demo_path
    clear_caches()


RATE_FIXTURES = Path(__file__).parent / "fixtures" / "rates"


def rate_body(name: str) -> bytes:
    """A recorded bank response, byte for byte."""
    return (RATE_FIXTURES / name).read_bytes()


@pytest.fixture
def publisher_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The publishers' own hosts and timeouts, online (what `responses` fakes)."""
    for name in ("OBOROT_CBR_URL", "OBOROT_NBK_URL", "OBOROT_ECB_URL", "OBOROT_OFFLINE",
                 "OBOROT_HTTP_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


def make_loaded(path: Path | str, directory: Path | None = None) -> Path | str:
    """A store (a file path, or a URL with ``directory`` for the FCS file) holding one good
    FCS dataset and two official rates."""
    good = (directory / "good.csv") if directory is not None else Path(path).with_name("good.csv")
    good.write_text(ru_text())
    with Store(path, keep_open=True) as store:
        ingest_file(store, good)
        store.upsert_rates(pd.DataFrame({
            "date": ["2018-09-01", "2018-09-04"], "currency": ["USD", "USD"],
            "quote": ["RUB", "RUB"], "rate": [68.0447, 67.7443], "source": ["cbr", "cbr"]}))
    return path
