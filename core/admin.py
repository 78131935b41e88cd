from django.contrib import admin

from core.models import CalendarDay, SecurityEvent


class ReadOnlyAdminMixin:
    """An admin for evidence: records are shown, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody edits or deletes it here."""

    list_display = ("at", "kind", "username", "ip", "object_type", "object_id")
    list_filter = ("kind",)
    search_fields = ("username", "object_id", "path")
    date_hierarchy = "at"
