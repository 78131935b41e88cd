"""Improvement plan items (PAR index) are reminded like corrective actions, against a real SMTP
server.

Assigned, due within 7 days, overdue weekly; to the item's owner (the account
with the owner's e-mail, and the heads of the responsible unit or the nearest
unit above it), never outside the recipient's scope, never twice per record,
kind and due date, in the recipient's language.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from notifications.choices import Delivery
from notifications.forms import PreferencesForm
from notifications.models import Notification, NotificationPreference, SentReminder
from reform.choices import PlanItemStatus
from reform.models import ImprovementItem, ImprovementPlan
from tests.factories import StaffFactory
from tests.notifications.conftest import DAY

pytestmark = pytest.mark.django_db


def run(day: dt.date = DAY) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def _plan(unit, adopted=dt.date(2024, 2, 1)):
    return ImprovementPlan.objects.create(
        unit=unit, year=2024, title=f"Kế hoạch khắc phục {unit.code}", adopted_on=adopted
    )


def _item(plan, due, *, owner_unit=None, status=PlanItemStatus.OPEN, done_on=None, owner=None):
    return ImprovementItem.objects.create(
        plan=plan,
        criterion_code="3.2",
        action=f"Cập nhật trạng thái hồ sơ trên hệ thống ({due.isoformat()})",
        owner_unit=owner_unit or plan.unit,
        owner=owner,
        due_date=due,
        status=status,
        done_on=done_on,
    )


@pytest.fixture
def items(tree):
    plan_a, plan_b = _plan(tree["A"]), _plan(tree["B"])
    return {
        "a_due": _item(plan_a, DAY + dt.timedelta(days=5)),
        "a_later": _item(plan_a, DAY + dt.timedelta(days=30)),
        "a_late": _item(plan_a, DAY - dt.timedelta(days=1), status=PlanItemStatus.IN_PROGRESS),
        # Done three days after DAY: still to do on DAY, but done now, so a run for
        # DAY (a catch-up) does not remind of it.
        "a_done_later": _item(
            plan_a,
            DAY + dt.timedelta(days=2),
            status=PlanItemStatus.DONE,
            done_on=DAY + dt.timedelta(days=3),
        ),
        # Done before DAY, or cancelled: nothing.
        "a_done": _item(
            plan_a,
            DAY + dt.timedelta(days=2),
            status=PlanItemStatus.DONE,
            done_on=DAY - dt.timedelta(days=3),
        ),
        "a_cancelled": _item(plan_a, DAY - dt.timedelta(days=3), status=PlanItemStatus.CANCELLED),
        "b_late": _item(plan_b, DAY - dt.timedelta(days=8)),
    }


def kinds_for(username: str) -> list[tuple[str, int]]:
    return sorted(
        Notification.objects.filter(recipient__username=username).values_list("kind", "object_id")
    )


def test_each_kind_once_to_the_owner_in_their_language(smtp, tree, people, items):
    run()
    a = {name: item.pk for name, item in items.items()}
    assert kinds_for("head-a") == sorted(
        [
            ("plan_item_assigned", a["a_due"]),
            ("plan_item_assigned", a["a_later"]),
            ("plan_item_due", a["a_due"]),
            ("plan_item_overdue", a["a_late"]),
        ]
    )
    head_a = sorted(m.subject for m in smtp.to("head-a@example.vn"))
    assert head_a.count("Nhiệm vụ khắc phục Chỉ số CCHC đến hạn ngày 20/05/2024") == 1
    assert "Nhiệm vụ khắc phục Chỉ số CCHC quá hạn từ ngày 14/05/2024" in head_a
    assert len(head_a) == len(kinds_for("head-a"))
    due_mail = next(m for m in smtp.to("head-a@example.vn") if "20/05/2024" in m.subject)
    assert "tiêu chí 3.2" in due_mail.text
    assert "Xã Đạ Tồn" in due_mail.text
    # head_b reads English and hears only of unit B's item.
    head_b = [m.subject for m in smtp.to("head-b@example.vn")]
    assert head_b == ["Improvement plan item overdue since 07/05/2024"]
    assert tree["A"].name not in smtp.to("head-b@example.vn")[0].text
    # Nobody else: not HR, the auditor, the inspector, the admin, a user without a role.
    for other in ("hr", "auditor", "inspector", "admin", "nobody"):
        assert smtp.to(f"{other}@example.vn") == []
    total = len(smtp.received)
    assert total == len(head_a) + len(head_b)
    # A notification leads to the item's page in the workspace.
    from django.urls import reverse

    from notifications.links import record_url

    opened = Notification.objects.filter(kind="plan_item_due", object_id=a["a_due"]).first()
    assert record_url(opened) == reverse("app:plan-item-detail", args=[a["a_due"]])
    run()
    assert len(smtp.received) == total


def test_overdue_weekly_and_never_twice_per_record_kind_and_due_date(tree, people, items):
    run()
    run(DAY + dt.timedelta(days=1))
    run(DAY + dt.timedelta(days=6))
    late = items["a_late"]
    weekly = Notification.objects.filter(kind="plan_item_overdue", object_id=late.pk)
    assert list(weekly.values_list("due_on", flat=True)) == [DAY]
    run(DAY + dt.timedelta(days=7))
    assert sorted(weekly.values_list("due_on", flat=True)) == [DAY, DAY + dt.timedelta(days=7)]
    # "Assigned" once per item and due date, whatever the number of runs.
    assigned = Notification.objects.filter(kind="plan_item_assigned", object_id=items["a_due"].pk)
    assert assigned.count() == 1
    keys = list(SentReminder.objects.values_list("content_type", "object_id", "kind", "due_on"))
    assert len(keys) == len(set(keys))
    # A new due date is a new assignment: announced once more.
    ImprovementItem.objects.filter(pk=items["a_due"].pk).update(
        due_date=DAY + dt.timedelta(days=40)
    )
    run(DAY + dt.timedelta(days=8))
    assert sorted(assigned.values_list("due_on", flat=True)) == [
        DAY + dt.timedelta(days=5),
        DAY + dt.timedelta(days=40),
    ]


def test_the_owner_account_within_its_scope_only(smtp, tree, people):
    # An item of the district's plan owned by a person of the Home Affairs office whose
    # address is the inspector's account (the inspector may see every unit's plans).
    owner = StaffFactory(unit=tree["D-NV"], email="Inspector@example.vn")
    district_item = _item(_plan(tree["D"]), DAY + dt.timedelta(days=3), owner=owner)
    # An item of commune B's plan whose owner's address is head_a's: head_a may not see it.
    intruder = StaffFactory(unit=tree["B"], email="head-a@example.vn")
    b_item = _item(_plan(tree["B"]), DAY + dt.timedelta(days=3), owner=intruder)
    run()
    assert kinds_for("inspector") == [
        ("plan_item_assigned", district_item.pk),
        ("plan_item_due", district_item.pk),
    ]
    # Neither head of a commune hears of the district's item (no head above D-NV either).
    assert all(pk != district_item.pk for _k, pk in kinds_for("head-a") + kinds_for("head-b"))
    assert kinds_for("head-a") == []
    assert smtp.to("head-a@example.vn") == []
    assert kinds_for("head-b") == [
        ("plan_item_assigned", b_item.pk),
        ("plan_item_due", b_item.pk),
    ]


def test_plan_not_yet_adopted_on_the_day_is_not_reminded(tree, people):
    plan = _plan(tree["A"], adopted=DAY + dt.timedelta(days=1))
    item = _item(plan, DAY + dt.timedelta(days=2))
    run()
    assert not Notification.objects.filter(object_id=item.pk, kind__startswith="plan_").exists()
    run(DAY + dt.timedelta(days=1))
    assert sorted(
        Notification.objects.filter(object_id=item.pk, kind__startswith="plan_").values_list(
            "kind", flat=True
        )
    ) == ["plan_item_assigned", "plan_item_due"]


def test_email_preference_per_kind(smtp, tree, people, items):
    assert {"kind_plan_item_assigned", "kind_plan_item_due", "kind_plan_item_overdue"} <= set(
        PreferencesForm().fields
    )
    NotificationPreference.objects.create(
        user=people["head_a"], kind="plan_item_assigned", delivery=Delivery.NEVER
    )
    run()
    # In the app still, by e-mail not.
    skipped = Notification.objects.filter(
        recipient=people["head_a"], kind="plan_item_assigned", email_status="skipped"
    )
    assert set(skipped.values_list("object_id", flat=True)) == {
        items["a_due"].pk,
        items["a_later"].pk,
    }
    subjects = [m.subject for m in smtp.to("head-a@example.vn")]
    # Mailed: the due reminder of a_due and the overdue one of a_late.
    assert len(subjects) == 2
    assert not any("giao cho" in s for s in subjects)
