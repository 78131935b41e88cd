"""Typed readers for environment variables.

Settings come only from the environment. Each reader fails fast with
``ImproperlyConfigured`` on a value it cannot parse, so a typo in a deployment
stops the process at start-up instead of silently falling back to a default.
"""

from __future__ import annotations

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


_RATE = re.compile(r"^(\d+)/(s|m|h|d)$")


def env_rate(name: str, default: str) -> str:
    """A rate such as ``10/m`` (count per second, minute, hour or day)."""
    raw = os.environ.get(name, default).strip()
    if not _RATE.match(raw):
        raise ImproperlyConfigured(f"{name} must look like 10/m (count/s|m|h|d); got {raw!r}")
    return raw


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/m"`` -> ``(10, 60)``: allowed count and window in seconds."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(rate)
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return int(match.group(1)), seconds


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (case-insensitive); anything else stops start-up."""
    raw = os.environ.get(name, default).strip().lower() or default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {raw!r}")
    return raw


def env_url(name: str, default: str, schemes: tuple[str, ...]) -> str:
    """A URL whose scheme is one of ``schemes``, without a trailing slash."""
    raw = os.environ.get(name, default).strip() or default
    scheme, sep, rest = raw.partition("://")
    if not sep or scheme.lower() not in schemes or not rest.strip("/"):
        raise ImproperlyConfigured(f"{name} must be a {'/'.join(schemes)} URL; got {raw!r}")
    return raw.rstrip("/")
