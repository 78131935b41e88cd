"""E-mails of notifications: rendered in the recipient's language, text and HTML."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.choices import NotificationKind

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(address: str) -> str:
    """A signed token naming one address (its keyed hash): it opts out that address only."""
    from notifications.services import address_hash

    return signing.dumps({"a": address_hash(address)}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> str | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    value = data.get("a") if isinstance(data, dict) else None
    return value if isinstance(value, str) and len(value) == 64 else None


class Renderer:
    """Templates loaded once, reused for every message of a batch."""

    def __init__(self):
        self.text = get_template("notifications/email/message.txt")
        self.html = get_template("notifications/email/message.html")
        self.digest_text = get_template("notifications/email/digest.txt")
        self.digest_html = get_template("notifications/email/digest.html")
        self.preferences = absolute(reverse("notifications:preferences"))

    def message(self, notification, connection=None) -> EmailMultiAlternatives:
        headers = {}
        if (
            notification.recipient_id is None
            and notification.kind == NotificationKind.FEEDBACK_STATUS
        ):
            code = notification.context.get("code", "")
            link = absolute(f"{reverse('feedback:status')}?code={code}")
            unsubscribe = absolute(
                reverse("notifications:unsubscribe", args=[unsubscribe_token(notification.email)])
            )
            headers = {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        else:
            link = absolute(reverse("notifications:open", args=[notification.pk]))
            unsubscribe = ""
        context = {
            "subject": notification.subject,
            "body": notification.body,
            "link": link,
            "unsubscribe": unsubscribe,
            "preferences": self.preferences,
            "language": notification.language,
        }
        with translation.override(notification.language):
            text = self.text.render(context)
            html = self.html.render(context)
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=text,
            to=[notification.email],
            headers=headers,
            connection=connection,
        )
        message.attach_alternative(html, "text/html")
        return message

    def digest(self, user, language: str, notifications, connection=None) -> EmailMultiAlternatives:
        items = [
            {"subject": n.subject, "link": absolute(reverse("notifications:open", args=[n.pk]))}
            for n in notifications
        ]
        with translation.override(language):
            subject = _("CongVu: %(count)s notification(s) of the day") % {"count": len(items)}
            context = {
                "items": items,
                "preferences": self.preferences,
                "language": language,
                "subject": subject,
            }
            text = self.digest_text.render(context)
            html = self.digest_html.render(context)
        message = EmailMultiAlternatives(
            subject=subject, body=text, to=[user.email], connection=connection
        )
        message.attach_alternative(html, "text/html")
        return message
