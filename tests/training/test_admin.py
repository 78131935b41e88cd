"""The training admin: lists, inline capacity, bulk enrolment action, compliance view."""

import datetime as dt

import pytest
from django.test import Client

from tests.training.factories import CourseFactory, EnrolmentFactory
from training.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(users):
    def make(role):
        client = Client()
        client.force_login(users[role])
        return client

    return make


@pytest.fixture
def classes(topic, roster, tree):
    k1 = CourseFactory(
        code="K1", topic=topic, start_date=dt.date(2019, 5, 6), capacity=2, organizer_unit=tree["B"]
    )
    EnrolmentFactory(course=k1, staff=roster["b1"], status="attended")
    return k1


@pytest.mark.parametrize(
    "url",
    [
        "/admin/training/course/",
        "/admin/training/enrolment/",
        "/admin/training/trainingtopic/",
        "/admin/training/trainingrequirement/",
        "/admin/training/trainingrequirement/compliance/?year=2019",
        "/admin/training/enrolment/?year=2019&turn=yes",
    ],
)
@pytest.mark.parametrize("role", ["hr", "auditor", "head_a"])
def test_admin_pages_render(admin_client_for, classes, url, role):
    response = admin_client_for(role).get(url)
    assert response.status_code == 200, (url, role)


def listed(client, url):
    """The rows of an admin changelist (all of them: shorter than a page here)."""
    response = client.get(url)
    assert response.status_code == 200, url
    changelist = response.context["cl"]
    assert changelist.result_count == len(changelist.result_list)
    return {(e.course.code, e.staff.code, e.status) for e in changelist.result_list}


def test_year_and_turn_filters_select_the_right_enrolments(
    admin_client_for, classes, topic, roster, tree
):
    """Edges of 2019 (31 Dec 2018, 1 Jan and 31 Dec 2019, 1 Jan 2020); turns are attended or
    completed only."""
    dec18 = CourseFactory(
        code="DEC18", topic=topic, start_date=dt.date(2018, 12, 31), end_date=dt.date(2018, 12, 31)
    )
    jan19 = CourseFactory(
        code="JAN19", topic=topic, start_date=dt.date(2019, 1, 1), end_date=dt.date(2019, 1, 2)
    )
    dec19 = CourseFactory(
        code="DEC19", topic=topic, start_date=dt.date(2019, 12, 31), end_date=dt.date(2019, 12, 31)
    )
    jan20 = CourseFactory(
        code="JAN20", topic=topic, start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 1, 2)
    )
    EnrolmentFactory(course=dec18, staff=roster["a1"], status="completed")
    EnrolmentFactory(course=jan19, staff=roster["a1"], status="completed")
    EnrolmentFactory(course=jan19, staff=roster["a2"], status="no_show")
    EnrolmentFactory(course=dec19, staff=roster["a2"], status="attended")
    EnrolmentFactory(course=dec19, staff=roster["b1"], status="failed")
    EnrolmentFactory(course=jan20, staff=roster["a1"], status="attended")
    url = "/admin/training/enrolment/"
    everything = {
        ("K1", "B001", "attended"),
        ("DEC18", "A001", "completed"),
        ("JAN19", "A001", "completed"),
        ("JAN19", "A002", "no_show"),
        ("DEC19", "A002", "attended"),
        ("DEC19", "B001", "failed"),
        ("JAN20", "A001", "attended"),
    }
    hr = admin_client_for("hr")
    assert listed(hr, url) == everything
    in_2019 = {
        ("K1", "B001", "attended"),
        ("JAN19", "A001", "completed"),
        ("JAN19", "A002", "no_show"),
        ("DEC19", "A002", "attended"),
        ("DEC19", "B001", "failed"),
    }
    assert listed(hr, f"{url}?year=2019") == in_2019
    turns_2019 = {
        ("K1", "B001", "attended"),
        ("JAN19", "A001", "completed"),
        ("DEC19", "A002", "attended"),
    }
    assert listed(hr, f"{url}?year=2019&turn=yes") == turns_2019
    assert listed(hr, f"{url}?year=2019&turn=no") == in_2019 - turns_2019
    assert listed(hr, f"{url}?turn=yes") == {
        row for row in everything if row[2] in ("attended", "completed")
    }
    # A unit head's list is its own units' rows, filtered the same way.
    assert listed(admin_client_for("head_a"), f"{url}?year=2019&turn=yes") == {
        ("JAN19", "A001", "completed"),
        ("DEC19", "A002", "attended"),
    }


def test_course_change_page_with_inline(admin_client_for, classes):
    assert (
        admin_client_for("hr").get(f"/admin/training/course/{classes.pk}/change/").status_code
        == 200
    )


def test_head_does_not_see_other_units_courses_in_admin(admin_client_for, classes):
    assert "K1" not in admin_client_for("head_a").get("/admin/training/course/").content.decode()
    assert "K1" in admin_client_for("head_b").get("/admin/training/course/").content.decode()


def test_admin_add_enrolment_refuses_a_full_course(admin_client_for, classes, roster):
    client = admin_client_for("hr")
    ok = client.post(
        "/admin/training/enrolment/add/",
        {"course": classes.pk, "staff": roster["a1"].pk, "status": "registered"},
    )
    assert ok.status_code == 302
    full = client.post(
        "/admin/training/enrolment/add/",
        {"course": classes.pk, "staff": roster["a2"].pk, "status": "registered"},
    )
    assert full.status_code == 200 and Enrolment.objects.filter(course=classes).count() == 2


def test_bulk_enrol_admin_action(admin_client_for, topic, roster, tree):
    course = CourseFactory(code="BULK", topic=topic, capacity=None)
    client = admin_client_for("hr")
    page = client.post(
        "/admin/training/course/", {"action": "enrol_staff", "_selected_action": [course.pk]}
    )
    assert page.status_code == 200 and b"apply" in page.content
    done = client.post(
        "/admin/training/course/",
        {
            "action": "enrol_staff",
            "_selected_action": [course.pk],
            "apply": "1",
            "unit": tree["A"].pk,
            "include_subtree": "on",
            "categories": ["cadre", "civil_servant"],
        },
    )
    assert done.status_code == 302
    assert sorted(course.enrolments.values_list("staff__code", flat=True)) == ["A001", "A002"]


def test_auditor_cannot_run_the_bulk_action(admin_client_for, topic):
    course = CourseFactory(code="BULK2", topic=topic)
    client = admin_client_for("auditor")
    client.post(
        "/admin/training/course/",
        {"action": "enrol_staff", "_selected_action": [course.pk], "apply": "1"},
    )
    assert course.enrolments.count() == 0


def test_compliance_view_lists_people_below(admin_client_for, classes):
    body = (
        admin_client_for("hr")
        .get("/admin/training/trainingrequirement/compliance/?year=2019&unit=D")
        .content.decode()
    )
    assert "A001" in body and "B001" in body
