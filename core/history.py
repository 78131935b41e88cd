"""A record's change history (django-simple-history) in words, in the reader's language.

Each line says when, who, and for every changed field its label and the old
and new values as people read them: choices by their label, dates as
dd/mm/yyyy, linked records by their name, never ``73: -> received``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

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
    pairs = []
    wanted: dict[type, set] = {}
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
