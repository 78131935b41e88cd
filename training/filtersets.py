"""FilterSets for topics, courses and enrolments, shared by the API and the admin pages."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filters import MultipleChoiceFilter
from core.filters import YearFilter as CoreYearFilter
from staff.choices import StaffCategory
from staff.filtersets import UnitSubtreeFilter
from staff.models import Staff, Unit, in_subtree
from training import rules
from training.choices import CourseKind, CourseMode, EnrolmentStatus, OrganizerLevel
from training.models import Course, Enrolment, TrainingRequirement


class YearFilter(CoreYearFilter):
    """``?year=2019``: courses starting that year (a turn's period is its course's start)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Year (of the course's start)"))
        super().__init__(*args, **kwargs)


class CourseFilterSet(filters.FilterSet):
    year = YearFilter()
    unit = filters.CharFilter(
        method="filter_unit",
        label=_("Unit code: courses organised by it or attended by its staff (with sub-units)"),
    )
    topic = filters.CharFilter(field_name="topic__code", label=_("Topic code"))
    kind = filters.ChoiceFilter(choices=CourseKind.choices)
    organizer_level = MultipleChoiceFilter(choices=OrganizerLevel.choices)
    mode = filters.ChoiceFilter(choices=CourseMode.choices)
    status = MultipleChoiceFilter(
        choices=EnrolmentStatus.choices,
        method="filter_status",
        label=_("Has enrolments with this status"),
    )
    starts_after = filters.DateFilter(field_name="start_date", lookup_expr="gte")
    starts_before = filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Course
        fields = ["year", "unit", "topic", "kind", "organizer_level", "mode", "status"]

    def filter_unit(self, qs, name, value):
        if not value:
            return qs
        unit = Unit.objects.filter(code=value.strip()).only("path").first()
        if unit is None:
            return qs.none()
        participants = Enrolment.objects.filter(in_subtree(unit, "unit"), course=OuterRef("pk"))
        return qs.filter(in_subtree(unit, "organizer_unit") | Exists(participants))

    def filter_status(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(Exists(Enrolment.objects.filter(course=OuterRef("pk"), status__in=value)))


class EnrolmentFilterSet(filters.FilterSet):
    year = YearFilter(date_field="course__start_date")
    unit = UnitSubtreeFilter(label=_("Unit code at enrolment (with sub-units)"))
    current_unit = UnitSubtreeFilter(
        unit_field="staff__unit", label=_("Current unit code of the staff member (with sub-units)")
    )
    course = filters.CharFilter(field_name="course__code", label=_("Course code"))
    staff = filters.CharFilter(field_name="staff__code", label=_("Staff code"))
    category = filters.ChoiceFilter(field_name="staff__category", choices=StaffCategory.choices)
    topic = filters.CharFilter(field_name="course__topic__code", label=_("Topic code"))
    kind = filters.ChoiceFilter(field_name="course__kind", choices=CourseKind.choices)
    organizer_level = MultipleChoiceFilter(
        field_name="course__organizer_level", choices=OrganizerLevel.choices
    )
    status = MultipleChoiceFilter(choices=EnrolmentStatus.choices)
    turn = filters.BooleanFilter(
        method="filter_turn", label=_("Only training turns (attended or completed)")
    )
    has_certificate = filters.BooleanFilter(
        method="filter_certificate", label=_("Has a certificate")
    )

    class Meta:
        model = Enrolment
        fields = [
            "year",
            "unit",
            "course",
            "staff",
            "category",
            "topic",
            "kind",
            "organizer_level",
            "status",
        ]

    def filter_turn(self, qs, name, value):
        if value is None:
            return qs
        turn = Q(status__in=sorted(rules.TURN_STATUSES))
        return qs.filter(turn) if value else qs.exclude(turn)

    def filter_certificate(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(certificate_number="") if value else qs.filter(certificate_number="")


class TrainingRequirementFilterSet(filters.FilterSet):
    class Meta:
        model = TrainingRequirement
        fields = ["year", "category"]


class ComplianceFilterSet(filters.FilterSet):
    """Filters of the per-staff compliance list (the year is a required parameter of the view)."""

    unit = UnitSubtreeFilter()
    category = filters.ChoiceFilter(choices=StaffCategory.choices)
    meets = filters.BooleanFilter(method="filter_meets", label=_("Meets the requirement"))
    counted = filters.BooleanFilter(method="filter_counted", label=_("A requirement applies"))

    class Meta:
        model = Staff
        fields = ["unit", "category", "meets", "counted"]

    def filter_meets(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(meets=value)

    def filter_counted(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(required_hours__isnull=not value)
