"""Demo inspections, findings, corrective actions and disciplinary cases (issue 3).

``scale="demo"``: huyện Đạ Huoai in 2019 (and some 2018): inspections of most
units by the district inspectorate, findings of several categories and
severities, corrective actions (some overdue at the end of 2019), and
disciplinary cases at every stage of the workflow, one of them past its
handling deadline on 31/12/2019. Cases go through ``services`` so their
steps, deadlines and history are real. Idempotent: inspections are matched on
their codes and nothing is added when the 2019 set exists.

``scale="province"``: the benchmark: 100,000 findings over 2019-2024 across
every unit, with proportionate inspections, actions and cases, written with
``bulk_create``; case deadlines come from the same pure rules.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from inspections.casework import rules, services
from inspections.casework.choices import (
    ActionStatus,
    CaseStatus,
    InspectionKind,
    InspectionStatus,
    Severity,
)
from inspections.models import (
    CorrectiveAction,
    DisciplinaryCase,
    DisciplineRegime,
    DisciplineStep,
    Finding,
    FindingCategory,
    Inspection,
)
from staff.choices import StaffCategory, UnitLevel
from staff.models import Staff, Unit

D = dt.date
SEVERITY_WEIGHTS = [
    (Severity.MINOR, 55),
    (Severity.SERIOUS, 30),
    (Severity.VERY_SERIOUS, 12),
    (Severity.EXTREMELY_SERIOUS, 3),
]
KIND_WEIGHTS = [
    (InspectionKind.SCHEDULED, 60),
    (InspectionKind.UNANNOUNCED, 20),
    (InspectionKind.THEMATIC, 15),
    (InspectionKind.FOLLOW_UP, 5),
]
DESCRIPTIONS = {
    "absent": "Vắng mặt tại bộ phận một cửa trong giờ làm việc, không báo cáo lý do.",
    "late-early": "Đến cơ quan sau 7 giờ 30, rời cơ quan trước giờ kết thúc buổi làm việc.",
    "no-badge": "Không đeo thẻ công chức khi tiếp công dân.",
    "attitude": "Có thái độ thiếu tôn trọng, gây phiền hà cho công dân khi hướng dẫn hồ sơ.",
    "late-dossier": "Hồ sơ giải quyết quá hạn so với giấy hẹn, không có văn bản xin lỗi.",
    "extra-documents": "Yêu cầu công dân bổ sung giấy tờ ngoài thành phần hồ sơ đã công bố.",
    "procedures-not-posted": (
        "Bộ thủ tục hành chính niêm yết tại bộ phận một cửa chưa được cập nhật."
    ),
    "schedule-not-kept": "Không thực hiện đúng lịch tiếp công dân đã thông báo.",
    "misuse-property": "Sử dụng xe công vào việc riêng.",
    "false-certification": "Xác nhận hồ sơ cho trường hợp không đủ điều kiện.",
    "shirking": "Né tránh, đùn đẩy trách nhiệm giải quyết kiến nghị của công dân.",
}
ACTION_TEXTS = [
    "Tổ chức kiểm điểm, chấn chỉnh lề lối làm việc của công chức.",
    "Cập nhật, niêm yết lại bộ thủ tục hành chính tại bộ phận một cửa.",
    "Rà soát, giải quyết dứt điểm hồ sơ quá hạn và có văn bản xin lỗi công dân.",
    "Ban hành nội quy, lịch trực bộ phận một cửa và công khai.",
    "Báo cáo kết quả khắc phục bằng văn bản gửi Thanh tra huyện.",
]
# (stage, discovery date, severity, decision form): one case per line; the
# council case discovered in August is the one overdue at the end of 2019.
CASE_PLAN = [
    ("decided", D(2018, 10, 1), Severity.MINOR, "khien_trach"),
    ("decided", D(2019, 3, 12), Severity.SERIOUS, "canh_cao"),
    ("decided", D(2019, 5, 20), Severity.MINOR, "khien_trach"),
    ("decided", D(2019, 7, 8), Severity.SERIOUS, "canh_cao"),
    ("closed_no_action", D(2019, 4, 2), Severity.MINOR, ""),
    ("exempt", D(2019, 6, 14), Severity.SERIOUS, ""),
    ("postponed", D(2019, 9, 10), Severity.SERIOUS, ""),
    ("council", D(2019, 8, 5), Severity.SERIOUS, ""),
    ("council", D(2019, 11, 18), Severity.SERIOUS, ""),
    ("self_review", D(2019, 11, 25), Severity.MINOR, ""),
    ("opened", D(2019, 12, 9), Severity.MINOR, ""),
    ("opened", D(2019, 12, 16), Severity.VERY_SERIOUS, ""),
]
DISCIPLINABLE = (StaffCategory.CADRE, StaffCategory.CIVIL_SERVANT, StaffCategory.PUBLIC_EMPLOYEE)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def seed(*, scale: str, rng: random.Random, stdout, size: int = 1) -> None:
    loaded = services.catalogue_load()
    if any(loaded.values()):
        stdout.write(f"  discipline rules and categories loaded: {loaded}")
    if scale == "province":
        _seed_province(rng, stdout, findings_total=PROVINCE_FINDINGS * size)
    else:
        _seed_demo(rng, stdout)
        _seed_present(stdout)


# --- Demo district ---------------------------------------------------------------------------


def _seed_demo(rng: random.Random, stdout) -> None:
    district = Unit.objects.filter(code="DH").first()
    if district is None:
        stdout.write("  inspections: no Đạ Huoai district, nothing seeded")
        return
    if Inspection.objects.filter(code__startswith="KT-2019-").exists():
        stdout.write("  inspections: demo casework already present")
        return
    units = list(
        district.subtree()
        .exclude(pk=district.pk)
        .filter(level__in=[UnitLevel.DEPARTMENT, UnitLevel.COMMUNE])
    )
    inspectorate = next((u for u in units if u.code == "DH-TT"), None)
    inspectors = (
        list(Staff.objects.filter(unit=inspectorate).order_by("code")) if inspectorate else []
    )
    staff_by_unit: dict[int, list[Staff]] = defaultdict(list)
    for person in Staff.objects.filter(unit__in=units).order_by("code"):
        staff_by_unit[person.unit_id].append(person)
    categories = list(FindingCategory.objects.filter(active=True).order_by("sort_order"))
    hr = get_user_model().objects.filter(username="hr").first()
    targets = [u for u in units if u != inspectorate]
    # "Most units": a few are left out, as in a real annual plan.
    targets = sorted(rng.sample(targets, k=max(1, len(targets) - 3)), key=lambda u: u.code)
    inspections: list[Inspection] = []
    serial = {2018: 0, 2019: 0}
    for unit in targets:
        years = [2019] + ([2018] if rng.random() < 0.35 else [])
        for year in years:
            serial[year] += 1
            start = D(year, rng.randint(1, 11), rng.randint(1, 28))
            inspections.append(_demo_inspection(rng, year, serial[year], unit, start, inspectors))
    # Late-2019 inspections carry the cases still open at the end of the year.
    for i, (_stage, day, _sev, _form) in enumerate(CASE_PLAN):
        unit = targets[(i * 3) % len(targets)]
        serial[day.year] += 1
        inspections.append(
            _demo_inspection(
                rng, day.year, serial[day.year], unit, day - dt.timedelta(days=2), inspectors
            )
        )
    findings = actions = 0
    for inspection in inspections:
        for _ in range(rng.randint(1, 4)):
            finding = _demo_finding(rng, inspection, categories, staff_by_unit)
            findings += 1
            if rng.random() < 0.75:
                _demo_action(rng, finding)
                actions += 1
    cases = 0
    for i, (stage, day, severity, form) in enumerate(CASE_PLAN):
        inspection = inspections[len(inspections) - len(CASE_PLAN) + i]
        people = [
            p
            for p in staff_by_unit[inspection.unit_id]
            if p.category in DISCIPLINABLE and not p.is_leader
        ]
        if not people:
            continue
        person = people[i % len(people)]
        finding = Finding.objects.create(
            inspection=inspection,
            unit=inspection.unit,
            staff=person,
            category=categories[i % len(categories)],
            severity=severity,
            description=DESCRIPTIONS.get(categories[i % len(categories)].code, ""),
            found_on=day,
        )
        findings += 1
        _demo_case(stage, person, finding, day, severity, form, hr)
        cases += 1
    stdout.write(
        f"  inspections: {len(inspections)}, findings: {findings}, corrective actions: "
        f"{actions}, discipline cases: {cases}"
    )


# --- The present day: the communes that succeeded Đạ Huoai's ----------------------------------

PRESENT_UNITS = ["LD-XDH", "LD-XDH2", "LD-XDH3"]
PRESENT_SCOPE = (
    "Kiểm tra công vụ tại Trung tâm Phục vụ hành chính công và các phòng chuyên môn của xã"
)


def _present_code(year: int, n: int) -> str:
    return f"KT-{year}-LD-{n:02d}"


def _seed_present(stdout) -> None:
    """Casework around the day it runs, for every role's list of what is due.

    Per successor commune: a concluded inspection with corrective actions
    overdue, due this month, reported done (to verify) and verified, and an
    inspection in progress; for HR, open cases near their handling deadline
    and near the statute of limitations, one at the council ready to decide,
    one decided this year, and a serious finding with no case yet. Dated from
    ``timezone.localdate()``; idempotent on the inspection codes.
    """
    today = timezone.localdate()
    units = {u.code: u for u in Unit.objects.filter(code__in=PRESENT_UNITS)}
    if len(units) != len(PRESENT_UNITS):
        stdout.write("  inspections (present): no successor communes, skipped")
        return
    if Inspection.objects.filter(code=_present_code(today.year, 1)).exists():
        stdout.write("  inspections (present): already present")
        return
    inspectors = list(Staff.objects.filter(code__startswith="LD-TTR-").order_by("code"))
    categories = {c.code: c for c in FindingCategory.objects.filter(active=True)}
    hr = get_user_model().objects.filter(username="hr").first()
    month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    n = 0
    made = {"inspections": 0, "findings": 0, "actions": 0, "cases": 0}
    people_of = {}
    for code in PRESENT_UNITS:
        unit = units[code]
        people = [
            p
            for p in Staff.objects.filter(unit=unit, status="active").order_by("code")
            if p.category in DISCIPLINABLE and not p.is_leader
        ]
        people_of[code] = people
        n += 1
        start = today - dt.timedelta(days=50 + n)
        done = Inspection.objects.create(
            code=_present_code(today.year, n),
            kind=InspectionKind.SCHEDULED,
            unit=unit,
            start_date=start,
            end_date=start + dt.timedelta(days=3),
            lead_inspector=inspectors[0] if inspectors else None,
            scope=PRESENT_SCOPE,
            status=InspectionStatus.CONCLUDED,
            conclusion="Đơn vị cơ bản chấp hành tốt; còn một số tồn tại cần khắc phục trong tháng.",
            conclusion_number=f"{n:02d}/KL-TTr",
            conclusion_date=start + dt.timedelta(days=10),
        )
        n += 1
        running = Inspection.objects.create(
            code=_present_code(today.year, n),
            kind=InspectionKind.UNANNOUNCED,
            unit=unit,
            start_date=today - dt.timedelta(days=2),
            end_date=None,
            lead_inspector=inspectors[1] if len(inspectors) > 1 else None,
            scope=PRESENT_SCOPE,
            status=InspectionStatus.IN_PROGRESS,
        )
        for inspection in (done, running):
            if len(inspectors) > 2:
                inspection.team.set(inspectors[2:])
        made["inspections"] += 2
        found = done.start_date + dt.timedelta(days=1)
        # (category, severity, action due, action state): the list every role's home reads.
        plan = [
            (
                "procedures-not-posted",
                Severity.MINOR,
                today - dt.timedelta(days=9),
                ActionStatus.OPEN,
            ),
            (
                "late-dossier",
                Severity.SERIOUS,
                min(today + dt.timedelta(days=5), month_end),
                ActionStatus.OPEN,
            ),
            ("no-badge", Severity.MINOR, today - dt.timedelta(days=2), ActionStatus.DONE),
            (
                "schedule-not-kept",
                Severity.MINOR,
                today - dt.timedelta(days=20),
                ActionStatus.VERIFIED,
            ),
        ]
        for i, (category, severity, due, state) in enumerate(plan):
            finding = Finding.objects.create(
                inspection=done,
                unit=unit,
                staff=people[i] if i < 2 and people else None,
                category=categories[category],
                severity=severity,
                description=DESCRIPTIONS[category],
                found_on=found,
            )
            action = CorrectiveAction(
                finding=finding,
                unit=unit,
                description=ACTION_TEXTS[i % len(ACTION_TEXTS)].replace(
                    "Thanh tra huyện", "Thanh tra tỉnh"
                ),
                due_date=max(due, found),
            )
            if state != ActionStatus.OPEN:
                action.status, action.done_on = state, max(found, due - dt.timedelta(days=3))
                action.progress_note = "Đơn vị đã khắc phục, có báo cáo bằng văn bản."
            if state == ActionStatus.VERIFIED:
                action.verified_on = action.done_on + dt.timedelta(days=2)
            action.full_clean()
            action.save()
            made["findings"] += 1
            made["actions"] += 1
        for category, severity in (("attitude", Severity.SERIOUS), ("late-early", Severity.MINOR)):
            Finding.objects.create(
                inspection=running,
                unit=unit,
                staff=people[2 + made["findings"] % 3] if len(people) > 5 else None,
                category=categories[category],
                severity=severity,
                description=DESCRIPTIONS[category],
                found_on=running.start_date + dt.timedelta(days=1),
            )
            made["findings"] += 1
    made["cases"] = _present_cases(today, units, people_of, categories, hr)
    stdout.write(f"  inspections (present, {today:%d/%m/%Y}): {made}")


def _search_day(low: dt.date, high: dt.date, good) -> dt.date:
    """The first day in [low, high] for which ``good(day)`` holds (it flips once); ``high`` if
    none."""
    day = low
    while day < high and not good(day):
        day += dt.timedelta(days=1)
    return day


def _present_cases(today, units, people_of, categories, hr) -> int:
    regimes = list(DisciplineRegime.objects.prefetch_related("forms"))
    cases = 0

    def case_finding(code, person, category, severity, day, inspection=None):
        return Finding.objects.create(
            inspection=inspection,
            unit=units[code],
            staff=person,
            category=categories[category],
            severity=severity,
            description=DESCRIPTIONS[category],
            found_on=day,
        )

    def handling(person, discovered, severity):
        probe = DisciplinaryCase(
            staff=person, violation_date=discovered, discovered_on=discovered, severity=severity
        )
        return services.case_compute(probe, regimes=regimes, suspensions=[]).handling_deadline

    def statute(person, violation, discovered, severity):
        probe = DisciplinaryCase(
            staff=person, violation_date=violation, discovered_on=discovered, severity=severity
        )
        return services.case_compute(probe, regimes=regimes, suspensions=[]).statute_deadline

    note = "Mở hồ sơ theo kết luận kiểm tra công vụ."
    # 1. LD-XDH: at the self-review step, its handling deadline in about a week.
    person = people_of["LD-XDH"][0]
    discovered = _search_day(
        today - dt.timedelta(days=400),
        today,
        lambda d: handling(person, d, Severity.SERIOUS) >= today + dt.timedelta(days=6),
    )
    finding = case_finding("LD-XDH", person, "shirking", Severity.SERIOUS, discovered)
    case = services.case_open(
        staff=person,
        findings=[finding],
        violation_date=discovered - dt.timedelta(days=2),
        discovered_on=discovered,
        severity=Severity.SERIOUS,
        summary=finding.description,
        by=hr,
        note=note,
    )
    services.case_transition(
        case=case,
        to="self_review",
        by=hr,
        on=min(today, discovered + dt.timedelta(days=15)),
        note="Họp kiểm điểm tại chi bộ và cơ quan.",
    )
    cases += 1
    # 2. LD-XDH2: just opened, the statute of limitations ends in about three weeks.
    person = people_of["LD-XDH2"][0]
    discovered = today - dt.timedelta(days=6)
    violation = _search_day(
        today - dt.timedelta(days=3000),
        today,
        lambda v: statute(person, v, discovered, Severity.MINOR) >= today + dt.timedelta(days=20),
    )
    finding = case_finding("LD-XDH2", person, "false-certification", Severity.MINOR, discovered)
    services.case_open(
        staff=person,
        findings=[finding],
        violation_date=violation,
        discovered_on=discovered,
        severity=Severity.MINOR,
        summary=finding.description,
        by=hr,
        note="Mở hồ sơ theo đơn phản ánh; vi phạm xảy ra gần hai năm trước.",
    )
    cases += 1
    # 3. LD-XDH3: the council has met; HR records the decision.
    person = people_of["LD-XDH3"][0]
    discovered = today - dt.timedelta(days=40)
    finding = case_finding("LD-XDH3", person, "misuse-property", Severity.SERIOUS, discovered)
    case = services.case_open(
        staff=person,
        findings=[finding],
        violation_date=discovered - dt.timedelta(days=5),
        discovered_on=discovered,
        severity=Severity.SERIOUS,
        summary=finding.description,
        by=hr,
        note=note,
    )
    case = services.case_transition(
        case=case,
        to="self_review",
        by=hr,
        on=discovered + dt.timedelta(days=10),
        note="Họp kiểm điểm.",
    )
    services.case_transition(
        case=case,
        to="council",
        by=hr,
        on=discovered + dt.timedelta(days=25),
        note="Hội đồng kỷ luật họp, đề nghị hình thức khiển trách.",
    )
    cases += 1
    # 4. LD-XDH: decided earlier in the year, the sanction still in effect.
    person = people_of["LD-XDH"][1]
    discovered = max(dt.date(today.year, 1, 2), today - dt.timedelta(days=120))
    if discovered + dt.timedelta(days=40) <= today:
        finding = case_finding("LD-XDH", person, "attitude", Severity.SERIOUS, discovered)
        case = services.case_open(
            staff=person,
            findings=[finding],
            violation_date=discovered - dt.timedelta(days=3),
            discovered_on=discovered,
            severity=Severity.SERIOUS,
            summary=finding.description,
            by=hr,
            note=note,
        )
        case = services.case_transition(
            case=case,
            to="self_review",
            by=hr,
            on=discovered + dt.timedelta(days=10),
            note="Họp kiểm điểm.",
        )
        case = services.case_transition(
            case=case,
            to="council",
            by=hr,
            on=discovered + dt.timedelta(days=25),
            note="Hội đồng kỷ luật họp, bỏ phiếu kín.",
        )
        services.case_transition(
            case=case,
            by=hr,
            to="decided",
            decision_form="khien_trach",
            decision_number=f"{case.pk:02d}/QĐ-UBND",
            decision_date=discovered + dt.timedelta(days=40),
            decision_signer="Chủ tịch UBND xã Đạ Huoai",
            note="Quyết định kỷ luật.",
        )
        cases += 1
    # 5. LD-XDH2: a serious finding naming someone, no case yet (HR opens one from it).
    person = people_of["LD-XDH2"][1]
    case_finding(
        "LD-XDH2",
        person,
        "extra-documents",
        Severity.SERIOUS,
        today - dt.timedelta(days=3),
        Inspection.objects.filter(
            unit=units["LD-XDH2"], status=InspectionStatus.IN_PROGRESS
        ).first(),
    )
    return cases


def _demo_inspection(rng, year, number, unit, start, inspectors) -> Inspection:
    end = start + dt.timedelta(days=rng.randint(1, 5))
    concluded = end <= D(2019, 12, 20)
    inspection = Inspection.objects.create(
        code=f"KT-{year}-{number:03d}",
        kind=_weighted(rng, KIND_WEIGHTS),
        unit=unit,
        start_date=start,
        end_date=end,
        lead_inspector=inspectors[0] if inspectors else None,
        scope=(
            "Kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính và thực hiện thủ tục hành chính"
        ),
        status=InspectionStatus.CONCLUDED if concluded else InspectionStatus.IN_PROGRESS,
        conclusion="Đơn vị cơ bản chấp hành tốt; còn một số tồn tại cần khắc phục."
        if concluded
        else "",
        conclusion_number=f"{number:02d}/KL-TTr" if concluded else "",
        conclusion_date=end + dt.timedelta(days=7) if concluded else None,
    )
    if len(inspectors) > 1:
        inspection.team.set(rng.sample(inspectors[1:], k=min(2, len(inspectors) - 1)))
    return inspection


def _demo_finding(rng, inspection, categories, staff_by_unit) -> Finding:
    category = rng.choice(categories)
    people = staff_by_unit.get(inspection.unit_id) or []
    return Finding.objects.create(
        inspection=inspection,
        unit=inspection.unit,
        staff=rng.choice(people) if people and rng.random() < 0.7 else None,
        category=category,
        severity=_weighted(rng, SEVERITY_WEIGHTS),
        description=DESCRIPTIONS.get(category.code, category.name),
        found_on=inspection.start_date + dt.timedelta(days=rng.randint(0, 2)),
        substantiated=rng.random() < 0.9,
    )


def _demo_action(rng, finding) -> CorrectiveAction:
    due = finding.found_on + dt.timedelta(days=rng.choice([15, 30, 45, 60, 90]))
    action = CorrectiveAction(
        finding=finding, unit=finding.unit, description=rng.choice(ACTION_TEXTS), due_date=due
    )
    year_end = D(2019, 12, 31)
    roll = rng.random()
    if due < year_end and roll < 0.55:
        action.status, action.done_on = (
            ActionStatus.VERIFIED,
            due - dt.timedelta(days=rng.randint(0, 10)),
        )
        action.verified_on = min(action.done_on + dt.timedelta(days=rng.randint(3, 20)), year_end)
        action.progress_note = "Đơn vị đã khắc phục, có báo cáo bằng văn bản."
    elif due < year_end and roll < 0.75:
        action.status, action.done_on = (
            ActionStatus.DONE,
            min(due + dt.timedelta(days=rng.randint(-5, 20)), year_end),
        )
        action.progress_note = "Đã hoàn thành, chờ Thanh tra huyện xác minh."
    action.done_on = max(action.done_on, finding.found_on) if action.done_on else None
    action.full_clean()
    action.save()
    return action


def _demo_case(stage, person, finding, day, severity, form, hr) -> DisciplinaryCase:
    case = services.case_open(
        staff=person,
        findings=[finding],
        violation_date=day - dt.timedelta(days=3),
        discovered_on=day,
        severity=severity,
        summary=finding.description,
        by=hr,
        note="Mở hồ sơ theo kết luận kiểm tra công vụ.",
    )
    step = dict(case=case, by=hr)
    if stage == "opened":
        return case
    if stage == "postponed":
        case = services.case_transition(
            **step, to="self_review", on=day + dt.timedelta(days=7), note="Họp kiểm điểm."
        )
        return services.case_transition(
            case=case,
            by=hr,
            to="postponed",
            on=day + dt.timedelta(days=14),
            deferral_reason="illness",
            note="Đang điều trị nội trú, có giấy xác nhận của bệnh viện.",
        )
    if stage == "closed_no_action":
        case = services.case_transition(
            **step, to="self_review", on=day + dt.timedelta(days=7), note="Họp kiểm điểm."
        )
        return services.case_transition(
            case=case,
            by=hr,
            to="closed_no_action",
            on=day + dt.timedelta(days=20),
            note="Kiểm điểm cho thấy vi phạm do lỗi hệ thống phần mềm một cửa, không do cá nhân.",
        )
    case = services.case_transition(
        **step, to="self_review", on=day + dt.timedelta(days=10), note="Họp kiểm điểm."
    )
    if stage == "self_review":
        return case
    case = services.case_transition(
        case=case,
        by=hr,
        to="council",
        on=day + dt.timedelta(days=25),
        note="Hội đồng kỷ luật họp, bỏ phiếu kín.",
    )
    if stage == "council":
        return case
    if stage == "exempt":
        return services.case_transition(
            case=case,
            by=hr,
            to="exempt",
            on=day + dt.timedelta(days=30),
            exemption_reason="superior_order",
            note="Thực hiện chỉ đạo của cấp trên đã báo cáo bằng văn bản.",
        )
    return services.case_transition(
        case=case,
        by=hr,
        to="decided",
        decision_form=form,
        decision_number=f"{case.pk:02d}/QĐ-UBND",
        decision_date=day + dt.timedelta(days=40),
        decision_signer="Chủ tịch UBND huyện Đạ Huoai",
        note="Quyết định kỷ luật.",
    )


# --- Province benchmark ---------------------------------------------------------------------------

PROVINCE_FINDINGS = 100_000
PROVINCE_YEARS = range(2019, 2025)


def _insert_rows(model, columns: list[str], rows, batch: int = 5000) -> int:
    """INSERT plain tuples with ``executemany``.

    The benchmark writes ~300,000 rows; building model instances and letting
    ``bulk_create`` prepare every value costs most of the time, so the rows
    are produced as tuples of values already adapted for the database.
    """
    quote = connection.ops.quote_name
    # Table and column names come from model metadata and fixed lists, never from input.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    count = 0
    chunk: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def _seed_province(rng: random.Random, stdout, findings_total: int = PROVINCE_FINDINGS) -> None:
    if Inspection.objects.filter(code__startswith="PKT-").exists():
        stdout.write("  inspections: province casework already present")
        return
    root = Unit.objects.filter(code="P").first()
    unit_qs = root.subtree() if root else Unit.objects.all()
    units = list(
        unit_qs.filter(level__in=[UnitLevel.DEPARTMENT, UnitLevel.COMMUNE]).values_list(
            "pk", flat=True
        )
    ) or list(unit_qs.values_list("pk", flat=True))
    staff_by_unit: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
    for pk, unit_id, category, leader in Staff.objects.filter(unit_id__in=units).values_list(
        "pk", "unit_id", "category", "is_leader"
    ):
        staff_by_unit[unit_id].append((pk, category, leader))
    categories = list(FindingCategory.objects.values_list("pk", flat=True))
    severities, sev_weights = zip(*SEVERITY_WEIGHTS, strict=True)
    kinds, kind_weights = zip(*KIND_WEIGHTS, strict=True)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value
    per_inspection = 4

    def inspection_rows():
        for n in range(findings_total // per_inspection):
            year = PROVINCE_YEARS[n % len(PROVINCE_YEARS)]
            start = D(year, 1, 1) + dt.timedelta(days=rng.randint(0, 350))
            yield (
                f"PKT-{year}-{n:06d}",
                rng.choices(kinds, kind_weights)[0],
                units[n % len(units)],
                day(start),
                day(start + dt.timedelta(days=rng.randint(1, 5))),
                "",
                InspectionStatus.CONCLUDED,
                "",
                "",
                day(start + dt.timedelta(days=10)),
                now,
                now,
            )

    made = _insert_rows(
        Inspection,
        [
            "code",
            "kind",
            "unit_id",
            "start_date",
            "end_date",
            "scope",
            "status",
            "conclusion",
            "conclusion_number",
            "conclusion_date",
            "created_at",
            "updated_at",
        ],
        inspection_rows(),
    )
    inspections = (
        Inspection.objects.filter(code__startswith="PKT-")
        .values_list("pk", "unit_id", "start_date")
        .order_by("pk")
    )

    def finding_rows():
        for pk, unit_id, start in inspections.iterator(chunk_size=5000):
            people = staff_by_unit.get(unit_id, [])
            for _ in range(per_inspection):
                person = rng.choice(people) if people and rng.random() < 0.6 else None
                yield (
                    pk,
                    unit_id,
                    person[0] if person else None,
                    rng.choice(categories),
                    rng.choices(severities, sev_weights)[0],
                    "Vi phạm kỷ luật, kỷ cương hành chính",
                    day(start + dt.timedelta(days=rng.randint(0, 2))),
                    rng.random() < 0.9,
                    now,
                    now,
                    "",
                )

    found = _insert_rows(
        Finding,
        [
            "inspection_id",
            "unit_id",
            "staff_id",
            "category_id",
            "severity",
            "description",
            "found_on",
            "substantiated",
            "created_at",
            "updated_at",
            "case_proposal_note",
        ],
        finding_rows(),
    )
    case_rows = []
    rows = Finding.objects.filter(inspection__code__startswith="PKT-").values_list(
        "pk", "unit_id", "staff_id", "severity", "found_on"
    )

    def action_rows():
        for pk, unit_id, staff_id, severity, found_on in rows.iterator(chunk_size=5000):
            if staff_id and severity != Severity.MINOR and rng.random() < 0.12:
                case_rows.append((pk, unit_id, staff_id, severity, found_on))
            if rng.random() >= 0.6:
                continue
            due = found_on + dt.timedelta(days=rng.choice([30, 60, 90]))
            roll = rng.random()
            status = (
                ActionStatus.VERIFIED
                if roll < 0.6
                else ActionStatus.DONE
                if roll < 0.8
                else ActionStatus.OPEN
            )
            done = (
                max(due - dt.timedelta(days=rng.randint(-20, 10)), found_on)
                if status != ActionStatus.OPEN
                else None
            )
            verified = done + dt.timedelta(days=7) if status == ActionStatus.VERIFIED else None
            yield (
                pk,
                unit_id,
                ACTION_TEXTS[pk % len(ACTION_TEXTS)],
                day(due),
                status,
                "",
                day(done) if done else None,
                day(verified) if verified else None,
                now,
                now,
            )

    acted = _insert_rows(
        CorrectiveAction,
        [
            "finding_id",
            "unit_id",
            "description",
            "due_date",
            "status",
            "progress_note",
            "done_on",
            "verified_on",
            "created_at",
            "updated_at",
        ],
        action_rows(),
    )
    cases = _province_cases(rng, case_rows, staff_by_unit)
    stdout.write(
        f"  province inspections: {made}, findings: {found}, actions: {acted}, cases: {cases}"
    )


def _province_cases(rng: random.Random, case_rows, staff_by_unit) -> int:
    regimes = list(DisciplineRegime.objects.prefetch_related("forms"))
    rule_of = {r.key: services.regime_rule(r) for r in regimes}
    forms_of = {r.key: [services.form_rule(f) for f in r.forms.all()] for r in regimes}
    category_of = {
        pk: (category, leader)
        for people in staff_by_unit.values()
        for pk, category, leader in people
    }
    statuses = [
        CaseStatus.OPENED,
        CaseStatus.SELF_REVIEW,
        CaseStatus.COUNCIL,
        CaseStatus.DECIDED,
        CaseStatus.DECIDED,
        CaseStatus.DECIDED,
        CaseStatus.CLOSED_NO_ACTION,
        CaseStatus.EXEMPT,
    ]
    cases, finding_ids, steps, sanctions = [], [], [], {}
    for finding_id, unit_id, staff_id, severity, found_on in case_rows:
        category, leader = category_of.get(staff_id, (StaffCategory.CONTRACT, False))
        regime = rules.pick_regime(rule_of.values(), category, found_on)
        if regime is None:
            continue
        statute = rules.statute_deadline(
            regime, severity=severity, violation_date=found_on, discovered_on=found_on
        )
        handling = rules.handling_deadline(regime, discovered_on=found_on)
        status = rng.choice(statuses)
        case = DisciplinaryCase(
            staff_id=staff_id,
            unit_id=unit_id,
            violation_date=found_on,
            discovered_on=found_on,
            opened_on=found_on,
            severity=severity,
            status=status,
            regime=regime.code,
            regime_rule_id=next(r.pk for r in regimes if r.key == regime.key),
            statute_deadline=statute.value,
            statute_explanation=statute.explanation,
            handling_base_deadline=handling.base,
            handling_deadline=handling.deadline,
            handling_explanation=handling.explanation,
        )
        if status == CaseStatus.DECIDED:
            decided_on = found_on + dt.timedelta(days=rng.randint(20, 110))
            decision_regime = rules.pick_regime(rule_of.values(), category, decided_on) or regime
            form = "khien_trach" if rng.random() < 0.6 else "canh_cao"
            try:
                rule = rules.check_form(
                    forms_of[decision_regime.key],
                    form=form,
                    category=category,
                    is_leader=leader,
                    regime_code=decision_regime.code,
                )
            except rules.RuleError:
                continue
            effect = rules.effect_end(decided_on, rule)
            case.decision_form, case.decision_date = form, decided_on
            case.decision_number = f"{rng.randint(1, 999)}/QĐ"
            case.effect_ends_on, case.salary_delay_months = effect.value, rule.salary_delay_months
            case.effect_explanation = effect.explanation
            if effect.value and effect.value > sanctions.get(staff_id, D.min):
                sanctions[staff_id] = effect.value
        elif status == CaseStatus.EXEMPT:
            case.exemption_reason = "force_majeure"
        cases.append(case)
        finding_ids.append(finding_id)
    DisciplinaryCase.objects.bulk_create(cases, batch_size=2000)
    through = DisciplinaryCase.findings.through
    links = [
        through(disciplinarycase_id=c.pk, finding_id=f)
        for c, f in zip(cases, finding_ids, strict=True)
    ]
    through.objects.bulk_create(links, batch_size=5000)
    for case in cases:
        steps.append(
            DisciplineStep(
                case_id=case.pk, from_status="", to_status=CaseStatus.OPENED, on=case.opened_on
            )
        )
        if case.status != CaseStatus.OPENED:
            steps.append(
                DisciplineStep(
                    case_id=case.pk,
                    from_status=CaseStatus.OPENED,
                    to_status=case.status,
                    on=case.decision_date or case.opened_on,
                    note="benchmark",
                )
            )
    DisciplineStep.objects.bulk_create(steps, batch_size=5000)
    by_date = defaultdict(list)
    for staff_id, until in sanctions.items():
        by_date[until].append(staff_id)
    for until, ids in by_date.items():
        Staff.objects.filter(pk__in=ids).update(sanction_until=until)
    return len(cases)
