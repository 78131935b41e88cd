"""Admin list filters built from the API's FilterSets: one definition of each filter.

A sidebar filter of the admin offers a few choices (``lookups``) and, when
one is picked, runs the FilterSet's own filter on the changelist's queryset
with the value the API would receive (``?overdue=true``), so the admin, the
API and the workspace select exactly the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import admin


def filterset_list_filter(
    filterset_class,
    name: str,
    *,
    lookups: Iterable[tuple[str, str]] | Callable[[], Iterable[tuple[str, str]]],
    values: dict[str, str] | None = None,
    parameter_name: str | None = None,
    title=None,
) -> type[admin.SimpleListFilter]:
    """A ``SimpleListFilter`` that applies ``filterset_class``'s filter ``name``.

    ``lookups`` are the sidebar's (value, label) pairs (or a callable giving
    them, for choices read from the database); ``values`` maps a sidebar value
    to the FilterSet's (``{"yes": "true"}``); ``parameter_name`` keeps an
    existing query string name. A value the FilterSet refuses selects nothing.
    """
    declared = filterset_class.base_filters[name]

    class FromFilterSet(admin.SimpleListFilter):
        def lookups(self, request, model_admin):
            return list(lookups() if callable(lookups) else lookups)

        def queryset(self, request, queryset):
            value = self.value()
            if value in (None, ""):
                return queryset
            data = {name: (values or {}).get(value, value)}
            filterset = filterset_class(data=data, queryset=queryset, request=request)
            if not filterset.is_valid():
                return queryset.none()
            return filterset.filters[name].filter(queryset, filterset.form.cleaned_data[name])

    FromFilterSet.title = title if title is not None else declared.label
    FromFilterSet.parameter_name = parameter_name or name
    FromFilterSet.__name__ = f"{filterset_class.__name__}_{name}_ListFilter"
    FromFilterSet.__qualname__ = FromFilterSet.__name__
    return FromFilterSet
