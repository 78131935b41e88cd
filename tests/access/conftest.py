"""One demo world per test module for the generated access tests (created once, rolled back at the
end)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from staff.choices import UnitLevel
from staff.models import UnitHead


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo district and one user per role of the roles table (``None`` is anonymous)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
            head = (
                UnitHead.objects.select_related("user", "unit")
                .filter(unit__level=UnitLevel.COMMUNE, unit__staff__isnull=False)
                .order_by("unit__path")
                .first()
            )
            orphan = User.objects.create(username="orphan-head", is_staff=True)
            orphan.groups.add(Group.objects.get(name="unit_head"))
            users = {
                "anonymous": None,
                "admin": User.objects.get(username="admin"),
                "inspector": User.objects.get(username="inspector"),
                "hr": User.objects.get(username="hr"),
                "auditor": User.objects.get(username="auditor"),
                "head": head.user,
                "orphan": orphan,
            }
            yield {"users": users, "head_unit": head.unit}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
