"""Cross-cutting views: liveness (/healthz) and readiness (/readyz) for load balancers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    # A round trip through the shared cache: the rate limits and lockouts live there.
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, 1, timeout=10)
    if cache.get(key) != 1:
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def _task_queue() -> None:
    backend = settings.TASKS_BACKEND
    if backend == "redis":
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
    elif backend == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.only("pk").first()
    # immediate: tasks run inside the request; nothing to reach.


CHECKS = {"database": _database, "cache": _cache, "task_queue": _task_queue}


@never_cache
def healthz(request):
    """Liveness and database check for load balancers and monitoring."""
    try:
        _database()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
def readyz(request):
    """Ready to take traffic: 200 only when the database, the cache and the task queue answer.

    503 names each service that is down, so the operator knows where to look;
    the error itself stays in the log, not in a public answer.
    """
    import logging

    logger = logging.getLogger("congvu.readyz")
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("readiness check %s failed", name)
            results[name] = "unreachable"
        else:
            results[name] = "ok"
    down = [name for name, state in results.items() if state != "ok"]
    body: dict[str, object] = {"status": "ok" if not down else "error", **results}
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)
