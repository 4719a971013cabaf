"""One shared HTTP session for every outside service (banks, UN Comtrade).

Retries (urllib3 ``Retry``: 3 attempts, backoff 0.5 s, on 429/5xx, honouring
``Retry-After``), explicit (connect, read) timeouts from settings and a
``User-Agent`` naming Oborot.  ``get`` turns every failure into a ``SourceError``
with a one-line message; query strings are never logged or shown, because a
service may take its key there.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from dashboard import __version__
from dashboard.core.config import settings
from dashboard.core.errors import SourceError

log = logging.getLogger(__name__)

USER_AGENT = f"Oborot/{__version__}"
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_BODY_BYTES = 200 << 20  # no rates or Comtrade answer comes near this


class HTTPStatusError(SourceError):
    """The service answered with a non-2xx status (kept in ``status``)."""

    def __init__(self, source: str, message: str, *, status: int) -> None:
        self.status = status
        super().__init__(source, message)


@functools.cache
def session() -> requests.Session:
    """The process-wide session with retries and the Oborot User-Agent."""
    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        retry_after_max=10,  # a server asking for hours must not hold a page or an update
        raise_on_status=False,  # hand back the last response so its status can be reported
    )
    adapter = HTTPAdapter(max_retries=retry)
    http = requests.Session()
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    http.headers["User-Agent"] = USER_AGENT
    return http


def site(url: str) -> str:
    """Scheme and host of a URL (what messages show; never the query string)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def get(
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    source: str,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """GET ``url`` and return the body; any failure becomes a ``SourceError`` for ``source``."""
    return request("GET", url, params=params, source=source, headers=headers)


def post(
    url: str,
    *,
    json: object,
    source: str,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    total_s: float | None = None,
    allow_empty: bool = False,
) -> bytes:
    """POST a JSON body and return the reply, like ``get`` (a POST is not retried on 5xx)."""
    return request("POST", url, json=json, source=source, headers=headers, max_bytes=max_bytes,
                   total_s=total_s, allow_empty=allow_empty)


def request(
    method: str,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    json: object = None,
    source: str,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    total_s: float | None = None,
    allow_empty: bool = False,
) -> bytes:
    """One request with the shared session, timeouts and size cap; failures -> SourceError.

    Each connect and read waits at most ``OBOROT_HTTP_TIMEOUT``; the whole body must
    arrive within ``total_s`` seconds (default twice that timeout).
    """
    config = settings()
    timeout = config.http_timeout
    host = site(url)
    where = f"{host}{urlsplit(url).path}"
    if config.offline:
        raise SourceError(source, f"offline mode (OBOROT_OFFLINE is set), not asking {host}")
    started = time.monotonic()
    try:
        response = session().request(
            method, url, params=params, json=json, headers=dict(headers or {}),
            timeout=(timeout, timeout), stream=True,
        )
        body = _read_body(response, deadline=started + (total_s or 2 * timeout), source=source,
                          host=host, max_bytes=max_bytes)
    except requests.exceptions.ConnectTimeout as exc:
        raise SourceError(source, f"cannot reach {host} (timeout after {timeout:g} s)") from exc
    except requests.exceptions.ReadTimeout as exc:
        raise SourceError(source, f"{host} did not answer within {timeout:g} s") from exc
    except requests.exceptions.RetryError as exc:
        raise SourceError(source, f"{host} kept failing after retries") from exc
    except requests.exceptions.ChunkedEncodingError as exc:
        raise SourceError(source, f"{host} broke off its answer") from exc
    except requests.exceptions.SSLError as exc:
        raise SourceError(source, f"cannot reach {host} (TLS/certificate error)") from exc
    except requests.exceptions.ConnectionError as exc:
        raise SourceError(source, f"cannot reach {host} (connection failed)") from exc
    except requests.exceptions.RequestException as exc:
        raise SourceError(source, f"request to {host} failed ({type(exc).__name__})") from exc
    elapsed = time.monotonic() - started
    log.info("%s: %s %s -> %s, %d bytes, %.2f s", source, method, where, response.status_code,
             len(body), elapsed)
    if not 200 <= response.status_code < 300:
        reason = f" {response.reason}" if response.reason else ""
        raise HTTPStatusError(
            source, f"{where} answered HTTP {response.status_code}{reason}",
            status=response.status_code,
        )
    if not body.strip() and not allow_empty:
        raise SourceError(source, f"{where} returned an empty response")
    return body


def _read_body(response: requests.Response, *, deadline: float, source: str, host: str,
               max_bytes: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, or SourceError when it trickles past the deadline or grows too large.

    ``timeout`` bounds each socket read only; a server sending a byte a second
    would otherwise hold the caller for as long as it likes.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        # read1 returns what has arrived (read(n) would wait for all n bytes).
        while chunk := response.raw.read1(1 << 16, decode_content=True):
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise SourceError(source, f"{host} sent more than {max_bytes >> 20} MB")
            if time.monotonic() > deadline:
                raise SourceError(source, f"{host} is too slow: its answer did not arrive in "
                                          "time")
    finally:
        response.close()
    return b"".join(chunks)
