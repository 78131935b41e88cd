"""A Django ``ValidationError`` turned into what each way in shows: one home for the conversion.

Services and models raise ``django.core.exceptions.ValidationError`` (a dict
of field -> messages, or a list of messages for the whole record). The API
answers it as DRF's 400 body (``to_drf``: ``__all__`` and list errors become
``non_field_errors``), the workspace and admin forms put it on the fields it
names (``onto_form``: unknown names go on top of the form), and serializers
run the model's ``clean()`` through ``ModelCleanMixin`` so the API and the
admin enforce the same rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings


def messages_by_field(exc: DjangoValidationError) -> dict[str, list[str]]:
    """``{field: [messages]}``; errors about the whole record under ``NON_FIELD_ERRORS``
    (``__all__``)."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def lazy_messages_by_field(exc: DjangoValidationError) -> dict[str, list]:
    """As ``messages_by_field`` but messages without parameters stay lazy translations.

    For reports read later in another language (an import's row errors).
    """
    errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    return {
        field: [e.message % e.params if e.params else e.message for e in items]
        for field, items in errors.items()
    }


def to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    """The API's 400: the same fields, record-level errors as ``non_field_errors``."""
    key = api_settings.NON_FIELD_ERRORS_KEY
    return exceptions.ValidationError(
        {(key if k == NON_FIELD_ERRORS else k): v for k, v in messages_by_field(exc).items()}
    )


def onto_form(form, exc: DjangoValidationError) -> None:
    """A service's errors onto ``form``: known fields on the field, the rest on top of the form."""
    for name, errors in messages_by_field(exc).items():
        form.add_error(name if name in form.fields else None, errors)


if TYPE_CHECKING:
    _SerializerBase = serializers.ModelSerializer
else:
    _SerializerBase = object


class ModelCleanMixin(_SerializerBase):
    """Serializer mixin: run the model's ``clean()`` on the validated values (errors as 400)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model: Any = self.Meta.model
        instance = self.instance or model()
        for key, value in attrs.items():
            if not isinstance(self.fields.get(key), serializers.ManyRelatedField):
                setattr(instance, key, value)
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise to_drf(exc) from exc
        return attrs
