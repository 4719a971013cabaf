"""Access control for a shared deployment: off by default, OIDC sign-in or team passwords.

Configured in ``.streamlit/secrets.toml`` (see docs/deploy.md)::

    [oborot.auth]
    mode = "password"                 # "off" (default), "password" or "oidc"
    viewer_password_hash = "scrypt$32768$8$1$<salt>$<hash>"  # python -m dashboard hash-password
    editor_password_hash = "scrypt$..."
    editors = ["analyst@example.org"] # oidc: these e-mails edit, other signed-in users view
    viewers = []                      # oidc, optional: only these e-mails (and editors) view

OIDC uses Streamlit's own ``st.login()`` with the ``[auth]`` section (redirect_uri,
cookie_secret, client_id, client_secret, server_metadata_url).  Only an editor
may upload or delete datasets; everyone signed in may look.  Failed password tries
back off per client address (see dashboard.core.passwords.Throttle).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Literal

import streamlit as st

from dashboard.core.i18n import both_languages
from dashboard.core.passwords import HashFormatError, Throttle, parse, verify_password

log = logging.getLogger(__name__)

Role = Literal["viewer", "editor"]
VIEWER: Role = "viewer"
EDITOR: Role = "editor"
_ROLE_KEY = "auth.role"  # password mode: the role signed in with
_CURRENT_KEY = "auth.current"  # the role gate() found in this run
_CLIENT_KEY = "auth.client"  # a browser session's own back-off key when its address is unknown
THROTTLE = Throttle()
"""Failed sign-ins per client, shared by every session of this server process."""


def settings() -> Mapping[str, object]:
    """The ``[oborot.auth]`` section of the secrets ({} when there is none)."""
    try:
        section = st.secrets.get("oborot", {})
        auth = section.get("auth", {}) if isinstance(section, Mapping) else {}
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return {}
    return auth if isinstance(auth, Mapping) else {}


def gate() -> Role | None:
    """The visitor's role; draws the sign-in and stops the run while nobody is signed in.

    Returns ``"editor"`` when access control is off (local use).  A configuration
    that cannot be honoured stops the app rather than opening it.
    """
    config = settings()
    mode = str(config.get("mode", "off")).strip().lower()
    st.session_state.pop(_CURRENT_KEY, None)
    if mode in ("off", "password", "oidc"):
        role = (EDITOR if mode == "off" else _password_gate(config) if mode == "password"
                else _oidc_gate(config))
        st.session_state[_CURRENT_KEY] = role
        return role
    st.error(f"{both_languages('auth.misconfigured')}: [oborot.auth] mode must be one of off, "
             "password, oidc.")
    st.stop()
    return None


def current_role() -> Role | None:
    """The role ``gate()`` found in this run (for pages; None when gate() did not run)."""
    return st.session_state.get(_CURRENT_KEY)


def can_edit(role: Role | None) -> bool:
    """True when the role may upload and delete datasets."""
    return role == EDITOR


def password_role(password: str, config: Mapping[str, object]) -> Role | None:
    """The role whose configured scrypt hash the password matches (both roles always tried)."""
    found: Role | None = None
    for role in (VIEWER, EDITOR):  # both hashed every time; editor wins if both match
        expected = str(config.get(f"{role}_password_hash", "")).strip()
        if expected and verify_password(password, expected):
            found = role
    return found


def password_problem(config: Mapping[str, object]) -> str | None:
    """Why a password configuration cannot be honoured, or None when it can."""
    legacy = [f"{r}_password_sha256" for r in (VIEWER, EDITOR)
              if config.get(f"{r}_password_sha256")]
    if legacy:
        return (f"{', '.join(legacy)} (unsalted SHA-256) is no longer accepted: replace it with "
                f"{legacy[0].replace('_sha256', '_hash')} from `python -m dashboard "
                "hash-password`.")
    hashes = {r: str(config.get(f"{r}_password_hash", "")).strip() for r in (VIEWER, EDITOR)}
    if not any(hashes.values()):
        return "set viewer_password_hash or editor_password_hash in [oborot.auth]."
    for role, encoded in hashes.items():
        try:
            if encoded:
                parse(encoded)
        except HashFormatError as exc:
            return f"{role}_password_hash: {exc}."
    return None


def _client_key() -> str:
    """The visitor's address when Streamlit knows it, else this browser session."""
    address = getattr(st.context, "ip_address", None)
    if isinstance(address, str) and address:
        return f"ip:{address}"
    if _CLIENT_KEY not in st.session_state:
        st.session_state[_CLIENT_KEY] = secrets.token_hex(8)
    return f"session:{st.session_state[_CLIENT_KEY]}"


def _password_gate(config: Mapping[str, object]) -> Role | None:
    role = st.session_state.get(_ROLE_KEY)
    if role in (VIEWER, EDITOR):
        _sign_out_button(lambda: st.session_state.pop(_ROLE_KEY, None))
        return role
    problem = password_problem(config)
    if problem is not None:
        st.error(f"{both_languages('auth.misconfigured')}: {problem}")
        st.stop()
    st.title("Oborot")
    with st.form("auth.form"):
        password = st.text_input(both_languages("auth.password"), type="password",
                                 key="auth.password")
        submitted = st.form_submit_button(both_languages("auth.sign_in"))
    if submitted:
        client = _client_key()
        wait = THROTTLE.wait(client)
        if wait > 0:
            st.error(both_languages("auth.too_many", wait=wait))
            st.stop()
        role = password_role(password, config)
        if role is not None:
            THROTTLE.succeeded(client)
            st.session_state[_ROLE_KEY] = role
            st.rerun()
        wait = THROTTLE.failed(client)
        log.warning("auth: failed password sign-in from %s (next try in %.0f s)", client, wait)
        st.error(both_languages("auth.wrong_password"))
    st.stop()
    return None


def _oidc_gate(config: Mapping[str, object]) -> Role | None:
    if "auth" not in st.secrets:
        st.error(f"{both_languages('auth.misconfigured')}: mode \"oidc\" needs an [auth] section "
                 "(redirect_uri, cookie_secret, client_id, ...).")
        st.stop()
    provider = config.get("provider")
    if not st.user.is_logged_in:
        st.title("Oborot")
        st.button(both_languages("auth.sign_in"), key="auth.login", on_click=st.login,
                  args=(str(provider),) if provider else ())
        st.stop()
    email = str(st.user.get("email") or "").strip().lower()
    editors = _emails(config.get("editors"))
    viewers = _emails(config.get("viewers"))
    if viewers and email not in viewers | editors:
        st.error(both_languages("auth.no_access"))
        st.button(both_languages("auth.sign_out"), key="auth.logout", on_click=st.logout)
        st.stop()
    _sign_out_button(st.logout)
    return EDITOR if email in editors else VIEWER


def _emails(value: object) -> set[str]:
    if isinstance(value, str):
        value = [value]
    return {str(v).strip().lower() for v in (value or []) if str(v).strip()}  # type: ignore[union-attr]


def _sign_out_button(sign_out) -> None:  # type: ignore[no-untyped-def]
    with st.sidebar:
        st.button(both_languages("auth.sign_out"), key="auth.logout", on_click=sign_out)
