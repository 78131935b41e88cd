"""DRF throttling: anonymous clients per address, signed-in users per user, token requests per
address."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.test import Client
from rest_framework.test import APIClient


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        config = dict(django_settings.REST_FRAMEWORK)
        config["DEFAULT_THROTTLE_RATES"] = {**config["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = config
        cache.clear()
        caches["throttle"].clear()

    yield set_rates
    cache.clear()
    caches["throttle"].clear()


def test_anonymous_clients_are_throttled_per_address(db, rates):
    rates(anon="3/m")
    client = APIClient()
    codes = [client.get("/api/v1/schema/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = APIClient(REMOTE_ADDR="10.0.0.2")
    assert other.get("/api/v1/schema/").status_code == 200
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert "Retry-After" in response


def test_signed_in_users_are_throttled_per_user(users, rates):
    rates(user="2/m")
    client = APIClient()
    client.force_authenticate(users["hr"])
    assert [client.get("/api/v1/units/").status_code for _ in range(3)] == [200, 200, 429]
    response = client.get("/api/v1/units/")
    assert response.json()["detail"]
    other = APIClient()
    other.force_authenticate(users["auditor"])
    assert other.get("/api/v1/units/").status_code == 200


def test_token_requests_are_throttled_per_address(users, rates):
    rates(auth="2/m")
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/token/", {"username": name, "password": "x"}).status_code
        for name in ("a", "b", "c")
    ]
    assert codes == [400, 400, 429]


def test_forged_forwarded_for_does_not_escape_the_throttle(db, rates):
    rates(anon="1/m")
    client = APIClient()
    assert client.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


# --- the same limits for every way in (issue 12, item 10) -----------------------------------------


def _admin_login(client, username):
    return client.post("/admin/login/", {"username": username, "password": "x", "next": "/admin/"})


def test_admin_login_is_limited_per_address_across_user_names(users, rates):
    """25 user names in a few seconds from one address were never refused: the per-pair lockout
    could not see it."""
    rates(auth="10/m")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    codes = [_admin_login(client, f"user{i}").status_code for i in range(25)]
    assert codes[:10] == [200] * 10
    assert set(codes[10:]) == {429}
    response = _admin_login(client, "user99")
    assert "Too many requests" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # Another address is not affected, and looking at the form is not counted.
    assert _admin_login(Client(REMOTE_ADDR="10.0.0.2"), "user0").status_code == 200
    assert client.get("/admin/login/").status_code == 200


def test_sign_in_doors_share_one_allowance_per_address(users, rates):
    rates(auth="3/m")
    api = APIClient()
    assert api.post("/api/v1/auth/token/", {"username": "a", "password": "x"}).status_code == 400
    assert _admin_login(Client(), "b").status_code == 200
    assert Client().post("/app/login/", {"username": "c", "password": "x"}).status_code == 200
    assert _admin_login(Client(), "d").status_code == 429
    assert Client().post("/app/login/", {"username": "e", "password": "x"}).status_code == 429
    assert api.post("/api/v1/auth/token/", {"username": "f", "password": "x"}).status_code == 429


def test_throttled_sign_in_page_is_vietnamese_by_default(users, rates):
    rates(auth="1/m")
    _admin_login(Client(), "a")
    response = _admin_login(Client(), "b")
    assert response.status_code == 429
    assert "Quá nhiều yêu cầu" in response.content.decode()


def test_html_status_page_shares_the_api_twins_limit(db, rates):
    rates(anon="4/m")
    page, api = Client(), APIClient()
    assert page.get("/feedback/status/", {"code": "PA-AAAA-AAAA"}).status_code == 404
    assert api.get("/api/v1/feedback/status/PA-AAAA-AAAA/").status_code == 404
    assert page.get("/feedback/status/", {"code": "PA-AAAA-AAAB"}).status_code == 404
    assert api.get("/api/v1/feedback/status/PA-AAAA-AAAC/").status_code == 404
    response = page.get("/feedback/status/", {"code": "PA-AAAA-AAAD"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert api.get("/api/v1/feedback/status/PA-AAAA-AAAE/").status_code == 429
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="10.0.0.9").get("/feedback/status/").status_code == 200
