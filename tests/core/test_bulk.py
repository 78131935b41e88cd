"""One INSERT per table whatever the number of rows, with the values bulk_create would write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import insert_many
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_insert_many_is_one_statement_with_every_type(users):
    user = users["hr"]
    ct = ContentType.objects.get_for_model(user)
    rows = [
        Notification(
            recipient=user,
            email="hr@example.vn",
            kind="action_due",
            content_type=ct,
            object_id=i,
            due_on=dt.date(2024, 5, 15),
            subject=f'Việc {i} "quoted"',
            body="dòng 1\ndòng 2",
            context={"i": i, "text": "Nguyễn", "nested": [1, None]},
        )
        for i in range(3000)
    ]
    with CaptureQueriesContext(connection) as queries:
        assert insert_many(Notification, rows) == 3000
    assert len(queries) == 1
    stored = Notification.objects.order_by("object_id")
    first, last = stored.first(), stored.last()
    assert (first.object_id, last.object_id) == (0, 2999)
    assert last.subject == 'Việc 2999 "quoted"' and last.body == "dòng 1\ndòng 2"
    assert last.context == {"i": 2999, "text": "Nguyễn", "nested": [1, None]}
    assert last.due_on == dt.date(2024, 5, 15) and last.created_at is not None
    assert last.email_status == "pending" and last.read_at is None and last.recipient_id == user.pk
