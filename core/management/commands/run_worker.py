"""Work the task queue of the configured backend (``TASKS_BACKEND``).

* ``database``: django-tasks-db's worker, plus a heartbeat thread; tasks held
  by a worker that stopped beating (SIGKILL, lost host) are queued again.
* ``redis``: RQ's worker (``rqworker --with-scheduler``) on ``REDIS_URL``; jobs
  of dead workers are queued again at start-up and every few seconds.
* ``immediate``: tasks already run where they are enqueued; nothing to work.

``--daily`` also runs the commands of ``settings.DAILY_COMMANDS`` (the
reminders) at start-up and again each time the local date changes, so
``make run`` needs no cron. Production may use cron or a systemd timer
instead (docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from core.tasks import beat, logger, requeue_abandoned, requeue_abandoned_rq


def _heartbeat_loop(worker_id: str, stop: threading.Event, interval: float) -> None:
    host, pid, started = socket.gethostname(), os.getpid(), timezone.now()
    next_sweep = 0.0
    while not stop.is_set():
        try:
            beat(worker_id, host=host, pid=pid, started_at=started)
            if time.monotonic() >= next_sweep:
                requeue_abandoned()
                next_sweep = time.monotonic() + interval * 4
        except Exception:
            logger.exception("heartbeat failed")
        finally:
            connection.close()
        stop.wait(interval)


def _rq_sweep_loop(stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        try:
            requeue_abandoned_rq()
        except Exception:
            logger.exception("could not look for jobs of lost RQ workers")
        finally:
            connection.close()


def _daily_loop(stop: threading.Event, check_every: float) -> None:
    last_day: dt.date | None = None
    while not stop.is_set():
        today: dt.date | None = timezone.localdate()
        if today != last_day:
            for name in settings.DAILY_COMMANDS:
                try:
                    call_command(name)
                except Exception:
                    logger.exception("daily command %s failed; tried again at the next check", name)
                    today = None
            last_day = today
            close_old_connections()
            connection.close()
        stop.wait(check_every)


class Command(BaseCommand):
    help = "Run the background task worker of the configured backend (TASKS_BACKEND)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--daily", action="store_true", help="also run DAILY_COMMANDS now and every day"
        )
        parser.add_argument(
            "--batch", action="store_true", help="database queue: run what is ready, then exit"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls when idle"
        )
        parser.add_argument(
            "--worker-id", default="", help="unique id of this worker (default: random)"
        )

    def handle(self, *args, daily: bool, batch: bool, interval: float, worker_id: str, **options):
        stop = threading.Event()
        if daily:
            threading.Thread(
                target=_daily_loop, args=(stop, 60.0), daemon=True, name="daily"
            ).start()
        backend = settings.TASKS_BACKEND
        try:
            if backend == "redis":
                # Jobs of dead workers go back to their queue now and every few seconds
                # (RQ alone would move them to its failed registry).
                try:
                    requeued = requeue_abandoned_rq()
                except Exception:
                    logger.exception("could not look for jobs of lost RQ workers")
                    requeued = 0
                if requeued:
                    self.stdout.write(f"{requeued} task(s) of lost workers queued again")
                threading.Thread(
                    target=_rq_sweep_loop,
                    args=(stop, max(5.0, settings.TASK_WORKER_STALE_SECONDS / 2)),
                    daemon=True,
                    name="rq-sweep",
                ).start()
                # django-tasks-rq's own Job class runs the Task objects it enqueued (plain RQ jobs
                # cannot).
                call_command(
                    "rqworker",
                    *settings.TASK_QUEUES,
                    with_scheduler=True,
                    job_class="django_tasks_rq.Job",
                )
            elif backend == "database":
                self._database_worker(stop, batch=batch, interval=interval, worker_id=worker_id)
            else:
                self.stdout.write("TASKS_BACKEND=immediate: tasks run where they are enqueued.")
                while daily and not batch and not stop.wait(3600):
                    pass
        finally:
            stop.set()

    def _database_worker(
        self, stop: threading.Event, *, batch: bool, interval: float, worker_id: str
    ) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        from core.models import WorkerHeartbeat

        worker_id = worker_id or get_random_string(32)
        beat_every = max(0.2, min(5.0, settings.TASK_WORKER_STALE_SECONDS / 6))
        # The first heartbeat and sweep happen before the first task is taken.
        beat(worker_id, host=socket.gethostname(), pid=os.getpid(), started_at=timezone.now())
        requeued = requeue_abandoned()
        if requeued:
            self.stdout.write(f"{requeued} task(s) of lost workers queued again")
        threading.Thread(
            target=_heartbeat_loop,
            args=(worker_id, stop, beat_every),
            daemon=True,
            name="heartbeat",
        ).start()
        worker = Worker(
            queue_names=list(settings.TASK_QUEUES),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write(f"task worker {worker_id} on the database queue")
        try:
            worker.run()
        finally:
            stop.set()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
