"""Demo: every demo user gets the address <username>@example.vn (where it has none)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Concat


def seed(*, scale: str, rng, stdout, size: int = 1) -> None:
    updated = (
        get_user_model()
        .objects.filter(email="")
        .update(email=Concat("username", Value("@example.vn")))
    )
    stdout.write(f"  notifications: {updated} demo user address(es) set to <username>@example.vn")
