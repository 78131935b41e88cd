"""One-stop dossiers: the list (unit, procedure, channel, level, period, state today) and one
dossier with its apology (phiếu xin lỗi và hẹn lại) status; the procedure catalogue."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.pages import PermissionPage
from reform import rules
from reform.choices import DossierState
from reform.filtersets import DossierFilterSet, ProcedureFilterSet
from reform.models import Dossier, Procedure
from reform.pages.base import ReformListPage
from staff import access


def apology(dossier: Dossier, today) -> dict:
    """Whether the dossier needs a written apology with a new date, and whether one was issued."""
    state = dossier.state(today)
    needed = rules.needs_apology(state)
    if dossier.apology_issued_on:
        key = "issued"
    elif needed:
        key = "missing"
    else:
        key = "not_needed"
    return {"key": key, "needed": needed, "state": state, "label": DossierState(state).label}


class DossierListPage(ReformListPage):
    template_name = "reform/pages/dossier_list.html"
    permissions = ("reform.view_dossier",)
    title = _("One-stop dossiers")
    queryset = Dossier.objects.select_related("procedure", "unit")
    filterset_class = DossierFilterSet
    filter_labels = {
        "procedure": _("Procedure code"),
        "level": _("Counter level"),
        "channel": _("Channel"),
        "electronic": _("In the electronic one-stop system"),
        "received_after": _("Received from"),
        "received_before": _("Received until"),
        "state": _("State today"),
        "late_in_system_only": _("Late only in the electronic system"),
        "apology_issued": _("Apology issued"),
    }
    search_key_fields = ("procedure__name_key",)
    search_code_fields = ("code", "procedure__code")
    sort_fields = {
        "received": (_("Received on"), "received_on"),
        "due": (_("Due on"), "due_on"),
        "resolved": (_("Resolved on"), "resolved_on"),
        "code": (_("Dossier code"), "code"),
    }
    default_sort = "-received"
    export_filename = "dossiers"
    export_columns = [
        ("code", _("Dossier code")),
        ("procedure__code", _("Procedure code")),
        ("procedure__name", _("Procedure")),
        ("unit__code", _("Unit code")),
        ("unit__name", _("Receiving unit")),
        ("level", _("Counter level")),
        ("channel", _("Channel")),
        ("electronic", _("In the electronic one-stop system")),
        ("received_on", _("Received on")),
        ("due_on", _("Due on")),
        ("resolved_on", _("Resolved on")),
        ("outcome", _("Outcome")),
        ("result", _("Result")),
        ("returned_on", _("Result returned on")),
        ("late_in_system_only", _("Late only in the electronic system")),
        ("late_reason", _("Reason")),
        ("apology_issued_on", _("Apology issued on")),
        ("apology_new_due_on", _("New date promised")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["today"] = today
        context["rows"] = [(row, apology(row, today)) for row in context["rows"]]
        context["may_import"] = may_import(self.request.user, Dossier)
        return context


def may_import(user, model) -> bool:
    return access.has_permission(user, access.ADD, model) and access.has_permission(
        user, access.CHANGE, model
    )


class DossierDetailPage(PermissionPage, View):
    permissions = ("reform.view_dossier",)
    template_name = "reform/pages/dossier_detail.html"

    def get(self, request, pk: int):
        rows = Dossier.objects.select_related("procedure", "unit")
        dossier = get_object_or_404(access.restrict(rows, request.user, access.VIEW), pk=pk)
        today = timezone.localdate()
        context = {"dossier": dossier, "today": today, "apology": apology(dossier, today)}
        return render(request, self.template_name, context)


class ProcedureListPage(ReformListPage):
    """The published catalogue (not bound to a unit: every reader sees it all)."""

    template_name = "reform/pages/procedure_list.html"
    permissions = ("reform.view_procedure",)
    title = _("Administrative procedures")
    queryset = Procedure.objects.all()
    filterset_class = ProcedureFilterSet
    filter_labels = {
        "level": _("Level"),
        "field": _("Field"),
        "online": _("Online submission offered"),
        "posted_at": _("Posted at this unit (code)"),
    }
    search_key_fields = ("name_key",)
    search_code_fields = ("code", "field")
    sort_fields = {
        "code": (_("Code"), "code"),
        "name": (_("Name"), "name_key"),
        "days": (_("Working days"), "resolution_days"),
    }
    default_sort = "code"
    export_filename = "procedures"
    export_columns = [
        ("code", _("Code")),
        ("name", _("Name")),
        ("field", _("Field")),
        ("level", _("Level")),
        ("resolution_days", _("Working days")),
        ("online", _("Online submission offered")),
        ("decision", _("Publishing decision")),
        ("published_on", _("Published on")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_import"] = may_import(self.request.user, Procedure)
        return context
