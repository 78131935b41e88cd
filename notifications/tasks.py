"""Tasks that send the e-mails of notifications (the outbox) and of the daily digest.

A batch of rows is claimed in one UPDATE (``pending`` -> ``sending`` with a
claim token), sent over one SMTP connection, and recorded with one UPDATE.
An address the server refuses is recorded on its row and the others go on;
a server that is down (connection refused, 4xx, disconnected) puts the batch
back to ``pending`` and fails the task, which is retried with back-off. A
claim older than ``LEASE`` (a worker killed mid-batch) returns to ``pending``.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict

from django.core.mail import get_connection
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string

from core.tasks import durable_task
from notifications.choices import EmailStatus
from notifications.mail import Renderer
from notifications.models import Notification

logger = logging.getLogger("congvu.notifications")

BATCH = 500
LEASE = dt.timedelta(minutes=10)


class MailServerUnavailable(Exception):
    """The mail server cannot take mail now; the batch waits for the next attempt."""


def _permanent_refusal(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _error_text(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        )[:1000]
    return f"{type(exc).__name__}: {exc}"[:1000]


def release_stale_claims() -> int:
    cutoff = timezone.now() - LEASE
    return Notification.objects.filter(
        email_status=EmailStatus.SENDING, claimed_at__lt=cutoff
    ).update(email_status=EmailStatus.PENDING, claim="")


def _claim(ids: list[int] | None, limit: int) -> tuple[str, list[Notification]]:
    token = get_random_string(24)
    candidates = Notification.objects.filter(email_status=EmailStatus.PENDING)
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    chosen = list(candidates.order_by("pk").values_list("pk", flat=True)[:limit])
    if not chosen:
        return token, []
    Notification.objects.filter(pk__in=chosen, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENDING, claim=token, claimed_at=timezone.now()
    )
    rows = list(
        Notification.objects.filter(claim=token, email_status=EmailStatus.SENDING).order_by("pk")
    )
    return token, rows


def _send_batch(rows: list[Notification], renderer: Renderer) -> tuple[list[int], dict[int, str]]:
    """Send each row; returns (sent ids, refused id -> error). Raises when the server is
    unavailable."""
    sent: list[int] = []
    refused: dict[int, str] = {}
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        raise _Unsent([row.pk for row in rows], _error_text(exc)) from None
    try:
        for row in rows:
            try:
                connection.send_messages([renderer.message(row, connection)])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                if not _permanent_refusal(exc):
                    raise MailServerUnavailable(_error_text(exc)) from exc
                refused[row.pk] = _error_text(exc)
                continue
            except (OSError, smtplib.SMTPException) as exc:
                raise MailServerUnavailable(_error_text(exc)) from exc
            sent.append(row.pk)
    except MailServerUnavailable as exc:
        _record(sent, refused)
        unsent = [row.pk for row in rows if row.pk not in sent and row.pk not in refused]
        raise _Unsent(unsent, str(exc)) from None
    finally:
        try:
            connection.close()
        except Exception:  # noqa: S110 - a broken connection may not close cleanly
            pass
    return sent, refused


class _Unsent(Exception):
    """The rows of a batch the server did not take, and why."""

    def __init__(self, ids: list[int], error: str):
        super().__init__(error)
        self.ids = ids
        self.error = error


def _record(sent: list[int], refused: dict[int, str]) -> None:
    now = timezone.now()
    if sent:
        Notification.objects.filter(pk__in=sent).update(
            email_status=EmailStatus.SENT,
            emailed_at=now,
            email_error="",
            claim="",
            email_attempts=F("email_attempts") + 1,
        )
    for pk, error in refused.items():
        Notification.objects.filter(pk=pk).update(
            email_status=EmailStatus.FAILED,
            email_error=error,
            claim="",
            email_attempts=F("email_attempts") + 1,
        )


@durable_task(retry_on=(MailServerUnavailable,))
def deliver_notifications(ids: list[int] | None = None) -> dict:
    """Send the pending e-mails (``ids``, or all of them); safe to run twice or at once."""
    release_stale_claims()
    renderer = Renderer()
    totals = {"sent": 0, "refused": 0}
    while True:
        token, rows = _claim(ids, BATCH)
        if not rows:
            return totals
        try:
            sent, refused = _send_batch(rows, renderer)
        except _Unsent as unsent:
            Notification.objects.filter(pk__in=unsent.ids, claim=token).update(
                email_status=EmailStatus.PENDING,
                claim="",
                email_attempts=F("email_attempts") + 1,
                email_error=unsent.error[:1000],
            )
            raise MailServerUnavailable(unsent.error) from None
        _record(sent, refused)
        totals["sent"] += len(sent)
        totals["refused"] += len(refused)


@durable_task(retry_on=(MailServerUnavailable,))
def send_digests() -> dict:
    """One e-mail per user with the notifications they asked to receive as a daily digest."""
    renderer = Renderer()
    totals = {"digests": 0, "notifications": 0}
    waiting = Notification.objects.filter(email_status=EmailStatus.DIGEST, recipient__isnull=False)
    rows = list(waiting.select_related("recipient").order_by("recipient_id", "pk"))
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        by_user[row.recipient_id].append(row)
    if not by_user:
        return totals
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        raise MailServerUnavailable(_error_text(exc)) from exc
    try:
        for items in by_user.values():
            user = items[0].recipient
            ids = [n.pk for n in items]
            try:
                connection.send_messages(
                    [renderer.digest(user, items[0].language, items, connection)]
                )
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                if not _permanent_refusal(exc):
                    raise MailServerUnavailable(_error_text(exc)) from exc
                _record([], dict.fromkeys(ids, _error_text(exc)))
                continue
            except (OSError, smtplib.SMTPException) as exc:
                raise MailServerUnavailable(_error_text(exc)) from exc
            _record(ids, {})
            totals["digests"] += 1
            totals["notifications"] += len(ids)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: S110
            pass
    return totals
