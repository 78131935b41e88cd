"""The same task tests on the Redis backend (django-tasks-rq, RQ) against the machine's Redis.

A dedicated database number (13) is flushed before and after, nothing else.
Skipped when no Redis answers on 127.0.0.1:6379 (a fresh laptop), unless
REQUIRE_REDIS=1 (CI, where the service runs).
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from notifications.choices import EmailStatus
from notifications.models import Notification
from notifications.tasks import deliver_notifications
from tests.notifications.conftest import DAY
from tests.notifications.data import due_records
from tests.notifications.queue import notification_for

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def rq_queue(settings):
    import django_rq
    from django_tasks_rq.backend import Job
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    redis = Redis.from_url(REDIS_URL)
    try:
        redis.ping()
    except RedisDown:
        if os.environ.get("REQUIRE_REDIS") == "1":
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 120}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.TASKS_BACKEND = "redis"
    yield django_rq.get_queue("default", job_class=Job)
    redis.flushdb()


def work(queue) -> None:
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(
        burst=True, with_scheduler=False
    )


def test_rq_sends_and_records_a_refused_address(rq_queue, smtp, people):
    smtp.handler.refuse.add("head-b@example.vn")
    rows = [notification_for(people[name]) for name in ("head_a", "head_b", "hr")]
    result = deliver_notifications.enqueue([r.pk for r in rows])
    assert smtp.received == []  # queued in Redis, not run in the caller
    work(rq_queue)
    for row in rows:
        row.refresh_from_db()
    assert [r.email_status for r in rows] == [
        EmailStatus.SENT,
        EmailStatus.FAILED,
        EmailStatus.SENT,
    ]
    assert deliver_notifications.get_result(result.id).status == "SUCCESSFUL"


def test_rq_mail_server_down_is_retried_later(rq_queue, smtp_down, people):
    from rq.registry import ScheduledJobRegistry

    row = notification_for(people["head_a"])
    deliver_notifications.enqueue([row.pk])
    work(rq_queue)
    row.refresh_from_db()
    assert row.email_status == EmailStatus.PENDING and row.email_attempts == 1
    registry = ScheduledJobRegistry(queue=rq_queue)
    (job_id,) = registry.get_job_ids()
    job = rq_queue.fetch_job(job_id)
    assert job.kwargs == {"_attempt": 2}


def test_rq_reminders_of_a_day_once(rq_queue, smtp, tree, people):
    due_records(tree, people)
    call_command("send_reminders", "--date", DAY.isoformat())
    work(rq_queue)
    first = len(smtp.received)
    assert first == Notification.objects.filter(email_status=EmailStatus.SENT).count() > 0
    call_command("send_reminders", "--date", DAY.isoformat())
    work(rq_queue)
    assert len(smtp.received) == first
