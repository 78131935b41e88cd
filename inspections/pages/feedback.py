"""Citizen feedback in the workspace: the list (never identities), one record, and the triage:
assign to an inspector outside the accused unit, move to the next legal step, or substantiate it
and record the finding in one step. Unit heads read their units' feedback without the reporter's
identity or the inspectors' internal notes."""

from __future__ import annotations

import django_filters as filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.audit import log_event
from core.models import SecurityEventKind
from core.pages import PermissionPage
from core.validation import onto_form
from inspections.feedback import rules, services
from inspections.feedback.choices import FeedbackStatus
from inspections.feedback.filtersets import CitizenFeedbackFilterSet
from inspections.feedback.models import feedback_open
from inspections.models import CitizenFeedback
from inspections.pages.base import ScopedListPage, restrict
from inspections.pages.forms import AssignForm, FeedbackMoveForm, FindingFromFeedbackForm
from staff import access
from staff.choices import StaffStatus
from staff.models import Staff, in_subtree


class FeedbackPageFilterSet(CitizenFeedbackFilterSet):
    open = filters.BooleanFilter(method="filter_open", label=gettext_lazy("Not answered yet"))

    class Meta(CitizenFeedbackFilterSet.Meta):
        fields = ["unit", "status", "is_formal", "substantiated"]

    def filter_open(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(feedback_open()) if value else qs.exclude(feedback_open())


class FeedbackListPage(ScopedListPage):
    template_name = "inspections/pages/feedback_list.html"
    permissions = ("inspections.view_citizenfeedback",)
    title = gettext_lazy("Citizen feedback")
    queryset = CitizenFeedback.objects.select_related("unit", "category").defer(
        "reporter_name", "reporter_address", "reporter_phone", "reporter_email", "internal_note"
    )
    filterset_class = FeedbackPageFilterSet
    search_key_fields = ("unit__name_key",)
    search_code_fields = ("tracking_code", "description")
    sort_fields = {
        "received": (gettext_lazy("Received on"), "received_on"),
        "due": (gettext_lazy("Response due"), "response_due"),
        "status": (gettext_lazy("Status"), "status"),
    }
    default_sort = "-received"
    export_filename = "feedback"
    # Never the reporter's identity, never internal notes (as the API's export).
    export_columns = [
        ("tracking_code", gettext_lazy("Tracking code")),
        ("unit__code", gettext_lazy("Unit code")),
        ("unit__name", gettext_lazy("Unit")),
        ("category__name", gettext_lazy("Category")),
        ("received_on", gettext_lazy("Received on")),
        ("response_due", gettext_lazy("Response due")),
        ("status", gettext_lazy("Status")),
        ("resolved_on", gettext_lazy("Answered on")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


def _feedback(request, pk: int) -> CitizenFeedback:
    queryset = CitizenFeedback.objects.select_related(
        "unit", "category", "staff", "assigned_to", "finding"
    )
    return get_object_or_404(restrict(queryset, request.user), pk=pk)


class FeedbackDetailPage(PermissionPage, View):
    permissions = ("inspections.view_citizenfeedback",)
    template_name = "inspections/pages/feedback_detail.html"

    def staff_of(self, feedback):
        people = Staff.objects.filter(in_subtree(feedback.unit, "unit"), status=StaffStatus.ACTIVE)
        return (
            access.restrict(people, self.request.user).select_related("unit").order_by("name_key")
        )

    def forms(self, feedback, **bound):
        user = self.request.user
        open_ = feedback.is_open
        may_triage = open_ and access.can(user, "transition", feedback)
        moves = sorted(rules.TRANSITIONS.get(feedback.status, ()))
        forms = {"assign": None, "move": None, "finding": None}
        if may_triage:
            forms["assign"] = bound.get("assign") or AssignForm(
                prefix="assign",
                users=services.eligible_assignees(feedback),
                initial={"assignee": feedback.assigned_to_id},
            )
            choices = [
                (m, FeedbackStatus(m).label) for m in moves if m != FeedbackStatus.SUBSTANTIATED
            ]
            if choices:
                forms["move"] = bound.get("move") or FeedbackMoveForm(
                    prefix="move", choices=choices
                )
            if (
                feedback.status in (FeedbackStatus.RECEIVED, FeedbackStatus.UNDER_REVIEW)
                and not feedback.finding_id
            ):
                category = feedback.category.finding_category if feedback.category_id else None
                forms["finding"] = bound.get("finding") or FindingFromFeedbackForm(
                    prefix="finding",
                    staff=self.staff_of(feedback),
                    initial={
                        "category": category,
                        "staff": feedback.staff_id,
                        "description": _("From citizen feedback %(code)s: %(text)s")
                        % {"code": feedback.tracking_code, "text": feedback.description},
                        "public_answer": feedback.public_answer,
                    },
                )
        return forms

    def render_page(self, feedback, status=200, **bound):
        user = self.request.user
        show_identity = access.may_see_reporter_identity(user)
        if show_identity and feedback.has_identity and self.request.method == "GET":
            log_event(
                SecurityEventKind.IDENTITY_VIEWED,
                request=self.request,
                obj=feedback,
                via="workspace",
            )
        steps = list(feedback.steps.select_related("user").order_by("at", "pk"))
        context = {
            "feedback": feedback,
            "today": timezone.localdate(),
            "show_identity": show_identity,
            "show_internal": access.may_see_internal_note(user),
            "steps": steps,
            **{f"{name}_form": form for name, form in self.forms(feedback, **bound).items()},
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        return self.render_page(_feedback(request, pk))

    def post(self, request, pk: int):
        feedback = _feedback(request, pk)
        if not feedback.is_open or not access.can(request.user, "transition", feedback):
            raise PermissionDenied
        op = request.POST.get("op")
        if op == "assign":
            form = AssignForm(
                request.POST, prefix="assign", users=services.eligible_assignees(feedback)
            )
            if form.is_valid():
                return self.run(
                    form,
                    feedback,
                    "assign",
                    lambda: services.feedback_assign(
                        feedback=feedback, assignee=form.cleaned_data["assignee"], user=request.user
                    ),
                    _("Feedback assigned."),
                )
            return self.render_page(feedback, status=400, assign=form)
        if op == "move":
            moves = rules.TRANSITIONS.get(feedback.status, ())
            form = FeedbackMoveForm(
                request.POST, prefix="move", choices=[(m, FeedbackStatus(m).label) for m in moves]
            )
            if form.is_valid():
                data = form.cleaned_data
                return self.run(
                    form,
                    feedback,
                    "move",
                    lambda: services.feedback_transition(
                        feedback=feedback,
                        to=data["to"],
                        user=request.user,
                        note=data["note"],
                        public_answer=data["public_answer"] or None,
                    ),
                    _("Feedback moved on."),
                )
            return self.render_page(feedback, status=400, move=form)
        if op == "finding":
            form = FindingFromFeedbackForm(
                request.POST, prefix="finding", staff=self.staff_of(feedback)
            )
            if form.is_valid():
                data = form.cleaned_data
                return self.run(
                    form,
                    feedback,
                    "finding",
                    lambda: services.feedback_create_finding(
                        feedback=feedback,
                        user=request.user,
                        severity=data["severity"],
                        category=data["category"],
                        description=data["description"],
                        staff=data.get("staff"),
                        public_answer=data["public_answer"],
                    ),
                    _("Feedback substantiated and the finding recorded."),
                )
            return self.render_page(feedback, status=400, finding=form)
        return redirect("app:feedback-detail", pk=feedback.pk)

    def run(self, form, feedback, name, call, done):
        try:
            call()
        except ValidationError as exc:
            onto_form(form, exc)
            return self.render_page(
                _feedback(self.request, feedback.pk), status=400, **{name: form}
            )
        messages.success(self.request, done)
        return redirect("app:feedback-detail", pk=feedback.pk)
