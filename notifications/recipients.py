"""Who receives what: role by permission, scope by ``staff.scoping`` (never our own rule).

Every candidate set is loaded once per run (a query per role, whatever the
number of records), then each record is matched in memory with the scoping
module's ``unit_in_scope``: a user never hears of a record outside the
subtree they may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from staff.access import preload_scopes, scope_unit, unit_in_scope
from staff.models import UnitHead

TRIAGE_PERMS = ("inspections.change_citizenfeedback", "inspections.view_reporter_identity")
HR_PERM = "inspections.change_disciplinarycase"
ACTION_LOGGER_PERM = "inspections.change_correctiveaction"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
DIGEST_PERMS = {
    "action": "inspections.view_correctiveaction",
    "case": "inspections.view_disciplinarycase",
    "feedback": "inspections.view_citizenfeedback",
}


def _users_with(*perms: str) -> list:
    """Active users holding every perm (through a group or directly), superusers aside."""
    User = get_user_model()
    ids = None
    for perm in perms:
        found = set(
            User.objects.with_perm(
                perm, include_superusers=False, backend=MODEL_BACKEND
            ).values_list("pk", flat=True)
        )
        ids = found if ids is None else ids & found
    return list(
        User.objects.filter(pk__in=ids or [], is_active=True, is_superuser=False)
        .select_related("unit_head__unit")
        .order_by("pk")
    )


@dataclass
class UnitRef:
    """What matching needs of a record's unit (loaded with the record)."""

    id: int
    path: str


@dataclass
class Directory:
    """The run's candidate recipients, each set loaded with one or two queries."""

    triage: list = field(default_factory=list)
    hr: list = field(default_factory=list)
    loggers: dict = field(default_factory=dict)
    heads_by_unit: dict = field(default_factory=dict)
    leaders: list = field(default_factory=list)
    leader_perms: dict = field(default_factory=dict)

    @classmethod
    def load(cls) -> Directory:
        directory = cls(triage=_users_with(*TRIAGE_PERMS), hr=_users_with(HR_PERM))
        directory.loggers = {u.pk: u for u in _users_with(ACTION_LOGGER_PERM)}
        heads = (
            UnitHead.objects.select_related("user", "unit")
            .filter(user__is_active=True)
            .order_by("user_id")
        )
        for head in heads:
            # The scoping module reads user.unit_head; it is this very row.
            head.user.unit_head = head
            directory.heads_by_unit.setdefault(head.unit_id, []).append(head.user)
        directory.leaders = [u for users in directory.heads_by_unit.values() for u in users]
        for key, perm in DIGEST_PERMS.items():
            allowed = set(
                get_user_model()
                .objects.with_perm(perm, include_superusers=False, backend=MODEL_BACKEND)
                .values_list("pk", flat=True)
            )
            directory.leader_perms[key] = allowed
        preload_scopes([*directory.triage, *directory.hr, *directory.loggers.values(), *directory.leaders])
        return directory

    # --- the recipients of each kind -------------------------------------------------

    def inspectors_for(self, unit: UnitRef) -> list:
        """Inspectors who triage feedback about ``unit``, never accounts of that unit itself."""
        return [u for u in self.triage if _sees(u, unit) and not _belongs_to(u, unit)]

    def hr_for(self, unit: UnitRef) -> list:
        return [u for u in self.hr if _sees(u, unit)]

    def heads_of(self, unit: UnitRef) -> list:
        """The heads of the unit, or of the nearest unit above it that has a head account."""
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        for unit_id in reversed(ids):
            heads = [u for u in self.heads_by_unit.get(unit_id, []) if _sees(u, unit)]
            if heads:
                return heads
        return []

    def logger(self, user_id: int | None, unit: UnitRef):
        user = self.loggers.get(user_id) if user_id else None
        return user if user is not None and _sees(user, unit) else None

    def assigned_or_triage(self, user_id: int | None, unit: UnitRef) -> list:
        if user_id:
            user = next((u for u in self.triage if u.pk == user_id), None)
            return [user] if user is not None and _sees(user, unit) else []
        return self.inspectors_for(unit)

    def leader_sees(self, user, kind: str, unit: UnitRef) -> bool:
        return user.pk in self.leader_perms[kind] and _sees(user, unit)


class _Unit:
    """The shape ``unit_in_scope`` reads (``path``), without loading a Unit."""

    __slots__ = ("path",)

    def __init__(self, path: str):
        self.path = path


def _sees(user, unit: UnitRef) -> bool:
    return unit_in_scope(user, _Unit(unit.path))


def _belongs_to(user, unit: UnitRef) -> bool:
    """The user's own scope is the unit concerned or lies inside it (the accused side)."""
    root = scope_unit(user)
    return root is not None and root.path.startswith(unit.path)
