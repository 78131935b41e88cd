"""The unit tree and the roster of cadres, civil servants and public employees."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import nfc, search_key
from staff.choices import Gender, StaffCategory, StaffStatus, UnitLevel

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, dot, dash or underscore, starting with a letter or digit."),
)


def in_subtree(root: Unit | str, via: str = "") -> Q:
    """Rows whose unit is ``root`` or lies below it: the one home of a subtree lookup.

    ``via`` is the path from the filtered model to its unit (``"unit"``,
    ``"organizer_unit"``, ``"finding__unit"``; empty for units themselves).
    ``root`` is a unit or a materialised path (``"/1/4/"``). Units store their
    path from the root, so a subtree is one indexed prefix match.
    """
    path = root if isinstance(root, str) else root.path
    return Q(**{f"{via}__path__startswith" if via else "path__startswith": path})


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: dt.date) -> UnitQuerySet:
        """Units in force on ``day`` (valid_from <= day <= valid_until)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def active_during(self, start: dt.date, end: dt.date) -> UnitQuerySet:
        """Units in force at some point of [start, end]."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=start)
        )

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(in_subtree(unit))


class Unit(models.Model):
    """A node of the administrative tree: province, district, department or commune.

    ``path`` is a materialised path of primary keys (``/1/4/17/``) so a whole
    subtree is one ``path LIKE '/1/4/%'`` query on any database. Units carry
    effective dates and a successor because units merge: on 2025-07-01 the
    district tier was dissolved and communes merged, yet a 2019 report must
    show 2019's units.
    """

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text=_("The unit that took over this one after a merger or dissolution."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)

    objects = UnitQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = nfc(self.name)
        self.name_key = search_key(self.name)
        self.code = self.code.strip()
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent is not None else "/"
            new_path = f"{parent_path}{self.pk}/"
            if new_path != old_path:
                Unit.objects.filter(pk=self.pk).update(path=new_path, depth=new_path.count("/") - 2)
                if old_path:
                    # Move the whole subtree with one UPDATE.
                    Unit.objects.filter(in_subtree(old_path)).exclude(pk=self.pk).update(
                        path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1))
                    )
                    self._fix_depths(new_path)
                self.path = new_path
                self.depth = new_path.count("/") - 2

    def clean(self) -> None:
        self.name = nfc(self.name)
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or (
                self.parent is not None and (self.parent.path or "").startswith(self.path or "//")
            ):
                raise ValidationError(
                    {"parent": _("A unit cannot be placed under itself or its own sub-unit.")}
                )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end date is before the start date.")})

    @staticmethod
    def _fix_depths(prefix: str) -> None:
        for unit in Unit.objects.filter(in_subtree(prefix)).only("pk", "path"):
            Unit.objects.filter(pk=unit.pk).update(depth=unit.path.count("/") - 2)

    def is_active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def ancestors(self) -> UnitQuerySet:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return Unit.objects.filter(pk__in=ids).exclude(pk=self.pk).order_by("depth")

    def subtree(self) -> UnitQuerySet:
        return Unit.objects.filter(in_subtree(self))


class StaffQuerySet(models.QuerySet):
    def in_unit_subtree(self, unit: Unit) -> StaffQuerySet:
        return self.filter(in_subtree(unit, "unit"))

    def employed_during(self, start: dt.date, end: dt.date) -> StaffQuerySet:
        return self.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=end)).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=start)
        )

    def sanctioned_on(self, day: dt.date) -> StaffQuerySet:
        return self.filter(sanction_until__gte=day)


class Staff(models.Model):
    """A cadre, civil servant, public employee or contract staff member."""

    code = models.CharField(
        _("staff code"), max_length=40, unique=True, validators=[code_validator]
    )
    full_name = models.CharField(_("full name"), max_length=150)
    name_key = models.CharField(max_length=150, editable=False, db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff"
    )
    category = models.CharField(_("category"), max_length=20, choices=StaffCategory.choices)
    position = models.CharField(_("position"), max_length=150, blank=True)
    is_leader = models.BooleanField(
        _("holds a leadership or management post"),
        default=False,
        help_text=_("Leaders and managers may receive demotion or dismissal from post."),
    )
    rank = models.CharField(_("rank (ngạch)"), max_length=100, blank=True)
    salary_step = models.PositiveSmallIntegerField(_("salary step"), null=True, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StaffStatus.choices, default=StaffStatus.ACTIVE
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Set by the discipline workflow (inspections) when a decision's effects
    # run; training and promotion read it without importing inspections.
    sanction_until = models.DateField(
        _("under a disciplinary sanction until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "While this date is not passed the person is not eligible for promotion, "
            "appointment or training nomination."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StaffQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["unit__path", "name_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="staff_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="staff_unit_status")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        self.full_name = nfc(self.full_name)
        self.name_key = search_key(self.full_name)
        self.code = self.code.strip()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.full_name = nfc(self.full_name)
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth is in the future.")
        if self.date_of_birth and self.date_of_birth.year < 1900:
            errors["date_of_birth"] = _("The date of birth is not plausible.")
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors["left_on"] = _("The leaving date is before the joining date.")
        if self.status == StaffStatus.LEFT and not self.left_on:
            errors["left_on"] = _("Give the leaving date of a person who has left.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_sanctioned(self) -> bool:
        return bool(self.sanction_until and self.sanction_until >= timezone.localdate())


class UnitHead(models.Model):
    """Links a user account to the unit it heads: the user sees that subtree only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="unit_head",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="heads"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit head account")
        verbose_name_plural = _("unit head accounts")

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"
