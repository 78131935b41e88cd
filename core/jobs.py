"""Long work off the request: a big export or a province workbook becomes a ``Job``.

A view that may be slow asks ``deferred(request, ...)``: when the work should
run in the background (the client sent ``Prefer: respond-async`` or
``?async=1``, or a page's export is above ``EXPORT_ASYNC_ROWS`` rows) it gets
a response to return at once: ``202 Accepted`` with the job's URLs for API
clients, a redirect to the job's page for a browser. The task ``run_job``
then replays the same GET as the same user, so filters, scope and masking
are exactly those of the request, and stores the body as the job's file.
The file is kept ``JOB_FILE_HOURS`` and handed only to that user
(``/app/jobs/<id>/``); ``purge_jobs`` (daily) deletes expired files.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from contextvars import ContextVar

from django.conf import settings
from django.core.files.base import File
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from core.tasks import durable_task, enqueue_on_commit

logger = logging.getLogger("congvu.jobs")

# Set while a job replays its request: the view then does the work itself.
_replaying: ContextVar[object | None] = ContextVar("congvu_job", default=None)


def replaying() -> bool:
    return _replaying.get() is not None


def wants_async(request) -> bool:
    """The client asked for background work (RFC 7240 ``Prefer: respond-async``, or ``?async=1``)."""
    if replaying():
        return False
    prefer = request.headers.get("Prefer", "")
    asked = any(part.strip().lower() == "respond-async" for part in prefer.split(","))
    return asked or request.GET.get("async") in ("1", "true")


def too_big(rows: int) -> bool:
    return not replaying() and rows > settings.EXPORT_ASYNC_ROWS


def deferred(request, *, label: str, rows: int | None = None, browser: bool | None = None):
    """Create the job for this request and return the response that hands it over."""
    from core.models import Job

    django_request = getattr(request, "_request", request)
    query = django_request.GET.copy()
    query.pop("async", None)
    job = Job.objects.create(
        user=request.user,
        label=label[:200],
        path=django_request.path,
        query=query.urlencode(),
        rows=rows,
        expires_at=timezone.now() + dt.timedelta(hours=settings.JOB_FILE_HOURS),
    )
    enqueue_on_commit(run_job, str(job.pk))
    page = reverse("jobs:detail", args=[job.pk])
    if browser is None:
        browser = "text/html" in django_request.headers.get(
            "Accept", ""
        ) and not request.headers.get("Prefer")
    if browser:
        return redirect(page)
    response = JsonResponse(
        {
            "id": str(job.pk),
            "status": job.status,
            "url": reverse("job-api", args=[job.pk]),
            "page": page,
        },
        status=202,
    )
    response["Location"] = reverse("job-api", args=[job.pk])
    return response


class Progress:
    """Counts rows as they are written and saves the percentage now and then."""

    def __init__(self, job, total: int | None):
        self.job, self.total, self.done = job, total, 0

    def wrap(self, rows: Iterable) -> Iterable:
        from core.models import Job

        for row in rows:
            self.done += 1
            if self.total and self.done % 5000 == 0:
                percent = min(99, int(100 * self.done / self.total))
                Job.objects.filter(pk=self.job.pk).update(progress=percent)
            yield row


_progress: ContextVar[Progress | None] = ContextVar("congvu_job_progress", default=None)


def track(rows: Iterable) -> Iterable:
    """Export rows, counted for the job's progress when a job is replaying the request."""
    progress = _progress.get()
    return progress.wrap(rows) if progress is not None else rows


@durable_task
def run_job(job_id: str) -> dict:
    """Replay the job's GET as its user and keep the body as the job's file."""
    import tempfile

    from django.test import RequestFactory
    from django.urls import resolve

    from core.models import Job, JobStatus

    job = Job.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return {"skipped": True}
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=0)
    request = RequestFactory().get(job.path, data=None, QUERY_STRING=job.query, HTTP_HOST=_host())
    request.user = job.user
    # DRF views read the user from here (as its own force_authenticate does).
    request._force_auth_user = job.user
    match = resolve(job.path)
    token, progress_token = _replaying.set(job.pk), _progress.set(Progress(job, job.rows))
    try:
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if response.status_code != 200:
            raise RuntimeError(f"the replayed request answered {response.status_code}")
        with tempfile.TemporaryFile() as tmp:
            for chunk in _chunks(response):
                tmp.write(chunk)
            tmp.seek(0)
            name = _filename(response) or f"{job.label}.bin"
            job.file.save(f"{job.pk}-{name}", File(tmp), save=False)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            progress=100,
            file=job.file.name,
            filename=name,
            content_type=response.get("Content-Type", "application/octet-stream"),
            finished_at=timezone.now(),
        )
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    finally:
        _replaying.reset(token)
        _progress.reset(progress_token)
    return {"job": str(job.pk)}


def _host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    return hosts[0] if hosts else "localhost"


def _chunks(response) -> Iterable[bytes]:
    # Not response.close(): it sends request_finished, which closes the worker's
    # database connection in the middle of its task.
    if getattr(response, "streaming", False):
        yield from response.streaming_content
    else:
        yield response.content


def _filename(response) -> str:
    disposition = response.get("Content-Disposition", "")
    marker = 'filename="'
    if marker in disposition:
        return disposition.split(marker, 1)[1].split('"', 1)[0]
    return ""


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the files and rows of jobs past their keeping time."""
    from core.models import Job

    count = 0
    for job in Job.objects.filter(expires_at__lt=now or timezone.now()):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
