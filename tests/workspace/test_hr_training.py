"""HR's training pages: courses (read only for auditors and exportable), bulk enrolment naming who
was enrolled or skipped and why, the attendance sheet, compliance with names, a person's record,
imports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.casework import services as case_services
from staff.models import Staff
from tests.factories import StaffFactory
from tests.training.factories import CourseFactory, EnrolmentFactory, TopicFactory
from training.models import Enrolment, TrainingRequirement

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2019, 5, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def roster(tree):
    return {
        "a1": StaffFactory(
            code="A001", full_name="Nguyễn Thị Ánh", unit=tree["A"], category="cadre"
        ),
        "a2": StaffFactory(
            code="A002", full_name="Đinh Công Định", unit=tree["A"], category="civil_servant"
        ),
        "a3": StaffFactory(code="A003", full_name="Lê Văn Ba", unit=tree["A"], category="contract"),
        "b1": StaffFactory(
            code="B001", full_name="Trần Văn Bình", unit=tree["B"], category="civil_servant"
        ),
        "d1": StaffFactory(
            code="D001", full_name="Lê Thu Hà", unit=tree["D-NV"], category="civil_servant"
        ),
    }


@pytest.fixture
def topic(db):
    return TopicFactory(code="iso", name="ISO 9001:2015")


@pytest.fixture
def course(topic):
    return CourseFactory(
        code="K1",
        title="Kỹ năng một cửa",
        topic=topic,
        start_date=D(2019, 5, 6),
        hours=16,
        capacity=4,
    )


@pytest.fixture
def later(topic):
    return CourseFactory(
        code="K2",
        title="Quản lý nhà nước",
        topic=topic,
        start_date=D(2019, 6, 10),
        hours=24,
        capacity=10,
        purpose="advancement",
    )


@pytest.mark.parametrize(
    ("url", "role", "status"),
    [
        ("/app/courses/", "hr", 200),
        ("/app/courses/", "auditor", 200),
        ("/app/courses/", "head_a", 200),
        ("/app/courses/", "nobody", 403),
        ("/app/courses/{K1}/", "hr", 200),
        ("/app/courses/{K1}/", "auditor", 200),
        ("/app/courses/{K1}/attendance/", "hr", 200),
        ("/app/courses/{K1}/attendance/", "auditor", 403),
        ("/app/courses/{K1}/attendance/", "head_a", 403),
        ("/app/compliance/", "hr", 200),
        ("/app/compliance/", "auditor", 200),
        ("/app/compliance/", "nobody", 403),
        ("/app/staff/", "hr", 200),
        ("/app/staff/", "auditor", 200),
        ("/app/staff/import/", "hr", 200),
        ("/app/staff/import/", "auditor", 403),
        ("/app/courses/import-attendance/", "hr", 200),
        ("/app/courses/import-attendance/", "auditor", 403),
        ("/app/people/A001/", "hr", 200),
        ("/app/people/A001/", "head_b", 404),
        ("/app/people/A001/", "head_a", 200),
    ],
)
def test_who_may_open_which_page(page_for, roster, course, url, role, status):
    assert page_for(role).get(url.format(K1=course.pk)).status_code == status


def test_auditor_sees_no_enrolment_form(page_for, roster, course):
    page = page_for("auditor").get(f"/app/courses/{course.pk}/")
    assert page.context["form"] is None and not page.context["may_attend"]
    assert page_for("auditor").post(f"/app/courses/{course.pk}/", {"unit": "A"}).status_code == 403


def test_bulk_enrolment_names_who_was_enrolled_and_who_was_skipped(page_for, roster, later, tree):
    Staff.objects.filter(code="A002").update(sanction_until=D(2019, 12, 31))
    EnrolmentFactory(course=later, staff=roster["a1"], status="registered")
    response = page_for("hr").post(
        f"/app/courses/{later.pk}/", {"unit": "A", "include_subtree": "on"}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert [c for c, _n in result["enrolled"]] == ["A003"]
    assert result["already"] == [("A001", "Nguyễn Thị Ánh")]
    ((code, name, reasons),) = result["ineligible"]
    assert code == "A002" and name == "Đinh Công Định" and reasons
    html = response.content.decode()
    assert "Đinh Công Định" in html and reasons[0] in html


def test_bulk_enrolment_refuses_what_does_not_fit(page_for, roster, course):
    response = page_for("hr").post(
        f"/app/courses/{course.pk}/", {"unit": "D", "include_subtree": "on"}
    )
    assert response.status_code == 400
    assert not Enrolment.objects.filter(course=course).exists()


def test_attendance_sheet_ticks_and_results(page_for, roster, course):
    for person in (roster["a1"], roster["a2"], roster["b1"]):
        EnrolmentFactory(course=course, staff=person, status="registered")
    rows = {
        e.staff.code: e.pk for e in Enrolment.objects.filter(course=course).select_related("staff")
    }
    client = page_for("hr")
    assert client.get(f"/app/courses/{course.pk}/attendance/").status_code == 200
    response = client.post(
        f"/app/courses/{course.pk}/attendance/",
        {
            f"present-{rows['A001']}": "on",
            f"outcome-{rows['A001']}": "completed",
            f"score-{rows['A001']}": "8,5",
            f"result-{rows['A001']}": "Giỏi",
            f"present-{rows['A002']}": "on",
        },
    )
    assert response.status_code == 302
    status = dict(Enrolment.objects.filter(course=course).values_list("staff__code", "status"))
    assert status == {"A001": "completed", "A002": "attended", "B001": "no_show"}
    done = Enrolment.objects.get(pk=rows["A001"])
    assert str(done.score) in ("8.5", "8.50") and done.result == "Giỏi" and done.completed_on


def test_attendance_refused_before_the_course_begins(page_for, roster, later):
    EnrolmentFactory(course=later, staff=roster["a1"], status="registered")
    e = Enrolment.objects.get(course=later)
    response = page_for("hr").post(
        f"/app/courses/{later.pk}/attendance/", {f"present-{e.pk}": "on"}
    )
    assert response.status_code == 400 and response.context["errors"]
    e.refresh_from_db()
    assert e.status == "registered"


def test_compliance_by_unit_with_the_names_below(page_for, roster, course):
    TrainingRequirement.objects.update_or_create(
        year=2019, category="civil_servant", position="", defaults={"hours": 16, "periods": None}
    )
    EnrolmentFactory(
        course=course, staff=roster["a2"], status="completed", completed_on=D(2019, 5, 10)
    )
    page = page_for("hr").get("/app/compliance/", {"year": 2019})
    names = [p.code for p in page.context["rows"]]
    # A002 met 16 hours; the cadre A001 is below the Decree 101 default (30 hours); contract A003 is
    # not counted.
    assert sorted(names) == ["A001", "B001", "D001"]
    units = {u["code"]: u for u in page.context["units"]}
    assert units["A"]["met"] == 1 and units["A"]["below"] == 1 and units["B"]["below"] == 1
    head = page_for("head_a").get("/app/compliance/", {"year": 2019})
    assert [p.code for p in head.context["rows"]] == ["A001"]
    assert [u["code"] for u in head.context["units"]] == ["A"]
    export = page_for("auditor").get("/app/compliance/", {"year": 2019, "format": "csv"})
    assert export.status_code == 200


def test_person_page_has_turns_and_hours_by_year_and_sanctions(page_for, roster, course, tree):
    EnrolmentFactory(
        course=course, staff=roster["a2"], status="completed", completed_on=D(2019, 5, 10)
    )
    case = case_services.case_open(
        staff=roster["a2"],
        violation_date=D(2019, 1, 2),
        discovered_on=D(2019, 1, 10),
        severity="minor",
    )
    case_services.case_transition(case=case, to="self_review", on=D(2019, 2, 1))
    case_services.case_transition(case=case, to="council", on=D(2019, 3, 1))
    case_services.case_transition(
        case=case,
        to="decided",
        decision_form="khien_trach",
        decision_number="1/QĐ",
        decision_date=D(2019, 4, 1),
    )
    page = page_for("hr").get("/app/people/A002/")
    assert page.context["by_year"] == [{"year": 2019, "turns": 1, "hours": 16, "enrolled": 1}]
    assert [c.pk for c in page.context["sanctions"]] == [case.pk]
    assert page.context["sanctioned"]


@pytest.mark.parametrize("url", ["/app/courses/", "/app/staff/", "/app/compliance/?year=2019"])
def test_list_queries_are_fixed(page_for, roster, course, tree, url):
    TrainingRequirement.objects.update_or_create(
        year=2019, category="civil_servant", position="", defaults={"hours": 16, "periods": None}
    )
    client = page_for("hr")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        person = StaffFactory(code=f"N{i}", unit=tree["B"], category="civil_servant")
        EnrolmentFactory(
            course=CourseFactory(code=f"KX{i}", start_date=D(2019, 3, 1)), staff=person
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_roster_import_previews_then_imports(page_for, tree):
    client = page_for("hr")
    csv = "Mã cán bộ,Họ và tên,Đơn vị,Loại\nNEW1,Phạm Văn Mới,A,civil_servant\n".encode()
    preview = client.post(
        "/app/staff/import/", {"file": SimpleUploadedFile("roster.csv", csv, "text/csv")}
    )
    assert preview.status_code == 200
    report, token = preview.context["report"], preview.context["token"]
    assert report.ok, report.errors
    assert token and not Staff.objects.filter(code="NEW1").exists()
    assert client.post("/app/staff/import/", {"token": token}).status_code == 302
    assert Staff.objects.get(code="NEW1").unit.code == "A"


def test_roster_import_shows_bad_rows_and_writes_nothing(page_for, tree):
    client = page_for("hr")
    csv = "Mã cán bộ,Họ và tên,Đơn vị,Loại\nNEW2,Phạm Văn Hai,NOPE,civil_servant\n".encode()
    preview = client.post(
        "/app/staff/import/", {"file": SimpleUploadedFile("roster.csv", csv, "text/csv")}
    )
    assert not preview.context["report"].ok and preview.context["token"] is None
    assert "import-error" in preview.content.decode()
    assert not Staff.objects.filter(code="NEW2").exists()


def test_attendance_import_preview(page_for, roster, course):
    EnrolmentFactory(course=course, staff=roster["a1"], status="registered")
    client = page_for("hr")
    csv = io.BytesIO("Mã lớp,Mã cán bộ,Kết quả\nK1,A001,completed\n".encode())
    preview = client.post(
        "/app/courses/import-attendance/", {"file": SimpleUploadedFile("att.csv", csv.getvalue())}
    )
    assert preview.status_code == 200
    assert preview.context["report"].rows == 1


@pytest.mark.parametrize("url", ["/app/staff/", "/app/compliance/", "/app/courses/", "/app/cases/"])
def test_unit_filter_is_a_picker_of_visible_units_even_when_filtered(page_for, roster, url):
    html = page_for("head_a").get(url, {"unit": "A"}).content.decode()
    at = html.index('<select name="unit"')
    picker = html[at : at + 600]
    assert "<select" in picker and "Xã Đạ Tồn" in picker and "Xã Hà Lâm" not in picker
