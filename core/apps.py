from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Common")

    def ready(self):
        # Security events (sign-ins, lockouts, token revocation) hang on signals.
        from core import signals  # noqa: F401
