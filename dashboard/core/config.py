"""Settings from environment variables; read when asked, never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
        fcs_pause_s=float(env("OBOROT_FCS_PAUSE_S", "3")),
        fcs_timeout_s=float(env("OBOROT_FCS_TIMEOUT_S", "120")),
        http_timeout=float(env("OBOROT_HTTP_TIMEOUT", "5")),
        max_upload_mb=int(env("OBOROT_MAX_UPLOAD_MB", "500")),
        max_rows=int(env("OBOROT_MAX_ROWS", "50000000")),
        default_reporter=env("OBOROT_DEFAULT_REPORTER", "RU-TOM"),
        default_partner=env("OBOROT_DEFAULT_PARTNER", "KZ"),
    )
