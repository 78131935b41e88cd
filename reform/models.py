"""Administrative reform: procedures, one-stop dossiers, period reports, PAR index results and
plans.

- ``Procedure``: the published catalogue (code, field, level, legal
  resolution time in working days, online availability, publishing decision);
  ``ProcedurePosting``: whether a unit has it posted at its counter.
- ``Dossier``: one dossier from the electronic one-stop system's export, with
  its outcome derived from its dates (``rules``).
- ``ServiceReport``: period totals as a unit files them, stored as filed and
  flagged when they do not add up (``reconciles``).
- ``ParResult`` with ``ParCriterionScore``: the province's published PAR
  index result of a unit for a year; ``ImprovementPlan`` and
  ``ImprovementItem``: the unit's plan for its low-scoring criteria.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.conditions import day_or_today, is_now, matches
from core.text import nfc, search_key
from reform import rules
from reform.choices import (
    Channel,
    DossierResult,
    DossierState,
    PlanItemStatus,
    ProcedureLevel,
    ReportScope,
)
from staff.models import Staff, Unit, code_validator


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) of the published catalogue."""

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=500)
    name_key = models.CharField(max_length=500, editable=False, db_index=True)
    field = models.CharField(
        _("field"),
        max_length=200,
        blank=True,
        help_text=_("The sector (lĩnh vực), e.g. land, justice."),
    )
    level = models.CharField(_("level"), max_length=20, choices=ProcedureLevel.choices)
    resolution_days = models.PositiveSmallIntegerField(
        _("resolution time (working days)"),
        help_text=_("The legal time limit, in working days after receipt."),
    )
    online = models.BooleanField(_("online submission offered"), default=False)
    decision = models.CharField(_("publishing decision"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.name = nfc(self.name)
        self.name_key = search_key(self.name)
        self.field = nfc(self.field)
        super().save(*args, **kwargs)


class ProcedurePosting(models.Model):
    """A procedure posted (niêm yết) at a unit's one-stop counter."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="procedure_postings"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="postings"
    )
    posted_on = models.DateField(_("posted on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("procedure posting")
        verbose_name_plural = _("procedure postings")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "procedure"], name="posting_one_per_unit_procedure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} @ {self.unit_id}"


DOSSIER_MESSAGES = {
    "received_future": _("The date of receipt is in the future."),
    "due_before_receipt": _("The due date is before the date of receipt."),
    "resolved_before_receipt": _("The dossier cannot be resolved before it was received."),
    "resolved_future": _("The resolution date is in the future."),
    "returned_unresolved": _("A result can only be returned once the dossier is resolved."),
    "returned_before_resolved": _("The result cannot be returned before the dossier was resolved."),
    "result_unresolved": _("Only a resolved dossier has a result."),
    "late_reason_missing": _("Give the reason the dossier is late only in the electronic system."),
    "system_late_not_late": _(
        "Only a dossier resolved late can be late only in the electronic system."
    ),
    "apology_date_missing": _("Give the date the apology was issued."),
    "new_date_not_later": _("The new date must be after the original due date."),
}


# --- Conditions on dossiers, written once (core/conditions.py, docs/reform.md) ---
# The SQL of ``rules.dossier_state``; ``as_of`` is a date or a date expression.


def dossier_resolved_by(as_of) -> Q:
    """Resolved on or before ``as_of``."""
    return Q(resolved_on__isnull=False, resolved_on__lte=as_of)


def dossier_pending(as_of) -> Q:
    """Received by ``as_of`` and not resolved by then (resolved after it, it was still pending)."""
    return Q(received_on__lte=as_of) & (Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))


def dossier_pending_in_time(as_of) -> Q:
    """Pending on ``as_of`` with the due date not passed."""
    return dossier_pending(as_of) & Q(due_on__gte=as_of)


def dossier_pending_overdue(as_of) -> Q:
    """Pending on ``as_of`` after the due date."""
    return dossier_pending(as_of) & Q(due_on__lt=as_of)


class DossierQuerySet(models.QuerySet):
    def in_state(self, state: str, as_of) -> DossierQuerySet:
        """Dossiers in ``state`` on ``as_of`` (the SQL of ``rules.dossier_state``)."""
        if state in rules.RESOLVED_STATES:
            return self.filter(dossier_resolved_by(as_of), outcome=state)
        if state == rules.PENDING_IN_TIME:
            return self.filter(dossier_pending_in_time(as_of))
        return self.filter(dossier_pending_overdue(as_of))


class Dossier(models.Model):
    """One dossier (hồ sơ) of an administrative procedure, received at a unit's counter."""

    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )
    level = models.CharField(
        _("counter level"),
        max_length=20,
        choices=ProcedureLevel.choices,
        editable=False,
        help_text=_(
            "The level of the one-stop counter that received it (a district department "
            "counts as district)."
        ),
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.COUNTER
    )
    electronic = models.BooleanField(_("in the electronic one-stop system"), default=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(
        _("due on"),
        blank=True,
        help_text=_(
            "Leave empty to compute from the procedure's working days and the holiday calendar."
        ),
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        blank=True,
        editable=False,
        choices=[(s, DossierState(s).label) for s in sorted(rules.RESOLVED_STATES)],
    )
    result = models.CharField(_("result"), max_length=20, choices=DossierResult.choices, blank=True)
    returned_on = models.DateField(_("result returned on"), null=True, blank=True)
    late_in_system_only = models.BooleanField(
        _("late only in the electronic system"),
        default=False,
        help_text=_(
            "Late in the electronic system but resolved on time on paper; give the reason."
        ),
    )
    late_reason = models.CharField(_("reason"), max_length=255, blank=True)
    apology_issued_on = models.DateField(
        _("apology issued on"),
        null=True,
        blank=True,
        help_text=_(
            "The written apology with a new date (phiếu xin lỗi và hẹn lại) for a late dossier."
        ),
    )
    apology_new_due_on = models.DateField(_("new date promised"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DossierQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="dossier_due_after_receipt"
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("received_on")),
                name="dossier_resolved_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(late_in_system_only=False) | ~Q(late_reason=""),
                name="dossier_system_late_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="dossier_unit_received"),
            models.Index(fields=["received_on"], name="dossier_received"),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs) -> None:
        self.late_reason = nfc(self.late_reason)
        self.fill_derived()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        self.late_reason = nfc(self.late_reason)
        if self.received_on:
            self.fill_derived()
        for field, code in rules.dossier_problems(
            received_on=self.received_on,
            due_on=self.due_on,
            resolved_on=self.resolved_on,
            returned_on=self.returned_on,
            result=self.result,
            late_in_system_only=self.late_in_system_only,
            late_reason=self.late_reason,
            apology_issued_on=self.apology_issued_on,
            apology_new_due_on=self.apology_new_due_on,
            today=timezone.localdate(),
        ):
            add(field, DOSSIER_MESSAGES[code])
        if errors:
            raise ValidationError(errors)

    def state(self, as_of=None) -> str:
        return rules.dossier_state(
            due_on=self.due_on, resolved_on=self.resolved_on, as_of=as_of or timezone.localdate()
        )

    def fill_derived(self, calendar=None) -> None:
        """Counter level from the unit, due date from the calendar when missing, outcome from the
        dates."""
        if self.unit_id and not self.level:
            self.level = rules.counter_level(self.unit.level)
        if self.procedure_id and self.due_on is None and self.received_on:
            from core.workdays import load_calendar

            calendar = calendar or load_calendar(self.received_on, None)
            self.due_on = rules.due_date(self.received_on, self.procedure.resolution_days, calendar)
        if self.due_on:
            self.outcome = rules.outcome(self.due_on, self.resolved_on)


class ServiceReport(models.Model):
    """Period totals of dossiers as a unit files them (one scope: a level, a channel or the
    electronic system).

    Figures are stored as filed. ``reconciles`` is false when they do not
    add up (``rules.reconciliation_problems``); nothing is adjusted.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="service_reports"
    )
    scope = models.CharField(_("scope"), max_length=20, choices=ReportScope.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    carried_over = models.PositiveIntegerField(
        _("carried over from the previous period"), default=0
    )
    received = models.PositiveIntegerField(_("received"))
    resolved = models.PositiveIntegerField(_("resolved"))
    resolved_early = models.PositiveIntegerField(_("resolved early"), null=True, blank=True)
    resolved_on_time = models.PositiveIntegerField(_("resolved on time"), null=True, blank=True)
    resolved_late = models.PositiveIntegerField(_("resolved late"), null=True, blank=True)
    pending_in_time = models.PositiveIntegerField(
        _("pending within the deadline"), null=True, blank=True
    )
    pending_overdue = models.PositiveIntegerField(_("pending and overdue"), null=True, blank=True)
    late_in_system_only = models.PositiveIntegerField(
        _("late only in the electronic system"),
        default=0,
        help_text=_("Of the late dossiers, those resolved on time on paper."),
    )
    late_reason = models.CharField(_("reason"), max_length=255, blank=True)
    apologies_issued = models.PositiveIntegerField(_("apologies issued"), null=True, blank=True)
    reconciles = models.BooleanField(_("figures add up"), default=True, editable=False)
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("The report or register the figures come from."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service delivery report")
        verbose_name_plural = _("service delivery reports")
        ordering = ["-period_end", "unit__path", "scope"]
        # A unit head files its own unit's figures in the workspace (reform/roles.py ACTIONS
        # "file").
        permissions = [("file_servicereport", "Can file its own unit's service delivery reports")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "scope", "period_start", "period_end"],
                name="service_report_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="service_report_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.scope} {self.period_start}..{self.period_end}"

    def save(self, *args, **kwargs) -> None:
        self.late_reason = nfc(self.late_reason)
        self.reconciles = not self.problems
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.period_start and self.period_end:
            if self.period_end < self.period_start:
                errors.setdefault("period_end", []).append(_("The period ends before it starts."))
            elif self.unit_id and self.scope:
                overlapping = ServiceReport.objects.filter(
                    unit_id=self.unit_id,
                    scope=self.scope,
                    period_start__lte=self.period_end,
                    period_end__gte=self.period_start,
                ).exclude(pk=self.pk)
                if overlapping.exists():
                    errors.setdefault("period_start", []).append(
                        _("This unit already has a report of this scope for an overlapping period.")
                    )
        late = self.resolved_late or 0
        if self.late_in_system_only and self.late_in_system_only > late + (
            self.pending_overdue or 0
        ):
            errors.setdefault("late_in_system_only", []).append(
                _("Cannot exceed the number of overdue dossiers.")
            )
        if self.late_in_system_only and not nfc(self.late_reason):
            errors.setdefault("late_reason", []).append(
                _("Give the reason the dossiers are late only in the electronic system.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def figures(self) -> rules.Figures:
        return rules.Figures(
            received=self.received or 0,
            resolved=self.resolved or 0,
            carried_over=self.carried_over or 0,
            resolved_early=self.resolved_early,
            resolved_on_time=self.resolved_on_time,
            resolved_late=self.resolved_late,
            pending_in_time=self.pending_in_time,
            pending_overdue=self.pending_overdue,
        )

    @property
    def overdue(self) -> int:
        return self.figures.overdue

    @property
    def problems(self) -> list[str]:
        return rules.reconciliation_problems(self.figures)


class ParResult(models.Model):
    """A unit's result on the province's administrative-reform (PAR) index for a year."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="par_results"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    score = models.DecimalField(
        _("total score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=6, decimal_places=2, default=Decimal(100)
    )
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    ranked_units = models.PositiveSmallIntegerField(
        _("units ranked"), validators=[MinValueValidator(1)]
    )
    decision = models.CharField(_("publishing decision"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("PAR index result")
        verbose_name_plural = _("PAR index results")
        ordering = ["-year", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="par_result_one_per_unit_year"),
            models.CheckConstraint(
                condition=Q(rank__lte=models.F("ranked_units")), name="par_rank_within_ranked"
            ),
            models.CheckConstraint(
                condition=Q(score__lte=models.F("max_score")), name="par_score_within_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.rank}/{self.ranked_units}"

    def clean(self) -> None:
        errors = {}
        if self.rank and self.ranked_units and self.rank > self.ranked_units:
            errors["rank"] = _("The rank cannot exceed the number of units ranked.")
        if self.score is not None and self.max_score is not None and self.score > self.max_score:
            errors["score"] = _("The score cannot exceed the maximum score.")
        if errors:
            raise ValidationError(errors)


class ParCriterionScore(models.Model):
    """The score of one criterion or sub-criterion (code ``1``, ``1.2``) of a PAR result."""

    result = models.ForeignKey(
        ParResult,
        verbose_name=_("PAR index result"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    code = models.CharField(_("criterion code"), max_length=20)
    name = models.CharField(_("criterion"), max_length=300)
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2)
    score = models.DecimalField(
        _("score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["result", "code"]
        constraints = [
            models.UniqueConstraint(fields=["result", "code"], name="par_criterion_one_per_code"),
            models.CheckConstraint(
                condition=Q(score__lte=models.F("max_score")), name="par_criterion_within_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def share(self) -> float | None:
        return float(self.score / self.max_score) if self.max_score else None


class ImprovementPlan(models.Model):
    """A unit's plan to raise its low-scoring PAR criteria in a year."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="improvement_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    based_on = models.ForeignKey(
        ParResult,
        verbose_name=_("based on the result"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    title = models.CharField(_("title"), max_length=255)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], name="improvement_plan_one_per_unit_year"
            )
        ]

    def __str__(self) -> str:
        return self.title


# --- Conditions on improvement plan items, written once (core/conditions.py, docs/reform.md) ---
# The same readings as corrective actions; ``as_of`` is a date, ``None`` today.
ITEM_OPEN_STATUSES = (PlanItemStatus.OPEN, PlanItemStatus.IN_PROGRESS)


def item_open(as_of=None) -> Q:
    """Still to do on ``as_of``: open or in progress, or done only after that day.

    From today on nothing is done "after the day" (``clean`` refuses a done
    date in the future), so the condition is the status alone.
    """
    to_do = Q(status__in=ITEM_OPEN_STATUSES)
    if is_now(as_of):
        return to_do
    return to_do | Q(status=PlanItemStatus.DONE, done_on__gt=as_of)


def item_overdue(as_of=None) -> Q:
    """Still to do on ``as_of`` with the due date before that day."""
    day = day_or_today(as_of)
    return item_open(day) & Q(due_date__lt=day)


class ImprovementItemQuerySet(models.QuerySet):
    """The same conditions as corrective actions, for reminders and lists."""

    def open(self) -> ImprovementItemQuerySet:
        """``item_open``: to do now."""
        return self.filter(item_open())

    def open_on(self, day) -> ImprovementItemQuerySet:
        """``item_open``: items still to do on ``day`` (done only after it counts as to do).

        For a past day this is the items as they stood then; the reminders
        add ``open()`` so that they speak only of items still to do now.
        """
        return self.filter(item_open(day))

    def overdue(self, day) -> ImprovementItemQuerySet:
        """``item_overdue``: items still to do on ``day`` whose due date is before it."""
        return self.filter(item_overdue(day))

    def due_within(self, day, days: int) -> ImprovementItemQuerySet:
        """Items still to do on ``day`` due from ``day`` to ``days`` days later (both included)."""
        import datetime as dt

        return self.open_on(day).filter(due_date__range=(day, day + dt.timedelta(days=days)))


class ImprovementItem(models.Model):
    """One action of an improvement plan: criterion, owner, due date and status."""

    plan = models.ForeignKey(
        ImprovementPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items"
    )
    criterion_code = models.CharField(_("criterion code"), max_length=20, blank=True)
    action = models.TextField(_("action"))
    owner = models.ForeignKey(
        Staff,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement_items",
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="improvement_items",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanItemStatus.choices, default=PlanItemStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    progress_note = models.TextField(_("progress note"), blank=True)

    objects = ImprovementItemQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("improvement plan item")
        verbose_name_plural = _("improvement plan items")
        ordering = ["due_date", "pk"]
        # A unit head updates the status of its own unit's items (reform/roles.py ACTIONS
        # "progress").
        permissions = [
            (
                "report_progress_improvementitem",
                "Can report progress on its own unit's improvement plan items",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PlanItemStatus.DONE) | Q(done_on__isnull=False),
                name="improvement_item_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code} {self.action[:60]}"

    @property
    def overdue(self) -> bool:
        """``item_overdue`` today."""
        return matches(self, item_overdue())

    def clean(self) -> None:
        self.action = nfc(self.action)
        errors = {}
        if self.status == PlanItemStatus.DONE and not self.done_on:
            errors["done_on"] = _("Give the date the item was done.")
        if self.done_on and self.status != PlanItemStatus.DONE:
            errors["done_on"] = _("Only a done item has a completion date.")
        if self.done_on and self.done_on > timezone.localdate():
            errors["done_on"] = _("The completion date is in the future.")
        if errors:
            raise ValidationError(errors)
