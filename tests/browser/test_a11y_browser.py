"""Each role's home and main pages in Debian's Chromium, at 390 x 844 and 1366 x 768: every field
labelled, text contrast AA, every control reachable with Tab in the page's order with a visible
focus and no trap (tests/browser/a11y.py), no horizontal scroll and no English on the Vietnamese
pages.

Also the screenshots of each role's home and main page shown in docs/workspace.md: regenerate them
with ``UPDATE_SCREENSHOTS=1 .venv/bin/pytest tests/browser -m screenshots`` (they are written when
missing).
"""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.casework import services
from tests.browser.a11y import check_a11y
from tests.browser.test_workspace_browser import check, open_page, shot, sign_in
from tests.factories import StaffFactory
from tests.inspections.casework_factories import (
    CorrectiveActionFactory,
    FindingFactory,
    InspectionFactory,
)
from tests.inspections.feedback_factories import CitizenFeedbackFactory
from tests.training.factories import CourseFactory, EnrolmentFactory, TopicFactory
from training.models import TrainingRequirement

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(tree, users):
    """A little of everything each role's home lists: actions due and done, feedback, a case, a
    course."""
    today = dt.date.today()
    lead = StaffFactory(code="TT-1", full_name="Lê Thanh Tra", unit=tree["D-NV"])
    people = [
        StaffFactory(
            code=f"A-{i:03d}",
            full_name=name,
            unit=tree["A"],
            category="civil_servant",
            position="Công chức bộ phận một cửa",
            joined_on=dt.date(2015, 1, 1),
        )
        for i, name in enumerate(["Trần Văn Bình", "Lê Thị Hoa", "Phạm Minh Tuấn"], start=1)
    ]
    inspection = InspectionFactory(
        code="KT-A11Y-1",
        unit=tree["A"],
        lead_inspector=lead,
        start_date=today - dt.timedelta(days=20),
        status="in_progress",
    )
    overdue = CorrectiveActionFactory(
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
    done = CorrectiveActionFactory(
        finding__inspection=inspection,
        finding__found_on=today - dt.timedelta(days=15),
        description="Bố trí công chức trực bộ phận một cửa đủ giờ hành chính",
        due_date=today + dt.timedelta(days=10),
    )
    services.action_report_progress(
        action=done, note="Đã bố trí lịch trực", done_on=today, by=users["head_a"]
    )
    finding = FindingFactory(
        inspection=inspection,
        unit=tree["A"],
        staff=people[0],
        severity="serious",
        found_on=today - dt.timedelta(days=10),
        description="Yêu cầu công dân nộp thêm giấy tờ ngoài quy định",
    )
    case = services.case_open(
        staff=people[1],
        violation_date=today - dt.timedelta(days=40),
        discovered_on=today - dt.timedelta(days=30),
        severity="minor",
    )
    feedback = CitizenFeedbackFactory(unit=tree["A"])
    course = CourseFactory(
        code="K-A11Y-1",
        title="Kỹ năng tiếp công dân",
        topic=TopicFactory(code="ethics", name="Đạo đức công vụ"),
        start_date=today,
        end_date=today + dt.timedelta(days=1),
        hours=16,
        capacity=10,
        organizer_name="Sở Nội vụ",
    )
    for person in people[:2]:
        EnrolmentFactory(course=course, staff=person, status="registered")
    TrainingRequirement.objects.update_or_create(
        year=today.year,
        category="civil_servant",
        position="",
        defaults={"hours": 24, "periods": None},
    )
    return {
        "action": overdue,
        "finding": finding,
        "case": case,
        "feedback": feedback,
        "course": course,
    }


def pages_of(world) -> dict[str, list[tuple[str, str]]]:
    """Per user: (screenshot name, path); the first is the home, the second the role's main page."""
    year = dt.date.today().year
    return {
        "inspector": [
            ("home", "/app/"),
            ("log", "/app/inspections/new/"),
            ("actions", "/app/actions/"),
            ("feedback", f"/app/feedback/{world['feedback'].pk}/"),
        ],
        "head-a": [
            ("home", "/app/"),
            ("action", f"/app/actions/{world['action'].pk}/"),
            ("feedback", "/app/feedback/"),
        ],
        "hr": [
            ("home", "/app/"),
            ("case", f"/app/cases/{world['case'].pk}/"),
            ("cases", "/app/cases/"),
            ("attendance", f"/app/courses/{world['course'].pk}/attendance/"),
            ("compliance", f"/app/compliance/?year={year}"),
        ],
        "auditor": [
            ("home", "/app/"),
            ("cases", "/app/cases/"),
            ("courses", "/app/courses/"),
        ],
        "admin": [
            ("home", "/app/"),
            ("inspections", "/app/inspections/"),
        ],
    }


ROLE_NAMES = {
    "inspector": "inspector",
    "head-a": "head",
    "hr": "hr",
    "auditor": "auditor",
    "admin": "admin",
}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("username", ["inspector", "head-a", "hr", "auditor", "admin"])
def test_each_role_home_and_main_pages_are_accessible(
    live_server, browser, world, username, viewport, tmp_path
):
    page = open_page(browser, viewport)
    if username == "inspector":  # the pages before and beside the work, once per size
        page.goto(f"{live_server.url}/app/login/")
        check_a11y(page, f"sign-in {viewport}")
    sign_in(page, live_server.url, username)
    if username == "inspector":
        page.goto(f"{live_server.url}/app/no-such-page/")
        check_a11y(page, f"404 {viewport}")
    for index, (name, path) in enumerate(pages_of(world)[username]):
        page.goto(f"{live_server.url}{path}")
        what = f"{username} {path} {viewport}"
        check(page, what)
        if index < 2:  # the home and the main page are pictured in docs/workspace.md
            shot(page, f"workspace-role-{ROLE_NAMES[username]}-{name}-{viewport}", tmp_path)
        check_a11y(page, what)
    assert page.errors == []
    page.context.close()


CHECKER_PAGE = """<!doctype html><html lang="vi"><head><style>
  body { font: 16px sans-serif; background: #fff; color: #1b1f24; }
  :focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
  .pale { color: #999; }
  .big { color: #888; font-size: 26px; }
  .band { background: #0b5cad; color: #fff; padding: 4px; }
  .band a { color: #1b1f24; }
  .bare:focus { outline: none; }
  .up { position: relative; top: -400px; }
  #f::placeholder { color: #595959; }
</style></head><body>
<p>Đủ tương phản</p>
<p class="pale">Chữ nhạt #999 trên nền trắng</p>
<p class="big">Chữ lớn #888 (3,5:1 đủ cho chữ lớn)</p>
<div class="band"><a href="#a">Liên kết tối trên nền xanh</a></div>
<label for="f">Tên</label><input id="f" placeholder="gợi ý" style="color:#1b1f24">
<input id="nolabel">
<button class="bare">Không có viền khi chọn</button>
<a href="#b" tabindex="3">Thứ tự dương</a>
<div style="height:300px"></div><a class="up" href="#c">Lên trên</a>
</body></html>"""


def test_the_checks_find_what_they_look_for(browser):
    """The helpers themselves: each problem planted in a page is reported, and nothing else."""
    from tests.browser.a11y import CONTRAST, UNLABELLED, check_keyboard, tab_walk

    page = open_page(browser, "desktop")
    page.set_content(CHECKER_PAGE)
    failures = page.evaluate(CONTRAST)
    found = {f["element"].split(" ")[0]: f for f in failures}
    assert set(found) == {"p.pale", "a"}, failures
    assert found["p.pale"]["ratio"] == 2.85 and found["p.pale"]["need"] == 4.5
    assert found["a"]["bg"] == "#0b5cad"
    assert page.evaluate(UNLABELLED) == ["nolabel"]
    stops, log, positive = tab_walk(page)
    assert positive == ['a "Thứ tự dương"']
    by_element = {entry["element"]: entry for entry in log}
    assert by_element['button.bare "Không có viền khi chọn"']["outline"] == "none"
    assert by_element['a "Liên kết tối trên nền xanh"']["outlineWidth"] == 3
    # From the top of the page the walk follows the page and wraps round (the positive tabindex
    # is reported by the check below, wherever the browser puts it in the cycle).
    assert [e["element"] for e in log[:3]] == [
        'a "Liên kết tối trên nền xanh"',
        "input#f",
        "input#nolabel",
    ]
    assert 'a "Thứ tự dương"' in by_element
    assert len(log) > len(stops)
    with pytest.raises(AssertionError, match="positive tabindex"):
        check_keyboard(page, "planted")
    # Without the positive tabindex: the outline-less button, then the link drawn above its place.
    page.set_content(CHECKER_PAGE.replace(' tabindex="3"', ""))
    with pytest.raises(AssertionError, match=r"Tab jumps up the page .* to a\.up"):
        check_keyboard(page, "planted")
    page.set_content(CHECKER_PAGE.replace(' tabindex="3"', "").replace(' class="up"', ""))
    with pytest.raises(AssertionError, match=r"focus not clearly visible.*button\.bare.*'none'"):
        check_keyboard(page, "planted")
    # A field that swallows Tab traps the keyboard: what follows it is never reached.
    page.set_content(
        '<a href="#x">trước</a><input aria-label="bẫy" '
        'onkeydown="if (event.key === \'Tab\') event.preventDefault()"><a href="#y">sau</a>'
    )
    with pytest.raises(AssertionError, match="not reachable with Tab: \\['a \"sau\"'\\]"):
        check_keyboard(page, "planted")
    page.context.close()
