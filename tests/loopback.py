"""A real HTTP server on 127.0.0.1 that plays the outside services in their own formats.

Routes map (method, path) to a function of the request that returns (status,
headers, body).  Every request is recorded with its query, JSON body and the
time it arrived, so tests can check what was asked and how it was paced.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    at: float

    def json(self) -> object:
        return json.loads(self.body)


Reply = tuple[int, dict[str, str], bytes]
Route = Callable[[Request], Reply]


@dataclass
class Loopback:
    url: str
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def to(self, method: str, path: str) -> list[Request]:
        """The requests made to one route, in order."""
        return [r for r in self.requests if r.method == method and r.path == path]


def send(handler: http.server.BaseHTTPRequestHandler, status: int, headers: dict[str, str],
         body: bytes) -> None:
    """Answer with ``status``, ``headers``, a Content-Length and ``body``; a client that
    gave up waiting is not an error."""
    try:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


@contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free port of 127.0.0.1 and yield its base URL; stop it afterwards."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _handler(server: Loopback) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(self.command, parts.path,
                              {k: v[0] for k, v in parse_qs(parts.query).items()},
                              self.rfile.read(length) if length else b"", time.monotonic())
            server.requests.append(request)
            route = server.routes.get((self.command, parts.path))
            status, headers, body = (route(request) if route else
                                     (404, {"Content-Type": "text/html"}, b"<h1>Not Found</h1>"))
            send(self, status, headers, body)

        do_GET = do_POST = _serve  # noqa: N815 - the http.server API

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def loopback() -> Iterator[Loopback]:
    """Start a server on a free port; stop it afterwards."""
    state = Loopback(url="")
    with serving(_handler(state)) as url:
        state.url = url
        yield state


# -- the customs portal ------------------------------------------------------------------

FCS_HEADER = "napr\tperiod\tstrana\ttnved\tedizm\tStoim\tNetto\tKol\tRegion\tRegion_s"
TOMSK = "69000 - ТОМСКАЯ ОБЛАСТЬ\t06-СИБИРСКИЙ ФЕДЕРАЛЬНЫЙ ОКРУГ"


def tomsk_rows(year: int, month: int) -> list[str]:
    """Two DATTSVT lines of a month: export to KZ of 1000*(year-2016)+month USD, import
    from CN of 10*month USD."""
    period = f"{month:02d}/{year}"
    return [f"ЭК\t{period}\tKZ\t3901109000\t\t{1000 * (year - 2016) + month},00\t10\t0\t{TOMSK}",
            f"ИМ\t{period}\tCN\t8471300000\t796\t{10 * month},00\t1\t2\t{TOMSK}"]


def months_of(period: list[dict[str, str]]) -> list[tuple[int, int]]:
    """The months a portal filter's period ranges cover (start is the day before the first)."""
    from datetime import date, timedelta

    found: list[tuple[int, int]] = []
    for item in period:
        first = date.fromisoformat(item["start"]) + timedelta(days=1)
        end = date.fromisoformat(item["end"])
        for index in range(first.year * 12 + first.month - 1, end.year * 12 + end.month):
            found.append((index // 12, index % 12 + 1))
    return found


def dattsvt(lines: list[str], kind: str = "zip") -> bytes:
    """DATTSVT in one of the shapes the portal sends: zip of the CSV, bare CSV, or XLSX."""
    import io
    import zipfile

    text = "\n".join([FCS_HEADER, *lines]) + "\n"
    if kind == "csv":
        return text.encode("utf-8")
    buffer = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("DATTSVT.csv", text.encode("utf-8"))
        return buffer.getvalue()
    import xlsxwriter

    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("DATTSVT")
    for r, line in enumerate(text.splitlines()):
        for c, cell in enumerate(line.split("\t")):
            sheet.write_string(r, c, cell)
    book.close()
    return buffer.getvalue()


def serve_portal(server: Loopback, published: Callable[[int, int], list[str]], *,
                 kind: str = "zip", estimate: bool = True) -> None:
    """The portal's UnloadData (and size estimate) answering from ``published(year, month)``."""

    def lines(request: Request) -> list[str]:
        body = request.json()
        assert isinstance(body, dict)
        return [line for y, m in months_of(body["period"]) for line in published(y, m)]

    def unload(request: Request) -> Reply:
        found = lines(request)
        return 200, {"Content-Type": "application/octet-stream"}, dattsvt(found, kind)

    def size(request: Request) -> Reply:
        return 200, {"Content-Type": "application/json"}, str(
            len(dattsvt(lines(request), "csv")) if lines(request) else 0).encode()

    server.routes[("POST", "/api/DataAnalysis/UnloadData")] = unload
    if estimate:
        server.routes[("POST", "/api/DataAnalysis/CalcEstimatedUnloadSize")] = size


# -- the banks and UN Comtrade -------------------------------------------------------------


def serve_cbr(server: Loopback, published: dict[str, float]) -> None:
    """XML_dynamic for USD (R01235): the records of ``published`` (ISO date -> RUB) in range."""
    from datetime import datetime

    def dynamic(request: Request) -> Reply:
        first = datetime.strptime(request.query["date_req1"], "%d/%m/%Y").date()
        last = datetime.strptime(request.query["date_req2"], "%d/%m/%Y").date()
        records = "".join(
            f'<Record Date="{day[8:10]}.{day[5:7]}.{day[:4]}" Id="R01235"><Nominal>1</Nominal>'
            f'<Value>{str(value).replace(".", ",")}</Value></Record>'
            for day, value in sorted(published.items())
            if first.isoformat() <= day <= last.isoformat())
        body = (f'<?xml version="1.0" encoding="windows-1251"?><ValCurs ID="R01235" '
                f'DateRange1="{first:%d.%m.%Y}" DateRange2="{last:%d.%m.%Y}" '
                f'name="Foreign Currency Market Dynamic">{records}</ValCurs>')
        return 200, {"Content-Type": "application/xml"}, body.encode("cp1251")

    server.routes[("GET", "/scripts/XML_dynamic.asp")] = dynamic


def serve_ecb(server: Loopback, published: dict[str, float]) -> None:
    """The ECB Data Portal's SDMX-CSV for USD; 404 when nothing is in range (as it does)."""

    def data(request: Request) -> Reply:
        first, last = request.query["startPeriod"], request.query["endPeriod"]
        lines = [f"EXR.D.USD.EUR.SP00.A,D,USD,EUR,SP00,A,{day},{value}"
                 for day, value in sorted(published.items()) if first <= day <= last]
        if not lines:
            return 404, {"Content-Type": "text/plain"}, b"No results found."
        header = "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE"
        return 200, {"Content-Type": "text/csv"}, "\n".join([header, *lines]).encode()

    server.routes[("GET", "/service/data/EXR/D.USD.EUR.SP00.A")] = data


def serve_comtrade(server: Loopback, replies: dict[tuple[str, str], str]) -> None:
    """The keyless preview: (period, flowCode) -> a fixture file name; else an empty answer."""
    from pathlib import Path

    folder = Path(__file__).parent / "fixtures" / "comtrade"

    def preview(request: Request) -> Reply:
        name = replies.get((request.query["period"], request.query["flowCode"]), "empty.json")
        return 200, {"Content-Type": "application/json"}, (folder / name).read_bytes()

    server.routes[("GET", "/public/v1/preview/C/A/HS")] = preview
