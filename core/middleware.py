"""Request middleware: structured request log and no-store caching of private answers.

The request log deliberately holds no personal data (see docs/security.md):
no client address, no query string (search terms are often people's names),
no user name, no headers, no body; the URL is logged as its route pattern
(``api/v1/feedback/status/<str:tracking_code>/``) so tracking codes and
other identifiers in paths stay out of it. The numeric user id is kept so
an incident can be followed, joined to the access-controlled security
event log when needed.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control

request_logger = logging.getLogger("congvu.request")

_REQUEST_ID_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")


def _route(match) -> str:
    """The URL pattern that matched, with regex groups shown as ``<name>`` (router URLs are
    regexes)."""
    if match is None or not match.route:
        return "(unmatched)"
    return "/" + _REGEX_GROUP.sub(r"<\1>", match.route).replace("^", "").replace("$", "")


def _request_id(request) -> str:
    """Reuse a well-formed ``X-Request-ID`` from the proxy, else make one."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    if 0 < len(given) <= 64 and set(given) <= _REQUEST_ID_OK:
        return given
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """One JSON line per request: method, route, status, duration, user id, request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = _request_id(request)
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user: Any = getattr(request, "user", None)
        request_logger.info(
            "request",
            extra={
                "data": {
                    "request_id": request.request_id,
                    "method": request.method,
                    "route": _route(match),
                    "view": match.view_name if match is not None else None,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if getattr(user, "is_authenticated", False) else None,
                }
            },
        )
        response["X-Request-ID"] = request.request_id
        return response


def _is_private(request) -> bool:
    """A token-bearing request, or one whose session belongs to a signed-in user.

    The session is only looked at when the client sent a session cookie, so
    anonymous pages are not marked ``Vary: Cookie`` by this check.
    """
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return bool(getattr(getattr(request, "user", None), "is_authenticated", False))


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in or token-bearing client.

    Placed after the authentication middleware; DRF's token authentication
    sets ``request.user`` on the underlying request during the view, so it is
    known by the time the response passes back through here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_private(request):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class RequireTwoFactorMiddleware:
    """End a session that lacks the second factor its user must give (``REQUIRE_2FA``).

    The admin login asks for the code, so new sessions of admins and
    inspectors are verified; this ends sessions opened before the setting
    was turned on (or by any other door), for every page, not only the admin
    and the API. Placed after django-otp's middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.REQUIRE_2FA and settings.SESSION_COOKIE_NAME in request.COOKIES:
            from django.contrib.auth import logout

            from core.security import is_verified, two_factor_required

            user = getattr(request, "user", None)
            if two_factor_required(user) and not is_verified(user):
                logout(request)
        return self.get_response(request)
