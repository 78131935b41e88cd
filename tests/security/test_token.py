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
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.TOKEN_REVOKED, user=users["hr"]
    ).exists()
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
    assert "non_field_errors" in response.json()
    response = _token(client, "inspector", otp_token=totp_code(device))
    assert response.status_code == 200
    assert response.json()["token"]


def test_two_factor_wrong_code_is_400(users, two_factor, enrol):
    device = enrol(users["inspector"])
    bad = "000000" if totp_code(device) != "000000" else "111111"
    response = _token(APIClient(), "inspector", otp_token=bad)
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.filter(user=users["inspector"]).exists()


def test_two_factor_without_device_cannot_get_a_token(users, two_factor):
    response = _token(APIClient(), "admin")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


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


# --- tokens and the second factor (issue 12, item 7) ----------------------------------------------


def _answer(response) -> tuple[int, bytes]:
    return response.status_code, response.content


@pytest.mark.parametrize("code", ["", "wrong"])
def test_a_failed_second_factor_is_answered_exactly_like_a_wrong_password(
    users, two_factor, enrol, code
):
    enrol(users["inspector"])
    extra = {"otp_token": "000000" if code == "wrong" else ""}
    right = _token(APIClient(), "inspector", **extra)
    wrong = _token(APIClient(), "inspector", "wrong-password", **extra)
    assert right.status_code == 400
    assert _answer(right) == _answer(wrong)
    # The same for an account without an authenticator.
    assert _answer(_token(APIClient(), "admin")) == _answer(
        _token(APIClient(), "admin", "wrong-password")
    )
    # Both count as failed sign-ins.
    assert (
        SecurityEvent.objects.filter(
            kind=SecurityEventKind.LOGIN_FAILED, username="inspector"
        ).count()
        == 2
    )


def test_missing_code_locks_out_like_a_wrong_password(users, two_factor, enrol, lockout_on):
    enrol(users["inspector"])
    client = APIClient()
    answers = [_answer(_token(client, "inspector")) for _ in range(3)]
    users_b = [_answer(_token(client, "admin", "wrong-password")) for _ in range(3)]
    assert [a[0] for a in answers] == [400, 400, 429] == [a[0] for a in users_b]


@pytest.fixture
def complaint(tree):
    from tests.inspections.feedback_factories import CitizenFeedbackFactory

    return CitizenFeedbackFactory(
        unit=tree["A"], reporter_phone="0959479005", reporter_name="Trần Văn B"
    )


def test_token_issued_without_the_code_stops_working_when_2fa_is_required(
    users, complaint, settings, enrol
):
    url = f"/api/v1/feedback/{complaint.pk}/"
    client = APIClient()
    old_key = _token(client, "inspector").json()["token"]  # 2FA off: password alone
    client.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")
    assert client.get(url).status_code == 200
    settings.REQUIRE_2FA = True
    response = client.get(url)
    assert response.status_code == 401
    assert "0959479005" not in response.content.decode()
    # Signing in again with the code gives a new token that works; the old one stays refused.
    device = enrol(users["inspector"])
    new_key = _token(APIClient(), "inspector", otp_token=totp_code(device)).json()["token"]
    assert new_key != old_key
    assert not Token.objects.filter(key=old_key).exists()
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    body = fresh.get(url).json()
    assert body["reporter_phone"] == "0959479005"
    assert client.get(url).status_code == 401


def test_token_created_by_other_doors_is_refused_for_two_factor_roles(users, two_factor):
    key = Token.objects.create(user=users["admin"]).key  # e.g. in the admin, or before this rule
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/units/").status_code == 401


def test_other_roles_keep_password_tokens_until_their_role_needs_the_code(users, two_factor):
    from django.contrib.auth.models import Group

    key = _token(APIClient(), "hr").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/units/").status_code == 200
    users["hr"].groups.add(Group.objects.get(name="inspector"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/units/").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_are_migrated_as_issued_without_the_code():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import UserFactory

    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0001_initial")])
    user = UserFactory(username="old")
    key = Token.objects.create(user=user).key
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from core.models import TokenFactor

    row = TokenFactor.objects.get(digest=TokenFactor.digest_of(key))
    assert row.user == user and row.second_factor is False
