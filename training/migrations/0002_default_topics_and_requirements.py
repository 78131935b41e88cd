"""Default topic catalogue and the annual requirement of Decree 101/2017 (docs/rules.md).

Decree 101/2017 required at least 40 periods (30 hours) of refresher training a
year of cadres, civil servants and public employees; Decree 89/2021 removed the
quota from 2021-12-10, so rows are created for 2018-2021 only. Later years have
no requirement unless the administrator adds one (a local target). All rows are
data, editable in the admin; existing rows are never overwritten.
"""

from decimal import Decimal

from django.db import migrations

TOPICS = [
    ("iso9001", "ISO 9001:2015", 10),
    ("state-management", "Quản lý nhà nước", 20),
    ("professional", "Kỹ năng, nghiệp vụ chuyên môn", 30),
    ("it", "Công nghệ thông tin, văn phòng điện tử", 40),
    ("ethics", "Đạo đức công vụ, văn hóa giao tiếp với Nhân dân", 50),
    ("political-theory", "Lý luận chính trị", 60),
    ("foreign-language", "Ngoại ngữ", 70),
    ("defence-security", "Quốc phòng và an ninh", 80),
    ("leadership", "Lãnh đạo, quản lý", 90),
]
CATEGORIES = ["cadre", "civil_servant", "public_employee"]
YEARS = range(2018, 2022)
SOURCE = "Nghị định 101/2017/NĐ-CP: tối thiểu 01 tuần (40 tiết)/năm; bãi bỏ từ 10/12/2021 (Nghị định 89/2021/NĐ-CP)"


def forwards(apps, schema_editor):
    from core.text import search_key

    Topic = apps.get_model("training", "TrainingTopic")
    Requirement = apps.get_model("training", "TrainingRequirement")
    for code, name, order in TOPICS:
        Topic.objects.get_or_create(code=code, defaults={"name": name, "name_key": search_key(name), "sort_order": order})
    for year in YEARS:
        for category in CATEGORIES:
            Requirement.objects.get_or_create(
                year=year, category=category, position="",
                defaults={"hours": Decimal("30.00"), "periods": Decimal("40.00"), "source": SOURCE},
            )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
