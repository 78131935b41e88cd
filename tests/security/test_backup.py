"""A backup restores to the same data: every model's row count, keys and relations."""

from __future__ import annotations

import gzip
import json
import stat

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from core.audit import log_event
from core.management.commands.backup_data import EXCLUDED
from core.models import SecurityEventKind
from staff.models import Staff
from tests.factories import StaffFactory


def _excluded(model) -> bool:
    return model._meta.app_label in EXCLUDED or model._meta.label_lower in EXCLUDED


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and not _excluded(model)
    }


@pytest.mark.django_db(transaction=True)
def test_backup_restores_to_the_same_counts(users, tree, enrol, tmp_path):
    for i in range(5):
        StaffFactory(code=f"NV{i}", unit=tree["A"], full_name=f"Nguyễn Thị Ánh {i}")
    Staff.objects.filter(code="NV0").update(position="Chủ tịch")
    users["hr"].groups.clear()
    Token.objects.create(user=users["auditor"])
    enrol(users["admin"])
    log_event(SecurityEventKind.EXPORT, user=users["auditor"], resource="staff")
    before = _counts()
    assert before["staff.Staff"] == 5
    assert before["core.SecurityEvent"] == 1
    staff_before = list(Staff.objects.order_by("code").values_list("code", "full_name", "unit__code"))
    groups_before = sorted(
        (u.username, tuple(sorted(g.name for g in u.groups.all()))) for u in users.values()
    )

    backup = tmp_path / "backup.json.gz"
    call_command("backup_data", output=str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with gzip.open(backup, "rt", encoding="utf-8") as fh:
        records = json.load(fh)
    assert {r["model"] for r in records} >= {"staff.staff", "auth.user", "core.securityevent"}
    assert "sessions.session" not in {r["model"] for r in records}

    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError):
        call_command("restore_data", str(tmp_path / "missing.json.gz"))
    call_command("restore_data", str(backup))

    assert _counts() == before
    assert list(Staff.objects.order_by("code").values_list("code", "full_name", "unit__code")) == staff_before
    user_model = apps.get_model("auth", "User")
    groups_after = sorted(
        (u.username, tuple(sorted(g.name for g in u.groups.all())))
        for u in user_model.objects.filter(username__in=[u.username for u in users.values()])
    )
    assert groups_after == groups_before
    assert user_model.objects.get(username="hr").check_password("pw-for-tests-123")
    # Sequences follow the restored ids (PostgreSQL): new rows get fresh keys.
    StaffFactory(code="NV-NEW", unit=tree["B"])


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_users(users, tmp_path):
    backup = tmp_path / "backup.json.gz"
    call_command("backup_data", output=str(backup))
    with pytest.raises(CommandError, match="already has users"):
        call_command("restore_data", str(backup))


def test_backup_name_must_be_gzip_json(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("backup_data", output=str(tmp_path / "backup.json"))
