"""Compatibility names for ``staff.access``, which alone decides who sees which rows.

Kept so older imports keep working; new code imports ``staff.access``.
"""

from staff import access

ScopedQuerysetMixin = access.RestrictedViewSetMixin
is_scoped = access.is_scoped
restrict = access.restrict
scope_of = access.scope_of
scope_queryset = access.rows_in_scope
scope_unit = access.scope_unit
unit_in_scope = access.unit_in_scope
visible_units = access.visible_units
