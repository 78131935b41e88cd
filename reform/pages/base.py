"""What the reform pages share: rows through the access layer, filter labels in words, a unit
picker."""

from __future__ import annotations

from core.pages import ListPage
from staff import access
from staff.pages.pickers import use_unit_picker


class ReformListPage(ListPage):
    """A list of rows bound to a unit (``reform/roles.py`` SCOPE); ``filter_labels`` name the
    filters."""

    filter_labels: dict = {}

    def restrict(self, queryset):
        return access.restrict(queryset, self.request.user, access.VIEW)

    def filtered(self):
        filterset, queryset = super().filtered()
        if filterset is not None:
            for name, label in self.filter_labels.items():
                if name in filterset.form.fields:
                    filterset.form.fields[name].label = label
        use_unit_picker(filterset, self.request.user)
        return filterset, queryset
