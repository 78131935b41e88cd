"""Disciplinary deadlines, forms and workflow as pure functions (no ORM, no request).

The rules themselves are data (``DisciplineRegime``/``DisciplineForm`` rows);
``services.py`` turns the rows into the frozen dataclasses below and stores
what these functions compute. Every computation returns its value together
with a sentence saying how it was reached, so a person can check it.

How docs/rules.md's date examples are read: "a deadline is the start date plus
the period", and both examples agree with that literally:

- 90 days from 1 March -> 1 March + 90 days = 30 May (the start day itself is
  not counted, the deadline day is the 90th day after it);
- 2 years from 15 January 2022 -> 15 January 2024 (same day number; when that
  day does not exist in the target month, e.g. 29 February or the 31st, the
  last day of that month is the deadline: the month-end rule).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import overload

from django.utils.translation import gettext as _

from core.workdays import Calendar

OPENED, SELF_REVIEW, COUNCIL, DECIDED = "opened", "self_review", "council", "decided"
CLOSED_NO_ACTION, POSTPONED, EXEMPT = "closed_no_action", "postponed", "exempt"
ACTIVE_STEPS = (OPENED, SELF_REVIEW, COUNCIL)
TERMINAL = (DECIDED, CLOSED_NO_ACTION, EXEMPT)

# The legal path: each active step may move to the next one, or leave the
# path (closed without discipline, deferred, exempt). A deferred case returns
# to the step it was deferred from (or is closed).
NEXT_STEP = {OPENED: SELF_REVIEW, SELF_REVIEW: COUNCIL, COUNCIL: DECIDED}
EXITS = (CLOSED_NO_ACTION, POSTPONED, EXEMPT)


class RuleError(ValueError):
    """A rule was broken; ``field`` names the input at fault (for a 400 answer)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RegimeRule:
    key: str
    code: str
    categories: frozenset[str]
    valid_from: dt.date | None
    valid_until: dt.date | None
    statute_months_minor: int
    statute_months_other: int
    handling_period: int
    handling_period_complex: int
    handling_unit: str  # "days" or "months"
    handling_working_days: bool = False
    deferral_reasons: frozenset[str] = field(default_factory=frozenset)
    # How violations committed before ``valid_from`` are treated (PriorViolationRule).
    prior_violations: str = "apply"
    # A deadline ending on a weekend or holiday moves to the next working day
    # (Civil Code 2015 art. 148 cl. 5; the discipline texts say nothing else).
    shift_to_working_day: bool = False

    def applies(self, category: str, day: dt.date) -> bool:
        return (
            category in self.categories
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class FormRule:
    form: str
    category: str
    level: int
    effect_months: int
    salary_delay_months: int = 0
    leaders_only: bool = False
    non_leaders_only: bool = False


@dataclass(frozen=True)
class Interval:
    """Days ``start``..``end`` inclusive that do not count; ``end`` None while it lasts."""

    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class Computed:
    value: dt.date | None
    explanation: str


@dataclass(frozen=True)
class HandlingResult:
    base: dt.date
    deadline: dt.date | None
    suspended_days: int
    max_extension_days: int
    explanation: str


def fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "-"


# --- Date arithmetic -----------------------------------------------------------


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus whole months; a missing day becomes the month's last day."""
    if months < 0:
        raise ValueError("months must be >= 0")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = pycalendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def add_period(start: dt.date, amount: int, unit: str) -> dt.date:
    """``start`` plus ``amount`` days or months (the start day is not counted)."""
    if unit == "months":
        return add_months(start, amount)
    if unit == "days":
        if amount < 0:
            raise ValueError("days must be >= 0")
        return start + dt.timedelta(days=amount)
    raise ValueError(f"unknown period unit {unit!r}")


def merge_intervals(
    intervals: Iterable[Interval], *, after: dt.date, as_of: dt.date | None = None
) -> list[Interval]:
    """Sorted, non-overlapping intervals clipped to days after ``after``.

    An open interval is kept open; overlapping periods (a deferral during a
    criminal investigation) are counted once.
    """
    clipped = []
    for item in intervals:
        start = max(item.start, after + dt.timedelta(days=1))
        if item.end is not None and item.end < start:
            continue
        clipped.append(Interval(start, item.end))
    clipped.sort(key=lambda i: i.start)
    merged: list[Interval] = []
    for item in clipped:
        if merged and (
            merged[-1].end is None or item.start <= merged[-1].end + dt.timedelta(days=1)
        ):
            last = merged[-1]
            end = None if last.end is None or item.end is None else max(last.end, item.end)
            merged[-1] = Interval(last.start, end)
        else:
            merged.append(item)
    return merged


def days_in(intervals: Sequence[Interval]) -> int:
    """Days covered by closed, merged intervals."""
    return sum((i.end - i.start).days + 1 for i in intervals if i.end is not None)


# --- Which regime --------------------------------------------------------------


def pick_regime(regimes: Iterable[RegimeRule], category: str, day: dt.date) -> RegimeRule | None:
    """The regime in force for ``category`` on ``day`` (the latest to start if rows overlap)."""
    matching = [r for r in regimes if r.applies(category, day)]
    if not matching:
        return None
    return max(matching, key=lambda r: (r.valid_from or dt.date.min, r.key))


# --- Statute of limitations ------------------------------------------------------


def warrants_reprimand(severity: str, *, repeat: bool = False) -> bool:
    """Whether the violation warrants khiển trách, the form the short statute is tied to.

    The texts tie the short statute to the form the violation warrants, not to a
    severity label: a first minor violation warrants khiển trách, a repeat of it
    (tái phạm) warrants cảnh cáo (Decree 112/2020 art. 8 and 16 as amended), so a
    repeat takes the long statute.
    """
    return severity == "minor" and not repeat


def statute_start(
    *,
    violation_date: dt.date,
    ended_on: dt.date | None,
    ongoing: bool,
    discovered_on: dt.date,
    concluded_on: dt.date | None = None,
) -> tuple[dt.date, str]:
    """Where the statute starts: the violation's end, its date, or (end unknown) the conclusion.

    For a violation whose end is not known the statute runs from the date the
    competent body concludes there was a violation; until that conclusion is
    recorded the discovery date is used, the earliest it can be.
    """
    if ongoing:
        if concluded_on:
            return concluded_on, _(
                "the end of the violation is not known, so from the competent body's "
                "conclusion on %(d)s"
            ) % {"d": fmt(concluded_on)}
        return discovered_on, _(
            "the end of the violation is not known and no conclusion of the competent body "
            "is recorded yet, so provisionally from its discovery on %(d)s"
        ) % {"d": fmt(discovered_on)}
    if ended_on:
        return ended_on, _("from the end of the violation on %(d)s") % {"d": fmt(ended_on)}
    return violation_date, _("from the violation on %(d)s") % {"d": fmt(violation_date)}


def next_working_day(day: dt.date, calendar: Calendar) -> dt.date:
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@overload
def _shift(regime: RegimeRule, day: dt.date, calendar: Calendar | None) -> tuple[dt.date, str]: ...


@overload
def _shift(regime: RegimeRule, day: None, calendar: Calendar | None) -> tuple[None, str]: ...


def _shift(
    regime: RegimeRule, day: dt.date | None, calendar: Calendar | None
) -> tuple[dt.date | None, str]:
    """Move a deadline off a weekend or holiday when the regime says so (Civil Code art. 148 cl.
    5)."""
    if day is None or not regime.shift_to_working_day:
        return day, ""
    moved = next_working_day(day, calendar or Calendar())
    if moved == day:
        return day, ""
    return moved, _(
        "%(d)s is a weekend day or public holiday: the deadline moves to the next working "
        "day, %(m)s (Civil Code 2015 art. 148 cl. 5)."
    ) % {"d": fmt(day), "m": fmt(moved)}


def _run_statute(
    start: dt.date, months: int, later_violations: Iterable[dt.date]
) -> tuple[dt.date, list[dt.date]]:
    """The deadline from ``start``, restarted by each new violation committed within the running
    period."""
    deadline = add_months(start, months)
    restarts = []
    for day in sorted(set(later_violations)):
        if start < day <= deadline:
            start = day
            deadline = add_months(start, months)
            restarts.append(day)
    return deadline, restarts


def statute_deadline(
    regime: RegimeRule,
    *,
    severity: str,
    violation_date: dt.date,
    ended_on: dt.date | None = None,
    ongoing: bool = False,
    discovered_on: dt.date,
    concluded_on: dt.date | None = None,
    repeat: bool = False,
    later_violations: Iterable[dt.date] = (),
    previous: RegimeRule | None = None,
    calendar: Calendar | None = None,
    no_limitation_reason: str = "",
    no_limitation_label: str = "",
) -> Computed:
    """The last day discipline may be imposed, or None for violations without limitation.

    ``later_violations``: dates of new violations by the same person; one
    committed while the period runs restarts it from that date.
    ``previous``: the regime in force the day before ``regime`` took effect,
    for violations committed before that day (``regime.prior_violations``).
    """
    if no_limitation_reason:
        return Computed(
            None,
            _("No statute of limitations: %(reason)s.")
            % {"reason": no_limitation_label or no_limitation_reason},
        )
    later_violations = list(later_violations)
    start, why = statute_start(
        violation_date=violation_date,
        ended_on=ended_on,
        ongoing=ongoing,
        discovered_on=discovered_on,
        concluded_on=concluded_on,
    )
    minor = warrants_reprimand(severity, repeat=repeat)
    months = regime.statute_months_minor if minor else regime.statute_months_other
    deadline, restarts = _run_statute(start, months, later_violations)
    if minor:
        kind = _("a violation warranting a reprimand")
    elif severity == "minor":
        kind = _("a repeated minor violation, which warrants a warning")
    else:
        kind = _("a violation more serious than a reprimand")
    parts = [
        _(
            "Regime %(regime)s: %(months)s months for %(kind)s, counted %(why)s: "
            "%(start)s + %(months)s months = %(deadline)s."
        )
        % {
            "regime": regime.code,
            "months": months,
            "kind": kind,
            "why": why,
            "start": fmt(start),
            "deadline": fmt(add_months(start, months)),
        }
    ]
    for day in restarts:
        parts.append(
            _(
                "A new violation on %(d)s, within the period, restarts it: %(d)s + "
                "%(months)s months = %(end)s."
            )
            % {"d": fmt(day), "months": months, "end": fmt(add_months(day, months))}
        )
    if (
        previous is not None
        and regime.valid_from is not None
        and start < regime.valid_from
        and regime.prior_violations != "apply"
    ):
        old_months = previous.statute_months_minor if minor else previous.statute_months_other
        old, _restarts = _run_statute(
            start, old_months, [d for d in later_violations if d < regime.valid_from]
        )
        old_shifted, _note = _shift(previous, old, calendar)
        if regime.prior_violations == "unless_barred":
            if old_shifted < regime.valid_from:
                parts.append(
                    _(
                        "The violation was already time-barred on %(old)s under regime "
                        "%(prev)s (%(om)s months), before regime %(regime)s took effect on "
                        "%(from)s: the new statute does not revive it."
                    )
                    % {
                        "old": fmt(old_shifted),
                        "prev": previous.code,
                        "om": old_months,
                        "regime": regime.code,
                        "from": fmt(regime.valid_from),
                    }
                )
                return Computed(old_shifted, " ".join(parts))
            parts.append(
                _(
                    "Committed before regime %(regime)s took effect on %(from)s and not "
                    "time-barred on that day (under regime %(prev)s it would have ended on "
                    "%(old)s): the new statute applies."
                )
                % {
                    "regime": regime.code,
                    "from": fmt(regime.valid_from),
                    "prev": previous.code,
                    "old": fmt(old_shifted),
                }
            )
        elif regime.prior_violations == "favourable" and old < deadline:
            parts.append(
                _(
                    "Committed before regime %(regime)s took effect on %(from)s: the "
                    "earlier rule of regime %(prev)s (%(om)s months, ending on %(old)s) is "
                    "more favourable and applies."
                )
                % {
                    "regime": regime.code,
                    "from": fmt(regime.valid_from),
                    "prev": previous.code,
                    "om": old_months,
                    "old": fmt(old),
                }
            )
            deadline = old
    shifted, note = _shift(regime, deadline, calendar)
    if note:
        parts.append(note)
    return Computed(shifted, " ".join(parts))


# --- Handling time limit -----------------------------------------------------------


def _walk(start: dt.date, count: int, counts) -> dt.date:
    day = start
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if counts(day):
            remaining -= 1
    return day


def max_extension_days(regime: RegimeRule, discovered_on: dt.date) -> int:
    """How far an extension for a complex case may move the limit, in the limit's own days."""
    normal = add_period(discovered_on, regime.handling_period, regime.handling_unit)
    complex_ = add_period(discovered_on, regime.handling_period_complex, regime.handling_unit)
    return (complex_ - normal).days


def handling_deadline(
    regime: RegimeRule,
    *,
    discovered_on: dt.date,
    suspensions: Iterable[Interval] = (),
    extension_days: int = 0,
    calendar: Calendar | None = None,
) -> HandlingResult:
    """The day a decision is due: discovery + the limit (+ extension), skipping suspended days.

    Suspended days (criminal proceedings, complaints, deferral) do not count;
    while a suspension is still open the clock is stopped and the deadline is
    unknown (None). With ``handling_working_days`` the limit counts working
    days of ``calendar``; otherwise calendar days.
    """
    allowed = max_extension_days(regime, discovered_on)
    if extension_days < 0 or extension_days > allowed:
        raise RuleError(
            "days",
            _("The extension must be between 0 and %(max)s days (the limit for complex cases).")
            % {"max": allowed},
        )
    merged = merge_intervals(suspensions, after=discovered_on)
    cal = calendar or Calendar()
    if regime.handling_unit == "months":
        base_days = (add_months(discovered_on, regime.handling_period) - discovered_on).days
        working = False
    else:
        base_days = regime.handling_period
        working = regime.handling_working_days
    day_word = _("working days") if working else _("calendar days")

    def counts_plain(day: dt.date) -> bool:
        return not working or cal.is_working_day(day)

    base = _walk(discovered_on, base_days, counts_plain)
    period = (
        f"{regime.handling_period} {_('months') if regime.handling_unit == 'months' else day_word}"
    )
    parts = [
        _("Regime %(regime)s: %(period)s from discovery on %(start)s = %(base)s.")
        % {"regime": regime.code, "period": period, "start": fmt(discovered_on), "base": fmt(base)}
    ]
    if extension_days:
        parts.append(_("Extended by %(n)s days for a complex case.") % {"n": extension_days})
    open_ones = [i for i in merged if i.end is None]
    suspended = days_in(merged)
    if open_ones:
        parts.append(
            _(
                "Clock stopped since %(start)s (a period that does not count is still "
                "running): no deadline until it ends."
            )
            % {"start": fmt(open_ones[0].start)}
        )
        return HandlingResult(base, None, suspended, allowed, " ".join(parts))

    def counts(day: dt.date) -> bool:
        if any(i.start <= day <= i.end for i in merged):  # type: ignore[operator]
            return False
        return counts_plain(day)

    deadline = _walk(discovered_on, base_days + extension_days, counts)
    if merged:
        periods = ", ".join(f"{fmt(i.start)}-{fmt(i.end)}" for i in merged)
        parts.append(
            _("Not counted: %(n)s days (%(periods)s).") % {"n": suspended, "periods": periods}
        )
    if extension_days or merged:
        parts.append(_("Deadline: %(d)s.") % {"d": fmt(deadline)})
    deadline, note = _shift(regime, deadline, cal)
    if note:
        parts.append(note)
    return HandlingResult(base, deadline, suspended, allowed, " ".join(parts))


# --- Forms and effects ----------------------------------------------------------------


def applicable_forms(
    forms: Iterable[FormRule], *, category: str, is_leader: bool
) -> list[FormRule]:
    """The forms this person can receive, lightest first."""
    usable = [
        f
        for f in forms
        if f.category == category
        and not (f.leaders_only and not is_leader)
        and not (f.non_leaders_only and is_leader)
    ]
    return sorted(usable, key=lambda f: f.level)


def required_level(
    forms: Iterable[FormRule],
    *,
    category: str,
    is_leader: bool,
    running_level: int,
    own_level: int | None = None,
) -> int:
    """The level a new violation committed while a sanction runs must get.

    Exactly one level above the running form, or one above the form the new
    violation warrants on its own when that is heavier (Decree 112/2020 art. 2
    as amended by Decree 71/2023; Decree 234/2026 art. 2 cl. 3). "One level
    above" is the next form available to this person: a civil servant who is
    not a leader under R2 goes from cảnh cáo to buộc thôi việc. At the top of
    the scale the heaviest form is required.
    """
    base = max(running_level, own_level or 0)
    levels = [f.level for f in applicable_forms(forms, category=category, is_leader=is_leader)]
    above = [lvl for lvl in levels if lvl > base]
    return min(above) if above else max(levels, default=base)


def combined_level(levels: Iterable[int]) -> int:
    """Several violations decided together get one decision at the highest of their forms."""
    return max(levels)


def check_form(
    forms: Iterable[FormRule],
    *,
    form: str,
    category: str,
    is_leader: bool,
    regime_code: str,
    running_level: int | None = None,
    own_level: int | None = None,
) -> FormRule:
    """The form's rule if it is valid for this person in the regime in force on the decision date.

    ``running_level``: the level of a sanction still in effect when the new
    violation was committed; ``own_level`` the level the new violation
    warrants on its own (if known). The form must then be exactly the one
    ``required_level`` names.
    """
    forms = list(forms)
    for rule in forms:
        if rule.form != form or rule.category != category:
            continue
        if rule.leaders_only and not is_leader:
            raise RuleError("decision_form", _("This form applies only to leaders and managers."))
        if rule.non_leaders_only and is_leader:
            raise RuleError("decision_form", _("This form does not apply to leaders and managers."))
        if running_level is not None:
            needed = required_level(
                forms,
                category=category,
                is_leader=is_leader,
                running_level=running_level,
                own_level=own_level,
            )
            if rule.level != needed:
                names = [f.form for f in forms if f.category == category and f.level == needed]
                raise RuleError(
                    "decision_form",
                    _(
                        "The violation was committed while an earlier sanction was in "
                        "effect: the form must be exactly one level above the running one "
                        "(or above the form the new violation warrants on its own, if "
                        "heavier): %(forms)s."
                    )
                    % {"forms": ", ".join(names) or str(needed)},
                )
        return rule
    raise RuleError(
        "decision_form",
        _(
            "This form does not exist for this staff category under regime %(regime)s, in "
            "force on the decision date."
        )
        % {"regime": regime_code},
    )


def effect_start(
    *,
    decision_date: dt.date,
    effective_on: dt.date | None = None,
    party_decision_on: dt.date | None = None,
    form: str = "",
    from_party_decision: bool = False,
) -> tuple[dt.date, str]:
    """The day a sanction's effects start counting.

    From the decision's effective date (the decision must state it: Decree
    112/2020 art. 37 cl. 3; Decree 234/2026 art. 18 cl. 3), the decision date
    when none is recorded; where the regime says so, from the Party decision
    on the same violation, except for buộc thôi việc (Decree 234/2026 art. 2
    cl. 9).
    """
    if from_party_decision and party_decision_on and form != "buoc_thoi_viec":
        return party_decision_on, _("the Party decision on the same violation, effective %(d)s") % {
            "d": fmt(party_decision_on)
        }
    if effective_on:
        return effective_on, _("the decision's effective date, %(d)s") % {"d": fmt(effective_on)}
    return decision_date, _("the decision on %(d)s") % {"d": fmt(decision_date)}


def effect_end(
    decision_date: dt.date, rule: FormRule, *, start: dt.date | None = None, why: str = ""
) -> Computed:
    """Last day of the sanction's effects (no promotion, nomination, appointment)."""
    if rule.effect_months <= 0:
        return Computed(None, _("This form has no effect period."))
    start = start or decision_date
    end = add_months(start, rule.effect_months)
    text = _("Effects run %(months)s months from %(why)s: until %(end)s.") % {
        "months": rule.effect_months,
        "why": why or _("the decision on %(d)s") % {"d": fmt(start)},
        "end": fmt(end),
    }
    if rule.salary_delay_months:
        text += " " + _("Salary step delayed by %(n)s months.") % {"n": rule.salary_delay_months}
    return Computed(end, text)


# --- Workflow ----------------------------------------------------------------------------


SKIP_SELF_REVIEW, SKIP_BOTH = "skip_self_review", "skip_both"


def allowed_targets(
    status: str, postponed_from: str = "", *, needs_council: bool = True, shortcut: str = ""
) -> tuple[str, ...]:
    """Statuses reachable from ``status`` in one legal step.

    ``needs_council``: whether the person's category goes through a
    disciplinary council under the regime (cadres do not: self-review, then
    the decision). ``shortcut``: what a recorded shortcut reason allows,
    ``skip_self_review`` (straight to the council, or to the decision where
    there is no council) or ``skip_both`` (straight to the decision), as the
    regime's texts list them (Decree 112/2020 art. 32 cl. 2-3 as amended by
    Decree 71/2023; Decree 234/2026 art. 13 cl. 2-3).
    """
    if status == OPENED:
        targets = [SELF_REVIEW]
        if shortcut == SKIP_SELF_REVIEW:
            targets.append(COUNCIL if needs_council else DECIDED)
        if shortcut == SKIP_BOTH:
            targets.append(DECIDED)
        return (*targets, *EXITS)
    if status == SELF_REVIEW:
        targets = [COUNCIL] if needs_council else [DECIDED]
        if needs_council and shortcut == SKIP_BOTH:
            targets.append(DECIDED)
        return (*targets, *EXITS)
    if status == COUNCIL:
        return (DECIDED, *EXITS)
    if status == POSTPONED:
        resume = postponed_from if postponed_from in ACTIVE_STEPS else OPENED
        return (resume, CLOSED_NO_ACTION)
    return ()


def step_label(code: str) -> str:
    """A workflow step in words, in the active language (the code itself if unknown)."""
    from inspections.casework.choices import CaseStatus

    return str(CaseStatus(code).label) if code in CaseStatus.values else str(code)


def check_transition(
    status: str,
    to: str,
    *,
    postponed_from: str = "",
    deferral_reason: str = "",
    exemption_reason: str = "",
    regime_deferrals: Iterable[str] = (),
    regime_exemptions: Iterable[str] | None = None,
    needs_council: bool = True,
    shortcut: str = "",
    note: str = "",
) -> None:
    """Raise ``RuleError`` unless ``status -> to`` is a legal step with what it needs."""
    if status in TERMINAL:
        raise RuleError("to", _("The case is closed: no further step is possible."))
    targets = allowed_targets(
        status, postponed_from, needs_council=needs_council, shortcut=shortcut
    )
    if to not in targets:
        raise RuleError(
            "to",
            _("A case in step '%(status)s' cannot move to '%(to)s'; allowed: %(allowed)s.")
            % {
                "status": step_label(status),
                "to": step_label(to),
                "allowed": ", ".join(step_label(t) for t in targets),
            },
        )
    if to == POSTPONED:
        if not deferral_reason:
            raise RuleError("deferral_reason", _("Give the reason for deferral."))
        if deferral_reason not in set(regime_deferrals):
            raise RuleError(
                "deferral_reason",
                _("This reason does not allow deferral under the regime of the case."),
            )
    if to == EXEMPT:
        if not exemption_reason:
            raise RuleError("exemption_reason", _("Give the reason for exemption."))
        if regime_exemptions is not None and exemption_reason not in set(regime_exemptions):
            raise RuleError(
                "exemption_reason",
                _("This reason does not exempt from discipline under the regime of the case."),
            )
    if to == CLOSED_NO_ACTION and not note.strip():
        raise RuleError("note", _("Explain why the case is closed without discipline."))
