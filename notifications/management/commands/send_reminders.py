"""Enqueue the reminders due on a day (default: today); never the same reminder twice.

Run daily (``make run`` does it through ``run_worker --daily``; cron or a
systemd timer in production, see docs/notifications.md). A missed day is
caught up by the next run: reminders are due in windows ("within 7 days",
"passed"), keyed by (record, kind, due date).
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.tasks import enqueue
from notifications.reminders import collect_safely
from notifications.tasks import deliver_notifications, send_digests


class Command(BaseCommand):
    help = "Enqueue the reminders due on a day (default today); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today, local time)")

    def handle(self, *args, date: str | None = None, **options):
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD; got {date!r}") from None
        else:
            day = timezone.localdate()
        started = time.monotonic()
        summary = collect_safely(day)
        # The sweep sends every pending e-mail, also those a lost task left behind.
        enqueue(deliver_notifications)
        enqueue(send_digests)
        kinds = (
            ", ".join(f"{kind} {count}" for kind, count in sorted(summary.by_kind.items())) or "-"
        )
        self.stdout.write(
            f"{day.isoformat()}: {summary.due} due, {summary.reminders} new reminder(s), "
            f"{summary.notifications} notification(s) queued ({kinds}) in "
            f"{time.monotonic() - started:.1f}s"
        )
