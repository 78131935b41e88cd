"""The scoring methodology as dated data, editable in the admin.

The report's only models: a methodology valid from a date, citing its source
document, and its components (formula over the report's metrics, weight,
minimum sample). ``reports.scoring`` does the arithmetic on the plain
dataclasses ``to_methodology()`` returns, so the pure scoring stays free of
the ORM.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports import scoring


def _validate_formula(value: str) -> None:
    try:
        scoring.parse(value)
    except scoring.FormulaError as exc:
        raise ValidationError(
            _("Write arithmetic (+ - * / and parentheses) over metric names, e.g. %(example)s."),
            params={"example": "corrective_actions_on_time / corrective_actions_due"},
            code="formula",
        ) from exc


class MethodologyQuerySet(models.QuerySet["ScoringMethodology"]):
    def in_force_on(self, day: dt.date) -> ScoringMethodology | None:
        """The methodology with the latest ``valid_from`` on or before ``day``."""
        return (
            self.filter(valid_from__lte=day)
            .order_by("-valid_from")
            .prefetch_related("components")
            .first()
        )


class ScoringMethodology(models.Model):
    """A version of the scoring method, in force from ``valid_from`` until the next one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"), unique=True)
    source_document = models.CharField(
        _("source document"),
        max_length=300,
        help_text=_("Number, date and issuer of the document the method follows."),
    )
    source_url = models.URLField(_("link to the source document"), blank=True)
    description = models.TextField(_("description"), blank=True)
    min_staff = models.PositiveSmallIntegerField(
        _("minimum staff to be ranked"),
        default=5,
        help_text=_("Units with fewer staff are scored but not ranked."),
    )

    objects = MethodologyQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring methodology")
        verbose_name_plural = _("scoring methodologies")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y})"

    def to_methodology(self) -> scoring.Methodology:
        return scoring.Methodology(
            code=self.code,
            name=self.name,
            valid_from=self.valid_from,
            source_document=self.source_document,
            description=self.description,
            min_staff=self.min_staff,
            components=tuple(c.to_component() for c in self.components.all()),
        )


class ScoringComponent(models.Model):
    """One component of a methodology: formula, sample, weight and minimum sample."""

    methodology = models.ForeignKey(
        ScoringMethodology,
        verbose_name=_("methodology"),
        on_delete=models.CASCADE,
        related_name="components",
    )
    key = models.CharField(
        _("key"),
        max_length=40,
        validators=[
            RegexValidator(r"^[a-z0-9_]+$", _("Lower-case letters, digits and underscores."))
        ],
        help_text=_("Stable name of the component in the JSON and CSV."),
    )
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    formula = models.CharField(
        _("formula"),
        max_length=300,
        validators=[_validate_formula],
        help_text=_("Value between 0 and 1 (1 is best) over the report's metrics."),
    )
    sample = models.CharField(
        _("sample"),
        max_length=300,
        validators=[_validate_formula],
        help_text=_("Number of cases the value rests on, usually the formula's denominator."),
    )
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    min_sample = models.PositiveIntegerField(
        _("minimum sample"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Below it the component is left out for the unit and the other weights are rescaled."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring component")
        verbose_name_plural = _("scoring components")
        ordering = ["methodology", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "key"], name="scoring_component_unique_key"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="scoring_component_weight_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(min_sample__gte=1), name="scoring_component_min_sample"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def to_component(self) -> scoring.Component:
        return scoring.Component(
            key=self.key,
            name=self.name,
            name_en=self.name_en,
            formula=self.formula,
            sample=self.sample,
            weight=float(self.weight),
            min_sample=self.min_sample,
        )


def methodology_for(day: dt.date) -> scoring.Methodology:
    """The methodology in force on ``day``: the stored one, else the built-in default."""
    stored = ScoringMethodology.objects.in_force_on(day)
    if stored is not None and stored.components.all():
        return stored.to_methodology()
    return scoring.default_methodology(day)
