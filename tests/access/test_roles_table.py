"""The roles table of docs/access.md is what the role groups grant (so it can drive the
matrices)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from staff.access import CRUD, workflow_actions
from staff.roles import ensure_roles
from tests.access import roles_table

pytestmark = pytest.mark.django_db
GROUPS = {"inspector": "inspector", "hr": "hr", "auditor": "auditor", "head": "unit_head"}


@pytest.mark.parametrize("role", sorted(GROUPS))
def test_groups_grant_what_the_table_says(role):
    ensure_roles()
    table = roles_table.load()[role]
    held = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=GROUPS[role]).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    wrong = []
    for model in apps.get_models():
        opts = model._meta
        for action in CRUD:
            expected = table.may_read(model) if action == "view" else table.may_write(model)
            if (f"{opts.app_label}.{action}_{opts.model_name}" in held) != expected:
                wrong.append(f"{action} {opts.label_lower}: table says {expected}")
        if getattr(model, "instance_type", None) is not None:
            continue  # a history record model: read like its record, no workflow of its own
        for name, perms in workflow_actions(model).items():
            if any(p in held for p in perms) != table.may_do(model, name):
                wrong.append(f"{opts.label_lower}.{name}: table says {table.may_do(model, name)}")
    assert not wrong, "docs/access.md's roles table and roles.py disagree:\n" + "\n".join(wrong)
