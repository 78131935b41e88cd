"""Helpers to run the database queue's tasks inside a test, and to make notifications."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.choices import NotificationKind
from notifications.models import Notification

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def work_ready(limit: int = 50) -> int:
    """Run the ready tasks of the database queue here, as the worker would; returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        result = DBTaskResult.objects.ready().first()
        if result is None:
            return ran
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def make_ready_now() -> None:
    """Skip the back-off: every deferred task may run now."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def notification_for(
    user, subject: str = "Thử", kind: str = NotificationKind.ACTION_DUE
) -> Notification:
    return Notification.objects.create(
        recipient=user,
        email=user.email,
        kind=kind,
        subject=subject,
        body=f"{subject} (nội dung)",
        content_type=ContentType.objects.get_for_model(user),
        object_id=user.pk,
    )
