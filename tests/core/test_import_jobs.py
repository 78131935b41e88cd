"""Imports above a size run as background jobs; small ones stay in the request.

A file above ``IMPORT_ASYNC_BYTES`` is checked by a job and, once confirmed,
imported by another; a checked file with more rows than ``IMPORT_ASYNC_ROWS``
is imported by a job. The job's page shows the same report as the import
page (rows imported, or every row and column error, all-or-nothing), only to
the user who asked, with the importer of that user's scope. Run with the
immediate backend and with the database queue worked here.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import Job, JobKind, JobStatus, SecurityEvent, SecurityEventKind
from staff.models import Staff, UnitHead
from tests.imports.files import HEADER_VI, xlsx
from tests.notifications.queue import DB_TASKS, work_ready
from tests.training.factories import CourseFactory, EnrolmentFactory, TopicFactory

pytestmark = pytest.mark.django_db

PAGE = "/app/staff/import/"
ADMIN = "/admin/staff/staff/import/"
ROSTER = (
    "Mã cán bộ,Họ và tên,Đơn vị,Loại\n"
    "NEW1,Phạm Văn Một,A,civil_servant\n"
    "NEW2,Lê Thị Hai,B,civil_servant\n"
).encode()


def signed_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def csv_upload(content: bytes = ROSTER, name: str = "roster.csv"):
    return SimpleUploadedFile(name, content, "text/csv")


def token_in(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_small_imports_stay_in_the_request(settings, users):
    settings.IMPORT_ASYNC_BYTES, settings.IMPORT_ASYNC_ROWS = 10_000, 10
    client = signed_in(users["hr"])
    preview = client.post(PAGE, {"file": csv_upload()})
    assert preview.status_code == 200 and preview.context["report"].rows == 2
    assert client.post(PAGE, {"token": preview.context["token"]}).status_code == 302
    assert set(Staff.objects.values_list("code", flat=True)) == {"NEW1", "NEW2"}
    assert not Job.objects.exists()


def test_a_big_file_is_checked_then_imported_by_jobs(
    settings, users, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_BYTES = 50
    client = signed_in(users["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"file": csv_upload()})
    assert response.status_code == 302 and response["Location"].startswith("/app/jobs/")
    check = Job.objects.get()
    assert (check.kind, check.status, check.rows) == (JobKind.IMPORT_CHECK, JobStatus.DONE, 2)
    assert not check.file  # the copy of the upload is gone once checked
    page = client.get(response["Location"]).content.decode()
    assert "Dry run: 2 row(s) would be imported: 2 new" in page
    assert "Phạm Văn Một" in page  # the preview rows
    assert f'action="{PAGE}"' in page and "Confirm the import" in page
    assert not Staff.objects.exists()
    # Someone else never sees the job.
    assert signed_in(users["admin"]).get(response["Location"]).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"token": token_in(page)})
    assert response.status_code == 302 and response["Location"].startswith("/app/jobs/")
    done = Job.objects.get(kind=JobKind.IMPORT)
    assert done.status == JobStatus.DONE and done.result["committed"] is True
    page = client.get(response["Location"]).content.decode()
    assert "Imported 2 row(s): 2 new, 0 changed, 0 unchanged." in page
    assert "Confirm the import" not in page
    assert set(Staff.objects.values_list("code", flat=True)) == {"NEW1", "NEW2"}
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.IMPORT, username="hr").count() == 1
    # The token was used: confirming again imports nothing more.
    client.post(PAGE, {"token": token_in(client.get(f"/app/jobs/{check.pk}/").content.decode())})
    assert Job.objects.filter(kind=JobKind.IMPORT).count() == 1


def test_many_checked_rows_make_the_import_a_job(
    settings, users, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_BYTES, settings.IMPORT_ASYNC_ROWS = 10_000, 1
    client = signed_in(users["hr"])
    preview = client.post(PAGE, {"file": csv_upload()})
    assert preview.status_code == 200 and not Job.objects.exists()  # the check stays in the request
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"token": preview.context["token"]})
    assert response["Location"].startswith("/app/jobs/")
    assert Job.objects.get().result["created"] == 2
    assert Staff.objects.count() == 2


def test_the_job_imports_within_the_scope_of_who_asked(
    settings, users, tree, django_capture_on_commit_callbacks
):
    """HR scoped to unit A: the row for unit B is refused by the job, with its row and column;
    nothing is written."""
    UnitHead.objects.create(user=users["hr"], unit=tree["A"])
    settings.IMPORT_ASYNC_BYTES = 50
    client = signed_in(users["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"file": csv_upload()})
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and job.result["ok"] is False
    assert job.result["token"] is None
    page = client.get(response["Location"]).content.decode()
    assert "1 error(s) in 2 row(s): nothing was imported." in page
    assert (
        'Sheet "roster", row 3, column "Đơn vị": No unit has the code or name "B".'
        in html.unescape(page)
    )
    assert "import-error-cell" in page and "Confirm the import" not in page
    assert not Staff.objects.exists()


def test_a_job_for_a_user_who_lost_the_right_to_import_does_nothing(
    settings, users, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_BYTES = 50
    client = signed_in(users["hr"])
    preview = client.post(PAGE, {"file": csv_upload()})  # queued, not run yet
    job = Job.objects.get()
    users["hr"].groups.clear()
    from core.jobs import run_import_job

    run_import_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "PermissionDenied" in job.error
    assert preview.status_code == 302 and not Staff.objects.exists()


def test_the_admin_import_defers_too(settings, users, django_capture_on_commit_callbacks):
    settings.IMPORT_ASYNC_BYTES = 50
    client = signed_in(users["admin"])
    book = xlsx(
        [HEADER_VI, (1, "CB001", "Nguyễn Thị Ánh", "03/04/1990", "Nữ", "A", "Công chức", "")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADMIN, {"file": SimpleUploadedFile("roster.xlsx", book.getvalue())})
    assert response["Location"].startswith("/app/jobs/")
    page = client.get(response["Location"]).content.decode()
    assert "Dry run: 1 row(s) would be imported: 1 new" in page
    assert f'action="{ADMIN}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADMIN, {"token": token_in(page)})
    assert response["Location"].startswith("/app/jobs/")
    assert Staff.objects.get().full_name == "Nguyễn Thị Ánh"


def test_the_attendance_job_keeps_the_page_query_and_language(
    settings, users, roster_member, django_capture_on_commit_callbacks
):
    course, staff = roster_member
    settings.IMPORT_ASYNC_BYTES = 10
    client = signed_in(users["hr"], language="vi")
    url = f"/app/courses/import-attendance/?course={course.code}"
    sheet = (
        f"Mã cán bộ,Kết quả\n{staff.code},completed\n".encode()
    )  # no course column: ?course= says which
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": csv_upload(sheet, "att.csv")})
    job = Job.objects.get()
    assert job.query == f"course={course.code}" and job.language == "vi"
    assert job.result["ok"] is True, job.result["errors"]
    page = client.get(response["Location"]).content.decode()
    assert "Chạy thử" in page  # the report in Vietnamese
    assert f'action="{url}"' in page


@pytest.fixture
def roster_member(tree):
    from tests.factories import StaffFactory

    course = CourseFactory(code="K1", topic=TopicFactory())
    staff = StaffFactory(code="A001", unit=tree["A"])
    EnrolmentFactory(course=course, staff=staff, status="registered")
    return course, staff


def test_the_database_queue_worked_here_runs_the_import_jobs(
    settings, users, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    settings.IMPORT_ASYNC_BYTES = 50
    client = signed_in(users["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"file": csv_upload()})
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    queued = client.get(response["Location"]).content.decode()
    assert "Waiting for its turn" in queued and 'http-equiv="refresh"' in queued
    assert work_ready() == 1
    page = client.get(response["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"token": token_in(page)})
    assert not Staff.objects.exists()
    assert work_ready() == 1
    assert "Imported 2 row(s)" in client.get(response["Location"]).content.decode()
    assert Staff.objects.count() == 2
