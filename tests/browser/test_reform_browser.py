"""A unit head files its unit's service delivery report in Debian's Chromium (Playwright), on a 390
x 844 phone and a 1366 x 768 screen: figures that do not add up are saved as typed and the problem
is said in words. Every page: no horizontal scroll, no English on the Vietnamese page, every input
labelled. Screenshots go to docs/screenshots/ (with UPDATE_SCREENSHOTS=1 or when missing)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from reform.models import ImprovementItem, ImprovementPlan, ParCriterionScore, ServiceReport
from tests.browser.test_workspace_browser import check, open_page, shot, sign_in
from tests.factories import StaffFactory
from tests.reform.factories import DossierFactory, ParResultFactory, ProcedureFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def reform_world(tree, users):
    today = dt.date.today()
    procedure = ProcedureFactory(
        code="HT-01", name="Đăng ký khai sinh", level="commune", resolution_days=3
    )
    late = DossierFactory(
        code="HS-A-0001",
        procedure=procedure,
        unit=tree["A"],
        received_on=today - dt.timedelta(days=20),
    )
    DossierFactory(
        code="HS-A-0002",
        procedure=procedure,
        unit=tree["A"],
        received_on=today - dt.timedelta(days=10),
        resolved_on=today - dt.timedelta(days=9),
    )
    previous = ParResultFactory(
        unit=tree["A"], year=today.year - 2, rank=3, ranked_units=12, score=Decimal("80.10")
    )
    result = ParResultFactory(
        unit=tree["A"], year=today.year - 1, rank=2, ranked_units=12, score=Decimal("84.25")
    )
    ParCriterionScore.objects.create(
        result=result, code="7", name="Hiện đại hóa hành chính", max_score=12, score=6
    )
    plan = ImprovementPlan.objects.create(
        unit=tree["A"], year=today.year, based_on=result, title="Kế hoạch nâng cao Chỉ số CCHC"
    )
    owner = StaffFactory(code="A-01", full_name="Trần Văn Bình", unit=tree["A"])
    item = ImprovementItem.objects.create(
        plan=plan,
        criterion_code="7",
        action="Cung cấp dịch vụ công trực tuyến mức độ 3, 4",
        owner=owner,
        owner_unit=tree["A"],
        due_date=today + dt.timedelta(days=3),
    )
    return {"late": late, "result": result, "previous": previous, "item": item}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_unit_head_files_a_report_that_does_not_add_up(
    live_server, browser, reform_world, viewport, tmp_path
):
    page = open_page(browser, viewport)
    base = live_server.url
    year = dt.date.today().year - 1
    sign_in(page, base, "head-a")
    # "My work" names the improvement item due this week.
    assert page.get_by_text("Cung cấp dịch vụ công trực tuyến mức độ 3, 4").count() == 1
    page.goto(f"{base}/app/reform/service-reports/")
    check(page, f"service reports {viewport}")
    page.get_by_role("link", name="Nộp báo cáo").click()
    page.wait_for_url(re.compile(r".*/service-reports/new/$"))
    check(page, f"report form {viewport}")
    assert page.get_by_label("Đơn vị").input_value() == "A"
    page.get_by_label("Phạm vi báo cáo").select_option("commune")
    page.get_by_label("Từ ngày").fill(f"01/01/{year}")
    page.get_by_label("Đến ngày").fill(f"31/12/{year}")
    for field, value in (
        ("received", "2061"),
        ("resolved", "1731"),
        ("pending_in_time", "96"),
        ("pending_overdue", "0"),
    ):
        page.locator(f"#id_{field}").fill(value)
    shot(page, f"workspace-reform-report-form-{viewport}", tmp_path)
    # Sent from the keyboard: after a full-page screenshot, a mouse click on the desktop page
    # focused the button without submitting (the layout was still settling).
    page.get_by_role("button", name="Lưu báo cáo").press("Enter")
    page.wait_for_url(re.compile(r".*/service-reports/\d+/$"))
    report = ServiceReport.objects.get(unit__code="A", scope="commune")
    assert (report.received, report.resolved, report.pending_in_time) == (2061, 1731, 96)
    assert not report.reconciles
    assert page.locator("#reconciliation").get_by_text("chênh lệch 234 hồ sơ").count() == 1
    check(page, f"report {viewport}")
    shot(page, f"workspace-reform-report-{viewport}", tmp_path)
    for path in (
        "/app/reform/service-reports/",
        "/app/reform/dossiers/",
        f"/app/reform/dossiers/{reform_world['late'].pk}/",
        "/app/reform/par/",
        f"/app/reform/par/{reform_world['result'].pk}/",
        f"/app/reform/plan-items/{reform_world['item'].pk}/",
    ):
        page.goto(f"{base}{path}")
        check(page, f"{path} {viewport}")
        name = re.sub(r"\d+/$", "detail", path.replace("/app/reform/", "")).strip("/")
        shot(page, f"workspace-reform-{name.replace('/', '-')}-{viewport}", tmp_path)
    assert page.errors == []
    page.context.close()
