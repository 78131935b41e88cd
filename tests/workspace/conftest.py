"""Fixtures of the workspace page tests: a Django test client signed in as each role, in
Vietnamese."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def page_for(users):
    """``page_for("inspector")`` -> a test client signed in as that role (``None``: anonymous),
    Vietnamese."""

    def make(role: str | None, language: str = "vi") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if role is not None:
            client.force_login(users[role])
        return client

    return make
