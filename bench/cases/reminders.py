"""Reminders: ``send_reminders`` for a province day, enqueued and sent to a local SMTP sink.

About 10,000 corrective actions are made due within the week on one day
(spread over the province's units, each with its head's account), inside a
transaction that is rolled back afterwards, so the data set stays as seeded.

* subject: ``manage.py send_reminders --date DAY`` on the database queue
  (what ``make run`` uses), then the queued tasks run by the worker's own
  code (``django_tasks_db``'s ``Worker.run_task``) in this process: the
  reminders are keyed, the notifications written, and every e-mail rendered
  from the templates (text and HTML, Vietnamese) and sent over SMTP;
* floor: one query joining the due actions to their head's address, and a
  bare loop that builds the same two-part message with ``email.message`` and
  sends it with ``smtplib`` over one connection;
* small: the subject at a fifth of the items, to show that the number of
  queries of ``send_reminders`` does not depend on the number of items
  (``collect_queries``); the sending adds three queries per batch of 500.

The SMTP sink is aiosmtpd's ``Sink`` handler in a process of its own on a
free loopback port, so its work is charged to neither side.
"""

from __future__ import annotations

import datetime as dt
import io
import socket
import subprocess
import sys
import time

from bench.cases import Case
from bench.cases.common import QueryCounter, first_reason, missing_model

DAY = dt.date(2019, 12, 2)
ITEMS = 10_000
SMALL_ITEMS = 2_000


class _Rollback(Exception):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """``python -m aiosmtpd -c aiosmtpd.handlers.Sink`` on a free port, for the duration of a
    phase."""

    def __enter__(self):
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Sink",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("the SMTP sink did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _make_due(items: int) -> int:
    """``items`` open actions due within the week of DAY, one finding per unit; heads get
    addresses."""
    from django.contrib.auth import get_user_model
    from django.db.models import Value
    from django.db.models.functions import Concat

    from inspections.models import CorrectiveAction, Finding, FindingCategory
    from staff.models import Unit, UnitHead

    get_user_model().objects.filter(unit_head__isnull=False).update(
        email=Concat("username", Value("@example.vn"))
    )
    headed = set(UnitHead.objects.values_list("unit_id", flat=True))
    units = [
        u
        for u in Unit.objects.filter(level__in=["department", "commune"]).order_by("code")
        if u.pk in headed
    ]
    category = FindingCategory.objects.order_by("pk").first()
    findings = Finding.objects.bulk_create(
        [
            Finding(
                unit=unit,
                category=category,
                severity="minor",
                description="Bench",
                found_on=DAY - dt.timedelta(days=60),
            )
            for unit in units
        ]
    )
    actions = [
        CorrectiveAction(
            finding=findings[i % len(findings)],
            unit=units[i % len(units)],
            description=f"Niêm yết lại thủ tục hành chính số {i}",
            due_date=DAY + dt.timedelta(days=1 + i % 6),
        )
        for i in range(items)
    ]
    CorrectiveAction.objects.bulk_create(actions, batch_size=2000)
    return items


def _baseline_actions() -> set[int]:
    from inspections.models import CorrectiveAction

    return set(CorrectiveAction.objects.due_within(DAY, 7).values_list("pk", flat=True))


def _subject(items: int):
    def phase(ctx):
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection, transaction
        from django_tasks_db.management.commands.db_worker import Worker
        from django_tasks_db.models import DBTaskResult

        from notifications.models import Notification

        measured: dict = {}
        with Sink() as sink:
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
            try:
                with transaction.atomic():
                    already = len(_baseline_actions())
                    _make_due(items)
                    ctx.mark_baseline()
                    worker = Worker(
                        queue_names=["default"],
                        interval=0,
                        batch=True,
                        backend_name="default",
                        startup_delay=False,
                        max_tasks=None,
                        worker_id="bench",
                        excluded_queue_names=[],
                    )
                    collect_counter, send_counter = QueryCounter(), QueryCounter()
                    started = time.perf_counter()
                    with connection.execute_wrapper(collect_counter):
                        call_command(
                            "send_reminders", "--date", DAY.isoformat(), stdout=io.StringIO()
                        )
                    with connection.execute_wrapper(send_counter):
                        while (task := DBTaskResult.objects.ready().first()) is not None:
                            task.claim(worker.worker_id)
                            worker.run_task(task)
                    seconds = time.perf_counter() - started
                    sent = Notification.objects.filter(email_status="sent").count()
                    failed = list(
                        DBTaskResult.objects.filter(status="FAILED").values_list(
                            "traceback", flat=True
                        )[:1]
                    )
                    measured = {
                        "seconds": round(seconds, 4),
                        "queries": collect_counter.count + send_counter.count,
                        "runs": 1,
                        "extra": {
                            "items": items + already,
                            "mails": sent,
                            "collect_queries": collect_counter.count,
                            "send_queries": send_counter.count,
                        },
                    }
                    if failed:
                        raise RuntimeError(failed[0][-2000:])
                    raise _Rollback
            except _Rollback:
                pass
        return measured

    return phase


def _floor(ctx):
    import smtplib
    from email.message import EmailMessage

    from django.db import connection, transaction

    from inspections.models import CorrectiveAction

    measured: dict = {}
    with Sink() as sink:
        try:
            with transaction.atomic():
                already = len(_baseline_actions())
                _make_due(ITEMS)
                ctx.mark_baseline()
                counter = QueryCounter()
                started = time.perf_counter()
                with connection.execute_wrapper(counter):
                    rows = (
                        CorrectiveAction.objects.due_within(DAY, 7)
                        .filter(unit__heads__user__is_active=True)
                        .values_list(
                            "pk",
                            "due_date",
                            "description",
                            "unit__name",
                            "unit__heads__user__email",
                        )
                        .order_by("pk")
                        .iterator(chunk_size=2000)
                    )
                    sent = 0
                    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
                        for pk, due, text, unit, address in rows:
                            message = EmailMessage()
                            message["Subject"] = f"Biện pháp khắc phục đến hạn ngày {due:%d/%m/%Y}"
                            message["From"] = "CongVu <noreply@localhost>"
                            message["To"] = address
                            body = (
                                f"Biện pháp khắc phục của {unit} đến hạn ngày "
                                f"{due:%d/%m/%Y} và chưa hoàn thành: {text}\n\nMở: "
                                f"http://127.0.0.1:8000/app/notifications/{pk}/open/\n"
                            )
                            message.set_content(body)
                            message.add_alternative(f"<p>{body}</p>", subtype="html")
                            smtp.send_message(message)
                            sent += 1
                seconds = time.perf_counter() - started
                measured = {
                    "seconds": round(seconds, 4),
                    "queries": counter.count,
                    "runs": 1,
                    "extra": {"items": ITEMS + already, "mails": sent},
                }
                raise _Rollback
        except _Rollback:
            pass
    return measured


def unavailable() -> str | None:
    def command():
        from django.core.management import get_commands

        return (
            None
            if "send_reminders" in get_commands()
            else "manage.py send_reminders does not exist"
        )

    def sink():
        try:
            import aiosmtpd  # noqa: F401
        except ImportError:
            return "aiosmtpd is not installed (test extras)"
        return None

    def heads():
        from staff.models import UnitHead

        return (
            None
            if UnitHead.objects.count() >= 100
            else "the province data set has no unit-head accounts"
        )

    return first_reason(lambda: missing_model("notifications.Notification"), command, sink, heads)


CASES = [
    Case(
        name="reminders",
        phases={"subject": _subject(ITEMS), "small": _subject(SMALL_ITEMS), "floor": _floor},
        unavailable=unavailable,
        timeout=900,
        order=("floor", "subject", "small"),
    ),
]
