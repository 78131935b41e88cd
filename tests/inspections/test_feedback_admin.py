"""Feedback in the admin: identity only for inspectors and admins (logged), scoping, triage, QR
codes."""

import pytest

from core.models import SecurityEvent, SecurityEventKind
from inspections.feedback.models import CitizenFeedback
from tests.inspections.feedback_factories import CitizenFeedbackFactory, ensure_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(db):
    ensure_catalogue()


@pytest.fixture
def feedback(tree):
    return CitizenFeedbackFactory(unit=tree["A"], internal_note="Ghi chú nội bộ XYZ")


def change_url(obj):
    return f"/admin/inspections/citizenfeedback/{obj.pk}/change/"


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["admin", "inspector"])
def test_identity_shown_to_inspectors_and_admins_and_logged(client, users, feedback, role):
    page = login(client, users[role]).get(change_url(feedback))
    assert page.status_code == 200
    assert "Phạm Thị Hoa" in page.content.decode()
    assert (
        SecurityEvent.objects.filter(
            kind=SecurityEventKind.IDENTITY_VIEWED, object_id=str(feedback.pk)
        ).count()
        == 1
    )


@pytest.mark.parametrize("role", ["auditor", "hr", "head_a"])
def test_identity_hidden_from_other_roles_and_nothing_logged(client, users, feedback, role):
    page = login(client, users[role]).get(change_url(feedback))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Phạm Thị Hoa" not in text and "0912345678" not in text and "hoa@example.com" not in text
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.IDENTITY_VIEWED).exists()


def test_unit_head_sees_own_units_feedback_only_without_internal_note(client, users, feedback):
    head_a = login(client, users["head_a"])
    assert "Ghi chú nội bộ XYZ" not in head_a.get(change_url(feedback)).content.decode()
    client.logout()
    head_b = login(client, users["head_b"])
    assert (
        head_b.get(change_url(feedback)).status_code == 302
    )  # admin redirects a missing object to the index
    listing = head_b.get("/admin/inspections/citizenfeedback/").content.decode()
    assert feedback.tracking_code not in listing


def test_admin_search_does_not_probe_reporter_names(client, users, feedback):
    page = login(client, users["auditor"]).get(
        "/admin/inspections/citizenfeedback/", {"q": "Phạm Thị Hoa"}
    )
    assert feedback.tracking_code not in page.content.decode()


def test_inspector_triages_in_the_admin(client, users, feedback):
    client = login(client, users["inspector"])
    data = {
        "status": "under_review",
        "assigned_to": users["inspector"].pk,
        "unit": feedback.unit.pk,
        "staff": "",
        "category": "",
        "public_answer": "",
        "internal_note": "",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = client.post(change_url(feedback), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    feedback.refresh_from_db()
    assert feedback.status == "under_review" and feedback.assigned_to == users["inspector"]
    # Concluding without a public answer is refused with a message beside the field.
    response = client.post(change_url(feedback), {**data, "status": "substantiated"})
    assert response.status_code == 200
    assert CitizenFeedback.objects.get(pk=feedback.pk).status == "under_review"


def test_qr_sheet_and_svg_for_units_in_scope(client, users, tree):
    client = login(client, users["head_a"])
    sheet = client.get("/admin/inspections/citizenfeedback/qr/")
    assert sheet.status_code == 200
    text = sheet.content.decode()
    assert "/feedback/?unit=A" in text and "?unit=B" not in text
    svg = client.get("/admin/inspections/citizenfeedback/qr/A.svg")
    assert (
        svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    )
    assert client.get("/admin/inspections/citizenfeedback/qr/B.svg").status_code == 404


def test_attachment_admin_only_for_identity_holders(client, users, feedback):
    assert (
        login(client, users["inspector"]).get("/admin/inspections/feedbackattachment/").status_code
        == 200
    )
    client.logout()
    assert (
        login(client, users["auditor"]).get("/admin/inspections/feedbackattachment/").status_code
        == 403
    )
    client.logout()
    steps = login(client, users["head_b"]).get("/admin/inspections/feedbackstep/")
    assert steps.status_code == 200 and feedback.tracking_code not in steps.content.decode()
