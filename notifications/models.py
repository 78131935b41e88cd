"""Notifications (in the app and by e-mail), preferences, and the sent-reminder keys.

``Notification`` is also the outbox: a row is written in the same
transaction as the event or the reminder run that causes it, and the e-mail
is sent later by a task. A queue that loses a task loses nothing: the next
sweep sends every row still ``pending``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from notifications.choices import Delivery, EmailStatus, NotificationKind


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """A user's own notifications (never anyone else's, whatever the role)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person about one record."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text=_("Empty for a citizen, who is reached by e-mail only."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="vi")
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    due_on = models.DateField(_("due date"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_error = models.TextField(_("e-mail error"), blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claim = models.CharField(max_length=32, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
            models.Index(fields=["email_status", "id"], name="notification_outbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email=""), name="notification_has_someone"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """How one user wants the e-mails of one kind (default: immediately)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    delivery = models.CharField(
        _("e-mail"), max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}: {self.delivery}"


class NotificationProfile(models.Model):
    """The language a user's e-mails are written in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_profile",
    )
    language = models.CharField(
        _("language of e-mails"), max_length=10, choices=settings.LANGUAGES, default="vi"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification profile")
        verbose_name_plural = _("notification profiles")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"


class SentReminder(models.Model):
    """The key that makes a reminder go out once: (record, kind, due date) is unique."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    due_on = models.DateField(_("due date"))
    run_day = models.DateField(_("reminder day"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "due_on"], name="sent_reminder_unique"
            ),
        ]
        indexes = [models.Index(fields=["kind", "due_on"], name="sent_reminder_kind_due")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} {self.due_on}"


class ReminderRun(models.Model):
    """One day's run of ``send_reminders``; the previous run bounds the digest's window."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    reminders = models.PositiveIntegerField(_("reminders"), default=0)
    notifications = models.PositiveIntegerField(_("notifications"), default=0)

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class EmailOptOut(models.Model):
    """A citizen's address that asked for no more e-mails, kept as a keyed hash only."""

    address_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")

    def __str__(self) -> str:
        return self.address_hash[:12]
