"""Who receives what: role by permission, scope by ``staff.access`` (never our own rule).

Every candidate set is loaded once per run, whatever the number of records or
recipients: a query per permission, the scopes of all candidates at once
(``access.preload_scopes``). Each record is then matched in memory: the
candidate must hold the permission ``access.permissions_for`` names for
viewing that model, and ``access.unit_in_scope`` must cover the record's
unit. A user never hears of a record outside the rows they may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from staff import access
from staff.models import UnitHead

TRIAGE_PERMS = ("inspections.change_citizenfeedback", "inspections.view_reporter_identity")
HR_PERM = "inspections.change_disciplinarycase"
ACTION_LOGGER_PERM = "inspections.change_correctiveaction"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _holders(perm: str, *, superusers: bool = False) -> set[int]:
    User = get_user_model()
    return set(
        User.objects.with_perm(
            perm, include_superusers=superusers, backend=MODEL_BACKEND
        ).values_list("pk", flat=True)
    )


def _users_with(*perms: str) -> list:
    """Active users holding every perm (through a group or directly), superusers aside."""
    ids = None
    for perm in perms:
        found = _holders(perm)
        ids = found if ids is None else ids & found
    User = get_user_model()
    return list(
        User.objects.filter(pk__in=ids or [], is_active=True, is_superuser=False).order_by("pk")
    )


def _models() -> dict:
    from inspections.models import CitizenFeedback, CorrectiveAction, DisciplinaryCase
    from reform.models import ImprovementItem

    return {
        "action": CorrectiveAction,
        "case": DisciplinaryCase,
        "feedback": CitizenFeedback,
        "improvement": ImprovementItem,
    }


def _viewers() -> dict[str, set[int]]:
    """For each kind of record, who may view it: any of the permissions the access module names."""
    viewers = {}
    for kind, model in _models().items():
        ids: set[int] = set()
        for perm in access.permissions_for(model, access.VIEW):
            ids |= _holders(perm, superusers=True)
        viewers[kind] = ids
    return viewers


def heads_by_unit() -> dict[int, list]:
    """Active unit-head accounts by the unit they head (one query)."""
    found: dict[int, list] = {}
    heads = (
        UnitHead.objects.select_related("user", "unit")
        .filter(user__is_active=True)
        .order_by("user_id")
    )
    for head in heads:
        found.setdefault(head.unit_id, []).append(head.user)
    return found


@dataclass
class UnitRef:
    """What matching needs of a record's unit (loaded with the record)."""

    id: int
    path: str


class _Unit:
    """The shape ``access.unit_in_scope`` reads (``path``), without loading a Unit."""

    __slots__ = ("path",)

    def __init__(self, path: str):
        self.path = path


@dataclass
class Directory:
    """The run's candidate recipients."""

    triage: list = field(default_factory=list)
    hr: list = field(default_factory=list)
    loggers: dict = field(default_factory=dict)
    heads_by_unit: dict = field(default_factory=dict)
    leaders: list = field(default_factory=list)
    viewers: dict = field(default_factory=dict)

    @classmethod
    def load(cls, *, triage=True, hr=True, loggers=True, heads=True) -> Directory:
        directory = cls(
            triage=_users_with(*TRIAGE_PERMS) if triage else [],
            hr=_users_with(HR_PERM) if hr else [],
            loggers={u.pk: u for u in _users_with(ACTION_LOGGER_PERM)} if loggers else {},
            heads_by_unit=heads_by_unit() if heads else {},
            viewers=_viewers(),
        )
        directory.leaders = [u for users in directory.heads_by_unit.values() for u in users]
        access.preload_scopes(
            [*directory.triage, *directory.hr, *directory.loggers.values(), *directory.leaders]
        )
        return directory

    def sees(self, user, kind: str, unit: UnitRef) -> bool:
        """May ``user`` view a record of ``kind`` in ``unit`` (the access module's permission and
        scope)."""
        return user.pk in self.viewers[kind] and access.unit_in_scope(user, _Unit(unit.path))

    # --- the recipients of each kind -------------------------------------------------

    def inspectors_for(self, unit: UnitRef) -> list:
        """Inspectors who triage feedback about ``unit``, never accounts of that unit itself."""
        return [
            u for u in self.triage if self.sees(u, "feedback", unit) and not _belongs_to(u, unit)
        ]

    def hr_for(self, unit: UnitRef) -> list:
        return [u for u in self.hr if self.sees(u, "case", unit)]

    def heads_of(self, unit: UnitRef) -> list:
        """The heads of the unit, or of the nearest unit above it that has a head account."""
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        for unit_id in reversed(ids):
            heads = [u for u in self.heads_by_unit.get(unit_id, []) if self.sees(u, "action", unit)]
            if heads:
                return heads
        return []

    def owners_of(self, owner_unit: UnitRef, scope_unit: UnitRef, accounts=()) -> list:
        """Who answers for an improvement plan item: the owner's own account(s) and the
        heads of the responsible unit, or of the nearest unit above it whose head may see
        the item (its scope is the plan's unit, ``reform/roles.py``)."""
        found = [u for u in accounts if self.sees(u, "improvement", scope_unit)]
        ids = [int(part) for part in owner_unit.path.strip("/").split("/") if part]
        for unit_id in reversed(ids):
            heads = [
                u
                for u in self.heads_by_unit.get(unit_id, [])
                if self.sees(u, "improvement", scope_unit)
            ]
            if heads:
                found += [u for u in heads if u not in found]
                break
        return found

    def logger(self, user_id: int | None, unit: UnitRef):
        user = self.loggers.get(user_id) if user_id else None
        return user if user is not None and self.sees(user, "action", unit) else None

    def assigned_or_triage(self, user_id: int | None, unit: UnitRef) -> list:
        if user_id:
            user = next((u for u in self.triage if u.pk == user_id), None)
            return [user] if user is not None and self.sees(user, "feedback", unit) else []
        return self.inspectors_for(unit)


def _belongs_to(user, unit: UnitRef) -> bool:
    """The user's own scope is the unit concerned or lies inside it (the accused side)."""
    root = access.scope_of(user).root
    return root is not None and root.path.startswith(unit.path)


def leader_root(user):
    """The unit whose subtree a leader's digest covers (None: the whole tree or nothing)."""
    return access.scope_of(user).root
