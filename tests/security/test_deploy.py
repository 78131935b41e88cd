"""Production settings: `check --deploy` is clean and the answers carry the security headers."""

from __future__ import annotations

import json

from tests.security._subprocess import production_env, run_manage, run_python


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_debug_on(tmp_path):
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path, DJANGO_DEBUG="1")
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_production_without_secret_key_refuses_to_start(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY_FILE=str(tmp_path / "missing"))
    del env["DJANGO_SECRET_KEY"]
    result = run_manage(["check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


_HEADERS = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
client = Client()
plain = client.get("/admin/login/", HTTP_HOST="localhost")
probe = client.get("/healthz", HTTP_HOST="localhost")
secure = client.get("/healthz", HTTP_HOST="localhost", secure=True)
admin = client.get("/admin/login/", HTTP_HOST="localhost", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "probe_status": probe.status_code,
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "admin_cookies": {name: dict(m) for name, m in admin.cookies.items()},
}))
"""


def test_production_answers_carry_security_headers(tmp_path):
    # No collectstatic here: the admin page's static URLs come from the finders.
    result = run_python(_HEADERS, production_env(tmp_path, DJANGO_MANIFEST_STATIC="0"))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["plain_status"] == 301
    assert out["plain_location"].startswith("https://")
    assert out["probe_status"] == 200  # the health probe is exempt from the redirect
    assert out["status"] == 200
    headers = out["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "upgrade-insecure-requests" in csp
    csrf = out["admin_cookies"]["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
