"""The demo: send_reminders --date 2019-12-31 sends that day's reminders, and nothing more when run again."""

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
