"""Casework API: inspections, findings, corrective actions, disciplinary cases, evidence.

Row scoping is ``staff.access`` (a unit head sees its subtree; others 404);
write rights are the role permissions of ``inspections/roles.py``. Workflow
steps are actions that call ``inspections.casework.services``, so the API, the admin
and the demo seeder follow the same rules. Every case record has a
``history/`` action (django-simple-history): who changed what, when.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import has_perm
from core.exports import ExportMixin
from core.files import file_download
from core.history import HistoryViewSetMixin
from core.parsers import JSONParser
from core.validation import ModelCleanMixin
from inspections.casework import services
from inspections.casework.choices import (
    CaseStatus,
    DeferralReason,
    DisciplineFormCode,
    ExemptionReason,
    ProcedureShortcut,
    SuspensionKind,
)
from inspections.casework.filtersets import (
    CorrectiveActionFilterSet,
    DisciplinaryCaseFilterSet,
    EvidenceFilterSet,
    FindingFilterSet,
    InspectionFilterSet,
)
from inspections.models import (
    CaseSuspension,
    CorrectiveAction,
    DisciplinaryCase,
    DisciplineStep,
    Evidence,
    Finding,
    FindingCategory,
    Inspection,
)
from staff.access import RestrictedViewSetMixin, unit_in_scope
from staff.api import StaffCodeField, UnitCodeField


class ScopedUnitMixin:
    """Refuse to write a record whose unit lies outside the writer's scope."""

    def validate_unit(self, value):
        request = self.context.get("request")
        if request is not None and value is not None and not unit_in_scope(request.user, value):
            raise serializers.ValidationError(_("This unit is outside your scope."))
        return value


# --- Inspections -------------------------------------------------------------------


class InspectionSerializer(ScopedUnitMixin, ModelCleanMixin, serializers.ModelSerializer):
    unit = UnitCodeField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    lead_inspector = StaffCodeField(required=False, allow_null=True)
    team = StaffCodeField(many=True, required=False)
    findings_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "code",
            "kind",
            "unit",
            "unit_name",
            "start_date",
            "end_date",
            "lead_inspector",
            "team",
            "scope",
            "status",
            "conclusion",
            "conclusion_number",
            "conclusion_date",
            "findings_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class InspectionViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """Public-service inspections. Filters: `unit` (with sub-units), `kind`, `status`, `date_from`,
    `date_to`, `year`."""

    queryset = (
        Inspection.objects.select_related("unit", "lead_inspector")
        .prefetch_related("team")
        .annotate(findings_count=Count("findings", distinct=True))
    )
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    search_key_fields = ("unit__name_key",)
    search_code_fields = ("code", "conclusion_number")
    ordering_fields = ["start_date", "code", "status"]
    ordering = ["-start_date", "code"]
    export_filename = "inspections"
    export_columns = [
        ("code", _("Code")),
        ("kind", _("Kind")),
        ("unit__code", _("Unit code")),
        ("unit__name", _("Unit")),
        ("start_date", _("Start date")),
        ("end_date", _("End date")),
        ("lead_inspector__full_name", _("Lead inspector")),
        ("status", _("Status")),
        ("conclusion_number", _("Conclusion document number")),
        ("conclusion_date", _("Conclusion document date")),
        ("findings_count", _("Findings")),
    ]


# --- Findings ------------------------------------------------------------------------


class FindingSerializer(ScopedUnitMixin, ModelCleanMixin, serializers.ModelSerializer):
    inspection = serializers.SlugRelatedField(
        slug_field="code", queryset=Inspection.objects.all(), required=False, allow_null=True
    )
    unit = UnitCodeField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    staff = StaffCodeField(required=False, allow_null=True)
    staff_name = serializers.CharField(source="staff.full_name", read_only=True, default=None)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=FindingCategory.objects.all()
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    actions_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "unit",
            "unit_name",
            "staff",
            "staff_name",
            "category",
            "category_name",
            "severity",
            "description",
            "found_on",
            "substantiated",
            "actions_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_description(self, value):
        value = (value or "").strip()
        if not value:
            raise serializers.ValidationError(_("This field may not be blank."))
        return value


class FindingViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """Findings. Filters: `unit`, `inspection`, `kind`, `category`, `severity`, `staff`,
    `substantiated`, `date_from`, `date_to`."""

    queryset = Finding.objects.select_related("inspection", "unit", "staff", "category").annotate(
        actions_count=Count("actions")
    )
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    search_key_fields = ("staff__name_key", "unit__name_key", "category__name_key")
    search_code_fields = ("inspection__code", "staff__code")
    ordering_fields = ["found_on", "severity", "id"]
    ordering = ["-found_on", "-id"]
    export_filename = "findings"
    export_columns = [
        ("id", _("ID")),
        ("inspection__code", _("Inspection")),
        ("unit__code", _("Unit code")),
        ("unit__name", _("Unit")),
        ("staff__code", _("Staff code")),
        ("staff__full_name", _("Staff member")),
        ("category__code", _("Category code")),
        ("category__name", _("Category")),
        ("severity", _("Severity")),
        ("found_on", _("Found on")),
        ("substantiated", _("Substantiated")),
        ("description", _("Description")),
    ]

    def perform_destroy(self, instance):
        cases = list(instance.discipline_cases.all()[:5])
        if cases:
            # The M2M would silently drop the finding from its cases.
            raise ProtectedError("finding is referenced by disciplinary cases", cases)
        super().perform_destroy(instance)


# --- Corrective actions ---------------------------------------------------------------


class CorrectiveActionSerializer(ScopedUnitMixin, ModelCleanMixin, serializers.ModelSerializer):
    finding = serializers.PrimaryKeyRelatedField(queryset=Finding.objects.select_related("unit"))
    unit = UnitCodeField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    verified_by = serializers.CharField(source="verified_by.username", read_only=True, default=None)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "finding",
            "unit",
            "unit_name",
            "description",
            "due_date",
            "status",
            "progress_note",
            "progress_reported_at",
            "done_on",
            "verified_on",
            "verified_by",
            "overdue",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "progress_note",
            "progress_reported_at",
            "done_on",
            "verified_on",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(timezone.localdate())


class ProgressSerializer(serializers.Serializer):
    progress_note = serializers.CharField(allow_blank=False, max_length=5000)
    done_on = serializers.DateField(required=False, allow_null=True)


class VerifySerializer(serializers.Serializer):
    verified_on = serializers.DateField(required=False, allow_null=True)


class CorrectiveActionViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """Corrective actions. `overdue=true` lists those still open past their due date.

    The responsible unit's head reports progress with `progress/`; an
    inspector confirms with `verify/`.
    """

    queryset = CorrectiveAction.objects.select_related("unit", "verified_by")
    serializer_class = CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilterSet
    search_key_fields = ("unit__name_key",)
    ordering_fields = ["due_date", "status", "id"]
    ordering = ["due_date", "id"]
    export_filename = "corrective-actions"
    export_columns = [
        ("id", _("ID")),
        ("finding_id", _("Finding")),
        ("unit__code", _("Unit code")),
        ("unit__name", _("Responsible unit")),
        ("description", _("What must be fixed")),
        ("due_date", _("Due date")),
        ("status", _("Status")),
        ("done_on", _("Done on")),
        ("verified_on", _("Verified on")),
        ("progress_note", _("Progress reported")),
    ]

    @extend_schema(request=ProgressSerializer, responses=CorrectiveActionSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[
            has_perm(
                "inspections.report_progress_correctiveaction",
                "inspections.change_correctiveaction",
            )
        ],
    )
    def progress(self, request, *args, **kwargs):
        """Report progress (and, with `done_on`, completion) on an action of your own units."""
        action_obj = self.get_object()
        data = ProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.action_report_progress(
            action=action_obj,
            note=data.validated_data["progress_note"],
            done_on=data.validated_data.get("done_on"),
            by=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=action_obj.pk)).data)

    @extend_schema(request=VerifySerializer, responses=CorrectiveActionSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[has_perm("inspections.change_correctiveaction")],
    )
    def verify(self, request, *args, **kwargs):
        """An inspector confirms an action reported done."""
        action_obj = self.get_object()
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.action_verify(
            action=action_obj, on=data.validated_data.get("verified_on"), by=request.user
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=action_obj.pk)).data)


# --- Disciplinary cases ------------------------------------------------------------------


class DisciplineStepSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, default=None)

    class Meta:
        model = DisciplineStep
        fields = ["from_status", "to_status", "on", "at", "by", "note"]


class CaseSuspensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseSuspension
        fields = ["id", "kind", "start", "end", "note"]


CASE_COMPUTED = [
    "unit",
    "status",
    "postponed_from",
    "deferral_reason",
    "exemption_reason",
    "regime",
    "statute_deadline",
    "statute_explanation",
    "handling_base_deadline",
    "handling_deadline",
    "handling_explanation",
    "suspended_days",
    "extension_days",
    "extension_reason",
    "extended_on",
    "decision_form",
    "decision_number",
    "decision_date",
    "decision_signer",
    "effect_ends_on",
    "salary_delay_months",
    "effect_explanation",
    "shortcut_reason",
    "decision_effective_on",
    "party_decision_on",
    "warranted_form",
]


class DisciplinaryCaseSerializer(ModelCleanMixin, serializers.ModelSerializer):
    staff = StaffCodeField()
    staff_name = serializers.CharField(source="staff.full_name", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    findings = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Finding.objects.all(), required=False
    )
    opened_on = serializers.DateField(required=False)
    overdue = serializers.SerializerMethodField()
    steps = DisciplineStepSerializer(many=True, read_only=True)
    suspensions = CaseSuspensionSerializer(many=True, read_only=True)

    class Meta:
        model = DisciplinaryCase
        fields = [
            "id",
            "staff",
            "staff_name",
            "findings",
            "summary",
            "violation_date",
            "violation_ended_on",
            "violation_ongoing",
            "violation_concluded_on",
            "discovered_on",
            "opened_on",
            "severity",
            "repeat_violation",
            "no_limitation_reason",
            *CASE_COMPUTED,
            "overdue",
            "steps",
            "suspensions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*CASE_COMPUTED, "created_at", "updated_at"]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(timezone.localdate())

    def validate_staff(self, value):
        request = self.context.get("request")
        if request is not None and not unit_in_scope(request.user, value.unit):
            raise serializers.ValidationError(_("This staff member is outside your scope."))
        return value

    def validate(self, attrs):
        if "opened_on" not in attrs and self.instance is None and attrs.get("discovered_on"):
            attrs["opened_on"] = attrs["discovered_on"]
        return super().validate(attrs)

    def create(self, validated_data):
        request = self.context.get("request")
        findings = validated_data.pop("findings", [])
        staff = validated_data.pop("staff")
        return services.case_open(
            staff=staff, findings=findings, by=getattr(request, "user", None), **validated_data
        )

    def update(self, instance, validated_data):
        findings = validated_data.pop("findings", None)
        return services.case_update(case=instance, findings=findings, **validated_data)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CaseStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Date of the step (default today).")
    )
    decision_form = serializers.ChoiceField(
        choices=DisciplineFormCode.choices, required=False, allow_blank=True, default=""
    )
    decision_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=60
    )
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)
    decision_signer = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=150
    )
    deferral_reason = serializers.ChoiceField(
        choices=DeferralReason.choices, required=False, allow_blank=True, default=""
    )
    exemption_reason = serializers.ChoiceField(
        choices=ExemptionReason.choices, required=False, allow_blank=True, default=""
    )
    shortcut_reason = serializers.ChoiceField(
        choices=ProcedureShortcut.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Why the texts let this case leave out the self-review meeting or the council."
        ),
    )
    decision_effective_on = serializers.DateField(required=False, allow_null=True, default=None)
    party_decision_on = serializers.DateField(required=False, allow_null=True, default=None)
    warranted_form = serializers.ChoiceField(
        choices=DisciplineFormCode.choices, required=False, allow_blank=True, default=""
    )


class ExtendSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=3650)
    reason = serializers.CharField(max_length=2000)
    on = serializers.DateField(required=False, allow_null=True)


class SuspensionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[c for c in SuspensionKind.choices if c[0] != SuspensionKind.DEFERRAL]
    )
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DisciplinaryCaseViewSet(
    RestrictedViewSetMixin, ExportMixin, HistoryViewSetMixin, viewsets.ModelViewSet
):
    """Disciplinary cases with their computed deadlines.

    Filters: `unit`, `staff`, `status`, `severity`, `regime`, `decision_form`,
    `category`, `kind`, `date_from`/`date_to` (discovery), `decided_from`/`decided_to`,
    `overdue`, `limitation_expiring_within=N` (days). Steps: `POST {id}/transition/`.
    """

    queryset = DisciplinaryCase.objects.select_related("staff", "unit").prefetch_related(
        Prefetch("findings", queryset=Finding.objects.only("id")),
        Prefetch("steps", queryset=DisciplineStep.objects.select_related("by")),
        "suspensions",
    )
    serializer_class = DisciplinaryCaseSerializer
    filterset_class = DisciplinaryCaseFilterSet
    search_key_fields = ("staff__name_key",)
    search_code_fields = ("staff__code", "decision_number")
    ordering_fields = [
        "discovered_on",
        "handling_deadline",
        "statute_deadline",
        "decision_date",
        "id",
    ]
    ordering = ["-discovered_on", "-id"]
    export_filename = "discipline-cases"
    export_columns = [
        ("id", _("ID")),
        ("staff__code", _("Staff code")),
        ("staff__full_name", _("Staff member")),
        ("unit__code", _("Unit code")),
        ("violation_date", _("Date of the violation")),
        ("discovered_on", _("Discovered on")),
        ("severity", _("Severity")),
        ("status", _("Status")),
        ("regime", _("Regime")),
        ("statute_deadline", _("Statute of limitations ends")),
        ("handling_deadline", _("Handling deadline")),
        ("decision_form", _("Disciplinary form")),
        ("decision_number", _("Decision number")),
        ("decision_date", _("Decision date")),
        ("effect_ends_on", _("Effects end on")),
    ]

    def destroy(self, request, *args, **kwargs):
        case = self.get_object()
        if case.status != CaseStatus.OPENED or case.steps.count() > 1:
            return Response(
                {
                    "detail": str(
                        _("Only a case that has not moved past its opening can be deleted.")
                    )
                },
                status=status.HTTP_409_CONFLICT,
            )
        return super().destroy(request, *args, **kwargs)

    def _fresh(self, pk):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=TransitionSerializer, responses=DisciplinaryCaseSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[has_perm("inspections.change_disciplinarycase")],
    )
    def transition(self, request, *args, **kwargs):
        """Take one workflow step; an illegal step or an invalid form is 400 with the reason."""
        case = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_transition(case=case, by=request.user, **data.validated_data)
        return self._fresh(case.pk)

    @extend_schema(request=ExtendSerializer, responses=DisciplinaryCaseSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[has_perm("inspections.change_disciplinarycase")],
    )
    def extend(self, request, *args, **kwargs):
        """Extend the handling limit of a complex case (recorded with its reason)."""
        case = self.get_object()
        data = ExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_extend(case=case, by=request.user, **data.validated_data)
        return self._fresh(case.pk)

    @extend_schema(request=SuspensionInputSerializer, responses=DisciplinaryCaseSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[has_perm("inspections.add_casesuspension")],
    )
    def suspensions(self, request, *args, **kwargs):
        """Record a period not counted in the handling limit (criminal proceedings, complaint)."""
        case = self.get_object()
        data = SuspensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_add_suspension(case=case, by=request.user, **data.validated_data)
        return self._fresh(case.pk)


# --- Evidence -------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    inspection = serializers.SlugRelatedField(
        slug_field="code", queryset=Inspection.objects.all(), required=False, allow_null=True
    )
    finding = serializers.PrimaryKeyRelatedField(
        queryset=Finding.objects.all(), required=False, allow_null=True
    )
    corrective_action = serializers.PrimaryKeyRelatedField(
        queryset=CorrectiveAction.objects.all(), required=False, allow_null=True
    )
    case = serializers.PrimaryKeyRelatedField(
        queryset=DisciplinaryCase.objects.all(), required=False, allow_null=True
    )
    file = serializers.FileField(write_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, default=None)
    download_url = serializers.SerializerMethodField()

    PARENTS = ("inspection", "finding", "corrective_action", "case")
    PARENT_MODELS = {
        "inspection": "inspection",
        "finding": "finding",
        "corrective_action": "correctiveaction",
        "case": "disciplinarycase",
    }

    class Meta:
        model = Evidence
        fields = [
            "id",
            "inspection",
            "finding",
            "corrective_action",
            "case",
            "unit",
            "file",
            "original_name",
            "kind",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = [
            "original_name",
            "kind",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        ]

    def get_download_url(self, obj) -> str:
        return f"/api/v1/evidence/{obj.pk}/download/"

    def validate(self, attrs):
        given = [name for name in self.PARENTS if attrs.get(name) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "Attach the file to exactly one of: inspection, finding, "
                            "corrective action, case."
                        )
                    ]
                }
            )
        name = given[0]
        parent = attrs[name]
        user = self.context["request"].user
        if not user.has_perm(f"inspections.change_{self.PARENT_MODELS[name]}"):
            raise PermissionDenied(_("You may not add files to this kind of record."))
        if not unit_in_scope(user, parent.unit):
            raise serializers.ValidationError({name: [_("This record is outside your scope.")]})
        attrs["parent"] = parent
        return attrs

    def create(self, validated_data):
        return services.evidence_attach(
            parent=validated_data["parent"],
            upload=validated_data["file"],
            description=validated_data.get("description", ""),
            by=self.context["request"].user,
        )


class EvidenceViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Evidence files: upload (multipart), list, and `download/` (scope-checked; never a public
    URL)."""

    queryset = Evidence.objects.select_related("unit", "inspection", "uploaded_by")
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    ordering = ["-uploaded_at"]

    def access_target(self, serializer):
        # The file belongs to the unit of the record it is attached to.
        parent = serializer.validated_data.get("parent")
        return "non_field_errors", getattr(parent, "unit", None)

    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        """The file itself, for those who may see the record."""
        evidence = self.get_object()
        return file_download(
            evidence.file, name=evidence.original_name, content_type=evidence.content_type
        )


ROUTES = [
    ("inspections", InspectionViewSet, "inspection"),
    ("findings", FindingViewSet, "finding"),
    ("corrective-actions", CorrectiveActionViewSet, "correctiveaction"),
    ("discipline-cases", DisciplinaryCaseViewSet, "disciplinarycase"),
    ("evidence", EvidenceViewSet, "evidence"),
]
