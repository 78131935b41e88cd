"""Long work off the request: big exports and the province workbook as background jobs.

The job replays the same GET as the same user (filters, scope, masking
identical), keeps the file for a set time, and hands it only to that user.
"""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from core.models import Job, JobStatus
from tests.inspections.casework_factories import InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspections(tree):
    return [
        InspectionFactory(code="KT-A-1", unit=tree["A"], start_date=dt.date(2019, 3, 1)),
        InspectionFactory(code="KT-A-2", unit=tree["A"], start_date=dt.date(2019, 5, 1)),
        InspectionFactory(code="KT-B-1", unit=tree["B"], start_date=dt.date(2019, 4, 1)),
    ]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_api_export_with_prefer_respond_async(
    client_for, users, inspections, django_capture_on_commit_callbacks
):
    client = client_for("head_a")
    direct = body(client.get("/api/v1/inspections/", {"format": "csv"}))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            "/api/v1/inspections/", {"format": "csv"}, HTTP_PREFER="respond-async"
        )
    assert response.status_code == 202
    status_url = response["Location"]
    state = client.get(status_url, HTTP_ACCEPT="application/json").json()
    assert state["status"] == "done" and state["progress"] == 100
    download = client.get(state["download"])
    assert download.status_code == 200
    content = body(download)
    # The same rows as the direct export: head A's scope, nothing of B.
    assert content == direct
    assert b"KT-B-1" not in content and b"KT-A-1" in content
    # Only for the user who asked.
    other = client_for("head_b")
    assert other.get(status_url).status_code == 404
    assert other.get(state["download"]).status_code == 404
    assert client_for(None).get(state["download"]).status_code in (401, 403)


def test_a_big_page_export_goes_to_the_job_page(
    settings, users, inspections, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_ROWS = 2
    client = Client()
    client.force_login(users["inspector"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/app/inspections/", {"format": "csv"})
    assert response.status_code == 302 and response["Location"].startswith("/app/jobs/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and job.rows == 3
    assert f"/api/v1/jobs/{job.pk}/download/" in page.content.decode()
    lines = (
        body(client.get(f"/api/v1/jobs/{job.pk}/download/"))
        .decode("utf-8-sig")
        .strip()
        .splitlines()
    )
    assert len(lines) == 4
    # Under the limit the export is direct, as before.
    settings.EXPORT_ASYNC_ROWS = 100
    assert client.get("/app/inspections/", {"format": "csv"}).status_code == 200


def test_the_province_workbook_is_a_job(
    client_for, users, tree, django_capture_on_commit_callbacks
):
    client = client_for("auditor")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            "/api/v1/reports/accountability/", {"year": 2019, "format": "xlsx", "async": "1"}
        )
    assert response.status_code == 202, response.content
    state = client.get(response["Location"]).json()
    assert state["status"] == "done", state
    download = client.get(state["download"])
    assert body(download)[:2] == b"PK"  # a zip: the xlsx workbook


def test_expired_jobs_are_gone(client_for, users, inspections, django_capture_on_commit_callbacks):
    client = client_for("inspector")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            "/api/v1/inspections/", {"format": "csv"}, HTTP_PREFER="respond-async"
        )
    job = Job.objects.get()
    path = job.file.path
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(response["Location"]).status_code == 404
    call_command("purge_jobs", stdout=io.StringIO())
    assert not Job.objects.exists()
    assert not os.path.exists(path)
