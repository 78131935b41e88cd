"""Imports of administrative reform on the shared engine (``core.imports``): all-or-nothing, row and
column in every error.

- ``DossierImporter``: the electronic one-stop system's export, one dossier per
  row, matched on the dossier code (a second import of the same file changes
  nothing). Due dates left empty are computed from the procedure's working
  days on the holiday calendar. New dossiers are written with the bulk path
  of ``reform.demo.insert_dossier_rows`` (COPY on PostgreSQL), changed ones
  with ``bulk_update``.
- ``ParResultImporter``: the province's published PAR index table, one row per
  unit and year (its total), and optionally rows naming a criterion
  (``Mã tiêu chí``) with that criterion's score for the same unit and year.
- ``ProcedureImporter``: the national or provincial procedure list, matched on code.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.imports import (
    CellError,
    Column,
    Importer,
    ImportFileError,
    ImportReport,
    Row,
    RowError,
    date_cell,
    value_key,
)
from core.text import nfc, search_key
from core.workdays import load_calendar
from reform import rules
from reform.choices import Channel, DossierResult, ProcedureLevel
from reform.models import DOSSIER_MESSAGES, Dossier, ParCriterionScore, ParResult, Procedure
from staff.importers import UnitLookup
from staff.models import Unit

_TIME_TAIL = re.compile(r"^(\S+)\s+\d{1,2}:\d{2}(:\d{2})?$")


def _date_or_datetime(value: Any) -> dt.date | None:
    """``date_cell`` that also takes "dd/mm/yyyy hh:mm" text, as one-stop systems export it."""
    if isinstance(value, str):
        match = _TIME_TAIL.match(value.strip())
        if match:
            value = match.group(1)
    return date_cell(value)


def _choices(enum, extra: dict[str, list[str]]) -> dict[str, str]:
    mapping = {value_key(c.value): c.value for c in enum}
    mapping.update({value_key(c.label): c.value for c in enum})
    for code, words in extra.items():
        mapping.update({value_key(word): code for word in words})
    return mapping


CHANNELS = _choices(
    Channel,
    {
        Channel.COUNTER: ["Trực tiếp", "Tại bộ phận một cửa", "Một cửa", "counter"],
        Channel.ONLINE: ["Trực tuyến", "Qua mạng", "Dịch vụ công trực tuyến", "DVCTT", "online"],
        Channel.POSTAL: ["Bưu chính", "Bưu chính công ích", "BCCI", "Qua bưu điện", "postal"],
        Channel.INTER_LEVEL: ["Liên thông", "inter level"],
    },
)
RESULTS = _choices(
    DossierResult,
    {
        DossierResult.GRANTED: ["Đã giải quyết", "Giải quyết", "Cấp", "Chấp thuận", "Đồng ý"],
        DossierResult.REFUSED: ["Từ chối", "Không giải quyết", "Trả lại"],
        DossierResult.WITHDRAWN: ["Rút hồ sơ", "Công dân rút", "Rút"],
    },
)
YES_NO = {
    **{value_key(w): "1" for w in ("Có", "x", "1", "yes", "true", "đúng")},
    **{value_key(w): "0" for w in ("Không", "0", "no", "false", "sai")},
}
LEVELS = _choices(
    ProcedureLevel,
    {
        ProcedureLevel.PROVINCE: ["Cấp tỉnh", "Tỉnh"],
        ProcedureLevel.DISTRICT: ["Cấp huyện", "Huyện"],
        ProcedureLevel.COMMUNE: ["Cấp xã", "Xã"],
    },
)

DOSSIER_COLUMNS = (
    Column(
        "code",
        _("Dossier code"),
        ("Mã hồ sơ", "Số hồ sơ", "Mã số hồ sơ", "dossier code"),
        required=True,
    ),
    Column(
        "procedure", _("Procedure code"), ("Mã thủ tục", "Mã TTHC", "procedure code"), required=True
    ),
    Column(
        "unit", _("Unit"), ("Đơn vị", "Đơn vị tiếp nhận", "Mã đơn vị", "unit code"), required=True
    ),
    Column(
        "channel", _("Channel"), ("Kênh", "Kênh tiếp nhận", "Hình thức nộp", "Hình thức tiếp nhận")
    ),
    Column(
        "received_on", _("Received on"), ("Ngày tiếp nhận", "Ngày nhận", "received"), required=True
    ),
    Column("due_on", _("Due on"), ("Ngày hẹn trả", "Hạn giải quyết", "Ngày hẹn", "due")),
    Column(
        "resolved_on",
        _("Resolved on"),
        ("Ngày giải quyết", "Ngày hoàn thành", "Ngày có kết quả", "resolved"),
    ),
    Column("result", _("Result"), ("Kết quả", "Kết quả giải quyết")),
    Column("returned_on", _("Returned on"), ("Ngày trả kết quả", "Ngày trả", "returned")),
    Column(
        "late_in_system_only",
        _("Late only in the electronic system"),
        ("Chỉ chậm trên hệ thống", "Chậm trên hệ thống", "late in system only"),
    ),
    Column("late_reason", _("Reason"), ("Lý do", "Lý do chậm", "reason")),
    Column(
        "apology_issued_on",
        _("Apology issued on"),
        ("Ngày xin lỗi", "Ngày gửi phiếu xin lỗi", "apology"),
    ),
    Column("apology_new_due_on", _("New date promised"), ("Ngày hẹn lại", "new due")),
)
_DOSSIER_FIELDS = (
    "channel",
    "received_on",
    "due_on",
    "resolved_on",
    "result",
    "returned_on",
    "late_in_system_only",
    "late_reason",
    "apology_issued_on",
    "apology_new_due_on",
)
_DOSSIER_INSERT = [
    "code",
    "procedure",
    "unit",
    "level",
    "channel",
    "electronic",
    "received_on",
    "due_on",
    "resolved_on",
    "outcome",
    "result",
    "returned_on",
    "late_in_system_only",
    "late_reason",
    "apology_issued_on",
    "apology_new_due_on",
]


_DATE_KEYS = (
    "received_on",
    "due_on",
    "resolved_on",
    "returned_on",
    "apology_issued_on",
    "apology_new_due_on",
)
_MEMO_SIZE = 100_000
# SQLite's page cache for the import's inserts: reached within the first
# hundred thousand rows, then flat (the seeder uses 256 MB).
IMPORT_SQLITE_CACHE_MB = 64


@dataclass(slots=True)
class StagedDossier:
    row: int
    code: str
    procedure_id: int
    days: int
    unit_id: int
    values: dict[str, Any]


class DossierImporter(Importer):
    """Dossiers from the electronic one-stop system's export (see the module docstring)."""

    kind = "dossiers"
    columns = DOSSIER_COLUMNS
    batch_size = 5000
    # A province's year of one-stop dossiers runs to millions; rows are streamed and written in
    # batches.
    max_rows = 2_000_000

    def __init__(self, *, units=None):
        self.units = UnitLookup(units if units is not None else Unit.objects.all())
        self.unit_levels = dict(
            Unit.objects.filter(pk__in=self.units.pks).values_list("pk", "level")
        )
        self.procedures = {
            code: (pk, days, obj)
            for obj in Procedure.objects.all()
            for code, pk, days in [(obj.code, obj.pk, obj.resolution_days)]
        }
        self.due = rules.DueDates(load_calendar())
        self.today = timezone.localdate()
        self.headers: dict[str, str] = {}
        # Codes read since the last check, with their row numbers; the codes of
        # the rows before are in a temporary table (``_check_codes``).
        self.codes: dict[str, int] = {}
        self.codes_table = ""

    def begin(self, headers: dict[str, str]) -> None:
        self.headers = headers
        self.present = set(headers)
        self.date_keys = [key for key in _DATE_KEYS if key in headers]
        # Raw cell -> parsed value for the cells that repeat across rows (dates,
        # units, channels): a dictionary look-up instead of the parsers, bounded
        # in size. Only successful parses are kept; a bad cell always goes
        # through the parser, which records the error with its row and column.
        self.memo: dict[tuple[str, Any], Any] = {}

    def _cached(self, row: Row, key: str, parse):
        raw = row.raw(key)
        if raw is None:
            return parse()
        hit = self.memo.get((key, raw))
        if hit is not None:
            return hit
        errors = len(row.errors)
        value = parse()
        if value is not None and len(row.errors) == errors:
            if len(self.memo) >= _MEMO_SIZE:
                self.memo.clear()
            self.memo[(key, raw)] = value
        return value

    def _text(self, row: Row, key: str, *, max_length: int | None = None) -> str:
        """``row.text(key, required=True)``, with a shortcut for plain ASCII text (codes)."""
        raw = row.raw(key)
        if raw.__class__ is str and raw.isascii():
            # For ASCII, NFC is the identity and this is ``nfc``'s white-space rule.
            value = " ".join(raw.split())
            if value and (max_length is None or len(value) <= max_length):
                return value
        return row.text(key, required=True, max_length=max_length)

    # --- duplicate codes across the whole file, in constant memory ---------------------
    #
    # A 2-million-row export cannot keep every code in a Python dict (about 150
    # bytes a code). The codes of each batch are checked against, then added
    # to, a temporary table of (code, row) inside the import's transaction: one
    # SELECT and one bulk INSERT per batch of rows, whatever the file's size.

    def _codes_table(self) -> str:
        if not self.codes_table:
            name = f"reform_import_codes_{uuid.uuid4().hex[:12]}"
            tail = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {name} (code VARCHAR(60) PRIMARY KEY, "
                    f"row_number INTEGER NOT NULL){tail}"
                )
            self.codes_table = name
        return self.codes_table

    def _check_codes(self) -> None:
        """Report the codes of the buffer seen on an earlier row, then remember them."""
        if not self.codes:
            return
        table = self._codes_table()
        codes = list(self.codes.items())
        self.codes = {}
        with connection.cursor() as cursor:
            earlier: dict[str, int] = {}
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT code, row_number FROM {table} WHERE code = ANY(%s)",  # noqa: S608
                    [[code for code, _row in codes]],
                )
                earlier.update(cursor.fetchall())
                codes_left = []
            else:
                codes_left = codes
            for start in range(0, len(codes_left), 900):
                part = [code for code, _row in codes_left[start : start + 900]]
                cursor.execute(
                    f"SELECT code, row_number FROM {table} WHERE code IN "  # noqa: S608
                    f"({', '.join(['%s'] * len(part))})",
                    part,
                )
                earlier.update(cursor.fetchall())
            fresh = [(code, row) for code, row in codes if code not in earlier]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} (code, row_number) FROM STDIN") as copy:
                    for item in fresh:
                        copy.write_row(item)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} (code, row_number) VALUES (%s, %s)",  # noqa: S608
                    fresh,
                )
        for code, row in codes:
            if code in earlier:
                self._duplicate(code, row, earlier[code])

    def _duplicate(self, code: str, row: int, first: int) -> None:
        self.report.add_error(
            RowError(
                format_lazy(_("{code} already appears on row {row}."), code=code, row=first),
                self.report.sheet,
                row,
                self.headers.get("code", ""),
            )
        )

    def finish(self) -> None:
        self._check_codes()
        if self.codes_table:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {self.codes_table}")
            self.codes_table = ""

    def parse(self, row: Row) -> StagedDossier | None:
        present = self.present
        code = self._text(row, "code", max_length=60)
        procedure_code = self._text(row, "procedure")
        unit_id = self._cached(row, "unit", lambda: self.units.find(row, "unit"))
        procedure = self.procedures.get(procedure_code) if procedure_code else None
        if procedure_code and procedure is None:
            row.error(
                "procedure",
                format_lazy(_("No procedure has the code {code}."), code=procedure_code),
            )
        values: dict[str, Any] = dict.fromkeys(_DATE_KEYS)
        values["channel"] = (
            self._cached(row, "channel", lambda: row.choice("channel", CHANNELS))
            if "channel" in present
            else None
        ) or Channel.COUNTER
        for key in self.date_keys:
            values[key] = self._cached(row, key, lambda k=key: row._parse(k, _date_or_datetime))
        if values["received_on"] is None and not any(
            e.column == self.headers.get("received_on") for e in row.errors
        ):
            row.error("received_on", _("This cell is required."))
        values["result"] = (row.choice("result", RESULTS) if "result" in present else None) or ""
        flag = (
            row.choice("late_in_system_only", YES_NO) if "late_in_system_only" in present else None
        )
        values["late_in_system_only"] = flag == "1"
        values["late_reason"] = (
            row.text("late_reason", max_length=255) if "late_reason" in present else ""
        )
        if code:
            if code in self.codes:
                row.error(
                    "code",
                    format_lazy(
                        _("{code} already appears on row {row}."), code=code, row=self.codes[code]
                    ),
                )
            else:
                self.codes[code] = row.number
                if len(self.codes) >= self.batch_size:
                    self._check_codes()
        if row.errors or procedure is None or unit_id is None:
            return None
        if values["due_on"] is None:
            values["due_on"] = self.due(values["received_on"], procedure[1])
        values["late_reason"] = nfc(values["late_reason"])
        problems = rules.dossier_problems(
            received_on=values["received_on"],
            due_on=values["due_on"],
            resolved_on=values["resolved_on"],
            returned_on=values["returned_on"],
            result=values["result"],
            late_in_system_only=values["late_in_system_only"],
            late_reason=values["late_reason"],
            apology_issued_on=values["apology_issued_on"],
            apology_new_due_on=values["apology_new_due_on"],
            today=self.today,
        )
        if problems:
            for name, problem in problems:
                row.error(
                    name if name in self.headers else "received_on", DOSSIER_MESSAGES[problem]
                )
            return None
        values["outcome"] = rules.outcome(values["due_on"], values["resolved_on"])
        return StagedDossier(row.number, code, procedure[0], procedure[1], unit_id, values)

    def resolve(self, items: list[StagedDossier], report: ImportReport):
        self._check_codes()
        existing = {d.code: d for d in Dossier.objects.filter(code__in=[i.code for i in items])}
        creates, updates = [], []
        for item in items:
            old = existing.get(item.code)
            if old is None:
                creates.append(item)
                report.created += 1
                continue
            if old.unit_id != item.unit_id or old.procedure_id != item.procedure_id:
                report.add_error(
                    RowError(
                        _("This dossier code is already recorded for another unit or procedure."),
                        report.sheet,
                        item.row,
                        self.headers.get("code", ""),
                    )
                )
                continue
            changed = False
            for key, value in item.values.items():
                if getattr(old, key) != value:
                    setattr(old, key, value)
                    changed = True
            if changed:
                updates.append(old)
                report.updated += 1
            else:
                report.unchanged += 1
        return creates, updates

    def write(self, pending) -> None:
        from reform.demo import insert_dossier_rows

        creates, updates = pending
        adapt = connection.ops.adapt_datefield_value
        rows = []
        for item in creates:
            v = item.values
            level = rules.counter_level(self.unit_levels.get(item.unit_id, ""))
            rows.append(
                (
                    item.code,
                    item.procedure_id,
                    item.unit_id,
                    level,
                    v["channel"],
                    True,
                    adapt(v["received_on"]),
                    adapt(v["due_on"]),
                    adapt(v["resolved_on"]),
                    v["outcome"],
                    v["result"],
                    adapt(v["returned_on"]),
                    v["late_in_system_only"],
                    nfc(v["late_reason"]),
                    adapt(v["apology_issued_on"]),
                    adapt(v["apology_new_due_on"]),
                )
            )
        insert_dossier_rows(rows, _DOSSIER_INSERT, sqlite_cache_mb=IMPORT_SQLITE_CACHE_MB)
        if updates:
            bulk_update_with_history(
                updates, Dossier, [*_DOSSIER_FIELDS, "outcome"], batch_size=1000
            )


PAR_COLUMNS = (
    Column("unit", _("Unit"), ("Đơn vị", "Tên đơn vị", "Mã đơn vị", "unit code"), required=True),
    Column("year", _("Year"), ("Năm", "year"), required=True),
    Column(
        "criterion",
        _("Criterion code"),
        ("Mã tiêu chí", "Tiêu chí số", "STT tiêu chí", "criterion code"),
    ),
    Column("criterion_name", _("Criterion"), ("Tên tiêu chí", "Tiêu chí", "criterion name")),
    Column("max_score", _("Maximum score"), ("Điểm tối đa", "Điểm chuẩn", "max score")),
    Column(
        "score",
        _("Score"),
        ("Điểm", "Tổng điểm", "Điểm đạt được", "Điểm đạt", "score", "total score"),
        required=True,
    ),
    Column("rank", _("Rank"), ("Xếp hạng", "Thứ hạng", "Hạng", "rank")),
    Column("ranked_units", _("Units ranked"), ("Số đơn vị xếp hạng", "Số đơn vị", "ranked units")),
    Column("decision", _("Publishing decision"), ("Quyết định công bố", "Quyết định", "decision")),
)


@dataclass(slots=True)
class StagedPar:
    row: int
    unit_id: int
    year: int
    criterion: str
    name: str
    score: Decimal
    max_score: Decimal | None
    rank: int | None
    ranked_units: int | None
    decision: str


class ParResultImporter(Importer):
    """The PAR index table: a unit's total per row, or (with ``Mã tiêu chí``) one criterion's
    score."""

    kind = "par_results"
    columns = PAR_COLUMNS

    def __init__(self, *, units=None):
        self.units = UnitLookup(units if units is not None else Unit.objects.all())
        self.totals_in_file: set[tuple[int, int]] = set()
        self.seen: dict[tuple[int, int, str], int] = {}
        self.headers: dict[str, str] = {}

    def begin(self, headers: dict[str, str]) -> None:
        self.headers = headers

    def _int(self, row: Row, key: str, *, minimum: int = 1) -> int | None:
        if not row.has(key):
            return None
        number = row.decimal(key)
        if number is None:
            return None
        if number != number.to_integral_value() or number < minimum:
            row.error(key, _("Give a whole number of at least 1."))
            return None
        return int(number)

    def parse(self, row: Row) -> StagedPar | None:
        unit_id = self.units.find(row, "unit")
        year = self._int(row, "year", minimum=2000)
        criterion = row.text("criterion", max_length=20) if row.has("criterion") else ""
        name = row.text("criterion_name", max_length=300) if row.has("criterion_name") else ""
        score = row.decimal("score")
        if score is None and not any(e.column == self.headers.get("score") for e in row.errors):
            row.error("score", _("This cell is required."))
        elif score is not None and score < 0:
            row.error("score", _("The score cannot be negative."))
        max_score = row.decimal("max_score") if row.has("max_score") else None
        rank = self._int(row, "rank")
        ranked = self._int(row, "ranked_units")
        decision = row.text("decision", max_length=200) if row.has("decision") else ""
        if criterion:
            if max_score is None:
                row.error("max_score", _("Give the criterion's maximum score."))
            if not name:
                row.error("criterion_name", _("This cell is required."))
        else:
            if rank is None:
                row.error("rank", _("This cell is required."))
            if ranked is None:
                row.error("ranked_units", _("This cell is required."))
            if rank and ranked and rank > ranked:
                row.error("rank", _("The rank cannot exceed the number of units ranked."))
        if score is not None and max_score is not None and score > max_score:
            row.error("score", _("The score cannot exceed the maximum score."))
        if unit_id is not None and year is not None:
            key = (unit_id, year, criterion)
            if key in self.seen:
                row.error(
                    "unit",
                    format_lazy(
                        _("This unit and year already appear on row {row}."), row=self.seen[key]
                    ),
                )
            else:
                self.seen[key] = row.number
        if row.errors:
            return None
        if not criterion:
            self.totals_in_file.add((unit_id, year))
        return StagedPar(
            row.number, unit_id, year, criterion, name, score, max_score, rank, ranked, decision
        )

    def resolve(self, items: list[StagedPar], report: ImportReport):
        keys = {(i.unit_id, i.year) for i in items}
        existing = {
            (r.unit_id, r.year): r
            for r in ParResult.objects.filter(
                unit_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}
            )
        }
        totals, criteria = [], []
        for item in items:
            if item.criterion:
                if (item.unit_id, item.year) not in existing and (
                    item.unit_id,
                    item.year,
                ) not in self.totals_in_file:
                    report.add_error(
                        RowError(
                            _("No total result of this unit and year, in the file or recorded."),
                            report.sheet,
                            item.row,
                            self.headers.get("criterion", ""),
                        )
                    )
                    continue
                criteria.append(item)
                report.created += 1
                continue
            old = existing.get((item.unit_id, item.year))
            values = {"score": item.score, "rank": item.rank, "ranked_units": item.ranked_units}
            if item.max_score is not None:
                values["max_score"] = item.max_score
            if item.decision:
                values["decision"] = item.decision
            if old is None:
                report.created += 1
            elif all(getattr(old, k) == v for k, v in values.items()):
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            totals.append((item, values))
        return totals, criteria

    def write(self, pending) -> None:
        totals, criteria = pending
        for item, values in totals:
            ParResult.objects.update_or_create(
                unit_id=item.unit_id, year=item.year, defaults=values
            )
        results = {
            (r.unit_id, r.year): r.pk
            for r in ParResult.objects.filter(
                unit_id__in={i.unit_id for i in criteria}, year__in={i.year for i in criteria}
            )
        }
        for item in criteria:
            ParCriterionScore.objects.update_or_create(
                result_id=results[(item.unit_id, item.year)],
                code=item.criterion,
                defaults={"name": item.name, "score": item.score, "max_score": item.max_score},
            )


PROCEDURE_COLUMNS = (
    Column(
        "code",
        _("Procedure code"),
        ("Mã thủ tục", "Mã TTHC", "Mã số", "procedure code"),
        required=True,
    ),
    Column(
        "name",
        _("Name"),
        ("Tên thủ tục", "Tên thủ tục hành chính", "Tên TTHC", "name"),
        required=True,
    ),
    Column("field", _("Field"), ("Lĩnh vực", "field")),
    Column("level", _("Level"), ("Cấp thực hiện", "Cấp", "level"), required=True),
    Column(
        "resolution_days",
        _("Working days"),
        (
            "Thời hạn giải quyết",
            "Thời hạn giải quyết (ngày làm việc)",
            "Số ngày",
            "resolution days",
        ),
        required=True,
    ),
    Column("online", _("Online"), ("Trực tuyến", "Dịch vụ công trực tuyến", "online")),
    Column("decision", _("Publishing decision"), ("Quyết định công bố", "decision")),
)


class ProcedureImporter(Importer):
    """The procedure list (national or provincial), matched on code."""

    kind = "procedures"
    columns = PROCEDURE_COLUMNS

    def __init__(self):
        self.seen: dict[str, int] = {}
        self.headers: dict[str, str] = {}

    def begin(self, headers: dict[str, str]) -> None:
        self.headers = headers

    def parse(self, row: Row):
        code = row.text("code", required=True, max_length=60)
        name = row.text("name", required=True, max_length=500)
        level = row.choice("level", LEVELS, required=True)
        days = row.decimal("resolution_days")
        if days is None and not any(
            e.column == self.headers.get("resolution_days") for e in row.errors
        ):
            row.error("resolution_days", _("This cell is required."))
        elif days is not None and (days < 0 or days != days.to_integral_value()):
            row.error("resolution_days", _("Give a whole number of working days."))
        online = (row.choice("online", YES_NO) if row.has("online") else None) == "1"
        if code in self.seen:
            row.error(
                "code",
                format_lazy(
                    _("{code} already appears on row {row}."), code=code, row=self.seen[code]
                ),
            )
        elif code:
            self.seen[code] = row.number
        if row.errors:
            return None
        return row.number, Procedure(
            code=code,
            name=name,
            name_key=search_key(name),
            field=row.text("field", max_length=200) if row.has("field") else "",
            level=level,
            resolution_days=int(days),
            online=online,
            decision=row.text("decision", max_length=200) if row.has("decision") else "",
        )

    def resolve(self, items, report: ImportReport):
        existing = {
            p.code: p for p in Procedure.objects.filter(code__in=[p.code for _n, p in items])
        }
        creates, updates = [], []
        fields = ("name", "field", "level", "resolution_days", "online", "decision")
        for number, proc in items:
            try:
                proc.clean_fields(exclude={"name_key"})
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        report.add_error(
                            RowError(message, report.sheet, number, self.headers.get(name, name))
                        )
                continue
            old = existing.get(proc.code)
            if old is None:
                creates.append(proc)
                report.created += 1
            elif all(getattr(old, f) == getattr(proc, f) for f in fields):
                report.unchanged += 1
            else:
                for f in (*fields, "name_key"):
                    setattr(old, f, getattr(proc, f))
                updates.append(old)
                report.updated += 1
        return creates, updates

    def write(self, pending) -> None:
        creates, updates = pending
        bulk_create_with_history(creates, Procedure)
        if updates:
            bulk_update_with_history(
                updates,
                Procedure,
                ["name", "name_key", "field", "level", "resolution_days", "online", "decision"],
            )


__all__ = [
    "CellError",
    "DossierImporter",
    "ImportFileError",
    "ParResultImporter",
    "ProcedureImporter",
]
