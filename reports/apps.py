from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def check_scoring(app_configs=None, **kwargs):
    """A bad ``REPORT_SCORING`` setting stops start-up instead of failing the first report."""
    from reports.scoring import scoring_from_settings

    try:
        scoring_from_settings()
    except (TypeError, ValueError) as exc:
        return [checks.Error(f"REPORT_SCORING is not valid: {exc}", id="reports.E001")]
    return []


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        checks.register(check_scoring)
