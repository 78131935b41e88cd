"""Courses and enrolments over HTTP: role x scope matrix, filters, exports, query counts, errors."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staff.models import Staff
from tests.factories import StaffFactory
from tests.training.factories import CourseFactory, EnrolmentFactory, TopicFactory
from training.models import Course

pytestmark = pytest.mark.django_db

READERS = ["admin", "inspector", "hr", "auditor"]


@pytest.fixture
def data(topic, roster, tree):
    it = TopicFactory(code="it", name="Công nghệ thông tin")
    prov = CourseFactory(
        code="PROV19",
        title="Bồi dưỡng quản lý nhà nước",
        topic=topic,
        organizer_level="province",
        start_date=dt.date(2019, 3, 4),
        capacity=10,
    )
    dist = CourseFactory(
        code="DIST19",
        title="Tập huấn văn phòng điện tử",
        topic=it,
        organizer_level="district",
        organizer_unit=tree["D"],
        start_date=dt.date(2019, 8, 5),
    )
    comm_b = CourseFactory(
        code="B18",
        title="Lớp của xã B",
        topic=it,
        organizer_level="commune",
        organizer_unit=tree["B"],
        start_date=dt.date(2018, 4, 2),
    )
    EnrolmentFactory(course=prov, staff=roster["a1"], status="completed")
    EnrolmentFactory(course=prov, staff=roster["b1"], status="attended")
    EnrolmentFactory(course=dist, staff=roster["a2"], status="no_show")
    EnrolmentFactory(course=comm_b, staff=roster["b1"], status="attended")
    return {"prov": prov, "dist": dist, "comm_b": comm_b}


def course_codes(response):
    assert response.status_code == 200, response.content
    return sorted(row["code"] for row in response.json()["results"])


def enrolment_keys(response):
    assert response.status_code == 200, response.content
    return sorted(f"{r['course']}:{r['staff']}" for r in response.json()["results"])


def test_anonymous_gets_401_and_no_role_403(client_for, data):
    for url in ("/api/v1/courses/", "/api/v1/enrolments/", "/api/v1/training-topics/"):
        assert client_for(None).get(url).status_code == 401
        assert client_for("nobody").get(url).status_code == 403


@pytest.mark.parametrize("role", READERS)
def test_district_roles_read_everything(client_for, data, role):
    assert course_codes(client_for(role).get("/api/v1/courses/")) == ["B18", "DIST19", "PROV19"]
    assert len(client_for(role).get("/api/v1/enrolments/").json()["results"]) == 4


@pytest.mark.parametrize(
    ("role", "courses", "enrolments"),
    [
        # A's people took PROV19 and DIST19 (DIST19 was organised by the district, above A).
        ("head_a", ["DIST19", "PROV19"], ["DIST19:A002", "PROV19:A001"]),
        # B organised B18 and its people took PROV19.
        ("head_b", ["B18", "PROV19"], ["B18:B001", "PROV19:B001"]),
    ],
)
def test_heads_read_their_subtree_only(client_for, data, role, courses, enrolments):
    client = client_for(role)
    assert course_codes(client.get("/api/v1/courses/")) == courses
    assert enrolment_keys(client.get("/api/v1/enrolments/")) == enrolments


def test_head_of_other_unit_gets_404(client_for, data):
    b_enrolment = data["comm_b"].enrolments.get()
    assert client_for("head_a").get("/api/v1/courses/B18/").status_code == 404
    assert client_for("head_a").get(f"/api/v1/enrolments/{b_enrolment.pk}/").status_code == 404
    assert client_for("head_b").get(f"/api/v1/enrolments/{b_enrolment.pk}/").status_code == 200


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


@pytest.mark.parametrize(
    ("role", "status"),
    [("hr", 201), ("admin", 201), ("inspector", 403), ("auditor", 403), ("head_a", 403)],
)
def test_only_hr_and_admin_write_courses(client_for, topic, role, status):
    response = client_for(role).post("/api/v1/courses/", COURSE, format="json")
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["hours"] == "30.00"  # 40 periods of 45 minutes


@pytest.mark.parametrize(
    ("role", "status"), [("hr", 201), ("inspector", 403), ("auditor", 403), ("head_a", 403)]
)
def test_only_hr_enrols(client_for, data, role, status):
    response = client_for(role).post(
        "/api/v1/enrolments/", {"course": "PROV19", "staff": "A002"}, format="json"
    )
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["unit"] == "A"


@pytest.mark.parametrize(
    ("role", "course", "status"),
    [
        ("hr", "DIST19", 201),
        ("auditor", "DIST19", 403),
        # The role's right is checked before the row: without it the answer is 403 whatever the
        # course (a course head_b cannot see, one it can, one that does not exist), so it tells
        # nothing.
        ("head_b", "DIST19", 403),
        ("head_b", "B18", 403),
        ("head_b", "NONE99", 403),
        (None, "DIST19", 401),
    ],
)
def test_bulk_enrol_action_permissions(client_for, data, role, course, status):
    response = client_for(role).post(
        f"/api/v1/courses/{course}/enrol/", {"unit": "B"}, format="json"
    )
    assert response.status_code == status, response.content


def test_bulk_enrol_on_a_course_outside_scope_is_404_even_with_the_right(client_for, users, data):
    from django.contrib.auth.models import Group

    users["head_b"].groups.add(
        Group.objects.get(name="hr")
    )  # the right, but still linked to unit B only
    client = client_for("head_b")
    assert (
        client.post("/api/v1/courses/DIST19/enrol/", {"unit": "B"}, format="json").status_code
        == 404
    )
    assert not data["dist"].enrolments.filter(unit__code="B").exists()
    response = client.post("/api/v1/courses/B18/enrol/", {"unit": "B"}, format="json")
    assert response.status_code == 201, response.content


def test_bulk_enrol_action(client_for, data):
    response = client_for("hr").post(
        "/api/v1/courses/DIST19/enrol/",
        {"unit": "D", "categories": ["civil_servant"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["enrolled"] == ["B001", "D001"]
    assert body["already_enrolled"] == ["A002"]


def test_bulk_enrol_over_capacity_is_400(client_for, data):
    data["dist"].capacity = 2
    data["dist"].save()
    response = client_for("hr").post("/api/v1/courses/DIST19/enrol/", {"unit": "D"}, format="json")
    assert response.status_code == 400
    assert "course" in response.json()


@time_machine.travel(dt.datetime(2019, 8, 9, 10, 0), tick=False)
def test_attendance_action(client_for, data, roster):
    client = client_for("hr")
    client.post("/api/v1/courses/DIST19/enrol/", {"unit": "B"}, format="json")
    response = client.post(
        "/api/v1/courses/DIST19/attendance/",
        {
            "records": [{"staff": "A002", "status": "completed", "score": "8.5"}],
            "default_status": "attended",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"updated": 2}
    assert (
        client_for("auditor")
        .post("/api/v1/courses/DIST19/attendance/", {}, format="json")
        .status_code
        == 403
    )


def test_duplicate_and_full_and_left_are_400(client_for, data, roster):
    client = client_for("hr")
    duplicate = client.post(
        "/api/v1/enrolments/", {"course": "PROV19", "staff": "A001"}, format="json"
    )
    assert duplicate.status_code == 400 and "staff" in duplicate.json()
    data["prov"].capacity = 2
    data["prov"].save()
    full = client.post("/api/v1/enrolments/", {"course": "PROV19", "staff": "A002"}, format="json")
    assert full.status_code == 400 and "course" in full.json()
    gone = StaffFactory(
        code="GONE", unit=roster["a1"].unit, status="left", left_on=dt.date(2019, 1, 1)
    )
    response = client.post(
        "/api/v1/enrolments/", {"course": "DIST19", "staff": gone.code}, format="json"
    )
    assert response.status_code == 400 and "staff" in response.json()


def test_sanctioned_person_is_400_with_reason_then_override(client_for, data, roster):
    Course.objects.filter(code="DIST19").update(purpose="advancement")
    Staff.objects.filter(code="D001").update(sanction_until=dt.date(2020, 1, 1))
    client = client_for("hr")
    refused = client.post(
        "/api/v1/enrolments/",
        {"course": "DIST19", "staff": "D001"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert "sanction" in refused.json()["staff"][0]
    default = client.post(
        "/api/v1/enrolments/", {"course": "DIST19", "staff": "D001"}, format="json"
    )
    assert "kỷ luật" in default.json()["staff"][0]  # Vietnamese without Accept-Language
    allowed = client.post(
        "/api/v1/enrolments/",
        {
            "course": "DIST19",
            "staff": "D001",
            "sanction_override": True,
            "override_reason": "Bắt buộc",
        },
        format="json",
    )
    assert allowed.status_code == 201, allowed.content


def test_bad_course_input_is_400_with_field_errors_in_both_languages(client_for, topic):
    bad = dict(
        COURSE, code="bad code!", end_date="2019-09-01", topic="nope", hours="10", periods="40"
    )
    vi = client_for("hr").post("/api/v1/courses/", bad, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    en = client_for("hr").post("/api/v1/courses/", bad, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert vi.status_code == en.status_code == 400
    assert {"code", "topic"} <= set(en.json())
    good_fields = dict(COURSE, end_date="2019-09-01", hours="10", periods="40")
    en = client_for("hr").post(
        "/api/v1/courses/", good_fields, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    vi = client_for("hr").post(
        "/api/v1/courses/", good_fields, format="json", HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert en.status_code == 400 and {"end_date", "periods"} <= set(en.json())
    assert en.json()["end_date"] != vi.json()["end_date"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": 2019}, ["DIST19", "PROV19"]),
        ({"year": 2018}, ["B18"]),
        ({"unit": "A"}, ["DIST19", "PROV19"]),
        ({"unit": "B"}, ["B18", "PROV19"]),
        ({"topic": "it"}, ["B18", "DIST19"]),
        ({"organizer_level": "province"}, ["PROV19"]),
        ({"kind": "degree"}, []),
        ({"status": "no_show"}, ["DIST19"]),
        ({"search": "van phong dien tu"}, ["DIST19"]),
    ],
)
def test_course_filters(client_for, data, params, expected):
    assert course_codes(client_for("hr").get("/api/v1/courses/", params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": 2019, "unit": "D"}, ["DIST19:A002", "PROV19:A001", "PROV19:B001"]),
        ({"unit": "B"}, ["B18:B001", "PROV19:B001"]),
        ({"turn": "true", "year": 2019}, ["PROV19:A001", "PROV19:B001"]),
        ({"status": ["no_show", "completed"]}, ["DIST19:A002", "PROV19:A001"]),
        ({"organizer_level": "commune"}, ["B18:B001"]),
        ({"topic": "iso"}, ["PROV19:A001", "PROV19:B001"]),
        ({"search": "binh"}, ["B18:B001", "PROV19:B001"]),
    ],
)
def test_enrolment_filters(client_for, data, params, expected):
    assert enrolment_keys(client_for("hr").get("/api/v1/enrolments/", params)) == expected


def test_course_list_shows_counts(client_for, data):
    rows = {r["code"]: r for r in client_for("hr").get("/api/v1/courses/").json()["results"]}
    assert (
        rows["PROV19"]["enrolled_count"],
        rows["PROV19"]["turn_count"],
        rows["PROV19"]["seats_left"],
    ) == (2, 2, 8)
    assert rows["DIST19"]["seats_left"] is None


LIST_URLS = [
    "/api/v1/courses/",
    "/api/v1/enrolments/",
    "/api/v1/training-compliance/?year=2019",
    "/api/v1/training-topics/",
]


def _query_counts(client):
    counts = []
    for url in LIST_URLS:
        client.get(url)  # warm per-user caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    return counts


@pytest.mark.parametrize("role", ["hr", "head_a"])
def test_list_query_counts_do_not_grow_with_rows(client_for, data, tree, topic, role):
    client = client_for(role)
    before = _query_counts(client)
    for i in range(20):
        person = StaffFactory(code=f"G{i:02d}", unit=tree["A"])
        course = CourseFactory(code=f"G{i:02d}", topic=TopicFactory(code=f"t{i}"), capacity=5)
        EnrolmentFactory(course=course, staff=person, status="attended")
    after = _query_counts(client)
    assert before == after
    assert max(after) <= 6, after


def test_csv_export_is_filtered(client_for, data):
    response = client_for("hr").get("/api/v1/enrolments/", {"format": "csv", "year": 2019})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "PROV19" in text and "B18" not in text


def test_xlsx_export_respects_scope(client_for, data):
    response = client_for("head_b").get("/api/v1/courses/", {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "B18",
        "PROV19",
    ]


def test_schema_builds(client_for):
    assert client_for(None).get("/api/v1/schema/").status_code == 200


@time_machine.travel(dt.datetime(2019, 8, 9, 10, 0), tick=False)
def test_patch_an_enrolment(client_for, data):
    enrolment = data["prov"].enrolments.get(staff__code="A001")
    client = client_for("hr")
    ok = client.patch(
        f"/api/v1/enrolments/{enrolment.pk}/", {"certificate_number": "CC-19-001"}, format="json"
    )
    assert ok.status_code == 200, ok.content
    moved = client.patch(f"/api/v1/enrolments/{enrolment.pk}/", {"staff": "B001"}, format="json")
    assert moved.status_code == 400 and "staff" in moved.json()
    wrong = client.patch(
        f"/api/v1/enrolments/{enrolment.pk}/", {"status": "attended"}, format="json"
    )
    assert wrong.status_code == 400 and "certificate_number" in wrong.json()
    assert (
        client_for("auditor")
        .patch(f"/api/v1/enrolments/{enrolment.pk}/", {"note": "x"}, format="json")
        .status_code
        == 403
    )


@pytest.mark.parametrize("year", ["0", "-5", "0.05", "99999999999999999999", "abc", "2019.5"])
def test_impossible_years_are_400_not_500(client_for, data, year):
    for url in (
        "/api/v1/courses/",
        "/api/v1/enrolments/",
        "/api/v1/enrolments/turns/",
        "/api/v1/training-compliance/",
    ):
        response = client_for("hr").get(url, {"year": year})
        assert response.status_code == 400, (url, year, response.status_code)
