"""Password hashes (scrypt, salted) and the sign-in back-off."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.config import PROJECT_ROOT
from dashboard.core.passwords import (
    HashFormatError,
    Throttle,
    hash_password,
    parse,
    verify_password,
)
from tests.test_auth import EDITOR_PW, PASSWORDS, _run, _sign_in


def test_a_hash_has_the_documented_format_and_a_fresh_salt() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second  # salted
    n, r, p, salt, key = parse(first)
    assert (n, r, p, len(salt), len(key)) == (2**15, 8, 1, 16, 32)
    assert first.startswith("scrypt$32768$8$1$") and first.count("$") == 5
    assert verify_password("correct horse", first) and verify_password("correct horse", second)
    assert not verify_password("correct horse ", first)


def test_a_known_vector() -> None:
    # hashlib.scrypt of b"password", salt 16 zero bytes, n=1024, r=8, p=1, 32 bytes.
    encoded = hash_password("password", n=1024, salt=bytes(16))
    assert encoded == ("scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$"
                       + encoded.rsplit("$", 1)[1])
    assert verify_password("password", encoded)


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=0, max_size=40), st.text(min_size=0, max_size=40))
def test_only_the_same_password_verifies(password: str, other: str) -> None:
    encoded = hash_password(password, n=16)
    assert verify_password(password, encoded)
    assert verify_password(other, encoded) is (other == password)


@pytest.mark.parametrize("encoded", [
    "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",  # a bare sha256
    "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "scrypt$2147483648$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "scrypt$1024$999$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "scrypt$1024$8$1$short$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "",
])
def test_a_malformed_or_too_costly_hash_is_refused(encoded: str) -> None:
    with pytest.raises(HashFormatError):
        verify_password("x", encoded)


def test_the_throttle_doubles_waits_after_the_free_tries() -> None:
    now = [1000.0]
    throttle = Throttle(free=3, base=1.0, cap=8.0, clock=lambda: now[0])
    waits = [throttle.failed("ip:1") for _ in range(7)]
    assert waits == [0.0, 0.0, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert throttle.wait("ip:1") == 8.0 and throttle.wait("ip:2") == 0.0
    now[0] += 5
    assert throttle.wait("ip:1") == 3.0
    throttle.succeeded("ip:1")
    assert throttle.wait("ip:1") == 0.0
    throttle.failed("ip:3")
    now[0] += 3601
    assert throttle.wait("ip:3") == 0.0 and not throttle._failures


def test_thirty_fast_guesses_take_minutes_not_seconds() -> None:
    throttle = Throttle()
    assert sum(throttle.failed("ip:9") for _ in range(30)) > 3600


def test_the_sign_in_refuses_to_check_while_backing_off() -> None:
    at = _run({"oborot": {"auth": PASSWORDS}})
    for _ in range(3):
        at = _sign_in(at, "guess")
        assert [e.value for e in at.error] == ["Неверный пароль / wrong password"]
    at = _sign_in(at, EDITOR_PW)  # the right password, but too soon: not even checked
    assert "too many attempts" in at.error[0].value
    assert not at.metric


@pytest.mark.parametrize("config", [
    {"mode": "password", "editor_password_sha256": "5e88" * 16},
    {"mode": "password", "editor_password_hash": "not-a-hash"},
])
def test_a_legacy_or_malformed_password_config_fails_closed(config: dict) -> None:
    at = _run({"oborot": {"auth": config}})
    assert not at.exception and not at.metric
    assert "misconfigured" in at.error[0].value
    assert "hash-password" in at.error[0].value


def test_the_cli_prints_a_hash_that_verifies() -> None:
    done = subprocess.run([sys.executable, "-m", "dashboard", "hash-password"], cwd=PROJECT_ROOT,
                          input="a long team password\n", capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert verify_password("a long team password", done.stdout.strip())
    short = subprocess.run([sys.executable, "-m", "dashboard", "hash-password"],
                           cwd=PROJECT_ROOT, input="short\n", capture_output=True, text=True,
                           timeout=60)
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
