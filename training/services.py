"""Training workflows: enrolment (one, or many by unit and category) and attendance.

Capacity is enforced under concurrency: each workflow locks the course row
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the whole database is
write-locked at ``BEGIN IMMEDIATE``), then counts the seats taken, so two
people enrolling at once can never both take the last place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from staff.models import Staff, Unit, in_subtree
from training import rules
from training.choices import EnrolmentStatus
from training.models import INELIGIBLE_MESSAGES, Course, Enrolment


def _locked_course(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


def _seats_taken(course: Course) -> int:
    return course.enrolments.holding_seats().count()


@transaction.atomic
def enrolment_create(
    *,
    course: Course,
    staff: Staff,
    status: str = EnrolmentStatus.REGISTERED,
    sanction_override: bool = False,
    override_reason: str = "",
    note: str = "",
    details: Mapping | None = None,
) -> Enrolment:
    """Enrol one staff member, refusing duplicates, a full course and ineligible people.

    A person under a disciplinary sanction on the course's first day is refused
    unless ``sanction_override`` is set with an ``override_reason``.
    ``details`` may carry ``result``, ``score``, ``completed_on``,
    ``certificate_number`` and ``certificate_issued_on`` (recording a past class).
    """
    course = _locked_course(course)
    if Enrolment.objects.filter(course=course, staff=staff).exists():
        raise ValidationError({"staff": _("This person is already enrolled in this course.")})
    if rules.holds_seat(status) and not rules.capacity_allows(
        course.capacity, _seats_taken(course)
    ):
        raise ValidationError(
            {
                "course": _("The course is full (%(capacity)d places).")
                % {"capacity": course.capacity}
            }
        )
    enrolment = Enrolment(
        course=course,
        staff=staff,
        unit_id=staff.unit_id,
        status=status,
        sanction_override=sanction_override,
        override_reason=override_reason,
        note=note,
    )
    for key in ("result", "score", "completed_on", "certificate_number", "certificate_issued_on"):
        if details and key in details:
            setattr(enrolment, key, details[key])
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_update(*, enrolment: Enrolment, data: Mapping) -> Enrolment:
    """Change an enrolment's outcome fields; taking a seat again (after a withdrawal) checks
    capacity."""
    course = _locked_course(enrolment.course)
    was_holding = rules.holds_seat(
        Enrolment.objects.filter(pk=enrolment.pk).values_list("status", flat=True).get()
    )
    for key, value in data.items():
        if key not in ("course", "staff", "unit"):
            setattr(enrolment, key, value)
    if (
        not was_holding
        and rules.holds_seat(enrolment.status)
        and not rules.capacity_allows(course.capacity, _seats_taken(course))
    ):
        raise ValidationError(
            {
                "status": _("The course is full (%(capacity)d places).")
                % {"capacity": course.capacity}
            }
        )
    enrolment.full_clean(validate_unique=False)
    enrolment.save()
    return enrolment


@dataclass
class BulkEnrolmentResult:
    """What a bulk enrolment did: who was enrolled, who was skipped and why."""

    created: list[Enrolment] = field(default_factory=list)
    already_enrolled: list[str] = field(default_factory=list)
    ineligible: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "created": len(self.created),
            "enrolled": sorted(e.staff.code for e in self.created),
            "already_enrolled": sorted(self.already_enrolled),
            "ineligible": {code: reasons for code, reasons in sorted(self.ineligible.items())},
        }


@transaction.atomic
def enrolment_bulk_create(
    *,
    course: Course,
    unit: Unit,
    include_subtree: bool = True,
    categories: Iterable[str] | None = None,
    staff_codes: Iterable[str] | None = None,
    sanction_override: bool = False,
    override_reason: str = "",
) -> BulkEnrolmentResult:
    """Enrol every active staff member of ``unit`` (and its subtree) in the chosen categories.

    People already enrolled are skipped, people who may not be nominated
    (left before the course, joined after it, under a sanction) are skipped
    with their reasons. All or nothing on capacity: when the selection does
    not fit in the places left, nothing is written and the error says how
    many places remain, because filling in an arbitrary order would be unfair.
    """
    if sanction_override and not override_reason.strip():
        raise ValidationError(
            {"override_reason": _("Give the reason for enrolling a person under a sanction.")}
        )
    course = _locked_course(course)
    people = (
        Staff.objects.filter(in_subtree(unit, "unit"))
        if include_subtree
        else Staff.objects.filter(unit=unit)
    )
    people = people.filter(status="active")
    categories = [c for c in (categories or []) if c]
    if categories:
        people = people.filter(category__in=categories)
    if staff_codes is not None:
        people = people.filter(code__in=list(staff_codes))
    people = list(
        people.order_by("unit__path", "name_key").only(
            "pk", "code", "unit_id", "joined_on", "left_on", "sanction_until"
        )
    )
    enrolled = set(course.enrolments.values_list("staff_id", flat=True))
    result = BulkEnrolmentResult()
    to_create: list[Enrolment] = []
    for person in people:
        if person.pk in enrolled:
            result.already_enrolled.append(person.code)
            continue
        problems = rules.nomination_problems(
            course_start=course.start_date,
            course_end=course.end_date,
            joined_on=person.joined_on,
            left_on=person.left_on,
            sanction_until=person.sanction_until,
            purpose=course.purpose,
        )
        if sanction_override:
            problems = [p for p in problems if p != rules.Ineligibility.SANCTIONED]
        if problems:
            result.ineligible[person.code] = [str(INELIGIBLE_MESSAGES[p]) for p in problems]
            continue
        overridden = (
            sanction_override
            and rules.Ineligibility.SANCTIONED
            in rules.nomination_problems(
                course_start=course.start_date,
                course_end=course.end_date,
                joined_on=None,
                left_on=None,
                sanction_until=person.sanction_until,
                purpose=course.purpose,
            )
        )
        to_create.append(
            Enrolment(
                course=course,
                staff=person,
                unit_id=person.unit_id,
                status=EnrolmentStatus.REGISTERED,
                sanction_override=overridden,
                override_reason=override_reason.strip() if overridden else "",
            )
        )
    left = rules.seats_left(course.capacity, _seats_taken(course))
    if left is not None and len(to_create) > left:
        raise ValidationError(
            {
                "course": _("%(wanted)d people were selected but only %(left)d places are left.")
                % {"wanted": len(to_create), "left": left}
            }
        )
    result.created = bulk_create_with_history(to_create, Enrolment, batch_size=500)
    return result


@transaction.atomic
def attendance_record(
    *,
    course: Course,
    records: Iterable[Mapping] = (),
    default_status: str | None = None,
    today: dt.date | None = None,
) -> list[Enrolment]:
    """Set the outcome of many enrolments of one course at once.

    ``records`` are mappings with ``staff`` (a staff code) and ``status``, and
    optionally ``score``, ``result``, ``certificate_number``,
    ``certificate_issued_on`` and ``completed_on`` (defaults to the course's
    end date for a completed enrolment). ``default_status`` is applied to
    every enrolment still ``registered`` that no record names (e.g. "all the
    others attended"). Every row is validated before any is written.
    """
    course = _locked_course(course)
    today = today or timezone.localdate()
    enrolments = {e.staff.code: e for e in course.enrolments.select_related("staff", "course")}
    records = list(records)
    unknown = sorted({str(r.get("staff")) for r in records} - set(enrolments))
    if unknown:
        raise ValidationError(
            {
                "records": _("Not enrolled in this course: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    valid_statuses = set(EnrolmentStatus.values)
    changed: dict[str, Enrolment] = {}
    named = set()
    for record in records:
        code = str(record["staff"])
        named.add(code)
        enrolment = enrolments[code]
        status = record.get("status")
        if status not in valid_statuses:
            raise ValidationError(
                {
                    "records": _("%(code)s: unknown status %(status)s.")
                    % {"code": code, "status": status}
                }
            )
        _apply(enrolment, status, record, course, today)
        changed[code] = enrolment
    if default_status:
        if default_status not in valid_statuses:
            raise ValidationError({"default_status": _("Unknown status.")})
        for code, enrolment in enrolments.items():
            if code not in named and enrolment.status == EnrolmentStatus.REGISTERED:
                _apply(enrolment, default_status, {}, course, today)
                changed[code] = enrolment
    if not rules.outcome_allowed(
        EnrolmentStatus.ATTENDED, course_start=course.start_date, today=today
    ) and any(e.status in rules.OUTCOME_STATUSES for e in changed.values()):
        raise ValidationError(
            {"records": _("Attendance can be recorded only once the course has begun.")}
        )
    if course.capacity is not None:
        holding = sum(1 for e in enrolments.values() if rules.holds_seat(e.status))
        if holding > course.capacity:
            raise ValidationError(
                {
                    "records": _("The course is full (%(capacity)d places).")
                    % {"capacity": course.capacity}
                }
            )
    errors = {}
    for code, enrolment in changed.items():
        try:
            enrolment.full_clean(
                exclude=["course", "staff", "unit"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors[code] = [
                f"{name}: {msg}" for name, msgs in exc.message_dict.items() for msg in msgs
            ]
    if errors:
        raise ValidationError(
            {"records": [f"{code}: {'; '.join(msgs)}" for code, msgs in sorted(errors.items())]}
        )
    now = timezone.now()
    for enrolment in changed.values():
        enrolment.updated_at = now
    bulk_update_with_history(
        list(changed.values()),
        Enrolment,
        [
            "status",
            "score",
            "result",
            "completed_on",
            "certificate_number",
            "certificate_issued_on",
            "updated_at",
        ],
        batch_size=500,
    )
    return list(changed.values())


def _apply(
    enrolment: Enrolment, status: str, record: Mapping, course: Course, today: dt.date
) -> None:
    enrolment.status = status
    for key in ("result", "certificate_number"):
        if key in record:
            setattr(enrolment, key, record[key] or "")
    if "score" in record:
        enrolment.score = None if record["score"] in (None, "") else Decimal(str(record["score"]))
    for key in ("completed_on", "certificate_issued_on"):
        if key in record:
            value = record[key]
            setattr(
                enrolment,
                key,
                dt.date.fromisoformat(value)
                if isinstance(value, str) and value
                else (value or None),
            )
    if status == EnrolmentStatus.COMPLETED and not enrolment.completed_on:
        enrolment.completed_on = min(course.end_date, today)
    if status != EnrolmentStatus.COMPLETED:
        enrolment.completed_on = None
