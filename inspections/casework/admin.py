"""Casework admin: inspections with their findings, findings with their actions,
disciplinary cases with their steps, the rule catalogue, and history everywhere.

Lists are scoped like the API (``ScopedAdminMixin``). A case's computed
fields are read-only: they are recomputed by ``services`` on every save, and
workflow steps are taken through the transition form (the same service as
the API), never by editing the status.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_filters import filterset_list_filter
from core.history import HistoryAdmin
from inspections.casework import services
from inspections.casework.choices import (
    CaseStatus,
    DeferralReason,
    DisciplineFormCode,
    ExemptionReason,
)
from inspections.casework.filtersets import CorrectiveActionFilterSet, DisciplinaryCaseFilterSet
from inspections.models import (
    CaseSuspension,
    CorrectiveAction,
    DisciplinaryCase,
    DisciplineForm,
    DisciplineRegime,
    DisciplineStep,
    Evidence,
    Finding,
    FindingCategory,
    Inspection,
)
from staff.admin import ScopedAdminMixin

YES_NO = {"yes": "true", "no": "false"}
OVERDUE_LOOKUPS = [("yes", _("Overdue today")), ("no", _("Not overdue"))]
OverdueActionFilter = filterset_list_filter(
    CorrectiveActionFilterSet,
    "overdue",
    title=_("overdue"),
    lookups=OVERDUE_LOOKUPS,
    values=YES_NO,
)
OverdueCaseFilter = filterset_list_filter(
    DisciplinaryCaseFilterSet,
    "overdue",
    title=_("overdue"),
    lookups=OVERDUE_LOOKUPS,
    values=YES_NO,
)
LimitationExpiringFilter = filterset_list_filter(
    DisciplinaryCaseFilterSet,
    "limitation_expiring_within",
    parameter_name="limitation_within",
    title=_("statute of limitations"),
    lookups=[
        ("30", _("Ends within 30 days")),
        ("90", _("Ends within 90 days")),
        ("180", _("Ends within 180 days")),
    ],
)


# --- Inlines ----------------------------------------------------------------------------


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ("unit", "staff", "category", "severity", "found_on", "substantiated", "description")
    autocomplete_fields = ("unit", "staff")
    show_change_link = True


class CorrectiveActionInline(admin.TabularInline):
    model = CorrectiveAction
    extra = 0
    fields = ("unit", "description", "due_date", "status", "done_on", "verified_on")
    autocomplete_fields = ("unit",)
    show_change_link = True


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = (
        "original_name",
        "kind",
        "size",
        "description",
        "uploaded_by",
        "uploaded_at",
        "download",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Uploads go through the API so the type is sniffed and the size checked.
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html('<a href="/api/v1/evidence/{}/download/">{}</a>', obj.pk, _("Download"))


class InspectionEvidenceInline(EvidenceInline):
    fk_name = "inspection"


class FindingEvidenceInline(EvidenceInline):
    fk_name = "finding"


class CaseEvidenceInline(EvidenceInline):
    fk_name = "case"


class DisciplineStepInline(admin.TabularInline):
    model = DisciplineStep
    extra = 0
    fields = ("on", "from_status", "to_status", "by", "at", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CaseSuspensionInline(admin.TabularInline):
    model = CaseSuspension
    extra = 0
    fields = ("kind", "start", "end", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# --- Records ------------------------------------------------------------------------------


@admin.register(FindingCategory)
class FindingCategoryAdmin(HistoryAdmin):
    list_display = ("name", "code", "active", "sort_order")
    list_editable = ("active", "sort_order")
    search_fields = ("code", "name", "name_key")


@admin.register(Inspection)
class InspectionAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("code", "unit", "kind", "start_date", "end_date", "status", "conclusion_number")
    list_filter = ("kind", "status", "unit__level", ("start_date", admin.DateFieldListFilter))
    search_fields = ("code", "unit__name", "unit__name_key", "conclusion_number")
    date_hierarchy = "start_date"
    autocomplete_fields = ("unit", "lead_inspector", "team")
    list_select_related = ("unit",)
    inlines = [FindingInline, InspectionEvidenceInline]


@admin.register(Finding)
class FindingAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = (
        "__str__",
        "unit",
        "inspection",
        "category",
        "severity",
        "found_on",
        "substantiated",
    )
    list_filter = (
        "severity",
        "category",
        "substantiated",
        "inspection__kind",
        ("found_on", admin.DateFieldListFilter),
    )
    search_fields = ("description", "unit__name_key", "staff__name_key", "inspection__code")
    date_hierarchy = "found_on"
    autocomplete_fields = ("inspection", "unit", "staff")
    list_select_related = ("unit", "inspection", "category")
    inlines = [CorrectiveActionInline, FindingEvidenceInline]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = (
        "__str__",
        "unit",
        "due_date",
        "status",
        "done_on",
        "verified_on",
        "is_overdue_today",
    )
    list_filter = (OverdueActionFilter, "status", ("due_date", admin.DateFieldListFilter))
    search_fields = ("description", "unit__name_key")
    autocomplete_fields = ("finding", "unit")
    readonly_fields = ("verified_by", "progress_reported_at")
    list_select_related = ("unit",)
    date_hierarchy = "due_date"

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue_today(self, obj):
        return obj.is_overdue(timezone.localdate())


class CaseForm(forms.ModelForm):
    class Meta:
        model = DisciplinaryCase
        fields = [
            "staff",
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
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "opened_on" in self.fields:  # absent from a read-only form (view permission only)
            self.fields["opened_on"].required = False

    def clean(self):
        data = super().clean()
        if self.instance.pk and not self.instance.is_open:
            raise ValidationError(_("A closed case cannot be changed."))
        staff, discovered = data.get("staff"), data.get("discovered_on")
        if staff and discovered:
            services.regime_for(staff.category, discovered)  # a ValidationError names the field
        return data


@admin.register(DisciplinaryCase)
class DisciplinaryCaseAdmin(ScopedAdminMixin, HistoryAdmin):
    form = CaseForm
    list_display = (
        "__str__",
        "unit",
        "severity",
        "status",
        "regime",
        "discovered_on",
        "handling_deadline",
        "statute_deadline",
        "decision_form",
        "is_overdue_today",
    )
    list_filter = (
        OverdueCaseFilter,
        LimitationExpiringFilter,
        "status",
        "regime",
        "severity",
        "decision_form",
    )
    search_fields = ("staff__name_key", "staff__code", "decision_number")
    autocomplete_fields = ("staff", "findings")
    list_select_related = ("staff", "unit")
    date_hierarchy = "discovered_on"
    readonly_fields = (
        "unit",
        "status",
        "postponed_from",
        "deferral_reason",
        "exemption_reason",
        "regime",
        "regime_rule",
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
        "transition_link",
        "shortcut_reason",
        "decision_effective_on",
        "party_decision_on",
        "warranted_form",
    )
    fieldsets = [
        (
            None,
            {"fields": ("staff", "unit", "findings", "summary", "severity", "repeat_violation")},
        ),
        (
            _("Dates"),
            {
                "fields": (
                    "violation_date",
                    "violation_ended_on",
                    "violation_ongoing",
                    "violation_concluded_on",
                    "discovered_on",
                    "opened_on",
                    "no_limitation_reason",
                )
            },
        ),
        (
            _("Workflow"),
            {
                "fields": (
                    "status",
                    "transition_link",
                    "postponed_from",
                    "deferral_reason",
                    "exemption_reason",
                    "shortcut_reason",
                )
            },
        ),
        (
            _("Computed deadlines"),
            {
                "fields": (
                    "regime",
                    "regime_rule",
                    "statute_deadline",
                    "statute_explanation",
                    "handling_base_deadline",
                    "handling_deadline",
                    "handling_explanation",
                    "suspended_days",
                    "extension_days",
                    "extension_reason",
                    "extended_on",
                )
            },
        ),
        (
            _("Decision"),
            {
                "fields": (
                    "decision_form",
                    "decision_number",
                    "decision_date",
                    "decision_effective_on",
                    "party_decision_on",
                    "warranted_form",
                    "decision_signer",
                    "effect_ends_on",
                    "salary_delay_months",
                    "effect_explanation",
                )
            },
        ),
    ]
    inlines = [DisciplineStepInline, CaseSuspensionInline, CaseEvidenceInline]

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue_today(self, obj):
        return obj.is_overdue(timezone.localdate())

    @admin.display(description=_("next step"))
    def transition_link(self, obj):
        if not obj.pk or not obj.is_open:
            return "-"
        url = reverse("admin:inspections_disciplinarycase_transition", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Take a workflow step"))

    def save_model(self, request, obj, form, change):
        facts = {
            name: form.cleaned_data[name]
            for name in CaseForm.Meta.fields
            if name in form.cleaned_data and name != "findings"
        }
        if not facts.get("opened_on"):
            facts["opened_on"] = facts.get("discovered_on")
        try:
            if change:
                services.case_update(case=DisciplinaryCase.objects.get(pk=obj.pk), **facts)
            else:
                staff = facts.pop("staff")
                created = services.case_open(staff=staff, by=request.user, **facts)
                obj.pk = created.pk
        except ValidationError as exc:
            # The form validated the fields; a rule violation (no regime, closed case) is shown
            # here.
            messages.error(request, "; ".join(exc.messages))
            if not change:
                raise

    def save_related(self, request, form, formsets, change):
        form.instance = DisciplinaryCase.objects.get(pk=form.instance.pk)
        super().save_related(request, form, formsets, change)

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="inspections_disciplinarycase_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk):
        case = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("inspections.change_disciplinarycase"):
            messages.error(request, _("You may not take workflow steps."))
            return redirect("admin:inspections_disciplinarycase_change", pk)
        form = TransitionForm(request.POST or None, initial={"on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                services.case_transition(case=case, by=request.user, **data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The step was recorded."))
                return redirect("admin:inspections_disciplinarycase_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": case,
            "form": form,
            "title": _("Workflow step for %(case)s") % {"case": case},
        }
        return TemplateResponse(
            request, "admin/inspections/disciplinarycase/transition.html", context
        )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("to"), choices=CaseStatus.choices)
    on = forms.DateField(label=_("date of the step"), required=False, initial=dt.date.today)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    decision_form = forms.ChoiceField(
        label=_("disciplinary form"),
        choices=[("", "-"), *DisciplineFormCode.choices],
        required=False,
    )
    decision_number = forms.CharField(label=_("decision number"), required=False)
    decision_date = forms.DateField(label=_("decision date"), required=False)
    decision_signer = forms.CharField(label=_("decision signed by"), required=False)
    deferral_reason = forms.ChoiceField(
        label=_("deferral reason"), choices=[("", "-"), *DeferralReason.choices], required=False
    )
    exemption_reason = forms.ChoiceField(
        label=_("exemption reason"), choices=[("", "-"), *ExemptionReason.choices], required=False
    )


# --- The rule catalogue ---------------------------------------------------------------------


class DisciplineFormInline(admin.TabularInline):
    model = DisciplineForm
    extra = 0
    fields = (
        "form",
        "category",
        "leaders_only",
        "non_leaders_only",
        "level",
        "effect_months",
        "salary_delay_months",
        "verified",
        "note",
    )


@admin.register(DisciplineRegime)
class DisciplineRegimeAdmin(HistoryAdmin):
    list_display = (
        "key",
        "code",
        "name",
        "valid_from",
        "valid_until",
        "statute_months_minor",
        "statute_months_other",
        "handling_period",
        "handling_period_complex",
        "handling_unit",
        "legal_basis",
        "verified",
    )
    list_filter = ("code", "verified")
    inlines = [DisciplineFormInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and not obj.verified:
            messages.warning(
                request,
                _("This rule is marked unverified: check it against the official text. %(note)s")
                % {"note": obj.note},
            )
        return form


@admin.register(DisciplineForm)
class DisciplineFormAdmin(HistoryAdmin):
    list_display = (
        "regime",
        "category",
        "form",
        "leaders_only",
        "non_leaders_only",
        "level",
        "effect_months",
        "salary_delay_months",
        "verified",
    )
    list_filter = ("regime__code", "category", "form", "verified")
    list_select_related = ("regime",)


@admin.register(Evidence)
class EvidenceAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("original_name", "unit", "kind", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("original_name", "description")
    fields = (
        "original_name",
        "unit",
        "kind",
        "content_type",
        "size",
        "sha256",
        "description",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = (
        "original_name",
        "unit",
        "kind",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    )

    def has_add_permission(self, request):
        return False
