"""Feedback admin: triage with masked identity, the category catalogue, the response target, unit QR
codes.

The reporter's name, contact and attachments appear only to holders of
``inspections.view_reporter_identity`` who are not restricted to a unit, and
each change page that shows them is recorded in the security log. Status
moves go through ``services.feedback_transition`` like the API.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from core.audit import log_event
from core.history import HistoryAdmin
from core.models import SecurityEventKind
from inspections.feedback import rules, services
from inspections.feedback.api import IDENTITY_FIELDS, can_see_identity, hidden_in_history
from inspections.feedback.choices import FeedbackStatus
from inspections.feedback.models import (
    CitizenFeedback,
    FeedbackAttachment,
    FeedbackCategory,
    FeedbackDeadlineRule,
    FeedbackResponseTarget,
    FeedbackStep,
)
from inspections.feedback.qr import qr_svg, unit_form_url
from staff.access import may_see_internal_note, visible_units
from staff.admin import ScopedAdminMixin
from staff.models import Unit


@admin.register(FeedbackCategory)
class FeedbackCategoryAdmin(HistoryAdmin):
    list_display = ("name", "name_en", "code", "finding_category", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "name_en")


@admin.register(FeedbackResponseTarget)
class FeedbackResponseTargetAdmin(HistoryAdmin):
    list_display = ("valid_from", "valid_until", "working_days", "note")


@admin.register(FeedbackDeadlineRule)
class FeedbackDeadlineRuleAdmin(HistoryAdmin):
    list_display = (
        "kind",
        "valid_from",
        "valid_until",
        "days",
        "extension_days",
        "max_extensions",
        "legal_basis",
        "verified",
    )
    list_filter = ("kind", "verified")

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and not obj.verified:
            messages.warning(
                request,
                _("This rule is marked unverified: check it against the official text. %(note)s")
                % {"note": obj.note},
            )
        return super().get_form(request, obj, **kwargs)


class FeedbackStepInline(admin.TabularInline):
    model = FeedbackStep
    fields = ("at", "user", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class FeedbackAttachmentInline(admin.TabularInline):
    model = FeedbackAttachment
    fields = ("download", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("citizenfeedback-attachment", args=[obj.feedback_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class TriageForm(forms.ModelForm):
    """Status is chosen from the moves the triage allows; answers need a public answer."""

    class Meta:
        model = CitizenFeedback
        fields = [
            "status",
            "assigned_to",
            "unit",
            "staff",
            "category",
            "public_answer",
            "internal_note",
        ]

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("status")
        current = self.instance.status
        if target and target != current:
            if not rules.can_transition(current, target):
                raise ValidationError(
                    {
                        "status": _("Feedback cannot move from “%(current)s” to “%(target)s”.")
                        % {
                            "current": FeedbackStatus(current).label,
                            "target": FeedbackStatus(target).label,
                        }
                    }
                )
            if target in rules.ANSWERING and not (cleaned.get("public_answer") or "").strip():
                raise ValidationError(
                    {"public_answer": _("Write the answer the citizen will see before concluding.")}
                )
        return cleaned


@admin.register(CitizenFeedback)
class CitizenFeedbackAdmin(ScopedAdminMixin, HistoryAdmin):
    form = TriageForm
    change_list_template = "inspections/admin_feedback_change_list.html"
    list_display = (
        "tracking_code",
        "unit",
        "category",
        "status",
        "is_formal",
        "received_on",
        "response_due",
        "resolved_on",
        "assigned_to",
    )
    list_filter = ("status", "is_formal", "category", "channel", "unit__level")
    # Never the reporter's fields: a search would reveal them by probing.
    search_fields = ("tracking_code", "staff_name", "staff__name_key")
    list_select_related = ("unit", "category", "assigned_to")
    date_hierarchy = "received_on"
    autocomplete_fields = ("unit", "staff")
    ordering = ("-received_at",)
    base_readonly = (
        "tracking_code",
        "description",
        "incident_date",
        "staff_name",
        "channel",
        "received_at",
        "response_due",
        "is_formal",
        "substantiated",
        "resolved_on",
        "finding",
    )

    def has_add_permission(self, request):
        # Feedback enters through the public form or the API (rate limited, with a tracking code).
        return False

    def _identity(self, request) -> bool:
        return can_see_identity(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                _("Feedback"),
                {
                    "fields": (
                        "tracking_code",
                        "unit",
                        "category",
                        "description",
                        "incident_date",
                        "staff_name",
                        "channel",
                        "received_at",
                        "is_formal",
                        "response_due",
                    )
                },
            ),
            (
                _("Triage"),
                {
                    "fields": (
                        "status",
                        "assigned_to",
                        "staff",
                        "finding",
                        "substantiated",
                        "resolved_on",
                        "public_answer",
                        "internal_note",
                    )
                },
            ),
        ]
        if self._identity(request):
            fieldsets.append((_("Reporter (confidential)"), {"fields": IDENTITY_FIELDS}))
        if not may_see_internal_note(request.user):
            # The unit complained about reads the feedback without the inspectors' notes.
            fieldsets = [
                (
                    title,
                    {"fields": tuple(name for name in opts["fields"] if name != "internal_note")},
                )
                for title, opts in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.base_readonly)
        if self._identity(request):
            readonly += list(IDENTITY_FIELDS)
        if not self.has_change_permission(request, obj):
            readonly += [
                "status",
                "assigned_to",
                "unit",
                "staff",
                "category",
                "public_answer",
                "internal_note",
            ]
        return readonly

    def get_inlines(self, request, obj):
        inlines = [FeedbackStepInline]
        if self._identity(request):
            inlines.append(FeedbackAttachmentInline)
        return inlines

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and self._identity(request):
            obj = self.get_object(request, object_id)
            if obj is not None and obj.has_identity:
                log_event(SecurityEventKind.IDENTITY_VIEWED, request=request, obj=obj, via="admin")
        return response

    def history_hidden_fields(self, request) -> set[str]:
        return hidden_in_history(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The record's form shows the reporter (as the record has it now) to identity holders:
        # logged.
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "GET" and self._identity(request):
            obj = self.get_object(request, object_id)
            if obj is not None and obj.has_identity:
                log_event(
                    SecurityEventKind.IDENTITY_VIEWED, request=request, obj=obj, via="admin history"
                )
        return response

    def save_model(self, request, obj, form, change):
        target = form.cleaned_data.get("status")
        previous = CitizenFeedback.objects.get(pk=obj.pk)
        obj.status = previous.status
        new_assignee = obj.assigned_to
        obj.assigned_to = previous.assigned_to
        obj.save()
        if new_assignee != previous.assigned_to:
            try:
                services.feedback_assign(feedback=obj, assignee=new_assignee, user=request.user)
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
        if target and target != previous.status:
            services.feedback_transition(feedback=obj, to=target, user=request.user)
        obj.refresh_from_db()

    def get_urls(self):
        urls = [
            path(
                "qr/",
                self.admin_site.admin_view(self.qr_sheet),
                name="inspections_citizenfeedback_qr",
            ),
            path(
                "qr/<str:code>.svg",
                self.admin_site.admin_view(self.qr_image),
                name="inspections_citizenfeedback_qr_svg",
            ),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "qr_url": reverse("admin:inspections_citizenfeedback_qr"),
        }
        return super().changelist_view(request, extra_context)

    def _qr_units(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return visible_units(request.user).filter(
            pk__in=Unit.objects.active_on(timezone.localdate()).values("pk")
        )

    def qr_sheet(self, request):
        """A printable sheet: one QR card per unit in the user's scope (``?unit=CODE`` for one)."""
        units = self._qr_units(request).order_by("path")
        code = request.GET.get("unit")
        if code:
            units = units.filter(code=code)
        cards = [
            {
                "unit": unit,
                "url": unit_form_url(request, unit),
                "svg": reverse("admin:inspections_citizenfeedback_qr_svg", args=[unit.code]),
            }
            for unit in units
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("QR codes for the feedback form"),
            "cards": cards,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "inspections/admin_feedback_qr.html", context)

    def qr_image(self, request, code: str):
        unit = get_object_or_404(self._qr_units(request), code=code)
        response = HttpResponse(qr_svg(unit_form_url(request, unit)), content_type="image/svg+xml")
        response["Content-Disposition"] = f'inline; filename="qr-{unit.code}.svg"'
        return response


@admin.register(FeedbackStep)
class FeedbackStepAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The triage trail, read-only (it is the record of who did what)."""

    list_display = ("feedback", "at", "user", "from_status", "to_status", "note")
    list_filter = ("to_status",)
    list_select_related = ("feedback", "user")
    search_fields = ("feedback__tracking_code",)
    readonly_fields = ("feedback", "at", "user", "from_status", "to_status", "note")


@admin.register(FeedbackAttachment)
class FeedbackAttachmentAdmin(admin.ModelAdmin):
    """Attachments may show the reporter (a face, handwriting): identity holders only."""

    list_display = ("feedback", "content_type", "size", "uploaded_at")
    list_select_related = ("feedback",)
    search_fields = ("feedback__tracking_code",)
    readonly_fields = (
        "feedback",
        "file",
        "content_type",
        "extension",
        "size",
        "checksum",
        "uploaded_at",
    )

    def has_module_permission(self, request):
        return can_see_identity(request.user)

    def has_view_permission(self, request, obj=None):
        return can_see_identity(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
