"""Background work on the Django Tasks API, whatever the backend (no domain here).

A task is a plain module-level function taking ids, not objects, and safe to
run twice. ``durable_task`` adds what the Tasks API leaves to the caller:

* retry with back-off: a failing attempt is enqueued again ``TASK_RETRY_DELAY``
  seconds later, four times longer each time, up to ``TASK_MAX_ATTEMPTS``;
  past the last attempt the error is kept as a ``FailedTask`` for the admin;
* enqueueing after commit, and never failing the caller when the queue is
  down (the work stays recorded in the database and a later sweep picks it up).

The database queue's worker (``manage.py run_worker``) writes a heartbeat;
``requeue_abandoned`` puts a task back in the queue when the worker that held
it stopped beating (killed with SIGKILL, host lost), so nothing is lost. On
Redis, ``requeue_abandoned_rq`` does the same for RQ's jobs of dead workers.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("congvu.tasks")

MAX_DELAY = dt.timedelta(hours=6)
# A task whose worker died this many times is not tried again: it probably
# kills its worker (memory, a crash in C code).
MAX_CLAIMS = 3


def backoff(attempt: int) -> dt.timedelta:
    """Wait before attempt ``attempt + 1``: the base delay, four times longer each time."""
    seconds = settings.TASK_RETRY_DELAY * 4 ** max(attempt - 1, 0)
    return min(dt.timedelta(seconds=seconds), MAX_DELAY)


def durable_task(
    function: Callable | None = None,
    *,
    max_attempts: int | None = None,
    retry_on: tuple[type[BaseException], ...] = (Exception,),
    queue_name: str = "default",
    priority: int = 0,
):
    """``@task`` with retry and back-off; use as ``@durable_task`` or ``@durable_task(...)``."""

    def decorate(func: Callable):
        @functools.wraps(func)
        def run(*args: Any, _attempt: int = 1, **kwargs: Any):
            try:
                return func(*args, **kwargs)
            except retry_on as exc:
                limit = max_attempts or settings.TASK_MAX_ATTEMPTS
                if _attempt < limit and _reschedule(the_task, args, kwargs, _attempt, exc):
                    raise
                record_failure(the_task.module_path, args, kwargs, _attempt, exc)
                raise

        the_task = task(run, queue_name=queue_name, priority=priority)
        return the_task

    return decorate(function) if function is not None else decorate


def _reschedule(the_task, args, kwargs, attempt: int, exc: BaseException) -> bool:
    backend = the_task.get_backend()
    if not backend.supports_defer:
        # The immediate backend cannot wait; the work stays recorded and the
        # next sweep (or the admin's "run again") does it.
        return False
    delay = backoff(attempt)
    try:
        the_task.using(run_after=timezone.now() + delay).enqueue(
            *args, _attempt=attempt + 1, **kwargs
        )
    except Exception:
        logger.exception("could not enqueue the retry of %s", the_task.module_path)
        return False
    logger.warning(
        "task %s failed (attempt %s: %s); next attempt in %ss",
        the_task.module_path,
        attempt,
        type(exc).__name__,
        int(delay.total_seconds()),
    )
    return True


def record_failure(task_path: str, args, kwargs, attempts: int, exc: BaseException) -> None:
    from core.models import FailedTask

    logger.error("task %s failed for good after %s attempts: %s", task_path, attempts, exc)
    try:
        FailedTask.objects.create(
            task_path=task_path,
            args=list(args),
            kwargs=dict(kwargs),
            attempts=attempts,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            traceback="".join(traceback.format_exception(exc))[-20000:],
        )
    except Exception:  # the database itself may be what failed
        logger.exception("could not record the failure of %s", task_path)


def enqueue(the_task, *args: Any, **kwargs: Any):
    """Enqueue now; if the queue is unreachable, log it and return None (never raise)."""
    try:
        return the_task.enqueue(*args, **kwargs)
    except Exception:
        logger.exception(
            "could not enqueue %s; a later sweep will do the work", the_task.module_path
        )
        return None


def enqueue_on_commit(the_task, *args: Any, **kwargs: Any) -> None:
    """Enqueue when the current transaction commits (a worker must see its rows)."""
    transaction.on_commit(functools.partial(enqueue, the_task, *args, **kwargs))


def run_again(failed) -> None:
    """Enqueue a ``FailedTask`` again (admin action), from its first attempt."""
    from django.utils.module_loading import import_string

    the_task = import_string(failed.task_path)
    the_task.enqueue(*failed.args, **failed.kwargs)
    failed.retried_at = timezone.now()
    failed.save(update_fields=["retried_at"])


# --- The database queue: heartbeats and abandoned tasks ----------------------------


def beat(worker_id: str, *, host: str, pid: int, started_at: dt.datetime) -> None:
    from core.models import WorkerHeartbeat

    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, host=host, pid=pid, started_at=started_at, last_seen=now
        )


def requeue_abandoned(now: dt.datetime | None = None) -> int:
    """Put back in the queue the tasks held by workers that stopped beating; returns how many.

    A task is abandoned when it is "running", started more than
    ``TASK_WORKER_STALE_SECONDS`` ago, and its worker has no fresh heartbeat.
    After ``MAX_CLAIMS`` lost workers it is marked failed instead.
    """
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    from core.models import WorkerHeartbeat

    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.TASK_WORKER_STALE_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen__gte=stale).values_list("worker_id", flat=True)
    )
    count = 0
    with exclusive_transaction(DBTaskResult.objects.db):
        for result in (
            DBTaskResult.objects.running()
            .filter(started_at__lt=stale)
            .select_for_update(skip_locked=True)
        ):
            owner = result.worker_ids[-1] if result.worker_ids else None
            if owner in alive:
                continue
            if len(result.worker_ids) >= MAX_CLAIMS:
                error = RuntimeError(
                    f"the worker running this task was lost {len(result.worker_ids)} times"
                )
                result.set_failed(error)
                record_failure(
                    result.task_path,
                    result.args_kwargs.get("args", []),
                    result.args_kwargs.get("kwargs", {}),
                    len(result.worker_ids),
                    error,
                )
                continue
            logger.warning(
                "task %s (%s) was held by lost worker %s; queued again",
                result.task_path,
                result.pk,
                owner,
            )
            result.status = "READY"
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            count += 1
    WorkerHeartbeat.objects.filter(last_seen__lt=now - dt.timedelta(days=1)).delete()
    return count


# --- The Redis queue (RQ): jobs of dead workers ------------------------------------

LOST_WORKERS_META = "congvu_lost_workers"
GIVEN_UP_META = "congvu_given_up"


def _pid_alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _rq_worker_dead(connection, worker_name: str | None) -> bool:
    """The worker is gone: its key expired, or it ran on this host and its process is gone."""
    import socket

    from rq.worker import Worker

    if not worker_name:
        return False
    key = f"{Worker.redis_worker_namespace_prefix}{worker_name}"
    if not connection.exists(key):
        return True
    hostname, pid = connection.hmget(key, "hostname", "pid")
    if hostname is None or pid is None:
        return False
    if hostname.decode() != socket.gethostname():
        return False  # another host: only its heartbeat's expiry tells
    return not _pid_alive(int(pid))


def requeue_abandoned_rq(queue_names=None) -> int:
    """Put back in their queue the RQ jobs of workers that died; returns how many.

    A job is abandoned when it is still "started" and either its entry in
    RQ's started registry expired (its worker stopped beating) or its worker
    ran on this host and that process is gone (SIGKILL). RQ itself would move
    such a job to the failed registry (``AbandonedJobError``); one found there
    is taken back too. Each loss counts as an attempt of the task
    (``_attempt``); after ``MAX_CLAIMS`` lost workers, or past the task's
    attempts, the job stays failed and is kept as a ``FailedTask``.
    """
    import django_rq
    from django_tasks_rq.backend import Job as RQTaskJob
    from rq.exceptions import NoSuchJobError
    from rq.job import JobStatus as RQStatus
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    count = 0
    for name in queue_names or settings.TASK_QUEUES:
        queue = django_rq.get_queue(name, job_class=RQTaskJob)
        connection = queue.connection
        started = StartedJobRegistry(queue=queue)
        failed = FailedJobRegistry(queue=queue)
        expired = set(started.get_expired_job_ids())
        candidates = []
        for job_id in dict.fromkeys(started.get_job_ids(cleanup=False)):
            try:
                job = RQTaskJob.fetch(job_id, connection=connection)
            except NoSuchJobError:
                continue
            if job.get_status() != RQStatus.STARTED:
                continue
            if job_id in expired or _rq_worker_dead(connection, job.worker_name):
                candidates.append(job)
        for job_id in failed.get_job_ids(cleanup=False):
            try:
                job = RQTaskJob.fetch(job_id, connection=connection)
            except NoSuchJobError:
                continue
            result = job.latest_result()
            if (
                not job.meta.get(GIVEN_UP_META)
                and result is not None
                and "AbandonedJobError" in (result.exc_string or "")
            ):
                candidates.append(job)
        for job in candidates:
            lost = job.meta.get(LOST_WORKERS_META, 0) + 1
            attempt = int(job.kwargs.get("_attempt", 1))
            job.meta[LOST_WORKERS_META] = lost
            if lost >= MAX_CLAIMS or attempt >= settings.TASK_MAX_ATTEMPTS:
                job.meta[GIVEN_UP_META] = True
                job.save_meta()
                args = {key: value for key, value in job.kwargs.items() if key != "_attempt"}
                record_failure(
                    job.func_name or "",
                    job.args,
                    args,
                    attempt,
                    RuntimeError(f"the worker running this task was lost {lost} times"),
                )
                if job.get_status() == RQStatus.STARTED:
                    with connection.pipeline() as pipeline:
                        started.remove_executions(job, pipeline=pipeline)
                        job.set_status(RQStatus.FAILED, pipeline=pipeline)
                        failed.add(
                            job,
                            exc_string=f"AbandonedJobError: worker lost {lost} times",
                            pipeline=pipeline,
                        )
                        pipeline.execute()
                continue
            logger.warning(
                "task %s (%s) was held by lost worker %s; queued again",
                job.func_name,
                job.id,
                job.worker_name,
            )
            job.kwargs = {**job.kwargs, "_attempt": attempt + 1}
            job.save()
            with connection.pipeline() as pipeline:
                started.remove_executions(job, pipeline=pipeline)
                failed.remove(job, pipeline=pipeline)
                queue._enqueue_job(job, pipeline=pipeline)
                pipeline.execute()
            count += 1
    return count
