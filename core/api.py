"""API conventions shared by every app: pagination, permissions, search, errors."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, filters, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.text import search_terms
from core.validation import to_drf

logger = logging.getLogger(__name__)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class RolePermission(permissions.DjangoModelPermissions):
    """Django model permissions, reads included: a role must hold ``view_<model>``.

    Row scoping (which units a user sees) is not decided here but in each
    viewset's ``get_queryset`` through ``staff.access``; rows outside the
    scope are simply not found (404).
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }


class AccentInsensitiveSearchFilter(filters.BaseFilterBackend):
    """``?search=`` matched against stored search keys, ignoring case and diacritics.

    A view lists its key columns in ``search_key_fields`` (columns that hold
    ``core.text.search_key`` of a name) and may add exact-ish columns such as
    codes in ``search_code_fields``. Every term of the query must match.
    """

    search_param = "search"

    def filter_queryset(self, request, queryset, view):
        terms = search_terms(request.query_params.get(self.search_param, ""))
        key_fields = getattr(view, "search_key_fields", ())
        code_fields = getattr(view, "search_code_fields", ())
        if not terms or not (key_fields or code_fields):
            return queryset
        for term in terms:
            match = Q()
            for field in key_fields:
                match |= Q(**{f"{field}__contains": term})
            for field in code_fields:
                match |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(match)
        return queryset

    def get_schema_operation_parameters(self, view):
        if not (getattr(view, "search_key_fields", ()) or getattr(view, "search_code_fields", ())):
            return []
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Words to find in names, ignoring case and Vietnamese diacritics.")
                ),
                "schema": {"type": "string"},
            }
        ]


def has_perm(*codenames: str) -> type[permissions.BasePermission]:
    """A DRF permission class: the signed-in user holds any of ``codenames`` (``app.codename``).

    For workflow actions whose right is not the model's add/change/delete;
    which rows the user may touch is still the access layer's (staff.access).
    """

    class HasAnyPerm(permissions.BasePermission):
        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and any(user.has_perm(c) for c in codenames))

    HasAnyPerm.__name__ = "HasAnyPerm_" + "_".join(c.replace(".", "_") for c in codenames)
    return HasAnyPerm


def exception_handler(exc, context):
    """DRF's handler, plus model validation and data errors as 400 and integrity errors as 409,
    never 500."""
    # Imported here: rest_framework.views reads the settings that name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = to_drf(exc)
    elif isinstance(exc, ProtectedError):
        return Response(
            {"detail": str(_("This record is referenced by other records and cannot be deleted."))},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, IntegrityError):
        logger.info("integrity error answered as 409: %s", exc.__class__.__name__)
        return Response(
            {
                "detail": str(
                    _("The change conflicts with existing data (duplicate or missing reference).")
                )
            },
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, DataError | OverflowError):
        # The database refused a value the validators let through (PostgreSQL:
        # a NUL character, a number out of range; SQLite and the date
        # functions: an integer too large): bad input, not a crash.
        logger.info("out-of-range input answered as 400: %s", exc.__class__.__name__)
        exc = exceptions.ValidationError(
            {
                "non_field_errors": [
                    str(
                        _(
                            "A value is not acceptable (out of range or containing "
                            "forbidden characters)."
                        )
                    )
                ]
            }
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
