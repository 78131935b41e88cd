"""Which rows a user may see: the one place that decides unit scoping.

Every viewset, admin page, report and export calls these functions. A user
linked to a unit through ``UnitHead`` sees that unit's subtree only, whatever
groups it has; everyone else with a role sees the whole tree. Rows outside the
scope are filtered out, so asking for one by id answers 404, not 403.
"""

from __future__ import annotations

from django.db.models import QuerySet

from staff.models import Unit


def scope_unit(user) -> Unit | None:
    """The root of the user's visible subtree, or ``None`` when the user sees everything."""
    if not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_superuser", False):
        return None
    cache = getattr(user, "_scope_unit_cache", False)
    if cache is not False:
        return cache
    head = getattr(user, "unit_head", None) if _has_head(user) else None
    unit = head.unit if head else None
    user._scope_unit_cache = unit
    return unit


def _has_head(user) -> bool:
    from staff.models import UnitHead

    try:
        return user.unit_head is not None
    except UnitHead.DoesNotExist:
        return False


def is_scoped(user) -> bool:
    return scope_unit(user) is not None


def scope_queryset(queryset: QuerySet, user, unit_field: str = "unit") -> QuerySet:
    """Restrict ``queryset`` to rows whose ``unit_field`` lies in the user's subtree.

    ``unit_field`` is the lookup path from the model to a ``Unit`` (``"unit"``,
    ``"staff__unit"``, ``""`` for Unit itself). Anonymous users see nothing.
    """
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    root = scope_unit(user)
    if root is None:
        return queryset
    path_lookup = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    return queryset.filter(**{path_lookup: root.path})


def visible_units(user) -> QuerySet:
    return scope_queryset(Unit.objects.all(), user, unit_field="")


def unit_in_scope(user, unit: Unit) -> bool:
    root = scope_unit(user)
    if not getattr(user, "is_authenticated", False):
        return False
    return root is None or unit.path.startswith(root.path)


class ScopedQuerysetMixin:
    """For viewsets: ``get_queryset`` restricted to the user's subtree.

    Set ``scope_field`` to the lookup from the viewset's model to its Unit.
    """

    scope_field: str = "unit"

    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.request.user, self.scope_field)
