"""`/healthz` answers 200 when the database answers, 503 when it does not."""

from __future__ import annotations

import json

from django.test import Client

from tests.security._subprocess import production_env, run_python


def test_healthz_ok(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


_UNREACHABLE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="localhost", secure=True)
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def test_healthz_reports_an_unreachable_database(tmp_path):
    # A real PostgreSQL URL on a port where nothing listens: the database is down.
    env = production_env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing")
    result = run_python(_UNREACHABLE, env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out == {"status": 503, "body": {"status": "error", "database": "unreachable"}}
