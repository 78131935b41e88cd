"""Enumerations of the administrative-reform app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Channel(models.TextChoices):
    COUNTER = "counter", _("At the one-stop counter")
    ONLINE = "online", _("Online (public-service portal)")
    POSTAL = "postal", _("Public postal service")
    INTER_LEVEL = "inter_level", _("Inter-level (liên thông)")


class DossierState(models.TextChoices):
    """Where a dossier stands against its due date on a given day (derived, see
    ``rules.dossier_state``)."""

    EARLY = "early", _("Resolved early")
    ON_TIME = "on_time", _("Resolved on time")
    LATE = "late", _("Resolved late")
    PENDING_IN_TIME = "pending_in_time", _("Pending within the deadline")
    PENDING_OVERDUE = "pending_overdue", _("Pending and overdue")


class DossierResult(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


class ReportScope(models.TextChoices):
    """What a period report counts: one level's counters, or one channel or system across levels."""

    DISTRICT = "district", _("District-level one-stop counter")
    COMMUNE = "commune", _("Commune-level one-stop counters")
    INTER_LEVEL = "inter_level", _("Inter-level dossiers")
    ELECTRONIC = "electronic", _("Electronic one-stop system")
    ONLINE = "online", _("Online public services (levels 3 and 4)")
    POSTAL = "postal", _("Public postal service")


class PlanItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
