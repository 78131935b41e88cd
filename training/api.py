"""Training API: topics, courses (with bulk enrolment and attendance), enrolments, compliance.

Routes (docs/contract.md): ``/api/v1/courses/``, ``/api/v1/enrolments/``, plus
``/api/v1/training-topics/`` and ``/api/v1/training-compliance/``. HR writes,
unit heads read their subtree, the auditor reads. A unit head sees a course
when it was organised by a unit of their subtree or one of its participants
was in their subtree at enrolment.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import has_perm
from core.dates import year_in_range
from core.exports import ExportMixin
from core.history import HistoryViewSetMixin
from core.validation import ModelCleanMixin
from staff.access import RestrictedViewSetMixin, scope_of, unit_in_scope
from staff.api import StaffCodeField, UnitCodeField
from staff.choices import StaffCategory
from staff.models import Staff, Unit
from training import rules, services
from training.choices import EnrolmentStatus
from training.compliance import staff_compliance, unit_compliance
from training.filtersets import ComplianceFilterSet, CourseFilterSet, EnrolmentFilterSet
from training.models import Course, Enrolment, TrainingTopic

CODE_REGEX = r"[A-Za-z0-9][A-Za-z0-9_.-]*"


def _year_param(request) -> int:
    raw = request.query_params.get("year", "")
    try:
        year = int(raw)
    except ValueError:
        raise exceptions.ValidationError(
            {"year": [_("Give the year as four digits, e.g. 2019.")]}
        ) from None
    if not year_in_range(year):
        raise exceptions.ValidationError({"year": [_("Give the year as four digits, e.g. 2019.")]})
    return year


class TrainingTopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingTopic
        fields = ["code", "name", "description", "sort_order"]


class TrainingTopicViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """The topic catalogue (extendable by HR)."""

    queryset = TrainingTopic.objects.all()
    serializer_class = TrainingTopicSerializer
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    search_key_fields = ("name_key",)
    search_code_fields = ("code",)
    ordering_fields = ["sort_order", "code", "name_key"]
    ordering = ["sort_order", "name_key"]
    export_filename = "training-topics"
    export_columns = [("code", _("Code")), ("name", _("Name")), ("description", _("Description"))]


class CourseSerializer(ModelCleanMixin, serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="code", queryset=TrainingTopic.objects.all())
    topic_name = serializers.CharField(source="topic.name", read_only=True)
    organizer_unit = UnitCodeField(required=False, allow_null=True)
    hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, min_value=Decimal("0.01")
    )
    periods = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, min_value=Decimal("0.01")
    )
    enrolled_count = serializers.SerializerMethodField()
    turn_count = serializers.SerializerMethodField()
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "topic",
            "topic_name",
            "kind",
            "purpose",
            "organizer_level",
            "organizer_name",
            "organizer_unit",
            "co_organizer_name",
            "start_date",
            "end_date",
            "hours",
            "periods",
            "location",
            "mode",
            "capacity",
            "issues_certificate",
            "enrolled_count",
            "turn_count",
            "seats_left",
        ]

    def validate(self, attrs):
        hours = attrs.get("hours", getattr(self.instance, "hours", None))
        periods = attrs.get("periods", getattr(self.instance, "periods", None))
        if "hours" in attrs and "periods" not in attrs:
            attrs["periods"] = periods = rules.hours_to_periods(hours)
        elif "periods" in attrs and "hours" not in attrs:
            attrs["hours"] = hours = rules.periods_to_hours(periods)
        if hours is None and periods is None:
            raise serializers.ValidationError(
                {"hours": [_("Give the length in hours or in periods.")]}
            )
        return super().validate(attrs)

    def _counts(self, obj) -> tuple[int, int]:
        if hasattr(obj, "enrolled_count"):
            return obj.enrolled_count, obj.turn_count
        return obj.enrolments.holding_seats().count(), obj.enrolments.turns().count()

    def get_enrolled_count(self, obj) -> int:
        return self._counts(obj)[0]

    def get_turn_count(self, obj) -> int:
        return self._counts(obj)[1]

    def get_seats_left(self, obj) -> int | None:
        return rules.seats_left(obj.capacity, self._counts(obj)[0])


class BulkEnrolSerializer(serializers.Serializer):
    unit = UnitCodeField(help_text=_("Unit code whose staff are enrolled"))
    include_subtree = serializers.BooleanField(default=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=StaffCategory.choices), required=False, default=list
    )
    staff = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Restrict to these staff codes"),
    )
    sanction_override = serializers.BooleanField(default=False)
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=255
    )


class AttendanceRecordSerializer(serializers.Serializer):
    staff = serializers.CharField()
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    score = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    result = serializers.CharField(required=False, allow_blank=True, max_length=100)
    completed_on = serializers.DateField(required=False, allow_null=True)
    certificate_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    certificate_issued_on = serializers.DateField(required=False, allow_null=True)


class AttendanceSerializer(serializers.Serializer):
    records = AttendanceRecordSerializer(many=True, required=False, default=list)
    default_status = serializers.ChoiceField(
        choices=EnrolmentStatus.choices, required=False, allow_null=True, default=None
    )


class CourseViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """Courses (classes). Filters: `year`, `unit` (organised by or attended from that subtree),
    `topic`, `kind`, `organizer_level`, `status`."""

    queryset = Course.objects.select_related("topic", "organizer_unit").with_counts()
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    search_key_fields = ("title_key",)
    search_code_fields = ("code",)
    ordering_fields = ["start_date", "code", "title_key", "hours", "organizer_level"]
    ordering = ["-start_date", "code"]
    export_filename = "courses"
    export_columns = [
        ("code", _("Code")),
        ("title", _("Title")),
        ("topic__code", _("Topic")),
        ("kind", _("Kind")),
        ("organizer_level", _("Organiser level")),
        ("organizer_name", _("Organiser")),
        ("co_organizer_name", _("Co-organiser")),
        ("start_date", _("Start date")),
        ("end_date", _("End date")),
        ("hours", _("Hours")),
        ("periods", _("Periods")),
        ("mode", _("Mode")),
        ("location", _("Location")),
        ("capacity", _("Capacity")),
        ("enrolled_count", _("Enrolled")),
        ("turn_count", _("Turns")),
    ]

    @extend_schema(
        request=BulkEnrolSerializer,
        responses=inline_serializer(
            "BulkEnrolResult",
            {
                "created": serializers.IntegerField(),
                "enrolled": serializers.ListField(child=serializers.CharField()),
                "already_enrolled": serializers.ListField(child=serializers.CharField()),
                "ineligible": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField())
                ),
            },
        ),
    )
    @action(detail=True, methods=["post"], permission_classes=[has_perm("training.add_enrolment")])
    def enrol(self, request, code=None):
        """Enrol the active staff of a unit (and sub-units), optionally of some categories only."""
        course = self.get_object()
        data = BulkEnrolSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = data.validated_data["unit"]
        if not unit_in_scope(request.user, unit):
            raise exceptions.ValidationError({"unit": [_("Unknown unit.")]})
        result = services.enrolment_bulk_create(
            course=course,
            unit=unit,
            include_subtree=data.validated_data["include_subtree"],
            categories=data.validated_data["categories"],
            staff_codes=data.validated_data["staff"],
            sanction_override=data.validated_data["sanction_override"],
            override_reason=data.validated_data["override_reason"],
        )
        return Response(result.as_dict(), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AttendanceSerializer,
        responses=inline_serializer("AttendanceResult", {"updated": serializers.IntegerField()}),
    )
    @action(
        detail=True, methods=["post"], permission_classes=[has_perm("training.change_enrolment")]
    )
    def attendance(self, request, code=None):
        """Record attendance for many participants at once; `default_status` covers those still
        registered."""
        course = self.get_object()
        data = AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = services.attendance_record(
            course=course,
            records=data.validated_data["records"],
            default_status=data.validated_data["default_status"],
        )
        return Response({"updated": len(changed)})


class EnrolmentSerializer(ModelCleanMixin, serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="code", queryset=Course.objects.all())
    course_title = serializers.CharField(source="course.title", read_only=True)
    staff = StaffCodeField()
    staff_name = serializers.CharField(source="staff.full_name", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    hours = serializers.DecimalField(
        source="course.hours", max_digits=7, decimal_places=2, read_only=True
    )
    is_turn = serializers.BooleanField(read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "course",
            "course_title",
            "staff",
            "staff_name",
            "unit",
            "status",
            "is_turn",
            "hours",
            "result",
            "score",
            "completed_on",
            "certificate_number",
            "certificate_issued_on",
            "sanction_override",
            "override_reason",
            "note",
        ]
        # The service refuses duplicates with a clearer message than the generic validator.
        validators: list = []

    def validate(self, attrs):
        if self.instance is not None:
            for key in ("course", "staff"):
                if key in attrs and attrs[key] != getattr(self.instance, key):
                    raise serializers.ValidationError(
                        {key: [_("Cannot be changed; withdraw and enrol again.")]}
                    )
        staff = attrs.get("staff")
        request = self.context.get("request")
        if (
            staff is not None
            and request is not None
            and not unit_in_scope(request.user, staff.unit)
        ):
            raise serializers.ValidationError({"staff": [_("Unknown staff member.")]})
        return super().validate(attrs)

    def create(self, validated_data):
        details = {
            k: validated_data[k]
            for k in (
                "result",
                "score",
                "completed_on",
                "certificate_number",
                "certificate_issued_on",
            )
            if k in validated_data
        }
        return services.enrolment_create(
            course=validated_data["course"],
            staff=validated_data["staff"],
            status=validated_data.get("status", EnrolmentStatus.REGISTERED),
            sanction_override=validated_data.get("sanction_override", False),
            override_reason=validated_data.get("override_reason", ""),
            note=validated_data.get("note", ""),
            details=details,
        )

    def update(self, instance, validated_data):
        return services.enrolment_update(enrolment=instance, data=validated_data)


class EnrolmentViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """Enrolments, scoped by the unit at enrolment. `?turn=true` lists training turns only."""

    queryset = Enrolment.objects.select_related("course", "staff", "unit")
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilterSet
    search_key_fields = ("staff__name_key", "course__title_key")
    search_code_fields = ("staff__code", "course__code")
    ordering_fields = ["course__start_date", "staff__name_key", "status", "id"]
    ordering = ["-course__start_date", "course__code", "staff__name_key"]
    export_filename = "enrolments"
    export_columns = [
        ("course__code", _("Course code")),
        ("course__title", _("Course")),
        ("course__organizer_level", _("Organiser level")),
        ("course__topic__code", _("Topic")),
        ("course__start_date", _("Start date")),
        ("course__hours", _("Hours")),
        ("staff__code", _("Staff code")),
        ("staff__full_name", _("Full name")),
        ("unit__code", _("Unit at enrolment")),
        ("status", _("Status")),
        ("result", _("Result")),
        ("score", _("Score")),
        ("completed_on", _("Completed on")),
        ("certificate_number", _("Certificate number")),
        ("certificate_issued_on", _("Certificate issued on")),
    ]

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("unit", str)],
        responses=inline_serializer(
            "TurnSummary",
            {
                "turns": serializers.IntegerField(),
                "hours": serializers.DecimalField(max_digits=12, decimal_places=2),
                "persons": serializers.IntegerField(),
                "by_organizer_level": serializers.DictField(child=serializers.IntegerField()),
                "by_topic": serializers.DictField(child=serializers.IntegerField()),
                "by_kind": serializers.DictField(child=serializers.IntegerField()),
            },
        ),
    )
    @action(detail=False, methods=["get"])
    def turns(self, request):
        """Training turns of the filtered enrolments: total, hours, persons, by level, topic and
        kind."""
        summary = self.filter_queryset(self.get_queryset()).order_by().summary()
        summary["hours"] = str(summary["hours"])
        return Response(summary)


class ComplianceSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    required_hours = serializers.DecimalField(
        max_digits=9, decimal_places=2, read_only=True, allow_null=True
    )
    done_hours = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True)
    turns = serializers.IntegerField(read_only=True)
    meets = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Staff
        fields = [
            "code",
            "full_name",
            "unit",
            "unit_name",
            "category",
            "position",
            "required_hours",
            "done_hours",
            "turns",
            "meets",
        ]


class TrainingComplianceViewSet(RestrictedViewSetMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """Per-staff compliance with the annual requirement: `?year=` (required), `unit`, `category`,
    `meets`.

    Only staff employed during the year are listed; `meets` is null where no
    requirement applies to the person's year and category.
    """

    queryset = Staff.objects.select_related("unit")
    serializer_class = ComplianceSerializer
    filterset_class = ComplianceFilterSet
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    search_key_fields = ("name_key",)
    search_code_fields = ("code",)
    ordering_fields = ["code", "name_key", "done_hours", "unit__path"]
    ordering = ["unit__path", "name_key"]
    export_filename = "training-compliance"
    export_columns = [
        ("code", _("Staff code")),
        ("full_name", _("Full name")),
        ("unit__code", _("Unit code")),
        ("category", _("Category")),
        ("position", _("Position")),
        ("required_hours", _("Required hours")),
        ("done_hours", _("Hours done")),
        ("turns", _("Turns")),
        ("meets", _("Meets the requirement")),
    ]
    _year: int | None = None

    def get_queryset(self):
        qs = super().get_queryset()
        if self._year is None:
            return qs
        return staff_compliance(self._year, qs)

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True)])
    def list(self, request, *args, **kwargs):
        self._year = _year_param(request)
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True)])
    def retrieve(self, request, *args, **kwargs):
        self._year = _year_param(request)
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True), OpenApiParameter("unit", str)],
        responses=inline_serializer(
            "UnitCompliance",
            {
                "year": serializers.IntegerField(),
                "units": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=False, methods=["get"])
    def units(self, request):
        """Per unit of the subtree: staff counted, meeting the requirement, rate (null when none
        counted)."""
        year = _year_param(request)
        code = request.query_params.get("unit")
        scope = scope_of(request.user)
        if scope.nothing:
            raise Http404
        root = scope.root
        if code:
            unit = Unit.objects.filter(code=code.strip()).first()
            if unit is None or not unit_in_scope(request.user, unit):
                raise Http404
            root = unit
        return Response({"year": year, "units": unit_compliance(year, root)})


ROUTES = [
    ("training-topics", TrainingTopicViewSet, "trainingtopic"),
    ("courses", CourseViewSet, "course"),
    ("enrolments", EnrolmentViewSet, "enrolment"),
    ("training-compliance", TrainingComplianceViewSet, "training-compliance"),
]
