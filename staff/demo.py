"""Demo units, roster and users: huyện Đạ Huoai, tỉnh Lâm Đồng, as of 2019.

``seed(scale="demo")`` builds the district of the seed article (10 commune-level
units and its specialised departments) with a realistic roster, plus the
post-2025 communes that succeeded it, and the demo users of docs/contract.md.
Since 2025 the communes have no district above them: the demo also staffs
the three successor communes and the provincial inspectorate for the present
day (``_seed_present``, its own random stream, people who joined their unit on
the reform date or later, so nothing of 2019 moves).
``seed(scale="province")`` builds the benchmark province: about 300 units and
50,000 staff with bulk inserts. Both are deterministic for a given ``rng``.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from core.text import nfc, search_key
from staff.choices import Gender, StaffCategory, StaffStatus, UnitLevel
from staff.models import Staff, Unit, UnitHead
from staff.roles import ensure_roles

PROVINCE = ("LD", "Tỉnh Lâm Đồng")
DISTRICT = ("DH", "Huyện Đạ Huoai")
DEPARTMENTS = [
    ("DH-VP", "Văn phòng HĐND và UBND huyện"),
    ("DH-NV", "Phòng Nội vụ"),
    ("DH-TP", "Phòng Tư pháp"),
    ("DH-TCKH", "Phòng Tài chính - Kế hoạch"),
    ("DH-TNMT", "Phòng Tài nguyên và Môi trường"),
    ("DH-TT", "Thanh tra huyện"),
    ("DH-KTHT", "Phòng Kinh tế - Hạ tầng"),
    ("DH-NN", "Phòng Nông nghiệp và Phát triển nông thôn"),
    ("DH-GD", "Phòng Giáo dục và Đào tạo"),
    ("DH-VHTT", "Phòng Văn hóa và Thông tin"),
    ("DH-LD", "Phòng Lao động - Thương binh và Xã hội"),
    ("DH-YT", "Phòng Y tế"),
]
COMMUNES = [
    ("DH-TTMDG", "Thị trấn Mađaguôi"),
    ("DH-TTDMR", "Thị trấn Đạ M'ri"),
    ("DH-XMDG", "Xã Mađaguôi"),
    ("DH-XDMR", "Xã Đạ M'ri"),
    ("DH-XHL", "Xã Hà Lâm"),
    ("DH-XDO", "Xã Đạ Oai"),
    ("DH-XDT", "Xã Đạ Tồn"),
    ("DH-XDK", "Xã Đoàn Kết"),
    ("DH-XPL", "Xã Phước Lộc"),
    ("DH-XDPL", "Xã Đạ P'Loa"),
]
# Since 2025-07-01 there is no district tier: the communes above were merged
# into new communes directly under the province (illustrative mapping).
REFORM_DATE = dt.date(2025, 7, 1)
SUCCESSORS = [
    ("LD-XDH", "Xã Đạ Huoai", ["DH-TTMDG", "DH-XMDG", "DH-XDO"]),
    ("LD-XDH2", "Xã Đạ Huoai 2", ["DH-TTDMR", "DH-XDMR", "DH-XDT", "DH-XDK"]),
    ("LD-XDH3", "Xã Đạ Huoai 3", ["DH-XHL", "DH-XPL", "DH-XDPL"]),
]

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trương",
    "Lâm",
    "Mai",
]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Xuân", "Công", "Đình", "Ngọc"]
MIDDLE_F = ["Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Hồng", "Phương", "Bích", "Thùy"]
GIVEN_M = [
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Định",
]
GIVEN_F = [
    "Ánh",
    "Anh",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngọc",
    "Phương",
    "Tâm",
    "Thảo",
    "Trang",
    "Vân",
    "Yến",
    "Nhung",
    "Duyên",
    "Oanh",
]

COMMUNE_POSTS = [
    # (position, category, is_leader)
    ("Bí thư Đảng ủy", StaffCategory.CADRE, True),
    ("Chủ tịch HĐND", StaffCategory.CADRE, True),
    ("Chủ tịch UBND", StaffCategory.CADRE, True),
    ("Phó Chủ tịch UBND", StaffCategory.CADRE, True),
    ("Chủ tịch Ủy ban MTTQ", StaffCategory.CADRE, True),
    ("Bí thư Đoàn TNCS Hồ Chí Minh", StaffCategory.CADRE, False),
    ("Chủ tịch Hội Liên hiệp Phụ nữ", StaffCategory.CADRE, False),
    ("Chủ tịch Hội Nông dân", StaffCategory.CADRE, False),
    ("Chỉ huy trưởng Quân sự", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Văn phòng - Thống kê", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Địa chính - Xây dựng", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Tài chính - Kế toán", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Tư pháp - Hộ tịch", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Văn hóa - Xã hội", StaffCategory.CIVIL_SERVANT, False),
]
COMMUNE_EXTRA = [
    ("Viên chức Trạm Y tế", StaffCategory.PUBLIC_EMPLOYEE, False),
    ("Giáo viên Trường Tiểu học", StaffCategory.PUBLIC_EMPLOYEE, False),
    ("Nhân viên bộ phận một cửa", StaffCategory.CONTRACT, False),
    ("Bảo vệ", StaffCategory.CONTRACT, False),
    ("Công chức Văn phòng - Thống kê", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Địa chính - Xây dựng", StaffCategory.CIVIL_SERVANT, False),
]
DEPT_POSTS = [
    ("Trưởng phòng", StaffCategory.CIVIL_SERVANT, True),
    ("Phó Trưởng phòng", StaffCategory.CIVIL_SERVANT, True),
]
DEPT_EXTRA = [
    ("Chuyên viên", StaffCategory.CIVIL_SERVANT, False),
    ("Chuyên viên", StaffCategory.CIVIL_SERVANT, False),
    ("Cán sự", StaffCategory.CIVIL_SERVANT, False),
    ("Viên chức", StaffCategory.PUBLIC_EMPLOYEE, False),
    ("Nhân viên hợp đồng", StaffCategory.CONTRACT, False),
]
RANKS = {
    StaffCategory.CADRE: "",
    StaffCategory.CIVIL_SERVANT: "Chuyên viên (01.003)",
    StaffCategory.PUBLIC_EMPLOYEE: "Viên chức hạng III",
    StaffCategory.CONTRACT: "",
}


def random_name(rng: random.Random) -> tuple[str, str]:
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    if gender == Gender.MALE:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    else:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"
    return nfc(name), gender


def _unit(code, name, level, parent=None, **extra) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = Unit(code=code)
    unit.name, unit.level, unit.parent = name, level, parent
    for key, value in extra.items():
        setattr(unit, key, value)
    unit.save()
    return unit


def _staff_rows(
    rng: random.Random, unit: Unit, prefix: str, posts, extra, count: int, serial_start: int
):
    rows = []
    plan = list(posts) + [rng.choice(extra) for _ in range(max(0, count - len(posts)))]
    for i, (position, category, leader) in enumerate(plan):
        name, gender = random_name(rng)
        born = dt.date(rng.randint(1962, 1998), rng.randint(1, 12), rng.randint(1, 28))
        joined = dt.date(max(born.year + 22, rng.randint(1990, 2018)), rng.randint(1, 12), 1)
        rows.append(
            Staff(
                code=f"{prefix}{serial_start + i:05d}",
                full_name=name,
                name_key=search_key(name),
                unit=unit,
                category=category,
                position=position,
                is_leader=leader,
                rank=RANKS[category],
                date_of_birth=born,
                gender=gender,
                status=StaffStatus.ACTIVE,
                joined_on=joined,
            )
        )
    return rows


def _bulk_missing(rows: list[Staff]) -> int:
    existing = set(
        Staff.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True)
    )
    missing = [r for r in rows if r.code not in existing]
    Staff.objects.bulk_create(missing, batch_size=2000)
    return len(missing)


def _users(units: list[Unit], stdout) -> None:
    groups = ensure_roles()
    User = get_user_model()
    password_hash = make_password(settings.DEMO_PASSWORD)
    plain = [("admin", "admin"), ("inspector", "inspector"), ("hr", "hr"), ("auditor", "auditor")]
    existing = set(User.objects.values_list("username", flat=True))
    for username, role in plain:
        if username in existing:
            continue
        user = User.objects.create(
            username=username,
            password=password_hash,
            is_staff=True,
            is_superuser=(role == "admin"),
            first_name=role.capitalize(),
        )
        user.groups.add(groups[role])
    heads = []
    for unit in units:
        username = f"head-{unit.code.lower()}"
        if username not in existing:
            heads.append(
                User(
                    username=username,
                    password=password_hash,
                    is_staff=True,
                    first_name=unit.name[:150],
                )
            )
    User.objects.bulk_create(heads, batch_size=1000)
    created = {u.username: u for u in User.objects.filter(username__in=[h.username for h in heads])}
    by_code = {f"head-{u.code.lower()}": u for u in units}
    UnitHead.objects.bulk_create(
        [UnitHead(user=user, unit=by_code[name]) for name, user in created.items()]
    )
    group = Group.objects.get(name="unit_head")
    group.user_set.add(*created.values())
    stdout.write(
        f"  users: admin, inspector, hr, auditor, {len(units)} unit heads (password from "
        "DEMO_PASSWORD)"
    )


def seed(*, scale: str, rng: random.Random, stdout, size: int = 1) -> None:
    if scale == "province":
        _seed_province(rng, stdout, districts=15 * size, staff_total=50_000 * size)
        return
    province = _unit(*PROVINCE, UnitLevel.PROVINCE)
    district = _unit(
        *DISTRICT, UnitLevel.DISTRICT, province, valid_until=REFORM_DATE - dt.timedelta(days=1)
    )
    units = [province, district]
    staff_rows: list[Staff] = []
    serial = 1
    for i, (code, name) in enumerate(DEPARTMENTS):
        unit = _unit(
            code,
            name,
            UnitLevel.DEPARTMENT,
            district,
            sort_order=i,
            valid_until=REFORM_DATE - dt.timedelta(days=1),
        )
        units.append(unit)
        count = rng.randint(5, 15)
        staff_rows += _staff_rows(rng, unit, "DH", DEPT_POSTS, DEPT_EXTRA, count, serial)
        serial += count
    for i, (code, name) in enumerate(COMMUNES):
        unit = _unit(
            code,
            name,
            UnitLevel.COMMUNE,
            district,
            sort_order=100 + i,
            valid_until=REFORM_DATE - dt.timedelta(days=1),
        )
        units.append(unit)
        count = rng.randint(20, 40)
        staff_rows += _staff_rows(rng, unit, "DH", COMMUNE_POSTS, COMMUNE_EXTRA, count, serial)
        serial += count
    by_code = {u.code: u for u in units}
    for i, (code, name, merged) in enumerate(SUCCESSORS):
        new = _unit(
            code, name, UnitLevel.COMMUNE, province, sort_order=200 + i, valid_from=REFORM_DATE
        )
        units.append(new)
        for old_code in merged:
            old = by_code[old_code]
            if old.successor_id != new.pk:
                old.successor = new
                old.save()
    # A few people have left, so rosters and enrolment rules have something to show.
    for row in staff_rows[7::53]:
        row.status, row.left_on = StaffStatus.LEFT, dt.date(2019, rng.randint(3, 10), 1)
    created = _bulk_missing(staff_rows)
    stdout.write(f"  units: {len(units)}, staff created: {created} of {len(staff_rows)}")
    _users(units, stdout)
    _seed_present(province, [u for u in units if u.code in {c for c, _n, _m in SUCCESSORS}], stdout)


# --- The present day: the communes that succeeded Đạ Huoai's ---------------------------------

PRESENT_POSTS = [
    ("Bí thư Đảng ủy", StaffCategory.CADRE, True),
    ("Chủ tịch HĐND", StaffCategory.CADRE, True),
    ("Chủ tịch UBND", StaffCategory.CADRE, True),
    ("Phó Chủ tịch UBND", StaffCategory.CADRE, True),
    ("Chủ tịch Ủy ban MTTQ", StaffCategory.CADRE, True),
    ("Chánh Văn phòng HĐND và UBND", StaffCategory.CIVIL_SERVANT, True),
    ("Trưởng phòng Kinh tế", StaffCategory.CIVIL_SERVANT, True),
    ("Trưởng phòng Văn hóa - Xã hội", StaffCategory.CIVIL_SERVANT, True),
    ("Giám đốc Trung tâm Phục vụ hành chính công", StaffCategory.CIVIL_SERVANT, True),
    (
        "Công chức bộ phận một cửa, Trung tâm Phục vụ hành chính công",
        StaffCategory.CIVIL_SERVANT,
        False,
    ),
    (
        "Công chức bộ phận một cửa, Trung tâm Phục vụ hành chính công",
        StaffCategory.CIVIL_SERVANT,
        False,
    ),
    ("Công chức Văn phòng HĐND và UBND", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Phòng Kinh tế", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Phòng Văn hóa - Xã hội", StaffCategory.CIVIL_SERVANT, False),
]
PRESENT_EXTRA = [
    ("Công chức Văn phòng HĐND và UBND", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Phòng Kinh tế", StaffCategory.CIVIL_SERVANT, False),
    ("Công chức Phòng Văn hóa - Xã hội", StaffCategory.CIVIL_SERVANT, False),
    ("Viên chức Trạm Y tế", StaffCategory.PUBLIC_EMPLOYEE, False),
    ("Nhân viên hợp đồng", StaffCategory.CONTRACT, False),
]
# The province's inspectorate (the district ones were dissolved with the
# districts); its people are on the province unit's roster.
PRESENT_INSPECTORS = [
    ("Phó Chánh Thanh tra tỉnh", True),
    ("Thanh tra viên chính, Thanh tra tỉnh", False),
    ("Thanh tra viên, Thanh tra tỉnh", False),
    ("Thanh tra viên, Thanh tra tỉnh", False),
]
PRESENT_INSPECTOR_PREFIX = "LD-TTR-"


def _seed_present(province: Unit, successors: list[Unit], stdout) -> None:
    """Staff the successor communes and the provincial inspectorate (idempotent, codes ``LD-...``).

    Everyone joined their present unit on the reform date or, for a few
    recruits, later: there is no employment history per unit, and an earlier
    date would count them in 2019 figures of units that did not exist then.
    """
    rng = random.Random("present-staff")
    rows: list[Staff] = []
    # One recruit per commune joined two months ago (a newcomer for the rosters).
    recruit = max(REFORM_DATE, timezone.localdate() - dt.timedelta(days=60))
    for unit in successors:
        count = 22
        people = _staff_rows(rng, unit, "", PRESENT_POSTS, PRESENT_EXTRA, count, 1)
        for i, person in enumerate(people):
            person.code = f"{unit.code}-{i + 1:03d}"
            person.joined_on = recruit if i == count - 1 else REFORM_DATE
            if person.category == StaffCategory.CIVIL_SERVANT and not person.rank:
                person.rank = RANKS[StaffCategory.CIVIL_SERVANT]
        rows += people
    for i, (position, leader) in enumerate(PRESENT_INSPECTORS, start=1):
        name, gender = random_name(rng)
        rows.append(
            Staff(
                code=f"{PRESENT_INSPECTOR_PREFIX}{i:03d}",
                full_name=name,
                name_key=search_key(name),
                unit=province,
                category=StaffCategory.CIVIL_SERVANT,
                position=position,
                is_leader=leader,
                rank="Thanh tra viên chính (04.024)" if i <= 2 else "Thanh tra viên (04.025)",
                date_of_birth=dt.date(
                    rng.randint(1970, 1992), rng.randint(1, 12), rng.randint(1, 28)
                ),
                gender=gender,
                status=StaffStatus.ACTIVE,
                joined_on=REFORM_DATE,
            )
        )
    created = _bulk_missing(rows)
    stdout.write(
        f"  present day: staff of {len(successors)} successor communes and the provincial "
        f"inspectorate, created {created}"
    )


def _seed_province(
    rng: random.Random, stdout, districts: int = 15, staff_total: int = 50_000
) -> None:
    province = _unit("P", "Tỉnh Mẫu", UnitLevel.PROVINCE)
    units = [province]
    for d in range(1, districts + 1):
        district = _unit(f"P-D{d:02d}", f"Huyện Mẫu {d}", UnitLevel.DISTRICT, province)
        units.append(district)
        for k in range(12):
            units.append(
                _unit(
                    f"P-D{d:02d}-P{k:02d}",
                    f"Phòng {k + 1} huyện {d}",
                    UnitLevel.DEPARTMENT,
                    district,
                )
            )
        for k in range(7):
            units.append(
                _unit(f"P-D{d:02d}-X{k:02d}", f"Xã {k + 1} huyện {d}", UnitLevel.COMMUNE, district)
            )
    leaves = [u for u in units if u.level in (UnitLevel.DEPARTMENT, UnitLevel.COMMUNE)]
    per_unit = staff_total // len(leaves)
    rows: list[Staff] = []
    serial = 1
    for unit in leaves:
        posts = DEPT_POSTS if unit.level == UnitLevel.DEPARTMENT else COMMUNE_POSTS
        extra = DEPT_EXTRA if unit.level == UnitLevel.DEPARTMENT else COMMUNE_EXTRA
        count = per_unit + (1 if serial <= staff_total % len(leaves) else 0)
        rows += _staff_rows(rng, unit, "P", posts, extra, count, serial)
        serial += count
    while len(rows) < staff_total:
        rows += _staff_rows(rng, leaves[0], "P", [], DEPT_EXTRA, 1, serial)
        serial += 1
    created = _bulk_missing(rows)
    stdout.write(f"  units: {len(units)}, staff created: {created}")
    _users(units, stdout)
