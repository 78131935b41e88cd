"""Inspection pages: the list (the reference list page of the workspace) and one inspection."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.pages import PermissionPage
from inspections.casework.filtersets import InspectionFilterSet
from inspections.models import Inspection
from inspections.pages.base import ScopedListPage, restrict


class InspectionListPage(ScopedListPage):
    template_name = "inspections/pages/inspection_list.html"
    permissions = ("inspections.view_inspection",)
    title = _("Inspections")
    queryset = Inspection.objects.select_related("unit").annotate(findings_count=Count("findings"))
    filterset_class = InspectionFilterSet
    search_key_fields = ("unit__name_key",)
    search_code_fields = ("code", "conclusion_number")
    sort_fields = {
        "start": (_("Start date"), "start_date"),
        "code": (_("Code"), "code"),
        "unit": (_("Inspected unit"), "unit__name_key"),
        "status": (_("Status"), "status"),
        "findings": (_("Findings"), "findings_count"),
    }
    default_sort = "-start"
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


class InspectionDetailPage(PermissionPage, TemplateView):
    template_name = "inspections/pages/inspection_detail.html"
    permissions = ("inspections.view_inspection",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection = get_object_or_404(
            restrict(
                Inspection.objects.select_related("unit", "lead_inspector"), self.request.user
            ),
            code=kwargs["code"],
        )
        findings = (
            inspection.findings.select_related("category", "staff", "unit")
            .prefetch_related("actions__unit", "evidence")
            .order_by("pk")
        )
        context.update(
            {
                "inspection": inspection,
                "team": list(inspection.team.all()),
                "findings": list(findings),
                "evidence": list(inspection.evidence.all()),
                "can_edit": self.request.user.has_perm("inspections.change_inspection"),
            }
        )
        return context
