"""Fixtures for the notification tests: a real SMTP server, users with addresses, data due on a
day."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.models import NotificationProfile
from tests.notifications.smtp import SMTPServer, free_port

DAY = dt.date(2024, 5, 15)  # a Wednesday


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://congvu.example.vn"
    yield server
    server.stop()


@pytest.fixture
def smtp_down(settings):
    """The mail settings point at a closed port."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    return settings


@pytest.fixture
def people(users):
    """The role users of tests/conftest.py with addresses; head_b reads English."""
    for user in users.values():
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    NotificationProfile.objects.create(user=users["head_b"], language="en")
    return users
