"""The customs statistics portal: the download its own "Выгрузка" button makes.

``POST {OBOROT_FCS_URL}/api/DataAnalysis/UnloadData`` with the JSON filter
(direction, export type, federal districts, period ranges, subjects, TN VED
codes and level) answers with the file itself: a zip holding ``DATTSVT.csv``,
a bare CSV or an XLSX workbook, told apart here by content, never by the
headers the portal sends.  ``CalcEstimatedUnloadSize`` with the same filter
gives a size estimate first.  What of this could not be checked against the
real portal is listed in docs/formats.md ("Customs portal download").
"""

from __future__ import annotations

import json
import logging
import time
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

from dashboard.core.config import settings
from dashboard.core.errors import SchemaError, SourceError
from dashboard.data.sources import http
from dashboard.data.sources.fcs import PUBLICATION_GAP

log = logging.getLogger(__name__)

SOURCE = "FCS portal"
UNLOAD_PATH = "/api/DataAnalysis/UnloadData"
ESTIMATE_PATH = "/api/DataAnalysis/CalcEstimatedUnloadSize"
HS_LEVELS = (2, 4, 6, 8, 10)
MAX_REPLY_BYTES = 500 << 20  # a year of one region at 10 digits is a few MB


@dataclass(frozen=True)
class Months:
    """A run of calendar months, first to last inclusive, as (year, month) pairs."""

    first: tuple[int, int]
    last: tuple[int, int]

    def label(self) -> str:
        """'2018-01..2018-12'."""
        return f"{self.first[0]:04d}-{self.first[1]:02d}..{self.last[0]:04d}-{self.last[1]:02d}"

    def pairs(self) -> list[tuple[int, int]]:
        """Every (year, month) of the run, in order."""
        return [_pair(i) for i in range(_index(self.first), _index(self.last) + 1)]


def _index(pair: tuple[int, int]) -> int:
    return pair[0] * 12 + pair[1] - 1


def _pair(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def runs_by_year(months: set[tuple[int, int]]) -> list[Months]:
    """Contiguous runs of the months, cut at each new year (one portal request each)."""
    runs: list[Months] = []
    for pair in sorted(months):
        last = runs[-1] if runs else None
        if last and _index(pair) == _index(last.last) + 1 and pair[0] == last.last[0]:
            runs[-1] = Months(last.first, pair)
        else:
            runs.append(Months(pair, pair))
    return runs


def unload_filter(region: str, months: Months, *, hs_level: int = 10) -> dict[str, object]:
    """The JSON body the portal's download button sends for one region and run of months.

    ``start`` is the day before the run's first month, as in the requests public
    scripts copy from the browser; ``end`` is the run's last day.
    """
    if hs_level not in HS_LEVELS:
        raise SchemaError("--hs-level", "2, 4, 6, 8 or 10", found=str(hs_level))
    start = date(*months.first, 1) - timedelta(days=1)
    year, month = _pair(_index(months.last) + 1)
    end = date(year, month, 1) - timedelta(days=1)
    return {
        "direction": "",  # both flows
        "exportType": "Csv",
        "federalDistricts": [],
        "period": [{"start": start.isoformat(), "end": end.isoformat()}],
        "subjects": [region],
        "tnved": [],
        "tnvedLevel": hs_level,
    }


class Pacer:
    """Keeps ``pause_s`` seconds between the end of one portal request and the next."""

    def __init__(self, pause_s: float) -> None:
        self.pause_s = pause_s
        self._last: float | None = None

    def __enter__(self) -> Pacer:
        if self._last is not None:
            remaining = self.pause_s - (time.monotonic() - self._last)
            if remaining > 0:
                time.sleep(remaining)
        return self

    def __exit__(self, *exc: object) -> None:
        self._last = time.monotonic()


def estimate(body: dict[str, object], *, pacer: Pacer) -> int | None:
    """The portal's size estimate for the filter, or None when it gives none.

    The estimate endpoint is optional: a missing one (HTTP 404/405) or an answer
    without a number means "no estimate", not a failure.
    """
    url = settings().fcs_url + ESTIMATE_PATH
    try:
        with pacer:
            reply = http.post(url, json=body, source=SOURCE, allow_empty=True)
    except http.HTTPStatusError as exc:
        log.info("fcs portal: no size estimate (HTTP %s)", exc.status)
        return None
    return _number(reply)


def _number(reply: bytes) -> int | None:
    """A count from a JSON number, a JSON object holding one, or plain text."""
    try:
        payload = json.loads(reply)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(payload, bool):
        return None
    if isinstance(payload, int | float):
        return int(payload)
    if isinstance(payload, str) and payload.strip().isdigit():
        return int(payload)
    if isinstance(payload, dict):
        for value in payload.values():
            if isinstance(value, int | float) and not isinstance(value, bool):
                return int(value)
    return None


@dataclass(frozen=True)
class Reply:
    """One downloaded file: its bytes and what the content says it is."""

    body: bytes
    kind: str  # "zip", "xlsx", "xls", "csv", or "empty" (no data for the period)
    file_name: str  # a name for the dataset list, by kind


def download(body: dict[str, object], *, pacer: Pacer, label: str) -> Reply:
    """POST the filter to UnloadData; the reply classified by content (SourceError if no file)."""
    config = settings()
    url = config.fcs_url + UNLOAD_PATH
    try:
        with pacer:
            reply = http.post(url, json=body, source=SOURCE, max_bytes=MAX_REPLY_BYTES,
                              total_s=config.fcs_timeout_s, allow_empty=True)
    except http.HTTPStatusError as exc:
        if 400 <= exc.status < 500 and exc.status != 429:
            raise SourceError(SOURCE, f"{label}: the portal refused the request (HTTP "
                              f"{exc.status}); its filter format may have changed, see "
                              "docs/formats.md") from None
        raise
    return classify(reply, label=label)


def classify(reply: bytes, *, label: str) -> Reply:
    """What a reply is, by its first bytes: an archive, a workbook, CSV, or a refusal."""
    head = reply[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        return Reply(reply, "empty", "")
    if reply.startswith(b"PK"):
        try:
            with zipfile.ZipFile(BytesIO(reply)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            raise SourceError(SOURCE, f"{label}: the portal sent a broken zip archive") from None
        if "[Content_Types].xml" in names:
            return Reply(reply, "xlsx", "DATTSVT.xlsx")
        return Reply(reply, "zip", "DATTSVT.zip")
    if reply.startswith(b"\xd0\xcf\x11\xe0"):
        return Reply(reply, "xls", "DATTSVT.xls")
    if head[:1] in (b"{", b"["):
        raise SourceError(SOURCE, f"{label}: {_json_message(head, reply)}")
    if head[:1] == b"<":
        raise SourceError(SOURCE, f"{label}: the portal answered with a web page instead of a "
                          "file (it may be down, refusing automated requests, or have changed "
                          "its download)")
    return Reply(reply, "csv", "DATTSVT.csv")


def _json_message(head: bytes, reply: bytes) -> str:
    try:
        payload = json.loads(reply)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return f"the portal answered something that is not a file (starts {head[:40]!r})"
    if isinstance(payload, dict):
        for key in ("message", "Message", "error", "title", "detail"):
            if isinstance(payload.get(key), str) and payload[key].strip():
                return f"the portal refused the request: {payload[key].strip()[:200]}"
    return "the portal answered JSON instead of a file (its download may have changed)"


def no_data_reason(months: Months) -> str:
    """Why a period can come back empty, naming the publication pause where it applies."""
    years = {months.first[0], months.last[0]}
    if years & set(PUBLICATION_GAP):
        return (f"the customs service paused regional statistics from early "
                f"{PUBLICATION_GAP[0]} to early {PUBLICATION_GAP[1]}")
    return "not published yet?"
