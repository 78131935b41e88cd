"""Accountability report, all units, one year: JSON and workbook.

Subject: ``GET /api/v1/reports/accountability/?year=Y`` (and ``&format=xlsx``)
as the demo admin through the test client, the body read to the end.

Floor: the same aggregates written by hand in SQL (``bench/report_sql.py``),
one statement per section with the plan found best on each database, rolled
up the tree in plain Python; for the workbook, the same plus a bare
xlsxwriter sheet of the per-unit table.
"""

from __future__ import annotations

from bench.cases import Case
from bench.cases.common import (
    admin_client,
    consume,
    first_reason,
    missing_route,
    missing_rows,
    timed,
)

URL = "/api/v1/reports/accountability/"


def report_year() -> int:
    """The latest year that every table the report reads has rows in.

    Training courses and dossiers run to 2025 in the seeded data, findings,
    cases and feedback to 2024, so this is 2024 at every size: the growth runs
    (``--scales 1,2,4``) then compare the same work. The year with most
    enrolments, used before, differed by size (2022 at 1x, a year without
    dossiers, 2023 at 2x, 2025 at 4x), so the larger sizes measured more
    sections than the first, and the 1x report never read a dossier.
    """
    from django.db.models import Max

    from inspections.models import CitizenFeedback, DisciplinaryCase, Finding
    from reform.models import Dossier
    from training.models import Course

    latest = [
        Course.objects.aggregate(d=Max("start_date"))["d"],
        Finding.objects.aggregate(d=Max("found_on"))["d"],
        DisciplinaryCase.objects.aggregate(d=Max("opened_on"))["d"],
        CitizenFeedback.objects.aggregate(d=Max("received_on"))["d"],
        Dossier.objects.aggregate(d=Max("received_on"))["d"],
    ]
    return min(day.year for day in latest if day is not None)


def _subject(fmt: str, runs: int):
    def phase(ctx):
        client = admin_client()
        year = report_year()
        url = f"{URL}?year={year}" + ("&format=xlsx" if fmt == "xlsx" else "")
        headers = {"HTTP_ACCEPT": "application/json"} if fmt == "json" else {}
        consume(client.get(url, **headers))  # warm: imports, first-use caches
        ctx.mark_baseline()
        measured = timed(ctx.runs(runs), lambda: consume(client.get(url, **headers)))
        extra = {"year": year, "bytes": measured["result"]}
        if fmt == "json":
            import orjson

            body = orjson.loads(client.get(url, HTTP_ACCEPT="application/json").content)
            extra["units"] = len(body["units"])
            extra["total"] = body["total"]
        measured["extra"] = extra
        return measured

    return phase


def _floor(fmt: str, runs: int):
    def phase(ctx):
        from bench import report_sql

        year = report_year()
        report_sql.report_floor(year)  # warm
        ctx.mark_baseline()
        func = (
            (lambda: report_sql.report_floor(year))
            if fmt == "json"
            else (lambda: report_sql.report_floor_xlsx(year))
        )
        measured = timed(ctx.runs(runs), func)
        totals = report_sql.report_floor(year)["total"]
        measured["extra"] = {"year": year, "total": totals}
        return measured

    return phase


def unavailable() -> str | None:
    def queries_module():
        try:
            import reports.queries  # noqa: F401
        except ImportError as exc:
            return f"reports.queries cannot be imported ({exc})"
        return None

    return first_reason(
        queries_module,
        lambda: missing_route(URL),
        lambda: missing_rows("training.Enrolment", 100_000),
        lambda: missing_rows("inspections.Finding", 10_000),
        lambda: missing_rows("inspections.CitizenFeedback", 10_000),
    )


CASES = [
    Case(
        name="report_json",
        phases={"subject": _subject("json", 3), "floor": _floor("json", 3)},
        unavailable=unavailable,
    ),
    Case(
        name="report_xlsx",
        phases={"subject": _subject("xlsx", 3), "floor": _floor("xlsx", 3)},
        unavailable=unavailable,
    ),
]
