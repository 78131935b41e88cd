"""Enumerations of citizen feedback."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
    REFERRED = "referred", _("Referred to the competent body")
    CLOSED = "closed", _("Closed")


class FeedbackKind(models.TextChoices):
    """What the submission is in law, decided at triage; each has its own deadline."""

    REFLECTION = "reflection", _("Feedback or petition (phản ánh, kiến nghị)")
    COMPLAINT = "complaint", _("Complaint (khiếu nại)")
    DENUNCIATION = "denunciation", _("Denunciation (tố cáo)")


class FeedbackChannel(models.TextChoices):
    WEB = "web", _("Public web form")
    API = "api", _("API")
    COUNTER = "counter", _("Entered by staff (counter, letter, hotline)")
