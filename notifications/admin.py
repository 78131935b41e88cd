"""Notifications in the admin: for the admin role only (rows name recipients and citizens'
addresses)."""

from django.contrib import admin

from core.admin import AdminOnlyMixin, ReadOnlyAdminMixin
from notifications.models import Notification, ReminderRun, SentReminder


@admin.register(Notification)
class NotificationAdmin(AdminOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "recipient",
        "email",
        "email_status",
        "email_error",
        "read_at",
    )
    list_filter = ("email_status", "kind", "language")
    search_fields = ("recipient__username", "subject")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(ReminderRun)
class ReminderRunAdmin(AdminOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("day", "started_at", "finished_at", "reminders", "notifications")


@admin.register(SentReminder)
class SentReminderAdmin(AdminOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "content_type", "object_id", "due_on", "run_day")
    list_filter = ("kind", "run_day")
