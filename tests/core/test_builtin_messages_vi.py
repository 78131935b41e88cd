"""Django's and DRF's own messages read Vietnamese with Accept-Language: vi (vendor/locale)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("A valid integer is required.", "Cần nhập một số nguyên hợp lệ."),
        ("Authentication credentials were not provided.", "Chưa cung cấp thông tin xác thực."),
        ("Request was throttled.", "Quá nhiều yêu cầu trong thời gian ngắn."),
        ("This field is required.", "Trường này là bắt buộc."),
        ("Show counts", "Hiện số lượng"),
    ],
)
def test_builtin_messages_in_vietnamese(english, vietnamese):
    with translation.override("vi"):
        assert gettext(english) == vietnamese


def test_plural_messages_in_vietnamese():
    with translation.override("vi"):
        assert (
            ngettext("Please correct the error below.", "Please correct the errors below.", 1)
            == "Vui lòng sửa các lỗi dưới đây."
        )
        text = ngettext(
            "Expected available in {wait} second.", "Expected available in {wait} seconds.", 30
        )
        assert text.format(wait=30) == "Vui lòng thử lại sau 30 giây."


def test_api_answers_in_vietnamese_when_asked():
    response = APIClient().get("/api/v1/inspections/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Chưa cung cấp thông tin xác thực."
    english = APIClient().get("/api/v1/inspections/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Authentication credentials were not provided."


def test_api_validation_in_vietnamese(users):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_authenticate(users["hr"])
    response = client.get("/api/v1/staff/", {"page": "abc"})
    assert response.status_code == 404
    assert response.json()["detail"] == "Trang không hợp lệ."
