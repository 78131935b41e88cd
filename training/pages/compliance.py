"""Training compliance: per unit (counted, met, rate) and the names below the requirement."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.dates import year_in_range
from core.pages import ListPage
from staff import access
from staff.models import Staff
from staff.pages.pickers import use_unit_picker
from training.compliance import staff_compliance, unit_compliance
from training.filtersets import ComplianceFilterSet
from training.models import TrainingRequirement


def _year(request) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and year_in_range(int(raw)):
        return int(raw)
    return timezone.localdate().year


class CompliancePage(ListPage):
    """People below the year's requirement (filters: unit, category), with the per-unit table
    above."""

    template_name = "training/pages/compliance.html"
    permissions = ("staff.view_staff",)
    title = gettext_lazy("Training compliance")
    queryset = Staff.objects.all()
    filterset_class = ComplianceFilterSet
    search_key_fields = ("name_key",)
    search_code_fields = ("code",)
    sort_fields = {
        "name": (gettext_lazy("Full name"), "name_key"),
        "unit": (gettext_lazy("Unit"), "unit__path"),
        "done": (gettext_lazy("Hours done"), "done_hours"),
    }
    default_sort = "unit"
    export_filename = "below-requirement"
    export_columns = [
        ("code", gettext_lazy("Staff code")),
        ("full_name", gettext_lazy("Full name")),
        ("unit__name", gettext_lazy("Unit")),
        ("category", gettext_lazy("Category")),
        ("position", gettext_lazy("Position")),
        ("required_hours", gettext_lazy("Hours required")),
        ("done_hours", gettext_lazy("Hours done")),
        ("turns", gettext_lazy("Training turns")),
    ]

    def restrict(self, queryset):
        return access.restrict(queryset, self.request.user, access.VIEW)

    def get_queryset(self):
        staff = self.restrict(Staff.objects.all())
        return (
            staff_compliance(_year(self.request), staff).filter(meets=False).select_related("unit")
        )

    def filtered(self):
        filterset, queryset = super().filtered()
        use_unit_picker(filterset, self.request.user)
        if filterset is not None:
            for name in ("meets", "counted"):
                filterset.form.fields.pop(name, None)
        return filterset, queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = _year(self.request)
        root = access.scope_root(user)
        code = self.request.GET.get("unit", "")
        if code:
            root = access.visible_units(user).filter(code=code).first() or root
        units = unit_compliance(year, root, self.restrict(Staff.objects.all()))
        context.update(
            {
                "year": year,
                "years": list(range(timezone.localdate().year, 2017, -1)),
                "units": [u for u in units if u["counted"]],
                "requirements": list(
                    TrainingRequirement.objects.filter(year=year).order_by("category", "position")
                ),
            }
        )
        return context
