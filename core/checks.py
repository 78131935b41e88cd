"""System checks: refuse impossible configuration at start-up (as healthchecks does).

The environment helpers in ``config/env.py`` already refuse malformed values
(a bad integer, an unknown choice); these checks catch values that are well
formed but cannot work together.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.compatibility)
def check_configuration(app_configs=None, **kwargs):
    problems: list[CheckMessage] = []
    media = Path(settings.MEDIA_ROOT).resolve()
    static = Path(settings.STATIC_ROOT).resolve()
    if media == static or static in media.parents or media in static.parents:
        problems.append(
            Error(
                "DJANGO_MEDIA_ROOT overlaps STATIC_ROOT: uploaded evidence would be served "
                "to anyone.",
                hint="Keep uploaded files in a folder of their own, outside the static files.",
                id="congvu.E001",
            )
        )
    if (
        settings.FEEDBACK_MAX_UPLOAD_BYTES
        > settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.FILE_UPLOAD_MAX_MEMORY_SIZE * 8
    ):
        problems.append(
            Error(
                "FEEDBACK_MAX_UPLOAD_BYTES is larger than a request may carry.",
                hint="Lower FEEDBACK_MAX_UPLOAD_BYTES or raise DATA_UPLOAD_MAX_MEMORY_SIZE.",
                id="congvu.E002",
            )
        )
    if settings.IMPORT_UPLOAD_DIR:
        folder = Path(settings.IMPORT_UPLOAD_DIR)
        if folder.exists() and not folder.is_dir():
            problems.append(Error(f"IMPORT_UPLOAD_DIR {folder} is not a folder.", id="congvu.E003"))
    from core.import_admin import MAX_UPLOAD_BYTES
    from core.imports import MAX_ROWS

    if settings.IMPORT_ASYNC_BYTES >= MAX_UPLOAD_BYTES or settings.IMPORT_ASYNC_ROWS >= MAX_ROWS:
        problems.append(
            Warning(
                "IMPORT_ASYNC_BYTES or IMPORT_ASYNC_ROWS is at or above what an import "
                f"accepts ({MAX_UPLOAD_BYTES} bytes, {MAX_ROWS} rows): every import runs "
                "inside the web request.",
                hint=(
                    "Lower it so that large imports run as background jobs (docs/notifications.md)."
                ),
                id="congvu.W003",
            )
        )
    return problems


@register(Tags.compatibility, deploy=True)
def check_deployment(app_configs=None, **kwargs):
    """Only with ``check --deploy``: choices that are fine in development but not in production."""
    problems = []
    if not settings.DEBUG and settings.TASKS_BACKEND == "immediate":
        problems.append(
            Warning(
                "TASKS_BACKEND=immediate in production: mail and long exports run inside "
                "web requests.",
                hint=(
                    "Use the database queue (the default) or REDIS_URL, with `manage.py "
                    "run_worker` running."
                ),
                id="congvu.W001",
            )
        )
    if settings.STORAGE_KIND == "filesystem" and settings.REDIS_CONFIGURED and not settings.DEBUG:
        problems.append(
            Warning(
                "Several instances (REDIS_URL is set) with files on the local disk: an "
                "upload on one host is missing on the others unless DJANGO_MEDIA_ROOT is a "
                "shared folder.",
                hint=(
                    "Mount one shared folder as DJANGO_MEDIA_ROOT on every host, or set "
                    "DJANGO_STORAGE=s3."
                ),
                id="congvu.W002",
            )
        )
    return problems
