"""Input the database refuses is a 400, not a 500 (found by the schemathesis run on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import DataError
from rest_framework.test import APIClient


@pytest.mark.django_db(transaction=True)
def test_nul_character_in_a_code_is_400(users):
    client = APIClient()
    client.force_authenticate(users["hr"])
    # PostgreSQL refuses NUL in text (DataError); SQLite just finds no such unit.
    response = client.post(
        "/api/v1/staff/",
        {"code": "X1", "full_name": "Nguyễn Văn A", "unit": "A\x00", "category": "civil_servant"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()


@pytest.mark.django_db(transaction=True)
def test_nul_character_in_a_filter_is_not_a_server_error(users):
    client = APIClient()
    client.force_authenticate(users["hr"])
    response = client.get("/api/v1/staff/", {"unit": "A\x00"})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "error",
    [
        OverflowError("Python int too large to convert to SQLite INTEGER"),
        DataError("integer out of range"),
    ],
)
def test_out_of_range_errors_are_400_with_a_message(error):
    from core.api import exception_handler

    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data["non_field_errors"]


# --- deeply nested JSON ---------------------------------------------------------------------------

DEEP = "[" * 50000 + "]" * 50000


@pytest.mark.parametrize("url", ["/api/v1/feedback/", "/api/v1/auth/token/", "/api/v1/courses/"])
@pytest.mark.parametrize("role", [None, "hr"])
def test_deeply_nested_json_is_400_not_500(client_for, url, role):
    client = client_for(role)
    client.raise_request_exception = False
    response = client.post(url, DEEP, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    if role is None and url == "/api/v1/courses/" and response.status_code == 401:
        return  # refused before the body is read: fine too, as long as it is not a 500
    assert response.status_code == 400, response.content[:300]
    assert "lồng nhau quá sâu" in response.json()["detail"]


def test_json_nested_just_past_the_limit_is_400_and_within_it_parses(client_for):
    from core.parsers import MAX_JSON_DEPTH

    client = client_for("hr")
    too_deep = '{"code": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"
    response = client.post(
        "/api/v1/courses/", too_deep, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]
    fine = '{"code": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"
    response = client.post("/api/v1/courses/", fine, content_type="application/json")
    assert (
        response.status_code == 400 and "code" in response.json()
    )  # a field error, not a parse error


# --- dates out of range ---------------------------------------------------------------------------

COURSE = {
    "code": "NEW1",
    "title": "Lớp mới",
    "topic": "iso",
    "kind": "refresher",
    "organizer_level": "province",
    "organizer_name": "Sở Nội vụ",
    "start_date": "2019-10-01",
    "end_date": "2019-10-03",
    "periods": "40",
}


@pytest.fixture
def topic(db):
    from tests.training.factories import TopicFactory

    return TopicFactory(code="iso", name="ISO 9001:2015")


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31"), ("2019-10-01", "9999-12-31")],
)
def test_course_dated_out_of_range_is_400_with_a_field_message(client_for, topic, start, end):
    response = client_for("hr").post(
        "/api/v1/courses/",
        {**COURSE, "start_date": start, "end_date": end},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    field = "end_date" if start.startswith("2019") else "start_date"
    assert "Enter a date between" in body[field][0]


def test_course_in_range_is_accepted(client_for, topic):
    assert client_for("hr").post("/api/v1/courses/", COURSE, format="json").status_code == 201


def test_admin_form_refuses_a_date_out_of_range(users, topic):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(users["admin"])
    response = client.post(
        "/admin/training/course/add/",
        {
            **COURSE,
            "topic": topic.pk,
            "start_date": "01/01/0001",
            "end_date": "02/01/0001",
            "enrolments-TOTAL_FORMS": "0",
            "enrolments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Enter a date between" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/inspections/citizenfeedback/?received_on__year=9999",
        "/admin/training/course/?start_date__year=9999",
        "/admin/training/course/?start_date__year=0",
        "/admin/training/course/?start_date__year=2019&start_date__month=13",
        "/admin/training/course/?start_date__year=99999999999999999999",
        "/admin/inspections/inspection/?start_date__year=x",
    ],
)
def test_admin_date_drill_down_out_of_range_is_400(users, url):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(users["admin"])
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 400
    assert "Bad date filter" in response.content.decode()


def test_admin_date_drill_down_in_range_works(users):
    from django.test import Client

    client = Client()
    client.force_login(users["admin"])
    assert (
        client.get("/admin/training/course/?start_date__year=2019&start_date__month=3").status_code
        == 200
    )
