"""Settings from environment variables; read when asked, never at import time."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from dashboard.core.errors import OborotError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STORE = PROJECT_ROOT / "data" / "oborot.duckdb"
DEMO_FILE = PROJECT_ROOT / "data" / "demo" / "DATTSVT.csv"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about one running Oborot."""

    store_path: Path
    offline: bool  # never touch the network (rates come from the store or bundled history)
    cbr_url: str  # scheme and host; the publisher's own paths are appended unchanged
    nbk_url: str
    ecb_url: str
    comtrade_url: str
    fcs_url: str  # the customs statistics portal (stat.customs.gov.ru)
    fcs_pause_s: float  # seconds between two requests to the portal (be polite)
    fcs_timeout_s: float  # seconds for a whole portal download (a region-year can be slow)
    http_timeout: float  # seconds, connect and read each
    max_upload_mb: int
    max_rows: int
    default_reporter: str
    default_partner: str


class SettingError(OborotError):
    """An ``OBOROT_*`` environment variable holds a value Oborot cannot use."""


_WHOLE = re.compile(r"^[0-9]{1,15}$")
_DECIMAL = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,6})?$")


def env_int(name: str, default: int, *, minimum: int = 1) -> int:
    """A whole number from ``name`` (plain digits: no ``5_6``, sign or exponent)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not _WHOLE.match(text) or int(text) < minimum:
        raise SettingError(f"{name}: expected a whole number of {minimum} or more "
                           f"(default {default}), found {text[:40]!r}")
    return int(text)


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    """A decimal number of ``minimum`` or more from ``name`` (``5`` or ``2.5``)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    value = float(text) if _DECIMAL.match(text) else math.nan
    if not value >= minimum:
        raise SettingError(f"{name}: expected a number of {minimum:g} or more such as "
                           f"{default:g}, found {text[:40]!r}")
    return value


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def settings(store: str | os.PathLike[str] | None = None) -> Settings:
    """Current settings; ``store`` (e.g. from ``--store``) wins over ``OBOROT_STORE``."""
    env = os.environ.get
    return Settings(
        store_path=Path(store or env("OBOROT_STORE") or DEFAULT_STORE),
        offline=_flag("OBOROT_OFFLINE"),
        cbr_url=env("OBOROT_CBR_URL", "https://www.cbr.ru").rstrip("/"),
        nbk_url=env("OBOROT_NBK_URL", "https://nationalbank.kz").rstrip("/"),
        ecb_url=env("OBOROT_ECB_URL", "https://data-api.ecb.europa.eu").rstrip("/"),
        comtrade_url=env("OBOROT_COMTRADE_URL", "https://comtradeapi.un.org").rstrip("/"),
        fcs_url=env("OBOROT_FCS_URL", "https://stat.customs.gov.ru").rstrip("/"),
        fcs_pause_s=env_float("OBOROT_FCS_PAUSE_S", 3.0, minimum=0.0),
        fcs_timeout_s=env_float("OBOROT_FCS_TIMEOUT_S", 120.0, minimum=0.1),
        http_timeout=env_float("OBOROT_HTTP_TIMEOUT", 5.0, minimum=0.1),
        max_upload_mb=env_int("OBOROT_MAX_UPLOAD_MB", 500, minimum=0),  # 0: no uploads
        max_rows=env_int("OBOROT_MAX_ROWS", 50_000_000),
        default_reporter=env("OBOROT_DEFAULT_REPORTER", "RU-TOM"),
        default_partner=env("OBOROT_DEFAULT_PARTNER", "KZ"),
    )
