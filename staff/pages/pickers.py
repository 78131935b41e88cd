"""The pickers every workspace page uses to choose a unit or a staff member.

* ``unit_choices`` / ``use_unit_picker``: a ``unit`` filter or field shown as a list of the units
  the user may see (``staff.access``), indented by level; the value stays the unit code.
* ``use_staff_picker``: a staff field offering only ``people`` (a queryset the page narrowed to a
  unit's subtree or an inspecting body, through the access layer), each shown as "name · unit".
  The field's queryset is the server's check: anyone else sent by the browser is refused.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staff import access


def unit_choices(user, *, active_only_on=None) -> list[tuple[str, str]]:
    """The units ``user`` may see, in tree order (``active_only_on``: only those in force that
    day)."""
    units = access.visible_units(user).order_by("path").only("code", "name", "depth")
    if active_only_on is not None:
        units = units.active_on(active_only_on)
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


def staff_label(person) -> str:
    return f"{person.full_name} · {person.unit.name}"


def use_staff_picker(field: forms.ModelChoiceField, people) -> forms.ModelChoiceField:
    """Offer ``people`` (ordered by unit, then name) in ``field``, each as "name · unit"."""
    field.queryset = people.select_related("unit").order_by("unit__path", "name_key", "pk")
    # The field's own labeller (Django looks it up on the instance).
    field.label_from_instance = staff_label  # type: ignore[method-assign,assignment]
    field.widget.attrs["class"] = " ".join(
        c for c in (field.widget.attrs.get("class", ""), "staff-picker") if c
    )
    return field
