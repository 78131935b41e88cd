"""The roles of docs/contract.md as Django groups with model permissions.

Every app may declare, in an optional ``roles.py``, ``WRITE``: a mapping of
role -> model names (of that app) the role may add, change and delete, and
``EXTRA``: role -> extra permission codenames of that app. Every role reads
every model (``view_*``); unit heads are additionally row-scoped by
``staff.access``. ``ensure_roles()`` (run after migrate and by seed_demo)
builds the groups from these declarations, so the groups always match code.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.auth.models import Group, Permission

ROLES = ("admin", "inspector", "hr", "auditor", "unit_head")

WRITE = {
    "hr": ["unit", "staff", "unithead"],
}
EXTRA: dict[str, list[str]] = {}

# Models no role but admin may read through the API or admin.
# Sign-in records and authenticator secrets (axes, django-otp) are for admins only.
ADMIN_ONLY_APPS = {
    "auth",
    "contenttypes",
    "sessions",
    "admin",
    "authtoken",
    "axes",
    "otp_totp",
    "otp_static",
    # The task queue's results hold task arguments (docs/access.md: libraries' models are for
    # admins).
    "django_tasks_database",
    "django_rq",
}

# Models of other apps that readers do not get by default: the security log
# holds client addresses and who looked at what; roles that need it (the
# auditor) are granted it through EXTRA in the owning app's roles.py.
RESTRICTED_MODELS = {
    ("core", "securityevent"),
    # The task queue's failures and workers show task arguments: admins only.
    ("core", "failedtask"),
    ("core", "workerheartbeat"),
    ("core", "job"),
    # Notifications name their recipients and citizens' addresses: each user
    # reads their own on /app/notifications/, only admins read them all.
    ("notifications", "notification"),
    ("notifications", "notificationpreference"),
    ("notifications", "notificationprofile"),
    ("notifications", "sentreminder"),
    ("notifications", "reminderrun"),
    ("notifications", "emailoptout"),
}


def _declarations():
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
            continue
        yield config.label, getattr(module, "WRITE", {}), getattr(module, "EXTRA", {})


def ensure_roles() -> dict[str, Group]:
    """Create or update the role groups; idempotent."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    all_perms = Permission.objects.select_related("content_type")
    domain_perms = [p for p in all_perms if p.content_type.app_label not in ADMIN_ONLY_APPS]
    # Only each model's default view permission: a custom one such as
    # inspections.view_reporter_identity is granted through EXTRA, not to every reader.
    view_perms = [
        p
        for p in domain_perms
        if p.codename == f"view_{p.content_type.model}"
        and (p.content_type.app_label, p.content_type.model) not in RESTRICTED_MODELS
    ]
    wanted: dict[str, set[int]] = {name: set() for name in ROLES}
    wanted["admin"] = {p.pk for p in all_perms}
    for role in ("inspector", "hr", "auditor", "unit_head"):
        wanted[role] = {p.pk for p in view_perms}
    by_key = {(p.content_type.app_label, p.codename): p.pk for p in domain_perms}
    for app_label, write, extra in _declarations():
        for role, models in write.items():
            for model in models:
                for action in ("add", "change", "delete"):
                    pk = by_key.get((app_label, f"{action}_{model}"))
                    if pk:
                        wanted[role].add(pk)
        for role, codenames in extra.items():
            for codename in codenames:
                pk = by_key.get((app_label, codename))
                if pk:
                    wanted[role].add(pk)
    for role, group in groups.items():
        group.permissions.set(wanted[role])
    return groups


def role_of(user) -> str | None:
    """The user's main role name, for display and for choosing what to mask."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return "admin"
    names = {g.name for g in user.groups.all()}
    for role in ROLES:
        if role in names:
            return role
    return None


# Which unit each model's rows belong to, for staff.access ("" is the unit itself).
SCOPE = {"unit": "", "staff": "unit", "unithead": "unit"}
