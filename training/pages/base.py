"""What the training pages share: rows through ``staff.access``, the unit picker."""

from __future__ import annotations

from staff import access


def unit_choices(user) -> list[tuple[str, str]]:
    units = access.visible_units(user).order_by("path").only("code", "name", "depth")
    return [(u.code, "\u2003" * max(u.depth - 1, 0) + u.name) for u in units]
