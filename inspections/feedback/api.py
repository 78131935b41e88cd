"""Feedback API: anonymous submission, public status, triage for inspectors.

- ``POST /api/v1/feedback/``: anyone; rate limited per client like the form.
- ``GET /api/v1/feedback/status/<code>/``: anyone; status, dates, public answer.
- ``GET/PATCH /api/v1/feedback/[<id>/]``: by role and unit scope. The
  reporter's identity and attachments appear only in the detail of holders of
  ``inspections.view_reporter_identity`` (inspector, admin), and every such
  response is recorded with ``core.audit``. Lists and exports never carry it.
- ``POST /api/v1/feedback/<id>/transition/``, ``.../create-finding/``: triage.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import has_perm
from core.audit import log_event
from core.exports import ExportMixin
from core.files import file_download
from core.history import HistoryViewSetMixin
from core.models import SecurityEventKind
from core.security import FeedbackThrottle
from core.uploads import check_upload
from core.validation import ModelCleanMixin
from inspections.casework.choices import Severity
from inspections.casework.models import FindingCategory
from inspections.feedback import rules, services
from inspections.feedback.choices import FeedbackChannel, FeedbackKind, FeedbackStatus
from inspections.feedback.filtersets import CitizenFeedbackFilterSet
from inspections.feedback.models import (
    DESCRIPTION_MAX_LENGTH,
    IDENTITY_FIELDS,
    CitizenFeedback,
    FeedbackAttachment,
    FeedbackCategory,
)
from staff.access import RestrictedViewSetMixin, may_see_internal_note, may_see_reporter_identity
from staff.api import ActiveUnitCodeField, StaffCodeField, UnitCodeField

IDENTITY_PERM = "inspections.view_reporter_identity"
TRIAGE_PERM = "inspections.change_citizenfeedback"
PHONE_RE = re.compile(r"^\+?[0-9 .()-]{8,20}$")


# The one exception list lives in staff.access; this name is kept for its callers.
can_see_identity = may_see_reporter_identity


def validate_phone(value: str) -> str:
    value = (value or "").strip()
    if value and (not PHONE_RE.match(value) or not 8 <= len(re.sub(r"\D", "", value)) <= 15):
        raise serializers.ValidationError(_("Enter a phone number of 8 to 15 digits."))
    return value


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers, lists and objects instead of turning them into text."""

    default_error_messages = {"not_text": _("Enter text.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class FeedbackSubmitSerializer(serializers.Serializer):
    """What a citizen sends; the same fields, limits and messages as the public form."""

    unit = ActiveUnitCodeField()
    description = StrictCharField(max_length=DESCRIPTION_MAX_LENGTH, min_length=10)
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=FeedbackCategory.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    incident_date = serializers.DateField(required=False, allow_null=True)
    staff_name = StrictCharField(max_length=150, required=False, allow_blank=True)
    reporter_name = StrictCharField(max_length=150, required=False, allow_blank=True)
    reporter_address = StrictCharField(max_length=300, required=False, allow_blank=True)
    reporter_phone = StrictCharField(
        max_length=20, required=False, allow_blank=True, validators=[validate_phone]
    )
    reporter_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    reporter_postal_address = StrictCharField(max_length=300, required=False, allow_blank=True)
    attachment = serializers.FileField(required=False, allow_null=True, write_only=True)

    def validate_incident_date(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(
                _("The date of the incident cannot be in the future.")
            )
        return value

    def validate_attachment(self, value):
        if value is None:
            return None
        try:
            return check_upload(value, services.ATTACHMENT_RULE)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class FeedbackReceiptSerializer(serializers.ModelSerializer):
    """What the citizen gets back: the code and what happens next, nothing else."""

    status_url = serializers.SerializerMethodField()

    class Meta:
        model = CitizenFeedback
        fields = [
            "tracking_code",
            "status",
            "received_on",
            "response_due",
            "is_formal",
            "status_url",
        ]

    def get_status_url(self, obj) -> str:
        return f"/api/v1/feedback/status/{obj.tracking_code}/"


class FeedbackPublicStatusSerializer(serializers.ModelSerializer):
    """The public status: no names, no contact, no internal notes, no unit staff."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CitizenFeedback
        fields = [
            "tracking_code",
            "status",
            "status_label",
            "received_on",
            "response_due",
            "resolved_on",
            "public_answer",
        ]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackAttachment
        fields = ["id", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return f"/api/v1/feedback/{obj.feedback_id}/attachments/{obj.pk}/"


class CitizenFeedbackSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """Triage view of feedback. Identity fields are null unless the context allows them."""

    unit = UnitCodeField()
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    staff = StaffCodeField(required=False, allow_null=True)
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=FeedbackCategory.objects.all(),
        required=False,
        allow_null=True,
    )
    assigned_to = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    identity_visible = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = CitizenFeedback
        fields = [
            "id",
            "tracking_code",
            "unit",
            "unit_name",
            "staff",
            "staff_name",
            "category",
            "description",
            "incident_date",
            "channel",
            "status",
            "status_label",
            "substantiated",
            "is_formal",
            "kind",
            "accepted_on",
            "extensions",
            "received_at",
            "received_on",
            "response_due",
            "resolved_on",
            "is_overdue",
            "assigned_to",
            "finding",
            "public_answer",
            "internal_note",
            "identity_visible",
            *IDENTITY_FIELDS,
            "attachments",
        ]
        read_only_fields = [
            "id",
            "tracking_code",
            "staff_name",
            "description",
            "incident_date",
            "channel",
            "status",
            "substantiated",
            "is_formal",
            "kind",
            "accepted_on",
            "extensions",
            "received_at",
            "received_on",
            "response_due",
            "resolved_on",
            "finding",
            *IDENTITY_FIELDS,
        ]

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue(timezone.localdate())

    def get_identity_visible(self, obj) -> bool:
        return bool(self.context.get("show_identity"))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("show_identity"):
            for name in IDENTITY_FIELDS:
                data[name] = None
            data["attachments"] = []
        if self.context.get("scoped"):
            # The unit complained about sees what was reported, not the inspectors' working notes.
            data["internal_note"] = None
        return data


CanTriage = has_perm(TRIAGE_PERM)


class FeedbackTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=FeedbackStatus.choices)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000)
    public_answer = StrictCharField(
        required=False, allow_blank=True, max_length=DESCRIPTION_MAX_LENGTH
    )


class FeedbackClassifySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeedbackKind.choices)
    accepted_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class FeedbackExtendSerializer(serializers.Serializer):
    note = StrictCharField(max_length=2000)


class FeedbackCreateFindingSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=FindingCategory.objects.all(),
        required=False,
        allow_null=True,
    )
    description = StrictCharField(
        required=False, allow_blank=True, max_length=DESCRIPTION_MAX_LENGTH
    )
    found_on = serializers.DateField(required=False, allow_null=True)
    staff = StaffCodeField(required=False, allow_null=True)
    public_answer = StrictCharField(
        required=False, allow_blank=True, max_length=DESCRIPTION_MAX_LENGTH
    )
    note = StrictCharField(required=False, allow_blank=True, max_length=2000)

    def validate_found_on(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("The date cannot be in the future."))
        return value


def hidden_in_history(user) -> set[str]:
    """What ``user`` may not read in a feedback's history: the identity (never recorded), the
    internal note."""
    hidden = set(IDENTITY_FIELDS)
    if not may_see_internal_note(user):
        hidden.add("internal_note")
    return hidden


class CitizenFeedbackViewSet(
    RestrictedViewSetMixin,
    ExportMixin,
    HistoryViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Citizen feedback. Anyone may POST; reading and triage by role, scoped to the user's units."""

    queryset = CitizenFeedback.objects.select_related(
        "unit", "staff", "category", "assigned_to"
    ).prefetch_related(Prefetch("attachments", queryset=FeedbackAttachment.objects.order_by("pk")))
    serializer_class = CitizenFeedbackSerializer
    filterset_class = CitizenFeedbackFilterSet
    lookup_value_regex = "[0-9]+"
    search_key_fields = ("staff__name_key",)
    search_code_fields = ("tracking_code", "staff_name")
    ordering_fields = ["received_at", "received_on", "response_due", "status", "resolved_on"]
    ordering = ["-received_at"]
    export_filename = "feedback"
    # No reporter identity in any export, whoever asks (identity is for the detail view only).
    export_columns = [
        ("tracking_code", _("Tracking code")),
        ("unit__code", _("Unit code")),
        ("unit__name", _("Unit")),
        ("category__code", _("Category")),
        ("status", _("Status")),
        ("is_formal", _("Formal petition")),
        ("received_on", _("Received on")),
        ("response_due", _("Response due")),
        ("resolved_on", _("Answered on")),
        ("substantiated", _("Substantiated")),
        ("staff__code", _("Staff code")),
        ("staff_name", _("Official's name as given")),
        ("assigned_to__username", _("Assigned inspector")),
        ("description", _("What happened")),
        ("public_answer", _("Public answer")),
    ]

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        if self.action in ("transition", "create_finding", "classify", "extend"):
            return [CanTriage()]
        return super().get_permissions()

    def history_hidden_fields(self, request) -> set[str]:
        return hidden_in_history(request.user)

    def get_throttles(self):
        if self.action == "create":
            return [FeedbackThrottle()]
        return super().get_throttles()

    def get_serializer_class(self):
        if self.action == "create":
            return FeedbackSubmitSerializer
        return super().get_serializer_class()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        # Identity only in single-record answers to holders; lists and exports never.
        context["show_identity"] = self.action not in ("list", "create") and can_see_identity(user)
        context["scoped"] = not may_see_internal_note(user)
        return context

    def _detail(self, feedback, code=status.HTTP_200_OK) -> Response:
        feedback = self.get_queryset().get(pk=feedback.pk)
        serializer = self.get_serializer(feedback)
        if serializer.context["show_identity"] and feedback.has_identity:
            log_event(
                SecurityEventKind.IDENTITY_VIEWED, request=self.request, obj=feedback, via="api"
            )
        return Response(serializer.data, status=code)

    @extend_schema(request=FeedbackSubmitSerializer, responses={201: FeedbackReceiptSerializer})
    def create(self, request, *args, **kwargs):
        serializer = FeedbackSubmitSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user = request.user
        channel = (
            FeedbackChannel.COUNTER
            if user.is_authenticated and user.has_perm("inspections.add_citizenfeedback")
            else FeedbackChannel.API
        )
        feedback = services.feedback_submit(
            channel=channel,
            language=translation.get_language() or "vi",
            **data,
        )
        return Response(FeedbackReceiptSerializer(feedback).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        feedback = self.get_object()
        # Validation copies the new values onto the instance (model clean), so
        # remember the assignee before it to know whether it changed.
        previous_assignee_id = feedback.assigned_to_id
        serializer = self.get_serializer(feedback, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self._check("change", serializer)
        assignee = serializer.validated_data.pop("assigned_to", feedback.assigned_to)
        feedback.assigned_to_id = previous_assignee_id
        serializer.save()
        if getattr(assignee, "pk", None) != previous_assignee_id:
            services.feedback_assign(feedback=feedback, assignee=assignee, user=request.user)
        return self._detail(feedback)

    @extend_schema(request=FeedbackTransitionSerializer, responses={200: CitizenFeedbackSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the feedback along the triage (answers need a public answer)."""
        feedback = self.get_object()
        serializer = FeedbackTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.feedback_transition(
            feedback=feedback,
            user=request.user,
            to=serializer.validated_data["to"],
            note=serializer.validated_data.get("note", ""),
            public_answer=serializer.validated_data.get("public_answer"),
        )
        return self._detail(feedback)

    @extend_schema(request=FeedbackClassifySerializer, responses={200: CitizenFeedbackSerializer})
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        """Say whether it is feedback or a petition, a complaint or a denunciation; each has its own
        deadline."""
        feedback = self.get_object()
        serializer = FeedbackClassifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.feedback_classify(
            feedback=feedback, user=request.user, **serializer.validated_data
        )
        return self._detail(feedback)

    @extend_schema(request=FeedbackExtendSerializer, responses={200: CitizenFeedbackSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Extend the time limit of a complex complaint or denunciation (within the legal number of
        extensions)."""
        feedback = self.get_object()
        serializer = FeedbackExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.feedback_extend(
            feedback=feedback, user=request.user, note=serializer.validated_data["note"]
        )
        return self._detail(feedback)

    @extend_schema(
        request=FeedbackCreateFindingSerializer,
        responses={
            201: inline_serializer(
                "FeedbackFinding",
                {"finding": serializers.IntegerField(), "feedback": CitizenFeedbackSerializer()},
            )
        },
    )
    @action(detail=True, methods=["post"], url_path="create-finding")
    def create_finding(self, request, pk=None):
        """Substantiate the feedback and create its finding in one step (category defaults from the
        feedback's)."""
        feedback = self.get_object()
        serializer = FeedbackCreateFindingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        finding = services.feedback_create_finding(
            feedback=feedback,
            user=request.user,
            severity=data["severity"],
            category=data.get("category"),
            description=data.get("description", ""),
            found_on=data.get("found_on"),
            staff=data.get("staff"),
            public_answer=data.get("public_answer"),
            note=data.get("note", ""),
        )
        detail = self._detail(feedback)
        return Response(
            {"finding": finding.pk, "feedback": detail.data}, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>[0-9]+)")
    def attachment(self, request, pk=None, attachment_id=None):
        """The attached file, for holders of the identity permission only (it may show the
        reporter)."""
        feedback = self.get_object()
        if not can_see_identity(request.user):
            raise Http404
        row = get_object_or_404(FeedbackAttachment, feedback=feedback, pk=attachment_id)
        log_event(
            SecurityEventKind.IDENTITY_VIEWED,
            request=request,
            obj=feedback,
            via="attachment",
            attachment=row.pk,
        )
        # Named after the tracking code (the citizen's own file name may carry a name),
        # with the extension of the sniffed type.
        return file_download(row.file, name=feedback.tracking_code, content_type=row.content_type)


class FeedbackStatusView(APIView):
    """Public status of one feedback by tracking code: status, dates and the public answer only."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses={
            200: FeedbackPublicStatusSerializer,
            404: inline_serializer("NotFound", {"detail": serializers.CharField()}),
        }
    )
    def get(self, request, tracking_code: str):
        code = rules.normalize_tracking_code(tracking_code)
        feedback = CitizenFeedback.objects.filter(tracking_code=code).first() if code else None
        if feedback is None:
            return Response(
                {"detail": str(_("No feedback has this tracking code."))},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(FeedbackPublicStatusSerializer(feedback).data)


ROUTES = [("feedback", CitizenFeedbackViewSet, "citizenfeedback")]
