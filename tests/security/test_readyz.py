"""`/readyz` answers 200 only when the database, the cache and the task queue answer.

Each service is taken down for real: a Redis URL on a port where nothing
listens, a PostgreSQL URL likewise (in a child process, since this process's
own database must stay up).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from tests.security._subprocess import production_env, run_python

NOWHERE_REDIS = "redis://127.0.0.1:9/0"
REDIS_DOWN_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": NOWHERE_REDIS,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 1,
        },
    }
}


def _redis_up() -> bool:
    import redis

    try:
        return bool(
            redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
        )
    except redis.RedisError:
        return False


@pytest.mark.django_db
def test_ready_when_every_service_answers():
    with override_settings(TASKS_BACKEND="database"):
        response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "task_queue": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_cache_down_is_503_naming_the_cache():
    with override_settings(CACHES=REDIS_DOWN_CACHE):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["cache"]
    assert body["database"] == "ok" and body["task_queue"] == "ok"


@pytest.mark.django_db
def test_task_queue_down_is_503_naming_the_queue():
    with override_settings(TASKS_BACKEND="redis", REDIS_URL=NOWHERE_REDIS):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["down"] == ["task_queue"]


@pytest.mark.django_db
@pytest.mark.skipif(not _redis_up(), reason="needs the machine's Redis on 127.0.0.1:6379")
def test_ready_on_redis_when_redis_answers():
    with override_settings(TASKS_BACKEND="redis", REDIS_URL="redis://127.0.0.1:6379/0"):
        response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["task_queue"] == "ok"


_PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/readyz", HTTP_HOST="localhost", secure=True)
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def test_database_down_is_503_naming_the_database(tmp_path):
    env = production_env(
        tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing", TASKS_BACKEND="immediate"
    )
    result = run_python(_PROBE, env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["status"] == 503
    assert out["body"]["database"] == "unreachable"
    assert "database" in out["body"]["down"]


def test_everything_down_names_everything(tmp_path):
    env = production_env(
        tmp_path,
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
        REDIS_URL=NOWHERE_REDIS,  # with REDIS_URL set, the cache and the queue are on Redis
    )
    env.pop("CACHE_URL")
    result = run_python(_PROBE, env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["status"] == 503
    assert out["body"]["down"] == ["database", "cache", "task_queue"]


_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "location": settings.CACHES["default"].get("LOCATION"),
    "throttle": settings.CACHES["throttle"]["BACKEND"],
    "tasks": settings.TASKS_BACKEND,
}))
"""


def test_redis_url_moves_cache_throttles_rate_limit_and_queue_to_redis(tmp_path):
    env = production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/5")
    env.pop("CACHE_URL")
    result = run_python(_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out == {
        "cache": "django_redis.cache.RedisCache",
        "location": "redis://127.0.0.1:6379/5",
        "throttle": "django_redis.cache.RedisCache",
        "tasks": "redis",
    }


def test_without_redis_url_everything_shared_stays_in_the_database(tmp_path):
    env = production_env(tmp_path)
    env.pop("CACHE_URL")
    result = run_python(_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert out["tasks"] == "database"
