"""Demo citizen feedback: Đạ Huoai in 2019, and the province-scale benchmark set.

``scale="demo"``: about 70 feedback items about the district's one-stop
counters in 2019, entered through the same services as the public form and
triaged by the demo inspector, so every status appears (received, under
review, substantiated with a finding, unsubstantiated, referred, closed),
with formal petitions and anonymous reference information. Idempotent: it
does nothing when the district already has 2019 feedback.

It also adds feedback waiting for an answer in the communes that succeeded
Đạ Huoai's, received in the days before the one it runs (``_seed_present``).

``scale="province"``: 50,000 feedback items over 2019-2024 for the
benchmark province, written with ``bulk_create`` (no per-row services: the
rules are applied in memory with one calendar load).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.workdays import load_calendar, seed_vietnam_holidays
from inspections.feedback import rules, services
from inspections.feedback.choices import FeedbackChannel, FeedbackStatus
from inspections.feedback.models import CitizenFeedback, FeedbackCategory, FeedbackResponseTarget
from staff.choices import UnitLevel
from staff.demo import random_name
from staff.models import Staff, Unit

PROVINCE_COUNT = 50_000

STORIES = {
    "attitude": [
        (
            "Cán bộ tiếp nhận hồ sơ tại bộ phận một cửa nói năng cộc cằn, không hướng dẫn mà "
            "bảo tôi tự tìm hiểu."
        ),
        "Khi tôi hỏi lại thủ tục, công chức quát và yêu cầu ra ngoài chờ, thái độ hách dịch.",
        "Cán bộ vừa làm việc vừa dùng điện thoại, để người dân chờ lâu mà không giải thích.",
    ],
    "late_dossier": [
        (
            "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất đã quá hẹn hai tuần nhưng chưa có kết "
            "quả, không có thư xin lỗi."
        ),
        "Hồ sơ đăng ký hộ kinh doanh trễ hẹn, gọi điện hỏi thì được trả lời là chưa ký.",
    ],
    "extra_documents": [
        (
            "Bộ phận một cửa yêu cầu nộp thêm giấy xác nhận của thôn, không có trong danh mục "
            "thủ tục niêm yết."
        ),
        (
            "Khi làm thủ tục khai sinh, cán bộ yêu cầu bản sao có chứng thực sổ hộ khẩu dù quy "
            "định không cần."
        ),
    ],
    "absent": [
        (
            "Đến làm việc lúc 9 giờ sáng thứ Ba nhưng không có cán bộ địa chính tại phòng làm "
            "việc, không có ai thay."
        ),
    ],
    "hours": [
        "Mới 16 giờ 15 phút bộ phận một cửa đã đóng cửa, không nhận hồ sơ.",
        "Buổi sáng đến 8 giờ 30 cán bộ vẫn chưa có mặt tại quầy.",
    ],
    "badge": ["Cán bộ tại quầy số 2 không đeo thẻ công chức nên tôi không biết tên để phản ánh."],
    "procedures": [
        (
            "Bảng niêm yết thủ tục hành chính ở trụ sở đã cũ, phí và lệ phí ghi không đúng với "
            "thực tế thu."
        )
    ],
    "money": ['Cán bộ gợi ý nộp thêm tiền "bồi dưỡng" để hồ sơ được giải quyết nhanh hơn.'],
    "other": ["Nhà vệ sinh khu tiếp dân hỏng lâu ngày, không có ghế cho người chờ."],
}
ANSWERS = {
    FeedbackStatus.SUBSTANTIATED: (
        "Qua xác minh, nội dung phản ánh là đúng. UBND đã chấn chỉnh, yêu cầu cán bộ kiểm điểm "
        "và xin lỗi người dân."
    ),
    FeedbackStatus.UNSUBSTANTIATED: (
        "Qua xác minh camera và sổ theo dõi, nội dung phản ánh không có cơ sở. Cảm ơn ông/bà đã "
        "quan tâm giám sát."
    ),
    FeedbackStatus.REFERRED: (
        "Nội dung thuộc thẩm quyền của cơ quan khác; đã chuyển đến cơ quan có thẩm quyền giải "
        "quyết."
    ),
}
# Share of each outcome among the 2019 demo items (the rest stay open late in the year).
OUTCOMES = [
    (FeedbackStatus.SUBSTANTIATED, 0.30),
    (FeedbackStatus.UNSUBSTANTIATED, 0.25),
    (FeedbackStatus.REFERRED, 0.08),
    (FeedbackStatus.CLOSED, 0.22),
    (FeedbackStatus.UNDER_REVIEW, 0.08),
    (FeedbackStatus.RECEIVED, 0.07),
]


def seed(*, scale: str, rng: random.Random, stdout, size: int = 1) -> None:
    rng = random.Random(rng.random())  # our own stream: other seeders' draws do not shift ours
    if scale == "province":
        _seed_province(rng, stdout, total=PROVINCE_COUNT * size)
    else:
        _seed_demo(rng, stdout)
        _seed_present(stdout)


def _pick_status(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for status, share in OUTCOMES:
        total += share
        if roll < total:
            return status
    return FeedbackStatus.CLOSED


def _identity(rng: random.Random, unit: Unit) -> dict[str, str]:
    name, _gender = random_name(rng)
    village = f"Thôn {rng.randint(1, 9)}, {unit.name}"
    return {
        "reporter_name": name,
        "reporter_address": village,
        "reporter_phone": f"09{rng.randint(10_000_000, 99_999_999)}",
        "reporter_email": rng.choice(["", "", f"nguoidan{rng.randint(100, 999)}@example.vn"]),
    }


def _seed_demo(rng: random.Random, stdout) -> None:
    units = list(
        Unit.objects.filter(
            code__startswith="DH-", level__in=[UnitLevel.COMMUNE, UnitLevel.DEPARTMENT]
        ).order_by("path")
    )
    if not units:
        stdout.write("  feedback: no Đạ Huoai units, skipped")
        return
    if CitizenFeedback.objects.filter(unit__in=units, received_on__year=2019).exists():
        stdout.write("  feedback: 2019 demo feedback already present")
        return
    seed_vietnam_holidays(range(2019, 2021))
    inspector = get_user_model().objects.filter(username="inspector").first()
    categories = {c.code: c for c in FeedbackCategory.objects.select_related("finding_category")}
    communes = [u for u in units if u.level == UnitLevel.COMMUNE]
    staff_by_unit: dict[int, list[Staff]] = {}
    for member in Staff.objects.filter(unit__in=units, position__icontains="một cửa").only(
        "pk", "unit_id", "full_name"
    ):
        staff_by_unit.setdefault(member.unit_id, []).append(member)
    count, findings = 0, 0
    for _ in range(72):
        # Most complaints are about the communes' one-stop counters.
        unit = rng.choice(communes) if rng.random() < 0.8 else rng.choice(units)
        code = rng.choice(list(STORIES))
        received = timezone.make_aware(
            dt.datetime.combine(
                dt.date(2019, rng.randint(1, 12), rng.randint(1, 28)),
                dt.time(rng.randint(7, 20), rng.randint(0, 59)),
            )
        )
        staff = (
            rng.choice(staff_by_unit[unit.pk])
            if unit.pk in staff_by_unit and rng.random() < 0.5
            else None
        )
        identity = _identity(rng, unit) if rng.random() < 0.55 else {}
        if identity and rng.random() < 0.1:
            identity["reporter_phone"] = ""  # a name without a phone stays reference information
        feedback = services.feedback_submit(
            unit=unit,
            category=categories.get(code),
            description=rng.choice(STORIES[code]),
            incident_date=(received - dt.timedelta(days=rng.randint(0, 5))).date(),
            staff_name=staff.full_name
            if staff
            else rng.choice(["", "", "Cán bộ quầy số 1", "Anh cán bộ địa chính"]),
            channel=rng.choice([FeedbackChannel.WEB, FeedbackChannel.WEB, FeedbackChannel.COUNTER]),
            received_at=received,
            **identity,
        )
        count += 1
        if staff:
            CitizenFeedback.objects.filter(pk=feedback.pk).update(staff=staff)
            feedback.staff = staff
        status = (
            _pick_status(rng)
            if received.month < 12
            else rng.choice([FeedbackStatus.RECEIVED, FeedbackStatus.UNDER_REVIEW])
        )
        findings += _triage(feedback, status, inspector, rng, categories)
    stdout.write(f"  feedback: {count} items of 2019 ({findings} led to findings)")


def _triage(
    feedback: CitizenFeedback, status: str, inspector, rng: random.Random, categories
) -> int:
    """Walk one feedback to ``status`` through the services, on realistic dates; returns findings
    made."""
    if status == FeedbackStatus.RECEIVED:
        return 0
    day = feedback.received_on + dt.timedelta(days=rng.randint(0, 3))
    services.feedback_assign(feedback=feedback, assignee=inspector, user=inspector, today=day)
    services.feedback_transition(
        feedback=feedback, to=FeedbackStatus.UNDER_REVIEW, user=inspector, today=day
    )
    if status == FeedbackStatus.UNDER_REVIEW:
        return 0
    # Nine in ten answers come within the target; the rest late.
    answer_day = day + dt.timedelta(
        days=rng.randint(3, 18) if rng.random() < 0.9 else rng.randint(25, 40)
    )
    conclusion = (
        status
        if status != FeedbackStatus.CLOSED
        else rng.choice([FeedbackStatus.SUBSTANTIATED, FeedbackStatus.UNSUBSTANTIATED])
    )
    made = 0
    category = feedback.category.finding_category if feedback.category_id else None
    if conclusion == FeedbackStatus.SUBSTANTIATED and category is not None:
        services.feedback_create_finding(
            feedback=feedback,
            user=inspector,
            severity=rng.choice(["minor", "minor", "serious"]),
            public_answer=ANSWERS[conclusion],
            today=answer_day,
            found_on=answer_day,
        )
        made = 1
    else:
        services.feedback_transition(
            feedback=feedback,
            to=conclusion,
            user=inspector,
            today=answer_day,
            public_answer=ANSWERS[conclusion],
        )
    if status == FeedbackStatus.CLOSED:
        services.feedback_transition(
            feedback=feedback,
            to=FeedbackStatus.CLOSED,
            user=inspector,
            today=answer_day + dt.timedelta(days=7),
        )
    return made


PRESENT_UNITS = ["LD-XDH", "LD-XDH2", "LD-XDH3"]
# (days before today, hour, minute, formal petition, what the inspector has done so far)
PRESENT_PLAN = [
    (1, 16, 42, True, FeedbackStatus.RECEIVED),
    (3, 10, 5, False, FeedbackStatus.RECEIVED),
    (5, 8, 20, True, FeedbackStatus.UNDER_REVIEW),
    (12, 14, 10, True, FeedbackStatus.UNDER_REVIEW),
    (40, 9, 35, True, FeedbackStatus.RECEIVED),  # past its due date, even across Tết
    (20, 15, 0, True, FeedbackStatus.UNSUBSTANTIATED),
]


def _seed_present(stdout) -> None:
    """Feedback of the last weeks in the successor communes, most of it still to answer.

    Received, under review, one past its due date and one answered, per
    commune, dated from ``timezone.localdate()``; idempotent: nothing is added
    when these communes already have feedback.
    """
    units = list(Unit.objects.filter(code__in=PRESENT_UNITS).order_by("code"))
    if not units:
        stdout.write("  feedback (present): no successor communes, skipped")
        return
    if CitizenFeedback.objects.filter(unit__in=units).exists():
        stdout.write("  feedback (present): already present")
        return
    rng = random.Random("present-feedback")
    today = timezone.localdate()
    seed_vietnam_holidays(range(today.year - 1, today.year + 2))
    inspector = get_user_model().objects.filter(username="inspector").first()
    categories = {c.code: c for c in FeedbackCategory.objects.select_related("finding_category")}
    count = 0
    for index, unit in enumerate(units):
        counter = list(
            Staff.objects.filter(unit=unit, position__icontains="một cửa").order_by("code")
        )
        for days, hour, minute, formal, status in PRESENT_PLAN:
            code = rng.choice(list(STORIES))
            moment = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(hour, minute))
            received = timezone.make_aware(moment + dt.timedelta(minutes=47 * index))
            identity = _identity(rng, unit) if formal else {}
            staff = counter[count % len(counter)] if counter and rng.random() < 0.5 else None
            feedback = services.feedback_submit(
                unit=unit,
                category=categories.get(code),
                description=rng.choice(STORIES[code]),
                incident_date=received.date() - dt.timedelta(days=1),
                staff_name=staff.full_name if staff else "",
                channel=FeedbackChannel.WEB,
                received_at=received,
                **identity,
            )
            if staff:
                CitizenFeedback.objects.filter(pk=feedback.pk).update(staff=staff)
            count += 1
            if status == FeedbackStatus.RECEIVED or inspector is None:
                continue
            day = received.date() + dt.timedelta(days=1)
            services.feedback_assign(
                feedback=feedback, assignee=inspector, user=inspector, today=day
            )
            services.feedback_transition(
                feedback=feedback, to=FeedbackStatus.UNDER_REVIEW, user=inspector, today=day
            )
            if status != FeedbackStatus.UNDER_REVIEW:
                services.feedback_transition(
                    feedback=feedback,
                    to=status,
                    user=inspector,
                    today=day + dt.timedelta(days=6),
                    public_answer=ANSWERS[status],
                )
    stdout.write(f"  feedback (present): {count} items in {len(units)} communes")


def _seed_province(rng: random.Random, stdout, total: int | None = None) -> None:
    total = PROVINCE_COUNT if total is None else total
    units = list(
        Unit.objects.filter(
            code__startswith="P-", level__in=[UnitLevel.COMMUNE, UnitLevel.DEPARTMENT]
        ).only("pk", "name")
    )
    if not units:
        stdout.write("  feedback: no province units, skipped")
        return
    existing = CitizenFeedback.objects.filter(unit__in=units).count()
    if existing >= total:
        stdout.write(f"  feedback: {existing} province items already present")
        return
    first, last = dt.date(2019, 1, 1), dt.date(2024, 12, 31)
    seed_vietnam_holidays(range(first.year, last.year + 2))
    calendar = load_calendar(first, last + dt.timedelta(days=120))
    working_days = FeedbackResponseTarget.working_days_on(first)
    categories = list(FeedbackCategory.objects.all())
    stories = [text for texts in STORIES.values() for text in texts]
    span = (last - first).days
    answered = [
        FeedbackStatus.SUBSTANTIATED,
        FeedbackStatus.UNSUBSTANTIATED,
        FeedbackStatus.REFERRED,
        FeedbackStatus.CLOSED,
    ]
    rows = []
    for _ in range(total - existing):
        unit = rng.choice(units)
        received_on = first + dt.timedelta(days=rng.randint(0, span))
        received_at = timezone.make_aware(
            dt.datetime.combine(received_on, dt.time(rng.randint(7, 20), rng.randint(0, 59)))
        )
        formal = rng.random() < 0.5
        identity = _identity(rng, unit) if formal else {}
        due = rules.response_due(
            received_on, is_formal=formal, working_days=working_days, calendar=calendar
        )
        status = (
            rng.choice(answered)
            if received_on.year < last.year or rng.random() < 0.7
            else rng.choice([FeedbackStatus.RECEIVED, FeedbackStatus.UNDER_REVIEW])
        )
        resolved = (
            received_on
            + dt.timedelta(days=rng.randint(5, 20) if rng.random() < 0.85 else rng.randint(21, 60))
            if status in answered
            else None
        )
        substantiated = {
            FeedbackStatus.SUBSTANTIATED: True,
            FeedbackStatus.UNSUBSTANTIATED: False,
        }.get(status, rng.choice([True, False, None]) if status == FeedbackStatus.CLOSED else None)
        rows.append(
            CitizenFeedback(
                tracking_code=rules.generate_tracking_code(),
                unit=unit,
                category=rng.choice(categories),
                description=rng.choice(stories),
                channel=FeedbackChannel.WEB,
                received_at=received_at,
                received_on=received_on,
                response_due=due,
                is_formal=formal,
                status=status,
                substantiated=substantiated,
                resolved_on=resolved,
                public_answer=ANSWERS.get(status, "") if resolved else "",
                **identity,
            )
        )
    CitizenFeedback.objects.bulk_create(rows, batch_size=2000)
    stdout.write(f"  feedback: {len(rows)} province items over {first.year}-{last.year}")
