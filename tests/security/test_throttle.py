"""DRF throttling: anonymous clients per address, signed-in users per user, token requests per address."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
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
