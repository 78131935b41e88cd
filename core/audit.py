"""Record security events (sign-ins, exports, views of a reporter's identity)."""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger("congvu.security")


def client_ip(request) -> str | None:
    """The client address, read ``TRUSTED_PROXY_COUNT`` hops from the right of X-Forwarded-For.

    A client can prepend anything to X-Forwarded-For, but not what our own
    proxies append, so only the trusted right-hand entries are believed.
    """
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def log_event(kind: str, *, request=None, user=None, obj=None, **detail) -> None:
    """Append one security event; never raises into the caller's request."""
    from core.models import SecurityEvent

    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    try:
        SecurityEvent.objects.create(
            kind=kind,
            user=user,
            username=getattr(user, "username", "") or detail.pop("username", ""),
            ip=client_ip(request),
            path=(request.path[:300] if request is not None else ""),
            object_type=(obj._meta.label if obj is not None else ""),
            object_id=(str(obj.pk) if obj is not None else ""),
            detail=detail,
        )
    except Exception:  # the audit trail must not break the request it records
        logger.exception("could not record security event %s", kind)
    logger.info("security event %s user=%s", kind, getattr(user, "username", "-"))
