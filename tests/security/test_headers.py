"""Security headers, the CSP that still lets the admin and the API docs work, and no-store."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client
from rest_framework.test import APIClient


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


def test_every_page_has_the_headers(db):
    response = Client().get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = _csp(response)
    assert csp["default-src"] == "default-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]


def test_docs_page_needs_no_inline_script(db):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # Every <script> has a src (the CSP allows no inline code) ...
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    assert all("src=" in attrs and not body.strip() for attrs, body in scripts)
    # ... served from our own origin: the sidecar's files, shipped with the app.
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts]
    static = [src for src in sources if src.startswith("/static/")]
    assert len(static) >= 2
    for src in static:
        assert finders.find(src.removeprefix("/static/")), src
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert finders.find(stylesheet.removeprefix("/static/"))
    # The start-up script is its own response, not inline code.
    init = next(src for src in sources if not src.startswith("/static/"))
    script = Client().get(init)
    assert script.status_code == 200
    assert b"SwaggerUIBundle" in script.content


def test_schema_is_public(db):
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_no_store_on_signed_in_pages_and_api(users):
    client = Client()
    client.force_login(users["hr"])
    for url in ("/admin/", "/api/v1/units/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_no_store_with_token_authentication(users):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + _token_for(users["auditor"]))
    response = client.get("/api/v1/staff/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_no_store_on_exports(users):
    client = APIClient()
    client.force_authenticate(users["hr"])
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/api/v1/units/?format={fmt}")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_anonymous_public_page_is_not_marked_private(db):
    response = Client().get("/")
    assert "no-store" not in response.get("Cache-Control", "")


def _token_for(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key
