"""Feedback in the workspace: lists without identity, triage (assign outside the accused unit,
legal next steps, finding in one step), unit heads without identity or internal notes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import SecurityEvent
from inspections.feedback.choices import FeedbackStatus
from inspections.models import Finding, FindingCategory
from tests.factories import StaffFactory
from tests.inspections.feedback_factories import CitizenFeedbackFactory

pytestmark = pytest.mark.django_db
LIST = "/app/feedback/"


@pytest.fixture
def feedback(tree):
    return CitizenFeedbackFactory(unit=tree["A"], internal_note="Gọi lại cho người phản ánh")


def test_list_never_shows_identity_and_heads_see_their_unit(page_for, tree, feedback):
    CitizenFeedbackFactory(unit=tree["B"])
    inspector = page_for("inspector").get(LIST)
    assert inspector.status_code == 200
    assert "Phạm Thị Hoa" not in inspector.content.decode()
    head = page_for("head_a").get(LIST)
    assert [row.pk for row in head.context["rows"]] == [feedback.pk]
    export = page_for("inspector").get(LIST, {"format": "csv"})
    assert "Phạm Thị Hoa" not in b"".join(export.streaming_content).decode("utf-8-sig")


def test_detail_identity_for_inspectors_only_and_each_look_logged(page_for, feedback):
    url = f"/app/feedback/{feedback.pk}/"
    html = page_for("inspector").get(url).content.decode()
    assert "Phạm Thị Hoa" in html and "Gọi lại cho người phản ánh" in html
    assert SecurityEvent.objects.filter(kind="identity_viewed").count() == 1
    head = page_for("head_a").get(url).content.decode()
    assert "Phạm Thị Hoa" not in head and "Gọi lại cho người phản ánh" not in head
    assert page_for("head_b").get(url).status_code == 404
    assert "Phạm Thị Hoa" not in page_for("auditor").get(url).content.decode()


def test_assign_offers_inspectors_outside_the_accused_unit_only(page_for, users, feedback):
    users["head_a"].groups.add(*users["inspector"].groups.all())  # a head who is also an inspector
    response = page_for("inspector").get(f"/app/feedback/{feedback.pk}/")
    offered = {u.username for u in response.context["assign_form"].fields["assignee"].queryset}
    assert "inspector" in offered and "head-a" not in offered and "hr" not in offered
    refused = page_for("inspector").post(
        f"/app/feedback/{feedback.pk}/", {"op": "assign", "assign-assignee": users["head_a"].pk}
    )
    assert refused.status_code == 400
    ok = page_for("inspector").post(
        f"/app/feedback/{feedback.pk}/", {"op": "assign", "assign-assignee": users["inspector"].pk}
    )
    assert ok.status_code == 302
    feedback.refresh_from_db()
    assert feedback.assigned_to == users["inspector"]


def test_only_legal_next_steps_are_offered(page_for, feedback):
    response = page_for("inspector").get(f"/app/feedback/{feedback.pk}/")
    choices = [value for value, _label in response.context["move_form"].fields["to"].choices]
    assert set(choices) == {"under_review", "referred", "closed"}
    bad = page_for("inspector").post(
        f"/app/feedback/{feedback.pk}/", {"op": "move", "move-to": "unsubstantiated"}
    )
    assert bad.status_code == 400


def test_substantiate_and_record_the_finding_in_one_step(page_for, tree, feedback):
    person = StaffFactory(code="A-9", full_name="Đỗ Văn Em", unit=tree["A"])
    other = StaffFactory(code="B-9", full_name="Hồ Thị Gấm", unit=tree["B"])
    category = FindingCategory.objects.filter(active=True).first()
    url = f"/app/feedback/{feedback.pk}/"
    data = {
        "op": "finding",
        "finding-category": category.pk,
        "finding-severity": "minor",
        "finding-staff": other.pk,
        "finding-description": "Yêu cầu giấy tờ ngoài quy định",
        "finding-public_answer": "Phản ánh đúng; đã chấn chỉnh.",
    }
    assert page_for("inspector").post(url, data).status_code == 400  # another unit's person
    data["finding-staff"] = person.pk
    assert page_for("inspector").post(url, data).status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.SUBSTANTIATED and feedback.finding.staff == person
    steps = page_for("inspector").get(url).content.decode()
    assert "Đã tiếp nhận → Đang xem xét" in steps or "→" in steps
    assert page_for("head_a").post(url, {"op": "move", "move-to": "closed"}).status_code == 403


def test_propose_a_case_from_a_finding(page_for, tree, users, feedback):
    person = StaffFactory(code="A-8", full_name="Lý Văn Hải", unit=tree["A"])
    finding = Finding.objects.create(
        unit=tree["A"],
        staff=person,
        category=FindingCategory.objects.first(),
        severity="serious",
        description="Nhận tiền ngoài quy định",
        found_on=feedback.received_on,
    )
    url = f"/app/findings/{finding.pk}/propose-case/"
    assert page_for("inspector").get(url).status_code == 200
    assert page_for("inspector").post(url, {"note": "Vi phạm nghiêm trọng"}).status_code == 302
    finding.refresh_from_db()
    assert finding.case_proposed_by == users["inspector"]
    hr_home = page_for("hr").get("/app/")
    proposed = {s.key: s for s in hr_home.context["sections"]}["findings_proposed"]
    assert proposed.count == 1 and f"finding={finding.pk}" in proposed.lines[0].url
    assert page_for("hr").get(url)["Location"].endswith(f"?finding={finding.pk}")
    assert page_for("head_a").get(url).status_code == 403


@pytest.mark.parametrize(("role", "queries"), [("inspector", 9), ("head_a", 10)])
def test_feedback_list_query_count_is_fixed(page_for, tree, role, queries):
    client = page_for(role)
    CitizenFeedbackFactory(unit=tree["A"])
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(20):
        CitizenFeedbackFactory(unit=tree["A"])
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(few) == len(many) == queries
