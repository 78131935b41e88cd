from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Events of the domain apps (new feedback, a status change, an action
        # assigned) reach this app through model signals: nothing imports it.
        from notifications import signals  # noqa: F401
