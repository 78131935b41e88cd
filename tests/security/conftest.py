"""Fixtures for the security tests: TOTP devices and codes."""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now for ``device``."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def enrol():
    """``enrol(user)`` -> a confirmed TOTP device for that user."""

    def make(user) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    return make


@pytest.fixture
def lockout_on(settings):
    """Turn django-axes on (the test settings turn it off for client.login())."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings
