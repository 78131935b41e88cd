"""Helpers the cases share: availability probes, an admin test client, query capture."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from bench.harness import best_of


def missing_model(label: str) -> str | None:
    """Why ``app_label.Model`` cannot be used yet, or None."""
    try:
        apps.get_model(label)
    except LookupError:
        return f"model {label} does not exist"
    return None


def missing_route(path: str) -> str | None:
    try:
        resolve(path)
    except Resolver404:
        return f"{path} is not routed"
    return None


def missing_rows(label: str, minimum: int) -> str | None:
    model = apps.get_model(label)
    try:
        count = model.objects.count()
    except Exception as exc:  # table missing: migrations not applied
        return f"{label} cannot be read ({exc.__class__.__name__})"
    if count < minimum:
        return (
            f"{label} has {count:,} rows, the province data set needs at least {minimum:,} (its "
            "seeder is not done)"
        )
    return None


def first_reason(*probes: Callable[[], str | None]) -> str | None:
    for probe in probes:
        reason = probe()
        if reason:
            return reason
    return None


def admin_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


def admin_client() -> Client:
    """Django's test client logged in as the demo ``admin`` (session, as a browser would)."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin_user())
    return client


def consume(response) -> int:
    """Read a (possibly streamed) response to the end without keeping it; return its size."""
    if response.status_code != 200:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        raise RuntimeError(f"HTTP {response.status_code}: {body[:500]!r}")
    if response.streaming:
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
        return size
    return len(response.content)


@contextlib.contextmanager
def captured() -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connection) as ctx:
        yield ctx


class QueryCounter:
    """Counts the statements sent to the database without keeping their text.

    ``CaptureQueriesContext`` keeps every SQL string: around a 50,000-row
    import that is tens of megabytes, which would be charged to the import's
    peak memory. Where the SQL itself is looked at (the list API's breakdown,
    tests/bench) ``captured()`` is used instead.
    """

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(runs: int, func: Callable[[], Any]) -> dict[str, Any]:
    """Best-of-``runs`` seconds of ``func``, with the number of queries of the last run.

    ``cpu_seconds`` is the least CPU time of this process over the runs
    (``time.process_time``): on a shared machine, wall time includes the
    waits for a core, CPU time does not (a PostgreSQL server's own work is
    not in it).
    """
    queries: list[int] = []
    cpu: list[float] = []

    def once():
        counter = QueryCounter()
        started = time.process_time()
        with connection.execute_wrapper(counter):
            result = func()
        cpu.append(time.process_time() - started)
        queries.append(counter.count)
        return result

    seconds, result = best_of(runs, once)
    return {
        "seconds": round(seconds, 4),
        "cpu_seconds": round(min(cpu), 4),
        "queries": queries[-1],
        "runs": runs,
        "result": result,
    }


def now() -> float:
    return time.perf_counter()
