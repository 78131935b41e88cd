"""Demo courses and enrolments: Đạ Huoai 2018-2019, and the province benchmark.

``scale="demo"``: courses of 2018 and 2019 for the staff of huyện Đạ Huoai
(units under code ``DH``) such that district and commune staff take the
article's 96 training turns of cadres and civil servants ("96 lượt cán bộ, công
chức") at province-organised courses in 2019, plus the 2
district ISO 9001:2015 classes run with the provincial Department of Science
and Technology, a central, a commune and some 2018 courses. Idempotent: courses
are matched on their codes and an existing course keeps its enrolments.

``scale="province"``: 2,000 courses and 500,000 enrolments from 2020 to 2025
across the staff under unit ``P``, with bulk inserts; deterministic for a
given ``rng``.

The demo also has the present day (``_seed_present``): courses around the day
it runs for the communes that succeeded Đạ Huoai's, with this year's target.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from core.dates import year_period
from core.text import nfc, search_key
from staff.models import Staff, Unit, in_subtree
from training import rules
from training.choices import CourseKind, CourseMode, CoursePurpose, EnrolmentStatus, OrganizerLevel
from training.models import Course, Enrolment, TrainingRequirement, TrainingTopic

# The article: "96 lượt cán bộ, công chức" of the district and communes at province-organised
# courses in 2019: cadres and civil servants only, so these courses draw no one else.
PROVINCE_TURNS_2019 = 96
PROVINCE_2019_CATEGORIES = ["cadre", "civil_servant"]

TOPICS = [
    ("iso9001", "ISO 9001:2015"),
    ("state-management", "Quản lý nhà nước"),
    ("professional", "Kỹ năng, nghiệp vụ chuyên môn"),
    ("it", "Công nghệ thông tin, văn phòng điện tử"),
    ("ethics", "Đạo đức công vụ, văn hóa giao tiếp với Nhân dân"),
    ("political-theory", "Lý luận chính trị"),
    ("foreign-language", "Ngoại ngữ"),
    ("defence-security", "Quốc phòng và an ninh"),
    ("leadership", "Lãnh đạo, quản lý"),
]

# Topics whose courses lead to rank promotion, succession planning or appointment: a
# sanction in effect bars them (Law on Cadres and Civil Servants art. 82), not the others.
ADVANCEMENT_TOPICS = frozenset({"state-management", "leadership", "political-theory"})

SO_NOI_VU = "Sở Nội vụ tỉnh Lâm Đồng"
SO_KHCN = "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"

# (code, title, topic, organiser, start, days, hours, certificate, categories or None, weight)
# ``weight`` shares the 96 turns between the province courses of 2019; None means
# every category of the 96 (PROVINCE_2019_CATEGORIES).
PROVINCE_2019 = [
    (
        "LD19-QLNN-CV",
        "Bồi dưỡng kiến thức quản lý nhà nước chương trình chuyên viên",
        "state-management",
        SO_NOI_VU,
        dt.date(2019, 3, 11),
        40,
        Decimal(240),
        True,
        ["civil_servant"],
        15,
    ),
    (
        "LD19-CCX",
        "Bồi dưỡng chức danh công chức cấp xã",
        "professional",
        SO_NOI_VU,
        dt.date(2019, 4, 8),
        5,
        Decimal(40),
        True,
        ["civil_servant"],
        14,
    ),
    (
        "LD19-CBX",
        "Bồi dưỡng kỹ năng lãnh đạo, quản lý cho cán bộ cấp xã",
        "leadership",
        "Trường Chính trị tỉnh Lâm Đồng",
        dt.date(2019, 5, 13),
        5,
        Decimal(40),
        True,
        ["cadre"],
        12,
    ),
    (
        "LD19-MC",
        "Kỹ năng giao tiếp, ứng xử tại bộ phận một cửa",
        "ethics",
        SO_NOI_VU,
        dt.date(2019, 6, 17),
        3,
        Decimal(24),
        False,
        None,
        13,
    ),
    (
        "LD19-VPDT",
        "Sử dụng hệ thống quản lý văn bản và điều hành, dịch vụ công trực tuyến",
        "it",
        "Sở Thông tin và Truyền thông tỉnh Lâm Đồng",
        dt.date(2019, 7, 22),
        2,
        Decimal(16),
        False,
        None,
        11,
    ),
    (
        "LD19-QPAN",
        "Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4",
        "defence-security",
        "Bộ Chỉ huy Quân sự tỉnh Lâm Đồng",
        dt.date(2019, 9, 9),
        5,
        Decimal(40),
        True,
        ["cadre", "civil_servant"],
        10,
    ),
    (
        "LD19-CCHC",
        "Nghiệp vụ cải cách hành chính và kiểm soát thủ tục hành chính",
        "professional",
        SO_NOI_VU,
        dt.date(2019, 10, 14),
        3,
        Decimal(24),
        False,
        ["civil_servant"],
        12,
    ),
    # Starts in December 2019 and ends in January 2020: its turns count in 2019.
    (
        "LD19-DDCV",
        "Đạo đức công vụ và văn hóa công sở",
        "ethics",
        SO_NOI_VU,
        dt.date(2019, 12, 23),
        12,
        Decimal(16),
        False,
        None,
        9,
    ),
]

# (code, title, topic, level, organiser, organiser unit code, co-organiser, start, days, hours,
# certificate, categories, participants)
OTHER_COURSES = [
    (
        "DH19-ISO-1",
        "Xây dựng, áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 (lớp 1)",
        "iso9001",
        OrganizerLevel.DISTRICT,
        "UBND huyện Đạ Huoai",
        "DH",
        SO_KHCN,
        dt.date(2019, 8, 5),
        2,
        Decimal(16),
        True,
        ["civil_servant"],
        32,
    ),
    (
        "DH19-ISO-2",
        "Xây dựng, áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 (lớp 2)",
        "iso9001",
        OrganizerLevel.DISTRICT,
        "UBND huyện Đạ Huoai",
        "DH",
        SO_KHCN,
        dt.date(2019, 8, 8),
        2,
        Decimal(16),
        True,
        ["civil_servant", "cadre"],
        30,
    ),
    (
        "TW19-LDCP",
        "Bồi dưỡng lãnh đạo, quản lý cấp phòng",
        "leadership",
        OrganizerLevel.CENTRAL,
        "Học viện Hành chính Quốc gia",
        None,
        "",
        dt.date(2019, 6, 3),
        26,
        Decimal(160),
        True,
        None,
        3,
    ),
    (
        "XHL19-MC",
        "Tập huấn nghiệp vụ một cửa tại xã",
        "professional",
        OrganizerLevel.COMMUNE,
        "UBND xã Hà Lâm",
        "DH-XHL",
        "",
        dt.date(2019, 11, 4),
        1,
        Decimal(8),
        False,
        None,
        12,
    ),
    # Starts in December 2018: its turns count in 2018 even though it ends in 2019.
    (
        "LD18-TA",
        "Tiếng Anh giao tiếp cho cán bộ, công chức",
        "foreign-language",
        OrganizerLevel.PROVINCE,
        SO_NOI_VU,
        None,
        "",
        dt.date(2018, 12, 17),
        25,
        Decimal(60),
        True,
        None,
        8,
    ),
    (
        "LD18-QLNN-CVC",
        "Bồi dưỡng kiến thức quản lý nhà nước chương trình chuyên viên chính",
        "state-management",
        OrganizerLevel.PROVINCE,
        SO_NOI_VU,
        None,
        "",
        dt.date(2018, 9, 10),
        40,
        Decimal(280),
        True,
        ["civil_servant"],
        6,
    ),
    (
        "LD18-CBX",
        "Bồi dưỡng cán bộ chủ chốt cấp xã",
        "leadership",
        OrganizerLevel.PROVINCE,
        "Trường Chính trị tỉnh Lâm Đồng",
        None,
        "",
        dt.date(2018, 5, 7),
        5,
        Decimal(40),
        True,
        ["cadre"],
        20,
    ),
    (
        "DH18-VPDT",
        "Tập huấn sử dụng phần mềm văn phòng điện tử",
        "it",
        OrganizerLevel.DISTRICT,
        "UBND huyện Đạ Huoai",
        "DH",
        "",
        dt.date(2018, 4, 16),
        2,
        Decimal(16),
        False,
        None,
        40,
    ),
    (
        "TW18-LLCT",
        "Trung cấp lý luận chính trị - hành chính",
        "political-theory",
        OrganizerLevel.CENTRAL,
        "Học viện Chính trị quốc gia Hồ Chí Minh",
        None,
        "",
        dt.date(2018, 3, 5),
        180,
        Decimal(600),
        True,
        ["cadre", "civil_servant"],
        2,
    ),
]

NON_TURN_STATUSES = [EnrolmentStatus.NO_SHOW, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.FAILED]


def _topics() -> dict[str, TrainingTopic]:
    topics = {}
    for order, (code, name) in enumerate(TOPICS, start=1):
        topics[code] = TrainingTopic.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order * 10}
        )[0]
    return topics


def _split(total: int, weights: list[int]) -> list[int]:
    """Share ``total`` in proportion to ``weights``; the largest remainders get the rest."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[
        : total - sum(parts)
    ]:
        parts[i] += 1
    return parts


class _Pool:
    """The demo district's staff, to draw eligible participants from, in a fixed order."""

    def __init__(self, root: Unit):
        self.people = list(
            Staff.objects.filter(in_subtree(root, "unit"))
            .order_by("code")
            .values(
                "pk",
                "code",
                "unit_id",
                "unit__code",
                "category",
                "joined_on",
                "left_on",
                "sanction_until",
            )
        )

    def eligible(self, start: dt.date, end: dt.date, categories=None, unit_code=None) -> list[dict]:
        out = []
        for p in self.people:
            if categories and p["category"] not in categories:
                continue
            if unit_code and p["unit__code"] != unit_code:
                continue
            if rules.nomination_problems(
                course_start=start,
                course_end=end,
                joined_on=p["joined_on"],
                left_on=p["left_on"],
                sanction_until=p["sanction_until"],
            ):
                continue
            out.append(p)
        return out


def _course(
    topics,
    code,
    title,
    topic,
    level,
    organiser,
    organiser_unit,
    co_organiser,
    start,
    days,
    hours,
    certificate,
    capacity,
) -> tuple[Course, bool]:
    existing = Course.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    course = Course(
        code=code,
        title=nfc(title),
        topic=topics[topic],
        kind=CourseKind.REFRESHER,
        organizer_level=level,
        purpose=CoursePurpose.ADVANCEMENT if topic in ADVANCEMENT_TOPICS else CoursePurpose.GENERAL,
        organizer_name=organiser,
        organizer_unit=organiser_unit,
        co_organizer_name=co_organiser,
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        hours=hours,
        location="Trung tâm Hội nghị tỉnh, Đà Lạt"
        if level == OrganizerLevel.PROVINCE
        else "Hội trường UBND huyện Đạ Huoai",
        mode=CourseMode.IN_PERSON,
        capacity=capacity,
        issues_certificate=certificate,
    )
    if level == OrganizerLevel.CENTRAL:
        course.kind = CourseKind.DEGREE if hours >= 400 else CourseKind.REFRESHER
        course.location = "Hà Nội" if "Hành chính" in organiser else "TP. Hồ Chí Minh"
    course.full_clean()
    course.save()
    return course, True


def _enrolments(rng, course: Course, people: list[dict], turns: int, extra: int) -> list[Enrolment]:
    """``turns`` attended/completed participants and ``extra`` who withdrew, failed or did not show
    up."""
    chosen = rng.sample(people, min(len(people), turns + extra))
    rows = []
    for i, person in enumerate(chosen):
        if i < turns:
            completed = course.issues_certificate or rng.random() < 0.5
            status = EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.ATTENDED
        else:
            status = rng.choice(NON_TURN_STATUSES)
        row = Enrolment(
            course=course, staff_id=person["pk"], unit_id=person["unit_id"], status=status
        )
        if status == EnrolmentStatus.COMPLETED:
            row.completed_on = course.end_date
            row.result = rng.choice(["Giỏi", "Khá", "Khá", "Đạt"])
            row.score = Decimal(rng.randint(65, 95)) / 10
            if course.issues_certificate:
                row.certificate_number = f"{course.code}-{i + 1:03d}"
                row.certificate_issued_on = course.end_date + dt.timedelta(days=rng.randint(3, 20))
        elif status == EnrolmentStatus.FAILED:
            row.result = "Không đạt"
            row.score = Decimal(rng.randint(20, 45)) / 10
        rows.append(row)
    return rows


def seed(*, scale: str, rng: random.Random, stdout, size: int = 1) -> None:
    """Add the training part of the demo (see the module docstring)."""
    if scale == "province":
        _seed_province(rng, stdout, courses=2_000 * size, enrolments=500_000 * size)
        return
    root = Unit.objects.filter(code="DH").first()
    if root is None:
        stdout.write("  training: no unit DH, nothing to seed")
        return
    # One draw from the shared stream seeds our own generator, so the seeders
    # that follow get the same stream whatever this one finds in the database.
    rng = random.Random(rng.random())
    topics = _topics()
    units = {u.code: u for u in Unit.objects.filter(code__in=["DH", "DH-XHL"])}
    pool = _Pool(root)
    rows: list[Enrolment] = []
    created_courses = 0
    # The plan is drawn in full on every run, so a re-run draws the same people.
    shares = _split(PROVINCE_TURNS_2019, [c[-1] for c in PROVINCE_2019])
    for (code, title, topic, organiser, start, days, hours, cert, categories, _w), turns in zip(
        PROVINCE_2019, shares, strict=True
    ):
        extra = rng.randint(1, 3)
        people = pool.eligible(
            start, start + dt.timedelta(days=days - 1), categories or PROVINCE_2019_CATEGORIES
        )
        if len(people) < turns:
            raise RuntimeError(f"not enough staff for {code}: {len(people)} < {turns}")
        capacity = turns + extra + rng.randint(0, 5)
        course, new = _course(
            topics,
            code,
            title,
            topic,
            OrganizerLevel.PROVINCE,
            organiser,
            None,
            "",
            start,
            days,
            hours,
            cert,
            capacity,
        )
        planned = _enrolments(rng, course, people, turns, extra)
        if new:
            rows += planned
            created_courses += 1
    for (
        code,
        title,
        topic,
        level,
        organiser,
        unit_code,
        co,
        start,
        days,
        hours,
        cert,
        categories,
        size,
    ) in OTHER_COURSES:
        end = start + dt.timedelta(days=days - 1)
        people = pool.eligible(
            start, end, categories, "DH-XHL" if level == OrganizerLevel.COMMUNE else None
        )
        extra = rng.randint(0, 2)
        turns = min(size, len(people) - extra)
        course, new = _course(
            topics,
            code,
            title,
            topic,
            level,
            organiser,
            units.get(unit_code),
            co,
            start,
            days,
            hours,
            cert,
            size + 5,
        )
        planned = _enrolments(rng, course, people, turns, extra)
        if new:
            rows += planned
            created_courses += 1
    Enrolment.objects.bulk_create(rows, batch_size=500)
    stdout.write(f"  training: courses created {created_courses}, enrolments created {len(rows)}")
    _seed_present(topics, stdout)


# --- The present day ----------------------------------------------------------

SUCCESSOR_CODES = ["LD-XDH", "LD-XDH2", "LD-XDH3"]
# A local target for the current year (none exists in law since 2022).
PRESENT_REQUIREMENT_HOURS = Decimal(24)


def _present_people(day: dt.date, *, unit_codes=None) -> list[Staff]:
    people = Staff.objects.filter(
        unit__code__in=unit_codes or SUCCESSOR_CODES,
        status="active",
        category__in=["cadre", "civil_servant"],
    ).order_by("code")
    return [
        p
        for p in people
        if not rules.nomination_problems(
            course_start=day,
            course_end=day,
            joined_on=p.joined_on,
            left_on=p.left_on,
            sanction_until=p.sanction_until,
        )
    ]


def _seed_present(topics, stdout) -> None:
    """Courses around today for the successor communes: done, to take attendance, running, coming.

    Dated from the day it runs; idempotent on the course codes (a course that
    exists keeps its enrolments). Adds this year's local requirement when the
    administrator has not set one, so compliance has something to measure.
    """
    from training import services

    today = timezone.localdate()
    year = today.year
    if not Staff.objects.filter(unit__code__in=SUCCESSOR_CODES).exists():
        stdout.write("  training (present): no successor communes, skipped")
        return
    rng = random.Random("present-training")
    for category in ("cadre", "civil_servant"):
        TrainingRequirement.objects.get_or_create(
            year=year,
            category=category,
            position="",
            defaults={
                "hours": PRESENT_REQUIREMENT_HOURS,
                "source": (
                    f"Kế hoạch bồi dưỡng cán bộ, công chức năm {year} của UBND tỉnh Lâm Đồng "
                    "(minh họa)"
                ),
            },
        )
    first = dt.date(year, 1, 6)
    xdh = Unit.objects.filter(code="LD-XDH").first()
    yy = f"{year % 100:02d}"
    # (code, title, topic, level, organiser, organiser unit, start, days, hours, capacity,
    # certificate, plan) plan: "done" = results recorded, "register" = registered only, "" = no one
    # yet.
    plan = [
        (
            f"LD{yy}-CDS",
            "Chuyển đổi số và dịch vụ công trực tuyến toàn trình",
            "it",
            OrganizerLevel.PROVINCE,
            "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
            None,
            max(first, today - dt.timedelta(days=100)),
            2,
            Decimal(16),
            60,
            True,
            "done",
        ),
        (
            f"LD{yy}-TCD",
            "Kỹ năng tiếp công dân tại Trung tâm Phục vụ hành chính công",
            "ethics",
            OrganizerLevel.PROVINCE,
            SO_NOI_VU,
            None,
            max(first + dt.timedelta(days=7), today - dt.timedelta(days=45)),
            1,
            Decimal(8),
            60,
            False,
            "done",
        ),
        (
            f"XDH{yy}-VHCS",
            "Văn hóa công sở và đạo đức công vụ ở xã hai cấp",
            "ethics",
            OrganizerLevel.COMMUNE,
            "UBND xã Đạ Huoai",
            xdh,
            today - dt.timedelta(days=8),
            2,
            Decimal(16),
            25,
            False,
            "register",
        ),
        (
            f"LD{yy}-QPAN",
            "Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4",
            "defence-security",
            OrganizerLevel.PROVINCE,
            "Bộ Chỉ huy Quân sự tỉnh Lâm Đồng",
            None,
            today - dt.timedelta(days=1),
            3,
            Decimal(24),
            30,
            True,
            "register",
        ),
        (
            f"LD{yy}-QLNN",
            "Quản lý nhà nước về đất đai ở cấp xã",
            "state-management",
            OrganizerLevel.PROVINCE,
            SO_NOI_VU,
            None,
            today + dt.timedelta(days=6),
            2,
            Decimal(16),
            30,
            False,
            "register",
        ),
        (
            f"LD{yy}-AI",
            "Ứng dụng trí tuệ nhân tạo trong soạn thảo văn bản hành chính",
            "it",
            OrganizerLevel.PROVINCE,
            "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
            None,
            today + dt.timedelta(days=20),
            1,
            Decimal(8),
            40,
            False,
            "",
        ),
    ]
    made = enrolled = 0
    for (
        code,
        title,
        topic,
        level,
        organiser,
        unit,
        start,
        days,
        hours,
        capacity,
        cert,
        what,
    ) in plan:
        course, new = _course(
            topics,
            code,
            title,
            topic,
            level,
            organiser,
            unit,
            "",
            start,
            days,
            hours,
            cert,
            capacity,
        )
        if not new:
            continue
        made += 1
        if level == OrganizerLevel.COMMUNE:
            course.location = "Hội trường UBND xã Đạ Huoai"
            course.save(update_fields=["location"])
        if not what:
            continue
        people = _present_people(course.start_date, unit_codes=["LD-XDH"] if unit else None)
        finished = what == "done" and course.end_date < today
        share = 0.7 if code.endswith("CDS") else 0.5
        chosen = [p for p in people if rng.random() < share][: capacity - 2]
        for i, person in enumerate(chosen):
            details = None
            status = EnrolmentStatus.REGISTERED
            if finished:
                status = EnrolmentStatus.COMPLETED if i % 9 else EnrolmentStatus.NO_SHOW
                if status == EnrolmentStatus.COMPLETED:
                    details = {
                        "completed_on": course.end_date,
                        "result": rng.choice(["Giỏi", "Khá", "Đạt"]),
                        "score": Decimal(rng.randint(65, 95)) / 10,
                    }
                    if cert:
                        details["certificate_number"] = f"{code}-{i + 1:03d}"
                        details["certificate_issued_on"] = min(
                            course.end_date + dt.timedelta(days=5), today
                        )
            services.enrolment_create(course=course, staff=person, status=status, details=details)
            enrolled += 1
    stdout.write(f"  training (present, {year}): courses created {made}, enrolments {enrolled}")


# --- Province benchmark -------------------------------------------------------

PROVINCE_YEARS = range(2020, 2026)
LEVEL_WEIGHTS = [
    (OrganizerLevel.CENTRAL, 5),
    (OrganizerLevel.PROVINCE, 35),
    (OrganizerLevel.DISTRICT, 45),
    (OrganizerLevel.COMMUNE, 15),
]
STATUS_WEIGHTS = [
    (EnrolmentStatus.COMPLETED, 55),
    (EnrolmentStatus.ATTENDED, 30),
    (EnrolmentStatus.FAILED, 3),
    (EnrolmentStatus.NO_SHOW, 6),
    (EnrolmentStatus.WITHDRAWN, 6),
]


def _seed_province(
    rng: random.Random,
    stdout,
    *,
    courses: int = 2_000,
    enrolments: int = 500_000,
    root_code: str = "P",
) -> None:
    root = Unit.objects.filter(code=root_code).first()
    if root is None:
        stdout.write(f"  training: no unit {root_code}, nothing to seed")
        return
    prefix = f"{root_code}-K"
    if Course.objects.filter(code__startswith=prefix).exists():
        stdout.write("  training: benchmark courses already present, skipped")
        return
    topics = list(_topics().values())
    units = {
        u["pk"]: u
        for u in Unit.objects.filter(in_subtree(root)).values(
            "pk", "code", "level", "parent_id", "path"
        )
    }
    staff = list(
        Staff.objects.filter(in_subtree(root, "unit"))
        .order_by("code")
        .values_list("pk", "unit_id", "joined_on", "left_on")
    )
    districts = [pk for pk, u in units.items() if u["level"] == "district"]
    communes = [pk for pk, u in units.items() if u["level"] == "commune"]
    district_of = {
        pk: (pk if u["level"] == "district" else u["parent_id"]) for pk, u in units.items()
    }

    # Per year, the staff employed all year, grouped by unit and by district.
    by_year: dict[int, dict] = {}
    for year in PROVINCE_YEARS:
        start, end = year_period(year)
        groups: dict = {None: []}
        for pk, unit, joined, left in staff:
            if (joined is None or joined <= start) and (left is None or left >= end):
                groups[None].append((pk, unit))
                groups.setdefault(("unit", unit), []).append((pk, unit))
                groups.setdefault(("district", district_of.get(unit)), []).append((pk, unit))
        by_year[year] = groups

    def pool(year: int, key) -> list[tuple[int, int]]:
        return by_year[year].get(key, [])

    pools: dict = {}
    levels, level_weights = zip(*LEVEL_WEIGHTS, strict=True)
    statuses, status_weights = zip(*STATUS_WEIGHTS, strict=True)
    plan = []
    for i in range(courses):
        year = PROVINCE_YEARS[i % len(PROVINCE_YEARS)]
        level = rng.choices(levels, level_weights)[0]
        if level == OrganizerLevel.DISTRICT:
            owner = rng.choice(districts)
            key = (year, owner)
            pools[key] = pool(year, ("district", owner))
        elif level == OrganizerLevel.COMMUNE:
            owner = rng.choice(communes)
            key = (year, owner)
            pools[key] = pool(year, ("unit", owner))
        else:
            owner, key = None, (year, None)
            pools[key] = pool(year, None)
        plan.append((year, level, owner, key))
    # Course sizes: commune classes are small, the others share the rest of the
    # total in proportion to random weights (never more than their pool).
    sizes = [
        min(len(pools[key]), rng.randint(15, 60)) if level == OrganizerLevel.COMMUNE else 0
        for _, level, _, key in plan
    ]
    big = [i for i, (_, level, _, _) in enumerate(plan) if level != OrganizerLevel.COMMUNE]
    remaining = enrolments - sum(sizes)
    weights = [rng.randint(50, 150) for _ in big]
    for i, share in zip(big, _split(remaining, weights), strict=True):
        sizes[i] = share
    overflow = 0
    for i in big:
        cap = len(pools[plan[i][3]])
        if sizes[i] > cap:
            overflow += sizes[i] - cap
            sizes[i] = cap
    for i in big:
        if not overflow:
            break
        room = min(len(pools[plan[i][3]]) - sizes[i], overflow)
        sizes[i] += room
        overflow -= room
    course_rows = []
    for i, ((year, level, owner, _key), size) in enumerate(zip(plan, sizes, strict=True)):
        start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        days = rng.choice([1, 2, 3, 5, 5, 10])
        hours = Decimal(8 * days if days < 10 else 60)
        topic = rng.choice(topics)
        title = f"{topic.name} - lớp {i + 1}"
        owner_unit = units.get(owner) if owner else None
        course_rows.append(
            Course(
                code=f"{prefix}{i + 1:05d}",
                title=title,
                title_key=search_key(title),
                topic=topic,
                kind=CourseKind.REFRESHER,
                organizer_level=level,
                organizer_name=f"UBND {owner_unit['code']}"
                if owner_unit
                else ("Bộ Nội vụ" if level == OrganizerLevel.CENTRAL else "Sở Nội vụ"),
                organizer_unit_id=owner,
                start_date=start,
                end_date=start + dt.timedelta(days=days - 1),
                hours=hours,
                periods=rules.hours_to_periods(hours),
                capacity=size + rng.randint(0, 20),
                mode=rng.choice([CourseMode.IN_PERSON, CourseMode.IN_PERSON, CourseMode.ONLINE]),
                issues_certificate=rng.random() < 0.3,
            )
        )
    Course.objects.bulk_create(course_rows, batch_size=1000)
    ids = dict(Course.objects.filter(code__startswith=prefix).values_list("code", "pk"))
    written = 0
    batch: list[tuple] = []
    for course, (_year, _level, _owner, key), size in zip(course_rows, plan, sizes, strict=True):
        course_id = ids[course.code]
        completed_on = connection.ops.adapt_datefield_value(course.end_date)
        chosen = rng.sample(pools[key], size)
        for (staff_id, unit_id), status in zip(
            chosen, rng.choices(statuses, status_weights, k=size), strict=True
        ):
            batch.append(
                (
                    course_id,
                    staff_id,
                    unit_id,
                    status,
                    completed_on if status == EnrolmentStatus.COMPLETED else None,
                )
            )
        if len(batch) >= 20_000:
            written += _insert_enrolments(batch)
            batch = []
    written += _insert_enrolments(batch)
    stdout.write(f"  training: {len(course_rows)} courses, {written} enrolments")


def _insert_enrolments(rows: list[tuple]) -> int:
    """Insert benchmark enrolments in batches (``executemany``; ``COPY`` on PostgreSQL).

    ``bulk_create`` spends about 100 µs per row compiling SQL in Python
    (measured: 500,000 rows took over a minute on SQLite), so the benchmark
    writes the same rows through the connection's cursor: the columns come
    from the model, the values are adapted by the backend, and it runs inside
    seed_demo's transaction like every other seeder.
    """
    if not rows:
        return 0
    meta = Enrolment._meta
    names = [
        "course",
        "staff",
        "unit",
        "status",
        "completed_on",
        "result",
        "score",
        "certificate_number",
        "certificate_issued_on",
        "sanction_override",
        "override_reason",
        "note",
        "created_at",
        "updated_at",
    ]
    columns = ", ".join(connection.ops.quote_name(meta.get_field(n).column) for n in names)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES "  # noqa: S608
        f"({', '.join(['%s'] * len(names))})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    fixed = ("", None, "", None, False, "", "", now, now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one round trip; executemany would pay one per row.
            table = connection.ops.quote_name(meta.db_table)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + fixed)
            return len(rows)
        if connection.vendor == "sqlite":
            # Four indexes over 500,000 rows outgrow SQLite's default 2 MB page
            # cache and inserts start going to disk; 256 MB for this connection only.
            cursor.execute("PRAGMA cache_size = -262144")
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [row + fixed for row in rows[start : start + 5000]])
    return len(rows)
