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

from tests.browser.test_feedback_browser import LAUNCH_ARGS, chromium_path
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
    r"\b(the|and|Please|Save|Submit|Search|Filters?|Export|Next|Previous|required|Not Found|Sign in|Sign out|"
    r"Log out|Show counts|error|Inspections?|Corrective|Unit|Status|Due|Choose|Verify|Findings?|Add|Delete|"
    r"Home|My work|Overdue|Open|Done|Page)\b"
)

CHECK_PAGE = """() => {
  const unlabelled = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button'].includes(el.type)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) unlabelled.push(el.name || el.id || el.outerHTML.slice(0, 60));
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          text: document.body.innerText, unlabelled};
}"""


@pytest.fixture
def browser(monkeypatch):
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium is missing under CI: .ci/run must install Debian's chromium package"
            )
        pytest.skip(
            "Chromium is not installed (apt-get install chromium); this browser test did not run"
        )
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield browser
        browser.close()


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
    """docs/screenshots/<name>.png when asked (UPDATE_SCREENSHOTS=1) or missing; else a temporary file."""
    target = SCREENSHOTS / f"{name}.png"
    if not (os.environ.get("UPDATE_SCREENSHOTS") or not target.exists()):
        target = tmp_path / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)


def check(page, what: str) -> None:
    """No horizontal scroll, no English words, every input labelled."""
    result = page.evaluate(CHECK_PAGE)
    assert result["scroll"] <= result["inner"], (
        f"{what}: {result['scroll']} px wide on {result['inner']} px"
    )
    english = sorted(set(ENGLISH.findall(result["text"])))
    assert not english, f"{what}: English words on a Vietnamese page: {english}"
    assert not result["unlabelled"], f"{what}: inputs without a label: {result['unlabelled']}"


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
