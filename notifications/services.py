"""Creating notifications: the outbox rows, with each recipient's language and preference.

``Builder`` loads preferences and languages once, then turns (record, kind,
recipients) into unsaved ``Notification`` rows; callers save them in bulk.
Event notifications (new feedback, status change, action assigned) are
written in the transaction of the event; reminders by ``reminders.collect``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications import messages
from notifications.choices import Delivery, EmailStatus, NotificationKind
from notifications.models import (
    EmailOptOut,
    Notification,
    NotificationPreference,
    NotificationProfile,
)


def address_hash(address: str) -> str:
    """A keyed hash of an address: opt-outs are matched without storing the address."""
    key = hashlib.sha256(f"notifications.optout:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()


def opted_out(address: str) -> bool:
    return EmailOptOut.objects.filter(address_hash=address_hash(address)).exists()


class Builder:
    """Unsaved notifications for many recipients, with two queries in all."""

    def __init__(self, users=None):
        prefs = NotificationPreference.objects.all()
        profiles = NotificationProfile.objects.all()
        if users is not None:
            ids = [u.pk for u in users]
            prefs, profiles = prefs.filter(user_id__in=ids), profiles.filter(user_id__in=ids)
        self.prefs = {(p.user_id, p.kind): p.delivery for p in prefs}
        self.languages = dict(profiles.values_list("user_id", "language"))
        self._texts: dict = {}

    def language(self, user) -> str:
        return self.languages.get(user.pk, settings.LANGUAGE_CODE)

    def _text(self, kind: str, key, context: dict, language: str) -> tuple[str, str]:
        cache_key = (kind, key, language)
        if cache_key not in self._texts:
            self._texts[cache_key] = messages.render(kind, context, language)
        return self._texts[cache_key]

    def for_user(
        self,
        user,
        *,
        kind: str,
        content_type_id: int,
        object_id: int,
        context: dict,
        due_on: dt.date | None = None,
    ) -> Notification:
        language = self.language(user)
        subject, body = self._text(kind, (content_type_id, object_id, due_on), context, language)
        delivery = self.prefs.get((user.pk, kind), Delivery.IMMEDIATELY)
        status, error = EmailStatus.PENDING, ""
        if not user.email:
            status, error = EmailStatus.SKIPPED, "no e-mail address"
        elif delivery == Delivery.NEVER:
            status = EmailStatus.SKIPPED
        elif delivery == Delivery.DIGEST:
            status = EmailStatus.DIGEST
        return Notification(
            recipient=user,
            email=user.email,
            language=language,
            kind=kind,
            content_type_id=content_type_id,
            object_id=object_id,
            due_on=due_on,
            subject=subject,
            body=body,
            context=context,
            email_status=status,
            email_error=error,
        )


def _recent(moment: dt.datetime | None, *, days: int = 2) -> bool:
    """Events older than this are history being entered (the demo, back-entry): not announced."""
    return moment is not None and moment >= timezone.now() - dt.timedelta(days=days)


# --- Events --------------------------------------------------------------------------


def feedback_received(feedback) -> list[Notification]:
    """New feedback: the inspectors who triage it (never the accused unit's accounts)."""
    from notifications.recipients import Directory, UnitRef

    if not _recent(feedback.received_at):
        return []
    unit = UnitRef(feedback.unit_id, feedback.unit.path)
    users = Directory.load(hr=False, loggers=False, heads=False).inspectors_for(unit)
    if not users:
        return []
    builder = Builder(users)
    ct = ContentType.objects.get_for_model(feedback).pk
    context = {
        "code": feedback.tracking_code,
        "unit": feedback.unit.name,
        "received": feedback.received_on.isoformat(),
        "record": "feedback",
    }
    rows = [
        builder.for_user(
            u,
            kind=NotificationKind.FEEDBACK_NEW,
            content_type_id=ct,
            object_id=feedback.pk,
            context=context,
        )
        for u in users
    ]
    return Notification.objects.bulk_create(rows)


def feedback_status_changed(feedback, status: str, at: dt.datetime | None) -> Notification | None:
    """The reporter, if they gave an address: the tracking code and the new status, nothing else."""
    address = (feedback.reporter_email or "").strip()
    if not address or not _recent(at) or opted_out(address):
        return None
    language = (
        feedback.language
        if feedback.language in dict(settings.LANGUAGES)
        else settings.LANGUAGE_CODE
    )
    context = {"code": feedback.tracking_code, "status": status, "record": "feedback-public"}
    subject, body = messages.render(NotificationKind.FEEDBACK_STATUS, context, language)
    return Notification.objects.create(
        recipient=None,
        email=address,
        language=language,
        kind=NotificationKind.FEEDBACK_STATUS,
        content_type=ContentType.objects.get_for_model(feedback),
        object_id=feedback.pk,
        subject=subject,
        body=body,
        context=context,
    )


def action_assigned(action) -> list[Notification]:
    """A new corrective action: the head(s) of the responsible unit."""
    from notifications.recipients import Directory, UnitRef

    if action.due_date < timezone.localdate():
        return []
    directory = Directory.load(triage=False, hr=False, loggers=False)
    unit = UnitRef(action.unit_id, action.unit.path)
    users = directory.heads_of(unit)
    if not users:
        return []
    builder = Builder(users)
    ct = ContentType.objects.get_for_model(action).pk
    context = {
        "id": action.pk,
        "unit": action.unit.name,
        "due": action.due_date.isoformat(),
        "text": action.description[:200],
        "record": "action",
    }
    rows = [
        builder.for_user(
            u,
            kind=NotificationKind.ACTION_ASSIGNED,
            content_type_id=ct,
            object_id=action.pk,
            context=context,
            due_on=action.due_date,
        )
        for u in users
    ]
    return Notification.objects.bulk_create(rows)
