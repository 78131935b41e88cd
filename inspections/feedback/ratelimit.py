"""Per-client rate limit of public submissions (``FEEDBACK_RATE_LIMIT``), shared by all workers.

A fixed window counter in the Django cache (the database cache in
production, so every gunicorn worker counts in the same place). The key is
the client address from ``core.audit.client_ip``, which believes only the
X-Forwarded-For entries our own proxies appended, so a forged header does not
give a client a fresh allowance. The address is hashed before it becomes a
cache key: the cache is not a log of who wrote to the inspectors.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from config.env import parse_rate
from core.audit import client_ip

KEY_PREFIX = "feedback-rate"


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    limit: int
    retry_after: int


def _key(address: str, window: int, period: int) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{period}:{window}:{digest}"


def hit(request, *, now: float | None = None) -> RateDecision:
    """Count one submission attempt from the request's client; say whether it may proceed."""
    limit, period = parse_rate(settings.FEEDBACK_RATE_LIMIT)
    now = time.time() if now is None else now
    window = int(now // period)
    retry_after = max(1, int((window + 1) * period - now))
    key = _key(client_ip(request) or "unknown", window, period)
    # add() is a no-op when the key exists; incr() is atomic on Redis and
    # locmem and a read-modify-write on the database cache, where two workers
    # racing on the same client may under-count by one: acceptable for a
    # spam brake, and it never blocks a client that is under the limit.
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return RateDecision(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)


class FeedbackRateThrottle(BaseThrottle):
    """DRF throttle for ``POST /api/v1/feedback/``: the same counter as the HTML form."""

    def allow_request(self, request, view):
        self.decision = hit(request)
        return self.decision.allowed

    def wait(self):
        decision = getattr(self, "decision", None)
        return decision.retry_after if decision else None
