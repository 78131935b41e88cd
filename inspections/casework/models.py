"""Inspections, findings, corrective actions, disciplinary cases (issue 3).

The disciplinary rules (regimes and forms) are rows with effective dates, not
constants: laws changed in 2020 and 2025 and will change again. Deadlines
computed from them by ``inspections.casework.rules`` are stored on the case, with a
readable explanation, so lists filter and reports group on them in SQL.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.conditions import day_or_today, is_now, matches
from core.files import extension_for
from core.models import NamedCatalogueEntry
from inspections.casework.choices import (
    ActionStatus,
    CaseStatus,
    DeferralReason,
    DisciplineFormCode,
    EvidenceKind,
    ExemptionReason,
    InspectionKind,
    InspectionStatus,
    NoLimitationReason,
    PeriodUnit,
    PriorViolationRule,
    ProcedureShortcut,
    RegimeCode,
    Severity,
    SuspensionKind,
)
from staff.choices import StaffCategory

__all__ = [
    "CaseSuspension",
    "CorrectiveAction",
    "DisciplinaryCase",
    "DisciplineForm",
    "DisciplineRegime",
    "DisciplineStep",
    "Evidence",
    "Finding",
    "FindingCategory",
    "Inspection",
]

UNVERIFIED_HELP = _(
    "Rules marked unverified come from one source or from memory: check them against "
    "the official text before relying on them, and correct them here."
)


class FindingCategory(NamedCatalogueEntry):
    """A kind of public-service violation; the catalogue is seeded and the admin extends it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding category")
        verbose_name_plural = _("finding categories")
        ordering = ["sort_order", "name"]


class InspectionQuerySet(models.QuerySet):
    def during(self, start: dt.date, end: dt.date) -> InspectionQuerySet:
        return self.filter(start_date__lte=end).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start)
        )


class Inspection(models.Model):
    """A public-service inspection (kiểm tra công vụ) of one unit."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    unit = models.ForeignKey(
        "staff.Unit",
        verbose_name=_("inspected unit"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    lead_inspector = models.ForeignKey(
        "staff.Staff",
        verbose_name=_("lead inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections_led",
    )
    team = models.ManyToManyField(
        "staff.Staff",
        verbose_name=_("inspection team"),
        blank=True,
        related_name="inspection_teams",
    )
    scope = models.TextField(_("scope"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    conclusion_number = models.CharField(_("conclusion document number"), max_length=60, blank=True)
    conclusion_date = models.DateField(_("conclusion document date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[team])

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="inspection_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["unit", "start_date"], name="inspection_unit_start")]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if self.conclusion_date and self.start_date and self.conclusion_date < self.start_date:
            errors["conclusion_date"] = _("The conclusion is dated before the inspection started.")
        if self.status == InspectionStatus.CONCLUDED and not self.conclusion_date:
            errors["conclusion_date"] = _(
                "A concluded inspection needs the date of its conclusion document."
            )
        if errors:
            raise ValidationError(errors)


class Finding(models.Model):
    """A violation found at a unit, by an inspection or from citizen feedback."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    unit = models.ForeignKey(
        "staff.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="findings"
    )
    staff = models.ForeignKey(
        "staff.Staff",
        verbose_name=_("staff member involved"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    category = models.ForeignKey(
        FindingCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    description = models.TextField(_("description"))
    found_on = models.DateField(_("found on"))
    substantiated = models.BooleanField(_("substantiated"), default=True)
    # An inspector proposes a disciplinary case; HR decides whether to open it.
    case_proposed_at = models.DateTimeField(
        _("disciplinary case proposed at"), null=True, blank=True, editable=False
    )
    case_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disciplinary case proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    case_proposal_note = models.TextField(_("why a case is proposed"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["unit", "found_on"], name="finding_unit_found")]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.category} ({self.found_on:%d/%m/%Y})"
            if self.found_on
            else f"#{self.pk}"
        )

    def clean(self) -> None:
        errors = {}
        self.description = (self.description or "").strip()
        if self.inspection_id and self.unit_id:
            inspected = self.inspection.unit
            if not self.unit.path.startswith(inspected.path):
                errors["unit"] = _("The unit must be the inspected unit or one of its sub-units.")
        if self.inspection_id and self.found_on and self.found_on < self.inspection.start_date:
            errors["found_on"] = _("The finding is dated before the inspection started.")
        if self.staff_id and self.unit_id and not self.staff.unit.path.startswith(self.unit.path):
            # Otherwise a case opened from the finding would take another unit.
            errors["staff"] = _("The staff member does not work in this unit or its sub-units.")
        if errors:
            raise ValidationError(errors)


# --- Conditions on corrective actions, written once (core/conditions.py, docs/casework.md) ---
# ``as_of`` is a date or a date expression; ``None`` is today.


def action_open(as_of=None) -> Q:
    """Still to do on ``as_of``: open, or done only after that day.

    From today on nothing is done "after the day" (a done date is never in
    the future), so the condition is the status alone, as lists have always
    read it (and the (status, due date) index serves it).
    """
    still_open = Q(status=ActionStatus.OPEN)
    if is_now(as_of):
        return still_open
    return still_open | Q(done_on__gt=as_of)


def action_overdue(as_of=None) -> Q:
    """Still to do on ``as_of`` with the due date before that day (docs/INTERFACES.md)."""
    day = day_or_today(as_of)
    return action_open(day) & Q(due_date__lt=day)


def action_done_on_time() -> Q:
    """Done (or verified) by the due date."""
    return ~Q(status=ActionStatus.OPEN) & Q(
        done_on__isnull=False, done_on__lte=models.F("due_date")
    )


class CorrectiveActionQuerySet(models.QuerySet):
    def still_open(self, as_of=None) -> CorrectiveActionQuerySet:
        """``action_open``: open now, or (for a past ``as_of``) still to do on that day."""
        return self.filter(action_open(as_of))

    def overdue(self, day: dt.date) -> CorrectiveActionQuerySet:
        """Still to do on ``day`` with the due date passed (``action_overdue``,
        docs/INTERFACES.md)."""
        return self.filter(action_overdue(day))

    def due_within(self, day: dt.date, days: int) -> CorrectiveActionQuerySet:
        """Still to do on ``day`` and due between ``day`` and ``days`` days later (both
        included)."""
        return self.filter(
            action_open(day), due_date__gte=day, due_date__lte=day + dt.timedelta(days=days)
        )


class CorrectiveAction(models.Model):
    """What a unit must fix after a finding; the unit reports, an inspector verifies."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="actions"
    )
    unit = models.ForeignKey(
        "staff.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="corrective_actions",
    )
    description = models.TextField(_("what must be fixed"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    progress_note = models.TextField(_("progress reported by the unit"), blank=True)
    progress_reported_at = models.DateTimeField(_("progress reported at"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "id"]
        permissions = [
            (
                "report_progress_correctiveaction",
                _("Can report progress on own unit's corrective actions"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(done_on__isnull=False), name="action_done_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(verified_on__isnull=False),
                name="action_verified_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="action_status_due")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description[:60]}"

    def clean(self) -> None:
        errors = {}
        if self.finding_id and self.due_date and self.due_date < self.finding.found_on:
            errors["due_date"] = _("The due date is before the finding.")
        if self.status in (ActionStatus.DONE, ActionStatus.VERIFIED) and not self.done_on:
            errors["done_on"] = _("Give the date the action was done.")
        if self.done_on and self.finding_id and self.done_on < self.finding.found_on:
            errors["done_on"] = _("The action is dated before the finding.")
        if self.done_on and self.done_on > timezone.localdate():
            # ``action_open`` reads "done after today" as impossible.
            errors["done_on"] = _("The date is in the future.")
        if self.status == ActionStatus.VERIFIED and not self.verified_on:
            errors["verified_on"] = _("Give the date the action was verified.")
        if self.verified_on and self.done_on and self.verified_on < self.done_on:
            errors["verified_on"] = _("The verification is dated before the action was done.")
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, day: dt.date) -> bool:
        return matches(self, action_overdue(day))

    @property
    def is_overdue_today(self) -> bool:
        return self.is_overdue(timezone.localdate())


class DisciplineRegime(models.Model):
    """Which disciplinary law applies to which staff categories, during which dates.

    One row per (regime, group of categories) because the same regime may end
    on different dates for different categories (R1 runs longer for public
    employees). The statute and handling periods are data: the code asks
    which row applies to a case on its discovery date.
    """

    key = models.SlugField(_("key"), max_length=40, unique=True)
    code = models.CharField(_("regime"), max_length=3, choices=RegimeCode.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    categories = models.JSONField(
        _("staff categories"),
        default=list,
        help_text=_(
            "Staff category codes this row applies to: cadre, civil_servant, "
            "public_employee, contract."
        ),
    )
    valid_from = models.DateField(_("applies to violations discovered from"), null=True, blank=True)
    valid_until = models.DateField(
        _("applies to violations discovered until"), null=True, blank=True
    )
    statute_months_minor = models.PositiveSmallIntegerField(
        _("statute of limitations, minor violations (months)"),
        help_text=_("For violations that warrant a reprimand (severity 'minor')."),
    )
    statute_months_other = models.PositiveSmallIntegerField(
        _("statute of limitations, other violations (months)")
    )
    handling_period = models.PositiveSmallIntegerField(_("handling time limit"))
    handling_period_complex = models.PositiveSmallIntegerField(
        _("handling time limit, complex cases"),
        help_text=_("The longest limit after an extension for a complex case."),
    )
    handling_unit = models.CharField(
        _("unit of the handling limit"), max_length=10, choices=PeriodUnit.choices
    )
    handling_working_days = models.BooleanField(
        _("handling limit counts working days"),
        default=False,
        help_text=_(
            "Off: calendar days. On: weekends and the holidays of the working-day calendar "
            "are skipped."
        ),
    )
    deferral_reasons = models.JSONField(
        _("deferral reasons allowed"),
        default=list,
        help_text=_("Codes: illness, maternity, prosecuted, leave."),
    )
    exemption_reasons = models.JSONField(
        _("exemption reasons allowed"),
        default=list,
        blank=True,
        help_text=_(
            "Codes: lost_capacity, superior_order, force_majeure, innovation, "
            "objective_causes, deceased."
        ),
    )
    council_categories = models.JSONField(
        _("categories that go through a disciplinary council"),
        default=list,
        blank=True,
        help_text=_("Others (cadres) go from the self-review meeting to the decision."),
    )
    procedure_shortcuts = models.JSONField(
        _("steps the texts allow to leave out"),
        default=dict,
        blank=True,
        help_text=_(
            'Reason code -> skip_self_review or skip_both, e.g. {"party_discipline": '
            '"skip_both"}. Empty: none.'
        ),
    )
    effect_from_party_decision = models.BooleanField(
        _("effects count from the Party decision when there is one"),
        default=False,
        help_text=_(
            "Except buộc thôi việc. Otherwise effects count from the decision's effective date."
        ),
    )
    prior_violations = models.CharField(
        _("violations committed before this regime"),
        max_length=20,
        choices=PriorViolationRule.choices,
        default=PriorViolationRule.APPLY,
        help_text=_(
            "How the statute of limitations treats violations committed before 'applies from'."
        ),
    )
    shift_to_working_day = models.BooleanField(
        _("deadlines ending on a day off move to the next working day"),
        default=True,
        help_text=_("Civil Code 2015 art. 148 cl. 5, unless the discipline texts say otherwise."),
    )
    verified = models.BooleanField(
        _("verified against the legal text"), default=False, help_text=UNVERIFIED_HELP
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disciplinary regime")
        verbose_name_plural = _("disciplinary regimes")
        ordering = ["valid_from", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="regime_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(handling_period_complex__gte=models.F("handling_period")),
                name="regime_complex_not_shorter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def clean(self) -> None:
        errors = {}
        bad = [c for c in self.categories or [] if c not in StaffCategory.values]
        if not isinstance(self.categories, list) or bad:
            errors["categories"] = _("Use a list of staff category codes.")
        bad = [c for c in self.deferral_reasons or [] if c not in DeferralReason.values]
        if not isinstance(self.deferral_reasons, list) or bad:
            errors["deferral_reasons"] = _("Use a list of deferral reason codes.")
        bad = [c for c in self.exemption_reasons or [] if c not in ExemptionReason.values]
        if not isinstance(self.exemption_reasons, list) or bad:
            errors["exemption_reasons"] = _("Use a list of exemption reason codes.")
        bad = [c for c in self.council_categories or [] if c not in StaffCategory.values]
        if not isinstance(self.council_categories, list) or bad:
            errors["council_categories"] = _("Use a list of staff category codes.")
        shortcuts = self.procedure_shortcuts or {}
        if not isinstance(shortcuts, dict) or any(
            k not in ProcedureShortcut.values or v not in ("skip_self_review", "skip_both")
            for k, v in shortcuts.items()
        ):
            errors["procedure_shortcuts"] = _(
                "Map shortcut reason codes to skip_self_review or skip_both."
            )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end date is before the start date.")
        if (self.handling_period_complex or 0) < (self.handling_period or 0):
            errors["handling_period_complex"] = _(
                "The limit for complex cases cannot be shorter than the normal limit."
            )
        if errors:
            raise ValidationError(errors)


class DisciplineForm(models.Model):
    """A disciplinary form available to one staff category under one regime, with its effects."""

    regime = models.ForeignKey(
        DisciplineRegime, verbose_name=_("regime"), on_delete=models.CASCADE, related_name="forms"
    )
    form = models.CharField(_("form"), max_length=20, choices=DisciplineFormCode.choices)
    category = models.CharField(_("staff category"), max_length=20, choices=StaffCategory.choices)
    leaders_only = models.BooleanField(_("leaders and managers only"), default=False)
    non_leaders_only = models.BooleanField(_("non-leaders only"), default=False)
    level = models.PositiveSmallIntegerField(
        _("level"),
        help_text=_(
            "Order of severity: a new violation during a running sanction needs a higher level."
        ),
    )
    effect_months = models.PositiveSmallIntegerField(
        _("effect period (months)"),
        help_text=_(
            "No promotion, succession planning, training nomination or appointment during "
            "this period; 0 for none."
        ),
    )
    salary_delay_months = models.PositiveSmallIntegerField(
        _("salary-step delay (months)"), default=0
    )
    verified = models.BooleanField(
        _("verified against the legal text"), default=False, help_text=UNVERIFIED_HELP
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disciplinary form")
        verbose_name_plural = _("disciplinary forms")
        ordering = ["regime", "category", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "form", "category"], name="discipline_form_unique"
            ),
            models.CheckConstraint(
                condition=~(Q(leaders_only=True) & Q(non_leaders_only=True)),
                name="discipline_form_leader_flags",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regime.code} {self.get_category_display()}: {self.get_form_display()}"


# --- Conditions on disciplinary cases, written once (core/conditions.py, docs/casework.md) ---
CASE_OPEN_STATUSES = (
    CaseStatus.OPENED,
    CaseStatus.SELF_REVIEW,
    CaseStatus.COUNCIL,
    CaseStatus.POSTPONED,
)
CASE_CLOSED_STATUSES = (CaseStatus.DECIDED, CaseStatus.CLOSED_NO_ACTION, CaseStatus.EXEMPT)


def case_open() -> Q:
    """Not decided, closed or exempt (the statuses are the case's state now)."""
    return Q(status__in=CASE_OPEN_STATUSES)


def case_closed() -> Q:
    """Decided, closed without discipline, or exempt."""
    return Q(status__in=CASE_CLOSED_STATUSES)


def case_open_past_deadline(as_of=None) -> Q:
    """Open with the handling deadline before ``as_of``."""
    return Q(handling_deadline__lt=day_or_today(as_of)) & case_open()


def case_overdue(as_of=None) -> Q:
    """Decided after the handling deadline, or open past it on ``as_of`` (docs/INTERFACES.md)."""
    late_decision = Q(status=CaseStatus.DECIDED, decision_date__gt=models.F("handling_deadline"))
    return late_decision | case_open_past_deadline(as_of)


def case_handled_in_time() -> Q:
    """Decided by the handling deadline (or with none), or closed without a decision."""
    return Q(status=CaseStatus.DECIDED) & (
        Q(handling_deadline__isnull=True) | Q(decision_date__lte=models.F("handling_deadline"))
    ) | Q(status__in=(CaseStatus.CLOSED_NO_ACTION, CaseStatus.EXEMPT))


class DisciplinaryCaseQuerySet(models.QuerySet):
    def still_open(self) -> DisciplinaryCaseQuerySet:
        return self.filter(case_open())

    def overdue(self, day: dt.date) -> DisciplinaryCaseQuerySet:
        """``case_overdue``: decided after the handling deadline, or open past it
        (docs/INTERFACES.md)."""
        return self.filter(case_overdue(day))

    def open_past_deadline(self, day: dt.date) -> DisciplinaryCaseQuerySet:
        """``case_open_past_deadline``: open with the handling deadline before ``day``."""
        return self.filter(case_open_past_deadline(day))

    def handling_due_between(self, first: dt.date, last: dt.date) -> DisciplinaryCaseQuerySet:
        """Open cases whose handling deadline falls between ``first`` and ``last`` (both
        included)."""
        return self.still_open().filter(handling_deadline__gte=first, handling_deadline__lte=last)

    def limitation_expiring(self, day: dt.date, within_days: int) -> DisciplinaryCaseQuerySet:
        """Open cases whose statute of limitations ends within ``within_days`` of ``day``."""
        return self.still_open().filter(
            statute_deadline__gte=day, statute_deadline__lte=day + dt.timedelta(days=within_days)
        )


class DisciplinaryCase(models.Model):
    """A disciplinary case against one staff member, with its computed deadlines.

    ``regime``, the deadlines and ``effect_ends_on`` are computed by
    ``inspections.casework.services`` from the rules in force and stored, with the
    explanation of each computation, so that they can be filtered in SQL and
    checked by a person.
    """

    staff = models.ForeignKey(
        "staff.Staff",
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="discipline_cases",
    )
    unit = models.ForeignKey(
        "staff.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="discipline_cases",
        help_text=_(
            "The staff member's unit when the case was opened, kept for historical reports."
        ),
    )
    findings = models.ManyToManyField(
        Finding, verbose_name=_("findings"), blank=True, related_name="discipline_cases"
    )
    summary = models.TextField(_("summary of the violation"), blank=True)
    violation_date = models.DateField(_("date of the violation"))
    violation_ended_on = models.DateField(
        _("violation ended on"),
        null=True,
        blank=True,
        help_text=_(
            "For a violation that lasted: the day it ended. The statute runs from this day."
        ),
    )
    violation_ongoing = models.BooleanField(
        _("end of the violation not known"),
        default=False,
        help_text=_(
            "The violation was still going on when discovered, or its end cannot be "
            "established: the statute then runs from the competent body's conclusion that "
            "there was a violation."
        ),
    )
    violation_concluded_on = models.DateField(
        _("competent body concluded there was a violation on"),
        null=True,
        blank=True,
        help_text=_(
            "For a violation whose end is not known, the statute of limitations runs from "
            "this date."
        ),
    )
    repeat_violation = models.BooleanField(
        _("repeat of a violation already disciplined (tái phạm)"),
        default=False,
        help_text=_(
            "A repeated minor violation warrants a warning, not a reprimand: the longer "
            "statute applies."
        ),
    )
    discovered_on = models.DateField(_("discovered on"))
    opened_on = models.DateField(_("opened on"))
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    no_limitation_reason = models.CharField(
        _("no statute of limitations because"),
        max_length=20,
        choices=NoLimitationReason.choices,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPENED
    )
    postponed_from = models.CharField(
        _("status before deferral"),
        max_length=20,
        choices=CaseStatus.choices,
        blank=True,
        editable=False,
    )
    deferral_reason = models.CharField(
        _("deferral reason"), max_length=20, choices=DeferralReason.choices, blank=True
    )
    exemption_reason = models.CharField(
        _("exemption reason"), max_length=20, choices=ExemptionReason.choices, blank=True
    )
    shortcut_reason = models.CharField(
        _("step left out because"),
        max_length=30,
        choices=ProcedureShortcut.choices,
        blank=True,
        help_text=_(
            "Set when the texts allow leaving out the self-review meeting or the council "
            "for this case."
        ),
    )
    regime = models.CharField(_("regime"), max_length=3, choices=RegimeCode.choices, editable=False)
    regime_rule = models.ForeignKey(
        DisciplineRegime,
        verbose_name=_("regime rule applied"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    statute_deadline = models.DateField(
        _("statute of limitations ends"), null=True, blank=True, editable=False
    )
    statute_explanation = models.TextField(
        _("how the statute deadline was computed"), blank=True, editable=False
    )
    handling_base_deadline = models.DateField(
        _("handling limit before extension"), null=True, editable=False
    )
    handling_deadline = models.DateField(
        _("handling deadline"), null=True, blank=True, editable=False
    )
    handling_explanation = models.TextField(
        _("how the handling deadline was computed"), blank=True, editable=False
    )
    suspended_days = models.PositiveIntegerField(
        _("days not counted (suspensions)"), default=0, editable=False
    )
    extension_days = models.PositiveIntegerField(_("extension (days)"), default=0, editable=False)
    extension_reason = models.TextField(_("extension reason"), blank=True, editable=False)
    extended_on = models.DateField(_("extended on"), null=True, blank=True, editable=False)
    decision_form = models.CharField(
        _("disciplinary form decided"),
        max_length=20,
        choices=DisciplineFormCode.choices,
        blank=True,
        editable=False,
    )
    decision_number = models.CharField(
        _("decision number"), max_length=60, blank=True, editable=False
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True, editable=False)
    decision_signer = models.CharField(
        _("decision signed by"), max_length=150, blank=True, editable=False
    )
    decision_effective_on = models.DateField(
        _("decision takes effect on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The effective date the decision states; the effect period counts from it."),
    )
    party_decision_on = models.DateField(
        _("Party decision on the same violation, effective on"),
        null=True,
        blank=True,
        editable=False,
    )
    warranted_form = models.CharField(
        _("form the violation warrants on its own"),
        max_length=20,
        choices=DisciplineFormCode.choices,
        blank=True,
        editable=False,
        help_text=_(
            "For a violation committed while another sanction ran: the form it would get by itself."
        ),
    )
    effect_ends_on = models.DateField(_("effects end on"), null=True, blank=True, editable=False)
    salary_delay_months = models.PositiveSmallIntegerField(
        _("salary-step delay (months)"), null=True, editable=False
    )
    effect_explanation = models.TextField(
        _("how the effects were computed"), blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[findings])

    objects = DisciplinaryCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("disciplinary case")
        verbose_name_plural = _("disciplinary cases")
        ordering = ["-discovered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discovered_on__gte=models.F("violation_date")),
                name="case_discovered_after_violation",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided")
                | (Q(decision_date__isnull=False) & ~Q(decision_form="")),
                name="case_decided_has_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "handling_deadline"], name="case_status_handling"),
            models.Index(fields=["status", "statute_deadline"], name="case_status_statute"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.staff}"

    def clean(self) -> None:
        errors = {}
        if self.violation_date and self.discovered_on and self.discovered_on < self.violation_date:
            errors["discovered_on"] = _("The violation cannot be discovered before it happened.")
        if (
            self.violation_ended_on
            and self.violation_date
            and self.violation_ended_on < self.violation_date
        ):
            errors["violation_ended_on"] = _("The violation cannot end before it began.")
        if (
            self.violation_ended_on
            and self.discovered_on
            and self.violation_ended_on > self.discovered_on
        ):
            errors["violation_ended_on"] = _(
                "A violation that ended after its discovery is ongoing: tick 'ongoing' instead."
            )
        if self.violation_ongoing and self.violation_ended_on:
            errors["violation_ongoing"] = _("An ongoing violation has no end date.")
        if self.opened_on and self.discovered_on and self.opened_on < self.discovered_on:
            errors["opened_on"] = _("A case cannot be opened before the violation was discovered.")
        if (
            self.violation_concluded_on
            and self.violation_date
            and self.violation_concluded_on < self.violation_date
        ):
            errors["violation_concluded_on"] = _("The conclusion cannot come before the violation.")
        if self.violation_concluded_on and not self.violation_ongoing:
            errors["violation_concluded_on"] = _(
                "The conclusion date starts the statute only when the end of the violation "
                "is not known."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return matches(self, case_open())

    def is_overdue(self, day: dt.date) -> bool:
        return matches(self, case_overdue(day))


class DisciplineStep(models.Model):
    """One step of a case's workflow: who moved it, when, from where to where, and why."""

    case = models.ForeignKey(
        DisciplinaryCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="steps"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CaseStatus.choices)
    on = models.DateField(_("date of the step"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("disciplinary step")
        verbose_name_plural = _("disciplinary steps")
        ordering = ["case", "on", "id"]

    def __str__(self) -> str:
        return (
            f"{self.get_from_status_display() or '-'} → {self.get_to_status_display()} "
            f"({self.on:%d/%m/%Y})"
        )


class CaseSuspension(models.Model):
    """A period that does not count towards the handling limit (criminal proceedings,
    deferral...)."""

    case = models.ForeignKey(
        DisciplinaryCase,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="suspensions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SuspensionKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while it lasts."))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("period not counted")
        verbose_name_plural = _("periods not counted")
        ordering = ["case", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="suspension_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        end = f"{self.end:%d/%m/%Y}" if self.end else "…"
        return f"{self.get_kind_display()} {self.start:%d/%m/%Y} - {end}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date is before the start date.")})


def _evidence_path(instance: Evidence, filename: str) -> str:
    # A random name: the stored path reveals nothing and cannot be guessed; the
    # extension is the sniffed type's, never the one the uploader gave.
    return f"evidence/{uuid.uuid4().hex}.{extension_for(instance.content_type)}"


class Evidence(models.Model):
    """A file supporting an inspection, a finding, a corrective action or a case.

    Exactly one parent is set. ``unit`` copies the parent's unit so scoping is
    one query; the file is served only through the permission-checked API
    action, never from a public media URL.
    """

    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    corrective_action = models.ForeignKey(
        CorrectiveAction, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    case = models.ForeignKey(
        DisciplinaryCase, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    unit = models.ForeignKey(
        "staff.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices, editable=False)
    content_type = models.CharField(_("content type"), max_length=120, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        inspection__isnull=False,
                        finding__isnull=True,
                        corrective_action__isnull=True,
                        case__isnull=True,
                    )
                    | Q(
                        inspection__isnull=True,
                        finding__isnull=False,
                        corrective_action__isnull=True,
                        case__isnull=True,
                    )
                    | Q(
                        inspection__isnull=True,
                        finding__isnull=True,
                        corrective_action__isnull=False,
                        case__isnull=True,
                    )
                    | Q(
                        inspection__isnull=True,
                        finding__isnull=True,
                        corrective_action__isnull=True,
                        case__isnull=False,
                    )
                ),
                name="evidence_exactly_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def parent(self):
        return self.inspection or self.finding or self.corrective_action or self.case
