"""Password hashes for the team sign-in, and the back-off that slows guessing.

A stored hash reads ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (salt and hash in
URL-safe base64 without padding): hashlib.scrypt (RFC 7914) with a random
16-byte salt and a 32-byte key.  The default cost n=2**15, r=8, p=1 takes
32 MiB and about 0.1 s per try, the interactive-login setting of RFC 7914 §2;
``python -m dashboard hash-password`` prints one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

SCHEME = "scrypt"
DEFAULT_N, DEFAULT_R, DEFAULT_P = 2**15, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
# A hash comes from a secrets file: its cost is bounded so a typo cannot stall the server.
MAX_N, MAX_R, MAX_P = 2**20, 32, 16
_FORMAT = re.compile(r"^scrypt\$([0-9]{1,8})\$([0-9]{1,3})\$([0-9]{1,3})\$([A-Za-z0-9_-]{16,})"
                     r"\$([A-Za-z0-9_-]{16,})$")


class HashFormatError(ValueError):
    """A configured hash is not ``scrypt$n$r$p$salt$hash`` with sane parameters."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * r * n + (1 << 20), dklen=length)


def hash_password(password: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P,
                  salt: bytes | None = None) -> str:
    """The stored form of ``password``: ``scrypt$n$r$p$salt$hash`` with a fresh random salt."""
    _check_cost(n, r, p)
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    return f"{SCHEME}${n}${r}${p}${_b64(salt)}${_b64(_scrypt(password, salt, n, r, p, KEY_BYTES))}"


def parse(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    """(n, r, p, salt, key) of a stored hash; HashFormatError when it is not one."""
    found = _FORMAT.match(encoded.strip())
    if found is None:
        raise HashFormatError("expected scrypt$n$r$p$salt$hash (python -m dashboard "
                              "hash-password makes one)")
    n, r, p = (int(found.group(i)) for i in (1, 2, 3))
    _check_cost(n, r, p)
    return n, r, p, _unb64(found.group(4)), _unb64(found.group(5))


def _check_cost(n: int, r: int, p: int) -> None:
    if not (2 <= n <= MAX_N and math.log2(n).is_integer() and 1 <= r <= MAX_R
            and 1 <= p <= MAX_P):
        raise HashFormatError(f"expected scrypt cost n a power of two up to {MAX_N}, r up to "
                              f"{MAX_R}, p up to {MAX_P}; found n={n}, r={r}, p={p}")


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` hashes to ``encoded`` (compared in constant time)."""
    n, r, p, salt, key = parse(encoded)
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(key)), key)


@dataclass
class Throttle:
    """Back-off per client after failed sign-ins: free tries, then doubling waits.

    After ``free`` failures from one key (an IP address, or a browser session) every
    further failure doubles the wait, from ``base`` seconds up to ``cap``; a success
    clears the key, and keys idle for ``forget`` seconds are dropped.
    """

    free: int = 3
    base: float = 1.0
    cap: float = 300.0
    forget: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, key: str) -> float:
        """Seconds ``key`` must still wait before its next try (0 when it may try now)."""
        now = self.clock()
        with self._lock:
            self._expire(now)
            count, last = self._failures.get(key, (0, now))
            return max(0.0, last + self._delay(count) - now)

    def failed(self, key: str) -> float:
        """Record a failure; the seconds to wait before the next try."""
        now = self.clock()
        with self._lock:
            count = self._failures.get(key, (0, now))[0] + 1
            self._failures[key] = (count, now)
            return self._delay(count)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _delay(self, count: int) -> float:
        if count < self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** (count - self.free))

    def _expire(self, now: float) -> None:
        stale = [k for k, (_, last) in self._failures.items() if now - last > self.forget]
        for key in stale:
            del self._failures[key]
