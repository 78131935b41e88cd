"""List API: enrolments filtered by unit, status and year, pages of 50, via the test client.

Subject: ``GET /api/v1/enrolments/?unit=<district>&status=<s>&year=<y>&page=<p>``
as the demo admin (session login), cycling over the 15 districts, the two
most frequent statuses and pages 1 and 3 of the busiest year; ``seconds`` is the time for
``REQUESTS`` requests, so ``floor_seconds / seconds`` is the throughput
share. ``queries`` is the number of SQL queries of one request (session and
user included); ``queries_by_filter`` has it for every filter combination,
so a count that varies with the data shows.

Floor: ``bench.views.enrolments_floor``, the same rows in the same order with
``.values()`` and orjson, through the same middleware and session.
"""

from __future__ import annotations

from bench.cases import Case
from bench.cases.common import (
    admin_client,
    captured,
    consume,
    first_reason,
    missing_model,
    missing_route,
    missing_rows,
    timed,
)

REQUESTS = 120
PAGES = (1, 3)


def _year() -> int:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from training.models import Course

    busiest = (
        Course.objects.annotate(year=ExtractYear("start_date"))
        .values("year")
        .annotate(n=Count("enrolments"))
        .order_by("-n")
        .first()
    )
    return busiest["year"]


def _statuses(year: int) -> list[str]:
    """The two most frequent statuses that year, so every page asked for exists."""
    from django.db.models import Count

    from training.models import Enrolment

    rows = (
        Enrolment.objects.filter(course__start_date__year=year)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by("-n", "status")[:2]
    )
    return [row["status"] for row in rows]


def _queries(url_prefix: str) -> list[str]:
    from staff.models import Unit

    year = _year()
    statuses = _statuses(year)
    districts = list(
        Unit.objects.filter(level="district", code__startswith="P-")
        .order_by("code")
        .values_list("code", flat=True)
    )
    return [
        f"{url_prefix}?unit={code}&status={status}&year={year}&page={page}"
        for code in districts
        for status in statuses
        for page in PAGES
    ]


def query_kind(sql: str) -> str:
    """What a query of a list request is for: session and user, throttle counters, or the data."""
    text = sql.lower()
    if "django_session" in text or "auth_user" in text or "authtoken" in text:
        return "auth"
    if "cache" in text or text.strip() in ("begin", "begin immediate", "commit", "rollback"):
        return "throttle"
    return "data"


def _run(urls: list[str], client):
    def once():
        size = 0
        for i in range(REQUESTS):
            size += consume(client.get(urls[i % len(urls)], HTTP_ACCEPT="application/json"))
        return size

    return once


def _ids(body: bytes) -> list:
    import orjson

    return [row["id"] for row in orjson.loads(body)["results"]]


def _phase(url_prefix: str, runs: int, floor: bool):
    def phase(ctx):
        from django.test.utils import override_settings

        with override_settings(ROOT_URLCONF="bench.urls") if floor else _nothing():
            client = admin_client()
            urls = _queries(url_prefix)
            by_filter = {}
            breakdown: dict[str, int] = {}
            for url in urls[:6]:
                with captured() as queries:
                    consume(client.get(url, HTTP_ACCEPT="application/json"))
                by_filter[url.split("?", 1)[1]] = len(queries.captured_queries)
                if not breakdown:
                    for query in queries.captured_queries:
                        kind = query_kind(query["sql"])
                        breakdown[kind] = breakdown.get(kind, 0) + 1
            sample = client.get(urls[0], HTTP_ACCEPT="application/json").content
            ctx.mark_baseline()
            measured = timed(ctx.runs(runs), _run(urls, client))
        per_request = next(iter(by_filter.values()))
        measured["queries"] = per_request
        measured["extra"] = {
            "requests": REQUESTS,
            "requests_per_second": round(REQUESTS / measured["seconds"], 1),
            "queries_by_filter": by_filter,
            "queries_by_kind": breakdown,
            "first_page_ids": _ids(sample),
        }
        return measured

    return phase


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def unavailable() -> str | None:
    return first_reason(
        lambda: missing_model("training.Enrolment"),
        lambda: missing_route("/api/v1/enrolments/"),
        lambda: missing_rows("training.Enrolment", 100_000),
    )


CASES = [
    Case(
        name="api_list",
        phases={
            "subject": _phase("/api/v1/enrolments/", 3, floor=False),
            "floor": _phase("/bench/floor/enrolments/", 3, floor=True),
        },
        unavailable=unavailable,
        timeout=600,
    ),
]
