"""Corrective actions: who sees and does what, progress with files by the unit head, verification,
fixed queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.inspections.casework_factories import CorrectiveActionFactory, InspectionFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def action(tree):
    today = dt.date.today()
    inspection = InspectionFactory(
        code="KT-X-1", unit=tree["A"], start_date=today - dt.timedelta(days=10)
    )
    return CorrectiveActionFactory(
        finding__inspection=inspection,
        finding__found_on=today - dt.timedelta(days=5),
        due_date=today,
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("inspector", 200),
        ("hr", 200),
        ("auditor", 200),
        ("head_a", 200),
        ("head_b", 404),
        ("nobody", 403),
    ],
)
def test_who_may_open_an_action(page_for, action, role, status):
    assert page_for(role).get(f"/app/actions/{action.pk}/").status_code == status


def test_unit_head_reports_progress_with_a_file_and_the_inspector_verifies(page_for, action):
    url = f"/app/actions/{action.pk}/"
    head = page_for("head_a")
    assert 'name="note"' in head.get(url).content.decode()
    upload = SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")
    today = dt.date.today().strftime("%d/%m/%Y")
    response = head.post(
        url, {"progress": "1", "note": "Đã niêm yết", "done_on": today, "files": [upload]}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.evidence.get().original_name == "bao-cao.pdf"
    assert head.post(url, {"verify": "1", "verified_on": today}).status_code == 403
    assert page_for("auditor").post(url, {"verify": "1", "verified_on": today}).status_code == 403
    response = page_for("inspector").post(
        url, {"verify": "1", "verified_on": today}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and f'id="action-{action.pk}"' in response.content.decode()
    action.refresh_from_db()
    assert action.status == "verified"
    history = page_for("inspector").get(url).content.decode()
    assert "Đã được thanh tra xác minh" in history  # the state in words in the history


def test_progress_date_in_the_future_is_refused_on_the_form(page_for, action):
    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    response = page_for("head_a").post(
        f"/app/actions/{action.pk}/", {"progress": "1", "note": "x", "done_on": future}
    )
    assert response.status_code == 400
    assert "Ngày không được sau ngày hôm nay." in response.content.decode()


def test_a_file_that_is_not_an_image_or_pdf_is_refused(page_for, action):
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 50, content_type="application/pdf")
    response = page_for("head_a").post(
        f"/app/actions/{action.pk}/", {"progress": "1", "note": "x", "files": [bad]}
    )
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.progress_note == "" and not action.evidence.exists()


@pytest.mark.parametrize(("role", "queries"), [("inspector", 9), ("head_a", 10)])
def test_action_list_query_count_is_fixed(page_for, tree, role, queries):
    client = page_for(role)
    CorrectiveActionFactory(finding__inspection=InspectionFactory(code="KT-Q-A", unit=tree["A"]))
    with CaptureQueriesContext(connection) as few:
        client.get("/app/actions/")
    for i in range(20):
        CorrectiveActionFactory(
            finding__inspection=InspectionFactory(code=f"KT-Q-{i}", unit=tree["A"])
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/app/actions/")
    assert len(few) == len(many) == queries
