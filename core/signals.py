"""Security events from Django's and django-axes' signals, and token clean-up on deactivation.

Connected in ``CoreConfig.ready``. Every sign-in, failed sign-in, sign-out
and lockout lands in ``SecurityEvent`` (``core.audit.log_event``), whichever
door it came through (admin login or API token endpoint).
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.audit import log_event
from core.models import SecurityEventKind


def _http_request(request):
    """The Django request behind a DRF one (signals may get either)."""
    return getattr(request, "_request", request)


@receiver(user_logged_in, dispatch_uid="congvu_security_login")
def _on_login(sender, request, user, **kwargs):
    log_event(SecurityEventKind.LOGIN, request=_http_request(request), user=user)


@receiver(user_logged_out, dispatch_uid="congvu_security_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        log_event(SecurityEventKind.LOGOUT, request=_http_request(request), user=user)


@receiver(user_login_failed, dispatch_uid="congvu_security_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the
    # user name typed is kept, cut to the column's length.
    username = str(credentials.get("username", ""))[:150]
    log_event(SecurityEventKind.LOGIN_FAILED, request=_http_request(request), username=username)


@receiver(user_locked_out, dispatch_uid="congvu_security_lockout")
def _on_lockout(sender, request, username, ip_address, **kwargs):
    log_event(
        SecurityEventKind.LOCKOUT,
        request=_http_request(request),
        username=str(username or "")[:150],
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="congvu_revoke_tokens_of_inactive")
def _revoke_tokens_of_inactive_user(sender, instance, raw=False, **kwargs):
    """A deactivated user's API token is deleted (their sessions already stop: Django refuses
    inactive users)."""
    if raw or instance.is_active:
        return
    from rest_framework.authtoken.models import Token

    deleted, _per_model = Token.objects.filter(user=instance).delete()
    if deleted:
        log_event(SecurityEventKind.TOKEN_REVOKED, user=instance, reason="deactivated")
