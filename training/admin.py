"""Admin for training: courses with enrolments inline, bulk enrolment, attendance, compliance view.

Seats are checked in the forms under a lock on the course row: the admin's
change view runs in one transaction, so two people saving enrolments of the
same course at once are serialised and the capacity holds.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin_filters import filterset_list_filter
from core.history import HistoryAdmin
from core.import_admin import ImportAdminMixin
from staff.access import rows_in_scope, scope_of, unit_in_scope, visible_units
from staff.admin import ScopedAdminMixin
from staff.choices import StaffCategory
from staff.models import Unit, in_subtree
from training import rules, services
from training.choices import EnrolmentStatus
from training.compliance import staff_compliance, unit_compliance
from training.filtersets import EnrolmentFilterSet
from training.models import Course, Enrolment, TrainingRequirement, TrainingTopic


def _check_seats(course: Course, *, adding: int, exclude_pks=()) -> None:
    """Raise when ``adding`` more seat-holding enrolments would overfill the (locked) course."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    taken = (
        course.enrolments.holding_seats().exclude(pk__in=[pk for pk in exclude_pks if pk]).count()
    )
    if not rules.capacity_allows(course.capacity, taken, adding):
        raise ValidationError(
            _("The course is full (%(capacity)d places).") % {"capacity": course.capacity}
        )


@admin.register(TrainingTopic)
class TrainingTopicAdmin(HistoryAdmin):
    list_display = ("name", "code", "sort_order")
    search_fields = ("code", "name", "name_key")
    ordering = ("sort_order", "name_key")


class EnrolmentInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.pk:
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        seat_forms = [
            f
            for f in kept
            if rules.holds_seat(f.cleaned_data.get("status", EnrolmentStatus.REGISTERED))
        ]
        in_forms = [f.instance.pk for f in self.forms if f.instance.pk]
        _check_seats(self.instance, adding=len(seat_forms), exclude_pks=in_forms)


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    formset = EnrolmentInlineFormSet
    extra = 0
    autocomplete_fields = ("staff",)
    fields = (
        "staff",
        "unit",
        "status",
        "result",
        "score",
        "completed_on",
        "certificate_number",
        "certificate_issued_on",
        "sanction_override",
        "override_reason",
    )
    readonly_fields = ("unit",)
    show_change_link = True

    def get_queryset(self, request):
        # A unit head opening a course attended from its units sees only its own units' enrolments.
        return rows_in_scope(super().get_queryset(request), request.user).select_related(
            "staff", "unit"
        )


class BulkEnrolForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    include_subtree = forms.BooleanField(label=_("Include sub-units"), required=False, initial=True)
    categories = forms.MultipleChoiceField(
        label=_("Staff categories"),
        choices=StaffCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category."),
    )
    sanction_override = forms.BooleanField(
        label=_("Also enrol people under a disciplinary sanction"), required=False
    )
    override_reason = forms.CharField(
        label=_("Reason for the override"), required=False, max_length=255
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = visible_units(user).order_by("path")


@admin.register(Course)
class CourseAdmin(ImportAdminMixin, HistoryAdmin):
    # Attendance sheets are imported from the course list (``import/``, or
    # ``import/?course=CODE`` for a sheet without a course column).
    change_list_template = "admin/staff/import_change_list.html"
    import_template = "admin/staff/import.html"
    import_title = _("Import an attendance sheet")
    list_display = (
        "code",
        "title",
        "topic",
        "organizer_level",
        "start_date",
        "end_date",
        "hours",
        "periods",
        "capacity",
        "enrolled",
        "turns",
    )
    list_filter = ("organizer_level", "kind", "purpose", "topic", "mode", "issues_certificate")
    date_hierarchy = "start_date"
    search_fields = ("code", "title", "title_key", "organizer_name")
    autocomplete_fields = ("organizer_unit",)
    list_select_related = ("topic",)
    inlines = [EnrolmentInline]
    actions = ["enrol_staff", "mark_registered_attended"]
    fieldsets = (
        (None, {"fields": ("code", "title", "topic", "kind", "purpose", "mode")}),
        (
            _("Organiser"),
            {
                "fields": (
                    "organizer_level",
                    "organizer_name",
                    "organizer_unit",
                    "co_organizer_name",
                )
            },
        ),
        (
            _("Dates and length"),
            {
                "fields": (
                    "start_date",
                    "end_date",
                    "hours",
                    "periods",
                    "location",
                    "capacity",
                    "issues_certificate",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).with_counts()

    @admin.display(description=_("enrolled"), ordering="enrolled_count")
    def enrolled(self, obj):
        return obj.enrolled_count

    @admin.display(description=_("turns"), ordering="turn_count")
    def turns(self, obj):
        return obj.turn_count

    @admin.action(description=_("Enrol the staff of a unit (by category)"), permissions=["enrol"])
    def enrol_staff(self, request, queryset):
        if "apply" in request.POST:
            form = BulkEnrolForm(request.POST, user=request.user)
            if form.is_valid():
                data = form.cleaned_data
                if not unit_in_scope(request.user, data["unit"]):
                    raise PermissionDenied
                for course in queryset:
                    try:
                        result = services.enrolment_bulk_create(
                            course=course,
                            unit=data["unit"],
                            include_subtree=data["include_subtree"],
                            categories=data["categories"],
                            sanction_override=data["sanction_override"],
                            override_reason=data["override_reason"],
                        ).as_dict()
                    except ValidationError as exc:
                        self.message_user(
                            request, f"{course.code}: {' '.join(exc.messages)}", messages.ERROR
                        )
                        continue
                    self.message_user(
                        request,
                        _(
                            "%(course)s: %(created)d enrolled, %(already)d already "
                            "enrolled, %(ineligible)d not eligible."
                        )
                        % {
                            "course": course.code,
                            "created": result["created"],
                            "already": len(result["already_enrolled"]),
                            "ineligible": len(result["ineligible"]),
                        },
                        messages.SUCCESS,
                    )
                return None
        else:
            form = BulkEnrolForm(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrol staff by unit and category"),
            "form": form,
            "courses": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "training/admin/bulk_enrol.html", context)

    @admin.action(
        description=_("Record: everyone still registered attended"), permissions=["record"]
    )
    def mark_registered_attended(self, request, queryset):
        for course in queryset:
            try:
                changed = services.attendance_record(
                    course=course, default_status=EnrolmentStatus.ATTENDED
                )
            except ValidationError as exc:
                self.message_user(
                    request, f"{course.code}: {' '.join(exc.messages)}", messages.ERROR
                )
                continue
            self.message_user(
                request,
                _("%(course)s: %(count)d marked attended.")
                % {"course": course.code, "count": len(changed)},
            )

    def has_enrol_permission(self, request):
        return request.user.has_perm("training.add_enrolment")

    def has_record_permission(self, request):
        return request.user.has_perm("training.change_enrolment")

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("training.add_enrolment") and request.user.has_perm(
            "training.change_enrolment"
        )

    def get_importer(self, request):
        from training.importers import AttendanceImporter

        courses = Course.objects.visible_to(request.user)
        course = (
            courses.filter(code=request.GET.get("course", "")).first()
            if request.GET.get("course")
            else None
        )
        return AttendanceImporter(course=course, units=visible_units(request.user), courses=courses)


YearFilter = filterset_list_filter(
    EnrolmentFilterSet,
    "year",
    title=_("year"),
    lookups=lambda: [
        (str(d.year), str(d.year)) for d in Course.objects.dates("start_date", "year", order="DESC")
    ],
)
TurnFilter = filterset_list_filter(
    EnrolmentFilterSet,
    "turn",
    title=_("training turn"),
    lookups=[("yes", _("Yes")), ("no", _("No"))],
    values={"yes": "true", "no": "false"},
)


class EnrolmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = [
            "course",
            "staff",
            "status",
            "result",
            "score",
            "completed_on",
            "certificate_number",
            "certificate_issued_on",
            "sanction_override",
            "override_reason",
            "note",
        ]

    def clean(self):
        data = super().clean()
        course = data.get("course")
        if course is not None and rules.holds_seat(
            data.get("status") or EnrolmentStatus.REGISTERED
        ):
            holds_now = (
                self.instance.pk
                and self.instance.course_id == course.pk
                and rules.holds_seat(self.instance.status)
            )
            if not holds_now:
                try:
                    _check_seats(course, adding=1, exclude_pks=[self.instance.pk])
                except ValidationError as exc:
                    self.add_error("course", exc)
        return data


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdminMixin, HistoryAdmin):
    form = EnrolmentAdminForm
    list_display = (
        "staff",
        "course",
        "unit",
        "status",
        "completed_on",
        "certificate_number",
        "sanction_override",
    )
    list_filter = (
        YearFilter,
        TurnFilter,
        "status",
        "course__organizer_level",
        "course__kind",
        "course__topic",
        "unit__level",
        "sanction_override",
    )
    search_fields = (
        "staff__code",
        "staff__name_key",
        "staff__full_name",
        "course__code",
        "course__title_key",
        "certificate_number",
    )
    autocomplete_fields = ("staff", "course")
    readonly_fields = ("unit",)
    list_select_related = ("staff", "course", "unit")


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(HistoryAdmin):
    list_display = ("year", "category", "position", "hours", "periods", "source")
    list_filter = ("year", "category")
    search_fields = ("position", "source")
    change_list_template = "training/admin/requirement_change_list.html"

    def get_urls(self):
        return [
            path(
                "compliance/",
                self.admin_site.admin_view(self.compliance_view),
                name="training_compliance",
            ),
            *super().get_urls(),
        ]

    def compliance_view(self, request):
        """Per unit and per person: who met the year's requirement (scoped like every list)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            year = int(request.GET.get("year") or timezone.localdate().year - 1)
        except ValueError:
            return redirect(reverse("admin:training_compliance"))
        scope = scope_of(request.user)
        if scope.nothing:
            raise PermissionDenied
        units = visible_units(request.user).order_by("path")
        root = scope.root
        code = request.GET.get("unit")
        if code:
            chosen = units.filter(code=code).first()
            if chosen is not None:
                root = chosen
        unit_rows = unit_compliance(year, root)
        below = (
            staff_compliance(year)
            .filter(meets=False)
            .select_related("unit")
            .order_by("unit__path", "name_key")
        )
        if root is not None:
            below = below.filter(in_subtree(root, "unit"))
        below_count = below.count()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Training requirement compliance"),
            "opts": self.model._meta,
            "year": year,
            "units": units,
            "root": root,
            "unit_rows": unit_rows,
            "below": below[:500],
            "below_count": below_count,
            "export_url": f"/api/v1/training-compliance/?year={year}&meets=false&format=xlsx"
            + (f"&unit={root.code}" if root else ""),
        }
        return TemplateResponse(request, "training/admin/compliance.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "compliance_url": reverse("admin:training_compliance"),
        }
        return super().changelist_view(request, extra_context)
