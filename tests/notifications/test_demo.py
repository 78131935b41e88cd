"""The demo: send_reminders --date 2019-12-31 sends that day's reminders, and nothing more when run
again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification


@pytest.mark.django_db
def test_demo_reminders_of_the_last_day_of_2019_once():
    call_command("seed_demo", stdout=StringIO())
    assert get_user_model().objects.get(username="head-dh-xhl").email == "head-dh-xhl@example.vn"
    mail.outbox.clear()
    call_command("send_reminders", "--date", "2019-12-31", stdout=StringIO())
    sent = len(mail.outbox)
    kinds = set(Notification.objects.filter(due_on__year__lte=2019).values_list("kind", flat=True))
    assert {"action_overdue", "case_deadline_passed"} <= kinds
    assert sent > 10
    assert all(m.to[0].endswith("@example.vn") for m in mail.outbox)
    out = StringIO()
    call_command("send_reminders", "--date", "2019-12-31", stdout=out)
    assert len(mail.outbox) == sent
    assert "0 new reminder(s)" in out.getvalue()


@pytest.mark.django_db
def test_demo_improvement_plan_of_2020_reminded_on_its_dates():
    """The 2020 plan (adopted 14/02/2020): assigned on adoption, the postal-service item
    (in progress, due 30/06/2020) due within 7 days, then overdue weekly. Only items still
    to do now are reminded: one done since (3.2 on 22/06/2020) is not, even on a day it
    was still to do. Everything to the head of Đạ Huoai."""
    from reform.models import ImprovementItem

    call_command("seed_demo", stdout=StringIO())
    plan_items = Notification.objects.filter(kind__startswith="plan_item_")

    def reminded(day: str) -> list[tuple[str, str, str]]:
        mail.outbox.clear()
        before = set(plan_items.values_list("pk", flat=True))
        call_command("send_reminders", "--date", day, stdout=StringIO())
        rows = plan_items.exclude(pk__in=before).select_related("recipient")
        return sorted(
            (
                n.kind,
                ImprovementItem.objects.get(pk=n.object_id).criterion_code,
                n.recipient.username,
            )
            for n in rows
        )

    assert reminded("2019-12-31") == []
    plan_2020 = ImprovementItem.objects.filter(plan__year=2020)
    still_to_do = sorted(plan_2020.open().values_list("criterion_code", flat=True))
    # Some of the plan was done since its adoption: those are not announced.
    assert "3.3" in still_to_do and plan_2020.count() > len(still_to_do)
    assert reminded("2020-02-14") == [
        ("plan_item_assigned", code, "head-dh") for code in still_to_do
    ]
    plan_mails = [m for m in mail.outbox if "Chỉ số CCHC" in m.subject]
    assert len(plan_mails) == len(still_to_do)
    assert {m.to[0] for m in plan_mails} == {"head-dh@example.vn"}
    assert reminded("2020-02-14") == []
    # 3.2 was done on 22/06/2020; 3.3 (postal service) is still in progress.
    assert reminded("2020-06-25") == [("plan_item_due", "3.3", "head-dh")]
    assert reminded("2020-07-01") == [("plan_item_overdue", "3.3", "head-dh")]
    assert reminded("2020-07-03") == []
    assert reminded("2020-07-08") == [("plan_item_overdue", "3.3", "head-dh")]
