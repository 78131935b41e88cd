from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.history import HistoryAdmin
from core.models import CalendarDay, FailedTask, SecurityEvent, WorkerHeartbeat
from core.tasks import run_again


class ReadOnlyAdminMixin:
    """An admin for evidence: records are shown, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(HistoryAdmin):
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


class AdminOnlyMixin:
    """Background machinery: for the admin role only (it shows task arguments)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(FailedTask)
class FailedTaskAdmin(AdminOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Tasks that failed past their last retry, with the error; "run again" enqueues them."""

    list_display = ("failed_at", "task_path", "attempts", "error", "retried_at")
    list_filter = ("task_path",)
    search_fields = ("task_path", "error")
    date_hierarchy = "failed_at"
    readonly_fields = (
        "task_path",
        "args",
        "kwargs",
        "attempts",
        "error",
        "traceback",
        "failed_at",
        "retried_at",
    )
    actions = ["run_again"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.action(description=_("Run the selected tasks again"))
    def run_again(self, request, queryset):
        count = 0
        for failed in queryset:
            run_again(failed)
            count += 1
        self.message_user(
            request, _("%(count)s task(s) queued again.") % {"count": count}, messages.SUCCESS
        )


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(AdminOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("worker_id", "host", "pid", "started_at", "last_seen")
