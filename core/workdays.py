"""Working days: Monday to Friday, minus public holidays, plus make-up working days.

Pure functions take the calendar exceptions as sets so they can be tested
without a database; ``load_calendar`` reads them from ``CalendarDay``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int, calendar: Calendar) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted).

    Received on Friday with a 1-working-day limit -> due Monday (if Monday works).
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, calendar: Calendar) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start, calendar)
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return count


def load_calendar(start: dt.date | None = None, end: dt.date | None = None) -> Calendar:
    """The calendar exceptions stored in the database (optionally a date range)."""
    from core.models import CalendarDay, CalendarDayKind

    rows = CalendarDay.objects.all()
    if start:
        rows = rows.filter(date__gte=start)
    if end:
        rows = rows.filter(date__lte=end)
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in rows.values_list("date", "kind"):
        (holidays if kind == CalendarDayKind.HOLIDAY else workdays).add(day)
    return Calendar(frozenset(holidays), frozenset(workdays))


def seed_vietnam_holidays(years: range) -> int:
    """Store Vietnam's public holidays (Tết included) for ``years`` from the ``holidays`` package.

    Existing rows are left as the administrator edited them. Returns rows created.
    """
    import holidays as holidays_lib

    from core.models import CalendarDay, CalendarDayKind

    known = set(
        CalendarDay.objects.filter(date__year__in=list(years)).values_list("date", flat=True)
    )
    rows = [
        CalendarDay(date=day, kind=CalendarDayKind.HOLIDAY, name=str(name)[:200])
        for day, name in sorted(holidays_lib.country_holidays("VN", years=list(years)).items())
        if day not in known
    ]
    CalendarDay.objects.bulk_create(rows)
    return len(rows)
