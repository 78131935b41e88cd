"""Attendance import: a course's sheet, by staff code or by name + unit, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.imports import run_import
from tests.factories import StaffFactory
from tests.imports.files import csv_cp1258, xlsx
from tests.training.factories import CourseFactory, EnrolmentFactory
from training.importers import AttendanceImporter
from training.models import Enrolment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
HEADER = ("STT", "Mã lớp", "Mã cán bộ", "Họ và tên", "Đơn vị", "Kết quả", "Điểm", "Số chứng chỉ")


@pytest.fixture
def frozen():
    with time_machine.travel(
        dt.datetime(2019, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture
def people(tree):
    course = CourseFactory(
        code="BD-2019-01", start_date=dt.date(2019, 5, 6), end_date=dt.date(2019, 5, 10), capacity=3
    )
    return {
        "course": course,
        "anh": StaffFactory(code="CB001", full_name="Nguyễn Thị Ánh", unit=tree["A"]),
        "binh": StaffFactory(code="CB002", full_name="Trần Văn Bình", unit=tree["B"]),
        "cuc": StaffFactory(code="CB003", full_name="Lê Thị Cúc", unit=tree["A"]),
    }


def sheet(*rows):
    return xlsx([HEADER, *rows], titles=["DANH SÁCH HỌC VIÊN LỚP BỒI DƯỠNG"])


def run(buffer, name="attendance.xlsx", **kwargs):
    return run_import(AttendanceImporter(**kwargs), buffer, filename=name)


def stored():
    return {
        e.staff.code: (
            e.course.code,
            e.unit.code,
            e.status,
            e.score,
            e.certificate_number,
            e.completed_on,
        )
        for e in Enrolment.objects.select_related("staff", "course", "unit")
    }


def test_sheet_by_code_and_by_name_creates_and_updates_enrolments(people):
    EnrolmentFactory(course=people["course"], staff=people["binh"], status="registered")
    report = run(
        sheet(
            (1, "BD-2019-01", "CB001", None, None, "Hoàn thành", "8,5", "GCN-001"),
            (2, "BD-2019-01", None, "Trần Văn Bình", "Xã Hà Lâm", "Tham dự", None, None),
            (3, "BD-2019-01", None, "LÊ THỊ CÚC", "A", "vắng mặt", None, ""),
        )
    )
    assert report.ok, report.lines()
    assert (report.created, report.updated, report.unchanged) == (2, 1, 0)
    assert stored() == {
        "CB001": ("BD-2019-01", "A", "completed", Decimal("8.50"), "GCN-001", dt.date(2019, 5, 10)),
        "CB002": ("BD-2019-01", "B", "attended", None, "", None),
        "CB003": ("BD-2019-01", "A", "no_show", None, "", None),
    }
    again = run(
        sheet(
            (1, "BD-2019-01", "CB001", None, None, "Hoàn thành", "8,5", "GCN-001"),
            (2, "BD-2019-01", None, "Trần Văn Bình", "Xã Hà Lâm", "Tham dự", None, None),
            (3, "BD-2019-01", None, "LÊ THỊ CÚC", "A", "vắng mặt", None, ""),
        )
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_cp1258_csv_without_course_column_uses_the_given_course(people):
    rows = [("Mã cán bộ", "Họ và tên", "Kết quả", "Điểm"), ("CB001", "Nguyễn Thị Ánh", "Đạt", "9")]
    report = run(csv_cp1258(rows, delimiter=";"), "diem.csv", course=people["course"])
    assert report.ok, report.lines()
    assert stored()["CB001"][2:4] == ("completed", Decimal("9"))


def test_bad_rows_refuse_the_whole_sheet(people):
    report = run(
        sheet(
            (1, "BD-2019-01", "CB001", None, None, "Hoàn thành", "8", "GCN-001"),
            (2, "BD-2019-01", "CB001", None, None, "Tham dự", None, None),  # twice
            (3, "BD-2019-99", "CB002", None, None, "Tham dự", None, None),  # unknown course
            (4, "BD-2019-01", "CB404", None, None, "Tham dự", None, None),  # unknown staff
            (5, "BD-2019-01", None, "Không Có Ai", "A", "Tham dự", None, None),  # unknown name
            (6, "BD-2019-01", "CB003", None, None, "Ngủ gật", "-1", None),  # bad status, bad score
            (
                7,
                "BD-2019-01",
                "CB002",
                None,
                None,
                "Tham dự",
                None,
                "GCN-9",
            ),  # certificate without completion
        )
    )
    assert not report.ok and not Enrolment.objects.exists()
    found = {(e.row, e.column) for e in report.errors}
    assert {
        (4, "Mã cán bộ"),
        (5, "Mã lớp"),
        (6, "Mã cán bộ"),
        (7, "Họ và tên"),
        (8, "Kết quả"),
        (8, "Điểm"),
        (9, "Số chứng chỉ"),
    } <= found
    with translation.override("en"):
        text = "\n".join(report.lines())
    assert "No course has the code BD-2019-99." in text
    assert "CB001 already appears on row 3 for this course." in text


def test_capacity_and_eligibility_are_enforced(people, tree):
    people["course"].capacity = 1
    people["course"].save()
    StaffFactory(
        code="CB004",
        full_name="Người Đã Nghỉ",
        unit=tree["A"],
        status="left",
        left_on=dt.date(2019, 1, 1),
    )
    report = run(
        sheet(
            (1, "BD-2019-01", "CB001", None, None, "Tham dự", None, None),
            (2, "BD-2019-01", "CB002", None, None, "Tham dự", None, None),
            (3, "BD-2019-01", "CB004", None, None, "Tham dự", None, None),
        )
    )
    assert not report.ok and not Enrolment.objects.exists()
    with translation.override("en"):
        messages = {e.row: str(e.message) for e in report.errors}
    assert messages[4] == "The course is full (1 places)."
    assert messages[5] == "This person had left before the course began."


def test_attendance_cannot_be_recorded_before_the_course_begins(people, frozen):
    frozen.move_to(dt.datetime(2019, 5, 1, 9, 0, tzinfo=dt.UTC))
    report = run(sheet((1, "BD-2019-01", "CB001", None, None, "Tham dự", None, None)))
    assert not report.ok and report.errors[0].column == "Kết quả"


def test_query_count_does_not_grow_with_rows(tree):
    course = CourseFactory(
        code="BIG", start_date=dt.date(2019, 5, 6), end_date=dt.date(2019, 5, 10)
    )
    for n in range(300):
        StaffFactory(code=f"S{n:04d}", full_name=f"Người {n}", unit=tree["A"])

    def queries(count):
        Enrolment.objects.all().delete()
        rows = [
            (n, "BIG", f"S{n:04d}" if n % 2 else None, f"Người {n}", "A", "Tham dự", None, None)
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            report = run(sheet(*rows))
        assert report.ok and report.created == count, report.lines()
        return len(
            [
                q
                for q in captured.captured_queries
                if not q["sql"].startswith(
                    (
                        'INSERT INTO "training_enrolment"',
                        'INSERT INTO "training_historicalenrolment"',
                    )
                )
            ]
        )

    assert queries(5) == queries(300)
    assert course.enrolments.count() == 300
    # Every imported enrolment has its creation record (core.history), written in bulk.
    assert Enrolment.history.filter(course=course, history_type="+").count() == 305


def test_command(people, tmp_path):
    path = tmp_path / "attendance.xlsx"
    path.write_bytes(
        sheet((1, "BD-2019-01", "CB001", None, None, "Tham dự", None, None)).getvalue()
    )
    out = io.StringIO()
    call_command(
        "import_attendance",
        str(path),
        "--dry-run",
        "--language",
        "en",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Dry run: 1 row(s) would be imported: 1 new" in out.getvalue()
    assert not Enrolment.objects.exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet((1, "BD-2019-01", "CB404", None, None, "Tham dự", None, None)).getvalue())
    with pytest.raises(CommandError):
        call_command("import_attendance", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
