"""Plotly figures -> PNG/SVG bytes, rendered on the server by kaleido in the system's Chromium.

kaleido 1.x drives a real headless Chromium.  Starting it costs a few seconds
(browser start), each further image well under one: so a ``Renderer`` keeps one
browser open for many images (a whole deck) and the UI keeps one per process.

Every wait is bounded: the browser start and each image give up after
``timeout`` seconds with a ``RenderError``, so a hung browser never hangs a
page or a CLI run.  kaleido's coroutines run on an event loop in a private
daemon thread; callers block only on a future with a timeout.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from dashboard.core.errors import OborotError

log = logging.getLogger(__name__)

FORMATS = ("png", "svg")
CHROMIUM_HINT = "PNG/SVG export needs Chromium: sudo apt-get install chromium"
# Tried in order after $BROWSER_PATH: Debian's package path, then names on PATH.
_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome",
               "google-chrome-stable")
_CLOSE_WAIT_S = 10.0


class ChromiumMissingError(OborotError):
    """No Chromium/Chrome to render images with (the message says how to install one)."""


class RenderError(OborotError):
    """The renderer failed or did not answer in time."""


def _executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def find_chromium() -> str:
    """Path of the browser to render with: $BROWSER_PATH, else Chromium/Chrome on this machine."""
    configured = os.environ.get("BROWSER_PATH", "").strip()
    if configured:
        if _executable(configured):
            return configured
        raise ChromiumMissingError(f"BROWSER_PATH={configured!r} is not an executable file. "
                                   f"{CHROMIUM_HINT}")
    for candidate in _CANDIDATES:
        found = candidate if candidate.startswith("/") else shutil.which(candidate)
        if found and _executable(found):
            return found
    raise ChromiumMissingError(CHROMIUM_HINT)


def chromium_available() -> bool:
    """True when ``find_chromium`` would succeed (cheap: looks at files, starts nothing)."""
    try:
        find_chromium()
    except ChromiumMissingError:
        return False
    return True


def _options(format: str, width: int, height: int, scale: float) -> dict[str, Any]:
    if format not in FORMATS:
        raise OborotError(f"image format must be one of {', '.join(FORMATS)}, got {format!r}")
    if width <= 0 or height <= 0 or scale <= 0:
        raise OborotError("image width, height and scale must be positive")
    return {"format": format, "width": width, "height": height, "scale": scale}


class Renderer:
    """One headless Chromium kept open for many images; a context manager.

    ``timeout`` (seconds) bounds the browser start and each image.  After a
    timeout the renderer closes itself (``alive`` turns False): a browser that
    stopped answering is not trusted with the next image.
    """

    def __init__(self, *, timeout: float = 60, browser: str | None = None) -> None:
        self.timeout = timeout
        self._browser = browser
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._lock = threading.Lock()
        self.started_s: float | None = None  # how long the browser took to start

    # -- lifecycle ------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        """True while the browser is open and answering."""
        return self._kaleido is not None

    def start(self) -> Renderer:
        """Open the browser (idempotent); ChromiumMissingError/RenderError when it cannot."""
        with self._lock:
            if self._kaleido is not None:
                return self
            browser = self._browser or find_chromium()
            import kaleido  # heavy import, only when an image is asked for

            began = time.monotonic()
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever,
                                            name="oborot-renderer", daemon=True)
            self._thread.start()

            async def open_browser() -> Any:
                # mathjax=False: the default fetches MathJax from a CDN; we use no LaTeX.
                instance = kaleido.Kaleido(path=browser, timeout=self.timeout, mathjax=False)
                await instance.open()
                return instance

            try:
                self._kaleido = self._wait(open_browser(), what="starting Chromium")
            except RenderError:
                self._stop_loop()
                raise
            except Exception as exc:  # kaleido/choreographer raise their own types
                self._stop_loop()
                if type(exc).__name__ == "ChromeNotFoundError":
                    raise ChromiumMissingError(f"{exc}. {CHROMIUM_HINT}") from exc
                raise RenderError(f"Chromium at {browser} did not start ({exc}). "
                                  f"{CHROMIUM_HINT}") from exc
            self.started_s = time.monotonic() - began
            log.info("renderer started in %.1f s (%s)", self.started_s, browser)
            atexit.register(self.close)
            return self

    def close(self) -> None:
        """Close the browser and its thread (safe to call twice)."""
        with self._lock:
            instance, self._kaleido = self._kaleido, None
            if instance is not None and self._loop is not None:
                future = asyncio.run_coroutine_threadsafe(instance.close(), self._loop)
                try:
                    future.result(_CLOSE_WAIT_S)
                except Exception as exc:  # closing is best effort; the process is going anyway
                    log.warning("renderer did not close cleanly: %s", exc)
            self._stop_loop()
        atexit.unregister(self.close)

    def _stop_loop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(_CLOSE_WAIT_S)
            if not self._loop.is_running():
                self._loop.close()
        self._loop, self._thread = None, None

    def __enter__(self) -> Renderer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- rendering ------------------------------------------------------------------

    def _wait(self, coroutine: Any, *, what: str) -> Any:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(self.timeout)
        except FutureTimeout:
            future.cancel()
            raise RenderError(f"{what} took longer than {self.timeout:g} s; "
                              "try again or raise the timeout") from None

    def render(self, fig: go.Figure, *, format: str = "png", width: int = 1600,
               height: int = 900, scale: float = 2) -> bytes:
        """The figure as PNG (``width × scale`` by ``height × scale`` pixels) or SVG bytes."""
        opts = _options(format, width, height, scale)
        self.start()
        instance = self._kaleido
        began = time.monotonic()
        try:
            data = self._wait(instance.calc_fig(fig, opts=opts), what=f"rendering a {format}")
        except RenderError:
            self.close()
            raise
        except Exception as exc:
            raise RenderError(f"the chart could not be rendered as {format} ({exc})") from exc
        log.info("rendered %s %dx%d in %.2f s", format, width, height, time.monotonic() - began)
        return bytes(data)


def render_figure(fig: go.Figure, *, format: str = "png", width: int = 1600, height: int = 900,
                  scale: float = 2, timeout: float = 60,
                  renderer: Renderer | None = None) -> bytes:
    """One image: with ``renderer`` when given (kept open), else in a browser started for it."""
    _options(format, width, height, scale)
    if renderer is not None:
        return renderer.render(fig, format=format, width=width, height=height, scale=scale)
    with Renderer(timeout=timeout) as once:
        return once.render(fig, format=format, width=width, height=height, scale=scale)
