"""A ``unit`` filter shown as a picker of the units the user may see (the value stays the unit code)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staff import access


def unit_choices(user) -> list[tuple[str, str]]:
    units = access.visible_units(user).order_by("path").only("code", "name", "depth")
    return [(u.code, "\u2003" * max(u.depth - 1, 0) + u.name) for u in units]


def use_unit_picker(filterset, user, name: str = "unit") -> None:
    if filterset is None or name not in filterset.form.fields:
        return
    filterset.form.fields[name] = forms.ChoiceField(
        label=_("Unit (with its sub-units)"),
        required=False,
        choices=[("", _("All units")), *unit_choices(user)],
    )
    # A bound form has already cached its fields' BoundFields while validating.
    filterset.form._bound_fields_cache.pop(name, None)
