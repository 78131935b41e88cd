"""The public HTML pages: form, receipt, status lookup, spam brakes, 429 page, languages."""

import datetime as dt
import re
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings

from inspections.feedback.forms import issue_started_token
from inspections.feedback.models import CitizenFeedback
from tests.inspections.feedback_factories import CitizenFeedbackFactory, ensure_catalogue
from tests.inspections.test_feedback_api import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit(db):
    ensure_catalogue()
    cache.clear()
    yield
    cache.clear()


def form_data(**overrides):
    data = {
        "unit": "A",
        "category": "attitude",
        "description": (
            "Cán bộ một cửa nói năng hách dịch và yêu cầu nộp thêm giấy xác nhận không có trong "
            "danh mục."
        ),
        "incident_date": "2019-05-06",
        "staff_name": "Chị Lan, quầy số 2",
        "reporter_name": "",
        "reporter_address": "",
        "reporter_phone": "",
        "reporter_email": "",
        "website": "",
        "started": issue_started_token(time.time() - 30),
    }
    data.update(overrides)
    return data


def test_form_is_vietnamese_by_default_and_english_on_request(client, tree):
    for accept in (None, "fr", "vi"):
        headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
        page = client.get("/feedback/", **headers).content.decode()
        assert "Gửi phản ánh" in page, accept
        assert 'lang="vi"' in page
    english = client.get("/feedback/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Send feedback about an official" in english and 'lang="en"' in english
    assert 'name="language"' in english  # the language switch


def test_form_says_plainly_what_anonymous_means_and_is_labelled(client, tree):
    page = client.get("/feedback/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "reference information" in page and "no legal deadline" in page
    assert "formal petition" in page and "15 working days" in page
    for name in (
        "unit",
        "category",
        "description",
        "incident_date",
        "reporter_name",
        "reporter_phone",
        "attachment",
    ):
        assert f'for="id_{name}"' in page and f'id="id_{name}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'enctype="multipart/form-data"' in page


def test_unit_is_prefilled_from_the_qr_link(client, tree):
    page = client.get("/feedback/?unit=B").content.decode()
    assert re.search(r'<option value="B" selected>', page)


def test_anonymous_submission_redirects_to_receipt_with_code(client, tree):
    response = client.post("/feedback/", form_data())
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    feedback = CitizenFeedback.objects.get()
    page = receipt.content.decode()
    assert feedback.tracking_code in page
    assert "thông tin tham khảo" in page
    assert feedback.is_formal is False and feedback.response_due is None
    assert feedback.category.code == "attitude" and feedback.incident_date == dt.date(2019, 5, 6)


def test_named_submission_is_formal_and_receipt_shows_due_date(client, tree):
    data = form_data(
        reporter_name="Phạm Thị Hoa",
        reporter_address="Thôn 2, xã Hà Lâm",
        reporter_phone="0912 345 678",
    )
    response = client.post("/feedback/", data, HTTP_ACCEPT_LANGUAGE="en")
    receipt = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    feedback = CitizenFeedback.objects.get()
    assert feedback.is_formal and feedback.response_due
    assert feedback.response_due.strftime("%d/%m/%Y") in receipt
    assert "formal petition" in receipt


def test_errors_are_shown_next_to_fields_with_400(client, tree):
    response = client.post(
        "/feedback/",
        form_data(
            unit="",
            description="ngắn",
            incident_date="2999-01-01",
            reporter_phone="abc",
            reporter_email="x@",
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    for name in ("unit", "description", "incident_date", "reporter_phone", "reporter_email"):
        assert f'id="id_{name}_error"' in page, name
        assert re.search(
            rf'id="id_{name}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{name}"', page
        ), name
    assert "cannot be in the future" in page
    assert not CitizenFeedback.objects.exists()


def test_oversize_description_and_wrong_file_type_are_refused(client, tree):
    response = client.post("/feedback/", form_data(description="x" * 5001))
    assert response.status_code == 400
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not an image" * 20, content_type="image/jpeg")
    response = client.post("/feedback/", {**form_data(), "attachment": fake})
    assert response.status_code == 400 and 'id="id_attachment_error"' in response.content.decode()
    photo = SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")
    assert client.post("/feedback/", {**form_data(), "attachment": photo}).status_code == 302
    assert CitizenFeedback.objects.get().attachments.count() == 1


def test_honeypot_filled_stores_nothing(client, tree):
    response = client.post("/feedback/", form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not CitizenFeedback.objects.exists()


def test_form_sent_faster_than_a_person_can_type_stores_nothing(client, tree):
    response = client.post("/feedback/", form_data(started=issue_started_token()))
    assert response.status_code == 400
    assert not CitizenFeedback.objects.exists()
    # The re-displayed form carries a fresh start time, so a person can resend it.
    assert 'name="started"' in response.content.decode()


def test_missing_or_forged_start_token_stores_nothing(client, tree):
    assert client.post("/feedback/", form_data(started="")).status_code == 400
    assert client.post("/feedback/", form_data(started="1700000000:forged")).status_code == 400
    assert not CitizenFeedback.objects.exists()


def test_csrf_is_enforced(tree):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/feedback/", form_data())
    assert response.status_code == 403
    assert not CitizenFeedback.objects.exists()
    page = strict.get("/feedback/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert strict.post("/feedback/", form_data(csrfmiddlewaretoken=token)).status_code == 302


@override_settings(FEEDBACK_RATE_LIMIT="2/m")
def test_rate_limit_shows_friendly_translated_429_page(client, tree):
    assert client.post("/feedback/", form_data()).status_code == 302
    assert client.post("/feedback/", form_data()).status_code == 302
    vi = client.post("/feedback/", form_data())
    assert vi.status_code == 429
    assert int(vi["Retry-After"]) > 0
    assert "text/html" in vi["Content-Type"] and "Vui lòng" in vi.content.decode()
    en = client.post("/feedback/", form_data(), HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 429 and "Please wait" in en.content.decode()
    assert CitizenFeedback.objects.count() == 2
    # Reading the form is never limited.
    assert client.get("/feedback/").status_code == 200


@override_settings(FEEDBACK_RATE_LIMIT="2/m")
def test_form_and_api_share_one_allowance(client, tree):
    from rest_framework.test import APIClient

    assert client.post("/feedback/", form_data()).status_code == 302
    api = APIClient()
    assert (
        api.post(
            "/api/v1/feedback/",
            {"unit": "A", "description": "Thái độ không đúng mực."},
            format="json",
        ).status_code
        == 201
    )
    assert client.post("/feedback/", form_data()).status_code == 429


def test_status_page_finds_code_and_shows_nothing_personal(client, tree):
    feedback = CitizenFeedbackFactory(
        unit=tree["A"],
        status="substantiated",
        public_answer="Đã nhắc nhở, kiểm điểm cán bộ.",
        resolved_on=dt.date.today(),
        internal_note="Ghi chú nội bộ",
    )
    response = client.get("/feedback/status/", {"code": feedback.tracking_code.lower()})
    assert response.status_code == 200
    page = response.content.decode()
    assert feedback.tracking_code in page and "Đã nhắc nhở" in page
    for secret in (
        "Phạm Thị Hoa",
        "0912345678",
        "hoa@example.com",
        "Thôn 2",
        "Ghi chú nội bộ",
        "Anh Tuấn",
    ):
        assert secret not in page


def test_status_page_unknown_code_is_404_page(client, tree):
    response = client.get(
        "/feedback/status/", {"code": "PA-2222-2222-2222-2222"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        response.status_code == 404
        and "No feedback has this tracking code" in response.content.decode()
    )
    assert client.get("/feedback/status/").status_code == 200


def test_receipt_link_is_signed(client, tree):
    assert client.get("/feedback/sent/forged-token/").status_code == 302
