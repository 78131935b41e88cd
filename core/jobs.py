"""Long work off the request: a big export, a province workbook or a big import becomes a ``Job``.

A view that may be slow asks ``deferred(request, ...)``: when the work should
run in the background (the client sent ``Prefer: respond-async`` or
``?async=1``, or a page's export is above ``EXPORT_ASYNC_ROWS`` rows) it gets
a response to return at once: ``202 Accepted`` with the job's URLs for API
clients, a redirect to the job's page for a browser. The task ``run_job``
then replays the same GET as the same user, so filters, scope and masking
are exactly those of the request, and stores the body as the job's file.
The file is kept ``JOB_FILE_HOURS`` and handed only to that user
(``/app/jobs/<id>/``); ``purge_jobs`` (daily) deletes expired files.

An import (``core.import_pages``, ``core.import_admin``) above
``IMPORT_ASYNC_BYTES`` or ``IMPORT_ASYNC_ROWS`` is ``defer_import``-ed: the
task ``run_import_job`` rebuilds the importer of the same page for the same
user and keeps the report (rows imported, or every row and column error) as
the job's ``result``, shown on the job's page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

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
    """The client asked for background work (RFC 7240 ``Prefer: respond-async``, or
    ``?async=1``)."""
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
    request._force_auth_user = job.user  # type: ignore[attr-defined]  # DRF's private hook
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


# --- Imports above a size -----------------------------------------------------------


def import_too_big(*, size: int | None = None, rows: int | None = None) -> bool:
    """An import of this file (bytes) or of this many checked rows runs as a job."""
    return (size is not None and size > settings.IMPORT_ASYNC_BYTES) or (
        rows is not None and rows > settings.IMPORT_ASYNC_ROWS
    )


def defer_import(request, *, label: str, stored, filename: str, token: str, check: bool):
    """Hand the stored upload to ``run_import_job`` and send the browser to the job's page.

    ``check``: the dry run of the preview (the page then offers the confirmation
    with ``token``), otherwise the import itself. The file is copied into the
    storage (shared by every host in a fleet); the job rebuilds the importer of
    the page at ``request``'s path and query for the same user, so the scope
    is the same as in the request.
    """
    from pathlib import Path

    from django.utils import translation

    from core.models import Job, JobKind

    job = Job(
        user=request.user,
        label=str(label)[:200],
        kind=JobKind.IMPORT_CHECK if check else JobKind.IMPORT,
        path=request.path,
        query=request.META.get("QUERY_STRING", ""),
        filename=Path(filename).name[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        result={"token": token} if check else {},
        expires_at=timezone.now() + dt.timedelta(hours=settings.JOB_FILE_HOURS),
    )
    with open(stored, "rb") as handle:
        job.file.save(f"{job.pk}-upload{Path(stored).suffix}", File(handle), save=False)
    job.save()
    enqueue_on_commit(run_import_job, str(job.pk))
    return redirect(reverse("jobs:detail", args=[job.pk]))


def _import_view(job, request):
    """(allowed, importer) of the import page or admin import view at the job's path, for its
    user."""
    from django.urls import resolve

    from core.import_admin import ImportAdminMixin
    from core.import_pages import ImportPage

    match = resolve(job.path)
    view_class = getattr(match.func, "view_class", None)
    if view_class is not None and issubclass(view_class, ImportPage):
        view = view_class(**getattr(match.func, "view_initkwargs", {}))
        view.setup(request, *match.args, **match.kwargs)
        allowed = (
            not view.permissions or any(request.user.has_perm(p) for p in view.permissions)
        ) and view.may_import()
        return allowed, (view.get_importer() if allowed else None)
    # The admin's import view: admin_view() (and its decorators) wrap the ModelAdmin's bound method.
    func: Any = match.func
    model_admin = None
    while model_admin is None and func is not None:
        model_admin = getattr(func, "__self__", None)
        func = getattr(func, "__wrapped__", None)
    if isinstance(model_admin, ImportAdminMixin):
        allowed = request.user.is_staff and model_admin.has_import_permission(request)
        return allowed, (model_admin.get_importer(request) if allowed else None)
    raise RuntimeError(f"{job.path} is not an import page")


class _ImportProgress:
    """Rows read so far, written to the job by a thread of its own.

    The import runs in one transaction, so a write on its own connection would
    not be seen before the end; a thread has its own connection. Not on
    SQLite, where that write would wait for the import's lock.
    """

    def __init__(self, job_id):
        import threading

        from django.db import connection

        self.job_id, self.done, self.total = job_id, 0, None
        self.stop = threading.Event()
        self.thread = None
        if connection.vendor != "sqlite":
            self.thread = threading.Thread(target=self._loop, daemon=True, name="import-progress")
            self.thread.start()

    def __call__(self, done: int, total: int | None) -> None:
        self.done, self.total = done, total

    def _loop(self) -> None:
        from django.db import connection

        from core.models import Job

        written = -1
        try:
            while not self.stop.wait(1.0):
                if self.done == written:
                    continue
                written = self.done
                percent = min(99, int(100 * self.done / self.total)) if self.total else 0
                Job.objects.filter(pk=self.job_id).update(rows=self.done, progress=percent)
        except Exception:
            logger.exception("could not write the progress of import job %s", self.job_id)
        finally:
            connection.close()

    def close(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(10)


def _report_result(report, *, token: str | None, back: str) -> dict:
    """The report as JSON, its texts rendered in the active language (the job's)."""
    return {
        "ok": report.ok,
        "dry_run": report.dry_run,
        "committed": report.committed,
        "summary": report.summary(),
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "error_count": report.error_count,
        "errors": [str(error) for error in report.errors],
        "sheet": report.sheet,
        "header_row": report.header_row,
        "headers": report.headers,
        "preview": [
            {
                "number": row.number,
                "cells": row.cells,
                "error_columns": sorted(row.error_columns),
                "messages": [str(message) for message in row.messages],
            }
            for row in report.preview
        ],
        "token": token if report.ok and report.dry_run else None,
        "back": back,
    }


@durable_task
def run_import_job(job_id: str) -> dict:
    """Check or import the job's stored file with the importer of its page, as its user.

    All-or-nothing as on the page: the import and the job's "done" are one
    transaction, so a worker killed in between leaves nothing half done, and
    the job run again starts from the file.
    """
    import tempfile

    from django.db import transaction
    from django.test import RequestFactory
    from django.utils import translation

    from core.imports import MAX_PREVIEW_ROWS, run_import
    from core.models import Job, JobKind, JobStatus

    job = Job.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return {"skipped": True}
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=0, rows=0)
    request = RequestFactory().get(job.path, QUERY_STRING=job.query, HTTP_HOST=_host())
    request.user = job.user
    check = job.kind == JobKind.IMPORT_CHECK
    progress = None
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            allowed, importer = _import_view(job, request)
            if not job.user.is_active or not allowed:
                # Not retried: the user lost the right to import here since asking.
                Job.objects.filter(pk=job.pk).update(
                    status=JobStatus.FAILED,
                    error="PermissionDenied: the user may no longer import here",
                    finished_at=timezone.now(),
                )
                job.file.delete(save=False)
                return {"job": str(job.pk), "denied": True}
            name = job.file.name or ""
            suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
            with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
                with job.file.open("rb") as source:
                    for chunk in iter(lambda: source.read(1024 * 1024), b""):
                        tmp.write(chunk)
                tmp.flush()
                progress = _ImportProgress(job.pk)
                with transaction.atomic():
                    report = run_import(
                        importer,
                        tmp.name,
                        filename=job.filename,
                        dry_run=check,
                        progress=progress,
                        preview_rows=MAX_PREVIEW_ROWS,
                        user=None if check else job.user,
                    )
                    progress.close()
                    back = job.path + (f"?{job.query}" if job.query else "")
                    result = _report_result(report, token=job.result.get("token"), back=back)
                    Job.objects.filter(pk=job.pk).update(
                        status=JobStatus.DONE,
                        progress=100,
                        rows=report.rows,
                        result=result,
                        finished_at=timezone.now(),
                    )
    except Exception as exc:
        if progress is not None:
            progress.close()
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    # The upload copy is not needed any more (an import job has no file to download).
    job.file.delete(save=False)
    Job.objects.filter(pk=job.pk).update(file="")
    return {"job": str(job.pk), "ok": result["ok"], "rows": result["rows"]}
