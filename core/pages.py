"""The workspace's page machinery, shared by every app's pages (no domain here).

``ListPage`` is the one pattern of a list in the workspace: a FilterSet
(the same class the API uses) drives the filters, ``?q=`` searches stored
search keys ignoring case and diacritics (as the API's ``?search=``),
``?sort=`` orders by a whitelisted column (``-`` for descending), the page
is paginated, and ``?format=csv`` / ``?format=xlsx`` export every filtered
row through ``core.exports`` (logged as the API's exports are).

A page never reads rows without asking the access layer: ``restrict`` must
be given by the app (it calls ``staff``'s access functions), so forgetting
it fails loudly instead of showing every unit's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core import jobs
from core.exports import csv_response, xlsx_response
from core.text import search_terms

if TYPE_CHECKING:
    from django_filters import FilterSet

PAGE_SIZE = 25
EXPORT_FORMATS = ("csv", "xlsx")


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy, with the browser's calendar one click away.

    The field is text (the server also takes the ISO form); ``static/js/workspace.js``
    adds a calendar button that opens the native picker and writes the day back as
    dd/mm/yyyy, so the format is the same in every browser language and without JavaScript.
    """

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {
            "placeholder": _("dd/mm/yyyy"),
            "inputmode": "numeric",
            "autocomplete": "off",
            "class": "date",
            "data-pick-label": _("Choose a day in the calendar"),
            "size": 10,
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%d/%m/%Y")

    def format_value(self, value):
        # Typed or ISO text comes back as dd/mm/yyyy when it is a date.
        if isinstance(value, str) and value:
            try:
                value = forms.DateField().to_python(value)
            except forms.ValidationError:
                return value
        return super().format_value(value)


def use_date_pickers(form: forms.BaseForm) -> forms.BaseForm:
    """Give every date field of ``form`` (a Form or a FilterSet's form) the date picker."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and not isinstance(field.widget, DateInput):
            field.widget = DateInput(attrs=field.widget.attrs)
    return form


class PermissionPage(LoginRequiredMixin):
    """A signed-in page that needs any of ``permissions`` (Django permission names)."""

    permissions: Sequence[str] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permissions and not any(request.user.has_perm(p) for p in self.permissions):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def querystring(params, **changes: Any) -> str:
    """The current query string with some parameters changed (``None`` removes one)."""
    items: dict[str, list[str]] = {key: params.getlist(key) for key in params}
    for key, value in changes.items():
        if value is None:
            items.pop(key, None)
        else:
            items[key] = [str(value)]
    return urlencode([(k, v) for k, values in items.items() for v in values if v != ""])


class ListPage(PermissionPage, TemplateView):
    """A filtered, searchable, sortable, paginated, exportable list.

    Subclasses give ``queryset``, ``filterset_class``, ``restrict(queryset)``
    (the access layer), ``sort_fields`` (``{"param": ("label", "order expression")}``),
    ``default_sort``, the search columns and ``export_columns``.
    """

    template_name = ""
    queryset: QuerySet | None = None
    filterset_class: type[FilterSet] | None = None
    search_key_fields: Sequence[str] = ()
    search_code_fields: Sequence[str] = ()
    sort_fields: dict[str, tuple[Any, str]] = {}
    default_sort = ""
    page_size = PAGE_SIZE
    export_columns: Sequence[tuple[str, Any]] = ()
    export_filename = "export"
    title: Any = ""

    def restrict(self, queryset: QuerySet) -> QuerySet:
        raise ImproperlyConfigured(
            f"{type(self).__name__} must restrict its rows through the access layer"
        )

    def get_queryset(self) -> QuerySet:
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a queryset")
        return self.restrict(self.queryset.all())

    def search(self, queryset: QuerySet, query: str) -> QuerySet:
        for term in search_terms(query):
            match = Q()
            for field in self.search_key_fields:
                match |= Q(**{f"{field}__contains": term})
            for field in self.search_code_fields:
                match |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(match)
        return queryset

    def current_sort(self) -> str:
        wanted = self.request.GET.get("sort", "")
        if wanted.lstrip("-") in self.sort_fields:
            return wanted
        return self.default_sort

    def sort(self, queryset: QuerySet, key: str) -> QuerySet:
        if not key:
            return queryset
        descending = key.startswith("-")
        expression = self.sort_fields[key.lstrip("-")][1]
        first = f"-{expression}" if descending else expression
        return queryset.order_by(first, "-pk" if descending else "pk")

    def filtered(self) -> tuple[Any, QuerySet]:
        queryset = self.get_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(
                self.request.GET or None, queryset=queryset, request=self.request
            )
            use_date_pickers(filterset.form)
            # An invalid filter shows its error on the page and lists nothing rather than
            # everything.
            queryset = (
                filterset.qs
                if filterset.is_bound and filterset.is_valid()
                else (queryset.none() if filterset.is_bound else queryset)
            )
        query = self.request.GET.get("q", "").strip()[:200]
        if query:
            queryset = self.search(queryset, query)
        return filterset, queryset

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in EXPORT_FORMATS and self.export_columns:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export(self, fmt: str):
        from core.audit import log_event
        from core.models import SecurityEventKind

        _filterset, queryset = self.filtered()
        lookups = [lookup for lookup, _header in self.export_columns]
        name = f"{self.export_filename}-{timezone.localdate().isoformat()}"
        if not jobs.replaying():
            count = queryset.count()
            if jobs.wants_async(self.request) or jobs.too_big(count):
                # A big export is written by a background job; the user waits on its page
                # (core/jobs.py).
                return jobs.deferred(self.request, label=f"{name}.{fmt}", rows=count, browser=True)
        headers = [str(header) for _lookup, header in self.export_columns]
        rows = jobs.track(self.export_rows(queryset, lookups))
        filters = {
            key: self.request.GET.getlist(key) for key in self.request.GET if key != "format"
        }
        log_event(
            SecurityEventKind.EXPORT,
            request=self.request,
            user=self.request.user,
            resource=self.export_filename,
            format=fmt,
            filters=filters,
        )
        name = f"{self.export_filename}-{timezone.localdate().isoformat()}"
        if fmt == "csv":
            return csv_response(name, headers, rows)
        return xlsx_response(name, headers, rows, sheet_name=self.export_filename)

    def export_rows(self, queryset: QuerySet, lookups: Sequence[str]):
        """Rows as values (codes turned into words by ``export_display``)."""
        display = self.export_display()
        positions = [(i, display[lookup]) for i, lookup in enumerate(lookups) if lookup in display]
        for row in (
            self.sort(queryset, self.current_sort()).values_list(*lookups).iterator(chunk_size=2000)
        ):
            if positions:
                row = list(row)
                for i, choices in positions:
                    row[i] = choices.get(row[i], row[i])
            yield row

    def export_display(self) -> dict[str, dict]:
        """``{lookup: {code: label}}`` for choice columns, so the export reads in words."""
        model = self.queryset.model if self.queryset is not None else None
        result: dict[str, dict] = {}
        if model is None:
            return result
        for lookup, _header in self.export_columns:
            if "__" in lookup:
                continue
            try:
                field = model._meta.get_field(lookup)
            except Exception:  # noqa: S112 - an annotation, not a model field
                continue
            if getattr(field, "choices", None):
                result[lookup] = {value: str(label) for value, label in field.flatchoices}
        return result

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, queryset = self.filtered()
        sort = self.current_sort()
        queryset = self.sort(queryset, sort)
        paginator = Paginator(queryset, self.page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        params = self.request.GET
        headers = []
        for key, (label, _expression) in self.sort_fields.items():
            active = sort.lstrip("-") == key
            descending = active and sort.startswith("-")
            headers.append(
                {
                    "key": key,
                    "label": label,
                    "active": active,
                    "descending": descending,
                    "url": "?"
                    + querystring(
                        params, sort=(key if descending or not active else f"-{key}"), page=None
                    ),
                }
            )
        context.update(
            {
                "title": self.title,
                "filterset": filterset,
                "filter_form": filterset.form if filterset is not None else None,
                "query": params.get("q", ""),
                "page_obj": page,
                "rows": list(page.object_list),
                "sort": sort,
                "sort_headers": headers,
                "sort_map": {h["key"]: h for h in headers},
                "exportable": bool(self.export_columns),
                "export_csv": "?" + querystring(params, format="csv", page=None),
                "export_xlsx": "?" + querystring(params, format="xlsx", page=None),
                "page_url_prev": "?" + querystring(params, page=page.previous_page_number())
                if page.has_previous()
                else "",
                "page_url_next": "?" + querystring(params, page=page.next_page_number())
                if page.has_next()
                else "",
                "search_label": _("Search (with or without diacritics)"),
            }
        )
        return context
