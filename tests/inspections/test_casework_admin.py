"""Casework admin: inlines, scoped lists, overdue/expiring filters, history, the transition form."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from inspections import services
from inspections.models import DisciplinaryCase
from staff.choices import StaffCategory
from tests.factories import StaffFactory
from tests.inspections.casework_factories import (
    CorrectiveActionFactory,
    FindingFactory,
    InspectionFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2023, 6, 1, 9, 0), tick=False):
        yield


@pytest.fixture
def data(tree):
    out = {}
    for code in ("A", "B"):
        staff = StaffFactory(code=f"{code}-CS", unit=tree[code], category=StaffCategory.CIVIL_SERVANT)
        inspection = InspectionFactory(code=f"KT-{code}", unit=tree[code], start_date=D(2023, 1, 5))
        finding = FindingFactory(inspection=inspection, unit=tree[code], found_on=D(2023, 1, 6))
        CorrectiveActionFactory(finding=finding, unit=tree[code], due_date=D(2023, 2, 1))
        case = services.case_open(staff=staff, violation_date=D(2023, 1, 2), discovered_on=D(2023, 1, 6), severity="minor")
        out[code] = {"staff": staff, "inspection": inspection, "finding": finding, "case": case}
    return out


def login(users, role):
    client = Client()
    client.force_login(users[role])
    return client


@pytest.mark.parametrize(
    "url",
    ["/admin/inspections/inspection/", "/admin/inspections/finding/", "/admin/inspections/correctiveaction/",
     "/admin/inspections/disciplinarycase/", "/admin/inspections/disciplineregime/", "/admin/inspections/disciplineform/",
     "/admin/inspections/findingcategory/", "/admin/inspections/evidence/",
     "/admin/inspections/correctiveaction/?overdue=yes", "/admin/inspections/disciplinarycase/?overdue=yes",
     "/admin/inspections/disciplinarycase/?limitation_within=90"],
)
def test_admin_lists_load(users, data, url):
    assert login(users, "admin").get(url).status_code == 200


def test_inspection_page_shows_findings_inline_and_history(users, data):
    client = login(users, "inspector")
    page = client.get(f"/admin/inspections/inspection/{data['A']['inspection'].pk}/change/")
    assert page.status_code == 200
    assert b"findings-TOTAL_FORMS" in page.content
    history = client.get(f"/admin/inspections/inspection/{data['A']['inspection'].pk}/history/")
    assert history.status_code == 200


def test_head_sees_only_own_subtree_in_admin(users, data):
    client = login(users, "head_a")
    page = client.get("/admin/inspections/disciplinarycase/")
    assert page.status_code == 200
    assert b"A-CS" in page.content and b"B-CS" not in page.content
    assert client.get(f"/admin/inspections/disciplinarycase/{data['B']['case'].pk}/change/").status_code in (302, 404)


def test_expiring_filter_selects_cases_near_their_statute(users, data, tree):
    staff = StaffFactory(code="OLD", unit=tree["A"], category=StaffCategory.CIVIL_SERVANT)
    services.case_open(staff=staff, violation_date=D(2021, 6, 20), discovered_on=D(2023, 5, 20), severity="minor")
    page = login(users, "hr").get("/admin/inspections/disciplinarycase/?limitation_within=30")
    assert b"OLD" in page.content and b"A-CS" not in page.content


def test_transition_form_takes_legal_steps_and_shows_illegal_ones(users, data):
    client = login(users, "hr")
    case = data["A"]["case"]
    url = f"/admin/inspections/disciplinarycase/{case.pk}/transition/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"to": "decided", "on": "01/06/2023"})
    assert bad.status_code == 200
    assert DisciplinaryCase.objects.get(pk=case.pk).status == "opened"
    ok = client.post(url, {"to": "self_review", "on": "20/01/2023", "note": "Họp"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.status == "self_review"
    assert case.steps.last().by == users["hr"]


def test_admin_creates_a_case_through_the_service(users, data):
    client = login(users, "hr")
    response = client.post("/admin/inspections/disciplinarycase/add/", {
        "staff": data["A"]["staff"].pk, "findings": [data["A"]["finding"].pk], "summary": "Trễ hẹn",
        "violation_date": "02/03/2023", "discovered_on": "10/03/2023", "severity": "serious",
        "steps-TOTAL_FORMS": 0, "steps-INITIAL_FORMS": 0, "suspensions-TOTAL_FORMS": 0, "suspensions-INITIAL_FORMS": 0,
        "evidence-TOTAL_FORMS": 0, "evidence-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    case = DisciplinaryCase.objects.latest("pk")
    assert case.regime == "R1a" and case.handling_deadline == D(2023, 6, 8)
    assert list(case.findings.all()) == [data["A"]["finding"]]
    assert case.steps.get().to_status == "opened"


def test_admin_refuses_a_case_for_contract_staff(users, data, tree):
    staff = StaffFactory(code="HD", unit=tree["A"], category=StaffCategory.CONTRACT)
    response = login(users, "hr").post("/admin/inspections/disciplinarycase/add/", {
        "staff": staff.pk, "violation_date": "02/03/2023", "discovered_on": "10/03/2023", "severity": "minor",
        "steps-TOTAL_FORMS": 0, "steps-INITIAL_FORMS": 0, "suspensions-TOTAL_FORMS": 0, "suspensions-INITIAL_FORMS": 0,
        "evidence-TOTAL_FORMS": 0, "evidence-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    assert not DisciplinaryCase.objects.filter(staff=staff).exists()
