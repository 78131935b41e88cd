"""FilterSets for procedures, dossiers, period reports, PAR results and plans (API and admin)."""

from __future__ import annotations

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import MultipleChoiceFilter, YearFilter
from reform.choices import Channel, DossierState, PlanItemStatus, ProcedureLevel, ReportScope
from reform.models import (
    Dossier,
    ImprovementItem,
    ImprovementPlan,
    ParResult,
    Procedure,
    ServiceReport,
    item_overdue,
)
from staff.filtersets import UnitSubtreeFilter


class ProcedureFilterSet(filters.FilterSet):
    level = MultipleChoiceFilter(choices=ProcedureLevel.choices)
    field = filters.CharFilter(field_name="field", lookup_expr="iexact", label=_("Field"))
    online = filters.BooleanFilter()
    posted_at = filters.CharFilter(method="filter_posted_at", label=_("Posted at this unit (code)"))

    class Meta:
        model = Procedure
        fields = ["level", "field", "online", "posted_at"]

    def filter_posted_at(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(postings__unit__code=value.strip())


class DossierFilterSet(filters.FilterSet):
    year = YearFilter(date_field="received_on", label=_("Year of receipt"))
    unit = UnitSubtreeFilter()
    procedure = filters.CharFilter(field_name="procedure__code", label=_("Procedure code"))
    level = MultipleChoiceFilter(choices=ProcedureLevel.choices)
    channel = MultipleChoiceFilter(choices=Channel.choices)
    electronic = filters.BooleanFilter()
    received_after = filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_before = filters.DateFilter(field_name="received_on", lookup_expr="lte")
    state = filters.ChoiceFilter(
        choices=DossierState.choices, method="filter_state", label=_("State today")
    )
    late_in_system_only = filters.BooleanFilter()
    apology_issued = filters.BooleanFilter(
        field_name="apology_issued_on", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Dossier
        fields = [
            "year",
            "unit",
            "procedure",
            "level",
            "channel",
            "electronic",
            "state",
            "late_in_system_only",
        ]

    def filter_state(self, qs, name, value):
        if not value:
            return qs
        return qs.in_state(value, timezone.localdate())


class ServiceReportFilterSet(filters.FilterSet):
    year = YearFilter(date_field="period_end", label=_("Year of the period's end"))
    unit = UnitSubtreeFilter()
    scope = MultipleChoiceFilter(choices=ReportScope.choices)
    reconciles = filters.BooleanFilter()

    class Meta:
        model = ServiceReport
        fields = ["year", "unit", "scope", "reconciles"]


class ParResultFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter()
    year = filters.NumberFilter()

    class Meta:
        model = ParResult
        fields = ["unit", "year"]


class ImprovementPlanFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter()
    year = filters.NumberFilter()

    class Meta:
        model = ImprovementPlan
        fields = ["unit", "year"]


class ImprovementItemFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter(unit_field="plan__unit")
    year = filters.NumberFilter(field_name="plan__year")
    status = MultipleChoiceFilter(choices=PlanItemStatus.choices)
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Open past the due date"))

    class Meta:
        model = ImprovementItem
        fields = ["unit", "year", "status", "overdue"]

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(item_overdue()) if value else qs.exclude(item_overdue())
