"""Admin sign-in: lockout, two-factor for admins and inspectors, session rotation and end."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import SecurityEvent, SecurityEventKind
from tests.conftest import PASSWORD
from tests.security.conftest import totp_code

LOGIN = "/admin/login/"


def _login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/", **extra}
    )


def test_admin_login_works_and_is_logged(users):
    client = Client()
    response = _login(client, "hr")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN, user=users["hr"]).exists()
    client.post("/admin/logout/")
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGOUT, user=users["hr"]).exists()


def test_failed_admin_login_is_logged(users):
    response = _login(Client(), "hr", "wrong-password")
    assert response.status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED, username="hr").exists()


def test_admin_login_locks_out(users, lockout_on):
    client = Client()
    for _ in range(2):
        assert _login(client, "hr", "wrong-password").status_code == 200
    response = _login(client, "hr", "wrong-password")
    assert response.status_code == 429
    response = _login(client, "hr")
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # not signed in
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKOUT, username="hr").exists()


def test_lockout_page_is_translated(users, lockout_on):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(3):
        response = _login(client, "hr", "wrong-password")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_session_key_rotates_on_login(users):
    client = Client()
    session = client.session
    session["before_login"] = True
    session.save()
    old_key = session.session_key
    client.cookies["sessionid"] = old_key
    assert _login(client, "hr").status_code == 302
    assert client.session.session_key != old_key


def test_session_ends_when_user_is_deactivated(users):
    client = Client()
    assert _login(client, "hr").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/units/").status_code == 200
    user = users["hr"]
    user.is_active = False
    user.save()
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/units/").status_code in (401, 403)


@pytest.fixture
def two_factor(settings):
    settings.REQUIRE_2FA = True
    return settings


def test_two_factor_admin_needs_the_code(users, two_factor, enrol):
    device = enrol(users["admin"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _login(client, "admin")
    assert response.status_code == 200
    assert "otp_token" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    response = _login(client, "admin", otp_device=device.persistent_id, otp_token=totp_code(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_two_factor_inspector_without_device_is_refused(users, two_factor):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _login(client, "inspector")
    assert response.status_code == 200
    assert "no authenticator is enrolled" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_two_factor_not_asked_of_hr(users, two_factor):
    client = Client()
    assert _login(client, "hr").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_session_without_second_factor_is_not_enough(users, two_factor):
    # A session opened without the code (e.g. before the setting was turned on).
    client = Client()
    client.force_login(users["admin"])
    assert client.get("/api/v1/units/").status_code in (401, 403)
    # The session itself is ended, for every page.
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGOUT, user=users["admin"]).exists()
    client.force_login(users["admin"])
    assert client.get("/admin/").status_code == 302


def test_two_factor_off_by_default(users, enrol):
    enrol(users["admin"])
    client = Client()
    assert _login(client, "admin").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_lockout_page_is_vietnamese_by_default(users, lockout_on):
    client = Client()
    for _ in range(3):
        response = _login(client, "hr", "wrong-password")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
