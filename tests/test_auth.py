"""Access control: off by default; with passwords or OIDC only signed-in visitors see data,
and only editors see the upload widget and delete buttons."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.config import PROJECT_ROOT
from dashboard.core.passwords import hash_password
from dashboard.ui.widgets import auth
from tests.apptest import APP, clear_caches, demo_store

VIEWER_PW, EDITOR_PW = "look-only", "may-upload"


def _hash(text: str) -> str:
    return hash_password(text, n=2**10)  # cheap for tests; the default cost is 2**15


PASSWORDS = {"mode": "password", "viewer_password_hash": _hash(VIEWER_PW),
             "editor_password_hash": _hash(EDITOR_PW)}
OIDC = {"redirect_uri": "https://oborot.example.org/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "oborot", "client_secret": "secret",
        "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}


def page() -> None:
    """What app.py and the Data page do with the gate (the wiring asked of them)."""
    import streamlit as st

    from dashboard.ui.widgets.auth import can_edit, gate

    role = gate()
    st.metric("Товарооборот, 2018", "$69,8 млн")
    if can_edit(role):
        st.file_uploader("Загрузить файл", key="data.upload")
        st.button("Удалить", key="data.delete.1")


def _run(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_function(page, default_timeout=30)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    return at.run()


def _can_see(at: AppTest) -> dict[str, bool]:
    return {"metrics": bool(at.metric), "upload": bool(at.get("file_uploader")),
            "delete": any(b.key == "data.delete.1" for b in at.button)}


def _sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input(key="auth.password").input(password)
    return at.button[0].click().run()


def test_off_by_default_everyone_edits() -> None:
    at = _run()
    assert not at.exception
    assert _can_see(at) == {"metrics": True, "upload": True, "delete": True}


def test_password_mode_shows_only_the_sign_in_to_an_anonymous_visitor() -> None:
    at = _run({"oborot": {"auth": PASSWORDS}})
    assert not at.exception
    assert _can_see(at) == {"metrics": False, "upload": False, "delete": False}
    assert at.text_input(key="auth.password").proto.type == at.text_input(
        key="auth.password").proto.PASSWORD


def test_a_wrong_password_is_refused() -> None:
    at = _sign_in(_run({"oborot": {"auth": PASSWORDS}}), "guess")
    assert [e.value for e in at.error] == ["Неверный пароль / wrong password"]
    assert _can_see(at)["metrics"] is False


def test_a_viewer_sees_data_but_no_upload_or_delete() -> None:
    at = _sign_in(_run({"oborot": {"auth": PASSWORDS}}), VIEWER_PW)
    assert not at.exception
    assert _can_see(at) == {"metrics": True, "upload": False, "delete": False}


def test_an_editor_may_upload_and_delete() -> None:
    at = _sign_in(_run({"oborot": {"auth": PASSWORDS}}), EDITOR_PW)
    assert _can_see(at) == {"metrics": True, "upload": True, "delete": True}
    at.sidebar.button(key="auth.logout").click().run()
    assert _can_see(at)["metrics"] is False


def test_oidc_anonymous_visitor_gets_only_the_sign_in_button() -> None:
    at = _run({"auth": OIDC, "oborot": {"auth": {"mode": "oidc", "editors": ["a@x.org"]}}},
              user={"is_logged_in": False})
    assert not at.exception
    assert _can_see(at) == {"metrics": False, "upload": False, "delete": False}
    assert [b.key for b in at.button] == ["auth.login"]


@pytest.mark.parametrize(("email", "expected"), [
    ("A@x.org", {"metrics": True, "upload": True, "delete": True}),
    ("b@x.org", {"metrics": True, "upload": False, "delete": False}),
])
def test_oidc_roles_come_from_the_editor_list(email: str, expected: dict) -> None:
    at = _run({"auth": OIDC, "oborot": {"auth": {"mode": "oidc", "editors": ["a@x.org"]}}},
              user={"is_logged_in": True, "email": email})
    assert not at.exception
    assert _can_see(at) == expected


def test_oidc_viewer_allow_list_keeps_strangers_out() -> None:
    at = _run({"auth": OIDC, "oborot": {"auth": {"mode": "oidc", "viewers": ["v@x.org"]}}},
              user={"is_logged_in": True, "email": "stranger@y.org"})
    assert _can_see(at)["metrics"] is False and at.error


@pytest.mark.parametrize("config", [{"mode": "passwd"}, {"mode": "password"}, {"mode": "oidc"}])
def test_a_broken_configuration_fails_closed(config: dict) -> None:
    at = _run({"oborot": {"auth": config}})
    assert not at.exception
    assert _can_see(at)["metrics"] is False
    assert "misconfigured" in at.error[0].value


def test_password_roles_compare_digests() -> None:
    assert auth.password_role(EDITOR_PW, PASSWORDS) == "editor"
    assert auth.password_role(VIEWER_PW, PASSWORDS) == "viewer"
    assert auth.password_role("", PASSWORDS) is None
    assert auth.password_role(VIEWER_PW, {"viewer_password_hash": ""}) is None
    assert auth.can_edit("editor") and not auth.can_edit("viewer") and not auth.can_edit(None)


def test_pages_read_the_role_gate_found() -> None:
    def script() -> None:
        import streamlit as st

        from dashboard.ui.widgets.auth import current_role, gate

        gate()
        st.text(f"role={current_role()}")

    assert AppTest.from_function(script).run().text[0].value == "role=editor"


@pytest.fixture
def demo(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("OBOROT_STORE", str(demo_store(tmp_path_factory.mktemp("auth")
                                                      / "demo.duckdb")))
    clear_caches()
    yield
    clear_caches()


@pytest.mark.skipif("gate()" not in (PROJECT_ROOT / "app.py").read_text(),
                    reason="app.py does not call dashboard.ui.widgets.auth.gate() yet")
def test_the_real_app_shows_no_metrics_before_sign_in(demo) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["oborot"] = {"auth": PASSWORDS}
    at.run()
    assert not at.exception and not at.metric
    _sign_in(at, VIEWER_PW)
    assert at.metric and not at.get("file_uploader")
