from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Common")

    def ready(self):
        # Security events (sign-ins, lockouts, token revocation) hang on signals.
        from core import checks, signals  # noqa: F401
        from core.dates import bound_date_fields

        # Dates outside 1900..2100 are refused by every model form and serializer.
        bound_date_fields(apps.get_models(include_auto_created=True))
