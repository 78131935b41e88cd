"""Enumerations of notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    FEEDBACK_NEW = "feedback_new", _("New citizen feedback to triage")
    FEEDBACK_STATUS = "feedback_status", _("Feedback status changed (to the reporter)")
    ACTION_ASSIGNED = "action_assigned", _("Corrective action assigned")
    ACTION_DUE = "action_due", _("Corrective action due in 7 days")
    ACTION_OVERDUE = "action_overdue", _("Corrective action overdue (weekly)")
    CASE_DEADLINE_15 = "case_deadline_15", _("Case handling deadline in 15 days")
    CASE_DEADLINE_5 = "case_deadline_5", _("Case handling deadline in 5 days")
    CASE_DEADLINE_PASSED = "case_deadline_passed", _("Case handling deadline passed")
    CASE_STATUTE_30 = "case_statute_30", _("Statute of limitations ends within 30 days")
    PETITION_DUE = "petition_due", _("Answer to a petition due within 3 working days")
    PETITION_OVERDUE = "petition_overdue", _("Answer to a petition overdue")
    PLAN_ITEM_ASSIGNED = "plan_item_assigned", _("Improvement plan item assigned")
    PLAN_ITEM_DUE = "plan_item_due", _("Improvement plan item due in 7 days")
    PLAN_ITEM_OVERDUE = "plan_item_overdue", _("Improvement plan item overdue (weekly)")
    OVERDUE_DIGEST = "overdue_digest", _("Daily digest of what became overdue")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("E-mail immediately")
    DIGEST = "digest", _("In the daily e-mail digest")
    NEVER = "never", _("No e-mail (in the app only)")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("To send")
    SENDING = "sending", _("Sending")
    DIGEST = "digest", _("Waiting for the daily digest")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Refused")
    SKIPPED = "skipped", _("Not sent")
