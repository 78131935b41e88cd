"""Enumerations of the training app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseKind(models.TextChoices):
    DEGREE = "degree", _("Degree training (đào tạo)")
    REFRESHER = "refresher", _("Refresher training (bồi dưỡng)")


class CoursePurpose(models.TextChoices):
    """Why people are sent: a sanction in effect bars only the first (Law on Cadres and Civil
    Servants art. 82)."""

    ADVANCEMENT = "advancement", _("Towards rank promotion, succession planning or appointment")
    GENERAL = "general", _("Refresher or job skills (not towards promotion or appointment)")


class OrganizerLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class CourseMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("In person and online")


class EnrolmentStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ATTENDED = "attended", _("Attended")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NO_SHOW = "no_show", _("Did not show up")
