"""What the benchmark relies on, checked on small data (nothing is timed).

- the enrolment list filtered as the benchmark filters it costs the same
  number of queries whatever the number of rows;
- the bare floor view returns the same rows, in the same order, as the API;
- the report's hand-written SQL floor computes the report's own figures
  (otherwise its ratio would compare different work);
- the roster the import case generates is accepted by ``import_staff``.
"""

import datetime as dt
import io
from pathlib import Path

import orjson
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from staff.models import Staff
from tests.factories import StaffFactory
from tests.training.factories import CourseFactory, EnrolmentFactory, TopicFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/enrolments/?unit=D&status=completed&year=2019&page=1"


def _enrol(tree, count: int, offset: int = 0):
    topic = TopicFactory(code="law")
    units = [tree["A"], tree["B"], tree["D-NV"]]
    for i in range(offset, offset + count):
        person = StaffFactory(code=f"S{i:04d}", unit=units[i % 3])
        course = CourseFactory(
            code=f"K{i:04d}", topic=topic, start_date=dt.date(2019, 1 + i % 12, 3)
        )
        EnrolmentFactory(course=course, staff=person, status="completed" if i % 4 else "attended")


def _queries(client, url: str) -> int:
    client.get(url)  # per-user caches warmed
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def test_filtered_enrolment_list_costs_the_same_queries_whatever_the_rows(client_for, tree):
    _enrol(tree, 3)
    client = client_for("admin")
    few = _queries(client, LIST)
    _enrol(tree, 80, offset=3)
    assert _queries(client, LIST) == few
    assert _queries(client, LIST.replace("page=1", "page=2")) == few


def test_floor_view_returns_the_api_rows_in_the_api_order(users, tree):
    _enrol(tree, 70)
    client = Client()
    client.force_login(users["admin"])
    api = client.get(LIST, HTTP_ACCEPT="application/json").json()
    with override_settings(ROOT_URLCONF="bench.urls"):
        floor = orjson.loads(
            client.get("/bench/floor/enrolments/?" + LIST.split("?", 1)[1]).content
        )
    assert floor["count"] == api["count"] > 50
    assert [row["id"] for row in floor["results"]] == [row["id"] for row in api["results"]]
    first_api, first_floor = api["results"][0], floor["results"][0]
    for key in ("course", "staff", "staff_name", "unit", "status", "is_turn", "hours"):
        assert str(first_floor[key]) == str(first_api[key]), key


def test_floor_view_answers_401_to_anonymous(tree):
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert Client().get("/bench/floor/enrolments/").status_code == 401


def test_report_sql_floor_computes_the_report_figures(db):
    from bench import report_sql
    from bench.harness import mismatches
    from reports.frames import Period
    from reports.render import to_json
    from reports.report import build_report, top_unit

    call_command("seed_demo", stdout=io.StringIO())
    today = dt.date(2020, 3, 1)
    report = build_report(top_unit(), Period.year(2019), today=today)
    total = orjson.loads(orjson.dumps(to_json(report), default=str))["total"]
    floor = report_sql.report_floor(2019, today=today)["total"]
    assert total["findings"] > 0 and total["training_turns"] > 0 and total["feedback_received"] > 0
    assert mismatches(total, floor) == []


def test_report_sql_floor_matches_the_report_per_unit_and_period(db):
    """Every unit's rolled-up figures, this year and last, equal the report's (all counts, no
    tolerance)."""
    from bench import report_sql
    from reports import frames, queries
    from reports.frames import Period
    from reports.report import top_unit

    call_command("seed_demo", stdout=io.StringIO())
    today = dt.date(2020, 3, 1)
    rows = queries.report_rows(top_unit(), Period.year(2019), today=today)
    units = frames.units_frame(rows.units)
    unit_rows = report_sql.units()
    mismatched = []
    for period, own in enumerate(report_sql.own_counts(2019, today)):
        ours = frames.rollup(units, frames.counts_frame(rows.counts[period]))
        theirs = report_sql.roll_up(unit_rows, own)
        for unit_id in ours.index:
            for column in frames.COUNT_COLUMNS:
                expected = float(ours.at[unit_id, column])
                if abs(theirs[unit_id].get(column, 0.0) - expected) > 1e-9:
                    mismatched.append(
                        (period, unit_id, column, expected, theirs[unit_id].get(column, 0.0))
                    )
    assert mismatched == []


def test_generated_roster_is_accepted_by_import_staff(tree, tmp_path: Path):
    from bench.cases.import_roster import write_roster

    path = tmp_path / "roster.xlsx"
    write_roster(path, 30, ["A", "B", "D-NV"])
    call_command("import_staff", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Staff.objects.filter(code__startswith="BENCH-").count() == 30
    assert set(
        Staff.objects.filter(code__startswith="BENCH-").values_list("unit__code", flat=True)
    ) == {"A", "B", "D-NV"}
