from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.history import HistoryAdmin
from core.import_admin import ImportAdminMixin
from staff.access import RestrictedAdminMixin, is_scoped, rows_in_scope, visible_units
from staff.models import Staff, Unit, UnitHead

# Every ModelAdmin gets it from the admin site anyway; named here for the admins that list it.
ScopedAdminMixin = RestrictedAdminMixin


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = (
        "indented_name",
        "code",
        "level",
        "parent",
        "valid_from",
        "valid_until",
        "successor",
    )
    list_filter = ("level",)
    search_fields = ("code", "name", "name_key")
    autocomplete_fields = ("parent", "successor")
    ordering = ("path",)

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return ("— " * obj.depth) + obj.name


@admin.register(Staff)
class StaffAdmin(ImportAdminMixin, ScopedAdminMixin, HistoryAdmin):
    change_list_template = "admin/staff/import_change_list.html"
    import_template = "admin/staff/import.html"
    list_display = ("full_name", "code", "unit", "category", "position", "status", "sanction_until")
    list_filter = ("category", "status", "gender", "is_leader", "unit__level")
    search_fields = ("code", "full_name", "name_key")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
    readonly_fields = ("sanction_until",)

    def get_search_results(self, request, queryset, search_term):
        from core.text import search_key

        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = search_key(search_term)
        if key:
            queryset |= self.model.objects.filter(name_key__contains=key)
            queryset = rows_in_scope(queryset, request.user)
        return queryset, may_have_duplicates

    def has_import_permission(self, request) -> bool:
        # HR and admin (docs/access.md: "import rosters"): whoever may both add and change staff.
        return request.user.has_perm("staff.add_staff") and request.user.has_perm(
            "staff.change_staff"
        )

    def get_importer(self, request):
        from staff.importers import StaffImporter

        return StaffImporter(
            units=visible_units(request.user), restrict_to_units=is_scoped(request.user)
        )


@admin.register(UnitHead)
class UnitHeadAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("user", "unit")
    autocomplete_fields = ("unit",)
