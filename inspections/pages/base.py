"""What every page of this app shares: rows through the access layer, a unit picker in filters."""

from __future__ import annotations

from core.pages import ListPage
from staff import access
from staff.pages.pickers import use_unit_picker


def restrict(queryset, user, action: str = access.VIEW):
    """The rows ``user`` may touch for ``action``: the access layer's one question for pages."""
    return access.restrict(queryset, user, action)


class ScopedListPage(ListPage):
    """A list of rows that carry a unit; the ``unit`` filter becomes a picker of visible units."""

    def restrict(self, queryset):
        return restrict(queryset, self.request.user)

    def filtered(self):
        filterset, queryset = super().filtered()
        use_unit_picker(filterset, self.request.user)
        return filterset, queryset
