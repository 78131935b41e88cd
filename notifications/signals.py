"""Events of the domain apps that notify someone, hooked on model signals.

The notification rows are written in the transaction of the event (so they
exist exactly when the event does); their e-mail is sent by a task enqueued
after commit, never inside the request.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from core.tasks import enqueue_on_commit
from inspections.models import CorrectiveAction, FeedbackStep
from notifications import services


def _deliver(rows) -> None:
    ids = [row.pk for row in rows if row is not None and row.email_status == "pending"]
    if ids:
        from notifications.tasks import deliver_notifications

        enqueue_on_commit(deliver_notifications, ids)


@receiver(post_save, sender=FeedbackStep, dispatch_uid="notifications.feedback_step")
def feedback_step_saved(
    sender, instance: FeedbackStep, created: bool, raw: bool = False, **kwargs
) -> None:
    if not created or raw:
        return
    feedback = instance.feedback
    if not instance.from_status:
        _deliver(services.feedback_received(feedback))
    elif instance.from_status != instance.to_status:
        _deliver([services.feedback_status_changed(feedback, instance.to_status, instance.at)])


@receiver(post_save, sender=CorrectiveAction, dispatch_uid="notifications.action_created")
def action_saved(
    sender, instance: CorrectiveAction, created: bool, raw: bool = False, **kwargs
) -> None:
    if created and not raw:
        _deliver(services.action_assigned(instance))
