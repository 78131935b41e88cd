"""Seed the feedback category catalogue and the default 15-working-day target (editable in the admin)."""

import datetime as dt

from django.db import migrations

CATEGORIES = [
    ("attitude", "Thái độ hách dịch, cửa quyền, gây phiền hà", "Arrogant, obstructive or harassing attitude", 10),
    ("late_dossier", "Giải quyết hồ sơ trễ hẹn", "Dossier processed late", 20),
    ("extra_documents", "Yêu cầu giấy tờ ngoài quy định", "Documents asked beyond the published list", 30),
    ("absent", "Vắng mặt tại nơi làm việc không lý do", "Absent from post without reason", 40),
    ("hours", "Đi muộn, về sớm, không đúng lịch làm việc", "Late, leaving early or schedule not kept", 50),
    ("badge", "Không đeo thẻ công chức", "Name badge not worn", 60),
    ("procedures", "Thủ tục không niêm yết hoặc niêm yết không đúng", "Procedures not posted or out of date", 70),
    ("money", "Nhũng nhiễu, đòi hỏi tiền, quà", "Asking for money or gifts", 80),
    ("other", "Khác", "Other", 999),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("inspections", "FeedbackCategory")
    Target = apps.get_model("inspections", "FeedbackResponseTarget")
    for code, name, name_en, order in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort_order": order})
    Target.objects.get_or_create(
        valid_from=dt.date(2000, 1, 1),
        defaults={"working_days": 15, "note": "Chỉ tiêu nội bộ của địa phương (không phải quy định của luật)."},
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_feedback")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
