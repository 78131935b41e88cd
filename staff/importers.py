"""Roster import (docs/contract.md, "Commands"): one staff member per row, matched on ``code``.

Columns (Vietnamese or English headers, any order): Mã cán bộ/code,
Họ và tên/full_name, Đơn vị/unit (code or exact name), Loại/category,
Chức vụ/position, Ngày sinh/date_of_birth, Giới tính/gender. The first four
are required. An empty optional cell leaves the stored value as it is, so a
sheet that lacks a date of birth never erases one; a staff member absent from
the file is left untouched (a roster is not a list of who left).

Cost: the units are read once; each batch of rows costs one query for the
existing staff of that batch, one bulk INSERT and one bulk UPDATE. Memory
holds the units, one batch, and the set of codes already seen in the file
(to refuse duplicates), never the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.imports import Column, Importer, ImportReport, Row, RowError, value_key
from core.text import nfc, search_key
from staff.choices import Gender, StaffCategory
from staff.models import Staff, Unit

CATEGORY_VALUES: dict[str, str] = {
    **{value_key(choice.value): choice.value for choice in StaffCategory},
    **{value_key(choice.label): choice.value for choice in StaffCategory},
    value_key("Cán bộ"): StaffCategory.CADRE,
    value_key("Công chức"): StaffCategory.CIVIL_SERVANT,
    value_key("Viên chức"): StaffCategory.PUBLIC_EMPLOYEE,
    value_key("Hợp đồng"): StaffCategory.CONTRACT,
    value_key("Hợp đồng lao động"): StaffCategory.CONTRACT,
    value_key("Lao động hợp đồng"): StaffCategory.CONTRACT,
    value_key("contract"): StaffCategory.CONTRACT,
}
GENDER_VALUES: dict[str, str] = {
    value_key("Nam"): Gender.MALE,
    value_key("Nữ"): Gender.FEMALE,
    value_key("male"): Gender.MALE,
    value_key("female"): Gender.FEMALE,
}

COLUMNS = (
    Column(
        "code",
        _("Staff code"),
        ("Mã cán bộ", "Mã CBCCVC", "Mã số", "Mã", "staff code", "staff_code"),
        required=True,
    ),
    Column(
        "full_name", _("Full name"), ("Họ và tên", "Họ tên", "name", "full name"), required=True
    ),
    Column(
        "unit", _("Unit"), ("Đơn vị", "Đơn vị công tác", "unit code", "unit name"), required=True
    ),
    Column(
        "category",
        _("Category"),
        ("Loại", "Loại cán bộ", "Phân loại", "staff category"),
        required=True,
    ),
    Column("position", _("Position"), ("Chức vụ", "Chức danh")),
    Column(
        "date_of_birth",
        _("Date of birth"),
        ("Ngày sinh", "Ngày tháng năm sinh", "date of birth", "birth date"),
    ),
    Column("gender", _("Gender"), ("Giới tính", "sex")),
)
COLUMN_KEYS = {column.key for column in COLUMNS}
OPTIONAL_FIELDS = ("position", "date_of_birth", "gender")


@dataclass(slots=True)
class StagedStaff:
    """A row that passed every check that needs no query."""

    row: int
    code: str
    values: dict[str, Any]


class UnitLookup:
    """Every unit the importer may use, read once: by code, then by exact name.

    Names are compared NFC-normalised and case-insensitively; a name shared
    by two units (a merged commune keeps its old name for a while) is refused
    as ambiguous, with the codes to use instead.
    """

    def __init__(self, units: QuerySet[Unit]):
        self.by_code: dict[str, int] = {}
        by_code_folded: dict[str, list[int]] = {}
        by_name: dict[str, list[tuple[int, str]]] = {}
        for pk, code, name in units.values_list("pk", "code", "name"):
            self.by_code[code] = pk
            by_code_folded.setdefault(code.casefold(), []).append(pk)
            by_name.setdefault(nfc(name).casefold(), []).append((pk, code))
        self.by_code_folded = {
            code: pks[0] for code, pks in by_code_folded.items() if len(pks) == 1
        }
        self.by_name = by_name
        self.pks = set(self.by_code.values())

    def find(self, row: Row, key: str) -> int | None:
        raw = row.text(key, required=True)
        if not raw:
            return None
        pk = self.by_code.get(raw) or self.by_code_folded.get(raw.casefold())
        if pk is not None:
            return pk
        named = self.by_name.get(raw.casefold(), [])
        if len(named) == 1:
            return named[0][0]
        if named:
            row.error(
                key,
                format_lazy(
                    _('Several units are named "{name}" ({codes}): give the unit code.'),
                    name=raw,
                    codes=", ".join(code for _pk, code in named),
                ),
            )
        else:
            row.error(key, format_lazy(_('No unit has the code or name "{value}".'), value=raw))
        return None


class StaffImporter(Importer):
    """Create or update staff from a roster sheet; ``units`` limits which units may be named."""

    kind = "staff"
    columns = COLUMNS
    batch_size = 1000

    def __init__(self, *, units: QuerySet[Unit] | None = None, restrict_to_units: bool = False):
        self.units = UnitLookup(units if units is not None else Unit.objects.all())
        # A scoped importer may not take over staff of units outside its scope.
        self.restrict_to_units = restrict_to_units
        self.seen: dict[str, int] = {}
        self.present: set[str] = set()

    def begin(self, headers: dict[str, str]) -> None:
        self.present = set(headers)

    def parse(self, row: Row) -> StagedStaff | None:
        code = row.text("code", required=True)
        full_name = row.text("full_name", required=True)
        unit_id = self.units.find(row, "unit")
        category = row.choice("category", CATEGORY_VALUES, required=True)
        values: dict[str, Any] = {"full_name": full_name, "unit_id": unit_id, "category": category}
        if row.has("position"):
            values["position"] = row.text("position")
        if row.has("date_of_birth"):
            values["date_of_birth"] = row.date("date_of_birth")
        if row.has("gender"):
            values["gender"] = row.choice("gender", GENDER_VALUES)
        if code:
            first = self.seen.get(code)
            if first is not None:
                row.error(
                    "code",
                    format_lazy(
                        _("The code {code} already appears on row {row}."), code=code, row=first
                    ),
                )
            else:
                self.seen[code] = row.number
        if row.errors:
            return None
        # The model's own rules (code format, lengths, choices, plausible
        # birth date) without its uniqueness and foreign-key checks, which
        # would cost a query per row and are settled per batch instead.
        probe = Staff(code=code, **{k: v for k, v in values.items() if v not in (None, "")})
        for check in (lambda: probe.clean_fields(exclude={"unit", "name_key"}), probe.clean):
            try:
                check()
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    key = field_name if field_name in COLUMN_KEYS else "code"
                    for message in messages:
                        row.error(key, message)
        if row.errors:
            return None
        return StagedStaff(row=row.number, code=code, values=values)

    def resolve(
        self, items: list[StagedStaff], report: ImportReport
    ) -> tuple[list[Staff], list[Staff], set[str]]:
        # Whole rows: a changed row's history record holds every field (core.history),
        # and a deferred field would be read back one query per row.
        existing = {
            staff.code: staff
            for staff in Staff.objects.filter(code__in=[item.code for item in items])
        }
        creates: list[Staff] = []
        updates: list[Staff] = []
        changed_fields: set[str] = set()
        now = timezone.now()
        for item in items:
            staff = existing.get(item.code)
            if staff is None:
                values = {k: v for k, v in item.values.items() if v is not None}
                full_name = nfc(values.pop("full_name"))
                creates.append(
                    Staff(
                        code=item.code,
                        full_name=full_name,
                        name_key=search_key(full_name),
                        **values,
                    )
                )
                report.created += 1
                continue
            if self.restrict_to_units and staff.unit_id not in self.units.pks:
                report.add_error(
                    RowError(
                        format_lazy(
                            _("The staff member {code} belongs to a unit outside your scope."),
                            code=item.code,
                        ),
                        report.sheet,
                        item.row,
                        "",
                    )
                )
                continue
            changed = False
            for name, value in item.values.items():
                # An empty optional cell keeps what is stored.
                if name in OPTIONAL_FIELDS and value in (None, ""):
                    continue
                if getattr(staff, name) != value:
                    setattr(staff, name, value)
                    changed_fields.add(name)
                    changed = True
            if changed:
                staff.name_key = search_key(staff.full_name)
                staff.updated_at = now
                updates.append(staff)
                report.updated += 1
            else:
                report.unchanged += 1
        return creates, updates, changed_fields

    def write(self, pending: tuple[list[Staff], list[Staff], set[str]]) -> None:
        creates, updates, changed_fields = pending
        if creates:
            bulk_create_with_history(creates, Staff, batch_size=self.batch_size)
        if updates:
            fields = sorted(changed_fields | {"name_key", "updated_at"})
            bulk_update_with_history(updates, Staff, fields, batch_size=self.batch_size)
