"""The workspace in Debian's Chromium (Playwright): each role's main flow on a 390 x 844 phone and a
1366 x 768 screen, with no horizontal scrolling, no English left on Vietnamese pages, and every
input labelled. Screenshots go to docs/screenshots/ (with UPDATE_SCREENSHOTS=1 or when missing).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from tests.factories import StaffFactory
from tests.inspections.casework_factories import CorrectiveActionFactory, InspectionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}
# Words that betray an untranslated interface string on a Vietnamese page.
ENGLISH = re.compile(
    r"\b(the|and|Please|Save|Submit|Search|Filters?|Export|Next|Previous|required|Not Found|"
    r"Sign in|Sign out|Log out|Show counts|error|Inspections?|Corrective|Unit|Status|Due|Choose|"
    r"Verify|Findings?|Add|Delete|Home|My work|Overdue|Open|Done|Page)\b"
)

CHECK_PAGE = """() => {
  const unlabelled = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button'].includes(el.type)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!named) unlabelled.push(el.name || el.id || el.outerHTML.slice(0, 60));
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          text: document.body.innerText, unlabelled};
}"""


def open_page(browser, viewport: str):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        locale="vi-VN",
        extra_http_headers={"Accept-Language": "vi-VN,vi;q=0.9"},
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on(
        "response", lambda r: page.errors.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )
    return page


def shot(page, name: str, tmp_path: Path) -> None:
    """docs/screenshots/<name>.png when asked (UPDATE_SCREENSHOTS=1) or missing; else a temporary
    file."""
    target = SCREENSHOTS / f"{name}.png"
    if not (os.environ.get("UPDATE_SCREENSHOTS") or not target.exists()):
        target = tmp_path / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)


def check(page, what: str) -> None:
    """No horizontal scroll, no English words, every input labelled, text contrast AA (a11y.py)."""
    from tests.browser.a11y import check_contrast

    result = page.evaluate(CHECK_PAGE)
    assert result["scroll"] <= result["inner"], (
        f"{what}: {result['scroll']} px wide on {result['inner']} px"
    )
    english = sorted(set(ENGLISH.findall(result["text"])))
    assert not english, f"{what}: English words on a Vietnamese page: {english}"
    assert not result["unlabelled"], f"{what}: inputs without a label: {result['unlabelled']}"
    check_contrast(page, what)


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/app/")
    check(page, "sign-in")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/app/$"))


@pytest.fixture
def district(tree, users):
    today = dt.date.today()
    inspection = InspectionFactory(
        code="KT-2026-001",
        unit=tree["A"],
        start_date=today - dt.timedelta(days=20),
        status="in_progress",
    )
    CorrectiveActionFactory(
        finding__inspection=inspection,
        finding__found_on=today - dt.timedelta(days=15),
        description="Niêm yết công khai đầy đủ thủ tục hành chính tại bộ phận một cửa",
        due_date=today - dt.timedelta(days=2),
    )
    CorrectiveActionFactory(
        finding__inspection=inspection,
        finding__found_on=today - dt.timedelta(days=15),
        description="Trả hồ sơ đúng hẹn, lập sổ theo dõi hồ sơ trễ hạn",
        due_date=today + dt.timedelta(days=5),
    )
    StaffFactory(code="A-001", full_name="Trần Văn Bình", unit=tree["A"])
    return tree


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_each_role_home_and_lists_fit_and_read_vietnamese(
    live_server, browser, district, viewport, tmp_path
):
    for username, pages in (
        ("inspector", ["/app/", "/app/inspections/", "/app/actions/"]),
        ("head-a", ["/app/", "/app/actions/"]),
    ):
        page = open_page(browser, viewport)
        sign_in(page, live_server.url, username)
        role = username.split("-")[0]
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            check(page, f"{username} {path} {viewport}")
            name = path.strip("/").replace("app/", "").replace("/", "-") or "home"
            shot(page, f"workspace-{role}-{name.replace('app', 'home')}-{viewport}", tmp_path)
        assert page.errors == []
        page.context.close()


class Clicks:
    """Counts what a person does with the pointer: clicks, choices in a list, files picked. Typing
    is free."""

    def __init__(self, page):
        self.page, self.count, self.optional = page, 0, 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def select(self, locator, *, optional: bool = False, **option):
        """``optional``: a choice the round does not need (its default would do), counted apart."""
        if optional:
            self.optional += 1
        else:
            self.count += 1
        locator.select_option(**option)

    def check(self, locator, *, optional: bool = False):
        if optional:
            self.optional += 1
        else:
            self.count += 1
        locator.check()

    def files(self, locator, path):
        self.count += 1
        locator.set_input_files(str(path))


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def inspectorate(district):
    lead = StaffFactory(code="TT-1", full_name="Lê Thanh Tra", unit=district["D-NV"])
    member = StaffFactory(code="TT-2", full_name="Võ Kiểm Tra", unit=district["D-NV"])
    old = InspectionFactory(
        code="KT-2025-009", unit=district["B"], lead_inspector=lead, start_date=dt.date(2025, 5, 1)
    )
    old.team.set([member])
    return district


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_inspection_round_log_report_progress_verify(
    live_server, browser, inspectorate, viewport, tmp_path
):
    from inspections.models import CorrectiveAction, Evidence, Inspection

    photo = tmp_path / "hien-truong.png"
    photo.write_bytes(PNG)
    report = tmp_path / "bao-cao-khac-phuc.pdf"
    report.write_bytes(PDF)

    # 1. The inspector logs the inspection: two findings, an action, a photo, on one page.
    page = open_page(browser, viewport)
    sign_in(page, live_server.url, "inspector")
    clicks = Clicks(page)
    clicks.click(page.get_by_role("link", name="Ghi nhận cuộc kiểm tra").first)
    page.wait_for_url(re.compile(r".*/app/inspections/new/$"))
    check(page, f"log {viewport}")
    clicks.select(page.get_by_label("Đơn vị được kiểm tra"), label="Xã Đạ Tồn")
    first_staff = page.locator("#id_findings-0-staff")
    first_staff.locator("option", has_text="Trần Văn Bình").wait_for(state="attached")
    clicks.check(page.get_by_label("Võ Kiểm Tra · Phòng Nội vụ"), optional=True)
    finding = page.locator("#finding-0")
    clicks.select(finding.get_by_label("Loại vi phạm"), index=1)
    finding.get_by_label("Nội dung vi phạm phát hiện").fill(
        "Không niêm yết công khai thủ tục hành chính mới"
    )
    clicks.select(finding.get_by_label("Cán bộ liên quan"), label="Trần Văn Bình · Xã Đạ Tồn")
    finding.get_by_label("Nội dung phải khắc phục").fill(
        "Niêm yết đầy đủ 12 thủ tục tại bộ phận một cửa"
    )
    finding.get_by_label("Hạn khắc phục").fill(
        (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    )
    clicks.files(finding.get_by_label("Chụp ảnh"), photo)
    second = page.locator("#finding-1")
    clicks.select(second.get_by_label("Loại vi phạm"), index=2)
    clicks.select(second.get_by_label("Mức độ"), index=1, optional=True)
    second.get_by_label("Nội dung vi phạm phát hiện").fill(
        "Hai hồ sơ trả trễ hẹn, không có văn bản xin lỗi"
    )
    shot(page, f"workspace-inspection-log-{viewport}", tmp_path)
    clicks.click(page.get_by_role("button", name="Lưu cuộc kiểm tra"))
    page.wait_for_url(re.compile(r".*/app/inspections/KT-\d{4}-\d{3}/$"))
    check(page, f"inspection detail {viewport}")
    shot(page, f"workspace-inspection-detail-{viewport}", tmp_path)
    inspection = Inspection.objects.latest("pk")
    assert inspection.findings.count() == 2
    action = CorrectiveAction.objects.get(finding__inspection=inspection)
    assert Evidence.objects.filter(finding__inspection=inspection).count() == 1
    log_clicks, log_optional = clicks.count, clicks.optional
    page.context.close()

    # 2. The unit head reports progress with a file, from its home.
    page = open_page(browser, viewport)
    sign_in(page, live_server.url, "head-a")
    clicks = Clicks(page)
    clicks.click(page.get_by_role("link", name=re.compile("Niêm yết đầy đủ 12 thủ tục")))
    page.wait_for_url(re.compile(rf".*/app/actions/{action.pk}/$"))
    check(page, f"action {viewport}")
    page.get_by_label("Đã làm được gì").fill("Đã niêm yết đủ 12 thủ tục, có ảnh chụp bảng niêm yết")
    # A day picked in the calendar is written back as dd/mm/yyyy (typing it is the same).
    today = dt.date.today()
    assert page.get_by_role("button", name="Chọn ngày trên lịch").count() >= 1
    page.evaluate(
        """(iso) => {
        const p = document.querySelector('#id_done_on').parentNode.querySelector('.date-picker');
        p.value = iso; p.dispatchEvent(new Event('change')); }""",
        today.isoformat(),
    )
    assert page.get_by_label("Ngày hoàn thành").input_value() == today.strftime("%d/%m/%Y")
    clicks.files(page.get_by_label("Đính kèm ảnh hoặc tệp PDF"), report)
    shot(page, f"workspace-action-progress-{viewport}", tmp_path)
    clicks.click(page.get_by_role("button", name="Gửi báo cáo"))
    page.wait_for_url(re.compile(rf".*/app/actions/{action.pk}/$"))
    assert "Đã ghi nhận tiến độ" in page.content()
    action.refresh_from_db()
    assert action.status == "done" and action.evidence.count() == 1
    progress_clicks = clicks.count
    page.context.close()

    # 3. The inspector verifies it, from the home's "to verify" list.
    page = open_page(browser, viewport)
    sign_in(page, live_server.url, "inspector")
    clicks = Clicks(page)
    clicks.click(
        page.locator("#actions_to_verify").get_by_role(
            "link", name=re.compile("Niêm yết đầy đủ 12 thủ tục")
        )
    )
    check(page, f"verify {viewport}")
    clicks.click(page.get_by_role("button", name="Xác nhận đã khắc phục xong"))
    page.wait_for_selector("text=Đã xác minh biện pháp khắc phục")
    check(page, f"verified {viewport}")
    shot(page, f"workspace-action-verified-{viewport}", tmp_path)
    action.refresh_from_db()
    assert action.status == "verified"
    verify_clicks = clicks.count
    assert page.errors == []

    # 4. The inspector proposes a disciplinary case from the first finding (still signed in).
    clicks = Clicks(page)
    page.goto(f"{live_server.url}/app/inspections/{inspection.code}/")
    check(page, f"inspection with its findings {viewport}")
    clicks.click(page.get_by_role("button", name="Đề xuất xử lý kỷ luật").first)
    page.wait_for_selector("text=Đã đề xuất")
    propose_clicks = clicks.count
    page.context.close()

    # 5. HR opens the case from its home and takes the first workflow step.
    page = open_page(browser, viewport)
    sign_in(page, live_server.url, "hr")
    clicks = Clicks(page)
    clicks.click(page.locator("#findings_proposed").get_by_role("link").first)
    clicks.click(page.get_by_role("button", name="Mở hồ sơ"))
    page.wait_for_url(re.compile(r".*/app/cases/\d+/$"))
    clicks.click(page.get_by_role("link", name="Họp kiểm điểm"))
    clicks.click(page.get_by_role("button", name="Ghi nhận bước này"))
    page.wait_for_selector("text=Họp kiểm điểm")
    from inspections.models import DisciplinaryCase

    for _attempt in range(50):
        case = DisciplinaryCase.objects.filter(findings__inspection=inspection).first()
        if case is not None and case.status == "self_review":
            break
        page.wait_for_timeout(100)
    assert case is not None and case.status == "self_review"
    case_clicks = clicks.count
    assert page.errors == []
    page.context.close()
    total = log_clicks + propose_clicks + case_clicks
    print(
        f"clicks {viewport}: log {log_clicks}, progress {progress_clicks}, verify "
        f"{verify_clicks}, propose {propose_clicks}, case {case_clicks}; inspection round "
        f"{total} (+{log_optional} optional)"
    )
    assert total <= 38 // 3


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_feedback_triage_and_error_pages_fit_and_read_vietnamese(
    live_server, browser, inspectorate, viewport, tmp_path
):
    from inspections.models import CitizenFeedback
    from tests.inspections.feedback_factories import CitizenFeedbackFactory

    feedback = CitizenFeedbackFactory(unit=inspectorate["A"])
    page = open_page(browser, viewport)
    sign_in(page, live_server.url, "inspector")
    page.goto(f"{live_server.url}/app/feedback/")
    check(page, f"feedback list {viewport}")
    page.get_by_role("link", name=feedback.tracking_code).click()
    check(page, f"feedback detail {viewport}")
    shot(page, f"workspace-feedback-triage-{viewport}", tmp_path)
    page.get_by_label("Giao cho").select_option(label="inspector")
    page.get_by_role("button", name="Giao xử lý").click()
    page.wait_for_selector("text=Đã giao phản ánh")
    assert CitizenFeedback.objects.get(pk=feedback.pk).assigned_to.username == "inspector"
    for path in ("/app/no-such-page/", "/app/inspections/KT-0000-000/"):
        page.goto(f"{live_server.url}{path}")
        check(page, f"404 {viewport}")
    page.context.close()
    page = open_page(browser, viewport)
    sign_in(page, live_server.url, "head-a")
    page.goto(f"{live_server.url}/app/feedback/{feedback.pk}/")
    check(page, f"feedback for the head {viewport}")
    assert "Phạm Thị Hoa" not in page.content()
    page.goto(f"{live_server.url}/app/inspections/new/")
    check(page, f"403 {viewport}")
    assert "Bạn không được mở trang này" in page.content()
    assert page.errors == []
    page.context.close()
