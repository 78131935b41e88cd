"""FilterSet of citizen feedback, shared by the triage API and its exports."""

from __future__ import annotations

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import MultipleChoiceFilter
from inspections.feedback.choices import FeedbackStatus
from inspections.feedback.models import CitizenFeedback
from staff.filtersets import UnitSubtreeFilter


class CitizenFeedbackFilterSet(filters.FilterSet):
    unit = UnitSubtreeFilter()
    status = MultipleChoiceFilter(choices=FeedbackStatus.choices)
    category = filters.CharFilter(field_name="category__code", label=_("Category code"))
    staff = filters.CharFilter(field_name="staff__code", label=_("Staff code"))
    assigned_to = filters.CharFilter(
        field_name="assigned_to__username", label=_("Assigned inspector (user name)")
    )
    is_formal = filters.BooleanFilter()
    substantiated = filters.BooleanFilter()
    received_after = filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("Received on or after")
    )
    received_before = filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("Received on or before")
    )
    overdue = filters.BooleanFilter(
        method="filter_overdue", label=_("Unanswered after the due date today")
    )
    tracking_code = filters.CharFilter(lookup_expr="iexact", label=_("Tracking code"))

    class Meta:
        model = CitizenFeedback
        fields = [
            "unit",
            "status",
            "category",
            "staff",
            "assigned_to",
            "is_formal",
            "substantiated",
        ]

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = qs.overdue(timezone.localdate())
        return overdue if value else qs.exclude(pk__in=overdue.values("pk"))
