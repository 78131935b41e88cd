"""The phone-sized page the citizen and report browser tests share (the browser is
tests/conftest.py's)."""

from __future__ import annotations

import pytest


@pytest.fixture
def browser_page(browser):
    """A phone (narrow viewport, touch, Vietnamese); ``page.errors`` collects script errors and
    5xx."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        extra_http_headers={"Accept-Language": "vi-VN,vi;q=0.9"},
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.errors = errors
    yield page
    context.close()
