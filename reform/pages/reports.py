"""Period reports as the units file them: the list with the reconciliation flag, one report with
what does not add up said in words, and the entry form for HR and for a unit head (its own units
only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.pages import PermissionPage
from reform import rules
from reform.filtersets import ServiceReportFilterSet
from reform.models import ServiceReport
from reform.pages.base import ReformListPage
from reform.pages.forms import ServiceReportForm
from staff import access

FILE = "file"


def n(value) -> str:
    return number_format(value or 0, force_grouping=True)


def problem_sentences(report: ServiceReport) -> list[str]:
    """What does not add up, with the figures as filed (``rules.reconciliation_problems`` in
    words)."""
    f = report.figures
    to_handle = f.received + f.carried_over
    accounted = f.resolved + (f.pending_in_time or 0) + (f.pending_overdue or 0)
    split = (f.resolved_early or 0) + (f.resolved_on_time or 0) + (f.resolved_late or 0)
    words = []
    for problem in rules.reconciliation_problems(f):
        if problem == rules.RECEIVED_MISMATCH:
            words.append(
                _(
                    "Received %(received)s + carried over %(carried)s = %(total)s dossiers "
                    "to handle, but resolved %(resolved)s + pending within the deadline "
                    "%(in_time)s + pending and overdue %(overdue)s = %(accounted)s: a "
                    "difference of %(diff)s."
                )
                % {
                    "received": n(f.received),
                    "carried": n(f.carried_over),
                    "total": n(to_handle),
                    "resolved": n(f.resolved),
                    "in_time": n(f.pending_in_time),
                    "overdue": n(f.pending_overdue),
                    "accounted": n(accounted),
                    "diff": n(abs(to_handle - accounted)),
                }
            )
        elif problem == rules.RECEIVED_EXCEEDED:
            words.append(
                _(
                    "Resolved and pending dossiers (%(accounted)s) are more than the "
                    "dossiers to handle (received %(received)s + carried over %(carried)s = "
                    "%(total)s)."
                )
                % {
                    "accounted": n(accounted),
                    "received": n(f.received),
                    "carried": n(f.carried_over),
                    "total": n(to_handle),
                }
            )
        elif problem == rules.RESOLVED_MISMATCH:
            words.append(
                _(
                    "Resolved early %(early)s + on time %(on_time)s + late %(late)s = %(split)s, "
                    "not the %(resolved)s resolved."
                )
                % {
                    "early": n(f.resolved_early),
                    "on_time": n(f.resolved_on_time),
                    "late": n(f.resolved_late),
                    "split": n(split),
                    "resolved": n(f.resolved),
                }
            )
        elif problem == rules.RESOLVED_EXCEEDED:
            words.append(
                _(
                    "Resolved early, on time and late (%(split)s) are more than the "
                    "%(resolved)s resolved."
                )
                % {"split": n(split), "resolved": n(f.resolved)}
            )
    return words


def may_file(user) -> bool:
    """HR, the admin, and unit heads for their own units (``reform/roles.py`` ACTIONS)."""
    return access.can(user, FILE, model=ServiceReport)


class ServiceReportListPage(ReformListPage):
    template_name = "reform/pages/service_report_list.html"
    permissions = ("reform.view_servicereport",)
    title = gettext_lazy("Service delivery reports")
    queryset = ServiceReport.objects.select_related("unit")
    filterset_class = ServiceReportFilterSet
    filter_labels = {
        "scope": gettext_lazy("Scope"),
        "reconciles": gettext_lazy("Figures add up"),
    }
    search_key_fields = ("unit__name_key",)
    search_code_fields = ("unit__code",)
    sort_fields = {
        "period": (gettext_lazy("Period"), "period_end"),
        "unit": (gettext_lazy("Unit"), "unit__path"),
        "received": (gettext_lazy("Received"), "received"),
    }
    default_sort = "-period"
    export_filename = "service-reports"
    export_columns = [
        ("unit__code", gettext_lazy("Unit code")),
        ("unit__name", gettext_lazy("Unit")),
        ("scope", gettext_lazy("Scope")),
        ("period_start", gettext_lazy("Period start")),
        ("period_end", gettext_lazy("Period end")),
        ("carried_over", gettext_lazy("Carried over")),
        ("received", gettext_lazy("Received")),
        ("resolved", gettext_lazy("Resolved")),
        ("resolved_early", gettext_lazy("Resolved early")),
        ("resolved_on_time", gettext_lazy("Resolved on time")),
        ("resolved_late", gettext_lazy("Resolved late")),
        ("pending_in_time", gettext_lazy("Pending within the deadline")),
        ("pending_overdue", gettext_lazy("Pending and overdue")),
        ("late_in_system_only", gettext_lazy("Late only in the electronic system")),
        ("apologies_issued", gettext_lazy("Apologies issued")),
        ("reconciles", gettext_lazy("Figures add up")),
        ("source", gettext_lazy("Source")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_file"] = may_file(self.request.user)
        return context


def _report(request, pk: int) -> ServiceReport:
    rows = ServiceReport.objects.select_related("unit")
    return get_object_or_404(access.restrict(rows, request.user, access.VIEW), pk=pk)


class ServiceReportDetailPage(PermissionPage, View):
    permissions = ("reform.view_servicereport",)
    template_name = "reform/pages/service_report_detail.html"

    def get(self, request, pk: int):
        report = _report(request, pk)
        context = {
            "report": report,
            "problems": problem_sentences(report),
            "may_edit": access.can(request.user, FILE, report),
        }
        return render(request, self.template_name, context)


class ServiceReportFormPage(PermissionPage, View):
    """File a new report (``pk`` None) or correct one; stored exactly as typed and flagged if it
    does not add up."""

    permissions = ("reform.view_servicereport",)
    template_name = "reform/pages/service_report_form.html"

    def report(self, pk):
        if pk is None:
            if not may_file(self.request.user):
                raise PermissionDenied
            return ServiceReport()
        report = _report(self.request, pk)
        if not access.can(self.request.user, FILE, report):
            raise PermissionDenied
        return report

    def render_page(self, form, report, status=200):
        context = {"form": form, "report": report}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk=None):
        report = self.report(pk)
        initial = {}
        root = access.scope_root(request.user)
        if pk is None and root is not None:
            initial["unit"] = root.code
        form = ServiceReportForm(instance=report, initial=initial, user=request.user)
        return self.render_page(form, report)

    def post(self, request, pk=None):
        report = self.report(pk)
        old_unit = report.unit if report.pk else None
        form = ServiceReportForm(request.POST, instance=report, user=request.user)
        if form.is_valid():
            try:
                access.check_write(
                    request.user, FILE, form.instance, old_unit=old_unit, field="unit"
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                report = form.save()
                if report.reconciles:
                    messages.success(request, _("The report is saved; its figures add up."))
                else:
                    messages.warning(
                        request,
                        _(
                            "The report is saved as filed, but its figures do not add up; "
                            "they were not changed."
                        ),
                    )
                return redirect("app:service-report-detail", pk=report.pk)
        return self.render_page(form, report, status=400)
