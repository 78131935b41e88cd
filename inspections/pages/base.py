"""What every page of this app shares: rows through the access layer, a unit picker in filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.pages import ListPage
from staff import access
from staff.access import visible_units


def restrict(queryset, user, action: str = access.VIEW):
    """The rows ``user`` may touch for ``action``: the access layer's one question for pages."""
    return access.restrict(queryset, user, action)


def unit_choices(user, *, active_only_on=None) -> list[tuple[str, str]]:
    units = visible_units(user).order_by("path").only("code", "name", "depth")
    if active_only_on is not None:
        units = units.active_on(active_only_on)
    return [(u.code, "\u2003" * max(u.depth - 1, 0) + u.name) for u in units]


class ScopedListPage(ListPage):
    """A list of rows that carry a unit; the ``unit`` filter becomes a picker of visible units."""

    def restrict(self, queryset):
        return restrict(queryset, self.request.user)

    def filtered(self):
        filterset, queryset = super().filtered()
        if filterset is not None and "unit" in filterset.form.fields:
            old = filterset.form.fields["unit"]
            filterset.form.fields["unit"] = forms.ChoiceField(
                label=_("Unit (with its sub-units)"),
                required=False,
                choices=[("", _("All units")), *unit_choices(self.request.user)],
                help_text=old.help_text,
            )
        return filterset, queryset
