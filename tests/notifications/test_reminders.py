"""send_reminders against a real SMTP server: each kind once, to the right person, in their
language."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, ReminderRun, SentReminder
from tests.notifications.conftest import DAY
from tests.notifications.data import due_records

pytestmark = pytest.mark.django_db


def run(day: dt.date = DAY) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def subjects(smtp, address: str) -> list[str]:
    return sorted(m.subject for m in smtp.to(address))


def test_each_kind_arrives_once_to_the_right_person(smtp, tree, people):
    rec = due_records(tree, people)
    run()
    head_a = subjects(smtp, "head-a@example.vn")
    head_b = subjects(smtp, "head-b@example.vn")
    hr = subjects(smtp, "hr@example.vn")
    inspector = subjects(smtp, "inspector@example.vn")
    # Unit heads: their own unit's actions, in their language (head_b reads English).
    # Due in 5 days, overdue since yesterday, and the digest of what became overdue.
    assert len([s for s in head_a if "khắc phục" in s]) == 2
    assert len(head_a) == 3
    assert any("Corrective action overdue since 10/05/2024" == s for s in head_b)
    assert not any("khắc phục" in s for s in head_b)
    # HR: every case kind, once each.
    assert len(hr) == 4
    # The inspector: the petition assigned to them, the unassigned late one, and the action they
    # logged.
    assert len(inspector) == 3
    assert any(rec["petition_due_a"].tracking_code in s for s in inspector)
    assert any(rec["petition_late_b"].tracking_code in s for s in inspector)
    # Nobody else hears anything: not the auditor, not the admin, not a user without a role.
    for other in ("auditor", "admin", "nobody"):
        assert smtp.to(f"{other}@example.vn") == []
    total = len(smtp.received)
    # Run again: nothing more.
    run()
    assert len(smtp.received) == total


def test_nothing_outside_the_scope(smtp, tree, people):
    due_records(tree, people)
    run()
    for message in smtp.to("head-a@example.vn"):
        assert tree["B"].name not in message.text
    for message in smtp.to("head-b@example.vn"):
        assert tree["A"].name not in message.text


def test_keys_are_unique_per_record_kind_and_due_date(tree, people):
    rec = due_records(tree, people)
    run()
    keys = list(SentReminder.objects.values_list("content_type", "object_id", "kind", "due_on"))
    assert len(keys) == len(set(keys))
    count = Notification.objects.count()
    run()
    assert Notification.objects.count() == count
    # The weekly overdue reminder: not again within the week, again 7 days later.
    run(DAY + dt.timedelta(days=1))
    assert (
        not Notification.objects.filter(pk__gt=0, kind="action_overdue")
        .exclude(due_on__lte=DAY)
        .exists()
    )
    run(DAY + dt.timedelta(days=7))
    late = rec["action_new_late_a"]
    weekly = Notification.objects.filter(
        kind="action_overdue", object_id=late.pk, recipient__username="head-a"
    )
    assert list(weekly.order_by("due_on").values_list("due_on", flat=True)) == [
        DAY,
        DAY + dt.timedelta(days=7),
    ]


def test_a_missed_day_is_caught_up(smtp, tree, people):
    rec = due_records(tree, people)
    # Nothing ran on DAY; the next day's run still reminds of the action due within 7 days.
    run(DAY + dt.timedelta(days=1))
    assert any("20/05/2024" in m.subject for m in smtp.to("head-a@example.vn")), rec[
        "action_due_a"
    ].due_date


def test_leaders_digest_of_what_became_overdue(smtp, tree, people):
    due_records(tree, people)
    run()
    digests = [
        m for m in smtp.to("head-a@example.vn") if "quá hạn" in m.subject and "mục" in m.subject
    ]
    assert len(digests) == 1
    assert "#" in digests[0].text


def test_query_count_does_not_grow_with_items(tree, people):
    """Collecting a day's reminders costs the same queries for one set of records as for four."""
    from notifications.reminders import collect

    due_records(tree, people)
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as one:
        first = collect(DAY)
    # Forget the run, add three more sets, and run the same day again.
    for model in (SentReminder, Notification, ReminderRun):
        model.objects.all().delete()
    for _ in range(3):
        due_records(tree, people)
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as four:
        second = collect(DAY)
    assert second.due > 3 * first.due > 0
    assert len(four.captured_queries) == len(one.captured_queries)
