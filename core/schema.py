"""OpenAPI generation: drf-spectacular's AutoSchema plus the error answers every endpoint can give.

The API's errors have two shapes (``core.api.exception_handler``):

- ``{"detail": "..."}`` for 401, 403, 404, 409 and 429;
- ``{"<field>": ["message", ...], "non_field_errors": [...]}`` for 400.

Rather than each view repeating them, ``AutoSchema`` adds them to every
operation where they can happen: 400 on writes and filtered lists, 401/403
unless the endpoint is open to anyone, 404 where the path names an object,
409 on writes to models, 429 where a throttle applies. Responses a view declares
itself (``@extend_schema(responses=...)``) win.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer):
    """An error with one human-readable message, in the language asked for."""

    detail = serializers.CharField(help_text=_("What went wrong, in the requested language."))


class ValidationErrorSerializer(serializers.Serializer):
    """Bad input: each field name maps to its messages; ``non_field_errors`` for the whole
    record."""

    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Errors not tied to one field.")
    )


class ValidationErrorExtension(OpenApiSerializerExtension):
    """Describe the field-name -> messages mapping, which no fixed serializer field can."""

    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = {"type": "array", "items": {"type": "string"}}
        return schema


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema with the common error responses added."""

    def _is_public(self) -> bool:
        try:
            perms = self.view.get_permissions()
        except Exception:  # a view whose permissions need a real request: assume protected
            return False
        return all(isinstance(p, permissions.AllowAny) for p in perms)

    def _has_throttles(self) -> bool:
        try:
            return bool(self.view.get_throttles())
        except Exception:  # as above
            return False

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        errors: dict[str, OpenApiResponse] = {}
        is_list = self.method == "GET" and self._is_list_view()
        if self.method in {"POST", "PUT", "PATCH"} or (is_list and self._has_filters()):
            errors["400"] = OpenApiResponse(
                ValidationErrorSerializer, _("Bad input: messages per field.")
            )
        if not self._is_public():
            errors["401"] = OpenApiResponse(
                ErrorSerializer, _("Not signed in, or the token is invalid.")
            )
            errors["403"] = OpenApiResponse(
                ErrorSerializer, _("Signed in, but the role may not do this.")
            )
        if "{" in self.path:
            errors["404"] = OpenApiResponse(
                ErrorSerializer, _("No such object, or outside the caller's units.")
            )
        if self.method in _WRITES and hasattr(self.view, "get_queryset"):
            errors["409"] = OpenApiResponse(
                ErrorSerializer, _("The change conflicts with existing data.")
            )
        if self._has_throttles():
            errors["429"] = OpenApiResponse(
                ErrorSerializer, _("Too many requests; try again later.")
            )
        return errors

    def _has_filters(self) -> bool:
        return bool(
            getattr(self.view, "filterset_class", None)
            or getattr(self.view, "filterset_fields", None)
        )

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    response, code, ["application/json"], direction
                )
        return responses
