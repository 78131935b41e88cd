"""The OpenAPI document builds without warnings and describes the security surface."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client


def test_schema_builds_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (unresolvable field,
    # duplicate component, enum clash) into an error; --validate checks the
    # result against the OpenAPI 3 JSON schema.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").stat().st_size > 0


@pytest.fixture
def schema(db):
    return Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_token_endpoint_is_described(schema):
    token = schema["paths"]["/api/v1/auth/token/"]
    assert set(token) >= {"post", "delete"}
    assert {"200", "400", "429"} <= set(token["post"]["responses"])
    assert not token["post"].get("security")
    assert set(token["delete"]["responses"]) == {"204", "401", "403", "429"}
    request = schema["components"]["schemas"]["TokenRequestRequest"]
    assert set(request["required"]) == {"username", "password"}
    assert "otp_token" in request["properties"]


def test_both_authentication_schemes_are_declared(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["in"] == "header"
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_list_endpoints_describe_export_formats_and_filters(schema):
    staff_list = schema["paths"]["/api/v1/staff/"]["get"]
    names = {p["name"] for p in staff_list["parameters"]}
    assert {"search", "ordering", "page", "page_size", "format"} <= names
    formats = next(p for p in staff_list["parameters"] if p["name"] == "format")
    assert {"csv", "xlsx"} <= set(formats["schema"]["enum"])


def test_error_shapes_are_described(schema):
    staff = schema["paths"]["/api/v1/staff/{code}/"]
    assert {"400", "401", "403", "404", "409"} <= set(staff["patch"]["responses"])
    body = staff["patch"]["responses"]["400"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ValidationError"}
    validation = schema["components"]["schemas"]["ValidationError"]
    assert validation["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    # The public status lookup needs no sign-in, so it promises no 401.
    status = schema["paths"]["/api/v1/feedback/status/{tracking_code}/"]["get"]["responses"]
    assert "401" not in status
    assert "404" in status
