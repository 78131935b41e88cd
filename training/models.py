"""Courses (classes), enrolments, training turns and the annual training requirement.

A turn (lượt) is one enrolment with status ``attended`` or ``completed``; it
falls in the period that contains its course's ``start_date`` and is worth the
course's ``hours``. ``Enrolment.unit`` is the person's unit when enrolled, kept
so that historical reports count the turn where the person worked then.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import MAX_YEAR, MIN_YEAR, year_period
from core.models import NamedCatalogueEntry
from core.text import nfc, search_key
from staff.choices import StaffCategory
from staff.models import Staff, Unit, code_validator, in_subtree
from training import rules
from training.choices import CourseKind, CourseMode, CoursePurpose, EnrolmentStatus, OrganizerLevel

TURN_Q = Q(status__in=sorted(rules.TURN_STATUSES))
SEAT_Q = ~Q(status__in=sorted(rules.SEAT_FREE_STATUSES))

INELIGIBLE_MESSAGES = {
    rules.Ineligibility.LEFT_BEFORE_START: _("This person had left before the course began."),
    rules.Ineligibility.JOINED_AFTER_END: _("This person joined after the course ended."),
    rules.Ineligibility.SANCTIONED: _(
        "This person is under a disciplinary sanction on the first day of the course and "
        "may not be sent for training towards promotion, planning or appointment (Law on "
        "Cadres and Civil Servants art. 82); set the sanction override with a reason to "
        "enrol anyway."
    ),
}


class TrainingTopic(NamedCatalogueEntry):
    """An entry of the extendable topic catalogue (ISO 9001:2015, state management, ...)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")
        ordering = ["sort_order", "name_key"]


class CourseQuerySet(models.QuerySet):
    def in_year(self, year: int) -> CourseQuerySet:
        start, end = year_period(year)
        return self.filter(start_date__range=(start, end))

    def visible_to(self, user) -> CourseQuerySet:
        """Courses organised by a unit of the user's subtree or attended from it
        (``staff.access``)."""
        from staff.access import rows_in_scope

        return rows_in_scope(self, user)

    def with_counts(self) -> CourseQuerySet:
        """Enrolled (seat-holding) and turn counts, in SQL."""
        return self.annotate(
            enrolled_count=Count(
                "enrolments", filter=~Q(enrolments__status__in=sorted(rules.SEAT_FREE_STATUSES))
            ),
            turn_count=Count(
                "enrolments", filter=Q(enrolments__status__in=sorted(rules.TURN_STATUSES))
            ),
        )


class Course(models.Model):
    """A class (lớp): one run of a training or refresher programme."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=255)
    title_key = models.CharField(max_length=255, editable=False, db_index=True)
    topic = models.ForeignKey(
        TrainingTopic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="courses"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=CourseKind.choices, default=CourseKind.REFRESHER
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=CoursePurpose.choices,
        default=CoursePurpose.GENERAL,
        help_text=_(
            "A person under a disciplinary sanction may not be sent on a course towards "
            "promotion, planning or appointment (Law on Cadres and Civil Servants art. 82 "
            "as amended in 2019); other courses are open."
        ),
    )
    organizer_level = models.CharField(
        _("organiser level"), max_length=20, choices=OrganizerLevel.choices
    )
    organizer_name = models.CharField(_("organiser"), max_length=255)
    organizer_unit = models.ForeignKey(
        Unit,
        verbose_name=_("organising unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_courses",
        help_text=_(
            "The unit of this tree that ran the class, if any; its head can see the course."
        ),
    )
    co_organizer_name = models.CharField(
        _("co-organiser"),
        max_length=255,
        blank=True,
        help_text=_(
            "E.g. the provincial Department of Science and Technology for ISO 9001:2015 classes."
        ),
    )
    start_date = models.DateField(_("start date"), db_index=True)
    end_date = models.DateField(_("end date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=7,
        decimal_places=2,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Hours of 60 minutes. Leave empty to compute from the periods."),
    )
    periods = models.DecimalField(
        _("periods (45 minutes)"),
        max_digits=7,
        decimal_places=2,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Periods (tiết) of 45 minutes. Leave empty to compute from the hours."),
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    mode = models.CharField(
        _("mode"), max_length=20, choices=CourseMode.choices, default=CourseMode.IN_PERSON
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Maximum number of participants; empty means no limit."),
    )
    issues_certificate = models.BooleanField(_("issues a certificate"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="course_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(periods__gt=0), name="course_length_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="course_capacity_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["organizer_level", "start_date"], name="course_level_start")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        self.title = nfc(self.title)
        self.title_key = search_key(self.title)
        self.organizer_name = nfc(self.organizer_name)
        self.fill_length()
        super().save(*args, **kwargs)

    def fill_length(self) -> None:
        """Complete hours from periods or periods from hours, whichever is missing."""
        if self.hours is None and self.periods is not None:
            self.periods = Decimal(self.periods)
            self.hours = rules.periods_to_hours(self.periods)
        elif self.periods is None and self.hours is not None:
            self.hours = Decimal(self.hours)
            self.periods = rules.hours_to_periods(self.hours)

    def clean(self) -> None:
        self.title = nfc(self.title)
        self.organizer_name = nfc(self.organizer_name)
        self.fill_length()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if self.hours is None and self.periods is None:
            errors["hours"] = _("Give the length in hours or in periods.")
        elif (
            self.hours is not None
            and self.periods is not None
            and not rules.hours_and_periods_agree(self.hours, self.periods)
        ):
            errors["periods"] = _("Hours and periods disagree: one period is 45 minutes.")
        if self.capacity is not None and self.pk:
            taken = self.enrolments.filter(SEAT_Q).count()
            if taken > self.capacity:
                errors["capacity"] = _(
                    "%(taken)d people are already enrolled; the capacity cannot be lower."
                ) % {"taken": taken}
        if errors:
            raise ValidationError(errors)


class EnrolmentQuerySet(models.QuerySet):
    def turns(self) -> EnrolmentQuerySet:
        """Attended or completed enrolments: training turns."""
        return self.filter(TURN_Q)

    def in_year(self, year: int) -> EnrolmentQuerySet:
        """Enrolments of courses starting in ``year`` (a turn's period is its course's start)."""
        start, end = year_period(year)
        return self.filter(course__start_date__range=(start, end))

    def in_unit_subtree(self, unit: Unit) -> EnrolmentQuerySet:
        """By the unit at enrolment (historical), with the unit's whole subtree."""
        return self.filter(in_subtree(unit, "unit"))

    def holding_seats(self) -> EnrolmentQuerySet:
        return self.filter(SEAT_Q)

    def summary(self) -> dict:
        """Turns, hours and distinct persons of the turns in this queryset, plus breakdowns.

        Four aggregate queries whatever the number of rows.
        """
        turns = self.turns()
        total = turns.aggregate(
            turns=Count("pk"), hours=Sum("course__hours"), persons=Count("staff", distinct=True)
        )
        by_level = dict(
            turns.order_by().values_list("course__organizer_level").annotate(n=Count("pk"))
        )
        by_topic = dict(turns.order_by().values_list("course__topic__code").annotate(n=Count("pk")))
        by_kind = dict(turns.order_by().values_list("course__kind").annotate(n=Count("pk")))
        return {
            "turns": total["turns"],
            "hours": total["hours"] or Decimal(0),
            "persons": total["persons"],
            "by_organizer_level": {
                level: by_level.get(level, 0) for level in OrganizerLevel.values
            },
            "by_topic": by_topic,
            "by_kind": {kind: by_kind.get(kind, 0) for kind in CourseKind.values},
        }


class Enrolment(models.Model):
    """One staff member in one course; attended or completed makes it a training turn."""

    # No single-column indexes on the three keys: each leads a composite index
    # below (staff+course unique, course+status, unit+status), which serves the
    # same lookups, and four fewer indexes make bulk loads much faster.
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="enrolments",
        db_index=False,
    )
    staff = models.ForeignKey(
        Staff,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="enrolments",
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit at enrolment"),
        on_delete=models.PROTECT,
        related_name="enrolments",
        db_index=False,
        help_text=_("The staff member's unit when enrolled; reports count the turn there."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.REGISTERED,
    )
    result = models.CharField(
        _("result"), max_length=100, blank=True, help_text=_("E.g. excellent, good, pass.")
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_issued_on = models.DateField(_("certificate issued on"), null=True, blank=True)
    sanction_override = models.BooleanField(
        _("enrolled despite a sanction"),
        default=False,
        help_text=_(
            "Set only when a person under a disciplinary sanction must attend anyway; give "
            "the reason."
        ),
    )
    override_reason = models.CharField(_("reason for the override"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrolmentQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["course", "staff__name_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "course"], name="enrolment_one_per_staff_course"
            ),
            models.CheckConstraint(
                condition=Q(certificate_issued_on__isnull=True) | ~Q(certificate_number=""),
                name="enrolment_certificate_has_number",
            ),
            models.CheckConstraint(
                condition=Q(sanction_override=False) | ~Q(override_reason=""),
                name="enrolment_override_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"], name="enrolment_course_status"),
            models.Index(fields=["unit", "status"], name="enrolment_unit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} → {self.course_id}"

    def save(self, *args, **kwargs) -> None:
        if not self.unit_id and self.staff_id:
            self.unit_id = (
                Staff.objects.filter(pk=self.staff_id).values_list("unit_id", flat=True).first()
            )
        super().save(*args, **kwargs)

    @property
    def is_turn(self) -> bool:
        return rules.is_turn(self.status)

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        self.result = nfc(self.result)
        self.certificate_number = nfc(self.certificate_number)
        self.override_reason = nfc(self.override_reason)
        course = self.course if self.course_id else None
        staff = self.staff if self.staff_id else None
        if staff is not None and not self.unit_id:
            self.unit = staff.unit
        if course is not None and staff is not None and self._state.adding:
            for problem in rules.nomination_problems(
                course_start=course.start_date,
                course_end=course.end_date,
                joined_on=staff.joined_on,
                left_on=staff.left_on,
                sanction_until=staff.sanction_until,
                purpose=course.purpose,
            ):
                if problem == rules.Ineligibility.SANCTIONED and self.sanction_override:
                    continue
                add("staff", INELIGIBLE_MESSAGES[problem])
        if self.sanction_override and not self.override_reason:
            add("override_reason", _("Give the reason for enrolling a person under a sanction."))
        if course is not None:
            if not rules.outcome_allowed(
                self.status, course_start=course.start_date, today=timezone.localdate()
            ):
                add("status", _("Attendance can be recorded only once the course has begun."))
            if self.completed_on and self.completed_on < course.start_date:
                add("completed_on", _("The completion date is before the course began."))
            if self.certificate_issued_on and self.certificate_issued_on < course.start_date:
                add(
                    "certificate_issued_on",
                    _("The certificate cannot be issued before the course began."),
                )
        if self.completed_on and self.completed_on > timezone.localdate():
            add("completed_on", _("The completion date is in the future."))
        if self.completed_on and self.status != EnrolmentStatus.COMPLETED:
            add("completed_on", _("Only a completed enrolment has a completion date."))
        if self.certificate_issued_on and not self.certificate_number:
            add("certificate_number", _("Give the certificate number."))
        if self.certificate_number and self.status != EnrolmentStatus.COMPLETED:
            add("certificate_number", _("Only a completed enrolment carries a certificate."))
        if errors:
            raise ValidationError(errors)


class TrainingRequirement(models.Model):
    """The annual training target for a staff category (optionally one position), for a year.

    Decree 101/2017 required 40 periods (30 hours) of refresher training a year
    until Decree 89/2021 (from 2021-12-10) removed the quota: from 2022 the
    target is local and exists only where the administrator adds a row. No
    row for a person's year and category -> the person is not counted.
    """

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    category = models.CharField(_("staff category"), max_length=20, choices=StaffCategory.choices)
    position = models.CharField(
        _("position"),
        max_length=150,
        blank=True,
        help_text=_(
            "Empty: every position of the category. A row for one position takes precedence."
        ),
    )
    hours = models.DecimalField(
        _("required hours"),
        max_digits=7,
        decimal_places=2,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    periods = models.DecimalField(
        _("required periods (45 minutes)"),
        max_digits=7,
        decimal_places=2,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    source = models.CharField(
        _("legal basis or decision"),
        max_length=255,
        blank=True,
        help_text=_(
            "Defaults follow Decree 101/2017 (40 periods a year, until 2021); later years "
            "are local targets. Check against the current rules."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual training requirement")
        verbose_name_plural = _("annual training requirements")
        ordering = ["-year", "category", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category", "position"],
                name="requirement_one_per_year_category_position",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.year} · {self.get_category_display()}"
        return f"{label} · {self.position}" if self.position else label

    def save(self, *args, **kwargs) -> None:
        self.position = nfc(self.position)
        if self.hours is None and self.periods is not None:
            self.hours = rules.periods_to_hours(self.periods)
        elif self.periods is None and self.hours is not None:
            self.periods = rules.hours_to_periods(self.hours)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.position = nfc(self.position)
        if self.hours is None and self.periods is None:
            raise ValidationError({"hours": _("Give the requirement in hours or in periods.")})
        if self.hours is None:
            self.hours = rules.periods_to_hours(self.periods)
        elif self.periods is None:
            self.periods = rules.hours_to_periods(self.hours)
        elif not rules.hours_and_periods_agree(self.hours, self.periods):
            raise ValidationError(
                {"periods": _("Hours and periods disagree: one period is 45 minutes.")}
            )
