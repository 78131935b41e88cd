"""Uploaded file names: the stored and served extension is the sniffed type's, not the
uploader's."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.files import name_for_type
from inspections.casework import services
from inspections.feedback.models import CitizenFeedback
from inspections.models import Evidence
from tests.factories import StaffFactory
from tests.inspections.casework_factories import FindingFactory, InspectionFactory
from tests.inspections.test_feedback_api import URL as FEEDBACK_URL
from tests.inspections.test_feedback_api import VALID, png_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("given", "mime", "expected"),
    [
        ("evil.html", "image/png", "evil.png"),
        ("hoa-don.exe", "application/pdf", "hoa-don.pdf"),
        ("anh.JPEG", "image/jpeg", "anh.jpeg"),
        ("scan", "application/pdf", "scan.pdf"),
        ("../../etc/passwd.pdf", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\a\\bien ban.docx.html", "application/pdf", "bien ban.docx.pdf"),
        ("", "image/png", "file.png"),
        (".htaccess", "image/png", "htaccess.png"),
        ("a\r\nb.pdf", "application/pdf", "ab.pdf"),
    ],
)
def test_name_for_type(given, mime, expected):
    assert name_for_type(given, mime) == expected


@pytest.fixture
def inspection(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = StaffFactory(code="A-CS", unit=tree["A"])
    inspection = InspectionFactory(code="KT-A", unit=tree["A"], start_date=dt.date(2023, 1, 5))
    FindingFactory(inspection=inspection, unit=tree["A"], staff=staff, found_on=dt.date(2023, 1, 6))
    return inspection


@pytest.mark.parametrize(
    ("name", "content", "mime", "served"),
    [
        ("evil.html", png_bytes(), "image/png", "evil.png"),
        ("hoa-don.exe", PDF, "application/pdf", "hoa-don.pdf"),
    ],
    ids=["html-holding-png", "exe-holding-pdf"],
)
def test_evidence_is_stored_and_served_with_the_sniffed_extension(
    client_for, inspection, name, content, mime, served
):
    client = client_for("inspector")
    response = client.post(
        "/api/v1/evidence/",
        {"file": SimpleUploadedFile(name, content), "inspection": "KT-A"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == served
    evidence = Evidence.objects.get(pk=response.json()["id"])
    assert evidence.file.name.endswith("." + served.rsplit(".", 1)[1])
    got = client.get(response.json()["download_url"])
    assert got.status_code == 200
    assert got["Content-Type"] == mime
    assert got["Content-Disposition"] == f'attachment; filename="{served}"'
    assert got["X-Content-Type-Options"] == "nosniff"
    assert b"".join(got.streaming_content) == content


def test_old_evidence_with_a_wrong_name_is_served_with_the_right_one(client_for, users, inspection):
    from django.test import Client
    from django.urls import reverse

    evidence = services.evidence_attach(parent=inspection, upload=SimpleUploadedFile("x.pdf", PDF))
    Evidence.objects.filter(pk=evidence.pk).update(original_name="bao-cao.exe")
    got = client_for("inspector").get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert got["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'
    # The workspace's download page answers the same.
    page = Client()
    page.force_login(users["inspector"])
    got = page.get(reverse("app:evidence-download", args=[evidence.pk]))
    assert got.status_code == 200
    assert got["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'
    assert got["Content-Type"] == "application/pdf"


def test_feedback_attachment_is_stored_and_served_with_the_sniffed_extension(
    client_for, tree, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = io.BytesIO(png_bytes())
    upload.name = "evil.html"
    response = client_for(None).post(
        FEEDBACK_URL, {**VALID, "attachment": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    feedback = CitizenFeedback.objects.get(tracking_code=response.json()["tracking_code"])
    attachment = feedback.attachments.get()
    assert attachment.file.name.endswith(".png")
    got = client_for("inspector").get(f"{FEEDBACK_URL}{feedback.pk}/attachments/{attachment.pk}/")
    assert got.status_code == 200
    assert got["Content-Type"] == "image/png"
    assert got["Content-Disposition"] == f'attachment; filename="{feedback.tracking_code}.png"'
    assert got["X-Content-Type-Options"] == "nosniff"
