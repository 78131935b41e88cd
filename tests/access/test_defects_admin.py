"""Issue #12, defects 1, 2, 3 and 6, through the admin.

Each test failed on the code before ``staff.access``'s admin layer: history
records could be POSTed back (reverting) by read-only roles, history pages
ignored the unit scope, undeclared list query strings filtered on reporters'
phones, and the course's enrolment inline showed every unit's enrolments.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from inspections.casework import services
from inspections.casework.choices import ActionStatus
from inspections.models import CorrectiveAction, Inspection
from staff.choices import StaffCategory
from tests.factories import StaffFactory
from tests.inspections.casework_factories import (
    CorrectiveActionFactory,
    FindingFactory,
    InspectionFactory,
)
from tests.inspections.feedback_factories import CitizenFeedbackFactory, ensure_catalogue
from tests.training.factories import CourseFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2023, 6, 1, 9, 0), tick=False):
        yield


@pytest.fixture
def data(tree):
    ensure_catalogue()
    out = {}
    for code in ("A", "B"):
        staff = StaffFactory(
            code=f"{code}-CS", unit=tree[code], category=StaffCategory.CIVIL_SERVANT
        )
        inspection = InspectionFactory(code=f"KT-{code}", unit=tree[code], start_date=D(2023, 1, 5))
        finding = FindingFactory(inspection=inspection, unit=tree[code], found_on=D(2023, 1, 6))
        action = CorrectiveActionFactory(finding=finding, unit=tree[code], due_date=D(2023, 2, 1))
        case = services.case_open(
            staff=staff, violation_date=D(2023, 1, 2), discovered_on=D(2023, 1, 6), severity="minor"
        )
        feedback = CitizenFeedbackFactory(
            unit=tree[code], reporter_phone=f"09594790{'05' if code == 'A' else '77'}"
        )
        out[code] = {
            "staff": staff,
            "inspection": inspection,
            "finding": finding,
            "action": action,
            "case": case,
            "feedback": feedback,
        }
    return out


def login(user):
    client = Client()
    client.force_login(user)
    return client


def _history_url(obj, model):
    record = obj.history.latest("history_date")
    return f"/admin/inspections/{model}/{obj.pk}/history/{record.history_id}/"


@pytest.mark.parametrize("role", ["auditor", "head_a", "hr"])
def test_history_record_cannot_be_posted_back(users, data, role):
    inspection = data["A"]["inspection"]
    client = login(users[role])
    url = _history_url(inspection, "inspection")
    form = {
        "code": inspection.code,
        "kind": inspection.kind,
        "unit": inspection.unit_id,
        "start_date": "05/01/2023",
        "scope": "changed by " + role,
        "status": inspection.status,
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
    }
    response = client.post(url, form)
    assert response.status_code in (403, 404)
    assert Inspection.objects.get(pk=inspection.pk).scope != "changed by " + role


def test_head_cannot_verify_its_own_action_through_history(users, data):
    action = data["A"]["action"]
    services.action_report_progress(
        action=action, note="xong", done_on=D(2023, 1, 20), by=users["head_a"]
    )
    action.refresh_from_db()
    response = login(users["head_a"]).post(
        _history_url(action, "correctiveaction"),
        {
            "finding": action.finding_id,
            "unit": action.unit_id,
            "description": action.description,
            "due_date": "01/02/2023",
            "status": ActionStatus.VERIFIED,
            "done_on": "20/01/2023",
            "verified_on": "21/01/2023",
        },
    )
    assert response.status_code == 403
    assert CorrectiveAction.objects.get(pk=action.pk).status != ActionStatus.VERIFIED


@pytest.mark.parametrize(
    "model,key",
    [
        ("inspection", "inspection"),
        ("finding", "finding"),
        ("correctiveaction", "action"),
        ("disciplinarycase", "case"),
    ],
)
def test_history_of_another_unit_is_404_for_a_head(users, data, model, key):
    other = data["B"][key]
    client = login(users["head_a"])
    assert client.get(f"/admin/inspections/{model}/{other.pk}/history/").status_code == 404
    assert client.get(_history_url(other, model)).status_code == 404
    own = data["A"][key]
    assert client.get(f"/admin/inspections/{model}/{own.pk}/history/").status_code == 200
    assert client.get(_history_url(own, model)).status_code == 200


@pytest.mark.parametrize("role", ["auditor", "hr", "head_a", "inspector"])
@pytest.mark.parametrize(
    "query",
    [
        "reporter_phone=0959479005",
        "reporter_phone__startswith=09594790",
        "reporter_email__istartswith=h",
        "reporter_name__icontains=Hoa",
        "internal_note__icontains=a",
    ],
)
def test_undeclared_list_query_is_refused(users, data, role, query):
    response = login(users[role]).get(f"/admin/inspections/citizenfeedback/?{query}")
    assert response.status_code == 400


def test_declared_list_filters_still_work(users, data):
    client = login(users["auditor"])
    for query in (
        "status__exact=received",
        "unit__level__exact=commune",
        "received_on__year=2023",
        "q=Tu",
        "o=1",
        "p=1",
    ):
        assert client.get(f"/admin/inspections/citizenfeedback/?{query}").status_code == 200, query


def test_course_enrolment_inline_shows_a_head_its_units_only(users, tree):
    course = CourseFactory(code="LOP-1", organizer_unit=tree["A"])
    mine = EnrolmentFactory(
        course=course, staff=StaffFactory(code="EA", unit=tree["A"], full_name="Người Xã A")
    )
    theirs = EnrolmentFactory(
        course=course, staff=StaffFactory(code="EB", unit=tree["B"], full_name="Người Xã B")
    )
    page = login(users["head_a"]).get(f"/admin/training/course/{course.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert mine.staff.full_name in text
    assert theirs.staff.full_name not in text


def test_unit_head_admin_list_is_scoped(users, tree):
    page = login(users["head_a"]).get("/admin/staff/unithead/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "head-a" in text and "head-b" not in text
