"""Access control for a shared deployment: off by default, OIDC sign-in or team passwords.

Configured in ``.streamlit/secrets.toml`` (see docs/deploy.md)::

    [oborot.auth]
    mode = "password"                 # "off" (default), "password" or "oidc"
    viewer_password_sha256 = "<hex>"  # password mode: sha256 of each role's password
    editor_password_sha256 = "<hex>"
    editors = ["analyst@example.org"] # oidc: these e-mails edit, other signed-in users view
    viewers = []                      # oidc, optional: only these e-mails (and editors) view

OIDC uses Streamlit's own ``st.login()`` with the ``[auth]`` section (redirect_uri,
cookie_secret, client_id, client_secret, server_metadata_url).  Only an editor
may upload or delete datasets; everyone signed in may look.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Literal

import streamlit as st

Role = Literal["viewer", "editor"]
VIEWER: Role = "viewer"
EDITOR: Role = "editor"
_ROLE_KEY = "auth.role"  # password mode: the role signed in with
_CURRENT_KEY = "auth.current"  # the role gate() found in this run


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
    st.error("Доступ не настроен / access control is misconfigured: [oborot.auth] mode must be "
             "one of off, password, oidc.")
    st.stop()
    return None


def current_role() -> Role | None:
    """The role ``gate()`` found in this run (for pages; None when gate() did not run)."""
    return st.session_state.get(_CURRENT_KEY)


def can_edit(role: Role | None) -> bool:
    """True when the role may upload and delete datasets."""
    return role == EDITOR


def password_role(password: str, config: Mapping[str, object]) -> Role | None:
    """The role whose configured sha256 matches the password (constant-time comparison)."""
    digest = hashlib.sha256(password.encode("utf-8")).hexdigest()
    found: Role | None = None
    for role in (VIEWER, EDITOR):  # both compared every time; editor wins if both match
        expected = str(config.get(f"{role}_password_sha256", "")).strip().lower()
        if expected and hmac.compare_digest(digest, expected):
            found = role
    return found


def _password_gate(config: Mapping[str, object]) -> Role | None:
    role = st.session_state.get(_ROLE_KEY)
    if role in (VIEWER, EDITOR):
        _sign_out_button(lambda: st.session_state.pop(_ROLE_KEY, None))
        return role
    if not any(config.get(f"{r}_password_sha256") for r in (VIEWER, EDITOR)):
        st.error("Доступ не настроен / access control is misconfigured: set "
                 "viewer_password_sha256 or editor_password_sha256 in [oborot.auth].")
        st.stop()
    st.title("Oborot")
    with st.form("auth.form"):
        password = st.text_input("Пароль / Password", type="password", key="auth.password")
        submitted = st.form_submit_button("Войти / Sign in")
    if submitted:
        role = password_role(password, config)
        if role is not None:
            st.session_state[_ROLE_KEY] = role
            st.rerun()
        st.error("Неверный пароль / wrong password")
    st.stop()
    return None


def _oidc_gate(config: Mapping[str, object]) -> Role | None:
    if "auth" not in st.secrets:
        st.error("Доступ не настроен / access control is misconfigured: mode \"oidc\" needs an "
                 "[auth] section (redirect_uri, cookie_secret, client_id, ...).")
        st.stop()
    provider = config.get("provider")
    if not st.user.is_logged_in:
        st.title("Oborot")
        st.button("Войти / Sign in", key="auth.login", on_click=st.login,
                  args=(str(provider),) if provider else ())
        st.stop()
    email = str(st.user.get("email") or "").strip().lower()
    editors = _emails(config.get("editors"))
    viewers = _emails(config.get("viewers"))
    if viewers and email not in viewers | editors:
        st.error("Нет доступа / this account may not view the dashboard.")
        st.button("Выйти / Sign out", key="auth.logout", on_click=st.logout)
        st.stop()
    _sign_out_button(st.logout)
    return EDITOR if email in editors else VIEWER


def _emails(value: object) -> set[str]:
    if isinstance(value, str):
        value = [value]
    return {str(v).strip().lower() for v in (value or []) if str(v).strip()}  # type: ignore[union-attr]


def _sign_out_button(sign_out) -> None:  # type: ignore[no-untyped-def]
    with st.sidebar:
        st.button("Выйти / Sign out", key="auth.logout", on_click=sign_out)
