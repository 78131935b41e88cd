"""Attendance import: a course's attendance sheet, one enrolment per row, all-or-nothing.

Columns (Vietnamese or English headers, any order): Mã lớp/course (course
code), Mã cán bộ/staff (staff code) or else Họ và tên/full_name together with
Đơn vị/unit, Kết quả/status, Điểm/score, Số chứng chỉ/certificate_number.
The course is the ``course`` given to the importer (the admin's course page)
when the sheet has no course column.

A row matches the enrolment of that person in that course. A person on the
sheet who was never enrolled is enrolled by the import, under the same rules
as enrolling by hand (eligibility on the course's dates, capacity, attendance
only once the course has begun). Re-importing the same sheet changes nothing.
An empty score or certificate cell keeps what is stored.

Cost: units are read once; each batch of rows costs one query for its
courses (locked, so capacity holds under concurrency), one for the seats they
hold, one or two for its staff, one for existing enrolments, then one bulk
INSERT and one bulk UPDATE.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.imports import Column, Importer, ImportReport, Row, RowError, value_key
from core.text import nfc, search_key
from core.validation import lazy_messages_by_field
from staff.importers import UnitLookup
from staff.models import Staff, Unit
from training import rules
from training.choices import EnrolmentStatus
from training.models import SEAT_Q, Course, Enrolment

STATUS_VALUES: dict[str, str] = {
    **{value_key(choice.value): choice.value for choice in EnrolmentStatus},
    **{value_key(choice.label): choice.value for choice in EnrolmentStatus},
    **{value_key(word): EnrolmentStatus.REGISTERED for word in ("Đăng ký", "Đã đăng ký")},
    **{
        value_key(word): EnrolmentStatus.ATTENDED
        for word in ("Tham dự", "Đã tham dự", "Có mặt", "Tham gia", "Dự học")
    },
    **{
        value_key(word): EnrolmentStatus.COMPLETED
        for word in ("Hoàn thành", "Đã hoàn thành", "Đạt")
    },
    **{
        value_key(word): EnrolmentStatus.FAILED
        for word in ("Không đạt", "Không hoàn thành", "Chưa đạt")
    },
    **{
        value_key(word): EnrolmentStatus.WITHDRAWN
        for word in ("Rút", "Rút tên", "Xin rút", "Thôi học")
    },
    **{
        value_key(word): EnrolmentStatus.NO_SHOW
        for word in ("Vắng", "Vắng mặt", "Không tham dự", "no show")
    },
}

COLUMNS = (
    Column("course", _("Course code"), ("Mã lớp", "Mã khóa học", "Mã khoá học", "course code")),
    Column("staff", _("Staff code"), ("Mã cán bộ", "Mã CBCCVC", "Mã số", "staff code", "code")),
    Column("full_name", _("Full name"), ("Họ và tên", "Họ tên", "full name", "name")),
    Column("unit", _("Unit"), ("Đơn vị", "Đơn vị công tác", "unit code")),
    Column("status", _("Status"), ("Kết quả", "Trạng thái", "Tình trạng", "result"), required=True),
    Column("score", _("Score"), ("Điểm", "Điểm số", "Điểm thi")),
    Column(
        "certificate_number",
        _("Certificate number"),
        ("Số chứng chỉ", "Số giấy chứng nhận", "Số GCN", "certificate", "certificate no"),
    ),
)
_FIELD_TO_COLUMN = {
    "status": "status",
    "score": "score",
    "certificate_number": "certificate_number",
    "staff": "staff",
    "course": "course",
}


@dataclass(slots=True)
class StagedAttendance:
    row: int
    course_code: str
    staff_code: str
    full_name: str
    unit_id: int | None
    status: str
    score: Decimal | None
    certificate_number: str


class AttendanceImporter(Importer):
    """Record attendance from a sheet; ``course`` fills in a missing course column."""

    kind = "attendance"
    columns = COLUMNS
    batch_size = 1000

    def __init__(
        self,
        *,
        course: Course | None = None,
        units: QuerySet[Unit] | None = None,
        courses: QuerySet[Course] | None = None,
    ):
        self.course = course
        self.units = UnitLookup(units if units is not None else Unit.objects.all())
        self.courses = courses if courses is not None else Course.objects.all()
        # The same clock as Enrolment.clean, which decides whether attendance may be recorded yet.
        self.today = timezone.localdate()
        self.seen_codes: dict[tuple[str, str], int] = {}
        self.seen_pairs: dict[tuple[int, int], int] = {}
        self.seats: dict[int, int] = {}
        self.headers: dict[str, str] = {}

    def begin(self, headers: dict[str, str]) -> None:
        from core.imports import ImportFileError

        self.headers = headers
        if "course" not in headers and self.course is None:
            raise ImportFileError(_("The sheet has no course code column (Mã lớp / course)."))
        if "staff" not in headers and not {"full_name", "unit"} <= set(headers):
            raise ImportFileError(
                _(
                    "The sheet needs a staff code column (Mã cán bộ / staff), or the full "
                    "name and unit columns."
                )
            )

    def _column(self, key: str) -> str:
        return self.headers.get(key, "")

    def parse(self, row: Row) -> StagedAttendance | None:
        course_code = row.text("course") if row.has("course") else ""
        if not course_code:
            if self.course is None:
                row.error("course", _("This cell is required."))
            else:
                course_code = self.course.code
        staff_code = row.text("staff", max_length=40) if row.has("staff") else ""
        full_name = unit_id = None
        if not staff_code:
            if not (row.has("full_name") and row.has("unit")):
                row.error("staff", _("This cell is required."))
            else:
                full_name = row.text("full_name", required=True, max_length=150)
                unit_id = self.units.find(row, "unit")
        status = row.choice("status", STATUS_VALUES, required=True)
        score = row.decimal("score") if row.has("score") else None
        if score is not None and score < 0:
            # Checked here too so that a row with a bad status also reports its score.
            row.error("score", _("The score cannot be negative."))
        certificate = (
            row.text("certificate_number", max_length=60) if row.has("certificate_number") else ""
        )
        if staff_code and course_code:
            key = (course_code, staff_code)
            if key in self.seen_codes:
                row.error(
                    "staff",
                    format_lazy(
                        _("{code} already appears on row {row} for this course."),
                        code=staff_code,
                        row=self.seen_codes[key],
                    ),
                )
            else:
                self.seen_codes[key] = row.number
        if row.errors:
            return None
        return StagedAttendance(
            row.number,
            course_code,
            staff_code,
            nfc(full_name or ""),
            unit_id,
            status,
            score,
            certificate,
        )

    def _error(self, report: ImportReport, item: StagedAttendance, key: str, message) -> None:
        column = self._column(key)
        report.add_error(RowError(message, report.sheet, item.row, column))

    def resolve(self, items: list[StagedAttendance], report: ImportReport):
        courses = {
            course.code: course
            for course in self.courses.select_for_update().filter(
                code__in={item.course_code for item in items}
            )
        }
        new_courses = [course.pk for course in courses.values() if course.pk not in self.seats]
        if new_courses:
            taken = dict(
                Enrolment.objects.filter(SEAT_Q, course_id__in=new_courses)
                .order_by()
                .values_list("course_id")
                .annotate(n=Count("pk"))
            )
            for pk in new_courses:
                self.seats[pk] = taken.get(pk, 0)
        by_code, by_name = self._staff(items)
        existing = {}
        staff_pks = {s.pk for s in by_code.values()} | {
            s.pk for group in by_name.values() for s in group
        }
        if staff_pks and courses:
            existing = {
                (e.course_id, e.staff_id): e
                for e in Enrolment.objects.filter(
                    course_id__in=[c.pk for c in courses.values()], staff_id__in=staff_pks
                )
            }
        creates: list[Enrolment] = []
        updates: list[Enrolment] = []
        for item in items:
            course = courses.get(item.course_code)
            if course is None:
                self._error(
                    report,
                    item,
                    "course",
                    format_lazy(_("No course has the code {code}."), code=item.course_code),
                )
                continue
            staff = self._match(item, by_code, by_name, report)
            if staff is None:
                continue
            pair = (course.pk, staff.pk)
            if pair in self.seen_pairs:
                self._error(
                    report,
                    item,
                    "staff",
                    format_lazy(
                        _("This person already appears on row {row} for this course."),
                        row=self.seen_pairs[pair],
                    ),
                )
                continue
            self.seen_pairs[pair] = item.row
            enrolment = existing.get(pair)
            adding = enrolment is None
            if adding:
                enrolment = Enrolment(course=course, staff=staff, unit_id=staff.unit_id)
            before = (
                enrolment.status,
                enrolment.score,
                enrolment.certificate_number,
                enrolment.completed_on,
            )
            held_seat = not adding and rules.holds_seat(enrolment.status)
            self._apply(enrolment, item, course)
            enrolment.course, enrolment.staff = course, staff
            if not self._valid(enrolment, item, report):
                continue
            if rules.holds_seat(enrolment.status) and not held_seat:
                if not rules.capacity_allows(course.capacity, self.seats[course.pk]):
                    self._error(
                        report,
                        item,
                        "course",
                        format_lazy(
                            _("The course is full ({capacity} places)."),
                            capacity=course.capacity,
                        ),
                    )
                    continue
                self.seats[course.pk] += 1
            elif held_seat and not rules.holds_seat(enrolment.status):
                self.seats[course.pk] -= 1
            if adding:
                creates.append(enrolment)
                report.created += 1
            elif before != (
                enrolment.status,
                enrolment.score,
                enrolment.certificate_number,
                enrolment.completed_on,
            ):
                enrolment.updated_at = timezone.now()
                updates.append(enrolment)
                report.updated += 1
            else:
                report.unchanged += 1
        return creates, updates

    def _staff(self, items: list[StagedAttendance]):
        codes = {item.staff_code for item in items if item.staff_code}
        named = [item for item in items if not item.staff_code]
        fields = ("pk", "code", "full_name", "unit_id", "joined_on", "left_on", "sanction_until")
        by_code = (
            {s.code: s for s in Staff.objects.filter(code__in=codes).only(*fields)} if codes else {}
        )
        by_name: dict[tuple[str, int], list[Staff]] = {}
        if named:
            candidates = Staff.objects.filter(
                name_key__in={search_key(item.full_name) for item in named},
                unit_id__in={item.unit_id for item in named},
            ).only(*fields)
            for staff in candidates:
                by_name.setdefault((nfc(staff.full_name).casefold(), staff.unit_id), []).append(
                    staff
                )
        return by_code, by_name

    def _match(
        self, item: StagedAttendance, by_code, by_name, report: ImportReport
    ) -> Staff | None:
        if item.staff_code:
            staff = by_code.get(item.staff_code)
            if staff is None:
                self._error(
                    report,
                    item,
                    "staff",
                    format_lazy(_("No staff member has the code {code}."), code=item.staff_code),
                )
            elif staff.unit_id not in self.units.pks:
                self._error(
                    report,
                    item,
                    "staff",
                    format_lazy(
                        _("The staff member {code} belongs to a unit outside your scope."),
                        code=item.staff_code,
                    ),
                )
                return None
            return staff
        matches = by_name.get((item.full_name.casefold(), item.unit_id), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            message = format_lazy(
                _("Several staff members of this unit are named {name}: give the staff code."),
                name=item.full_name,
            )
        else:
            message = format_lazy(
                _("No staff member named {name} works in this unit."), name=item.full_name
            )
        self._error(report, item, "full_name", message)
        return None

    def _apply(self, enrolment: Enrolment, item: StagedAttendance, course: Course) -> None:
        # The same outcome rules as training.services.attendance_record.
        enrolment.status = item.status
        if item.score is not None:
            enrolment.score = item.score
        if item.certificate_number:
            enrolment.certificate_number = item.certificate_number
        if item.status == EnrolmentStatus.COMPLETED and not enrolment.completed_on:
            enrolment.completed_on = min(course.end_date, self.today)
        if item.status != EnrolmentStatus.COMPLETED:
            enrolment.completed_on = None

    def _valid(self, enrolment: Enrolment, item: StagedAttendance, report: ImportReport) -> bool:
        errors: dict[str, list] = {}
        for check in (
            lambda: enrolment.clean_fields(exclude={"course", "staff", "unit"}),
            enrolment.clean,
        ):
            try:
                check()
            except ValidationError as exc:
                for name, messages in lazy_messages_by_field(exc).items():
                    errors.setdefault(name, []).extend(messages)
        for name, messages in errors.items():
            key = _FIELD_TO_COLUMN.get(name, "status")
            if key == "staff" and not self._column("staff"):
                key = "full_name"
            for message in messages:
                self._error(report, item, key, message)
        return not errors

    def write(self, pending) -> None:
        creates, updates = pending
        if creates:
            bulk_create_with_history(creates, Enrolment, batch_size=self.batch_size)
        if updates:
            bulk_update_with_history(
                updates,
                Enrolment,
                ["status", "score", "certificate_number", "completed_on", "updated_at"],
                batch_size=self.batch_size,
            )
