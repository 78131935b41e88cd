"""A record's change history (django-simple-history): in words, and its one API and admin mixin.

``history_lines`` (the workspace pages): each line says when, who, and for
every changed field its label and the old and new values as people read
them: choices by their label, dates as dd/mm/yyyy, linked records by their
name, never ``73: -> received``. ``HistoryViewSetMixin`` (API) and
``HistoryAdmin`` (admin) are the only history endpoints and pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalRecords

from core.bases import ViewSetBase

# Bookkeeping columns nobody needs to read in a history.
SKIPPED = {
    "updated_at",
    "created_at",
    "progress_reported_at",
    "name_key",
    "title_key",
    "path",
    "depth",
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryLine:
    at: dt.datetime
    user: str
    kind: str
    changes: list[Change] = field(default_factory=list)


def _shown(model, name: str, value, related: dict) -> str:
    if value in (None, ""):
        return "—"
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # a field dropped since the record was written
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return related.get((model_field.related_model, value), f"#{value}")
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list):  # M2M rows
        return ", ".join(related.get((None, row), str(row)) for row in value) or "—"
    return str(value)


def history_lines(obj, *, limit: int = 50) -> list[HistoryLine]:
    """Newest first; linked records named with one query per linked model."""
    model = type(obj)
    records = list(
        obj.history.select_related("history_user").order_by("history_date", "history_id")
    )[-limit - 1 :]
    pairs: list[tuple[Any, list]] = []
    wanted: dict[type[models.Model], set] = {}
    previous = None
    for record in records:
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [
                c for c in delta.changes if c.field not in SKIPPED and not isinstance(c.old, list)
            ]
            for change in changes:
                model_field = model._meta.get_field(change.field)
                if isinstance(model_field, models.ForeignKey):
                    wanted.setdefault(model_field.related_model, set()).update(
                        v for v in (change.old, change.new) if v
                    )
            pairs.append((record, changes))
        else:
            pairs.append((record, []))
        previous = record
    related = {}
    for related_model, ids in wanted.items():
        for pk, text in ((o.pk, str(o)) for o in related_model._default_manager.filter(pk__in=ids)):
            related[(related_model, pk)] = text
    kinds = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    lines = []
    for record, changes in pairs:
        if record.history_type == "~" and not changes:
            continue
        lines.append(
            HistoryLine(
                at=record.history_date,
                user=record.history_user.get_username() if record.history_user else _("the system"),
                kind=kinds.get(record.history_type, record.history_type),
                changes=[
                    Change(
                        str(model._meta.get_field(c.field).verbose_name),
                        _shown(model, c.field, c.old, related),
                        _shown(model, c.field, c.new, related),
                    )
                    for c in changes
                ],
            )
        )
    return list(reversed(lines))


# --- The API and the admin: one mixin each -------------------------------------------------------
#
# Every viewset of a model with ``history = HistoricalRecords(...)`` inherits
# ``HistoryViewSetMixin`` and every admin of one ``HistoryAdmin`` (a test in
# tests/access/test_declarations.py fails otherwise). Row scope is the
# viewset's own ``get_object()`` (``staff.access.RestrictedViewSetMixin``) and,
# in the admin, ``staff.access.RestrictedAdminMixin``; what a reader may not
# see in the record (an inspector's internal note) is named by
# ``history_hidden_fields(request)`` and left out of every line and value.

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


@contextmanager
def recorded_as(user) -> Iterator[None]:
    """History rows written inside name ``user`` when no request does (an import run as a job).

    simple-history takes the user from the request its middleware keeps; a
    job or a command has none, so its rows would say "the system".
    """
    context = HistoricalRecords.context
    if user is None or getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


def _m2m_target(model, name: str) -> str | None:
    """The key of the linked record in simple-history's rows of a many-to-many field."""
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return None
    if not model_field.many_to_many:
        return None
    return model_field.m2m_reverse_field_name()


def _api_value(model, name: str, value) -> str | None:
    """A history value as text for the API; linked records (M2M rows) as their ids."""
    if value is None:
        return None
    if isinstance(value, list):
        # simple-history gives M2M values as through rows: {"<owner>": id, "<target>": id}.
        target = _m2m_target(model, name) or name
        return ", ".join(
            str(row.get(target)) for row in sorted(value, key=lambda r: r.get(target) or 0)
        )
    return str(value)


def _ordered_records(obj):
    return list(obj.history.select_related("history_user").order_by("history_date", "history_id"))


def _entry(model, record, previous, hidden) -> dict:
    changes = []
    if previous is not None:
        delta = record.diff_against(previous, excluded_fields=hidden)
        changes = [
            {
                "field": c.field,
                "old": _api_value(model, c.field, c.old),
                "new": _api_value(model, c.field, c.new),
            }
            for c in delta.changes
        ]
    return {
        "id": record.history_id,
        "at": record.history_date,
        "user": record.history_user.get_username() if record.history_user else None,
        "type": HISTORY_TYPES.get(record.history_type, record.history_type),
        "changes": changes,
    }


def history_entries(obj, *, hidden: frozenset[str] | set[str] = frozenset()) -> list[dict]:
    """The record's history, newest first, with the fields each change touched (``hidden`` left
    out)."""
    model = type(obj)
    entries = []
    previous = None
    for record in _ordered_records(obj):
        entries.append(_entry(model, record, previous, set(hidden)))
        previous = record
    return list(reversed(entries))


def history_record(obj, history_id: int, *, hidden=frozenset()) -> dict | None:
    """One version of the record: what it changed and every recorded value then (``hidden`` left
    out)."""
    model = type(obj)
    records = _ordered_records(obj)
    for index, record in enumerate(records):
        if record.history_id != history_id:
            continue
        entry = _entry(model, record, records[index - 1] if index else None, set(hidden))
        excluded = set(hidden) | set(record._history_excluded_fields)
        entry["values"] = {
            f.name: _api_value(model, f.name, getattr(record, f.attname))
            for f in model._meta.concrete_fields
            if f.name not in excluded
        }
        return entry
    return None


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    changes = HistoryChangeSerializer(many=True)


class HistoryRecordSerializer(HistoryEntrySerializer):
    values = serializers.DictField(child=serializers.CharField(allow_null=True))


class HistoryViewSetMixin(ViewSetBase):
    """``<record>/history/`` and ``<record>/history/<id>/``: read-only, scoped like the record.

    The record is found with the viewset's ``get_object()``, so a record
    outside the reader's scope is a 404 for its history too; both are GET only.
    """

    def history_hidden_fields(self, request) -> set[str]:
        """Fields of the record this reader may not see (left out of the history)."""
        return set()

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        """Every change to this record: who, when, which fields from what to what."""
        obj = self.get_object()
        entries = history_entries(obj, hidden=self.history_hidden_fields(request))
        return Response(HistoryEntrySerializer(entries, many=True).data)

    @extend_schema(
        responses=HistoryRecordSerializer,
        parameters=[OpenApiParameter("history_id", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"history/(?P<history_id>[0-9]{1,18})",
        url_name="history-record",
    )
    def history_record(self, request, *args, history_id: str, **kwargs):
        """One version of this record: what it changed and every recorded value at that moment."""
        obj = self.get_object()
        entry = history_record(obj, int(history_id), hidden=self.history_hidden_fields(request))
        if entry is None:
            raise Http404
        return Response(HistoryRecordSerializer(entry).data)


class HistoryAdmin(SimpleHistoryAdmin):
    """Every admin of a model with history: the history list and its records, read-only.

    Reverting is off (``SIMPLE_HISTORY_REVERT_DISABLED``) and a POST to a
    history record is refused: a revert would save an old version around
    the services and their checks (docs/access.md). Which records a user
    may open is decided by ``staff.access.RestrictedAdminMixin``; fields
    named by ``history_hidden_fields(request)`` are left out of the list of
    changes (and out of the record's form through the admin's fieldsets).
    """

    def history_hidden_fields(self, request) -> set[str]:
        return set()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        hidden = self.history_hidden_fields(request)
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, foreign_keys_are_objs=foreign_keys_are_objs, excluded_fields=hidden
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current
