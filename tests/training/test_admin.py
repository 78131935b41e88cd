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
    k1 = CourseFactory(code="K1", topic=topic, start_date=dt.date(2019, 5, 6), capacity=2, organizer_unit=tree["B"])
    EnrolmentFactory(course=k1, staff=roster["b1"], status="attended")
    return k1


@pytest.mark.parametrize("url", [
    "/admin/training/course/", "/admin/training/enrolment/", "/admin/training/trainingtopic/",
    "/admin/training/trainingrequirement/", "/admin/training/trainingrequirement/compliance/?year=2019",
    "/admin/training/enrolment/?year=2019&turn=yes",
])
@pytest.mark.parametrize("role", ["hr", "auditor", "head_a"])
def test_admin_pages_render(admin_client_for, classes, url, role):
    response = admin_client_for(role).get(url)
    assert response.status_code == 200, (url, role)


def test_course_change_page_with_inline(admin_client_for, classes):
    assert admin_client_for("hr").get(f"/admin/training/course/{classes.pk}/change/").status_code == 200


def test_head_does_not_see_other_units_courses_in_admin(admin_client_for, classes):
    assert "K1" not in admin_client_for("head_a").get("/admin/training/course/").content.decode()
    assert "K1" in admin_client_for("head_b").get("/admin/training/course/").content.decode()


def test_admin_add_enrolment_refuses_a_full_course(admin_client_for, classes, roster):
    client = admin_client_for("hr")
    ok = client.post("/admin/training/enrolment/add/", {"course": classes.pk, "staff": roster["a1"].pk, "status": "registered"})
    assert ok.status_code == 302
    full = client.post("/admin/training/enrolment/add/", {"course": classes.pk, "staff": roster["a2"].pk, "status": "registered"})
    assert full.status_code == 200 and Enrolment.objects.filter(course=classes).count() == 2


def test_bulk_enrol_admin_action(admin_client_for, topic, roster, tree):
    course = CourseFactory(code="BULK", topic=topic, capacity=None)
    client = admin_client_for("hr")
    page = client.post("/admin/training/course/", {"action": "enrol_staff", "_selected_action": [course.pk]})
    assert page.status_code == 200 and b"apply" in page.content
    done = client.post("/admin/training/course/", {
        "action": "enrol_staff", "_selected_action": [course.pk], "apply": "1",
        "unit": tree["A"].pk, "include_subtree": "on", "categories": ["cadre", "civil_servant"],
    })
    assert done.status_code == 302
    assert sorted(course.enrolments.values_list("staff__code", flat=True)) == ["A001", "A002"]


def test_auditor_cannot_run_the_bulk_action(admin_client_for, topic):
    course = CourseFactory(code="BULK2", topic=topic)
    client = admin_client_for("auditor")
    client.post("/admin/training/course/", {"action": "enrol_staff", "_selected_action": [course.pk], "apply": "1"})
    assert course.enrolments.count() == 0


def test_compliance_view_lists_people_below(admin_client_for, classes):
    body = admin_client_for("hr").get("/admin/training/trainingrequirement/compliance/?year=2019&unit=D").content.decode()
    assert "A001" in body and "B001" in body
