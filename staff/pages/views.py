"""The roster (read for everyone with access to staff, exportable) and the roster import for HR."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.import_pages import ImportPage
from core.pages import ListPage
from staff import access
from staff.filtersets import StaffFilterSet
from staff.models import Staff
from staff.pages.pickers import use_unit_picker


class StaffListPage(ListPage):
    template_name = "staff/pages/staff_list.html"
    permissions = ("staff.view_staff",)
    title = gettext_lazy("Staff list")
    queryset = Staff.objects.select_related("unit")
    filterset_class = StaffFilterSet
    search_key_fields = ("name_key",)
    search_code_fields = ("code", "position")
    sort_fields = {
        "name": (gettext_lazy("Full name"), "name_key"),
        "unit": (gettext_lazy("Unit"), "unit__path"),
        "category": (gettext_lazy("Category"), "category"),
    }
    default_sort = "unit"
    export_filename = "staff"
    export_columns = [
        ("code", gettext_lazy("Staff code")),
        ("full_name", gettext_lazy("Full name")),
        ("unit__code", gettext_lazy("Unit code")),
        ("unit__name", gettext_lazy("Unit")),
        ("category", gettext_lazy("Category")),
        ("position", gettext_lazy("Position")),
        ("status", gettext_lazy("Status")),
        ("joined_on", gettext_lazy("Joined on")),
        ("sanction_until", gettext_lazy("Under a sanction until")),
    ]

    def restrict(self, queryset):
        return access.restrict(queryset, self.request.user, access.VIEW)

    def filtered(self):
        filterset, queryset = super().filtered()
        use_unit_picker(filterset, self.request.user)
        return filterset, queryset

    def get_context_data(self, **kwargs):
        from django.utils import timezone

        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        context["may_import"] = may_import_roster(self.request.user)
        return context


def may_import_roster(user) -> bool:
    return access.has_permission(user, access.ADD, Staff) and access.has_permission(
        user, access.CHANGE, Staff
    )


class RosterImportPage(ImportPage):
    title = gettext_lazy("Import a staff roster")
    intro = gettext_lazy(
        "New staff codes are added and known ones updated; units are matched on their codes."
    )
    kind = "staff"

    def may_import(self) -> bool:
        return may_import_roster(self.request.user)

    def get_importer(self):
        from staff.importers import StaffImporter

        return StaffImporter(
            units=access.visible_units(self.request.user),
            restrict_to_units=access.is_scoped(self.request.user),
        )

    def success_url(self) -> str:
        return reverse("app:staff-list")
