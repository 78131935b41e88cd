"""Pure training rules: periods and hours, turns, eligibility, capacity, compliance.

No ORM and no request here, so every rule is checked with plain values (and
hypothesis). A period (tiết) is 45 minutes (docs/rules.md); hours and periods are
both stored, and these helpers keep them consistent.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

PERIOD_MINUTES = 45
_CENT = Decimal("0.01")

# One attended or completed enrolment is one turn (lượt); docs/rules.md / INTERFACES.md.
TURN_STATUSES = frozenset({"attended", "completed"})
# A withdrawn place is given back; every other status holds a seat.
SEAT_FREE_STATUSES = frozenset({"withdrawn"})
# Statuses that say what happened in class: only once the class has begun.
OUTCOME_STATUSES = frozenset({"attended", "completed", "failed", "no_show"})


def hours_to_periods(hours: Decimal) -> Decimal:
    """Hours of 60 minutes -> periods of 45 minutes, to two decimals."""
    return (Decimal(hours) * 60 / PERIOD_MINUTES).quantize(_CENT, rounding=ROUND_HALF_UP)


def periods_to_hours(periods: Decimal) -> Decimal:
    """Periods of 45 minutes -> hours, to two decimals (40 periods = 30 hours)."""
    return (Decimal(periods) * PERIOD_MINUTES / 60).quantize(_CENT, rounding=ROUND_HALF_UP)


def hours_and_periods_agree(hours: Decimal, periods: Decimal) -> bool:
    """True when both figures describe the same length, allowing for rounding to cents."""
    return abs(hours_to_periods(hours) - Decimal(periods)) <= _CENT


def is_turn(status: str) -> bool:
    """Whether an enrolment with this status counts as a training turn."""
    return status in TURN_STATUSES


def holds_seat(status: str) -> bool:
    """Whether an enrolment with this status uses one of the course's places."""
    return status not in SEAT_FREE_STATUSES


def seats_left(capacity: int | None, taken: int) -> int | None:
    """Free places; ``None`` means the course has no capacity limit."""
    if capacity is None:
        return None
    return max(capacity - taken, 0)


def capacity_allows(capacity: int | None, taken: int, wanted: int = 1) -> bool:
    left = seats_left(capacity, taken)
    return left is None or wanted <= left


class Ineligibility(StrEnum):
    """Why a staff member may not be nominated for a course."""

    LEFT_BEFORE_START = "left_before_start"
    JOINED_AFTER_END = "joined_after_end"
    SANCTIONED = "sanctioned"


# Course purposes a sanction in effect bars (CoursePurpose values).
SANCTION_BARRED_PURPOSES = frozenset({"advancement"})


def sanction_bars(purpose: str) -> bool:
    """Whether a sanction in effect bars being sent on a course with this purpose.

    Law on Cadres and Civil Servants art. 82 cl. 1 as amended by Law 52/2019
    (and Decree 112/2020 art. 40 for public employees): while a sanction is in
    effect the person is not promoted in rank, planned, trained or appointed
    *to a higher post*; the bar is on training towards promotion, succession
    planning and appointment, not on every refresher course.
    """
    return purpose in SANCTION_BARRED_PURPOSES


def nomination_problems(
    *,
    course_start: dt.date,
    course_end: dt.date,
    joined_on: dt.date | None,
    left_on: dt.date | None,
    sanction_until: dt.date | None,
    purpose: str = "advancement",
) -> list[Ineligibility]:
    """Reasons a person cannot be nominated for a course running ``course_start..course_end``.

    A disciplinary sanction in effect on the first day of the course bars
    nomination to a course towards promotion, planning or appointment
    (``sanction_bars``); ``sanction_until`` is set by the discipline workflow.
    """
    problems = []
    if left_on is not None and left_on < course_start:
        problems.append(Ineligibility.LEFT_BEFORE_START)
    if joined_on is not None and joined_on > course_end:
        problems.append(Ineligibility.JOINED_AFTER_END)
    if sanction_until is not None and sanction_until >= course_start and sanction_bars(purpose):
        problems.append(Ineligibility.SANCTIONED)
    return problems


def outcome_allowed(status: str, *, course_start: dt.date, today: dt.date) -> bool:
    """Attendance, completion, failure or no-show can only be recorded once the class began."""
    return status not in OUTCOME_STATUSES or today >= course_start


def meets_requirement(done_hours: Decimal | None, required_hours: Decimal | None) -> bool | None:
    """``None`` when no requirement applies (the person is not counted)."""
    if required_hours is None:
        return None
    return Decimal(done_hours or 0) >= Decimal(required_hours)


def rate(numerator: int, denominator: int) -> float | None:
    """A 0..1 rate, ``None`` when the denominator is zero (docs/contract.md)."""
    if not denominator:
        return None
    return numerator / denominator
