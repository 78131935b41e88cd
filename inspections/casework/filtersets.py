"""FilterSets of the casework lists, shared by the API and the admin."""

from __future__ import annotations

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import MultipleChoiceFilter, YearFilter
from inspections.casework.choices import (
    ActionStatus,
    CaseStatus,
    DisciplineFormCode,
    InspectionKind,
    InspectionStatus,
    RegimeCode,
    Severity,
)
from inspections.models import CorrectiveAction, DisciplinaryCase, Evidence, Finding, Inspection
from staff.filtersets import UnitSubtreeFilter


class InspectionFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter()
    kind = filters.ChoiceFilter(choices=InspectionKind.choices)
    status = filters.ChoiceFilter(choices=InspectionStatus.choices)
    date_from = filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("Started on or after")
    )
    date_to = filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("Started on or before")
    )
    year = YearFilter(date_field="start_date", label=_("Year started"))

    class Meta:
        model = Inspection
        fields = ["unit", "kind", "status"]


class FindingFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter()
    inspection = filters.CharFilter(field_name="inspection__code", label=_("Inspection code"))
    kind = filters.ChoiceFilter(
        field_name="inspection__kind", choices=InspectionKind.choices, label=_("Inspection kind")
    )
    category = filters.CharFilter(field_name="category__code", label=_("Category code"))
    severity = MultipleChoiceFilter(choices=Severity.choices)
    staff = filters.CharFilter(field_name="staff__code", label=_("Staff code"))
    substantiated = filters.BooleanFilter()
    date_from = filters.DateFilter(
        field_name="found_on", lookup_expr="gte", label=_("Found on or after")
    )
    date_to = filters.DateFilter(
        field_name="found_on", lookup_expr="lte", label=_("Found on or before")
    )

    class Meta:
        model = Finding
        fields = ["unit", "inspection", "category", "severity", "staff", "substantiated"]


class CorrectiveActionFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter()
    finding = filters.NumberFilter(field_name="finding_id")
    status = MultipleChoiceFilter(choices=ActionStatus.choices)
    category = filters.CharFilter(field_name="finding__category__code", label=_("Category code"))
    severity = MultipleChoiceFilter(field_name="finding__severity", choices=Severity.choices)
    kind = filters.ChoiceFilter(
        field_name="finding__inspection__kind",
        choices=InspectionKind.choices,
        label=_("Inspection kind"),
    )
    date_from = filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Due on or after")
    )
    date_to = filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due on or before")
    )
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Overdue today"))

    class Meta:
        model = CorrectiveAction
        fields = ["unit", "finding", "status"]

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = CorrectiveAction.objects.overdue(timezone.localdate()).values("pk")
        return qs.filter(pk__in=overdue) if value else qs.exclude(pk__in=overdue)


class DisciplinaryCaseFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter()
    staff = filters.CharFilter(field_name="staff__code", label=_("Staff code"))
    status = MultipleChoiceFilter(choices=CaseStatus.choices)
    severity = MultipleChoiceFilter(choices=Severity.choices)
    regime = filters.ChoiceFilter(choices=RegimeCode.choices)
    decision_form = filters.ChoiceFilter(choices=DisciplineFormCode.choices)
    category = filters.CharFilter(
        field_name="findings__category__code", distinct=True, label=_("Finding category code")
    )
    kind = filters.ChoiceFilter(
        field_name="findings__inspection__kind",
        choices=InspectionKind.choices,
        distinct=True,
        label=_("Inspection kind"),
    )
    date_from = filters.DateFilter(
        field_name="discovered_on", lookup_expr="gte", label=_("Discovered on or after")
    )
    date_to = filters.DateFilter(
        field_name="discovered_on", lookup_expr="lte", label=_("Discovered on or before")
    )
    decided_from = filters.DateFilter(
        field_name="decision_date", lookup_expr="gte", label=_("Decided on or after")
    )
    decided_to = filters.DateFilter(
        field_name="decision_date", lookup_expr="lte", label=_("Decided on or before")
    )
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Past the handling deadline"))
    limitation_expiring_within = filters.NumberFilter(
        method="filter_limitation",
        min_value=0,
        max_value=36500,
        label=_("Open cases whose statute of limitations ends within N days"),
    )

    class Meta:
        model = DisciplinaryCase
        fields = ["unit", "staff", "status", "severity", "regime", "decision_form"]

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = DisciplinaryCase.objects.overdue(timezone.localdate()).values("pk")
        return qs.filter(pk__in=overdue) if value else qs.exclude(pk__in=overdue)

    def filter_limitation(self, qs, name, value):
        if value is None:
            return qs
        return qs.limitation_expiring(timezone.localdate(), int(value))


class EvidenceFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter()
    inspection = filters.CharFilter(field_name="inspection__code")
    finding = filters.NumberFilter(field_name="finding_id")
    corrective_action = filters.NumberFilter(field_name="corrective_action_id")
    case = filters.NumberFilter(field_name="case_id")

    class Meta:
        model = Evidence
        fields = ["unit", "inspection", "finding", "corrective_action", "case", "kind"]
