"""The token endpoint: issue, revoke, deactivation, lockout, second factor, audit trail."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import SecurityEvent, SecurityEventKind
from tests.conftest import PASSWORD
from tests.security.conftest import totp_code

URL = "/api/v1/auth/token/"


def _token(client: APIClient, username: str, password: str = PASSWORD, **extra):
    return client.post(URL, {"username": username, "password": password, **extra}, format="json")


def test_token_is_issued_and_works(users):
    client = APIClient()
    response = _token(client, "hr")
    assert response.status_code == 200
    key = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/units/").status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TOKEN_ISSUED)
    assert event.user == users["hr"]
    assert event.ip == "127.0.0.1"


def test_wrong_password_is_400_with_message_and_logged(users):
    response = _token(APIClient(), "hr", "wrong-password")
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert event.username == "hr"
    assert "wrong-password" not in str(event.detail)


def test_missing_fields_are_400_field_errors(db):
    response = APIClient().post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"username", "password"}


def test_delete_revokes_the_callers_token(users):
    client = APIClient()
    key = _token(client, "hr").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete(URL).status_code == 204
    assert not Token.objects.filter(key=key).exists()
    assert client.get("/api/v1/units/").status_code == 401
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_REVOKED, user=users["hr"]).exists()
    # A new sign-in gives a new, different token.
    client.credentials()
    assert _token(client, "hr").json()["token"] != key


def test_delete_without_credentials_is_401(db):
    assert APIClient().delete(URL).status_code == 401


def test_deactivating_a_user_deletes_the_token(users):
    client = APIClient()
    key = _token(client, "inspector").json()["token"]
    user = users["inspector"]
    user.is_active = False
    user.save()
    assert not Token.objects.filter(user=user).exists()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/units/").status_code == 401
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TOKEN_REVOKED)
    assert event.detail == {"reason": "deactivated"}


def test_lockout_after_repeated_failures_even_with_right_password(users, lockout_on):
    client = APIClient()
    for _ in range(2):
        assert _token(client, "hr", "wrong-password").status_code == 400
    # The third failure reaches AXES_FAILURE_LIMIT (3 here) and is answered 429 already.
    assert _token(client, "hr", "wrong-password").status_code == 429
    response = _token(client, "hr")
    assert response.status_code == 429
    assert response.json()["detail"]
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKOUT, username="hr").exists()
    # Another user from the same address is not locked out.
    assert _token(client, "auditor").status_code == 200


def test_success_resets_the_failure_count(users, lockout_on):
    client = APIClient()
    for _ in range(2):
        _token(client, "hr", "wrong-password")
    assert _token(client, "hr").status_code == 200
    for _ in range(2):
        _token(client, "hr", "wrong-password")
    assert _token(client, "hr").status_code == 200


@pytest.fixture
def two_factor(settings):
    settings.REQUIRE_2FA = True
    return settings


def test_two_factor_inspector_needs_a_code(users, two_factor, enrol):
    device = enrol(users["inspector"])
    client = APIClient()
    response = _token(client, "inspector")
    assert response.status_code == 400
    assert "otp_token" in response.json()
    response = _token(client, "inspector", otp_token=totp_code(device))
    assert response.status_code == 200
    assert response.json()["token"]


def test_two_factor_wrong_code_is_400(users, two_factor, enrol):
    device = enrol(users["inspector"])
    bad = "000000" if totp_code(device) != "000000" else "111111"
    response = _token(APIClient(), "inspector", otp_token=bad)
    assert response.status_code == 400
    assert "otp_token" in response.json()
    assert not Token.objects.filter(user=users["inspector"]).exists()


def test_two_factor_without_device_cannot_get_a_token(users, two_factor):
    response = _token(APIClient(), "admin")
    assert response.status_code == 400
    assert "otp_token" in response.json()


def test_two_factor_not_asked_of_hr(users, two_factor):
    assert _token(APIClient(), "hr").status_code == 200


def test_wrong_codes_count_towards_lockout(users, two_factor, enrol, lockout_on):
    device = enrol(users["inspector"])
    client = APIClient()
    bad = "000000" if totp_code(device) != "000000" else "111111"
    for _ in range(2):
        assert _token(client, "inspector", otp_token=bad).status_code == 400
    _token(client, "inspector", otp_token=bad)
    assert _token(client, "inspector", otp_token=totp_code(device)).status_code == 429
