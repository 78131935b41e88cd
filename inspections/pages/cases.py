"""Discipline cases in the workspace: the list, one case with its deadlines in words and the
next legal steps, and opening a case from a finding. Writes go through
``inspections.casework.services``; every row and write is checked by ``staff.access``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.pages import ListPage, PermissionPage
from core.validation import onto_form
from inspections.casework import services
from inspections.casework.choices import CaseStatus, Severity
from inspections.casework.filtersets import DisciplinaryCaseFilterSet
from inspections.models import DisciplinaryCase, DisciplineStep, Finding
from inspections.pages.case_forms import (
    CaseOpenForm,
    CaseStepForm,
    decision_form_choices,
    legal_steps,
)
from staff import access
from staff.models import Staff, in_subtree
from staff.pages.pickers import use_unit_picker

VIEW_PERMS = ("inspections.view_disciplinarycase",)
# How close a deadline must be for the list and the case to warn about it.
WARN_DAYS = 14


class CaseListPage(ListPage):
    template_name = "inspections/pages/case_list.html"
    permissions = VIEW_PERMS
    title = gettext_lazy("Disciplinary cases")
    queryset = DisciplinaryCase.objects.select_related("staff", "unit")
    filterset_class = DisciplinaryCaseFilterSet
    search_key_fields = ("staff__name_key", "unit__name_key")
    search_code_fields = ("staff__code",)
    sort_fields = {
        "staff": (gettext_lazy("Staff member"), "staff__name_key"),
        "discovered": (gettext_lazy("Discovered on"), "discovered_on"),
        "deadline": (gettext_lazy("Handling deadline"), "handling_deadline"),
        "statute": (gettext_lazy("Statute of limitations ends"), "statute_deadline"),
        "status": (gettext_lazy("Step"), "status"),
    }
    default_sort = "-discovered"
    export_filename = "disciplinary-cases"
    export_columns = [
        ("id", gettext_lazy("ID")),
        ("staff__code", gettext_lazy("Staff code")),
        ("staff__full_name", gettext_lazy("Staff member")),
        ("unit__name", gettext_lazy("Unit")),
        ("severity", gettext_lazy("Severity")),
        ("status", gettext_lazy("Step")),
        ("violation_date", gettext_lazy("Date of the violation")),
        ("discovered_on", gettext_lazy("Discovered on")),
        ("handling_deadline", gettext_lazy("Handling deadline")),
        ("statute_deadline", gettext_lazy("Statute of limitations ends")),
        ("decision_form", gettext_lazy("Disciplinary form")),
        ("decision_number", gettext_lazy("Decision number")),
        ("decision_date", gettext_lazy("Decision date")),
        ("effect_ends_on", gettext_lazy("Effects end on")),
    ]

    def restrict(self, queryset):
        return access.restrict(queryset, self.request.user, access.VIEW)

    def filtered(self):
        filterset, queryset = super().filtered()
        use_unit_picker(filterset, self.request.user)
        return filterset, queryset

    def get_queryset(self):
        queryset = super().get_queryset()
        # ``?open=true`` (the home's "more" link): cases still open.
        if self.request.GET.get("open") in ("true", "1", "on"):
            queryset = queryset.still_open()
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["today"] = timezone.localdate()
        context["warn_days"] = WARN_DAYS
        if access.can(user, access.ADD, model=DisciplinaryCase):
            context["findings_without_case"] = findings_without_case(user)[:10]
        return context


def findings_without_case(user):
    """Serious findings (or worse) naming a person, with no case yet: candidates for a case."""
    has_case = DisciplinaryCase.findings.through.objects.filter(finding_id=OuterRef("pk"))
    rows = (
        Finding.objects.filter(staff__isnull=False, substantiated=True)
        .exclude(severity=Severity.MINOR)
        .exclude(Exists(has_case))
        .select_related("staff", "unit", "category")
        .order_by("-found_on", "-pk")
    )
    return access.restrict(rows, user, access.VIEW)


def _case(request, pk: int) -> DisciplinaryCase:
    queryset = DisciplinaryCase.objects.select_related("staff", "unit", "regime_rule")
    return get_object_or_404(access.restrict(queryset, request.user, access.VIEW), pk=pk)


def _decision_forms(case: DisciplinaryCase):
    """The disciplinary forms the staff member's category may receive under the regime in force
    today."""
    try:
        regime = services.regime_for(case.staff.category, timezone.localdate())
    except ValidationError:
        return []
    rows = regime.forms.filter(category=case.staff.category).order_by("level")
    rows = (
        rows.exclude(leaders_only=True)
        if not case.staff.is_leader
        else rows.exclude(non_leaders_only=True)
    )
    return decision_form_choices(rows)


class CaseDetailPage(PermissionPage, View):
    """One case: facts, deadlines explained, history in words; ``?step=<code>`` shows that step's
    form."""

    permissions = VIEW_PERMS
    template_name = "inspections/pages/case_detail.html"

    def may_step(self, case) -> bool:
        return case.is_open and access.can(self.request.user, "transition", case)

    def step_form(self, case, to: str, data=None):
        if to not in dict(legal_steps(case)):
            return None
        return CaseStepForm(
            data,
            case=case,
            to=to,
            decision_forms=_decision_forms(case) if to == CaseStatus.DECIDED else (),
        )

    def render_page(self, case, form=None, status=200):
        today = timezone.localdate()
        may_step = self.may_step(case)
        if form is None and may_step:
            form = self.step_form(case, self.request.GET.get("step", ""))
        steps = list(
            DisciplineStep.objects.filter(case=case).select_related("by").order_by("on", "pk")
        )
        context = {
            "case": case,
            "today": today,
            "warn_days": WARN_DAYS,
            "findings": list(case.findings.select_related("category", "inspection", "unit")),
            "steps": steps,
            "suspensions": list(case.suspensions.all().order_by("start")),
            "legal_steps": legal_steps(case) if may_step else [],
            "form": form,
            "step_label": CaseStatus(form.to).label if form is not None else "",
        }
        template = self.template_name
        if self.request.htmx and self.request.method == "GET" and "step" in self.request.GET:
            template = "inspections/pages/_case_step_form.html"
        return render(self.request, template, context, status=status)

    def get(self, request, pk: int):
        return self.render_page(_case(request, pk))

    def post(self, request, pk: int):
        case = _case(request, pk)
        if not self.may_step(case):
            raise PermissionDenied
        form = self.step_form(case, request.POST.get("to", ""), request.POST)
        if form is None:
            messages.error(request, _("This step is not possible from the case's current step."))
            return redirect("app:case-detail", pk=case.pk)
        if form.is_valid():
            try:
                services.case_transition(case=case, by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                onto_form(form, exc)
            else:
                messages.success(
                    request,
                    _("The case moved to the step “%(step)s”.")
                    % {"step": CaseStatus(form.to).label},
                )
                return redirect("app:case-detail", pk=case.pk)
        return self.render_page(case, form=form, status=400)


class CaseOpenPage(PermissionPage, View):
    """Open a case from a finding (``?finding=<id>``): the person, dates, severity and text come
    from it."""

    permissions = ("inspections.add_disciplinarycase",)
    template_name = "inspections/pages/case_open.html"

    def finding(self):
        pk = self.request.GET.get("finding") or self.request.POST.get("finding")
        if not str(pk or "").isdigit():
            return None
        rows = Finding.objects.select_related("staff", "unit", "category", "inspection")
        return get_object_or_404(access.restrict(rows, self.request.user, access.VIEW), pk=pk)

    def staff_choices(self, finding):
        rows = Staff.objects.filter(status="active").select_related("unit").order_by("name_key")
        if finding is not None:
            rows = rows.filter(in_subtree(finding.unit, "unit"))
        return access.restrict(rows, self.request.user, access.VIEW)

    def render_page(self, form, finding, status=200):
        context = {
            "form": form,
            "finding": finding,
            "candidates": [] if finding else list(findings_without_case(self.request.user)[:25]),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        finding = self.finding()
        initial = {}
        if finding is not None:
            initial = {
                "staff": finding.staff_id,
                "violation_date": finding.found_on,
                "discovered_on": finding.found_on,
                "severity": finding.severity,
                "summary": finding.description,
            }
        form = (
            CaseOpenForm(initial=initial, staff_queryset=self.staff_choices(finding))
            if finding
            else None
        )
        return self.render_page(form, finding)

    def post(self, request):
        finding = self.finding()
        if finding is None:
            return redirect("app:case-open")
        form = CaseOpenForm(request.POST, staff_queryset=self.staff_choices(finding))
        if form.is_valid():
            data = form.cleaned_data
            staff = data["staff"]
            try:
                access.check_write(
                    request.user,
                    access.ADD,
                    DisciplinaryCase(staff=staff, unit=staff.unit),
                    field="staff",
                )
                case = services.case_open(
                    staff=staff,
                    findings=[finding],
                    by=request.user,
                    note=data["note"],
                    violation_date=data["violation_date"],
                    discovered_on=data["discovered_on"],
                    severity=data["severity"],
                    summary=data["summary"],
                )
            except ValidationError as exc:
                onto_form(form, exc)
            else:
                messages.success(request, _("Case #%(id)s opened.") % {"id": case.pk})
                return redirect("app:case-detail", pk=case.pk)
        return self.render_page(form, finding, status=400)


def case_counts(user) -> dict:
    """Open cases by step, for the HR home (one grouped query)."""
    rows = access.restrict(DisciplinaryCase.objects.still_open(), user, access.VIEW)
    return dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
