"""Compatibility names for ``staff.access``, which alone decides who sees which rows.

Kept so older imports keep working; new code imports ``staff.access``.
"""

from staff.access import (  # noqa: F401
    RestrictedViewSetMixin as ScopedQuerysetMixin,
)
from staff.access import (  # noqa: F401
    is_scoped,
    restrict,
    scope_of,
    unit_in_scope,
    visible_units,
)
