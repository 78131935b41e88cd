"""Units and staff through the API: roles x scope, search, export, bad input."""

import io
import unicodedata

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

READERS = ["admin", "inspector", "hr", "auditor", "head_a", "head_b"]


@pytest.fixture
def roster(tree):
    return {
        "a1": StaffFactory(code="A001", full_name="Nguyễn Thị Ánh", unit=tree["A"]),
        "a2": StaffFactory(code="A002", full_name="Đinh Công Định", unit=tree["A"]),
        "b1": StaffFactory(code="B001", full_name="Trần Văn Bình", unit=tree["B"]),
        "d1": StaffFactory(code="D001", full_name="Lê Thu Hà", unit=tree["D-NV"]),
    }


def codes(response):
    assert response.status_code == 200, response.content
    return sorted(row["code"] for row in response.json()["results"])


def test_anonymous_gets_401(client_for, roster):
    assert client_for(None).get("/api/v1/staff/").status_code == 401


def test_user_without_role_gets_403(client_for, roster):
    assert client_for("nobody").get("/api/v1/staff/").status_code == 403


@pytest.mark.parametrize("role", ["admin", "inspector", "hr", "auditor"])
def test_district_roles_read_the_whole_roster(client_for, roster, role):
    assert codes(client_for(role).get("/api/v1/staff/")) == ["A001", "A002", "B001", "D001"]


def test_head_sees_only_own_subtree(client_for, roster):
    assert codes(client_for("head_a").get("/api/v1/staff/")) == ["A001", "A002"]
    assert codes(client_for("head_b").get("/api/v1/staff/")) == ["B001"]
    assert codes(client_for("head_a").get("/api/v1/units/")) == ["A"]


def test_head_of_other_unit_gets_404(client_for, roster):
    assert client_for("head_b").get("/api/v1/staff/A001/").status_code == 404
    assert client_for("head_b").get("/api/v1/units/A/").status_code == 404
    assert client_for("head_a").get("/api/v1/staff/A001/").status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("hr", 201), ("admin", 201), ("inspector", 403), ("auditor", 403), ("head_a", 403)],
)
def test_only_hr_and_admin_create_staff(client_for, tree, role, status):
    response = client_for(role).post(
        "/api/v1/staff/",
        {"code": "N001", "full_name": "Phạm Minh Nam", "unit": "A", "category": "cadre"},
        format="json",
    )
    assert response.status_code == status, response.content


@pytest.mark.parametrize(
    ("role", "status"), [("hr", 200), ("auditor", 403), ("inspector", 403), ("head_a", 403)]
)
def test_only_hr_edits_units(client_for, tree, role, status):
    response = client_for(role).patch("/api/v1/units/A/", {"name": "Xã Đạ Tồn mới"}, format="json")
    assert response.status_code == status


def test_create_staff_with_bad_input_is_400_with_field_errors(client_for, tree):
    response = client_for("hr").post(
        "/api/v1/staff/",
        {
            "code": "bad code!",
            "full_name": "",
            "unit": "NOPE",
            "category": "king",
            "date_of_birth": "31/02/1990",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"code", "full_name", "unit", "category", "date_of_birth"}


def test_future_birth_date_is_400(client_for, tree):
    response = client_for("hr").post(
        "/api/v1/staff/",
        {
            "code": "N2",
            "full_name": "Lê Văn Tới",
            "unit": "A",
            "category": "cadre",
            "date_of_birth": "2999-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "date_of_birth" in response.json()


def test_duplicate_code_is_400(client_for, roster):
    response = client_for("hr").post(
        "/api/v1/staff/",
        {"code": "A001", "full_name": "Ai Đó", "unit": "A", "category": "cadre"},
        format="json",
    )
    assert response.status_code == 400
    assert "code" in response.json()


def test_malformed_json_is_400(client_for, tree):
    response = client_for("hr").post("/api/v1/staff/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_error_messages_follow_accept_language(client_for, tree):
    client = client_for("hr")
    vi = client.post("/api/v1/staff/", {}, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    en = client.post("/api/v1/staff/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert vi.status_code == en.status_code == 400
    assert en.json()["code"] == ["This field is required."]
    assert vi.json()["code"] != en.json()["code"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi anh", ["A001"]),
        ("Nguyễn", ["A001"]),
        (unicodedata.normalize("NFD", "Nguyễn Thị Ánh"), ["A001"]),
        ("NGUYEN ANH", ["A001"]),
        ("dinh", ["A002"]),
        ("Đinh", ["A002"]),
        ("binh", ["B001"]),
        ("B001", ["B001"]),
    ],
)
def test_search_ignores_case_form_and_diacritics(client_for, roster, query, expected):
    assert codes(client_for("hr").get("/api/v1/staff/", {"search": query})) == expected


def test_unit_filter_includes_subtree(client_for, roster):
    assert codes(client_for("hr").get("/api/v1/staff/", {"unit": "D"})) == [
        "A001",
        "A002",
        "B001",
        "D001",
    ]
    assert codes(client_for("hr").get("/api/v1/staff/", {"unit": "A"})) == ["A001", "A002"]


def test_units_active_on(client_for, tree):
    import datetime as dt

    tree["B"].valid_until = dt.date(2025, 6, 30)
    tree["B"].save()
    assert "B" in codes(client_for("hr").get("/api/v1/units/", {"active_on": "2019-06-01"}))
    assert "B" not in codes(client_for("hr").get("/api/v1/units/", {"active_on": "2026-01-01"}))


def test_list_response_is_paginated_contract_shape(client_for, roster):
    body = client_for("hr").get("/api/v1/staff/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    row = body["results"][0]
    assert {
        "code",
        "full_name",
        "unit",
        "category",
        "position",
        "date_of_birth",
        "gender",
        "status",
    } <= set(row)


def test_staff_list_query_count_is_fixed(client_for, tree):
    client = client_for("hr")
    for i in range(3):
        StaffFactory(code=f"Q{i}", unit=tree["A"])
    client.get("/api/v1/staff/")  # warm the per-user permission cache
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/staff/")
    for i in range(3, 30):
        StaffFactory(code=f"Q{i}", unit=tree["B"])
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/staff/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_csv_export_is_filtered_and_formula_safe(client_for, tree):
    StaffFactory(code="X1", full_name='=HYPERLINK("http://evil")', unit=tree["A"])
    StaffFactory(code="X2", full_name="Trần Văn Bình", unit=tree["B"])
    response = client_for("hr").get("/api/v1/staff/", {"format": "csv", "unit": "A"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "X1" in text and "X2" not in text
    assert "'=HYPERLINK" in text


def test_xlsx_export_respects_scope(client_for, roster):
    response = client_for("head_a").get("/api/v1/staff/", {"format": "xlsx"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    exported = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert exported == ["A001", "A002"]


def test_token_auth_round_trip(users, roster):
    client = APIClient()
    bad = client.post("/api/v1/auth/token/", {"username": "hr", "password": "wrong"}, format="json")
    assert bad.status_code == 400
    good = client.post(
        "/api/v1/auth/token/", {"username": "hr", "password": "pw-for-tests-123"}, format="json"
    )
    assert good.status_code == 200
    token = good.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/staff/").status_code == 200


def test_feedback_about_a_merged_unit_names_its_successor(client_for, tree):
    import datetime as dt

    new = tree["P"].children.create(
        code="NEW", name="Xã Mới", level="commune", valid_from=dt.date(2025, 7, 1)
    )
    old = tree["A"]
    old.valid_until, old.successor = dt.date(2025, 6, 30), new
    old.save()
    response = client_for(None).post(
        "/api/v1/feedback/",
        {"unit": "A", "description": "Cán bộ gây phiền hà cho người dân."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "NEW" in response.json()["unit"][0] and "30/06/2025" in response.json()["unit"][0]
