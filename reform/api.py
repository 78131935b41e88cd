"""Administrative-reform API: procedures, dossiers, period reports, PAR index results and plans.

Routes: ``/api/v1/procedures/``, ``/api/v1/dossiers/``, ``/api/v1/service-reports/``,
``/api/v1/par-results/``, plus ``/api/v1/improvement-plans/`` and
``/api/v1/improvement-items/``. HR (the Home Affairs office) writes, every role
reads, unit heads read their own subtree. The procedure catalogue is the
province's published list, readable by every role.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets
from simple_history.utils import bulk_create_with_history

from core.exports import ExportMixin
from core.history import HistoryViewSetMixin
from core.validation import ModelCleanMixin
from reform import rules
from reform.filtersets import (
    DossierFilterSet,
    ImprovementItemFilterSet,
    ImprovementPlanFilterSet,
    ParResultFilterSet,
    ProcedureFilterSet,
    ServiceReportFilterSet,
)
from reform.models import (
    Dossier,
    ImprovementItem,
    ImprovementPlan,
    ParCriterionScore,
    ParResult,
    Procedure,
    ServiceReport,
)
from staff.access import RestrictedViewSetMixin, unit_in_scope
from staff.api import StaffCodeField, UnitCodeField

CODE_REGEX = r"[A-Za-z0-9][A-Za-z0-9_.-]*"


class ScopedUnitField(UnitCodeField):
    """A unit code the caller may see; any other is refused as unknown (no hint that it exists)."""

    default_error_messages = {"does_not_exist": _("Unknown unit."), "invalid": _("Unknown unit.")}

    def to_internal_value(self, data):
        unit = super().to_internal_value(data)
        request = self.context.get("request")
        if request is not None and not unit_in_scope(request.user, unit):
            self.fail("does_not_exist")
        return unit


class ProcedureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "field",
            "level",
            "resolution_days",
            "online",
            "decision",
            "published_on",
        ]


class ProcedureViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """The procedure catalogue. Filters: `level`, `field`, `online`, `posted_at` (unit code)."""

    queryset = Procedure.objects.all()
    serializer_class = ProcedureSerializer
    filterset_class = ProcedureFilterSet
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    search_key_fields = ("name_key",)
    search_code_fields = ("code",)
    ordering_fields = ["code", "level", "name_key", "resolution_days"]
    ordering = ["level", "code"]
    export_filename = "procedures"
    export_columns = [
        ("code", _("Code")),
        ("name", _("Name")),
        ("field", _("Field")),
        ("level", _("Level")),
        ("resolution_days", _("Working days")),
        ("online", _("Online")),
        ("decision", _("Publishing decision")),
        ("published_on", _("Published on")),
    ]


class DossierSerializer(ModelCleanMixin, serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="code", queryset=Procedure.objects.all())
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    unit = ScopedUnitField()
    due_on = serializers.DateField(required=False)
    state = serializers.SerializerMethodField()
    needs_apology = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "procedure",
            "procedure_name",
            "unit",
            "level",
            "channel",
            "electronic",
            "received_on",
            "due_on",
            "resolved_on",
            "outcome",
            "state",
            "result",
            "returned_on",
            "late_in_system_only",
            "late_reason",
            "needs_apology",
            "apology_issued_on",
            "apology_new_due_on",
        ]
        read_only_fields = ["level", "outcome"]

    def get_state(self, obj) -> str:
        return obj.state(timezone.localdate())

    def get_needs_apology(self, obj) -> bool:
        return (
            rules.needs_apology(obj.state(timezone.localdate())) and obj.apology_issued_on is None
        )


class DossierViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """One-stop dossiers. Filters: `year`, `unit`, `procedure`, `level`, `channel`, `electronic`,
    `state`."""

    queryset = Dossier.objects.select_related("procedure", "unit")
    serializer_class = DossierSerializer
    filterset_class = DossierFilterSet
    search_key_fields = ("procedure__name_key",)
    search_code_fields = ("code", "procedure__code")
    ordering_fields = ["received_on", "due_on", "resolved_on", "code"]
    ordering = ["-received_on", "code"]
    export_filename = "dossiers"
    export_columns = [
        ("code", _("Dossier code")),
        ("procedure__code", _("Procedure code")),
        ("procedure__name", _("Procedure")),
        ("unit__code", _("Unit")),
        ("level", _("Level")),
        ("channel", _("Channel")),
        ("electronic", _("Electronic")),
        ("received_on", _("Received on")),
        ("due_on", _("Due on")),
        ("resolved_on", _("Resolved on")),
        ("outcome", _("Outcome")),
        ("result", _("Result")),
        ("returned_on", _("Returned on")),
        ("late_in_system_only", _("Late only in the electronic system")),
        ("late_reason", _("Reason")),
        ("apology_issued_on", _("Apology issued on")),
        ("apology_new_due_on", _("New date promised")),
    ]


class ServiceReportSerializer(ModelCleanMixin, serializers.ModelSerializer):
    unit = ScopedUnitField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    overdue = serializers.IntegerField(read_only=True)
    problems = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ServiceReport
        fields = [
            "id",
            "unit",
            "unit_name",
            "scope",
            "period_start",
            "period_end",
            "carried_over",
            "received",
            "resolved",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "pending_in_time",
            "pending_overdue",
            "overdue",
            "late_in_system_only",
            "late_reason",
            "apologies_issued",
            "reconciles",
            "problems",
            "source",
            "note",
        ]
        read_only_fields = ["reconciles"]
        validators: list = []  # overlapping periods are refused by the model with a clearer message


class ServiceReportViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """Period reports as units file them; `reconciles=false` lists those whose figures do not add
    up."""

    queryset = ServiceReport.objects.select_related("unit")
    serializer_class = ServiceReportSerializer
    filterset_class = ServiceReportFilterSet
    search_key_fields = ("unit__name_key",)
    search_code_fields = ("unit__code",)
    ordering_fields = ["period_end", "unit__path", "scope", "received"]
    ordering = ["-period_end", "unit__path", "scope"]
    export_filename = "service-reports"
    export_columns = [
        ("unit__code", _("Unit")),
        ("scope", _("Scope")),
        ("period_start", _("Period start")),
        ("period_end", _("Period end")),
        ("carried_over", _("Carried over")),
        ("received", _("Received")),
        ("resolved", _("Resolved")),
        ("resolved_early", _("Resolved early")),
        ("resolved_on_time", _("Resolved on time")),
        ("resolved_late", _("Resolved late")),
        ("pending_in_time", _("Pending within the deadline")),
        ("pending_overdue", _("Pending and overdue")),
        ("late_in_system_only", _("Late only in the electronic system")),
        ("apologies_issued", _("Apologies issued")),
        ("reconciles", _("Figures add up")),
        ("source", _("Source")),
    ]


class ParCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ParCriterionScore
        fields = ["code", "name", "max_score", "score"]

    def validate(self, attrs):
        if attrs["score"] > attrs["max_score"]:
            raise serializers.ValidationError(
                {"score": [_("The score cannot exceed the maximum score.")]}
            )
        return attrs


class ParResultSerializer(ModelCleanMixin, serializers.ModelSerializer):
    unit = ScopedUnitField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    criteria = ParCriterionSerializer(many=True, required=False)

    class Meta:
        model = ParResult
        fields = [
            "id",
            "unit",
            "unit_name",
            "year",
            "score",
            "max_score",
            "rank",
            "ranked_units",
            "decision",
            "note",
            "criteria",
        ]

    def validate(self, attrs):
        criteria = attrs.pop("criteria", None)
        codes = [c["code"] for c in criteria or []]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError(
                {"criteria": [_("Each criterion code may appear once.")]}
            )
        attrs = super().validate(attrs)
        if criteria is not None:
            attrs["criteria"] = criteria
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        criteria = validated_data.pop("criteria", [])
        result = super().create(validated_data)
        bulk_create_with_history(
            [ParCriterionScore(result=result, **c) for c in criteria], ParCriterionScore
        )
        return result

    @transaction.atomic
    def update(self, instance, validated_data):
        criteria = validated_data.pop("criteria", None)
        result = super().update(instance, validated_data)
        if criteria is not None:
            result.criteria.all().delete()
            bulk_create_with_history(
                [ParCriterionScore(result=result, **c) for c in criteria], ParCriterionScore
            )
        return result


class ParResultViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """PAR index results per unit and year, with criterion scores. Filters: `unit`, `year`."""

    queryset = ParResult.objects.select_related("unit").prefetch_related("criteria")
    serializer_class = ParResultSerializer
    filterset_class = ParResultFilterSet
    search_key_fields = ("unit__name_key",)
    search_code_fields = ("unit__code",)
    ordering_fields = ["year", "rank", "score"]
    ordering = ["-year", "rank"]
    export_filename = "par-results"
    export_columns = [
        ("unit__code", _("Unit")),
        ("unit__name", _("Unit name")),
        ("year", _("Year")),
        ("score", _("Total score")),
        ("max_score", _("Maximum score")),
        ("rank", _("Rank")),
        ("ranked_units", _("Units ranked")),
        ("decision", _("Publishing decision")),
    ]


class ImprovementItemSerializer(ModelCleanMixin, serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=ImprovementPlan.objects.all())
    owner = StaffCodeField(required=False, allow_null=True)
    owner_unit = ScopedUnitField()
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ImprovementItem
        fields = [
            "id",
            "plan",
            "criterion_code",
            "action",
            "owner",
            "owner_unit",
            "due_date",
            "status",
            "done_on",
            "progress_note",
            "overdue",
        ]

    def validate_plan(self, plan):
        request = self.context.get("request")
        if request is not None and not unit_in_scope(request.user, plan.unit):
            raise serializers.ValidationError(_("Unknown plan."))
        return plan


class ImprovementPlanSerializer(ModelCleanMixin, serializers.ModelSerializer):
    unit = ScopedUnitField()
    items = ImprovementItemSerializer(many=True, read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = ["id", "unit", "year", "based_on", "title", "adopted_on", "items"]


class ImprovementPlanViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """Improvement plans for low-scoring PAR criteria, with their items."""

    queryset = ImprovementPlan.objects.select_related("unit").prefetch_related(
        "items__owner", "items__owner_unit", "items__plan"
    )
    serializer_class = ImprovementPlanSerializer
    filterset_class = ImprovementPlanFilterSet
    search_code_fields = ("unit__code",)
    ordering = ["-year", "unit__path"]
    export_filename = "improvement-plans"
    export_columns = [
        ("unit__code", _("Unit")),
        ("year", _("Year")),
        ("title", _("Title")),
        ("adopted_on", _("Adopted on")),
    ]


class ImprovementItemViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """Items of improvement plans. Filters: `unit`, `year`, `status`, `overdue`."""

    queryset = ImprovementItem.objects.select_related("plan", "plan__unit", "owner", "owner_unit")
    serializer_class = ImprovementItemSerializer
    filterset_class = ImprovementItemFilterSet
    ordering_fields = ["due_date", "status"]
    ordering = ["due_date", "pk"]
    export_filename = "improvement-items"
    export_columns = [
        ("plan__unit__code", _("Unit")),
        ("plan__year", _("Year")),
        ("criterion_code", _("Criterion code")),
        ("action", _("Action")),
        ("owner__code", _("Owner")),
        ("owner_unit__code", _("Responsible unit")),
        ("due_date", _("Due date")),
        ("status", _("Status")),
        ("done_on", _("Done on")),
    ]


ROUTES = [
    ("procedures", ProcedureViewSet, "procedure"),
    ("dossiers", DossierViewSet, "dossier"),
    ("service-reports", ServiceReportViewSet, "servicereport"),
    ("par-results", ParResultViewSet, "parresult"),
    ("improvement-plans", ImprovementPlanViewSet, "improvementplan"),
    ("improvement-items", ImprovementItemViewSet, "improvementitem"),
]
