"""In a real browser, Swagger UI and the admin work under the Content-Security-Policy."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Listen for the browser's own report of anything the policy blocked.
_RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def page(browser):
    """A page of the shared Chromium (tests/conftest.py) that records policy violations and
    errors."""
    page = browser.new_page()
    page.add_init_script(_RECORD_VIOLATIONS)
    errors: list[str] = []
    # Resource failures are checked by URL below (a missing favicon is not a CSP matter).
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and "favicon" not in r.url
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    page.context.close()


def test_swagger_ui_renders_with_the_policy(live_server, page):
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
    assert "CongVu API" in page.inner_text(".swagger-ui .info .title")
    # Swagger UI renders only the operations in view (a virtualised list): scroll through the
    # page and collect the operations it draws.
    seen: set[str] = set()
    for _ in range(30):
        seen.update(page.locator(".opblock .opblock-summary-path").all_inner_texts())
        if len(seen) > 10:
            break
        page.mouse.wheel(0, 1200)
        page.wait_for_timeout(200)
    assert len(seen) > 10, seen
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


def test_admin_and_browsable_api_work_with_the_policy(live_server, users, page):
    # users before page: Django refuses ORM calls once Playwright runs its event loop.
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "hr")
    page.fill("#id_password", "pw-for-tests-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/", timeout=20000)
    page.goto(f"{live_server.url}/admin/staff/staff/add/")
    page.wait_for_selector("#staff_form", timeout=20000)
    assert page.evaluate("window.__csp") == []
    # The browsable API, signed in through the same session.
    page.goto(f"{live_server.url}/api/v1/units/")
    page.wait_for_selector(".response-info", timeout=20000)
    assert page.evaluate("window.__csp") == []
    assert page.errors == []
