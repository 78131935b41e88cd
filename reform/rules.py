"""Pure rules of administrative reform: due dates, where a dossier stands, reconciliation.

No ORM and no request: dates and figures in, answers out (tested with
hypothesis). Working days come from ``core.workdays`` with the holiday
calendar passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from core.workdays import Calendar, add_working_days

EARLY, ON_TIME, LATE = "early", "on_time", "late"
PENDING_IN_TIME, PENDING_OVERDUE = "pending_in_time", "pending_overdue"
RESOLVED_STATES = frozenset({EARLY, ON_TIME, LATE})


def due_date(received_on: dt.date, resolution_days: int, calendar: Calendar) -> dt.date:
    """The due date: ``resolution_days`` working days after the day of receipt (not counted).

    A procedure resolved the same day (0 days) is due the day it is received.
    """
    return add_working_days(received_on, resolution_days, calendar)


class DueDates:
    """``due_date`` memoised for one calendar (an import of 500,000 rows asks the same few thousand
    questions)."""

    def __init__(self, calendar: Calendar):
        self.calendar = calendar
        self._cached = lru_cache(maxsize=100_000)(self._compute)

    def _compute(self, received_on: dt.date, days: int) -> dt.date:
        return due_date(received_on, days, self.calendar)

    def __call__(self, received_on: dt.date, days: int) -> dt.date:
        return self._cached(received_on, days)


COUNTER_LEVELS = {
    "province": "province",
    "district": "district",
    "department": "district",
    "commune": "commune",
}


def counter_level(unit_level: str) -> str:
    """The level of a one-stop counter from its unit's level: a district's departments count as
    district level."""
    return COUNTER_LEVELS.get(unit_level, "district")


def outcome(due_on: dt.date, resolved_on: dt.date | None) -> str:
    """``early``, ``on_time`` or ``late`` for a resolved dossier; ``""`` while unresolved."""
    if resolved_on is None:
        return ""
    if resolved_on < due_on:
        return EARLY
    if resolved_on == due_on:
        return ON_TIME
    return LATE


def dossier_state(*, due_on: dt.date, resolved_on: dt.date | None, as_of: dt.date) -> str:
    """Where a dossier stands on ``as_of``: resolved early/on time/late, or pending in time/overdue.

    A dossier resolved after ``as_of`` was still pending that day. A pending
    dossier is overdue from the day after its due date.
    """
    if resolved_on is not None and resolved_on <= as_of:
        return outcome(due_on, resolved_on)
    return PENDING_IN_TIME if as_of <= due_on else PENDING_OVERDUE


def needs_apology(state: str) -> bool:
    """A dossier late or pending past its due date needs a written apology with a new date."""
    return state in (LATE, PENDING_OVERDUE)


@dataclass(frozen=True)
class Figures:
    """Period totals as a unit files them; ``None`` where the unit did not report the figure."""

    received: int
    resolved: int
    carried_over: int = 0
    resolved_early: int | None = None
    resolved_on_time: int | None = None
    resolved_late: int | None = None
    pending_in_time: int | None = None
    pending_overdue: int | None = None

    @property
    def overdue(self) -> int:
        """Overdue dossiers: resolved late plus pending past the deadline (unreported counts as
        none)."""
        return (self.resolved_late or 0) + (self.pending_overdue or 0)


RECEIVED_MISMATCH = "received_mismatch"
RECEIVED_EXCEEDED = "received_exceeded"
RESOLVED_MISMATCH = "resolved_mismatch"
RESOLVED_EXCEEDED = "resolved_exceeded"


def reconciliation_problems(f: Figures) -> list[str]:
    """What does not add up in reported figures; empty when they reconcile.

    - Every dossier to handle (received plus carried over) is resolved or
      pending: when both pending figures are reported the two sides must be
      equal; when one is missing the reported parts must not exceed the total.
    - Resolved early + on time + late equals resolved when the three are
      reported, and does not exceed it otherwise.

    The figures are never adjusted: a report that does not add up is stored
    as filed and flagged (the seed article's district-level figures are such
    a case: 1,731 resolved + 96 pending of 2,061 received).
    """
    problems = []
    to_handle = f.received + f.carried_over
    pending = [f.pending_in_time, f.pending_overdue]
    accounted = f.resolved + sum(p or 0 for p in pending)
    if all(p is not None for p in pending):
        if accounted != to_handle:
            problems.append(RECEIVED_MISMATCH)
    elif accounted > to_handle:
        problems.append(RECEIVED_EXCEEDED)
    parts = [f.resolved_early, f.resolved_on_time, f.resolved_late]
    split = sum(p or 0 for p in parts)
    if all(p is not None for p in parts):
        if split != f.resolved:
            problems.append(RESOLVED_MISMATCH)
    elif split > f.resolved:
        problems.append(RESOLVED_EXCEEDED)
    return problems


def reconciles(f: Figures) -> bool:
    return not reconciliation_problems(f)


def rank_change(previous_rank: int | None, rank: int | None) -> int | None:
    """Places gained since the year before (positive: moved up); ``None`` if either is unknown."""
    if previous_rank is None or rank is None:
        return None
    return previous_rank - rank


def periods_overlap(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    return a_start <= b_end and b_start <= a_end


def dossier_problems(
    *,
    received_on: dt.date | None,
    due_on: dt.date | None,
    resolved_on: dt.date | None,
    returned_on: dt.date | None,
    result: str,
    late_in_system_only: bool,
    late_reason: str,
    apology_issued_on: dt.date | None,
    apology_new_due_on: dt.date | None,
    today: dt.date,
) -> list[tuple[str, str]]:
    """What is wrong with a dossier's dates and flags, as ``(field, problem code)`` pairs.

    Pure, so the model's ``clean`` and a 500,000-row import check the same
    rules without building a model per row (``reform.models.DOSSIER_MESSAGES``
    words them).
    """
    problems = []
    if received_on:
        if received_on > today:
            problems.append(("received_on", "received_future"))
        if due_on and due_on < received_on:
            problems.append(("due_on", "due_before_receipt"))
        if resolved_on and resolved_on < received_on:
            problems.append(("resolved_on", "resolved_before_receipt"))
    if resolved_on and resolved_on > today:
        problems.append(("resolved_on", "resolved_future"))
    if returned_on and not resolved_on:
        problems.append(("returned_on", "returned_unresolved"))
    elif returned_on and resolved_on and returned_on < resolved_on:
        problems.append(("returned_on", "returned_before_resolved"))
    if result and not resolved_on:
        problems.append(("result", "result_unresolved"))
    if late_in_system_only and not late_reason:
        problems.append(("late_reason", "late_reason_missing"))
    state = outcome(due_on, resolved_on) if due_on else ""
    if late_in_system_only and state and state != LATE:
        problems.append(("late_in_system_only", "system_late_not_late"))
    if apology_new_due_on and not apology_issued_on:
        problems.append(("apology_issued_on", "apology_date_missing"))
    if apology_new_due_on and due_on and apology_new_due_on <= due_on:
        problems.append(("apology_new_due_on", "new_date_not_later"))
    return problems
