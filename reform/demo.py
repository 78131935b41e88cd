"""Demo administrative reform: Đạ Huoai's 2019 one-stop figures and PAR index, and the province
benchmark.

``scale="demo"`` (idempotent, matched on codes and natural keys):

- the district's 2019 period reports exactly as the seed article gives them
  (district level 2,061 received, 1,731 resolved, 96 pending in time, 3
  overdue: stored as filed and flagged, they do not add up; commune level
  6,698 / 6,684 / 14 / 51; inter-level 546 / 523 / 23 / 0; the electronic
  one-stop system 7,875 / 7,577 / 254 overdue; online and postal: 0). The
  article's overdue dossiers were late only in the electronic system, not on
  paper: recorded with that reason;
- 456 procedures posted: 310 district-level at the district's counter and
  146 commune-level at each commune's counter (the codes, names and fields
  of the catalogue are invented; only the counts are the article's);
- the PAR index of Lâm Đồng's 12 district-level units for 2018 and 2019, with
  Đạ Huoai 3rd then 2nd as in the article (every score is invented), the 11
  other district-level units added to the tree for it, criterion scores for
  Đạ Huoai, and its 2020 improvement plan;
- a few hundred dossiers of the first half of 2020 from the electronic
  system, so dossier-level figures (due dates on the holiday calendar, late,
  pending, apologies) have something to show.

``scale="province"``: about 2 million dossiers over three years (2023-2025)
for the communes and districts of the benchmark province ``P``, written
with ``executemany`` (``COPY`` on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

from core.text import search_key
from core.workdays import load_calendar, seed_vietnam_holidays
from reform import rules
from reform.choices import Channel, DossierResult, PlanItemStatus, ProcedureLevel, ReportScope
from reform.models import (
    Dossier,
    ImprovementItem,
    ImprovementPlan,
    ParCriterionScore,
    ParResult,
    Procedure,
    ProcedurePosting,
    ServiceReport,
)
from staff.choices import UnitLevel
from staff.models import Unit, in_subtree

SOURCE = "Báo Lâm Đồng, 17/06/2020: Đạ Huoai: Nhiều nỗ lực trong cải cách hành chính"
LATE_REASON = "Chỉ chậm trên hệ thống một cửa điện tử; thực tế giải quyết không bị chậm"
YEAR = 2019
ARTICLE_REPORTS = [
    # scope, received, resolved, pending in time, pending overdue, resolved late, late only in the
    # system
    (ReportScope.DISTRICT, 2061, 1731, 96, 0, 3, 3),
    (ReportScope.COMMUNE, 6698, 6684, 14, 0, 51, 51),
    (ReportScope.INTER_LEVEL, 546, 523, 23, 0, 0, 0),
    # The article gives no pending figures for the electronic system: left unreported.
    (ReportScope.ELECTRONIC, 7875, 7577, None, None, 254, 0),
    (ReportScope.ONLINE, 0, 0, 0, 0, 0, 0),
    (ReportScope.POSTAL, 0, 0, 0, 0, 0, 0),
]
DISTRICT_PROCEDURES, COMMUNE_PROCEDURES = 310, 146

# Lâm Đồng's 12 district-level units of 2019 (Đạ Huoai is ``DH`` of staff.demo).
OTHER_DISTRICTS = [
    ("LD-DL", "Thành phố Đà Lạt"),
    ("LD-BL", "Thành phố Bảo Lộc"),
    ("LD-LDG", "Huyện Lạc Dương"),
    ("LD-DDG", "Huyện Đơn Dương"),
    ("LD-DTG", "Huyện Đức Trọng"),
    ("LD-LH", "Huyện Lâm Hà"),
    ("LD-DRG", "Huyện Đam Rông"),
    ("LD-DLH", "Huyện Di Linh"),
    ("LD-BLM", "Huyện Bảo Lâm"),
    ("LD-DTH", "Huyện Đạ Tẻh"),
    ("LD-CT", "Huyện Cát Tiên"),
]
# PAR index totals: INVENTED except Đạ Huoai's ranks (3rd of 12 in 2018, 2nd in 2019).
PAR_SCORES = {
    2018: {
        "LD-DL": "86.50",
        "LD-BL": "85.10",
        "DH": "83.95",
        "LD-DTG": "83.20",
        "LD-DLH": "81.70",
        "LD-LH": "81.02",
        "LD-DDG": "80.15",
        "LD-BLM": "79.40",
        "LD-CT": "78.90",
        "LD-DTH": "78.05",
        "LD-LDG": "76.60",
        "LD-DRG": "74.35",
    },
    2019: {
        "LD-DL": "88.12",
        "DH": "86.45",
        "LD-BL": "85.90",
        "LD-DTG": "84.30",
        "LD-LH": "83.12",
        "LD-DLH": "82.05",
        "LD-DDG": "81.40",
        "LD-CT": "80.77",
        "LD-BLM": "79.95",
        "LD-DTH": "79.10",
        "LD-LDG": "77.84",
        "LD-DRG": "75.20",
    },
}
# Criteria of the district-level index (maximum scores and Đạ Huoai's scores invented; they sum to
# the total).
CRITERIA = [
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", "12", {2018: "11.00", 2019: "11.50"}),
    (
        "2",
        "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
        "8",
        {2018: "7.25", 2019: "7.50"},
    ),
    ("3", "Cải cách thủ tục hành chính", "13", {2018: "10.70", 2019: "11.20"}),
    (
        "3.2",
        "Tỷ lệ hồ sơ giải quyết đúng hạn trên hệ thống một cửa điện tử",
        "4",
        {2018: "2.50", 2019: "2.70"},
    ),
    (
        "3.3",
        "Tiếp nhận, trả kết quả qua dịch vụ bưu chính công ích",
        "1",
        {2018: "0.00", 2019: "0.00"},
    ),
    ("4", "Cải cách tổ chức bộ máy hành chính nhà nước", "9", {2018: "8.25", 2019: "8.50"}),
    (
        "5",
        "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức",
        "13",
        {2018: "12.00", 2019: "12.40"},
    ),
    ("6", "Cải cách tài chính công", "8", {2018: "7.50", 2019: "7.60"}),
    ("7", "Hiện đại hóa hành chính", "12", {2018: "8.25", 2019: "8.75"}),
    ("7.1", "Cung cấp dịch vụ công trực tuyến mức độ 3, 4", "2.5", {2018: "0.25", 2019: "0.25"}),
    (
        "8",
        "Tác động của cải cách hành chính đến người dân, tổ chức (SIPAS)",
        "25",
        {2018: "19.00", 2019: "19.00"},
    ),
]
PLAN_2020 = [
    # criterion, action, responsible unit, due, status, done on
    (
        "7.1",
        "Đưa dịch vụ công trực tuyến mức độ 3, 4 vào sử dụng; hướng dẫn người dân nộp hồ sơ "
        "trực tuyến",
        "DH-VP",
        dt.date(2020, 9, 30),
        PlanItemStatus.DONE,
        dt.date(2020, 9, 25),
    ),
    (
        "3.3",
        "Vận động người dân, doanh nghiệp sử dụng dịch vụ bưu chính công ích tại bộ phận "
        "một cửa và điểm bưu điện văn hóa xã",
        "DH-VP",
        dt.date(2020, 6, 30),
        PlanItemStatus.IN_PROGRESS,
        None,
    ),
    (
        "3.2",
        "Cập nhật kịp thời trạng thái xử lý trên hệ thống một cửa điện tử để giảm hồ sơ quá "
        "hạn trên hệ thống",
        "DH-NV",
        dt.date(2020, 6, 30),
        PlanItemStatus.DONE,
        dt.date(2020, 6, 22),
    ),
    (
        "7",
        "Rà soát, đưa toàn bộ thủ tục cấp huyện và cấp xã vào quy trình ISO 9001:2015 và hệ "
        "thống một cửa điện tử",
        "DH-NV",
        dt.date(2020, 12, 31),
        PlanItemStatus.DONE,
        dt.date(2020, 12, 18),
    ),
    (
        "1",
        "Tăng cường kiểm tra công vụ, kỷ luật, kỷ cương hành chính của cán bộ, công chức "
        "cấp huyện và cấp xã",
        "DH-TT",
        dt.date(2020, 11, 30),
        PlanItemStatus.OPEN,
        None,
    ),
]
FIELDS = [
    "Đất đai",
    "Hộ tịch",
    "Chứng thực",
    "Xây dựng",
    "Hộ kinh doanh",
    "Lao động - Thương binh và Xã hội",
    "Giáo dục và Đào tạo",
    "Văn hóa",
    "Tài nguyên và Môi trường",
    "Nông nghiệp",
    "Y tế",
    "Tư pháp",
]


def _procedures() -> tuple[list[Procedure], list[Procedure]]:
    existing = {p.code: p for p in Procedure.objects.filter(code__startswith="LD-TTHC-")}
    rows = []
    for level, count, tag in (
        (ProcedureLevel.DISTRICT, DISTRICT_PROCEDURES, "H"),
        (ProcedureLevel.COMMUNE, COMMUNE_PROCEDURES, "X"),
    ):
        for i in range(1, count + 1):
            code = f"LD-TTHC-{tag}{i:03d}"
            if code in existing:
                continue
            field = FIELDS[i % len(FIELDS)]
            name = f"Thủ tục {field.lower()} cấp {'huyện' if tag == 'H' else 'xã'} số {i}"
            rows.append(
                Procedure(
                    code=code,
                    name=name,
                    name_key=search_key(name),
                    field=field,
                    level=level,
                    resolution_days=[0, 1, 3, 5, 7, 10, 15, 20][i % 8],
                    online=i % 5 == 0,
                    decision="Quyết định công bố của Chủ tịch UBND tỉnh Lâm Đồng (minh họa)",
                    published_on=dt.date(2018, 12, 1),
                )
            )
    Procedure.objects.bulk_create(rows)
    procs = list(Procedure.objects.filter(code__startswith="LD-TTHC-").order_by("code"))
    return [p for p in procs if p.level == ProcedureLevel.DISTRICT], [
        p for p in procs if p.level == ProcedureLevel.COMMUNE
    ]


def _postings(district: Unit, district_procs, commune_procs) -> int:
    communes = list(Unit.objects.filter(parent=district, level=UnitLevel.COMMUNE))
    wanted = [(district.pk, p.pk) for p in district_procs] + [
        (c.pk, p.pk) for c in communes for p in commune_procs
    ]
    have = set(
        ProcedurePosting.objects.filter(unit__in=[district, *communes]).values_list(
            "unit_id", "procedure_id"
        )
    )
    rows = [
        ProcedurePosting(unit_id=u, procedure_id=p, posted_on=dt.date(2019, 1, 15))
        for u, p in wanted
        if (u, p) not in have
    ]
    ProcedurePosting.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _reports(district: Unit) -> int:
    created = 0
    for scope, received, resolved, in_time, overdue, late, system_only in ARTICLE_REPORTS:
        _report, new = ServiceReport.objects.get_or_create(
            unit=district,
            scope=scope,
            period_start=dt.date(YEAR, 1, 1),
            period_end=dt.date(YEAR, 12, 31),
            defaults={
                "received": received,
                "resolved": resolved,
                "pending_in_time": in_time,
                "pending_overdue": overdue,
                "resolved_late": late,
                "late_in_system_only": system_only,
                "late_reason": LATE_REASON if system_only else "",
                "source": SOURCE,
            },
        )
        created += new
    return created


def _other_districts(province: Unit, stdout) -> dict[str, Unit]:
    from staff.demo import _unit, _users

    units = {}
    for order, (code, name) in enumerate(OTHER_DISTRICTS):
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = _unit(
                code,
                name,
                UnitLevel.DISTRICT,
                province,
                sort_order=order,
                valid_until=dt.date(2025, 6, 30),
            )
        units[code] = unit
    _users(list(units.values()), stdout)
    return units


def _par(units: dict[str, Unit]) -> int:
    created = 0
    for year, scores in PAR_SCORES.items():
        ranked = sorted(scores.items(), key=lambda item: Decimal(item[1]), reverse=True)
        for rank, (code, score) in enumerate(ranked, start=1):
            result, new = ParResult.objects.get_or_create(
                unit=units[code],
                year=year,
                defaults={
                    "score": Decimal(score),
                    "rank": rank,
                    "ranked_units": len(ranked),
                    "decision": f"Quyết định công bố Chỉ số CCHC năm {year} của UBND tỉnh Lâm Đồng",
                    "note": "" if code == "DH" else "Điểm minh họa (không phải số liệu công bố)",
                },
            )
            created += new
            if new and code == "DH":
                ParCriterionScore.objects.bulk_create(
                    ParCriterionScore(
                        result=result,
                        code=c,
                        name=name,
                        max_score=Decimal(top),
                        score=Decimal(per_year[year]),
                    )
                    for c, name, top, per_year in CRITERIA
                )
    return created


def _plan(district: Unit) -> int:
    based_on = ParResult.objects.filter(unit=district, year=YEAR).first()
    plan, new = ImprovementPlan.objects.get_or_create(
        unit=district,
        year=YEAR + 1,
        defaults={
            "based_on": based_on,
            "adopted_on": dt.date(2020, 2, 14),
            "title": (
                "Kế hoạch khắc phục các tiêu chí, tiêu chí thành phần bị thấp điểm của Chỉ số "
                "CCHC năm 2019"
            ),
        },
    )
    if not new:
        return 0
    units = {u.code: u for u in Unit.objects.filter(code__in=[item[2] for item in PLAN_2020])}
    ImprovementItem.objects.bulk_create(
        ImprovementItem(
            plan=plan,
            criterion_code=c,
            action=action,
            owner_unit=units.get(unit, district),
            due_date=due,
            status=status,
            done_on=done,
        )
        for c, action, unit, due, status, done in PLAN_2020
    )
    return len(PLAN_2020)


def _dossiers_2020(
    rng: random.Random, district: Unit, district_procs, commune_procs, count: int = 400
) -> int:
    if Dossier.objects.filter(code__startswith="DH-2020-").exists():
        return 0
    seed_vietnam_holidays(range(2020, 2021))
    due = rules.DueDates(load_calendar(dt.date(2020, 1, 1), dt.date(2021, 12, 31)))
    communes = list(Unit.objects.filter(parent=district, level=UnitLevel.COMMUNE).order_by("code"))
    today = timezone.localdate()
    rows = []
    for i in range(count):
        at_commune = rng.random() < 0.7
        unit = rng.choice(communes) if at_commune else district
        procedure = rng.choice(commune_procs if at_commune else district_procs)
        received = dt.date(2020, 1, 2) + dt.timedelta(days=rng.randint(0, 180))
        due_on = due(received, procedure.resolution_days)
        roll = rng.random()
        if roll < 0.03:
            resolved = None  # still open (overdue long since)
        elif roll < 0.08:
            resolved = due_on + dt.timedelta(days=rng.randint(1, 6))
        else:
            resolved = received + dt.timedelta(days=rng.randint(0, (due_on - received).days))
        resolved = min(resolved, today) if resolved else None
        outcome = rules.outcome(due_on, resolved)
        late = outcome == rules.LATE
        system_only = late and rng.random() < 0.5
        rows.append(
            Dossier(
                code=f"DH-2020-{i + 1:05d}",
                procedure=procedure,
                unit=unit,
                level=rules.counter_level(unit.level),
                channel=Channel.INTER_LEVEL if rng.random() < 0.06 else Channel.COUNTER,
                electronic=True,
                received_on=received,
                due_on=due_on,
                resolved_on=resolved,
                outcome=outcome,
                result=DossierResult.GRANTED if resolved else "",
                returned_on=resolved,
                late_in_system_only=system_only,
                late_reason=LATE_REASON if system_only else "",
                apology_issued_on=due_on if late and not system_only else None,
                apology_new_due_on=due_on + dt.timedelta(days=7)
                if late and not system_only
                else None,
            )
        )
    Dossier.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def seed(*, scale: str, rng: random.Random, stdout, size: int = 1) -> None:
    """Add the administrative-reform part of the demo (see the module docstring)."""
    if scale == "province":
        _seed_province(rng, stdout, dossiers=PROVINCE_DOSSIERS * size)
        return
    district = Unit.objects.filter(code="DH").first()
    province = Unit.objects.filter(code="LD").first()
    if district is None or province is None:
        stdout.write("  reform: no units DH and LD, nothing to seed")
        return
    # Our own generator, drawn once from the shared stream (as training.demo does).
    rng = random.Random(rng.random())
    district_procs, commune_procs = _procedures()
    postings = _postings(district, district_procs, commune_procs)
    reports = _reports(district)
    units = {"DH": district, **_other_districts(province, stdout)}
    results = _par(units)
    items = _plan(district)
    dossiers = _dossiers_2020(rng, district, district_procs, commune_procs)
    stdout.write(
        f"  reform: procedures {len(district_procs)} + {len(commune_procs)}, postings "
        f"created {postings}, period reports created {reports}, PAR results created "
        f"{results}, plan items {items}, dossiers {dossiers}"
    )


# --- Province benchmark -------------------------------------------------------

PROVINCE_YEARS = (2023, 2024, 2025)
PROVINCE_DOSSIERS = 2_000_000
PROVINCE_PROCEDURES = 400


def _seed_province(
    rng: random.Random, stdout, *, dossiers: int = PROVINCE_DOSSIERS, root_code: str = "P"
) -> None:
    root = Unit.objects.filter(code=root_code).first()
    if root is None:
        stdout.write(f"  reform: no unit {root_code}, nothing to seed")
        return
    prefix = f"{root_code}-HS"
    if Dossier.objects.filter(code__startswith=prefix).exists():
        stdout.write("  reform: benchmark dossiers already present, skipped")
        return
    started = time.monotonic()
    procs = []
    for i in range(PROVINCE_PROCEDURES):
        level = ProcedureLevel.COMMUNE if i % 3 == 0 else ProcedureLevel.DISTRICT
        name = f"Thủ tục {FIELDS[i % len(FIELDS)].lower()} số {i + 1}"
        procs.append(
            Procedure(
                code=f"{root_code}-TTHC-{i + 1:04d}",
                name=name,
                name_key=search_key(name),
                field=FIELDS[i % len(FIELDS)],
                level=level,
                resolution_days=[0, 1, 3, 5, 7, 10, 15][i % 7],
            )
        )
    Procedure.objects.bulk_create(procs, ignore_conflicts=True)
    by_level: dict[str, list[tuple[int, int]]] = {
        ProcedureLevel.DISTRICT: [],
        ProcedureLevel.COMMUNE: [],
    }
    for pk, level, days in Procedure.objects.filter(
        code__startswith=f"{root_code}-TTHC-"
    ).values_list("pk", "level", "resolution_days"):
        by_level[level].append((pk, days))
    counters = list(
        Unit.objects.filter(
            in_subtree(root), level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE]
        ).values_list("pk", "level")
    )
    seed_vietnam_holidays(range(PROVINCE_YEARS[0], PROVINCE_YEARS[-1] + 2))
    due = rules.DueDates(
        load_calendar(dt.date(PROVINCE_YEARS[0], 1, 1), dt.date(PROVINCE_YEARS[-1] + 1, 12, 31))
    )
    first = dt.date(PROVINCE_YEARS[0], 1, 1)
    span = (dt.date(PROVINCE_YEARS[-1], 12, 31) - first).days + 1
    last_day = min(dt.date(PROVINCE_YEARS[-1], 12, 31), timezone.localdate())
    adapt = connection.ops.adapt_datefield_value
    channels = (
        [Channel.COUNTER] * 80
        + [Channel.ONLINE] * 12
        + [Channel.INTER_LEVEL] * 6
        + [Channel.POSTAL] * 2
    )
    written = 0
    batch: list[tuple] = []
    random_ = rng.random
    randint = rng.randint
    for i in range(dossiers):
        unit_id, unit_level = counters[i % len(counters)]
        level = rules.counter_level(unit_level)
        procedure_id, days = rng.choice(by_level[level])
        received = first + dt.timedelta(days=randint(0, span - 1))
        due_on = due(received, days)
        roll = random_()
        if roll < 0.02:
            resolved = None
        elif roll < 0.06:
            resolved = due_on + dt.timedelta(days=randint(1, 10))
        else:
            resolved = received + dt.timedelta(days=randint(0, (due_on - received).days))
        if resolved is not None and resolved > last_day:
            resolved = None
        outcome = rules.outcome(due_on, resolved)
        late = outcome == rules.LATE
        batch.append(
            (
                f"{prefix}{i + 1:07d}",
                procedure_id,
                unit_id,
                level,
                channels[i % 100],
                True,
                adapt(received),
                adapt(due_on),
                adapt(resolved),
                outcome,
                DossierResult.GRANTED if resolved else "",
                adapt(resolved),
                late and roll < 0.04,
                "Chậm cập nhật trên hệ thống" if late and roll < 0.04 else "",
                adapt(due_on) if late and roll >= 0.04 else None,
            )
        )
        if len(batch) >= 50_000:
            written += _insert_dossiers(batch)
            batch = []
    written += _insert_dossiers(batch)
    stdout.write(f"  reform: {written} dossiers in {time.monotonic() - started:.1f}s")


DOSSIER_COLUMNS = [
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
]


def insert_dossier_rows(
    rows: list[tuple], columns: list[str] = DOSSIER_COLUMNS, *, sqlite_cache_mb: int = 256
) -> int:
    """Insert dossiers in bulk (``executemany``; ``COPY`` on PostgreSQL), values already adapted.

    ``bulk_create`` compiles SQL in Python for every row, which is most of
    the cost at a million rows; the province seeder and the dossier import
    write through the connection's cursor instead, inside the caller's
    transaction. ``columns`` are model field names; the rest get defaults.
    On SQLite the connection's page cache is raised to ``sqlite_cache_mb``
    (index maintenance on a table of millions of rows); the import keeps it
    smaller so that its memory stays flat whatever the file's size.
    """
    if not rows:
        return 0
    meta = Dossier._meta
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Columns the rows leave out: their defaults, then the creation time.
    omitted = [
        f.name
        for f in meta.concrete_fields
        if f.name not in columns and f.name not in ("id", "created_at")
    ]
    defaults = {"electronic": True, "late_in_system_only": False}
    names = [*columns, *omitted, "created_at"]
    fixed = (
        *(
            defaults.get(name, "" if isinstance(meta.get_field(name), models.CharField) else None)
            for name in omitted
        ),
        now,
    )
    quoted = ", ".join(connection.ops.quote_name(meta.get_field(n).column) for n in names)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + fixed)
            return len(rows)
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA cache_size = -{int(sqlite_cache_mb) * 1024}")
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [row + fixed for row in rows[start : start + 5000]])
    return len(rows)


_insert_dossiers = insert_dossier_rows
