""" "My work": what is due for each role, each line a link, counts per unit for leaders, fixed
queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.inspections.casework_factories import CorrectiveActionFactory, InspectionFactory
from tests.inspections.feedback_factories import CitizenFeedbackFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def add_work(tree, n: int, start: int = 0):
    for i in range(start, start + n):
        unit = tree["A"] if i % 2 == 0 else tree["B"]
        inspection = InspectionFactory(
            code=f"KT-H-{i}", unit=unit, start_date=TODAY - dt.timedelta(days=30)
        )
        CorrectiveActionFactory(
            finding__inspection=inspection,
            finding__found_on=TODAY - dt.timedelta(days=20),
            due_date=TODAY + dt.timedelta(days=(i % 10) - 3),
        )
        CitizenFeedbackFactory(
            unit=unit, received_at=dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
        )


def sections(response) -> dict:
    return {s.key: s for s in response.context["sections"]}


def test_inspector_sees_due_and_overdue_actions_as_links(page_for, tree):
    add_work(tree, 4)
    response = page_for("inspector").get("/app/")
    due = sections(response)["actions_due"]
    assert due.count == 4
    assert due.lines[0].overdue and "quá hạn 3 ngày" in due.lines[0].when
    assert all(line.url and line.url.startswith("/app/") for line in due.lines)
    html = response.content.decode()
    assert f'href="{due.lines[0].url}"' in html


def test_unit_head_sees_only_its_unit(page_for, tree):
    add_work(tree, 4)
    response = page_for("head_a").get("/app/")
    assert sections(response)["actions_open"].count == 2
    assert sections(response)["feedback_waiting"].count == 2
    assert response.context["unit_counts"] is None  # commune head: no sub-units


def test_leaders_get_counts_per_unit(page_for, tree):
    add_work(tree, 4)
    rows = page_for("auditor").get("/app/").context["unit_counts"]
    by_code = {row["unit"].code: row for row in rows}
    assert by_code["D"]["actions_open"] == 4
    assert by_code["D"]["feedback_open"] == 4


def test_hr_home_lists_cases_courses_and_compliance(page_for, tree):
    response = page_for("hr").get("/app/")
    assert set(sections(response)) == {
        "findings_proposed",
        "cases_near_deadline",
        "courses_this_month",
        "below_requirement",
        "improvement_items_due",
    }


@pytest.mark.parametrize(
    ("role", "queries"),
    [("inspector", 14), ("head_a", 16), ("hr", 17), ("auditor", 17), ("admin", 15)],
)
def test_home_query_count_is_fixed(page_for, tree, role, queries):
    client = page_for(role)
    add_work(tree, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/app/").status_code == 200
    add_work(tree, 25, start=2)
    with CaptureQueriesContext(connection) as many:
        client.get("/app/")
    assert len(few) == len(many) == queries


def test_home_sections_ask_the_access_layer_for_their_rows(tree, users):
    """Courses, compliance and the leader's table come from staff.access.restrict, not a rule of
    their own."""
    from staff.models import UnitHead
    from tests.factories import StaffFactory, UserFactory
    from tests.training.factories import CourseFactory, EnrolmentFactory
    from training.models import TrainingRequirement
    from workspace import home

    CourseFactory(code="K-A", start_date=TODAY, organizer_unit=tree["A"])
    attended_from_a = CourseFactory(code="K-X", start_date=TODAY)
    CourseFactory(code="K-B", start_date=TODAY, organizer_unit=tree["B"])
    # Enrolled from A, the person has moved to B since: the enrolment's unit decides (as the API).
    moved = StaffFactory(code="A-9", unit=tree["B"])
    EnrolmentFactory(course=attended_from_a, staff=moved, unit=tree["A"])
    for code, unit in (("A-1", "A"), ("B-1", "B"), ("B-2", "B")):
        StaffFactory(code=code, unit=tree[unit], category="civil_servant")
    TrainingRequirement.objects.create(year=TODAY.year, category="civil_servant", hours=24)

    head_a = users["head_a"]
    courses = home.courses_this_month(head_a, TODAY)
    assert {line.text.split(" · ")[0] for line in courses.lines} == {"K-A", "K-X"}
    assert courses.count == 2
    below = home.below_requirement(head_a, TODAY)
    assert below.count == 1 and [line.url for line in below.lines] == [
        "/app/compliance/?year=2026&unit=A"
    ]
    assert home.below_requirement(users["hr"], TODAY).count == 4  # the whole tree (A-9 included)
    assert home.courses_this_month(users["hr"], TODAY).count == 3

    # Someone the access layer gives nothing sees nothing (not "no restriction").
    nobody = users["nobody"]
    assert home.courses_this_month(nobody, TODAY).count == 0
    assert home.below_requirement(nobody, TODAY).count == 0
    assert home.counts_per_unit(nobody, TODAY) == []
    assert not home.is_leader(nobody, "unit_head")

    # A head whose units have sub-units leads: its table has one row per unit just below its own.
    head_d = UserFactory(username="head-d")
    head_d.groups.add(users["head_a"].groups.get())
    UnitHead.objects.create(user=head_d, unit=tree["D"])
    assert home.is_leader(head_d, "unit_head") and not home.is_leader(head_a, "unit_head")
    assert [row["unit"].code for row in home.counts_per_unit(head_d, TODAY)] == ["D-NV", "A", "B"]
    # Whole-tree readers: one level below the tree's root.
    assert [row["unit"].code for row in home.counts_per_unit(users["auditor"], TODAY)] == ["D"]
