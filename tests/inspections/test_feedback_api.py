"""Feedback API: anonymous submission, bad input, status lookup, triage, confidentiality per
role."""

import datetime as dt
import io
import struct
import zlib

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from core.models import SecurityEvent, SecurityEventKind
from inspections.feedback import rules
from inspections.feedback.models import CitizenFeedback, FeedbackStep
from tests.factories import StaffFactory
from tests.inspections.feedback_factories import CitizenFeedbackFactory, ensure_catalogue

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedback/"
VALID = {
    "unit": "A",
    "description": "Cán bộ bộ phận một cửa yêu cầu nộp thêm giấy tờ không có trong danh mục.",
    "staff_name": "Anh Tuấn",
}
IDENTITY = {
    "reporter_name": "Phạm Thị Hoa",
    "reporter_address": "Thôn 2, xã Hà Lâm",
    "reporter_phone": "0912 345 678",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limit(db):
    ensure_catalogue()
    cache.clear()
    yield
    cache.clear()


def png_bytes() -> bytes:
    """A valid 1x1 red PNG, built by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# --- submission ---------------------------------------------------------------


def test_anonymous_submission_is_reference_information(client_for, tree):
    response = client_for(None).post(URL, VALID, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received"
    assert body["is_formal"] is False
    assert body["response_due"] is None
    assert rules.is_tracking_code(body["tracking_code"])
    stored = CitizenFeedback.objects.get(tracking_code=body["tracking_code"])
    assert stored.unit.code == "A" and stored.channel == "api"
    assert set(body) == {
        "tracking_code",
        "status",
        "received_on",
        "response_due",
        "is_formal",
        "status_url",
    }


@time_machine.travel(dt.datetime(2019, 4, 26, 9, 0, tzinfo=dt.UTC), tick=False)
def test_named_submission_is_a_formal_petition_due_in_15_working_days(client_for, tree):
    from core.models import CalendarDay, CalendarDayKind
    from core.workdays import seed_vietnam_holidays

    seed_vietnam_holidays(range(2019, 2020))
    # 29/4/2019 was given off in exchange for working Saturday 4/5.
    CalendarDay.objects.create(
        date=dt.date(2019, 5, 4), kind=CalendarDayKind.WORKDAY, name="Làm bù"
    )
    response = client_for(None).post(URL, {**VALID, **IDENTITY}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_formal"] is True
    # Friday 26/4/2019; 29/4, 30/4, 1/5 off; Saturday 4/5 worked: 2,3,4/5, 6-10/5, 13-17/5, 20-21/5.
    assert body["received_on"] == "2019-04-26"
    assert body["response_due"] == "2019-05-21"


def test_tracking_codes_are_unique_and_unguessable(client_for, tree):
    codes = {
        client_for(None).post(URL, VALID, format="json").json()["tracking_code"] for _ in range(8)
    }
    assert len(codes) == 8
    assert rules.ENTROPY_BITS >= 64


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "unit"),
        ({"unit": "A"}, "description"),
        ({**VALID, "unit": "NOPE"}, "unit"),
        ({**VALID, "description": ""}, "description"),
        ({**VALID, "description": "x" * 5001}, "description"),
        ({**VALID, "description": 12345678901}, "description"),
        ({**VALID, "description": ["a", "b"]}, "description"),
        ({**VALID, "staff_name": {"x": 1}}, "staff_name"),
        ({**VALID, "incident_date": "2999-01-01"}, "incident_date"),
        ({**VALID, "incident_date": "31/02/2019"}, "incident_date"),
        ({**VALID, "reporter_email": "not-an-email"}, "reporter_email"),
        ({**VALID, "reporter_phone": "call me"}, "reporter_phone"),
        ({**VALID, "reporter_name": "N" * 151}, "reporter_name"),
        ({**VALID, "category": "no-such-category"}, "category"),
    ],
)
def test_bad_input_is_400_with_the_field_named(client_for, tree, payload, field):
    response = client_for(None).post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not CitizenFeedback.objects.exists()


def test_malformed_json_and_non_object_are_400(client_for, tree):
    client = client_for(None)
    assert client.post(URL, "{not json", content_type="application/json").status_code == 400
    assert client.post(URL, "[1, 2]", content_type="application/json").status_code == 400
    assert client.post(URL, "null", content_type="application/json").status_code == 400


def test_unit_no_longer_in_force_is_refused(client_for, tree):
    tree["B"].valid_until = dt.date(2019, 1, 1)
    tree["B"].save()
    response = client_for(None).post(URL, {**VALID, "unit": "B"}, format="json")
    assert response.status_code == 400
    assert "unit" in response.json()


def test_errors_are_vietnamese_by_default_and_english_on_request(client_for, tree):
    vi = client_for(None).post(URL, {}, format="json")
    en = client_for(None).post(URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["unit"] == ["This field is required."]
    assert vi.json()["unit"] != en.json()["unit"]


def test_attachment_is_sniffed_and_size_limited(client_for, tree):
    client = client_for(None)
    good = io.BytesIO(png_bytes())
    good.name = "photo.png"
    response = client.post(URL, {**VALID, "attachment": good}, format="multipart")
    assert response.status_code == 201, response.content
    feedback = CitizenFeedback.objects.get(tracking_code=response.json()["tracking_code"])
    assert feedback.attachments.get().content_type == "image/png"

    fake = io.BytesIO(b"#!/bin/sh\necho pwned\n" * 10)
    fake.name = "photo.jpg"
    response = client.post(URL, {**VALID, "attachment": fake}, format="multipart")
    assert response.status_code == 400 and "attachment" in response.json()

    with override_settings(FEEDBACK_MAX_UPLOAD_BYTES=50):
        big = io.BytesIO(png_bytes() + b"\0" * 100)
        big.name = "big.png"
        response = client.post(URL, {**VALID, "attachment": big}, format="multipart")
    assert response.status_code == 400 and "attachment" in response.json()


@override_settings(FEEDBACK_RATE_LIMIT="3/m")
def test_rate_limit_answers_json_429_with_retry_after(client_for, tree):
    client = client_for(None)
    statuses = [
        client.post(URL, VALID, format="json", REMOTE_ADDR="203.0.113.7").status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    response = client.post(URL, VALID, format="json", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "detail" in response.json()
    assert int(response["Retry-After"]) > 0
    # Another address has its own allowance.
    assert client.post(URL, VALID, format="json", REMOTE_ADDR="203.0.113.8").status_code == 201
    assert CitizenFeedback.objects.count() == 4


@override_settings(FEEDBACK_RATE_LIMIT="2/m", TRUSTED_PROXY_COUNT=1)
def test_forged_forwarded_for_does_not_reset_the_limit(client_for, tree):
    client = client_for(None)
    statuses = [
        client.post(
            URL,
            VALID,
            format="json",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.9",
        ).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]


# --- public status ------------------------------------------------------------


def test_status_endpoint_shows_status_dates_and_answer_only(client_for, tree):
    feedback = CitizenFeedbackFactory(
        unit=tree["A"], public_answer="Đã kiểm tra, nhắc nhở cán bộ.", internal_note="bí mật"
    )
    response = client_for(None).get(f"/api/v1/feedback/status/{feedback.tracking_code}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "tracking_code",
        "status",
        "status_label",
        "received_on",
        "response_due",
        "resolved_on",
        "public_answer",
    }
    text = response.content.decode()
    for secret in ("Phạm Thị Hoa", "0912345678", "hoa@example.com", "bí mật", "Anh Tuấn"):
        assert secret not in text


def test_status_lookup_tolerates_case_and_spaces_and_404s_unknown(client_for, tree):
    feedback = CitizenFeedbackFactory(unit=tree["A"])
    sloppy = feedback.tracking_code.lower().replace("-", " ")
    assert client_for(None).get(f"/api/v1/feedback/status/{sloppy}/").status_code == 200
    assert (
        client_for(None).get("/api/v1/feedback/status/PA-2222-2222-2222-2222/").status_code == 404
    )
    assert client_for(None).get("/api/v1/feedback/status/nonsense/").status_code == 404


# --- reading and confidentiality ----------------------------------------------------


@pytest.fixture
def complaints(tree):
    return {
        "a": CitizenFeedbackFactory(
            unit=tree["A"], internal_note="Người phản ánh là hàng xóm của cán bộ"
        ),
        "b": CitizenFeedbackFactory(unit=tree["B"]),
    }


def test_anonymous_and_roleless_cannot_list(client_for, complaints):
    assert client_for(None).get(URL).status_code == 401
    assert client_for("nobody").get(URL).status_code == 403


@pytest.mark.parametrize("role", ["admin", "inspector"])
def test_identity_holders_see_identity_in_detail_and_it_is_logged(client_for, complaints, role):
    feedback = complaints["a"]
    response = client_for(role).get(f"{URL}{feedback.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["identity_visible"] is True
    assert body["reporter_name"] == "Phạm Thị Hoa"
    assert body["reporter_phone"] == "0912345678"
    event = SecurityEvent.objects.get(kind=SecurityEventKind.IDENTITY_VIEWED)
    assert event.object_id == str(feedback.pk) and event.username == (
        "admin" if role == "admin" else "inspector"
    )


@pytest.mark.parametrize("role", ["hr", "auditor", "head_a"])
def test_other_roles_get_identity_masked_and_nothing_is_logged(client_for, complaints, role):
    response = client_for(role).get(f"{URL}{complaints['a'].pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["identity_visible"] is False
    assert all(
        body[name] is None
        for name in ("reporter_name", "reporter_phone", "reporter_email", "reporter_address")
    )
    assert "Phạm Thị Hoa" not in response.content.decode()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.IDENTITY_VIEWED).exists()


def test_unit_head_sees_own_unit_only_and_no_internal_note(client_for, complaints):
    listing = client_for("head_a").get(URL).json()
    assert [row["tracking_code"] for row in listing["results"]] == [complaints["a"].tracking_code]
    assert client_for("head_a").get(f"{URL}{complaints['b'].pk}/").status_code == 404
    detail = client_for("head_a").get(f"{URL}{complaints['a'].pk}/").json()
    assert detail["internal_note"] is None


def test_identity_never_in_lists_or_exports_even_for_inspectors(client_for, complaints):
    for role in ("inspector", "auditor", "head_a"):
        client = client_for(role)
        listing = client.get(URL)
        assert "Phạm Thị Hoa" not in listing.content.decode()
        csv = client.get(URL, {"format": "csv"})
        assert csv.status_code == 200
        content = b"".join(csv.streaming_content).decode("utf-8")
        assert "Phạm Thị Hoa" not in content and "0912345678" not in content
        assert complaints["a"].tracking_code in content


def test_list_query_count_does_not_grow_with_rows(client_for, tree):
    for _ in range(3):
        CitizenFeedbackFactory(unit=tree["A"])
    client = client_for("auditor")
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(20):
        CitizenFeedbackFactory(unit=tree["B"])
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).json()["count"] == 23
    assert len(many) == len(few)
    assert len(many) <= 8


def test_filters_and_search(client_for, tree):
    staff = StaffFactory(code="A900", full_name="Nguyễn Thị Ánh", unit=tree["A"])
    linked = CitizenFeedbackFactory(unit=tree["A"], staff=staff)
    CitizenFeedbackFactory(unit=tree["B"], status="closed")
    client = client_for("inspector")
    assert client.get(URL, {"unit": "A"}).json()["count"] == 1
    assert client.get(URL, {"status": "closed"}).json()["count"] == 1
    results = client.get(URL, {"search": "nguyen thi anh"}).json()["results"]
    assert [row["id"] for row in results] == [linked.pk]
    assert client.get(URL, {"search": linked.tracking_code}).json()["count"] == 1


# --- triage --------------------------------------------------------------------


def test_inspector_triages_to_substantiated_with_public_answer(client_for, users, complaints):
    feedback = complaints["a"]
    client = client_for("inspector")
    url = f"{URL}{feedback.pk}/transition/"
    assert (
        client.post(url, {"to": "substantiated"}, format="json").status_code == 400
    )  # not from received
    assert client.post(url, {"to": "under_review"}, format="json").status_code == 200
    no_answer = client.post(url, {"to": "substantiated"}, format="json")
    assert no_answer.status_code == 400 and "public_answer" in no_answer.json()
    done = client.post(
        url,
        {"to": "substantiated", "public_answer": "Phản ánh đúng; đã chấn chỉnh cán bộ."},
        format="json",
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "substantiated" and body["substantiated"] is True
    assert body["resolved_on"] is not None
    closed = client.post(url, {"to": "closed"}, format="json").json()
    assert closed["substantiated"] is True and closed["resolved_on"] == body["resolved_on"]
    assert list(
        FeedbackStep.objects.filter(feedback=feedback).values_list("to_status", flat=True)
    ) == ["under_review", "substantiated", "closed"]
    public = client_for(None).get(f"/api/v1/feedback/status/{feedback.tracking_code}/").json()
    assert public["status"] == "closed" and "chấn chỉnh" in public["public_answer"]


@pytest.mark.parametrize("role", ["hr", "auditor", "head_a"])
def test_other_roles_cannot_triage(client_for, complaints, role):
    feedback = complaints["a"]
    assert (
        client_for(role)
        .post(f"{URL}{feedback.pk}/transition/", {"to": "under_review"}, format="json")
        .status_code
        == 403
    )
    assert (
        client_for(role)
        .patch(f"{URL}{feedback.pk}/", {"public_answer": "x"}, format="json")
        .status_code
        == 403
    )


def test_bad_transition_target_is_400(client_for, complaints):
    response = client_for("inspector").post(
        f"{URL}{complaints['a'].pk}/transition/", {"to": "won"}, format="json"
    )
    assert response.status_code == 400 and "to" in response.json()


def test_assignment_and_links_by_patch(client_for, users, tree, complaints):
    feedback = complaints["a"]
    staff = StaffFactory(code="A777", unit=tree["A"])
    client = client_for("inspector")
    response = client.patch(
        f"{URL}{feedback.pk}/",
        {"assigned_to": "inspector", "staff": "A777", "public_answer": "Đang xác minh."},
        format="json",
    )
    assert response.status_code == 200, response.content
    feedback.refresh_from_db()
    assert feedback.assigned_to == users["inspector"] and feedback.staff == staff
    # Only an inspector can be assigned; a staff member of another unit cannot be linked.
    assert (
        client.patch(f"{URL}{feedback.pk}/", {"assigned_to": "hr"}, format="json").status_code
        == 400
    )
    other = StaffFactory(code="B777", unit=tree["B"])
    response = client.patch(f"{URL}{feedback.pk}/", {"staff": other.code}, format="json")
    assert response.status_code == 400 and "staff" in response.json()


def test_attachment_download_only_for_identity_holders(client_for, tree):
    good = io.BytesIO(png_bytes())
    good.name = "p.png"
    code = (
        client_for(None)
        .post(URL, {**VALID, "attachment": good}, format="multipart")
        .json()["tracking_code"]
    )
    feedback = CitizenFeedback.objects.get(tracking_code=code)
    attachment = feedback.attachments.get()
    url = f"{URL}{feedback.pk}/attachments/{attachment.pk}/"
    response = client_for("inspector").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert client_for("auditor").get(url).status_code == 404
    assert client_for("head_a").get(url).status_code == 404
    assert client_for("auditor").get(f"{URL}{feedback.pk}/").json()["attachments"] == []


# --- finding from feedback -------------------------------------------------------


def test_create_finding_in_one_step(client_for, tree, complaints):
    from inspections.casework.models import Finding
    from inspections.feedback.models import FeedbackCategory

    feedback = complaints["a"]
    feedback.category = FeedbackCategory.objects.get(code="attitude")
    feedback.save()
    staff = StaffFactory(code="A555", unit=tree["A"])
    response = client_for("inspector").post(
        f"{URL}{feedback.pk}/create-finding/",
        {
            "severity": "minor",
            "staff": "A555",
            "public_answer": "Phản ánh đúng; cán bộ đã bị nhắc nhở.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    finding = Finding.objects.get(pk=response.json()["finding"])
    assert finding.inspection is None and finding.unit == tree["A"] and finding.staff == staff
    assert finding.category.code == "attitude" and finding.substantiated
    assert feedback.tracking_code in finding.description
    feedback.refresh_from_db()
    assert (
        feedback.finding == finding
        and feedback.status == "substantiated"
        and feedback.substantiated is True
    )
    assert feedback.resolved_on is not None
    body = response.json()["feedback"]
    assert body["finding"] == finding.pk and body["reporter_name"] == "Phạm Thị Hoa"
    # A second finding from the same feedback is refused.
    again = client_for("inspector").post(
        f"{URL}{feedback.pk}/create-finding/", {"severity": "minor"}, format="json"
    )
    assert again.status_code == 400


def test_create_finding_needs_a_category_answer_and_rights(client_for, complaints):
    from inspections.casework.models import Finding

    url = f"{URL}{complaints['a'].pk}/create-finding/"
    client = client_for("inspector")
    assert (
        "category"
        in client.post(url, {"severity": "minor", "public_answer": "Đúng."}, format="json").json()
    )
    assert "severity" in client.post(url, {"category": "attitude"}, format="json").json()
    assert (
        "public_answer"
        in client.post(url, {"severity": "minor", "category": "attitude"}, format="json").json()
    )
    assert (
        client_for("auditor")
        .post(
            url, {"severity": "minor", "category": "attitude", "public_answer": "x"}, format="json"
        )
        .status_code
        == 403
    )
    assert client_for("head_b").post(url, {"severity": "minor"}, format="json").status_code == 403
    assert not Finding.objects.exists()
    assert CitizenFeedback.objects.get(pk=complaints["a"].pk).status == "received"
