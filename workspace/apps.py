from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The staff workspace at /app/: sign-in, the per-role home, navigation, the shell of every
    page."""

    name = "workspace"
    verbose_name = _("Workspace")
