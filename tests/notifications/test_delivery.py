"""Sending the outbox: refused addresses, a mail server that is down, retries with back-off."""

from __future__ import annotations

import pytest

from core.models import FailedTask
from notifications.choices import EmailStatus
from notifications.tasks import deliver_notifications
from tests.notifications.queue import DB_TASKS, make_ready_now, notification_for, work_ready

pytestmark = pytest.mark.django_db


def test_a_refused_address_is_recorded_and_the_others_are_sent(smtp, people):
    smtp.handler.refuse.add("head-b@example.vn")
    rows = [notification_for(people[name]) for name in ("head_a", "head_b", "hr")]
    deliver_notifications.enqueue([r.pk for r in rows])
    for row in rows:
        row.refresh_from_db()
    assert [r.email_status for r in rows] == [
        EmailStatus.SENT,
        EmailStatus.FAILED,
        EmailStatus.SENT,
    ]
    assert "550" in rows[1].email_error
    assert sorted(a for m in smtp.received for a in m.to) == ["head-a@example.vn", "hr@example.vn"]


def test_each_mail_has_text_and_html_and_a_link(smtp, people):
    row = notification_for(people["head_a"], subject="Biện pháp khắc phục đến hạn")
    deliver_notifications.enqueue([row.pk])
    (message,) = smtp.received
    assert message.subject == "Biện pháp khắc phục đến hạn"
    assert f"https://congvu.example.vn/app/notifications/{row.pk}/open/" in message.text
    assert f'href="https://congvu.example.vn/app/notifications/{row.pk}/open/"' in message.html


def test_mail_server_down_is_retried_with_back_off_and_nothing_is_lost(smtp_down, settings, people):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    row = notification_for(people["head_a"])
    deliver_notifications.enqueue([row.pk])
    assert work_ready() == 1
    row.refresh_from_db()
    assert row.email_status == EmailStatus.PENDING
    assert row.email_attempts == 1 and row.email_error
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"_attempt": 2}
    assert (retry.run_after - retry.enqueued_at).total_seconds() >= settings.TASK_RETRY_DELAY - 1
    assert work_ready() == 0  # not before its time

    # The server comes back: the retry sends it, once.
    from tests.notifications.smtp import SMTPServer

    server = SMTPServer().start()
    try:
        settings.EMAIL_PORT = server.port
        make_ready_now()
        assert work_ready() == 1
        row.refresh_from_db()
        assert row.email_status == EmailStatus.SENT
        assert [m.to for m in server.received] == [["head-a@example.vn"]]
    finally:
        server.stop()
    assert not FailedTask.objects.exists()


def test_past_its_retries_the_task_is_kept_with_its_error(smtp_down, settings, people):
    settings.TASKS = DB_TASKS
    settings.TASK_MAX_ATTEMPTS = 2
    row = notification_for(people["head_a"])
    deliver_notifications.enqueue([row.pk])
    work_ready()
    make_ready_now()
    work_ready()
    failed = FailedTask.objects.get()
    assert failed.task_path == "notifications.tasks.deliver_notifications"
    assert failed.attempts == 2 and "MailServerUnavailable" in failed.error
    row.refresh_from_db()
    assert row.email_status == EmailStatus.PENDING  # still in the outbox for the next sweep


def test_the_admin_sees_failed_tasks_and_runs_them_again(smtp_down, settings, people, client):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    settings.TASK_MAX_ATTEMPTS = 1
    notification_for(people["head_a"])
    deliver_notifications.enqueue()
    work_ready()
    failed = FailedTask.objects.get()
    client.force_login(people["admin"])
    page = client.get("/admin/core/failedtask/")
    assert page.status_code == 200 and b"MailServerUnavailable" in page.content
    response = client.post(
        "/admin/core/failedtask/", {"action": "run_again", "_selected_action": [failed.pk]}
    )
    assert response.status_code == 302
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    client.force_login(people["auditor"])
    assert client.get("/admin/core/failedtask/").status_code in (302, 403)
