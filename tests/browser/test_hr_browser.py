"""HR in Debian's Chromium (Playwright), on a 390 x 844 phone and a 1366 x 768 screen: opens a case
from a finding and takes it to a decision, takes attendance for a course; the leaders' and auditors'
lists read only. Every page: no horizontal scroll, no English on Vietnamese pages, every input
labelled. Screenshots go to docs/screenshots/ (with UPDATE_SCREENSHOTS=1 or when missing)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from inspections.models import DisciplinaryCase
from tests.browser.test_workspace_browser import check, open_page, shot, sign_in
from tests.factories import StaffFactory
from tests.inspections.casework_factories import FindingFactory, InspectionFactory
from tests.training.factories import CourseFactory, EnrolmentFactory, TopicFactory
from training.models import Enrolment, TrainingRequirement

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def hr_world(tree, users):
    today = dt.date.today()
    people = [
        StaffFactory(
            code=f"A-{i:03d}",
            full_name=name,
            unit=tree["A"],
            category="civil_servant",
            position="Công chức bộ phận một cửa",
            joined_on=dt.date(2015, 1, 1),
        )
        for i, name in enumerate(
            ["Trần Văn Bình", "Lê Thị Hoa", "Phạm Minh Tuấn", "Đỗ Thu Trang"], start=1
        )
    ]
    inspection = InspectionFactory(
        code="KT-HR-1",
        unit=tree["A"],
        start_date=today - dt.timedelta(days=12),
        status="in_progress",
    )
    FindingFactory(
        inspection=inspection,
        unit=tree["A"],
        staff=people[0],
        severity="serious",
        found_on=today - dt.timedelta(days=10),
        description="Yêu cầu công dân nộp thêm giấy tờ ngoài quy định",
    )
    course = CourseFactory(
        code="K-HR-1",
        title="Kỹ năng tiếp công dân",
        topic=TopicFactory(code="ethics", name="Đạo đức công vụ"),
        start_date=today - dt.timedelta(days=2),
        end_date=today - dt.timedelta(days=1),
        hours=16,
        capacity=10,
        organizer_name="Sở Nội vụ",
    )
    for person in people[:3]:
        EnrolmentFactory(course=course, staff=person, status="registered")
    TrainingRequirement.objects.update_or_create(
        year=today.year,
        category="civil_servant",
        position="",
        defaults={"hours": 24, "periods": None},
    )
    return {"people": people, "course": course}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_hr_opens_a_case_from_a_finding_and_takes_it_to_a_decision(
    live_server, browser, hr_world, viewport, tmp_path
):
    page = open_page(browser, viewport)
    base = live_server.url
    sign_in(page, base, "hr")
    page.goto(f"{base}/app/cases/")
    check(page, f"case list {viewport}")
    page.locator("a[href*='/app/cases/open/?finding=']").first.click()
    page.wait_for_url(re.compile(r".*/app/cases/open/\?finding=\d+"))
    check(page, f"open a case {viewport}")
    shot(page, f"workspace-hr-case-open-{viewport}", tmp_path)
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/app/cases/\d+/$"))
    check(page, f"case {viewport}")
    for step in ("self_review", "council", "decided"):
        page.locator(f"a[href^='?step={step}']").click()
        page.wait_for_selector(f"#step-form input[name=to][value={step}]", state="attached")
        if step == "decided":
            # Only now the decision's fields appear.
            page.get_by_label("Hình thức kỷ luật").select_option("khien_trach")
            page.get_by_label("Số quyết định").fill("15/QĐ-UBND")
            check(page, f"deciding {viewport}")
            shot(page, f"workspace-hr-case-decide-{viewport}", tmp_path)
        else:
            assert page.locator("#step-form [name=decision_number]").count() == 0
        page.locator("#step-form button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/app/cases/\d+/$"))
    case = DisciplinaryCase.objects.get()
    assert case.status == "decided" and case.decision_number == "15/QĐ-UBND" and case.effect_ends_on
    check(page, f"decided case {viewport}")
    shot(page, f"workspace-hr-case-{viewport}", tmp_path)
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_hr_takes_attendance_for_a_course(live_server, browser, hr_world, viewport, tmp_path):
    page = open_page(browser, viewport)
    base = live_server.url
    course = hr_world["course"]
    sign_in(page, base, "hr")
    page.goto(f"{base}/app/courses/{course.pk}/")
    check(page, f"course {viewport}")
    shot(page, f"workspace-hr-course-{viewport}", tmp_path)
    page.locator(f"a[href='/app/courses/{course.pk}/attendance/']").click()
    page.wait_for_url(re.compile(r".*/attendance/$"))
    check(page, f"attendance {viewport}")
    absent, completed = hr_world["people"][1], hr_world["people"][2]
    rows = {e.staff_id: e.pk for e in Enrolment.objects.filter(course=course)}
    page.locator(f"#present-{rows[absent.pk]}").uncheck()
    page.locator(f"#outcome-{rows[completed.pk]}").select_option("completed")
    page.locator(f"#score-{rows[completed.pk]}").fill("8,5")
    shot(page, f"workspace-hr-attendance-{viewport}", tmp_path)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf".*/app/courses/{course.pk}/$"))
    status = dict(Enrolment.objects.filter(course=course).values_list("staff__code", "status"))
    assert status == {"A-001": "attended", "A-002": "no_show", "A-003": "completed"}
    check(page, f"course after attendance {viewport}")
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_hr_and_auditor_pages_fit_and_read_vietnamese(
    live_server, browser, hr_world, viewport, tmp_path
):
    base = live_server.url
    year = dt.date.today().year
    for username, paths in (
        (
            "hr",
            [
                "/app/courses/",
                f"/app/compliance/?year={year}",
                "/app/staff/",
                "/app/people/A-001/",
                "/app/staff/import/",
                "/app/courses/import-attendance/",
            ],
        ),
        ("auditor", ["/app/cases/", "/app/courses/", f"/app/compliance/?year={year}"]),
    ):
        page = open_page(browser, viewport)
        sign_in(page, base, username)
        for path in paths:
            page.goto(f"{base}{path}")
            check(page, f"{username} {path} {viewport}")
            name = path.split("?")[0].strip("/").replace("app/", "").replace("/", "-")
            shot(page, f"workspace-{username}-{name}-{viewport}", tmp_path)
            if username == "auditor":
                # Read only: no way to open a case, enrol or take attendance; exports offered.
                assert page.locator("a[href*='/cases/open/'], a[href*='/attendance/']").count() == 0
                assert page.locator("a[href*='format=xlsx']").count() == 1
        assert page.errors == []
        page.context.close()
