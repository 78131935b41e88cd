"""Request log lines are JSON without personal data; security events are recorded and read-only."""

from __future__ import annotations

import json
import logging

from django.test import Client
from rest_framework.test import APIClient

from core.logging import JSONFormatter
from core.models import SecurityEvent, SecurityEventKind


def _request_lines(caplog) -> list[dict]:
    formatter = JSONFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "congvu.request"]


def test_request_log_is_json_without_personal_data(users, caplog):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=users["hr"]).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with caplog.at_level(logging.INFO, logger="congvu.request"):
        client.get("/api/v1/staff/?search=nguyen+thi+anh", HTTP_X_FORWARDED_FOR="203.0.113.9")
        Client().get("/api/v1/feedback/status/PA-SECRET-CODE1/")
        client.get("/api/v1/staff/NV-0042/")
    lines = _request_lines(caplog)
    assert len(lines) == 3
    staff, status, detail = lines
    assert detail["route"] == "/api/v1/staff/<code>/"
    assert staff["route"] == "/api/v1/staff/"
    assert staff["method"] == "GET"
    assert staff["status"] == 200
    assert staff["user_id"] == users["hr"].pk
    assert staff["duration_ms"] >= 0
    assert len(staff["request_id"]) == 32
    assert status["route"].startswith("/api/v1/feedback/status/<")
    text = json.dumps(lines)
    for secret in ("nguyen", key, "203.0.113.9", "127.0.0.1", "PA-SECRET-CODE1", "NV-0042", '"hr"'):
        assert secret not in text, secret


def test_request_id_is_echoed_and_reused(db):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"


def test_formatter_keeps_exceptions_on_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("here",), exc_info=True
        )
        import sys

        record.exc_info = sys.exc_info()
    line = JSONFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "failed here"
    assert "ValueError: boom" in parsed["exception"]


def test_exports_are_logged(users):
    client = APIClient()
    client.force_authenticate(users["auditor"])
    assert client.get("/api/v1/staff/?format=csv&unit=A").status_code == 200
    assert client.get("/api/v1/units/?format=xlsx").status_code == 200
    events = list(SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT).order_by("pk"))
    assert [(e.detail["resource"], e.detail["format"]) for e in events] == [
        ("staff", "csv"),
        ("units", "xlsx"),
    ]
    assert events[0].detail["filters"] == {"unit": ["A"]}
    assert all(e.user == users["auditor"] for e in events)


def test_json_list_is_not_an_export(users):
    client = APIClient()
    client.force_authenticate(users["auditor"])
    client.get("/api/v1/staff/")
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT).exists()


def test_security_events_cannot_be_edited_in_the_admin(users):
    client = APIClient()
    assert (
        client.post("/api/v1/auth/token/", {"username": "hr", "password": "x"}).status_code == 400
    )
    event = SecurityEvent.objects.get()
    admin = Client()
    admin.force_login(users["admin"])
    assert admin.get("/admin/core/securityevent/").status_code == 200
    assert admin.get("/admin/core/securityevent/add/").status_code == 403
    assert (
        admin.post(f"/admin/core/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    page = admin.get(f"/admin/core/securityevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="kind"' not in page.content  # read-only view, no form fields
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_sign_in_records_are_admin_only(users):
    client = Client()
    client.force_login(users["auditor"])
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403
