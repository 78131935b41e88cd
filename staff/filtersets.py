"""FilterSets for units and staff, shared by the API and HTML lists."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from staff.choices import StaffCategory, StaffStatus, UnitLevel
from staff.models import Staff, Unit, in_subtree


class UnitSubtreeFilter(filters.CharFilter):
    """``?unit=CODE`` matches rows of that unit and every unit below it."""

    def __init__(self, *args, unit_field: str = "unit", **kwargs):
        self.unit_field = unit_field
        kwargs.setdefault("label", _("Unit code (with its sub-units)"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        unit = Unit.objects.filter(code=value.strip()).only("path").first()
        if unit is None:
            return qs.none()
        return qs.filter(in_subtree(unit, self.unit_field))


class UnitFilterSet(filters.FilterSet):
    level = filters.ChoiceFilter(choices=UnitLevel.choices)
    parent = filters.CharFilter(field_name="parent__code", label=_("Parent unit code"))
    within = UnitSubtreeFilter(unit_field="", label=_("Unit code: this unit and its sub-units"))
    active_on = filters.DateFilter(method="filter_active_on", label=_("In force on (YYYY-MM-DD)"))

    class Meta:
        model = Unit
        fields = ["level", "parent", "within", "active_on"]

    def filter_active_on(self, qs, name, value):
        return qs.active_on(value) if value else qs


class StaffFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter()
    category = filters.ChoiceFilter(choices=StaffCategory.choices)
    status = filters.ChoiceFilter(choices=StaffStatus.choices)
    gender = filters.CharFilter()
    is_leader = filters.BooleanFilter()
    sanctioned = filters.BooleanFilter(
        method="filter_sanctioned", label=_("Under a disciplinary sanction today")
    )
    born_after = filters.DateFilter(field_name="date_of_birth", lookup_expr="gte")
    born_before = filters.DateFilter(field_name="date_of_birth", lookup_expr="lte")

    class Meta:
        model = Staff
        fields = ["unit", "category", "status", "gender", "is_leader"]

    def filter_sanctioned(self, qs, name, value):
        from django.utils import timezone

        today = timezone.localdate()
        if value is None:
            return qs
        return (
            qs.filter(sanction_until__gte=today) if value else qs.exclude(sanction_until__gte=today)
        )
