"""The admin import flow: upload -> preview with bad rows highlighted -> confirm; HR and admin
only."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.models import SecurityEvent, SecurityEventKind
from staff.models import Staff
from tests.imports.files import HEADER_VI, csv_cp1258, xlsx

pytestmark = pytest.mark.django_db

URL = "/admin/staff/staff/import/"
GOOD = [
    HEADER_VI,
    (1, "CB001", "Nguyễn Thị Ánh", "03/04/1990", "Nữ", "A", "Công chức", "Chuyên viên"),
]


def client_as(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def upload(client, buffer, name="roster.xlsx"):
    return client.post(URL, {"file": SimpleUploadedFile(name, buffer.getvalue())})


@pytest.mark.parametrize("role", ["inspector", "auditor", "head_a"])
def test_only_hr_and_admin_may_import(users, role):
    client = client_as(users[role])
    assert client.get(URL).status_code == 403
    assert upload(client, xlsx(GOOD)).status_code == 403
    assert not Staff.objects.exists()


def test_changelist_shows_the_import_button_to_hr_only(users):
    assert (
        URL in client_as(users["hr"]).get(reverse("admin:staff_staff_changelist")).content.decode()
    )
    assert (
        URL
        not in client_as(users["auditor"])
        .get(reverse("admin:staff_staff_changelist"))
        .content.decode()
    )


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_upload_preview_confirm(users, role):
    client = client_as(users[role])
    assert client.get(URL).status_code == 200
    response = upload(client, xlsx(GOOD, titles=["DANH SÁCH"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dry run: 1 row(s) would be imported: 1 new" in page
    assert not Staff.objects.exists()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(URL, {"token": token})
    assert response.status_code == 302 and response.url == reverse("admin:staff_staff_changelist")
    member = Staff.objects.get()
    assert (member.code, member.full_name, member.unit.code) == ("CB001", "Nguyễn Thị Ánh", "A")
    assert (
        SecurityEvent.objects.filter(
            kind=SecurityEventKind.IMPORT, username=users[role].username
        ).count()
        == 1
    )
    # The token is single use.
    assert client.post(URL, {"token": token}).status_code == 302
    assert Staff.objects.count() == 1


def test_preview_highlights_bad_rows_and_offers_no_confirmation(users):
    rows = [
        HEADER_VI[1:],
        GOOD[1][1:],
        ("CB002", "Trần Văn Bình", "31/02/1990", "Nam", "XYZ", "Công chức", ""),
    ]
    response = upload(client_as(users["hr"]), csv_cp1258(rows), "roster.csv")
    page = html.unescape(response.content.decode())
    assert "2 error(s) in 2 row(s): nothing was imported." in page
    assert 'Sheet "roster", row 3, column "Ngày sinh": 31/02/1990 is not a real date.' in page
    assert 'row 3, column "Đơn vị": No unit has the code or name "XYZ".' in page
    row = re.search(r'<tr class="import-error" data-row="3">(.*?)</tr>', page, re.S).group(1)
    assert row.count('class="import-error-cell"') == 2
    assert 'name="token"' not in page
    assert not Staff.objects.exists()


def test_another_users_token_is_refused(users, db):
    response = upload(client_as(users["hr"]), xlsx(GOOD))
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    response = client_as(users["admin"]).post(URL, {"token": token})
    assert response.status_code == 302
    assert not Staff.objects.exists()


def test_wrong_file_type_is_a_form_error(users):
    response = upload(client_as(users["hr"]), xlsx(GOOD), "roster.pdf")
    assert response.status_code == 200
    assert "Only .xlsx and .csv files can be imported." in response.content.decode()


def test_attendance_sheet_upload_on_courses(users, tree):
    import datetime as dt

    from tests.factories import StaffFactory
    from tests.training.factories import CourseFactory
    from training.models import Enrolment

    CourseFactory(code="BD-01", start_date=dt.date(2019, 5, 6), end_date=dt.date(2019, 5, 10))
    StaffFactory(code="CB001", full_name="Nguyễn Thị Ánh", unit=tree["A"])
    url = "/admin/training/course/import/?course=BD-01"
    assert client_as(users["auditor"]).get(url).status_code == 403
    client = client_as(users["hr"])
    rows = [
        ("Mã cán bộ", "Họ và tên", "Kết quả", "Điểm"),
        ("CB001", "Nguyễn Thị Ánh", "Hoàn thành", "9,5"),
    ]
    response = client.post(url, {"file": SimpleUploadedFile("diem.xlsx", xlsx(rows).getvalue())})
    page = response.content.decode()
    assert "Import an attendance sheet" in page and "1 new" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert client.post(url, {"token": token}).status_code == 302
    enrolment = Enrolment.objects.get()
    assert (
        enrolment.course.code,
        enrolment.staff.code,
        enrolment.status,
        str(enrolment.score),
    ) == ("BD-01", "CB001", "completed", "9.50")
