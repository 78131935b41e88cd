"""Authentication hardening shared by the admin and the API.

- who must sign in with a second factor (TOTP) when ``REQUIRE_2FA`` is on;
- session and token authentication for the API that honour that rule;
- throttles whose rates are read from settings at request time, for the
  API and, with the same counters, for the HTML pages that are other ways
  into the same thing (``throttle_wait``, ``throttle_page``);
- the response given to a client that django-axes locked out.

The rates have one home, ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` in
settings (``DJANGO_THROTTLE_*``), keyed by the scopes of ``THROTTLES``:

- ``anon``: anonymous clients per address: every public API endpoint and the
  HTML status page ``/feedback/status/`` (shared counter with its API twin);
- ``user``: signed-in clients per user, and anonymous ones per address;
- ``auth``: sign-in attempts per address, whatever the user name: the token
  endpoint, the admin login and the workspace sign-in share one counter;
- ``feedback``: public feedback submissions per address (``FEEDBACK_RATE_LIMIT``),
  the HTML form and ``POST /api/v1/feedback/`` sharing one counter. It is a
  fixed window counted with the cache's atomic ``incr`` (Redis when
  ``REDIS_URL`` is set), so several web instances enforce one limit in total.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from functools import wraps
from typing import cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions, throttling
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings

from core.audit import client_ip
from core.bases import RateThrottleBase

logger = logging.getLogger("congvu.security")

# Roles that may see reporters' identity or change everything: the accounts
# an attacker gains most from, so the ones that must use a second factor.
TWO_FACTOR_ROLES = ("admin", "inspector")


def two_factor_required(user) -> bool:
    """Whether ``user`` must prove a TOTP code to sign in (``REQUIRE_2FA`` on, admin or
    inspector)."""
    if not settings.REQUIRE_2FA or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_congvu_2fa_required", None)
    if cached is None:
        cached = user.groups.filter(name__in=TWO_FACTOR_ROLES).exists()
        user._congvu_2fa_required = cached
    return cached


def is_verified(user) -> bool:
    """True when the session was signed in with an OTP device (django-otp's middleware says so)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication that ignores a session lacking the second factor it needs.

    Sessions are opened by the admin login, which already asks for the code;
    this closes the gap of a session opened before ``REQUIRE_2FA`` was turned on.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if two_factor_required(user) and not is_verified(user):
            return None
        return result


def token_has_second_factor(token) -> bool:
    """Whether ``token`` (DRF ``authtoken.Token``) was issued after a verified TOTP code."""
    from core.models import TokenFactor

    return TokenFactor.objects.filter(
        digest=TokenFactor.digest_of(token.key), user_id=token.user_id, second_factor=True
    ).exists()


class VerifiedTokenAuthentication(TokenAuthentication):
    """Token authentication that refuses, for users who need a second factor, a token issued without
    one.

    A token issued before ``REQUIRE_2FA`` was turned on (or before the user's
    role needed it) stops working: the client gets 401 and signs in again at
    ``/api/v1/auth/token/`` with its authenticator code.
    """

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = cast(Token, model._default_manager.select_related("user").get(key=key))
        except ObjectDoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if two_factor_required(token.user) and not token_has_second_factor(token):
            raise exceptions.AuthenticationFailed(
                _(
                    "This token was issued without two-factor authentication; request a new "
                    "one with your authenticator code."
                )
            )
        return (token.user, token)


class VerifiedSessionScheme(SessionScheme):
    """OpenAPI: the verified session is a cookie session like Django's."""

    target_class = "core.security.VerifiedSessionAuthentication"


class _SettingsRateMixin(RateThrottleBase):
    """Read the rate on every request (so settings overrides apply) and key by the real client
    address."""

    def get_rate(self):
        if self.scope is None:
            return None
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class AnonThrottle(_SettingsRateMixin, throttling.AnonRateThrottle):
    """Anonymous clients, per address: ``DJANGO_THROTTLE_ANON``."""

    scope = "anon"


class UserThrottle(_SettingsRateMixin, throttling.UserRateThrottle):
    """Signed-in clients, per user: ``DJANGO_THROTTLE_USER``.

    Counted in the ``throttle`` cache (see settings: shared on Redis, per
    worker otherwise) so that reads do not write to the database.
    """

    scope = "user"
    cache = caches["throttle"]


class AuthThrottle(_SettingsRateMixin, throttling.SimpleRateThrottle):
    """Token requests per client address, signed in or not: ``DJANGO_THROTTLE_AUTH``."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class FeedbackThrottle(throttling.SimpleRateThrottle):
    """Public feedback submissions per client address: ``FEEDBACK_RATE_LIMIT`` in a fixed window.

    Counted with ``cache.add`` + ``cache.incr``: atomic on Redis and locmem;
    on the database cache two workers racing on one client may under-count by
    one, acceptable for a spam brake that never blocks a client under the
    limit. The address (``core.audit.client_ip``, which believes only our own
    proxies' X-Forwarded-For entries) is hashed with the secret key before it
    becomes a cache key: the cache is not a log of who wrote to the inspectors.
    """

    scope = "feedback"
    key_prefix = "feedback-rate"

    def get_rate(self):
        return settings.FEEDBACK_RATE_LIMIT

    def get_cache_key(self, request, view):  # pragma: no cover - allow_request keys by window
        return None

    def allow_request(self, request, view, *, now: float | None = None):
        limit, period = self.parse_rate(self.get_rate())
        if limit is None or period is None:  # no rate: no limit, as DRF's throttles
            return True
        now = time.time() if now is None else now
        window = int(now // period)
        self.retry_after = max(1, int((window + 1) * period - now))
        address = client_ip(request) or "unknown"
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
        key = f"{self.key_prefix}:{period}:{window}:{digest}"
        self.cache.add(key, 0, timeout=period + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:  # evicted between add and incr
            self.cache.set(key, 1, timeout=period + 1)
            count = 1
        return count <= limit

    def wait(self):
        return getattr(self, "retry_after", None)


THROTTLES = {
    "anon": AnonThrottle,
    "user": UserThrottle,
    "auth": AuthThrottle,
    "feedback": FeedbackThrottle,
}


class _SeenAsAnonymous:
    """What a throttle sees of a page request: its address and no user (as the public API twins see
    it)."""

    def __init__(self, request):
        self.META = request.META
        self.user = AnonymousUser()


def throttle_wait(request, scopes) -> int | None:
    """Count one request against each scope's throttle; seconds to wait if any refuses, else None.

    The same classes, cache keys and rates as the API, so a page and its API
    twin (or the three sign-in doors) share one allowance per address.
    """
    waits = []
    seen = _SeenAsAnonymous(request)
    for scope in scopes:
        throttle = THROTTLES[scope]()
        # A throttle reads only the request's META and user, and no view.
        if not throttle.allow_request(seen, None):  # type: ignore[arg-type]
            waits.append(throttle.wait() or 1)
    return math.ceil(max(waits)) if waits else None


def too_many_requests(request, retry_after: int, template: str = "security/throttled.html"):
    """The 429 page (HTML, translated) with ``Retry-After``."""
    response = render(request, template, {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def throttle_page(
    *scopes: str,
    methods: tuple[str, ...] | None = None,
    template: str = "security/throttled.html",
):
    """Decorate an HTML view with the API's throttles for ``scopes`` (all methods, or only
    ``methods``).

    ``template`` is the 429 page shown (the public form has its own, with a way back).
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if methods is None or request.method in methods:
                wait = throttle_wait(request, scopes)
                if wait is not None:
                    logger.info("page throttled", extra={"data": {"scopes": list(scopes)}})
                    return too_many_requests(request, wait, template)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers to a locked-out client: JSON on the API, a page elsewhere."""
    message = _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.") % {
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "security/lockout.html", {"message": message}, status=429)
