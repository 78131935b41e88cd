"""Courses: the list, one course with its enrolments and bulk enrolment, the attendance sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.pages import ListPage, PermissionPage
from core.validation import onto_form
from staff import access
from staff.models import Staff
from staff.pages.pickers import unit_choices, use_unit_picker
from training import rules, services
from training.choices import EnrolmentStatus
from training.filtersets import CourseFilterSet
from training.models import Course, Enrolment
from training.pages.forms import OUTCOME_CHOICES, BulkEnrolForm

VIEW_PERMS = ("training.view_course",)


class CourseListPage(ListPage):
    template_name = "training/pages/course_list.html"
    permissions = VIEW_PERMS
    title = gettext_lazy("Courses")
    queryset = Course.objects.select_related("topic").with_counts()
    filterset_class = CourseFilterSet
    search_key_fields = ("title_key",)
    search_code_fields = ("code", "organizer_name")
    sort_fields = {
        "start": (gettext_lazy("Start"), "start_date"),
        "title": (gettext_lazy("Title"), "title_key"),
        "enrolled": (gettext_lazy("Enrolled"), "enrolled_count"),
    }
    default_sort = "-start"
    export_filename = "courses"
    export_columns = [
        ("code", gettext_lazy("Code")),
        ("title", gettext_lazy("Title")),
        ("topic__name", gettext_lazy("Topic")),
        ("organizer_level", gettext_lazy("Organiser level")),
        ("organizer_name", gettext_lazy("Organiser")),
        ("start_date", gettext_lazy("Start")),
        ("end_date", gettext_lazy("End")),
        ("hours", gettext_lazy("Hours")),
        ("capacity", gettext_lazy("Places")),
        ("enrolled_count", gettext_lazy("Enrolled")),
        ("turn_count", gettext_lazy("Training turns")),
    ]

    def restrict(self, queryset):
        return access.restrict(queryset, self.request.user, access.VIEW)

    def filtered(self):
        filterset, queryset = super().filtered()
        use_unit_picker(filterset, self.request.user)
        return filterset, queryset

    def get_queryset(self):
        queryset = super().get_queryset()
        # ``?date_from=&date_to=`` (ISO, the home's "courses this month" link): courses starting in
        # that range.
        for param, lookup in (("date_from", "start_date__gte"), ("date_to", "start_date__lte")):
            try:
                day = dt.date.fromisoformat(self.request.GET.get(param, ""))
            except ValueError:
                continue
            queryset = queryset.filter(**{lookup: day})
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


def _course(request, pk: int) -> Course:
    rows = Course.objects.select_related("topic", "organizer_unit").with_counts()
    return get_object_or_404(access.restrict(rows, request.user, access.VIEW), pk=pk)


def _enrolments(request, course: Course):
    rows = (
        Enrolment.objects.filter(course=course)
        .select_related("staff", "unit")
        .order_by("unit__path", "staff__name_key")
    )
    return list(access.restrict(rows, request.user, access.VIEW))


class CourseDetailPage(PermissionPage, View):
    """One course: its facts, who is enrolled, and (for HR) bulk enrolment naming who was enrolled
    or skipped."""

    permissions = VIEW_PERMS
    template_name = "training/pages/course_detail.html"

    def may_enrol(self, course) -> bool:
        return access.can(self.request.user, "enrol", course)

    def render_page(self, course, form=None, result=None, status=200):
        user = self.request.user
        may_enrol = self.may_enrol(course)
        if form is None and may_enrol:
            form = BulkEnrolForm(unit_choices=unit_choices(user))
        context = {
            "course": course,
            "today": timezone.localdate(),
            "enrolments": _enrolments(self.request, course),
            "seats_left": rules.seats_left(course.capacity, course.enrolled_count),
            "form": form if may_enrol else None,
            "result": result,
            "may_attend": access.can(user, "attendance", course),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        return self.render_page(_course(request, pk))

    def post(self, request, pk: int):
        course = _course(request, pk)
        if not self.may_enrol(course):
            raise PermissionDenied
        form = BulkEnrolForm(request.POST, unit_choices=unit_choices(request.user))
        if not form.is_valid():
            return self.render_page(course, form=form, status=400)
        unit = access.visible_units(request.user).filter(code=form.cleaned_data["unit"]).first()
        if unit is None:
            form.add_error("unit", access.OUTSIDE_SCOPE)
            return self.render_page(course, form=form, status=400)
        try:
            result = services.enrolment_bulk_create(
                course=course,
                unit=unit,
                include_subtree=form.cleaned_data["include_subtree"],
                categories=form.cleaned_data["categories"],
                staff_codes=form.codes(),
                sanction_override=form.cleaned_data["sanction_override"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as exc:
            onto_form(form, exc)
            return self.render_page(course, form=form, status=400)
        return self.render_page(_course(request, pk), form=form, result=bulk_result(result))


def bulk_result(result) -> dict:
    """Who was enrolled, who was skipped and why, by name (one query for the names)."""
    data = result.as_dict()
    codes = set(data["enrolled"]) | set(data["already_enrolled"]) | set(data["ineligible"])
    names = dict(Staff.objects.filter(code__in=codes).values_list("code", "full_name"))
    return {
        "enrolled": [(c, names.get(c, c)) for c in data["enrolled"]],
        "already": [(c, names.get(c, c)) for c in data["already_enrolled"]],
        "ineligible": [(c, names.get(c, c), reasons) for c, reasons in data["ineligible"].items()],
    }


class AttendancePage(PermissionPage, View):
    """The attendance sheet: tick who came, set results; one all-or-nothing write
    (``attendance_record``)."""

    permissions = ("training.change_enrolment",)
    template_name = "training/pages/attendance.html"

    def course(self, pk):
        course = _course(self.request, pk)
        if not access.can(self.request.user, "attendance", course):
            raise PermissionDenied
        return course

    def rows(self, course, data=None):
        rows = []
        for e in _enrolments(self.request, course):
            if data is None:
                present = e.status in rules.TURN_STATUSES or e.status == EnrolmentStatus.REGISTERED
                outcome = (
                    e.status
                    if e.status
                    in (
                        EnrolmentStatus.COMPLETED,
                        EnrolmentStatus.FAILED,
                        EnrolmentStatus.WITHDRAWN,
                    )
                    else ""
                )
                score, result = e.score, e.result
            else:
                present = data.get(f"present-{e.pk}") == "on"
                outcome = data.get(f"outcome-{e.pk}", "")
                score, result = data.get(f"score-{e.pk}", ""), data.get(f"result-{e.pk}", "")
            rows.append(
                {
                    "e": e,
                    "present": present,
                    "outcome": outcome,
                    "score": "" if score is None else score,
                    "result": result or "",
                }
            )
        return rows

    def render_page(self, course, rows, errors=(), status=200):
        today = timezone.localdate()
        context = {
            "course": course,
            "rows": rows,
            "errors": errors,
            "outcomes": OUTCOME_CHOICES,
            "begun": rules.outcome_allowed(
                EnrolmentStatus.ATTENDED, course_start=course.start_date, today=today
            ),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        course = self.course(pk)
        return self.render_page(course, self.rows(course))

    def post(self, request, pk: int):
        course = self.course(pk)
        rows = self.rows(course, request.POST)
        records, errors = [], []
        for row in rows:
            e = row["e"]
            status = row["outcome"] or (
                EnrolmentStatus.ATTENDED if row["present"] else EnrolmentStatus.NO_SHOW
            )
            if status not in dict(OUTCOME_CHOICES) and status not in (
                EnrolmentStatus.ATTENDED,
                EnrolmentStatus.NO_SHOW,
            ):
                errors.append(_("%(name)s: unknown result.") % {"name": e.staff.full_name})
                continue
            record = {
                "staff": e.staff.code,
                "status": status,
                "result": row["result"].strip()[:100],
            }
            score = str(row["score"]).strip().replace(",", ".")
            try:
                record["score"] = Decimal(score) if score else None
            except InvalidOperation:
                errors.append(
                    _("%(name)s: the score must be a number.") % {"name": e.staff.full_name}
                )
                continue
            records.append(record)
        if not errors:
            try:
                services.attendance_record(course=course, records=records)
            except ValidationError as exc:
                errors = [m for messages_ in exc.message_dict.values() for m in messages_]
            else:
                messages.success(
                    request, _("Attendance recorded for %(n)s people.") % {"n": len(records)}
                )
                return redirect("app:course-detail", pk=course.pk)
        return self.render_page(course, rows, errors=errors, status=400)
