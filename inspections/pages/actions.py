"""Corrective actions: the list, one action, progress reported by the unit, verification by an
inspector."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.history import history_lines
from core.pages import PermissionPage
from core.validation import onto_form
from inspections.casework import services
from inspections.casework.choices import ActionStatus
from inspections.casework.filtersets import CorrectiveActionFilterSet
from inspections.models import CorrectiveAction
from inspections.pages.base import ScopedListPage, restrict
from inspections.pages.forms import ProgressForm, VerifyForm
from staff import access

PROGRESS_PERMS = (
    "inspections.report_progress_correctiveaction",
    "inspections.change_correctiveaction",
)


class ActionListPage(ScopedListPage):
    template_name = "inspections/pages/action_list.html"
    permissions = ("inspections.view_correctiveaction",)
    title = gettext_lazy("Corrective actions")
    queryset = CorrectiveAction.objects.select_related("unit", "finding__category")
    filterset_class = CorrectiveActionFilterSet
    search_key_fields = ("unit__name_key",)
    search_code_fields = ("description",)
    sort_fields = {
        "due": (gettext_lazy("Due date"), "due_date"),
        "unit": (gettext_lazy("Responsible unit"), "unit__name_key"),
        "status": (gettext_lazy("Status"), "status"),
    }
    default_sort = "due"
    export_filename = "corrective-actions"
    export_columns = [
        ("id", gettext_lazy("ID")),
        ("finding_id", gettext_lazy("Finding")),
        ("unit__code", gettext_lazy("Unit code")),
        ("unit__name", gettext_lazy("Responsible unit")),
        ("description", gettext_lazy("What must be fixed")),
        ("due_date", gettext_lazy("Due date")),
        ("status", gettext_lazy("Status")),
        ("done_on", gettext_lazy("Done on")),
        ("verified_on", gettext_lazy("Verified on")),
        ("progress_note", gettext_lazy("Progress reported")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


def _action(request, pk: int) -> CorrectiveAction:
    queryset = CorrectiveAction.objects.select_related(
        "unit",
        "finding__category",
        "finding__inspection",
        "finding__unit",
        "finding__staff",
        "verified_by",
    )
    return get_object_or_404(restrict(queryset, request.user), pk=pk)


class ActionDetailPage(PermissionPage, View):
    """One action; the unit reports progress (POST ``progress``), an inspector verifies (POST
    ``verify``)."""

    permissions = ("inspections.view_correctiveaction",)
    template_name = "inspections/pages/action_detail.html"

    def may_report(self, action) -> bool:
        user = self.request.user
        return action.status != ActionStatus.VERIFIED and any(
            user.has_perm(p) for p in PROGRESS_PERMS
        )

    def may_verify(self, action) -> bool:
        return action.status == ActionStatus.DONE and self.request.user.has_perm(
            "inspections.change_correctiveaction"
        )

    def render_page(self, action, progress_form=None, verify_form=None, status=200):
        context = {
            "action": action,
            "today": timezone.localdate(),
            "evidence": list(action.evidence.select_related("uploaded_by")),
            "history": history_lines(action),
            "progress_form": progress_form or (ProgressForm() if self.may_report(action) else None),
            "verify_form": verify_form or (VerifyForm() if self.may_verify(action) else None),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        return self.render_page(_action(request, pk))

    def post(self, request, pk: int):
        action = _action(request, pk)
        if "verify" in request.POST:
            return self.verify(action)
        return self.progress(action)

    def progress(self, action):
        if not self.may_report(action):
            raise PermissionDenied
        form = ProgressForm(self.request.POST, self.request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.action_report_progress(
                        action=action,
                        note=form.cleaned_data["note"],
                        done_on=form.cleaned_data.get("done_on"),
                        by=self.request.user,
                    )
                    for upload in form.uploads():
                        services.evidence_attach(parent=action, upload=upload, by=self.request.user)
            except ValidationError as exc:
                onto_form(form, exc)
            else:
                messages.success(self.request, _("Progress recorded."))
                return redirect("app:action-detail", pk=action.pk)
        return self.render_page(_action(self.request, action.pk), progress_form=form, status=400)

    def verify(self, action):
        if not access.can(self.request.user, "verify", action):
            raise PermissionDenied
        form = VerifyForm(self.request.POST)
        if form.is_valid():
            try:
                services.action_verify(
                    action=action, on=form.cleaned_data["verified_on"], by=self.request.user
                )
            except ValidationError as exc:
                onto_form(form, exc)
            else:
                messages.success(self.request, _("The action is verified."))
                if self.request.htmx:
                    return render(
                        self.request,
                        "inspections/pages/_action_row.html",
                        {"row": _action(self.request, action.pk), "today": timezone.localdate()},
                    )
                return redirect("app:action-detail", pk=action.pk)
        return self.render_page(_action(self.request, action.pk), verify_form=form, status=400)
