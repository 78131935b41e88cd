"""What every ModelAdmin of the site does, whoever wrote it (applied by
``CongVuAdminSite.register``).

* A changelist accepts only the query parameters its admin class declares:
  the parameters of its ``list_filter`` entries, its ``date_hierarchy``,
  search (``q``), ordering, pagination and Django's own flags. Any other
  parameter (``?reporter_phone=...``, ``?internal_note__icontains=...``) is
  refused with 400 and logged by ``django.security``, never applied as a
  filter: Django's default lets any lookup on a model's own fields through.

Row access (which rows, history, inlines) is added by the mixins named in
``settings.ADMIN_MODEL_MIXINS`` (``staff.access.RestrictedAdminMixin``), so
core imports no app.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import FieldListFilter, ListFilter
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR

from core.bases import AdminBase

# Django's own changelist flags: search, ordering, pagination, popups, facets.
BUILT_IN = {*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG}

DATE_HIERARCHY_PARTS = ("year", "month", "day")


class StrictChangelistMixin(AdminBase):
    """Refuse changelist query parameters the admin class does not declare."""

    def declared_changelist_params(self, request) -> set[str]:
        allowed = set(BUILT_IN)
        hierarchy = (
            self.get_date_hierarchy(request)
            if hasattr(self, "get_date_hierarchy")
            else self.date_hierarchy
        )
        if hierarchy:
            allowed |= {f"{hierarchy}__{part}" for part in DATE_HIERARCHY_PARTS}
        for item in self.get_list_filter(request):
            if (
                isinstance(item, type)
                and issubclass(item, ListFilter)
                and not issubclass(item, FieldListFilter)
            ):
                parameter = getattr(item, "parameter_name", None)
                if parameter:
                    allowed.add(parameter)
                continue
            # A field path, or a (field path, FieldListFilter class) pair.
            field_path: Any
            filter_class: Any
            if isinstance(item, list | tuple):
                field_path, filter_class = item
            else:
                field_path, filter_class = item, FieldListFilter.create
            field = get_fields_from_path(self.model, field_path)[-1]
            spec = filter_class(field, request, {}, self.model, self, field_path=field_path)
            allowed |= {p for p in spec.expected_parameters() if p}
        return allowed

    def changelist_view(self, request, extra_context=None):
        given = set(request.GET.keys()) - BUILT_IN
        if given:
            unknown = given - self.declared_changelist_params(request)
            if unknown:
                raise DisallowedModelAdminLookup(
                    f"Filtering by {', '.join(sorted(unknown))} not allowed"
                )
        return super().changelist_view(request, extra_context)

    def lookup_allowed(self, lookup, value, request=None):
        # Second line of defence: the changelist already refused what is not declared.
        if request is not None and lookup not in self.declared_changelist_params(request):
            return False
        return super().lookup_allowed(lookup, value, request)
