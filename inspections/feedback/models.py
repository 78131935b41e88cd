"""Citizen conduct feedback (issue 5).

A citizen files feedback about an official or a unit through the public form
or the API and gets a tracking code. Inspectors triage it (``FeedbackStep``
records each move) into a finding or a reasoned dismissal. The reporter's
identity (name, contact, attachment) is confidential: only holders of
``inspections.view_reporter_identity`` may see it, and each look is logged.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.conditions import day_or_today, is_now, matches
from core.text import nfc
from inspections.feedback.choices import FeedbackChannel, FeedbackKind, FeedbackStatus

__all__ = [
    "CitizenFeedback",
    "FeedbackAttachment",
    "FeedbackCategory",
    "FeedbackDeadlineRule",
    "FeedbackResponseTarget",
    "FeedbackStep",
]

DESCRIPTION_MAX_LENGTH = 5000


class FeedbackCategory(models.Model):
    """A kind of conduct a citizen can report (the catalogue of the public form)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("offered on the public form"), default=True)
    finding_category = models.ForeignKey(
        "inspections.FindingCategory",
        verbose_name=_("default finding category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Proposed when an inspector creates a finding from feedback of this category."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feedback category")
        verbose_name_plural = _("feedback categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        """The name in the active language (Vietnamese is the stored default)."""
        from django.utils.translation import get_language

        language = language or get_language() or "vi"
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class FeedbackResponseTarget(models.Model):
    """How many working days the district gives itself to answer conduct feedback.

    A local target, not a statute (docs/rules.md): data with an effective-date
    range so a change of policy does not rewrite the due dates of old feedback.
    """

    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(
        _("working days to answer"),
        validators=[MinValueValidator(1)],
        help_text=_(
            "Local target for formal petitions about conduct (default 15 working days; "
            "editable, not a statute)."
        ),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feedback response target")
        verbose_name_plural = _("feedback response targets")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["valid_from"], name="feedback_target_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="feedback_target_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return _("%(days)s working days from %(start)s") % {
            "days": self.working_days,
            "start": f"{self.valid_from:%d/%m/%Y}",
        }

    @classmethod
    def working_days_on(cls, day: dt.date) -> int:
        """The target in force on ``day``; the fallback is the documented default of 15."""
        row = (
            cls.objects.filter(valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .order_by("-valid_from")
            .values_list("working_days", flat=True)
            .first()
        )
        return row or settings.FEEDBACK_RESPONSE_WORKING_DAYS


class FeedbackDeadlineRule(models.Model):
    """The legal time limit of complaints and denunciations, dated, with its source.

    Feedback and petitions (phản ánh, kiến nghị) follow the local target of
    ``FeedbackResponseTarget``; complaints and denunciations have limits set
    by law, counted from acceptance (thụ lý), with extensions.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices)
    valid_from = models.DateField(_("applies to cases accepted from"))
    valid_until = models.DateField(_("applies to cases accepted until"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(
        _("days from acceptance"), validators=[MinValueValidator(1)]
    )
    extension_days = models.PositiveSmallIntegerField(_("days per extension"), default=0)
    max_extensions = models.PositiveSmallIntegerField(
        _("extensions allowed"),
        default=0,
        help_text=_("Denunciations: one for a complex case, two for an especially complex one."),
    )
    legal_basis = models.TextField(_("legal basis"))
    verified = models.BooleanField(_("verified against the legal text"), default=False)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint and denunciation time limit")
        verbose_name_plural = _("complaint and denunciation time limits")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "valid_from"], name="feedback_deadline_rule_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}: {self.days} + {self.max_extensions} x "
            f"{self.extension_days}"
        )

    @classmethod
    def in_force(cls, kind: str, day: dt.date) -> FeedbackDeadlineRule | None:
        return (
            cls.objects.filter(kind=kind, valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .order_by("-valid_from")
            .first()
        )


# The reporter's identity and contact: confidential (docs/rules.md), shown only to
# ``staff.access.may_see_reporter_identity`` and never recorded in the history.
IDENTITY_FIELDS = (
    "reporter_name",
    "reporter_address",
    "reporter_phone",
    "reporter_email",
    "reporter_postal_address",
)


# --- Conditions on citizen feedback, written once (core/conditions.py, docs/feedback.md) ---
# ``as_of`` is a date or a date expression; ``None`` is today.


def feedback_answered() -> Q:
    """Given its first answer (``resolved_on`` is set), whenever that was."""
    return Q(resolved_on__isnull=False)


def feedback_open(as_of=None) -> Q:
    """Not answered on ``as_of``: no answer yet, or answered only after that day.

    From today on nothing is answered "after the day" (an answer is dated
    the day it is given), so the condition is ``resolved_on`` unset alone.
    """
    unanswered = Q(resolved_on__isnull=True)
    if is_now(as_of):
        return unanswered
    return unanswered | Q(resolved_on__gt=as_of)


def feedback_past_due(as_of=None) -> Q:
    """A formal petition whose response date is before ``as_of`` (answered or not)."""
    return Q(response_due__lt=day_or_today(as_of))


def feedback_overdue(as_of=None) -> Q:
    """A formal petition not answered on ``as_of`` with its response date before that day."""
    day = day_or_today(as_of)
    return feedback_open(day) & feedback_past_due(day)


def feedback_answered_on_time() -> Q:
    """A formal petition answered by its response date (reference information has none)."""
    return Q(
        response_due__isnull=False,
        resolved_on__isnull=False,
        resolved_on__lte=models.F("response_due"),
    )


class CitizenFeedbackQuerySet(models.QuerySet):
    def open(self, as_of=None) -> CitizenFeedbackQuerySet:
        """``feedback_open``: not answered now, or (for a past ``as_of``) not yet on that day."""
        return self.filter(feedback_open(as_of))

    def overdue(self, day: dt.date) -> CitizenFeedbackQuerySet:
        """``feedback_overdue``: formal petitions unanswered on ``day`` after their due date."""
        return self.filter(feedback_overdue(day))

    def due_between(self, first: dt.date, last: dt.date) -> CitizenFeedbackQuerySet:
        """Formal petitions unanswered on ``first`` whose due date falls between ``first`` and
        ``last``."""
        return self.filter(feedback_open(first), response_due__gte=first, response_due__lte=last)

    def resolved_on_time(self) -> CitizenFeedbackQuerySet:
        """``feedback_answered_on_time``."""
        return self.filter(feedback_answered_on_time())


class CitizenFeedback(models.Model):
    """One citizen's feedback about the conduct of an official or a unit.

    ``is_formal`` is true when name, address and phone were all given: a
    formal petition with ``response_due``. Otherwise it is reference
    information (thông tin tham khảo) without a due date (docs/rules.md).
    """

    tracking_code = models.CharField(_("tracking code"), max_length=32, editable=False)
    unit = models.ForeignKey(
        "staff.Unit",
        verbose_name=_("unit concerned"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    staff = models.ForeignKey(
        "staff.Staff",
        verbose_name=_("official concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        help_text=_("Linked by the inspector once the official is identified."),
    )
    staff_name = models.CharField(_("official's name as given"), max_length=150, blank=True)
    category = models.ForeignKey(
        FeedbackCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    description = models.TextField(
        _("what happened"),
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    incident_date = models.DateField(_("date of the incident"), null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=FeedbackChannel.choices, default=FeedbackChannel.WEB
    )
    language = models.CharField(_("language of the reporter"), max_length=10, default="vi")

    # Identity: confidential (Law on Denunciations art. 9; Decree 13/2023).
    reporter_name = models.CharField(_("reporter's name"), max_length=150, blank=True)
    reporter_address = models.CharField(_("reporter's address"), max_length=300, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("reporter's email"), max_length=254, blank=True)
    reporter_postal_address = models.CharField(
        _("reporter's postal address for replies"),
        max_length=300,
        blank=True,
        help_text=_(
            "Where letters reach the reporter, when it differs from the address (địa chỉ thư tín)."
        ),
    )
    is_formal = models.BooleanField(
        _("formal petition"),
        default=False,
        editable=False,
        help_text=_(
            "Name, address and a phone number, e-mail or postal address were given. "
            "Otherwise the feedback is reference information without a legal deadline."
        ),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=FeedbackKind.choices,
        default=FeedbackKind.REFLECTION,
        editable=False,
        help_text=_(
            "Decided at triage: feedback or petition, complaint, or denunciation; each has "
            "its own deadline."
        ),
    )
    accepted_on = models.DateField(
        _("accepted on (thụ lý)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Complaints and denunciations: their time limit runs from this day."),
    )
    extensions = models.PositiveSmallIntegerField(
        _("extensions of the time limit"), default=0, editable=False
    )

    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    received_on = models.DateField(_("received on"), editable=False)
    response_due = models.DateField(
        _("response due"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Working-day target from the day of receipt; none for reference information."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.RECEIVED,
        db_index=True,
    )
    substantiated = models.BooleanField(_("substantiated"), null=True, blank=True, editable=False)
    resolved_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned inspector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_feedback",
    )
    finding = models.ForeignKey(
        "inspections.Finding",
        verbose_name=_("finding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        help_text=_("The finding this feedback led to, when it was substantiated."),
    )
    public_answer = models.TextField(
        _("public answer"),
        blank=True,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
        help_text=_("Shown on the public status page: no names of reporters, no internal notes."),
    )
    internal_note = models.TextField(_("internal note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CitizenFeedbackQuerySet.as_manager()
    # Triage is recorded (status, assignment, answer, notes); the reporter's
    # identity never enters the history, so no history page or backup of it
    # can show it to a role that may not see it.
    history = HistoricalRecords(excluded_fields=list(IDENTITY_FIELDS))

    class Meta:
        verbose_name = _("citizen feedback")
        verbose_name_plural = _("citizen feedback")
        ordering = ["-received_at"]
        permissions = [
            ("view_reporter_identity", _("Can see the identity and contact of reporters"))
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="feedback_unique_tracking_code"),
            models.CheckConstraint(
                condition=Q(response_due__isnull=True)
                | Q(response_due__gte=models.F("received_on")),
                name="feedback_due_after_receipt",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="feedback_unit_received"),
            models.Index(fields=["received_on"], name="feedback_received_on"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def save(self, *args, **kwargs) -> None:
        if self.received_on is None:
            self.received_on = timezone.localdate(self.received_at)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        for name in (
            "staff_name",
            "reporter_name",
            "reporter_address",
            "reporter_phone",
            "reporter_postal_address",
        ):
            setattr(self, name, nfc(getattr(self, name)))
        self.description = (self.description or "").strip()
        today = timezone.localdate()
        if self.incident_date and self.incident_date > today:
            raise ValidationError(
                {"incident_date": _("The date of the incident cannot be in the future.")}
            )
        if self.staff_id and self.unit_id and self.staff.unit_id != self.unit_id:
            unit_path = self.unit.path
            if not self.staff.unit.path.startswith(unit_path):
                raise ValidationError(
                    {"staff": _("This official does not work in the unit concerned.")}
                )

    @property
    def has_identity(self) -> bool:
        return bool(
            self.reporter_name
            or self.reporter_phone
            or self.reporter_email
            or self.reporter_address
            or self.reporter_postal_address
        )

    @property
    def is_open(self) -> bool:
        """``feedback_open``: not answered yet."""
        return matches(self, feedback_open())

    def is_overdue(self, day: dt.date) -> bool:
        return matches(self, feedback_overdue(day))

    @property
    def is_overdue_today(self) -> bool:
        return self.is_overdue(timezone.localdate())


def _attachment_path(instance: FeedbackAttachment, filename: str) -> str:
    # The stored name never reuses the citizen's file name (it may carry a name).
    return (
        f"feedback/{timezone.now():%Y/%m}/"
        f"{instance.feedback.tracking_code}-{instance.checksum[:12]}.{instance.extension}"
    )


class FeedbackAttachment(models.Model):
    """A photo or PDF sent with feedback; confidential like the reporter's identity."""

    feedback = models.ForeignKey(
        CitizenFeedback,
        verbose_name=_("feedback"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(_("extension"), max_length=10)
    size = models.PositiveIntegerField(_("size in bytes"))
    checksum = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback attachment")
        verbose_name_plural = _("feedback attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.feedback.tracking_code} ({self.content_type})"


class FeedbackStep(models.Model):
    """One move of the triage: status change, assignment, link, answer (the audit trail)."""

    feedback = models.ForeignKey(
        CitizenFeedback, verbose_name=_("feedback"), on_delete=models.CASCADE, related_name="steps"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(
        _("from status"), max_length=20, choices=FeedbackStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=FeedbackStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("triage step")
        verbose_name_plural = _("triage steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.from_status} -> {self.to_status}"
