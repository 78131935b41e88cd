"""Casework admin: inlines, scoped lists, overdue/expiring filters, history, the transition form."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from inspections.casework import services
from inspections.models import CorrectiveAction, DisciplinaryCase
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
        staff = StaffFactory(
            code=f"{code}-CS", unit=tree[code], category=StaffCategory.CIVIL_SERVANT
        )
        inspection = InspectionFactory(code=f"KT-{code}", unit=tree[code], start_date=D(2023, 1, 5))
        finding = FindingFactory(inspection=inspection, unit=tree[code], found_on=D(2023, 1, 6))
        CorrectiveActionFactory(finding=finding, unit=tree[code], due_date=D(2023, 2, 1))
        case = services.case_open(
            staff=staff, violation_date=D(2023, 1, 2), discovered_on=D(2023, 1, 6), severity="minor"
        )
        out[code] = {"staff": staff, "inspection": inspection, "finding": finding, "case": case}
    return out


def login(users, role):
    client = Client()
    client.force_login(users[role])
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/inspections/inspection/",
        "/admin/inspections/finding/",
        "/admin/inspections/correctiveaction/",
        "/admin/inspections/disciplinarycase/",
        "/admin/inspections/disciplineregime/",
        "/admin/inspections/disciplineform/",
        "/admin/inspections/findingcategory/",
        "/admin/inspections/evidence/",
    ],
)
def test_admin_lists_load(users, data, url):
    assert login(users, "admin").get(url).status_code == 200


def listed(client, url):
    """The rows of an admin changelist (all of them: the lists here are shorter than a page)."""
    response = client.get(url)
    assert response.status_code == 200, url
    changelist = response.context["cl"]
    assert changelist.result_count == len(changelist.result_list)
    return set(changelist.result_list)


def test_overdue_filter_selects_open_actions_past_their_due_date(users, data, tree):
    """Today is 2023-06-01: due the day before and open is overdue; due today, or done, is not."""
    late, done = (
        data["A"]["finding"].actions.get(),
        data["B"]["finding"].actions.get(),
    )  # both due 2023-02-01
    CorrectiveAction.objects.filter(pk=done.pk).update(status="done", done_on=D(2023, 1, 31))
    yesterday = CorrectiveActionFactory(
        finding=data["A"]["finding"], unit=tree["A"], due_date=D(2023, 5, 31)
    )
    today = CorrectiveActionFactory(
        finding=data["A"]["finding"], unit=tree["A"], due_date=D(2023, 6, 1)
    )
    client, url = login(users, "admin"), "/admin/inspections/correctiveaction/"
    assert listed(client, url) == {late, done, yesterday, today}
    assert listed(client, f"{url}?overdue=yes") == {late, yesterday}
    assert listed(client, f"{url}?overdue=no") == {done, today}


@pytest.fixture
def cases(data, tree):
    """Five cases with hand-set deadlines and statuses; today is 2023-06-01 (+90 days is
    2023-08-30)."""

    def case(key, unit, status, handling, statute, decided=None):
        if key in data:
            pk = data[key]["case"].pk
        else:
            staff = StaffFactory(
                code=f"{key}-CS", unit=tree[unit], category=StaffCategory.CIVIL_SERVANT
            )
            pk = services.case_open(
                staff=staff,
                violation_date=D(2023, 1, 2),
                discovered_on=D(2023, 1, 6),
                severity="minor",
            ).pk
        DisciplinaryCase.objects.filter(pk=pk).update(
            status=status,
            handling_deadline=handling,
            statute_deadline=statute,
            decision_date=decided,
            decision_form="khien_trach" if decided else "",
        )
        return DisciplinaryCase.objects.get(pk=pk)

    return {
        # open, handling deadline passed yesterday, statute ends on the 90th day
        "A": case("A", "A", "opened", D(2023, 5, 31), D(2023, 8, 30)),
        # open, handling deadline today (not yet passed), statute ends on the 91st day
        "B": case("B", "B", "opened", D(2023, 6, 1), D(2023, 8, 31)),
        # decided after its handling deadline (late), statute today but no longer open
        "C": case("C", "A", "decided", D(2023, 3, 1), D(2023, 6, 1), decided=D(2023, 3, 2)),
        # closed without discipline: neither overdue nor expiring whatever its dates
        "E": case("E", "B", "closed_no_action", D(2023, 3, 1), D(2023, 6, 2)),
        # deferred counts as open: overdue, and its statute ends today
        "F": case("F", "A", "postponed", D(2023, 5, 1), D(2023, 6, 1)),
    }


def test_overdue_and_expiring_filters_select_the_right_cases(users, cases):
    client, url = login(users, "admin"), "/admin/inspections/disciplinarycase/"
    assert listed(client, url) == set(cases.values())
    assert listed(client, f"{url}?overdue=yes") == {cases["A"], cases["C"], cases["F"]}
    assert listed(client, f"{url}?overdue=no") == {cases["B"], cases["E"]}
    assert listed(client, f"{url}?limitation_within=90") == {cases["A"], cases["F"]}
    assert listed(client, f"{url}?limitation_within=180") == {cases["A"], cases["B"], cases["F"]}
    assert listed(client, f"{url}?limitation_within=30") == {cases["F"]}


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
    assert client.get(
        f"/admin/inspections/disciplinarycase/{data['B']['case'].pk}/change/"
    ).status_code in (302, 404)


def test_expiring_filter_selects_cases_near_their_statute(users, data, tree):
    staff = StaffFactory(code="OLD", unit=tree["A"], category=StaffCategory.CIVIL_SERVANT)
    services.case_open(
        staff=staff, violation_date=D(2021, 6, 20), discovered_on=D(2023, 5, 20), severity="minor"
    )
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
    response = client.post(
        "/admin/inspections/disciplinarycase/add/",
        {
            "staff": data["A"]["staff"].pk,
            "findings": [data["A"]["finding"].pk],
            "summary": "Trễ hẹn",
            "violation_date": "02/03/2023",
            "discovered_on": "10/03/2023",
            "severity": "serious",
            "steps-TOTAL_FORMS": 0,
            "steps-INITIAL_FORMS": 0,
            "suspensions-TOTAL_FORMS": 0,
            "suspensions-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = DisciplinaryCase.objects.latest("pk")
    assert case.regime == "R1a" and case.handling_deadline == D(2023, 6, 8)
    assert list(case.findings.all()) == [data["A"]["finding"]]
    assert case.steps.get().to_status == "opened"


def test_admin_refuses_a_case_for_contract_staff(users, data, tree):
    staff = StaffFactory(code="HD", unit=tree["A"], category=StaffCategory.CONTRACT)
    response = login(users, "hr").post(
        "/admin/inspections/disciplinarycase/add/",
        {
            "staff": staff.pk,
            "violation_date": "02/03/2023",
            "discovered_on": "10/03/2023",
            "severity": "minor",
            "steps-TOTAL_FORMS": 0,
            "steps-INITIAL_FORMS": 0,
            "suspensions-TOTAL_FORMS": 0,
            "suspensions-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert not DisciplinaryCase.objects.filter(staff=staff).exists()
