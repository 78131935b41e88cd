"""Cross-cutting records: the public-holiday calendar and the security event log."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import nfc, search_key


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (day off)")
    WORKDAY = "workday", _("Make-up working day (worked although a weekend)")


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday working week.

    Public holidays (Tết follows the lunar calendar, so they are data, seeded
    from the ``holidays`` package and edited by the administrator) and
    make-up working days that the government swaps for bridge days.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CalendarDayKind.choices, default=CalendarDayKind.HOLIDAY
    )
    name = models.CharField(_("name"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    LOCKOUT = "lockout", _("Account locked out")
    EXPORT = "export", _("Data exported")
    IDENTITY_VIEWED = "identity_viewed", _("Reporter identity viewed")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    IMPORT = "import", _("Data imported")


class SecurityEvent(models.Model):
    """Append-only log of security-relevant events; never editable from the admin."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(
        _("event"), max_length=20, choices=SecurityEventKind.choices, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


class NamedCatalogueEntry(models.Model):
    """An entry of an extendable catalogue (finding categories, training topics).

    The name is stored in NFC with an accent-free key for search; concrete
    catalogues add their ``code`` and anything else of their own.
    """

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = nfc(self.name)
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)


class WorkerHeartbeat(models.Model):
    """A database-queue worker says it is alive; a task held by a silent worker is run again."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True)
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} ({self.worker_id[:8]})"


class FailedTask(models.Model):
    """A background task that failed on its last allowed attempt, kept for the admin.

    Whatever the queue backend (database, Redis, immediate), the error, the
    arguments and the number of attempts stay here until someone runs it
    again or dismisses it.
    """

    task_path = models.CharField(_("task"), max_length=255)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    attempts = models.PositiveSmallIntegerField(_("attempts"))
    error = models.TextField(_("error"))
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True, db_index=True)
    retried_at = models.DateTimeField(_("run again at"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-failed_at"]

    def __str__(self) -> str:
        return f"{self.task_path.rsplit('.', 1)[-1]} ({self.attempts})"


class TokenFactor(models.Model):
    """How an API token was issued: with a verified second factor or not.

    When two-factor sign-in is required for a user (``core.security``), only a
    token issued after a verified TOTP code works
    (``VerifiedTokenAuthentication``); a token without such a record (issued
    before the rule, or by any other door) counts as issued without it. The
    token is named by the SHA-256 of its key, never the key itself.
    """

    digest = models.CharField(_("SHA-256 of the token"), max_length=64, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    second_factor = models.BooleanField(_("issued after a verified second factor"), default=False)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API token issue")
        verbose_name_plural = _("API token issues")

    def __str__(self) -> str:
        return f"{self.user_id} {'2FA' if self.second_factor else 'password'}"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class JobKind(models.TextChoices):
    EXPORT = "export", _("File to download")
    IMPORT_CHECK = "import_check", _("Import check")
    IMPORT = "import", _("Import")


class Job(models.Model):
    """Long work asked for on a page or the API (a big export, a province workbook, a big import),
    done by a task.

    An export's task replays the same GET as the user who asked, so filters,
    scope and masking are exactly those of the request; the file is kept for
    ``JOB_FILE_HOURS`` and handed only to that user. An import's task rebuilds
    the import page's importer for that user and keeps the report in ``result``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    label = models.CharField(_("what"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=JobKind.choices, default=JobKind.EXPORT
    )
    path = models.CharField(max_length=500)
    query = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="jobs/", max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    error = models.TextField(_("error"), blank=True)
    # An import's report (core/jobs.py ``run_import_job``), written in ``language``.
    result = models.JSONField(_("result"), default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), db_index=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label
