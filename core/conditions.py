"""Domain conditions written once, as ``Q`` objects, and read on one record in Python.

Each app writes its conditions ("overdue", "still open", "answered on
time") once, as a factory returning a ``Q`` next to its models
(``inspections.casework.models.action_overdue``...). Querysets, FilterSets
(and so the admin filters built from them), reminders, workspace pages and
the report's filtered counts all use that ``Q``; a record's own
``is_overdue()`` reads the same ``Q`` with ``matches`` rather than spelling
the condition again in Python.

Conditions judged "as of a day" take that day as ``as_of``: a date, or a
date expression (the report judges each period on its own day). ``is_now``
says whether a day is today or later, where nothing can have been done
"after the day" yet: the factories then leave that branch out, so today's
lists select what they always did and the (status, due date) indexes serve
them.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any, cast

from django.db.models import F, Model, Q
from django.utils import timezone


def is_now(as_of: Any) -> bool:
    """True for ``None`` or a date from today on; False for a past date or a SQL expression."""
    if as_of is None:
        return True
    return isinstance(as_of, dt.date) and as_of >= timezone.localdate()


def day_or_today(as_of: Any) -> Any:
    """``as_of``, or today for ``None``."""
    return timezone.localdate() if as_of is None else as_of


_COMPARE = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def _lookup(obj: Model, key: str, value: Any) -> bool:
    name, _sep, lookup = key.partition("__")
    lookup = lookup or "exact"
    current = getattr(obj, name)
    if isinstance(value, F):
        value = getattr(obj, str(value.name))  # type: ignore[attr-defined]
    if lookup == "isnull":
        return (current is None) is bool(value)
    if lookup == "in":
        return current in value
    if lookup == "range":
        low, high = value
        return current is not None and low <= current <= high
    # SQL: a comparison with NULL is not true.
    if current is None or value is None:
        return False
    return bool(_COMPARE[lookup](current, value))


def matches(obj: Model, condition: Q) -> bool:
    """Whether ``obj`` (its loaded field values) satisfies ``condition``, as the database would.

    Reads the lookups the conditions use (``exact``, ``in``, ``lt``, ``lte``,
    ``gt``, ``gte``, ``isnull``, ``range``, an ``F()`` of another field) on the
    record's own fields; a negated ``Q`` is true where a comparison with NULL
    is not (the ORM's ``~Q`` does the same). Property tests check it against
    the SQL of every condition.
    """
    results = (
        matches(obj, child) if isinstance(child, Q) else _lookup(obj, *cast(tuple, child))
        for child in condition.children
    )
    result = all(results) if condition.connector == Q.AND else any(results)
    return not result if condition.negated else result
