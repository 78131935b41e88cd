"""A citizen in a real browser (Debian's Chromium via Playwright): fills the form in Vietnamese on a
phone-sized screen, submits, reads the tracking code, and finds it on the status page.

The browser comes from tests/conftest.py (under CI a missing Chromium is a
failure), the phone-sized page from tests/browser/conftest.py. Screenshots go
to docs/screenshots/ (shown in docs/feedback.md).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from inspections.feedback.models import CitizenFeedback
from tests.factories import UnitFactory
from tests.inspections.feedback_factories import ensure_catalogue

# serialized_rollback: keep the shipped catalogues for the tests that run after this one.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots/ when asked (UPDATE_SCREENSHOTS=1) or when missing; else a temporary folder,
    so an ordinary test run does not rewrite the committed images."""
    if os.environ.get("UPDATE_SCREENSHOTS") or not (SCREENSHOTS / "feedback-form.png").exists():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path


def test_citizen_files_feedback_in_vietnamese_and_tracks_it(
    live_server, browser_page, settings, tmp_path
):
    settings.FEEDBACK_MIN_FILL_SECONDS = 1
    cache.clear()
    ensure_catalogue()
    district = UnitFactory(code="DH", name="Huyện Đạ Huoai", level="district")
    UnitFactory(code="DH-XHL", name="Xã Hà Lâm", level="commune", parent=district)
    page = browser_page

    page.goto(f"{live_server.url}/feedback/?unit=DH-XHL")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Gửi phản ánh về cán bộ, công chức").is_visible()
    # The QR link preselected the unit; the labels are real <label>s, so get_by_label finds the
    # fields.
    assert page.get_by_label("Đơn vị, cơ quan bị phản ánh").input_value() == "DH-XHL"
    page.get_by_label("Loại vấn đề phản ánh").select_option("extra_documents")
    page.get_by_label("Sự việc xảy ra như thế nào?").fill(
        "Sáng thứ Hai tại bộ phận một cửa, cán bộ yêu cầu tôi nộp thêm giấy xác nhận của thôn, "
        "không có trong danh mục thủ tục niêm yết."
    )
    page.get_by_label("Ngày xảy ra").fill("2019-05-06")
    page.get_by_label("Tên hoặc đặc điểm nhận dạng cán bộ (nếu biết)").fill("Chị cán bộ quầy số 2")
    page.get_by_label("Họ và tên của ông/bà").fill("Nguyễn Thị Ánh")
    page.get_by_label("Địa chỉ của ông/bà").fill("Thôn 3, xã Hà Lâm")
    page.get_by_label("Số điện thoại của ông/bà").fill("0912 345 678")
    shots = screenshot_dir(tmp_path)
    page.screenshot(path=str(shots / "feedback-form.png"), full_page=True)
    time.sleep(1.1)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Gửi phản ánh").click()

    page.wait_for_url(re.compile(r".*/feedback/sent/.*"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"PA(-[2-9A-HJKMNP-TV-Z]{4}){4}", code), code
    assert "đơn phản ánh chính thức" in page.content()

    page.goto(f"{live_server.url}/feedback/status/")
    page.get_by_label("Mã tra cứu").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_selector("#result")
    assert code in page.locator("#result").inner_text()
    assert page.locator("#status").inner_text() == "Đã tiếp nhận"
    assert "Nguyễn Thị Ánh" not in page.content()
    page.screenshot(path=str(shots / "feedback-status.png"), full_page=True)

    stored = CitizenFeedback.objects.get(tracking_code=code)
    assert (
        stored.is_formal
        and stored.reporter_name == "Nguyễn Thị Ánh"
        and stored.unit.code == "DH-XHL"
    )
    assert page.errors == []


def test_language_switch_to_english(live_server, browser_page):
    ensure_catalogue()
    UnitFactory(code="DH-XHL", name="Xã Hà Lâm", level="commune")
    page = browser_page
    page.goto(f"{live_server.url}/feedback/")
    page.get_by_label("Ngôn ngữ").select_option("en")
    page.get_by_role("button", name="Đổi").click()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("heading", name="Send feedback about an official").is_visible()
    assert page.get_by_label("Unit or office concerned").is_visible()
